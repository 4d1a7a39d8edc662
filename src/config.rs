//! `book.toml`: the book's metadata and settings, typed and checked.
//!
//! Every key is declared here with its meaning and default. Unknown keys are
//! errors that name the key, its line and the closest known key, so a typo
//! never silently changes a book.

use crate::date::Date;
use crate::error::{Error, LineIndex, Place};
use serde::Deserialize;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The parsed `book.toml`.
///
/// ```toml
/// title = "A Book"            # required
/// language = "en"             # required, a BCP 47 tag
/// subtitle = "And Its Subtitle"
/// authors = ["A. Writer"]
/// chapters = ["01-intro.md", "faq.md"]
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The book's title. Required.
    pub title: Spanned<String>,
    /// The book's language as a BCP 47 tag (`en`, `en-GB`, `fr`). Required.
    pub language: Spanned<String>,
    /// A subtitle, set under the title.
    pub subtitle: Option<String>,
    /// Authors in the order they are credited. Default: none.
    /// Write `authors = []` for a work with no named author: `bindery check`
    /// then knows the omission is meant. A blank name is an error.
    pub authors: Option<Spanned<Vec<Spanned<String>>>>,
    /// A unique identifier such as `urn:isbn:9780000000000`. Default: a UUID
    /// derived from the title and authors, stable across rebuilds.
    pub identifier: Option<String>,
    /// The publisher's name.
    pub publisher: Option<String>,
    /// Publication date, ISO 8601: `2026`, `2026-11` or `2026-11-25`, a
    /// calendar date of the years 1 to 9999.
    pub date: Option<Spanned<Date>>,
    /// A short description for catalogues and stores.
    pub description: Option<String>,
    /// The rights statement, e.g. `© 2026 A. Writer` or a licence.
    pub rights: Option<String>,
    /// Chapter files in reading order, relative to the manuscript folder.
    /// Default: every `*.md` file in the folder in name order, except
    /// `EDITS.md` and `README.md`.
    pub chapters: Option<Vec<Spanned<String>>>,
    /// The file holding the FAQ. Default: `faq.md` or a file whose name ends
    /// in `-faq.md`, when there is one.
    pub faq: Option<Spanned<String>>,
    /// Chapters after the parts that belong to none of them (an epilogue,
    /// an afterword, an appendix): each ends the part before it, and the
    /// chapters after it stay outside parts until the next part title.
    pub back_matter: Option<Vec<Spanned<String>>>,
    /// How many heading levels the table of contents lists: 1 lists chapters
    /// only, 2 adds `##` sections, 3 adds `###` subsections. Default: 3. FAQ
    /// groups and questions are always listed.
    pub toc_depth: Option<Spanned<u8>>,
    /// Settings of the EPUB backend.
    #[serde(default)]
    pub epub: EpubConfig,
    /// Settings of the PDF backend.
    #[serde(default)]
    pub pdf: PdfConfig,
    /// How the text is set in the book's language.
    #[serde(default)]
    pub typography: TypographyConfig,
    /// The words bindery writes itself, instead of its own for the language.
    #[serde(default)]
    pub labels: LabelsConfig,
    /// The file and its text, to name the place of a value in errors found
    /// after reading (see [`Config::place`]).
    #[serde(skip)]
    source: Source,
}

/// The `[labels]` table of `book.toml`: any of the words bindery writes,
/// in place of its table for the book's language (English for a language
/// it has none for). `{authors}`, `{publisher}`, `{title}`, `{number}` and
/// `{file}` stand for what a line introduces.
///
/// ```toml
/// [labels]
/// contents = "Sommaire"
/// by = "d’après {authors}"
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LabelsConfig {
    /// The contents' title. English: "Contents".
    pub contents: Option<String>,
    /// The EPUB's landmarks heading. English: "Landmarks".
    pub landmarks: Option<String>,
    /// The EPUB's print page list heading. English: "Pages".
    pub pages: Option<String>,
    /// The cover among the landmarks. English: "Cover".
    pub cover: Option<String>,
    /// The cover image's text alternative. English: "Cover: {title}".
    pub cover_alt: Option<String>,
    /// The authors' credit line. English: "by {authors}".
    pub by: Option<String>,
    /// The publisher's line on the copyright page. English: "Published by {publisher}".
    pub published_by: Option<String>,
    /// The colophon line. English: "Typeset with bindery".
    pub typeset_with: Option<String>,
    /// A done task's check box, for screen readers. English: "done".
    pub task_done: Option<String>,
    /// An open task's check box. English: "not done".
    pub task_open: Option<String>,
    /// A PDF link's description for screen readers. English: "Go to {title}".
    pub go_to: Option<String>,
    /// The same, for a target without a title. English: "Go to a place in this book".
    pub go_to_place: Option<String>,
    /// A code listing's number, before its caption. English: "Listing {number}:".
    pub listing: Option<String>,
    /// The line naming a code listing's file. English: "Filename: {file}".
    pub file_name: Option<String>,
    /// What the PDF shows, in brackets, for an image without alternative
    /// text. English: "image".
    pub image: Option<String>,
    /// The EPUB's accessibility summary. Default: bindery's, in English.
    pub accessibility_summary: Option<String>,
}

impl LabelsConfig {
    /// The labels that have a word in every language's table, in table order.
    pub fn in_order(&self) -> [Option<&String>; 15] {
        [
            self.contents.as_ref(),
            self.landmarks.as_ref(),
            self.pages.as_ref(),
            self.cover.as_ref(),
            self.cover_alt.as_ref(),
            self.by.as_ref(),
            self.published_by.as_ref(),
            self.typeset_with.as_ref(),
            self.task_done.as_ref(),
            self.task_open.as_ref(),
            self.go_to.as_ref(),
            self.go_to_place.as_ref(),
            self.listing.as_ref(),
            self.file_name.as_ref(),
            self.image.as_ref(),
        ]
    }
}

/// The `[typography]` table of `book.toml`.
///
/// ```toml
/// [typography]
/// quotes = "»«›‹"   # primary open, close, nested open, close
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TypographyConfig {
    /// The quotation marks that `"` and `'` become in the book's language,
    /// four characters: the primary opening and closing marks, then the
    /// nested ones. Default: the language's own (CLDR), English's for a
    /// language bindery does not know.
    pub quotes: Option<Spanned<String>>,
}

