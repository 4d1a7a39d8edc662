//! Knuth–Plass line breaking: the total-fit algorithm over boxes, glue and
//! penalties that TeX uses, so a paragraph's spacing is evened out over all
//! its lines instead of being decided line by line.
//!
//! Up to four passes, as in TeX: without hyphenation at a strict tolerance,
//! with hyphenation at a looser one, with TeX's `\emergencystretch` (every
//! line weighed as if it could stretch further, so that where some lines
//! must be loose the looseness is shared out), and a last pass that accepts
//! any stretch but never lets a line run past the measure.
//!
//! Lines may hang punctuation into the margin (optical margins, see
//! `text/mod.rs`): each item can carry how far a line ending at it (a break)
//! or starting with it (a box) hangs out, and the breaker takes that line as
//! shorter by as much.

/// A penalty at least this high forbids a break; at most its negative forces one.
pub const INFINITY: f32 = 10_000.0;

/// One element of a paragraph as the line breaker sees it. Lengths in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    /// Something that is set as it is: a word or part of one.
    Box {
        /// Its width.
        width: f32,
    },
    /// Space that may stretch or shrink, and where a line may end when it
    /// follows a box.
    Glue {
        /// Its natural width.
        width: f32,
        /// How much it may grow at an adjustment ratio of 1.
        stretch: f32,
        /// How much it may shrink at an adjustment ratio of −1.
        shrink: f32,
    },
    /// A place where a line may end, at a cost.
    Penalty {
        /// What is added to the line when it ends here (a hyphen's width).
        width: f32,
        /// The cost of ending a line here; ±[`INFINITY`] forbids or forces it.
        cost: f32,
        /// Whether the break is a hyphenation: two such lines in a row cost
        /// extra, and more than [`Params::max_hyphens_in_a_row`] are refused.
        flagged: bool,
    },
}

/// How the breaker weighs its choices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Largest adjustment ratio accepted in the first pass (no hyphenation).
    pub pretolerance: f32,
    /// Largest adjustment ratio accepted in the second pass.
    pub tolerance: f32,
    /// Added to every line's badness: favours fewer lines.
    pub line_penalty: f32,
    /// Demerits for two hyphenated lines in a row.
    pub double_hyphen_demerits: f32,
    /// Demerits for a tight line next to a loose one.
    pub adjacent_demerits: f32,
    /// Hyphenated lines allowed in a row.
    pub max_hyphens_in_a_row: u8,
    /// The stretch every line is weighed as having in the emergency pass,
    /// in ems of the paragraph's size (TeX's `\emergencystretch`).
    pub emergency_stretch: f32,
    /// Whether justified lines hang punctuation into the margins.
    pub optical_margins: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            pretolerance: 1.0,
            tolerance: 2.0,
            line_penalty: 10.0,
            double_hyphen_demerits: 3000.0,
            adjacent_demerits: 100.0,
            max_hyphens_in_a_row: 2,
            emergency_stretch: 2.0,
            optical_margins: true,
        }
    }
}

/// Where a line ends and how its spaces were set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// Index of the item the line ends at (a glue or penalty, or the last item).
    pub at: usize,
    /// The adjustment ratio: 0 is natural spacing, 1 is full stretch, −1 full shrink.
    pub ratio: f32,
    /// Whether the line ends at a flagged penalty (a hyphen).
    pub hyphenated: bool,
    /// Whether the line is wider than the measure even at full shrink.
    pub overfull: bool,
}

/// A paragraph as the breaker takes it: its items, how far each hangs into
/// the margin, and the measure.
#[derive(Debug, Clone, Copy)]
pub struct Lines<'a> {
    /// The items; they must end with a forced break (a penalty of
    /// −[`INFINITY`]).
    pub items: &'a [Item],
    /// Empty, or one length per item: for a box, how far a line starting
    /// with it hangs into the left margin; for a glue or a penalty, how far
    /// a line ending there hangs into the right one. No more than the box's
    /// width (the breaker relies on it).
    pub hang: &'a [f32],
    /// The measure, in points.
    pub width: f32,
}

impl Lines<'_> {
    /// How far the item at `i` hangs into the margin.
    #[inline]
    fn hang(&self, i: usize) -> f32 {
        self.hang.get(i).copied().unwrap_or(0.0)
    }
}

