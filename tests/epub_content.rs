//! The EPUB says true things about the book: chapter titles that are never
//! file names, an accessibility summary that counts the cover, the images
//! and the tables with real header cells, no `<thead>` for an empty header
//! row, and print page markers before a heading, never inside it.

mod common;

use common::{TempBook, parse_xml, unzip};
use std::fs;

/// The files of the book's EPUB, as text, by name.
fn epub_files(book: &TempBook, name: &str) -> Vec<(String, String)> {
    let bytes = fs::read(book.out().join(name)).expect("the EPUB");
    unzip(&bytes)
        .into_iter()
        .map(|(name, data)| (name, String::from_utf8_lossy(&data).into_owned()))
        .collect()
}

/// The chapters' XHTML files, in the book's order (their names sort so).
fn chapter_files(files: &[(String, String)]) -> Vec<&str> {
    let mut chapters: Vec<&(String, String)> = files
        .iter()
        .filter(|(name, text)| name.ends_with(".xhtml") && text.contains("epub:type=\"chapter\""))
        .collect();
    chapters.sort_by(|a, b| a.0.cmp(&b.0));
    chapters
        .into_iter()
        .map(|(_, text)| text.as_str())
        .collect()
}

fn file<'a>(files: &'a [(String, String)], suffix: &str) -> &'a str {
    &files
        .iter()
        .find(|(name, _)| name.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {suffix}"))
        .1
}

/// The text of every `tag` element of an XML document, in order.
fn texts(xml: &str, tag: &str) -> Vec<String> {
    let doc = parse_xml(xml).expect("well-formed XML");
    doc.descendants()
        .filter(|n| n.has_tag_name(tag))
        .map(|n| {
            n.descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect()
}

#[test]
fn a_chapter_without_a_level_one_heading_takes_a_true_title_never_its_file_name() {
    // The one chapter of a book is the book.
    let book = TempBook::new().with(
        "war-and-peace.md",
        "## Book One\n\nWell, Prince, so Genoa and Lucca are now just family estates.\n",
    );
    book.assert_builds();
    let files = epub_files(&book, "hostile.epub");
    let chapter = chapter_files(&files)[0];
    assert_eq!(texts(chapter, "h1"), ["Hostile"]);
    assert_eq!(texts(chapter, "title"), ["Hostile"]);
    assert!(texts(file(&files, "toc.ncx"), "text").contains(&"Hostile".to_string()));
    for (name, text) in &files {
        if name.ends_with(".xhtml") || name.ends_with(".ncx") || name.ends_with(".opf") {
            assert!(
                !text.contains(">war-and-peace<"),
                "{name} names the file as a title"
            );
        }
    }
    // Among several: the first heading of any level, else the first words.
    let book = TempBook::new()
        .with("a.md", "## The First Section\n\nIts text.\n")
        .with(
            "b.md",
            "Only a paragraph here, and it runs on past eight words in all.\n",
        );
    book.assert_builds();
    let files = epub_files(&book, "hostile.epub");
    let chapters = chapter_files(&files);
    assert_eq!(texts(chapters[0], "h1"), ["The First Section"]);
    assert_eq!(
        texts(chapters[1], "h1"),
        ["Only a paragraph here, and it runs on…"]
    );
    let nav = texts(file(&files, "nav.xhtml"), "a");
    assert!(nav.contains(&"The First Section".to_string()), "{nav:?}");
    let findings = book.findings();
    let no_title: Vec<_> = findings.iter().filter(|f| f.code == "no-title").collect();
    assert_eq!(no_title.len(), 2, "{findings:?}");
}

#[test]
fn the_summary_counts_the_cover_the_images_and_the_tables_with_real_header_cells() {
    let book = TempBook::chapter(
        "# One\n\n![A grey square](a.png)\n\n![](a.png)\n\n\
         | Name | Value |\n|---|---|\n| a | 1 |\n\n\
         |   |   |\n|---|---|\n| b | 2 |\n",
    )
    .with("a.png", common::grey_png(4));
    book.assert_builds();
    let files = epub_files(&book, "hostile.epub");
    let opf = file(&files, ".opf");
    let summary = opf
        .split("schema:accessibilitySummary")
        .nth(1)
        .and_then(|rest| rest.split('>').nth(1))
        .and_then(|rest| rest.split('<').next())
        .expect("an accessibility summary");
    assert!(summary.contains("Its cover is an image"), "{summary}");
    assert!(
        summary.contains("It contains 2 other images, and 1 of them has no text alternative."),
        "{summary}"
    );
    assert!(
        summary.contains("Of its 2 tables, 1 has header cells."),
        "{summary}"
    );
    // The empty header row is no header: one <thead>, with real cells.
    let chapter = chapter_files(&files)[0];
    assert_eq!(chapter.matches("<thead>").count(), 1, "{chapter}");
    assert_eq!(texts(chapter, "th"), ["Name", "Value"]);
    common::assert_epubcheck_clean(&[book.out().join("hostile.epub")]);
}

#[test]
fn a_page_marker_sits_before_a_heading_never_inside_it() {
    // Many short sections, so that pages start at headings.
    let mut text = String::from("# Sections\n\n");
    for n in 1..=60 {
        text.push_str(&format!(
            "## Section {n}\n\n{}\n\n",
            "Words that fill the page until the next heading comes along. ".repeat(6)
        ));
    }
    let book = TempBook::chapter(text);
    book.assert_builds();
    let files = epub_files(&book, "hostile.epub");
    let mut markers = 0;
    for (name, xhtml) in files.iter().filter(|(n, _)| n.ends_with(".xhtml")) {
        let doc = parse_xml(xhtml).expect("well-formed XHTML");
        for node in doc.descendants() {
            let is_marker = node
                .attributes()
                .any(|a| a.name() == "type" && a.value() == "pagebreak");
            if !is_marker {
                continue;
            }
            markers += 1;
            let inside = node.ancestors().find(|a| {
                ["h1", "h2", "h3", "h4", "h5", "h6"]
                    .iter()
                    .any(|h| a.has_tag_name(*h))
            });
            assert!(inside.is_none(), "{name}: a page marker inside a heading");
        }
    }
    assert!(markers > 10, "{markers} page markers");
}
