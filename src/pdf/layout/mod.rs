//! Layout: the model in, pages of positioned items (frames) out.
//!
//! Each chapter is laid out into a value of its own (`chapter.rs`): it
//! opens on a new page with a sunk title; blocks stack down the page and
//! lines flow on to the next (`flow.rs`), a paragraph never leaving its
//! first or last line alone at a page's edge, a heading never left without
//! two lines after it; footnotes go to the foot of the page that calls them
//! and all are placed before the chapter ends (`notes.rs`). Chapters are
//! laid out side by side on as many threads as asked (`threads.rs`) and
//! joined in book order (`join.rs`), where everything that crosses a
//! chapter boundary is settled: the blank page before a right-hand
//! opening, warnings given once, the quality report, glyph texts. Then the
//! front matter (title, copyright, contents with the body's real page
//! numbers) is laid before the body, an even number of pages so right-hand
//! pages stay right; running heads and folios are added and every page
//! gets its mirrored margins. Items carry anchors and links for the
//! writer's navigation; the writer only paints what this produces.

mod blocks;
pub mod cache;
mod chapter;
mod code;
mod figure;
mod fill;
mod flow;
mod front;
mod join;
mod notes;
mod place;
mod quality;
mod spans;
mod table;
mod threads;
mod warnings;
mod window;

pub use quality::{LineFigures, PageFigures, Quality, Tally};
pub use threads::TEXT_PER_THREAD;

use crate::error::Diagnostic;
use crate::load::Asset;
use crate::model::Book;
use crate::pages::{self, PageStart};
use crate::pdf::image::Picture;
use crate::pdf::tags::{Part, Tag};
use crate::pdf::text::{Line, Run, Span, Typesetter};
use crate::toc::Toc;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::Arc;

/// A laid-out page: its size and what is on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// Width in points.
    pub width: f32,
    /// Height in points.
    pub height: f32,
    /// The items, in painting order.
    pub items: Vec<Item>,
}

impl Page {
    /// The baseline of its lowest line of text (raised runs, footnote
    /// marks, aside).
    pub(super) fn last_baseline(&self) -> Option<f32> {
        self.items
            .iter()
            .filter_map(|item| match item {
                Item::Text { y, run, .. } if run.rise == 0.0 => Some(*y),
                _ => None,
            })
            .reduce(f32::max)
    }
}

/// Something placed on a page. Coordinates are in points from the page's
/// top-left corner, y growing downwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Item {
    /// A run of glyphs whose baseline starts at (`x`, `y`).
    Text {
        /// Left end of the baseline.
        x: f32,
        /// The baseline.
        y: f32,
        /// The glyphs.
        run: Run,
        /// What the run is, for the structure tree.
        tag: Tag,
    },
    /// A run of glyphs turned a quarter clockwise, reading down from
    /// (`x`, `y`): a book's spine.
    Turned {
        /// Where the baseline starts, across the page.
        x: f32,
        /// Where the baseline starts, down the page.
        y: f32,
        /// The glyphs.
        run: Run,
    },
    /// A horizontal rule.
    Rule {
        /// Left end.
        x: f32,
        /// Vertical centre of the rule.
        y: f32,
        /// Length.
        width: f32,
        /// Thickness.
        thickness: f32,
    },
    /// A filled rectangle behind text (the frame of a code block).
    Rect {
        /// Left edge.
        x: f32,
        /// Top edge.
        y: f32,
        /// Width.
        width: f32,
        /// Height.
        height: f32,
        /// The fill's grey level: 0 black, 1 white.
        gray: f32,
    },
    /// An image, scaled into its box.
    Image {
        /// Left edge.
        x: f32,
        /// Top edge.
        y: f32,
        /// Width.
        width: f32,
        /// Height.
        height: f32,
        /// The image's key in [`Laid::pictures`]: its path in the Markdown.
        src: String,
        /// Its alternative text, for readers that cannot see it (the
        /// structure tree's `Figure` has it too).
        alt: String,
        /// Its figure's slot in the structure tree.
        tag: Tag,
    },
    /// Where a chapter, heading, FAQ question or footnote starts: a link target.
    /// `id` is the model's id (Chapter::id, Heading::id, Footnote::id, the FootnoteRef's id).
    Anchor {
        /// The model's id.
        id: String,
        /// The top of the line it marks.
        y: f32,
    },
    /// A clickable area (x, y = top-left, in points from the page's top-left, y down).
    Link {
        /// Left edge.
        x: f32,
        /// Top edge.
        y: f32,
        /// Width.
        width: f32,
        /// Height.
        height: f32,
        /// Where it goes.
        target: LinkTarget,
        /// The slot of its `Link` element in the structure tree.
        tag: Tag,
    },
}

