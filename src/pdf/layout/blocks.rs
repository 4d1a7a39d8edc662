//! Laying out chapters and their blocks: headings, paragraphs, quotes,
//! lists, code, tables, the FAQ and the chapter's notes.

use super::{Flow, Item, Keep, Kind, LinkTarget, NOTE_SCALE, Note, counted, figure};
use crate::model::{
    Alignment, Block, BlockKind, Chapter, ChapterBody, Footnote, Heading, HeadingLevel, Inline,
    List, ListKind, Pos, Table, Target, TaskState,
};
use crate::pdf::fonts::Style;
use crate::pdf::text::{Align, Line, Measure, Paragraph, Span, Typesetter};
use std::ops::Range;

/// A table's columns as set: where the table stands, each column's width,
/// the gap between columns, and the cells' size and leading.
#[derive(Debug, Clone, Copy)]
struct Grid {
    frame: Frame,
    width: f32,
    gap: f32,
    size: f32,
    leading: f32,
}

/// Where a block is set: its left edge and width, and its font size.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    pub(super) x: f32,
    pub(super) width: f32,
    pub(super) size: f32,
}

impl Flow<'_, '_> {
    /// Lays out a chapter: a new page, its sunk title, its body; its notes
    /// go to the foot of the pages that call them.
    pub(super) fn chapter(&mut self, index: usize, chapter: &Chapter) {
        // The last chapter's notes go on its own pages, before its notes are replaced.
        self.finish_notes();
        self.close_page();
        self.file = chapter.file.clone();
        if self.recto_chapters && self.pages.len() % 2 == 1 {
            self.start_page(Kind::Blank);
        }
        self.chapter = Some(index);
        self.chapter_title = Inline::plain_text(&chapter.title);
        self.block = 0;
        self.offset = 0;
        self.notes = chapter
            .footnotes
            .iter()
            .map(|note| self.set_note(note))
            .collect();
        self.note_ids = self
            .notes
            .iter()
            .enumerate()
            .map(|(index, note)| (note.id.clone(), index))
            .collect();
        self.placed_notes.clear();
        self.start_page(Kind::Opening);
        let g = self.geometry;
        let frame = Frame {
            x: 0.0,
            width: g.measure(),
            size: g.size,
        };
        self.push(Item::Anchor {
            id: chapter.id.clone(),
            y: self.y,
        });
        // A sunk title: the chapter starts a third of the way down the text block.
        self.y += (g.height - g.top - g.bottom) * 0.25;
        let title = spans(&chapter.title, Style::Regular);
        self.text(&title, frame, 1.9, Align::Center, Pos { line: 1, col: 1 });
        self.y += 2.5 * g.leading;
        self.indent_next = false;
        match &chapter.body {
            ChapterBody::Prose { blocks } => self.top_blocks(blocks, frame),
            ChapterBody::Faq(faq) => {
                self.top_blocks(&faq.intro, frame);
                for group in &faq.groups {
                    if let Some(heading) = &group.heading {
                        self.next_block();
                        self.heading(heading, group.pos, frame, None);
                    }
                    self.top_blocks(&group.intro, frame);
                    for question in &group.questions {
                        self.next_block();
                        self.heading(
                            &question.heading,
                            question.pos,
                            frame,
                            Some(question.number),
                        );
                        self.top_blocks(&question.answer, frame);
                    }
                }
            }
        }
    }

    /// Moves the page map's position on to the next block of the chapter:
    /// the title is block 0, then each block in reading order.
    fn next_block(&mut self) {
        self.block += 1;
        self.offset = 0;
    }

    /// Remembers where a heading or list marker starts, to move it to the
    /// next page with the lines that must follow it.
    fn keep_from_here(&mut self) {
        self.keep = Some(Keep {
            page: self.pages.len() - 1,
            item: self.pages.last().map_or(0, |p| p.items.len()),
            top: self.y,
            block: self.block,
            offset: self.offset,
        });
    }

