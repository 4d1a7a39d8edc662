//! The CommonMark torture test: all 655 examples of the specification
//! (`tests/commonmark/`, CC BY-SA 4.0, see its NOTICE) go through the
//! Markdown reader one by one and through whole-book loads in batches, with
//! no panic and no lost text.
//!
//! "No lost text" means: every word pulldown-cmark reads as content (its
//! text, code and HTML events, as a renderer would keep them) is in the
//! model. Both sides are flattened the same way — events and inlines joined
//! as they come, blocks and line breaks as spaces — and compared as
//! multisets of whitespace-separated words. Parsed alone, an example's
//! model holds exactly pulldown-cmark's words; in a book it may hold more (a
//! chapter without a heading is titled by its file name).

mod common;

use bindery::model::{Block, BlockKind, Chapter, ChapterBody, Inline};
use common::{CommonMarkBooks, Example};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::collections::BTreeMap;
use std::path::Path;

/// A multiset of words.
type Words = BTreeMap<String, usize>;

fn words(text: &str) -> Words {
    let mut words = Words::new();
    for word in text.split_whitespace() {
        *words.entry(word.to_string()).or_default() += 1;
    }
    words
}

/// The words of `expected` that `actual` lacks, with how many are missing.
fn missing(expected: &Words, actual: &Words) -> Vec<(String, usize)> {
    expected
        .iter()
        .filter_map(|(word, &count)| {
            let have = actual.get(word).copied().unwrap_or(0);
            (have < count).then(|| (word.clone(), count - have))
        })
        .collect()
}

/// The text content pulldown-cmark finds in `markdown`, read with bindery's
/// own options.
fn reference_text(markdown: &str) -> String {
    // bindery turns NUL into U+FFFD before parsing, as CommonMark asks.
    let markdown = markdown.replace('\0', "\u{fffd}");
    let mut out = String::new();
    // Inside an image only its text counts: that is its alt text.
    let mut in_image = 0usize;
    for event in Parser::new_ext(&markdown, bindery::markdown::options()) {
        match event {
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::InlineMath(text) | Event::DisplayMath(text) => out.push_str(&text),
            Event::Html(html) | Event::InlineHtml(html) if in_image == 0 => out.push_str(&html),
            Event::SoftBreak | Event::HardBreak | Event::Rule => out.push(' '),
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Start(tag) if !is_inline(&tag) => out.push(' '),
            Event::End(tag) if !is_inline_end(&tag) => out.push(' '),
            _ => {}
        }
    }
    out
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
    )
}

fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image
    )
}

/// The text content of a chapter: title, body and footnotes.
fn chapter_text(chapter: &Chapter) -> String {
    let mut out = String::new();
    push_inlines(&chapter.title, &mut out);
    out.push(' ');
    match &chapter.body {
        ChapterBody::Prose { blocks } => push_blocks(blocks, &mut out),
        ChapterBody::Faq(faq) => {
            push_blocks(&faq.intro, &mut out);
            for group in &faq.groups {
                if let Some(heading) = &group.heading {
                    push_inlines(&heading.content, &mut out);
                }
                push_blocks(&group.intro, &mut out);
                for question in &group.questions {
                    push_inlines(&question.heading.content, &mut out);
                    push_blocks(&question.answer, &mut out);
                }
            }
        }
    }
    for note in &chapter.footnotes {
        push_blocks(&note.blocks, &mut out);
    }
    out
}

fn push_blocks(blocks: &[Block], out: &mut String) {
    for block in blocks {
        out.push(' ');
        match &block.kind {
            BlockKind::Heading(heading) => push_inlines(&heading.content, out),
            BlockKind::Paragraph { content } => push_inlines(content, out),
            BlockKind::BlockQuote { blocks } => push_blocks(blocks, out),
            BlockKind::List(list) => {
                for item in &list.items {
                    push_blocks(&item.blocks, out);
                }
            }
            BlockKind::CodeBlock { text, .. } => out.push_str(text),
            BlockKind::Table(table) => {
                for cell in table.head.iter().chain(table.rows.iter().flatten()) {
                    out.push(' ');
                    push_inlines(cell, out);
                }
            }
            BlockKind::ThematicBreak => {}
            BlockKind::Html { html } => out.push_str(html),
        }
        out.push(' ');
    }
}

