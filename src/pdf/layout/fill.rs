//! Filling pages: a paragraph set again a line longer or shorter, or one
//! placed before it on its page, so that the page is not left a line short
//! and no word is split over its turn; and spreads balanced where a page
//! must run short.

use super::Page;
use super::flow::Flow;
use super::place::{ends_on_a_tail, kept_together, refs_per_line};
use super::spans::LinkSpan;
use super::window::Placed;
use crate::pdf::text::{Line, Measure, Span};
use std::collections::BTreeSet;

/// What filling pages and balancing spreads needs to know of the flow.
#[derive(Default)]
pub(super) struct Fill {
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
    /// Where the text under a chapter's title starts on its opening page:
    /// the first item after the title's, until that page is closed.
    pub(super) opening_text: Option<usize>,
    /// The paragraphs placed whole on the current page, whatever came
    /// between them: any of them may be set again to fill the page, what
    /// follows it moving with it (`window.rs`).
    pub(super) window: Vec<Placed>,
}

/// A paragraph to place: its text, how it is set and where.
pub(super) struct Prose {
    pub(super) spans: Vec<Span>,
    pub(super) links: Vec<LinkSpan>,
    /// Its footnote references: a note id and the reference's id.
    pub(super) refs: Vec<(String, String)>,
    pub(super) measure: Measure,
    pub(super) x: f32,
    pub(super) leading: f32,
    /// How many lines longer (below 0, shorter) than its best setting it
    /// is set.
    pub(super) looseness: i32,
}

/// A change that fills a page: the paragraph about to be placed set with
/// `own` (an index of its settings tried), and perhaps a paragraph of the
/// window set again with a looseness, into lines.
struct Choice {
    cost: u32,
    strain: f32,
    own: usize,
    window: Option<(usize, i32, Vec<Line>)>,
}

impl Choice {
    /// Takes `choice` if it costs less, or as much and is less strained.
    fn consider(&mut self, choice: Choice) {
        if (choice.cost, choice.strain) < (self.cost, self.strain) {
            *self = choice;
        }
    }
}

impl<'t, 'f> Flow<'t, 'f> {
    /// Whether the page being closed is a left-hand one whose text (and no
    /// note) ends one line above the grid's last: the right-hand page
    /// facing it is then run a line short too.
    pub(super) fn left_page_short(&self) -> bool {
        self.fill.spreads && self.pages.len().is_multiple_of(2) && self.ends_a_line_short()
    }

    /// Before a chapter's opening page is closed: when its text ends one
    /// line above the grid's last (and no note is on it), the text under
    /// the title moves down that line, so that the page ends full; the
    /// title stays where every chapter's is.
    pub(super) fn lower_opening_text(&mut self) {
        let Some(from) = self.fill.opening_text.take() else {
            return;
        };
        if self.pages.len() != 1 || self.frame.is_some() || !self.ends_a_line_short() {
            return;
        }
        let leading = self.settings.geometry.leading;
        if let Some(page) = self.pages.last_mut() {
            for item in page.items.iter_mut().skip(from) {
                item.move_down(leading);
            }
        }
    }

    /// Whether the page being closed ends one line above the grid's last,
    /// and holds no note.
    fn ends_a_line_short(&self) -> bool {
        let g = self.settings.geometry;
        let last = self.pages.last().and_then(Page::last_baseline);
        self.notes.height == 0.0 && last.and_then(|y| g.grid_line(y)) == Some(g.lines() - 2)
    }

    /// Places a paragraph set as `lines`, or set otherwise when that fills
    /// its page better (see [`Flow::fill_page`]).
    pub(super) fn place_paragraph(&mut self, mut prose: Prose, lines: Vec<Line>) {
        if self.pages.is_empty() {
            self.new_page();
        }
        let lines = self.fill_page(&mut prose, lines);
        self.place_prose(prose, lines);
    }

