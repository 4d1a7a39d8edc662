//! The catalogue of hostile inputs: each case is a manuscript written into a
//! temporary folder and fed to the real binary, with the exact behaviour it
//! must show — an error naming file, line and column, or a warning and a
//! correct model — and never a panic, a hang or a file read outside the
//! manuscript. `bindery build` runs on every case too, so the backends are
//! held to the same catalogue once they land.

mod common;

use bindery::model::{Block, BlockKind, Chapter, ChapterBody, Inline, Pos};
use common::{Finding, TempBook};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::net::TcpListener;
use std::path::Path;

/// Parses `bindery dump` output. Only for shallow books: serde_json refuses
/// documents nested deeper than 128.
fn model_of(book: &TempBook) -> Value {
    serde_json::from_str(&book.dump()).expect("dump prints JSON")
}

/// The blocks of the first chapter.
fn blocks(model: &Value) -> &Vec<Value> {
    model["book"]["chapters"][0]["body"]["blocks"]
        .as_array()
        .expect("a prose chapter")
}

/// The text of the first inline of the first block.
fn first_text(model: &Value) -> &str {
    blocks(model)[0]["content"][0]["text"]
        .as_str()
        .expect("a text inline")
}

/// The blocks of a prose chapter.
fn prose(chapter: &Chapter) -> &[Block] {
    match &chapter.body {
        ChapterBody::Prose { blocks } => blocks,
        ChapterBody::Faq(_) => panic!("a prose chapter expected"),
    }
}

/// A paragraph of plain text, as the model holds it.
fn text_paragraph(text: &str) -> Block {
    Block {
        pos: Pos { line: 3, col: 1 },
        kind: BlockKind::Paragraph {
            content: vec![Inline::Text {
                text: text.to_string(),
            }],
        },
    }
}

/// How deeply containers nest in a block: lists and quotes count one level
/// each, as do emphasis, strong and strikethrough in its text.
fn depth(block: &Block) -> usize {
    fn inline_depth(inlines: &[Inline]) -> usize {
        inlines
            .iter()
            .map(|inline| match inline {
                Inline::Emphasis { content }
                | Inline::Strong { content }
                | Inline::Strikethrough { content } => 1 + inline_depth(content),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }
    1 + match &block.kind {
        BlockKind::BlockQuote { blocks } => blocks.iter().map(depth).max().unwrap_or(0),
        BlockKind::List(list) => list
            .items
            .iter()
            .flat_map(|item| item.blocks.iter().map(depth))
            .max()
            .unwrap_or(0),
        BlockKind::Paragraph { content } => inline_depth(content),
        _ => 0,
    }
}

/// Asserts that the manuscript builds (today: loads) and that `check`
/// reports exactly `codes`, in order.
fn assert_builds_with(book: &TempBook, codes: &[&str]) -> Vec<Finding> {
    let outcome = book.build();
    assert!(
        outcome.status.success(),
        "build failed:\n{}",
        outcome.stderr
    );
    let findings = book.findings();
    let found: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(found, codes, "{findings:#?}");
    findings
}

/// Asserts that `findings` are warnings of `a.md`, one a line from line 3
/// (after the title and a blank line), each at column 1.
fn assert_one_warning_a_line(book: &TempBook, findings: &[Finding]) {
    let file = book.file("a.md");
    for (line, finding) in (3..).zip(findings) {
        finding.assert_at("warning", &finding.code, &file, line, 1);
    }
}

/// Asserts that `check` reports exactly one error, `code` at `file:line:col`
/// with `message` in it, and that a build fails writing nothing.
fn assert_fails(book: &TempBook, code: &str, file: &Path, line: u64, col: u64, message: &str) {
    let findings = book.findings();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    findings[0].assert_at("error", code, file, line, col);
    assert!(findings[0].message.contains(message), "{findings:#?}");
    let outcome = book.run(&["check"]);
    let place = format!("error: {}:{line}:{col}: ", file.display());
    assert!(outcome.stderr.starts_with(&place), "{}", outcome.stderr);
    book.assert_build_fails(message);
}

#[test]
fn missing_manuscript_folder_is_an_error_naming_it() {
    let book = TempBook::bare();
    fs::remove_dir(book.dir()).expect("cannot remove the folder");
    let findings = book.findings();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].code, "no-manuscript");
    assert_eq!(findings[0].file.as_deref(), Some(book.dir().as_path()));
    book.assert_build_fails(&format!(
        "error: {}: the manuscript folder does not exist",
        book.dir().display()
    ));
    for command in ["dump", "epub", "pdf", "pack"] {
        let outcome = book.run(&[command]);
        assert_eq!(
            outcome.status.code(),
            Some(1),
            "{command}: {}",
            outcome.stderr
        );
    }
}

#[test]
fn missing_book_toml_is_an_error_naming_it() {
    let book = TempBook::bare().with("a.md", "# A\n");
    let findings = book.findings();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].code, "io");
    assert_eq!(findings[0].file, Some(book.file("book.toml")));
    book.assert_build_fails("cannot read the file: no such file or folder");
}

#[test]
fn empty_manuscript_is_an_error() {
    let book = TempBook::new().with("README.md", "# Notes, not a chapter\n");
    let findings = book.findings();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].code, "no-chapters");
    assert_eq!(findings[0].file.as_deref(), Some(book.dir().as_path()));
    book.assert_build_fails("the manuscript has no chapters");
}

