//! Laying out a chapter's blocks: headings, paragraphs, quotes, lists and
//! code (tables are in `table.rs`, figures in `figure.rs`).

use super::code::Code;
use super::fill::Prose;
use super::flow::Flow;
use super::place::Within;
use super::spans::{LinkSpan, footnote_refs, pieces, spans_and_links};
use super::{Item, counted, figure};
use crate::model::{
    Block, BlockKind, Heading, HeadingLevel, Inline, List, ListKind, Pos, TaskState,
};
use crate::pdf::fonts::Style;
use crate::pdf::tags::Role;
use crate::pdf::text::{Align, Measure, Paragraph, Span};

/// A measure narrower than this many ems (a list item in a narrow column,
/// a quote in a list) is set ragged right when justifying it would leave a
/// line short ([`crate::pdf::text::Line::short`]): there, with few words a
/// line, a short line is one of many. On a wider measure the rare short line
/// stays, and the paragraph with it justified.
const NARROW: f32 = 20.0;

/// Where a block is set: its left edge and width, and its font size.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    pub(super) x: f32,
    pub(super) width: f32,
    pub(super) size: f32,
}

impl Frame {
    /// The frame of what hangs `hang` from a marker (a list item's body, a
    /// question's text), and where the marker goes: on the left, or on the
    /// right in a book written from right to left.
    fn hanging(self, hang: f32, rtl: bool) -> (Frame, f32) {
        let inner = Frame {
            x: if rtl { self.x } else { self.x + hang },
            width: self.width - hang,
            ..self
        };
        let marker = if rtl { self.x + inner.width } else { self.x };
        (inner, marker)
    }
}

impl Flow<'_, '_> {
    /// Moves the page map's position on to the next block of the chapter:
    /// the title is block 0, then each block in reading order.
    pub(super) fn next_block(&mut self) {
        self.mark.block += 1;
        self.mark.offset = 0;
    }

    fn blocks(&mut self, blocks: &[Block], frame: Frame) {
        for block in blocks {
            self.block(block, frame, None);
        }
    }

    /// Lays out blocks, the first paragraph starting with `label`.
    fn blocks_with_label(
        &mut self,
        blocks: &[Block],
        frame: Frame,
        label: Option<String>,
        pos: Pos,
    ) {
        let mut label = label;
        if blocks.is_empty()
            && let Some(text) = label.take()
        {
            self.text(
                &[Span::generated(text, Style::Regular)],
                frame,
                1.0,
                Align::Left,
                pos,
            );
        }
        for block in blocks {
            self.block(block, frame, label.take());
        }
    }