    /// The lines of the paragraph about to be placed. Set as `lines`, it
    /// may leave its page a line short (its last line held back from the
    /// next page as a widow, its first moved on as an orphan, or one line
    /// of room left under it) or split a word over a page's turn. Then it
    /// is set again a line longer or shorter, or a paragraph before it on
    /// the page is (and those after that one placed again), within their
    /// tolerance; of the settings that do better, the one least strained
    /// is taken. The pages after this one are taken to be full of it.
    fn fill_page(&mut self, prose: &mut Prose, lines: Vec<Line>) -> Vec<Line> {
        let leading = prose.leading;
        let now = self.cost(self.y, &lines, &prose.refs, leading);
        if now == 0 {
            return lines;
        }
        let mut own = vec![(0, strain(&prose.spans, &lines), lines, None)];
        let mut best = Choice {
            cost: now,
            strain: 0.0,
            own: 0,
            window: None,
        };
        // A word split over the turn: first, the paragraph set again with
        // that word kept whole.
        let full = self.settings.geometry.lines();
        let (fit, _) = self.room(self.y, &own[0].2, &prose.refs, leading);
        if let Some(after) = split_over_a_turn(&own[0].2, fit, full)
            && let Some(spans) = keep_whole(&prose.spans, own[0].2[after].start)
        {
            let set = self.ts.set(&spans, &prose.measure);
            if acceptable(&spans, &set.lines) {
                best.consider(Choice {
                    cost: self.cost(self.y, &set.lines, &prose.refs, leading),
                    strain: strain(&spans, &set.lines) - own[0].1,
                    own: own.len(),
                    window: None,
                });
                own.push((0, strain(&spans, &set.lines), set.lines, Some(spans)));
            }
        }
        let shorter = could_lose_a_line(&own[0].2, prose.measure.width);
        for looseness in [-1, 1] {
            if best.cost == 0 || (looseness == -1 && !shorter) {
                continue;
            }
            if let Some(set) = self.ts.set_loose(&prose.spans, &prose.measure, looseness)
                && set.lines.len() != own[0].2.len()
                && acceptable(&prose.spans, &set.lines)
            {
                let strained = strain(&prose.spans, &set.lines);
                let cost = self.cost(self.y, &set.lines, &prose.refs, leading);
                best.consider(Choice {
                    cost,
                    strain: strained - own[0].1,
                    own: own.len(),
                    window: None,
                });
                // It fills the page but splits a word over a turn: set
                // so again with that word kept whole.
                let whole = if cost == 1 {
                    let (fit, _) = self.room(self.y, &set.lines, &prose.refs, leading);
                    split_over_a_turn(&set.lines, fit, full)
                        .and_then(|after| keep_whole(&prose.spans, set.lines[after].start))
                } else {
                    None
                };
                own.push((looseness, strained, set.lines, None));
                if let Some(spans) = whole
                    && let Some(set) = self.ts.set_loose(&spans, &prose.measure, looseness)
                    && acceptable(&spans, &set.lines)
                {
                    let strained = strain(&spans, &set.lines);
                    best.consider(Choice {
                        cost: self.cost(self.y, &set.lines, &prose.refs, leading),
                        strain: strained - own[0].1,
                        own: own.len(),
                        window: None,
                    });
                    own.push((looseness, strained, set.lines, Some(spans)));
                }
            }
        }
        let window = if best.cost > 0 {
            self.fill.window.len()
        } else {
            0
        };
        for at in (0..window).rev() {
            for looseness in [-1, 1] {
                let Some((lines, moved, changed)) = self.set_again(at, looseness) else {
                    continue;
                };
                let y = self.y + moved * leading;
                if y > self.bottom() + 0.01 {
                    continue;
                }
                let mut found = None;
                for (index, (_, strained, lines, _)) in own.iter().enumerate() {
                    let cost = self.cost(y, lines, &prose.refs, leading);
                    let strain = changed + strained - own[0].1;
                    if found.is_none_or(|(c, s, _)| (cost, strain) < (c, s)) {
                        found = Some((cost, strain, index));
                    }
                }
                if let Some((cost, strain, index)) = found {
                    best.consider(Choice {
                        cost,
                        strain,
                        own: index,
                        window: Some((at, looseness, lines)),
                    });
                }
            }
            // The nearest paragraph that does will do: looking further
            // back costs two settings each.
            if best.cost == 0 {
                break;
            }
        }
        let mut chosen = best.own;
        let left_short = best.cost >= 2 && best.window.is_none();
        if let Some((at, looseness, set)) = best.window
            && !self.place_again(at, looseness, set)
        {
            // Not set again after all: the best of its own settings here.
            let mut found = (u32::MAX, f32::MAX);
            for (index, (_, strained, lines, _)) in own.iter().enumerate() {
                let cost = self.cost(self.y, lines, &prose.refs, leading);
                if (cost, *strained) < found {
                    (found, chosen) = ((cost, *strained), index);
                }
            }
        }
        let (looseness, _, lines, spans) = own.swap_remove(chosen);
        prose.looseness = looseness;
        if let Some(spans) = spans {
            prose.spans = spans;
        }
        if left_short {
            self.room_for_one_more_line(&lines, &prose.refs, leading);
        }
        lines
    }

