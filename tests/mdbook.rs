//! Issue 17: an mdBook folder is a manuscript, mdBook's `{{#…}}` directives
//! are expanded, and HTML comments never reach the text of either output.

mod common;

use common::{TempBook, pdf_text, pdf_tool, unzip};
use std::ffi::OsStr;
use std::fs;
use std::path::Path;

/// The text of every XHTML file of an EPUB, in archive order, without
/// the spans of highlighted code, so that code reads as it was written.
fn epub_text(epub: &Path) -> String {
    let bytes = fs::read(epub).expect("the EPUB was written");
    let text = unzip(&bytes)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".xhtml"))
        .map(|(_, data)| String::from_utf8(data).expect("UTF-8 XHTML"))
        .collect::<Vec<_>>()
        .join("\n");
    without_highlighting(&text)
}

/// XHTML without its `<span class="hl-…">` elements, their text kept: they
/// never nest, so each one ends at the next `</span>`.
fn without_highlighting(xhtml: &str) -> String {
    let mut out = String::with_capacity(xhtml.len());
    let mut rest = xhtml;
    while let Some(at) = rest.find("<span class=\"hl-") {
        out.push_str(&rest[..at]);
        let inner = &rest[at..];
        let inner = &inner[inner.find('>').map_or(inner.len(), |i| i + 1)..];
        let end = inner.find("</span>").unwrap_or(inner.len());
        out.push_str(&inner[..end]);
        rest = &inner[(end + "</span>".len()).min(inner.len())..];
    }
    out.push_str(rest);
    out
}

/// Builds the book into its `out` folder and returns the EPUB's and the
/// PDF's text.
fn built_texts(book: &TempBook, slug: &str) -> (String, String) {
    book.assert_builds();
    let out = book.out();
    (
        epub_text(&out.join(format!("{slug}.epub"))),
        pdf_text(&out.join(format!("{slug}.pdf"))),
    )
}

#[test]
fn html_comments_appear_in_neither_output() {
    let chapter = "# Comments<!-- in the title -->\n\n\
        See Chapter 3<!-- ignore -->. Then <!-- one\nover two lines --> more.\n\n\
        <!-- a block comment -->\n\n\
        <!--\nA block comment\nover several lines\n-->\n\n\
        - an item <!-- inline in a list --> here\n  <!--\n  block in an item -->\n\
        - <!--x-->second\n\n\
        | head <!-- h --> | two |\n|---|---|\n| cell <!--c--> | 2 |\n\n\
        <div>kept<!-- inside HTML --></div>\n\n\
        Empty ones: <!----> and <!---> end.\n\n\
        <!-- left open to the end\n\nstill inside\n";
    let book = TempBook::chapter(chapter);
    let (epub, pdf) = built_texts(&book, "hostile");
    for (name, text) in [("EPUB", &epub), ("PDF", &pdf)] {
        assert!(!text.contains("<!--"), "{name} holds a comment:\n{text}");
        assert!(!text.contains("ignore"), "{name} holds a comment's text");
        assert!(
            !text.contains("still inside"),
            "{name} holds an open comment's text"
        );
        assert!(
            text.contains("Chapter 3."),
            "{name} lost the text around a comment"
        );
        assert!(text.contains("second"), "{name} lost a list item's text");
    }
}

/// mdBook's own user guide, a real mdBook project, kept in
/// `tests/mdbook-guide/` as published with mdBook (MPL-2.0, its `LICENSE`
/// beside it), so that a fresh clone tests it too.
fn corpus() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mdbook-guide")
}

/// Copies the folder `from` into `to`, files and folders.
fn copy_folder(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("cannot create a folder");
    for entry in fs::read_dir(from).expect("the corpus is readable") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("cannot copy a file");
        }
    }
}