#[test]
fn empty_chapter_files_are_titled_by_their_names() {
    let book = TempBook::new()
        .with("01-empty.md", "")
        .with("02-bom-only.md", b"\xef\xbb\xbf")
        .with("03-blank.md", " \r\n\t\n");
    let findings = assert_builds_with(&book, &["no-title"; 3]);
    for (finding, name) in findings.iter().zip(["01-empty", "02-bom-only", "03-blank"]) {
        let file = book.file(&format!("{name}.md"));
        finding.assert_at("warning", "no-title", &file, 1, 1);
    }
    let manuscript = book.load();
    let titles: Vec<String> = manuscript
        .book
        .chapters
        .iter()
        .map(Chapter::title_text)
        .collect();
    assert_eq!(titles, ["01-empty", "02-bom-only", "03-blank"]);
    assert!(manuscript.book.chapters.iter().all(|c| prose(c).is_empty()));
}

#[test]
fn listed_chapter_that_does_not_exist_is_an_error_at_its_entry() {
    let toml = format!(
        "{}chapters = [\n  \"a.md\",\n  \"b.md\",\n]\n",
        common::BOOK_TOML
    );
    let book = TempBook::chapter("# A\n").with("book.toml", toml);
    let toml = book.file("book.toml");
    assert_fails(
        &book,
        "missing-chapter",
        &toml,
        7,
        3,
        "the chapter file `b.md` does not exist",
    );
}

#[test]
fn listed_chapter_outside_the_manuscript_is_refused() {
    let toml = format!("{}chapters = [\"../secret.md\"]\n", common::BOOK_TOML);
    let book = TempBook::new().with("book.toml", toml);
    fs::write(book.root().join("secret.md"), "# Secret\n").expect("cannot write");
    let toml = book.file("book.toml");
    assert_fails(
        &book,
        "chapter-outside",
        &toml,
        5,
        13,
        "is outside the manuscript folder",
    );
}

/// A chapter or FAQ file that is a link to a file elsewhere on the machine
/// is refused as surely as one named through `..`, whether `book.toml`
/// lists it or the folder's listing finds it; a link to a file inside the
/// manuscript is fine.
#[cfg(unix)]
#[test]
fn chapters_and_faq_files_leading_outside_the_manuscript_are_refused() {
    use std::os::unix::fs::symlink;
    let secret = |book: &TempBook| {
        let path = book.root().join("secret.md");
        fs::write(&path, "# Secret\n").expect("cannot write");
        path
    };

    let toml = format!(
        "{}chapters = [\"a.md\", \"linked.md\"]\n",
        common::BOOK_TOML
    );
    let book = TempBook::chapter("# A\n").with("book.toml", toml);
    symlink(secret(&book), book.file("linked.md")).expect("cannot link");
    let message = "the chapter `linked.md` is outside the manuscript folder";
    assert_fails(
        &book,
        "chapter-outside",
        &book.file("book.toml"),
        5,
        21,
        message,
    );

    let book = TempBook::chapter("# A\n");
    symlink(secret(&book), book.file("b.md")).expect("cannot link");
    let findings = book.findings();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].code, "chapter-outside", "{findings:#?}");
    assert_eq!(
        findings[0].file.as_deref(),
        Some(book.file("b.md").as_path())
    );
    book.assert_build_fails("the chapter `b.md` is outside the manuscript folder");

    let toml = format!("{}faq = \"../secret.md\"\n", common::BOOK_TOML);
    let book = TempBook::chapter("# A\n").with("book.toml", toml);
    secret(&book);
    let message = "the FAQ file `../secret.md` is outside the manuscript folder";
    assert_fails(
        &book,
        "chapter-outside",
        &book.file("book.toml"),
        5,
        7,
        message,
    );

    let book = TempBook::chapter("# A\n");
    symlink(book.file("a.md"), book.file("b.md")).expect("cannot link");
    assert!(book.findings().iter().all(|f| f.severity != "error"));
}

#[test]
fn invalid_utf8_is_an_error_at_the_bad_byte() {
    // The bad byte is on line 4, after "bad " and a two-byte "é": column 6.
    let book = TempBook::chapter(b"# A\n\nline two\nbad \xc3\xa9\xff here\n");
    let file = book.file("a.md");
    assert_fails(
        &book,
        "not-utf8",
        &file,
        4,
        6,
        "the file is not valid UTF-8",
    );

    let book = TempBook::chapter("# A\n").with("book.toml", b"title = \"\xfe\"\n");
    let file = book.file("book.toml");
    assert_fails(
        &book,
        "not-utf8",
        &file,
        1,
        10,
        "the file is not valid UTF-8",
    );
}

