//! Figures: the PNG and JPEG images of a paragraph, each placed as a block,
//! centred, no wider than the text and no larger than its natural size at
//! 150 pixels an inch, with its title as a caption underneath. A figure
//! that does not fit below the text moves, whole, to the next page.

use super::Item;
use super::blocks::Frame;
use super::flow::Flow;
use crate::model::{Inline, Pos};
use crate::pdf::fonts::Style;
use crate::pdf::image::picture;
use crate::pdf::tags::{Element, Role};
use crate::pdf::text::{Align, Measure, Span};

/// Pixels an inch at which an image is shown at its natural size: a figure
/// is never drawn larger than that, so a small image does not print blurred.
const NATURAL_DPI: f32 = 150.0;

/// An image of a paragraph that the PDF can place.
#[derive(Debug, Clone)]
pub(super) struct Figure {
    src: String,
    alt: String,
    title: Option<String>,
    pos: Pos,
    /// Width and height in pixels.
    pixels: (f32, f32),
}

impl Flow<'_, '_> {
    /// The images of a paragraph that can be placed, in reading order.
    /// Images the loader read but the PDF cannot take (GIF, WebP, SVG, a
    /// damaged PNG) are warned about and stay as their alternative text;
    /// images the loader did not read (remote, missing) it has warned about.
    pub(super) fn figures(&mut self, content: &[Inline]) -> Vec<Figure> {
        let mut out = Vec::new();
        self.collect_figures(content, &mut out);
        out
    }

    fn collect_figures(&mut self, content: &[Inline], out: &mut Vec<Figure>) {
        for inline in content {
            match inline {
                Inline::Image {
                    src,
                    pos,
                    alt,
                    title,
                } => {
                    if let Some(pixels) = self.picture_size(src, *pos) {
                        out.push(Figure {
                            src: src.clone(),
                            alt: alt.clone(),
                            title: title.clone().filter(|t| !t.trim().is_empty()),
                            pos: *pos,
                            pixels,
                        });
                    }
                }
                Inline::Emphasis { content }
                | Inline::Strong { content }
                | Inline::Strikethrough { content }
                | Inline::Span { content, .. }
                | Inline::Link { content, .. } => self.collect_figures(content, out),
                _ => {}
            }
        }
    }

    /// Decodes an image the first time it is used and gives its size in
    /// pixels; warns where it is used when it cannot be placed.
    fn picture_size(&mut self, src: &str, pos: Pos) -> Option<(f32, f32)> {
        let asset = self.settings.images.get(src)?;
        let media_type = asset.media_type;
        if !self.found.pictures.contains_key(src) {
            let prepared = picture(asset);
            self.found.pictures.insert(src.to_string(), prepared);
        }
        match self.found.pictures.get(src)? {
            Ok(picture) => Some((picture.size.width as f32, picture.size.height as f32)),
            Err(reason) => {
                let message = format!(
                    "the image {src} is shown by its alternative text in the PDF: {reason}"
                );
                let hint = match media_type {
                    "image/png" | "image/jpeg" => {
                        "open the image in an image editor and save it again as an 8-bit PNG or JPEG"
                    }
                    _ => "convert the image to PNG or JPEG",
                };
                self.warn("pdf-image", pos, message, hint);
                None
            }
        }
    }

    /// Places a figure: space above, the image centred in `frame`, its
    /// caption, space below.
    pub(super) fn figure(&mut self, figure: &Figure, frame: Frame) {
        let g = self.settings.geometry;
        let size = frame.size * 0.9;
        let leading = g.leading * 0.9;
        let caption = figure.title.as_ref().map(|title| {
            let measure = Measure {
                align: Align::Center,
                ..Measure::ragged(size, frame.width)
            };
            self.ts
                .set(&[Span::new(title.as_str(), Style::Italic)], &measure)
        });
        let caption_height = caption
            .as_ref()
            .map_or(0.0, |c| 0.4 * g.leading + c.lines.len() as f32 * leading);
        // At its natural size, no wider than the frame, no taller than the
        // text block leaves beside the caption.
        let (px_width, px_height) = figure.pixels;
        let natural = px_width * 72.0 / NATURAL_DPI;
        let block = g.foot() - g.top;
        let mut width = natural.min(frame.width);
        let tallest = (block - caption_height).max(g.leading);
        if width * px_height / px_width > tallest {
            width = tallest * px_width / px_height;
        }
        self.space(0.5 * g.leading);
        if self.pages.is_empty() {
            self.new_page();
        }
        let mut height = width * px_height / px_width;
        if self.y + height + caption_height > self.bottom() + 0.01 && !self.at_top() {
            self.break_keeping();
        }
        // Notes carried to the top of this page may leave less than a text
        // block: the figure shrinks to what is left rather than run into them.
        let room = self.bottom() - self.y - caption_height;
        if height > room && room > g.leading {
            width *= room / height;
            height = room;
        }
        let element = self.structure.open_element(Element {
            alt: (!figure.alt.is_empty()).then(|| figure.alt.clone()),
            ..Element::new(Role::Figure)
        });
        let tag = self.structure.tag();
        self.push(Item::Image {
            x: frame.x + (frame.width - width) / 2.0,
            y: self.y,
            width,
            height,
            src: figure.src.clone(),
            alt: figure.alt.clone(),
            tag,
        });
        self.y += height;
        if let Some(caption) = caption {
            self.missing(&caption.missing, figure.pos);
            self.count(&caption.lines);
            self.y += 0.4 * g.leading;
            self.structure.open(Role::Caption);
            for line in &caption.lines {
                let baseline = self.y + size;
                self.put_line(line, frame.x, baseline);
                self.y += leading;
            }
        }
        self.structure.close_to(element);
        self.keep = None;
        self.space(0.5 * g.leading);
        self.snap();
        self.indent_next = false;
    }
}

/// Whether a paragraph holds nothing but images (and the spaces and line
/// breaks between them): a paragraph of figures.
pub(super) fn only_images(content: &[Inline]) -> bool {
    content.iter().all(|inline| match inline {
        Inline::Image { .. } | Inline::SoftBreak | Inline::LineBreak => true,
        Inline::Text { text } => text.trim().is_empty(),
        _ => false,
    })
}