    /// When a paragraph set as `lines` moves on whole (its first lines
    /// would be an orphan, or its last a widow, were it split) and leaves
    /// two lines or more of its page empty, paragraphs of the window are
    /// set a line shorter to make room for it, or longer to fill the page
    /// (see [`Flow::make_room`]).
    fn room_for_one_more_line(&mut self, lines: &[Line], refs: &[(String, String)], leading: f32) {
        let (fit, _) = self.room(self.y, lines, refs, leading);
        let room = self.bottom() - self.y;
        if kept_together(fit, lines.len(), true) == 0
            && !lines.is_empty()
            && room >= 2.0 * leading - 0.01
        {
            self.make_room(room + leading);
        }
    }

    /// Before a block that needs `height` on this page (a heading with
    /// its space and the lines it keeps): when it would not fit, and
    /// moving it on would leave the page a line or more short, paragraphs
    /// of the window are set a line shorter each, as many as it needs to
    /// fit, or a line longer each, as many as there are lines left, so
    /// that the page is full. Of the two, the less strained is taken, and
    /// of the paragraphs, the least strained.
    pub(super) fn make_room(&mut self, height: f32) {
        let leading = self.settings.geometry.leading;
        let room = self.bottom() - self.y;
        let left = (room / leading + 0.01).floor() as usize;
        if self.fits(height) || left < 1 {
            return;
        }
        let short = ((height - room) / leading - 0.01).ceil().max(1.0) as usize;
        let (mut shorter, mut longer) = (Vec::new(), Vec::new());
        for at in (0..self.fill.window.len()).rev() {
            for looseness in [-1, 1] {
                let Some((lines, moved, strain)) = self.set_again(at, looseness) else {
                    continue;
                };
                let changes = if moved == -1.0 {
                    &mut shorter
                } else if moved == 1.0 {
                    &mut longer
                } else {
                    continue;
                };
                changes.push((strain, at, looseness, lines));
            }
        }
        let cheapest = |changes: &mut Vec<(f32, usize, i32, Vec<Line>)>, count: usize| {
            changes.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            changes.truncate(count);
            let total: f32 = changes.iter().map(|c| c.0).sum();
            (changes.len() == count).then_some(total)
        };
        let by_shrinking = cheapest(&mut shorter, short);
        let by_filling = cheapest(&mut longer, left);
        let mut chosen = match (by_shrinking, by_filling) {
            (Some(a), Some(b)) if b < a => longer,
            (Some(_), _) => shorter,
            (None, Some(_)) => longer,
            (None, None) => return,
        };
        // From the last on the page, so that the window's earlier
        // paragraphs stay where they were placed.
        chosen.sort_by_key(|c| std::cmp::Reverse(c.1));
        for (_, at, looseness, lines) in chosen {
            self.place_again(at, looseness, lines);
        }
    }

