//! The CommonMark torture test: all 655 examples of the specification
//! (`tests/commonmark/`, CC BY-SA 4.0, see its NOTICE) go through the
//! Markdown reader one by one and through whole-book loads in batches, with
//! no panic and no lost text; then each of the seven books is built into an
//! EPUB that EPUBCheck passes (all seven in one JVM) and a PDF that
//! `qpdf --check` passes, both showing every word of every example.
//!
//! "No lost text" in the model means: every word pulldown-cmark reads as
//! content (its text, code and HTML events, as a renderer would keep them)
//! is in the model. Both sides are flattened the same way — events and
//! inlines joined as they come, blocks and line breaks as spaces — and
//! compared as multisets of whitespace-separated words. Parsed alone, an
//! example's model holds exactly pulldown-cmark's words; in a book it may
//! hold more (a chapter without a heading is titled by its file name).
//!
//! In the outputs it means: every word of a chapter's model (raw HTML
//! aside, which the EPUB cleans and the PDF does not set) is found in the
//! text of that chapter's part of the output, compared with white space and
//! hyphens taken out so that line and page breaks do not matter. The PDF's
//! text comes from pdftotext; characters no built-in font has are left out,
//! since the PDF prints them as boxes and reports them.

mod common;

use bindery::model::{Block, BlockKind, Chapter, ChapterBody, Inline};
use bindery::pdf::fonts::{FaceId, FontFiles, Fonts};
use bindery::toc::TocKind;
use common::{CommonMarkBooks, Example};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
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
    let mut block_html = String::new();
    for event in Parser::new_ext(&markdown, bindery::markdown::options()) {
        match event {
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::InlineMath(text) | Event::DisplayMath(text) => out.push_str(&text),
            // A block's comment may run over several of its events.
            Event::Html(html) => block_html.push_str(&html),
            Event::End(TagEnd::HtmlBlock) => {
                out.push_str(&bindery::markdown::without_comments(&std::mem::take(
                    &mut block_html,
                )));
                out.push(' ');
            }
            Event::InlineHtml(html) if in_image == 0 => {
                out.push_str(&bindery::markdown::without_comments(&html));
            }
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

/// Whether raw HTML counts as text when flattening the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Html {
    /// Its markup is text, as pulldown-cmark reports it.
    Keep,
    /// It is left out: the backends clean it or do not set it.
    Skip,
}

/// The text content of a chapter: title, body and footnotes.
fn chapter_text(chapter: &Chapter, html_is: Html) -> String {
    let mut out = String::new();
    push_inlines(&chapter.title, html_is, &mut out);
    out.push(' ');
    match &chapter.body {
        ChapterBody::Prose { blocks } => push_blocks(blocks, html_is, &mut out),
        ChapterBody::Faq(faq) => {
            push_blocks(&faq.intro, html_is, &mut out);
            for group in &faq.groups {
                if let Some(heading) = &group.heading {
                    push_inlines(&heading.content, html_is, &mut out);
                }
                push_blocks(&group.intro, html_is, &mut out);
                for question in &group.questions {
                    push_inlines(&question.heading.content, html_is, &mut out);
                    push_blocks(&question.answer, html_is, &mut out);
                }
            }
        }
    }
    for note in &chapter.footnotes {
        push_blocks(&note.blocks, html_is, &mut out);
    }
    out
}

fn push_blocks(blocks: &[Block], html_is: Html, out: &mut String) {
    for block in blocks {
        out.push(' ');
        match &block.kind {
            BlockKind::Heading(heading) => push_inlines(&heading.content, html_is, out),
            BlockKind::Paragraph { content } => push_inlines(content, html_is, out),
            BlockKind::BlockQuote { blocks } => push_blocks(blocks, html_is, out),
            BlockKind::List(list) => {
                for item in &list.items {
                    push_blocks(&item.blocks, html_is, out);
                }
            }
            BlockKind::CodeBlock { text, .. } => out.push_str(text),
            BlockKind::Table(table) => {
                for cell in table.head.iter().chain(table.rows.iter().flatten()) {
                    out.push(' ');
                    push_inlines(cell, html_is, out);
                }
            }
            BlockKind::ThematicBreak => {}
            BlockKind::Html { html } if html_is == Html::Keep => out.push_str(html),
            BlockKind::Html { .. } => out.push(' '),
        }
        out.push(' ');
    }
}

fn push_inlines(inlines: &[Inline], html_is: Html, out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text } => out.push_str(text),
            Inline::Code { code } => out.push_str(code),
            Inline::Html { html } if html_is == Html::Keep => out.push_str(html),
            Inline::Html { .. } => out.push(' '),
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Span { content, .. }
            | Inline::Link { content, .. } => push_inlines(content, html_is, out),
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
        let parsed = bindery::markdown::parse(
            &text,
            Path::new(&name),
            &|_| None,
            &bindery::lang::quotes::Typography::new("en"),
        );
        let mut model = String::new();
        push_blocks(&parsed.blocks, Html::Keep, &mut model);
        for note in &parsed.footnotes {
            push_blocks(&note.blocks, Html::Keep, &mut model);
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
                &words(&chapter_text(chapter, Html::Keep)),
            );
            if !lost.is_empty() {
                losses.push((example.name.clone(), lost));
            }
        }
        // Every chapter has its entry; an example that is only a title is a
        // part, with the chapters after it nested under it.
        let toc = bindery::toc::build(&manuscript.book, manuscript.config.toc_depth());
        let entries = toc
            .flatten()
            .into_iter()
            .filter(|(_, e)| matches!(e.kind, TocKind::Chapter | TocKind::Part))
            .count();
        assert_eq!(entries, chapters.len());
    }
    assert_nothing_lost(&losses, "in a book");
}

