//! Checks of the whole book that no single parsing step can make: images
//! without alt text, empty headings, headings repeated in a chapter, and
//! metadata that stores ask for. The loader runs them, so `build` and
//! `check` report the same findings. [`Report`] is what `bindery check
//! --format json` prints.

use crate::config::Config;
use crate::error::{Diagnostic, Place, Severity};
use crate::model::{Block, BlockKind, Book, ChapterBody, Inline, ReadingStep};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Component, Path};

/// The findings of `bindery check`, in the shape `--format json` prints.
///
/// The format is stable: `version` is 1, fields may be added in later
/// versions but are never renamed, removed or given another meaning without
/// a new version. Every field is always present; unknown values are `null`.
///
/// ```json
/// {
///   "version": 1,
///   "manuscript": "manuscript",
///   "errors": 0,
///   "warnings": 0,
///   "acknowledged": 1,
///   "findings": [
///     {
///       "severity": "warning",
///       "code": "faq-unfinished-answer",
///       "file": "02-faq.md",
///       "line": 40,
///       "column": 1,
///       "message": "the answer to question 7 stops mid-sentence: “The most likely”",
///       "hint": "finish the sentence, or acknowledge the gap …",
///       "acknowledged": true
///     }
///   ]
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The version of this format: 1.
    pub version: u32,
    /// The manuscript folder as it was given (`--manuscript`); each
    /// finding's `file` is relative to it.
    pub manuscript: String,
    /// How many findings are errors.
    pub errors: usize,
    /// How many findings are warnings the manuscript has not acknowledged.
    pub warnings: usize,
    /// How many findings are acknowledged warnings.
    pub acknowledged: usize,
    /// Every finding, ordered by file, line and column.
    pub findings: Vec<Finding>,
}

/// One finding of a [`Report`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `"error"` (nothing can be built) or `"warning"` (the book is built,
    /// but worse than it should be).
    pub severity: Severity,
    /// A short stable name for the kind of finding, such as `broken-link`.
    pub code: &'static str,
    /// The file, relative to the manuscript folder, with `/` between folder
    /// names: `02-faq.md`, `book.toml`. `"."` is the manuscript folder
    /// itself; a file outside it starts with `..` or is absolute. `null`
    /// when the finding concerns no file.
    pub file: Option<String>,
    /// The line, counted from 1; `null` when the finding is about a whole file.
    pub line: Option<u32>,
    /// The column in characters, counted from 1; `null` with `line`.
    pub column: Option<u32>,
    /// What is wrong, as one sentence.
    pub message: String,
    /// What to do about it, or `null`.
    pub hint: Option<String>,
    /// `true` for a warning the manuscript acknowledges (an editor's note
    /// after an unfinished FAQ answer): it is listed, but it does not count
    /// as a warning, nor against the exit status.
    pub acknowledged: bool,
}

impl Report {
    /// The report of `findings` about the manuscript in `dir`.
    pub fn new(dir: &Path, findings: &[Diagnostic]) -> Report {
        let count = |f: &dyn Fn(&Diagnostic) -> bool| findings.iter().filter(|d| f(d)).count();
        Report {
            version: 1,
            manuscript: dir.to_string_lossy().into_owned(),
            errors: count(&|d| d.severity == Severity::Error),
            warnings: count(&|d| d.severity == Severity::Warning && !d.acknowledged),
            acknowledged: count(&|d| d.severity == Severity::Warning && d.acknowledged),
            findings: findings
                .iter()
                .map(|d| Finding {
                    severity: d.severity,
                    code: d.code,
                    file: d.place.as_ref().map(|p| relative(&p.file, dir)),
                    line: d.place.as_ref().and_then(|p| p.line),
                    column: d.place.as_ref().and_then(|p| p.col),
                    message: d.message.clone(),
                    hint: d.hint.clone(),
                    acknowledged: d.acknowledged,
                })
                .collect(),
        }
    }

    /// The exit status `bindery check` ends with: 1 when there are errors,
    /// 2 when there are warnings but no errors, 0 otherwise. Acknowledged
    /// warnings count as none: the manuscript says they are meant, so a
    /// build script need not stop for them.
    pub fn status(&self) -> u8 {
        if self.errors > 0 {
            1
        } else if self.warnings > 0 {
            2
        } else {
            0
        }
    }
}