impl Item {
    /// Moves the item down the page by `dy` (up for a negative `dy`).
    pub(super) fn move_down(&mut self, dy: f32) {
        *self.y_mut() += dy;
    }

    /// How far down the page it is: a baseline, or a top.
    pub(super) fn y_mut(&mut self) -> &mut f32 {
        match self {
            Item::Text { y, .. }
            | Item::Turned { y, .. }
            | Item::Rule { y, .. }
            | Item::Rect { y, .. }
            | Item::Anchor { y, .. }
            | Item::Link { y, .. }
            | Item::Image { y, .. } => y,
        }
    }

    /// Moves the item right by `dx`; an anchor marks a height only.
    pub(super) fn move_right(&mut self, dx: f32) {
        match self {
            Item::Text { x, .. }
            | Item::Turned { x, .. }
            | Item::Rule { x, .. }
            | Item::Rect { x, .. }
            | Item::Link { x, .. }
            | Item::Image { x, .. } => *x += dx,
            Item::Anchor { .. } => {}
        }
    }
}

/// Where a link goes. The layout cache keeps an address once however many
/// areas share it (see [`cache`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// An [`Item::Anchor`]'s id.
    Internal(String),
    /// A URL, shared by the areas of every line the link spans: a link
    /// can be a whole paragraph long.
    External(Arc<str>),
}

/// A run of pages numbered in one style, for PDF page labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelRange {
    /// The 0-based index of the range's first page.
    pub first_page: usize,
    /// How its pages are numbered.
    pub style: LabelStyle,
    /// The number of its first page.
    pub start: u32,
}

/// How pages are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelStyle {
    /// i, ii, iii: the front matter.
    LowerRoman,
    /// 1, 2, 3: the body.
    Arabic,
}

/// The page's size and margins, the body size and leading, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    /// Trimmed page width.
    pub width: f32,
    /// Trimmed page height.
    pub height: f32,
    /// Margin above the text block (the running head sits in it).
    pub top: f32,
    /// Margin below the text block (the folio sits in it).
    pub bottom: f32,
    /// The margin at the spine: left on right-hand pages, right on left-hand ones.
    pub inside: f32,
    /// The margin at the fore-edge.
    pub outside: f32,
    /// Body font size.
    pub size: f32,
    /// Distance between baselines of body text.
    pub leading: f32,
}

impl Default for Geometry {
    /// A 6×9 in trade page with a 4.5 in measure and 10.5/13.5 pt body text.
    fn default() -> Self {
        Geometry {
            width: 432.0,
            height: 648.0,
            top: 54.0,
            bottom: 63.0,
            inside: 63.0,
            outside: 45.0,
            size: 10.5,
            leading: 13.5,
        }
    }
}

/// The narrowest text block a book is set in, in points: an inch.
pub const MIN_MEASURE: f32 = 72.0;
/// The fewest body lines a text block must hold.
pub const MIN_LINES: f32 = 10.0;

impl Geometry {
    /// The grid line (0 is the first) whose baseline `y` is, to a fiftieth
    /// of a line; `None` for a baseline off the grid.
    pub(super) fn grid_line(&self, y: f32) -> Option<usize> {
        let line = (y - self.size - self.top) / self.leading;
        ((line - line.round()).abs() <= 0.02).then(|| line.round().max(0.0) as usize)
    }

