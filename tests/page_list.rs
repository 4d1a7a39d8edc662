//! The EPUB knows the print edition's pages: for every page of the PDF's
//! body there is one page-break marker in the EPUB, in page order, and the
//! text after the marker is the text the page starts with, as `pdftotext`
//! reads it from that page.

mod common;

use bindery::pdf::fonts::FontFiles;
use bindery::pdf::layout::Geometry;
use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The PDF of a manuscript and the EPUB's chapters (name, XHTML) and
/// page lists (`Navigation`), made in one run as `bindery build` does.
fn build(dir: &Path) -> (bindery::pdf::Output, Vec<(String, String)>, Navigation) {
    let manuscript = bindery::load(dir).unwrap_or_else(|e| panic!("{e}"));
    let fonts = FontFiles::default();
    let pdf = bindery::build_pdf(&manuscript, dir, fonts.clone(), Some("0"))
        .unwrap_or_else(|e| panic!("{e}"));
    let epub = common::epub(&manuscript, dir, None, Some(&pdf), Some("0"))
        .unwrap_or_else(|e| panic!("{e}"));
    let files: Vec<(String, String)> = common::unzip(&epub.bytes)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".xhtml") || name.ends_with(".ncx"))
        .map(|(name, bytes)| (name, String::from_utf8(bytes).expect("UTF-8 text")))
        .collect();
    let text = |name: &str| {
        let (_, text) = files.iter().find(|(n, _)| n == name).expect(name);
        text.clone()
    };
    let navigation = Navigation::of(&text("EPUB/nav.xhtml"), &text("EPUB/toc.ncx"));
    let mut chapters: Vec<(String, String)> = files
        .into_iter()
        .filter(|(name, _)| name.starts_with("EPUB/chapter-"))
        .collect();
    chapters.sort();
    (pdf, chapters, navigation)
}

/// The print pages as the EPUB's two navigation files list them.
#[derive(Debug, PartialEq)]
struct Navigation {
    /// The links of the navigation document's page list, in order.
    nav: Vec<String>,
    /// The targets of the NCX's page list, in order.
    ncx: Vec<String>,
    /// The NCX's `dtb:totalPageCount` and `dtb:maxPageNumber`.
    counts: (String, String),
}

impl Navigation {
    fn of(nav: &str, ncx: &str) -> Navigation {
        let nav = common::parse_xml(nav).expect("a well-formed navigation document");
        let ncx = common::parse_xml(ncx).expect("a well-formed NCX");
        // The `attribute` of every `element` inside the element `within`
        // picks out.
        let values = |doc: &roxmltree::Document,
                      within: &dyn Fn(&roxmltree::Node) -> bool,
                      element: &str,
                      attribute: &str| {
            doc.descendants()
                .filter(|n| within(n))
                .flat_map(|list| list.descendants())
                .filter(|n| n.has_tag_name(element))
                .filter_map(|n| n.attribute(attribute).map(str::to_string))
                .collect::<Vec<String>>()
        };
        let meta = |name: &str| {
            ncx.descendants()
                .find(|n| n.has_tag_name("meta") && n.attribute("name") == Some(name))
                .and_then(|n| n.attribute("content"))
                .unwrap_or_default()
                .to_string()
        };
        Navigation {
            nav: values(
                &nav,
                &|n| n.has_tag_name("nav") && n.attribute("id") == Some("page-list"),
                "a",
                "href",
            ),
            ncx: values(&ncx, &|n| n.has_tag_name("pageList"), "content", "src"),
            counts: (meta("dtb:totalPageCount"), meta("dtb:maxPageNumber")),
        }
    }
}

