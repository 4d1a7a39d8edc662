//! Layout: the model in, pages of positioned items (frames) out.
//!
//! The body is laid out first: chapters open on a new page (a right-hand
//! one if asked) with a sunk title; blocks stack down the page and lines
//! flow on to the next, a paragraph never leaving its first or last line
//! alone at a page's edge, a heading never left without two lines after it;
//! footnotes go to the foot of the page that calls them. Then the front
//! matter (title, copyright, contents with the body's real page numbers) is
//! laid before it, an even number of pages so right-hand pages stay right;
//! running heads and folios are added and every page gets its mirrored
//! margins. Items carry anchors and links for the writer's navigation; the
//! writer only paints what this produces. A long book's chapters are laid
//! out in two halves on two threads and joined (`split.rs`).

mod blocks;
mod figure;
mod front;
mod split;

use crate::error::{Diagnostic, Place};
use crate::load::Asset;
use crate::model::{Book, Pos};
use crate::pages::{self, PageStart};
use crate::pdf::Options;
use crate::pdf::fonts::Style;
use crate::pdf::image::Picture;
use crate::pdf::text::{Line, Measure, Run, Span, Typesetter};
use crate::toc::Toc;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// A laid-out page: its size and what is on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Width in points.
    pub width: f32,
    /// Height in points.
    pub height: f32,
    /// The items, in painting order.
    pub items: Vec<Item>,
}

/// Something placed on a page. Coordinates are in points from the page's
/// top-left corner, y growing downwards.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A run of glyphs whose baseline starts at (`x`, `y`).
    Text {
        /// Left end of the baseline.
        x: f32,
        /// The baseline.
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
        /// Its alternative text, for readers that cannot see it.
        alt: String,
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
    },
}

/// Where a link goes.
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

/// How well the paragraphs were set: the quality report.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Quality {
    /// Lines set, of every kind.
    pub lines: usize,
    /// Lines ending in a hyphen.
    pub hyphenated: usize,
    /// The most hyphenated lines in a row.
    pub longest_hyphen_run: usize,
    /// Lines wider than their measure.
    pub overfull: usize,
    /// Justified lines with nothing that could stretch to fill the measure
    /// (a single long word), left short.
    pub underfull: usize,
    /// Justified lines (the ones whose spaces were adjusted).
    pub justified: usize,
    /// Mean adjustment ratio of justified lines: 0 natural, 1 full stretch, −1 full shrink.
    pub mean_ratio: f32,
    /// The adjustment ratio furthest from 0 among justified lines.
    pub worst_ratio: f32,
    /// Last lines of paragraphs left alone at the top of a page.
    pub widows: usize,
    /// First lines of paragraphs left alone at the foot of a page.
    pub orphans: usize,
}

impl Quality {
    /// Counts the lines of one paragraph.
    pub fn add(&mut self, lines: &[Line]) {
        let mut run = 0;
        for line in lines {
            self.lines += 1;
            if line.hyphenated {
                self.hyphenated += 1;
                run += 1;
                self.longest_hyphen_run = self.longest_hyphen_run.max(run);
            } else {
                run = 0;
            }
            if line.overfull {
                self.overfull += 1;
            }
            if line.justified && !line.ratio.is_finite() {
                self.underfull += 1;
            } else if line.justified {
                let n = self.justified as f32;
                self.mean_ratio = (self.mean_ratio * n + line.ratio) / (n + 1.0);
                self.justified += 1;
                if line.ratio.abs() > self.worst_ratio.abs() {
                    self.worst_ratio = line.ratio;
                }
            }
        }
    }
}

impl std::fmt::Display for Quality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "lines: {}\nhyphenated lines: {}\nlongest run of hyphenated lines: {}\n\
             overfull lines: {}\nunderfull lines: {}\njustified lines: {}\n\
             mean adjustment ratio: {:.3}\nworst adjustment ratio: {:.3}\n\
             widows: {}\norphans: {}",
            self.lines,
            self.hyphenated,
            self.longest_hyphen_run,
            self.overfull,
            self.underfull,
            self.justified,
            self.mean_ratio,
            self.worst_ratio,
            self.widows,
            self.orphans
        )
    }
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

    /// The left margin of the page with 0-based index `page`: pages 0, 2, 4…
    /// are right-hand (recto) pages, with the spine on their left.
    pub fn left(&self, page: usize) -> f32 {
        if page.is_multiple_of(2) {
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
}

/// What a body page is, for its running head and folio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Running text under a running head.
    Text,
    /// A chapter's first page: no head, no folio.
    Opening,
    /// A page left empty so that a chapter opens on the right.
    Blank,
}

