//! Inputs the fuzz targets once failed on, kept so that `cargo test` guards
//! the fixes without libFuzzer: every file in `tests/fixtures/fuzz/epub/`
//! and `tests/fixtures/fuzz/pdf/` goes through the same checks as in the
//! `epub` and `pdf` targets (the file below is theirs).

#[path = "../fuzz/fuzz_targets/backends.rs"]
mod backends;

use std::fs;
use std::path::Path;

/// The inputs kept for one target, by file name.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut inputs: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.file_name().is_some_and(|name| name != "README.md"))
        .map(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let bytes = fs::read(&path).expect("a readable input");
            (name.into_owned(), bytes)
        })
        .collect();
    inputs.sort();
    inputs
}

#[test]
fn every_kept_epub_input_builds_a_well_formed_epub() {
    for (name, data) in inputs("epub") {
        eprintln!("{name}");
        backends::epub(&data);
    }
}

#[test]
fn every_kept_pdf_input_typesets_a_readable_pdf() {
    for (name, data) in inputs("pdf") {
        eprintln!("{name}");
        backends::pdf(&data);
    }
}