    /// The width of the text block.
    pub fn measure(&self) -> f32 {
        self.width - self.inside - self.outside
    }

    /// Whether the text block is one a book can be set in: [`MIN_MEASURE`]
    /// wide at least, and [`MIN_LINES`] deep. Anything less is a mistake in
    /// the margins, not a design.
    pub fn is_usable(&self) -> bool {
        self.measure() >= MIN_MEASURE
            && self.height - self.top - self.bottom >= MIN_LINES * self.leading
    }

    /// How many body lines the text block holds: its baseline grid.
    pub fn lines(&self) -> usize {
        ((self.height - self.top - self.bottom) / self.leading + 0.001).floor() as usize
    }

    /// The bottom of the grid's last line: where a full page's text ends.
    pub fn foot(&self) -> f32 {
        self.top + self.lines() as f32 * self.leading
    }

    /// The baseline of grid line `n` (0 is the first).
    pub fn baseline(&self, n: usize) -> f32 {
        self.top + n as f32 * self.leading + self.size
    }

    /// The left margin of the page with 0-based index `page`: pages 0, 2, 4…
    /// are rectos, with the spine on their left, or on their right in a book
    /// bound on the right.
    pub fn left(&self, page: usize, bound_right: bool) -> f32 {
        if page.is_multiple_of(2) != bound_right {
            self.inside
        } else {
            self.outside
        }
    }
}

/// What layout hands the writer: pages, the quality report and warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct Laid {
    /// The pages in order.
    pub pages: Vec<Page>,
    /// How well the paragraphs were set.
    pub quality: Quality,
    /// Characters no face could draw, with their places.
    pub warnings: Vec<Diagnostic>,
    /// Page numbering ranges for PDF page labels, in page order: front matter in roman, body in arabic.
    pub labels: Vec<LabelRange>,
    /// For each page, where in the model it starts.
    pub page_map: Vec<PageStart>,
    /// The images the pages show, by their path in the Markdown.
    pub pictures: BTreeMap<String, Picture>,
    /// The structure of each part (the front matter, then each chapter),
    /// with the pages it is on, in page order.
    pub structure: Vec<Part>,
    /// Each chapter's entry for the layout cache, in book order; none
    /// when laid out without a cache.
    pub entries: Vec<cache::Entry>,
    /// Where each page's items come from, for a body page of a chapter
    /// laid out with a layout cache key.
    pub sources: Vec<Option<Source>>,
}

/// Where a body page's items come from: page `page` of the chapter laid
/// out under the layout cache key `chapter` (which settles its items, as
/// the layout is a function of what the key hashes), moved right by
/// `left`, then whatever the join put after its first `own` items (its
/// running head and folio). The painted page's key reads this instead of
/// every glyph the page shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Source {
    /// The chapter's layout cache key.
    pub chapter: crate::store::Key,
    /// The page's index in its chapter.
    pub page: usize,
    /// How many of the page's items its chapter placed.
    pub own: usize,
    /// How far the join moved them right: the page's left margin.
    pub left: f32,
}

/// What layout is told besides the book and the fonts: the page and the
/// type, where warnings point, the images, and how many threads to use.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    /// Page size, margins and body type.
    pub geometry: Geometry,
    /// First-line indents (true) or space between paragraphs (false).
    pub indent: bool,
    /// Whether chapters open on right-hand pages only.
    pub recto_chapters: bool,
    /// The manuscript folder, to name files in warnings.
    pub source_dir: &'a Path,
    /// The images the loader read, by the path written in the Markdown.
    pub images: &'a BTreeMap<String, Asset>,
    /// How many threads lay chapters out. The pages are the same, to the
    /// byte, however many.
    pub jobs: Jobs,
    /// How highlighted code is printed.
    pub code_theme: crate::config::CodeTheme,
    /// The words bindery writes in the book's language (a listing's, an
    /// image's stand-in).
    pub labels: &'a crate::lang::labels::Labels,
    /// Whether the book is bound on the right, as one written from right to
    /// left is: its right-hand pages have the spine on their right.
    pub bound_right: bool,
}

