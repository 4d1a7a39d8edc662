//! mdBook's directives, expanded in a chapter's text before it is read as
//! Markdown: `{{#include file}}` (whole, a line range or an anchor),
//! `{{#rustdoc_include file}}` (the whole file, the lines outside the range
//! hidden), `{{#playground file}}` (a Rust code block) and `{{#title …}}`
//! (removed). `\{{#…}}` is kept as written, without its backslash.
//!
//! Files are named relative to the including file and read through a
//! [`Files`] the loader gives, which keeps them inside the book. What cannot
//! be included is a warning at the directive, whose text then stays in
//! place: nothing is dropped silently. [`Expanded::origin`] maps each line
//! of the result back to the line of the chapter it came from, so that
//! diagnostics name the chapter's own lines.

use super::inside;
use crate::error::{Diagnostic, Error, LineIndex, Place};
use std::path::{Path, PathBuf};

/// How deep includes may nest, as in mdBook.
pub const MAX_DEPTH: usize = 10;

/// The most text the includes of one chapter may add, in bytes: a
/// chapter's own limit. Ten levels of files that each include the next
/// twice would otherwise multiply a small text a thousandfold.
pub const MAX_INCLUDED: usize = 16 << 20;

/// Why a file named by a directive was not read.
#[derive(Debug)]
pub enum Unread {
    /// Nothing has that name in the book.
    Missing,
    /// The name leads out of the book's folder.
    Outside,
    /// The file is no regular file, too large or unreadable: an error.
    Refused(Error),
}

/// The file system as the expansion sees it: files named relative to the
/// book's folder, always inside it.
pub trait Files {
    /// The text of `file`.
    fn text(&mut self, file: &Path) -> Result<String, Unread>;
}

/// A chapter's text with its directives expanded.
#[derive(Debug, Clone, PartialEq)]
pub struct Expanded {
    /// The text to read as Markdown.
    pub text: String,
    /// For each line of `text` (the first at index 0), the line of the
    /// chapter it comes from: an included line comes from its directive's.
    pub origin: Vec<u32>,
    /// Directives that could not be expanded, at their place.
    pub warnings: Vec<Diagnostic>,
}

/// Expands the directives of `text`, the chapter `file` (relative to the
/// book's folder, as `files` names files). `place_of` gives the path
/// diagnostics name for a file.
pub fn expand(
    text: &str,
    file: &Path,
    files: &mut dyn Files,
    place_of: &dyn Fn(&Path) -> PathBuf,
) -> Result<Expanded, Error> {
    let mut expander = Expander {
        files,
        place_of,
        warnings: Vec::new(),
        stack: vec![file.to_path_buf()],
        included: 0,
    };
    let pieces = expander.pieces(text, file)?;
    // The result, and where each piece of it came from.
    let lines = LineIndex::new(text);
    let mut out = String::with_capacity(text.len());
    let mut origin = vec![1];
    for piece in pieces {
        match piece {
            Piece::Kept(range) => {
                let mut line = lines.line_col(range.start).0;
                for c in text[range].chars() {
                    out.push(c);
                    if c == '\n' {
                        line += 1;
                        origin.push(line);
                    }
                }
            }
            Piece::Put { text: put, line } => {
                for c in put.chars() {
                    out.push(c);
                    if c == '\n' {
                        origin.push(line);
                    }
                }
            }
        }
    }
    Ok(Expanded {
        text: out,
        origin,
        warnings: expander.warnings,
    })
}

/// A stretch of a file's text: kept as it is, or put in a directive's place.
enum Piece {
    Kept(std::ops::Range<usize>),
    Put { text: String, line: u32 },
}

struct Expander<'a> {
    files: &'a mut dyn Files,
    place_of: &'a dyn Fn(&Path) -> PathBuf,
    warnings: Vec<Diagnostic>,
    /// The files being expanded, outermost first, to catch a cycle.
    stack: Vec<PathBuf>,
    /// How many bytes the includes have added so far.
    included: usize,
}

