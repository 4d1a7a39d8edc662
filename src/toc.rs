//! The table of contents, built once from the model for every backend.
//!
//! Entries nest as the headings do: chapters, then their sections down to the
//! configured depth. A FAQ chapter always lists its groups and questions.

use crate::model::{Block, BlockKind, Book, ChapterBody, Heading, Inline};
use serde::Serialize;

/// The book's table of contents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Toc {
    /// One entry per chapter, in reading order, each with its sections.
    pub entries: Vec<TocEntry>,
}

/// One line of the contents and the entries nested under it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TocEntry {
    /// What the entry stands for.
    pub kind: TocKind,
    /// The title as plain text (for a question, without its number).
    pub title: String,
    /// Index of the chapter in [`Book::chapters`].
    pub chapter: usize,
    /// The id the entry links to: the chapter's id or the heading's id.
    pub id: String,
    /// Entries nested under this one.
    pub children: Vec<TocEntry>,
}

/// The kinds of contents entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TocKind {
    /// A part title, above the chapters that belong to it.
    Part,
    /// A chapter.
    Chapter,
    /// A section heading inside a chapter.
    Section,
    /// A group of FAQ questions.
    FaqGroup,
    /// A FAQ question and its number.
    FaqQuestion {
        /// The question's number.
        number: u32,
    },
}

impl TocEntry {
    /// The title as the contents show it: a question gets its number.
    pub fn label(&self) -> String {
        match self.kind {
            TocKind::FaqQuestion { number } => format!("{number}. {}", self.title),
            _ => self.title.clone(),
        }
    }
}

impl Toc {
    /// Every entry, depth first in reading order, with its depth (chapters are 1).
    pub fn flatten(&self) -> Vec<(usize, &TocEntry)> {
        let mut out = Vec::new();
        let mut stack: Vec<(usize, &TocEntry)> =
            self.entries.iter().rev().map(|e| (1, e)).collect();
        while let Some((depth, entry)) = stack.pop() {
            out.push((depth, entry));
            stack.extend(entry.children.iter().rev().map(|c| (depth + 1, c)));
        }
        out
    }
}

/// Builds the contents; `depth` is how many heading levels to list (1 lists
/// chapters only). FAQ groups and questions are listed at any depth. A
/// chapter with a `parent` is listed under it, after the parent's sections.
pub fn build(book: &Book, depth: u8) -> Toc {
    let entries: Vec<TocEntry> = book
        .chapters
        .iter()
        .enumerate()
        .map(|(index, chapter)| {
            let children = match &chapter.body {
                ChapterBody::Prose { blocks } => sections(blocks, index, depth),
                ChapterBody::Faq(faq) => faq
                    .groups
                    .iter()
                    .flat_map(|group| {
                        let questions: Vec<TocEntry> = group
                            .questions
                            .iter()
                            .map(|q| TocEntry {
                                kind: TocKind::FaqQuestion { number: q.number },
                                title: Inline::plain_text(&q.heading.content),
                                chapter: index,
                                id: q.heading.id.clone(),
                                children: Vec::new(),
                            })
                            .collect();
                        match &group.heading {
                            Some(heading) => vec![TocEntry {
                                kind: TocKind::FaqGroup,
                                title: Inline::plain_text(&heading.content),
                                chapter: index,
                                id: heading.id.clone(),
                                children: questions,
                            }],
                            None => questions,
                        }
                    })
                    .collect(),
            };
            TocEntry {
                kind: if chapter.part {
                    TocKind::Part
                } else {
                    TocKind::Chapter
                },
                title: chapter.title_text(),
                chapter: index,
                id: chapter.id.clone(),
                children,
            }
        })
        .collect();
    Toc {
        entries: nest(entries, book),
    }
}

/// The most entries the EPUB's navigation document lists when it goes
/// deeper than the contents: about as many as a reader can scroll through.
pub const NAV_ENTRIES: usize = 1_000;

/// How many heading levels the EPUB's navigation document lists: the
/// contents' `depth`, and each level below it while the whole list stays
/// within [`NAV_ENTRIES`], so a long book's chapter headings (a `####`
/// under its books and parts) can still be reached from the navigation.
pub fn nav_depth(book: &Book, depth: u8) -> u8 {
    let mut counts = [0usize; 7];
    for chapter in &book.chapters {
        counts[1] += 1;
        match &chapter.body {
            ChapterBody::Prose { blocks } => {
                for block in blocks {
                    if let BlockKind::Heading(heading) = &block.kind {
                        counts[usize::from(heading.level.number().max(2))] += 1;
                    }
                }
            }
            // Groups and questions are listed at any depth.
            ChapterBody::Faq(faq) => {
                counts[1] += faq
                    .groups
                    .iter()
                    .map(|g| g.questions.len() + 1)
                    .sum::<usize>();
            }
        }
    }
    let within = |level: u8| counts[..=usize::from(level)].iter().sum::<usize>() <= NAV_ENTRIES;
    let mut level = depth.clamp(1, 6);
    while level < 6 && within(level + 1) {
        level += 1;
    }
    level
}

/// Moves each chapter's entry under its parent's. A parent always comes
/// earlier, so going backwards every entry has its own children by the time
/// it is moved; one naming itself or a later entry stays at the top.
fn nest(entries: Vec<TocEntry>, book: &Book) -> Vec<TocEntry> {
    let mut nested: Vec<Vec<TocEntry>> = vec![Vec::new(); entries.len()];
    let mut roots = Vec::new();
    for (index, mut entry) in entries.into_iter().enumerate().rev() {
        entry.children.extend(nested[index].drain(..).rev());
        match book.chapters.get(index).and_then(|c| c.parent) {
            Some(parent) if parent < index => nested[parent].push(entry),
            _ => roots.push(entry),
        }
    }
    roots.reverse();
    roots
}

/// Section entries of a prose chapter, nested by heading level. Only
/// top-level headings count: a heading inside a quote or list is not a section.
fn sections(blocks: &[Block], chapter: usize, depth: u8) -> Vec<TocEntry> {
    let mut roots: Vec<TocEntry> = Vec::new();
    // The open path of (level, entry) from the outermost section inwards.
    let mut open: Vec<(u8, TocEntry)> = Vec::new();
    let headings = blocks.iter().filter_map(|b| match &b.kind {
        BlockKind::Heading(h) => Some(h),
        _ => None,
    });
    for heading in headings {
        // A level-one heading inside a chapter sits with the level-two ones.
        let level = heading.level.number().max(2);
        if level > depth {
            continue;
        }
        while open.last().is_some_and(|(l, _)| *l >= level) {
            close(&mut open, &mut roots);
        }
        open.push((level, entry(heading, chapter)));
    }
    while !open.is_empty() {
        close(&mut open, &mut roots);
    }
    roots
}

fn close(open: &mut Vec<(u8, TocEntry)>, roots: &mut Vec<TocEntry>) {
    if let Some((_, done)) = open.pop() {
        match open.last_mut() {
            Some((_, parent)) => parent.children.push(done),
            None => roots.push(done),
        }
    }
}

fn entry(heading: &Heading, chapter: usize) -> TocEntry {
    TocEntry {
        kind: TocKind::Section,
        title: Inline::plain_text(&heading.content),
        chapter,
        id: heading.id.clone(),
        children: Vec::new(),
    }
}