/// The text of a page's text block, running head and folio cut off.
fn page_text(pdf: &Path, page: usize) -> String {
    let g = Geometry::default();
    let page = page.to_string();
    let top = format!("{}", g.top - 4.0);
    let height = format!("{}", g.height - g.top);
    let width = format!("{}", g.width);
    let output = Command::new("pdftotext")
        .args(["-raw", "-f", &page, "-l", &page, "-x", "0", "-y", &top])
        .args(["-W", &width, "-H", &height])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run pdftotext ({e}); install poppler-utils (.ci/run does)")
        });
    assert!(output.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// XHTML as its text: tags dropped, the few entities the writer uses decoded.
fn text_of(xhtml: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in xhtml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The header row of the table `xhtml` ends inside, if it ends inside one.
fn open_table_header(xhtml: &str) -> Option<&str> {
    let table = xhtml.rfind("<table")?;
    let inside = &xhtml[table..];
    if inside.contains("</table>") {
        return None;
    }
    let head = inside.find("<thead>")?;
    let end = inside.find("</thead>")?;
    Some(&inside[head..end])
}

/// Text without its white space, so that line breaks do not matter.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Checks every body page of a manuscript's PDF against its EPUB marker;
/// returns how many pages had text to compare.
fn check_pages(dir: &Path) -> usize {
    let (pdf, chapters, navigation) = build(dir);
    // Both navigation files list every page of the body, in order, at its
    // marker; the NCX's head counts them.
    let body: Vec<&bindery::pages::PageStart> = pdf
        .page_map
        .iter()
        .filter(|s| s.chapter.is_some())
        .collect();
    let links: Vec<String> = body
        .iter()
        .map(|s| {
            let (name, _) = &chapters[s.chapter.unwrap_or_default()];
            format!("{}#page-{}", name.trim_start_matches("EPUB/"), s.label)
        })
        .collect();
    let last = body.last().map_or("0".to_string(), |s| s.label.clone());
    let expected = Navigation {
        nav: links.clone(),
        ncx: links,
        counts: (body.len().to_string(), last),
    };
    assert_eq!(navigation, expected);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("book.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let mut compared = 0;
    let mut last: Option<(usize, usize)> = None;
    for (index, start) in pdf.page_map.iter().enumerate() {
        let Some(chapter) = start.chapter else {
            continue;
        };
        let marker = format!("<span id=\"page-{}\"", start.label);
        let found: Vec<(usize, usize)> = chapters
            .iter()
            .enumerate()
            .flat_map(|(file, (_, text))| {
                text.match_indices(&marker).map(move |(at, _)| (file, at))
            })
            .collect();
        assert_eq!(found.len(), 1, "page {}: markers {found:?}", start.label);
        let (file, at) = found[0];
        assert_eq!(
            file, chapter,
            "page {} is in chapter {chapter}",
            start.label
        );
        assert!(
            last.is_none_or(|previous| previous < (file, at)),
            "page {} is marked before the page ahead of it",
            start.label
        );
        last = Some((file, at));
        // The page's first words, without what the PDF adds before the text
        // (a question's number, a list marker), up to raw HTML (which the
        // PDF shows as it is written) and without a hyphen at a line's end.
        let page = page_text(&path, index + 1);
        let mut lines = page.lines().filter(|l| !l.trim().is_empty());
        let Some(mut first_line) = lines.next() else {
            // A blank page: nothing to compare.
            continue;
        };
        // A page that starts inside a table repeats the table's header,
        // which the PDF adds: the page's text starts after it.
        if let Some(header) = open_table_header(&chapters[file].1[..at])
            && squeezed(first_line) == squeezed(&text_of(header))
        {
            first_line = lines.next().unwrap_or_default();
        }
        let words: Vec<&str> = first_line
            .split_whitespace()
            .skip_while(|w| !w.chars().any(char::is_alphabetic))
            .take_while(|w| !w.contains('<'))
            .take(6)
            .collect();
        let line = squeezed(&words.join(" "));
        let line = line.strip_suffix('-').unwrap_or(&line);
        let xhtml = &chapters[file].1[at..];
        let after = xhtml.find("/>").map_or(xhtml, |end| &xhtml[end + 2..]);
        let epub = squeezed(&text_of(after));
        // The marker stands before the word a page starts in; the page may
        // start inside it, after a hyphenated or broken line.
        let first_word = text_of(after).split_whitespace().next().map_or(0, str::len);
        let place = epub.find(line);
        assert!(
            place.is_some_and(|p| p <= first_word),
            "page {} starts with {line:?}, but its EPUB marker is followed by {:?}",
            start.label,
            &epub[..epub.len().min(line.len() + 40)]
        );
        compared += 1;
    }
    compared
}

#[test]
fn the_samples_pages_start_where_the_epub_marks_them() {
    assert!(check_pages(&manifest_dir().join("manuscript")) >= 5);
}

#[test]
fn every_constructs_pages_start_where_the_epub_marks_them() {
    let dir = manifest_dir().join("tests/fixtures/every-construct");
    assert!(check_pages(&dir) >= 3);
}

/// A book of some forty pages whose page breaks fall in every kind of block:
/// long paragraphs with notes, lists, quotes, code, code listings, tables,
/// headings and a FAQ.
fn generate(dir: &Path) {
    let vocabulary = "the treaty of Europe was signed under pressure while negotiators \
        argued about sanctions security guarantees reconstruction and the unresolved \
        question of territorial integrity across a continent divided by interests";
    let words: Vec<&str> = vocabulary.split_whitespace().collect();
    let mut state: u32 = 7;
    let mut pick = move |n: usize| {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (state >> 16) as usize % n
    };
    let mut sentence = |length: usize| {
        let mut s: Vec<&str> = (0..length).map(|_| words[pick(words.len())]).collect();
        s[0] = "Then";
        s.join(" ") + "."
    };
    let mut essay = String::from("# The Long Chapter\n\n");
    let mut notes = String::new();
    for p in 0..80 {
        match p % 10 {
            3 => essay.push_str(&format!("## Part {p}\n\n")),
            4 => essay.push_str(&format!(
                "- {}\n- {}\n- {}\n\n",
                sentence(12),
                sentence(30),
                sentence(8)
            )),
            6 => essay.push_str(&format!("> {}\n>\n> {}\n\n", sentence(40), sentence(25))),
            // Every other block of code a listing, its file name and caption around it.
            7 if p % 20 == 17 => {
                let code: String = (0..8).map(|i| format!("let line_{i} = {i};\n")).collect();
                essay.push_str(&format!(
                    "<Listing number=\"1-{p}\" file-name=\"src/part_{p}.rs\" \
                     caption=\"{} with `code`\">\n\n```rust\n{code}```\n\n</Listing>\n\n",
                    sentence(14)
                ));
            }
            7 => essay.push_str("```\nfn main() {\n    println!(\"a line of code\");\n}\n```\n\n"),
            8 => essay.push_str(&format!(
                "| Term | Meaning |\n|---|---|\n| sanctions | {} |\n| guarantees | {} |\n\n",
                sentence(6),
                sentence(5)
            )),
            _ => {}
        }
        essay.push_str(&sentence(60 + p % 7 * 20));
        if p % 11 == 2 {
            essay.push_str(&format!("[^n{p}]"));
            notes.push_str(&format!("[^n{p}]: {}\n\n", sentence(9)));
        }
        essay.push_str("\n\n");
    }
    essay.push_str(&notes);
    let mut faq = String::from("# Questions\n\n## First Group\n\n");
    for q in 1..=12 {
        faq.push_str(&format!("### {q}. Why {}?\n\n", sentence(6)));
        faq.push_str(&format!("{}\n\n{}\n\n", sentence(70), sentence(40)));
        if q == 6 {
            faq.push_str("## Second Group\n\n");
        }
    }
    std::fs::write(dir.join("essay.md"), essay).unwrap();
    std::fs::write(dir.join("faq.md"), faq).unwrap();
    std::fs::write(
        dir.join("book.toml"),
        "title = \"Pages\"\nlanguage = \"en\"\nauthors = []\n\
         chapters = [\"essay.md\", \"faq.md\"]\nfaq = \"faq.md\"\n\
         [pdf]\nrecto-chapters = true\n",
    )
    .unwrap();
}

#[test]
fn a_long_books_pages_start_where_the_epub_marks_them() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path());
    let compared = check_pages(dir.path());
    assert!(compared >= 30, "only {compared} pages compared");
}

/// Whether the EPUB in `out` has a page list, in its navigation document
/// and in its NCX alike.
fn has_page_list(out: &Path) -> bool {
    let path = std::fs::read_dir(out)
        .expect("an output folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "epub"))
        .expect("an EPUB was written");
    let bytes = std::fs::read(path).unwrap();
    let files = common::unzip(&bytes);
    let text = |name: &str| {
        let (_, bytes) = files.iter().find(|(n, _)| n == name).expect(name);
        String::from_utf8(bytes.clone()).expect("UTF-8 text")
    };
    let nav = text("EPUB/nav.xhtml").contains("epub:type=\"page-list\"");
    let ncx = text("EPUB/toc.ncx").contains("<pageList>");
    assert_eq!(
        nav, ncx,
        "one navigation file has a page list, the other not"
    );
    nav
}

#[test]
fn the_page_list_comes_with_the_pdf_unless_book_toml_says_otherwise() {
    let text = "# One\n\nA short chapter.\n";
    let book = |setting: &str| {
        common::TempBook::chapter(text).with(
            "book.toml",
            format!("{}chapters = [\"a.md\"]\n{setting}", common::BOOK_TOML),
        )
    };
    let epub_alone = |book: &common::TempBook| {
        let out = book.out();
        let outcome = book.run(&["epub", "--out", out.to_str().unwrap()]);
        assert!(outcome.status.success(), "{}", outcome.stderr);
        has_page_list(&out)
    };
    let built = |book: &common::TempBook| {
        let outcome = book.build();
        assert!(outcome.status.success(), "{}", outcome.stderr);
        has_page_list(&book.out())
    };
    // By default: with `build`, which makes the PDF, not with `epub` alone.
    assert!(!epub_alone(&book("")));
    assert!(built(&book("")));
    // `true` lays the PDF out for `epub` too; `false` leaves the list out.
    assert!(epub_alone(&book("[epub]\npage-list = true\n")));
    assert!(!built(&book("[epub]\npage-list = false\n")));
}

#[test]
fn a_french_books_pages_start_where_the_epub_marks_them() {
    // Quotes set as guillemets and the narrow spaces French adds are the
    // model's characters: both backends count the same ones.
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path();
    std::fs::write(
        book.join("book.toml"),
        "title = \"Voyage\"\nlanguage = \"fr\"\nauthors = []\ndescription = \"Essai.\"\n",
    )
    .unwrap();
    let paragraph = "\"Vous êtes Français?\" demanda-t-il. \"Oui! Et je m'appelle \
                     'Passepartout'; c'est un surnom.\" Phileas Fogg répondit: « Très \
                     bien » et se tut, puis dit [Good heavens]{lang=en} à voix basse.\n\n";
    std::fs::write(
        book.join("01-voyage.md"),
        format!("# Le Voyage\n\n{}", paragraph.repeat(60)),
    )
    .unwrap();
    assert!(check_pages(book) >= 3);
}
