//! `book.toml`: the book's metadata and settings, typed and checked.
//!
//! Every key is declared here with its meaning and default. Unknown keys are
//! errors that name the key, its line and the closest known key, so a typo
//! never silently changes a book.

use crate::error::{Error, LineIndex, Place};
use serde::Deserialize;
use std::ops::Range;
use std::path::Path;
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
    /// then knows the omission is meant.
    pub authors: Option<Spanned<Vec<String>>>,
    /// A unique identifier such as `urn:isbn:9780000000000`. Default: a UUID
    /// derived from the title and authors, stable across rebuilds.
    pub identifier: Option<String>,
    /// The publisher's name.
    pub publisher: Option<String>,
    /// Publication date, ISO 8601: `2026`, `2026-11` or `2026-11-25`.
    pub date: Option<Spanned<String>>,
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
}

/// The `[labels]` table of `book.toml`: any of the words bindery writes,
/// in place of its table for the book's language (English for a language
/// it has none for). `{authors}`, `{publisher}` and `{title}` stand for
/// what a line introduces.
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
    /// The EPUB's accessibility summary. Default: bindery's, in English.
    pub accessibility_summary: Option<String>,
}

impl LabelsConfig {
    /// The labels that have a word in every language's table, in table order.
    pub fn in_order(&self) -> [Option<&String>; 10] {
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
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PdfConfig {
    /// How paragraphs are told apart: `"indent"` (a first-line indent, as
    /// books do) or `"spaced"` (a blank half line between them). Default: indent.
    pub paragraph: Option<ParagraphStyle>,
    /// Font files to use instead of the built-in faces, relative to the
    /// manuscript folder. Default: Linux Libertine O, Noto Mono for code,
    /// DejaVu Serif for characters the others lack.
    #[serde(default)]
    pub fonts: FontPaths,
    /// The trimmed page size: `"6x9in"` (US trade, the default),
    /// `"5.5x8.5in"`, `"a4"`, `"a5"`, `"letter"`, or width × height with a
    /// unit, such as `"150x220mm"`.
    pub trim: Option<Spanned<String>>,
    /// The margin at the spine (the gutter). Default: 0.875in.
    pub inside_margin: Option<Spanned<String>>,
    /// The margin at the fore-edge. Default: 0.625in.
    pub outside_margin: Option<Spanned<String>>,
    /// The margin above the text block; the running head sits in it. Default: 0.75in.
    pub top_margin: Option<Spanned<String>>,
    /// The margin below the text block. Default: 0.875in.
    pub bottom_margin: Option<Spanned<String>>,
    /// The body text's size in points. Default: 10.5.
    pub font_size: Option<Spanned<f32>>,
    /// The distance between body baselines in points. Default: 1.3 × font-size.
    pub leading: Option<Spanned<f32>>,
    /// How far the printed area runs past the trim for a print shop, such as
    /// `"0.125in"`. Default: none.
    pub bleed: Option<Spanned<String>>,
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

/// Reads a length such as `"0.75in"`, `"18mm"` or `"54pt"` as points; `None`
/// when it is not one (or is negative).
pub fn length_points(text: &str) -> Option<f32> {
    let text = text.trim();
    let number = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &text[number.len()..];
    let value: f32 = number.trim().parse().ok()?;
    (value.is_finite() && value >= 0.0).then_some(value * unit_points(unit.trim())?)
}

/// Reads a trim size (a name or `WxHunit`) as width and height in points.
pub fn trim_points(text: &str) -> Option<(f32, f32)> {
    let mm = 72.0 / 25.4;
    match text.trim().to_ascii_lowercase().as_str() {
        "a4" => Some((210.0 * mm, 297.0 * mm)),
        "a5" => Some((148.0 * mm, 210.0 * mm)),
        "letter" => Some((612.0, 792.0)),
        other => {
            let numbers = other.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let unit = &other[numbers.len()..];
            let (w, h) = numbers.split_once(['x', '×'])?;
            let scale = unit_points(unit.trim())?;
            let w: f32 = w.trim().parse().ok()?;
            let h: f32 = h.trim().parse().ok()?;
            let ok = |v: f32| v.is_finite() && v * scale >= 72.0 && v * scale <= 14_400.0;
            (ok(w) && ok(h)).then_some((w * scale, h * scale))
        }
    }
}

impl PdfConfig {
    fn check(&self, text: &str, file: &Path) -> Result<(), Error> {
        let at = |span: Range<usize>| Some(place(text, file, span.start));
        if let Some(trim) = &self.trim
            && trim_points(trim.get_ref()).is_none()
        {
            return Err(Error::new(
                "bad-trim",
                at(trim.span()),
                format!("`{}` is not a page size", trim.get_ref()),
            )
            .with_hint(
                "use \"6x9in\", \"5.5x8.5in\", \"a4\", \"a5\", \"letter\" or e.g. \"150x220mm\"",
            ));
        }
        let lengths = [
            ("inside-margin", &self.inside_margin),
            ("outside-margin", &self.outside_margin),
            ("top-margin", &self.top_margin),
            ("bottom-margin", &self.bottom_margin),
            ("bleed", &self.bleed),
        ];
        for (key, value) in lengths {
            if let Some(value) = value
                && length_points(value.get_ref()).is_none()
            {
                return Err(Error::new(
                    "bad-length",
                    at(value.span()),
                    format!("{key} `{}` is not a length", value.get_ref()),
                )
                .with_hint("write a number and a unit: in, mm, cm or pt, e.g. \"0.75in\""));
            }
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
                    at(value.span()),
                    format!(
                        "{key} must be between {} and {} points, not {}",
                        range.start(),
                        range.end(),
                        value.get_ref()
                    ),
                ));
            }
        }
        Ok(())
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
}

impl FontPaths {
    /// The paths in face order (regular, italic, bold, bold italic, mono,
    /// fallback), each with its place in `book.toml`.
    pub fn in_order(&self) -> [Option<&Spanned<String>>; 6] {
        [
            self.regular.as_ref(),
            self.italic.as_ref(),
            self.bold.as_ref(),
            self.bold_italic.as_ref(),
            self.mono.as_ref(),
            self.fallback.as_ref(),
        ]
    }
}

/// The default of [`Config::toc_depth`].
pub const DEFAULT_TOC_DEPTH: u8 = 3;

impl Config {
    /// Parses and checks the text of a `book.toml`; `file` names it in errors.
    pub fn parse(text: &str, file: &Path) -> Result<Config, Error> {
        let config: Config = toml::from_str(text).map_err(|err| toml_error(text, file, &err))?;
        config.check(text, file)?;
        Ok(config)
    }

