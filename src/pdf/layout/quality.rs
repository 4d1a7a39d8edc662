//! The quality report: counts of the lines set, gathered per chapter as a
//! [`Tally`] and made into the book's [`Quality`] once, in book order.

use crate::pdf::text::Line;

/// How well the book was set: the quality report, of its lines and of
/// its pages.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Quality {
    pub lines: LineFigures,
    pub pages: PageFigures,
}

/// How well the paragraphs were broken into lines.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct LineFigures {
    /// Lines set, of every kind.
    pub count: usize,
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
    /// The widest word space of a justified line, in ems.
    pub widest_space: f32,
    /// Paragraphs whose last line is a hyphenated word's tail of fewer than
    /// five letters.
    pub word_tails: usize,
}

/// How well the lines were made into pages.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct PageFigures {
    /// Body pages, of every kind.
    pub count: usize,
    /// Pages of running text ending above the text block's last baseline,
    /// but for a chapter's last page.
    pub short: usize,
    /// Spreads of two pages of text, neither a chapter's last.
    pub spreads: usize,
    /// Those of them whose pages end on different baselines.
    pub uneven_spreads: usize,
    /// Lines of body-size text whose baseline is off the text block's grid.
    pub off_grid: usize,
    /// Last lines of paragraphs left alone at the top of a page.
    pub widows: usize,
    /// First lines of paragraphs left alone at the foot of a page.
    pub orphans: usize,
    /// Headings left at a page's foot with fewer than two lines after them.
    pub stranded: usize,
    /// Words hyphenated over the turn of a page: at the foot of a
    /// right-hand page (one at a left-hand page's foot goes on across the
    /// spread).
    pub page_turns: usize,
}

impl std::fmt::Display for Quality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (l, p) = (&self.lines, &self.pages);
        write!(
            f,
            "lines: {}\nhyphenated lines: {}\nlongest run of hyphenated lines: {}\n\
             overfull lines: {}\nunderfull lines: {}\njustified lines: {}\n\
             mean adjustment ratio: {:.3}\nworst adjustment ratio: {:.3}\n\
             widows: {}\norphans: {}\n\
             pages: {}\nshort pages: {}\nspreads: {}\nspreads not ending on one baseline: {}\n\
             lines off the grid: {}\nstranded headings: {}\nparagraphs ending on a word tail: {}\n\
             hyphens over a page turn: {}\nwidest word space: {:.2} em",
            l.count,
            l.hyphenated,
            l.longest_hyphen_run,
            l.overfull,
            l.underfull,
            l.justified,
            l.mean_ratio,
            l.worst_ratio,
            p.widows,
            p.orphans,
            p.count,
            p.short,
            p.spreads,
            p.uneven_spreads,
            p.off_grid,
            p.stranded,
            l.word_tails,
            p.page_turns,
            l.widest_space
        )
    }
}

/// The counts of part of the book (a chapter, the front matter), with the
/// adjustment ratio of each justified line in order. The mean and the worst
/// ratio are running values, so they are made once, from every part's
/// ratios in book order ([`Tally::quality`]): the same sums in the same
/// order whichever thread set which chapter.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Tally {
    lines: usize,
    hyphenated: usize,
    longest_hyphen_run: usize,
    overfull: usize,
    underfull: usize,
    pub(super) widows: usize,
    pub(super) orphans: usize,
    pub(super) stranded: usize,
    pub(super) word_tails: usize,
    /// The adjustment ratio of every justified line, in order.
    ratios: Vec<f32>,
}

/// A [`Tally`]'s counts at some point and how many ratios it had then.
#[derive(Debug, Clone)]
pub(super) struct TallyMark {
    counts: Tally,
    ratios: usize,
}

impl Tally {
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
                self.ratios.push(line.ratio);
            }
        }
    }

    /// The counts as they are now, to go back to with [`Tally::rewind`].
    pub(super) fn mark(&self) -> TallyMark {
        TallyMark {
            counts: Tally {
                ratios: Vec::new(),
                ..*self
            },
            ratios: self.ratios.len(),
        }
    }

    /// Goes back to the counts at `mark`, forgetting the lines counted since.
    pub(super) fn rewind(&mut self, mark: &TallyMark) {
        let mut ratios = std::mem::take(&mut self.ratios);
        ratios.truncate(mark.ratios);
        *self = Tally {
            ratios,
            ..mark.counts
        };
    }

    /// Counts a paragraph set again in place of its old setting: `self`
    /// has counted up to `start` and the new setting; `total` counted up
    /// to `end` with the old setting (from `start`), and more after it,
    /// which are added. The longest run of hyphenated lines after `end` is
    /// not known apart from the old setting's, when that one's was the
    /// longest: it is then taken to be as long.
    pub(super) fn splice(&mut self, start: &TallyMark, end: &TallyMark, mut total: Tally) {
        let (old, was) = (&end.counts, &start.counts);
        let later_run = if total.longest_hyphen_run > old.longest_hyphen_run
            || old.longest_hyphen_run > was.longest_hyphen_run
        {
            total.longest_hyphen_run
        } else {
            0
        };
        self.lines += total.lines - old.lines;
        self.hyphenated += total.hyphenated - old.hyphenated;
        self.longest_hyphen_run = self.longest_hyphen_run.max(later_run);
        self.overfull += total.overfull - old.overfull;
        self.underfull += total.underfull - old.underfull;
        self.widows += total.widows - old.widows;
        self.orphans += total.orphans - old.orphans;
        self.stranded += total.stranded - old.stranded;
        self.word_tails += total.word_tails - old.word_tails;
        self.ratios.extend(total.ratios.drain(end.ratios..));
    }

    /// Adds a later part's counts and ratios.
    pub(super) fn append(&mut self, mut later: Tally) {
        self.lines += later.lines;
        self.hyphenated += later.hyphenated;
        self.longest_hyphen_run = self.longest_hyphen_run.max(later.longest_hyphen_run);
        self.overfull += later.overfull;
        self.underfull += later.underfull;
        self.widows += later.widows;
        self.orphans += later.orphans;
        self.stranded += later.stranded;
        self.word_tails += later.word_tails;
        self.ratios.append(&mut later.ratios);
    }

    /// The report: the counts, the mean and worst ratio taken over the
    /// ratios in order, and the widest word space for a word space `space`
    /// ems wide at its natural width (it stretches by half its width and
    /// shrinks by a third: `pdf/text`). The figures only pages tell are
    /// the join's to fill in.
    pub fn quality(&self, space: f32) -> Quality {
        let mut mean_ratio = 0.0;
        let mut worst_ratio: f32 = 0.0;
        let mut widest: f32 = 0.0;
        for (n, &ratio) in self.ratios.iter().enumerate() {
            let n = n as f32;
            mean_ratio = (mean_ratio * n + ratio) / (n + 1.0);
            if ratio.abs() > worst_ratio.abs() {
                worst_ratio = ratio;
            }
            let scale = if ratio > 0.0 {
                1.0 + ratio / 2.0
            } else {
                1.0 + ratio / 3.0
            };
            widest = widest.max(space * scale);
        }
        Quality {
            lines: LineFigures {
                count: self.lines,
                hyphenated: self.hyphenated,
                longest_hyphen_run: self.longest_hyphen_run,
                overfull: self.overfull,
                underfull: self.underfull,
                justified: self.ratios.len(),
                mean_ratio,
                worst_ratio,
                widest_space: widest,
                word_tails: self.word_tails,
            },
            pages: PageFigures {
                widows: self.widows,
                orphans: self.orphans,
                stranded: self.stranded,
                ..PageFigures::default()
            },
        }
    }
}
