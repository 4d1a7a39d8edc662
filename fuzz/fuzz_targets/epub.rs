//! Fuzz target: any bytes as a chapter (and as the FAQ) of a small fixed
//! book, through the whole EPUB backend in memory.
//!
//! Beyond "no panic", it checks what a reading system relies on: the result
//! is a zip whose first entry is the stored `mimetype`, and every XML file in
//! it (XHTML chapters, package, navigation, NCX) is well-formed.

#![no_main]

mod book;

use bindery::pdf::fonts::FontFiles;
use libfuzzer_sys::fuzz_target;
use std::io::Read;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Some(manuscript) = book::manuscript(data) else {
        return;
    };
    let fonts = FontFiles::default();
    let epub = match bindery::build_epub(&manuscript, Path::new(book::DIR), &fonts, None, Some("0"))
    {
        Ok(epub) => epub,
        Err(err) => panic!("the EPUB backend failed: {err}"),
    };
    check_zip(&epub.bytes);
});

/// The archive opens, starts with the media type, and its XML is well-formed.
fn check_zip(bytes: &[u8]) {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).expect("an entry");
        let name = file.name().expect("a UTF-8 entry name").to_string();
        let mut data = Vec::new();
        file.read_to_end(&mut data).expect("a readable entry");
        if index == 0 {
            assert_eq!(name, "mimetype");
            assert_eq!(data, b"application/epub+zip");
        }
        if [".xhtml", ".opf", ".ncx", ".xml"].iter().any(|ext| name.ends_with(ext)) {
            let text = std::str::from_utf8(&data).expect("XML files are UTF-8");
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
