//! A small line diff for showing a learner how their output differs.

/// A unified-style diff of `expected` against `actual`: lines kept as
/// `  line`, missing as `- line`, extra as `+ line`. Long unchanged stretches
/// are elided so the difference stays in view.
pub fn line_diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    // LCS is quadratic; past this size show the first difference only.
    const MAX_CELLS: usize = 4_000_000;
    let ops = if (a.len() + 1) * (b.len() + 1) <= MAX_CELLS {
        lcs_ops(&a, &b)
    } else {
        first_difference_ops(&a, &b)
    };
    render(&ops)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op<'a> {
    Same(&'a str),
    Missing(&'a str),
    Extra(&'a str),
}

fn lcs_ops<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Op<'a>> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[at(i, j)] = if a[i] == b[j] {
                table[at(i + 1, j + 1)] + 1
            } else {
                table[at(i + 1, j)].max(table[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::new();
    while i < n && j < m {
        if a[i] == b[j] {
            ops.push(Op::Same(a[i]));
            i += 1;
            j += 1;
        } else if table[at(i + 1, j)] >= table[at(i, j + 1)] {
            ops.push(Op::Missing(a[i]));
            i += 1;
        } else {
            ops.push(Op::Extra(b[j]));
            j += 1;
        }
    }
    ops.extend(a[i..].iter().map(|l| Op::Missing(l)));
    ops.extend(b[j..].iter().map(|l| Op::Extra(l)));
    ops
}

fn first_difference_ops<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Op<'a>> {
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let mut ops: Vec<Op<'a>> = a[..same].iter().map(|l| Op::Same(l)).collect();
    ops.extend(a.get(same).map(|l| Op::Missing(l)));
    ops.extend(b.get(same).map(|l| Op::Extra(l)));
    ops
}

fn render(ops: &[Op<'_>]) -> String {
    const CONTEXT: usize = 2;
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Same(_)))
        .map(|(i, _)| i)
        .collect();
    let near = |i: usize| changed.iter().any(|&c| c.abs_diff(i) <= CONTEXT);
    let mut out = String::new();
    let mut skipped = 0usize;
    for (i, op) in ops.iter().enumerate() {
        if matches!(op, Op::Same(_)) && !near(i) {
            skipped += 1;
            continue;
        }
        if skipped > 0 {
            out.push_str(&format!("  … {skipped} matching line(s)\n"));
            skipped = 0;
        }
        let (mark, line) = match op {
            Op::Same(l) => (' ', l),
            Op::Missing(l) => ('-', l),
            Op::Extra(l) => ('+', l),
        };
        out.push(mark);
        out.push(' ');
        out.push_str(line);
        out.push('\n');
    }
    if skipped > 0 {
        out.push_str(&format!("  … {skipped} matching line(s)\n"));
    }
    out
}

/// Output as text a learner can read: UTF-8 as it is, every byte that is
/// not UTF-8 escaped as `\xNN`, so they see what their program wrote rather
/// than a replacement character.
pub fn printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Output in double quotes, escaped as Rust shows strings, with bytes that
/// are not UTF-8 as `\xNN`.
pub(crate) fn quoted(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\'' => out.push('\''),
                c => out.extend(c.escape_debug()),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_output_reads_as_rust_debug_and_escapes_bad_bytes() {
        for text in [
            "plain",
            "a \"quote\"",
            "tab\there\nline",
            "it's",
            "back\\slash",
            "é ☃",
        ] {
            assert_eq!(quoted(text.as_bytes()), format!("{text:?}"), "{text}");
        }
        assert_eq!(quoted(b"caf\xe6"), "\"caf\\xe6\"");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_escaped() {
        assert_eq!(printable("héllo".as_bytes()), "héllo");
        assert_eq!(printable(b"caf\xe6!"), "caf\\xe6!");
        assert_eq!(printable(b"\xff\xfe"), "\\xff\\xfe");
    }

    #[test]
    fn marks_missing_and_extra_lines() {
        let d = line_diff("a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(d, "  a\n- b\n+ B\n  c\n");
    }

    #[test]
    fn elides_long_matching_runs() {
        let expected: String = (0..20).map(|i| format!("{i}\n")).collect();
        let actual = expected.replace("10\n", "ten\n");
        let d = line_diff(&expected, &actual);
        assert!(d.contains("- 10\n+ ten\n"), "{d}");
        assert!(d.contains("… 8 matching line(s)"), "{d}");
        assert!(!d.contains("  3\n"), "{d}");
    }

    #[test]
    fn huge_inputs_show_the_first_difference() {
        let expected: String = (0..3000).map(|i| format!("{i}\n")).collect();
        let actual = expected.replace("2500\n", "x\n");
        let d = line_diff(&expected, &actual);
        assert!(d.contains("- 2500\n+ x\n"), "{d}");
    }
}