    /// The table of contents depth, with its default.
    pub fn toc_depth(&self) -> u8 {
        self.toc_depth
            .as_ref()
            .map_or(DEFAULT_TOC_DEPTH, |d| *d.get_ref())
    }

    fn check(&self, text: &str, file: &Path) -> Result<(), Error> {
        let at = |span: Range<usize>| place(text, file, span.start);
        if self.title.get_ref().trim().is_empty() {
            return Err(Error::new(
                "empty-title",
                Some(at(self.title.span())),
                "the title is empty",
            )
            .with_hint("write the book's title, e.g. title = \"My Book\""));
        }
        if !is_language_tag(self.language.get_ref()) {
            return Err(Error::new(
                "bad-language",
                Some(at(self.language.span())),
                format!("`{}` is not a language tag", self.language.get_ref()),
            )
            .with_hint("use a BCP 47 tag such as \"en\", \"en-GB\" or \"de\""));
        }
        if let Some(date) = &self.date
            && !is_iso_date(date.get_ref())
        {
            return Err(Error::new(
                "bad-date",
                Some(at(date.span())),
                format!("`{}` is not an ISO 8601 date", date.get_ref()),
            )
            .with_hint("write the date as YYYY, YYYY-MM or YYYY-MM-DD, e.g. \"2026-11-25\""));
        }
        if let Some(depth) = &self.toc_depth
            && !(1..=6).contains(depth.get_ref())
        {
            return Err(Error::new(
                "bad-toc-depth",
                Some(at(depth.span())),
                format!("toc-depth must be between 1 and 6, not {}", depth.get_ref()),
            ));
        }
        if let Some(quotes) = &self.typography.quotes
            && crate::lang::quotes::Marks::parse(quotes.get_ref()).is_none()
        {
            return Err(Error::new(
                "bad-quotes",
                Some(at(quotes.span())),
                format!("`{}` is not four quotation marks", quotes.get_ref()),
            )
            .with_hint("write the opening and closing marks, then the nested ones: \"„“‚‘\""));
        }
        self.pdf.check(text, file)
    }

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

/// Turns a TOML or serde error into one that names the line and, for an
/// unknown key, the closest known key.
fn toml_error(text: &str, file: &Path, err: &toml::de::Error) -> Error {
    let where_ = err.span().map(|span| place(text, file, span.start));
    let message = err.message().trim();
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

/// A light check of BCP 47's shape: a 2–3 letter language (or 4–8 for
/// registered ones), then subtags of 1–8 letters or digits.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    let primary_ok =
        matches!(primary.len(), 2..=3 | 5..=8) && primary.chars().all(|c| c.is_ascii_alphabetic());
    primary_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// True for `YYYY`, `YYYY-MM` and `YYYY-MM-DD` with a plausible month and day.
pub fn is_iso_date(date: &str) -> bool {
    let parts: Vec<&str> = date.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
    let in_range = |s: &str, max: u32| s.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v));
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && in_range(m, 12),
        [y, m, d] => {
            digits(y, 4) && digits(m, 2) && digits(d, 2) && in_range(m, 12) && in_range(d, 31)
        }
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

    #[test]
    fn lengths_and_trims() {
        assert_eq!(length_points("0.75in"), Some(54.0));
        assert_eq!(length_points("10pt"), Some(10.0));
        assert!((length_points("25.4mm").unwrap() - 72.0).abs() < 1e-3);
        assert_eq!(length_points("-1in"), None);
        assert_eq!(length_points("12"), None);
        assert_eq!(trim_points("6x9in"), Some((432.0, 648.0)));
        assert_eq!(trim_points("letter"), Some((612.0, 792.0)));
        assert_eq!(trim_points("6x9"), None);
        assert_eq!(trim_points("0.1x9in"), None);
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
        for good in ["en", "en-GB", "zh-Hant-TW", "de-CH-1996", "sgn-BE-FR"] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in ["", "e", "english language", "en_GB", "en-", "12"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn iso_dates() {
        assert!(is_iso_date("2026") && is_iso_date("2026-11") && is_iso_date("2026-11-25"));
        assert!(!is_iso_date("25/11/2026") && !is_iso_date("2026-13-01") && !is_iso_date("26"));
    }
}
