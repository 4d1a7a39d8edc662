//! Setting paragraphs: styled text in, lines of positioned glyphs out.
//!
//! A paragraph is shaped word by word (through the [`Fonts`] cache), turned
//! into boxes, glue and penalties with its hyphenation points and Unicode
//! line-break opportunities, broken into lines by [`breaker`], and each line
//! is then set as runs of glyphs with the spaces the breaker chose.

pub mod breaker;
pub mod hyphenate;
mod line;

use crate::pdf::fonts::{FaceId, Fonts, Glyph, Style, WordId};
use breaker::{INFINITY, Item, Lines, Params};
use hyphenate::Hyphenator;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use unicode_linebreak::{BreakOpportunity, linebreaks};

/// The stretch of the glue that fills a paragraph's last line: large enough
/// to act as infinite next to any space's stretch.
const FILL: f32 = 100_000.0;
/// The cost of a break after an explicit hyphen, dash or slash.
const EXPLICIT_BREAK: f32 = 50.0;
/// The cost of a hyphenation point.
const HYPHEN_PENALTY: f32 = 50.0;
/// The widest a justified line spaces its words, in ems (a space stretches
/// by half its width at an adjustment ratio of 1). A paragraph that cannot
/// keep to it leaves the lines that would space wider short of the measure,
/// their spaces this wide.
pub const WIDEST_SPACE: f32 = 0.5;
/// U+00AD, where the author allows a word to be hyphenated: invisible unless
/// a line ends there.
const SOFT_HYPHEN: char = '\u{AD}';
/// The cost of breaking inside a word too long for any line.
const EMERGENCY_BREAK: f32 = 5_000.0;
/// How far the space between two Chinese or Japanese characters may
/// stretch in a justified line, in ems: such a line is filled by spacing
/// its characters, as it has no word spaces.
const CJK_STRETCH: f32 = 0.06;

/// A run of text in one style, as the layout hands it in.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The characters; spaces between words are break opportunities.
    pub text: String,
    /// The face to set it in.
    pub style: Style,
    /// Size relative to the paragraph's (0.7 for a footnote mark).
    pub scale: f32,
    /// How far the baseline is raised, in ems of the paragraph's size.
    pub rise: f32,
    /// Whether words of the span may be hyphenated (not in URLs or code).
    pub hyphenate: bool,
    /// Whether the span is the manuscript's own text, which the page map
    /// counts; generated numbers, labels and stand-ins are not.
    pub counted: bool,
    /// The language of a passage in another language than the book's (a
    /// BCP 47 tag), whose words are hyphenated with its patterns.
    pub lang: Option<String>,
    /// The colour its glyphs are painted in.
    pub ink: Ink,
}

/// The colour glyphs are painted in, as red, green and blue from 0 to 255;
/// black unless highlighted code asks for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
pub struct Ink(pub [u8; 3]);

impl Ink {
    /// A grey, from 0 (black) to 255 (white).
    pub const fn gray(level: u8) -> Ink {
        Ink([level; 3])
    }
}

impl Span {
    /// Plain text at the paragraph's size, hyphenated where allowed.
    pub fn new(text: impl Into<String>, style: Style) -> Span {
        Span {
            text: text.into(),
            style,
            scale: 1.0,
            rise: 0.0,
            hyphenate: !style.is_mono(),
            counted: true,
            lang: None,
            ink: Ink::default(),
        }
    }

    /// Text the layout adds (a number, a label, an ornament), which the page
    /// map does not count.
    pub fn generated(text: impl Into<String>, style: Style) -> Span {
        Span {
            counted: false,
            ..Span::new(text, style)
        }
    }
}

/// How lines are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Both edges straight, spaces adjusted, words hyphenated.
    Justify,
    /// Ragged right, natural spaces, no hyphenation.
    Left,
    /// Each line centred, natural spaces, no hyphenation.
    Center,
}

/// How a paragraph is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    /// The font size in points.
    pub size: f32,
    /// The line length in points.
    pub width: f32,
    /// The first line's indent in points.
    pub indent: f32,
    /// How lines are aligned.
    pub align: Align,
    /// Whether spaces keep their number (code) instead of collapsing.
    pub verbatim: bool,
}

impl Measure {
    /// Ragged-right text without an indent, as headings, cells and contents
    /// entries are set.
    pub fn ragged(size: f32, width: f32) -> Measure {
        Measure {
            size,
            width,
            indent: 0.0,
            align: Align::Left,
            verbatim: false,
        }
    }
}

/// One line of a set paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The glyph runs, left to right; `x` is relative to the line's start.
    pub runs: Vec<Run>,
    /// The adjustment ratio of the line's spaces.
    pub ratio: f32,
    /// Whether the line ends with a hyphen (added or explicit).
    pub hyphenated: bool,
    /// How many glyphs at the line's end are a hyphen added at the break,
    /// which the text does not have (0 for none).
    pub added_hyphen: usize,
    /// Whether the line sticks out past the measure.
    pub overfull: bool,
    /// Whether this line is justified (not the last of its paragraph, not ragged).
    pub justified: bool,
    /// Whether this line of a justified paragraph could only have been
    /// justified with word spaces wider than [`WIDEST_SPACE`]: it is set
    /// with them that wide and falls short of the measure.
    pub short: bool,
    /// Where the line's text starts: a byte offset into the paragraph's
    /// spans' texts, one after another (their total length for a line
    /// without text).
    pub start: usize,
}

impl Line {
    /// Adds a space glyph of no width after the line's last glyph.
    fn end_with_space(&mut self, face: FaceId, gid: u16, size: f32) {
        let space = PlacedGlyph {
            gid,
            advance: 0.0,
            offset: 0.0,
        };
        match self.runs.last_mut() {
            Some(run) if run.face == face && run.size == size && run.rise == 0.0 => {
                run.glyphs.push(space)
            }
            last => {
                let (x, ink) = last.map_or((0.0, Ink::default()), |r| (r.x + r.width, r.ink));
                self.runs.push(Run {
                    x,
                    rise: 0.0,
                    face,
                    size,
                    ink,
                    width: 0.0,
                    glyphs: vec![space],
                });
            }
        }
    }

    /// The line's runs, with the hyphen added at its break, if any, apart:
    /// it is not part of the text, so it is painted as an artifact.
    pub fn take_runs(&mut self) -> (Vec<Run>, Option<Run>) {
        let mut runs = std::mem::take(&mut self.runs);
        let mut count = self.added_hyphen;
        if count == 0 {
            return (runs, None);
        }
        let Some(mut last) = runs.pop() else {
            return (runs, None);
        };
        count = count.min(last.glyphs.len());
        let at = last.glyphs.len() - count;
        let before: f32 = last.glyphs[..at].iter().map(|g| g.advance).sum();
        let hyphen = Run {
            x: last.x + before,
            rise: last.rise,
            face: last.face,
            size: last.size,
            ink: last.ink,
            width: last.width - before,
            glyphs: last.glyphs.split_off(at),
        };
        if !last.glyphs.is_empty() {
            last.width = before;
            runs.push(last);
        }
        (runs, Some(hyphen))
    }
}

/// Glyphs of one face, size and baseline, placed from a starting point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// Where the run starts, from the line's start, in points.
    pub x: f32,
    /// How far the baseline is raised, in points.
    pub rise: f32,
    /// The face.
    pub face: FaceId,
    /// The size in points.
    pub size: f32,
    /// The sum of the glyphs' advances, in points.
    pub width: f32,
    /// The colour they are painted in.
    pub ink: Ink,
    /// The glyphs.
    #[serde(with = "crate::pdf::layout::cache::glyphs")]
    pub glyphs: Vec<PlacedGlyph>,
}

/// A glyph with the space it takes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PlacedGlyph {
    /// The glyph's id in the run's face.
    pub gid: u16,
    /// How far the pen moves after it, in points.
    pub advance: f32,
    /// How far right of the pen it is drawn, in points.
    pub offset: f32,
}

