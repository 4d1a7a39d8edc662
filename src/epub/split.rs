//! Cutting a chapter into spine items of reading size.
//!
//! A chapter is written once ([`super::xhtml::draft`]) into a [`Draft`]: its
//! body and then its notes as one text, with the places where a file may
//! start, where each id is, and where each internal link's address goes.
//! [`plan`] chooses where the files start from the bytes between those
//! places, before any file is written, so the files of every chapter are
//! known when links across chapters are filled in.

use super::warning;
use crate::error::Diagnostic;
use crate::model::{Chapter, Pos};
use std::ops::Range;
use std::path::Path;

/// The size a file is kept under when it can be: reading systems open a
/// file at a time, and some older ones refuse files above [`LIMIT`].
pub const TARGET: usize = 250_000;

/// The size no file may pass, unless one block alone is bigger.
pub const LIMIT: usize = 300_000;

/// Bytes a file has besides its share of the draft: the XHTML head and
/// foot, the section's tags and the notes' wrapper.
const OVERHEAD: usize = 600;

/// Bytes a link's address may gain when its target is in another file.
const ADDRESS: usize = 32;

/// A chapter's text before it is cut into files.
#[derive(Debug, Default)]
pub struct Draft {
    /// The body (page markers, the title, the blocks), then each note's
    /// `aside`, without the files' heads and the section around them.
    pub text: String,
    /// Where the body ends and the notes begin in `text`.
    pub body_end: usize,
    /// The places between top-level steps where a file may start, in order.
    pub cuts: Vec<Cut>,
    /// The notes, in the chapter's order.
    pub notes: Vec<NoteDraft>,
    /// Internal links whose address is filled in when the files are known,
    /// in the order of their places in `text`.
    pub links: Vec<Link>,
    /// The ids of headings and page markers, and where they are written.
    pub places: Vec<(String, usize)>,
}

impl Draft {
    /// The index of the note whose `aside` holds offset `at` of the text:
    /// the notes follow one another after the body.
    fn note_at(&self, at: usize) -> Option<usize> {
        let index = self.notes.partition_point(|note| note.range.end <= at);
        self.notes
            .get(index)
            .filter(|note| note.range.contains(&at))
            .map(|_| index)
    }
}

/// A place where a file may start: before a top-level step of the
/// chapter's reading order.
#[derive(Debug, Clone)]
pub struct Cut {
    /// The offset in the draft's text.
    pub at: usize,
    /// The level of the heading that starts here, if one does (`#` inside
    /// a chapter counts as `##`, as in the contents).
    pub level: Option<u8>,
    /// The step's place in the manuscript.
    pub pos: Pos,
    /// The text of the heading that starts here, if one does: the title of
    /// a file that starts with it.
    pub title: String,
    /// Whether the place is inside a FAQ group, which a file that starts
    /// here opens again.
    pub inside: bool,
}

/// A note of the draft.
#[derive(Debug)]
pub struct NoteDraft {
    /// The note's id.
    pub id: String,
    /// Its `aside` in the draft's text.
    pub range: Range<usize>,
    /// Where its first reference is, if it has one.
    pub first_ref: Option<Spot>,
}

/// A place in a draft: an offset of the body, or inside a note.
#[derive(Debug, Clone, Copy)]
pub enum Spot {
    /// An offset in the body.
    Body(usize),
    /// Inside the note of this index.
    Note(usize),
}

/// A link address to fill in: the place in the draft's text where it goes,
/// and its target.
#[derive(Debug)]
pub struct Link {
    /// Where in the text the address goes.
    pub at: usize,
    /// The chapter linked to.
    pub chapter: usize,
    /// The id linked to, or `None` for the chapter's start.
    pub anchor: Option<String>,
}

/// Where a chapter's files start and which file holds each note.
#[derive(Debug)]
pub struct Plan {
    /// The body offset each file starts at; the first is 0.
    pub starts: Vec<usize>,
    /// The file of each note of the draft.
    pub notes: Vec<usize>,
}

impl Plan {
    /// The file that holds body offset `at`.
    pub fn file_at(&self, at: usize) -> usize {
        self.starts.partition_point(|&start| start <= at).max(1) - 1
    }

    /// The file that holds offset `at` of the draft's text, in the body or
    /// in a note.
    pub fn file_of(&self, at: usize, draft: &Draft) -> usize {
        if at < draft.body_end {
            return self.file_at(at);
        }
        draft
            .note_at(at)
            .and_then(|index| self.notes.get(index).copied())
            .unwrap_or(self.starts.len() - 1)
    }

