//! A typographic cover drawn from the book's metadata in the book's fonts,
//! for books whose `book.toml` names no cover image.
//!
//! The title is set large and centred, wrapped to balanced lines; the subtitle
//! follows in italics, the authors near the foot (a book without names there
//! has its title centred a little above the middle). Text is shaped with
//! rustybuzz and its outlines filled with tiny-skia, so the same metadata and
//! fonts always give the same pixels.

use crate::error::Error;
use crate::model::Metadata;
use crate::store::{self, Store};
use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use rustybuzz::{Face, UnicodeBuffer};
use std::collections::HashMap;
use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Rect, Stroke, Transform};

/// Width of the cover in pixels: stores ask for at least 1600 × 2560.
pub const WIDTH: u32 = 1600;
/// Height of the cover in pixels.
pub const HEIGHT: u32 = 2560;

/// The faces the cover is set in, as font file bytes.
#[derive(Debug, Clone, Copy)]
pub struct CoverFonts<'a> {
    /// The upright face, for the title and the authors.
    pub regular: &'a [u8],
    /// The italic face, for the subtitle.
    pub italic: &'a [u8],
}

/// The cover's colours: a deep ground, light type and a warm accent.
const GROUND: (u8, u8, u8) = (0x1f, 0x2a, 0x44);
const INK: (u8, u8, u8) = (0xf4, 0xec, 0xdc);
const ACCENT: (u8, u8, u8) = (0xc9, 0xa4, 0x5c);

/// A line of the cover's type, in the cover's pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverLine {
    /// The text.
    pub text: String,
    /// Set in the italic (the subtitle) or the upright face.
    pub italic: bool,
    /// The size in pixels.
    pub size: f32,
    /// The baseline, from the top.
    pub baseline: f32,
    /// In the accent colour (the authors) or the type's.
    pub accent: bool,
}

/// The cover's design: its lines of type, centred, and where the rule
/// under the title runs. The PNG and the print cover's front both draw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// The lines, top to bottom.
    pub lines: Vec<CoverLine>,
    /// The rule's height from the top.
    pub rule: f32,
}

/// The ground's colour.
pub const GROUND_COLOUR: [u8; 3] = [GROUND.0, GROUND.1, GROUND.2];
/// The type's colour.
pub const INK_COLOUR: [u8; 3] = [INK.0, INK.1, INK.2];
/// The accent's colour (rules, frame, authors).
pub const ACCENT_COLOUR: [u8; 3] = [ACCENT.0, ACCENT.1, ACCENT.2];
/// The double frame: each rule's inset from the edge and its width, in pixels.
pub const FRAME: [(f32, f32); 2] = [(70.0, 6.0), (92.0, 2.0)];
/// Half the length of the rule under the title, in pixels.
pub const RULE_HALF: f32 = 220.0;

/// Draws the cover and returns it as PNG bytes.
pub fn png(metadata: &Metadata, fonts: CoverFonts<'_>) -> Result<Vec<u8>, Error> {
    let fail = |what: &str| Error::new("cover", None, format!("cannot draw the cover: {what}"));
    let regular = Face::from_slice(fonts.regular, 0).ok_or_else(|| fail("bad regular font"))?;
    let italic = Face::from_slice(fonts.italic, 0).ok_or_else(|| fail("bad italic font"))?;
    let mut pixmap = Pixmap::new(WIDTH, HEIGHT).ok_or_else(|| fail("no memory"))?;
    pixmap.fill(color(GROUND));
    frame(&mut pixmap);
    let center = WIDTH as f32 / 2.0;
    let design = lay_out(metadata, &regular, &italic);
    rule(&mut pixmap, center, design.rule, RULE_HALF);
    for line in &design.lines {
        let face = if line.italic { &italic } else { &regular };
        let ink = if line.accent { ACCENT } else { INK };
        draw_line(
            &mut pixmap,
            face,
            &line.text,
            line.size,
            center,
            line.baseline,
            ink,
        );
    }
    pixmap.encode_png().map_err(|e| fail(&e.to_string()))
}

/// [`png()`], or the PNG an earlier build drew from the same metadata in
/// the same faces, from `store`.
pub fn png_kept(
    metadata: &Metadata,
    fonts: CoverFonts<'_>,
    store: &Store,
) -> Result<Vec<u8>, Error> {
    // The metadata whole, though the cover draws only some of it: a
    // change elsewhere draws it again, which is slower, never wrong.
    let drawn = serde_json::to_vec(metadata)
        .map_err(|e| Error::new("cover", None, format!("cannot draw the cover: {e}")))?;
    let key = store::key(
        "cover",
        &[&DRAWING.to_le_bytes(), &drawn, fonts.regular, fonts.italic],
    );
    store.try_get_or_make(key, || png(metadata, fonts))
}