/// The shared state of paragraph setting: fonts with their word cache, the
/// hyphenator with its own, and the breaker's weights.
pub struct Typesetter<'a> {
    /// The faces and shaped-word cache.
    pub fonts: Fonts<'a>,
    /// Hyphenation for the book's language.
    pub hyphenator: Hyphenator,
    /// Hyphenation for passages in other languages, by tag, made when
    /// first needed.
    others: std::collections::BTreeMap<String, Hyphenator>,
    /// The line breaker's weights.
    pub params: Params,
    /// Whether paragraphs run from right to left (a Hebrew or Arabic book):
    /// each line is then ordered by the Unicode bidirectional algorithm
    /// and set flush right.
    pub rtl: bool,
    /// The lists one paragraph is built in, kept from one paragraph to the
    /// next so that a book allocates them a few times, not once a paragraph.
    scratch: Builder,
}

/// A set paragraph: its lines and the characters no face could draw.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Paragraph {
    /// The lines, top to bottom.
    pub lines: Vec<Line>,
    /// Characters set as missing-glyph boxes, for the caller's warnings.
    pub missing: Vec<char>,
}

/// What to paint for an item of the breaker's list.
#[derive(Debug, Clone)]
enum Draw {
    Nothing,
    Glyphs {
        /// Where the glyphs are in the fonts' store ([`Fonts::store`]).
        range: Range<usize>,
        /// The byte offset in the paragraph's text of the first glyph's characters.
        at: usize,
        size: f32,
        rise: f32,
        ink: Ink,
    },
    Space {
        face: FaceId,
        gid: u16,
        size: f32,
        count: usize,
    },
}

impl<'a> Typesetter<'a> {
    /// A typesetter with the given fonts and hyphenation and TeX's weights
    /// ([`Params::default`]).
    pub fn new(fonts: Fonts<'a>, hyphenator: Hyphenator) -> Typesetter<'a> {
        Typesetter {
            fonts,
            hyphenator,
            others: Default::default(),
            params: Params::default(),
            rtl: false,
            scratch: Builder::default(),
        }
    }

    /// A typesetter with the same faces, language and weights whose caches
    /// are empty, for another thread: what it sets is what this one would.
    pub fn fresh(&self) -> Typesetter<'a> {
        Typesetter {
            fonts: self.fonts.fresh(),
            hyphenator: self.hyphenator.fresh(),
            others: Default::default(),
            params: self.params,
            rtl: self.rtl,
            scratch: Builder::default(),
        }
    }

    /// The natural width of a word space in `style`, in ems.
    pub fn space_width(&mut self, style: Style) -> f32 {
        let space = self.fonts.space(style);
        self.fonts.word(space).width
    }

    /// Sets `spans` as one paragraph.
    pub fn set(&mut self, spans: &[Span], measure: &Measure) -> Paragraph {
        let params = self.line_params(measure);
        let emergency = self.emergency(measure, &params);
        self.set_with(spans, measure, |b, width| {
            let breaks = breaker::break_lines(b.lines(width), &params, emergency);
            Some(without_tail(b, spans, width, &params, breaks, |lines| {
                Some(breaker::break_lines(lines, &params, emergency))
            }))
        })
        .unwrap_or_default()
    }

    /// The breaker's weights for `measure`: in justified text, no pass
    /// but the emergency ones accepts a line spaced wider than
    /// [`WIDEST_SPACE`].
    fn line_params(&mut self, measure: &Measure) -> Params {
        let mut params = self.params;
        if measure.align == Align::Justify {
            let widest = self.widest_ratio();
            params.pretolerance = params.pretolerance.min(widest);
            params.tolerance = params.tolerance.min(widest);
        }
        params
    }

    /// The adjustment ratio at which a word space is [`WIDEST_SPACE`] wide.
    fn widest_ratio(&mut self) -> f32 {
        2.0 * (WIDEST_SPACE / self.space_width(Style::Regular) - 1.0)
    }

    /// Sets `spans` as one paragraph in as many lines as it goes into
    /// (`looseness` above 0) or as few (below 0) with no line looser than
    /// the breaker's tolerance; `None` when no breaking keeps to it. A
    /// justified paragraph that no breaking keeps to it (one [`Typesetter::set`]
    /// leaves lines short in) is weighed with the emergency stretch instead,
    /// and may again leave lines short.
    pub fn set_loose(
        &mut self,
        spans: &[Span],
        measure: &Measure,
        looseness: i32,
    ) -> Option<Paragraph> {
        let params = self.line_params(measure);
        let emergency = self.emergency(measure, &params);
        self.set_with(spans, measure, |b, width| {
            let lines = b.lines(width);
            let within = breaker::break_lines_loose(lines, &params, looseness, 0.0);
            let Some(breaks) = within else {
                let short =
                    emergency > 0.0 && breaker::break_lines_loose(lines, &params, 0, 0.0).is_none();
                return short
                    .then(|| breaker::break_lines_loose(lines, &params, looseness, emergency))
                    .flatten();
            };
            // As many lines without the tail, or the tail.
            let count = breaks.len();
            Some(without_tail(b, spans, width, &params, breaks, |lines| {
                breaker::break_lines_loose(lines, &params, looseness, 0.0)
                    .filter(|other| other.len() == count)
            }))
        })
    }

    /// The emergency stretch of a paragraph on `measure`, in points: none
    /// for text that is not justified.
    fn emergency(&self, measure: &Measure, params: &Params) -> f32 {
        if measure.align == Align::Justify {
            params.emergency_stretch * measure.size
        } else {
            0.0
        }
    }

    /// Sets `spans` as one paragraph, broken into lines by `breaks`.
    fn set_with(
        &mut self,
        spans: &[Span],
        measure: &Measure,
        breaks: impl FnOnce(&Builder, f32) -> Option<Vec<breaker::Break>>,
    ) -> Option<Paragraph> {
        let length: usize = spans.iter().map(|s| s.text.len()).sum();
        let mut builder = std::mem::take(&mut self.scratch);
        builder.clear();
        self.build(spans, measure, &mut builder);
        let Some(breaks) = breaks(&builder, measure.width) else {
            self.scratch = builder;
            return None;
        };
        let mut lines = Vec::with_capacity(breaks.len());
        let mut start = 0;
        let last = breaks.len().saturating_sub(1);
        let justify = measure.align == Align::Justify;
        let widest = if justify {
            self.widest_ratio()
        } else {
            f32::INFINITY
        };
        for (n, brk) in breaks.iter().enumerate() {
            // A line the emergency passes left looser than the widest
            // spacing is set at it, short of the measure.
            let short = brk.ratio.is_finite() && brk.ratio > widest;
            let ratio = if short { widest } else { brk.ratio };
            let store = self.fonts.store();
            let mut line = line::set_line(&builder, store, start, brk.at, ratio, measure);
            line.start = text_start(&builder, start..brk.at).unwrap_or(length);
            line.hyphenated = brk.hyphenated;
            line.overfull |= brk.overfull;
            line.justified = justify && n < last && !short;
            line.short = short;
            lines.push(line);
            start = brk.at + 1;
        }
        self.mark_word_breaks(&builder, &breaks, spans, measure, &mut lines);
        let missing = std::mem::take(&mut builder.missing);
        self.scratch = builder;
        Some(Paragraph { lines, missing })
    }

    /// Ends each line that a word space (or a line break, or the end of a
    /// line of code) follows with a space glyph that takes no room, so
    /// that text read out of the page has the space between the last word
    /// of a line and the first of the next, and a word hyphenated over two
    /// lines reads as one.
    fn mark_word_breaks(
        &mut self,
        b: &Builder,
        breaks: &[breaker::Break],
        spans: &[Span],
        measure: &Measure,
        lines: &mut [Line],
    ) {
        let last = lines.len().saturating_sub(1);
        for (n, (line, brk)) in lines.iter_mut().zip(breaks).enumerate() {
            let next_box = (brk.at + 1..b.items.len())
                .find(|&i| matches!(b.items[i], Item::Box { .. }))
                .unwrap_or(b.items.len());
            let swallowed = (brk.at..next_box).find_map(|i| match b.draws[i] {
                Draw::Space {
                    face, gid, size, ..
                } => Some((face, gid, size)),
                _ => None,
            });
            let forced = matches!(b.items[brk.at], Item::Penalty { cost, .. } if cost <= -INFINITY);
            let space = match swallowed {
                Some(space) => Some(space),
                None if (forced && n < last) || (measure.verbatim && n == last) => {
                    let style = spans.last().map_or(Style::Regular, |s| s.style);
                    self.space_glyph(style, measure.size)
                }
                None => None,
            };
            if let Some((face, gid, size)) = space
                && line.added_hyphen == 0
            {
                line.end_with_space(face, gid, size);
            }
        }
    }