/// Moves a finding about a character no font has (`missing-glyph`) from
/// the start of the block that holds it, where the PDF typesetter places it,
/// to the character itself: its first occurrence in `source` (the text of
/// the finding's file) at or after that place. A finding of another kind, or
/// whose character is not written literally after its place (an HTML entity,
/// say), keeps its place. `read` gives the text of a file, as the loader
/// read it; it is called only for a `missing-glyph` finding.
pub fn pinpoint_glyph<'a>(finding: &mut Diagnostic, read: impl FnOnce(&Path) -> Option<&'a str>) {
    let Some(c) = glyph_of(finding) else {
        return;
    };
    let Some(place) = finding.place.as_mut() else {
        return;
    };
    let (Some(line), Some(col)) = (place.line, place.col) else {
        return;
    };
    let Some(text) = read(&place.file) else {
        return;
    };
    // The loader drops a byte-order mark, and so columns do not count it.
    let source = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(start) = offset_of(source, line, col) else {
        return;
    };
    let Some(found) = source[start..].find(c) else {
        return;
    };
    let (line, col) = crate::error::LineIndex::new(source).line_col(start + found);
    place.line = Some(line);
    place.col = Some(col);
}

/// The character a `missing-glyph` finding is about, from the `(U+XXXX)`
/// its message gives.
fn glyph_of(finding: &Diagnostic) -> Option<char> {
    if finding.code != "missing-glyph" {
        return None;
    }
    let (_, rest) = finding.message.split_once("(U+")?;
    let (hex, _) = rest.split_once(')')?;
    char::from_u32(u32::from_str_radix(hex, 16).ok()?)
}

/// The byte offset of a 1-based line and character column in `source`.
fn offset_of(source: &str, line: u32, col: u32) -> Option<usize> {
    let skip = usize::try_from(line.checked_sub(1)?).ok()?;
    let start: usize = source.split_inclusive('\n').take(skip).map(str::len).sum();
    let column = usize::try_from(col.checked_sub(1)?).ok()?;
    let within = source[start..]
        .char_indices()
        .nth(column)
        .map_or(source.len() - start, |(i, _)| i);
    Some(start + within)
}