impl Expander<'_> {
    /// The text of `file` with its directives expanded, as one string.
    fn expanded(&mut self, text: &str, file: &Path) -> Result<String, Error> {
        let mut out = String::with_capacity(text.len());
        for piece in self.pieces(text, file)? {
            match piece {
                Piece::Kept(range) => out.push_str(&text[range]),
                Piece::Put { text, .. } => out.push_str(&text),
            }
        }
        Ok(out)
    }

    /// Splits `text` (of `file`) into kept stretches and expansions.
    fn pieces(&mut self, text: &str, file: &Path) -> Result<Vec<Piece>, Error> {
        let lines = LineIndex::new(text);
        let mut pieces = Vec::new();
        let mut kept = 0;
        let mut at = 0;
        while let Some(found) = text[at..].find("{{") {
            let start = at + found;
            let escaped = start > 0 && text.as_bytes()[start - 1] == b'\\';
            if escaped {
                // mdBook's rule: `\{{#…}}` up to the line's last `}}` is
                // text, shown without the backslash.
                let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
                if text[start..].starts_with("{{#")
                    && let Some(close) = text[start..line_end].rfind("}}")
                {
                    pieces.push(Piece::Kept(kept..start - 1));
                    kept = start;
                    at = start + close + 2;
                } else {
                    at = start + 2;
                }
                continue;
            }
            let Some(directive) = Directive::parse(&text[start..]) else {
                at = start + 2;
                continue;
            };
            let end = start + directive.len;
            let (line, col) = lines.line_col(start);
            let place = Place::at((self.place_of)(file), line, col);
            let put = match self.expansion(&directive, file, place)? {
                Some(put) => put,
                None => text[start..end].to_string(),
            };
            pieces.push(Piece::Kept(kept..start));
            pieces.push(Piece::Put { text: put, line });
            kept = end;
            at = end;
        }
        pieces.push(Piece::Kept(kept..text.len()));
        Ok(pieces)
    }

    /// What takes the directive's place; `None` when it cannot be expanded
    /// (with a warning), and its text stays.
    fn expansion(
        &mut self,
        directive: &Directive<'_>,
        file: &Path,
        place: Place,
    ) -> Result<Option<String>, Error> {
        let (target, range) = match directive.kind {
            Kind::Title => return Ok(Some(String::new())),
            Kind::Playground => (directive.path(), None),
            Kind::Include | Kind::RustdocInclude => {
                let (target, range) = directive
                    .path()
                    .split_once(':')
                    .map_or((directive.path(), None), |(target, range)| {
                        (target, Some(Range::parse(range)))
                    });
                (target, range)
            }
        };
        let folder = file.parent().unwrap_or(Path::new(""));
        let warn = |code: &'static str, message: String, hint: &str| {
            Diagnostic::warning(code, Some(place.clone()), message).with_hint(hint)
        };
        let read = match inside(folder, target) {
            None => Err(Unread::Outside),
            Some(path) => {
                if self.stack.contains(&path) {
                    self.warnings.push(warn(
                        "include-cycle",
                        format!("`{target}` includes itself, through the files it includes"),
                        "remove one of the includes that lead back to this file",
                    ));
                    return Ok(None);
                }
                if self.stack.len() > MAX_DEPTH {
                    self.warnings.push(warn(
                        "include-too-deep",
                        format!(
                            "`{target}` is more than {MAX_DEPTH} includes deep and is not included"
                        ),
                        "include the files' text more directly",
                    ));
                    return Ok(None);
                }
                self.files.text(&path).map(|content| (path, content))
            }
        };
        let (path, content) = match read {
            Ok(found) => found,
            Err(Unread::Missing) => {
                self.warnings.push(warn(
                    "missing-include",
                    format!("the included file `{target}` does not exist"),
                    "check the path; it is relative to the file that includes it",
                ));
                return Ok(None);
            }
            Err(Unread::Outside) => {
                self.warnings.push(warn(
                    "include-outside",
                    format!("`{target}` is outside the book's folder and is not included"),
                    "copy the file into the book's folder; includes are relative to the file that includes them",
                ));
                return Ok(None);
            }
            Err(Unread::Refused(error)) => return Err(error),
        };
        let taken = match (&directive.kind, &range) {
            (_, Some(Range::Anchor(name))) if !has_anchor(&content, name) => {
                self.warnings.push(warn(
                    "missing-anchor",
                    format!("`{target}` has no anchor `{name}`"),
                    "mark the lines with ANCHOR: name and ANCHOR_END: name",
                ));
                return Ok(None);
            }
            (Kind::RustdocInclude, range) => rustdoc_lines(&content, range.as_ref()),
            (_, Some(range)) => range.take(&content),
            (_, None) => content,
        };
        self.included = self.included.saturating_add(taken.len());
        if self.included > MAX_INCLUDED {
            self.warnings.push(warn(
                "include-too-large",
                format!(
                    "`{target}` is not included: the chapter's includes would add more than {} MiB",
                    MAX_INCLUDED >> 20
                ),
                "include less, or split the chapter",
            ));
            return Ok(None);
        }
        self.stack.push(path.clone());
        let expanded = self.expanded(&taken, &path);
        self.stack.pop();
        let expanded = expanded?;
        Ok(Some(match directive.kind {
            Kind::Playground => {
                let attributes: Vec<&str> = directive.args.split_whitespace().skip(1).collect();
                let info = if attributes.is_empty() {
                    "rust".to_string()
                } else {
                    format!("rust,{}", attributes.join(","))
                };
                format!("```{info}\n{}\n```", expanded.trim_end_matches('\n'))
            }
            _ => expanded,
        }))
    }
}