/// Where a `book.toml` was read from, and its text.
#[derive(Debug, Clone, Default)]
struct Source {
    file: PathBuf,
    text: String,
}

/// The `[epub]` table of `book.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EpubConfig {
    /// Carry the book's fonts (the `[pdf]` fonts, by default the built-in
    /// ones) in the EPUB and name them in its style sheet. Default: `false`,
    /// so the reader's own font applies. Readers can still choose another.
    #[serde(default)]
    pub embed_fonts: bool,
    /// Mark where each page of the print edition starts and list the pages,
    /// so readers can find a printed page number. Default: on when the PDF
    /// is made in the same run (`bindery build`, `bindery pack`); `true`
    /// makes `bindery epub` lay out the PDF for them too; `false` leaves
    /// them out.
    #[serde(default)]
    pub page_list: Option<bool>,
    /// The heading level chapters are split at into files of their own:
    /// 1 keeps a chapter in one file, 2 starts a file at each `##`, 3 at
    /// each `##` and `###`. Default: 1. A file that would still be larger
    /// than about 250 KB is split at the next levels down, then between
    /// blocks, whatever the setting.
    pub split_level: Option<Spanned<u8>>,
}

/// The `[pdf]` table of `book.toml`.
///
/// ```toml
/// [pdf]
/// paragraph = "indent"          # or "spaced"
/// fonts = { regular = "fonts/MyFace-Regular.otf", mono = "fonts/MyMono.ttf" }
/// trim = "6x9in"                # or "5.5x8.5in", "a4", "a5", "letter", "150x220mm"
/// inside-margin = "0.875in"     # lengths in in, mm or pt
/// font-size = 10.5              # points
/// leading = 13.5                # points, baseline to baseline
/// bleed = "0.125in"
/// crop-marks = true
/// profile = "print"             # or "screen"
/// recto-chapters = true
/// standards = ["pdf/x-4"]     # or "pdf/a-2b", "pdf/a-2u", "pdf/a-2a", "pdf/ua-1"
/// paper = "cream"             # or "white", or a thickness such as "0.0023in"
/// hyphenation-exceptions = ["Rus-sian", "present"]
/// optical-margins = false
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PdfConfig {
    /// How paragraphs are told apart: `"indent"` (a first-line indent, as
    /// books do) or `"spaced"` (a blank half line between them). Default: indent.
    pub paragraph: Option<ParagraphStyle>,
    /// Font files to use instead of the built-in faces, relative to the
    /// manuscript folder. Default: Linux Libertine O, DejaVu Sans Mono for
    /// code (Noto Mono for characters it lacks), DejaVu Serif for characters
    /// the others lack.
    #[serde(default)]
    pub fonts: FontPaths,
    /// The trimmed page size: `"6x9in"` (US trade, the default),
    /// `"5.5x8.5in"`, `"a4"`, `"a5"`, `"letter"`, or width × height with a
    /// unit, such as `"150x220mm"`.
    pub trim: Option<Spanned<PageSize>>,
    /// The margin at the spine (the gutter). Default: 0.875in.
    pub inside_margin: Option<Spanned<Length>>,
    /// The margin at the fore-edge. Default: 0.625in.
    pub outside_margin: Option<Spanned<Length>>,
    /// The margin above the text block; the running head sits in it. Default: 0.75in.
    pub top_margin: Option<Spanned<Length>>,
    /// The margin below the text block. Default: 0.875in.
    pub bottom_margin: Option<Spanned<Length>>,
    /// The body text's size in points. Default: 10.5.
    pub font_size: Option<Spanned<f32>>,
    /// The distance between body baselines in points. Default: 1.3 × font-size.
    pub leading: Option<Spanned<f32>>,
    /// How far the printed area runs past the trim for a print shop, such as
    /// `"0.125in"`, at most [`MAX_BLEED`]. Default: none.
    pub bleed: Option<Spanned<Length>>,
    /// Whether to draw crop marks outside the trim. Default: false.
    #[serde(default)]
    pub crop_marks: bool,
    /// `"screen"` (outline, links and metadata; the default) or `"print"`
    /// (what print-on-demand services accept: no annotations or outline).
    pub profile: Option<Profile>,
    /// Whether chapters always open on a right-hand page, with a blank left
    /// page before when needed. Default: false.
    #[serde(default)]
    pub recto_chapters: bool,
    /// How highlighted code is printed: `"print"` (greys, bold and
    /// oblique; the default) or `"colour"`.
    pub code_theme: Option<CodeTheme>,
    /// The standards the PDF follows and claims: any compatible set of
    /// `"pdf/x-4"` (print only), one of `"pdf/a-2b"`, `"pdf/a-2u"` and
    /// `"pdf/a-2a"`, and `"pdf/ua-1"`. Default: `["pdf/x-4", "pdf/ua-1"]`
    /// for print, `["pdf/ua-1"]` for the screen; `[]` claims none.
    pub standards: Option<Spanned<Vec<Spanned<String>>>>,
    /// The paper the interior is printed on, for the wrap cover's spine:
    /// `"white"` (0.002252 in a page), `"cream"` (0.0025 in) or a
    /// thickness a page such as `"0.0023in"`. Default: white.
    pub paper: Option<Spanned<Paper>>,
    /// Words hyphenated as written here instead of by the language's
    /// patterns: `"Rus-sian"` breaks only there, `"present"` never.
    #[serde(default)]
    pub hyphenation_exceptions: Vec<String>,
    /// Whether punctuation at the ends of justified lines (hyphens, dashes,
    /// periods, commas, quotes) hangs into the margins by part of its
    /// width, so that the edges look straight. Default: true.
    pub optical_margins: Option<bool>,
}

/// The paper of a printed book, by the thickness of one page (a leaf
/// printed on both sides counts as two pages, as printers count).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub struct Paper {
    /// A page's thickness in points.
    pub thickness: f32,
}