    /// Ends `line` with a space glyph of no width in `style` at `size`, for
    /// the text read out of the page: a number set apart from its heading.
    pub fn end_with_space(&mut self, line: &mut Line, style: Style, size: f32) {
        if let Some((face, gid, size)) = self.space_glyph(style, size) {
            line.end_with_space(face, gid, size);
        }
    }

    /// The face and glyph of a space in `style`, at `size`.
    fn space_glyph(&mut self, style: Style, size: f32) -> Option<(FaceId, u16, f32)> {
        let word = self.fonts.space(style);
        self.fonts
            .glyphs(word)
            .first()
            .map(|g| (g.face, g.gid, size))
    }

    fn build(&mut self, spans: &[Span], measure: &Measure, b: &mut Builder) {
        // Most paragraphs are one span: borrow its text rather than copy it;
        // the others are joined in a buffer kept from paragraph to paragraph.
        let mut joined = std::mem::take(&mut b.text);
        let text = match spans {
            [span] => span.text.as_str(),
            _ => {
                joined.extend(spans.iter().map(|s| s.text.as_str()));
                joined.as_str()
            }
        };
        // Code runs from left to right in any book.
        b.rtl = self.rtl && !measure.verbatim;
        b.levels.clear();
        if b.rtl || !text.is_ascii() {
            b.levels = embedding_levels(text, b.rtl, std::mem::take(&mut b.levels));
        }
        // Punctuation hangs into the margins of justified text in one
        // direction, left to right (a line of two directions would need its
        // visual ends, known only once it is set).
        b.protrude = self.params.optical_margins
            && measure.align == Align::Justify
            && !measure.verbatim
            && b.levels.is_empty();
        let mut bounds = std::mem::take(&mut b.bounds);
        let mut at = 0;
        for span in spans {
            bounds.push(at..at + span.text.len());
            at += span.text.len();
        }
        // Spans are in order, so a binary search finds the one holding a
        // position: paragraphs can have hundreds of thousands of spans.
        let span_at = |pos: usize| {
            bounds
                .partition_point(|r| r.end <= pos)
                .min(spans.len().saturating_sub(1))
        };
        if measure.indent > 0.0 {
            b.push(
                Item::Box {
                    width: measure.indent,
                },
                Draw::Nothing,
            );
        }
        let mut prev = 0;
        for (pos, kind) in opportunities(text) {
            // A dash belongs to the line before it: never start a line with one.
            let before_dash =
                text[pos..].starts_with(['—', '–']) && !text[..pos].ends_with(char::is_whitespace);
            // Japanese keeps small kana and the long-vowel mark on the line
            // of the character before them (kinsoku), which Unicode's rules
            // leave to the tailoring.
            let before_small_kana = text[pos..].starts_with(is_small_kana);
            if before_dash || before_small_kana {
                continue;
            }
            let segment = &text[prev..pos];
            let word_len = segment.trim_end_matches(char::is_whitespace).len();
            let word = prev..prev + word_len;
            if !word.is_empty() {
                self.add_word(text, word.clone(), spans, &bounds, measure, b);
            }
            let spaces = &text[word.end..pos];
            let mandatory = kind == BreakOpportunity::Mandatory && pos < text.len();
            if !spaces.trim_end_matches(['\n', '\r']).is_empty() {
                let span = &spans[span_at(word.end)];
                let count = if measure.verbatim {
                    spaces.chars().filter(|c| *c != '\n').count()
                } else {
                    1
                };
                self.add_space(span.style, measure, count, word.is_empty(), b);
            } else if !word.is_empty() && pos < text.len() && !mandatory {
                if text[..word.end].ends_with(SOFT_HYPHEN) && !measure.verbatim {
                    // The author's own hyphenation point: a line ending
                    // here shows a hyphen, as at a pattern's point.
                    let span = &spans[span_at(word.end - 1)];
                    self.add_hyphen(span, measure, word.end, b);
                    prev = pos;
                    continue;
                }
                let between_ideographs =
                    text[..word.end].ends_with(is_cjk) || text[word.end..].starts_with(is_cjk);
                if between_ideographs {
                    add_cjk_gap(measure, b);
                    prev = pos;
                    continue;
                }
                let flagged = text[..word.end].ends_with(['-', '‐', '–']);
                b.push_hanging(
                    Item::Penalty {
                        width: 0.0,
                        cost: EXPLICIT_BREAK,
                        flagged,
                    },
                    Draw::Nothing,
                    b.last_right,
                );
            }
            if mandatory {
                end_line(b);
            }
            prev = pos;
        }
        // No break before the final fill: the paragraph's last line ends here.
        b.push(
            Item::Penalty {
                width: 0.0,
                cost: INFINITY,
                flagged: false,
            },
            Draw::Nothing,
        );
        end_line(b);
        b.text = joined;
        b.bounds = bounds;
    }

