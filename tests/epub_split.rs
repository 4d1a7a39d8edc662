//! Chapters cut into spine items of reading size (issue 15): a long book in
//! one file becomes files under 300 KB that EPUBCheck accepts; every link,
//! contents entry and page-list entry lands on an id in the file it names;
//! each note is in the file of its first reference; the text is the same
//! whatever the split; rebuilds give the same bytes.

mod common;

use bindery::epub::Epub;
use bindery::pdf::fonts::FontFiles;
use common::{TempBook, parse_xml};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The clock every build here uses.
const EPOCH: Option<&str> = Some("1764028800");

/// Builds the EPUB of `book` as `bindery build` does, with the print
/// edition's pages when `pages` is set (the PDF is laid out for them).
fn build(book: &TempBook, pages: bool) -> Epub {
    let dir = book.dir();
    let manuscript = book.load();
    let fonts = FontFiles::default();
    let pdf = pages.then(|| {
        bindery::build_pdf(&manuscript, &dir, fonts.clone(), EPOCH)
            .unwrap_or_else(|e| panic!("{e}"))
    });
    common::epub(&manuscript, &dir, None, pdf.as_ref(), EPOCH).unwrap_or_else(|e| panic!("{e}"))
}

/// An unpacked EPUB.
struct Unpacked {
    files: BTreeMap<String, String>,
    /// The spine's files, in order (paths inside the zip).
    spine: Vec<String>,
}

impl Unpacked {
    fn new(epub: &Epub) -> Unpacked {
        let files: BTreeMap<String, String> = common::unzip(&epub.bytes)
            .into_iter()
            .filter(|(name, _)| !name.ends_with(".png"))
            .map(|(name, bytes)| (name, String::from_utf8(bytes).expect("UTF-8")))
            .collect();
        let package = parse_xml(&files["EPUB/package.opf"]).expect("a package");
        let items: BTreeMap<&str, &str> = package
            .descendants()
            .filter(|n| n.has_tag_name("item"))
            .map(|n| (n.attribute("id").unwrap(), n.attribute("href").unwrap()))
            .collect();
        let spine = package
            .descendants()
            .filter(|n| n.has_tag_name("itemref"))
            .map(|n| format!("EPUB/{}", items[n.attribute("idref").unwrap()]))
            .collect();
        Unpacked { files, spine }
    }

    /// The chapters' files: the spine without the contents page.
    fn chapter_files(&self) -> Vec<&String> {
        self.spine
            .iter()
            .filter(|f| f.contains("/chapter-"))
            .collect()
    }

    /// The ids of every XHTML file, by file.
    fn ids(&self) -> BTreeMap<&str, BTreeSet<String>> {
        self.files
            .iter()
            .filter(|(name, _)| name.ends_with(".xhtml"))
            .map(|(name, text)| {
                let doc = parse_xml(text).unwrap_or_else(|e| panic!("{name}: {e}"));
                let ids = doc
                    .descendants()
                    .filter_map(|n| n.attribute("id"))
                    .map(str::to_string)
                    .collect();
                (name.as_str(), ids)
            })
            .collect()
    }