/// `file` relative to the manuscript folder `dir`, written with `/`.
fn relative(file: &Path, dir: &Path) -> String {
    let Ok(inside) = file.strip_prefix(dir) else {
        return file.to_string_lossy().into_owned();
    };
    let parts: Vec<String> = inside
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// Findings about the book's structure, in reading order.
pub fn book(book: &Book, dir: &Path) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    // Code in a language bindery cannot highlight: one finding a language,
    // at its first block, however many blocks there are.
    let mut unknown_code: BTreeMap<String, (Place, usize)> = BTreeMap::new();
    for chapter in &book.chapters {
        let file = dir.join(&chapter.file);
        let mut seen: BTreeMap<(u8, String), u32> = BTreeMap::new();
        // The chapter's title is its first heading, at level 1.
        let mut level = 1;
        // A FAQ's questions sit at level 3 with or without groups.
        let faq = matches!(chapter.body, ChapterBody::Faq(_));
        chapter.headings(&mut |heading, pos| {
            let place = Place::at(&file, pos.line, pos.col);
            let number = heading.level.number();
            if number > level + 1 && !faq {
                findings.push(
                    Diagnostic::warning(
                        "heading-skips-level",
                        Some(place.clone()),
                        format!("the heading goes from level {level} to level {number}; {PDF_UA}"),
                    )
                    .with_hint(format!("make it a level {} heading", level + 1)),
                );
            }
            level = number;
            let text = Inline::plain_text(&heading.content).trim().to_string();
            if text.is_empty() {
                findings.push(
                    Diagnostic::warning("empty-heading", Some(place), "the heading is empty")
                        .with_hint("give the heading a text, or remove it"),
                );
                return;
            }
            let key = (heading.level.number(), text.to_lowercase());
            if let Some(first) = seen.get(&key) {
                findings.push(
                    Diagnostic::warning(
                        "duplicate-heading",
                        Some(place),
                        format!("the heading “{text}” repeats the one on line {first}"),
                    )
                    .with_hint("readers tell sections apart by their headings; make them distinct"),
                );
            } else {
                seen.insert(key, pos.line);
            }
        });
        chapter.inlines(&mut |inline| {
            if let Inline::Image { src, alt, pos, .. } = inline
                && alt.trim().is_empty()
            {
                findings.push(
                    Diagnostic::warning(
                        "image-no-alt",
                        Some(Place::at(&file, pos.line, pos.col)),
                        format!("the image `{src}` has no alt text; {PDF_UA}"),
                    )
                    .with_hint(
                        "describe the image for readers who cannot see it: ![what it shows](path)",
                    ),
                );
            }
        });
        for step in chapter.reading_order() {
            if let ReadingStep::Block(block) = step {
                each_block(
                    std::slice::from_ref(block),
                    &mut |block| match &block.kind {
                        BlockKind::Table(table) if !table.has_header() => findings.push(
                            Diagnostic::warning(
                                "table-no-header",
                                Some(Place::at(&file, block.pos.line, block.pos.col)),
                                format!("the table has no header row; {PDF_UA}"),
                            )
                            .with_hint("name each column in the table's first row"),
                        ),
                        BlockKind::CodeBlock {
                            language: Some(language),
                            ..
                        } if !crate::highlight::is_known(language)
                            && !crate::highlight::is_plain(language) =>
                        {
                            let place = Place::at(&file, block.pos.line, block.pos.col);
                            let key = language.to_lowercase();
                            unknown_code.entry(key).or_insert((place, 0)).1 += 1;
                        }
                        _ => {}
                    },
                );
            }
        }
    }
    for (language, (place, blocks)) in unknown_code {
        let more = match blocks {
            1 => String::new(),
            n => format!(" (here first, in {n} blocks)"),
        };
        findings.push(
            Diagnostic::warning(
                "code-language",
                Some(place),
                format!("bindery cannot highlight `{language}`: its code is set plain{more}"),
            )
            .with_hint(
                "name one of the languages the README lists, or `text` to say the code is plain",
            ),
        );
    }
    findings
}

/// What a finding that blocks the PDF's accessibility claim adds.
const PDF_UA: &str = "the PDF is tagged but cannot claim PDF/UA-1";

/// The codes of findings that keep the PDF from claiming PDF/UA-1: it is
/// tagged all the same, but a reader would miss what they point at.
pub const BLOCKS_PDF_UA: [&str; 3] = ["image-no-alt", "heading-skips-level", "table-no-header"];

/// Whether `finding` keeps the PDF from claiming PDF/UA-1.
pub fn blocks_pdf_ua(finding: &Diagnostic) -> bool {
    BLOCKS_PDF_UA.contains(&finding.code)
}

/// Calls `f` on each of `blocks` and on the blocks inside them (in block
/// quotes and list items), in reading order.
fn each_block(blocks: &[Block], f: &mut dyn FnMut(&Block)) {
    for block in blocks {
        f(block);
        match &block.kind {
            BlockKind::BlockQuote { blocks } => each_block(blocks, f),
            BlockKind::List(list) => {
                for item in &list.items {
                    each_block(&item.blocks, f);
                }
            }
            _ => {}
        }
    }
}

/// Metadata that e-book stores ask for at upload: an author (`authors = []`
/// says there is none on purpose) and a description.
pub fn metadata(config: &Config, file: &Path) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    let top = Place::at(file, 1, 1);
    if config.authors.is_none() {
        findings.push(
            Diagnostic::warning("store-metadata", Some(top.clone()), "no author is named")
                .with_hint(
                    "stores ask for one: add authors = [\"Name\"], or authors = [] for a work \
                     whose source names no author",
                ),
        );
    }
    if config
        .description
        .as_deref()
        .is_none_or(|description| description.trim().is_empty())
    {
        findings.push(
            Diagnostic::warning("store-metadata", Some(top), "the book has no description")
                .with_hint("stores show it on the book's page: add description = \"…\""),
        );
    }
    findings
}