/// Breaks a paragraph into lines. The first pass leaves out hyphenation
/// points (flagged penalties with a width); explicit hyphens, which add no
/// width, may end a line in every pass. `emergency` is the stretch in
/// points the third pass adds to every line (none: no such pass); the
/// lines that pass chooses are set with their own stretch, so their ratio
/// may be above the tolerance.
pub fn break_lines(lines: Lines, params: &Params, emergency: f32) -> Vec<Break> {
    let passes: [(f32, bool, f32); 4] = [
        (params.pretolerance, false, 0.0),
        (params.tolerance, true, 0.0),
        (params.tolerance, true, emergency),
        (f32::INFINITY, true, 0.0),
    ];
    // The running sums are the same in every pass: compute them once.
    let sums = running_sums(lines.items);
    let ordered = is_ordered(lines.items);
    // The passes share their lists, so that a paragraph allocates them once.
    let mut trail = Vec::new();
    let mut active = Vec::new();
    for (n, (tolerance, hyphens, background)) in passes.into_iter().enumerate() {
        if n == 2 && background <= 0.0 {
            continue;
        }
        let breaker = Breaker {
            lines,
            params,
            tolerance,
            hyphens,
            background,
            sums: &sums,
            ordered,
            looseness: 0,
        };
        if let Some(breaks) = breaker.run(&mut trail, &mut active) {
            return breaks;
        }
    }
    greedy(lines.items, lines.width)
}

/// Breaks a paragraph into `looseness` lines more (below 0, fewer) than
/// its best breaking has, with every line's spaces within the second
/// pass's tolerance, hyphenating as it does: TeX's `\looseness`, for a
/// page that needs a paragraph a line longer or shorter. Where no breaking
/// has that many lines, the one nearest to it beyond the best is taken, or
/// the best. `None` when no breaking is within the tolerance. With an `emergency` stretch, lines are weighed as
/// in [`break_lines`]'s emergency pass, and may be set looser than the
/// tolerance.
pub fn break_lines_loose(
    lines: Lines,
    params: &Params,
    looseness: i32,
    emergency: f32,
) -> Option<Vec<Break>> {
    let sums = running_sums(lines.items);
    let breaker = Breaker {
        lines,
        params,
        tolerance: params.tolerance,
        hyphens: true,
        background: emergency,
        sums: &sums,
        ordered: is_ordered(lines.items),
        looseness,
    };
    breaker.run(&mut Vec::new(), &mut Vec::new())
}

/// Whether nothing has a negative width or stretch: then the active nodes,
/// kept in the order of their breaks, have ever larger sums (see
/// `try_break`).
fn is_ordered(items: &[Item]) -> bool {
    items.iter().all(|item| match *item {
        Item::Box { width } => width >= 0.0,
        Item::Glue { width, stretch, .. } => width >= 0.0 && stretch >= 0.0,
        Item::Penalty { .. } => true,
    })
}

/// A place where a line may start, still reachable by the next lines.
#[derive(Debug, Clone, Copy)]
struct Active {
    /// Index in the trail, for following the lines back.
    trail: usize,
    fitness: u8,
    /// Hyphenated lines in a row ending here.
    hyphens: u8,
    /// The lines before it.
    line: u32,
    /// Sums of width, stretch and shrink from the start to just after the
    /// break (discarded glue and penalties skipped).
    width: f32,
    stretch: f32,
    shrink: f32,
    demerits: f64,
}

/// A chosen break and the one before it.
#[derive(Debug, Clone, Copy)]
struct Trail {
    /// The item the line ends at; `usize::MAX` for the paragraph's start.
    at: usize,
    /// The ratio the line is set at (its own stretch, without the pass's
    /// background stretch).
    ratio: f32,
    previous: Option<usize>,
}

/// The best way found so far to reach a breakpoint in one fitness class.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    demerits: f64,
    /// The trail entry the line starts after.
    from: usize,
    /// The ratio the line is set at.
    ratio: f32,
    /// Hyphenated lines in a row, this one included.
    hyphens: u8,
    /// The lines up to it, this one included.
    line: u32,
}