    pub(super) fn block(&mut self, block: &Block, frame: Frame, label: Option<String>) {
        // Smaller text (a quote's) keeps the body's leading: its lines stay on the grid.
        let leading = self.settings.geometry.leading;
        match &block.kind {
            BlockKind::Heading(heading) => self.heading(heading, block.pos, frame, None),
            BlockKind::Paragraph { content } => {
                let figures = self.figures(content);
                if !figures.is_empty() && figure::only_images(content) {
                    // Only images, every one placeable: figures, no text.
                    let images = content
                        .iter()
                        .filter(|i| matches!(i, Inline::Image { .. }))
                        .count();
                    if images == figures.len() {
                        for figure in &figures {
                            self.figure(figure, frame);
                        }
                        return;
                    }
                }
                let mut s: Vec<Span> = label
                    .into_iter()
                    .map(|l| Span::generated(l, Style::Regular))
                    .collect();
                let (text, links) = spans_and_links(
                    content,
                    Style::Regular,
                    self.chapter_ids,
                    self.settings.image(),
                );
                let label_length: usize = s.iter().map(|l| l.text.len()).sum();
                s.extend(text);
                if !self.settings.indent {
                    self.space(0.5 * leading);
                }
                let indent = if self.settings.indent && self.indent_next {
                    frame.size
                } else {
                    0.0
                };
                let mut measure = Measure {
                    size: frame.size,
                    width: frame.width,
                    indent,
                    align: Align::Justify,
                    verbatim: false,
                };
                let mut set = self.ts.set(&s, &measure);
                if frame.width < NARROW * frame.size && set.lines.iter().any(|l| l.short) {
                    // Too narrow a measure to justify: ragged right.
                    measure.align = Align::Left;
                    set = self.ts.set(&s, &measure);
                }
                self.missing(&set.missing, block.pos);
                let mut refs = Vec::new();
                footnote_refs(content, &mut refs);
                let links: Vec<LinkSpan> = links
                    .into_iter()
                    .map(|(r, t)| (r.start + label_length..r.end + label_length, t))
                    .collect();
                let prose = Prose {
                    spans: s,
                    links,
                    refs,
                    measure,
                    x: frame.x,
                    leading,
                    looseness: 0,
                };
                self.place_paragraph(prose, set.lines);
                // Images in running text follow their paragraph as figures;
                // the text keeps their alternative text where they stood.
                for figure in &figures {
                    self.figure(figure, frame);
                }
            }
            BlockKind::BlockQuote { blocks } => {
                let around = self.set_off(frame);
                self.space_above(around);
                let inner = Frame {
                    x: frame.x + 1.5 * frame.size,
                    width: frame.width - 3.0 * frame.size,
                    size: frame.size * 0.95,
                };
                self.indent_next = false;
                let quote = self.structure.open(Role::BlockQuote);
                self.blocks_with_label(blocks, inner, label, block.pos);
                self.structure.close_to(quote);
                self.space_below(around);
                self.indent_next = false;
            }
            BlockKind::List(list) => self.list(list, frame, block.pos),
            BlockKind::CodeBlock {
                text,
                language,
                listing,
                ..
            } => {
                let code = Code {
                    text,
                    language: language.as_deref(),
                    counted: true,
                    listing: listing.as_deref(),
                };
                self.code(code, frame, block.pos);
                self.snap();
            }
            // The EPUB keeps raw HTML as markup, so its text is not counted.
            BlockKind::Html { html } => {
                let code = Code {
                    text: html,
                    language: None,
                    counted: false,
                    listing: None,
                };
                self.code(code, frame, block.pos);
                self.snap();
            }
            BlockKind::Table(table) => {
                self.table(table, frame, block.pos);
                self.snap();
            }
            // An ornament, not read.
            BlockKind::ThematicBreak => {
                self.structure.artifacts(true);
                self.space(0.5 * leading);
                self.text(
                    &[Span::generated("⁂", Style::Regular)],
                    frame,
                    1.0,
                    Align::Center,
                    block.pos,
                );
                self.space(0.5 * leading);
                self.snap();
                self.indent_next = false;
                self.structure.artifacts(false);
            }
        }
    }

    /// The space above and below a block quote or a list in `frame`: a
    /// whole line, so that its lines keep to the grid, but none when it is
    /// inside another (a list in a list item). Paragraphs spaced half a line
    /// apart have no grid: there, it is half a line.
    fn set_off(&self, frame: Frame) -> f32 {
        let leading = self.settings.geometry.leading;
        if !self.settings.indent {
            0.5 * leading
        } else if frame.x > 0.0 {
            0.0
        } else {
            leading
        }
    }

    /// Space above a block quote or a list, but none right below another:
    /// the space between two is the space after the first.
    fn space_above(&mut self, amount: f32) {
        if self.fill.set_off_end != Some((self.pages.len(), self.y)) {
            self.space(amount);
        }
    }

    /// Space below a block quote or a list, back on the grid.
    fn space_below(&mut self, amount: f32) {
        self.space(amount);
        self.snap();
        self.fill.set_off_end = Some((self.pages.len(), self.y));
    }

