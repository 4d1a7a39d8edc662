//! Parts in a plain manuscript: a chapter file holding only its title (and
//! perhaps an epigraph) is a part title, the chapters after it belong to it
//! up to the next part or a chapter of `back-matter`; parts nest in the
//! EPUB's navigation (the NCX two levels deep), get part title pages, and
//! lead the PDF's outline.

mod common;

use common::{TempBook, parse_xml, unzip};
use std::fs;

const TOML: &str = "title = \"Parts\"\nlanguage = \"en\"\nauthors = []\ndescription = \"A test.\"\n\
    chapters = [\"01-one.md\", \"02-a.md\", \"03-b.md\", \"04-two.md\", \"05-c.md\", \
    \"06-epilogue.md\", \"07-three.md\"]\nback-matter = [\"06-epilogue.md\"]\n";

fn book() -> TempBook {
    TempBook::new()
        .with("book.toml", TOML)
        .with(
            "01-one.md",
            "# Part One\n\n> An epigraph for the part.\n> — Someone\n",
        )
        .with(
            "02-a.md",
            "# Chapter A\n\nText of A.\n\n## Section A1\n\nMore of A.\n",
        )
        .with("03-b.md", "# Chapter B\n\nText of B.\n")
        .with("04-two.md", "# Part Two\n")
        .with("05-c.md", "# Chapter C\n\nText of C.\n")
        .with("06-epilogue.md", "# Epilogue\n\nThe end.\n")
        .with("07-three.md", "# Part Three\n")
}

#[test]
fn title_only_chapters_are_parts_holding_the_chapters_after_them() {
    let manuscript = book().load();
    let chapters = &manuscript.book.chapters;
    let shape: Vec<(String, bool, Option<usize>)> = chapters
        .iter()
        .map(|c| (c.title_text(), c.part, c.parent))
        .collect();
    assert_eq!(
        shape,
        vec![
            ("Part One".to_string(), true, None),
            ("Chapter A".to_string(), false, Some(0)),
            ("Chapter B".to_string(), false, Some(0)),
            ("Part Two".to_string(), true, None),
            ("Chapter C".to_string(), false, Some(3)),
            // back-matter ends the part.
            ("Epilogue".to_string(), false, None),
            // A part at the very end holds nothing.
            ("Part Three".to_string(), true, None),
        ]
    );
    // A book of one chapter has no parts, whatever it holds.
    let single = TempBook::chapter("# Only a title\n").load();
    assert!(!single.book.chapters[0].part);
    // A chapter that opens without a level-one heading is no part title.
    let untitled = TempBook::new()
        .with("a.md", "## A section heading only\n")
        .with("b.md", "# B\n\nText.\n")
        .load();
    assert!(untitled.book.chapters.iter().all(|c| !c.part));
}

#[test]
fn parts_nest_in_the_navigation_the_ncx_two_levels_deep_with_part_title_pages() {
    let book = book();
    book.assert_builds();
    let epub = fs::read(book.out().join("parts.epub")).expect("the EPUB");
    common::assert_epubcheck_clean(&[book.out().join("parts.epub")]);
    let files = unzip(&epub);
    let file = |suffix: &str| {
        let (_, bytes) = files
            .iter()
            .find(|(name, _)| name.ends_with(suffix))
            .unwrap_or_else(|| panic!("no {suffix}"));
        String::from_utf8(bytes.clone()).unwrap()
    };
    // The navigation document: part → chapter → section.
    let nav = file("nav.xhtml");
    let doc = parse_xml(&nav).unwrap();
    let toc = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("nav")
                && n.attributes()
                    .any(|a| a.name() == "type" && a.value() == "toc")
        })
        .expect("the contents nav");
    let outline = |li: roxmltree::Node| -> String {
        li.children()
            .find(|n| n.has_tag_name("a"))
            .and_then(|a| a.text())
            .unwrap_or_default()
            .to_string()
    };
    let top: Vec<roxmltree::Node> = toc
        .children()
        .find(|n| n.has_tag_name("ol"))
        .unwrap()
        .children()
        .filter(|n| n.has_tag_name("li"))
        .collect();
    let titles: Vec<String> = top.iter().map(|li| outline(*li)).collect();
    assert_eq!(titles, ["Part One", "Part Two", "Epilogue", "Part Three"]);
    let under_one: Vec<String> = top[0]
        .children()
        .find(|n| n.has_tag_name("ol"))
        .unwrap()
        .children()
        .filter(|n| n.has_tag_name("li"))
        .map(outline)
        .collect();
    assert_eq!(under_one, ["Chapter A", "Chapter B"]);
    assert!(
        top[0]
            .descendants()
            .any(|n| n.has_tag_name("a") && n.text() == Some("Section A1"))
    );
    // The NCX: parts, then their chapters, and no deeper.
    let (ncx, depth) = ncx_outline(file("toc.ncx"));
    let labels: Vec<&str> = ncx.iter().map(|(label, _)| label.as_str()).collect();
    assert_eq!(labels, ["Part One", "Part Two", "Epilogue", "Part Three"]);
    assert_eq!(ncx[0].1, ["Chapter A", "Chapter B"]);
    assert_eq!(depth, 2);
    // Each part is a part title page, its epigraph kept.
    let parts: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains("epub:type=\"part\""))
        .collect();
    assert_eq!(
        parts.len(),
        3,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(
        parts
            .iter()
            .any(|(_, bytes)| String::from_utf8_lossy(bytes).contains("An epigraph for the part."))
    );
}