struct Breaker<'a> {
    lines: Lines<'a>,
    params: &'a Params,
    tolerance: f32,
    hyphens: bool,
    /// Stretch every line is weighed as having besides its own, in points
    /// (TeX's `\emergencystretch`).
    background: f32,
    /// Running sums up to (not including) each item.
    sums: &'a [(f32, f32, f32)],
    /// Whether no item has a negative width or stretch.
    ordered: bool,
    /// How many lines more (below 0, fewer) than the best breaking's are
    /// wanted: when it is not 0, ways of reaching a break with different
    /// counts of lines are kept apart, as TeX does.
    looseness: i32,
}

/// The sums of width, stretch and shrink up to (not including) each item,
/// and after the last.
fn running_sums(items: &[Item]) -> Vec<(f32, f32, f32)> {
    let mut sums = Vec::with_capacity(items.len() + 1);
    let (mut w, mut st, mut sh) = (0.0, 0.0, 0.0);
    for item in items {
        sums.push((w, st, sh));
        match *item {
            Item::Box { width } => w += width,
            Item::Glue {
                width,
                stretch,
                shrink,
            } => {
                w += width;
                st += stretch;
                sh += shrink;
            }
            Item::Penalty { .. } => {}
        }
    }
    sums.push((w, st, sh));
    sums
}

