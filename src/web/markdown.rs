//! Lab instructions, Markdown to safe HTML.
//!
//! Labs are written by instructors, but a lab file is still input: raw HTML
//! in the Markdown is shown as text, links keep only safe schemes, and
//! images from elsewhere become their alt text so a page never loads
//! anything from the network. An image of the lab's own folder (a relative
//! path that stays inside the course) is shown, from the site's `files/`.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// Renders Markdown to HTML that cannot run script or load remote content.
pub fn to_safe_html(markdown: &str) -> String {
    to_safe_html_in(markdown, None)
}

/// [`to_safe_html`] for a lab's instructions, whose folder is `dir` (in the
/// courses' files): its own images are shown.
pub fn to_safe_html_in(markdown: &str, dir: Option<&str>) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut showing_image = false;
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        // Raw HTML becomes visible text.
        Event::Html(html) | Event::InlineHtml(html) => Some(Event::Text(html)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Some(Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        })),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => match dir.and_then(|d| own_image(d, &dest_url)) {
            Some(src) => {
                showing_image = true;
                Some(Event::Start(Tag::Image {
                    link_type,
                    dest_url: CowStr::from(src),
                    title,
                    id,
                }))
            }
            // Images from elsewhere would be fetched from wherever they
            // point: dropping the tags leaves their alt text.
            None => None,
        },
        Event::End(TagEnd::Image) if showing_image => {
            showing_image = false;
            Some(Event::End(TagEnd::Image))
        }
        Event::End(TagEnd::Image) => None,
        other => Some(other),
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Where the site serves the image `url` of a lab in `dir`: a relative
/// path to an image file that, resolved, stays inside the courses' files.
fn own_image(dir: &str, url: &str) -> Option<String> {
    if url.contains(':') || url.starts_with('/') || url.contains(['?', '#', '\\']) {
        return None;
    }
    let lower = url.to_ascii_lowercase();
    if ![".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in url.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(format!("files/{}", parts.join("/")))
}

/// Keeps http(s), mailto, in-page and relative links; anything else
/// (`javascript:`, `data:`, `vbscript:`…) becomes a dead link.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s);
    let safe = match scheme {
        None => true,
        Some(s) if s.contains('/') || s.contains('#') || s.contains('?') => true,
        Some("http" | "https" | "mailto") => true,
        Some(_) => false,
    };
    if safe { url } else { CowStr::Borrowed("#") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_ordinary_markdown() {
        let html = to_safe_html(
            "# Title\n\nSome `code` and a [link](https://example.org).\n\n```wat\n(module)\n```\n",
        );
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<code>code</code>"));
        assert!(html.contains(r#"<a href="https://example.org">link</a>"#));
        assert!(html.contains("<pre><code class=\"language-wat\">(module)"));
    }

    #[test]
    fn raw_html_and_script_are_text() {
        let html =
            to_safe_html("<script>alert(1)</script>\n\nHi <img src=x onerror=alert(2)> there\n");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn dangerous_links_are_neutralised() {
        for link in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
        ] {
            let html = to_safe_html(&format!("[click]({link})")).to_ascii_lowercase();
            let hrefs: Vec<&str> = html.split("href=\"").skip(1).collect();
            assert!(hrefs.iter().all(|h| h.starts_with('#')), "{link}: {html}");
        }
        for link in [
            "https://a.b/c",
            "mailto:x@y.z",
            "#section",
            "other/page.md",
            "/abs",
        ] {
            let html = to_safe_html(&format!("[ok]({link})"));
            assert!(
                !html.contains(r##"href="#""##) || link == "#section",
                "{link}: {html}"
            );
        }
    }

    #[test]
    fn a_labs_own_images_show_and_others_stay_alt_text() {
        let html = to_safe_html_in(
            "![the stack](img/stack.png) ![up](../shared/logo.svg) ![out](../../../etc/x.png) ![pixel](https://t.example/p.png) ![a page](notes.html)",
            Some("course/first-lab"),
        );
        assert!(
            html.contains(r#"<img src="files/course/first-lab/img/stack.png" alt="the stack""#),
            "{html}"
        );
        assert!(
            html.contains(r#"<img src="files/course/shared/logo.svg" alt="up""#),
            "{html}"
        );
        assert_eq!(html.matches("<img").count(), 2, "{html}");
        for alt in ["out", "pixel", "a page"] {
            assert!(html.contains(alt), "{alt}: {html}");
        }
    }

    #[test]
    fn images_become_alt_text() {
        let html = to_safe_html("![a diagram](https://tracker.example/pixel.png)");
        assert!(
            !html.contains("<img") && html.contains("a diagram"),
            "{html}"
        );
    }
}
