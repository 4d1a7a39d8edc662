//! Filling pages: a paragraph set again a line longer or shorter so that
//! its page is not left a line short, and spreads balanced where a page
//! must run short.

use super::flow::Flow;
use super::place::refs_per_line;
use crate::pdf::text::{Line, Measure, Span};
use std::collections::BTreeSet;

/// What filling pages and balancing spreads needs to know of the flow.
#[derive(Debug, Default)]
pub(super) struct Fill {
    /// How the paragraph about to be placed was set, so that it can be set
    /// again a line longer or shorter to fill its page.
    pub(super) measure: Option<Measure>,
    /// Where the last block quote or list ended with the space after it:
    /// its page count and height.
    pub(super) set_off_end: Option<(usize, f32)>,
    /// Whether the flow's first page is a right-hand one, so that its
    /// spreads are known and a left-hand page a line short has the page
    /// facing it run a line short too.
    pub(super) spreads: bool,
    /// The lowest the text may reach on this page, when that is above the
    /// grid's last line: it faces a page a line short.
    pub(super) floor: Option<f32>,
}

impl<'t, 'f> Flow<'t, 'f> {
    /// Whether the page being closed is a left-hand one whose text (and no
    /// note) ends one line above the grid's last: the right-hand page
    /// facing it is then run a line short too.
    pub(super) fn left_page_short(&self) -> bool {
        let g = self.settings.geometry;
        let last = g.foot() - g.leading;
        self.fill.spreads
            && self.pages.len().is_multiple_of(2)
            && self.notes.height == 0.0
            && self.y > last - g.leading + 0.01
            && self.y < last + 0.01
    }

    /// A paragraph about to be placed, set again a line shorter or longer
    /// when as it is it would leave a page a line short: its last line held
    /// back from the next page (a widow), or one line of room left under
    /// it (where the next paragraph's first line could not stay alone).
    /// The pages after this one are taken to be full of it. `None` when it
    /// is fine as it is or no other setting within its tolerance helps.
    pub(super) fn fill_page(
        &mut self,
        lines: &[Line],
        spans: &[Span],
        refs: &[(String, String)],
        leading: f32,
        measure: &Measure,
    ) -> Option<Vec<Line>> {
        if self.pages.is_empty() {
            self.new_page();
        }
        let full = self.settings.geometry.lines();
        let (fit, left) = self.room(lines, refs, leading);
        if !leaves_short(lines.len(), fit, left, full) {
            return None;
        }
        let tries: &[i32] = if fit >= lines.len() { &[1] } else { &[-1, 1] };
        for &looseness in tries {
            let Some(set) = self.ts.set_loose(spans, measure, looseness) else {
                continue;
            };
            if set.lines.len() == lines.len() || set.lines.iter().any(|l| l.overfull) {
                continue;
            }
            let (fit, left) = self.room(&set.lines, refs, leading);
            if !leaves_short(set.lines.len(), fit, left, full) {
                return Some(set.lines);
            }
        }
        None
    }

    /// How many of `lines` fit on this page with the notes they call, and,
    /// when all do, how many lines of room are left under them.
    fn room(&self, lines: &[Line], refs: &[(String, String)], leading: f32) -> (usize, usize) {
        let per_line = refs_per_line(lines, refs);
        let fit = self.lines_that_fit(lines, &per_line, refs, leading);
        if fit < lines.len() {
            return (fit, 0);
        }
        let mut seen = BTreeSet::new();
        let extra: usize = refs
            .iter()
            .filter_map(|(note_id, _)| self.notes.index(note_id))
            .filter(|&index| !self.notes.placed.contains(&index) && seen.insert(index))
            .map(|index| self.note_need(index))
            .sum();
        let bottom = self.y + fit as f32 * leading;
        let left = ((self.limit(self.notes_room(extra)) - bottom) / leading + 0.01).floor();
        (fit, left.max(0.0) as usize)
    }

    /// How many of `lines` fit on this page, with the notes they call.
    pub(super) fn lines_that_fit(
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
                if let Some(index) = self.notes.index(note_id)
                    && !self.notes.placed.contains(&index)
                    && seen.insert(index)
                {
                    extra += self.note_need(index);
                }
            }
            y += leading;
            if y > self.limit(self.notes_room(extra)) + 0.01 {
                return n;
            }
        }
        lines.len()
    }
}

/// Whether a paragraph of `count` lines, `fit` of which fit on this page
/// (with `left` lines of room under them when all do), leaves a page a line
/// short, the pages after this one holding `full` lines of it: one line
/// left over for a page (held back with the line before it, so that it is
/// not a widow), a first line alone at the foot (moved on, so that it is
/// not an orphan), or one line of room under its end.
fn leaves_short(count: usize, fit: usize, left: usize, full: usize) -> bool {
    if fit >= count {
        return left == 1;
    }
    if fit == 1 || count - fit == 1 {
        return true;
    }
    let mut rest = count - fit;
    while rest > full {
        rest -= full;
    }
    rest == 1 || (rest < full && full - rest == 1)
}