/// KDP's white paper: 0.002252 in a page.
const WHITE_PAPER: f32 = 0.002_252 * 72.0;
/// KDP's cream paper: 0.0025 in a page.
const CREAM_PAPER: f32 = 0.0025 * 72.0;

impl Default for Paper {
    fn default() -> Paper {
        Paper {
            thickness: WHITE_PAPER,
        }
    }
}

impl TryFrom<String> for Paper {
    type Error = BadValue;

    fn try_from(text: String) -> Result<Paper, BadValue> {
        let thickness = match text.trim().to_ascii_lowercase().as_str() {
            "white" => WHITE_PAPER,
            "cream" => CREAM_PAPER,
            _ => {
                let bad = |why: &str| BadValue::new(ValueKind::Paper, format!("`{text}` {why}"));
                let length = Length::try_from(text.clone())
                    .map_err(|_| bad("is not a paper: \"white\", \"cream\" or a thickness"))?;
                // Book papers run from about 0.0015 to 0.006 in a page.
                if !(0.001 * 72.0..=0.01 * 72.0).contains(&length.points()) {
                    return Err(bad(
                        "is not a page's thickness: papers are 0.001 to 0.01 in",
                    ));
                }
                length.points()
            }
        };
        Ok(Paper { thickness })
    }
}

/// A standard a PDF can follow, as `[pdf] standards` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standard {
    /// PDF/X-4 (ISO 15930-7): for a printer.
    PdfX4,
    /// PDF/A-2b (ISO 19005-2, level b): looks the same in years to come.
    PdfA2b,
    /// PDF/A-2u: level b, and every character maps to Unicode.
    PdfA2u,
    /// PDF/A-2a: level u, and tagged.
    PdfA2a,
    /// PDF/UA-1 (ISO 14289-1): accessible.
    PdfUa1,
}

impl Standard {
    /// Every standard, by the name `book.toml` gives it.
    pub const ALL: [(&'static str, Standard); 5] = [
        ("pdf/x-4", Standard::PdfX4),
        ("pdf/a-2b", Standard::PdfA2b),
        ("pdf/a-2u", Standard::PdfA2u),
        ("pdf/a-2a", Standard::PdfA2a),
        ("pdf/ua-1", Standard::PdfUa1),
    ];

    /// The name `book.toml` gives it.
    pub fn name(self) -> &'static str {
        Standard::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map_or("", |(name, _)| name)
    }
}

/// The PDF/A conformance level asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfA {
    /// Level b: the look is kept.
    B,
    /// Level u: and the text, as Unicode.
    U,
    /// Level a: and the structure, tagged.
    A,
}

impl PdfA {
    /// The conformance letter of `pdfaid:conformance`.
    pub fn letter(self) -> &'static str {
        match self {
            PdfA::B => "B",
            PdfA::U => "U",
            PdfA::A => "A",
        }
    }
}

/// The standards one PDF follows, checked to go together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standards {
    /// PDF/X-4: a grey output intent, boxes, no RGB, no annotations.
    pub pdf_x4: bool,
    /// PDF/A-2 at a level.
    pub pdf_a: Option<PdfA>,
    /// PDF/UA-1 (claimed only when nothing in the book stands in the way).
    pub pdf_ua: bool,
}

impl Standards {
    /// What a profile follows when `standards` is not given.
    pub fn default_for(profile: Profile) -> Standards {
        Standards {
            pdf_x4: profile == Profile::Print,
            pdf_a: None,
            pdf_ua: true,
        }
    }

    /// Whether any standard asks for an output intent.
    pub fn has_intent(self) -> bool {
        self.pdf_x4 || self.pdf_a.is_some()
    }
}

/// How the PDF prints highlighted code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeTheme {
    /// Greys with bold and oblique faces, for a black-and-white page.
    #[default]
    Print,
    /// Colours (with the same faces), for a screen or a colour printer.
    #[serde(alias = "color")]
    Colour,
}

/// Who the PDF is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Reading on a screen: outline, links and metadata.
    #[default]
    Screen,
    /// A print shop: no annotations or outline, bleed and crop marks when asked.
    Print,
}

/// Points in a unit of length.
fn unit_points(unit: &str) -> Option<f32> {
    match unit {
        "in" => Some(72.0),
        "mm" => Some(72.0 / 25.4),
        "cm" => Some(72.0 / 2.54),
        "pt" => Some(1.0),
        _ => None,
    }
}

/// A number and the unit after it (`"0.75in"`, `"6x9in"` gives `"6x9"`, `"in"`).
fn split_unit(text: &str) -> (&str, &str) {
    let number = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    (number.trim(), &text[number.len()..])
}

/// A length of `book.toml`, such as `"0.75in"`, `"18mm"`, `"1.5cm"` or
/// `"54pt"`: never negative, read once when the file is.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Deserialize)]
#[serde(try_from = "String")]
pub struct Length(f32);

impl Length {
    /// The length in points.
    pub fn points(self) -> f32 {
        self.0
    }
}

impl TryFrom<String> for Length {
    type Error = BadValue;

    fn try_from(text: String) -> Result<Length, BadValue> {
        let (number, unit) = split_unit(text.trim());
        let value = number.parse::<f32>().ok().filter(|v| v.is_finite());
        match (value, unit_points(unit.trim())) {
            (Some(value), Some(scale)) if value >= 0.0 => Ok(Length(value * scale)),
            (Some(_), Some(_)) => Err(BadValue::new(
                ValueKind::Length,
                format!("`{text}` is a negative length"),
            )),
            _ => Err(BadValue::new(
                ValueKind::Length,
                format!("`{text}` is not a length"),
            )),
        }
    }
}

/// The trimmed page size of `book.toml`: a name (`"a4"`, `"a5"`,
/// `"letter"`) or width × height with a unit (`"6x9in"`, `"150x220mm"`),
/// each side between 1 and 197 inches (the largest PDF allows, less room for bleed).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub struct PageSize {
    /// The width in points.
    pub width: f32,
    /// The height in points.
    pub height: f32,
}

/// The shortest side of a page, in points: an inch.
const MIN_SIDE: f32 = 72.0;
/// The longest side of a page, in points: 197 inches and a little, so
/// that with the widest bleed ([`MAX_BLEED`]) and the crop marks' room
/// around it the sheet stays within PDF's limit of 200 inches.
const MAX_SIDE: f32 = 14_200.0;

