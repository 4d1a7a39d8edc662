//! The page flow of one part of the book (a chapter, or the front matter):
//! its pages, where the next line goes, new pages, headings kept with what
//! follows, code frames and warnings. Placing lines is `place.rs`, filling
//! pages `fill.rs`. A flow knows nothing of the pages before its own: its
//! page indexes start at 0.

use super::fill::Fill;
use super::notes::Notes;
use super::warnings::Found;
use super::{Item, Kind, Mark, Page, PageInfo, Settings};
use crate::error::{Diagnostic, Place};
use crate::model::Pos;
use crate::pdf::fonts::Style;
use crate::pdf::tags::Structure;
use crate::pdf::text::{Line, Measure, Span, Typesetter};
use std::path::Path;

/// The state of one part's page flow.
pub(super) struct Flow<'t, 'f> {
    pub(super) ts: &'t mut Typesetter<'f>,
    pub(super) settings: &'t Settings<'t>,
    /// Every chapter's id, for links to a chapter's start.
    pub(super) chapter_ids: &'t [String],
    /// The chapter file being laid out, for warnings.
    pub(super) file: &'t Path,
    pub(super) pages: Vec<Page>,
    pub(super) infos: Vec<PageInfo>,
    /// The top of the next line, from the page's top edge.
    pub(super) y: f32,
    /// The counts, warnings and images gathered on the way.
    pub(super) found: Found,
    /// Whether the next paragraph gets a first-line indent.
    pub(super) indent_next: bool,
    /// Where in the chapter the flow is, for the page map.
    pub(super) mark: Mark,
    /// The chapter's notes, set, and those waiting for a page's foot.
    pub(super) notes: Notes,
    /// A heading to carry to the next page with the lines it must keep.
    pub(super) keep: Option<Keep>,
    /// An open code frame: its page's item index and top.
    pub(super) frame: Option<(usize, f32)>,
    /// The structure of what is laid out, for the tagged PDF.
    pub(super) structure: Structure,
    /// What filling pages and balancing spreads needs to know.
    pub(super) fill: Fill,
}

/// A heading (or a list marker) that must move to the next page with the
/// lines after it, should they not fit.
#[derive(Debug, Clone, Copy)]
pub(super) struct Keep {
    /// Its page, its first item there and its top.
    pub(super) page: usize,
    pub(super) item: usize,
    pub(super) top: f32,
    /// The page map's position where it starts.
    pub(super) mark: Mark,
    /// Whether it is a heading, kept until two lines follow it, and how
    /// many have so far.
    pub(super) heading: bool,
    pub(super) after: usize,
}

impl<'t, 'f> Flow<'t, 'f> {
    /// A flow with no page yet, laying out `file`.
    pub(super) fn new(
        ts: &'t mut Typesetter<'f>,
        settings: &'t Settings<'t>,
        chapter_ids: &'t [String],
        file: &'t Path,
    ) -> Flow<'t, 'f> {
        Flow {
            ts,
            settings,
            chapter_ids,
            file,
            pages: Vec::new(),
            infos: Vec::new(),
            y: 0.0,
            found: Found::default(),
            indent_next: false,
            mark: Mark::default(),
            notes: Notes::default(),
            keep: None,
            frame: None,
            structure: Structure::default(),
            fill: Fill::default(),
        }
    }

    /// Counts the lines of one paragraph in the quality report.
    pub(super) fn count(&mut self, lines: &[Line]) {
        self.found.tally.add(lines);
    }

    /// Starts a page of running text.
    pub(super) fn new_page(&mut self) {
        self.start_page(Kind::Text);
    }

    pub(super) fn start_page(&mut self, kind: Kind) {
        if self
            .keep
            .is_some_and(|k| k.heading && k.page + 1 == self.pages.len())
        {
            // A heading left at the foot of the page with too little after it.
            self.found.tally.stranded += 1;
        }
        let open_frame = self.frame.is_some();
        self.lower_opening_text();
        self.settle_foot();
        self.fill.floor = self.left_page_short().then(|| {
            let g = self.settings.geometry;
            g.foot() - g.leading
        });
        self.close_page();
        self.fill.window.clear();
        let g = self.settings.geometry;
        self.pages.push(Page {
            width: g.width,
            height: g.height,
            items: Vec::new(),
        });
        self.infos.push(PageInfo {
            kind,
            start: self.mark,
            split: false,
        });
        self.y = g.top;
        self.place_carried_notes();
        if open_frame {
            self.frame = Some((0, self.y));
        }
    }