    /// Every link inside the book of the XHTML files and the NCX: (file,
    /// target file, fragment, element), with the target resolved.
    fn links(&self) -> Vec<(String, String, Option<String>, String)> {
        let mut links = Vec::new();
        for (name, text) in &self.files {
            if !(name.ends_with(".xhtml") || name.ends_with(".ncx")) {
                continue;
            }
            let doc = parse_xml(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            for node in doc.descendants().filter(|n| n.is_element()) {
                let target = match node.tag_name().name() {
                    "a" | "link" => node.attribute("href"),
                    "content" => node.attribute("src"),
                    _ => None,
                };
                let Some(target) = target.filter(|t| !t.contains(':')) else {
                    continue;
                };
                let (file, fragment) = match target.split_once('#') {
                    Some((file, fragment)) => (file, Some(fragment.to_string())),
                    None => (target, None),
                };
                let file = if file.is_empty() {
                    name.clone()
                } else {
                    format!("EPUB/{file}")
                };
                let class = node.attribute("class").unwrap_or(node.tag_name().name());
                links.push((name.clone(), file, fragment, class.to_string()));
            }
        }
        links
    }

    /// Asserts that every link lands on a file of the book and on an id of
    /// that file; returns how many links have a fragment.
    fn assert_links_land(&self) -> usize {
        let ids = self.ids();
        let mut fragments = 0;
        for (from, file, fragment, _) in self.links() {
            assert!(
                self.files.contains_key(&file),
                "{from} links to {file}, which is not in the book"
            );
            if let Some(fragment) = fragment {
                assert!(
                    ids.get(file.as_str())
                        .is_some_and(|set| set.contains(&fragment)),
                    "{from} links to {file}#{fragment}: no such id there"
                );
                fragments += 1;
            }
        }
        fragments
    }

    /// Asserts that each note is in the file of its first reference (in
    /// spine order), and that its back-link goes there; returns the notes'
    /// references by note id, as (file, address).
    fn assert_notes_beside_references(&self) -> BTreeMap<String, Vec<(String, String)>> {
        let mut refs: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for file in &self.spine {
            let doc = parse_xml(&self.files[file]).expect("XHTML");
            for node in doc
                .descendants()
                .filter(|n| n.attribute("class") == Some("noteref"))
            {
                let href = node.attribute("href").expect("a noteref's href");
                let note = href.split_once('#').expect("a fragment").1;
                refs.entry(note.to_string())
                    .or_default()
                    .push((file.clone(), href.to_string()));
            }
        }
        for (note, places) in &refs {
            let (file, href) = &places[0];
            assert_eq!(href, &format!("#{note}"), "note {note} is not in {file}");
            let doc = parse_xml(&self.files[file]).expect("XHTML");
            let aside = doc
                .descendants()
                .find(|n| n.attribute("id") == Some(note.as_str()))
                .expect("the note");
            assert_eq!(aside.tag_name().name(), "aside");
            assert_eq!(
                aside.attribute(("http://www.idpf.org/2007/ops", "type")),
                Some("footnote")
            );
            assert_eq!(aside.attribute("role"), Some("doc-footnote"));
            let back = aside
                .descendants()
                .find(|n| n.is_element() && n.tag_name().name() == "a")
                .expect("a back-link first");
            assert_eq!(back.attribute("class"), Some("backlink"));
            let first_ref = doc
                .descendants()
                .find(|n| {
                    n.attribute("class") == Some("noteref")
                        && n.attribute("href") == Some(href.as_str())
                })
                .and_then(|n| n.attribute("id"))
                .expect("the first reference's id");
            assert_eq!(
                back.attribute("href"),
                Some(format!("#{first_ref}").as_str())
            );
        }
        refs
    }

    /// The words of the chapters' files in spine order, without the notes.
    fn body_words(&self) -> Vec<String> {
        let mut words = Vec::new();
        for file in self.chapter_files() {
            let doc = parse_xml(&self.files[file]).expect("XHTML");
            for text in doc.descendants().filter(|n| n.is_text()) {
                let in_body = text.ancestors().any(|a| a.has_tag_name("body"));
                let in_note = text.ancestors().any(|a| a.has_tag_name("aside"));
                if in_body && !in_note {
                    words.extend(
                        text.text()
                            .unwrap_or("")
                            .split(|c: char| !c.is_alphanumeric())
                            .filter(|w| !w.is_empty())
                            .map(str::to_string),
                    );
                }
            }
        }
        words
    }
}

/// Deterministic filler text: `count` words from a small vocabulary.
fn words(seed: &mut u64, count: usize) -> String {
    const VOCABULARY: [&str; 24] = [
        "the", "prince", "said", "and", "went", "to", "war", "peace", "was", "not", "far", "from",
        "Moscow", "where", "snow", "lay", "on", "every", "road", "of", "old", "Russia", "in",
        "winter",
    ];
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        out.push(VOCABULARY[(*seed >> 33) as usize % VOCABULARY.len()]);
    }
    out.join(" ")
}

/// A novel in one file, without a level-one heading: `books` books (`##`)
/// of `chapters` chapters (`###`) of `paragraphs` paragraphs of 100 words.
/// Chapter 2 of book 1 and chapter 1 of the last book refer to one note;
/// every chapter 3 has a note of its own and links to chapter 1 of the
/// next book.
fn novel(books: usize, chapters: usize, paragraphs: usize) -> String {
    let mut seed = 7;
    let mut text = String::new();
    let mut notes = String::new();
    for b in 1..=books {
        text.push_str(&format!("## Book {b}\n\n"));
        for c in 1..=chapters {
            text.push_str(&format!("### Chapter {b}.{c} {{#b{b}c{c}}}\n\n"));
            for p in 0..paragraphs {
                text.push_str(&words(&mut seed, 100));
                if p == 0 && ((b == 1 && c == 2) || (b == books && c == 1)) {
                    text.push_str("[^shared]");
                }
                if p == 1 && c == 3 {
                    text.push_str(&format!("[^b{b}c{c}] [onwards](#b{}c1)", b % books + 1));
                    notes.push_str(&format!("[^b{b}c{c}]: A note on chapter {b}.{c}.\n\n"));
                }
                text.push_str(".\n\n");
            }
        }
    }
    text.push_str("[^shared]: A note referred to twice.\n\n");
    text + &notes
}

