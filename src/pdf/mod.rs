//! The PDF backend: the model and contents in, a typeset PDF's bytes out.
//!
//! [`fonts`] loads and shapes, [`text`] hyphenates and breaks paragraphs,
//! [`layout`] places lines on pages (frames of positioned items), and
//! [`write`] paints the frames with printpdf. Only [`pdf`] ties them together.

pub mod conform;
pub mod fonts;
mod icc;
pub mod image;
pub mod layout;
pub mod navigate;
pub mod preflight;
mod save;
pub mod tags;
pub mod text;
pub mod wrap;
pub mod write;

use crate::config::{CodeTheme, Config, Length, Paper, ParagraphStyle, Profile, Standards};
use crate::error::{Diagnostic, Error, Place};
use crate::load::Asset;
use crate::model::Book;
use crate::pages::PageStart;
use crate::store::Store;
use crate::toc::Toc;
use fonts::{FontFiles, Fonts};
use layout::cache::Cache;
use layout::{Geometry, Jobs, MIN_LINES, MIN_MEASURE, Quality};
use navigate::Navigation;
use std::collections::BTreeMap;
use std::path::PathBuf;
use text::Typesetter;
use text::hyphenate::Hyphenator;
use toml::Spanned;

/// Settings of the PDF backend. The images and the layout cache are
/// borrowed from the caller, who read them.
#[derive(Debug, Clone, PartialEq)]
pub struct Options<'a> {
    /// The font files; the built-in faces by default.
    pub fonts: FontFiles,
    /// Where each face of `fonts` was read from, in [`fonts::FaceId`]
    /// order, to name the file in errors; `None` for a built-in face.
    pub font_paths: [Option<PathBuf>; fonts::FACES],
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
    pub images: &'a BTreeMap<String, Asset>,
    /// The chapter layouts kept from an earlier build, to reuse those
    /// that are still right ([`layout::cache`]); `None` lays out every
    /// chapter and keeps nothing.
    pub cache: Option<&'a Cache>,
    /// The streams deflated by an earlier build, to reuse those whose bytes
    /// are the same ([`crate::store`]); `None` deflates every stream.
    pub store: Option<&'a Store>,
    /// Bleed around the trimmed page, in points, for print.
    pub bleed: f32,
    /// Whether to draw crop marks, for print.
    pub crop_marks: bool,
    /// Whether chapters open on right-hand pages only.
    pub recto_chapters: bool,
    /// How many threads lay the chapters out. The PDF is the same, byte
    /// for byte, however many.
    pub jobs: Jobs,
    /// Whether the PDF claims PDF/UA-1 (it is tagged either way): when
    /// `standards` asks for it and nothing in the book stands in the way.
    pub pdf_ua: bool,
    /// How highlighted code is printed.
    pub code_theme: CodeTheme,
    /// The standards the PDF follows (`[pdf] standards`).
    pub standards: Standards,
    /// The paper the interior is printed on, for the cover's spine.
    pub paper: Paper,
    /// Whether the gutter follows the page count ([`gutter`]): in print,
    /// when `inside-margin` is not given.
    pub gutter_from_pages: bool,
    /// Words hyphenated as written (`[pdf] hyphenation-exceptions`).
    pub hyphenation_exceptions: Vec<String>,
    /// Whether justified lines hang punctuation into the margins
    /// (`[pdf] optical-margins`).
    pub optical_margins: bool,
}

/// KDP's gutter for a paperback of `pages` pages, in points: 0.375 in up
/// to 150 pages, 0.5 in to 300, 0.625 in to 500, 0.75 in to 700, then
/// 0.875 in.
pub fn gutter(pages: usize) -> f32 {
    let inches = match pages {
        0..=150 => 0.375,
        151..=300 => 0.5,
        301..=500 => 0.625,
        501..=700 => 0.75,
        _ => 0.875,
    };
    inches * 72.0
}

/// The least outside margin KDP takes: 0.25 in, 0.375 in with bleed.
pub fn least_outside(bleed: f32) -> f32 {
    if bleed > 0.0 { 27.0 } else { 18.0 }
}

