//! The wrap cover of a printed book: one page holding the back, the spine
//! and the front side by side, with the bleed around them, as
//! print-on-demand services take it (`<slug>-cover.pdf`).
//!
//! The spine is as wide as the interior's pages are thick on the chosen
//! paper; it carries the title and the authors, reading down, only from
//! 100 pages (KDP's rule: a thinner spine cannot hold text safely). The
//! front repeats the e-book cover's design ([`crate::cover::design`]) in
//! vector form, its type in the book's embedded fonts; the back carries the
//! description and keeps a white 2 × 1.2 in box clear for the barcode at the
//! bottom right. The cover is printed in greys (each colour of the design
//! as its luma): bindery has no CMYK characterisation it may ship, and a
//! grey intent is what it has (see [`super::conform`]).

use super::Options;
use super::conform::luma;
use super::fonts::Style;
use super::layout::{Item, Page};
use super::navigate::Navigation;
use super::tags::Tag;
use super::text::hyphenate::Hyphenator;
use super::text::{Align, Line, Measure, Run, Span, Typesetter};
use crate::config::{PdfA, Profile, Standards};
use crate::cover::{self, CoverFonts};
use crate::error::{Diagnostic, Error};
use crate::model::Book;
use crate::pdf::text::Ink;
use crate::toc::Toc;
use std::collections::BTreeMap;

/// The fewest pages whose spine carries text.
pub const SPINE_TEXT_PAGES: usize = 100;
/// How far spine text keeps from the spine's folds: 0.0625 in.
const SPINE_MARGIN: f32 = 4.5;
/// How far the back's text keeps from the trim: half an inch.
const BACK_MARGIN: f32 = 36.0;
/// The barcode's box, 2 × 1.2 in, and its distance from the trim.
pub const BARCODE: (f32, f32) = (144.0, 86.4);
const BARCODE_MARGIN: f32 = 18.0;

/// The wrap cover, and what did not fit on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cover {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// The page's width and height, bleed included, in points.
    pub size: (f32, f32),
    /// The spine's width, in points.
    pub spine: f32,
    /// Findings: a description too long for the back.
    pub warnings: Vec<Diagnostic>,
}

/// The spine's width in points of `pages` pages on paper whose pages are
/// `thickness` points thick.
pub fn spine_width(pages: usize, thickness: f32) -> f32 {
    pages as f32 * thickness
}

/// Makes the wrap cover of `book`, whose interior has `pages` pages, with
/// the trim, bleed, paper, fonts and standards of `options`.
pub fn cover(book: &Book, options: &Options, pages: usize) -> Result<Cover, Error> {
    let fonts = options.load_fonts()?;
    let mut ts = Typesetter::new(fonts, Hyphenator::new(&book.metadata.language));
    let faces = CoverFonts {
        regular: &options.fonts.faces[0],
        italic: &options.fonts.faces[1],
    };
    let design = cover::design(&book.metadata, faces)?;
    let g = options.geometry;
    let (w, h, b) = (g.width, g.height, options.bleed);
    let spine = spine_width(pages, options.paper.thickness);
    let mut page = Page {
        width: 2.0 * w + spine,
        height: h,
        items: Vec::new(),
    };
    let grey = |colour: [u8; 3]| f32::from(luma(colour)) / 255.0;
    let (ground, ink, accent) = (
        grey(cover::GROUND_COLOUR),
        Ink::gray(luma(cover::INK_COLOUR)),
        Ink::gray(luma(cover::ACCENT_COLOUR)),
    );
    page.items
        .push(rect(-b, -b, page.width + 2.0 * b, h + 2.0 * b, ground));
    front(
        &mut ts,
        &mut page,
        &design,
        w + spine,
        (w, h),
        (ink, accent),
    );
    if pages >= SPINE_TEXT_PAGES {
        spine_text(&mut ts, &mut page, book, (w, spine), ink);
    }
    let warnings = back(&mut ts, &mut page, book, (w, h), ink);
    let toc = Toc {
        entries: Vec::new(),
    };
    let nav = Navigation {
        toc: &toc,
        metadata: &book.metadata,
        labels: &[],
        profile: Profile::Print,
        time: options.time,
        bleed: b,
        crop_marks: options.crop_marks,
        pdf_ua: false,
        // The cover is all artifacts: no structure for PDF/A-2a to tag.
        standards: Standards {
            pdf_x4: options.standards.pdf_x4,
            pdf_a: options.standards.pdf_a.map(|level| match level {
                PdfA::A => PdfA::U,
                other => other,
            }),
            pdf_ua: false,
        },
    };
    let size = (page.width + 2.0 * b, h + 2.0 * b);
    let bytes = super::write::write(
        &[page],
        &[None],
        &[],
        &BTreeMap::new(),
        &ts.fonts,
        &nav,
        &crate::store::Store::off(),
    )
    .map_err(|failed| failed.error(options))?;
    Ok(Cover {
        bytes,
        size,
        spine,
        warnings,
    })
}

fn rect(x: f32, y: f32, width: f32, height: f32, gray: f32) -> Item {
    Item::Rect {
        x,
        y,
        width,
        height,
        gray,
    }
}

/// Sets `text` in `style` at `size`, centred on a measure `width` wide.
fn set(ts: &mut Typesetter<'_>, text: &str, style: Style, size: f32, width: f32) -> Vec<Line> {
    let measure = Measure {
        align: Align::Center,
        ..Measure::ragged(size, width)
    };
    ts.set(&[Span::new(text, style)], &measure).lines
}

/// A line's runs in `ink`, the line starting at `x` with its baseline at `y`.
fn place(page: &mut Page, line: &Line, x: f32, y: f32, ink: Ink) {
    let (runs, _) = line.clone().take_runs();
    for run in runs {
        page.items.push(Item::Text {
            x: x + run.x,
            y: y - run.rise,
            run: Run { ink, ..run },
            tag: Tag::Artifact,
        });
    }
}

