//! Web addresses as course files and xAPI statements use them: checked by
//! shape alone (whether they resolve is the author's business).

/// An absolute IRI: a scheme, a colon, and no spaces (what xAPI needs of
/// ids; whether it resolves is the author's business).
pub fn is_iri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c))
}

/// An `http://` or `https://` URL with a host.
pub fn is_url(s: &str) -> bool {
    is_iri(s)
        && ["http://", "https://"].iter().any(|p| {
            s.strip_prefix(p)
                .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        })
}

/// `https://host:port` of a URL: what a Content-Security-Policy names.
pub fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris_and_urls() {
        assert!(is_iri("urn:sandlab:xapi:engine"));
        assert!(is_iri("https://example.edu/courses/wasm"));
        assert!(!is_iri("wasm-from-scratch/add"));
        assert!(!is_iri("https://example.edu/a b"));
        assert!(!is_iri("1http://x"));
        assert!(is_url("https://example.edu"));
        assert!(!is_url("urn:x:y"));
        assert!(!is_url("https:///nohost"));
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin("https://lrs.example.edu:8443/xAPI/"),
            "https://lrs.example.edu:8443"
        );
        assert_eq!(origin("http://127.0.0.1:9000"), "http://127.0.0.1:9000");
    }
}