/// The directives bindery expands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Include,
    RustdocInclude,
    Playground,
    Title,
}

/// A directive found in a text: `{{#kind args}}`.
#[derive(Debug)]
struct Directive<'a> {
    kind: Kind,
    args: &'a str,
    /// Its length in bytes, from `{{` to `}}`.
    len: usize,
}

impl<'a> Directive<'a> {
    /// Reads the directive `text` starts with, by mdBook's pattern: `{{`,
    /// spaces, `#`, a name of letters, digits and `_`, at least one space,
    /// arguments without `}`, then `}}`. Other names are left as text.
    fn parse(text: &'a str) -> Option<Directive<'a>> {
        let rest = text.strip_prefix("{{")?;
        let rest = rest.trim_start().strip_prefix('#')?;
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (name, rest) = rest.split_at(name_len);
        if !rest.starts_with(char::is_whitespace) {
            return None;
        }
        let close = rest.find('}')?;
        if !rest[close..].starts_with("}}") {
            return None;
        }
        let args = rest[..close].trim();
        let kind = match name {
            "include" => Kind::Include,
            "rustdoc_include" => Kind::RustdocInclude,
            "playground" => Kind::Playground,
            "title" => Kind::Title,
            _ => return None,
        };
        if args.is_empty() {
            return None;
        }
        let len = text.len() - rest.len() + close + 2;
        Some(Directive { kind, args, len })
    }

    /// The file part of the arguments: up to the first space.
    fn path(&self) -> &'a str {
        self.args.split_whitespace().next().unwrap_or("")
    }
}

/// Which lines of a file to include.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Range {
    /// Lines `from` to `to` (counted from 0, `to` excluded); either end open.
    Lines {
        from: Option<usize>,
        to: Option<usize>,
    },
    /// The lines between `ANCHOR: name` and `ANCHOR_END: name`.
    Anchor(String),
}

impl Range {
    /// Reads what follows the file's `:`: `N` (line N), `N:M`, `N:`, `:M`,
    /// an empty range (the whole file), or an anchor's name.
    fn parse(text: &str) -> Range {
        let (first, second) = match text.split_once(':') {
            Some((first, second)) => (first, Some(second)),
            None => (text, None),
        };
        let from = first.trim().parse::<usize>().ok();
        if from.is_none() && !first.trim().is_empty() {
            return Range::Anchor(text.trim().to_string());
        }
        let from = from.map(|n| n.saturating_sub(1));
        let to = match second {
            None => from.map(|n| n + 1),
            Some(second) => second.trim().parse::<usize>().ok(),
        };
        Range::Lines { from, to }
    }

