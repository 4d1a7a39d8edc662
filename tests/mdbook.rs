//! Issue 17: an mdBook folder is a manuscript, mdBook's `{{#…}}` directives
//! are expanded, and HTML comments never reach the text of either output.

mod common;

use common::{TempBook, pdf_tool, unzip};
use std::ffi::OsStr;
use std::fs;
use std::path::Path;

/// The text of every XHTML file of an EPUB, in archive order.
fn epub_text(epub: &Path) -> String {
    let bytes = fs::read(epub).expect("the EPUB was written");
    unzip(&bytes)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".xhtml"))
        .map(|(_, data)| String::from_utf8(data).expect("UTF-8 XHTML"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The PDF's text as `pdftotext` reads it.
fn pdf_text(pdf: &Path) -> String {
    let outcome = pdf_tool(
        "pdftotext",
        &[
            pdf.as_os_str(),
            OsStr::new("-enc"),
            OsStr::new("UTF-8"),
            OsStr::new("-"),
        ],
    );
    assert!(outcome.status.success(), "pdftotext: {}", outcome.stderr);
    outcome.stdout
}

/// Builds the book into its `out` folder and returns the EPUB's and the
/// PDF's text.
fn built_texts(book: &TempBook, slug: &str) -> (String, String) {
    let outcome = book.build();
    assert!(
        outcome.status.success(),
        "build failed:\n{}",
        outcome.stderr
    );
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