    /// A heading: space above, ragged, kept with the two lines after it
    /// (a heading right after another keeps that one with it too). With the
    /// space around it, it takes a whole number of the grid's lines; near a
    /// page's foot, one line less above it rather than move on. A FAQ
    /// question's number hangs to the left of its text; a heading that is a
    /// chapter's number alone ("XX") is centred, as a chapter opening.
    pub(super) fn heading(
        &mut self,
        heading: &Heading,
        pos: Pos,
        frame: Frame,
        number: Option<u32>,
    ) {
        let g = self.settings.geometry;
        let numeral = number.is_none() && is_numeral(&Inline::plain_text(&heading.content));
        let (style, scale, above) = match (heading.level, number) {
            _ if numeral => (Style::Regular, 1.5, 2.0),
            (_, Some(_)) => (Style::Bold, 1.0, 1.0),
            (HeadingLevel::H1 | HeadingLevel::H2, None) => (Style::Bold, 1.2, 1.5),
            (HeadingLevel::H3, None) => (Style::Italic, 1.1, 1.2),
            _ => (Style::Italic, 1.0, 1.0),
        };
        let hang = if number.is_some() {
            2.2 * frame.size
        } else {
            0.0
        };
        let (inner, marker) = frame.hanging(hang, self.settings.bound_right);
        let (s, links) = spans_and_links(
            &heading.content,
            style,
            self.chapter_ids,
            self.settings.image(),
        );
        let size = frame.size * scale;
        let measure = Measure {
            size,
            width: inner.width,
            indent: 0.0,
            align: if numeral { Align::Center } else { Align::Left },
            verbatim: false,
        };
        let set = self.ts.set(&s, &measure);
        self.missing(&set.missing, pos);
        let leading = g.leading * scale;
        let height = set.lines.len() as f32 * leading;
        // A heading of the body's size sits on the grid, the text right under it.
        let after = if scale == 1.0 && self.settings.indent {
            0.0
        } else {
            0.4 * g.leading
        };
        if !self.at_top() {
            let total = ((g.leading * above + height + after) / g.leading).round() * g.leading;
            let mut space = total - height - after;
            if self.fill.set_off_end == Some((self.pages.len(), self.y)) {
                // Right below a block quote or a list, the space after it
                // counts as part of the heading's.
                space = (space - self.set_off(frame)).max(0.0);
            }
            let needs = space + height + 2.0 * g.leading;
            self.unfloor_for(needs);
            self.make_room(needs);
            if !self.fits(needs) && space >= 1.3 * g.leading {
                // At a page's foot, a line less above it rather than a
                // page left short.
                self.make_room(needs - g.leading);
                if self.fits(needs - g.leading) {
                    space -= g.leading;
                }
            }
            self.space(space);
        }
        // Keep the heading with what follows: its lines and two more.
        self.need(height + 2.0 * g.leading);
        if !self.keep.is_some_and(|k| k.heading) {
            self.keep_from_here();
            if let Some(keep) = &mut self.keep {
                keep.heading = true;
            }
        }
        self.push(Item::Anchor {
            id: heading.id.clone(),
            y: self.y,
        });
        let element = self.structure.open(Role::Heading(heading.level));
        if let Some(n) = number {
            let mark = Measure {
                width: hang,
                ..measure
            };
            let set = self
                .ts
                .set(&[Span::generated(format!("{n}."), style)], &mark);
            if let Some(mut line) = set.lines.into_iter().next() {
                let baseline = self.y + size;
                self.ts.end_with_space(&mut line, style, size);
                self.put_line(&line, marker, baseline);
            }
        }
        self.count(&set.lines);
        let mut lines = set.lines;
        let pieces = pieces(self.ts, &mut lines, &s, &links);
        for line in pieces.lines {
            let baseline = self.y + size;
            let inline = Within {
                links: &links,
                langs: &pieces.langs,
            };
            self.put_pieces(line, (inner.x, baseline, leading), inline, |_, _| None);
            self.y += leading;
        }
        self.structure.close_to(element);
        self.mark.offset += counted(&s);
        self.y += after;
        self.snap();
        self.indent_next = false;
    }

