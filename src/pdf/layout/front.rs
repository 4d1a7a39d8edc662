//! The front matter: the title page, the copyright page and the contents,
//! laid out after the body so that the contents give real page numbers.

use super::flow::Flow;
use super::quality::Tally;
use super::{Item, Kind, LinkTarget, Page, Settings};
use crate::model::Book;
use crate::pdf::fonts::Style;
use crate::pdf::tags::{Role, Structure, Tag};
use crate::pdf::text::{Align, Line, Measure, PlacedGlyph, Run, Span, Typesetter};
use crate::toc::{Toc, TocKind};
use std::collections::HashMap;
use std::path::Path;

/// Lays out the front matter, its pages and the counts of its lines;
/// `anchors` gives each id's body page (0-based). The count of pages is
/// made even, so the body's first page stays a right-hand one.
pub(super) fn front_matter(
    ts: &mut Typesetter<'_>,
    settings: &Settings<'_>,
    book: &Book,
    toc: &Toc,
    anchors: &HashMap<String, usize>,
) -> (Vec<Page>, Tally, Structure) {
    let mut flow = Flow::new(ts, settings, &[], Path::new(""));
    title_page(&mut flow, book);
    copyright_page(&mut flow, book);
    contents(&mut flow, &book.metadata.labels.contents.text, toc, anchors);
    flow.close_page();
    if flow.pages.len() % 2 == 1 {
        flow.start_page(Kind::Blank);
        flow.close_page();
    }
    (flow.pages, flow.found.tally, flow.structure)
}

/// Sets `text` centred at `scale` times the body size, in `style`.
fn centred(flow: &mut Flow<'_, '_>, text: &str, style: Style, scale: f32) {
    let g = flow.settings.geometry;
    let paragraph = flow.structure.open(Role::P);
    let size = g.size * scale;
    let measure = Measure {
        align: Align::Center,
        ..Measure::ragged(size, g.measure())
    };
    let set = flow.ts.set(&[Span::new(text, style)], &measure);
    flow.count(&set.lines);
    let leading = g.leading * scale;
    for line in &set.lines {
        front_line(flow, line, size, leading);
    }
    flow.structure.close_to(paragraph);
}

/// Puts a line of the front matter at `flow.y`, on a new page when it
/// would reach below the text block: ten thousand authors or a title a
/// page long run on instead of off the page.
fn front_line(flow: &mut Flow<'_, '_>, line: &Line, size: f32, leading: f32) {
    let g = flow.settings.geometry;
    if flow.y + size > g.height - g.bottom {
        flow.start_page(Kind::Blank);
    }
    let baseline = flow.y + size;
    flow.put_line(line, 0.0, baseline);
    flow.y += leading;
}

fn title_page(flow: &mut Flow<'_, '_>, book: &Book) {
    let g = flow.settings.geometry;
    let meta = &book.metadata;
    flow.start_page(Kind::Blank);
    flow.y += (g.height - g.top - g.bottom) * 0.2;
    centred(flow, &meta.title, Style::Bold, 2.0);
    if let Some(subtitle) = &meta.subtitle {
        flow.y += g.leading;
        centred(flow, subtitle, Style::Italic, 1.3);
    }
    flow.y += 3.0 * g.leading;
    for author in &meta.authors {
        centred(flow, author, Style::Regular, 1.3);
    }
    if let Some(publisher) = &meta.publisher {
        flow.y = g.height - g.bottom - 2.0 * g.leading;
        centred(flow, publisher, Style::Regular, 1.0);
    }
}

/// The copyright page: the book's facts at the foot of the title's verso.
fn copyright_page(flow: &mut Flow<'_, '_>, book: &Book) {
    let g = flow.settings.geometry;
    let meta = &book.metadata;
    flow.start_page(Kind::Blank);
    let mut lines = vec![meta.title.clone()];
    if !meta.authors.is_empty() {
        lines.push(meta.labels.by.fill(&meta.authors.join(", ")));
    }
    lines.extend(meta.rights.clone());
    lines.extend(
        meta.publisher
            .as_ref()
            .map(|p| meta.labels.published_by.fill(p)),
    );
    lines.extend(meta.identifier.clone());
    lines.extend(meta.date.clone());
    lines.push(meta.labels.typeset_with.text.clone());
    let scale = 0.85;
    let size = g.size * scale;
    let leading = g.leading * scale;
    let measure = Measure::ragged(size, g.measure());
    let set: Vec<Vec<Line>> = lines
        .iter()
        .map(|text| {
            flow.ts
                .set(&[Span::new(text.as_str(), Style::Regular)], &measure)
                .lines
        })
        .collect();
    let count: usize = set.iter().map(Vec::len).sum::<usize>() + set.len();
    flow.y = (g.height - g.bottom - count as f32 * leading).max(g.top);
    for paragraph in set {
        flow.count(&paragraph);
        let element = flow.structure.open(Role::P);
        for line in &paragraph {
            front_line(flow, line, size, leading);
        }
        flow.structure.close_to(element);
        flow.y += leading;
    }
}