/// The words a backend must show for a chapter: its text without raw HTML,
/// hyphens taken out (the PDF hyphenates, and pdftotext rejoins or keeps
/// the pieces), and without the characters `drawable` says no font has
/// (the PDF reports those with their place instead).
fn shown_words(chapter: &Chapter, drawable: &dyn Fn(char) -> bool) -> Vec<String> {
    chapter_text(chapter, Html::Skip)
        .split_whitespace()
        .map(|word| squeeze(&drawn(word, drawable)))
        .filter(|word| !word.is_empty())
        .collect()
}

/// `word` without the characters `drawable` refuses and the combining
/// marks set on them: the PDF prints each such cluster as one box.
fn drawn(word: &str, drawable: &dyn Fn(char) -> bool) -> String {
    let mut out = String::new();
    let mut dropped = false;
    for c in word.chars() {
        dropped = !drawable(c) || (dropped && is_combining(c));
        if !dropped {
            out.push(c);
        }
    }
    out
}

/// Whether `c` is in one of the blocks of combining diacritical marks.
fn is_combining(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}'
        | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

/// Text with white space, hyphens and replacement characters taken out, so
/// that a word can be looked for whatever lines or pages the output broke
/// it across (pdftotext reads a box, printed for a character no font has,
/// as U+FFFD).
fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}' | '\u{2010}' | '\u{fffd}'))
        .collect()
}

/// The words of `chapter` that are not in `shown`, the squeezed text of
/// its part of an output.
fn unshown(chapter: &Chapter, shown: &str, drawable: &dyn Fn(char) -> bool) -> Vec<String> {
    shown_words(chapter, drawable)
        .into_iter()
        .filter(|word| !shown.contains(word.as_str()))
        .collect()
}

/// The text of each chapter file of an EPUB (`chapter-NNN.xhtml`, in
/// order), with image descriptions, squeezed.
fn epub_chapter_texts(epub: &[u8]) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(epub)).expect("a zip archive");
    let mut chapters = Vec::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).expect("an entry");
        let name = file.name().expect("a UTF-8 entry name").to_string();
        if !name
            .rsplit('/')
            .next()
            .is_some_and(|n| n.starts_with("chapter-"))
        {
            continue;
        }
        let mut xhtml = String::new();
        file.read_to_string(&mut xhtml).expect("UTF-8 XHTML");
        let doc =
            common::parse_xml(&xhtml).unwrap_or_else(|e| panic!("{name} is not well-formed: {e}"));
        let text: String = doc
            .descendants()
            .filter_map(|node| {
                if node.is_text() {
                    node.text()
                } else {
                    node.attribute("alt")
                }
            })
            .collect();
        chapters.push((name, squeeze(&text)));
    }
    chapters.sort();
    chapters.into_iter().map(|(_, text)| text).collect()
}