/// The chapters and parts of `bindery dump`'s contents, one a line, each
/// indented two spaces a level: the outline without the sections.
fn outline(dump: &str) -> String {
    fn walk(entries: &serde_json::Value, depth: usize, out: &mut String) {
        for entry in entries.as_array().into_iter().flatten() {
            let kind = entry["kind"]["kind"].as_str().unwrap_or("");
            if kind == "part" || kind == "chapter" {
                let title = entry["title"].as_str().unwrap_or("");
                out.push_str(&format!("{}{title}\n", "  ".repeat(depth)));
                walk(&entry["children"], depth + 1, out);
            }
        }
    }
    let dump: serde_json::Value = serde_json::from_str(dump).expect("dump prints JSON");
    let mut out = String::new();
    walk(&dump["toc"]["entries"], 0, &mut out);
    out
}

/// Every `{{#…}}` of `text`, up to its `}}`.
fn directives(text: &str) -> Vec<String> {
    text.match_indices("{{#")
        .map(|(at, _)| {
            let rest = &text[at..];
            let end = rest.find("}}").map_or(rest.len(), |i| i + 2);
            rest[..end].to_string()
        })
        .collect()
}

#[test]
fn the_mdbook_guide_builds_as_it_is() {
    let book = TempBook::bare();
    copy_folder(&corpus(), &book.dir());
    let started = std::time::Instant::now();
    let (epub, pdf) = built_texts(&book, "mdbook-documentation");
    eprintln!(
        "the mdBook guide built in {:.1?} (debug build)",
        started.elapsed()
    );
    let out = book.out();
    common::assert_epubcheck_clean(&[out.join("mdbook-documentation.epub")]);
    let qpdf = pdf_tool(
        "qpdf",
        &[
            OsStr::new("--check"),
            out.join("mdbook-documentation.pdf").as_os_str(),
        ],
    );
    assert!(
        qpdf.status.success(),
        "qpdf --check: {}{}",
        qpdf.stdout,
        qpdf.stderr
    );

    // Highlighted code in both outputs: blocks in a language bindery knows
    // have highlighted spans in the EPUB, and the PDF prints some in the
    // bold and oblique monospace faces.
    let raw = unzip(&fs::read(out.join("mdbook-documentation.epub")).expect("the EPUB"))
        .into_iter()
        .map(|(_, data)| String::from_utf8_lossy(&data).into_owned())
        .collect::<String>();
    let (mut known, mut highlighted) = (0, 0);
    for block in raw
        .split("<pre class=\"code\"><code class=\"language-")
        .skip(1)
    {
        let (language, rest) = block.split_once('"').expect("a class");
        let body = &rest[..rest.find("</code>").expect("the block's end")];
        if bindery::highlight::is_known(language) {
            known += 1;
            highlighted += usize::from(body.contains("<span class=\"hl-"));
        }
    }
    // A block with nothing to mark (a Markdown paragraph) stays plain.
    eprintln!("{highlighted} of {known} blocks in a known language highlighted");
    assert!(
        known > 100 && highlighted * 10 >= known * 9,
        "{highlighted} of {known} blocks in a known language highlighted"
    );
    let fonts = pdf_tool(
        "pdffonts",
        &[out.join("mdbook-documentation.pdf").as_os_str()],
    );
    for face in ["+DejaVuSansMono-Bold ", "+DejaVuSansMono-Oblique "] {
        assert!(
            fonts.stdout.contains(face),
            "{face}not used:\n{}",
            fonts.stdout
        );
    }

    // The contents: SUMMARY.md's order, nesting and parts; the draft
    // chapter left out.
    let expected = "\
Introduction
User guide
  Installation
  Reading books
  Creating a book
Reference guide
  Command-line tool
    init
    build
    watch
    serve
    test
    clean
    completions
  Format
    SUMMARY.md
    Configuration
      General
      Preprocessors
      Renderers
      Environment variables
    Theme
      index.hbs
      Syntax highlighting
      Editor
    MathJax support
    mdBook-specific features
    Markdown
  Continuous integration
  For developers
    Preprocessors
    Alternative backends
Contributors
";
    assert_eq!(outline(&book.dump()), expected);

    // No comment in either output. What `{{#` is left is text the guide
    // shows: escaped directives (`\{{#include file.rs}}`), forms that are
    // no directive (`{{#toc}}`, `{{#include}}` without a file), and the
    // two includes of files outside the book, kept with a warning.
    assert!(!epub.contains("<!--") && !pdf.contains("<!--"));
    let outside = [
        "{{#include ../../../examples/nop-preprocessor.rs}}",
        "{{#rustdoc_include ../../../examples/remove-emphasis/mdbook-remove-emphasis/src/main.rs:remove_emphasis}}",
    ];
    let mut allowed: Vec<String> = vec!["{{#toc}}".into(), "{{#include}}".into()];
    allowed.extend(outside.iter().map(|s| s.to_string()));
    let mut stack = vec![book.dir().join("src")];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).expect("a folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                let text = fs::read_to_string(&path).expect("UTF-8");
                allowed.extend(text.match_indices("\\{{#").map(|(at, _)| {
                    let rest = &text[at + 1..];
                    rest[..rest.find("}}").map_or(rest.len(), |i| i + 2)].to_string()
                }));
            }
        }
    }
    let shown = directives(&epub);
    for directive in &shown {
        assert!(allowed.contains(directive), "the EPUB shows {directive}");
    }
    for expanded in [
        "{{#include arg-watcher.md}}",
        "{{#include ../SUMMARY.md}}",
        "{{#playground example.rs}}",
    ] {
        assert!(
            !shown.iter().any(|d| d == expanded),
            "{expanded} was not expanded"
        );
    }
    assert_eq!(
        pdf.matches("{{#").count(),
        shown.len(),
        "the PDF and the EPUB show different directives"
    );
    let findings = book.findings();
    let outside_found = findings
        .iter()
        .filter(|f| f.code == "include-outside")
        .count();
    assert_eq!(outside_found, 2, "{findings:#?}");
    assert!(findings.iter().any(|f| f.code == "mdbook-preprocessor"));
    assert!(
        findings.iter().all(|f| f.code != "broken-link"),
        "{findings:#?}"
    );
}

