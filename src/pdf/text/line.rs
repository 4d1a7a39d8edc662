//! Setting one line: the items between two breaks become runs of glyphs,
//! with each space set to the width the line breaker chose.

use super::{Align, Builder, Draw, Line, Measure, PlacedGlyph, Run};
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
        // Most lines are one run.
        runs: Vec::with_capacity(1),
        ratio,
        hyphenated: false,
        overfull: false,
        justified: false,
        start: 0,
    };
    // Glue and penalties at the start of a line are discarded.
    let first = (start..end)
        .find(|&i| matches!(b.items[i], Item::Box { .. }))
        .unwrap_or(end);
    let mut x = 0.0;
    let mut pending_space: Option<(FaceId, u16, f32, usize)> = None;
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
    for i in (first..end).chain(hyphen.then_some(end)) {
        if i != end && matches!(b.items[i], Item::Penalty { .. }) {
            // Only the penalty a line ends at is drawn (its hyphen).
            continue;
        }
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
                            push_spaces(&mut line.runs, room, x, face, gid, size, count, gap)
                        }
                        None => extend_last(&mut line.runs, gap),
                    }
                    x += gap;
                    gap = 0.0;
                }
                match draw {
                    Draw::Glyphs {
                        range, size, rise, ..
                    } => {
                        let mut rest = &store[range.clone()];
                        while let Some(g) = rest.first() {
                            // The glyphs that continue the last run (most of a
                            // word's, often all) are added without asking
                            // again which run they belong to, each exactly
                            // as `push_glyph` would add it.
                            if let Some(run) = line.runs.last_mut()
                                && run.face == g.face
                                && run.size == *size
                                && run.rise == *rise
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
                                push_glyph(&mut line.runs, room, x, g.face, *size, *rise, placed);
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
                        push_spaces(&mut line.runs, room, x, *face, *gid, *size, *count, width);
                        x += width;
                    }
                    Draw::Nothing => x += width,
                }
            }
        }
    }
    line.overfull = x > measure.width + 0.01;
    if measure.align == Align::Center {
        let shift = ((measure.width - x) / 2.0).max(0.0);
        for run in &mut line.runs {
            run.x += shift;
        }
    }
    line
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

/// Appends a glyph at `x`, extending the last run when the glyph continues it.
/// `room` is how many glyphs the line can have at most. This runs for every
/// glyph of the book: it is kept small enough to inline, with the rarer
/// start of a run in a function of its own.
#[inline]
fn push_glyph(
    runs: &mut Vec<Run>,
    room: usize,
    x: f32,
    face: FaceId,
    size: f32,
    rise: f32,
    glyph: PlacedGlyph,
) {
    if let Some(run) = runs.last_mut()
        && run.face == face
        && run.size == size
        && run.rise == rise
    {
        let end = run.x + run.width;
        if let Some(last) = run.glyphs.last_mut() {
            last.advance += x - end;
        }
        run.width = x - run.x + glyph.advance;
        run.glyphs.push(glyph);
        return;
    }
    start_run(runs, room, x, face, size, rise, glyph);
}

/// Starts a run with `glyph`.
#[inline(never)]
fn start_run(
    runs: &mut Vec<Run>,
    room: usize,
    x: f32,
    face: FaceId,
    size: f32,
    rise: f32,
    glyph: PlacedGlyph,
) {
    // A new run can take at most the glyphs the line has left.
    let used: usize = runs.iter().map(|r| r.glyphs.len()).sum();
    let mut glyphs = Vec::with_capacity(room.saturating_sub(used).max(1));
    glyphs.push(glyph);
    runs.push(Run {
        x,
        rise,
        face,
        size,
        width: glyph.advance,
        glyphs,
    });
}

/// Appends `count` space glyphs sharing `width` between them, so that code
/// copies out with its spaces.
#[allow(clippy::too_many_arguments)]
fn push_spaces(
    runs: &mut Vec<Run>,
    room: usize,
    x: f32,
    face: FaceId,
    gid: u16,
    size: f32,
    count: usize,
    width: f32,
) {
    let count = count.max(1);
    let advance = width / count as f32;
    for i in 0..count {
        let glyph = PlacedGlyph {
            gid,
            advance,
            offset: 0.0,
        };
        push_glyph(runs, room, x + advance * i as f32, face, size, 0.0, glyph);
    }
}

/// Widens the last glyph of the line so far, for a gap with nothing in it.
fn extend_last(runs: &mut [Run], gap: f32) {
    if let Some(run) = runs.last_mut()
        && let Some(last) = run.glyphs.last_mut()
    {
        last.advance += gap;
        run.width += gap;
    }
}
