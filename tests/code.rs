//! Issue 17, points 3 and 4: code blocks' info strings, highlighting in
//! both outputs, and code that prints well.

mod common;

use common::{TempBook, assert_epubcheck_clean, parse_xml, pdf_tool, unzip};
use std::ffi::OsStr;
use std::fs;
use std::path::Path;

/// One block per language bindery promises to highlight, each with words
/// that its grammar gives a kind to.
const LANGUAGES: &[(&str, &str)] = &[
    ("rust", "fn main() {\n    let x = 1; // one\n}"),
    ("toml", "[package]\nname = \"bindery\""),
    ("sh", "echo \"hello\" # greet"),
    ("bash", "if [ -f x ]; then echo yes; fi"),
    ("shell", "export A=1"),
    ("console", "$ cargo build --release\n   Compiling bindery"),
    ("python", "def f(x):\n    return \"s\""),
    ("js", "const a = function () { return 1; };"),
    ("typescript", "let n: number = 1;"),
    ("c", "#include <stdio.h>\nint main(void) { return 0; }"),
    ("cpp", "template <typename T> class A {};"),
    ("go", "package main\nfunc main() {}"),
    ("java", "public class A { int x = 1; }"),
    ("json", "{\"a\": [1, true, null]}"),
    ("yaml", "key: value\nlist:\n  - 1"),
    ("html", "<p class=\"x\">text</p>"),
    ("css", "p { color: red; }"),
    ("sql", "SELECT name FROM users WHERE id = 1;"),
    ("markdown", "# Title\n\nSome *text*."),
    ("diff", "--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new"),
];

/// The XHTML files of an EPUB, in archive order.
fn xhtml_files(epub: &Path) -> Vec<String> {
    unzip(&fs::read(epub).expect("the EPUB was written"))
        .into_iter()
        .filter(|(name, _)| name.ends_with(".xhtml"))
        .map(|(_, data)| String::from_utf8(data).expect("UTF-8 XHTML"))
        .collect()
}

/// Each code block of the EPUB: its `language-…` class (if any) and the
/// classes of the highlighted spans in it.
fn epub_code_blocks(epub: &Path) -> Vec<(Option<String>, Vec<String>)> {
    let mut blocks = Vec::new();
    for text in xhtml_files(epub) {
        let doc = parse_xml(&text).expect("well-formed XHTML");
        for code in doc
            .descendants()
            .filter(|n| n.has_tag_name("code") && n.parent().is_some_and(|p| p.has_tag_name("pre")))
        {
            let language = code
                .attribute("class")
                .and_then(|c| c.strip_prefix("language-"))
                .map(str::to_string);
            let spans = code
                .descendants()
                .filter_map(|n| n.attribute("class"))
                .filter(|c| c.starts_with("hl-"))
                .map(str::to_string)
                .collect();
            blocks.push((language, spans));
        }
    }
    blocks
}

fn book_of_languages() -> TempBook {
    let mut chapter = String::from("# Languages\n\n");
    for (language, code) in LANGUAGES {
        chapter.push_str(&format!("```{language}\n{code}\n```\n\n"));
    }
    chapter.push_str("```no-such-language\nplain words\n```\n\n");
    chapter.push_str("```rust,ignore,does_not_compile\nlet x: u8 = 256;\n```\n");
    TempBook::chapter(chapter)
}

#[test]
fn every_language_is_highlighted_in_the_epub_and_an_unknown_one_is_plain() {
    let book = book_of_languages();
    book.assert_builds();
    let epub = book.out().join("hostile.epub");
    let blocks = epub_code_blocks(&epub);
    assert_eq!(blocks.len(), LANGUAGES.len() + 2, "{blocks:?}");
    for ((language, spans), (wanted, code)) in blocks.iter().zip(LANGUAGES) {
        assert_eq!(language.as_deref(), Some(*wanted));
        assert!(
            !spans.is_empty(),
            "{wanted} has no highlighted span: {code}"
        );
    }
    let unknown = &blocks[LANGUAGES.len()];
    assert_eq!(unknown.0.as_deref(), Some("no-such-language"));
    assert!(unknown.1.is_empty(), "an unknown language was highlighted");
    // The info string's first word is the language; the rest are attributes.
    let attributed = &blocks[LANGUAGES.len() + 1];
    assert_eq!(attributed.0.as_deref(), Some("rust"));
    assert!(!attributed.1.is_empty());
    assert_epubcheck_clean(&[epub]);
}

