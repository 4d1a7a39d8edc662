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

/// mdBook's listings as the Rust Book writes them: with a number, a file
/// name and a caption, with some of them, with none, around two blocks,
/// and one never closed.
const LISTINGS: &str = include_str!("fixtures/constructs/11-listings.md");

/// The listings' book; the chapter their caption links to comes first.
fn book_of_listings() -> TempBook {
    TempBook::chapter(LISTINGS).with("01-headings.md", "# Headings\n")
}

/// The text of an element of XHTML, its descendants' included.
fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// Each listing of an EPUB: its elements' names, its file name's line
/// and its caption's text.
type EpubListing = (Vec<String>, Option<String>, Option<String>);

fn epub_listings(epub: &Path) -> Vec<EpubListing> {
    let mut listings = Vec::new();
    for text in xhtml_files(epub) {
        let doc = parse_xml(&text).expect("well-formed XHTML");
        for figure in doc.descendants().filter(|n| n.has_tag_name("figure")) {
            assert_eq!(figure.attribute("class"), Some("listing"));
            let names = figure
                .children()
                .filter(|n| n.is_element())
                .map(|n| n.tag_name().name().to_string())
                .collect();
            let file = figure
                .children()
                .find(|n| n.attribute("class") == Some("listing-file"))
                .map(text_of);
            let caption = figure
                .children()
                .find(|n| n.has_tag_name("figcaption"))
                .map(text_of);
            listings.push((names, file, caption));
        }
    }
    listings
}

#[test]
fn a_listing_is_a_figure_with_its_file_name_above_and_its_caption_below_in_the_epub() {
    let book = book_of_listings();
    let outcome = book.assert_builds();
    // The listing around two blocks is told about, with its place.
    assert!(
        outcome
            .stderr
            .contains("a.md:59:1: this <Listing> holds something other"),
        "{}",
        outcome.stderr
    );
    let epub = book.out().join("hostile.epub");
    let listing = |names: &[&str], file: Option<&str>, caption: Option<&str>| {
        (
            names.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
            file.map(str::to_string),
            caption.map(str::to_string),
        )
    };
    assert_eq!(
        epub_listings(&epub),
        [
            listing(
                &["p", "pre", "figcaption"],
                Some("Filename: src/main.rs"),
                Some(
                    "Listing 2-1: Code that gets a guess from the user and prints it with println!"
                )
            ),
            listing(&["pre", "figcaption"], None, Some("Listing 2-2")),
            listing(&["p", "pre"], Some("Filename: src/a&b.rs"), None),
            listing(
                &["pre", "figcaption"],
                None,
                Some("A “quoted” caption with a link")
            ),
        ]
    );
    let xhtml = xhtml_files(&epub).concat();
    // The caption is inline Markdown: code and a link.
    assert!(xhtml.contains("prints it with <code>println!</code></figcaption>"));
    assert!(xhtml.contains("<figcaption>A “quoted” caption with a <a href=\""));
    // The code of a listing is highlighted as any code is.
    assert!(xhtml.contains("<figure class=\"listing\">\n<p class=\"listing-file\">Filename: src/main.rs</p>\n<pre class=\"code\"><code class=\"language-rust\"><span class=\"hl-"));
    // A listing that says nothing is code alone; around two blocks, its
    // caption follows them; no tag of a listing is left in the text.
    assert!(xhtml.contains("<pre class=\"code\"><code class=\"language-text\">plain</code></pre>"));
    assert!(xhtml.contains("<p>Two blocks, <em>one</em> caption</p>"));
    assert!(!xhtml.to_lowercase().contains("listing number"), "{xhtml}");
    assert!(!xhtml.to_lowercase().contains("</listing"), "{xhtml}");
    assert_epubcheck_clean(&[epub]);
}

