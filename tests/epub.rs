//! The EPUB backend end to end, on the sample manuscript and on a fixture
//! book that uses every construct of the model: EPUBCheck finds nothing, every
//! word of the manuscript is in the book in reading order, every link and
//! navigation entry lands on a file and id that exist, and a rebuild gives the
//! same bytes.

mod common;

use bindery::epub::Epub;
use bindery::error::Diagnostic;
use bindery::pdf::fonts::FontFiles;
use common::parse_xml;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample_dir() -> PathBuf {
    manifest_dir().join("manuscript")
}

fn fixture_dir() -> PathBuf {
    manifest_dir().join("tests/fixtures/every-construct")
}

/// Builds the EPUB of a manuscript folder with a fixed clock, as `bindery
/// build` does: with the cover and the print edition's pages.
fn build(dir: &Path) -> Epub {
    let manuscript = bindery::load(dir).unwrap_or_else(|e| panic!("{e}"));
    let fonts = FontFiles::default();
    let cover = bindery::build_cover(&manuscript, &fonts, &bindery::store::Store::off())
        .unwrap_or_else(|e| panic!("{e}"));
    let epoch = Some("1764028800");
    let pdf = bindery::build_pdf(&manuscript, dir, fonts.clone(), epoch)
        .unwrap_or_else(|e| panic!("{e}"));
    common::epub(&manuscript, dir, Some(&cover), Some(&pdf), epoch)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// An unpacked EPUB: its files, and the package folder's paths.
struct Book {
    files: BTreeMap<String, Vec<u8>>,
}

impl Book {
    fn open(bytes: &[u8]) -> Book {
        Book {
            files: common::unzip(bytes).into_iter().collect(),
        }
    }

    fn text(&self, name: &str) -> String {
        let bytes = self
            .files
            .get(name)
            .unwrap_or_else(|| panic!("{name} is not in the EPUB"));
        String::from_utf8(bytes.clone()).expect("UTF-8")
    }

    /// The package document's path, from `META-INF/container.xml`.
    fn package_path(&self) -> String {
        let container = self.text("META-INF/container.xml");
        let doc = parse_xml(&container).expect("well-formed container");
        doc.descendants()
            .find(|n| n.has_tag_name("rootfile"))
            .and_then(|n| n.attribute("full-path"))
            .expect("a rootfile")
            .to_string()
    }

    /// Manifest items (id → path) and the spine's paths in order.
    fn manifest_and_spine(&self) -> (BTreeMap<String, String>, Vec<String>) {
        let package_path = self.package_path();
        let text = self.text(&package_path);
        let doc = parse_xml(&text).expect("well-formed package");
        let items: BTreeMap<String, String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("item"))
            .map(|n| {
                let href = n.attribute("href").expect("href");
                (
                    n.attribute("id").expect("id").to_string(),
                    resolve(&package_path, href),
                )
            })
            .collect();
        let spine = doc
            .descendants()
            .filter(|n| n.has_tag_name("itemref"))
            .map(|n| items[n.attribute("idref").expect("idref")].clone())
            .collect();
        (items, spine)
    }
}

