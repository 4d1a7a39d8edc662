//! What the `epub` and `pdf` fuzz targets do with each input, shared with
//! `tests/fuzz_regressions.rs` (which includes this file) so that a kept
//! crash input is checked exactly as the fuzzer checked it.
//!
//! The input is a chapter, and again the FAQ, of a small fixed book with one
//! real image, assembled in memory by `load::assemble`: no file is read.

use bindery::Manuscript;
use bindery::config::Config;
use bindery::load::{Asset, assemble, media_type};
use bindery::pdf::fonts::FontFiles;
use bindery::pdf::layout::Jobs;
use std::collections::BTreeMap;
use std::io::Read;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

/// The configuration every run uses: the second chapter is the FAQ, and the
/// contents list three levels so headings reach the navigation.
const BOOK_TOML: &str = "title = \"Fuzz\"\nlanguage = \"en\"\nauthors = [\"A. Writer\"]\n\
    faq = \"faq.md\"\ntoc-depth = 3\n";

/// A 1×1 PNG, known to the book as `a.png`, so image syntax reaches the
/// backends' image code and not only their missing-image path.
const PNG: &[u8] = include_bytes!("../../tests/fixtures/constructs/images/red.png");

/// The folder the chapters are said to come from, in diagnostics only.
const DIR: &str = "fuzz";

/// The largest input the PDF target typesets; longer ones are skipped.
/// Typesetting runs line breaking and pagination on every input, about a
/// page per kilobyte, and libFuzzer finds more in many small inputs than in
/// a few long ones.
pub const PDF_MAX_LEN: usize = 16 * 1024;

/// Builds the EPUB around `data` and checks what a reading system relies
/// on: a zip whose first entry is the stored `mimetype`, and every XML file
/// in it (chapters, package, navigation, NCX) well-formed.
pub fn epub(data: &[u8]) {
    let Some(manuscript) = manuscript(data) else {
        return;
    };
    let fonts = FontFiles::default();
    let epub = match bindery::build_epub(
        &manuscript,
        Path::new(DIR),
        &fonts,
        None,
        None,
        Some("0"),
        &bindery::store::Store::off(),
    ) {
        Ok(epub) => epub,
        Err(err) => panic!("the EPUB backend failed: {err}"),
    };
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(&epub.bytes)).expect("a zip archive");
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).expect("an entry");
        let name = file.name().expect("a UTF-8 entry name").to_string();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).expect("a readable entry");
        if index == 0 {
            assert_eq!(name, "mimetype");
            assert_eq!(bytes, b"application/epub+zip");
        }
        if [".xhtml", ".opf", ".ncx", ".xml"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            let text = std::str::from_utf8(&bytes).expect("XML files are UTF-8");
            let options = roxmltree::ParsingOptions {
                allow_dtd: true,
                ..roxmltree::ParsingOptions::default()
            };
            if let Err(err) = roxmltree::Document::parse_with_options(text, options) {
                panic!("{name} is not well-formed XML: {err}\n{text}");
            }
        }
    }
}

/// Typesets the PDF around `data` (up to [`PDF_MAX_LEN`] bytes) with the
/// built-in fonts, and checks that it parses (lopdf) with as many pages as
/// the page map and at least one per chapter, and that laying its chapters
/// out on two threads gives the same PDF as on one.
pub fn pdf(data: &[u8]) {
    if data.len() > PDF_MAX_LEN {
        return;
    }
    let Some(manuscript) = manuscript(data) else {
        return;
    };
    let fonts = FontFiles::default();
    let pdf = match bindery::build_pdf(&manuscript, Path::new(DIR), fonts, Some("0")) {
        Ok(pdf) => pdf,
        Err(err) => panic!("the PDF backend failed: {err}"),
    };
    assert!(pdf.bytes.starts_with(b"%PDF-"), "not a PDF");
    let document = match lopdf::Document::load_mem(&pdf.bytes) {
        Ok(document) => document,
        Err(err) => panic!("the PDF does not parse: {err}"),
    };
    assert_eq!(document.get_pages().len(), pdf.page_map.len());
    assert!(pdf.page_map.len() >= manuscript.book.chapters.len());
    // Its two chapters laid out on two threads, the book must come out
    // exactly as it does on one.
    let options = |threads| bindery::pdf::Options {
        images: &manuscript.assets,
        jobs: Jobs::Exactly(threads),
        ..bindery::pdf::Options::from_config(
            &manuscript.config,
            FontFiles::default(),
            PathBuf::from(DIR),
        )
        .expect("the fuzz book.toml sets a usable page")
    };
    let laid =
        |threads| match bindery::pdf::pdf(&manuscript.book, &manuscript.toc, &options(threads)) {
            Ok(pdf) => pdf,
            Err(err) => panic!("the PDF backend failed: {err}"),
        };
    let (one, two) = (
        laid(NonZeroUsize::MIN),
        laid(NonZeroUsize::MIN.saturating_add(1)),
    );
    assert!(one.bytes == two.bytes, "two threads made another PDF");
    assert_eq!(one.page_map, two.page_map);
    assert_eq!(one.warnings, two.warnings);
    assert_eq!(one.quality, two.quality);
}

/// The book around `data`, or `None` when the bytes are not UTF-8 (the
/// loader refuses such a file before the backends see it).
fn manuscript(data: &[u8]) -> Option<Manuscript> {
    let text = std::str::from_utf8(data).ok()?;
    let config = match Config::parse(BOOK_TOML, Path::new("book.toml")) {
        Ok(config) => config,
        Err(err) => panic!("the fixed book.toml must parse: {err}"),
    };
    let files = [
        (PathBuf::from("prose.md"), text.to_string()),
        (PathBuf::from("faq.md"), text.to_string()),
    ];
    let (book, warnings) = assemble(&config, Path::new(DIR), &files);
    let media_type = media_type(PNG).expect("the fixture is a PNG");
    let assets = BTreeMap::from([(
        "a.png".to_string(),
        Asset {
            media_type,
            bytes: PNG.to_vec(),
        },
    )]);
    let toc = bindery::toc::build(&book, config.toc_depth());
    Some(Manuscript {
        book,
        config,
        toc,
        assets,
        fonts: FontFiles::default(),
        warnings,
    })
}
