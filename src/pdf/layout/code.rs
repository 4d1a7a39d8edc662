//! Code blocks: monospace on a light frame, one source line after another.
//! A line too long for the measure wraps where it may (at a space, else
//! anywhere), each continuation starting after the line's own indent with
//! a mark (↪) that says it is one; the frame breaks across pages with the
//! block, which never leaves one line alone at a page's foot or head. A
//! listing's file name stands above its frame and its caption below it,
//! each kept with the code's lines.

use super::blocks::Frame;
use super::counted_per_line;
use super::flow::Flow;
use super::spans::{LinkSpan, spans_and_links};
use crate::config::CodeTheme;
use crate::highlight::{self, Kind, Token};
use crate::model::{Listing, Pos};
use crate::pdf::fonts::Style;
use crate::pdf::tags::Role;
use crate::pdf::text::{Align, Ink, Line, Measure, Span};

/// The mark at the start of a wrapped line's continuation.
pub const CONTINUATION: &str = "↪";

/// How many columns a tab advances to: the next multiple of this.
const TAB: usize = 4;

/// A listing's caption's size, relative to the text's: a figure's.
const CAPTION_SCALE: f32 = 0.9;

/// The space between a code frame's foot and a listing's caption, in leadings.
const CAPTION_GAP: f32 = 0.6;

/// The space between a listing's file name and its code frame, in leadings.
const FILE_GAP: f32 = 0.4;

/// One printed line of a code block.
struct Row {
    /// The set line; `None` for a blank source line.
    line: Option<Line>,
    /// Where it starts.
    x: f32,
    /// Where a continuation mark goes before it, if it continues a line.
    mark: Option<f32>,
    /// The counted characters it holds, for the page map.
    counted: usize,
}

/// A code block to set, or raw HTML set as code.
pub(super) struct Code<'a> {
    pub(super) text: &'a str,
    pub(super) language: Option<&'a str>,
    /// Whether the page map counts its characters (not raw HTML's).
    pub(super) counted: bool,
    /// The listing it is, with a file name and a caption to set around it.
    pub(super) listing: Option<&'a Listing>,
}

/// What a listing sets around its code: its file's name above, in small
/// italics, and its number and caption below, as a figure's caption.
struct Around {
    file: Vec<Line>,
    caption: Option<Caption>,
}

/// A listing's caption, set.
struct Caption {
    lines: Vec<Line>,
    spans: Vec<Span>,
    links: Vec<LinkSpan>,
}

impl Flow<'_, '_> {
    /// A code block: its rows on a light frame that breaks with the pages;
    /// a listing's file name above it and caption below it go with its
    /// first and last lines.
    pub(super) fn code(&mut self, code: Code<'_>, frame: Frame, pos: Pos) {
        let g = self.settings.geometry;
        let size = frame.size * 0.85;
        let leading = g.leading * 0.85;
        let pad = 0.5 * frame.size;
        let tokens = code
            .language
            .and_then(|l| highlight::highlight(l, code.text));
        let rows = self.code_rows(
            code.text,
            tokens.as_ref().map(|t| t.as_slice()),
            code.counted,
            frame.x + pad,
            frame.width - 2.0 * pad,
            size,
            pos,
        );
        let mark = self.one_line(CONTINUATION, Style::Mono, size, frame.width);
        let around = code.listing.map(|l| self.around(l, frame, pos));
        let caption_size = frame.size * CAPTION_SCALE;
        let caption_leading = g.leading * CAPTION_SCALE;
        // The room the caption takes below the last lines.
        let tail = around
            .as_ref()
            .and_then(|a| a.caption.as_ref())
            .map_or(0.0, |c| {
                CAPTION_GAP * g.leading + c.lines.len() as f32 * caption_leading
            });
        self.space(0.8 * g.leading);
        if self.pages.is_empty() {
            self.new_page();
        }
        let group = around.as_ref().map(|_| self.structure.open(Role::Div));
        if let Some(around) = around.as_ref().filter(|a| !a.file.is_empty()) {
            // The file's name goes to the next page with the first lines,
            // and so does a heading kept with it.
            if self.keep.is_none() {
                self.keep_from_here();
            }
            let paragraph = self.structure.open(Role::P);
            for line in &around.file {
                let baseline = self.y + size;
                self.put_line(line, frame.x, baseline);
                self.y += leading;
            }
            self.structure.close_to(paragraph);
            self.y += FILE_GAP * g.leading;
        }
        let element = self.structure.open(Role::CodeBlock);
        let mut at = 0;
        while at < rows.len() {
            let room = self.bottom() - self.y;
            let fit = ((room + 0.01) / leading).floor().max(0.0) as usize;
            let last_fit = ((room - tail + 0.01) / leading).floor().max(0.0) as usize;
            let rest = rows.len() - at;
            // The last lines go with the caption.
            let mut take = if rest <= last_fit {
                rest
            } else {
                fit.min(rest - 1)
            };
            // Never one line alone at the foot of a page, nor at its head.
            if take < rest {
                if rest - take == 1 && take > 0 {
                    take -= 1;
                }
                if take == 1 {
                    take = 0;
                }
            }
            if take == 0 && self.at_top() {
                take = rest.min(fit.max(1));
            }
            if take == 0 {
                // A heading kept with what follows goes along.
                self.break_keeping();
                continue;
            }
            if at == 0 {
                // Opened where the first lines go; new pages reopen it.
                self.open_frame();
            }
            for row in &rows[at..at + take] {
                let baseline = self.y + size;
                if let Some(line) = &row.line {
                    self.count(std::slice::from_ref(line));
                    self.put_line(line, row.x, baseline);
                }
                if let (Some(x), Some(mark)) = (row.mark, &mark) {
                    self.structure.artifacts(true);
                    self.put_line(mark, x, baseline);
                    self.structure.artifacts(false);
                }
                self.mark.offset += row.counted;
                self.y += leading;
            }
            self.keep = None;
            at += take;
            if at < rows.len() {
                self.new_page();
            }
        }
        self.close_frame();
        self.structure.close_to(element);
        if let Some(caption) = around.and_then(|a| a.caption) {
            self.y += CAPTION_GAP * g.leading;
            let element = self.structure.open(Role::Caption);
            self.place(
                caption.lines,
                &caption.spans,
                frame.x,
                caption_size,
                caption_leading,
                true,
                &[],
                &caption.links,
            );
            self.structure.close_to(element);
        }
        if let Some(group) = group {
            self.structure.close_to(group);
        }
        // With a grid, the snap after the block brings the text back onto
        // it: the space under the frame is then at most a line.
        let below = if self.settings.indent { 0.3 } else { 0.8 };
        self.space(below * g.leading);
        self.indent_next = false;
    }