impl TryFrom<String> for PageSize {
    type Error = BadValue;

    fn try_from(text: String) -> Result<PageSize, BadValue> {
        let mm = 72.0 / 25.4;
        let named = |width: f32, height: f32| Ok(PageSize { width, height });
        match text.trim().to_ascii_lowercase().as_str() {
            "a4" => named(210.0 * mm, 297.0 * mm),
            "a5" => named(148.0 * mm, 210.0 * mm),
            "letter" => named(612.0, 792.0),
            other => {
                let bad =
                    || BadValue::new(ValueKind::PageSize, format!("`{text}` is not a page size"));
                let (numbers, unit) = split_unit(other);
                let (w, h) = numbers.split_once(['x', '×']).ok_or_else(bad)?;
                let scale = unit_points(unit.trim()).ok_or_else(bad)?;
                let side = |v: &str| {
                    v.trim()
                        .parse::<f32>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .map(|v| v * scale)
                };
                let (width, height) = side(w).zip(side(h)).ok_or_else(bad)?;
                let fits = |v: f32| (MIN_SIDE..=MAX_SIDE).contains(&v);
                if !(fits(width) && fits(height)) {
                    return Err(BadValue::new(
                        ValueKind::PageSize,
                        format!(
                            "the page size `{text}` is {width:.0} × {height:.0} pt; each side \
                             must be between 1 and 197 inches"
                        ),
                    ));
                }
                Ok(PageSize { width, height })
            }
        }
    }
}

/// The largest bleed accepted: an inch. Print shops ask for 3 mm to a
/// quarter inch; an inch more is a typing mistake, and it keeps the bleed
/// inside the smallest page.
pub const MAX_BLEED: f32 = 72.0;

impl PdfConfig {
    fn check(&self, source: &Source) -> Result<(), Error> {
        if let Some(bleed) = &self.bleed
            && bleed.get_ref().points() > MAX_BLEED
        {
            return Err(Error::new(
                "bad-length",
                Some(source.place(bleed.span())),
                format!(
                    "a bleed of {:.1} pt is more than the {MAX_BLEED:.0} pt (1 in) bindery \
                     accepts",
                    bleed.get_ref().points()
                ),
            )
            .with_hint("print shops ask for 3 mm or 0.125in: write bleed = \"0.125in\""));
        }
        for (key, value, range) in [
            ("font-size", &self.font_size, 5.0..=36.0),
            ("leading", &self.leading, 5.0..=72.0),
        ] {
            if let Some(value) = value
                && !range.contains(value.get_ref())
            {
                return Err(Error::new(
                    "bad-size",
                    Some(source.place(value.span())),
                    format!(
                        "{key} must be between {} and {} points, not {}",
                        range.start(),
                        range.end(),
                        value.get_ref()
                    ),
                ));
            }
        }
        self.read_standards(source)?;
        Ok(())
    }

    /// The standards the PDF follows: `[pdf] standards`, or the profile's
    /// default. `book.toml` was checked as it was read, so the names here
    /// are known and go together.
    pub fn standards(&self) -> Standards {
        self.read_standards(&Source::default())
            .unwrap_or_else(|_| Standards::default_for(self.profile.unwrap_or_default()))
    }

    /// Reads `[pdf] standards`, refusing an unknown name, a second PDF/A
    /// level and PDF/X-4 on the screen, each at its place.
    fn read_standards(&self, source: &Source) -> Result<Standards, Error> {
        let profile = self.profile.unwrap_or_default();
        let Some(names) = &self.standards else {
            return Ok(Standards::default_for(profile));
        };
        let mut standards = Standards::default();
        let mut level: Option<&Spanned<String>> = None;
        for name in names.get_ref() {
            let text = name.get_ref().trim().to_ascii_lowercase();
            let at = || Some(source.place(name.span()));
            let Some((_, standard)) = Standard::ALL.iter().find(|(n, _)| *n == text) else {
                let known: Vec<&str> = Standard::ALL.iter().map(|(n, _)| *n).collect();
                let hint = match closest(&text, &known) {
                    Some(best) => format!("did you mean \"{best}\"?"),
                    None => format!("bindery knows {}", known.join(", ")),
                };
                return Err(Error::new(
                    "unknown-standard",
                    at(),
                    format!("`{}` is not a standard bindery follows", name.get_ref()),
                )
                .with_hint(hint));
            };
            let pdf_a = |letter| {
                if let Some(first) = level.filter(|first| first.get_ref().trim() != text) {
                    return Err(Error::new(
                        "incompatible-standards",
                        at(),
                        format!(
                            "a PDF follows one level of PDF/A: `{}` and `{}` were both given",
                            first.get_ref(),
                            name.get_ref()
                        ),
                    )
                    .with_hint("keep one: pdf/a-2a includes 2u, which includes 2b"));
                }
                Ok(Some(letter))
            };
            match standard {
                Standard::PdfX4 if profile == Profile::Screen => {
                    return Err(Error::new(
                        "incompatible-standards",
                        at(),
                        "PDF/X-4 is for a printer, and the PDF's profile is the screen's",
                    )
                    .with_hint("set profile = \"print\" in [pdf], or leave pdf/x-4 out"));
                }
                Standard::PdfX4 => standards.pdf_x4 = true,
                Standard::PdfA2b => standards.pdf_a = pdf_a(PdfA::B)?,
                Standard::PdfA2u => standards.pdf_a = pdf_a(PdfA::U)?,
                Standard::PdfA2a => standards.pdf_a = pdf_a(PdfA::A)?,
                Standard::PdfUa1 => standards.pdf_ua = true,
            }
            if standards.pdf_a.is_some() && level.is_none() {
                level = Some(name);
            }
        }
        Ok(standards)
    }
}

/// The kinds of value `book.toml` writes as text and bindery reads into a
/// type: each has its error code and hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A [`Length`].
    Length,
    /// A [`PageSize`].
    PageSize,
    /// A [`Date`].
    Date,
    /// A [`Paper`].
    Paper,
}