    /// Adds a word (text between break opportunities, without its spaces),
    /// one box per span it crosses and per hyphenation fragment.
    fn add_word(
        &mut self,
        text: &str,
        word: Range<usize>,
        spans: &[Span],
        bounds: &[Range<usize>],
        measure: &Measure,
        b: &mut Builder,
    ) {
        let mut pieces = std::mem::take(&mut b.pieces);
        pieces.clear();
        let first = bounds.partition_point(|r| r.end <= word.start);
        let crossed = spans.iter().zip(bounds).enumerate().skip(first);
        for (index, (span, bound)) in crossed.take_while(|(_, (_, r))| r.start < word.end) {
            let mut start = bound.start.max(word.start);
            let end = bound.end.min(word.end);
            while start < end {
                // Text of two directions ("bindery," in Hebrew: a comma that
                // reads from right to left after an English word) is shaped
                // in pieces of one level each, which lines then order.
                let cut = match b.levels.get(start) {
                    Some(&level) => (start..end).find(|&i| b.levels[i] != level).unwrap_or(end),
                    None => end,
                };
                let shaped = self.fonts.shape(&text[start..cut], span.style);
                for c in self.fonts.missing(shaped) {
                    if !b.missing.contains(c) {
                        b.missing.push(*c);
                    }
                }
                pieces.push((index, start..cut, shaped));
                start = cut;
            }
        }
        // A word written with a hyphen ("pro-Russia") may break there, but
        // gets no hyphens of its own.
        let compound = b.compounds.has_hyphen(text, &word);
        let size_of = |span: &Span| measure.size * span.scale;
        let total: f32 = pieces
            .iter()
            .map(|(s, _, sh)| self.fonts.word(*sh).width * size_of(&spans[*s]))
            .sum();
        let too_long = total > measure.width;
        let mut cuts = std::mem::take(&mut b.cuts);
        for (index, range, id) in pieces.drain(..) {
            let span = &spans[index];
            let size = size_of(span);
            let rise = span.rise * measure.size;
            let shaped = self.fonts.word(id);
            let (first, count, whole) = (shaped.glyphs.start, shaped.glyphs.len(), shaped.width);
            let glyphs = self.fonts.glyphs(id);
            // Where the word may break: hyphenation points in justified
            // text, or anywhere between glyphs when the word is wider
            // than a line.
            cuts.clear();
            if too_long {
                for i in 1..count {
                    if glyphs[i].cluster != glyphs[i - 1].cluster {
                        cuts.push((i, false));
                    }
                }
            } else if span.hyphenate && measure.align == Align::Justify && !compound {
                // A shaped word keeps the book language's points; a passage
                // in another language asks its own hyphenator each time
                // (which remembers its words).
                let cached = shaped.hyphenation.get().filter(|_| span.lang.is_none());
                if let Some(&bits) = cached {
                    cuts.extend(
                        (1..count.min(64))
                            .filter(|i| bits >> i & 1 == 1)
                            .map(|i| (i, true)),
                    );
                } else {
                    let hyphenator = match &span.lang {
                        Some(lang) => self
                            .others
                            .entry(lang.clone())
                            .or_insert_with(|| Hyphenator::new(lang)),
                        None => &mut self.hyphenator,
                    };
                    let points = hyphenator.points(&text[range.clone()]);
                    // A point inside a ligature has no glyph boundary: skip it.
                    let at = points
                        .into_iter()
                        .filter_map(|p| glyphs.iter().position(|g| g.cluster as usize == p));
                    let before = cuts.len();
                    cuts.extend(at.map(|i| (i, true)));
                    if count <= 64 && span.lang.is_none() {
                        let bits = cuts[before..].iter().fold(0, |bits, &(i, _)| bits | 1 << i);
                        shaped.hyphenation.get_or_init(|| bits);
                    }
                }
            }
            cuts.push((count, false));
            let mut from = 0;
            for &(cut, hyphen) in &cuts {
                if cut <= from {
                    continue;
                }
                // A whole word's width was summed when it was shaped, in
                // the same order: reuse it instead of visiting its glyphs.
                let ems = if from == 0 && cut == count {
                    whole
                } else {
                    let glyphs = &self.fonts.store()[first + from..first + cut];
                    glyphs.iter().map(|g| g.advance).sum()
                };
                let width = ems * size;
                // A right-to-left word's glyphs run from its end: its text
                // starts at the least cluster.
                let piece = &self.fonts.store()[first + from..first + cut];
                let cluster = if b.levels.is_empty() {
                    piece.first().map(|g| g.cluster)
                } else {
                    piece.iter().map(|g| g.cluster).min()
                };
                let at = range.start + cluster.map_or(0, |c| c as usize);
                let mut left = 0.0;
                if b.protrude {
                    // How far the piece's first character hangs left when
                    // it starts a line, and its last right when it ends one.
                    let end = self.fonts.store()[first..first + count]
                        .get(cut)
                        .map_or(range.end, |g| range.start + g.cluster as usize);
                    let chars = &text[at..end];
                    let hang = |c: Option<char>, factor: fn(char) -> f32, g: Option<&Glyph>| {
                        c.zip(g).map_or(0.0, |(c, g)| factor(c) * g.advance * size)
                    };
                    left = hang(chars.chars().next(), hang_left, piece.first());
                    b.last_right = hang(chars.chars().next_back(), hang_right, piece.last());
                }
                b.push_hanging(
                    Item::Box { width },
                    Draw::Glyphs {
                        range: first + from..first + cut,
                        at,
                        size,
                        rise,
                        ink: span.ink,
                    },
                    left,
                );
                if cut < count {
                    if hyphen {
                        self.add_hyphen(span, measure, range.start, b);
                    } else {
                        b.push(
                            Item::Penalty {
                                width: 0.0,
                                cost: EMERGENCY_BREAK,
                                flagged: false,
                            },
                            Draw::Nothing,
                        );
                    }
                }
                from = cut;
            }
        }
        b.cuts = cuts;
        b.pieces = pieces;
    }

    /// Adds a hyphenation point: a break that adds a hyphen in `span`'s
    /// style. `at` is where the word's text starts.
    fn add_hyphen(&mut self, span: &Span, measure: &Measure, at: usize, b: &mut Builder) {
        let size = measure.size * span.scale;
        let mark = self.fonts.hyphen(span.style);
        let mark = self.fonts.word(mark);
        let width = mark.width * size;
        b.push_hanging(
            Item::Penalty {
                width,
                cost: HYPHEN_PENALTY,
                flagged: true,
            },
            Draw::Glyphs {
                range: mark.glyphs.clone(),
                at,
                size,
                rise: span.rise * measure.size,
                ink: span.ink,
            },
            hang_right('-') * width,
        );
    }

    fn add_space(
        &mut self,
        style: Style,
        measure: &Measure,
        count: usize,
        leading: bool,
        b: &mut Builder,
    ) {
        let space = self.fonts.space(style);
        let Some(glyph) = self.fonts.glyphs(space).first() else {
            return;
        };
        let width = self.fonts.word(space).width * measure.size * count as f32;
        let draw = Draw::Space {
            face: glyph.face,
            gid: glyph.gid,
            size: measure.size,
            count,
        };
        if measure.verbatim
            && (leading || b.items.is_empty() || !matches!(b.items.last(), Some(Item::Box { .. })))
        {
            // Indentation of code is kept as a box so it survives the line start.
            b.push(Item::Box { width }, draw);
            return;
        }
        if !matches!(b.items.last(), Some(Item::Box { .. })) {
            return;
        }
        // A line ending at the space hangs the word before it.
        let hang = b.last_right;
        match measure.align {
            // A space inside inline code keeps its width: code is never
            // spaced out, though a line may still break there.
            Align::Justify if style.is_mono() => b.push_hanging(
                Item::Glue {
                    width,
                    stretch: 0.0,
                    shrink: 0.0,
                },
                draw,
                hang,
            ),
            Align::Justify => b.push_hanging(
                Item::Glue {
                    width,
                    stretch: width / 2.0,
                    shrink: width / 3.0,
                },
                draw,
                hang,
            ),
            Align::Left | Align::Center => add_ragged_break(measure, width, draw, b),
        }
    }
}

/// A place where a ragged line may break, as TeX sets it: the stretch sits
/// at the line's end only, so a break costs by how short the line falls;
/// where the line goes on, a space `width` wide drawn as `draw`.
fn add_ragged_break(measure: &Measure, width: f32, draw: Draw, b: &mut Builder) {
    let rag = 3.0 * measure.size;
    b.push(
        Item::Glue {
            width: 0.0,
            stretch: rag,
            shrink: 0.0,
        },
        Draw::Nothing,
    );
    b.push(
        Item::Penalty {
            width: 0.0,
            cost: 0.0,
            flagged: false,
        },
        Draw::Nothing,
    );
    b.push(
        Item::Glue {
            width,
            stretch: -rag,
            shrink: 0.0,
        },
        draw,
    );
}

/// Where a line may break between two Chinese or Japanese characters: a
/// space of no width that stretches in justified text (the characters are
/// spaced out, as such a line has no word spaces) and at the end of a
/// ragged line.
fn add_cjk_gap(measure: &Measure, b: &mut Builder) {
    if measure.verbatim {
        return;
    }
    match measure.align {
        Align::Justify => b.push(
            Item::Glue {
                width: 0.0,
                stretch: CJK_STRETCH * measure.size,
                shrink: 0.0,
            },
            Draw::Nothing,
        ),
        Align::Left | Align::Center => add_ragged_break(measure, 0.0, Draw::Nothing, b),
    }
}

/// Where a line may break in `text`: Unicode's opportunities, and after an
/// em dash that an opening quote follows ("snowstorm—“landlord"), which
/// Unicode keeps together (a quote stays with what is before it) but a book
/// breaks as after any dash: in dialogue such pairs would otherwise make
/// long unbreakable runs that no justified line can space within the
/// widest word space.
fn opportunities(text: &str) -> impl Iterator<Item = (usize, BreakOpportunity)> + '_ {
    let mut unicode = linebreaks(text).peekable();
    // Most paragraphs have no such pair: then nothing is allocated.
    let pairs: Vec<usize> = if text.contains("—“") || text.contains("—‘") {
        text.match_indices('—')
            .map(|(i, dash)| i + dash.len())
            .filter(|&i| text[i..].starts_with(['“', '‘']))
            .collect()
    } else {
        Vec::new()
    };
    let mut pairs = pairs.into_iter().peekable();
    std::iter::from_fn(move || {
        let next = unicode.peek().map(|&(pos, _)| pos);
        match pairs.peek() {
            Some(&at) if next.is_none_or(|pos| at < pos) => {
                pairs.next();
                Some((at, BreakOpportunity::Allowed))
            }
            Some(&at) if next == Some(at) => {
                pairs.next();
                unicode.next()
            }
            _ => unicode.next(),
        }
    })
}