    /// Sets what a listing shows around its code: the file name line from
    /// the `file-name` label, the caption after the `listing` label. Only
    /// the caption is the manuscript's own text, which the page map counts.
    fn around(&mut self, listing: &Listing, frame: Frame, pos: Pos) -> Around {
        let labels = &self.settings.labels;
        let file = listing.file_name.as_ref().map(|file| {
            let text = labels.file_name.fill(file);
            let measure = Measure::ragged(frame.size * 0.85, frame.width);
            self.ts
                .set(&[Span::generated(text, Style::Italic)], &measure)
        });
        let number = listing.number_words(&labels.listing).map(|words| {
            if listing.caption.is_empty() {
                words
            } else {
                words + " "
            }
        });
        let mut spans: Vec<Span> = number
            .into_iter()
            .map(|n| Span::generated(n, Style::Bold))
            .collect();
        let shift: usize = spans.iter().map(|s| s.text.len()).sum();
        let image = self.settings.image();
        let (text, links) =
            spans_and_links(&listing.caption, Style::Italic, self.chapter_ids, image);
        spans.extend(text);
        let links = links
            .into_iter()
            .map(|(r, t)| (r.start + shift..r.end + shift, t))
            .collect();
        let caption = (!spans.is_empty()).then(|| {
            let measure = Measure::ragged(frame.size * CAPTION_SCALE, frame.width);
            self.ts.set(&spans, &measure)
        });
        let mut file_lines = Vec::new();
        if let Some(set) = file {
            self.missing(&set.missing, pos);
            file_lines = set.lines;
        }
        Around {
            file: file_lines,
            caption: caption.map(|set| {
                self.missing(&set.missing, pos);
                Caption {
                    lines: set.lines,
                    spans,
                    links,
                }
            }),
        }
    }

    /// The printed lines of a code block, `width` wide from `x`.
    #[allow(clippy::too_many_arguments)]
    fn code_rows(
        &mut self,
        text: &str,
        tokens: Option<&[Token]>,
        counted: bool,
        x: f32,
        width: f32,
        size: f32,
        pos: Pos,
    ) -> Vec<Row> {
        let measure = Measure {
            size,
            width,
            indent: 0.0,
            align: Align::Left,
            verbatim: true,
        };
        let mark_width = self
            .one_line(CONTINUATION, Style::Mono, size, width)
            .map_or(0.0, |l| l.runs.iter().map(|r| r.width).sum::<f32>())
            + self.column(size);
        let mut rows = Vec::new();
        let mut at = 0;
        for (n, source) in text.split_inclusive('\n').enumerate() {
            let line_pos = Pos {
                line: pos.line + 1 + n as u32,
                col: 1,
            };
            let range = at..at + source.trim_end_matches(['\n', '\r']).len();
            at += source.len();
            if text[range.clone()].trim().is_empty() {
                rows.push(Row {
                    line: None,
                    x,
                    mark: None,
                    counted: 0,
                });
                continue;
            }
            let theme = self.settings.code_theme;
            let spans = line_spans(text, range, tokens, counted, theme);
            let mut set = self.ts.set(&spans, &measure);
            self.missing(&set.missing, line_pos);
            if set.lines.len() <= 1 {
                let counted = counted_per_line(&spans, &set.lines).iter().sum();
                rows.push(Row {
                    line: set.lines.pop(),
                    x,
                    mark: None,
                    counted,
                });
                continue;
            }
            // Too long: the text after the indent is set narrower, its
            // continuations hung at the indent, after the mark.
            let (indent, body) = without_indent(spans);
            let hang = (indent as f32 * self.column(size)).min(width / 2.0);
            let narrow = Measure {
                width: width - hang - mark_width,
                ..measure
            };
            let set = self.ts.set(&body, &narrow);
            let counts = counted_per_line(&body, &set.lines);
            for (i, (line, counted)) in set.lines.into_iter().zip(counts).enumerate() {
                let first = i == 0;
                rows.push(Row {
                    line: Some(line),
                    x: if first {
                        x + hang
                    } else {
                        x + hang + mark_width
                    },
                    mark: (!first).then_some(x + hang),
                    counted,
                });
            }
        }
        rows
    }

