//! The body on two threads: a long book's chapters are laid out in two
//! halves, each in its own flow with its own typesetter, and the halves are
//! joined into exactly what one flow laying out every chapter in turn makes.
//!
//! Every chapter opens on a new page, so a chapter depends on the chapters
//! before it only through a few things, each handled here:
//! - Footnotes: a chapter's notes are all placed, on pages of their own if
//!   they run on, before the next chapter opens; none cross the split.
//! - The parity of the page count, when chapters open on right-hand pages.
//!   The later half is laid out as if it began on a right-hand page; when
//!   the earlier half ends on one, the blank page the later half's first
//!   chapter would have put before itself is put there when they are
//!   joined. Nothing else in the body looks at parity: items are placed
//!   from the text block's left edge, and [`Flow::finish`] adds each page's
//!   mirrored margin and its running head by the page's place in the book.
//! - A heading kept with the lines after it ([`Flow::keep`]): the later half
//!   starts with none, and the earlier half may end with one. The later half
//!   starts only at a chapter whose title has text: the title's first line
//!   always fits on its opening page (the text block is at least ten lines
//!   deep), and placing it drops whatever was kept before.
//! - Warnings about characters no font has are given once per file,
//!   character and line: those the earlier half gave (when a file is a
//!   chapter twice) are dropped from the later half's.
//! - The quality report's mean adjustment ratio is a running mean: the
//!   later half's ratios are added to the earlier half's one by one.
//! - Each glyph's text for the PDF's ToUnicode maps is the one recorded
//!   when it was first shaped ([`crate::pdf::fonts::Fonts::learn_glyph_texts`]).
//! - Pictures are decoded again by the later half, to the same samples.

use super::{Flow, Kind, Quality};
use crate::model::{Book, Chapter, Inline};
use crate::pdf::Options;

/// Lays out the body's chapters into `flow`, on two threads when the book
/// holds at least [`Options::split_layout_from`] bytes of text, and places
/// the last chapter's notes.
pub(super) fn body(flow: &mut Flow<'_, '_>, book: &Book, options: &Options) {
    let chapters = &book.chapters;
    let Some(at) = split_point(book, options) else {
        lay(flow, chapters, 0);
        return;
    };
    let mut typesetter = flow.ts.fresh();
    let chapter_ids = flow.chapter_ids.clone();
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let mut later = Flow::new(&mut typesetter, options);
            later.chapter_ids = chapter_ids;
            lay(&mut later, &chapters[at..], at);
            later
        });
        lay(flow, &chapters[..at], 0);
        match worker.join() {
            Ok(later) => join(flow, later),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
}

/// Lays out `chapters`, the first of them the book's chapter `first`, and
/// places the last one's notes.
fn lay(flow: &mut Flow<'_, '_>, chapters: &[Chapter], first: usize) {
    for (index, chapter) in chapters.iter().enumerate() {
        flow.chapter(first + index, chapter);
    }
    flow.finish_notes();
    flow.close_page();
}

/// Adds the later half's pages and everything learnt laying them out to
/// the earlier half's flow.
fn join(flow: &mut Flow<'_, '_>, mut later: Flow<'_, '_>) {
    if flow.recto_chapters && flow.pages.len() % 2 == 1 {
        // What the later half's first chapter would have started with.
        flow.start_page(Kind::Blank);
        flow.close_page();
    }
    flow.pages.append(&mut later.pages);
    flow.infos.append(&mut later.infos);
    add_quality(&mut flow.quality, &later.quality, &later.ratios);
    flow.ratios.append(&mut later.ratios);
    let mut reported_at = later.reported_at.into_iter().peekable();
    for (index, warning) in later.warnings.into_iter().enumerate() {
        let key = reported_at
            .next_if(|(at, _)| *at == index)
            .map(|(_, key)| key);
        if let Some(key) = key {
            if flow.reported.contains(&key) {
                continue;
            }
            flow.reported_at.push((flow.warnings.len(), key));
        }
        flow.warnings.push(warning);
    }
    flow.reported.append(&mut later.reported);
    for (src, picture) in later.pictures {
        flow.pictures.entry(src).or_insert(picture);
    }
    // Where the flow stands is where the later half ended; the front matter
    // starts on pages of its own and drops any heading kept.
    flow.file = later.file;
    flow.chapter = later.chapter;
    flow.chapter_title = later.chapter_title;
    flow.block = later.block;
    flow.offset = later.offset;
    flow.ts.fonts.learn_glyph_texts(&mut later.ts.fonts);
}

