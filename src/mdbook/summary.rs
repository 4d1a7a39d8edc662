//! mdBook's `SUMMARY.md`: the book's reading order, read with
//! pulldown-cmark.
//!
//! mdBook's rules (its guide, `format/summary.md`): a level-one heading
//! before anything else is the summary's own title and is ignored; later
//! level-one headings are part titles; links in paragraphs are prefix
//! chapters (before the first list) or suffix chapters (after it); list
//! items are numbered chapters, nested as the lists are; a link with an
//! empty target is a draft chapter, listed without a file; a thematic
//! break is a separator. Anything else is ignored, with a warning.

use crate::error::{Diagnostic, LineIndex, Place};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::path::Path;

/// One entry of the summary, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A part title (`# Part`), above the numbered chapters after it.
    Part {
        /// The title as plain text.
        title: String,
        /// Its line in `SUMMARY.md`.
        line: u32,
    },
    /// A chapter: a link, in a list or not.
    Chapter {
        /// The link's text, the chapter's title in the contents.
        title: String,
        /// The link's target as written, relative to the `src` folder;
        /// `None` for a draft chapter.
        path: Option<String>,
        /// How deep the chapter is nested: 0 for a prefix or suffix
        /// chapter, 1 for an item of a top-level list, 2 below it…
        depth: usize,
        /// Its line in `SUMMARY.md`.
        line: u32,
    },
    /// A separator (`---`): a line in mdBook's sidebar, nothing in a book.
    Separator,
}

/// Reads the text of `SUMMARY.md`; `file` names it in warnings.
pub fn parse(text: &str, file: &Path) -> (Vec<Entry>, Vec<Diagnostic>) {
    let lines = LineIndex::new(text);
    let line_of = |offset: usize| lines.line_col(offset).0;
    let mut entries = Vec::new();
    let mut warnings = Vec::new();
    // How many lists are open, and the link being read, if any.
    let mut lists = 0usize;
    let mut link: Option<(Option<String>, String, u32)> = None;
    // A heading being read: its level and text.
    let mut heading: Option<(HeadingLevel, String, u32)> = None;
    let mut seen_anything = false;
    // Whether the open list item has had its link; text of items without one.
    let mut item_linked: Vec<bool> = Vec::new();
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, String::new(), line_of(range.start)));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, title, line)) = heading.take()
                    && level == HeadingLevel::H1
                    && seen_anything
                {
                    entries.push(Entry::Part {
                        title: title.trim().to_string(),
                        line,
                    });
                }
                seen_anything = true;
            }
            Event::Start(Tag::List(_)) => lists += 1,
            Event::End(TagEnd::List(_)) => lists = lists.saturating_sub(1),
            Event::Start(Tag::Item) => item_linked.push(false),
            Event::End(TagEnd::Item) if item_linked.pop() == Some(false) => {
                warnings.push(
                    Diagnostic::warning(
                        "mdbook-summary",
                        Some(Place::at(file, line_of(range.start), 1)),
                        "this item of SUMMARY.md holds no link and is ignored",
                    )
                    .with_hint("write each chapter as a link: - [Title](file.md)"),
                );
            }
            Event::Start(Tag::Link { dest_url, .. }) if heading.is_none() => {
                let dest = dest_url.trim();
                let path = (!dest.is_empty()).then(|| dest.to_string());
                link = Some((path, String::new(), line_of(range.start)));
            }
            Event::End(TagEnd::Link) => {
                if let Some((path, title, line)) = link.take() {
                    seen_anything = true;
                    // An item's first link is its chapter; mdBook ignores
                    // the rest.
                    if let Some(linked) = item_linked.last_mut() {
                        if *linked {
                            continue;
                        }
                        *linked = true;
                    }
                    entries.push(Entry::Chapter {
                        title: title.trim().to_string(),
                        path,
                        depth: lists,
                        line,
                    });
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, title, _)) = &mut link {
                    title.push_str(&text);
                } else if let Some((_, title, _)) = &mut heading {
                    title.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, title, _)) = &mut link {
                    title.push(' ');
                }
            }
            Event::Rule => {
                seen_anything = true;
                entries.push(Entry::Separator);
            }
            _ => {}
        }
    }
    (entries, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapter(title: &str, path: Option<&str>, depth: usize, line: u32) -> Entry {
        Entry::Chapter {
            title: title.to_string(),
            path: path.map(str::to_string),
            depth,
            line,
        }
    }

    #[test]
    fn every_kind_of_entry_in_order() {
        let text = "# Summary\n\n[Preface](preface.md)\n\n# Part One\n\n\
                    - [First](one/a.md)\n    - [Nested `code`](one/b.md)\n        \
                    - [Draft]()\n- [Second](two.md)\n\n---\n\n[Afterword](after.md)\n";
        let (entries, warnings) = parse(text, Path::new("SUMMARY.md"));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            entries,
            vec![
                chapter("Preface", Some("preface.md"), 0, 3),
                Entry::Part {
                    title: "Part One".to_string(),
                    line: 5
                },
                chapter("First", Some("one/a.md"), 1, 7),
                chapter("Nested code", Some("one/b.md"), 2, 8),
                chapter("Draft", None, 3, 9),
                chapter("Second", Some("two.md"), 1, 10),
                Entry::Separator,
                chapter("Afterword", Some("after.md"), 0, 14),
            ]
        );
    }

    #[test]
    fn an_item_without_a_link_is_a_warning() {
        let (entries, warnings) = parse("- just text\n", Path::new("SUMMARY.md"));
        assert!(entries.is_empty());
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].code, "mdbook-summary");
    }

    #[test]
    fn a_first_heading_is_the_title_not_a_part() {
        let (entries, _) = parse("# Contents\n\n- [A](a.md)\n", Path::new("S.md"));
        assert_eq!(entries, vec![chapter("A", Some("a.md"), 1, 3)]);
    }
}