impl ValueKind {
    const ALL: [ValueKind; 4] = [
        ValueKind::Length,
        ValueKind::PageSize,
        ValueKind::Date,
        ValueKind::Paper,
    ];

    fn code(self) -> &'static str {
        match self {
            ValueKind::Length => "bad-length",
            ValueKind::PageSize => "bad-trim",
            ValueKind::Date => "bad-date",
            ValueKind::Paper => "bad-paper",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            ValueKind::Length => "write a number and a unit: in, mm, cm or pt, e.g. \"0.75in\"",
            ValueKind::PageSize => {
                "use \"6x9in\", \"5.5x8.5in\", \"a4\", \"a5\", \"letter\" or e.g. \"150x220mm\""
            }
            ValueKind::Date => "write the date as YYYY, YYYY-MM or YYYY-MM-DD, e.g. \"2026-11-25\"",
            ValueKind::Paper => {
                "write \"white\" (0.002252in a page), \"cream\" (0.0025in) or a thickness such \
                 as \"0.0023in\""
            }
        }
    }
}

/// Why the text of a setting is not a value of its type. serde hands an
/// error on as text only, so this displays as its kind's code, a separator
/// and the sentence, and [`toml_error`] reads the two back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadValue {
    kind: ValueKind,
    message: String,
}

/// Separates a [`BadValue`]'s code from its sentence in serde's error text.
const BAD_VALUE_MARK: char = '\u{1f}';

impl BadValue {
    /// A value of `kind` that cannot be read, with the sentence saying why.
    pub fn new(kind: ValueKind, message: impl Into<String>) -> BadValue {
        BadValue {
            kind,
            message: message.into(),
        }
    }

    /// The error, at the value's place.
    fn error(&self, place: Option<Place>) -> Error {
        Error::new(self.kind.code(), place, self.message.clone()).with_hint(self.kind.hint())
    }

    /// Reads back what [`BadValue`]'s `Display` wrote.
    fn from_text(text: &str) -> Option<BadValue> {
        let (code, message) = text
            .strip_prefix(BAD_VALUE_MARK)?
            .split_once(BAD_VALUE_MARK)?;
        let kind = ValueKind::ALL.into_iter().find(|k| k.code() == code)?;
        Some(BadValue::new(kind, message))
    }
}

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = BAD_VALUE_MARK;
        write!(f, "{mark}{}{mark}{}", self.kind.code(), self.message)
    }
}

/// How paragraphs are told apart in the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParagraphStyle {
    /// A first-line indent, none after headings.
    Indent,
    /// Space between paragraphs and no indent.
    Spaced,
}

/// The `[pdf] fonts` table: one OpenType or TrueType file per face; a face
/// left out keeps the built-in one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FontPaths {
    /// The upright book face.
    pub regular: Option<Spanned<String>>,
    /// The italic.
    pub italic: Option<Spanned<String>>,
    /// The bold.
    pub bold: Option<Spanned<String>>,
    /// The bold italic.
    pub bold_italic: Option<Spanned<String>>,
    /// The monospace face for code.
    pub mono: Option<Spanned<String>>,
    /// The face for characters the others lack.
    pub fallback: Option<Spanned<String>>,
    /// The bold monospace face, for highlighted code; default: `mono`'s
    /// file when that is given.
    pub mono_bold: Option<Spanned<String>>,
    /// The oblique monospace face, for highlighted code; default: `mono`'s
    /// file when that is given.
    pub mono_italic: Option<Spanned<String>>,
    /// The face for characters the monospace faces lack, before `fallback`.
    pub mono_fallback: Option<Spanned<String>>,
}

impl FontPaths {
    /// The paths in face order (regular, italic, bold, bold italic, mono,
    /// fallback, mono bold, mono italic, mono fallback), each with its place
    /// in `book.toml`. A given `mono` stands for the bold and oblique
    /// monospace faces not given, so that code keeps one face's columns.
    pub fn in_order(&self) -> [Option<&Spanned<String>>; crate::pdf::fonts::FACES] {
        let mono = self.mono.as_ref();
        [
            self.regular.as_ref(),
            self.italic.as_ref(),
            self.bold.as_ref(),
            self.bold_italic.as_ref(),
            mono,
            self.fallback.as_ref(),
            self.mono_bold.as_ref().or(mono),
            self.mono_italic.as_ref().or(mono),
            self.mono_fallback.as_ref(),
        ]
    }
}

/// The default of [`Config::toc_depth`].
pub const DEFAULT_TOC_DEPTH: u8 = 3;

impl Config {
    /// Parses and checks the text of a `book.toml`; `file` names it in errors.
    pub fn parse(text: &str, file: &Path) -> Result<Config, Error> {
        let mut config: Config =
            toml::from_str(text).map_err(|err| toml_error(text, file, &err))?;
        config.source = Source {
            file: file.to_path_buf(),
            text: text.to_string(),
        };
        config.check()?;
        Ok(config)
    }

    /// Reads and checks settings from a table of a TOML document already
    /// parsed, such as an mdBook's `[output.bindery]`: the spans in `table`
    /// are offsets into `text`, the contents of `file`, so errors name the
    /// document's own lines.
    pub fn from_table(
        table: Spanned<toml::de::DeTable<'_>>,
        text: &str,
        file: &Path,
    ) -> Result<Config, Error> {
        let mut config = Config::deserialize(toml::de::Deserializer::from(table))
            .map_err(|err| toml_error(text, file, &err))?;
        config.source = Source {
            file: file.to_path_buf(),
            text: text.to_string(),
        };
        config.check()?;
        Ok(config)
    }

    /// The file, line and column of a value of this `book.toml`, from its span.
    pub fn place(&self, span: Range<usize>) -> Place {
        self.source.place(span)
    }

    /// The place of a top-level `key = …` line of this `book.toml`, for a
    /// value read without its span (such as `description`); the file's
    /// top when no line gives the key.
    pub fn key_place(&self, key: &str) -> Place {
        let mut offset = 0;
        for line in self.source.text.split_inclusive('\n') {
            if line
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
            {
                return self.place(offset..offset);
            }
            offset += line.len();
        }
        self.top()
    }