/// Adds a later part's counts to `quality`, with the adjustment ratios of
/// its justified lines in order: the same sums, in the same order, as
/// [`Quality::add`] makes counting every line in one pass.
fn add_quality(quality: &mut Quality, later: &Quality, ratios: &[f32]) {
    quality.lines += later.lines;
    quality.hyphenated += later.hyphenated;
    quality.longest_hyphen_run = quality.longest_hyphen_run.max(later.longest_hyphen_run);
    quality.overfull += later.overfull;
    quality.underfull += later.underfull;
    for &ratio in ratios {
        let n = quality.justified as f32;
        quality.mean_ratio = (quality.mean_ratio * n + ratio) / (n + 1.0);
        quality.justified += 1;
        if ratio.abs() > quality.worst_ratio.abs() {
            quality.worst_ratio = ratio;
        }
    }
    quality.widows += later.widows;
    quality.orphans += later.orphans;
}

/// The chapter the later half starts with: the one that leaves the two
/// halves' text closest to even, among chapters after the first whose
/// title has text. None for a short book, or for a text block the PDF
/// backend refuses ([`super::Geometry::is_usable`]): only in a usable one is
/// a title's first line sure to fit on its opening page.
fn split_point(book: &Book, options: &Options) -> Option<usize> {
    if !options.geometry.is_usable() {
        return None;
    }
    let weights: Vec<usize> = book.chapters.iter().map(weight).collect();
    let total: usize = weights.iter().sum();
    if total < options.split_layout_from {
        return None;
    }
    let mut before = 0usize;
    let mut best: Option<(usize, usize)> = None;
    for (index, (chapter, weight)) in book.chapters.iter().zip(&weights).enumerate() {
        let uneven = (2 * before).abs_diff(total);
        if index > 0
            && !chapter.title_text().trim().is_empty()
            && best.is_none_or(|(_, least)| uneven < least)
        {
            best = Some((index, uneven));
        }
        before += weight;
    }
    best.map(|(index, _)| index)
}

/// How much text a chapter holds, in bytes: what its layout time follows.
/// The text of its paragraphs, headings, cells and notes is weighed; code
/// and HTML blocks, rare in a book of prose, are not.
fn weight(chapter: &Chapter) -> usize {
    let mut bytes = 0;
    chapter.inlines(&mut |inline| {
        bytes += match inline {
            Inline::Text { text } => text.len(),
            Inline::Code { code } => code.len(),
            Inline::Html { html } => html.len(),
            Inline::Image { alt, .. } => alt.len(),
            Inline::SoftBreak | Inline::LineBreak | Inline::FootnoteRef { .. } => 1,
            // Their content is visited on its own.
            Inline::Emphasis { .. }
            | Inline::Strong { .. }
            | Inline::Strikethrough { .. }
            | Inline::Span { .. }
            | Inline::Link { .. } => 0,
        }
    });
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_later_half_starts_where_the_text_is_split_most_evenly() {
        let dir = tempfile::tempdir().unwrap();
        let sizes = [10, 10, 30, 10];
        let mut names = Vec::new();
        for (n, size) in sizes.iter().enumerate() {
            let text = format!("# Chapter {n}\n\n{}\n", "word ".repeat(size * 200));
            std::fs::write(dir.path().join(format!("{n}.md")), text).unwrap();
            names.push(format!("\"{n}.md\""));
        }
        let toml = format!(
            "title = \"T\"\nlanguage = \"en\"\nchapters = [{}]\n",
            names.join(", ")
        );
        std::fs::write(dir.path().join("book.toml"), toml).unwrap();
        let book = crate::load(dir.path()).unwrap().book;
        let total: usize = book.chapters.iter().map(weight).sum();
        assert!(total > 60_000, "{total}");
        let options = |split_layout_from| Options {
            split_layout_from,
            ..Options::default()
        };
        // Before chapter 2, the halves hold a third and two thirds of the text.
        assert_eq!(split_point(&book, &options(total)), Some(2));
        assert_eq!(split_point(&book, &options(total + 1)), None);
    }
}