#[test]
fn byte_order_mark_and_crlf_give_the_same_model_as_lf() {
    let chapter = "# Title *here*\n\nA paragraph  \nwith a hard break\nand a soft one.\n\n\
                   - one\n- two\n\n> quoted\n> text\n\n```rust\nfn main() {}\nlet x = 1;\n```\n\n\
                   | a | b |\n|---|--:|\n| 1 | 2 |\n\nNote[^n].\n\n[^n]: The note\n    goes on.\n\n\
                   <div>\nraw\n</div>\n";
    let lf = TempBook::chapter(chapter);
    let crlf = chapter.replace('\n', "\r\n");
    let bom = |text: &str| [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat();
    let windows = TempBook::chapter(bom(&crlf))
        .with("book.toml", bom(&common::BOOK_TOML.replace('\n', "\r\n")));
    assert_builds_with(&lf, &[]);
    assert_builds_with(&windows, &[]);
    assert_eq!(lf.dump(), windows.dump());
    assert!(
        !windows.dump().contains("\\r"),
        "a carriage return reached the model"
    );
}

#[test]
fn malformed_book_toml_is_an_error_at_line_and_column() {
    let cases: [(&str, &str, u64, u64, &str); 5] = [
        (
            "title = \"T\"\nlanguage = \"en\n",
            "unclosed-string",
            2,
            15,
            "invalid basic string",
        ),
        (
            "title = \"T\"\nlanguage = [\"en\",\n",
            "unclosed-array",
            2,
            18,
            "unclosed array",
        ),
        (
            "title = \"T\"\nlanguage = \"en\"\ntitle = \"U\"\n",
            "duplicate-key",
            3,
            1,
            "duplicate key",
        ),
        (
            "title = \"T\"\nlanguage = \"en\"\ntitel = \"U\"\n",
            "unknown-key",
            3,
            1,
            "unknown key `titel`",
        ),
        (
            "title = \"T\"\nlanguage = 7\n",
            "wrong-type",
            2,
            12,
            "invalid type",
        ),
    ];
    for (toml, name, line, col, message) in cases {
        let book = TempBook::chapter("# A\n").with("book.toml", toml);
        let findings = book.findings();
        assert_eq!(findings.len(), 1, "{name}: {findings:#?}");
        let file = book.file("book.toml");
        assert_eq!(findings[0].file.as_deref(), Some(file.as_path()), "{name}");
        assert_eq!(
            (findings[0].line, findings[0].col),
            (Some(line), Some(col)),
            "{name}: {findings:#?}"
        );
        assert!(
            findings[0].message.contains(message),
            "{name}: {findings:#?}"
        );
        book.assert_build_fails(&format!("{}:{line}:{col}: ", file.display()));
    }
}

#[test]
fn book_toml_nested_100000_deep_is_an_error_not_a_stack_overflow() {
    let deep = 100_000;
    let toml = format!(
        "{}chapters = {}{}\n",
        common::BOOK_TOML,
        "[".repeat(deep),
        "]".repeat(deep)
    );
    let book = TempBook::chapter("# A\n").with("book.toml", toml);
    let findings = book.findings();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].file, Some(book.file("book.toml")));
    assert_eq!(findings[0].line, Some(5), "{findings:#?}");
    assert!(
        findings[0].message.contains("cannot recurse further"),
        "{findings:#?}"
    );
    book.assert_build_fails("max recursion depth");
}

/// A valid 1 × 1 PNG: one orange pixel.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90\x77\x53\xde\
                     \0\0\0\x0cIDAT\x78\x9c\x63\xf8\xdf\xc0\0\0\x04\x01\x01\x80\xc5\x2a\x18\x5d\
                     \0\0\0\0IEND\xae\x42\x60\x82";

#[test]
fn bad_images_are_refused_with_a_warning_and_never_read() {
    let chapter = "# A\n\n\
                   ![missing](nope.png)\n\
                   ![corrupt](corrupt.png)\n\
                   ![unsupported](picture.bmp)\n\
                   ![climbing](../../etc/passwd)\n\
                   ![absolute](/etc/passwd)\n\
                   ![symlink](link.png)\n\
                   ![escaped](%2e%2e/outside.png)\n\
                   ![damaged](damaged.png)\n\
                   ![huge](huge.png)\n\
                   ![good](good.png)\n";
    // The huge image declares 20,000 × 20,000 pixels in its header.
    let mut huge = PNG.to_vec();
    huge[16..24].copy_from_slice(b"\0\0\x4e\x20\0\0\x4e\x20");
    let book = TempBook::chapter(chapter)
        .with("corrupt.png", "these bytes are not an image")
        .with("picture.bmp", b"BM\x3a\0\0\0\0\0\0\0\x36\0\0\0")
        .with("damaged.png", &PNG[..20])
        .with("huge.png", huge)
        .with("good.png", PNG);
    // A FIFO outside the manuscript, reached through a symbolic link: reading
    // it would block forever, so the time limit catches any attempt.
    let outside = book.root().join("outside.png");
    let made = std::process::Command::new("mkfifo")
        .arg(&outside)
        .status()
        .expect("cannot run mkfifo");
    assert!(made.success(), "mkfifo failed");
    std::os::unix::fs::symlink(&outside, book.file("link.png")).expect("cannot make a symlink");

    let findings = assert_builds_with(
        &book,
        &[
            "missing-image",
            "unsupported-image",
            "unsupported-image",
            "image-outside",
            "image-outside",
            "image-outside",
            "image-outside",
            "damaged-image",
            "huge-image",
        ],
    );
    assert_one_warning_a_line(&book, &findings);
    assert!(
        findings[8].message.contains("is 20000×20000 pixels"),
        "{findings:#?}"
    );
    let manuscript = bindery::load(&book.dir()).expect("the book loads");
    let used: Vec<&String> = manuscript.assets.keys().collect();
    assert_eq!(used, ["good.png"]);
    // Every image stays in the model with its alt text, for the backends to show.
    let model = model_of(&book);
    let images = blocks(&model)[0]["content"].as_array().expect("inlines");
    let alts: Vec<&str> = images.iter().filter_map(|i| i["alt"].as_str()).collect();
    assert_eq!(
        alts,
        [
            "missing",
            "corrupt",
            "unsupported",
            "climbing",
            "absolute",
            "symlink",
            "escaped",
            "damaged",
            "huge",
            "good"
        ]
    );
}

#[test]
fn web_images_and_other_urls_are_not_fetched() {
    // A server that no one should call: any connection would wait in its queue.
    let server = TcpListener::bind("127.0.0.1:0").expect("cannot listen");
    server
        .set_nonblocking(true)
        .expect("cannot set non-blocking");
    let port = server.local_addr().expect("an address").port();
    let chapter = format!(
        "# A\n\n![plain](http://127.0.0.1:{port}/a.png)\n![secure](https://127.0.0.1:{port}/b.png)\n\
         ![no scheme](//127.0.0.1:{port}/c.png)\n![local url](file:///etc/passwd)\n"
    );
    let book = TempBook::chapter(chapter);
    let findings = assert_builds_with(&book, &["remote-image"; 4]);
    let file = book.file("a.md");
    for (line, finding) in (3..).zip(&findings) {
        finding.assert_at("warning", "remote-image", &file, line, 1);
        assert!(finding.message.contains("is not fetched"), "{finding:?}");
    }
    assert!(bindery::load(&book.dir()).expect("loads").assets.is_empty());
    assert!(
        server.accept().is_err(),
        "bindery connected to the image server"
    );
    let model = model_of(&book);
    let inlines = blocks(&model)[0]["content"].as_array().expect("inlines");
    let alts: Vec<&str> = inlines.iter().filter_map(|i| i["alt"].as_str()).collect();
    assert_eq!(alts, ["plain", "secure", "no scheme", "local url"]);
}

