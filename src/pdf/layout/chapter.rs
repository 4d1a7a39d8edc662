//! A chapter laid out into a value of its own ([`ChapterLayout`]): a pure
//! function of the chapter, the book's settings and the fonts. It reads
//! and writes no other chapter's state, so chapters can be laid out in any
//! order, on any thread, and joined (`join.rs`).

use super::blocks::Frame;
use super::flow::Flow;
use super::quality::Tally;
use super::warnings::Warnings;
use super::{Item, Kind, Mark, Page, PageInfo, Settings, spans};
use crate::model::{Chapter, HeadingLevel, Pos, ReadingStep};
use crate::pdf::fonts::{GlyphText, Style};
use crate::pdf::image::Picture;
use crate::pdf::tags::{Role, Structure};
use crate::pdf::text::{Align, Typesetter};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One chapter's pages and everything learnt laying them out. Page indexes
/// are the chapter's own: its opening page is page 0.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct ChapterLayout {
    /// Its pages: the opening page, the running text, and pages its notes
    /// run on to. Items are placed from the text block's left edge.
    pub(super) pages: Vec<Page>,
    /// What each page is and where in the chapter it starts.
    pub(super) infos: Vec<PageInfo>,
    /// Where the chapter ends, for a blank page after it.
    pub(super) end: Mark,
    pub(super) warnings: Warnings,
    pub(super) tally: Tally,
    /// The images its pages show, decoded. The layout cache keeps them
    /// out of its entries and decodes them again.
    #[serde(skip)]
    pub(super) pictures: BTreeMap<String, Picture>,
    /// The text of each glyph first shaped while it was laid out, in the
    /// order shaped (see [`crate::pdf::fonts::Fonts::take_glyph_texts`]).
    pub(super) glyph_texts: Vec<GlyphText>,
    /// Its structure, for the tagged PDF.
    pub(super) structure: Structure,
    /// Whether it was laid out to open on a right-hand page: the join
    /// puts it on one.
    pub(super) opens_recto: bool,
    /// The tokens of its highlighted code, kept in its cache entry for the
    /// EPUB of a later build (see [`crate::highlight::recording`]); empty
    /// outside the cache.
    pub(super) highlighted: Vec<crate::highlight::Kept>,
}

/// Lays out a chapter: an opening page with its sunk title, its body, and
/// its notes at the foot of the pages that call them, all placed before it
/// ends. `chapter_ids` resolve links to a chapter's start. A chapter that
/// `opens_recto` (the join puts it on a right-hand page) knows its spreads
/// and balances them; any other may open on either hand, and does not.
pub(super) fn lay_chapter(
    ts: &mut Typesetter<'_>,
    settings: &Settings<'_>,
    chapter_ids: &[String],
    chapter: &Chapter,
    opens_recto: bool,
) -> ChapterLayout {
    // What the chapters before it on this thread taught the fonts about
    // glyphs must not show in its value.
    ts.fonts.forget_glyph_texts();
    let mut flow = Flow::new(ts, settings, chapter_ids, &chapter.file);
    flow.fill.spreads = opens_recto;
    flow.set_notes(&chapter.footnotes);
    flow.start_page(Kind::Opening);
    let g = settings.geometry;
    let frame = Frame {
        x: 0.0,
        width: g.measure(),
        size: g.size,
    };
    flow.push(Item::Anchor {
        id: chapter.id.clone(),
        y: flow.y,
    });
    let section = flow.structure.open(Role::Sect);
    // A sunk title: the chapter starts a third of the way down the text block.
    flow.y += (g.height - g.top - g.bottom) * 0.25;
    let title = spans::spans(&chapter.title, Style::Regular, settings.image());
    flow.structure.open(Role::Heading(HeadingLevel::H1));
    flow.text(&title, frame, 1.9, Align::Center, Pos { line: 1, col: 1 });
    flow.structure.close();
    flow.y += 2.5 * g.leading;
    flow.snap();
    flow.indent_next = false;
    flow.fill.opening_text = flow.pages.last().map(|page| page.items.len());
    for step in chapter.reading_order() {
        if step.is_block() {
            flow.next_block();
        }
        match step {
            ReadingStep::Block(block) => flow.block(block, frame, None),
            // A FAQ group and a question are sections of their own.
            ReadingStep::Group(group) => {
                flow.structure.open(Role::Sect);
                if let Some(heading) = &group.heading {
                    flow.heading(heading, group.pos, frame, None);
                }
            }
            ReadingStep::Question(question) => {
                flow.structure.open(Role::Sect);
                flow.heading(
                    &question.heading,
                    question.pos,
                    frame,
                    Some(question.number),
                );
            }
            ReadingStep::GroupEnd | ReadingStep::QuestionEnd => flow.structure.close(),
        }
    }
    flow.finish_notes();
    flow.close_page();
    flow.structure.close_to(section);
    let mut decoded = flow.found.pictures;
    let pictures = shown_pictures(&flow.pages, |src| decoded.remove(src)?.ok());
    ChapterLayout {
        pages: flow.pages,
        infos: flow.infos,
        end: flow.mark,
        warnings: flow.found.warnings,
        tally: flow.found.tally,
        pictures,
        structure: flow.structure,
        glyph_texts: ts.fonts.take_glyph_texts(),
        opens_recto,
        highlighted: Vec::new(),
    }
}

/// The images `pages` show, each once, as `decoded` gives them.
pub(super) fn shown_pictures(
    pages: &[Page],
    mut decoded: impl FnMut(&str) -> Option<Picture>,
) -> BTreeMap<String, Picture> {
    let mut pictures = BTreeMap::new();
    for item in pages.iter().flat_map(|page| &page.items) {
        if let Item::Image { src, .. } = item
            && !pictures.contains_key(src)
            && let Some(picture) = decoded(src)
        {
            pictures.insert(src.clone(), picture);
        }
    }
    pictures
}
