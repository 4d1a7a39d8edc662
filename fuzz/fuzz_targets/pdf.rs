//! Fuzz target: any bytes as a chapter (and as the FAQ) of a small fixed
//! book, typeset into a PDF in memory with the built-in fonts.
//!
//! Inputs are capped at 16 KiB: typesetting runs line breaking and
//! pagination on every input, about a page per kilobyte, and libFuzzer
//! finds more in many small inputs than in a few long ones. Beyond "no
//! panic", the output must parse (lopdf) with as many pages as the page
//! map, and at least one per chapter.

#![no_main]

mod book;

use bindery::pdf::fonts::FontFiles;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

/// The largest input typeset; longer ones are skipped.
const MAX_LEN: usize = 16 * 1024;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_LEN {
        return;
    }
    let Some(manuscript) = book::manuscript(data) else {
        return;
    };
    let fonts = FontFiles::default();
    let pdf = match bindery::build_pdf(&manuscript, Path::new(book::DIR), fonts, Some("0")) {
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
});
