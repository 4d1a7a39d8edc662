//! Setting one line: the items between two breaks become runs of glyphs,
//! with each space set to the width the line breaker chose.

use super::{Align, Builder, Draw, Ink, Line, Measure, PlacedGlyph, Run};
use crate::pdf::fonts::{FaceId, Glyph};
use crate::pdf::text::breaker::Item;

/// Sets the items from `start` to the break at `end` as one line.
/// `store` holds the glyphs the items draw ([`crate::pdf::fonts::Fonts::store`]).
pub(super) fn set_line(
    b: &Builder,
    store: &[Glyph],
    start: usize,
    end: usize,
    ratio: f32,
    measure: &Measure,
) -> Line {
    let mut line = Line {
        runs: Vec::new(),
        ratio,
        hyphenated: false,
        added_hyphen: 0,
        overfull: false,
        justified: false,
        short: false,
        start: 0,
    };
    // Glue and penalties at the start of a line are discarded.
    let first = (start..end)
        .find(|&i| matches!(b.items[i], Item::Box { .. }))
        .unwrap_or(end);
    // What hangs into the margins: the line starts that far left of the
    // measure and may end that far right of it.
    let hang = |i: usize| b.hang.get(i).copied().unwrap_or(0.0);
    let left = if first < end { hang(first) } else { 0.0 };
    let right = hang(end);
    let mut x = -left;
    let mut pending_space: Option<(FaceId, u16, f32, usize)> = None;
    // Spaces take the colour of the glyphs before them, to stay in their run.
    let mut ink = Ink::default();
    let mut gap = 0.0;
    // The line's items, and the penalty it ends at when that draws a hyphen.
    let hyphen = matches!(b.items[end], Item::Penalty { width, .. } if width > 0.0);
    // How many glyphs the line can have at most (penalties inside it draw
    // nothing), so that its runs are allocated once, at their size.
    let room: usize = (first..end)
        .chain(hyphen.then_some(end))
        .map(|i| match &b.draws[i] {
            Draw::Glyphs { range, .. } => range.len(),
            Draw::Space { count, .. } => (*count).max(1),
            Draw::Nothing => 0,
        })
        .sum();
    let mut runs = Runs {
        // Most lines are one run.
        list: Vec::with_capacity(1),
        room,
    };
    // Only the penalty a line ends at is drawn (its hyphen).
    let mut drawn = (first..end)
        .filter(|&i| !matches!(b.items[i], Item::Penalty { .. }))
        .chain(hyphen.then_some(end));
    let mut visual;
    let order: &mut dyn Iterator<Item = usize> = if b.levels.is_empty() {
        &mut drawn
    } else {
        visual = visual_order(b, drawn.by_ref().collect()).into_iter();
        &mut visual
    };
    for i in order {
        match (b.items[i], &b.draws[i]) {
            (
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                },
                draw,
            ) => {
                let set = if ratio >= 0.0 {
                    width + ratio.min(1e6) * stretch
                } else {
                    width + ratio * shrink
                };
                gap += set;
                if let Draw::Space {
                    face,
                    gid,
                    size,
                    count,
                } = draw
                {
                    pending_space = Some((*face, *gid, *size, *count));
                }
            }
            (Item::Box { width }, draw) | (Item::Penalty { width, .. }, draw) => {
                if gap != 0.0 {
                    match pending_space.take() {
                        Some((face, gid, size, count)) => {
                            runs.push_spaces(x, Font::plain(face, size, ink), gid, count, gap)
                        }
                        None => runs.extend_last(gap),
                    }
                    x += gap;
                    gap = 0.0;
                }
                match draw {
                    Draw::Glyphs {
                        range,
                        size,
                        rise,
                        ink: glyph_ink,
                        ..
                    } => {
                        ink = *glyph_ink;
                        let mut rest = &store[range.clone()];
                        while let Some(g) = rest.first() {
                            let font = Font {
                                face: g.face,
                                size: *size,
                                rise: *rise,
                                ink,
                            };
                            // The glyphs that continue the last run (most of a
                            // word's, often all) are added without asking
                            // again which run they belong to, each exactly
                            // as `Runs::push` would add it.
                            if let Some(run) = runs.list.last_mut()
                                && font.continues(run)
                            {
                                let same = rest.iter().take_while(|h| h.face == g.face).count();
                                for h in &rest[..same] {
                                    let placed = place(h, *size);
                                    let end = run.x + run.width;
                                    if let Some(last) = run.glyphs.last_mut() {
                                        last.advance += x - end;
                                    }
                                    run.width = x - run.x + placed.advance;
                                    run.glyphs.push(placed);
                                    x += placed.advance;
                                }
                                rest = &rest[same..];
                            } else {
                                let placed = place(g, *size);
                                runs.push(x, font, placed);
                                x += placed.advance;
                                rest = &rest[1..];
                            }
                        }
                    }
                    Draw::Space {
                        face,
                        gid,
                        size,
                        count,
                    } => {
                        runs.push_spaces(x, Font::plain(*face, *size, ink), *gid, *count, width);
                        x += width;
                    }
                    Draw::Nothing => x += width,
                }
            }
        }
    }
    if hyphen && let Draw::Glyphs { range, .. } = &b.draws[end] {
        line.added_hyphen = range.len();
    }
    line.runs = runs.list;
    line.overfull = x - right > measure.width + 0.01;
    // Centred lines sit in the middle of the measure, right-to-left ones
    // against its right edge (an overfull one sticks out on the left).
    let shift = match measure.align {
        Align::Center => ((measure.width - x) / 2.0).max(0.0),
        _ if b.rtl => measure.width - x,
        _ => 0.0,
    };
    if shift != 0.0 {
        for run in &mut line.runs {
            run.x += shift;
        }
    }
    line
}