    /// The place file `file` starts at, unless it is the first.
    pub fn cut<'a>(&self, file: usize, draft: &'a Draft) -> Option<&'a Cut> {
        let start = self.starts[file];
        let at = draft.cuts.partition_point(|cut| cut.at < start);
        draft.cuts.get(at).filter(|cut| file > 0 && cut.at == start)
    }

    /// The text of the heading that starts file `file`, if one does.
    pub fn title<'a>(&self, file: usize, draft: &'a Draft) -> Option<&'a str> {
        self.cut(file, draft)
            .map(|cut| cut.title.as_str())
            .filter(|title| !title.trim().is_empty())
    }

    /// The body range of file `file`.
    pub fn body(&self, file: usize, draft: &Draft) -> Range<usize> {
        let end = self.starts.get(file + 1).copied().unwrap_or(draft.body_end);
        self.starts[file]..end
    }
}

/// Chooses the files of a draft: at `level` and above (1 cuts at no
/// heading), then at each deeper level while a file is over [`TARGET`] and
/// the chapter has headings at that level, then between blocks for a file
/// still over it. A file over [`LIMIT`] after that holds one block that
/// large: a warning says so, at the block.
pub fn plan(
    draft: &Draft,
    level: u8,
    chapter: &Chapter,
    manuscript: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> Plan {
    let sizes = Sizes::new(draft);
    // A file never starts before the first step: it would hold the title alone.
    let cuts = draft.cuts.get(1..).unwrap_or_default();
    let deepest = cuts.iter().filter_map(|c| c.level).max().unwrap_or(1);
    let mut level = level;
    let mut starts = at_headings(cuts, level);
    while level < deepest && !sizes.fit(&starts) {
        level += 1;
        starts = at_headings(cuts, level);
    }
    if !sizes.fit(&starts) {
        starts = between_blocks(&starts, cuts, &sizes);
    }
    for (file, &start) in starts.iter().enumerate() {
        let end = starts.get(file + 1).copied();
        let size = sizes.file(start, end);
        if size > LIMIT {
            let pos = draft
                .cuts
                .iter()
                .find(|c| c.at >= start)
                .map_or(Pos { line: 1, col: 1 }, |c| c.pos);
            warnings.push(warning(
                manuscript,
                &chapter.file,
                pos,
                "large-file",
                format!(
                    "this block, with the notes it is the first to refer to, makes its file \
                     of the EPUB {} KB, more than the {} KB some reading systems open: a file \
                     cannot end inside a block",
                    size / 1000,
                    LIMIT / 1000
                ),
                "break the paragraph (or list, quote or table) up, or put headings in it",
            ));
        }
    }
    let mut plan = Plan {
        starts,
        notes: Vec::new(),
    };
    plan.notes = note_files(draft, &plan);
    plan
}

/// Starts at 0 and at every cut before a heading of `level` or above.
fn at_headings(cuts: &[Cut], level: u8) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        cuts.iter()
            .filter(|c| c.level.is_some_and(|l| l <= level))
            .map(|c| c.at),
    );
    starts
}

/// `starts` with each file over [`TARGET`] cut between its blocks, each
/// new file filled as far as it stays under the target.
fn between_blocks(starts: &[usize], cuts: &[Cut], sizes: &Sizes) -> Vec<usize> {
    let mut out = Vec::with_capacity(starts.len());
    for (file, &start) in starts.iter().enumerate() {
        let end = starts.get(file + 1).copied();
        out.push(start);
        if sizes.file(start, end) <= TARGET {
            continue;
        }
        let mut current = start;
        let mut previous = None;
        let inside = cuts
            .iter()
            .map(|c| c.at)
            .filter(|&at| at > start && end.is_none_or(|end| at < end));
        for at in inside {
            if sizes.file(current, Some(at)) > TARGET
                && let Some(cut) = previous.filter(|&p| p > current)
            {
                out.push(cut);
                current = cut;
            }
            previous = Some(at);
        }
        if sizes.file(current, end) > TARGET
            && let Some(cut) = previous.filter(|&p| p > current)
        {
            out.push(cut);
        }
    }
    out
}

/// The bytes of the files a set of starts gives: the body between them,
/// and what goes with it (its notes, longer link addresses).
struct Sizes {
    body_end: usize,
    /// (body offset, bytes) of what goes with the body there, in order.
    extra: Vec<(usize, usize)>,
    /// `prefix[i]` is the sum of the first `i` extras' bytes.
    prefix: Vec<usize>,
}