/// Resolves `href` against the file `base` (both zip paths).
fn resolve(base: &str, href: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for segment in href.split('/') {
        match segment {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The words of a text: runs of letters and digits.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The text of a content document as a reader meets it: the body's text and
/// the alternative text of its images, in document order.
fn document_text(xhtml: &str) -> String {
    let doc = parse_xml(xhtml).expect("well-formed XHTML");
    let body = doc
        .descendants()
        .find(|n| n.has_tag_name("body"))
        .expect("a body");
    let mut out = String::new();
    for node in body.descendants() {
        // Blocks and cells are apart on the page; their text never joins.
        let apart = [
            "p",
            "li",
            "td",
            "th",
            "tr",
            "div",
            "pre",
            "blockquote",
            "aside",
            "section",
            "br",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
        ];
        if node.is_element() && apart.contains(&node.tag_name().name()) {
            out.push(' ');
        }
        if node.is_text() {
            out.push_str(node.text().unwrap_or(""));
        } else if node.has_tag_name("img") {
            out.push(' ');
            out.push_str(node.attribute("alt").unwrap_or(""));
            out.push(' ');
        }
    }
    out
}

/// Removes from Markdown what a reader never sees as text: link and image
/// destinations, footnote labels, heading ids, task boxes, code fences'
/// language names, raw HTML tags and scripts. What is left must be in the book.
fn visible_markdown(markdown: &str) -> String {
    let without_scripts = cut_between(markdown, "<script", "</script>");
    let without_tags = cut_between(&without_scripts, "<", ">");
    let without_dests = cut_between(&without_tags, "](", ")");
    let without_notes = cut_between(&without_dests, "[^", "]");
    let without_ids = cut_between(&without_notes, "{#", "}");
    without_ids
        .lines()
        .filter(|line| !line.trim_start().starts_with("```"))
        .map(|line| line.replace("[x]", "").replace("[ ]", ""))
        .map(|line| without_list_number(&line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A line without its ordered-list number (`3. `), which the book shows by
/// counting, not as text. Headings keep theirs: FAQ questions show them.
fn without_list_number(line: &str) -> String {
    let trimmed = line.trim_start();
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && trimmed[digits..].starts_with(". ") {
        trimmed[digits + 2..].to_string()
    } else {
        line.to_string()
    }
}

/// `text` without every span from `open` up to and including `close`.
fn cut_between(text: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        let after = &rest[start + open.len()..];
        rest = after
            .find(close)
            .map_or("", |end| &after[end + close.len()..]);
    }
    out.push_str(rest);
    out
}

fn chapter_files(dir: &Path) -> Vec<PathBuf> {
    let manuscript = bindery::load(dir).unwrap_or_else(|e| panic!("{e}"));
    manuscript
        .book
        .chapters
        .iter()
        .map(|c| dir.join(&c.file))
        .collect()
}

/// Checks that every word of the manuscript is in the EPUB's spine text, in order.
fn assert_words_in_order(dir: &Path) {
    let epub = Book::open(&build(dir).bytes);
    let (_, spine) = epub.manifest_and_spine();
    let book_words: Vec<String> = spine
        .iter()
        .flat_map(|path| words(&document_text(&epub.text(path))))
        .collect();
    let mut at = 0;
    for file in chapter_files(dir) {
        let markdown = std::fs::read_to_string(&file).expect("chapter file");
        for (n, word) in words(&visible_markdown(&markdown)).iter().enumerate() {
            match book_words[at..].iter().position(|w| w == word) {
                Some(offset) => at += offset + 1,
                None => panic!(
                    "word {n} of {}, “{word}”, is missing from the EPUB after word {at}; \
                     the EPUB goes on: {:?}",
                    file.display(),
                    &book_words[at..book_words.len().min(at + 20)]
                ),
            }
        }
    }
}

#[test]
fn every_word_of_the_sample_is_in_the_epub_in_order() {
    assert_words_in_order(&sample_dir());
}

#[test]
fn every_word_of_the_fixture_is_in_the_epub_in_order() {
    assert_words_in_order(&fixture_dir());
}

/// Every `href`/`src` inside the book lands on a file of the EPUB, and on an
/// id in it when it names one; every manifest item exists and every nav and
/// NCX entry resolves.
fn assert_links_resolve(dir: &Path) {
    let epub = Book::open(&build(dir).bytes);
    let (items, _) = epub.manifest_and_spine();
    for path in items.values() {
        assert!(
            epub.files.contains_key(path),
            "manifest item {path} is missing"
        );
    }
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut links: Vec<(String, String, &'static str)> = Vec::new();
    for path in items.values() {
        let xml = path.ends_with(".xhtml") || path.ends_with(".ncx");
        if !xml {
            continue;
        }
        let text = epub.text(path);
        let doc = parse_xml(&text).unwrap_or_else(|e| panic!("{path} is not well-formed: {e}"));
        let file_ids = ids.entry(path.clone()).or_default();
        for node in doc.descendants().filter(|n| n.is_element()) {
            if let Some(id) = node.attribute("id") {
                assert!(file_ids.insert(id.to_string()), "id {id} twice in {path}");
            }
            let target = match node.tag_name().name() {
                "a" | "link" => node.attribute("href"),
                "img" => node.attribute("src"),
                "content" => node.attribute("src"),
                _ => None,
            };
            if let Some(target) = target {
                let tag = if node.has_tag_name("a") { "a" } else { "other" };
                links.push((path.clone(), target.to_string(), tag));
            }
        }
    }
    let mut checked = 0;
    for (from, target, _) in &links {
        let external = target
            .split(['/', '#'])
            .next()
            .is_some_and(|first| first.contains(':'));
        if external {
            continue;
        }
        let (file, fragment) = match target.split_once('#') {
            Some((file, fragment)) => (file, Some(fragment)),
            None => (target.as_str(), None),
        };
        let path = if file.is_empty() {
            from.clone()
        } else {
            resolve(from, file)
        };
        assert!(
            epub.files.contains_key(&path),
            "{from} links to {target}: no file {path}"
        );
        if let Some(fragment) = fragment {
            assert!(
                ids.get(&path).is_some_and(|set| set.contains(fragment)),
                "{from} links to {target}: no id {fragment} in {path}"
            );
        }
        checked += 1;
    }
    let manuscript = bindery::load(dir).unwrap_or_else(|e| panic!("{e}"));
    let depth = manuscript.config.toc_depth();
    let toc = bindery::toc::build(&manuscript.book, depth);
    let nav_depth = bindery::toc::nav_depth(&manuscript.book, depth);
    let nav_entries = bindery::toc::build(&manuscript.book, nav_depth)
        .flatten()
        .len();
    let nav_links = links
        .iter()
        .filter(|(from, _, tag)| from.ends_with("nav.xhtml") && *tag == "a")
        .count();
    let ncx_links = links
        .iter()
        .filter(|(from, _, _)| from.ends_with(".ncx"))
        .count();
    let entries = toc.flatten().len();
    let pages = links
        .iter()
        .filter(|(from, target, _)| from.ends_with("nav.xhtml") && target.contains("#page-"))
        .count();
    assert!(pages > 0, "no page list");
    // The nav lists every entry at its depth, the landmarks (cover,
    // contents page, start of text) and the print pages.
    assert_eq!(nav_links, nav_entries + 3 + pages, "nav entries");
    // The NCX lists the entries and the print pages.
    assert_eq!(ncx_links, entries + pages, "NCX entries");
    assert!(checked > entries, "only {checked} links checked");
}

#[test]
fn every_link_and_nav_entry_of_the_sample_resolves() {
    assert_links_resolve(&sample_dir());
}

#[test]
fn every_link_and_nav_entry_of_the_fixture_resolves() {
    assert_links_resolve(&fixture_dir());
}

#[test]
fn ncx_has_at_most_two_levels() {
    let epub = Book::open(&build(&fixture_dir()).bytes);
    let ncx = epub.text("EPUB/toc.ncx");
    let doc = parse_xml(&ncx).expect("well-formed NCX");
    let deepest = doc
        .descendants()
        .filter(|n| n.has_tag_name("navPoint"))
        .map(|n| n.ancestors().filter(|a| a.has_tag_name("navPoint")).count())
        .max();
    assert_eq!(deepest, Some(2));
}

#[test]
fn rebuilding_gives_identical_bytes() {
    let first = build(&fixture_dir()).bytes;
    let second = build(&fixture_dir()).bytes;
    assert!(first == second, "two builds differ");
    let entries = common::unzip(&first);
    assert_eq!(entries[0].0, "mimetype");
    assert_eq!(entries[0].1, b"application/epub+zip");
    // The first local header says "stored" and has no extra field.
    assert_eq!(&first[8..10], &[0, 0]);
    assert_eq!(&first[28..30], &[0, 0]);
}

#[test]
fn the_clock_comes_from_source_date_epoch() {
    let dir = fixture_dir();
    let manuscript = bindery::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    let epub = common::epub(&manuscript, &dir, None, None, Some("0")).expect("an EPUB");
    let package = Book::open(&epub.bytes).text("EPUB/package.opf");
    assert!(
        package.contains(">1970-01-01T00:00:00Z</meta>"),
        "{package}"
    );
    let epub = common::epub(&manuscript, &dir, None, None, None).expect("an EPUB");
    let package = Book::open(&epub.bytes).text("EPUB/package.opf");
    assert!(
        package.contains(">2026-11-25T00:00:00Z</meta>"),
        "{package}"
    );
}

fn codes_at(warnings: &[Diagnostic], code: &str) -> Vec<String> {
    warnings
        .iter()
        .filter(|w| w.code == code)
        .map(|w| {
            w.place
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn raw_html_and_missing_alt_text_give_warnings_not_broken_markup() {
    let epub = build(&fixture_dir());
    let raw = codes_at(&epub.warnings, "raw-html");
    assert!(
        raw.iter().any(|p| p.ends_with("01-prose.md:72:1")),
        "no warning for the script block: {raw:?}"
    );
    assert!(
        raw.iter().any(|p| p.ends_with("01-prose.md:69:1")),
        "no warning for the unclosed tag: {raw:?}"
    );
    // The loader reports the image without alt text, once, for every backend.
    let loaded = bindery::load(&fixture_dir()).unwrap();
    assert!(codes_at(&epub.warnings, "image-no-alt").is_empty());
    let alt = codes_at(&loaded.warnings, "image-no-alt");
    assert_eq!(alt.len(), 1, "{alt:?}");
    assert!(alt[0].ends_with("01-prose.md:17:35"), "{alt:?}");
    let book = Book::open(&epub.bytes);
    let chapter = book.text("EPUB/chapter-01.xhtml");
    assert!(!chapter.contains("<script") && !chapter.contains("gone"));
    assert!(!chapter.contains("alert") && !chapter.contains("hidden"));
    assert!(!chapter.contains("onclick"));
    let package = book.text("EPUB/package.opf");
    assert!(
        !package.contains("conformsTo"),
        "no claim with an image lacking alt"
    );
    assert!(!package.contains(">alternativeText<"));
}

#[test]
fn the_sample_claims_accessibility_and_carries_its_metadata() {
    let package = Book::open(&build(&sample_dir()).bytes).text("EPUB/package.opf");
    for expected in [
        "<dc:language>en</dc:language>",
        "property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.2 Level AA<",
        "property=\"schema:accessMode\">textual<",
        "property=\"schema:accessModeSufficient\">textual<",
        "property=\"schema:accessibilityHazard\">none<",
        "FAQ of 7 numbered questions in 2 groups",
        "Its cover is an image whose text alternative is the title. It contains no other images.",
    ] {
        assert!(package.contains(expected), "{expected} missing:\n{package}");
    }
}

#[test]
fn the_fixture_metadata_comes_from_book_toml() {
    let package = Book::open(&build(&fixture_dir()).bytes).text("EPUB/package.opf");
    for expected in [
        "<dc:title id=\"title\">Every Construct &amp; Its &lt;Markup&gt;</dc:title>",
        "<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>",
        "<dc:creator id=\"creator-2\">Charles Babbage</dc:creator>",
        "<meta refines=\"#creator-1\" property=\"role\" scheme=\"marc:relators\">aut</meta>",
        "<dc:publisher>Bindery Test Press</dc:publisher>",
        "<dc:date>2026-11-25</dc:date>",
        "<dc:rights>© 2026 The bindery authors. CC BY 4.0.</dc:rights>",
        "<dc:identifier id=\"book-id\">urn:uuid:",
        "property=\"schema:accessMode\">visual<",
        "media-type=\"image/png\"",
    ] {
        assert!(package.contains(expected), "{expected} missing:\n{package}");
    }
}

#[test]
fn epubcheck_finds_nothing_in_the_sample_and_the_fixture() {
    let temp = tempfile::tempdir().expect("a temporary folder");
    let epubs: Vec<PathBuf> = [("sample", sample_dir()), ("fixture", fixture_dir())]
        .into_iter()
        .map(|(name, dir)| {
            let path = temp.path().join(format!("{name}.epub"));
            std::fs::write(&path, build(&dir).bytes).expect("written EPUB");
            path
        })
        .collect();
    common::assert_epubcheck_clean(&epubs);
}

#[test]
fn footnotes_are_pop_up_notes_with_the_back_link_first() {
    let book = Book::open(&build(&fixture_dir()).bytes);
    let chapter = book.text("EPUB/chapter-01.xhtml");
    let doc = parse_xml(&chapter).expect("well-formed chapter");
    let epub_type = |n: &roxmltree::Node| {
        n.attribute(("http://www.idpf.org/2007/ops", "type"))
            .unwrap_or("")
            .to_string()
    };
    let notes: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("aside"))
        .collect();
    assert_eq!(notes.len(), 2);
    for note in notes {
        assert_eq!(epub_type(&note), "footnote");
        assert_eq!(note.attribute("role"), Some("doc-footnote"));
        let first = note
            .children()
            .find(|n| n.is_element())
            .expect("a paragraph");
        let link = first.first_child().expect("the back-link");
        assert!(link.has_tag_name("a"), "the note starts with its back-link");
        assert_eq!(link.attribute("role"), Some("doc-backlink"));
        let back = link
            .attribute("href")
            .expect("href")
            .trim_start_matches('#');
        let reference = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(back))
            .expect("the reference");
        assert_eq!(epub_type(&reference), "noteref");
        assert_eq!(reference.attribute("role"), Some("doc-noteref"));
        let note_id = note.attribute("id").expect("note id");
        assert_eq!(
            reference.attribute("href"),
            Some(format!("#{note_id}").as_str())
        );
    }
}

#[test]
fn the_faq_is_a_section_with_numbered_questions() {
    let book = Book::open(&build(&fixture_dir()).bytes);
    let faq = book.text("EPUB/chapter-03.xhtml");
    let doc = parse_xml(&faq).expect("well-formed FAQ");
    let groups: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("faq-group"))
        .collect();
    assert_eq!(groups.len(), 2);
    let questions: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("h3"))
        .map(|h| {
            assert!(h.attribute("id").is_some(), "a question without id");
            h.descendants()
                .filter(|n| n.is_text())
                .map(|n| n.text().unwrap_or(""))
                .collect()
        })
        .collect();
    assert_eq!(
        questions,
        [
            "1. What is the first question?",
            "2. Does the second question have a list?",
            "3. And the third?"
        ]
    );
}

#[test]
fn the_command_line_writes_the_epub() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let status = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .arg("build")
        .arg("--quiet")
        .arg("--manuscript")
        .arg(fixture_dir())
        .arg("--out")
        .arg(out.path())
        .env("SOURCE_DATE_EPOCH", "1764028800")
        .status()
        .expect("bindery runs");
    assert!(status.success());
    let written = std::fs::read(out.path().join("every-construct-its-markup.epub"))
        .expect("the EPUB is written");
    assert!(written == build(&fixture_dir()).bytes);
}

#[test]
fn embedded_fonts_are_in_the_manifest_and_the_style_sheet() {
    let fixture = Book::open(&build(&fixture_dir()).bytes);
    let package = fixture.text("EPUB/package.opf");
    let css = fixture.text("EPUB/style.css");
    for file in [
        "serif-regular.otf",
        "serif-italic.otf",
        "serif-bold.otf",
        "serif-bold-italic.otf",
        "mono.ttf",
    ] {
        assert!(
            package.contains(&format!("href=\"fonts/{file}\"")),
            "{file} is not in the manifest:\n{package}"
        );
        assert!(
            css.contains(&format!("url(\"fonts/{file}\")")),
            "{file} has no @font-face"
        );
        assert!(fixture.files[&format!("EPUB/fonts/{file}")].len() > 10_000);
    }
    assert!(package.contains("media-type=\"font/otf\""));
    let sample = Book::open(&build(&sample_dir()).bytes);
    assert!(!sample.text("EPUB/package.opf").contains("fonts/"));
    assert!(!sample.text("EPUB/style.css").contains("@font-face"));
}
