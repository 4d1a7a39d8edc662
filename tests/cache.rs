//! The cache: a build that reuses chapter layouts, page streams, deflated
//! files and the cover kept from the last one gives the bytes a clean build
//! gives, after edits to the first, a middle and the last chapter (one
//! that moves every later page to the other hand among them) and to
//! book.toml, and with highlighted code whose tokens come from the cache,
//! and keeps what a first build would keep; a damaged entry is made again;
//! `--no-cache` neither reads nor writes the cache.

mod common;

use common::generate::{Extras, generate, write_manuscript};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The cache folder inside an output folder.
const CACHE: &str = ".bindery-cache";

/// The store's file in the cache folder.
const STORE: &str = "store.bin";

/// Builds `manuscript` into `out` with `extra` arguments; returns what it
/// printed on stderr.
fn build(manuscript: &Path, out: &Path, extra: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .arg("build")
        .args(extra)
        .arg("--manuscript")
        .arg(manuscript)
        .arg("--out")
        .arg(out)
        .output()
        .expect("bindery runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "the build fails: {stderr}");
    stderr
}

/// The outputs in `out` (EPUB, PDF, pack), by name, in name order.
fn outputs(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(out)
        .expect("the output folder is there")
        .map(|entry| entry.expect("the folder reads").path())
        .filter(|path| path.is_file())
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&path).expect("the output reads"))
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 3, "{:?}", files.iter().map(|f| &f.0));
    files
}

/// Builds `manuscript` into `out`, where the cache of the builds before
/// is, and clean into a folder of its own, and asserts the outputs are the
/// same bytes, and that the store keeps what a first build keeps (no more:
/// what this build did not use is dropped); returns the incremental
/// build's line about layout.
fn same_as_clean(manuscript: &Path, out: &Path, what: &str) -> String {
    let said = build(manuscript, out, &[]);
    let clean = tempfile::tempdir().unwrap();
    build(manuscript, clean.path(), &["--no-cache"]);
    for ((name, incremental), (_, clean)) in outputs(out).iter().zip(outputs(clean.path())) {
        assert!(
            *incremental == clean,
            "{what}: {name} differs from a clean build"
        );
    }
    assert!(
        !clean.path().join(CACHE).exists(),
        "--no-cache wrote a cache"
    );
    let first = tempfile::tempdir().unwrap();
    build(manuscript, first.path(), &[]);
    let store = |out: &Path| fs::read(out.join(CACHE).join(STORE)).expect("a store");
    assert!(
        store(out) == store(first.path()),
        "{what}: the store is not what a first build keeps"
    );
    said.lines()
        .find(|line| line.contains("laid out"))
        .unwrap_or_else(|| panic!("{what}: no line about layout in {said}"))
        .to_string()
}

/// How many pages the PDF built into `out` has.
fn pages(out: &Path) -> usize {
    let pdf = outputs(out)
        .into_iter()
        .find(|(name, _)| name.ends_with(".pdf"))
        .expect("a PDF");
    let info = common::pdf_tool("pdfinfo", &[out.join(&pdf.0).as_os_str()]);
    info.stdout
        .lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|count| count.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo gives no page count: {}", info.stdout))
}

/// Appends `text` to the file at `path`.
fn append(path: &Path, text: &str) {
    let mut contents = fs::read_to_string(path).unwrap();
    contents.push_str(text);
    fs::write(path, contents).unwrap();
}

/// A generated book of `chapters` chapter files, the last a FAQ.
fn generated(dir: &Path, chapters: usize) -> Vec<PathBuf> {
    fs::create_dir_all(dir).unwrap();
    write_manuscript(dir, &generate(chapters * 700), chapters, Extras::Varied);
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    assert_eq!(files.len(), chapters);
    files
}