/// The `book.toml` of a small mdBook, with `extra` after its `[book]` table.
fn mdbook_toml(extra: &str) -> String {
    format!(
        "[book]\ntitle = \"Small\"\nauthors = [\"A. Writer\"]\ndescription = \"A test.\"\n\
         language = \"en\"\n{extra}"
    )
}

/// A small mdBook with every kind of SUMMARY.md entry.
fn small_mdbook(extra: &str) -> TempBook {
    TempBook::bare()
        .with("book.toml", mdbook_toml(extra))
        .with(
            "src/SUMMARY.md",
            "# Summary\n\n[Preface](preface.md)\n\n---\n\n# Part One\n\n\
             - [First](one/first.md)\n    - [Nested](one/nested.md)\n    - [Draft]()\n\
             - [Second](two.md)\n\n# Part Two\n\n- [Third](three.md)\n\n---\n\n\
             [Afterword](after.md)\n",
        )
        .with("src/preface.md", "# Preface\n\nBefore.\n")
        .with(
            "src/one/first.md",
            "# A Heading of Its Own\n\nSee [the section](../two.md#a-section) and \
             [nested](nested.md).\n\n![A map](img/map.png)\n",
        )
        .with("src/one/img/map.png", PNG)
        .with("src/one/nested.md", "No heading here.\n")
        .with("src/two.md", "# Second\n\n## A section\n\nText.\n")
        .with("src/three.md", "# Third\n\nThree.\n")
        .with("src/after.md", "# Afterword\n\nAfter.\n")
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

#[test]
fn summary_structures_become_the_contents() {
    let book = small_mdbook("");
    assert_eq!(
        outline(&book.dump()),
        "Preface\nPart One\n  First\n    Nested\n  Second\nPart Two\n  Third\nAfterword\n"
    );
    let findings = book.findings();
    let codes: Vec<(&str, Option<u64>)> =
        findings.iter().map(|f| (f.code.as_str(), f.line)).collect();
    assert_eq!(codes, vec![("mdbook-draft", Some(11))], "{findings:#?}");
}

#[test]
fn parts_are_title_pages_and_links_and_images_are_relative_to_each_chapter() {
    let book = small_mdbook("");
    let (epub, pdf) = built_texts(&book, "small");
    common::assert_epubcheck_clean(&[book.out().join("small.epub")]);
    assert!(epub.contains("epub:type=\"part\""), "no part page");
    assert!(epub.contains("Part One</h1>") && pdf.contains("Part One"));
    // The summary names the chapter; a file heading that differs stays.
    assert!(epub.contains("First</h1>") && epub.contains("A Heading of Its Own"));
    assert!(epub.contains("Nested</h1>"));
    let bytes = fs::read(book.out().join("small.epub")).unwrap();
    let files = unzip(&bytes);
    let second = files
        .iter()
        .find(|(name, data)| {
            name.ends_with(".xhtml") && String::from_utf8_lossy(data).contains("Second</h1>")
        })
        .map(|(name, _)| name.rsplit('/').next().unwrap_or("").to_string())
        .expect("the second chapter's file");
    assert!(
        epub.contains(&format!("href=\"{second}#a-section\"")),
        "{epub}"
    );
    assert!(
        files.iter().any(|(name, _)| name.ends_with(".png")),
        "the image is missing"
    );
}

#[test]
fn output_bindery_holds_binderys_settings() {
    let book = small_mdbook(
        "\n[output.html]\nfold = 1\n\n[output.bindery]\nsubtitle = \"Sub\"\ntoc-depth = 1\n",
    );
    let dump: serde_json::Value = serde_json::from_str(&book.dump()).unwrap();
    assert_eq!(dump["book"]["metadata"]["subtitle"], "Sub");
    assert_eq!(dump["book"]["metadata"]["authors"][0], "A. Writer");

    let typo = small_mdbook("\n[output.bindery]\nsubtitel = \"Sub\"\n");
    let findings = typo.findings();
    let error = findings
        .iter()
        .find(|f| f.code == "unknown-key")
        .expect("an unknown-key error");
    assert_eq!((error.line, error.severity.as_str()), (Some(8), "error"));
    assert!(error.message.contains("subtitel"), "{}", error.message);

    let preprocessed =
        small_mdbook("\n[preprocessor.links]\n\n[preprocessor.katex]\ncommand = \"k\"\n");
    let findings = preprocessed.findings();
    let notes: Vec<Option<u64>> = findings
        .iter()
        .filter(|f| f.code == "mdbook-preprocessor")
        .map(|f| f.line)
        .collect();
    assert_eq!(notes, vec![Some(9)], "{findings:#?}");
}

#[test]
fn directives_are_expanded_in_both_outputs_and_rust_lines_hidden() {
    let code = "// ANCHOR: all\nfn main() {\n    // ANCHOR: body\n    let shown = 1;\n    \
                // ANCHOR_END: body\n}\n// ANCHOR_END: all\n";
    let book = TempBook::bare()
        .with("book.toml", mdbook_toml(""))
        .with("src/SUMMARY.md", "- [Code](code.md)\n")
        .with(
            "src/code.md",
            "# Code\n\n{{#title Another}}\n\n```rust\n{{#include ex/main.rs:body}}\n```\n\n\
             ```rust\n{{#rustdoc_include ex/main.rs:body}}\n```\n\n\
             ```text\n{{#include ex/main.rs:2:2}}\n```\n\n\
             ```rust\n# hidden_line();\n## escaped\n```\n\n{{#include ex/part.md}}\n\n\
             Escaped: \\{{#include nothing.rs}}\n",
        )
        .with("src/ex/main.rs", code)
        .with(
            "src/ex/part.md",
            "Included *Markdown* with {{#include inner.md}}.\n",
        )
        .with("src/ex/inner.md", "nested text");
    let (epub, pdf) = built_texts(&book, "small");
    for (name, text) in [("EPUB", &epub), ("PDF", &pdf)] {
        assert!(text.contains("let shown = 1;"), "{name}: the anchor");
        assert!(
            !text.contains("ANCHOR"),
            "{name}: anchor lines are left out"
        );
        assert!(!text.contains("hidden_line"), "{name}: a hidden line shows");
        assert!(
            text.contains("# escaped"),
            "{name}: an escaped line is lost"
        );
        assert!(text.contains("fn main() {"), "{name}: a line range");
        assert!(text.contains("nested text"), "{name}: nested includes");
        assert!(
            text.contains("{{#include nothing.rs}}"),
            "{name}: the escape"
        );
        assert!(
            !text.contains("Another") && !text.contains("{{#title"),
            "{name}: the title"
        );
    }
    assert!(book.findings().is_empty(), "{:#?}", book.findings());
}

#[test]
fn include_errors_are_findings_at_the_directive_which_stays() {
    let book = TempBook::bare()
        .with("book.toml", mdbook_toml(""))
        .with("src/SUMMARY.md", "- [Broken](broken.md)\n")
        .with(
            "src/broken.md",
            "# Broken\n\n{{#include none.md}}\n\n{{#include code.rs:nowhere}}\n\n\
             {{#include ../../outside.md}}\n\n{{#include loop.md}}\n",
        )
        .with("src/code.rs", "fn f() {}\n")
        .with("src/loop.md", "again {{#include broken.md}}\n");
    let findings = book.findings();
    let found: Vec<(&str, String, Option<u64>)> = findings
        .iter()
        .map(|f| {
            let file = f
                .file
                .as_ref()
                .and_then(|p| p.strip_prefix(book.dir()).ok());
            (
                f.code.as_str(),
                file.map_or(String::new(), |p| p.display().to_string()),
                f.line,
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("missing-include", "src/broken.md".to_string(), Some(3)),
            ("missing-anchor", "src/broken.md".to_string(), Some(5)),
            ("include-outside", "src/broken.md".to_string(), Some(7)),
            ("include-cycle", "src/loop.md".to_string(), Some(1)),
        ]
    );
    let (epub, _) = built_texts(&book, "small");
    assert!(epub.contains("{{#include none.md}}") && epub.contains("{{#include code.rs:nowhere}}"));
}

#[test]
fn positions_after_an_include_name_the_chapters_own_lines() {
    let book = TempBook::bare()
        .with("book.toml", mdbook_toml(""))
        .with("src/SUMMARY.md", "- [A](a.md)\n")
        .with(
            "src/a.md",
            "# A\n\n{{#include long.md}}\n\n[broken](#nowhere)\n",
        )
        .with("src/long.md", "one\n\ntwo\n\nthree\n\nfour\n");
    let findings = book.findings();
    let broken = findings
        .iter()
        .find(|f| f.code == "broken-link")
        .expect("the broken link");
    assert_eq!((broken.line, broken.col), (Some(5), Some(1)));
}

#[test]
fn an_mdbook_without_a_summary_is_an_error() {
    let book = TempBook::bare().with("book.toml", mdbook_toml(""));
    book.assert_build_fails("SUMMARY.md");
}

#[test]
fn an_included_fifo_or_huge_file_is_an_error_that_names_it_and_never_waits() {
    let book = TempBook::bare()
        .with("book.toml", mdbook_toml(""))
        .with("src/SUMMARY.md", "- [A](a.md)\n")
        .with("src/a.md", "# A\n\n{{#include pipe.md}}\n");
    let made = std::process::Command::new("mkfifo")
        .arg(book.file("src/pipe.md"))
        .status()
        .expect("cannot run mkfifo");
    assert!(made.success(), "mkfifo failed");
    book.assert_build_fails("pipe.md");
    book.assert_build_fails("not a regular file");

    let huge = TempBook::bare()
        .with("book.toml", mdbook_toml(""))
        .with("src/SUMMARY.md", "- [A](a.md)\n")
        .with("src/a.md", "# A\n\n{{#include big.txt}}\n");
    fs::File::create(huge.file("src/big.txt"))
        .and_then(|file| file.set_len(17 << 20))
        .expect("cannot make a large file");
    huge.assert_build_fails("big.txt: the file is larger than 16 MiB");
}