/// The drawn items of a line (`drawn`, in the text's order) in the order
/// they are seen, left to right: Unicode's rule L2 applied to the levels of
/// their text, words of the other direction reversed as wholes (each
/// word's glyphs come out of the shaper in visual order already). A space
/// takes the level of the words around it when they share one, else the
/// paragraph's; spaces left at the line's start are dropped, as they are
/// at its end.
fn visual_order(b: &Builder, mut drawn: Vec<usize>) -> Vec<usize> {
    let base = u8::from(b.rtl);
    let own = |i: usize| match (&b.items[i], &b.draws[i]) {
        (Item::Glue { .. }, _) => None,
        (_, Draw::Glyphs { at, .. }) => Some(b.levels.get(*at).copied().unwrap_or(base)),
        _ => Some(base),
    };
    let known: Vec<Option<u8>> = drawn.iter().map(|&i| own(i)).collect();
    let mut levels: Vec<u8> = (0..known.len())
        .map(|k| {
            known[k].unwrap_or_else(|| {
                let before = known[..k].iter().rev().find_map(|l| *l);
                let after = known[k + 1..].iter().find_map(|l| *l);
                match (before, after) {
                    (Some(x), Some(y)) if x == y => x,
                    _ => base,
                }
            })
        })
        .collect();
    let highest = levels.iter().copied().max().unwrap_or(0);
    let lowest_odd = levels.iter().copied().min().unwrap_or(0) | 1;
    for level in (lowest_odd..=highest).rev() {
        let mut k = 0;
        while k < levels.len() {
            if levels[k] < level {
                k += 1;
                continue;
            }
            let from = k;
            while k < levels.len() && levels[k] >= level {
                k += 1;
            }
            drawn[from..k].reverse();
            levels[from..k].reverse();
        }
    }
    let lead = drawn
        .iter()
        .take_while(|&&i| matches!(b.items[i], Item::Glue { .. }))
        .count();
    drawn.drain(..lead);
    drawn
}

/// A glyph scaled to `size` points.
#[inline]
fn place(g: &Glyph, size: f32) -> PlacedGlyph {
    PlacedGlyph {
        gid: g.gid,
        advance: g.advance * size,
        offset: g.offset * size,
    }
}

/// What the glyphs of one run share: a face, a size and a baseline.
#[derive(Debug, Clone, Copy)]
struct Font {
    face: FaceId,
    /// The size in points.
    size: f32,
    /// How far the baseline is raised, in points.
    rise: f32,
    /// The colour.
    ink: Ink,
}

impl Font {
    /// A face at a size on the line's baseline, as spaces are set.
    fn plain(face: FaceId, size: f32, ink: Ink) -> Font {
        Font {
            face,
            size,
            rise: 0.0,
            ink,
        }
    }

    /// Whether a glyph in this font belongs to `run`.
    #[inline]
    fn continues(&self, run: &Run) -> bool {
        run.face == self.face
            && run.size == self.size
            && run.rise == self.rise
            && run.ink == self.ink
    }
}

/// The runs of a line being set.
struct Runs {
    list: Vec<Run>,
    /// How many glyphs the line can have at most.
    room: usize,
}

impl Runs {
    /// Appends a glyph at `x`, extending the last run when the glyph
    /// continues it. This runs for every glyph of the book: it is kept
    /// small enough to inline, with the rarer start of a run in a function
    /// of its own.
    #[inline]
    fn push(&mut self, x: f32, font: Font, glyph: PlacedGlyph) {
        if let Some(run) = self.list.last_mut()
            && font.continues(run)
        {
            let end = run.x + run.width;
            if let Some(last) = run.glyphs.last_mut() {
                last.advance += x - end;
            }
            run.width = x - run.x + glyph.advance;
            run.glyphs.push(glyph);
            return;
        }
        self.start(x, font, glyph);
    }

    /// Starts a run with `glyph`.
    #[inline(never)]
    fn start(&mut self, x: f32, font: Font, glyph: PlacedGlyph) {
        // A new run can take at most the glyphs the line has left.
        let used: usize = self.list.iter().map(|r| r.glyphs.len()).sum();
        let mut glyphs = Vec::with_capacity(self.room.saturating_sub(used).max(1));
        glyphs.push(glyph);
        self.list.push(Run {
            x,
            rise: font.rise,
            face: font.face,
            size: font.size,
            ink: font.ink,
            width: glyph.advance,
            glyphs,
        });
    }

    /// Appends `count` space glyphs (`gid`) sharing `width` between them,
    /// so that code copies out with its spaces.
    fn push_spaces(&mut self, x: f32, font: Font, gid: u16, count: usize, width: f32) {
        let count = count.max(1);
        let advance = width / count as f32;
        for i in 0..count {
            let glyph = PlacedGlyph {
                gid,
                advance,
                offset: 0.0,
            };
            self.push(x + advance * i as f32, font, glyph);
        }
    }

    /// Widens the last glyph of the line so far, for a gap with nothing in it.
    fn extend_last(&mut self, gap: f32) {
        if let Some(run) = self.list.last_mut()
            && let Some(last) = run.glyphs.last_mut()
        {
            last.advance += gap;
            run.width += gap;
        }
    }
}