#[test]
fn a_listing_prints_its_file_name_above_and_its_caption_below_its_code() {
    let book = book_of_listings();
    book.assert_builds();
    let text = common::pdf_text(&book.out().join("hostile.pdf"));
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let at = |wanted: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(wanted))
            .unwrap_or_else(|| panic!("no {wanted:?} in\n{text}"))
    };
    assert!(at("Filename: src/main.rs") < at("fn main()"));
    assert!(at("fn main()") < at("Listing 2-1:"));
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (printed, times) in [
        (
            "Listing 2-1: Code that gets a guess from the user and prints it with println!",
            1,
        ),
        ("Listing 2-2", 1),
        ("Listing 2-2:", 0),
        ("Filename: src/main.rs", 1),
        ("Filename: src/a&b.rs", 1),
        ("A “quoted” caption with a link", 1),
        ("Two blocks, one caption", 1),
        // Only the listing never closed stays as it was written.
        ("<Listing", 1),
        ("<Listing number=\"9-9\"", 1),
        ("</Listing", 0),
    ] {
        assert_eq!(
            words.matches(printed).count(),
            times,
            "{printed:?} in\n{text}"
        );
    }
}

#[test]
fn a_listing_s_words_are_the_book_s_language_or_labels() {
    let toml = "title = \"Hostile\"\nlanguage = \"fr\"\nauthors = []\n\
                [labels]\nfile-name = \"Fichier source : {file}\"\n";
    let book = book_of_listings().with("book.toml", toml);
    book.assert_builds();
    let listings = epub_listings(&book.out().join("hostile.epub"));
    assert_eq!(
        listings[0].1.as_deref(),
        Some("Fichier source : src/main.rs")
    );
    let caption = listings[0].2.as_deref().unwrap_or_default();
    assert!(
        caption.starts_with("Listing 2-1\u{202f}: Code"),
        "{caption}"
    );
    let text = common::pdf_text(&book.out().join("hostile.pdf"));
    assert!(text.contains("Fichier source : src/main.rs"), "{text}");
    // The narrow no-break space is set as a space, which pdftotext reads
    // as an ordinary one.
    let text = text.replace('\u{202f}', " ");
    assert!(text.contains("Listing 2-1 : Code"), "{text}");
}

#[test]
fn a_listing_s_file_name_and_caption_stay_with_its_code_across_pages() {
    // Filler pushes a listing of six lines to every place on the page.
    let mut book = TempBook::new();
    let filler = "Words that fill a line of the page, over and over again, for the test.";
    let code: String = (0..6).map(|i| format!("let line_{i} = {i};\n")).collect();
    for chapter in 0..24 {
        let mut text = format!("# Chapter {chapter}\n\n");
        for _ in 0..(18 + chapter) {
            text.push_str(filler);
            text.push_str("\n\n");
        }
        text.push_str(&format!(
            "<Listing number=\"{chapter}-1\" file-name=\"src/file_{chapter}.rs\" \
             caption=\"The caption of listing {chapter}\">\n\n```rust\n{code}```\n\n\
             </Listing>\n\nAfter.\n"
        ));
        book = book.with(&format!("{chapter:02}.md"), text);
    }
    book.assert_builds();
    let pages = pdf_pages(&book.out().join("hostile.pdf"));
    let (mut broken, mut checked) = (0, 0);
    for page in &pages {
        let lines: Vec<&str> = page
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        for (i, line) in lines.iter().enumerate() {
            // The file name's line is followed by the code's first, on its page.
            if line.starts_with("Filename: src/file_") {
                checked += 1;
                let next = lines.get(i + 1).copied().unwrap_or_default();
                assert!(next.starts_with("let line_0"), "a file name alone:\n{page}");
            }
            // The caption follows the code's last line, on its page.
            if line.starts_with("Listing ") {
                let before = lines[..i].last().copied().unwrap_or_default();
                assert!(before.starts_with("let line_5"), "a caption alone:\n{page}");
            }
        }
        let code_lines = lines.iter().filter(|l| l.starts_with("let line_")).count();
        if (2..6).contains(&code_lines) {
            broken += 1;
        }
    }
    assert_eq!(checked, 24);
    assert!(broken >= 2, "no listing was broken across pages");
}