    /// A page run a line short to face a page a line short takes its last
    /// line back for a block that needs `height` and fits only with it (a
    /// heading moved on would leave the page shorter still).
    pub(super) fn unfloor_for(&mut self, height: f32) {
        if self.fill.floor.is_none() || self.fits(height) {
            return;
        }
        let floor = self.fill.floor.take();
        if !self.fits(height) {
            self.fill.floor = floor;
        }
    }

    /// Paragraph `at` of the window set `looseness` lines longer (or
    /// shorter), where it may be and that changes its line count without
    /// an overfull line or a word tail: its lines, how many lines longer
    /// than before they are, and how much more strained.
    fn set_again(&mut self, at: usize, looseness: i32) -> Option<(Vec<Line>, f32, f32)> {
        let placed = &self.fill.window[at];
        if looseness == placed.prose.looseness || (looseness == -1 && !placed.shorter) {
            return None;
        }
        let set = self
            .ts
            .set_loose(&placed.prose.spans, &placed.prose.measure, looseness)?;
        let moved = set.lines.len() as f32 - placed.count as f32;
        if moved == 0.0 || !acceptable(&placed.prose.spans, &set.lines) {
            return None;
        }
        let changed = strain(&placed.prose.spans, &set.lines) - placed.strain;
        Some((set.lines, moved, changed))
    }

    /// What is wrong with placing `lines` (calling `refs`) from `y`: 2 for
    /// a page left a line short, 1 for a word split over a page's turn.
    fn cost(&self, y: f32, lines: &[Line], refs: &[(String, String)], leading: f32) -> u32 {
        let full = self.settings.geometry.lines();
        let (fit, left) = self.room(y, lines, refs, leading);
        let mut cost = 0;
        if leaves_short(lines.len(), fit, left, full) {
            cost += 2;
        }
        if split_over_a_turn(lines, fit, full).is_some() {
            cost += 1;
        }
        cost
    }

    /// How many of `lines` fit on this page from `y` with the notes they
    /// call, and, when all do, how many lines of room are left under them.
    fn room(
        &self,
        y: f32,
        lines: &[Line],
        refs: &[(String, String)],
        leading: f32,
    ) -> (usize, usize) {
        let per_line = refs_per_line(lines, refs);
        let (fit, extra) = self.fit_with_notes(y, lines, &per_line, refs, leading);
        if fit < lines.len() {
            return (fit, 0);
        }
        let bottom = y + fit as f32 * leading;
        let left = ((self.limit(self.notes_room(extra)) - bottom) / leading + 0.01).floor();
        (fit, left.max(0.0) as usize)
    }

    /// How many of `lines` fit on this page from `y`, with the notes they
    /// call.
    pub(super) fn lines_that_fit(
        &self,
        y: f32,
        lines: &[Line],
        per_line: &[std::ops::Range<usize>],
        refs: &[(String, String)],
        leading: f32,
    ) -> usize {
        self.fit_with_notes(y, lines, per_line, refs, leading).0
    }

    /// How many of `lines` fit on this page from `y`, and how many lines of
    /// the notes they call must go with them (see [`Flow::note_share`]).
    fn fit_with_notes(
        &self,
        mut y: f32,
        lines: &[Line],
        per_line: &[std::ops::Range<usize>],
        refs: &[(String, String)],
        leading: f32,
    ) -> (usize, usize) {
        let mut extra = 0;
        let mut seen = BTreeSet::new();
        for (n, range) in per_line.iter().enumerate().take(lines.len()) {
            y += leading;
            let before = extra;
            for (note_id, _) in &refs[range.clone()] {
                if let Some(index) = self.notes.index(note_id)
                    && !self.notes.placed.contains(&index)
                    && seen.insert(index)
                {
                    extra += self.note_share(index, y, extra);
                }
            }
            if y > self.limit(self.notes_room(extra)) + 0.01 {
                return (n, before);
            }
        }
        (lines.len(), extra)
    }
}