/// The text of each chapter in the PDF, squeezed: the pages from the one
/// where the chapter may begin (the last page starting in an earlier
/// chapter) up to the first page starting in a later one. `pages` is
/// pdftotext's output, a form feed after each page.
fn pdf_chapter_texts(pages: &str, output: &bindery::pdf::Output, chapters: usize) -> Vec<String> {
    let pages: Vec<&str> = pages.split('\u{c}').collect();
    assert!(pages.len() >= output.page_map.len(), "pdftotext lost pages");
    let chapter_of: Vec<Option<usize>> = output.page_map.iter().map(|p| p.chapter).collect();
    (0..chapters)
        .map(|chapter| {
            let first = chapter_of
                .iter()
                .rposition(|c| c.is_some_and(|c| c < chapter))
                .or_else(|| chapter_of.iter().position(Option::is_some))
                .unwrap_or(0);
            let end = chapter_of
                .iter()
                .position(|c| c.is_some_and(|c| c > chapter))
                .unwrap_or(chapter_of.len());
            squeeze(&pages[first..end].concat())
        })
        .collect()
}

/// Every book of examples builds into an EPUB that EPUBCheck passes and a
/// PDF that qpdf passes, both showing every word of every example; the
/// command line dumps and checks each book without a panic.
#[test]
fn every_example_book_builds_into_a_valid_epub_and_pdf() {
    let books = CommonMarkBooks::new();
    let fonts = FontFiles::default();
    let faces = Fonts::new(&fonts).expect("the built-in fonts load");
    let drawable = |c: char| (0..6).any(|face| faces.covers(FaceId(face), c));
    let everything = |_: char| true;
    let mut epubs = Vec::new();
    let mut lost = Vec::new();
    for (index, (dir, examples)) in books.books.iter().enumerate() {
        let manuscript =
            bindery::load(dir).unwrap_or_else(|e| panic!("{} does not load: {e}", dir.display()));
        let pdf = bindery::build_pdf(&manuscript, dir, fonts.clone(), Some("0"))
            .unwrap_or_else(|e| panic!("{}: the PDF fails: {e}", dir.display()));
        // With the PDF's pages, as `bindery build` does: the EPUB marks them.
        let epub = common::epub(&manuscript, dir, None, Some(&pdf), Some("0"))
            .unwrap_or_else(|e| panic!("{}: the EPUB fails: {e}", dir.display()));
        let epub_path = books.root().join(format!("book-{}.epub", index + 1));
        let pdf_path = books.root().join(format!("book-{}.pdf", index + 1));
        fs::write(&epub_path, &epub.bytes).expect("cannot write the EPUB");
        fs::write(&pdf_path, &pdf.bytes).expect("cannot write the PDF");

        let qpdf = common::pdf_tool("qpdf", &["--check".as_ref(), pdf_path.as_os_str()]);
        assert!(
            qpdf.status.success(),
            "qpdf --check on {}:\n{}{}",
            pdf_path.display(),
            qpdf.stdout,
            qpdf.stderr
        );
        let text = common::pdf_tool("pdftotext", &[pdf_path.as_os_str(), "-".as_ref()]);
        assert!(text.status.success(), "pdftotext: {}", text.stderr);

        let chapters = &manuscript.book.chapters;
        let in_epub = epub_chapter_texts(&epub.bytes);
        let in_pdf = pdf_chapter_texts(&text.stdout, &pdf, chapters.len());
        assert_eq!(in_epub.len(), chapters.len(), "one EPUB file per chapter");
        for (((chapter, example), epub_text), pdf_text) in
            chapters.iter().zip(examples).zip(&in_epub).zip(&in_pdf)
        {
            let epub_lost = unshown(chapter, epub_text, &everything);
            let pdf_lost = unshown(chapter, pdf_text, &drawable);
            if !epub_lost.is_empty() || !pdf_lost.is_empty() {
                lost.push(format!(
                    "{}: EPUB lacks {epub_lost:?}, PDF lacks {pdf_lost:?}",
                    example.name
                ));
            }
        }
        epubs.push(epub_path);

        let dir = dir.to_str().expect("temporary paths are UTF-8");
        let dumped = common::run(&["dump", "--manuscript", dir]);
        assert!(dumped.status.success(), "{dir}: {}", dumped.stderr);
        let checked = common::run(&["check", "--manuscript", dir]);
        assert_eq!(checked.status.code(), Some(2), "{dir}: warnings expected");
    }
    assert!(
        lost.is_empty(),
        "{} of 655 examples lost text in a backend:\n{}",
        lost.len(),
        lost.join("\n")
    );
    common::assert_epubcheck_clean(&epubs);
}