impl Breaker<'_> {
    fn run(&self, trail: &mut Vec<Trail>, active: &mut Vec<Active>) -> Option<Vec<Break>> {
        let items = self.lines.items;
        trail.clear();
        trail.push(Trail {
            at: usize::MAX,
            ratio: 0.0,
            previous: None,
        });
        active.clear();
        // The first line starts with the first box: a quote hangs left.
        let first = items.iter().position(|i| matches!(i, Item::Box { .. }));
        active.push(Active {
            trail: 0,
            fitness: 1,
            hyphens: 0,
            line: 0,
            width: first.map_or(0.0, |i| self.lines.hang(i)),
            stretch: 0.0,
            shrink: 0.0,
            demerits: 0.0,
        });
        let mut last = None;
        let mut slots = Vec::new();
        for (b, item) in items.iter().enumerate() {
            let (cost, flagged, extra) = match *item {
                Item::Glue { .. } if b > 0 && matches!(items[b - 1], Item::Box { .. }) => {
                    (0.0, false, -self.lines.hang(b))
                }
                Item::Penalty {
                    width,
                    cost,
                    flagged,
                } if cost < INFINITY => {
                    if flagged && width > 0.0 && !self.hyphens {
                        continue;
                    }
                    (cost, flagged, width - self.lines.hang(b))
                }
                _ => continue,
            };
            let best = self.try_break(b, (cost, flagged, extra), trail, active, &mut slots);
            if b == items.len() - 1 {
                last = if self.looseness == 0 {
                    best
                } else {
                    self.loosest(active)
                };
            }
            if active.is_empty() && b < items.len() - 1 {
                return None;
            }
        }
        let mut breaks = Vec::new();
        let mut node = Some(last?);
        while let Some(n) = node {
            let this = trail[n];
            if this.at != usize::MAX {
                let hyphenated = matches!(items[this.at], Item::Penalty { flagged: true, .. });
                breaks.push(Break {
                    at: this.at,
                    ratio: this.ratio,
                    hyphenated,
                    overfull: false,
                });
            }
            node = this.previous;
        }
        breaks.reverse();
        Some(breaks)
    }

    /// Tries every active node as the start of a line ending at `b`, keeps
    /// the ones that can still start longer lines, and adds the best new
    /// ones. Returns the trail entry of the best line ending at `b`.
    /// `extra` is what ending there adds to the line: a hyphen's width,
    /// less what hangs into the margin.
    fn try_break(
        &self,
        b: usize,
        (cost, flagged, extra): (f32, bool, f32),
        trail: &mut Vec<Trail>,
        active: &mut Vec<Active>,
        best: &mut Vec<(u32, Slots)>,
    ) -> Option<usize> {
        // The best way to reach this break for each fitness class and count
        // of hyphenated lines in a row (0, 1, 2 or more), and, for a
        // looseness, for each count of lines (`best`, the run's to lend).
        best.clear();
        // Whether any line reaches this break: most breaks tried have none,
        // and a flag tells so sooner than a look at every slot.
        let mut found = false;
        let (w, st, sh) = self.sums[b];
        let forced = cost <= -INFINITY;
        // A ratio above this is above the tolerance even after rounding.
        let too_loose = if self.tolerance > 0.0 && self.tolerance.is_finite() {
            f64::from(self.tolerance) * (1.0 + 1e-6)
        } else {
            f64::INFINITY
        };
        let mut kept = 0;
        let width = self.lines.width;
        for i in 0..active.len() {
            let a = active[i];
            let natural = w - a.width + extra;
            // The ratio the line is weighed at, and the one it is set at.
            let (ratio, set) = if natural < width {
                let own = st - a.stretch;
                // A line with nothing of its own to stretch (one long word)
                // stays as bad as it is: it would be left short anyway.
                let stretch = if own > 0.0 {
                    own + self.background
                } else {
                    own
                };
                if stretch > 0.0 {
                    let room = width - natural;
                    // Most lines tried are far too loose: a multiplication
                    // tells them apart sooner than a division, with a margin
                    // wide enough that the division would say the same.
                    if f64::from(room) > f64::from(stretch) * too_loose {
                        if self.ordered {
                            // Every later node has at least this one's width
                            // and stretch behind it, so the line from it is
                            // no longer, stretches no more and is too loose
                            // as well: keep them all (unless the break is
                            // forced) without trying them one by one.
                            if !forced {
                                if kept < i {
                                    active.copy_within(i.., kept);
                                }
                                kept += active.len() - i;
                            }
                            break;
                        }
                        if !forced {
                            active[kept] = a;
                            kept += 1;
                        }
                        continue;
                    }
                    let set = if own > 0.0 { room / own } else { f32::INFINITY };
                    (room / stretch, set)
                } else {
                    (f32::INFINITY, f32::INFINITY)
                }
            } else if natural > width {
                let shrink = sh - a.shrink;
                let ratio = if shrink > 0.0 {
                    (width - natural) / shrink
                } else {
                    f32::NEG_INFINITY
                };
                (ratio, ratio)
            } else {
                (0.0, 0.0)
            };
            // A node from which this line is already too long can only give
            // longer lines later: it is done.
            if ratio >= -1.0 && !forced {
                active[kept] = a;
                kept += 1;
            }
            let feasible =
                ratio >= -1.0 && (ratio <= self.tolerance || self.tolerance.is_infinite());
            if !feasible {
                continue;
            }
            let hyphens = if flagged { a.hyphens + 1 } else { 0 };
            if hyphens > self.params.max_hyphens_in_a_row {
                continue;
            }
            let mut demerits = f64::from(self.params.line_penalty + badness(ratio)).powi(2);
            let cost = f64::from(cost);
            if cost > 0.0 {
                demerits += cost * cost;
            } else if cost > -f64::from(INFINITY) {
                demerits -= cost * cost;
            }
            if flagged && a.hyphens > 0 {
                demerits += f64::from(self.params.double_hyphen_demerits);
            }
            let fitness = fitness(ratio);
            if fitness.abs_diff(a.fitness) > 1 {
                demerits += f64::from(self.params.adjacent_demerits);
            }
            demerits += a.demerits;
            let key = if self.looseness == 0 { 0 } else { a.line + 1 };
            let at = match best.iter().position(|(k, _)| *k == key) {
                Some(at) => at,
                None => {
                    best.push((key, [[None; 3]; 4]));
                    best.len() - 1
                }
            };
            let slot = &mut best[at].1[fitness as usize][usize::from(hyphens.min(2))];
            if slot.is_none_or(|c| demerits < c.demerits) {
                *slot = Some(Candidate {
                    demerits,
                    from: a.trail,
                    ratio: set,
                    hyphens,
                    line: a.line + 1,
                });
                found = true;
            }
        }
        active.truncate(kept);
        if !found {
            return None;
        }
        // New active nodes start after the break: glue and penalties that
        // follow it are discarded at the start of the next line, and the
        // box it starts with may hang into the left margin (so that the
        // sums still grow from node to node: a box is at least as wide as
        // what it hangs).
        let (mut aw, mut ast, mut ash) = (w, st, sh);
        for (i, item) in self.lines.items.iter().enumerate().skip(b) {
            match *item {
                Item::Box { .. } => {
                    aw += self.lines.hang(i);
                    break;
                }
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                } => {
                    aw += width;
                    ast += stretch;
                    ash += shrink;
                }
                Item::Penalty { .. } => {}
            }
        }
        let mut winner: Option<(f64, usize)> = None;
        for (fitness, row) in best.iter().flat_map(|(_, slots)| slots.iter().enumerate()) {
            for candidate in row.iter().flatten() {
                trail.push(Trail {
                    at: b,
                    ratio: candidate.ratio,
                    previous: Some(candidate.from),
                });
                let index = trail.len() - 1;
                active.push(Active {
                    trail: index,
                    fitness: fitness as u8,
                    hyphens: candidate.hyphens,
                    line: candidate.line,
                    width: aw,
                    stretch: ast,
                    shrink: ash,
                    demerits: candidate.demerits,
                });
                if winner.is_none_or(|(d, _)| candidate.demerits < d) {
                    winner = Some((candidate.demerits, index));
                }
            }
        }
        winner.map(|(_, index)| index)
    }

    /// Of the ways of reaching the paragraph's end (the active nodes at
    /// its last break), the trail entry of the one with the count of lines
    /// the looseness asks for, or the nearest to it beyond the best
    /// breaking's, or the best's; the least demerits among equals.
    /// The last break is forced, so the active nodes are those at it.
    fn loosest(&self, ends: &[Active]) -> Option<usize> {
        let best = ends
            .iter()
            .min_by(|a, b| a.demerits.total_cmp(&b.demerits))?;
        let target = i64::from(best.line) + i64::from(self.looseness);
        let side = i64::from(self.looseness.signum());
        ends.iter()
            .filter(|a| (i64::from(a.line) - i64::from(best.line)) * side >= 0)
            .min_by(|a, b| {
                let (da, db) = (i64::from(a.line) - target, i64::from(b.line) - target);
                da.abs()
                    .cmp(&db.abs())
                    .then(a.demerits.total_cmp(&b.demerits))
            })
            .map(|a| a.trail)
    }
}