    /// Sets ragged or centred text at `scale` times the frame's size.
    pub(super) fn text(&mut self, s: &[Span], frame: Frame, scale: f32, align: Align, pos: Pos) {
        let size = frame.size * scale;
        let measure = Measure {
            size,
            width: frame.width,
            indent: 0.0,
            align,
            verbatim: false,
        };
        let mut set = self.ts.set(s, &measure);
        if align == Align::Center && set.lines.len() > 1 {
            set = self.balance(s, measure, set);
        }
        self.missing(&set.missing, pos);
        let leading = self.settings.geometry.leading * size / self.settings.geometry.size;
        self.place(set.lines, s, frame.x, size, leading, false, &[], &[]);
    }

    /// Sets centred text as narrow as it goes without taking more lines,
    /// so a title's lines come out even instead of a full line and a word.
    fn balance(&mut self, s: &[Span], measure: Measure, set: Paragraph) -> Paragraph {
        let lines = set.lines.len();
        let (mut narrow, mut wide) = (measure.width / 3.0, measure.width);
        let mut best = set;
        for _ in 0..10 {
            let width = (narrow + wide) / 2.0;
            let trial = self.ts.set(s, &Measure { width, ..measure });
            if trial.lines.len() == lines && trial.lines.iter().all(|l| !l.overfull) {
                wide = width;
                best = trial;
            } else {
                narrow = width;
            }
        }
        // The lines were centred on the narrower measure: centre them on the full one.
        let shift = (measure.width - wide) / 2.0;
        for run in best.lines.iter_mut().flat_map(|l| l.runs.iter_mut()) {
            run.x += shift;
        }
        best
    }

    fn list(&mut self, list: &List, frame: Frame, pos: Pos) {
        let g = self.settings.geometry;
        let hang = 1.5 * frame.size;
        let (inner, marker_x) = frame.hanging(hang, self.settings.bound_right);
        let around = self.set_off(frame);
        self.space_above(around);
        let element = self.structure.open(Role::L);
        for (i, item) in list.items.iter().enumerate() {
            // Squares the book face has: ballot boxes (U+2610…) are in none
            // of the built-in fonts.
            let marker = match (list.kind, item.task) {
                (_, Some(TaskState::Done)) => "■".to_string(),
                (_, Some(TaskState::Open)) => "□".to_string(),
                (ListKind::Bullet, None) => "•".to_string(),
                (ListKind::Ordered { start }, None) => format!("{}.", start + i as u64),
            };
            if !list.tight && i > 0 {
                self.space(around.max(0.4 * g.leading));
            }
            self.need(g.leading);
            let measure = Measure {
                size: frame.size,
                width: hang,
                indent: 0.0,
                align: Align::Left,
                verbatim: false,
            };
            let set = self
                .ts
                .set(&[Span::generated(marker, Style::Regular)], &measure);
            self.missing(&set.missing, pos);
            // The marker goes with its item's first line if that moves on.
            self.keep_from_here();
            let list_item = self.structure.open(Role::LI);
            self.structure.open(Role::Lbl);
            if let Some(line) = set.lines.first() {
                let baseline = self.y + frame.size;
                self.put_line(line, marker_x, baseline);
            }
            self.structure.close();
            self.structure.open(Role::LBody);
            self.indent_next = false;
            self.blocks(&item.blocks, inner);
            self.structure.close_to(list_item);
        }
        self.structure.close_to(element);
        self.space_below(around);
        self.indent_next = false;
    }
}

/// Whether a heading's text is a number alone, in roman or arabic figures
/// ("XX", "xiv", "12."): a chapter's number set as a heading of its own.
fn is_numeral(text: &str) -> bool {
    let text = text.trim().trim_end_matches('.');
    !text.is_empty()
        && (text.chars().all(|c| c.is_ascii_digit())
            || text.chars().all(|c| "IVXLCDM".contains(c))
            || text.chars().all(|c| "ivxlcdm".contains(c)))
}