    /// Sets a footnote's text at the note size, its number first.
    fn set_note(&mut self, note: &Footnote) -> Note {
        let g = self.geometry;
        let measure = Measure {
            size: g.size * NOTE_SCALE,
            width: g.measure(),
            indent: 0.0,
            align: Align::Justify,
            verbatim: false,
        };
        let mut paragraphs = Vec::new();
        note_paragraphs(&note.blocks, &mut paragraphs);
        let mut lines = Vec::new();
        let mut label = Some(Span::generated(
            format!("{}. ", note.number),
            Style::Regular,
        ));
        if paragraphs.is_empty() {
            paragraphs.push(Vec::new());
        }
        for paragraph in paragraphs {
            let s: Vec<Span> = label.take().into_iter().chain(paragraph).collect();
            let set = self.ts.set(&s, &measure);
            self.missing(&set.missing, note.pos);
            self.count(&set.lines);
            lines.extend(set.lines);
        }
        Note {
            id: note.id.clone(),
            lines,
        }
    }

    /// The blocks of a chapter's body, each a step of the page map.
    fn top_blocks(&mut self, blocks: &[Block], frame: Frame) {
        for block in blocks {
            self.next_block();
            self.block(block, frame, None);
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

    fn block(&mut self, block: &Block, frame: Frame, label: Option<String>) {
        let g = self.geometry;
        let leading = g.leading * frame.size / g.size;
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
                let (text, links) = spans_and_links(content, Style::Regular, &self.chapter_ids);
                let label_length: usize = s.iter().map(|l| l.text.len()).sum();
                s.extend(text);
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
                let mut refs = Vec::new();
                footnote_refs(content, &mut refs);
                let shifted: Vec<LinkSpan> = links
                    .into_iter()
                    .map(|(r, t)| (r.start + label_length..r.end + label_length, t))
                    .collect();
                let areas = link_areas(self.ts, &set.lines, &s, &shifted);
                self.place(
                    set.lines, &s, frame.x, frame.size, leading, true, &refs, &areas,
                );
                self.indent_next = true;
                // Images in running text follow their paragraph as figures;
                // the text keeps their alternative text where they stood.
                for figure in &figures {
                    self.figure(figure, frame);
                }
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
            BlockKind::CodeBlock { text, .. } => self.code(text, true, frame, block.pos),
            // The EPUB keeps raw HTML as markup, so its text is not counted.
            BlockKind::Html { html } => self.code(html, false, frame, block.pos),
            BlockKind::Table(table) => self.table(table, frame, block.pos),
            BlockKind::ThematicBreak => {
                self.space(0.5 * leading);
                self.text(
                    &[Span::generated("⁂", Style::Regular)],
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

    /// A heading: space above, ragged, kept with the two lines after it. A
    /// FAQ question's number hangs to the left of its text.
    fn heading(&mut self, heading: &Heading, pos: Pos, frame: Frame, number: Option<u32>) {
        let g = self.geometry;
        let (style, scale, above) = match (heading.level, number) {
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
        let inner = Frame {
            x: frame.x + hang,
            width: frame.width - hang,
            ..frame
        };
        let (s, links) = spans_and_links(&heading.content, style, &self.chapter_ids);
        let size = frame.size * scale;
        let measure = Measure {
            size,
            width: inner.width,
            indent: 0.0,
            align: Align::Left,
            verbatim: false,
        };
        let set = self.ts.set(&s, &measure);
        self.missing(&set.missing, pos);
        let leading = g.leading * scale;
        self.space(g.leading * above);
        // Keep the heading with what follows: its lines and two more.
        self.need(set.lines.len() as f32 * leading + 2.0 * g.leading);
        self.keep_from_here();
        self.push(Item::Anchor {
            id: heading.id.clone(),
            y: self.y,
        });
        if let Some(n) = number {
            let mark = Measure {
                width: hang,
                ..measure
            };
            let set = self
                .ts
                .set(&[Span::generated(format!("{n}."), style)], &mark);
            if let Some(line) = set.lines.first() {
                let baseline = self.y + size;
                self.put_line(line, frame.x, baseline);
            }
        }
        self.count(&set.lines);
        let areas = link_areas(self.ts, &set.lines, &s, &links);
        for (n, line) in set.lines.iter().enumerate() {
            let baseline = self.y + size;
            self.put_line(line, inner.x, baseline);
            for (from, to, target) in areas.get(n).into_iter().flatten() {
                self.push(Item::Link {
                    x: inner.x + from,
                    y: self.y,
                    width: to - from,
                    height: leading,
                    target: target.clone(),
                });
            }
            self.y += leading;
        }
        self.offset += counted(&s);
        self.y += 0.4 * g.leading;
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
        let g = self.geometry;
        let hang = 1.5 * frame.size;
        let inner = Frame {
            x: frame.x + hang,
            width: frame.width - hang,
            ..frame
        };
        self.space(0.4 * g.leading);
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
                self.space(0.4 * g.leading);
            }
            self.need(2.0 * g.leading);
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

    /// Code: monospace on a light frame, each source line set ragged and
    /// wrapped without hyphens. `counted` says whether the page map counts
    /// its characters.
    fn code(&mut self, text: &str, counted: bool, frame: Frame, pos: Pos) {
        let g = self.geometry;
        let size = frame.size * 0.85;
        let leading = g.leading * 0.85;
        let pad = 0.5 * frame.size;
        let measure = Measure {
            size,
            width: frame.width - 2.0 * pad,
            indent: 0.0,
            align: Align::Left,
            verbatim: true,
        };
        self.space(0.8 * g.leading);
        self.need(2.0 * leading);
        self.open_frame();
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
            let s = [Span {
                counted,
                ..Span::new(source, Style::Mono)
            }];
            let set = self.ts.set(&s, &measure);
            self.missing(&set.missing, line_pos);
            self.place(set.lines, &s, frame.x + pad, size, leading, false, &[], &[]);
        }
        self.close_frame();
        self.space(0.8 * g.leading);
        self.indent_next = false;
    }

    /// A table: equal columns, ragged cells, the header in bold between
    /// rules, repeated at the top of each page the table runs on to.
    fn table(&mut self, table: &Table, frame: Frame, pos: Pos) {
        let g = self.geometry;
        let columns = table.head.len().max(1);
        let gap = frame.size;
        let grid = Grid {
            frame,
            width: (frame.width - gap * (columns - 1) as f32) / columns as f32,
            gap,
            size: frame.size * 0.9,
            leading: g.leading * 0.9,
        };
        let leading = grid.leading;
        let measure = Measure::ragged(grid.size, grid.width);
        let head_spans: Vec<_> = table.head.iter().map(|c| spans(c, Style::Bold)).collect();
        let head: Vec<_> = head_spans
            .iter()
            .map(|s| self.ts.set(s, &measure))
            .collect();
        self.space(0.5 * g.leading);
        let head_height = row_height(&head) as f32 * leading;
        self.need(head_height + 2.0 * leading);
        self.table_head(&head, table, grid);
        // The header counts once, where the EPUB has it.
        self.offset += head_spans.iter().map(|s| counted(s)).sum::<usize>();
        for row in &table.rows {
            let row_spans: Vec<_> = row.iter().map(|c| spans(c, Style::Regular)).collect();
            let cells: Vec<_> = row_spans.iter().map(|s| self.ts.set(s, &measure)).collect();
            let height = row_height(&cells) as f32 * leading;
            let pages = self.pages.len();
            self.need(height);
            if self.pages.len() != pages {
                self.table_head(&head, table, grid);
            }
            for cell in &cells {
                self.missing(&cell.missing, pos);
                self.count(&cell.lines);
            }
            self.table_row(&cells, table, grid);
            self.offset += row_spans.iter().map(|s| counted(s)).sum::<usize>();
            self.y += 0.25 * leading;
        }
        self.rule(frame.x, frame.width);
        self.space(0.5 * g.leading);
        self.indent_next = false;
    }

    /// The header row between two rules.
    fn table_head(&mut self, head: &[Paragraph], table: &Table, grid: Grid) {
        let Grid { frame, leading, .. } = grid;
        self.rule(frame.x, frame.width);
        self.y += 0.3 * leading;
        self.table_row(head, table, grid);
        self.y += 0.2 * leading;
        self.rule(frame.x, frame.width);
        self.y += 0.3 * leading;
    }

    /// One row of set cells, each aligned as its column asks.
    fn table_row(&mut self, cells: &[Paragraph], table: &Table, grid: Grid) {
        let Grid {
            frame,
            width,
            gap,
            size,
            leading,
        } = grid;
        let top = self.y;
        for (column, cell) in cells.iter().enumerate() {
            let left = frame.x + column as f32 * (width + gap);
            for (n, line) in cell.lines.iter().enumerate() {
                let used = line.runs.iter().map(|r| r.x + r.width).fold(0.0, f32::max);
                let shift = match table.alignments.get(column) {
                    Some(Alignment::Right) => width - used,
                    Some(Alignment::Center) => (width - used) / 2.0,
                    _ => 0.0,
                };
                let baseline = top + size + n as f32 * leading;
                self.put_line(line, left + shift.max(0.0), baseline);
            }
        }
        self.y = top + row_height(cells) as f32 * leading;
    }
}

/// The clickable stretches of each line: from where a link's first glyph
/// on the line starts to where its last one ends. Glyphs are matched to the
/// paragraph's text by their non-space characters, in order; a hyphen added
/// at a break matches nothing.
fn link_areas(
    ts: &Typesetter<'_>,
    lines: &[Line],
    spans: &[Span],
    links: &[LinkSpan],
) -> Vec<Vec<(f32, f32, LinkTarget)>> {
    if links.is_empty() {
        return Vec::new();
    }
    let text: String = spans.iter().map(|s| s.text.as_str()).collect();
    let mut chars = text
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .peekable();
    let mut out = Vec::with_capacity(lines.len());
    let mut next = 0;
    for line in lines {
        let mut areas: Vec<(f32, f32, LinkTarget)> = Vec::new();
        for run in &line.runs {
            let mut x = run.x;
            for (n, glyph) in run.glyphs.iter().enumerate() {
                let stands_for = ts
                    .fonts
                    .glyph_text(run.face, glyph.gid)
                    .unwrap_or("\u{FFFD}");
                let added_hyphen = line.hyphenated
                    && n + 1 == run.glyphs.len()
                    && stands_for == "-"
                    && chars.peek().is_some_and(|(_, c)| *c != '-');
                for c in stands_for.chars().filter(|c| !c.is_whitespace()) {
                    if added_hyphen {
                        break;
                    }
                    if chars.peek().is_some_and(|(_, next)| *next == c) || c == '\u{FFFD}' {
                        let Some((at, _)) = chars.next() else { break };
                        // Links come in text order and characters too, so
                        // the link to look at only moves forward.
                        while links.get(next).is_some_and(|(r, _)| r.end <= at) {
                            next += 1;
                        }
                        if let Some((_, target)) = links.get(next).filter(|(r, _)| r.contains(&at))
                        {
                            match areas.last_mut() {
                                Some(area) if area.2 == *target => area.1 = x + glyph.advance,
                                _ => areas.push((x, x + glyph.advance, target.clone())),
                            }
                        }
                    }
                }
                x += glyph.advance;
            }
        }
        out.push(areas);
    }
    out
}

/// The most lines any cell of a row has (at least one).
fn row_height(cells: &[Paragraph]) -> usize {
    cells
        .iter()
        .map(|c| c.lines.len())
        .max()
        .unwrap_or(1)
        .max(1)
}

/// A footnote's blocks as paragraphs of spans: code and other blocks are
/// flattened into paragraphs of their text.
fn note_paragraphs(blocks: &[Block], out: &mut Vec<Vec<Span>>) {
    for block in blocks {
        match &block.kind {
            BlockKind::Heading(Heading { content, .. }) | BlockKind::Paragraph { content } => {
                out.push(spans(content, Style::Regular));
            }
            BlockKind::BlockQuote { blocks } => note_paragraphs(blocks, out),
            BlockKind::List(list) => {
                for item in &list.items {
                    note_paragraphs(&item.blocks, out);
                }
            }
            BlockKind::CodeBlock { text, .. } => {
                out.push(vec![Span::new(text.trim_end(), Style::Mono)])
            }
            BlockKind::Html { html } => out.push(vec![Span::new(html.trim_end(), Style::Mono)]),
            BlockKind::Table(table) => {
                for cell in table.head.iter().chain(table.rows.iter().flatten()) {
                    out.push(spans(cell, Style::Regular));
                }
            }
            BlockKind::ThematicBreak => {}
        }
    }
}

/// The footnote references of a paragraph in order: (note id, reference id).
fn footnote_refs(inlines: &[Inline], out: &mut Vec<(String, String)>) {
    for inline in inlines {
        match inline {
            Inline::FootnoteRef { note_id, id, .. } => out.push((note_id.clone(), id.clone())),
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Span { content, .. }
            | Inline::Link { content, .. } => footnote_refs(content, out),
            _ => {}
        }
    }
}

/// Turns inlines into styled spans, starting in `style`.
pub(super) fn spans(inlines: &[Inline], style: Style) -> Vec<Span> {
    let mut out = Vec::new();
    push_spans(inlines, style, &mut out, &mut None);
    out
}

/// A link's characters in a paragraph's text (byte offsets into its spans'
/// texts, one after another; while spans are gathered, span indexes) and
/// where it goes.
pub(super) type LinkSpan = (Range<usize>, LinkTarget);

/// The links of a paragraph and the chapter ids internal links resolve with.
pub(super) struct Links<'a> {
    chapter_ids: &'a [String],
    found: Vec<LinkSpan>,
}

/// Turns inlines into spans, starting in `style`, and the links among them.
fn spans_and_links(
    inlines: &[Inline],
    style: Style,
    chapter_ids: &[String],
) -> (Vec<Span>, Vec<LinkSpan>) {
    let mut out = Vec::new();
    let mut links = Some(Links {
        chapter_ids,
        found: Vec::new(),
    });
    push_spans(inlines, style, &mut out, &mut links);
    // Span indexes to byte offsets in the spans' texts, one after another.
    let mut offsets = Vec::with_capacity(out.len() + 1);
    let mut at = 0;
    offsets.push(at);
    for span in &out {
        at += span.text.len();
        offsets.push(at);
    }
    let found = links
        .map(|l| l.found)
        .unwrap_or_default()
        .into_iter()
        .map(|(spans, target)| (offsets[spans.start]..offsets[spans.end], target))
        .collect();
    (out, found)
}

fn push_spans(inlines: &[Inline], style: Style, out: &mut Vec<Span>, links: &mut Option<Links>) {
    for inline in inlines {
        match inline {
            Inline::Link {
                content, target, ..
            } => {
                // Spans by index here; turned into bytes once all are in.
                let start = out.len();
                push_spans(content, style, out, links);
                let end = out.len();
                if let Some(links) = links {
                    let target = match target {
                        // An address the EPUB refuses (and warns about) is
                        // not linked here either.
                        Target::External { url } => {
                            crate::url::href(url).ok().map(LinkTarget::External)
                        }
                        Target::Internal {
                            anchor: Some(anchor),
                            ..
                        } => Some(LinkTarget::Internal(anchor.clone())),
                        Target::Internal {
                            chapter,
                            anchor: None,
                        } => links
                            .chapter_ids
                            .get(*chapter)
                            .map(|id| LinkTarget::Internal(id.clone())),
                        Target::Broken { .. } => None,
                    };
                    links.found.extend(target.map(|t| (start..end, t)));
                }
            }
            Inline::Text { text } => out.push(Span::new(text.clone(), style)),
            Inline::Emphasis { content } => push_spans(content, style.emphasised(), out, links),
            Inline::Strong { content } => push_spans(content, style.strong(), out, links),
            Inline::Strikethrough { content } => push_spans(content, style, out, links),
            Inline::Span { lang, content } => {
                let start = out.len();
                push_spans(content, style, out, links);
                for span in &mut out[start..] {
                    span.lang.get_or_insert_with(|| lang.clone());
                }
            }
            Inline::Code { code } => out.push(Span {
                scale: 0.9,
                ..Span::new(code.clone(), Style::Mono)
            }),
            Inline::Html { html } => out.push(Span::generated(html.clone(), Style::Mono)),
            Inline::Image { alt, .. } => {
                let text = if alt.is_empty() {
                    "[image]".to_string()
                } else {
                    format!("[{alt}]")
                };
                out.push(Span::generated(text, style.emphasised()));
            }
            Inline::FootnoteRef { number, .. } => out.push(Span {
                scale: 0.65,
                rise: 0.35,
                hyphenate: false,
                ..Span::generated(number.to_string(), Style::Regular)
            }),
            Inline::SoftBreak => out.push(Span::new(" ", style)),
            Inline::LineBreak => out.push(Span::new("\n", style)),
        }
    }
}