/// The best candidates for one break and count of lines, by fitness class
/// and hyphenated lines in a row.
type Slots = [[Option<Candidate>; 3]; 4];

/// TeX's badness: 100 times the cube of the ratio, capped at 10,000.
fn badness(ratio: f32) -> f32 {
    if ratio.is_infinite() {
        INFINITY
    } else {
        (100.0 * ratio.abs().powi(3)).min(INFINITY)
    }
}

/// TeX's fitness classes: tight, decent, loose, very loose.
fn fitness(ratio: f32) -> u8 {
    if ratio < -0.5 {
        0
    } else if ratio <= 0.5 {
        1
    } else if ratio <= 1.0 {
        2
    } else {
        3
    }
}

/// The last resort when even the emergency pass finds nothing (only when a
/// single box is wider than the measure): fill each line as far as it goes,
/// and mark the lines that cannot fit as overfull.
fn greedy(items: &[Item], width: f32) -> Vec<Break> {
    let mut breaks = Vec::new();
    let mut total = 0.0;
    let mut line_start = 0.0;
    // The last place the line could have ended, and the width up to it.
    let mut last: Option<(usize, f32)> = None;
    for (i, item) in items.iter().enumerate() {
        let breakable = match *item {
            Item::Glue { .. } => i > 0 && matches!(items[i - 1], Item::Box { .. }),
            Item::Penalty { cost, .. } => cost < INFINITY,
            Item::Box { .. } => false,
        };
        if breakable {
            let forced = matches!(*item, Item::Penalty { cost, .. } if cost <= -INFINITY);
            if total - line_start > width
                && let Some((at, end)) = last.take()
            {
                breaks.push(Break {
                    at,
                    ratio: 0.0,
                    hyphenated: false,
                    overfull: end - line_start > width,
                });
                line_start = end + glue_after(items, at);
            }
            if forced {
                breaks.push(Break {
                    at: i,
                    ratio: 0.0,
                    hyphenated: false,
                    overfull: total - line_start > width,
                });
                line_start = total;
                last = None;
            } else {
                last = Some((i, total));
            }
        }
        if let Item::Box { width } | Item::Glue { width, .. } = *item {
            total += width;
        }
    }
    breaks
}