/// The e-book cover's design, scaled into the front panel at `left`.
fn front(
    ts: &mut Typesetter<'_>,
    page: &mut Page,
    design: &cover::Design,
    left: f32,
    (w, h): (f32, f32),
    (ink, accent): (Ink, Ink),
) {
    let scale = (w / cover::WIDTH as f32).min(h / cover::HEIGHT as f32);
    let top = (h - cover::HEIGHT as f32 * scale) / 2.0;
    let accent_grey = f32::from(accent.0[0]) / 255.0;
    // The double frame, inset from the panel's edges as on the e-book's.
    for (inset, width) in cover::FRAME {
        let (i, t) = (inset * scale, width * scale);
        let (x0, x1, y0, y1) = (
            left + i - t / 2.0,
            left + w - i - t / 2.0,
            i - t / 2.0,
            h - i - t / 2.0,
        );
        page.items.push(rect(x0, y0, x1 - x0 + t, t, accent_grey));
        page.items.push(rect(x0, y1, x1 - x0 + t, t, accent_grey));
        page.items.push(rect(x0, y0, t, y1 - y0 + t, accent_grey));
        page.items.push(rect(x1, y0, t, y1 - y0 + t, accent_grey));
    }
    let centre = left + w / 2.0;
    let y = top + design.rule * scale;
    let (half, gap, t) = (cover::RULE_HALF * scale, 22.0 * scale, 3.0 * scale);
    page.items
        .push(rect(centre - half, y - t / 2.0, half - gap, t, accent_grey));
    page.items
        .push(rect(centre + gap, y - t / 2.0, half - gap, t, accent_grey));
    let size = 48.0 * scale;
    for line in set(ts, "\u{25c6}", Style::Regular, size, w) {
        place(page, &line, left, y + 0.35 * size, accent);
    }
    for line in &design.lines {
        let style = if line.italic {
            Style::Italic
        } else {
            Style::Regular
        };
        let size = line.size * scale;
        let colour = if line.accent { accent } else { ink };
        let baseline = top + line.baseline * scale;
        for (n, set_line) in set(ts, &line.text, style, size, w).iter().enumerate() {
            place(
                page,
                set_line,
                left,
                baseline + n as f32 * size * 1.2,
                colour,
            );
        }
    }
}

/// The title and the authors down the spine, centred both ways, smaller
/// when they would run past the trim's safe area.
fn spine_text(
    ts: &mut Typesetter<'_>,
    page: &mut Page,
    book: &Book,
    (w, spine): (f32, f32),
    ink: Ink,
) {
    let meta = &book.metadata;
    let mut text = meta.title.clone();
    if !meta.authors.is_empty() {
        text.push_str("  \u{b7}  ");
        text.push_str(&meta.authors.join(", "));
    }
    let room = page.height - 2.0 * 36.0;
    let mut size = ((spine - 2.0 * SPINE_MARGIN) * 0.7).min(14.0);
    // One line, however long: the length is what is measured.
    let one_line = |ts: &mut Typesetter<'_>, size: f32| {
        let measure = Measure::ragged(size, 100_000.0);
        ts.set(&[Span::new(text.as_str(), Style::Regular)], &measure)
            .lines
    };
    let mut lines = one_line(ts, size);
    let width = |lines: &[Line]| {
        lines
            .first()
            .map_or(0.0, |l| l.runs.iter().map(|r| r.width).sum::<f32>())
    };
    if width(&lines) > room {
        size *= room / width(&lines);
        lines = one_line(ts, size);
    }
    let Some(line) = lines.first() else {
        return;
    };
    let length = width(&lines);
    let start = (page.height - length) / 2.0;
    // The caps' middle on the spine's middle.
    let x = w + spine / 2.0 - 0.35 * size;
    let (runs, _) = line.clone().take_runs();
    let first = runs.first().map_or(0.0, |r| r.x);
    for run in runs {
        page.items.push(Item::Turned {
            x,
            y: start + run.x - first,
            run: Run { ink, ..run },
        });
    }
}

/// The description on the back, above the barcode's box; returns a
/// finding when it does not fit.
fn back(
    ts: &mut Typesetter<'_>,
    page: &mut Page,
    book: &Book,
    (w, h): (f32, f32),
    ink: Ink,
) -> Vec<Diagnostic> {
    let (bw, bh) = BARCODE;
    let box_top = h - BARCODE_MARGIN - bh;
    page.items
        .push(rect(w - BARCODE_MARGIN - bw, box_top, bw, bh, 1.0));
    let Some(description) = &book.metadata.description else {
        return Vec::new();
    };
    let (size, leading) = (11.0, 15.0);
    let measure = Measure::ragged(size, w - 2.0 * BACK_MARGIN);
    let lines = ts
        .set(&[Span::new(description.as_str(), Style::Regular)], &measure)
        .lines;
    let mut y = BACK_MARGIN + 2.0 * leading;
    let bottom = box_top - leading;
    let mut left_out = 0;
    for line in &lines {
        if y > bottom {
            left_out += 1;
            continue;
        }
        place(page, line, BACK_MARGIN, y, ink);
        y += leading;
    }
    if left_out == 0 {
        return Vec::new();
    }
    vec![
        Diagnostic::warning(
            "cover-description-too-long",
            None,
            format!(
                "the description is {} lines at 11 pt; the back cover holds {}, above the \
                 barcode",
                lines.len(),
                lines.len() - left_out
            ),
        )
        .with_hint(
            "shorten `description` in book.toml: the back cover shows it whole or not at all",
        ),
    ]
}