/// What the flow knows about each body page.
#[derive(Debug, Clone)]
struct PageInfo {
    kind: Kind,
    /// The chapter's title, for the running head of right-hand pages.
    chapter_title: String,
    start: PageStart,
}

/// Lays the whole book out: the body first, so that the contents can give
/// real page numbers, then the front matter before it.
pub fn layout(book: &Book, toc: &Toc, typesetter: &mut Typesetter<'_>, options: &Options) -> Laid {
    let mut flow = Flow::new(typesetter, options);
    flow.chapter_ids = book.chapters.iter().map(|c| c.id.clone()).collect();
    split::body(&mut flow, book, options);
    let body = std::mem::take(&mut flow.pages);
    let infos = std::mem::take(&mut flow.infos);
    let anchors = anchor_pages(&body);
    let front = front::front_matter(&mut flow, book, toc, &anchors);
    flow.finish(book, front, body, infos)
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

/// A footnote, set once, placed line by line at the foot of pages.
struct Note {
    id: String,
    lines: Vec<Line>,
}

/// A line of a footnote waiting for its page's foot.
#[derive(Clone)]
struct NoteLine {
    note: usize,
    line: usize,
}

/// The state of the page flow.
struct Flow<'t, 'f> {
    ts: &'t mut Typesetter<'f>,
    geometry: Geometry,
    /// Whether paragraphs are told apart by a first-line indent (else by space).
    indent: bool,
    recto_chapters: bool,
    pages: Vec<Page>,
    infos: Vec<PageInfo>,
    /// The top of the next line, from the page's top edge.
    y: f32,
    quality: Quality,
    /// The adjustment ratio of every justified line counted in `quality`,
    /// in order, so that a later part's mean can be joined exactly.
    ratios: Vec<f32>,
    warnings: Vec<Diagnostic>,
    /// (chapter file, character, line) already warned about: a character
    /// is reported once per line of each file.
    reported: BTreeSet<Reported>,
    /// Each missing-character warning: its index in `warnings` and its key.
    reported_at: Vec<(usize, Reported)>,
    /// The chapter file being laid out, for warnings.
    file: PathBuf,
    source_dir: PathBuf,
    /// Images the loader read, by their path in the Markdown.
    images: &'t BTreeMap<String, Asset>,
    /// Each image met so far, decoded for the PDF or refused with a reason.
    pictures: BTreeMap<String, Result<Picture, String>>,
    /// Whether the next paragraph gets a first-line indent.
    indent_next: bool,
    /// Every chapter's id, for links to a chapter's start.
    chapter_ids: Vec<String>,
    /// The chapter being laid out, its title, and the block the flow is in.
    chapter: Option<usize>,
    chapter_title: String,
    block: usize,
    /// Characters of the current block set so far.
    offset: usize,
    /// The current chapter's notes, their indexes by id, and which of them are placed.
    notes: Vec<Note>,
    note_ids: HashMap<String, usize>,
    placed_notes: BTreeSet<usize>,
    /// Footnote lines at the foot of the current page, and their height.
    page_notes: Vec<NoteLine>,
    notes_height: f32,
    /// Footnote lines that did not fit on the page before.
    carried_notes: Vec<NoteLine>,
    /// A heading to carry to the next page with the lines it must keep.
    keep: Option<Keep>,
    /// An open code frame: its page's item index and top.
    frame: Option<(usize, f32)>,
}

/// A heading (or a list marker) that must move to the next page with the
/// lines after it, should they not fit.
#[derive(Debug, Clone, Copy)]
struct Keep {
    /// Its page, its first item there and its top.
    page: usize,
    item: usize,
    top: f32,
    /// The page map's position where it starts.
    block: usize,
    offset: usize,
}

/// A missing character warned about: the chapter file, the character and
/// the line.
type Reported = (PathBuf, char, u32);

/// The note size and leading relative to the body's.
const NOTE_SCALE: f32 = 0.85;

impl<'t, 'f> Flow<'t, 'f> {
    fn new(ts: &'t mut Typesetter<'f>, options: &'t Options) -> Flow<'t, 'f> {
        Flow {
            ts,
            geometry: options.geometry,
            indent: options.indent,
            recto_chapters: options.recto_chapters,
            pages: Vec::new(),
            infos: Vec::new(),
            y: 0.0,
            quality: Quality::default(),
            ratios: Vec::new(),
            warnings: Vec::new(),
            reported: BTreeSet::new(),
            reported_at: Vec::new(),
            file: PathBuf::new(),
            source_dir: options.source_dir.clone(),
            images: &options.images,
            pictures: BTreeMap::new(),
            indent_next: false,
            chapter_ids: Vec::new(),
            chapter: None,
            chapter_title: String::new(),
            block: 0,
            offset: 0,
            notes: Vec::new(),
            note_ids: HashMap::new(),
            placed_notes: BTreeSet::new(),
            page_notes: Vec::new(),
            notes_height: 0.0,
            carried_notes: Vec::new(),
            keep: None,
            frame: None,
        }
    }

    /// Counts the lines of one paragraph in the quality report.
    fn count(&mut self, lines: &[Line]) {
        self.quality.add(lines);
        self.ratios.extend(
            lines
                .iter()
                .filter(|l| l.justified && l.ratio.is_finite())
                .map(|l| l.ratio),
        );
    }

    /// Starts a page of running text.
    fn new_page(&mut self) {
        self.start_page(Kind::Text);
    }

    fn start_page(&mut self, kind: Kind) {
        let open_frame = self.frame.is_some();
        self.close_page();
        self.pages.push(Page {
            width: self.geometry.width,
            height: self.geometry.height,
            items: Vec::new(),
        });
        self.infos.push(PageInfo {
            kind,
            chapter_title: self.chapter_title.clone(),
            start: PageStart {
                label: String::new(),
                chapter: self.chapter,
                block: self.block,
                offset: self.offset,
            },
        });
        self.y = self.geometry.top;
        // Notes carried over take the foot first, but leave the text a few
        // lines: a note longer than that runs on over more pages.
        let mut carried = std::mem::take(&mut self.carried_notes);
        let fit = (0..=carried.len())
            .take_while(|&n| self.notes_room(n) <= self.notes_limit())
            .last()
            .unwrap_or(0);
        self.carried_notes = carried.split_off(fit);
        self.add_note_lines(&carried);
        if open_frame {
            self.frame = Some((0, self.y));
        }
    }

    /// Finishes the current page: closes a code frame and sets its notes.
    fn close_page(&mut self) {
        self.close_frame();
        let g = self.geometry;
        let lines = std::mem::take(&mut self.page_notes);
        let height = std::mem::take(&mut self.notes_height);
        if lines.is_empty() {
            return;
        }
        let leading = g.leading * NOTE_SCALE;
        let mut y = g.height - g.bottom - height;
        self.rule_at(0.0, y + 0.3 * leading, g.measure() / 4.0);
        y += 0.75 * leading;
        for nl in lines {
            let Some(note) = self.notes.get(nl.note) else {
                continue;
            };
            let anchor = (nl.line == 0).then(|| note.id.clone());
            let Some(line) = note.lines.get(nl.line).cloned() else {
                continue;
            };
            if let Some(id) = anchor {
                self.push(Item::Anchor { id, y });
            }
            self.put_line(&line, 0.0, y + g.size * NOTE_SCALE);
            y += leading;
        }
    }

    /// Starts as many pages as the notes carried over still need.
    fn finish_notes(&mut self) {
        while !self.carried_notes.is_empty() {
            self.new_page();
        }
    }

    /// The most height notes may take on a page: the text block less three
    /// lines of text, so a page never holds notes alone.
    fn notes_limit(&self) -> f32 {
        let g = self.geometry;
        g.height - g.top - g.bottom - 3.0 * g.leading
    }

    /// How many lines of a note must fit on the page that calls it: all of
    /// them, unless the note is too long for any page; then two, and the
    /// rest runs on to the next pages.
    fn note_need(&self, index: usize) -> usize {
        let count = self.notes[index].lines.len();
        let alone = (count as f32 + 0.75) * self.geometry.leading * NOTE_SCALE;
        if alone <= self.notes_limit() {
            count
        } else {
            count.min(2)
        }
    }

    /// The height the notes of the current page would take with `extra` more lines.
    fn notes_room(&self, extra: usize) -> f32 {
        let lines = self.page_notes.len() + extra;
        if lines == 0 {
            0.0
        } else {
            (lines as f32 + 0.75) * self.geometry.leading * NOTE_SCALE
        }
    }

    fn add_note_lines(&mut self, lines: &[NoteLine]) {
        self.page_notes.extend_from_slice(lines);
        self.notes_height = self.notes_room(0);
    }

    /// The lowest the text may reach on this page.
    fn bottom(&self) -> f32 {
        self.geometry.height - self.geometry.bottom - self.notes_height
    }

    /// Whether nothing but notes carried over is on the current page yet.
    fn at_top(&self) -> bool {
        self.y <= self.geometry.top + 0.01
    }

    /// Adds vertical space, unless at the top of a page.
    fn space(&mut self, amount: f32) {
        if !self.at_top() {
            self.y += amount;
        }
    }

    /// Starts a new page when less than `height` is left on this one.
    fn need(&mut self, height: f32) {
        if self.pages.is_empty() || (self.y + height > self.bottom() && !self.at_top()) {
            self.new_page();
        }
    }

    fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.items.push(item);
        }
    }

    /// Places set lines at `x`, `leading` apart, flowing onto new pages.
    /// The lines were set from `spans`. Lines of a paragraph (`paragraph`)
    /// keep widows and orphans off page edges; `refs` are the paragraph's
    /// footnote references in order, and `links` each line's clickable
    /// stretches.
    #[allow(clippy::too_many_arguments)]
    fn place(
        &mut self,
        mut lines: Vec<Line>,
        spans: &[Span],
        x: f32,
        size: f32,
        leading: f32,
        paragraph: bool,
        refs: &[(String, String)],
        links: &[Vec<(f32, f32, LinkTarget)>],
    ) {
        self.count(&lines);
        let counts = counted_per_line(spans, &lines);
        // The references each line carries: its raised runs, in order.
        let mut per_line = Vec::with_capacity(lines.len());
        let mut next = 0;
        for line in &lines {
            let count = line.runs.iter().filter(|r| r.rise > 0.0).count();
            let end = (next + count).min(refs.len());
            per_line.push(next..end);
            next = end;
        }
        let mut at = 0;
        while at < lines.len() {
            if self.pages.is_empty() {
                self.new_page();
            }
            let fit = self.lines_that_fit(&lines[at..], &per_line[at..], refs, leading);
            let rest = lines.len() - at;
            let mut take = fit.min(rest);
            if paragraph && take < rest {
                // Never leave the last line alone at the top of the next page,
                // nor the first alone at the foot of this one.
                if rest - take == 1 && take > 0 {
                    take -= 1;
                }
                if at == 0 && take == 1 {
                    take = 0;
                }
            }
            if take == 0 {
                if self.at_top() {
                    // Not even a line fits on an empty page: place one anyway.
                    take = 1;
                    if paragraph && rest > 1 && at == 0 {
                        self.quality.orphans += 1;
                    }
                } else {
                    self.break_keeping();
                    continue;
                }
            }
            if paragraph && at > 0 && take == 1 && rest == 1 {
                self.quality.widows += 1;
            }
            for i in at..at + take {
                let runs = std::mem::take(&mut lines[i].runs);
                let range = per_line[i].clone();
                let top = self.y;
                self.place_line(runs, x, size, leading, &refs[range]);
                self.offset += counts[i];
                for (from, to, target) in links.get(i).into_iter().flatten() {
                    self.push(Item::Link {
                        x: x + from,
                        y: top,
                        width: to - from,
                        height: leading,
                        target: target.clone(),
                    });
                }
            }
            self.keep = None;
            at += take;
            if at < lines.len() {
                self.new_page();
            }
        }
    }

    /// How many of `lines` fit on this page, with the notes they call.
    fn lines_that_fit(
        &self,
        lines: &[Line],
        per_line: &[std::ops::Range<usize>],
        refs: &[(String, String)],
        leading: f32,
    ) -> usize {
        let mut y = self.y;
        let mut extra = 0;
        let mut seen = BTreeSet::new();
        for (n, range) in per_line.iter().enumerate().take(lines.len()) {
            for (note_id, _) in &refs[range.clone()] {
                if let Some(index) = self.note_index(note_id)
                    && !self.placed_notes.contains(&index)
                    && seen.insert(index)
                {
                    extra += self.note_need(index);
                }
            }
            y += leading;
            let limit = self.geometry.height - self.geometry.bottom - self.notes_room(extra);
            if y > limit + 0.01 {
                return n;
            }
        }
        lines.len()
    }

    fn note_index(&self, id: &str) -> Option<usize> {
        self.note_ids.get(id).copied()
    }

    /// Starts a new page, taking along a heading that must stay with what
    /// follows; the page then starts where the heading does.
    fn break_keeping(&mut self) {
        let Some(Keep {
            page,
            item,
            top,
            block,
            offset,
        }) = self.keep.take()
        else {
            self.new_page();
            return;
        };
        let last = self.pages.len();
        let moved = match self.pages.get_mut(page) {
            Some(p) if page + 1 == last => p.items.split_off(item.min(p.items.len())),
            _ => Vec::new(),
        };
        let carried = self.y - top;
        self.new_page();
        if let Some(info) = self.infos.last_mut() {
            info.start.block = block;
            info.start.offset = offset;
        }
        let shift = self.geometry.top - top;
        for mut item in moved {
            match &mut item {
                Item::Text { y, .. }
                | Item::Rule { y, .. }
                | Item::Rect { y, .. }
                | Item::Anchor { y, .. }
                | Item::Link { y, .. }
                | Item::Image { y, .. } => *y += shift,
            }
            self.push(item);
        }
        self.y += carried;
    }

    /// Places one line's runs with its footnote marks, their links and
    /// their notes.
    fn place_line(
        &mut self,
        runs: Vec<Run>,
        x: f32,
        size: f32,
        leading: f32,
        refs: &[(String, String)],
    ) {
        let top = self.y;
        let baseline = self.y + size;
        let marks: Vec<(f32, f32)> = runs
            .iter()
            .filter(|r| r.rise > 0.0)
            .map(|r| (r.x, r.width))
            .collect();
        self.put_runs(runs, x, baseline);
        for ((note_id, ref_id), (mark_x, width)) in refs.iter().zip(marks) {
            self.push(Item::Anchor {
                id: ref_id.clone(),
                y: top,
            });
            if note_id.is_empty() {
                continue;
            }
            self.push(Item::Link {
                x: x + mark_x,
                y: top,
                width,
                height: leading,
                target: LinkTarget::Internal(note_id.clone()),
            });
            if let Some(index) = self.note_index(note_id)
                && self.placed_notes.insert(index)
            {
                self.place_note(index);
            }
        }
        self.y += leading;
    }

    /// Moves runs onto the page with their baseline at `baseline`.
    fn put_runs(&mut self, runs: Vec<Run>, x: f32, baseline: f32) {
        if let Some(page) = self.pages.last_mut() {
            page.items.extend(runs.into_iter().map(|run| Item::Text {
                x: x + run.x,
                y: baseline - run.rise,
                run,
            }));
        }
    }

    /// Puts a note's lines at this page's foot, carrying what cannot fit.
    /// Behind a note still running on from an earlier page, the whole note
    /// waits its turn, so notes stay in order.
    fn place_note(&mut self, index: usize) {
        let count = self.notes[index].lines.len();
        let mut fit = 0;
        while fit < count
            && self.geometry.height - self.geometry.bottom - self.notes_room(fit + 1)
                >= self.y + self.geometry.leading - 0.01
            && self.notes_room(fit + 1) <= self.notes_limit()
        {
            fit += 1;
        }
        let lines: Vec<NoteLine> = (0..count)
            .map(|line| NoteLine { note: index, line })
            .collect();
        let fit = if self.carried_notes.is_empty() {
            fit.max(1).min(count)
        } else {
            0
        };
        self.add_note_lines(&lines[..fit]);
        self.carried_notes.extend_from_slice(&lines[fit..]);
    }

    fn put_line(&mut self, line: &Line, x: f32, baseline: f32) {
        if let Some(page) = self.pages.last_mut() {
            for run in &line.runs {
                page.items.push(Item::Text {
                    x: x + run.x,
                    y: baseline - run.rise,
                    run: run.clone(),
                });
            }
        }
    }

    fn rule(&mut self, x: f32, width: f32) {
        let y = self.y;
        self.rule_at(x, y, width);
    }

    fn rule_at(&mut self, x: f32, y: f32, width: f32) {
        self.push(Item::Rule {
            x,
            y,
            width,
            thickness: 0.4,
        });
    }

    /// Opens a light frame behind what follows (a code block), to its end or the page's.
    fn open_frame(&mut self) {
        let items = self.pages.last().map_or(0, |p| p.items.len());
        self.frame = Some((items, self.y));
    }

    /// Closes the open frame, painting it under what it holds.
    fn close_frame(&mut self) {
        let Some((item, top)) = self.frame.take() else {
            return;
        };
        if self.y <= top {
            return;
        }
        let pad = 0.3 * self.geometry.leading;
        let rect = Item::Rect {
            x: 0.0,
            y: top - pad,
            width: self.geometry.measure(),
            height: self.y - top + 2.0 * pad,
            gray: 0.93,
        };
        if let Some(page) = self.pages.last_mut() {
            let at = item.min(page.items.len());
            page.items.insert(at, rect);
        }
    }

    /// Warns once per character and line about characters no face has.
    fn missing(&mut self, chars: &[char], pos: Pos) {
        for &c in chars {
            let key = (self.file.clone(), c, pos.line);
            if !self.reported.contains(&key) {
                self.reported_at.push((self.warnings.len(), key.clone()));
                self.reported.insert(key);
                let place = Place::at(self.source_dir.join(&self.file), pos.line, pos.col);
                self.warnings.push(
                    Diagnostic::warning(
                        "missing-glyph",
                        Some(place),
                        format!(
                            "no font has the character “{c}” (U+{:04X}); it is printed as a box",
                            c as u32
                        ),
                    )
                    .with_hint("name a font that has it in book.toml [pdf] fonts, or replace the character"),
                );
            }
        }
    }

    /// Sets one line of `text` (the first, if it wraps) in `style` at `size`.
    fn one_line(&mut self, text: &str, style: Style, size: f32, width: f32) -> Option<Line> {
        let measure = Measure::ragged(size, width);
        self.ts
            .set(&[Span::new(text, style)], &measure)
            .lines
            .into_iter()
            .next()
    }

    /// Puts the front matter before the body, adds running heads and
    /// folios, moves every page's items to its left margin and labels pages.
    fn finish(
        mut self,
        book: &Book,
        front: Vec<Page>,
        body: Vec<Page>,
        infos: Vec<PageInfo>,
    ) -> Laid {
        let g = self.geometry;
        let front_count = front.len();
        let mut labels = vec![LabelRange {
            first_page: 0,
            style: LabelStyle::LowerRoman,
            start: 1,
        }];
        if !body.is_empty() {
            labels.push(LabelRange {
                first_page: front_count,
                style: LabelStyle::Arabic,
                start: 1,
            });
        }
        let mut page_map = Vec::with_capacity(front_count + body.len());
        for index in 0..front_count {
            page_map.push(PageStart {
                label: roman(index + 1),
                chapter: None,
                block: 0,
                offset: 0,
            });
        }
        let mut pages = front;
        for (n, (mut page, info)) in body.into_iter().zip(infos).enumerate() {
            let index = front_count + n;
            let label = (n + 1).to_string();
            if info.kind == Kind::Text {
                let verso = index % 2 == 1;
                let head = if verso {
                    book.metadata.title.clone()
                } else {
                    info.chapter_title.clone()
                };
                let size = g.size * 0.85;
                let baseline = g.top - 1.5 * g.leading;
                if let Some(line) = self.one_line(&head, Style::Italic, size, g.measure() * 0.75) {
                    let width: f32 = line.runs.iter().map(|r| r.x + r.width).fold(0.0, f32::max);
                    put(&mut page, &line, (g.measure() - width) / 2.0, baseline);
                }
                if let Some(line) = self.one_line(&label, Style::Regular, size, g.measure()) {
                    let width: f32 = line.runs.iter().map(|r| r.x + r.width).fold(0.0, f32::max);
                    let x = if verso { 0.0 } else { g.measure() - width };
                    put(&mut page, &line, x, baseline);
                }
            }
            page_map.push(PageStart {
                label,
                ..info.start
            });
            pages.push(page);
        }
        for (index, page) in pages.iter_mut().enumerate() {
            let left = g.left(index);
            for item in &mut page.items {
                match item {
                    Item::Text { x, .. }
                    | Item::Rule { x, .. }
                    | Item::Rect { x, .. }
                    | Item::Link { x, .. }
                    | Item::Image { x, .. } => *x += left,
                    Item::Anchor { .. } => {}
                }
            }
        }
        let pictures = self
            .pictures
            .into_iter()
            .filter_map(|(src, picture)| Some((src, picture.ok()?)))
            .collect();
        Laid {
            pages,
            quality: self.quality,
            warnings: self.warnings,
            labels,
            page_map,
            pictures,
        }
    }
}

/// Puts a line's runs on a page with its baseline at `baseline`.
fn put(page: &mut Page, line: &Line, x: f32, baseline: f32) {
    for run in &line.runs {
        page.items.push(Item::Text {
            x: x + run.x,
            y: baseline - run.rise,
            run: run.clone(),
        });
    }
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