#[test]
fn the_pdf_outline_has_parts_above_their_chapters() {
    let book = book();
    book.assert_builds();
    let doc = lopdf::Document::load(book.out().join("parts.pdf")).expect("the PDF");
    let catalog = doc.catalog().unwrap();
    let outlines = doc
        .get_dictionary(catalog.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    // Each entry's title and its children, read from First/Next.
    fn entries(
        doc: &lopdf::Document,
        first: Option<lopdf::ObjectId>,
    ) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        let mut at = first;
        while let Some(id) = at {
            let item = doc.get_dictionary(id).unwrap();
            let title = lopdf::decode_text_string(item.get(b"Title").unwrap()).unwrap();
            let kids = entries(doc, item.get(b"First").and_then(|f| f.as_reference()).ok())
                .into_iter()
                .map(|(t, _)| t)
                .collect();
            out.push((title, kids));
            at = item.get(b"Next").and_then(|n| n.as_reference()).ok();
        }
        out
    }
    let top = entries(
        &doc,
        outlines.get(b"First").and_then(|f| f.as_reference()).ok(),
    );
    let titles: Vec<&str> = top.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(titles, ["Part One", "Part Two", "Epilogue", "Part Three"]);
    assert_eq!(top[0].1, ["Chapter A", "Chapter B"]);
}

#[test]
fn back_matter_must_name_a_chapter_of_the_book() {
    let book = TempBook::new()
        .with(
            "book.toml",
            format!("{}back-matter = [\"afterword.md\"]\n", common::BOOK_TOML),
        )
        .with("a.md", "# A\n\nText.\n");
    let findings = book.findings();
    let finding = findings
        .iter()
        .find(|f| f.code == "not-a-chapter")
        .unwrap_or_else(|| panic!("{findings:?}"));
    assert_eq!(finding.line, Some(5));
    assert!(
        finding.message.contains("afterword.md"),
        "{}",
        finding.message
    );
}

#[test]
fn a_book_in_one_file_keeps_its_books_and_chapters_in_the_ncx() {
    let book = TempBook::new().with(
        "war.md",
        "## Book One\n\n### Chapter I\n\nText.\n\n### Chapter II\n\nText.\n\n\
         ## Book Two\n\n### Chapter I\n\nText.\n",
    );
    book.assert_builds();
    common::assert_epubcheck_clean(&[book.out().join("hostile.epub")]);
    let epub = fs::read(book.out().join("hostile.epub")).expect("the EPUB");
    let ncx = unzip(&epub)
        .into_iter()
        .find(|(name, _)| name.ends_with("toc.ncx"))
        .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
        .expect("an NCX");
    let (ncx, _) = ncx_outline(ncx);
    let labels: Vec<&str> = ncx.iter().map(|(label, _)| label.as_str()).collect();
    // The chapter is the book (its title), then its books.
    assert_eq!(labels, ["Hostile", "Book One", "Book Two"]);
    let under = ncx[1].1.clone();
    assert_eq!(under, ["Chapter I", "Chapter II"]);
}

/// An NCX's first level, each entry's label with those of the entries
/// under it, and how deep its entries go.
fn ncx_outline(ncx: String) -> (Vec<(String, Vec<String>)>, usize) {
    let doc = parse_xml(&ncx).unwrap();
    let map = doc
        .descendants()
        .find(|n| n.has_tag_name("navMap"))
        .unwrap();
    let label = |point: roxmltree::Node| -> String {
        point
            .descendants()
            .find(|n| n.has_tag_name("text"))
            .and_then(|t| t.text())
            .unwrap_or_default()
            .to_string()
    };
    let outline = navpoints(map)
        .map(|point| (label(point), navpoints(point).map(label).collect()))
        .collect();
    let depth = map
        .descendants()
        .filter(|n| n.has_tag_name("navPoint"))
        .map(|n| n.ancestors().filter(|a| a.has_tag_name("navPoint")).count())
        .max()
        .unwrap_or(0);
    (outline, depth)
}

/// The `navPoint`s right under `parent`.
fn navpoints<'a, 'i>(
    parent: roxmltree::Node<'a, 'i>,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    parent.children().filter(|n| n.has_tag_name("navPoint"))
}