#[test]
fn highlighting_keeps_the_code_text_exactly() {
    let book = book_of_languages();
    book.assert_builds();
    let epub = book.out().join("hostile.epub");
    let mut texts = Vec::new();
    for text in xhtml_files(&epub) {
        let doc = parse_xml(&text).expect("well-formed XHTML");
        for code in doc.descendants().filter(|n| n.has_tag_name("code")) {
            let text: String = code
                .descendants()
                .filter(|n| n.is_text())
                .filter_map(|n| n.text())
                .collect();
            texts.push(text);
        }
    }
    for (_, code) in LANGUAGES {
        assert!(
            texts.iter().any(|t| t == code),
            "{code:?} is not kept as is"
        );
    }
}

#[test]
fn an_unknown_language_gets_one_note_however_many_blocks() {
    let mut chapter = String::from("# Plain\n\n");
    for _ in 0..5 {
        chapter.push_str("```klingon\nQapla'\n```\n\n```text\nplain\n```\n\n");
    }
    let book = TempBook::chapter(chapter);
    let outcome = book.assert_builds();
    let notes: Vec<&str> = outcome
        .stderr
        .lines()
        .filter(|l| l.contains("cannot highlight"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", outcome.stderr);
    assert!(
        notes[0].contains("`klingon`") && notes[0].contains("in 5 blocks"),
        "{}",
        outcome.stderr
    );
}

/// The PDF's pages as `pdftotext -layout` reads them.
fn pdf_pages(pdf: &Path) -> Vec<String> {
    let outcome = pdf_tool(
        "pdftotext",
        &[
            OsStr::new("-layout"),
            OsStr::new("-enc"),
            OsStr::new("UTF-8"),
            pdf.as_os_str(),
            OsStr::new("-"),
        ],
    );
    assert!(outcome.status.success(), "pdftotext: {}", outcome.stderr);
    outcome.stdout.split('\u{c}').map(str::to_string).collect()
}

#[test]
fn a_long_code_line_wraps_with_a_mark_at_its_indent() {
    let long = "        let total = first_argument + second_argument + third_argument + fourth_argument + fifth;";
    let book = TempBook::chapter(format!(
        "# Wrap\n\n```rust\nfn main() {{\n{long}\n}}\n```\n"
    ));
    book.assert_builds();
    let pages = pdf_pages(&book.out().join("hostile.pdf"));
    let text = pages.join("\n");
    let lines: Vec<&str> = text.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.contains("let total"))
        .expect("the long line is printed");
    let indent = lines[first].find("let").unwrap();
    let fn_column = lines
        .iter()
        .find(|l| l.contains("fn main"))
        .unwrap()
        .find("fn")
        .unwrap();
    assert!(
        indent > fn_column,
        "the first line lost its indent:\n{text}"
    );
    let continued: Vec<&&str> = lines[first + 1..]
        .iter()
        .take_while(|l| l.trim_start().starts_with('↪'))
        .collect();
    assert!(!continued.is_empty(), "no continuation mark:\n{text}");
    for line in &continued {
        let at = line.find('↪').unwrap();
        assert_eq!(
            line[..at].chars().count(),
            lines[first][..indent].chars().count(),
            "a continuation is not at the line's indent:\n{text}"
        );
    }
    // Nothing is cut or lost: every word of the line is there, in order.
    let printed: String = std::iter::once(lines[first])
        .chain(continued.iter().map(|l| **l))
        .collect::<Vec<_>>()
        .join(" ")
        .replace('↪', " ");
    let words: Vec<&str> = printed.split_whitespace().collect();
    assert_eq!(words, long.split_whitespace().collect::<Vec<_>>());
}

#[test]
fn a_code_block_across_a_page_break_never_leaves_one_line_alone() {
    // Chapters whose filler pushes a ten-line block to every place on the
    // page, so that some block is broken at each of its lines.
    let mut book = TempBook::new();
    let filler = "Words that fill a line of the page, over and over again, for the test.";
    let code: String = (0..10).map(|i| format!("let line_{i} = {i};\n")).collect();
    for chapter in 0..24 {
        let mut text = format!("# Chapter {chapter}\n\n");
        for _ in 0..(18 + chapter) {
            text.push_str(filler);
            text.push_str("\n\n");
        }
        text.push_str(&format!("## Listing\n\n```rust\n{code}```\n\nAfter.\n"));
        book = book.with(&format!("{chapter:02}.md"), text);
    }
    book.assert_builds();
    let pages = pdf_pages(&book.out().join("hostile.pdf"));
    let mut broken = 0;
    for (n, page) in pages.iter().enumerate() {
        let code_lines = page.lines().filter(|l| l.contains("let line_")).count();
        assert_ne!(
            code_lines,
            1,
            "page {} holds one line of a block:\n{page}",
            n + 1
        );
        if page.lines().any(|l| l.trim() == "Listing") {
            assert!(
                page.contains("let line_0"),
                "a heading left behind:\n{page}"
            );
        }
        if (2..10).contains(&code_lines) {
            broken += 1;
        }
    }
    assert!(broken >= 2, "no block was broken across pages");
}

/// The fonts of a PDF as `pdffonts` lists them, subset tags left off.
fn pdf_fonts(pdf: &Path) -> Vec<String> {
    let outcome = pdf_tool("pdffonts", &[pdf.as_os_str()]);
    assert!(outcome.status.success(), "pdffonts: {}", outcome.stderr);
    outcome
        .stdout
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(|name| name.split_once('+').map_or(name, |(_, n)| n).to_string())
        .collect()
}

/// The PDF's content streams, uncompressed by qpdf.
fn pdf_contents(pdf: &Path, dir: &Path) -> String {
    let plain = dir.join("plain.pdf");
    let outcome = pdf_tool(
        "qpdf",
        &[
            OsStr::new("--qdf"),
            OsStr::new("--object-streams=disable"),
            pdf.as_os_str(),
            plain.as_os_str(),
        ],
    );
    assert!(outcome.status.success(), "qpdf: {}", outcome.stderr);
    String::from_utf8_lossy(&fs::read(plain).unwrap()).into_owned()
}

const HIGHLIGHTED: &str =
    "# Code\n\n```rust\n// A comment.\nfn main() {\n    let s = \"text\";\n}\n```\n";

#[test]
fn the_pdf_prints_highlighted_code_in_grey_bold_and_oblique_by_default() {
    let book = TempBook::chapter(HIGHLIGHTED);
    book.assert_builds();
    let pdf = book.out().join("hostile.pdf");
    let fonts = pdf_fonts(&pdf);
    for face in [
        "DejaVuSansMono",
        "DejaVuSansMono-Bold",
        "DejaVuSansMono-Oblique",
    ] {
        assert!(
            fonts.iter().any(|f| f == face),
            "{face} is not used: {fonts:?}"
        );
    }
    let contents = pdf_contents(&pdf, book.root());
    assert!(contents.lines().any(|l| l.ends_with(" g") && l != "0 g"));
    assert!(
        !contents.lines().any(|l| l.ends_with(" rg")),
        "colour in print"
    );
}

#[test]
fn code_theme_colour_prints_colours_and_an_unknown_theme_is_an_error() {
    let toml =
        "title = \"Hostile\"\nlanguage = \"en\"\nauthors = []\n[pdf]\ncode-theme = \"colour\"\n";
    let book = TempBook::chapter(HIGHLIGHTED).with("book.toml", toml);
    book.assert_builds();
    let contents = pdf_contents(&book.out().join("hostile.pdf"), book.root());
    assert!(contents.lines().any(|l| l.ends_with(" rg")), "no colour");
    let book = TempBook::chapter(HIGHLIGHTED).with("book.toml", toml.replace("colour", "sepia"));
    book.assert_build_fails("book.toml:5:14: unknown variant `sepia`");
}

#[test]
fn characters_the_code_face_lacks_come_from_the_fallbacks() {
    // Characters DejaVu Sans Mono lacks are set from Noto Mono or DejaVu Serif.
    let book = TempBook::chapter("# Odd\n\n```\na ≧ b ↪ c\n```\n");
    let outcome = book.assert_builds();
    assert!(!outcome.stderr.contains("missing"), "{}", outcome.stderr);
    let text = common::pdf_text(&book.out().join("hostile.pdf"));
    assert!(text.contains("a ≧ b ↪ c"), "{text}");
}
