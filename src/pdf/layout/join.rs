//! The join: the chapters' values put together in book order, and the
//! front matter before them. Everything that crosses a chapter boundary is
//! settled here, and only here:
//! - the blank page before a chapter laid out to open on the right
//!   ([`ChapterLayout::opens_recto`]: every chapter with `recto-chapters`,
//!   else a part's title page and the chapter after it), when the
//!   chapters before it end on one;
//! - page numbers: a chapter's pages count from its opening page, the
//!   book's from its first body page, and the page map's places get their
//!   chapter and label;
//! - running heads and folios, and each page's mirrored margin, by the
//!   page's place in the book (a chapter places its items from the text
//!   block's edge and never knows its pages' parity);
//! - warnings about a missing character, given once per file, character
//!   and line even when a file is a chapter twice;
//! - the quality report, whose mean adjustment ratio is a running mean
//!   over every chapter's lines in book order;
//! - each glyph's ToUnicode text, the one recorded where the book first
//!   showed it ([`crate::pdf::fonts::Fonts::learn_glyph_texts`]);
//! - the images, decoded by each chapter that shows them, kept once.

use super::chapter::ChapterLayout;
use super::flow::one_line;
use super::place::put;
use super::quality::Tally;
use super::warnings::Warnings;
use super::{
    Geometry, Item, Kind, LabelRange, LabelStyle, Laid, Mark, Page, PageFigures, PageStart,
    Settings, Source, roman,
};
use crate::model::{Book, Inline};
use crate::pdf::fonts::Style;
use crate::pdf::image::Picture;
use crate::pdf::tags::{Part, Structure, Tag};
use crate::pdf::text::{Line, Typesetter};
use crate::store::Key;
use std::collections::BTreeMap;

/// The body: every chapter's pages in book order, with what is known of
/// each page, and what laying them out gathered.
#[derive(Default)]
pub(super) struct Body {
    pub(super) pages: Vec<Page>,
    infos: Vec<BodyPage>,
    tally: Tally,
    warnings: Warnings,
    pictures: BTreeMap<String, Picture>,
    /// Each chapter's structure, its first page counted from the body's.
    parts: Vec<Part>,
}

/// What the join knows about a body page.
#[derive(Debug, Clone, Copy)]
struct BodyPage {
    kind: Kind,
    /// Whether its text ends in a word split over its foot.
    split: bool,
    /// The chapter it belongs to (a blank page: the chapter before it).
    chapter: usize,
    start: Mark,
    /// Its chapter's layout key and its place in that chapter, for a page
    /// of a chapter laid out with a key.
    from: Option<(Key, usize)>,
}

impl Body {
    /// Joins the chapters, in book order, each laid out under its layout
    /// cache key in `keys` when it has one; `ts` learns their glyph texts.
    pub(super) fn join(
        chapters: Vec<ChapterLayout>,
        keys: &[Option<Key>],
        ts: &mut Typesetter<'_>,
        settings: &Settings<'_>,
    ) -> Body {
        let g = settings.geometry;
        let mut body = Body::default();
        let mut end = None;
        for ((index, chapter), key) in chapters.into_iter().enumerate().zip(keys) {
            if let Some((before, start)) = end
                && chapter.opens_recto
                && body.pages.len() % 2 == 1
            {
                // It starts where the chapter before it ended.
                body.pages.push(Page {
                    width: g.width,
                    height: g.height,
                    items: Vec::new(),
                });
                body.infos.push(BodyPage {
                    kind: Kind::Blank,
                    split: false,
                    chapter: before,
                    start,
                    from: None,
                });
            }
            end = Some((index, chapter.end));
            body.parts.push(Part {
                first_page: body.pages.len(),
                pages: chapter.pages.len(),
                structure: chapter.structure,
            });
            body.pages.extend(chapter.pages);
            body.infos.extend(
                chapter
                    .infos
                    .into_iter()
                    .enumerate()
                    .map(|(page, info)| BodyPage {
                        kind: info.kind,
                        split: info.split,
                        chapter: index,
                        start: info.start,
                        from: key.map(|key| (key, page)),
                    }),
            );
            body.tally.append(chapter.tally);
            body.warnings.append(chapter.warnings);
            for (src, picture) in chapter.pictures {
                body.pictures.entry(src).or_insert(picture);
            }
            ts.fonts.learn_glyph_texts(chapter.glyph_texts);
        }
        body
    }
}