#[test]
fn a_long_book_in_one_file_becomes_files_under_300_kb_that_epubcheck_accepts() {
    // 15 books of 24 chapters of 14 paragraphs: 504,000 words.
    let book = TempBook::chapter(novel(15, 24, 14));
    let epub = build(&book, false);
    let unpacked = Unpacked::new(&epub);
    let chapters = unpacked.chapter_files();
    assert!(chapters.len() >= 12, "only {} files", chapters.len());
    for file in &chapters {
        let size = unpacked.files[file.as_str()].len();
        assert!(size < 300_000, "{file} is {size} bytes");
    }
    assert!(
        !epub.warnings.iter().any(|w| w.code == "large-file"),
        "{:?}",
        epub.warnings
    );
    assert!(unpacked.assert_links_land() > 15 * 24);
    let refs = unpacked.assert_notes_beside_references();
    assert_eq!(refs.len(), 16, "{refs:?}");
    // The note referred to twice is in book 1's file; the reference in
    // the last book links to it there.
    let shared = refs
        .values()
        .find(|places| places.len() == 2)
        .expect("a note referred to twice");
    assert_ne!(shared[0].0, shared[1].0, "both references in one file");
    assert!(
        shared[1]
            .1
            .starts_with(&format!("{}#", shared[0].0.trim_start_matches("EPUB/")))
    );
    let path = book.root().join("long.epub");
    std::fs::write(&path, &epub.bytes).expect("the EPUB is written");
    common::assert_epubcheck_clean(&[path]);
}

/// A small book of two chapters with sections and subsections, page
/// numbers of its own, a note referred to twice and links across files.
fn small_book(split_level: u8) -> TempBook {
    let toml = format!("{}[epub]\nsplit-level = {split_level}\n", common::BOOK_TOML);
    let mut seed = 3;
    let mut a =
        String::from("# The First\n\nOpening words[^twice] and [a link ahead](#later).\n\n");
    for s in 1..=3 {
        a.push_str(&format!("## Section {s}\n\n{}.\n\n", words(&mut seed, 400)));
        for t in 1..=2 {
            a.push_str(&format!(
                "### Part {s}.{t}\n\n{}.\n\n",
                words(&mut seed, 300)
            ));
        }
    }
    a.push_str("## Later\n\nThe note again[^twice], and [the second chapter](b.md#b-two).\n\n");
    a.push_str("[^twice]: Referred to twice.\n");
    let mut b = String::from("# The Second\n\n");
    for s in 1..=2 {
        b.push_str(&format!(
            "## Two {s} {{#b-{}}}\n\n{}[^n{s}].\n\n",
            ["one", "two"][s - 1],
            words(&mut seed, 500)
        ));
        b.push_str(&format!(
            "[^n{s}]: Note {s}, see [the first](a.md#later).\n\n"
        ));
    }
    // A note referred to only from the second section's note goes with it.
    b = b.replace("[^n2]: Note 2,", "[^n2]: Note 2[^deep],");
    b.push_str("[^deep]: A note on a note.\n\n");
    // A FAQ of one group: split inside it, between its questions.
    let mut faq = String::from("# Questions\n\n## The Group\n\n");
    for q in 1..=2 {
        faq.push_str(&format!(
            "### {q}. Question {q}?\n\n{}[^q{q}].\n\n",
            words(&mut seed, 300)
        ));
        faq.push_str(&format!("[^q{q}]: On question {q}.\n\n"));
    }
    TempBook::new()
        .with("book.toml", toml)
        .with("a.md", a)
        .with("b.md", b)
        .with("faq.md", faq)
}