    /// Finishes the current page: closes a code frame and sets its notes.
    pub(super) fn close_page(&mut self) {
        self.close_frame();
        self.set_page_notes();
    }

    /// Before a page of running text is closed: where its text ends off the
    /// grid (block quotes on their own leading at its foot), what follows
    /// its last line of body text on the grid is spread down, by a tenth at
    /// most of the height it takes, so that the last line sits where a full
    /// page's does.
    fn settle_foot(&mut self) {
        let g = self.settings.geometry;
        // The baseline of the grid's last line above the page's bottom.
        let lines = ((self.bottom() - g.top) / g.leading + 0.01).floor() as usize;
        let Some(lowest) = lines.checked_sub(1).map(|n| g.baseline(n)) else {
            return;
        };
        let Some(page) = self.pages.last_mut() else {
            return;
        };
        if self.frame.is_some() {
            return;
        }
        let from = page
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Text { y, run, .. }
                    if run.rise == 0.0 && run.size == g.size && g.grid_line(*y).is_some() =>
                {
                    Some(*y)
                }
                _ => None,
            })
            .fold(g.top, f32::max);
        let last = page.last_baseline().unwrap_or(from).max(from);
        let room = lowest - last;
        if room < 0.01 || room > 0.1 * (last - from) {
            return;
        }
        for item in &mut page.items {
            let y = item.y_mut();
            if *y > from {
                *y += room * (*y - from) / (last - from);
            }
        }
    }

    /// The lowest the text may reach on this page.
    pub(super) fn bottom(&self) -> f32 {
        self.limit(self.notes.height)
    }

    /// Whether `height` fits on this page below the next line's top.
    pub(super) fn fits(&self, height: f32) -> bool {
        height <= self.bottom() - self.y + 0.01
    }

    /// The lowest the text may reach above notes `height` high: the grid's
    /// last line with no notes, else the top of the notes' area.
    pub(super) fn limit(&self, height: f32) -> f32 {
        let foot = self.fill.floor.unwrap_or(self.settings.geometry.foot());
        if height > 0.0 {
            foot.min(self.notes_base() - height)
        } else {
            foot
        }
    }

    /// Moves down onto the next line of the baseline grid, unless on one:
    /// whatever comes before, the text after it stays on the grid.
    /// Paragraphs spaced half a line apart are off the grid by design: there,
    /// nothing is snapped.
    pub(super) fn snap(&mut self) {
        if !self.settings.indent {
            return;
        }
        let g = self.settings.geometry;
        let lines = ((self.y - g.top) / g.leading - 0.01).ceil().max(0.0);
        self.y = g.top + lines * g.leading;
    }

    /// Whether nothing but notes carried over is on the current page yet.
    pub(super) fn at_top(&self) -> bool {
        self.y <= self.settings.geometry.top + 0.01
    }

    /// Adds vertical space, unless at the top of a page.
    pub(super) fn space(&mut self, amount: f32) {
        if !self.at_top() {
            self.y += amount;
        }
    }

    /// Starts a new page when less than `height` is left on this one,
    /// taking along a heading that must stay with what follows.
    pub(super) fn need(&mut self, height: f32) {
        if self.pages.is_empty() {
            self.new_page();
        } else if self.y + height > self.bottom() && !self.at_top() {
            self.break_keeping();
        }
    }

    pub(super) fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.items.push(item);
        }
    }

    /// Remembers where a heading or list marker starts, to move it to the
    /// next page with the lines that must follow it.
    pub(super) fn keep_from_here(&mut self) {
        self.keep = Some(Keep {
            page: self.pages.len() - 1,
            item: self.pages.last().map_or(0, |p| p.items.len()),
            top: self.y,
            mark: self.mark,
            heading: false,
            after: 0,
        });
    }

    /// Counts `count` lines placed after what is kept: a list marker is
    /// let go after its first line, a heading after two.
    pub(super) fn kept_lines(&mut self, count: usize) {
        if let Some(keep) = &mut self.keep {
            keep.after += count;
            if !keep.heading || keep.after >= 2 {
                self.keep = None;
            }
        }
    }

    /// Starts a new page, taking along a heading that must stay with what
    /// follows; the page then starts where the heading does.
    pub(super) fn break_keeping(&mut self) {
        let Some(Keep {
            page,
            item,
            top,
            mark,
            ..
        }) = self.keep.take()
        else {
            self.new_page();
            return;
        };
        if page + 1 != self.pages.len() || top <= self.settings.geometry.top + 0.01 {
            // It is on an earlier page, or at the top of this one already:
            // moving it gains nothing.
            self.new_page();
            return;
        }
        let moved = match self.pages.get_mut(page) {
            Some(p) => p.items.split_off(item.min(p.items.len())),
            None => Vec::new(),
        };
        let carried = self.y - top;
        self.new_page();
        if let Some(info) = self.infos.last_mut() {
            info.start = mark;
        }
        // It moves by whole lines, so what is on the grid stays on it.
        let g = self.settings.geometry;
        let offset = if self.settings.indent {
            (top - g.top).rem_euclid(g.leading)
        } else {
            0.0
        };
        let shift = g.top + offset - top;
        for mut item in moved {
            item.move_down(shift);
            self.push(item);
        }
        self.y += offset + carried;
    }

    pub(super) fn rule(&mut self, x: f32, width: f32) {
        let y = self.y;
        self.rule_at(x, y, width);
    }

    pub(super) fn rule_at(&mut self, x: f32, y: f32, width: f32) {
        self.push(Item::Rule {
            x,
            y,
            width,
            thickness: 0.4,
        });
    }

    /// Opens a light frame behind what follows (a code block), to its end or the page's.
    pub(super) fn open_frame(&mut self) {
        let items = self.pages.last().map_or(0, |p| p.items.len());
        self.frame = Some((items, self.y));
    }

    /// Closes the open frame, painting it under what it holds.
    pub(super) fn close_frame(&mut self) {
        let Some((item, top)) = self.frame.take() else {
            return;
        };
        if self.y <= top {
            return;
        }
        let g = self.settings.geometry;
        let pad = 0.3 * g.leading;
        let rect = Item::Rect {
            x: 0.0,
            y: top - pad,
            width: g.measure(),
            height: self.y - top + 2.0 * pad,
            gray: 0.93,
        };
        if let Some(page) = self.pages.last_mut() {
            let at = item.min(page.items.len());
            page.items.insert(at, rect);
        }
    }

    /// Warns once per character and line about characters no face has.
    pub(super) fn missing(&mut self, chars: &[char], pos: Pos) {
        for &c in chars {
            self.found
                .warnings
                .missing(self.settings.source_dir, self.file, c, pos);
        }
    }

    /// A warning about what the PDF cannot show at `pos`.
    pub(super) fn warn(&mut self, code: &'static str, pos: Pos, message: String, hint: &str) {
        let place = Place::at(self.settings.source_dir.join(self.file), pos.line, pos.col);
        self.found
            .warnings
            .list
            .push(Diagnostic::warning(code, Some(place), message).with_hint(hint));
    }

    /// Sets one line of `text` (the first, if it wraps) in `style` at `size`.
    pub(super) fn one_line(
        &mut self,
        text: &str,
        style: Style,
        size: f32,
        width: f32,
    ) -> Option<Line> {
        one_line(self.ts, text, style, size, width)
    }
}

/// Sets one line of `text` (the first, if it wraps) in `style` at `size`.
pub(super) fn one_line(
    ts: &mut Typesetter<'_>,
    text: &str,
    style: Style,
    size: f32,
    width: f32,
) -> Option<Line> {
    let measure = Measure::ragged(size, width);
    let mut line = ts
        .set(&[Span::new(text, style)], &measure)
        .lines
        .into_iter()
        .next()?;
    // The caller places the line: it starts at 0 in either direction.
    let start = line.runs.iter().map(|r| r.x).fold(f32::INFINITY, f32::min);
    if start.is_finite() && start != 0.0 {
        for run in &mut line.runs {
            run.x -= start;
        }
    }
    Some(line)
}