impl Sizes {
    fn new(draft: &Draft) -> Sizes {
        let mut extra: Vec<(usize, usize)> = draft
            .links
            .iter()
            .map(|link| (body_offset(draft, link.at), ADDRESS))
            .collect();
        for note in &draft.notes {
            let at = match resolve(draft, note) {
                Some(at) => at,
                None => draft.body_end,
            };
            extra.push((at, note.range.len()));
        }
        extra.sort_unstable();
        let mut prefix = Vec::with_capacity(extra.len() + 1);
        prefix.push(0);
        for (_, bytes) in &extra {
            prefix.push(prefix.last().copied().unwrap_or(0) + bytes);
        }
        Sizes {
            body_end: draft.body_end,
            extra,
            prefix,
        }
    }

    /// The size of the file from `start` to `end` (the body's end when
    /// `None`, and then with everything placed at the end).
    fn file(&self, start: usize, end: Option<usize>) -> usize {
        let from = self.extra.partition_point(|&(at, _)| at < start);
        let to = match end {
            Some(end) => self.extra.partition_point(|&(at, _)| at < end),
            None => self.extra.len(),
        };
        end.unwrap_or(self.body_end) - start + self.prefix[to] - self.prefix[from] + OVERHEAD
    }

    /// Whether every file of `starts` is under the target.
    fn fit(&self, starts: &[usize]) -> bool {
        starts
            .iter()
            .enumerate()
            .all(|(file, &start)| self.file(start, starts.get(file + 1).copied()) <= TARGET)
    }
}

/// The body offset a place of the text goes with: itself in the body, the
/// note's place for a place in a note.
fn body_offset(draft: &Draft, at: usize) -> usize {
    if at < draft.body_end {
        return at;
    }
    draft
        .note_at(at)
        .and_then(|index| resolve(draft, &draft.notes[index]))
        .unwrap_or(draft.body_end)
}

/// The body offset of a note's first reference, following a reference
/// made in another note to that note's; `None` for a note no body text
/// leads to (unreferenced, or referenced only in a circle of notes).
fn resolve(draft: &Draft, note: &NoteDraft) -> Option<usize> {
    let mut spot = note.first_ref?;
    for _ in 0..=draft.notes.len() {
        match spot {
            Spot::Body(at) => return Some(at),
            Spot::Note(index) => spot = draft.notes.get(index)?.first_ref?,
        }
    }
    None
}

/// The file of each note: the file of its first reference, the last file
/// when no body text leads to it.
fn note_files(draft: &Draft, plan: &Plan) -> Vec<usize> {
    let last = plan.starts.len() - 1;
    draft
        .notes
        .iter()
        .map(|note| resolve(draft, note).map_or(last, |at| plan.file_at(at)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(body: usize, cuts: &[(usize, Option<u8>)]) -> Draft {
        Draft {
            text: " ".repeat(body),
            body_end: body,
            cuts: cuts
                .iter()
                .map(|&(at, level)| Cut {
                    at,
                    level,
                    pos: Pos { line: 1, col: 1 },
                    title: String::new(),
                    inside: false,
                })
                .collect(),
            ..Draft::default()
        }
    }

    #[test]
    fn the_highest_level_that_fits_is_chosen() {
        // Two halves at level 2 of 200 KB each, each with a level-3 cut.
        let d = draft(
            400_000,
            &[
                (10, None),
                (100_000, Some(3)),
                (200_000, Some(2)),
                (300_000, Some(3)),
            ],
        );
        let chapter = crate::model::Chapter {
            id: "c".into(),
            file: "c.md".into(),
            title: Vec::new(),
            body: crate::model::ChapterBody::Prose { blocks: Vec::new() },
            footnotes: Vec::new(),
            parent: None,
            part: false,
        };
        let mut warnings = Vec::new();
        let plan = plan(&d, 1, &chapter, Path::new("m"), &mut warnings);
        assert_eq!(plan.starts, vec![0, 200_000]);
        let plan3 = super::plan(&d, 3, &chapter, Path::new("m"), &mut warnings);
        assert_eq!(plan3.starts, vec![0, 100_000, 200_000, 300_000]);
        // Without headings, blocks are the cuts.
        let flat = draft(
            600_000,
            &[(0, None), (200_000, None), (400_000, None), (500_000, None)],
        );
        let plan = super::plan(&flat, 1, &chapter, Path::new("m"), &mut warnings);
        assert_eq!(plan.starts, vec![0, 200_000, 400_000]);
        assert!(warnings.is_empty());
        // One block over the limit stays whole, with a warning.
        let big = draft(700_000, &[(0, None), (10_000, None), (500_000, None)]);
        let plan = super::plan(&big, 1, &chapter, Path::new("m"), &mut warnings);
        assert_eq!(plan.starts, vec![0, 10_000, 500_000]);
        assert_eq!(warnings.len(), 1);
    }
}