/// No images, for [`Options::default`].
static NO_IMAGES: BTreeMap<String, Asset> = BTreeMap::new();

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            fonts: FontFiles::default(),
            font_paths: Default::default(),
            geometry: Geometry::default(),
            indent: true,
            source_dir: PathBuf::new(),
            profile: Profile::Screen,
            time: 0,
            images: &NO_IMAGES,
            cache: None,
            store: None,
            bleed: 0.0,
            crop_marks: false,
            recto_chapters: false,
            jobs: Jobs::Auto,
            pdf_ua: true,
            code_theme: CodeTheme::Print,
            standards: Standards::default_for(Profile::Screen),
            paper: Paper::default(),
            gutter_from_pages: false,
            hyphenation_exceptions: Vec::new(),
            optical_margins: true,
        }
    }
}

impl Options<'_> {
    /// Options from the `[pdf]` table of `config`, with fonts the caller
    /// has read, no images and no cache. Fails, naming the key in
    /// `book.toml`, when the margins leave no text block a book can be set
    /// in.
    pub fn from_config(
        config: &Config,
        fonts: FontFiles,
        source_dir: PathBuf,
    ) -> Result<Options<'static>, Error> {
        let pdf = &config.pdf;
        let base = Geometry::default();
        let length = |value: &Option<Spanned<Length>>, default: f32| {
            value.as_ref().map_or(default, |v| v.get_ref().points())
        };
        let (width, height) = pdf.trim.as_ref().map_or((base.width, base.height), |t| {
            (t.get_ref().width, t.get_ref().height)
        });
        let size = pdf.font_size.as_ref().map_or(base.size, |s| *s.get_ref());
        let geometry = Geometry {
            width,
            height,
            top: length(&pdf.top_margin, base.top),
            bottom: length(&pdf.bottom_margin, base.bottom),
            inside: length(&pdf.inside_margin, base.inside),
            outside: length(&pdf.outside_margin, base.outside),
            size,
            leading: pdf
                .leading
                .as_ref()
                .map_or(size * base.leading / base.size, |l| *l.get_ref()),
        };
        if !geometry.is_usable() {
            return Err(unusable(
                &geometry,
                Some(geometry_culprit(config, &geometry)),
            ));
        }
        Ok(Options {
            fonts,
            font_paths: pdf
                .fonts
                .in_order()
                .map(|p| p.map(|p| source_dir.join(p.get_ref()))),
            geometry,
            indent: pdf.paragraph != Some(ParagraphStyle::Spaced),
            source_dir,
            profile: pdf.profile.unwrap_or_default(),
            time: 0,
            images: &NO_IMAGES,
            cache: None,
            store: None,
            bleed: length(&pdf.bleed, 0.0),
            crop_marks: pdf.crop_marks,
            recto_chapters: pdf.recto_chapters,
            jobs: Jobs::Auto,
            pdf_ua: pdf.standards().pdf_ua,
            code_theme: pdf.code_theme.unwrap_or_default(),
            standards: pdf.standards(),
            paper: pdf.paper.as_ref().map(|p| *p.get_ref()).unwrap_or_default(),
            gutter_from_pages: pdf.profile == Some(Profile::Print) && pdf.inside_margin.is_none(),
            hyphenation_exceptions: pdf.hyphenation_exceptions.clone(),
            optical_margins: pdf.optical_margins.unwrap_or(true),
        })
    }

    /// What layout is told: the page, the type, the images, the threads,
    /// and of the book, its generated words, its binding side and the stand-in of an image
    /// without alternative text.
    pub fn layout<'a>(&'a self, book: &'a Book) -> layout::Settings<'a> {
        layout::Settings {
            geometry: self.geometry,
            indent: self.indent,
            recto_chapters: self.recto_chapters,
            source_dir: &self.source_dir,
            images: self.images,
            jobs: self.jobs,
            code_theme: self.code_theme,
            labels: &book.metadata.labels,
            bound_right: crate::lang::is_rtl(&book.metadata.language),
        }
    }
}

impl Options<'_> {
    /// The file a face was read from, for errors about it; `None` for a
    /// built-in face.
    pub fn font_place(&self, face: fonts::FaceId) -> Option<Place> {
        self.font_paths
            .get(usize::from(face.0))
            .cloned()
            .flatten()
            .map(Place::file)
    }

    /// The book's faces, read from their files; an error names the file of
    /// a face that is no font.
    pub fn load_fonts(&self) -> Result<Fonts<'_>, Error> {
        Fonts::new(&self.fonts).map_err(|bad| {
            Error::new(
                "bad-font",
                self.font_place(bad.face),
                format!(
                    "the {} font is not an OpenType or TrueType font",
                    bad.face.name()
                ),
            )
            .with_hint("check the files named in book.toml [pdf] fonts")
        })
    }
}

