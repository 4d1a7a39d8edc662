//! Chapters laid out side by side: a queue of chapter indexes, taken in
//! book order by as many threads as [`Jobs`] says, each with a typesetter
//! of its own ([`Typesetter::fresh`]: its own word cache and hyphenation).
//!
//! A chapter's layout is a function of the chapter, the settings and the
//! fonts only, so which thread laid out which chapter changes nothing but
//! what each word cache holds. A cache only saves shaping a word again: a
//! word is shaped to the same glyphs on every thread. The one thing a
//! cache's history could show is the text each glyph was first recorded
//! with, so each chapter starts with its fonts' glyph texts forgotten
//! ([`crate::pdf::fonts::Fonts::forget_glyph_texts`]) and records those
//! fresh fonts would: its value is the same on any thread, after any
//! chapters, and the layout cache can keep it. The join gets every glyph's
//! text from the first chapter in book order that showed it
//! ([`crate::pdf::fonts::Fonts::learn_glyph_texts`]).

use super::cache::{self, Cache, Entry, Keys};
use super::chapter::{ChapterLayout, lay_chapter};
use super::{Jobs, Settings};
use crate::highlight;
use crate::model::{Book, Chapter, Inline};
use crate::pdf::text::Typesetter;
use crate::store::Key;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The text, in bytes, that pays for a thread of its own when the number
/// of threads is left to bindery ([`Jobs::Auto`]): some 15,000 words. A
/// book under twice this stays on one thread, where a second thread's
/// start and its word cache filling again cost more than they save.
pub const TEXT_PER_THREAD: usize = 100_000;

/// Lays out every chapter of the book, each into its own value, in book
/// order; `ts` lends its faces, language and weights to each thread's
/// typesetter. With a `cache`, a chapter whose entry it holds is taken from it, and
/// each chapter's entry and key are handed back, in book order; without,
/// none.
pub(super) fn lay_chapters(
    book: &Book,
    ts: &Typesetter<'_>,
    settings: &Settings<'_>,
    cache: Option<&Cache>,
) -> (Vec<ChapterLayout>, Vec<Entry>, Vec<Option<Key>>) {
    let chapter_ids: Vec<String> = book.chapters.iter().map(|c| c.id.clone()).collect();
    let count = book.chapters.len();
    let recto: Vec<bool> = (0..count)
        .map(|index| opens_recto(book, index, settings))
        .collect();
    // Each chapter's key and entry name, found side by side.
    let named: Vec<Option<(Key, String)>> = match cache {
        Some(_) => {
            let keys = Keys::new(book, ts, settings, &chapter_ids);
            let indexes: Vec<usize> = (0..count).collect();
            crate::workers::map(&indexes, |&index| {
                let key = keys.key(&book.chapters[index], recto[index]);
                Some((key, cache::name(&key)))
            })
        }
        None => vec![None; count],
    };
    // The chapters the cache does not hold are taken first: laying one out
    // takes far longer than reading an entry, and the entries are read on
    // the other threads meanwhile.
    let mut order: Vec<usize> = (0..count).collect();
    if let Some(cache) = cache {
        order.sort_by_key(|&index| {
            named[index]
                .as_ref()
                .is_some_and(|(_, name)| cache.contains(name))
        });
    }
    let next = AtomicUsize::new(0);
    let lay = |ts: &mut Typesetter<'_>, index: usize| {
        let (chapter, recto) = (&book.chapters[index], recto[index]);
        let (Some(cache), Some((key, name))) = (cache, &named[index]) else {
            return (
                lay_chapter(ts, settings, &chapter_ids, chapter, recto),
                None,
            );
        };
        let (key, name) = (*key, name.clone());
        let kept = cache.take(&name);
        if let Some(mut layout) = kept.and_then(|bytes| cache::decode(&bytes, &key, settings)) {
            // The EPUB highlights the chapter's code again: it finds the
            // tokens the entry kept.
            highlight::keep(std::mem::take(&mut layout.highlighted));
            return (layout, Some(Entry { name, bytes: None }));
        }
        let (mut layout, highlighted) =
            highlight::recording(|| lay_chapter(ts, settings, &chapter_ids, chapter, recto));
        layout.highlighted = highlighted;
        let bytes = cache::encode(&key, &layout);
        layout.highlighted = Vec::new();
        (layout, Some(Entry { name, bytes }))
    };
    // Each thread takes the next chapter not yet taken.
    let work = |ts: &mut Typesetter<'_>| {
        let mut done = Vec::new();
        loop {
            let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
                return done;
            };
            done.push((index, lay(ts, index)));
        }
    };
    // This thread lays out chapters; helpers join in as threads come free
    // (see `crate::workers`), each with a typesetter of its own.
    let helpers = threads(book, settings.jobs) - 1;
    let spare = std::sync::Mutex::new((0..helpers).map(|_| ts.fresh()).collect::<Vec<_>>());
    let help = || {
        let taken = spare
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        taken.map_or_else(Vec::new, |mut ts| work(&mut ts))
    };
    let wanted = || next.load(Ordering::Relaxed) < book.chapters.len();
    let (mine, theirs) = crate::workers::spread(helpers, &wanted, || work(&mut ts.fresh()), &help);
    let mut laid: Vec<_> = mine
        .into_iter()
        .chain(theirs.into_iter().flatten())
        .collect();
    laid.sort_unstable_by_key(|(index, _)| *index);
    let mut layouts = Vec::with_capacity(laid.len());
    let mut entries = Vec::new();
    for (_, (layout, entry)) in laid {
        layouts.push(layout);
        entries.extend(entry);
    }
    let keys = named.into_iter().map(|n| n.map(|(key, _)| key)).collect();
    (layouts, entries, keys)
}

/// How many threads lay out `book`'s chapters: as `jobs` says, at least
/// one and never more than there are chapters.
fn threads(book: &Book, jobs: Jobs) -> usize {
    let wanted = match jobs {
        Jobs::Exactly(n) => n.get(),
        Jobs::Auto => {
            let cores = crate::workers::jobs();
            let text: usize = book.chapters.iter().map(weight).sum();
            cores.min(text / TEXT_PER_THREAD)
        }
    };
    wanted.min(book.chapters.len()).max(1)
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

/// Whether chapter `index` opens on a right-hand page whatever comes
/// before it, as the join will put it: the first (the front matter has an
/// even number of pages), every chapter with `recto-chapters`, and a
/// part's title page and the chapter after it always.
fn opens_recto(book: &Book, index: usize, settings: &Settings<'_>) -> bool {
    index == 0
        || settings.recto_chapters
        || book.chapters[index].part
        || index
            .checked_sub(1)
            .is_some_and(|before| book.chapters[before].part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_book_stays_on_one_thread_unless_told_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let mut names = Vec::new();
        for n in 0..4 {
            let text = format!("# Chapter {n}\n\n{}\n", "word ".repeat(2000));
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
        assert!(total > 40_000 && total < TEXT_PER_THREAD, "{total}");
        assert_eq!(threads(&book, Jobs::Auto), 1);
        let exactly = |n| Jobs::Exactly(std::num::NonZeroUsize::new(n).unwrap());
        assert_eq!(threads(&book, exactly(3)), 3);
        // Never more threads than chapters.
        assert_eq!(threads(&book, exactly(8)), 4);
    }
}
