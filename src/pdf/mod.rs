//! The PDF backend: the model and contents in, a typeset PDF's bytes out.
//!
//! [`fonts`] loads and shapes, [`text`] hyphenates and breaks paragraphs,
//! [`layout`] places lines on pages (frames of positioned items), and
//! [`write`] paints the frames with printpdf. Only [`pdf`] ties them together.

pub mod fonts;
pub mod layout;
pub mod navigate;
pub mod text;
pub mod write;

use crate::config::{ParagraphStyle, PdfConfig};
use crate::error::{Diagnostic, Error};
use crate::model::Book;
use crate::toc::Toc;
use fonts::{FontFiles, Fonts};
use layout::{Geometry, Quality};
use navigate::{Navigation, Profile};
use std::collections::BTreeMap;
use std::path::PathBuf;
use text::Typesetter;
use text::breaker::Params;
use text::hyphenate::Hyphenator;

/// Settings of the PDF backend.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The font files; the built-in faces by default.
    pub fonts: FontFiles,
    /// Page size, margins and body type.
    pub geometry: Geometry,
    /// First-line indents (true) or space between paragraphs (false).
    pub indent: bool,
    /// The manuscript folder, to name files in warnings.
    pub source_dir: PathBuf,
    /// Screen (outline, links) or print (boxes, no annotations).
    pub profile: Profile,
    /// The book's time in seconds since 1970, for the PDF's dates.
    pub time: u64,
    /// Bleed around the trimmed page, in points, for print.
    pub bleed: f32,
    /// Whether to draw crop marks, for print.
    pub crop_marks: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            fonts: FontFiles::default(),
            geometry: Geometry::default(),
            indent: true,
            source_dir: PathBuf::new(),
            profile: Profile::Screen,
            time: 0,
            bleed: 0.0,
            crop_marks: false,
        }
    }
}

impl Options {
    /// Options from the `[pdf]` table, with fonts the caller has read.
    pub fn from_config(config: &PdfConfig, fonts: FontFiles, source_dir: PathBuf) -> Options {
        Options {
            fonts,
            indent: config.paragraph != Some(ParagraphStyle::Spaced),
            source_dir,
            ..Options::default()
        }
    }
}

/// What the backend hands back.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// How well the paragraphs were set.
    pub quality: Quality,
    /// Problems worth telling the author about, with their places.
    pub warnings: Vec<Diagnostic>,
    /// Each page's label, as its folio shows it (`iv`, `12`).
    pub page_labels: Vec<String>,
    /// The trimmed page's width and height, in points.
    pub page_size: (f32, f32),
    /// For each anchor id (chapters, headings, questions, notes), the label
    /// of the page it is on.
    pub anchor_pages: BTreeMap<String, String>,
}

/// Typesets the book into a PDF.
pub fn pdf(book: &Book, toc: &Toc, options: &Options) -> Result<Output, Error> {
    let fonts = Fonts::new(&options.fonts).map_err(|bad| {
        Error::new(
            "bad-font",
            None,
            format!(
                "the {} font is not an OpenType or TrueType font",
                [
                    "regular",
                    "italic",
                    "bold",
                    "bold-italic",
                    "mono",
                    "fallback"
                ]
                .get(usize::from(bad.face.0))
                .unwrap_or(&"")
            ),
        )
        .with_hint("check the files named in book.toml [pdf] fonts")
    })?;
    let mut typesetter = Typesetter {
        fonts,
        hyphenator: Hyphenator::new(&book.metadata.language),
        params: Params::default(),
    };
    let laid = layout::layout(book, &mut typesetter, options);
    let nav = Navigation {
        toc,
        metadata: &book.metadata,
        labels: &laid.labels,
        profile: options.profile,
        time: options.time,
        bleed: options.bleed,
        crop_marks: options.crop_marks,
    };
    let bytes = write::write(&laid.pages, &typesetter.fonts, &nav)?;
    let page_labels: Vec<String> = (0..laid.pages.len())
        .map(|i| navigate::page_label(&laid.labels, i))
        .collect();
    let mut anchor_pages = BTreeMap::new();
    for (page, label) in laid.pages.iter().zip(&page_labels) {
        for item in &page.items {
            if let layout::Item::Anchor { id, .. } = item {
                anchor_pages
                    .entry(id.clone())
                    .or_insert_with(|| label.clone());
            }
        }
    }
    let page_size = (options.geometry.width, options.geometry.height);
    Ok(Output {
        bytes,
        page_labels,
        page_size,
        anchor_pages,
        quality: laid.quality,
        warnings: laid.warnings,
    })
}