    /// The included lines of `content`, joined by newlines (without a last
    /// one, as mdBook does).
    fn take(&self, content: &str) -> String {
        match self {
            Range::Lines { from, to } => {
                let from = from.unwrap_or(0);
                let to = to.unwrap_or(usize::MAX);
                let lines: Vec<&str> = content
                    .lines()
                    .skip(from)
                    .take(to.saturating_sub(from))
                    .collect();
                lines.join("\n")
            }
            Range::Anchor(name) => {
                let marked = anchored(content, name);
                let lines: Vec<&str> = content
                    .lines()
                    .zip(marked)
                    .filter(|(line, inside)| *inside && !is_anchor_line(line))
                    .map(|(line, _)| line)
                    .collect();
                lines.join("\n")
            }
        }
    }
}

/// The whole file for `rustdoc_include`: the lines outside `range` start
/// with `# `, so that they are hidden as Rust lines; anchor lines are left out.
fn rustdoc_lines(content: &str, range: Option<&Range>) -> String {
    let shown: Vec<bool> = match range {
        None => vec![true; content.lines().count()],
        Some(Range::Lines { from, to }) => (0..content.lines().count())
            .map(|i| i >= from.unwrap_or(0) && i < to.unwrap_or(usize::MAX))
            .collect(),
        Some(Range::Anchor(name)) => anchored(content, name),
    };
    let lines: Vec<String> = content
        .lines()
        .zip(shown)
        .filter(|(line, _)| !is_anchor_line(line))
        .map(|(line, shown)| {
            if shown {
                line.to_string()
            } else {
                format!("# {line}")
            }
        })
        .collect();
    lines.join("\n")
}

/// The anchor name a line opens (`ANCHOR: name`) or closes (`ANCHOR_END: name`).
fn anchor_mark<'a>(line: &'a str, mark: &str) -> Option<&'a str> {
    let at = line.find(mark)?;
    let rest = line[at + mark.len()..].trim_start();
    let len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    (len > 0).then(|| &rest[..len])
}

fn is_anchor_line(line: &str) -> bool {
    anchor_mark(line, "ANCHOR:").is_some() || anchor_mark(line, "ANCHOR_END:").is_some()
}

fn has_anchor(content: &str, name: &str) -> bool {
    content
        .lines()
        .any(|line| anchor_mark(line, "ANCHOR:") == Some(name))
}