#[test]
fn raw_html_is_kept_verbatim_as_html_nodes() {
    let blocks_html = [
        "<script>alert(\"x\")</script>\n",
        "<iframe src=\"https://example.com\"></iframe>\n",
        "<div onclick=\"steal()\" onmouseover='x()'>\n",
        "<table><tr><td>unclosed\n",
    ];
    let chapter = format!(
        "# A\n\n{}\nText <span onclick=\"x()\">inline</span> and <img src=x onerror=alert(1)> \
         and <b><i>mis-nested</b></i> and <em>unclosed.\n",
        blocks_html.join("\n")
    );
    let book = TempBook::chapter(chapter);
    // The EPUB changes every one of these to stay valid and safe, and says so.
    assert_builds_with(&book, &["raw-html"; 5]);
    let model = model_of(&book);
    let blocks = blocks(&model);
    let html: Vec<&str> = blocks.iter().filter_map(|b| b["html"].as_str()).collect();
    assert_eq!(html, blocks_html);
    let inlines = blocks.last().expect("a paragraph")["content"]
        .as_array()
        .expect("inlines");
    let inline_html: Vec<&str> = inlines.iter().filter_map(|i| i["html"].as_str()).collect();
    assert_eq!(
        inline_html,
        [
            "<span onclick=\"x()\">",
            "</span>",
            "<img src=x onerror=alert(1)>",
            "<b>",
            "<i>",
            "</b>",
            "</i>",
            "<em>"
        ]
    );
}

#[test]
fn a_50000_character_word_is_kept_whole() {
    let word = "w".repeat(50_000);
    let book = TempBook::chapter(format!("# A\n\n{word}\n"));
    assert_builds_with(&book, &[]);
    assert_eq!(
        prose(&book.load().book.chapters[0]),
        [text_paragraph(&word)]
    );
}

#[test]
fn a_one_megabyte_paragraph_is_kept_whole() {
    let words = ["alpha", "beta", "gamma", "delta", "epsilon"];
    let mut paragraph = String::new();
    for word in words.iter().cycle() {
        if paragraph.len() >= 1 << 20 {
            break;
        }
        paragraph.push_str(word);
        paragraph.push(' ');
    }
    let paragraph = paragraph.trim_end().to_string();
    let book = TempBook::chapter(format!("# A\n\n{paragraph}\n"));
    // Its EPUB file cannot be cut below the size some readers open: said.
    let findings = assert_builds_with(&book, &["large-file"]);
    findings[0].assert_at("warning", "large-file", &book.file("a.md"), 3, 1);
    assert_eq!(
        prose(&book.load().book.chapters[0]),
        [text_paragraph(&paragraph)]
    );
}

#[test]
fn a_one_megabyte_line_of_markup_is_read_in_linear_time() {
    // Columns used to be counted from the line's start at every event, so
    // this line of some 90,000 inline elements took hours.
    let unit = "plain *stressed* **strong** `code` [link](a.md) ";
    let count = (1 << 20) / unit.len() + 1;
    let book = TempBook::chapter(format!("# A\n\n{}\n", unit.repeat(count)));
    // Its EPUB file cannot be cut below the size some readers open: said.
    assert_builds_with(&book, &["large-file"]);
    let manuscript = book.load();
    let [paragraph] = prose(&manuscript.book.chapters[0]) else {
        panic!("one paragraph expected");
    };
    let BlockKind::Paragraph { content } = &paragraph.kind else {
        panic!("a paragraph expected");
    };
    let links: Vec<Pos> = content
        .iter()
        .filter_map(|inline| match inline {
            Inline::Link { pos, .. } => Some(*pos),
            _ => None,
        })
        .collect();
    assert_eq!(links.len(), count);
    let col = unit.len() * (count - 1) + unit.find('[').expect("a link") + 1;
    let col = u32::try_from(col).expect("a small column");
    assert_eq!(links.last(), Some(&Pos { line: 3, col }));
    assert_eq!(content.len(), count * 8);
}

#[test]
fn nesting_10000_deep_is_capped_with_a_warning() {
    let deep = 10_000;
    let cases = [
        ("quoted", format!("{}quoted", "> ".repeat(deep))),
        ("listed", format!("{}listed", "- ".repeat(deep))),
        ("numbered", format!("{}numbered", "1. ".repeat(deep))),
        ("mixed", format!("{}mixed", "> - ".repeat(deep / 2))),
        ("stressed", format!("{0}stressed{0}", "*".repeat(deep))),
        // Separate delimiters: positions were once looked up from the
        // line's start for each end, which made this take seconds.
        (
            "spaced",
            format!("{}spaced{}", "*a ".repeat(deep), " b*".repeat(deep)),
        ),
        (
            "struck",
            format!("{}struck{}", "~~a ".repeat(deep), " b~~".repeat(deep)),
        ),
    ];
    // One chapter per case, so the binary runs three times, not twenty-one.
    let mut book = TempBook::new();
    for (word, text) in &cases {
        book = book.with(&format!("{word}.md"), format!("# {word}\n\n{text}\n"));
    }
    let findings = assert_builds_with(&book, &["deep-nesting"; 7]);
    let mut names: Vec<&str> = cases.iter().map(|(word, _)| *word).collect();
    names.sort();
    for (finding, name) in findings.iter().zip(&names) {
        let file = book.file(&format!("{name}.md"));
        assert_eq!(finding.file.as_ref(), Some(&file), "{finding:?}");
        assert_eq!(finding.line, Some(3), "{finding:?}");
    }
    assert!(book.run(&["dump"]).status.success());
    let manuscript = book.load();
    for (chapter, name) in manuscript.book.chapters.iter().zip(&names) {
        let blocks = prose(chapter);
        let depth = blocks.iter().map(depth).max().unwrap_or(0);
        assert!(
            (2..=bindery::markdown::MAX_NESTING).contains(&depth),
            "{name}: nested {depth} deep"
        );
        let text = format!("{blocks:?}");
        assert!(text.contains(name), "{name}: the text was lost");
    }
}