    /// The width of one column of the monospace face at `size`.
    fn column(&mut self, size: f32) -> f32 {
        let space = self.ts.fonts.space(Style::Mono);
        self.ts.fonts.word(space).width * size
    }
}

/// The spans of one source line (`range` of `text`): one per token when
/// the code is highlighted, tabs expanded to the next multiple of [`TAB`].
fn line_spans(
    text: &str,
    range: std::ops::Range<usize>,
    tokens: Option<&[Token]>,
    counted: bool,
    theme: CodeTheme,
) -> Vec<Span> {
    let mut parts: Vec<(Style, Ink, std::ops::Range<usize>)> = Vec::new();
    match tokens {
        Some(tokens) => {
            let first = tokens.partition_point(|t| t.range.end <= range.start);
            for token in tokens[first..]
                .iter()
                .take_while(|t| t.range.start < range.end)
            {
                let from = token.range.start.max(range.start);
                let to = token.range.end.min(range.end);
                if from >= to {
                    continue;
                }
                let (style, ink) = look(token.kind, theme);
                // Tokens that print alike are one span: fewer runs to set.
                match parts.last_mut() {
                    Some((s, i, part)) if (*s, *i) == (style, ink) => part.end = to,
                    _ => parts.push((style, ink, from..to)),
                }
            }
        }
        None => parts.push((Style::Mono, Ink::default(), range)),
    }
    let mut column = 0;
    parts
        .into_iter()
        .map(|(style, ink, part)| {
            let part = &text[part];
            let mut out = String::with_capacity(part.len());
            for c in part.chars() {
                if c == '\t' {
                    let to = (column / TAB + 1) * TAB;
                    out.extend(std::iter::repeat_n(' ', to - column));
                    column = to;
                } else {
                    out.push(c);
                    column += 1;
                }
            }
            Span {
                counted,
                ink,
                ..Span::new(out, style)
            }
        })
        .collect()
}

/// The face and ink a kind of code is printed in: greys for print, the
/// EPUB's colours for its light theme otherwise; the faces are the same.
fn look(kind: Option<Kind>, theme: CodeTheme) -> (Style, Ink) {
    let Some(kind) = kind else {
        return (Style::Mono, Ink::default());
    };
    let style = match kind {
        Kind::Keyword | Kind::Heading | Kind::Tag | Kind::Inserted => Style::MonoBold,
        Kind::Comment | Kind::Macro | Kind::Attribute | Kind::Deleted => Style::MonoItalic,
        _ => Style::Mono,
    };
    let ink = match theme {
        CodeTheme::Print => match kind {
            Kind::Comment | Kind::Deleted => Ink::gray(110),
            Kind::String | Kind::Attribute | Kind::Macro => Ink::gray(80),
            Kind::Number | Kind::Constant | Kind::Type => Ink::gray(50),
            _ => Ink::default(),
        },
        CodeTheme::Colour => Ink(match kind {
            Kind::Keyword => [0x9c, 0x53, 0xd0],
            Kind::String => [0x0e, 0x89, 0x0e],
            Kind::Comment => [0x75, 0x75, 0x75],
            Kind::Number => [0xb1, 0x61, 0x12],
            Kind::Constant => [0x12, 0x7d, 0xb2],
            Kind::Type => [0x0d, 0x83, 0x83],
            Kind::Function => [0x38, 0x70, 0xe1],
            Kind::Macro => [0xc9, 0x3c, 0x9a],
            Kind::Attribute => [0x9c, 0x6d, 0x10],
            Kind::Variable => [0xc1, 0x54, 0x30],
            Kind::Operator => [0, 0, 0],
            Kind::Tag => [0xda, 0x36, 0x36],
            Kind::Heading => [0x78, 0x66, 0xcd],
            Kind::Inserted => [0x0e, 0x88, 0x22],
            Kind::Deleted => [0xdf, 0x2d, 0x3b],
        }),
    };
    (style, ink)
}

/// The number of leading spaces of a line's spans, and the spans without them.
fn without_indent(spans: Vec<Span>) -> (usize, Vec<Span>) {
    let mut indent = 0;
    let mut body = Vec::with_capacity(spans.len());
    let mut leading = true;
    for mut span in spans {
        if leading {
            let rest = span.text.trim_start_matches(' ');
            indent += span.text.len() - rest.len();
            leading = rest.is_empty();
            span.text = rest.to_string();
        }
        if !span.text.is_empty() {
            body.push(span);
        }
    }
    (indent, body)
}