/// The contents: every entry with dot leaders and its page number, a link
/// to where it starts.
fn contents(flow: &mut Flow<'_, '_>, title: &str, toc: &Toc, anchors: &HashMap<String, usize>) {
    let g = flow.settings.geometry;
    flow.start_page(Kind::Blank);
    if flow.pages.len().is_multiple_of(2) {
        // The contents open on a right-hand page.
        flow.start_page(Kind::Blank);
    }
    flow.y += (g.height - g.top - g.bottom) * 0.1;
    centred(flow, title, Style::Regular, 1.6);
    flow.y += 1.5 * g.leading;
    let number_width = 2.5 * g.size;
    let list = flow.structure.open(Role::Toc);
    for (depth, entry) in toc.flatten() {
        let chapter = entry.kind == TocKind::Chapter;
        let part = entry.kind == TocKind::Part;
        let (style, scale) = match entry.kind {
            TocKind::Part => (Style::Bold, 1.0),
            TocKind::Chapter => (Style::Regular, 1.0),
            _ => (Style::Regular, 0.92),
        };
        let size = g.size * scale;
        let leading = g.leading * scale;
        let indent = (depth - 1) as f32 * 1.5 * g.size;
        let hang = match entry.kind {
            TocKind::FaqQuestion { .. } => 2.0 * size,
            _ => 0.0,
        };
        let width = g.measure() - indent - hang - number_width;
        let measure = Measure::ragged(size, width);
        let lines = flow
            .ts
            .set(&[Span::new(entry.title.as_str(), style)], &measure)
            .lines;
        // A part stands apart from the chapters before it; a chapter a little.
        if part {
            flow.space(1.2 * g.leading);
        } else if chapter {
            flow.space(0.6 * g.leading);
        }
        flow.need(lines.len() as f32 * leading);
        flow.count(&lines);
        let top = flow.y;
        // An entry is read as a link: its number, title and page.
        let item = flow.structure.open(Role::Toci);
        let link = flow.structure.open(Role::Link);
        // A book written from right to left has the entries on the right,
        // the page numbers on the left.
        let rtl = flow.settings.bound_right;
        let (mark_x, title_x) = if rtl {
            (
                g.measure() - indent - hang,
                g.measure() - indent - hang - width,
            )
        } else {
            (indent, indent + hang)
        };
        if let TocKind::FaqQuestion { number } = entry.kind
            && let Some(mut mark) = flow.one_line(&format!("{number}."), style, size, hang)
        {
            flow.ts.end_with_space(&mut mark, style, size);
            flow.put_line(&mark, mark_x, flow.y + size);
        }
        let mut end = if rtl { title_x + width } else { title_x };
        let last = lines.len().saturating_sub(1);
        for (n, mut line) in lines.into_iter().enumerate() {
            let baseline = flow.y + size;
            if n == last {
                // The page number follows, past the leaders.
                flow.ts.end_with_space(&mut line, style, size);
            }
            flow.put_line(&line, title_x, baseline);
            let runs = line.runs.iter();
            end = if rtl {
                title_x + runs.map(|r| r.x).fold(width, f32::min)
            } else {
                title_x + runs.map(|r| r.x + r.width).fold(0.0, f32::max)
            };
            flow.y += leading;
        }
        let baseline = flow.y - leading + size;
        let label = anchors
            .get(&entry.id)
            .map_or_else(String::new, |page| (page + 1).to_string());
        if let Some(number) = flow.one_line(&label, Style::Regular, size, number_width) {
            let used = number
                .runs
                .iter()
                .map(|r| r.x + r.width)
                .fold(0.0, f32::max);
            if rtl {
                leaders(flow, used, end, size, baseline);
                flow.put_line(&number, 0.0, baseline);
            } else {
                leaders(flow, end, g.measure() - used, size, baseline);
                flow.put_line(&number, g.measure() - used, baseline);
            }
        }
        let tag = flow.structure.slot_in(link);
        flow.push(Item::Link {
            x: if rtl { 0.0 } else { indent },
            y: top,
            width: g.measure() - indent,
            height: flow.y - top,
            target: LinkTarget::Internal(entry.id.clone()),
            tag,
        });
        flow.structure.close_to(item);
    }
    flow.structure.close_to(list);
}

/// Dots from `from` to `to` on a grid, so the leaders of all entries line up.
fn leaders(flow: &mut Flow<'_, '_>, from: f32, to: f32, size: f32, baseline: f32) {
    let step = size * 0.6;
    let Some(dot) = flow.one_line(".", Style::Regular, size, size * 4.0) else {
        return;
    };
    let Some(run) = dot.runs.first() else {
        return;
    };
    let Some(glyph) = run.glyphs.first() else {
        return;
    };
    let first = ((from + step) / step).ceil() * step;
    let last = to - step;
    if last <= first {
        return;
    }
    let count = ((last - first) / step).floor() as usize + 1;
    let leader = Run {
        x: first,
        glyphs: vec![
            PlacedGlyph {
                advance: step,
                ..*glyph
            };
            count
        ],
        width: step * count as f32,
        ..run.clone()
    };
    // Dot leaders are not read.
    flow.push(Item::Text {
        x: leader.x,
        y: baseline,
        run: leader,
        tag: Tag::Artifact,
    });
}