#[test]
fn a_table_with_60_columns_keeps_every_cell() {
    let row = |f: &dyn Fn(usize) -> String| {
        format!("|{}|\n", (0..60).map(f).collect::<Vec<_>>().join("|"))
    };
    let table = [
        row(&|i| format!("h{i}")),
        row(&|i| {
            if i % 2 == 0 {
                ":--".to_string()
            } else {
                "--:".to_string()
            }
        }),
        row(&|i| format!("c{i}")),
        "| short | row |\n".to_string(),
    ]
    .concat();
    let book = TempBook::chapter(format!("# A\n\n{table}"));
    assert_builds_with(&book, &[]);
    let model = model_of(&book);
    let table = &blocks(&model)[0];
    assert_eq!(table["block"], "table");
    assert_eq!(table["alignments"].as_array().map(Vec::len), Some(60));
    assert_eq!(table["alignments"][1], "right");
    assert_eq!(table["head"][59][0]["text"], "h59");
    assert_eq!(table["rows"][0][59][0]["text"], "c59");
    let rows = table["rows"].as_array().expect("rows");
    assert!(
        rows.iter().all(|r| r.as_array().map(Vec::len) == Some(60)),
        "ragged rows"
    );
}

#[test]
fn unusual_characters_are_kept_in_the_model() {
    let text = "Emoji 😀 👩‍👩‍👧 🇺🇦, CJK 漢字かなカナ 한국어, right-to-left עברית العربية \u{202e}override\u{202c}, \
                zero-width a\u{200b}b\u{200c}c\u{200d}d\u{2060}e\u{feff}f, \
                controls \u{1}\u{7}\u{8}\u{1b}\u{7f}\u{85} end";
    let title = "Заголовок 標題 😀";
    let book = TempBook::chapter(format!("# {title}\n\n{text}\n"));
    // The PDF's fonts have no emoji, CJK or Hangul (Hebrew and Arabic come
    // from DejaVu Sans Mono, the last fallback): each such character is
    // reported (and drawn as a box), none is dropped from the model.
    assert_builds_with(&book, &["missing-glyph"; 17]);
    let model = model_of(&book);
    assert_eq!(first_text(&model), text);
    assert_eq!(model["book"]["chapters"][0]["title"][0]["text"], title);
    // NUL is the one character CommonMark replaces, with U+FFFD.
    let book = TempBook::chapter("# A\n\nnul \u{0} here\n");
    assert_eq!(first_text(&model_of(&book)), "nul \u{fffd} here");
}

#[test]
fn ten_thousand_footnotes_are_numbered_in_order() {
    let count = 10_000;
    let mut text = String::from("# A\n\n");
    for i in 0..count {
        text.push_str(&format!("Claim[^n{i}]. "));
    }
    text.push_str("\n\n");
    for i in (0..count).rev() {
        text.push_str(&format!("[^n{i}]: Note {i}.\n\n"));
    }
    let book = TempBook::chapter(text);
    // The notes go with the one paragraph that refers to them, in a file
    // larger than some readers open: said.
    assert_builds_with(&book, &["large-file"]);
    let manuscript = book.load();
    let notes = &manuscript.book.chapters[0].footnotes;
    assert_eq!(notes.len(), count);
    for (i, note) in notes.iter().enumerate() {
        assert_eq!(note.label, format!("n{i}"));
        assert_eq!(note.number as usize, i + 1);
        // Definitions come in reverse order, two lines each, after line 4.
        assert_eq!(note.pos.line as usize, 5 + 2 * (count - 1 - i));
    }
}

#[test]
fn ten_thousand_headings_of_one_title_get_unique_ids() {
    let count = 10_000;
    let book = TempBook::chapter(format!("# A\n\n{}", "## Notes\n\n".repeat(count)));
    // Every repeat of the heading is reported, and each still gets its own id.
    assert_builds_with(&book, &vec!["duplicate-heading"; count - 1]);
    let manuscript = book.load();
    let ids: Vec<&str> = prose(&manuscript.book.chapters[0])
        .iter()
        .filter_map(|block| match &block.kind {
            BlockKind::Heading(heading) => Some(heading.id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), count);
    assert_eq!(
        (ids[0], ids[1], ids[count - 1]),
        ("notes", "notes-2", "notes-10000")
    );
}

/// The files in an output folder, by name.
fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .expect("the output folder exists")
        .filter(|entry| entry.as_ref().is_ok_and(|e| e.path().is_file()))
        .map(|entry| {
            let path = entry.expect("a folder entry").path();
            let name = path.file_name().expect("a file name").to_string_lossy();
            (
                name.into_owned(),
                fs::read(&path).expect("a readable output"),
            )
        })
        .collect()
}

/// Runs a build that must fail with an error at `place` (`file:line:col`)
/// and asserts that the outputs of the last good build are still there,
/// byte for byte, with nothing beside them.
fn assert_rebuild_fails_at(book: &TempBook, place: &str, before: &BTreeMap<String, Vec<u8>>) {
    let outcome = book.build();
    assert_eq!(outcome.status.code(), Some(1), "{}", outcome.stderr);
    let error = format!("error: {place}: ");
    assert!(
        outcome.stderr.lines().any(|line| line.starts_with(&error)),
        "the error does not name {place}:\n{}",
        outcome.stderr
    );
    let after = outputs(&book.out());
    let names = |files: &BTreeMap<String, Vec<u8>>| files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&after), names(before), "files appeared or vanished");
    for (name, bytes) in before {
        assert!(after[name] == *bytes, "{name} changed");
    }
}