/// How much of its width a character hangs into the right margin when it
/// ends a justified line: the optical margin alignment of Hàn Thế Thành's
/// pdfTeX (character protrusion, which LaTeX's microtype package sets up)
/// and of Typst. Small marks that leave a visible notch in the edge hang the
/// most, long dashes the least, so that the edge looks straight rather than
/// measures straight.
fn hang_right(c: char) -> f32 {
    match c {
        '.' | ',' | '-' | '‐' => 0.7,
        '”' | '’' | '"' | '\'' | '»' | '›' => 0.6,
        ':' | ';' | '–' => 0.4,
        '—' => 0.25,
        '!' | '?' => 0.2,
        _ => 0.0,
    }
}

/// How much of its width a character hangs into the left margin when it
/// starts a justified line: opening quotes ([`hang_right`]).
fn hang_left(c: char) -> f32 {
    match c {
        '“' | '‘' | '„' | '"' | '\'' | '«' | '‹' => 0.5,
        _ => 0.0,
    }
}

/// Whether `c` is a Chinese or Japanese character, kana or punctuation of
/// their full width: text set without spaces, broken between characters.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}' // radicals
        | '\u{3000}'..='\u{30FF}' // punctuation, hiragana, katakana
        | '\u{3100}'..='\u{31FF}' // bopomofo, small katakana
        | '\u{3400}'..='\u{4DBF}' // Han, extension A
        | '\u{4E00}'..='\u{9FFF}' // Han
        | '\u{F900}'..='\u{FAFF}' // compatibility ideographs
        | '\u{FF00}'..='\u{FF60}' // full-width forms
        | '\u{20000}'..='\u{3FFFF}' // Han, extensions B and later
    )
}

/// Whether `c` is a small kana or the long-vowel mark (Unicode's class CJ),
/// which strict Japanese line breaking never puts at a line's start.
fn is_small_kana(c: char) -> bool {
    matches!(
        c,
        'ぁ' | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ゎ'
            | 'ゕ'
            | 'ゖ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | 'ヮ'
            | 'ヵ'
            | 'ヶ'
            | 'ー'
            | '\u{31F0}'..='\u{31FF}'
            | '\u{FF67}'..='\u{FF70}'
    )
}

/// The bidirectional embedding level of each byte of `text` (Unicode's
/// bidirectional algorithm up to its rule I2), in `out`; empty when the
/// whole text is left to right, as nearly every paragraph of a book in a
/// language written that way is.
fn embedding_levels(text: &str, rtl: bool, mut out: Vec<u8>) -> Vec<u8> {
    use unicode_bidi::{BidiClass, BidiInfo, Level, bidi_class};
    // No character before the Hebrew block (U+0590) is read right to
    // left, so Latin, Greek and Cyrillic text needs no look-up in the
    // table of bidirectional classes.
    let strong_rtl =
        |c: char| c >= '\u{590}' && matches!(bidi_class(c), BidiClass::R | BidiClass::AL);
    if !rtl && !text.chars().any(strong_rtl) {
        return out;
    }
    let base = if rtl { Level::rtl() } else { Level::ltr() };
    let info = BidiInfo::new(text, Some(base));
    out.extend(info.levels.iter().map(|l| l.number()));
    out
}

/// Finds the run of text between whitespace around each word of a
/// paragraph, and whether it has a hyphen. Words come in order, so each
/// scan starts where the last one stopped: a paragraph without spaces (a
/// long URL, Chinese or Japanese text) is scanned once, not once per word.
#[derive(Default)]
struct Compounds {
    /// Where the run around the last word starts: after the last
    /// whitespace before `scanned`.
    start: usize,
    /// How far the text has been searched for the runs' starts.
    scanned: usize,
    /// The first whitespace at or after the last word's end (or the
    /// paragraph's end), with no whitespace between the two.
    end: usize,
    /// The last run looked at and whether it has a hyphen.
    last: Option<(usize, usize, bool)>,
}

impl Compounds {
    /// Whether the run of text between whitespace around `word` has a hyphen.
    fn has_hyphen(&mut self, text: &str, word: &Range<usize>) -> bool {
        let before = &text[self.scanned..word.start];
        if let Some((i, c)) = before.char_indices().rfind(|(_, c)| c.is_whitespace()) {
            self.start = self.scanned + i + c.len_utf8();
        }
        self.scanned = word.start;
        if word.end > self.end {
            self.end = text[word.end..]
                .find(char::is_whitespace)
                .map_or(text.len(), |i| word.end + i);
        }
        match self.last {
            Some((start, end, hyphen)) if (start, end) == (self.start, self.end) => hyphen,
            _ => {
                // '-' is one byte and '‐' starts with the byte 0xE2: one
                // pass over the bytes (runs are short, shorter than a
                // library search takes to set up) rules most runs out
                // without decoding characters.
                let run = &text[self.start..self.end];
                let bytes = run.as_bytes();
                let hyphen = bytes.iter().any(|&b| b == b'-' || b == 0xE2)
                    && (bytes.contains(&b'-') || run.contains('‐'));
                self.last = Some((self.start, self.end, hyphen));
                hyphen
            }
        }
    }
}

#[derive(Default)]
struct Builder {
    items: Vec<Item>,
    draws: Vec<Draw>,
    missing: Vec<char>,
    /// The paragraph's text, when it is made of more than one span.
    text: String,
    /// Where each span's text is in the paragraph's text.
    bounds: Vec<Range<usize>>,
    /// Scratch space for the pieces and break points of one word.
    pieces: Vec<(usize, Range<usize>, WordId)>,
    cuts: Vec<(usize, bool)>,
    /// The runs of text between whitespace around the words.
    compounds: Compounds,
    /// Whether the paragraph runs from right to left.
    rtl: bool,
    /// The bidirectional level of each byte of the paragraph's text; empty
    /// when it is all left to right.
    levels: Vec<u8>,
    /// Whether lines hang punctuation into the margins.
    protrude: bool,
    /// When they do, how far each item hangs ([`Lines::hang`]); else empty.
    hang: Vec<f32>,
    /// How far the last box's last character hangs right when it ends a line.
    last_right: f32,
}

impl Builder {
    /// Empties the lists for a new paragraph, keeping their memory.
    fn clear(&mut self) {
        self.items.clear();
        self.draws.clear();
        self.missing.clear();
        self.text.clear();
        self.bounds.clear();
        self.compounds = Compounds::default();
        self.hang.clear();
        self.last_right = 0.0;
    }

    /// Adds an item that hangs nothing into the margins.
    fn push(&mut self, item: Item, draw: Draw) {
        self.push_hanging(item, draw, 0.0);
    }

    /// Adds an item that hangs `hang` points into a margin ([`Lines::hang`]).
    #[inline]
    fn push_hanging(&mut self, item: Item, draw: Draw, hang: f32) {
        self.items.push(item);
        self.draws.push(draw);
        if self.protrude {
            self.hang.push(hang);
        }
    }

    /// The paragraph as the breaker takes it, on a measure of `width`.
    fn lines(&self, width: f32) -> Lines<'_> {
        Lines {
            items: &self.items,
            hang: &self.hang,
            width,
        }
    }
}

/// Where the text of the items in `items` starts in the paragraph's text:
/// at its first box of glyphs.
/// Fewest letters a paragraph's last line may hold after a hyphen.
pub const TAIL_MIN: usize = 5;

/// How many letters the word starting at byte `at` of `spans`' texts, one
/// after another, has before a character that is not one.
pub fn word_letters(spans: &[Span], mut at: usize) -> usize {
    let mut letters = 0;
    for span in spans {
        if at >= span.text.len() {
            at -= span.text.len();
            continue;
        }
        for c in span.text[at..].chars() {
            if !c.is_alphabetic() {
                return letters;
            }
            letters += 1;
        }
        at = 0;
    }
    letters
}