/// The place in `book.toml` to blame for a text block too small: the
/// widest margin across the page when the measure is short, else the
/// deepest margin (or the leading) down it, else the trim.
fn geometry_culprit(config: &Config, g: &Geometry) -> Place {
    let pdf = &config.pdf;
    let lengths = |keys: &[&Option<Spanned<Length>>]| {
        keys.iter()
            .filter_map(|value| value.as_ref())
            .map(|value| (value.get_ref().points(), value.span()))
            .collect::<Vec<_>>()
    };
    let mut suspects = if g.measure() < MIN_MEASURE {
        lengths(&[&pdf.inside_margin, &pdf.outside_margin])
    } else {
        let mut down = lengths(&[&pdf.top_margin, &pdf.bottom_margin]);
        if let Some(leading) = &pdf.leading {
            down.push((*leading.get_ref() * MIN_LINES, leading.span()));
        }
        down
    };
    suspects.sort_by(|a, b| b.0.total_cmp(&a.0));
    match (suspects.first(), &pdf.trim) {
        (Some((_, span)), _) => config.place(span.clone()),
        (None, Some(trim)) => config.place(trim.span()),
        (None, None) => config.top(),
    }
}

/// The error for a text block no book can be set in.
fn unusable(g: &Geometry, place: Option<Place>) -> Error {
    Error::new(
        "bad-geometry",
        place,
        format!(
            "the margins leave a text block of {:.0} × {:.0} pt on a {:.0} × {:.0} pt page",
            g.measure(),
            g.height - g.top - g.bottom,
            g.width,
            g.height
        ),
    )
    .with_hint(format!(
        "the text block needs {MIN_MEASURE:.0} pt across and {MIN_LINES:.0} lines down: make \
         the margins in book.toml [pdf] smaller, or the trim larger"
    ))
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
    /// Preflight's findings about settings, with the `book.toml` key whose
    /// line they belong at (see [`preflight`]).
    pub at_key: Vec<(Diagnostic, &'static str)>,
    /// Each chapter's entry for the layout cache, in book order; none
    /// without [`Options::cache`].
    pub layout_cache: Vec<layout::cache::Entry>,
}

/// The two stages of [`pdf`], for progress reports and timings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Placing lines on pages.
    Layout,
    /// Painting the pages, embedding the fonts and writing the file.
    Write,
    /// The file is written; what runs beside the writer may not be over.
    Written,
}

/// Typesets the book into a PDF.
pub fn pdf(book: &Book, toc: &Toc, options: &Options) -> Result<Output, Error> {
    pdf_in_stages(book, toc, options, &|_| {}, &|_| ()).map(|(output, ())| output)
}

