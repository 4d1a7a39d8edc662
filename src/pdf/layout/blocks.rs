//! Laying out chapters and their blocks: headings, paragraphs, quotes,
//! lists, code, tables, the FAQ and the chapter's notes.

use super::Flow;
use crate::model::{
    Block, BlockKind, Chapter, ChapterBody, Heading, HeadingLevel, Inline, List, ListKind, Pos,
    Table, TaskState,
};
use crate::pdf::fonts::Style;
use crate::pdf::text::{Align, Measure, Paragraph, Span};

/// Where a block is set: its left edge and width, and its font size.
#[derive(Debug, Clone, Copy)]
struct Frame {
    x: f32,
    width: f32,
    size: f32,
}

impl Flow<'_, '_> {
    /// Lays out a chapter: a new page, its title, its body and its notes.
    pub(super) fn chapter(&mut self, chapter: &Chapter) {
        self.file = chapter.file.clone();
        self.new_page();
        self.openings.insert(self.pages.len() - 1);
        let g = self.geometry;
        let frame = Frame {
            x: g.left,
            width: g.width - g.left - g.right,
            size: g.size,
        };
        self.y += 4.0 * g.leading;
        let title = spans(&chapter.title, Style::Regular);
        self.text(&title, frame, 1.9, Align::Center, Pos { line: 1, col: 1 });
        self.y += 2.0 * g.leading;
        self.indent_next = false;
        match &chapter.body {
            ChapterBody::Prose { blocks } => self.blocks(blocks, frame),
            ChapterBody::Faq(faq) => {
                self.blocks(&faq.intro, frame);
                for group in &faq.groups {
                    if let Some(heading) = &group.heading {
                        self.heading(heading, group.pos, frame, None);
                    }
                    self.blocks(&group.intro, frame);
                    for question in &group.questions {
                        self.heading(
                            &question.heading,
                            question.pos,
                            frame,
                            Some(question.number),
                        );
                        self.blocks(&question.answer, frame);
                    }
                }
            }
        }
        if !chapter.footnotes.is_empty() {
            self.space(g.leading);
            self.need(3.0 * g.leading);
            self.rule(frame.x, frame.width / 4.0);
            self.y += 0.5 * g.leading;
            let notes = Frame {
                size: g.size * 0.85,
                ..frame
            };
            for note in &chapter.footnotes {
                let number = format!("{}. ", note.number);
                self.indent_next = false;
                self.blocks_with_label(&note.blocks, notes, Some(number), note.pos);
            }
        }
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
                &[Span::new(text, Style::Regular)],
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

    fn block(&mut self, block: &Block, frame: Frame, label: Option<String>) {
        let g = self.geometry;
        let leading = g.leading * frame.size / g.size;
        match &block.kind {
            BlockKind::Heading(heading) => self.heading(heading, block.pos, frame, None),
            BlockKind::Paragraph { content } => {
                let mut s: Vec<Span> = label
                    .into_iter()
                    .map(|l| Span::new(l, Style::Regular))
                    .collect();
                s.extend(spans(content, Style::Regular));
                if !self.indent {
                    self.space(0.5 * leading);
                }
                let indent = if self.indent && self.indent_next {
                    frame.size
                } else {
                    0.0
                };
                let measure = Measure {
                    size: frame.size,
                    width: frame.width,
                    indent,
                    align: Align::Justify,
                    verbatim: false,
                };
                let set = self.ts.set(&s, &measure);
                self.missing(&set.missing, block.pos);
                self.place(&set.lines, frame.x, frame.size, leading);
                self.indent_next = true;
            }
            BlockKind::BlockQuote { blocks } => {
                self.space(0.5 * leading);
                let inner = Frame {
                    x: frame.x + 1.5 * frame.size,
                    width: frame.width - 3.0 * frame.size,
                    size: frame.size * 0.95,
                };
                self.indent_next = false;
                self.blocks_with_label(blocks, inner, label, block.pos);
                self.space(0.5 * leading);
                self.indent_next = false;
            }
            BlockKind::List(list) => self.list(list, frame, block.pos),
            BlockKind::CodeBlock { text, .. } => self.code(text, frame, block.pos),
            BlockKind::Html { html } => self.code(html, frame, block.pos),
            BlockKind::Table(table) => self.table(table, frame, block.pos),
            BlockKind::ThematicBreak => {
                self.space(0.5 * leading);
                self.text(
                    &[Span::new("⁂", Style::Regular)],
                    frame,
                    1.0,
                    Align::Center,
                    block.pos,
                );
                self.space(0.5 * leading);
                self.indent_next = false;
            }
        }
    }

    /// A heading: space above, ragged, kept with the two lines after it.
    fn heading(&mut self, heading: &Heading, pos: Pos, frame: Frame, number: Option<u32>) {
        let g = self.geometry;
        let (style, scale) = match (heading.level, number) {
            (_, Some(_)) => (Style::Bold, 1.0),
            (HeadingLevel::H1 | HeadingLevel::H2, None) => (Style::Bold, 1.2),
            (HeadingLevel::H3, None) => (Style::Italic, 1.1),
            _ => (Style::Italic, 1.0),
        };
        let mut s = Vec::new();
        if let Some(n) = number {
            s.push(Span::new(format!("{n}. "), style));
        }
        s.extend(spans(&heading.content, style));
        self.space(g.leading * if number.is_some() { 0.8 } else { 1.2 });
        // Keep the heading with what follows: at least three lines of room.
        self.need(4.0 * g.leading);
        self.text(&s, frame, scale, Align::Left, pos);
        self.y += 0.3 * g.leading;
        self.indent_next = false;
    }

    /// Sets ragged or centred text at `scale` times the frame's size.
    fn text(&mut self, s: &[Span], frame: Frame, scale: f32, align: Align, pos: Pos) {
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
        let leading = self.geometry.leading * size / self.geometry.size;
        self.place(&set.lines, frame.x, size, leading);
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
        let g = self.geometry;
        let hang = 1.5 * frame.size;
        let inner = Frame {
            x: frame.x + hang,
            width: frame.width - hang,
            ..frame
        };
        self.space(0.4 * g.leading);
        for (i, item) in list.items.iter().enumerate() {
            let marker = match (list.kind, item.task) {
                (_, Some(TaskState::Done)) => "☑".to_string(),
                (_, Some(TaskState::Open)) => "☐".to_string(),
                (ListKind::Bullet, None) => "•".to_string(),
                (ListKind::Ordered { start }, None) => format!("{}.", start + i as u64),
            };
            if !list.tight && i > 0 {
                self.space(0.4 * g.leading);
            }
            self.need(g.leading);
            let measure = Measure {
                size: frame.size,
                width: hang,
                indent: 0.0,
                align: Align::Left,
                verbatim: false,
            };
            let set = self.ts.set(&[Span::new(marker, Style::Regular)], &measure);
            self.missing(&set.missing, pos);
            if let Some(line) = set.lines.first() {
                let baseline = self.y + frame.size;
                self.put_line(line, frame.x, baseline);
            }
            self.indent_next = false;
            self.blocks(&item.blocks, inner);
        }
        self.space(0.4 * g.leading);
        self.indent_next = false;
    }

    /// Code: monospace, each source line set ragged and wrapped without hyphens.
    fn code(&mut self, text: &str, frame: Frame, pos: Pos) {
        let g = self.geometry;
        let size = frame.size * 0.85;
        let leading = g.leading * 0.85;
        let measure = Measure {
            size,
            width: frame.width - frame.size,
            indent: 0.0,
            align: Align::Left,
            verbatim: true,
        };
        self.space(0.5 * g.leading);
        for (n, source) in text.lines().enumerate() {
            let line_pos = Pos {
                line: pos.line + 1 + n as u32,
                col: 1,
            };
            if source.trim().is_empty() {
                self.need(leading);
                self.y += leading;
                continue;
            }
            let set = self.ts.set(&[Span::new(source, Style::Mono)], &measure);
            self.missing(&set.missing, line_pos);
            self.place(&set.lines, frame.x + frame.size, size, leading);
        }
        self.space(0.5 * g.leading);
        self.indent_next = false;
    }

    /// A table: equal columns, ragged cells, the header in bold between rules.
    fn table(&mut self, table: &Table, frame: Frame, pos: Pos) {
        let g = self.geometry;
        let columns = table.head.len().max(1);
        let gap = frame.size;
        let size = frame.size * 0.9;
        let leading = g.leading * 0.9;
        let width = (frame.width - gap * (columns - 1) as f32) / columns as f32;
        self.space(0.5 * g.leading);
        self.need(2.0 * leading);
        self.rule(frame.x, frame.width);
        self.y += 0.3 * leading;
        let rows = std::iter::once((&table.head, Style::Bold))
            .chain(table.rows.iter().map(|r| (r, Style::Regular)));
        for (index, (row, style)) in rows.enumerate() {
            let measure = Measure {
                size,
                width,
                indent: 0.0,
                align: Align::Left,
                verbatim: false,
            };
            let cells: Vec<_> = row
                .iter()
                .map(|cell| self.ts.set(&spans(cell, style), &measure))
                .collect();
            let height = cells
                .iter()
                .map(|c| c.lines.len())
                .max()
                .unwrap_or(1)
                .max(1);
            self.need(height as f32 * leading);
            let top = self.y;
            for (column, cell) in cells.iter().enumerate() {
                self.missing(&cell.missing, pos);
                self.quality.add(&cell.lines);
                for (n, line) in cell.lines.iter().enumerate() {
                    let baseline = top + size + n as f32 * leading;
                    self.put_line(line, frame.x + column as f32 * (width + gap), baseline);
                }
            }
            self.y = top + height as f32 * leading;
            if index == 0 {
                self.y += 0.2 * leading;
                self.rule(frame.x, frame.width);
                self.y += 0.3 * leading;
            }
        }
        self.rule(frame.x, frame.width);
        self.space(0.5 * g.leading);
        self.indent_next = false;
    }
}

/// Turns inlines into styled spans, starting in `style`.
pub(super) fn spans(inlines: &[Inline], style: Style) -> Vec<Span> {
    let mut out = Vec::new();
    push_spans(inlines, style, &mut out);
    out
}

fn push_spans(inlines: &[Inline], style: Style, out: &mut Vec<Span>) {
    for inline in inlines {
        match inline {
            Inline::Text { text } => out.push(Span::new(text.clone(), style)),
            Inline::Emphasis { content } => push_spans(content, style.emphasised(), out),
            Inline::Strong { content } => push_spans(content, style.strong(), out),
            Inline::Strikethrough { content } | Inline::Link { content, .. } => {
                push_spans(content, style, out)
            }
            Inline::Code { code } => out.push(Span {
                scale: 0.9,
                ..Span::new(code.clone(), Style::Mono)
            }),
            Inline::Html { html } => out.push(Span::new(html.clone(), Style::Mono)),
            Inline::Image { alt, .. } => {
                let text = if alt.is_empty() {
                    "[image]".to_string()
                } else {
                    format!("[{alt}]")
                };
                out.push(Span::new(text, style.emphasised()));
            }
            Inline::FootnoteRef { number, .. } => out.push(Span {
                scale: 0.65,
                rise: 0.35,
                hyphenate: false,
                ..Span::new(number.to_string(), Style::Regular)
            }),
            Inline::SoftBreak => out.push(Span::new(" ", style)),
            Inline::LineBreak => out.push(Span::new("\n", style)),
        }
    }
}