/// A paragraph's breaks, unless its last line is only the tail of a word
/// hyphenated on the line before, shorter than [`TAIL_MIN`] ("ing."): then
/// the breaks `rebreak` finds for its lines with that hyphen forbidden,
/// when it finds some within the tolerance.
fn without_tail(
    b: &Builder,
    spans: &[Span],
    width: f32,
    params: &Params,
    breaks: Vec<breaker::Break>,
    rebreak: impl FnOnce(Lines) -> Option<Vec<breaker::Break>>,
) -> Vec<breaker::Break> {
    let [.., before, last] = breaks.as_slice() else {
        return breaks;
    };
    let ends_on_a_tail = before.hyphenated
        && !b.items[before.at + 1..last.at]
            .iter()
            .any(|item| matches!(item, Item::Glue { stretch, .. } if *stretch < FILL))
        && text_start(b, before.at + 1..last.at)
            .is_some_and(|at| word_letters(spans, at) < TAIL_MIN);
    if !ends_on_a_tail {
        return breaks;
    }
    let mut items = b.items.clone();
    if let Item::Penalty { cost, .. } = &mut items[before.at] {
        *cost = INFINITY;
    }
    let lines = Lines {
        items: &items,
        ..b.lines(width)
    };
    match rebreak(lines) {
        Some(other)
            if other
                .iter()
                .all(|brk| !brk.overfull && brk.ratio <= params.tolerance) =>
        {
            other
        }
        _ => breaks,
    }
}

fn text_start(b: &Builder, items: Range<usize>) -> Option<usize> {
    items
        .into_iter()
        .find_map(|i| match (&b.items[i], &b.draws[i]) {
            (Item::Box { .. }, Draw::Glyphs { at, .. }) => Some(*at),
            _ => None,
        })
}