/// Notes a book language bindery has no labels for (its contents' title,
/// credit lines and the like then stay English), at the `language` line of
/// `book.toml`, whose text is `text`.
pub fn labels(config: &Config, text: &str, file: &Path) -> Option<Diagnostic> {
    let language = config.language.get_ref();
    let all_given = config.labels.in_order().iter().all(Option::is_some);
    if crate::lang::labels::has_table(language) || all_given {
        return None;
    }
    let place = crate::config::place(text, file, config.language.span().start);
    Some(
        Diagnostic::warning(
            "no-labels",
            Some(place),
            format!(
                "bindery has no words of its own in `{language}`: the contents' title, \
                 credit lines and landmarks are set in English"
            ),
        )
        .with_hint(format!(
            "give them in a [labels] table (see the README), or use one of: {}",
            crate::lang::labels::LANGUAGES.join(", ")
        )),
    )
}

/// Fonts of `[pdf] fonts` whose licence forbids embedding them (OpenType's
/// `fsType` says "restricted"): a printer's PDF must embed every font. At
/// the font's line in `book.toml`.
pub fn font_embedding(
    config: &crate::config::Config,
    fonts: &crate::pdf::fonts::FontFiles,
) -> Vec<Diagnostic> {
    use rustybuzz::ttf_parser::{Face, Permissions};
    let mut findings = Vec::new();
    for (path, bytes) in config.pdf.fonts.in_order().iter().zip(&fonts.faces) {
        let Some(path) = path else {
            continue;
        };
        let restricted = Face::parse(bytes, 0)
            .is_ok_and(|face| face.permissions() == Some(Permissions::Restricted));
        if restricted
            && !findings
                .iter()
                .any(|f: &Diagnostic| f.place == Some(config.place(path.span())))
        {
            findings.push(
                Diagnostic::warning(
                    "font-no-embedding",
                    Some(config.place(path.span())),
                    format!(
                        "the font `{}` forbids embedding in its licence",
                        path.get_ref()
                    ),
                )
                .with_hint("a printer's PDF embeds every font: use a font whose licence allows it"),
            );
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_relative_to_the_manuscript() {
        let dir = Path::new("books/manuscript");
        let rel = |file: &str| relative(Path::new(file), dir);
        assert_eq!(rel("books/manuscript/02-faq.md"), "02-faq.md");
        assert_eq!(rel("books/manuscript/images/map.png"), "images/map.png");
        assert_eq!(rel("books/manuscript"), ".");
        assert_eq!(rel("books/manuscript/../fonts/a.ttf"), "../fonts/a.ttf");
        assert_eq!(rel("/usr/share/fonts/a.ttf"), "/usr/share/fonts/a.ttf");
        assert_eq!(relative(Path::new("./a.md"), Path::new(".")), "a.md");
    }

    #[test]
    fn a_missing_glyph_is_found_after_the_start_of_its_block() {
        // With a byte-order mark, which columns do not count.
        let source = "\u{feff}# T\n\nA paragraph, é: its second\nline has ☃ and ☃.\n\nThen ☃.\n";
        let read = |_: &Path| Some(source);
        let glyph = |line, col| {
            Diagnostic::warning(
                "missing-glyph",
                Some(Place::at("a.md", line, col)),
                "no font has the character “☃” (U+2603); it is printed as a box",
            )
        };
        let mut finding = glyph(3, 1);
        pinpoint_glyph(&mut finding, read);
        assert_eq!(finding.place, Some(Place::at("a.md", 4, 10)));
        let mut finding = glyph(6, 1);
        pinpoint_glyph(&mut finding, read);
        assert_eq!(finding.place, Some(Place::at("a.md", 6, 6)));
        let mut finding = glyph(7, 1);
        pinpoint_glyph(&mut finding, read);
        assert_eq!(
            finding.place,
            Some(Place::at("a.md", 7, 1)),
            "not found: kept"
        );
        let mut other = glyph(3, 1);
        other.code = "broken-link";
        pinpoint_glyph(&mut other, |_| panic!("read for another finding"));
        assert_eq!(other.place, Some(Place::at("a.md", 3, 1)));
    }
}