#[test]
fn an_incremental_build_equals_a_clean_one_after_each_edit() {
    let root = tempfile::tempdir().unwrap();
    let manuscript = root.path().join("book");
    let out = root.path().join("out");
    let files = generated(&manuscript, 5);
    let first = same_as_clean(&manuscript, &out, "the first build");
    assert!(first.contains("laid out 5 of 5 chapters"), "{first}");
    let ignore = fs::read_to_string(out.join(CACHE).join(".gitignore")).unwrap();
    assert_eq!(ignore, "*\n");
    let again = same_as_clean(&manuscript, &out, "a build with nothing changed");
    assert!(again.contains("laid out 0 of 5 chapters"), "{again}");
    for (file, name) in [
        (&files[0], "first"),
        (&files[2], "middle"),
        (&files[4], "last"),
    ] {
        append(file, "\nOne sentence more, to move the lines after it.\n");
        let said = same_as_clean(&manuscript, &out, &format!("an edit to the {name} chapter"));
        assert!(said.contains("laid out 1 of 5 chapters"), "{name}: {said}");
    }
    // Pages added to the first chapter, an odd number of them, move every
    // later page to the other hand and to another number: their streams,
    // kept by their chapters' keys, must be painted again with their new
    // margins, running heads and folios. The words added are the
    // chapter's own, so that no new glyph repaints every page anyway.
    let text = fs::read_to_string(&files[0]).unwrap();
    let paragraph = text
        .split("\n\n")
        .max_by_key(|p| p.len())
        .unwrap()
        .to_string();
    let before = pages(&out);
    let mut added = 0;
    while pages(&out).abs_diff(before).is_multiple_of(2) {
        added += 1;
        assert!(added < 20, "no odd number of pages added");
        append(&files[0], &format!("\n{paragraph}\n"));
        let said = same_as_clean(&manuscript, &out, "pages added to the first chapter");
        assert!(said.contains("laid out 1 of 5 chapters"), "{said}");
    }
    // A change to the page lays every chapter out again; one to the
    // metadata only, none.
    append(&manuscript.join("book.toml"), "\n[pdf]\nfont-size = 11\n");
    let said = same_as_clean(&manuscript, &out, "a new font size");
    assert!(said.contains("laid out 5 of 5 chapters"), "{said}");
    let toml = fs::read_to_string(manuscript.join("book.toml")).unwrap();
    let toml = toml.replace("A generated book.", "A generated book, revised.");
    fs::write(manuscript.join("book.toml"), toml).unwrap();
    let said = same_as_clean(&manuscript, &out, "a new description");
    assert!(said.contains("laid out 0 of 5 chapters"), "{said}");
    // Entries of chapters no longer in the book are cleared away.
    fs::remove_file(&files[1]).unwrap();
    let toml = fs::read_to_string(manuscript.join("book.toml")).unwrap();
    let name = files[1].file_name().unwrap().to_str().unwrap();
    fs::write(
        manuscript.join("book.toml"),
        toml.replace(&format!("\"{name}\", "), ""),
    )
    .unwrap();
    same_as_clean(&manuscript, &out, "a chapter taken out");
    let entries = fs::read_dir(out.join(CACHE))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|e| e == "layout")
        })
        .count();
    assert_eq!(entries, 4);
}

#[test]
fn the_sample_rebuilt_from_its_cache_equals_a_clean_build() {
    let root = tempfile::tempdir().unwrap();
    let manuscript = root.path().join("manuscript");
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("manuscript");
    fs::create_dir(&manuscript).unwrap();
    for entry in fs::read_dir(&sample).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, manuscript.join(path.file_name().unwrap())).unwrap();
    }
    let out = root.path().join("out");
    build(&manuscript, &out, &[]);
    let said = same_as_clean(&manuscript, &out, "the sample again");
    assert!(said.contains("laid out 0 of"), "{said}");
    append(&manuscript.join("02-faq.md"), "\nA last word.\n");
    let said = same_as_clean(&manuscript, &out, "the sample's FAQ edited");
    assert!(said.contains("laid out 1 of"), "{said}");
}

#[test]
fn code_from_the_cache_is_highlighted_as_in_a_clean_build() {
    // A chapter taken from the cache hands the EPUB its code's tokens kept
    // in its entry; the EPUB must be the one a clean build writes.
    let root = tempfile::tempdir().unwrap();
    let manuscript = root.path().join("book");
    let out = root.path().join("out");
    let files = generated(&manuscript, 3);
    let code = "\n```rust,ignore\nfn main() {\n    let s = \"a b\"; // note\n}\n```\n\n\
        ```toml\n[book]\ntitle = \"T\"\n```\n\n\
        ```console\n$ cargo run\nHello\n```\n\n\
        ```hbs\n{{#each items}}{{this}}{{/each}}\n```\n";
    append(&files[0], code);
    append(&files[2], &code.replace("main", "other"));
    build(&manuscript, &out, &[]);
    let said = same_as_clean(&manuscript, &out, "code, nothing changed");
    assert!(said.contains("laid out 0 of 3 chapters"), "{said}");
    append(&files[1], "\nOne sentence more.\n");
    let said = same_as_clean(&manuscript, &out, "code, another chapter edited");
    assert!(said.contains("laid out 1 of 3 chapters"), "{said}");
}