/// Puts the front matter (its pages and counts) before the body, adds
/// running heads and folios, moves every page's items to its left margin
/// and labels pages.
pub(super) fn finish(
    ts: &mut Typesetter<'_>,
    settings: &Settings<'_>,
    book: &Book,
    (front, front_tally, front_structure): (Vec<Page>, Tally, Structure),
    body: Body,
) -> Laid {
    let g = settings.geometry;
    let front_count = front.len();
    let mut labels = vec![LabelRange {
        first_page: 0,
        style: LabelStyle::LowerRoman,
        start: 1,
    }];
    if !body.pages.is_empty() {
        labels.push(LabelRange {
            first_page: front_count,
            style: LabelStyle::Arabic,
            start: 1,
        });
    }
    let mut page_map = Vec::with_capacity(front_count + body.pages.len());
    let mut sources = vec![None; front_count];
    for index in 0..front_count {
        page_map.push(PageStart {
            label: roman(index + 1),
            chapter: None,
            block: 0,
            offset: 0,
        });
    }
    let titles: Vec<String> = book
        .chapters
        .iter()
        .map(|c| Inline::plain_text(&c.title))
        .collect();
    let figures = page_figures(&body.pages, &body.infos, front_count, g);
    let mut pages = front;
    for (n, (mut page, info)) in body.pages.into_iter().zip(body.infos).enumerate() {
        let index = front_count + n;
        let label = (n + 1).to_string();
        sources.push(info.from.map(|(chapter, page_in_chapter)| Source {
            chapter,
            page: page_in_chapter,
            own: page.items.len(),
            left: g.left(index, settings.bound_right),
        }));
        if info.kind == Kind::Text {
            let verso = index % 2 == 1;
            let head = if verso {
                &book.metadata.title
            } else {
                &titles[info.chapter]
            };
            let size = g.size * 0.85;
            let baseline = g.top - 1.5 * g.leading;
            let head = one_line(ts, head, Style::Italic, size, g.measure() * 0.75);
            let folio = one_line(ts, &label, Style::Regular, size, g.measure());
            // Room for both at once: the chapter's items fill their list.
            let runs = |line: &Option<_>| line.as_ref().map_or(0, |l: &Line| l.runs.len());
            page.items.reserve_exact(runs(&head) + runs(&folio));
            if let Some(line) = head {
                let width: f32 = line.runs.iter().map(|r| r.x + r.width).fold(0.0, f32::max);
                put(
                    &mut page,
                    &line,
                    (g.measure() - width) / 2.0,
                    baseline,
                    Tag::Artifact,
                );
            }
            if let Some(line) = folio {
                let width: f32 = line.runs.iter().map(|r| r.x + r.width).fold(0.0, f32::max);
                // The folio sits at the fore-edge.
                let x = if verso != settings.bound_right {
                    0.0
                } else {
                    g.measure() - width
                };
                put(&mut page, &line, x, baseline, Tag::Artifact);
            }
        }
        page_map.push(PageStart {
            label,
            chapter: Some(info.chapter),
            block: info.start.block,
            offset: info.start.offset,
        });
        pages.push(page);
    }
    for (index, page) in pages.iter_mut().enumerate() {
        let left = g.left(index, settings.bound_right);
        for item in &mut page.items {
            item.move_right(left);
        }
    }
    let mut structure = vec![Part {
        first_page: 0,
        pages: front_count,
        structure: front_structure,
    }];
    structure.extend(body.parts.into_iter().map(|part| Part {
        first_page: front_count + part.first_page,
        ..part
    }));
    let mut tally = body.tally;
    tally.append(front_tally);
    let space = ts.space_width(Style::Regular);
    let mut quality = tally.quality(space);
    quality.pages = PageFigures {
        widows: quality.pages.widows,
        orphans: quality.pages.orphans,
        stranded: quality.pages.stranded,
        ..figures
    };
    Laid {
        pages,
        quality,
        warnings: body.warnings.list,
        labels,
        page_map,
        pictures: body.pictures,
        structure,
        entries: Vec::new(),
        sources,
    }
}

/// How the body's pages end, for the quality report: the figures only
/// pages tell (the rest are counted as the chapters are laid out).
fn page_figures(pages: &[Page], infos: &[BodyPage], front: usize, g: Geometry) -> PageFigures {
    let last = g.baseline(g.lines() - 1);
    // Each page's last baseline, when it is a page of text that is not its
    // chapter's last.
    let depths: Vec<Option<f32>> = (0..pages.len())
        .map(|n| {
            let info = infos[n];
            let ends = infos
                .get(n + 1)
                .is_none_or(|next| next.chapter != info.chapter || next.kind == Kind::Blank);
            if info.kind == Kind::Blank || ends {
                return None;
            }
            pages[n].last_baseline()
        })
        .collect();
    let mut figures = PageFigures {
        count: pages.len(),
        ..PageFigures::default()
    };
    // A right-hand page: the body's first page follows the front matter.
    let recto = |n: usize| (front + n).is_multiple_of(2);
    figures.page_turns = (0..pages.len())
        .filter(|&n| infos[n].split && recto(n))
        .count();
    figures.short = depths.iter().flatten().filter(|&&d| d < last - 0.5).count();
    for (n, pair) in depths.windows(2).enumerate() {
        if !recto(n)
            && let [Some(verso), Some(recto)] = pair
        {
            figures.spreads += 1;
            if (verso - recto).abs() > 0.5 {
                figures.uneven_spreads += 1;
            }
        }
    }
    for page in pages {
        let mut off: Vec<i32> = page
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Text { y, run, tag, .. }
                    if run.rise == 0.0 && run.size == g.size && *tag != Tag::Artifact =>
                {
                    g.grid_line(*y).is_none().then(|| (y * 10.0).round() as i32)
                }
                _ => None,
            })
            .collect();
        off.dedup();
        figures.off_grid += off.len();
    }
    figures
}