/// [`pdf`], calling `started` as each [`Stage`] begins, so that a caller can
/// show progress and time the stages, and `beside` with the page map once
/// the pages are laid out: it runs beside the writer when a thread is free
/// ([`crate::workers::join`]), else after it, and what it gives is handed
/// back with the PDF.
pub fn pdf_in_stages<B: Send>(
    book: &Book,
    toc: &Toc,
    options: &Options,
    started: &dyn Fn(Stage),
    beside: &(dyn Fn(&[PageStart]) -> B + Sync),
) -> Result<(Output, B), Error> {
    started(Stage::Layout);
    if !options.geometry.is_usable() {
        return Err(unusable(&options.geometry, None));
    }
    let fonts = options.load_fonts()?;
    let fresh = || {
        let hyphenator = Hyphenator::new(&book.metadata.language)
            .with_exceptions(&options.hyphenation_exceptions);
        let mut typesetter = Typesetter::new(fonts.fresh(), hyphenator);
        typesetter.rtl = crate::lang::is_rtl(&book.metadata.language);
        typesetter.params.optical_margins = options.optical_margins;
        typesetter
    };
    let mut typesetter = fresh();
    let mut settings = options.layout(book);
    let mut laid = layout::layout(book, toc, &mut typesetter, &settings, options.cache);
    if options.gutter_from_pages {
        // The gutter follows the page count, which follows the gutter: the
        // book is laid out again once when its count asks for another.
        let mut g = settings.geometry;
        (g.inside, g.outside) = (
            gutter(laid.pages.len()),
            g.outside.max(least_outside(options.bleed)),
        );
        if g != settings.geometry && g.is_usable() {
            settings.geometry = g;
            typesetter = fresh();
            laid = layout::layout(book, toc, &mut typesetter, &settings, options.cache);
        }
    }
    let mut found = preflight::Found::default();
    if options.profile == Profile::Print || options.standards.has_intent() {
        let settings = preflight::Settings {
            geometry: settings.geometry,
            bleed: options.bleed,
            standards: options.standards,
            print: options.profile == Profile::Print,
            source_dir: &options.source_dir,
        };
        found = preflight::check(book, &laid.pages, &laid.pictures, &settings);
        if let Some(error) = found.error {
            return Err(error);
        }
    }
    started(Stage::Write);
    let nav = Navigation {
        toc,
        metadata: &book.metadata,
        labels: &laid.labels,
        profile: options.profile,
        time: options.time,
        bleed: options.bleed,
        crop_marks: options.crop_marks,
        pdf_ua: options.pdf_ua,
        standards: options.standards,
    };
    let off = Store::off();
    let store = options.store.unwrap_or(&off);
    // The pages are painted on every thread the build has; `beside` runs
    // while the file is made of them, which is mostly one thread's work.
    let painted = write::paint_pages(
        &laid.pages,
        &laid.sources,
        &laid.pictures,
        &typesetter.fonts,
        &nav,
        store,
    )
    .map_err(|failed| failed.error(options))?;
    let finish = || {
        let bytes = write::finish(
            painted,
            &laid.pages,
            &laid.structure,
            &laid.pictures,
            &nav,
            store,
        );
        started(Stage::Written);
        bytes
    };
    let (bytes, side) = crate::workers::join(finish, || beside(&laid.page_map));
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
    crate::workers::drop_aside((laid.pages, laid.structure));
    let page_size = (options.geometry.width, options.geometry.height);
    let mut warnings = laid.warnings;
    warnings.extend(found.placed);
    if options.standards.pdf_ua && !options.pdf_ua {
        warnings.push(
            Diagnostic::warning(
                "pdf-ua-withheld",
                None,
                "the PDF is tagged but does not claim PDF/UA-1",
            )
            .with_hint("fix the findings that say the PDF cannot claim PDF/UA-1"),
        );
    }
    let output = Output {
        bytes,
        quality: laid.quality,
        warnings,
        page_map: laid.page_map,
        page_size,
        anchor_pages,
        at_key: found.at_key,
        layout_cache: laid.entries,
    };
    Ok((output, side))
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
        let options = Options::from_config(&config, FontFiles::default(), PathBuf::new()).unwrap();
        let g = options.geometry;
        assert!((g.width - 419.53).abs() < 0.1 && (g.height - 595.28).abs() < 0.1);
        assert!((g.inside - 56.69).abs() < 0.1 && g.outside == 36.0);
        assert_eq!(g.size, 11.0);
        // The leading keeps the default's proportion to the size.
        assert!((g.leading - 11.0 * 13.5 / 10.5).abs() < 1e-3);
        // Mirrored margins: the spine is left on right-hand pages (0, 2, …).
        assert_eq!((g.left(0, false), g.left(1, false)), (g.inside, g.outside));
        assert!((options.bleed - 8.5).abs() < 0.1 && options.crop_marks);
        assert_eq!(options.profile, Profile::Print);
    }

    #[test]
    fn a_font_that_cannot_be_subset_is_named_by_its_file_and_face() {
        let text = "title = \"T\"\nlanguage = \"en\"\n[pdf.fonts]\nbold = \"fonts/B.otf\"\n";
        let config = crate::config::Config::parse(text, Path::new("book.toml")).unwrap();
        let options =
            Options::from_config(&config, FontFiles::default(), PathBuf::from("book")).unwrap();
        let failed = |face| write::Failed::Font {
            face,
            what: "subset",
            name: "Face-Name".to_string(),
        };
        let err = failed(fonts::FaceId(2)).error(&options);
        let d = err.diagnostic();
        assert_eq!(d.code, "font-subset");
        assert_eq!(d.place, Some(Place::file("book/fonts/B.otf")));
        assert_eq!(d.message, "cannot subset the bold font Face-Name");
        // A built-in face has no file to name.
        let err = failed(fonts::FaceId(0)).error(&options);
        assert_eq!(err.diagnostic().place, None);
        assert!(err.to_string().contains("the regular font"), "{err}");
    }
}