/// Whether a paragraph set as `lines` on a measure `width` wide might be
/// set a line shorter: its word spaces, shrunk, make room for its last
/// line only when that is short. Each line is taken to shrink by at most a
/// twentieth of the measure, more than its spaces can.
pub(super) fn could_lose_a_line(lines: &[Line], width: f32) -> bool {
    let Some(last) = lines.last() else {
        return false;
    };
    let (from, to) = last.runs.iter().fold((f32::MAX, f32::MIN), |(a, b), r| {
        (a.min(r.x), b.max(r.x + r.width))
    });
    lines.len() > 1 && to - from <= (lines.len() - 1) as f32 * width / 20.0
}

/// Whether a paragraph set again may be set as `lines`: with no line
/// wider than its measure, and not ending on a short word tail.
fn acceptable(spans: &[Span], lines: &[Line]) -> bool {
    !lines.iter().any(|l| l.overfull) && !ends_on_a_tail(spans, lines)
}

/// The strain a paragraph ending on a short word tail counts as: more
/// than any spacing within tolerance.
const TAIL_STRAIN: f32 = 10.0;

/// How far a paragraph's justified lines are from their natural spacing
/// (the sum of their adjustment ratios squared), and whether it ends on a
/// short word tail.
pub(super) fn strain(spans: &[Span], lines: &[Line]) -> f32 {
    let tail = if ends_on_a_tail(spans, lines) {
        TAIL_STRAIN
    } else {
        0.0
    };
    lines
        .iter()
        .filter(|l| l.justified && l.ratio.is_finite())
        .map(|l| l.ratio * l.ratio)
        .sum::<f32>()
        + tail
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
    // A paragraph of one line moved on whole is no widow.
    if fit == 1 || (count - fit == 1 && count > 1) {
        return true;
    }
    let mut rest = count - fit;
    while rest > full {
        rest -= full;
    }
    (rest == 1 && count > 1) || (rest < full && full - rest == 1)
}

/// Where `lines`, `fit` of them on this page and `full` on each page
/// after, end a page on a hyphenated word: the index of the line after it.
/// Only the first page's share is kept clear of widows and orphans here.
fn split_over_a_turn(lines: &[Line], fit: usize, full: usize) -> Option<usize> {
    // The first page's share, as placing gives it: no widow, no orphan.
    let mut last = fit;
    if last > 0 && last < lines.len() && lines.len() - last == 1 {
        last -= 1;
    }
    if last == 1 {
        last = 0;
    }
    while last > 0 && last < lines.len() {
        if lines[last - 1].added_hyphen > 0 {
            return Some(last);
        }
        last += full.max(1);
    }
    None
}

/// `spans` with the word around byte `at` of their text cut out into a
/// span of its own that is not hyphenated; `None` when it is not.
fn keep_whole(spans: &[Span], at: usize) -> Option<Vec<Span>> {
    let text: String = spans.iter().map(|s| s.text.as_str()).collect();
    let before = text.get(..at)?;
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[at..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| at + i);
    let mut out = Vec::with_capacity(spans.len() + 2);
    let mut offset = 0;
    let mut changed = false;
    for span in spans {
        let (from, to) = (offset, offset + span.text.len());
        offset = to;
        let cuts = [from, start.clamp(from, to), end.clamp(from, to), to];
        for pair in cuts.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if a == b {
                continue;
            }
            let inside = a >= start && b <= end;
            changed |= inside && span.hyphenate;
            out.push(Span {
                text: span.text[a - from..b - from].to_string(),
                hyphenate: span.hyphenate && !inside,
                ..span.clone()
            });
        }
    }
    changed.then_some(out)
}