impl<'a> Settings<'a> {
    /// The word shown in brackets for an image without alternative text,
    /// the book's label (`image`).
    pub fn image(&self) -> &'a str {
        &self.labels.image.text
    }
}

/// How many threads lay a book's chapters out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Jobs {
    /// One for every [`TEXT_PER_THREAD`] bytes of text, at least one and
    /// at most as many as the machine runs at once: a short book stays on
    /// one thread, where more would cost more than they save.
    #[default]
    Auto,
    /// This many, never more than there are chapters.
    Exactly(NonZeroUsize),
}

/// What a body page is, for its running head and folio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Kind {
    /// Running text under a running head.
    Text,
    /// A chapter's first page: no head, no folio.
    Opening,
    /// A page left empty so that a chapter opens on the right.
    Blank,
}

/// Where in a chapter the flow is, for the page map (see [`pages`]): the
/// block in reading order (0 is the title) and how many of its counted
/// characters are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
struct Mark {
    block: usize,
    offset: usize,
}

/// What a flow knows about each of its pages.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct PageInfo {
    kind: Kind,
    /// Where the page starts in its chapter.
    start: Mark,
    /// Whether its text ends in a word split over its foot.
    split: bool,
}

/// Lays the whole book out: the body first, so that the contents can give
/// real page numbers, then the front matter before it. The `typesetter`
/// sets the front matter and the running heads and learns every glyph's
/// text; each chapter is set by a fresh copy of it. A chapter whose layout
/// `cache` holds is taken from it (see [`cache`]).
pub fn layout(
    book: &Book,
    toc: &Toc,
    typesetter: &mut Typesetter<'_>,
    settings: &Settings<'_>,
    cache: Option<&cache::Cache>,
) -> Laid {
    let (chapters, entries, keys) = threads::lay_chapters(book, typesetter, settings, cache);
    let body = join::Body::join(chapters, &keys, typesetter, settings);
    let anchors = anchor_pages(&body.pages);
    let front = front::front_matter(typesetter, settings, book, toc, &anchors);
    Laid {
        entries,
        ..join::finish(typesetter, settings, book, front, body)
    }
}

/// The body page (0-based) of every anchor.
fn anchor_pages(pages: &[Page]) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for (index, page) in pages.iter().enumerate() {
        for item in &page.items {
            if let Item::Anchor { id, .. } = item {
                out.entry(id.clone()).or_insert(index);
            }
        }
    }
    out
}

/// The counted characters of `spans` (see [`pages`]).
fn counted(spans: &[Span]) -> usize {
    spans
        .iter()
        .filter(|s| s.counted)
        .map(|s| pages::count(&s.text))
        .sum()
}

/// How many counted characters each line set from `spans` holds: those from
/// its start to the next line's (the first line also takes any before it).
fn counted_per_line(spans: &[Span], lines: &[Line]) -> Vec<usize> {
    let mut out = vec![0; lines.len()];
    if lines.is_empty() {
        return out;
    }
    let mut line = 0;
    let mut at = 0;
    for span in spans {
        if span.counted {
            for (i, c) in span.text.char_indices() {
                while line + 1 < lines.len() && lines[line + 1].start <= at + i {
                    line += 1;
                }
                if pages::counts(c) {
                    out[line] += 1;
                }
            }
        }
        at += span.text.len();
    }
    out
}

/// A number in lower-case roman numerals.
pub fn roman(mut n: usize) -> String {
    const NUMERALS: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, numeral) in NUMERALS {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::roman;

    #[test]
    fn roman_numerals() {
        assert_eq!(roman(1), "i");
        assert_eq!(roman(4), "iv");
        assert_eq!(roman(9), "ix");
        assert_eq!(roman(14), "xiv");
        assert_eq!(roman(1999), "mcmxcix");
    }
}