/// Ends a line where it stands: a fill that takes the rest of the measure,
/// then a forced break.
fn end_line(b: &mut Builder) {
    b.push(
        Item::Glue {
            width: 0.0,
            stretch: FILL,
            shrink: 0.0,
        },
        Draw::Nothing,
    );
    b.push(
        Item::Penalty {
            width: 0.0,
            cost: -INFINITY,
            flagged: false,
        },
        Draw::Nothing,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::fonts::FontFiles;

    fn typesetter(files: &FontFiles) -> Typesetter<'_> {
        Typesetter::new(Fonts::new(files).unwrap(), Hyphenator::new("en"))
    }

    #[test]
    fn nothing_before_the_hebrew_block_reads_right_to_left() {
        use unicode_bidi::{BidiClass, bidi_class};
        let rtl = (0..0x590)
            .filter_map(char::from_u32)
            .find(|&c| matches!(bidi_class(c), BidiClass::R | BidiClass::AL));
        assert_eq!(rtl, None);
        assert!(embedding_levels("plain Latin text", false, Vec::new()).is_empty());
        assert!(!embedding_levels("Latin and \u{5D0}\u{5D1}", false, Vec::new()).is_empty());
    }

    fn body(width: f32) -> Measure {
        Measure {
            size: 10.5,
            width,
            indent: 0.0,
            align: Align::Justify,
            verbatim: false,
        }
    }

    /// The text of each line, as the PDF's ToUnicode map gives it back.
    fn texts(ts: &Typesetter<'_>, paragraph: &Paragraph) -> Vec<String> {
        paragraph
            .lines
            .iter()
            .map(|line| {
                line.runs
                    .iter()
                    .flat_map(|r| r.glyphs.iter().map(move |g| (r.face, g.gid)))
                    .map(|(face, gid)| ts.fonts.glyph_text(face, gid).unwrap_or("\u{FFFD}"))
                    .collect()
            })
            .collect()
    }

    /// Where on `line` the glyph standing for `c` starts.
    fn x_of(ts: &Typesetter<'_>, line: &Line, c: char) -> f32 {
        let mut found = None;
        for run in &line.runs {
            let mut x = run.x;
            for g in &run.glyphs {
                if ts.fonts.glyph_text(run.face, g.gid) == Some(c.encode_utf8(&mut [0; 4])) {
                    found.get_or_insert(x);
                }
                x += g.advance;
            }
        }
        found.unwrap_or_else(|| panic!("no {c} on the line"))
    }

    #[test]
    fn a_right_to_left_line_reads_from_the_right_with_english_left_to_right() {
        let files = FontFiles::default();
        let mut ts = typesetter(&files);
        ts.rtl = true;
        let text = "אחת שתיים one two, שלוש";
        let set = ts.set(
            &[Span::new(text, Style::Regular)],
            &Measure::ragged(10.0, 300.0),
        );
        let line = &set.lines[0];
        let x = |c| x_of(&ts, line, c);
        // The first Hebrew word on the right, the last on the left, the
        // English words between them in their own order, and the comma
        // after "two" on its left, where the sentence goes on.
        assert!(x('א') > x('י') && x('י') > x('n'), "{line:?}");
        assert!(x('n') < x('w') && x(',') < x('n') && x('ל') < x(','));
        let right = line.runs.iter().map(|r| r.x + r.width).fold(0.0, f32::max);
        assert!((right - 300.0).abs() < 0.01, "flush right: {right}");
        assert!(set.lines.iter().all(|l| !l.overfull));
    }

    #[test]
    fn chinese_and_japanese_break_between_characters_never_before_a_small_kana() {
        let files = FontFiles::default();
        let mut ts = typesetter(&files);
        // The built-in faces have no kana: the widths are the missing
        // glyph's, enough to break lines.
        let text = "ニャーニャーとしゃべっていたキャッチャーがいた。".repeat(6);
        for width in [40.0, 55.0, 70.0, 90.0] {
            let set = ts.set(&[Span::new(text.as_str(), Style::Regular)], &body(width));
            assert!(set.lines.len() > 3);
            for line in &set.lines[1..] {
                let at = text[line.start..].chars().next().unwrap();
                assert!(!is_small_kana(at) && at != '。', "{at} starts a line");
            }
            assert!(set.lines.iter().all(|l| !l.hyphenated));
        }
    }

    /// Joins lines back into the paragraph's characters, spaces left out.
    fn rejoin(paragraph: &Paragraph, lines: &[String]) -> String {
        let mut out = String::new();
        for (line, text) in paragraph.lines.iter().zip(lines) {
            let text = if line.hyphenated {
                text.strip_suffix('-').unwrap_or(text)
            } else {
                text
            };
            out.push_str(text);
        }
        out.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn a_long_url_and_long_compounds_never_overflow() {
        let files = FontFiles::default();
        let mut ts = typesetter(&files);
        let mut url = String::from("https://archive.example.org/");
        while url.len() < 300 {
            url.push_str("averyveryverylongpathsegmentwithoutanyslashes");
            url.push_str(if url.len() % 3 == 0 { "/" } else { "?q=" });
        }
        url.truncate(300);
        let text = format!(
            "The documents are kept at {url} and nowhere else. \
             Donaudampfschifffahrtsgesellschaftskapitänswitwe and \
             pneumonoultramicroscopicsilicovolcanoconiosis are long words; \
             counterrevolutionaries and antidisestablishmentarianism too."
        );
        for width in [324.0, 200.0, 120.0] {
            let paragraph = ts.set(&[Span::new(text.clone(), Style::Regular)], &body(width));
            assert!(paragraph.lines.iter().all(|l| !l.overfull), "width {width}");
            let lines = texts(&ts, &paragraph);
            let expected: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(rejoin(&paragraph, &lines), expected, "width {width}");
            // The URL is broken without hyphens: none of its lines gets one.
            for (line, t) in paragraph.lines.iter().zip(&lines) {
                if t.contains("averyvery") {
                    assert!(!line.hyphenated || t.ends_with("-"), "{t}");
                }
            }
        }
    }

    #[test]
    fn justified_lines_fill_the_measure() {
        let files = FontFiles::default();
        let mut ts = typesetter(&files);
        let text = "The failure of this week’s peace talks follows a now familiar \
                    pattern of deadlocks over Ukraine during the second term. However, \
                    the underlying dynamic that led to these talks appears to be hardening.";
        // Without optical margins, which let punctuation hang past it.
        ts.params.optical_margins = false;
        let paragraph = ts.set(&[Span::new(text, Style::Regular)], &body(250.0));
        assert!(paragraph.lines.len() >= 3);
        for line in &paragraph.lines[..paragraph.lines.len() - 1] {
            let end = line.runs.last().map_or(0.0, |r| r.x + r.width);
            assert!((end - 250.0).abs() < 0.01, "line ends at {end}");
            assert!(line.ratio.abs() <= 2.0, "ratio {}", line.ratio);
        }
    }

    /// Where each line's glyphs start and end.
    fn extent(line: &Line) -> (f32, f32) {
        let start = line.runs.first().map_or(0.0, |r| r.x);
        let end = line
            .runs
            .iter()
            .map(|r| r.x + r.width)
            .fold(start, f32::max);
        (start, end)
    }

    #[test]
    fn punctuation_at_the_ends_of_justified_lines_hangs_into_the_margins() {
        let files = FontFiles::default();
        let text = "“Call me,” he said, and the harpooneer considered the remarkable \
                    ship. The captain, extraordinarily patient, watched the sea. "
            .repeat(12);
        let width = 200.0;
        let mut ts = typesetter(&files);
        let set = ts.set(&[Span::new(text.as_str(), Style::Regular)], &body(width));
        let lines = texts(&ts, &set);
        let (mut hung, mut flush, mut quoted) = (0, 0, 0);
        for (line, shown) in set.lines.iter().zip(&lines) {
            let (start, end) = extent(line);
            if shown.starts_with('“') {
                assert!(start < -1.0, "{shown:?} starts at {start}");
                quoted += 1;
            } else {
                assert_eq!(start, 0.0, "{shown:?}");
            }
            if !line.justified {
                continue;
            }
            match shown.trim_end().chars().last() {
                Some('.' | ',' | '-' | '”') => {
                    assert!(end > width + 1.0, "{shown:?} ends at {end}");
                    hung += 1;
                }
                _ => {
                    assert!((end - width).abs() < 0.01, "{shown:?} ends at {end}");
                    flush += 1;
                }
            }
        }
        assert!(hung > 3 && flush > 3 && quoted > 0, "{lines:?}");
        // Without optical margins every justified line ends on the measure.
        ts.params.optical_margins = false;
        let set = ts.set(&[Span::new(text.as_str(), Style::Regular)], &body(width));
        for line in set.lines.iter().filter(|l| l.justified) {
            let (start, end) = extent(line);
            assert!(start == 0.0 && (end - width).abs() < 0.01, "{start} {end}");
        }
    }

    #[test]
    fn a_paragraph_too_loose_to_justify_leaves_only_its_loose_lines_short() {
        let files = FontFiles::default();
        let mut ts = typesetter(&files);
        // Long words that may not be hyphenated, on a measure a few of them
        // wide: some lines cannot be filled within the widest word space.
        let text = "internationalisation of counterrevolutionaries and \
                    incomprehensibilities characteristically notwithstanding \
                    a few short words in between the long ones "
            .repeat(6);
        let span = Span {
            hyphenate: false,
            ..Span::new(text, Style::Regular)
        };
        let width = 170.0;
        let set = ts.set(&[span], &body(width));
        let widest = ts.widest_ratio();
        let last = set.lines.len() - 1;
        let mut short = 0;
        // Lines of one word, with no space to stretch, are left as they are.
        for line in set.lines[..last].iter().filter(|l| l.ratio.is_finite()) {
            let (_, end) = extent(line);
            assert!(line.ratio <= widest + 1e-4, "ratio {}", line.ratio);
            if line.short {
                assert!(!line.justified && end < width - 0.5, "ends at {end}");
                short += 1;
            } else {
                assert!(line.justified && end > width - 0.01, "ends at {end}");
            }
        }
        assert!(
            short > 0 && short < last / 2,
            "{short} of {last} lines short"
        );
        assert!(set.lines.iter().all(|l| !l.overfull));
    }

    #[test]
    fn a_line_may_break_after_an_em_dash_before_an_opening_quote() {
        let files = FontFiles::default();
        let mut ts = typesetter(&files);
        // "snowstorm—“landlord," is wider than the measure: it breaks at
        // the dash, not between two letters.
        let text = "in a snowstorm—“landlord, stop";
        for measure in [Measure::ragged(10.5, 80.0), body(80.0)] {
            let set = ts.set(&[Span::new(text, Style::Regular)], &measure);
            let lines = texts(&ts, &set);
            let at = lines
                .iter()
                .position(|l| l.trim_end().ends_with("snowstorm—"));
            assert!(
                at.is_some_and(|n| lines[n + 1].starts_with("“landlord")),
                "{lines:?}"
            );
        }
    }

    #[test]
    fn code_is_ragged_and_never_hyphenated() {
        let files = FontFiles::default();
        let mut ts = typesetter(&files);
        let measure = Measure {
            align: Align::Left,
            verbatim: true,
            ..body(150.0)
        };
        let code =
            "    let configuration = load_configuration(&arguments).expect(\"configuration\");";
        let paragraph = ts.set(&[Span::new(code, Style::Mono)], &measure);
        assert!(paragraph.lines.len() > 1);
        assert!(paragraph.lines.iter().all(|l| !l.hyphenated && !l.overfull));
        let lines = texts(&ts, &paragraph);
        assert!(lines[0].starts_with("    let"), "{lines:?}");
    }

    #[test]
    fn spaces_in_inline_code_never_stretch_in_justified_text() {
        let files = FontFiles::default();
        let mut ts = typesetter(&files);
        let words = "Some words of running text around code that is set in monospace ";
        let spans: Vec<Span> = (0..6)
            .flat_map(|_| {
                [
                    Span::new(words, Style::Regular),
                    Span::new("let x = a + b;", Style::Mono),
                    Span::new(" and more. ", Style::Regular),
                ]
            })
            .collect();
        let paragraph = ts.set(&spans, &body(200.0));
        let space = ts.fonts.space(Style::Mono);
        let column = ts.fonts.word(space).width * 10.5;
        let mut checked = 0;
        for line in paragraph
            .lines
            .iter()
            .filter(|l| l.justified && l.ratio > 0.0)
        {
            for run in line.runs.iter().filter(|r| r.face == Style::Mono.face()) {
                // Every glyph of monospace but the run's last (whose advance
                // takes the gap to the next run) is one column wide.
                for glyph in &run.glyphs[..run.glyphs.len().saturating_sub(1)] {
                    assert!((glyph.advance - column).abs() < 0.01, "{glyph:?}");
                    checked += 1;
                }
            }
        }
        assert!(
            checked > 20,
            "too few code glyphs on stretched lines: {checked}"
        );
    }

    #[test]
    fn odd_text_never_panics() {
        let files = FontFiles::default();
        let mut ts = typesetter(&files);
        for text in [
            "",
            " ",
            "\n\n",
            "a\u{0}b\tc",
            "e\u{301}\u{302}\u{303} combining marks",
            "שלום עולם mixed with Latin",
            "👩‍👩‍👧 family 🇪🇺 flags",
            "soft\u{AD}hyphen and zero\u{200B}width",
            "—leading dash and trailing—",
            "------------------------------------------------------------------",
        ] {
            for width in [324.0, 10.0, 0.0, -5.0] {
                for align in [Align::Justify, Align::Left, Align::Center] {
                    let measure = Measure {
                        align,
                        ..body(width)
                    };
                    ts.set(&[Span::new(text, Style::Regular)], &measure);
                }
            }
        }
    }

    #[test]
    fn spaces_wider_than_a_byte_before_a_word_are_no_trouble() {
        // No-break, thin and ideographic spaces are two or three bytes long:
        // the run of text around a word starts after the whole character.
        let files = FontFiles::default();
        let mut ts = typesetter(&files);
        for text in [
            "Some text with a\u{A0}b-c in it.",
            "Bonjour\u{2009}le-monde, et\u{2009}encore",
            "a word\u{3000}self-made and more",
        ] {
            let paragraph = ts.set(&[Span::new(text, Style::Regular)], &body(324.0));
            let lines = texts(&ts, &paragraph);
            let expected: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(rejoin(&paragraph, &lines), expected, "{text}");
        }
    }

    #[test]
    fn a_word_with_a_closing_mark_breaks_where_its_stem_does() {
        // "unconventional," is put together from "unconventional" and ",", and
        // takes the stem's hyphenation when the stem's is known: it must be
        // what hyphenating the whole word gives.
        let files = FontFiles::default();
        let text = "It was an unconventional, unforeseen event.";
        let mut shared = typesetter(&files);
        let mut alone = typesetter(&files);
        let mut hyphenated = 0;
        for width in [70.0, 80.0, 90.0, 100.0, 110.0, 120.0] {
            let measure = body(width);
            shared.set(
                &[Span::new("an unconventional thing", Style::Regular)],
                &measure,
            );
            let with_stem = shared.set(&[Span::new(text, Style::Regular)], &measure);
            let without = alone.set(&[Span::new(text, Style::Regular)], &measure);
            assert_eq!(with_stem, without, "width {width}");
            hyphenated += with_stem.lines.iter().filter(|l| l.hyphenated).count();
        }
        assert!(hyphenated > 0);
        let bits = |ts: &mut Typesetter<'_>, text: &str| {
            let id = ts.fonts.shape(text, Style::Regular);
            ts.fonts.word(id).hyphenation.get().copied()
        };
        let stem = bits(&mut shared, "unconventional");
        assert!(stem.is_some_and(|b| b != 0));
        assert_eq!(bits(&mut shared, "unconventional,"), stem);
        assert_eq!(bits(&mut alone, "unconventional,"), stem);
    }

    #[test]
    fn a_soft_hyphen_shows_only_where_a_line_ends_at_it() {
        let files = FontFiles::default();
        let mut ts = typesetter(&files);
        // "Khreshchatyk" has no hyphenation point of the patterns' own: the
        // author's soft hyphens give it two.
        let text = "But the threat to the main street, Khresh\u{AD}cha\u{AD}tyk, would grow.";
        let mut broken = 0;
        for width in [90.0, 100.0, 110.0, 120.0, 130.0] {
            let set = ts.set(&[Span::new(text, Style::Regular)], &body(width));
            let lines = texts(&ts, &set);
            for (line, shown) in set.lines.iter().zip(&lines) {
                let visible: String = shown.chars().filter(|c| *c != '\u{AD}').collect();
                if visible.ends_with("Khresh-") || visible.ends_with("Khreshcha-") {
                    assert!(line.hyphenated, "{lines:?}");
                    broken += 1;
                } else {
                    assert!(!visible.contains('-'), "a hyphen mid-line: {lines:?}");
                }
            }
        }
        assert!(broken > 0, "no line ended at a soft hyphen");
    }

    #[test]
    fn words_of_more_than_64_glyphs_are_hyphenated_every_time_they_come() {
        // Such a word has no room for its hyphenation in its cache record:
        // it is hyphenated again each time, and must come out the same.
        let files = FontFiles::default();
        let mut ts = typesetter(&files);
        let long = "pneumonoultramicroscopicsilicovolcanoconiosisantidisestablishmentarianism";
        let text = format!("Some words come before {long} and after it.");
        let measure = body(400.0);
        let first = ts.set(&[Span::new(text.clone(), Style::Regular)], &measure);
        let again = ts.set(&[Span::new(text, Style::Regular)], &measure);
        assert_eq!(first, again);
        let lines = texts(&ts, &first);
        assert!(
            first.lines[0].hyphenated && lines[0].ends_with('-'),
            "{lines:?}"
        );
    }

    #[test]
    fn words_with_a_hyphen_are_not_hyphenated_again() {
        let files = FontFiles::default();
        let mut ts = typesetter(&files);
        let text = "pro-Russia counter-intelligence self-determination ".repeat(8);
        let paragraph = ts.set(&[Span::new(text, Style::Regular)], &body(120.0));
        for line in texts(&ts, &paragraph) {
            let last = line.split_whitespace().last().unwrap_or("");
            if let Some(stem) = last.strip_suffix('-') {
                assert!(["pro", "counter", "self"].contains(&stem), "{line}");
            }
        }
    }

    #[test]
    fn each_line_knows_where_its_text_starts() {
        let files = FontFiles::default();
        let mut ts = typesetter(&files);
        let spans = [
            Span::new("Negotiators argued about ", Style::Regular),
            Span::new("sanctions", Style::Italic),
            Span::new(
                " and guarantees across a continent divided by interests.",
                Style::Regular,
            ),
        ];
        let text: String = spans.iter().map(|s| s.text.as_str()).collect();
        let set = ts.set(&spans, &body(90.0));
        let lines = texts(&ts, &set);
        assert!(set.lines.len() > 3, "{lines:?}");
        for (line, shown) in set.lines.iter().zip(&lines) {
            // A line starts with the characters at its start, whether it
            // begins a word or the rest of a hyphenated one.
            let head: String = shown.chars().take(3).collect();
            assert!(
                text[line.start..].starts_with(&head),
                "{shown:?} at {}",
                line.start
            );
        }
        assert!(set.lines.windows(2).all(|w| w[0].start < w[1].start));
    }
}

