//! The reading pack: the EPUB, the PDF and the cover in one zip, with a
//! `manifest.json` that lists every file with its checksum and describes the
//! book, and a short `README.txt` for the reader.
//!
//! Entries are sorted by name and written with fixed times, so the same
//! inputs always give the same bytes.

use crate::error::Error;
use crate::model::{Book, Inline, Metadata};
use crate::store::Store;
use crate::toc::{Toc, TocEntry};
use crate::zip::{self, Compression, Entry};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The manifest's schema; bump it when a field changes meaning or goes away.
pub const SCHEMA: &str = "bindery-reading-pack/1";

/// Words a reader reads in a minute, for the estimated reading time (the
/// average measured for silent reading of non-fiction in English).
const WORDS_PER_MINUTE: usize = 238;

/// What goes into a pack.
#[derive(Debug, Clone, Copy)]
pub struct PackInput<'a> {
    /// The book, for its metadata.
    pub book: &'a Book,
    /// The book's words ([`word_count`]), counted while the outputs are
    /// made.
    pub words: usize,
    /// The contents, listed in the manifest.
    pub toc: &'a Toc,
    /// The output name the files are given (`<stem>.epub`, `<stem>.pdf`).
    pub stem: &'a str,
    /// The EPUB's bytes.
    pub epub: &'a [u8],
    /// The PDF's bytes.
    pub pdf: &'a [u8],
    /// Facts about the PDF.
    pub pdf_facts: &'a PdfFacts,
    /// The cover as a PNG.
    pub cover_png: &'a [u8],
}

/// What the manifest tells about the PDF.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PdfFacts {
    /// Number of pages.
    pub pages: usize,
    /// Trimmed page width in points.
    pub width_pt: f32,
    /// Trimmed page height in points.
    pub height_pt: f32,
    /// For each contents id, the label of the PDF page it starts on.
    #[serde(skip)]
    pub pages_of: BTreeMap<String, String>,
}

/// The manifest, as written to `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest<'a> {
    /// Which version of this layout the manifest follows.
    pub schema: &'static str,
    /// The book's metadata.
    pub metadata: &'a Metadata,
    /// The files of the pack, `manifest.json` itself excepted.
    pub files: Vec<FileEntry>,
    /// The printed edition.
    pub pdf: &'a PdfFacts,
    /// Words in the book: titles, text and notes.
    pub words: usize,
    /// Estimated reading time in minutes.
    pub reading_minutes: usize,
    /// The contents, each entry with the PDF page it starts on.
    pub contents: Vec<ContentsEntry>,
}

/// One file of the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileEntry {
    /// The path inside the zip.
    pub path: String,
    /// Its media type.
    pub media_type: &'static str,
    /// Its size in bytes.
    pub size: usize,
    /// Its SHA-256, in lower-case hex.
    pub sha256: String,
}

/// One line of the contents in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContentsEntry {
    /// The title as the contents show it.
    pub title: String,
    /// 1 for chapters, 2 for their sections or FAQ groups, and so on.
    pub level: usize,
    /// The id both the EPUB and the PDF use for it.
    pub id: String,
    /// The label of the PDF page it starts on, when it was placed.
    pub pdf_page: Option<String>,
}

/// Builds the pack and returns its bytes, its text files deflated through
/// `store`.
pub fn pack(input: &PackInput<'_>, store: &Store) -> Result<Vec<u8>, Error> {
    let words = input.words;
    let mut files = vec![
        (
            format!("{}.epub", input.stem),
            "application/epub+zip",
            Cow::Borrowed(input.epub),
        ),
        (
            format!("{}.pdf", input.stem),
            "application/pdf",
            Cow::Borrowed(input.pdf),
        ),
        (
            "cover.png".to_string(),
            "image/png",
            Cow::Borrowed(input.cover_png),
        ),
        (
            "README.txt".to_string(),
            "text/plain",
            Cow::Owned(readme(input, words).into_bytes()),
        ),
    ];
    files.sort_by(|a, b| a.0.cmp(&b.0));
    // Each file is summed alone, on the build's threads.
    let sums = crate::workers::map(&files, |(_, _, bytes)| sha256(bytes));
    let manifest = Manifest {
        schema: SCHEMA,
        metadata: &input.book.metadata,
        files: files
            .iter()
            .zip(sums)
            .map(|((path, media_type, bytes), sha256)| FileEntry {
                path: path.clone(),
                media_type,
                size: bytes.len(),
                sha256,
            })
            .collect(),
        pdf: input.pdf_facts,
        words,
        reading_minutes: words.div_ceil(WORDS_PER_MINUTE),
        contents: contents(input.toc, &input.pdf_facts.pages_of),
    };
    let json = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Error::new("pack", None, format!("cannot write the manifest: {e}")))?;
    files.push((
        "manifest.json".to_string(),
        "application/json",
        Cow::Owned(json.into_bytes()),
    ));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let entries: Vec<Entry> = files
        .into_iter()
        .map(|(name, media_type, bytes)| Entry {
            name,
            bytes,
            // EPUB, PDF and PNG are compressed already.
            compression: if media_type.starts_with("text/") || media_type.ends_with("json") {
                Compression::Deflated
            } else {
                Compression::Stored
            },
        })
        .collect();
    zip::write(&entries, store)
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Words of the book as a reader counts them: runs of letters and digits.
pub fn word_count(book: &Book) -> usize {
    let mut count = 0;
    let mut add = |text: &str| {
        count += text
            .split(|c: char| !(c.is_alphanumeric() || c == '’' || c == '\''))
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
    };
    for chapter in &book.chapters {
        chapter.inlines(&mut |inline| match inline {
            Inline::Text { text } => add(text),
            Inline::Code { code } => add(code),
            Inline::Image { alt, .. } => add(alt),
            _ => {}
        });
    }
    count
}

fn contents(toc: &Toc, pages_of: &BTreeMap<String, String>) -> Vec<ContentsEntry> {
    toc.flatten()
        .into_iter()
        .map(|(level, entry): (usize, &TocEntry)| ContentsEntry {
            title: entry.label(),
            level,
            id: entry.id.clone(),
            pdf_page: pages_of.get(&entry.id).cloned(),
        })
        .collect()
}

/// A few lines telling the reader what is in the pack, a book of `words`
/// words.
fn readme(input: &PackInput<'_>, words: usize) -> String {
    let meta = &input.book.metadata;
    let mut text = format!("{}\n", meta.title);
    if let Some(subtitle) = &meta.subtitle {
        text.push_str(&format!("{subtitle}\n"));
    }
    if !meta.authors.is_empty() {
        text.push_str(&meta.labels.by.fill(&meta.authors.join(", ")));
        text.push('\n');
    }
    let chapters = input.book.chapters.iter().filter(|c| !c.part).count();
    let minutes = words.div_ceil(WORDS_PER_MINUTE);
    let stem = input.stem;
    text.push_str(&format!(
        "\n{chapters} chapters, about {minutes} minutes of reading.\n\n\
         What is inside:\n\
         - {stem}.epub: for e-readers and reading apps; the text reflows to fit your screen.\n\
         - {stem}.pdf: the print edition, {} pages; cite its page numbers.\n\
         - cover.png: the cover.\n\
         - manifest.json: every file with its size and SHA-256 checksum, for tools.\n",
        input.pdf_facts.pages
    ));
    if let Some(rights) = &meta.rights {
        text.push_str(&format!("\n{rights}\n"));
    }
    text
}
