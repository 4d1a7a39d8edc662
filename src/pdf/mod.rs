//! The PDF backend: the model and contents in, a typeset PDF's bytes out.
//!
//! [`fonts`] loads and shapes, [`text`] hyphenates and breaks paragraphs,
//! [`layout`] places lines on pages (frames of positioned items), and
//! [`write`] paints the frames with printpdf. Only [`pdf`] ties them together.

pub mod fonts;
pub mod image;
pub mod layout;
pub mod navigate;
pub mod text;
pub mod write;

use crate::config::{ParagraphStyle, PdfConfig, Profile, length_points, trim_points};
use crate::error::{Diagnostic, Error};
use crate::load::Asset;
use crate::model::Book;
use crate::pages::PageStart;
use crate::toc::Toc;
use fonts::{FontFiles, Fonts};
use layout::{Geometry, Jobs, Quality};
use navigate::Navigation;
use std::collections::BTreeMap;
use std::path::PathBuf;
use text::Typesetter;
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
    /// Screen (outline, links) or print (neither).
    pub profile: Profile,
    /// The book's time in seconds since 1970, for the PDF's dates.
    pub time: u64,
    /// The images the loader read, by the path written in the Markdown.
    pub images: BTreeMap<String, Asset>,
    /// Bleed around the trimmed page, in points, for print.
    pub bleed: f32,
    /// Whether to draw crop marks, for print.
    pub crop_marks: bool,
    /// Whether chapters open on right-hand pages only.
    pub recto_chapters: bool,
    /// How many threads lay the chapters out. The PDF is the same, byte
    /// for byte, however many.
    pub jobs: Jobs,
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
            images: BTreeMap::new(),
            bleed: 0.0,
            crop_marks: false,
            recto_chapters: false,
            jobs: Jobs::Auto,
        }
    }
}

impl Options {
    /// Options from the `[pdf]` table, with fonts the caller has read.
    /// The table's values were checked when `book.toml` was read, so a value
    /// that does not parse here cannot happen; the default stands in for it.
    pub fn from_config(config: &PdfConfig, fonts: FontFiles, source_dir: PathBuf) -> Options {
        let base = Geometry::default();
        let length = |value: &Option<toml::Spanned<String>>, default: f32| {
            value
                .as_ref()
                .and_then(|v| length_points(v.get_ref()))
                .unwrap_or(default)
        };
        let (width, height) = config
            .trim
            .as_ref()
            .and_then(|t| trim_points(t.get_ref()))
            .unwrap_or((base.width, base.height));
        let size = config
            .font_size
            .as_ref()
            .map_or(base.size, |s| *s.get_ref());
        let geometry = Geometry {
            width,
            height,
            top: length(&config.top_margin, base.top),
            bottom: length(&config.bottom_margin, base.bottom),
            inside: length(&config.inside_margin, base.inside),
            outside: length(&config.outside_margin, base.outside),
            size,
            leading: config
                .leading
                .as_ref()
                .map_or(size * base.leading / base.size, |l| *l.get_ref()),
        };
        Options {
            fonts,
            geometry,
            indent: config.paragraph != Some(ParagraphStyle::Spaced),
            source_dir,
            profile: config.profile.unwrap_or_default(),
            time: 0,
            images: BTreeMap::new(),
            bleed: length(&config.bleed, 0.0),
            crop_marks: config.crop_marks,
            recto_chapters: config.recto_chapters,
            jobs: Jobs::Auto,
        }
    }

    /// What layout is told: the page, the type, the images, the threads.
    pub fn layout(&self) -> layout::Settings<'_> {
        layout::Settings {
            geometry: self.geometry,
            indent: self.indent,
            recto_chapters: self.recto_chapters,
            source_dir: &self.source_dir,
            images: &self.images,
            jobs: self.jobs,
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
    /// For each page, its label and where in the model it starts.
    pub page_map: Vec<PageStart>,
    /// The trimmed page's width and height, in points.
    pub page_size: (f32, f32),
    /// For each anchor id (chapters, headings, questions, notes), the label
    /// of the page it is on.
    pub anchor_pages: BTreeMap<String, String>,
}

/// The two stages of [`pdf`], for progress reports and timings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Placing lines on pages.
    Layout,
    /// Painting the pages, embedding the fonts and writing the file.
    Write,
}

/// Typesets the book into a PDF.
pub fn pdf(book: &Book, toc: &Toc, options: &Options) -> Result<Output, Error> {
    pdf_in_stages(book, toc, options, &|_| {})
}

/// [`pdf`], calling `started` as each [`Stage`] begins, so that a caller can
/// show progress and time the stages.
pub fn pdf_in_stages(
    book: &Book,
    toc: &Toc,
    options: &Options,
    started: &dyn Fn(Stage),
) -> Result<Output, Error> {
    started(Stage::Layout);
    let g = &options.geometry;
    if !g.is_usable() {
        return Err(Error::new(
            "bad-geometry",
            None,
            format!(
                "the margins leave a text block of {:.0} × {:.0} pt on a {:.0} × {:.0} pt page",
                g.measure(),
                g.height - g.top - g.bottom,
                g.width,
                g.height
            ),
        )
        .with_hint("make the margins in book.toml [pdf] smaller, or the trim larger"));
    }
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
    let mut typesetter = Typesetter::new(fonts, Hyphenator::new(&book.metadata.language));
    let laid = layout::layout(book, toc, &mut typesetter, &options.layout());
    started(Stage::Write);
    let nav = Navigation {
        toc,
        metadata: &book.metadata,
        labels: &laid.labels,
        profile: options.profile,
        time: options.time,
        bleed: options.bleed,
        crop_marks: options.crop_marks,
    };
    let bytes = write::write(&laid.pages, &laid.pictures, &typesetter.fonts, &nav)?;
    let mut anchor_pages = BTreeMap::new();
    for (page, start) in laid.pages.iter().zip(&laid.page_map) {
        for item in &page.items {
            if let layout::Item::Anchor { id, .. } = item {
                anchor_pages
                    .entry(id.clone())
                    .or_insert_with(|| start.label.clone());
            }
        }
    }
    let page_size = (options.geometry.width, options.geometry.height);
    Ok(Output {
        bytes,
        quality: laid.quality,
        warnings: laid.warnings,
        page_map: laid.page_map,
        page_size,
        anchor_pages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn options_come_from_the_pdf_table() {
        let text = "title = \"T\"\nlanguage = \"en\"\n[pdf]\ntrim = \"a5\"\n\
                    inside-margin = \"20mm\"\noutside-margin = \"0.5in\"\nfont-size = 11\n\
                    bleed = \"3mm\"\ncrop-marks = true\nprofile = \"print\"\n";
        let config = crate::config::Config::parse(text, Path::new("book.toml")).unwrap();
        let options = Options::from_config(&config.pdf, FontFiles::default(), PathBuf::new());
        let g = options.geometry;
        assert!((g.width - 419.53).abs() < 0.1 && (g.height - 595.28).abs() < 0.1);
        assert!((g.inside - 56.69).abs() < 0.1 && g.outside == 36.0);
        assert_eq!(g.size, 11.0);
        // The leading keeps the default's proportion to the size.
        assert!((g.leading - 11.0 * 13.5 / 10.5).abs() < 1e-3);
        // Mirrored margins: the spine is left on right-hand pages (0, 2, …).
        assert_eq!((g.left(0), g.left(1)), (g.inside, g.outside));
        assert!((options.bleed - 8.5).abs() < 0.1 && options.crop_marks);
        assert_eq!(options.profile, Profile::Print);
    }
}
