//! The fixed book the backend targets build around the fuzzer's bytes: a
//! small `book.toml`, the input as a prose chapter and again as the FAQ, and
//! one real image, assembled in memory without reading a file.

use bindery::Manuscript;
use bindery::config::Config;
use bindery::load::{Asset, assemble, media_type};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The configuration every run uses: the second chapter is the FAQ, and the
/// contents list three levels so headings reach the navigation.
const BOOK_TOML: &str = "title = \"Fuzz\"\nlanguage = \"en\"\nauthors = [\"A. Writer\"]\n\
    faq = \"faq.md\"\ntoc-depth = 3\n";

/// A 1×1 PNG, known to the book as `a.png`, so image syntax reaches the
/// backends' image code and not only their missing-image path.
const PNG: &[u8] = include_bytes!("../../tests/fixtures/constructs/images/red.png");

/// The folder the chapters are said to come from, in diagnostics only.
pub const DIR: &str = "fuzz";

/// The book around `text`, or `None` when the bytes are not UTF-8 (the
/// loader refuses such a file before the backends see it).
pub fn manuscript(data: &[u8]) -> Option<Manuscript> {
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
    Some(Manuscript {
        book,
        config,
        assets,
        warnings,
        newest_mtime: None,
    })
}
