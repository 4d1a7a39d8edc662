//! Layout: the model in, pages of positioned items (frames) out.
//!
//! This is the simple page flow of the text engine: chapters open a new page,
//! blocks stack down the page and lines flow on to the next one, footnotes
//! are gathered at the chapter's end. The writer only paints what this
//! produces.

mod blocks;

use crate::error::{Diagnostic, Place};
use crate::model::{Book, Pos};
use crate::pdf::Options;
use crate::pdf::text::{Line, Run, Typesetter};
use std::collections::BTreeSet;
use std::path::PathBuf;

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
    /// Where a chapter, heading, FAQ question or footnote starts: a link
    /// target. `id` is the model's id for it.
    Anchor {
        /// The model's id.
        id: String,
        /// The top of the target, from the page's top.
        y: f32,
    },
    /// A clickable area; (`x`, `y`) is its top-left corner.
    Link {
        /// Left edge.
        x: f32,
        /// Top edge.
        y: f32,
        /// Width.
        width: f32,
        /// Height.
        height: f32,
        /// Where the link goes.
        target: LinkTarget,
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
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// An [`Item::Anchor`] of the book, by id.
    Internal(String),
    /// A URL outside the book.
    External(String),
}

/// A range of pages numbered in one style, for the PDF's page labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelRange {
    /// Index of the range's first page, counted from 0.
    pub first_page: usize,
    /// How the pages are numbered.
    pub style: LabelStyle,
    /// The number of the range's first page.
    pub start: u32,
}

/// Page numbering styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelStyle {
    /// i, ii, iii: front matter.
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
             mean adjustment ratio: {:.3}\nworst adjustment ratio: {:.3}",
            self.lines,
            self.hyphenated,
            self.longest_hyphen_run,
            self.overfull,
            self.underfull,
            self.justified,
            self.mean_ratio,
            self.worst_ratio
        )
    }
}

/// The page's size and margins, the body size and leading, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    /// Page width.
    pub width: f32,
    /// Page height.
    pub height: f32,
    /// Margin above the text.
    pub top: f32,
    /// Margin below the text (the folio sits in it).
    pub bottom: f32,
    /// Left margin.
    pub left: f32,
    /// Right margin.
    pub right: f32,
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
            top: 58.0,
            bottom: 68.0,
            left: 54.0,
            right: 54.0,
            size: 10.5,
            leading: 13.5,
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
    /// Page numbering ranges, in page order.
    pub labels: Vec<LabelRange>,
}

/// Lays the whole book out.
pub fn layout(book: &Book, typesetter: &mut Typesetter<'_>, options: &Options) -> Laid {
    let mut flow = Flow {
        ts: typesetter,
        geometry: options.geometry,
        indent: options.indent,
        pages: Vec::new(),
        y: 0.0,
        quality: Quality::default(),
        warnings: Vec::new(),
        reported: BTreeSet::new(),
        file: PathBuf::new(),
        source_dir: options.source_dir.clone(),
        indent_next: false,
        openings: BTreeSet::new(),
    };
    for chapter in &book.chapters {
        flow.chapter(chapter);
    }
    flow.folios();
    Laid {
        pages: flow.pages,
        quality: flow.quality,
        warnings: flow.warnings,
        labels: vec![LabelRange {
            first_page: 0,
            style: LabelStyle::Arabic,
            start: 1,
        }],
    }
}

/// The state of the page flow.
struct Flow<'t, 'f> {
    ts: &'t mut Typesetter<'f>,
    geometry: Geometry,
    /// Whether paragraphs are told apart by a first-line indent (else by space).
    indent: bool,
    pages: Vec<Page>,
    /// The top of the next line, from the page's top edge.
    y: f32,
    quality: Quality,
    warnings: Vec<Diagnostic>,
    /// (character, line) pairs already warned about.
    reported: BTreeSet<(char, u32)>,
    /// The chapter file being laid out, for warnings.
    file: PathBuf,
    source_dir: PathBuf,
    /// Whether the next paragraph gets a first-line indent.
    indent_next: bool,
    /// Pages where a chapter opens: they get no folio.
    openings: BTreeSet<usize>,
}

impl Flow<'_, '_> {
    fn new_page(&mut self) {
        self.pages.push(Page {
            width: self.geometry.width,
            height: self.geometry.height,
            items: Vec::new(),
        });
        self.y = self.geometry.top;
    }

    fn bottom(&self) -> f32 {
        self.geometry.height - self.geometry.bottom
    }

    /// Adds vertical space, unless at the top of a page.
    fn space(&mut self, amount: f32) {
        if self.y > self.geometry.top {
            self.y += amount;
        }
    }

    /// Starts a new page when less than `height` is left on this one.
    fn need(&mut self, height: f32) {
        if self.pages.is_empty() || self.y + height > self.bottom() {
            self.new_page();
        }
    }

    /// Places set lines at `x`, `leading` apart, flowing onto new pages.
    fn place(&mut self, lines: &[Line], x: f32, size: f32, leading: f32) {
        self.quality.add(lines);
        for line in lines {
            self.need(leading);
            let baseline = self.y + size;
            self.put_line(line, x, baseline);
            self.y += leading;
        }
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
        if let Some(page) = self.pages.last_mut() {
            page.items.push(Item::Rule {
                x,
                y,
                width,
                thickness: 0.4,
            });
        }
    }

    /// Warns once per character and line about characters no face has.
    fn missing(&mut self, chars: &[char], pos: Pos) {
        for &c in chars {
            if self.reported.insert((c, pos.line)) {
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

    /// Page numbers at the foot of every page but chapter openings.
    fn folios(&mut self) {
        let g = self.geometry;
        for index in 0..self.pages.len() {
            if self.openings.contains(&index) {
                continue;
            }
            let spans = [crate::pdf::text::Span::new(
                (index + 1).to_string(),
                crate::pdf::fonts::Style::Regular,
            )];
            let measure = crate::pdf::text::Measure {
                size: g.size * 0.9,
                width: g.width - g.left - g.right,
                indent: 0.0,
                align: crate::pdf::text::Align::Center,
                verbatim: false,
            };
            let set = self.ts.set(&spans, &measure);
            let baseline = g.height - g.bottom + 2.0 * g.leading;
            if let (Some(line), Some(page)) = (set.lines.first(), self.pages.get_mut(index)) {
                for run in &line.runs {
                    page.items.push(Item::Text {
                        x: g.left + run.x,
                        y: baseline,
                        run: run.clone(),
                    });
                }
            }
        }
    }
}
