//! Stable unique ids for chapters, headings and footnotes.
//!
//! Ids are made from text (slugs) so they stay the same when the book is
//! rebuilt, and de-duplicated across the whole book in reading order so both
//! backends can use them as link targets: the EPUB within and across files,
//! the PDF as named destinations.

use crate::error::{Diagnostic, Place};
use crate::model::{Book, Inline};
use std::collections::{BTreeMap, BTreeSet};

/// Longest slug made from a heading, in characters, before de-duplication.
const MAX_SLUG: usize = 60;

/// Turns text into an id: lower case letters and digits joined by hyphens,
/// starting with a letter (XML ids may not start with a digit).
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut pending_hyphen = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            out.extend(c.to_lowercase());
        } else if !matches!(c, '\'' | '’' | '\u{ad}') {
            pending_hyphen = true;
        }
    }
    if out.chars().count() > MAX_SLUG {
        let cut: String = out.chars().take(MAX_SLUG).collect();
        out = match cut.rfind('-') {
            Some(i) if i > MAX_SLUG / 2 => cut[..i].to_string(),
            _ => cut,
        };
    }
    match out.chars().next() {
        None => "section".to_string(),
        Some(c) if !c.is_alphabetic() => format!("s-{out}"),
        Some(_) => out,
    }
}

/// A set of ids handed out so far; asking twice for the same base gives
/// `base`, `base-2`, `base-3`, …
#[derive(Debug, Default)]
pub struct Ids {
    taken: BTreeSet<String>,
    /// For each base asked for twice, the suffix to try next. Every smaller
    /// suffix is known to be taken, so a book with ten thousand headings of
    /// the same title does not search from 2 each time.
    next: BTreeMap<String, u64>,
}

impl Ids {
    /// Reserves `base` if free, else the first free `base-N`.
    pub fn unique(&mut self, base: &str) -> String {
        if self.taken.insert(base.to_string()) {
            return base.to_string();
        }
        let next = self.next.entry(base.to_string()).or_insert(2);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }

    /// True when `id` is already handed out.
    pub fn contains(&self, id: &str) -> bool {
        self.taken.contains(id)
    }
}

/// Every id the book's chapters hold (chapters, headings, footnotes and
/// their references), taken: what a backend adds ids for, such as the
/// EPUB's page-break markers, asks this for ids of its own.
pub fn taken(book: &Book) -> Ids {
    let mut ids = Ids::default();
    for chapter in &book.chapters {
        ids.taken.insert(chapter.id.clone());
        chapter.headings(&mut |heading, _| {
            ids.taken.insert(heading.id.clone());
        });
        for note in &chapter.footnotes {
            ids.taken.insert(note.id.clone());
        }
        chapter.inlines(&mut |inline| {
            if let Inline::FootnoteRef { id, .. } = inline {
                ids.taken.insert(id.clone());
            }
        });
    }
    ids
}

/// Gives every chapter, heading and footnote of the book its id. Ids written
/// in the manuscript (`## Title {#my-id}`) are kept and reserved first; a
/// duplicate one gets a suffix and a warning.
pub fn assign(book: &mut Book, warnings: &mut Vec<Diagnostic>) {
    let mut ids = Ids::default();
    for chapter in &mut book.chapters {
        let file = chapter.file.clone();
        chapter.headings_mut(&mut |heading, pos| {
            if heading.id.is_empty() {
                return;
            }
            let wanted = std::mem::take(&mut heading.id);
            heading.id = ids.unique(&wanted);
            if heading.id != wanted {
                warnings.push(
                    Diagnostic::warning(
                        "duplicate-id",
                        Some(Place::at(&file, pos.line, pos.col)),
                        format!(
                            "the id `{wanted}` is used twice; this one becomes `{}`",
                            heading.id
                        ),
                    )
                    .with_hint("give each heading its own {#id}"),
                );
            }
        });
    }
    for chapter in &mut book.chapters {
        let stem = chapter
            .file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // `01-essay.md` becomes `essay`: the ordering prefix is not a name.
        let name = stem.trim_start_matches(|c: char| c.is_ascii_digit() || "-_. ".contains(c));
        // A part has no file of its own: its title names it.
        chapter.id = if chapter.part {
            ids.unique(&format!("part-{}", slug(&chapter.title_text())))
        } else {
            ids.unique(&slug(if name.is_empty() { "chapter" } else { name }))
        };
        chapter.headings_mut(&mut |heading, _| {
            if heading.id.is_empty() {
                heading.id = ids.unique(&slug(&Inline::plain_text(&heading.content)));
            }
        });
        let chapter_id = chapter.id.clone();
        for note in &mut chapter.footnotes {
            note.id = ids.unique(&format!("fn-{chapter_id}-{}", note.number));
        }
        let notes: BTreeMap<String, String> = chapter
            .footnotes
            .iter()
            .map(|n| (n.label.clone(), n.id.clone()))
            .collect();
        chapter.inlines_mut(&mut |inline| {
            if let Inline::FootnoteRef {
                label,
                number,
                note_id,
                id,
            } = inline
            {
                *note_id = notes.get(label.as_str()).cloned().unwrap_or_default();
                *id = ids.unique(&format!("fnref-{chapter_id}-{number}"));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        assert_eq!(slug("Beginner-Level Questions"), "beginner-level-questions");
        assert_eq!(slug("Why can’t this last?"), "why-cant-this-last");
        assert_eq!(slug("  Ünïcode   títle "), "ünïcode-títle");
        assert_eq!(slug("01-essay"), "s-01-essay");
        assert_eq!(slug("!!!"), "section");
    }

    #[test]
    fn long_slugs_are_cut_at_a_word() {
        let s = slug(&"word ".repeat(40));
        assert!(s.len() <= MAX_SLUG && s.ends_with("word"), "{s}");
    }

    #[test]
    fn duplicates_get_suffixes() {
        let mut ids = Ids::default();
        assert_eq!(ids.unique("a"), "a");
        assert_eq!(ids.unique("a"), "a-2");
        assert_eq!(ids.unique("a-2"), "a-2-2");
        assert_eq!(ids.unique("a"), "a-3");
        assert!(ids.contains("a-3"));
    }
}