/// For each line of `content`, whether it lies between `ANCHOR: name` and
/// the next `ANCHOR_END: name` (or the end of the file).
fn anchored(content: &str, name: &str) -> Vec<bool> {
    let mut inside = false;
    content
        .lines()
        .map(|line| {
            if inside && anchor_mark(line, "ANCHOR_END:") == Some(name) {
                inside = false;
            } else if !inside && anchor_mark(line, "ANCHOR:") == Some(name) {
                inside = true;
            }
            inside
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    struct Memory(BTreeMap<PathBuf, String>);

    impl Files for Memory {
        fn text(&mut self, file: &Path) -> Result<String, Unread> {
            self.0.get(file).cloned().ok_or(Unread::Missing)
        }
    }

    const CODE: &str = "fn main() {\n    // ANCHOR: body\n    let x = 1;\n    // ANCHOR: inner\n    \
                        let y = 2;\n    // ANCHOR_END: inner\n    // ANCHOR_END: body\n}\n";

    fn expand_in(text: &str, files: &[(&str, &str)]) -> Expanded {
        let mut memory = Memory(
            files
                .iter()
                .map(|(name, text)| (PathBuf::from(name), text.to_string()))
                .collect(),
        );
        expand(text, Path::new("src/a.md"), &mut memory, &|p| {
            p.to_path_buf()
        })
        .expect("no refusals in memory")
    }

    fn included(directive: &str) -> String {
        expand_in(directive, &[("src/code.rs", CODE)]).text
    }

    #[test]
    fn ranges_of_lines() {
        assert_eq!(included("{{#include code.rs:1}}"), "fn main() {");
        assert_eq!(included("{{#include code.rs::1}}"), "fn main() {");
        assert_eq!(included("{{#include code.rs:8:}}"), "}");
        assert_eq!(included("{{#include code.rs:3:3}}"), "    let x = 1;");
        assert_eq!(included("{{#include code.rs:}}"), CODE.trim_end());
        assert_eq!(included("{{#include code.rs}}"), CODE);
    }

    #[test]
    fn anchors_leave_out_every_anchor_line() {
        assert_eq!(
            included("{{#include code.rs:body}}"),
            "    let x = 1;\n    let y = 2;"
        );
        assert_eq!(included("{{ #include code.rs:inner }}"), "    let y = 2;");
    }

    #[test]
    fn rustdoc_include_hides_the_lines_outside() {
        assert_eq!(
            included("{{#rustdoc_include code.rs:inner}}"),
            "# fn main() {\n#     let x = 1;\n    let y = 2;\n# }"
        );
        assert_eq!(
            included("{{#rustdoc_include code.rs:3}}"),
            "# fn main() {\n    let x = 1;\n#     let y = 2;\n# }"
        );
    }

    #[test]
    fn playground_is_a_rust_block_and_title_goes() {
        assert_eq!(
            expand_in(
                "{{#playground p.rs editable}}",
                &[("src/p.rs", "fn f() {}\n")]
            )
            .text,
            "```rust,editable\nfn f() {}\n```"
        );
        assert_eq!(expand_in("a{{#title The Title}}b", &[]).text, "ab");
    }

    #[test]
    fn escapes_and_unknown_directives_stay_as_text() {
        assert_eq!(
            expand_in("\\{{#include code.rs}} and {{#toc}} {{#foo bar}}", &[]).text,
            "{{#include code.rs}} and {{#toc}} {{#foo bar}}"
        );
    }

    #[test]
    fn failures_keep_the_directive_and_warn_at_it() {
        let cases = [
            ("x\n{{#include none.rs}}", "missing-include"),
            ("x\n{{#include code.rs:nowhere}}", "missing-anchor"),
            ("x\n{{#include ../../etc/passwd}}", "include-outside"),
            ("x\n{{#include a.md}}", "include-cycle"),
        ];
        for (text, code) in cases {
            let out = expand_in(text, &[("src/code.rs", CODE), ("src/a.md", text)]);
            assert_eq!(out.text, text, "{code}");
            let codes: Vec<(&str, Option<u32>)> = out
                .warnings
                .iter()
                .map(|w| (w.code, w.place.as_ref().and_then(|p| p.line)))
                .collect();
            assert_eq!(codes, vec![(code, Some(2))], "{text}");
        }
    }

    #[test]
    fn includes_nest_relative_to_each_file_and_cycles_stop() {
        let out = expand_in(
            "{{#include sub/b.md}}",
            &[
                ("src/sub/b.md", "b {{#include c.md}}"),
                ("src/sub/c.md", "c {{#include ../sub/b.md}}"),
            ],
        );
        assert_eq!(out.text, "b c {{#include ../sub/b.md}}");
        assert_eq!(out.warnings[0].code, "include-cycle");
        assert_eq!(
            out.warnings[0].place.as_ref().unwrap().file,
            Path::new("src/sub/c.md")
        );
    }

    #[test]
    fn includes_that_multiply_stop_at_the_limit() {
        let line = "x".repeat(1 << 20);
        let mut files = vec![("src/f0.md".to_string(), line)];
        for level in 1..MAX_DEPTH {
            let below = format!("{{{{#include f{}.md}}}}", level - 1);
            files.push((format!("src/f{level}.md"), format!("{below}\n{below}\n")));
        }
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let top = format!("{{{{#include f{}.md}}}}", MAX_DEPTH - 1);
        let out = expand_in(&top, &files);
        assert!(
            out.text.len() <= MAX_INCLUDED + top.len() * 4096,
            "{}",
            out.text.len()
        );
        assert!(out.warnings.iter().any(|w| w.code == "include-too-large"));
    }

    #[test]
    fn lines_after_an_include_keep_their_own_numbers() {
        let out = expand_in(
            "one\n{{#include code.rs}}\nthree\n",
            &[("src/code.rs", CODE)],
        );
        let three = out.text.lines().position(|l| l == "three").unwrap();
        assert_eq!(out.origin[three], 3);
        assert_eq!(out.origin[2], 2, "an included line is at its directive");
    }
}