/// The version of the cover's drawing: bump it with any change to what
/// [`png()`] draws, so that no cover an earlier build kept is used.
const DRAWING: u32 = 1;

/// The cover's design for `metadata` in the book's faces.
pub fn design(metadata: &Metadata, fonts: CoverFonts<'_>) -> Result<Design, Error> {
    let fail = |what: &str| Error::new("cover", None, format!("cannot draw the cover: {what}"));
    let regular = Face::from_slice(fonts.regular, 0).ok_or_else(|| fail("bad regular font"))?;
    let italic = Face::from_slice(fonts.italic, 0).ok_or_else(|| fail("bad italic font"))?;
    Ok(lay_out(metadata, &regular, &italic))
}

/// Fits the title, subtitle, authors and publisher to the cover.
fn lay_out(metadata: &Metadata, regular: &Face<'_>, italic: &Face<'_>) -> Design {
    let mut lines = Vec::new();
    let mut line = |text: &str, italic: bool, size: f32, baseline: f32, accent: bool| {
        lines.push(CoverLine {
            text: text.to_string(),
            italic,
            size,
            baseline,
            accent,
        });
    };
    let measure = 1160.0;
    let title = at_most(&metadata.title, 4);
    let (title_size, title_lines) = fit(regular, &title, measure, 150.0, 4);
    let leading = title_size * 1.18;
    let subtitle = metadata
        .subtitle
        .as_ref()
        // The subtitle stays smaller than a title that had to shrink.
        .map(|subtitle| {
            fit(
                italic,
                &at_most(subtitle, 3),
                measure,
                72.0_f32.min(title_size * 0.8),
                3,
            )
        });
    // The title block runs from the first line's cap height to the rule, or
    // to the subtitle's last baseline.
    let title_depth = (title_lines.len() as f32 - 1.0) * leading + 40.0 + title_size * 0.35;
    let subtitle_depth = subtitle.as_ref().map_or(0.0, |(size, lines)| {
        130.0 + (lines.len() as f32 - 1.0) * size * 1.3
    });
    let block = title_size * 0.7 + title_depth + subtitle_depth;
    // With names at the foot the title stands in the upper third; alone, it
    // is centred a little above the middle, so the cover is not top-heavy.
    let foot = !metadata.authors.is_empty() || metadata.publisher.is_some();
    let mut y = if foot {
        620.0
    } else {
        HEIGHT as f32 * 0.45 - block / 2.0 + title_size * 0.7
    };
    for text in &title_lines {
        line(text, false, title_size, y, false);
        y += leading;
    }
    y += 40.0 - leading + title_size * 0.35;
    let rule = y;
    y += 130.0;
    if let Some((size, texts)) = &subtitle {
        for text in texts {
            line(text, true, *size, y, false);
            y += size * 1.3;
        }
    }
    if !metadata.authors.is_empty() {
        let authors = credits(&metadata.authors, 2).to_uppercase();
        let (size, texts) = fit(regular, &authors, measure, 64.0, 2);
        let mut y = 2080.0 - (texts.len() as f32 - 1.0) * size * 1.4;
        for text in &texts {
            line(text, false, size, y, true);
            y += size * 1.4;
        }
    }
    if let Some(publisher) = &metadata.publisher {
        line(publisher, false, 44.0, 2330.0, false);
    }
    Design { lines, rule }
}

/// About the most characters a line of the cover holds at the smallest
/// size [`fit`] keeps to (24 pixels), in the narrowest letters. Text longer
/// than its lines can hold could never fit; setting it would only cost
/// time for every word (ten thousand authors took seconds), and spill off
/// the cover.
const LINE_CHARS: usize = 200;

/// `text`, or as much of it as `lines` lines can hold, cut after a word and
/// ended with an ellipsis.
fn at_most(text: &str, lines: usize) -> String {
    let limit = lines * LINE_CHARS;
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let cut: String = text.chars().take(limit).collect();
    let words = cut
        .rfind(char::is_whitespace)
        .map_or(cut.as_str(), |at| &cut[..at]);
    format!("{}…", words.trim_end())
}

/// The authors' names joined by middle dots, or as many of the first names
/// as `lines` lines can hold, followed by “et al.”.
fn credits(authors: &[String], lines: usize) -> String {
    let limit = lines * LINE_CHARS;
    let all = authors.join(" · ");
    if all.chars().count() <= limit {
        return all;
    }
    let mut shown = String::new();
    for name in authors {
        let longer = if shown.is_empty() {
            name.clone()
        } else {
            format!("{shown} · {name}")
        };
        if longer.chars().count() + " et al.".len() > limit {
            break;
        }
        shown = longer;
    }
    match authors {
        [only] => at_most(only, lines),
        [first, ..] if shown.is_empty() => format!("{} et al.", at_most(first, lines)),
        _ => format!("{shown} et al."),
    }
}