#[test]
fn split_files_keep_links_notes_page_list_and_text() {
    let split = small_book(3);
    let epub = build(&split, true);
    let unpacked = Unpacked::new(&epub);
    // a.md: the opening, 3 sections with 2 parts each, "Later"; b.md: 2
    // sections; the FAQ: its group's heading, 2 questions.
    assert_eq!(unpacked.chapter_files().len(), 1 + 9 + 1 + 2 + 3);
    assert!(unpacked.assert_links_land() > 20);
    let refs = unpacked.assert_notes_beside_references();
    let (note, twice) = refs
        .iter()
        .find(|(_, places)| places.len() == 2)
        .expect("a note referred to twice");
    assert_eq!(twice[0].0, "EPUB/chapter-01.xhtml");
    assert_ne!(twice[1].0, twice[0].0);
    assert_eq!(twice[1].1, format!("chapter-01.xhtml#{note}"));
    // Every page of the list lands on a page-break marker, and the
    // markers run in page order through the spine.
    let nav = parse_xml(&unpacked.files["EPUB/nav.xhtml"]).expect("nav");
    let list: Vec<(String, String)> = nav
        .descendants()
        .filter(|n| n.attribute("id") == Some("page-list"))
        .flat_map(|n| n.descendants().filter(|a| a.has_tag_name("a")))
        .map(|a| {
            let (file, id) = a.attribute("href").unwrap().split_once('#').unwrap();
            (format!("EPUB/{file}"), id.to_string())
        })
        .collect();
    assert!(list.len() > 3, "{list:?}");
    let markers: Vec<(String, String)> = unpacked
        .chapter_files()
        .into_iter()
        .flat_map(|file| {
            let doc = parse_xml(&unpacked.files[file]).expect("XHTML");
            doc.descendants()
                .filter(|n| {
                    n.attribute(("http://www.idpf.org/2007/ops", "type")) == Some("pagebreak")
                })
                .map(|n| (file.clone(), n.attribute("id").unwrap().to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(list, markers);
    assert!(
        markers
            .iter()
            .map(|(f, _)| f)
            .collect::<BTreeSet<_>>()
            .len()
            > 3
    );
    // The same text as one file per chapter, and as many notes.
    let whole = Unpacked::new(&build(&small_book(1), true));
    assert_eq!(whole.chapter_files().len(), 3);
    assert!(
        whole.body_words() == unpacked.body_words(),
        "the words differ"
    );
    assert_eq!(
        whole
            .assert_notes_beside_references()
            .keys()
            .collect::<Vec<_>>(),
        refs.keys().collect::<Vec<_>>()
    );
    // Rebuilding gives the same bytes.
    assert!(build(&split, true).bytes == epub.bytes, "two builds differ");
    let paths: Vec<PathBuf> = [
        ("split", &epub.bytes),
        ("whole", &build(&small_book(1), true).bytes),
    ]
    .into_iter()
    .map(|(name, bytes)| {
        let path = split.root().join(format!("{name}.epub"));
        std::fs::write(&path, bytes).expect("the EPUB is written");
        path
    })
    .collect();
    common::assert_epubcheck_clean(&paths);
}

/// A paragraph too big for any file is a warning of the EPUB's, which
/// `bindery check` reports with the others.
#[test]
fn a_paragraph_too_big_for_any_file_is_a_warning_at_its_line() {
    let mut seed = 5;
    let text = format!(
        "# Big\n\nA start.\n\n{}.\n\nAn end.\n",
        words(&mut seed, 80_000)
    );
    let book = TempBook::chapter(text);
    let epub = build(&book, false);
    let places: Vec<_> = epub
        .warnings
        .iter()
        .filter(|w| w.code == "large-file")
        .filter_map(|w| w.place.as_ref())
        .map(|p| (p.file.clone(), p.line, p.col))
        .collect();
    assert_eq!(places, [(book.file("a.md"), Some(5), Some(1))]);
    let unpacked = Unpacked::new(&epub);
    // The paragraph's file holds it alone: the start and the end are in
    // files of their own.
    assert_eq!(unpacked.chapter_files().len(), 3);
}

#[test]
fn split_level_out_of_range_is_an_error_at_its_line() {
    let book = TempBook::new()
        .with(
            "book.toml",
            format!("{}[epub]\nsplit-level = 0\n", common::BOOK_TOML),
        )
        .with("a.md", "# A\n");
    book.assert_build_fails("split-level must be 1, 2 or 3, not 0");
}

#[test]
fn headings_below_the_contents_depth_are_in_the_nav_of_a_short_book() {
    let text = "# A\n\n## B\n\n### C\n\n#### D\n\nText.\n";
    let short = TempBook::chapter(text);
    let nav = |book: &TempBook| {
        let unpacked = Unpacked::new(&build(book, false));
        let doc = parse_xml(&unpacked.files["EPUB/nav.xhtml"]).expect("nav");
        doc.descendants()
            .filter(|n| n.attribute("id") == Some("toc"))
            .flat_map(|n| n.descendants().filter(|a| a.has_tag_name("a")))
            .map(|a| a.text().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(nav(&short), ["A", "B", "C", "D"]);
    // With more than 1,000 entries above them, they stay out.
    let mut long = String::from("# A\n\n");
    for i in 0..1_001 {
        long.push_str(&format!("## S{i}\n\n#### Deep {i}\n\nText.\n\n"));
    }
    let entries = nav(&TempBook::chapter(long));
    assert_eq!(entries.len(), 1 + 1_001);
    assert!(entries.iter().all(|e| !e.starts_with("Deep")));
}
