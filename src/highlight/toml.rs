//! A TOML lexer for highlighting, which syntect's default grammars lack:
//! comments, table headers, keys, strings (multi-line ones too), numbers
//! and dates, booleans. It never fails: what it does not know is plain.

use super::{Kind, Tokens};

/// Which multi-line string a line starts inside, if any.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    Basic,
    Literal,
}

/// Lexes `code` into `out`.
pub(super) fn lex(code: &str, out: &mut Tokens) {
    let mut at = 0;
    let mut open = None;
    for line in code.split_inclusive('\n') {
        open = lex_line(line, at, open, out);
        out.end_line();
        at += line.len();
    }
    out.finish();
}

/// Lexes one line that starts at byte `base`, inside the multi-line string
/// `open` if any; the string still open at its end.
fn lex_line(line: &str, base: usize, open: Option<Open>, out: &mut Tokens) -> Option<Open> {
    let bytes = line.as_bytes();
    let mut i = 0;
    // The line ends a multi-line string, or is all of it.
    if let Some(kind) = open {
        let close = if kind == Open::Basic { "\"\"\"" } else { "'''" };
        match find_close(line, 0, close, kind == Open::Basic) {
            Some(end) => {
                out.push(Some(Kind::String), base..base + end);
                i = end;
            }
            None => {
                out.push(Some(Kind::String), base..base + line.len());
                return Some(kind);
            }
        }
    }
    // Before `=` on a line that starts with a key, words are keys.
    let mut in_key = i == 0 && !line.trim_start().starts_with('[');
    while i < bytes.len() {
        let rest = &line[i..];
        let c = rest.chars().next().unwrap_or(' ');
        let start = base + i;
        if c == '#' {
            out.push(
                Some(Kind::Comment),
                start..base + line.trim_end_matches(['\n', '\r']).len(),
            );
            i = line.trim_end_matches(['\n', '\r']).len();
        } else if c == '[' && line[..i].trim().is_empty() {
            // A table header: `[table]` or `[[array]]`, to its last `]`.
            let end = rest.find(']').map_or(rest.len(), |e| {
                e + 1 + usize::from(rest[e + 1..].starts_with(']'))
            });
            out.push(Some(Kind::Tag), start..start + end);
            i += end;
        } else if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
            let basic = c == '"';
            let close = if basic { "\"\"\"" } else { "'''" };
            match find_close(line, i + 3, close, basic) {
                Some(end) => {
                    out.push(Some(Kind::String), start..base + end);
                    i = end;
                }
                None => {
                    out.push(Some(Kind::String), start..base + line.len());
                    return Some(if basic { Open::Basic } else { Open::Literal });
                }
            }
        } else if c == '"' || c == '\'' {
            let end = find_close(line, i + 1, &c.to_string(), c == '"')
                .unwrap_or(line.trim_end_matches(['\n', '\r']).len());
            let kind = if in_key {
                Kind::Attribute
            } else {
                Kind::String
            };
            out.push(Some(kind), start..base + end);
            i = end;
        } else if c == '=' {
            out.push(Some(Kind::Operator), start..start + 1);
            in_key = false;
            i += 1;
        } else if is_bare(c) {
            let len = rest
                .find(|c: char| !is_bare(c) && !matches!(c, ':' | '.' | '+'))
                .unwrap_or(rest.len());
            // Keys stop at a dot; values such as dates and floats do not.
            let len = if in_key {
                rest.find(|c: char| !is_bare(c)).unwrap_or(len)
            } else {
                len
            };
            let word = &rest[..len];
            let kind = if in_key {
                Some(Kind::Attribute)
            } else if matches!(word, "true" | "false" | "inf" | "nan" | "+inf" | "-inf") {
                Some(Kind::Constant)
            } else if word.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-') {
                Some(Kind::Number)
            } else {
                None
            };
            out.push(kind, start..start + len);
            i += len;
        } else {
            out.push(None, start..start + c.len_utf8());
            i += c.len_utf8();
        }
    }
    None
}

/// A character of a bare key or of a bare value (number, date, boolean).
fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+')
}

/// Where the string closed by `close` ends (after it), searching `line`
/// from `from`; backslash escapes count in basic strings only.
fn find_close(line: &str, from: usize, close: &str, escapes: bool) -> Option<usize> {
    let mut i = from;
    while i < line.len() {
        if escapes && line.as_bytes()[i] == b'\\' {
            i += 1 + line[i + 1..].chars().next().map_or(0, char::len_utf8);
            continue;
        }
        if line[i..].starts_with(close) {
            return Some(i + close.len());
        }
        i += line[i..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::{Kind, highlight};

    fn kinds(code: &str) -> Vec<(Option<Kind>, &str)> {
        highlight("toml", code)
            .unwrap()
            .iter()
            .map(|t| (t.kind, &code[t.range.clone()]))
            .collect()
    }

    #[test]
    fn tables_keys_values_and_comments() {
        let found = kinds(
            "[package] # the crate\nname = \"bindery\"\nversion.major = 1\nok = true\n[[bin]]\n",
        );
        assert!(found.contains(&(Some(Kind::Tag), "[package]")));
        assert!(found.contains(&(Some(Kind::Comment), "# the crate")));
        assert!(found.contains(&(Some(Kind::Attribute), "name")));
        assert!(found.contains(&(Some(Kind::String), "\"bindery\"")));
        assert!(found.contains(&(Some(Kind::Attribute), "version")));
        assert!(found.contains(&(Some(Kind::Number), "1")));
        assert!(found.contains(&(Some(Kind::Constant), "true")));
        assert!(found.contains(&(Some(Kind::Tag), "[[bin]]")));
    }

    #[test]
    fn a_multi_line_string_spans_its_lines() {
        let found = kinds("s = \"\"\"\nline # not a comment\n\"\"\" # a comment\n");
        assert!(found.contains(&(Some(Kind::String), "line # not a comment\n")));
        assert!(found.contains(&(Some(Kind::Comment), "# a comment")));
    }

    #[test]
    fn odd_input_never_panics_and_covers_the_text() {
        for code in ["\"", "'''", "[", "a = \"\\", "é = ü\n", "x = 'é"] {
            let covered: usize = highlight("toml", code)
                .unwrap()
                .iter()
                .map(|t| t.range.len())
                .sum();
            assert_eq!(covered, code.len(), "{code:?}");
        }
    }
}