/// The width of the glue discarded after a break at `at`.
fn glue_after(items: &[Item], at: usize) -> f32 {
    items[at..]
        .iter()
        .take_while(|i| !matches!(i, Item::Box { .. }))
        .map(|i| match *i {
            Item::Glue { width, .. } => width,
            _ => 0.0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILL: f32 = 100_000.0;

    /// A paragraph of words whose letters are one point wide, with spaces of
    /// one point that stretch by one and do not shrink.
    fn words(text: &str) -> Vec<Item> {
        spaced(text, 1.0, 0.0)
    }

    /// A paragraph of words whose letters are one point wide, with spaces of
    /// one point that stretch and shrink as given.
    fn spaced(text: &str, stretch: f32, shrink: f32) -> Vec<Item> {
        let mut items = Vec::new();
        for (i, word) in text.split(' ').enumerate() {
            if i > 0 {
                items.push(Item::Glue {
                    width: 1.0,
                    stretch,
                    shrink,
                });
            }
            items.push(Item::Box {
                width: word.len() as f32,
            });
        }
        finish(&mut items);
        items
    }

    fn finish(items: &mut Vec<Item>) {
        items.extend([
            Item::Penalty {
                width: 0.0,
                cost: INFINITY,
                flagged: false,
            },
            Item::Glue {
                width: 0.0,
                stretch: FILL,
                shrink: 0.0,
            },
            Item::Penalty {
                width: 0.0,
                cost: -INFINITY,
                flagged: false,
            },
        ]);
    }

    /// The items on a measure of `width`, nothing hanging into the margins.
    fn plain(items: &[Item], width: f32) -> Lines<'_> {
        Lines {
            items,
            hang: &[],
            width,
        }
    }

    fn ends(breaks: &[Break]) -> Vec<usize> {
        breaks.iter().map(|b| b.at).collect()
    }

    #[test]
    fn a_paragraph_that_fits_exactly_breaks_where_it_fits() {
        // "aaaa bbb cc" is 11 points: a full line at natural spacing.
        let items = words("aaaa bbb cc ddddd ee");
        let breaks = break_lines(plain(&items, 11.0), &Params::default(), 0.0);
        // Items: 0 aaaa, 1 glue, 2 bbb, 3 glue, 4 cc, 5 glue, 6 ddddd, ...
        assert_eq!(ends(&breaks), [5, 11]);
        assert_eq!(breaks[0].ratio, 0.0);
    }

    #[test]
    fn total_fit_spreads_the_looseness_over_the_paragraph() {
        // Filling the first line as far as it goes ("aa bbb cc", 9 of 10)
        // leaves "dddd" alone on a line with nothing to stretch. Total fit
        // instead sets "aa bbb" and "cc dddd" loosely: two loose lines
        // (badness 6400 and 2700) cost less than one impossible one.
        let items = words("aa bbb cc dddd eeeeee");
        let breaks = break_lines(plain(&items, 10.0), &Params::default(), 0.0);
        // Items: 0 aa, 1 glue, 2 bbb, 3 glue, 4 cc, 5 glue, 6 dddd, 7 glue, 8 eeeeee.
        assert_eq!(ends(&breaks), [3, 7, 11]);
        assert_eq!(breaks[0].ratio, 4.0);
        assert_eq!(breaks[1].ratio, 3.0);
        assert!(breaks.iter().all(|b| !b.overfull));
    }

    #[test]
    fn shrinking_is_preferred_to_a_loose_line() {
        // Spaces that stretch and shrink by half a point.
        let items = spaced("aaa bbb ccc dd", 0.5, 0.5);
        let breaks = break_lines(plain(&items, 10.0), &Params::default(), 0.0);
        // "aaa bbb ccc" is 11 points with two spaces of half a point shrink:
        // a ratio of exactly −1, the tightest allowed.
        assert_eq!(ends(&breaks), [5, 9]);
        assert_eq!(breaks[0].ratio, -1.0);
    }

    #[test]
    fn looseness_asks_for_that_many_lines_more_or_the_nearest_beyond_the_best() {
        // Forty words of two points with spaces of one that stretch by one,
        // on a measure of 20: seven words fill a line, five stretch to it
        // at a ratio of 1.5, within the tolerance of 2. The best breaking
        // has 6 lines, the loosest 8.
        let text = vec!["ab"; 40].join(" ");
        let items = words(&text);
        let params = Params::default();
        let count = |looseness| {
            break_lines_loose(plain(&items, 20.0), &params, looseness, 0.0)
                .map(|breaks| breaks.len())
        };
        assert_eq!(break_lines(plain(&items, 20.0), &params, 0.0).len(), 6);
        assert_eq!(count(0), Some(6));
        assert_eq!(
            count(1),
            Some(7),
            "one line more, not as many as it goes into"
        );
        assert_eq!(count(2), Some(8));
        assert_eq!(count(5), Some(8), "the nearest to five more");
        assert_eq!(count(-1), Some(6), "none fewer is within the tolerance");
    }

    /// Words of eight points that may be hyphenated in the middle.
    fn hyphenatable(count: usize) -> Vec<Item> {
        let mut items = Vec::new();
        for i in 0..count {
            if i > 0 {
                items.push(Item::Glue {
                    width: 1.0,
                    stretch: 0.5,
                    shrink: 0.3,
                });
            }
            items.push(Item::Box { width: 4.0 });
            items.push(Item::Penalty {
                width: 1.0,
                cost: 50.0,
                flagged: true,
            });
            items.push(Item::Box { width: 4.0 });
        }
        finish(&mut items);
        items
    }

    #[test]
    fn at_most_two_hyphenated_lines_in_a_row() {
        // Every line of "half, space, half and hyphen" is exactly 10 points:
        // left alone, the breaker would hyphenate line after line.
        let items = hyphenatable(12);
        let unlimited = Params {
            max_hyphens_in_a_row: 100,
            double_hyphen_demerits: 0.0,
            ..Params::default()
        };
        let run = |breaks: &[Break]| {
            breaks
                .iter()
                .scan(0, |run, b| {
                    *run = if b.hyphenated { *run + 1 } else { 0 };
                    Some(*run)
                })
                .max()
                .unwrap_or(0)
        };
        assert!(run(&break_lines(plain(&items, 10.0), &unlimited, 0.0)) > 2);
        let limited = break_lines(plain(&items, 10.0), &Params::default(), 0.0);
        assert!(run(&limited) <= 2, "{limited:?}");
        assert!(limited.iter().all(|b| !b.overfull));
    }

    #[test]
    fn the_first_pass_does_without_hyphens_when_it_can() {
        // Two 8-point words and a space fit a 17-point line exactly.
        let items = hyphenatable(4);
        let breaks = break_lines(plain(&items, 17.0), &Params::default(), 0.0);
        assert!(breaks.iter().all(|b| !b.hyphenated), "{breaks:?}");
    }

    #[test]
    fn a_line_ending_in_what_hangs_into_the_margin_may_be_that_much_longer() {
        // "aaaa bbb cc" is 11 points, half a point more than the measure,
        // and its spaces do not shrink: it fits only when the line ending
        // after "cc" hangs half a point into the margin.
        let items = spaced("aaaa bbb cc ddddd ee", 1.0, 0.0);
        let breaks = break_lines(plain(&items, 10.5), &Params::default(), 0.0);
        assert_ne!(breaks[0].at, 5, "{breaks:?}");
        let mut hang = vec![0.0; items.len()];
        hang[5] = 0.5;
        let lines = Lines {
            items: &items,
            hang: &hang,
            width: 10.5,
        };
        let breaks = break_lines(lines, &Params::default(), 0.0);
        assert_eq!(breaks[0].at, 5, "{breaks:?}");
        assert_eq!(breaks[0].ratio, 0.0);
    }

    #[test]
    fn emergency_stretch_shares_out_the_looseness_a_paragraph_cannot_avoid() {
        // Spaces that barely stretch: no breaking keeps within the
        // tolerance. Without emergency stretch every line is as bad as any
        // other to the breaker; with it, the loosest line is less loose.
        let items = spaced("aaa bb cccc d eeeee ff gggg hh iii jjjjjj k llll", 0.1, 0.0);
        let worst = |breaks: &[Break]| {
            breaks[..breaks.len() - 1]
                .iter()
                .map(|b| b.ratio)
                .fold(0.0, f32::max)
        };
        let without = break_lines(plain(&items, 12.0), &Params::default(), 0.0);
        let with = break_lines(plain(&items, 12.0), &Params::default(), 3.0);
        assert!(with.iter().all(|b| !b.overfull));
        assert!(worst(&with) < worst(&without), "{with:?} {without:?}");
    }

    #[test]
    fn a_box_wider_than_the_line_is_reported_overfull() {
        let items = words("aaaaaaaaaaaaaaaaaaaa bb");
        let breaks = break_lines(plain(&items, 10.0), &Params::default(), 0.0);
        assert!(breaks.iter().any(|b| b.overfull), "{breaks:?}");
    }
}