    /// The place of the file itself, line 1, for what no key holds.
    pub fn top(&self) -> Place {
        Place::at(&self.source.file, 1, 1)
    }

    /// The table of contents depth, with its default.
    pub fn toc_depth(&self) -> u8 {
        self.toc_depth
            .as_ref()
            .map_or(DEFAULT_TOC_DEPTH, |d| *d.get_ref())
    }

    /// The heading level chapters are split at in the EPUB, with its default.
    pub fn split_level(&self) -> u8 {
        self.epub.split_level.as_ref().map_or(1, |l| *l.get_ref())
    }

    fn check(&self) -> Result<(), Error> {
        let at = |span: Range<usize>| Some(self.place(span));
        if self.title.get_ref().trim().is_empty() {
            return Err(
                Error::new("empty-title", at(self.title.span()), "the title is empty")
                    .with_hint("write the book's title, e.g. title = \"My Book\""),
            );
        }
        if !is_language_tag(self.language.get_ref()) {
            return Err(Error::new(
                "bad-language",
                at(self.language.span()),
                format!("`{}` is not a language tag", self.language.get_ref()),
            )
            .with_hint("use a BCP 47 tag such as \"en\", \"en-GB\" or \"de\""));
        }
        let names = self.authors.as_ref().map_or(&[][..], |a| a.get_ref());
        if let Some(blank) = names.iter().find(|name| name.get_ref().trim().is_empty()) {
            return Err(Error::new(
                "empty-author",
                at(blank.span()),
                "an author's name is blank",
            )
            .with_hint(
                "write the name, or remove the entry; authors = [] says the work names no author",
            ));
        }
        if let Some(depth) = &self.toc_depth
            && !(1..=6).contains(depth.get_ref())
        {
            return Err(Error::new(
                "bad-toc-depth",
                at(depth.span()),
                format!("toc-depth must be between 1 and 6, not {}", depth.get_ref()),
            ));
        }
        if let Some(level) = &self.epub.split_level
            && !(1..=3).contains(level.get_ref())
        {
            return Err(Error::new(
                "bad-split-level",
                at(level.span()),
                format!("split-level must be 1, 2 or 3, not {}", level.get_ref()),
            )
            .with_hint("1 keeps each chapter in one file, 2 splits at ## headings, 3 at ### too"));
        }
        if let Some(quotes) = &self.typography.quotes
            && crate::lang::quotes::Marks::parse(quotes.get_ref()).is_none()
        {
            return Err(Error::new(
                "bad-quotes",
                at(quotes.span()),
                format!("`{}` is not four quotation marks", quotes.get_ref()),
            )
            .with_hint("write the opening and closing marks, then the nested ones: \"„“‚‘\""));
        }
        self.pdf.check(&self.source)
    }
}

impl Config {
    /// How the book's text is set: its language and `[typography]`.
    pub fn typography(&self) -> crate::lang::quotes::Typography {
        crate::lang::quotes::Typography {
            language: self.language.get_ref().clone(),
            quotes: self
                .typography
                .quotes
                .as_ref()
                .and_then(|q| crate::lang::quotes::Marks::parse(q.get_ref())),
        }
    }
}

impl Source {
    fn place(&self, span: Range<usize>) -> Place {
        place(&self.text, &self.file, span.start)
    }
}

/// Turns a TOML or serde error into one that names the line and, for an
/// unknown key, the closest known key.
pub(crate) fn toml_error(text: &str, file: &Path, err: &toml::de::Error) -> Error {
    let where_ = err.span().map(|span| place(text, file, span.start));
    let message = err.message().trim();
    if let Some(bad) = BadValue::from_text(message) {
        return bad.error(where_);
    }
    if let Some((key, expected)) = unknown_field(message) {
        let hint = match closest(key, &expected) {
            Some(best) => format!("did you mean `{best}`?"),
            None if expected.is_empty() => "this table takes no keys yet".to_string(),
            None => format!("known keys here: {}", expected.join(", ")),
        };
        return Error::new("unknown-key", where_, format!("unknown key `{key}`")).with_hint(hint);
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        let field = field.to_string();
        let example = match field.as_str() {
            "title" => "title = \"My Book\"",
            "language" => "language = \"en\"",
            _ => "",
        };
        let top = Some(Place::at(file, 1, 1));
        let err = Error::new(
            "missing-key",
            top,
            format!("the required key `{field}` is missing"),
        );
        return if example.is_empty() {
            err
        } else {
            err.with_hint(format!("add a line such as {example}"))
        };
    }
    Error::new("bad-toml", where_, message.replace('\n', " "))
        .with_hint("see the book.toml keys in the README")
}

/// Reads serde's "unknown field `x`, expected one of `a`, `b`" message.
fn unknown_field(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).collect::<Vec<_>>();
    Some((key, expected))
}

