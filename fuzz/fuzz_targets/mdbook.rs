//! Fuzz target: any bytes as an mdBook's `SUMMARY.md` and as a chapter
//! whose directives include files (itself among them, so cycles too).
//!
//! It proves that neither reader panics or hangs, and that every line of
//! an expanded text maps back to a line of the chapter.

#![no_main]

use bindery::mdbook::include::{self, Files, Unread};
use bindery::mdbook::summary;
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};

/// The book's files: the chapter itself and a second file with its text.
struct Memory<'a>(&'a str);

impl Files for Memory<'_> {
    fn text(&mut self, file: &Path) -> Result<String, Unread> {
        match file.to_str() {
            Some("src/a.md" | "src/b.rs") => Ok(self.0.to_string()),
            _ => Err(Unread::Missing),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = summary::parse(text, Path::new("src/SUMMARY.md"));
    let Ok(expanded) = include::expand(
        text,
        Path::new("src/a.md"),
        &mut Memory(text),
        &|file| PathBuf::from("fuzz").join(file),
    ) else {
        panic!("files in memory are never refused");
    };
    let lines = u32::try_from(text.matches('\n').count() + 1).unwrap_or(u32::MAX);
    assert_eq!(expanded.origin.len(), expanded.text.matches('\n').count() + 1);
    assert!(expanded.origin.iter().all(|&line| (1..=lines).contains(&line)));
    assert!(expanded.text.len() <= text.len() + include::MAX_INCLUDED * 2);
});