#[test]
fn a_failing_rebuild_leaves_the_earlier_outputs_untouched() {
    // The sample manuscript, copied: a real book with an essay and a FAQ.
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("manuscript");
    let mut book = TempBook::bare();
    for entry in fs::read_dir(&sample).expect("the sample manuscript") {
        let path = entry.expect("a folder entry").path();
        let name = path.file_name().expect("a file name").to_string_lossy();
        book = book.with(&name, fs::read(&path).expect("a sample file"));
    }
    let outcome = book.build();
    assert!(outcome.status.success(), "{}", outcome.stderr);
    let before = outputs(&book.out());
    let mut extensions: Vec<&str> = before
        .keys()
        .filter_map(|name| name.rsplit_once('.').map(|(_, ext)| ext))
        .collect();
    extensions.sort_unstable();
    assert_eq!(extensions, ["epub", "pdf", "zip"], "{:?}", before.keys());
    let toml = fs::read_to_string(book.file("book.toml")).expect("book.toml");
    let toml_path = book.file("book.toml");
    let line_after = toml.lines().count() + 1;

    // A syntax error in book.toml: the loader fails.
    fs::write(&toml_path, format!("{toml}[pdf\n")).expect("book.toml written");
    let place = format!("{}:{line_after}:5", toml_path.display());
    assert_rebuild_fails_at(&book, &place, &before);

    // A chapter that is not UTF-8: the loader fails at the bad byte's line.
    fs::write(&toml_path, &toml).expect("book.toml written");
    let essay = book.file("01-essay.md");
    let text = fs::read(&essay).expect("the essay");
    fs::write(&essay, [&text[..], b"\nA bad byte: \xff.\n"].concat()).expect("essay written");
    let line = text.iter().filter(|&&b| b == b'\n').count() + 2;
    let place = format!("{}:{line}:13", essay.display());
    assert_rebuild_fails_at(&book, &place, &before);

    // No chapter can make a backend fail (Markdown has no errors), but a
    // font file that is not a font does, after the manuscript has loaded.
    fs::write(&essay, &text).expect("essay written");
    fs::write(
        &toml_path,
        format!("{toml}\n[pdf.fonts]\nregular = \"EDITS.md\"\n"),
    )
    .expect("book.toml written");
    let place = format!("{}", book.file("EDITS.md").display());
    assert_rebuild_fails_at(&book, &place, &before);
}

/// The default `book.toml` with `extra` lines after it (a `[pdf]` table, say).
fn book_toml_with(extra: &str) -> String {
    format!("{}{extra}", common::BOOK_TOML)
}

#[test]
fn settings_that_cannot_be_true_are_errors_at_their_value() {
    // The default book.toml has four lines; each case's value is on line 5
    // or, after a `[pdf]` line, on line 6.
    let cases = [
        (
            "date = \"2026-02-30\"\n",
            "bad-date",
            5,
            8,
            "`2026-02-30` is not a date: February 2026 has 28 days",
        ),
        (
            "date = \"0000-01-01\"\n",
            "bad-date",
            5,
            8,
            "`0000-01-01` is not a date: years run from 0001 to 9999",
        ),
        (
            "[pdf]\nbleed = \"9in\"\n",
            "bad-length",
            6,
            9,
            "a bleed of 648.0 pt is more than the 72 pt (1 in) bindery accepts",
        ),
        (
            "[pdf]\ntrim = \"0.5x9in\"\n",
            "bad-trim",
            6,
            8,
            "the page size `0.5x9in` is 36 × 648 pt",
        ),
        (
            "[pdf]\noutside-margin = \"-3mm\"\n",
            "bad-length",
            6,
            18,
            "`-3mm` is a negative length",
        ),
        // The margins themselves are lengths, but leave no text block: the
        // widest margin across the page is named.
        (
            "[pdf]\ninside-margin = \"0.5in\"\noutside-margin = \"5.5in\"\n",
            "bad-geometry",
            7,
            18,
            "the margins leave a text block of 0 × 531 pt on a 432 × 648 pt page",
        ),
        (
            "[pdf]\ntrim = \"a5\"\nbottom-margin = \"7in\"\n",
            "bad-geometry",
            7,
            17,
            "the margins leave a text block of",
        ),
        (
            "[pdf]\nleading = 60\n",
            "bad-geometry",
            6,
            11,
            "a text block of 324 × 531 pt",
        ),
    ];
    for (extra, code, line, col, message) in cases {
        let book = TempBook::chapter("# A\n\nText.\n").with("book.toml", book_toml_with(extra));
        assert_fails(&book, code, &book.file("book.toml"), line, col, message);
    }
}

#[test]
fn a_blank_author_is_an_error_at_the_name() {
    // A blank entry is a name left out by mistake: a publisher would rather
    // stop than ship a book with an empty credit (`authors = []` says there
    // is none on purpose).
    let toml = "title = \"T\"\nlanguage = \"en\"\ndescription = \"d\"\n\
                authors = [\"A. Writer\", \"\"]\n";
    let book = TempBook::chapter("# A\n").with("book.toml", toml);
    let file = book.file("book.toml");
    assert_fails(
        &book,
        "empty-author",
        &file,
        4,
        25,
        "an author's name is blank",
    );
}

#[test]
fn an_empty_folder_name_on_the_command_line_is_a_usage_error_saying_so() {
    for args in [
        &["check", "--manuscript", ""][..],
        &["build", "--out", ""],
        &["init", ""],
    ] {
        let outcome = common::run(args);
        assert_eq!(
            outcome.status.code(),
            Some(64),
            "{args:?}: {}",
            outcome.stderr
        );
        assert!(
            outcome.stderr.contains("the folder name is empty"),
            "{args:?}: {}",
            outcome.stderr
        );
    }
}