#[cfg(test)]
mod language_tests {
    use super::*;
    use crate::pdf::fonts::FontFiles;

    /// The pieces of `word` that hyphenated lines end with, in narrow
    /// justified columns of the word repeated, set as `lang`.
    fn line_ends(word: &str, lang: Option<&str>) -> Vec<String> {
        [100.0, 130.0, 160.0, 190.0]
            .into_iter()
            .flat_map(|width| column_ends(word, lang, width))
            .collect()
    }

    fn column_ends(word: &str, lang: Option<&str>, width: f32) -> Vec<String> {
        let files = FontFiles::default();
        let mut ts = Typesetter::new(Fonts::new(&files).unwrap(), Hyphenator::new("en"));
        let span = Span {
            lang: lang.map(str::to_string),
            ..Span::new(format!("{word} ").repeat(12), Style::Regular)
        };
        let measure = Measure {
            size: 10.5,
            width,
            indent: 0.0,
            align: Align::Justify,
            verbatim: false,
        };
        let paragraph = ts.set(&[span], &measure);
        paragraph
            .lines
            .iter()
            .filter(|line| line.hyphenated)
            .map(|line| {
                let glyphs: String = line
                    .runs
                    .iter()
                    .flat_map(|r| r.glyphs.iter().map(move |g| (r.face, g.gid)))
                    .map(|(face, gid)| ts.fonts.glyph_text(face, gid).unwrap_or(""))
                    .collect();
                let last = glyphs.rsplit(' ').next().unwrap_or("").to_string();
                last.trim_end_matches('-').to_string()
            })
            .collect()
    }

    #[test]
    fn a_passage_is_hyphenated_with_its_own_language_s_patterns() {
        let word = "Lebensversicherung";
        let allowed = |tag: &str| -> Vec<String> {
            Hyphenator::new(tag)
                .points(word)
                .into_iter()
                .map(|p| word[..p].to_string())
                .collect()
        };
        let (german, english) = (allowed("de"), allowed("en"));
        assert_ne!(german, english, "the word must split differently");
        let ends = line_ends(word, Some("de"));
        assert!(!ends.is_empty(), "no line was hyphenated");
        for end in &ends {
            assert!(
                german.contains(end),
                "{end} is not a German point: {german:?}"
            );
        }
        assert!(
            ends.iter().any(|e| !english.contains(e)),
            "{ends:?} {english:?}"
        );
        // Without the span, the book's (English) patterns apply.
        for end in line_ends(word, None) {
            assert!(english.contains(&end), "{end} is not an English point");
        }
    }
}