fn color((r, g, b): (u8, u8, u8)) -> Color {
    Color::from_rgba8(r, g, b, 255)
}

fn paint((r, g, b): (u8, u8, u8)) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(r, g, b, 255);
    paint.anti_alias = true;
    paint
}

/// A double rule around the cover, like a bookbinder's fillet.
fn frame(pixmap: &mut Pixmap) {
    for (inset, width) in FRAME {
        let Some(rect) = Rect::from_xywh(
            inset,
            inset,
            WIDTH as f32 - 2.0 * inset,
            HEIGHT as f32 - 2.0 * inset,
        ) else {
            continue;
        };
        let path = PathBuilder::from_rect(rect);
        let stroke = Stroke {
            width,
            ..Stroke::default()
        };
        pixmap.stroke_path(&path, &paint(ACCENT), &stroke, Transform::identity(), None);
    }
}

/// A short centred rule with a diamond in its middle.
fn rule(pixmap: &mut Pixmap, center: f32, y: f32, half: f32) {
    let mut path = PathBuilder::new();
    path.move_to(center - half, y);
    path.line_to(center - 22.0, y);
    path.move_to(center + 22.0, y);
    path.line_to(center + half, y);
    if let Some(path) = path.finish() {
        let stroke = Stroke {
            width: 3.0,
            ..Stroke::default()
        };
        pixmap.stroke_path(&path, &paint(ACCENT), &stroke, Transform::identity(), None);
    }
    let mut diamond = PathBuilder::new();
    diamond.move_to(center, y - 12.0);
    diamond.line_to(center + 12.0, y);
    diamond.line_to(center, y + 12.0);
    diamond.line_to(center - 12.0, y);
    diamond.close();
    if let Some(path) = diamond.finish() {
        pixmap.fill_path(
            &path,
            &paint(ACCENT),
            FillRule::Winding,
            Transform::identity(),
            None,
        );
    }
}

/// The largest size up to `size` at which `text` wraps into at most
/// `max_lines` lines of `measure` pixels, and those lines. Below 24 pixels
/// more lines are allowed, but never a line wider than the measure: a word
/// too long for it is set smaller, not cut off at the cover's edge.
fn fit(
    face: &Face<'_>,
    text: &str,
    measure: f32,
    size: f32,
    max_lines: usize,
) -> (f32, Vec<String>) {
    let mut widths = Widths {
        face,
        known: HashMap::new(),
    };
    let mut size = size;
    loop {
        let lines = wrap(&mut widths, text, measure, size);
        let fits = lines.iter().all(|line| widths.of(line, size) <= measure);
        // The last test ends the loop even for text whose width does not
        // shrink with the size (none that a font can shape).
        if (fits && (lines.len() <= max_lines || size < 24.0)) || size < 1.0 {
            return (size, lines);
        }
        size *= 0.9;
    }
}

/// The widths of texts in a face, each text shaped once: fitting tries the
/// same runs of words at every size and every balance of the lines, and
/// shaping them again each time made a long title take seconds.
struct Widths<'a, 'f> {
    face: &'a Face<'f>,
    /// Advance widths in font units, by text.
    known: HashMap<String, f32>,
}

impl Widths<'_, '_> {
    /// The advance width of `text` at `size`, in pixels, as [`width`] gives it.
    fn of(&mut self, text: &str, size: f32) -> f32 {
        let units = match self.known.get(text) {
            Some(&units) => units,
            None => {
                let units = advance(self.face, text);
                self.known.insert(text.to_string(), units);
                units
            }
        };
        units * scale(self.face, size)
    }
}

/// Breaks text into lines no wider than `measure`, then evens them out so the
/// last line is not a lonely word: the line count stays, the widest line
/// becomes as narrow as it can.
fn wrap(widths: &mut Widths<'_, '_>, text: &str, measure: f32, size: f32) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut greedy = |limit: f32| -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for word in &words {
            match lines.last_mut() {
                Some(line) if widths.of(&format!("{line} {word}"), size) <= limit => {
                    line.push(' ');
                    line.push_str(word);
                }
                _ => lines.push((*word).to_string()),
            }
        }
        lines
    };
    let lines = greedy(measure);
    let count = lines.len();
    let mut best = lines;
    let mut limit = measure;
    while limit > measure * 0.5 {
        limit -= measure * 0.02;
        let tighter = greedy(limit);
        if tighter.len() != count {
            break;
        }
        best = tighter;
    }
    best
}