/// The EPUB a `build` of `book` wrote, and its path.
fn built_epub(book: &TempBook) -> (std::path::PathBuf, Vec<(String, Vec<u8>)>) {
    let outcome = book.build();
    assert!(outcome.status.success(), "{}", outcome.stderr);
    let path = built(book, "epub");
    let files = common::unzip(&fs::read(&path).expect("the EPUB"));
    (path, files)
}

/// The text of the archive entry whose name ends in `suffix`.
fn entry_text(files: &[(String, Vec<u8>)], suffix: &str) -> String {
    files
        .iter()
        .find(|(name, _)| name.ends_with(suffix))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .unwrap_or_else(|| panic!("no entry ending in {suffix}"))
}

#[test]
fn page_break_markers_never_take_an_id_of_the_manuscript() {
    // Page 2 starts in the long paragraph; the author named a heading
    // `page-2`, and a heading "Page 3" makes the slug `page-3`.
    let words = "word ".repeat(1500);
    let book = TempBook::chapter(format!(
        "# A\n\n{words}\n\n## Mine {{#page-2}}\n\n{words}\n\n## Page 3\n\n{words}\n\n\
         [back](#page-2)\n"
    ));
    let (path, files) = built_epub(&book);
    let chapter = entry_text(&files, "chapter-01.xhtml");
    assert!(chapter.contains("<h2 id=\"page-2\">"), "{chapter}");
    assert!(chapter.contains("<h2 id=\"page-3\">"), "{chapter}");
    assert!(chapter.contains("<span id=\"page-2-2\" epub:type=\"pagebreak\""));
    assert!(chapter.contains("<span id=\"page-3-2\" epub:type=\"pagebreak\""));
    assert!(
        chapter.contains("<a href=\"#page-2\">back</a>"),
        "{chapter}"
    );
    common::assert_epubcheck_clean(&[path]);
}

#[test]
fn odd_link_addresses_give_valid_hrefs_in_both_backends() {
    let links = [
        "<a b>",
        "%zz",
        "http://[::1",
        "http://[::1]/x",
        "http://[fe80::1%25eth0]/",
        "foo:bar baz",
        "https://example.com/a\\b|c^d`e{f}g",
        "https://example.com/\u{7}bell\u{1b}esc",
        "<https://example.com/a b>",
        "https://exämple.com/päth?q=ü#frag#more",
        "https://example.com/%",
        "https://example.com/%e",
        "https://example.com:99999999/",
        "https://example.com:/",
        "https://user@/x",
        "https://example.com/\u{202e}rtl\u{fffe}",
        "mailto:a b@example.com",
        "mailto:",
        "tel:+1 555 0100",
        "urn:isbn:978-0",
        "http://-bad-.example/",
        "http://a..b/",
        "https://xn--nxasmq6b.example/",
        "https://example.com/[brackets]",
        "news:comp.lang.rust",
        "irc://irc.example.org/#channel",
        "HTTP://EXAMPLE.COM/",
        "https://example.com/\"quote\"<lt>",
        "https://example.com/ü\u{0}",
    ];
    let text: String = links
        .iter()
        .enumerate()
        .map(|(i, link)| {
            let raw = link.trim_matches(['<', '>']).replace('"', "&quot;");
            format!("Link {i}: [x{i}]({link}), <a href=\"{raw}\">raw {i}</a>.\n\n")
        })
        .collect();
    let book = TempBook::chapter(format!("# A\n\n{text}"));
    let (path, _) = built_epub(&book);
    common::assert_epubcheck_clean(&[path]);
    assert_qpdf_clean(&built(&book, "pdf"));
}

/// The path of the built output of `book` with the extension `ext`.
fn built(book: &TempBook, ext: &str) -> std::path::PathBuf {
    fs::read_dir(book.out())
        .expect("the output folder")
        .map(|entry| entry.expect("an entry").path())
        .find(|path| path.extension().is_some_and(|e| e == ext))
        .unwrap_or_else(|| panic!("no .{ext} output"))
}

/// Asserts that `qpdf --check` finds nothing wrong with the PDF at `path`.
fn assert_qpdf_clean(path: &Path) {
    let check = common::pdf_tool("qpdf", &[std::ffi::OsStr::new("--check"), path.as_os_str()]);
    assert!(check.status.success(), "{}{}", check.stdout, check.stderr);
    assert!(!check.stderr.contains("WARNING"), "{}", check.stderr);
}

