//! Issue 17, points 3 and 4: code blocks' info strings, highlighting in
//! both outputs, and code that prints well.

mod common;

use common::{TempBook, assert_epubcheck_clean, parse_xml, unzip};
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
    assert!(
        outcome.stderr.matches("klingon").count() <= 1,
        "{}",
        outcome.stderr
    );
    assert!(!outcome.stderr.contains("text"), "{}", outcome.stderr);
}
