//! Fuzz target: any bytes as a chapter, through the Markdown reader, the
//! whole-book assembly (as prose and as the FAQ), the table of contents and
//! the JSON dump.
//!
//! It proves that no input panics, hangs or recurses without bound, and that
//! what comes out keeps the invariants the backends rely on.

#![no_main]

use bindery::config::Config;
use bindery::markdown;
use bindery::model::{Block, BlockKind, Book, Inline};
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};

/// The configuration every run uses: the second chapter is the FAQ.
const BOOK_TOML: &str = "title = \"Fuzz\"\nlanguage = \"en\"\nfaq = \"faq.md\"\n";

fuzz_target!(|data: &[u8]| {
    // The loader refuses files that are not UTF-8, so only text gets further.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let typography = bindery::lang::quotes::Typography::new("fr");
    let parsed = markdown::parse(text, Path::new("fuzz.md"), &|_| Some(0), &typography);
    // The cap counts open containers while parsing; a paragraph, a link and
    // the like may still sit inside the deepest one, so allow a small margin.
    for block in &parsed.blocks {
        assert!(
            depth(block) <= markdown::MAX_NESTING + 8,
            "nesting cap exceeded"
        );
    }

    let Ok(config) = Config::parse(BOOK_TOML, Path::new("book.toml")) else {
        panic!("the fixed book.toml must parse");
    };
    let files = [
        (PathBuf::from("prose.md"), text.to_string()),
        (PathBuf::from("faq.md"), text.to_string()),
    ];
    let (book, _warnings) = bindery::load::assemble(&config, Path::new("fuzz"), &files);
    check_ids(&book);
    for depth in 1..=6 {
        let toc = bindery::toc::build(&book, depth);
        assert_eq!(toc.entries.len(), book.chapters.len());
        if depth == 3 {
            // What `bindery dump` prints: serialising must not fail or overflow.
            assert!(bindery::dump(&book, &toc).starts_with('{'));
        }
    }
});

/// How deeply a block's containers nest, counting the block itself.
fn depth(block: &Block) -> usize {
    let inner = match &block.kind {
        BlockKind::BlockQuote { blocks } => blocks.iter().map(depth).max().unwrap_or(0),
        BlockKind::List(list) => list
            .items
            .iter()
            .flat_map(|item| item.blocks.iter().map(depth))
            .max()
            .map_or(0, |d| d + 1),
        BlockKind::Paragraph { content } => inline_depth(content),
        _ => 0,
    };
    inner + 1
}

fn inline_depth(inlines: &[Inline]) -> usize {
    inlines
        .iter()
        .map(|inline| match inline {
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Span { content, .. }
            | Inline::Link { content, .. } => inline_depth(content) + 1,
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

/// Every chapter, heading and footnote id is non-empty and unique in the book.
fn check_ids(book: &Book) {
    let mut book = book.clone();
    let mut ids = Vec::new();
    for chapter in &mut book.chapters {
        ids.push(chapter.id.clone());
        ids.extend(chapter.footnotes.iter().map(|n| n.id.clone()));
        chapter.headings_mut(&mut |heading, _| ids.push(heading.id.clone()));
    }
    assert!(ids.iter().all(|id| !id.is_empty()), "an empty id");
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "duplicate ids");
}