/// The known key nearest to `key`, if any is near enough to be a typo.
fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(key, k), *k))
        .filter(|(distance, k)| *distance <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

/// The line and column of byte `offset` of `text`, the contents of `file`.
pub(crate) fn place(text: &str, file: &Path, offset: usize) -> Place {
    let (line, col) = LineIndex::new(text).line_col(offset);
    Place::at(file, line, col)
}

/// RFC 5646's irregular grandfathered tags: well-formed, though they do not
/// follow the grammar.
const IRREGULAR_TAGS: [&str; 17] = [
    "en-GB-oed",
    "i-ami",
    "i-bnn",
    "i-default",
    "i-enochian",
    "i-hak",
    "i-klingon",
    "i-lux",
    "i-mingo",
    "i-navajo",
    "i-pwn",
    "i-tao",
    "i-tay",
    "i-tsu",
    "sgn-BE-FR",
    "sgn-BE-NL",
    "sgn-CH-DE",
];

/// Whether `tag` is a well-formed BCP 47 language tag (RFC 5646's
/// `langtag` or a private-use tag): a language of 2–3 letters (with up to
/// three 3-letter extended subtags), 4 or 5–8 letters; then an optional
/// script (4 letters), region (2 letters or 3 digits), variants (5–8
/// letters or digits, or a digit and 3 more), extensions (a singleton and
/// subtags of 2–8) and private use (`x` and subtags of 1–8). EPUBCheck
/// refuses tags that are not (OPF-092), such as `en-a`.
pub fn is_language_tag(tag: &str) -> bool {
    if IRREGULAR_TAGS.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
        return true;
    }
    let alpha = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
    };
    let alnum = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    let digits = |s: &str| s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit());
    let variant =
        |s: &str| alnum(s, 5..=8) || (alnum(s, 4..=4) && s.as_bytes()[0].is_ascii_digit());
    let parts: Vec<&str> = tag.split('-').collect();
    let mut rest = parts.as_slice();
    let private = |rest: &[&str]| !rest.is_empty() && rest.iter().all(|s| alnum(s, 1..=8));
    if let [x, after @ ..] = rest
        && x.eq_ignore_ascii_case("x")
    {
        return private(after);
    }
    let Some((language, after)) = rest.split_first() else {
        return false;
    };
    if !alpha(language, 2..=8) {
        return false;
    }
    rest = after;
    if language.len() <= 3 {
        let extlangs = rest.iter().take(3).take_while(|s| alpha(s, 3..=3)).count();
        rest = &rest[extlangs..];
    }
    if rest.first().is_some_and(|s| alpha(s, 4..=4)) {
        rest = &rest[1..];
    }
    if rest.first().is_some_and(|s| alpha(s, 2..=2) || digits(s)) {
        rest = &rest[1..];
    }
    while rest.first().is_some_and(|s| variant(s)) {
        rest = &rest[1..];
    }
    while let [singleton, after @ ..] = rest
        && alnum(singleton, 1..=1)
        && !singleton.eq_ignore_ascii_case("x")
    {
        let subtags = after.iter().take_while(|s| alnum(s, 2..=8)).count();
        if subtags == 0 {
            return false;
        }
        rest = &after[subtags..];
    }
    match rest {
        [] => true,
        [x, after @ ..] if x.eq_ignore_ascii_case("x") => private(after),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Error> {
        Config::parse(text, Path::new("book.toml"))
    }

    #[test]
    fn minimal_config_parses_with_defaults() {
        let config = parse("title = \"T\"\nlanguage = \"en\"\n").unwrap();
        assert_eq!(config.title.get_ref(), "T");
        assert_eq!(config.toc_depth(), DEFAULT_TOC_DEPTH);
        assert!(config.authors.is_none());
    }

    #[test]
    fn unknown_key_names_line_and_suggestion() {
        let err = parse("title = \"T\"\nlanguage = \"en\"\nautors = [\"A\"]\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("book.toml:3:1"), "{text}");
        assert!(text.contains("unknown key `autors`"), "{text}");
        assert!(text.contains("did you mean `authors`?"), "{text}");
    }

    #[test]
    fn unknown_key_in_a_table() {
        let err = parse("title = \"T\"\nlanguage = \"en\"\n[pdf]\nsize = 1\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("book.toml:4:1: unknown key `size`"),
            "{err}"
        );
    }

    #[test]
    fn pdf_geometry_keys_parse_and_bad_ones_name_their_line() {
        let config = parse(
            "title = \"T\"\nlanguage = \"en\"\n[pdf]\ntrim = \"a5\"\ninside-margin = \"20mm\"\n\
             font-size = 11\nprofile = \"print\"\nrecto-chapters = true\n",
        )
        .unwrap();
        assert_eq!(config.pdf.profile, Some(Profile::Print));
        assert!(config.pdf.recto_chapters);
        let err = parse("title = \"T\"\nlanguage = \"en\"\n[pdf]\ntrim = \"7by9\"\n").unwrap_err();
        assert!(err.to_string().contains("book.toml:4:8"), "{err}");
        let err =
            parse("title = \"T\"\nlanguage = \"en\"\n[pdf]\nbleed = \"3 furlongs\"\n").unwrap_err();
        assert!(err.to_string().contains("book.toml:4:9"), "{err}");
        assert!(err.to_string().contains("not a length"), "{err}");
    }

    fn length(text: &str) -> Result<f32, String> {
        Length::try_from(text.to_string())
            .map(Length::points)
            .map_err(|bad| bad.message)
    }

    fn trim(text: &str) -> Result<(f32, f32), String> {
        PageSize::try_from(text.to_string())
            .map(|p| (p.width, p.height))
            .map_err(|bad| bad.message)
    }

    #[test]
    fn lengths_and_trims() {
        assert_eq!(length("0.75in"), Ok(54.0));
        assert_eq!(length(" 10 pt "), Ok(10.0));
        assert!((length("25.4mm").unwrap() - 72.0).abs() < 1e-3);
        assert_eq!(length("-1in"), Err("`-1in` is a negative length".into()));
        assert_eq!(length("12"), Err("`12` is not a length".into()));
        assert_eq!(length("NaNin"), Err("`NaNin` is not a length".into()));
        assert_eq!(trim("6x9in"), Ok((432.0, 648.0)));
        assert_eq!(trim("letter"), Ok((612.0, 792.0)));
        assert_eq!(trim("6x9"), Err("`6x9` is not a page size".into()));
        assert_eq!(
            trim("0.1x9in"),
            Err(
                "the page size `0.1x9in` is 7 × 648 pt; each side must be between 1 and 197 \
                 inches"
                    .into()
            )
        );
        assert!(trim("6x198in").is_err() && trim("6x197in").is_ok());
    }

    /// The code, place and message of the error `book.toml` text gives.
    fn refused(text: &str) -> (String, String) {
        let err = parse(text).unwrap_err();
        let d = err.diagnostic();
        let place = d
            .place
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        (format!("{} {place}", d.code), d.message.clone())
    }

    #[test]
    fn settings_are_read_into_types_and_bad_ones_name_their_value() {
        let head = "title = \"T\"\nlanguage = \"en\"\n";
        let config = parse(&format!(
            "{head}date = \"2024-02-29\"\n[pdf]\nbleed = \"3mm\"\n"
        ))
        .unwrap();
        assert_eq!(config.date.unwrap().get_ref().to_string(), "2024-02-29");
        assert!((config.pdf.bleed.unwrap().get_ref().points() - 8.5).abs() < 0.01);
        for (text, code, message) in [
            (
                "date = \"2026-02-30\"\n",
                "bad-date book.toml:3:8",
                "`2026-02-30` is not a date: February 2026 has 28 days",
            ),
            (
                "date = \"0000\"\n",
                "bad-date book.toml:3:8",
                "`0000` is not a date: years run from 0001 to 9999",
            ),
            (
                "[pdf]\ntop-margin = \"-1in\"\n",
                "bad-length book.toml:4:14",
                "`-1in` is a negative length",
            ),
            (
                "[pdf]\nbleed = \"10in\"\n",
                "bad-length book.toml:4:9",
                "a bleed of 720.0 pt is more than the 72 pt (1 in) bindery accepts",
            ),
            (
                "[pdf]\ntrim = \"7by9\"\n",
                "bad-trim book.toml:4:8",
                "`7by9` is not a page size",
            ),
            (
                "[epub]\nsplit-level = 4\n",
                "bad-split-level book.toml:4:15",
                "split-level must be 1, 2 or 3, not 4",
            ),
            (
                "authors = [\"A\", \" \"]\n",
                "empty-author book.toml:3:17",
                "an author's name is blank",
            ),
        ] {
            assert_eq!(
                refused(&format!("{head}{text}")),
                (code.to_string(), message.to_string()),
                "{text}"
            );
        }
    }

    #[test]
    fn standards_default_by_profile_and_bad_ones_name_their_line() {
        let head = "title = \"T\"\nlanguage = \"en\"\n[pdf]\n";
        let standards = |text: &str| parse(&format!("{head}{text}")).unwrap().pdf.standards();
        let print = standards("profile = \"print\"\n");
        assert!(print.pdf_x4 && print.pdf_ua && print.pdf_a.is_none());
        let screen = standards("");
        assert!(!screen.pdf_x4 && screen.pdf_ua);
        let archive = standards("standards = [\"pdf/a-2u\", \"PDF/UA-1\"]\n");
        assert_eq!(archive.pdf_a, Some(PdfA::U));
        assert!(archive.pdf_ua && !archive.pdf_x4);
        let both = standards("profile = \"print\"\nstandards = [\"pdf/x-4\", \"pdf/a-2b\"]\n");
        assert!(both.pdf_x4 && !both.pdf_ua && both.pdf_a == Some(PdfA::B));
        assert_eq!(standards("standards = []\n"), Standards::default());
        for (text, code, message) in [
            (
                "standards = [\"pdf/x-3\"]\n",
                "unknown-standard book.toml:4:14",
                "`pdf/x-3` is not a standard bindery follows",
            ),
            (
                "standards = [\"pdf/a-2b\", \"pdf/a-2a\"]\n",
                "incompatible-standards book.toml:4:26",
                "a PDF follows one level of PDF/A: `pdf/a-2b` and `pdf/a-2a` were both given",
            ),
            (
                "standards = [\"pdf/x-4\"]\n",
                "incompatible-standards book.toml:4:14",
                "PDF/X-4 is for a printer, and the PDF's profile is the screen's",
            ),
            (
                "paper = \"glossy\"\n",
                "bad-paper book.toml:4:9",
                "`glossy` is not a paper: \"white\", \"cream\" or a thickness",
            ),
            (
                "paper = \"1in\"\n",
                "bad-paper book.toml:4:9",
                "`1in` is not a page's thickness: papers are 0.001 to 0.01 in",
            ),
        ] {
            assert_eq!(
                refused(&format!("{head}{text}")),
                (code.to_string(), message.to_string()),
                "{text}"
            );
        }
        let err = parse(&format!("{head}standards = [\"pdf/a2u\"]\n")).unwrap_err();
        assert!(
            err.to_string().contains("did you mean \"pdf/a-2u\"?"),
            "{err}"
        );
    }

    #[test]
    fn a_key_without_a_span_is_found_by_its_line() {
        let config = parse(
            "title = \"T\"\nlanguage = \"en\"\ndescription = \"D\"\n[pdf]\nprofile = \"print\"\n",
        )
        .unwrap();
        assert_eq!(config.key_place("description").to_string(), "book.toml:3:1");
        assert_eq!(config.key_place("profile").to_string(), "book.toml:5:1");
        assert_eq!(config.key_place("top-margin").to_string(), "book.toml:1:1");
    }

    #[test]
    fn paper_is_a_thickness_a_page() {
        let paper = |text: &str| Paper::try_from(text.to_string()).unwrap().thickness / 72.0;
        assert!((paper("white") - 0.002_252).abs() < 1e-7);
        assert!((paper("Cream") - 0.0025).abs() < 1e-7);
        assert!((paper("0.0023in") - 0.0023).abs() < 1e-7);
        assert!((paper("0.06mm") - 0.06 / 25.4).abs() < 1e-7);
    }

    #[test]
    fn missing_title_is_explained() {
        let err = parse("language = \"en\"\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("required key `title` is missing"), "{text}");
        assert!(text.contains("title = \"My Book\""), "{text}");
    }

    #[test]
    fn bad_language_tag_names_its_line() {
        let err = parse("title = \"T\"\nlanguage = \"english language\"\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("book.toml:2:12"), "{text}");
        assert!(text.contains("not a language tag"), "{text}");
    }

    #[test]
    fn toml_syntax_error_has_line_and_column() {
        let err = parse("title = \"T\"\nlanguage = en\n").unwrap_err();
        assert!(err.to_string().contains("book.toml:2:"), "{err}");
    }

    #[test]
    fn language_tags() {
        for good in [
            "en",
            "en-GB",
            "zh-Hant-TW",
            "de-CH-1996",
            "sgn-BE-FR",
            "zh-yue-HK",
            "es-419",
            "sl-rozaj-biske",
            "en-a-bbb-x-a-ccc",
            "x-private",
            "en-12345",
        ] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in [
            "",
            "e",
            "english language",
            "en_GB",
            "en-",
            "12",
            "en-a",
            "en-GB-GB",
            "en-x",
            "x",
            "en-a-b",
            "toolonglang",
            "en--GB",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