fn push_inlines(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text } => out.push_str(text),
            Inline::Code { code } => out.push_str(code),
            Inline::Html { html } => out.push_str(html),
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Link { content, .. } => push_inlines(content, out),
            Inline::Image { alt, .. } => out.push_str(alt),
            Inline::SoftBreak | Inline::LineBreak => out.push(' '),
            Inline::FootnoteRef { .. } => {}
        }
    }
}

/// Asserts that no example lost words, listing the first few that did.
fn assert_nothing_lost(losses: &[(String, Vec<(String, usize)>)], how: &str) {
    let report: Vec<String> = losses
        .iter()
        .take(10)
        .map(|(name, lost)| format!("{name}: lost {lost:?}"))
        .collect();
    assert!(
        losses.is_empty(),
        "{} of 655 examples lost text {how}:\n{}",
        losses.len(),
        report.join("\n")
    );
}

#[test]
fn the_corpus_is_complete() {
    let examples = common::commonmark_examples();
    assert_eq!(examples.len(), 655);
    assert_eq!(examples[0].name, "0001.md");
    assert_eq!(examples[654].name, "0655.md");
}

#[test]
fn every_example_parses_without_losing_text() {
    let mut losses = Vec::new();
    for Example { name, text } in common::commonmark_examples() {
        let parsed = bindery::markdown::parse(&text, Path::new(&name), &|_| None);
        let mut model = String::new();
        push_blocks(&parsed.blocks, &mut model);
        for note in &parsed.footnotes {
            push_blocks(&note.blocks, &mut model);
        }
        let (expected, actual) = (words(&reference_text(&text)), words(&model));
        let lost = missing(&expected, &actual);
        if !lost.is_empty() {
            losses.push((name.clone(), lost));
        }
        // Alone, the reader also adds nothing: the two multisets are equal.
        let added = missing(&actual, &expected);
        assert!(added.is_empty(), "{name}: the model adds {added:?}");
    }
    assert_nothing_lost(&losses, "in markdown::parse");
}

#[test]
fn every_example_loads_as_a_chapter_without_losing_text() {
    let books = CommonMarkBooks::new();
    assert_eq!(
        books.books.len(),
        655_usize.div_ceil(common::EXAMPLES_PER_BOOK)
    );
    let mut losses = Vec::new();
    for (dir, examples) in &books.books {
        let manuscript =
            bindery::load(dir).unwrap_or_else(|e| panic!("{} does not load: {e}", dir.display()));
        let chapters = &manuscript.book.chapters;
        assert_eq!(chapters.len(), examples.len(), "{}", dir.display());
        for (chapter, example) in chapters.iter().zip(examples) {
            assert_eq!(chapter.file, Path::new(&example.name));
            let lost = missing(
                &words(&reference_text(&example.text)),
                &words(&chapter_text(chapter)),
            );
            if !lost.is_empty() {
                losses.push((example.name.clone(), lost));
            }
        }
        let toc = bindery::toc::build(&manuscript.book, manuscript.config.toc_depth());
        assert_eq!(toc.entries.len(), chapters.len());
    }
    assert_nothing_lost(&losses, "in a book");
}

#[test]
fn every_example_book_builds_and_dumps() {
    let books = CommonMarkBooks::new();
    for (index, (dir, _)) in books.books.iter().enumerate() {
        let dir = dir.to_str().expect("temporary paths are UTF-8");
        let out = books.root().join(format!("out-{}", index + 1));
        let out = out.to_str().expect("temporary paths are UTF-8");
        let built = common::run(&["build", "--manuscript", dir, "--out", out]);
        assert!(built.status.success(), "{dir}: {}", built.stderr);
        let dumped = common::run(&["dump", "--manuscript", dir]);
        assert!(dumped.status.success(), "{dir}: {}", dumped.stderr);
        let checked = common::run(&["check", "--manuscript", dir]);
        assert_eq!(checked.status.code(), Some(2), "{dir}: warnings expected");
    }
}