#[test]
fn damaged_entries_are_laid_out_again_and_rewritten() {
    let root = tempfile::tempdir().unwrap();
    let manuscript = root.path().join("book");
    let out = root.path().join("out");
    generated(&manuscript, 5);
    build(&manuscript, &out, &[]);
    let mut entries: Vec<PathBuf> = fs::read_dir(out.join(CACHE))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "layout"))
        .collect();
    entries.sort();
    assert_eq!(entries.len(), 5);
    let sound: Vec<Vec<u8>> = entries.iter().map(|e| fs::read(e).unwrap()).collect();
    // Cut short; garbage; made by another format; another chapter's entry.
    fs::write(&entries[0], &sound[0][..sound[0].len() / 2]).unwrap();
    fs::write(&entries[1], b"not a layout at all").unwrap();
    let mut other = sound[2].clone();
    other[16] ^= 0x7f;
    fs::write(&entries[2], other).unwrap();
    fs::write(&entries[3], &sound[4]).unwrap();
    // The layout itself damaged, its checksum left as it was.
    let mut flipped = sound[4].clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    fs::write(&entries[4], flipped).unwrap();
    let said = same_as_clean(&manuscript, &out, "a damaged cache");
    assert!(said.contains("laid out 5 of 5 chapters"), "{said}");
    for (entry, sound) in entries.iter().zip(&sound) {
        assert!(
            fs::read(entry).unwrap() == *sound,
            "{} is rewritten",
            entry.display()
        );
    }
}

#[test]
fn a_damaged_or_foreign_store_is_made_again_and_rewritten() {
    let root = tempfile::tempdir().unwrap();
    let manuscript = root.path().join("book");
    let out = root.path().join("out");
    generated(&manuscript, 3);
    build(&manuscript, &out, &[]);
    let path = out.join(CACHE).join(STORE);
    let sound = fs::read(&path).unwrap();
    // A foreign store: the sample book's.
    let sample = root.path().join("sample");
    build(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("manuscript"),
        &sample,
        &[],
    );
    let foreign = fs::read(sample.join(CACHE).join(STORE)).unwrap();
    let mut flipped = sound.clone();
    // A byte of a stream in the middle, and one of a record's length.
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x20;
    let mut length = sound.clone();
    length[16 + 4 + 32] ^= 0x01;
    let mut format = sound.clone();
    format[16] ^= 0x7f;
    let damaged: [(&str, Vec<u8>); 6] = [
        ("cut short", sound[..sound.len() * 2 / 3].to_vec()),
        ("garbage", b"not a store at all".to_vec()),
        ("a byte flipped", flipped),
        ("a length changed", length),
        ("another format", format),
        ("another book's", foreign),
    ];
    for (what, bytes) in damaged {
        fs::write(&path, &bytes).unwrap();
        same_as_clean(&manuscript, &out, what);
        assert!(fs::read(&path).unwrap() == sound, "{what}: not rewritten");
    }
    // A folder where the file should be is passed over.
    fs::remove_file(&path).unwrap();
    fs::create_dir(&path).unwrap();
    let said = build(&manuscript, &out, &[]);
    assert!(said.contains("was not kept"), "{said}");
    fs::remove_dir(&path).unwrap();
    same_as_clean(&manuscript, &out, "no store");
}

#[test]
fn no_cache_neither_reads_nor_writes_the_cache() {
    let root = tempfile::tempdir().unwrap();
    let manuscript = root.path().join("book");
    let out = root.path().join("out");
    generated(&manuscript, 2);
    build(&manuscript, &out, &["--no-cache"]);
    assert!(!out.join(CACHE).exists());
    fs::create_dir(out.join(CACHE)).unwrap();
    let stray = out.join(CACHE).join("0000.layout");
    fs::write(&stray, b"garbage").unwrap();
    let said = build(&manuscript, &out, &["--no-cache"]);
    assert!(!said.contains("laid out"), "{said}");
    assert_eq!(fs::read(&stray).unwrap(), b"garbage");
}