#[test]
fn damaged_jpegs_and_scripted_svgs_are_refused_and_their_alt_text_shown() {
    let good =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/images/page.jpg"))
            .expect("the JPEG fixture");
    let frame = good
        .windows(2)
        .position(|pair| pair == [0xff, 0xc0] || pair == [0xff, 0xc2])
        .expect("a start of frame");
    let mut two_components = good.clone();
    two_components[frame + 9] = 2;
    let mut no_height = good.clone();
    no_height[frame + 5..frame + 7].copy_from_slice(&[0, 0]);
    let svg = |body: &str| format!("<svg xmlns=\"http://www.w3.org/2000/svg\">{body}</svg>");
    let book = TempBook::chapter(
        "# A\n\n\
         ![cut short](cut.jpg)\n\
         ![two components](two.jpg)\n\
         ![no height](flat.jpg)\n\
         ![scripted](script.svg)\n\
         ![handler](onload.svg)\n\
         ![html inside](foreign.svg)\n\
         ![script link](link.svg)\n\
         ![the good one](good.jpg)\n",
    )
    .with("cut.jpg", &good[..good.len() * 2 / 3])
    .with("two.jpg", two_components)
    .with("flat.jpg", no_height)
    .with("script.svg", svg("<script>alert(1)</script>"))
    .with(
        "onload.svg",
        svg("<rect onload=\"alert(1)\" width=\"1\" height=\"1\"/>"),
    )
    .with(
        "foreign.svg",
        svg("<foreignObject><p>hi</p></foreignObject>"),
    )
    .with(
        "link.svg",
        svg("<a href=\"javascript:alert(1)\"><text>x</text></a>"),
    )
    .with("good.jpg", &good);
    let findings = assert_builds_with(
        &book,
        &[
            "damaged-image",
            "damaged-image",
            "damaged-image",
            "unsupported-image",
            "unsupported-image",
            "unsupported-image",
            "unsupported-image",
        ],
    );
    assert_one_warning_a_line(&book, &findings);
    assert!(
        findings[3].message.contains("holds a <script>"),
        "{findings:#?}"
    );
    assert!(
        findings[4].message.contains("an event handler"),
        "{findings:#?}"
    );
    let manuscript = book.load();
    assert_eq!(manuscript.assets.keys().collect::<Vec<_>>(), ["good.jpg"]);
    let (epub, files) = built_epub(&book);
    assert!(files.iter().all(|(name, _)| !name.ends_with(".svg")));
    let chapter = entry_text(&files, "chapter-01.xhtml");
    for alt in ["cut short", "scripted", "html inside"] {
        assert!(chapter.contains(alt), "{alt}: {chapter}");
    }
    common::assert_epubcheck_clean(&[epub]);
    assert_qpdf_clean(&built(&book, "pdf"));
}

#[test]
fn a_200000_character_autolink_is_set_whole_in_bounded_memory() {
    // Each line of the link is a clickable area; they once each held a copy
    // of the address, in the layout and again in the PDF: 2.4 GB.
    let url = format!("http://x/{}", "a".repeat(200_000));
    let book = TempBook::chapter(format!("# A\n\n<{url}>\n"));
    let out = book.out();
    let outcome = book.run(&["pdf", "--out", out.to_str().expect("a UTF-8 path")]);
    assert!(outcome.status.success(), "{}", outcome.stderr);
    let peak = outcome.peak_memory.expect("the peak memory of the run");
    assert!(peak < 300 << 20, "the build took {} MB", peak >> 20);
    let pdf = built(&book, "pdf");
    assert_qpdf_clean(&pdf);
    let text = common::pdf_tool("pdftotext", &[pdf.as_os_str(), std::ffi::OsStr::new("-")]);
    // Running heads and folios come between the pages' lines; no other
    // text of the book has a small a.
    let letters: String = text.stdout.split_whitespace().collect();
    assert!(letters.contains("http://x/aaaa"), "{}", &text.stdout[..200]);
    assert_eq!(letters.matches('a').count(), 200_000);
    assert!(fs::metadata(&pdf).expect("the PDF").len() < 2 << 20);
}

#[test]
fn ten_thousand_authors_are_all_credited_and_the_cover_names_the_first() {
    // The cover once shaped every name for every size and line it tried:
    // seconds of work, and names spilling over the title. It now sets the
    // first names and "et al."; the title page runs on over more pages.
    let names: Vec<String> = (1..=10_000).map(|i| format!("Writer Number {i}")).collect();
    let list = names
        .iter()
        .map(|name| format!("\"{name}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let toml =
        format!("title = \"Crowd\"\nlanguage = \"en\"\ndescription = \"d\"\nauthors = [{list}]\n");
    let book = TempBook::chapter("# A\n\nText.\n").with("book.toml", toml);
    let (_, files) = built_epub(&book);
    let opf = entry_text(&files, ".opf");
    assert_eq!(opf.matches("<dc:creator").count(), 10_000);
    let pdf = built(&book, "pdf");
    assert_qpdf_clean(&pdf);
    let text = common::pdf_tool("pdftotext", &[pdf.as_os_str(), std::ffi::OsStr::new("-")]);
    // A page's first line follows a form feed.
    let lines: std::collections::BTreeSet<&str> = text
        .stdout
        .lines()
        .map(|line| line.trim_start_matches('\u{c}'))
        .collect();
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !lines.contains(n.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "not on the title page: {:?}",
        &missing[..missing.len().min(5)]
    );
    // EPUBCheck takes minutes over ten thousand creators; the package is
    // read as XML instead.
    common::parse_xml(&opf).expect("the package document is XML");
}

#[test]
fn blank_and_very_long_metadata_give_a_valid_epub() {
    // A blank value counts as not given (an empty dc: element or
    // a11y:certifiedBy is invalid); a title of 5,000 words is kept whole in
    // the book and cut on the cover, whose fitting shapes each run of words
    // once.
    let title = "Long ".repeat(1000);
    let toml = format!(
        "title = \"{title}\"\nlanguage = \"en\"\nsubtitle = \"  \"\nidentifier = \"my book id\"\n\
         publisher = \"\"\nrights = \" \"\ndescription = \"\"\nauthors = [\" Spaced Name \"]\n"
    );
    let book = TempBook::chapter("# A\n\nText.\n").with("book.toml", toml);
    let findings = book.findings();
    let found: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.code.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(found, [("store-metadata", "the book has no description")]);
    let (epub, files) = built_epub(&book);
    let opf = entry_text(&files, ".opf");
    assert!(opf.contains(&format!(
        "<dc:title id=\"title\">{}</dc:title>",
        title.trim()
    )));
    assert!(opf.contains("<dc:creator id=\"creator-1\">Spaced Name</dc:creator>"));
    for absent in [
        "dc:publisher",
        "dc:rights",
        "dc:description",
        "id=\"subtitle\"",
    ] {
        assert!(!opf.contains(absent), "{absent}: {opf}");
    }
    common::assert_epubcheck_clean(&[epub]);
    assert_qpdf_clean(&built(&book, "pdf"));
}