/// Advance width of a shaped line, in pixels.
fn width(face: &Face<'_>, text: &str, size: f32) -> f32 {
    advance(face, text) * scale(face, size)
}

/// Advance width of a shaped line, in font units.
fn advance(face: &Face<'_>, text: &str) -> f32 {
    shape(face, text).iter().map(|g| g.1 as f32).sum::<f32>()
}

/// Pixels per font unit at `size`.
fn scale(face: &Face<'_>, size: f32) -> f32 {
    size / f32::from(face.units_per_em() as u16)
}

/// Shapes text into (glyph, advance, x offset, y offset) in font units.
fn shape(face: &Face<'_>, text: &str) -> Vec<(u16, i32, i32, i32)> {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    let glyphs = rustybuzz::shape(face, &[], buffer);
    glyphs
        .glyph_infos()
        .iter()
        .zip(glyphs.glyph_positions())
        .map(|(info, pos)| {
            let gid = u16::try_from(info.glyph_id).unwrap_or(0);
            (gid, pos.x_advance, pos.x_offset, pos.y_offset)
        })
        .collect()
}

/// Draws one line of text centred on `center`, its baseline at `baseline`.
fn draw_line(
    pixmap: &mut Pixmap,
    face: &Face<'_>,
    text: &str,
    size: f32,
    center: f32,
    baseline: f32,
    ink: (u8, u8, u8),
) {
    let scale = scale(face, size);
    let mut pen = center - width(face, text, size) / 2.0;
    let mut outline = Outline {
        path: PathBuilder::new(),
        scale,
        x: 0.0,
        y: baseline,
    };
    for (gid, advance, dx, dy) in shape(face, text) {
        outline.x = pen + dx as f32 * scale;
        outline.y = baseline - dy as f32 * scale;
        face.outline_glyph(GlyphId(gid), &mut outline);
        pen += advance as f32 * scale;
    }
    if let Some(path) = outline.path.finish() {
        pixmap.fill_path(
            &path,
            &paint(ink),
            FillRule::Winding,
            Transform::identity(),
            None,
        );
    }
}

/// Collects glyph outlines into one path, placed and scaled (font units have
/// y going up, pixels have it going down).
struct Outline {
    path: PathBuilder,
    scale: f32,
    x: f32,
    y: f32,
}

impl Outline {
    fn at(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x * self.scale, self.y - y * self.scale)
    }
}

impl OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.path.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.path.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x1, y1) = self.at(x1, y1);
        let (x, y) = self.at(x, y);
        self.path.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (x1, y1) = self.at(x1, y1);
        let (x2, y2) = self.at(x2, y2);
        let (x, y) = self.at(x, y);
        self.path.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.path.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::fonts::FontFiles;

    #[test]
    fn text_longer_than_the_cover_holds_is_cut_and_marked() {
        assert_eq!(at_most("A Short Title", 4), "A Short Title");
        let long = "word ".repeat(1000);
        let cut = at_most(&long, 4);
        assert!(
            cut.ends_with("word…") && cut.chars().count() <= 4 * LINE_CHARS + 1,
            "{cut}"
        );
        let few = ["A. Writer".to_string(), "B. Writer".to_string()];
        assert_eq!(credits(&few, 2), "A. Writer · B. Writer");
        let many: Vec<String> = (1..=10_000).map(|i| format!("Author {i}")).collect();
        let shown = credits(&many, 2);
        assert!(shown.starts_with("Author 1 · Author 2 · "), "{shown}");
        assert!(shown.ends_with("Author 33 et al."), "{shown}");
        assert!(shown.chars().count() <= 2 * LINE_CHARS, "{shown}");
        let long_name = "x".repeat(1000);
        assert_eq!(
            credits(std::slice::from_ref(&long_name), 2).chars().count(),
            2 * LINE_CHARS + 1
        );
        let two = credits(&[long_name.clone(), long_name], 2);
        assert!(two.ends_with("x… et al."), "{two}");
    }

    #[test]
    fn a_word_too_long_for_the_measure_is_set_smaller_not_cut_off() {
        let fonts = FontFiles::default();
        let face = Face::from_slice(&fonts.faces[0], 0).expect("the built-in face");
        let word = "Pneumonoultramicroscopicsilicovolcanoconiosis";
        let (size, lines) = fit(&face, &format!("{word} and More"), 1160.0, 150.0, 4);
        let widths: Vec<f32> = lines.iter().map(|l| width(&face, l, size)).collect();
        assert!(widths.iter().all(|&w| w <= 1160.0), "{lines:?} {widths:?}");
        assert_eq!(lines, [word, "and More"], "at {size} px");
        let larger = size / 0.9;
        assert!(
            width(&face, word, larger) > 1160.0,
            "one step larger fits too"
        );
    }
}
