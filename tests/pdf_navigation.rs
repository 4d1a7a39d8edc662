//! The PDF as a reader and a print shop meet it: the outline, the contents'
//! links and external links read back with lopdf and checked against where
//! poppler (`pdftotext -bbox`) finds the text; and the print profile's page
//! boxes, checked on a real book.
//!
//! poppler-utils is required: `.ci/run` installs it, and these tests fail
//! (they do not skip) when it is missing.

use bindery::pdf::Output;
use bindery::pdf::fonts::FontFiles;
use bindery::toc::{Toc, TocEntry, TocKind};
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn manuscript_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("manuscript")
}

/// A built PDF: the backend's output, its contents and the
/// file it was written to (in `_dir`, removed on drop).
struct Built {
    output: Output,
    toc: Toc,
    doc: Document,
    path: PathBuf,
    _dir: tempfile::TempDir,
}

/// Builds the manuscript in `dir` as the CLI does, with its `[pdf]` table.
fn build(dir: &Path) -> Built {
    let manuscript = bindery::load(dir).expect("the manuscript loads");
    let output = bindery::build_pdf(&manuscript, dir, FontFiles::default(), Some("1764028800"))
        .expect("the PDF is written");
    let toc = bindery::toc::build(&manuscript.book, manuscript.config.toc_depth());
    let doc = Document::load_mem(&output.bytes).expect("lopdf reads the PDF");
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("book.pdf");
    std::fs::write(&path, &output.bytes).unwrap();
    Built {
        output,
        toc,
        doc,
        path,
        _dir: out,
    }
}

/// Runs a poppler tool and returns its standard output; panics with an
/// install hint when the tool is missing or fails.
fn run(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {tool} ({e}); install it with `apt-get install -y poppler-utils`")
    });
    assert!(
        output.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A word as poppler finds it, in points from the page's top-left corner.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    x_min: f32,
    y_min: f32,
    x_max: f32,
    y_max: f32,
}

/// The words of 1-based page `page`, in reading order: by line, then left
/// to right (`-bbox` itself lists them in content-stream order).
fn words(path: &Path, page: usize) -> Vec<Word> {
    let page = page.to_string();
    let path = path.to_string_lossy();
    let html = run(
        "pdftotext",
        &["-bbox", "-f", &page, "-l", &page, &path, "-"],
    );
    let mut words: Vec<Word> = html
        .lines()
        .filter_map(|line| {
            let line = line.trim().strip_prefix("<word ")?;
            let (attributes, rest) = line.split_once('>')?;
            let text = rest.strip_suffix("</word>")?;
            let number = |name: &str| -> Option<f32> {
                let start = attributes.find(&format!("{name}=\""))? + name.len() + 2;
                let end = start + attributes[start..].find('"')?;
                attributes[start..end].parse().ok()
            };
            Some(Word {
                text: text
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&"),
                x_min: number("xMin")?,
                y_min: number("yMin")?,
                x_max: number("xMax")?,
                y_max: number("yMax")?,
            })
        })
        .collect();
    words.sort_by(|a, b| {
        let line = |w: &Word| (w.y_max * 2.0).round() as i64;
        line(a).cmp(&line(b)).then(a.x_min.total_cmp(&b.x_min))
    });
    words
}

/// Text compared without white space or hyphens, so a title broken over
/// two lines (with or without a hyphen) still matches.
fn normal(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{AD}')
        .collect()
}

/// The first run of `words` that spells `title`: its first word.
fn find_title<'w>(words: &'w [Word], title: &str) -> Option<&'w Word> {
    let wanted = normal(title);
    (0..words.len()).find_map(|start| {
        let mut spelled = String::new();
        for word in &words[start..] {
            spelled.push_str(&normal(&word.text));
            if !wanted.starts_with(&spelled) {
                return None;
            }
            if spelled == wanted {
                return Some(&words[start]);
            }
        }
        None
    })
}

/// A PDF text string as Rust text: UTF-16BE after a byte-order mark, else
/// PDFDocEncoding (ASCII for what bindery writes).
fn pdf_text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks(2)
                .map(|pair| u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|b| char::from(*b)).collect(),
    }
}

fn dict<'d>(doc: &'d Document, object: &'d Object) -> &'d Dictionary {
    match object {
        Object::Reference(id) => doc.get_dictionary(*id).expect("a dictionary"),
        Object::Dictionary(d) => d,
        other => panic!("not a dictionary: {other:?}"),
    }
}

/// Where a destination lands: the 1-based page and the distance of the
/// place from the page's top, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Landing {
    page: usize,
    from_top: f32,
}

/// Resolves an explicit `[page /XYZ left top zoom]` destination.
fn landing(doc: &Document, dest: &Object) -> Landing {
    let dest = dest.as_array().expect("an explicit destination");
    let target = dest[0].as_reference().expect("a page reference");
    assert_eq!(dest[1].as_name().unwrap(), b"XYZ");
    let page = doc
        .get_pages()
        .into_iter()
        .find(|(_, id)| *id == target)
        .map(|(n, _)| n as usize)
        .expect("the destination is a page of the document");
    let media = dict(doc, &Object::Reference(target))
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()[3]
        .as_float()
        .unwrap();
    Landing {
        page,
        from_top: media - dest[3].as_float().unwrap(),
    }
}

/// Every page's label, from the catalog's `/PageLabels` number tree.
fn page_labels(doc: &Document) -> Vec<String> {
    let catalog = doc.catalog().unwrap();
    let labels = dict(doc, catalog.get(b"PageLabels").expect("page labels"));
    let nums = labels.get(b"Nums").unwrap().as_array().unwrap();
    let ranges: Vec<(usize, Vec<u8>, i64)> = nums
        .chunks(2)
        .map(|pair| {
            let range = dict(doc, &pair[1]);
            (
                pair[0].as_i64().unwrap() as usize,
                range.get(b"S").unwrap().as_name().unwrap().to_vec(),
                range.get(b"St").map_or(1, |s| s.as_i64().unwrap()),
            )
        })
        .collect();
    (0..doc.get_pages().len())
        .map(|index| {
            let (first, style, start) = ranges
                .iter()
                .rev()
                .find(|(first, _, _)| *first <= index)
                .expect("a label range covers the page");
            let number = start + (index - first) as i64;
            match style.as_slice() {
                b"D" => number.to_string(),
                b"r" => bindery::pdf::layout::roman(number as usize),
                other => panic!("unexpected label style {other:?}"),
            }
        })
        .collect()
}

/// An outline item: its title, where it lands and its children.
#[derive(Debug)]
struct Bookmark {
    title: String,
    landing: Landing,
    children: Vec<Bookmark>,
}

/// The outline items under `parent` (the root or an item), following
/// `First` and `Next`.
fn bookmarks(doc: &Document, parent: &Dictionary) -> Vec<Bookmark> {
    let mut out = Vec::new();
    let mut next = parent.get(b"First").ok();
    while let Some(object) = next {
        let item = dict(doc, object);
        out.push(Bookmark {
            title: pdf_text(item.get(b"Title").unwrap().as_str().unwrap()),
            landing: landing(doc, item.get(b"Dest").unwrap()),
            children: bookmarks(doc, item),
        });
        next = item.get(b"Next").ok();
    }
    out
}

/// Checks that the outline mirrors `entries` level by level, and gathers
/// where each entry's bookmark lands.
fn mirror(bookmarks: &[Bookmark], entries: &[TocEntry], out: &mut Vec<(TocEntry, Landing)>) {
    let titles: Vec<&str> = bookmarks.iter().map(|b| b.title.as_str()).collect();
    let labels: Vec<String> = entries.iter().map(TocEntry::label).collect();
    assert_eq!(titles, labels, "the outline differs from the contents");
    for (bookmark, entry) in bookmarks.iter().zip(entries) {
        out.push((entry.clone(), bookmark.landing));
        mirror(&bookmark.children, &entry.children, out);
    }
}

/// Checks that `entry`'s title is on the page `landing` names, just below
/// the place it lands on: a chapter lands on its opening page's top, its
/// sunk title a quarter of the page below; a heading lands on its own line.
fn assert_heading_is_there(built: &Built, entry: &TocEntry, landing: Landing) {
    let words = words(&built.path, landing.page);
    let first = find_title(&words, &entry.title).unwrap_or_else(|| {
        panic!(
            "“{}” is not on page {} where its destination lands: {:?}",
            entry.title,
            landing.page,
            words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>()
        )
    });
    let below = first.y_min - landing.from_top;
    let (_, height) = built.output.page_size;
    let reach = if entry.kind == TocKind::Chapter {
        0.4 * height
    } else {
        // A line of a heading: the glyphs' tops sit a point or so under the
        // line's top; a line off would be 13 pt off.
        4.0
    };
    assert!(
        (-1.0..=reach).contains(&below),
        "“{}” on page {} is {below:.1} pt below where its destination lands ({:.1} pt)",
        entry.title,
        landing.page,
        landing.from_top
    );
}

#[test]
fn the_outline_lands_on_every_heading_at_every_level() {
    let built = build(&manuscript_dir());
    let catalog = built.doc.catalog().unwrap();
    let root = dict(&built.doc, catalog.get(b"Outlines").expect("an outline"));
    // A reader opens the book with its outline shown.
    let mode = catalog.get(b"PageMode").and_then(Object::as_name);
    assert_eq!(mode.ok(), Some(&b"UseOutlines"[..]));
    let outline = bookmarks(&built.doc, root);
    let mut landings = Vec::new();
    mirror(&outline, &built.toc.entries, &mut landings);
    assert_eq!(landings.len(), built.toc.flatten().len());
    assert!(
        landings.iter().any(|(e, _)| e.kind == TocKind::FaqGroup)
            && landings
                .iter()
                .any(|(e, _)| matches!(e.kind, TocKind::FaqQuestion { .. })),
        "the sample has FAQ groups and questions: {:?}",
        landings.iter().map(|(e, _)| &e.title).collect::<Vec<_>>()
    );
    for (entry, landing) in &landings {
        assert_heading_is_there(&built, entry, *landing);
    }
}

#[test]
fn contents_entries_link_to_their_headings_and_print_their_page_labels() {
    let built = build(&manuscript_dir());
    let labels = page_labels(&built.doc);
    let from_layout: Vec<&str> = built
        .output
        .page_map
        .iter()
        .map(|p| p.label.as_str())
        .collect();
    assert_eq!(labels, from_layout, "the PDF's page labels");
    let entries = built.toc.flatten();
    // The contents' links, in page and painting order, from the front matter.
    let mut links = Vec::new();
    for (number, page_id) in built.doc.get_pages() {
        let page = number as usize;
        if built.output.page_map[page - 1].chapter.is_some() {
            break;
        }
        let height = built.output.page_size.1;
        for link in annotations(&built.doc, page_id) {
            let rect = rect(link);
            let landing = landing(&built.doc, link.get(b"Dest").expect("an internal link"));
            links.push((
                page,
                [rect[0], height - rect[3], rect[2], height - rect[1]],
                landing,
            ));
        }
    }
    assert_eq!(links.len(), entries.len(), "one link per contents entry");
    for ((page, [left, top, right, bottom], landing), (_, entry)) in links.iter().zip(&entries) {
        // The words whose middle is inside the link's area: the entry, its
        // leader dots and its page number.
        let inside: Vec<String> = words(&built.path, *page)
            .into_iter()
            .filter(|w| {
                let (x, y) = ((w.x_min + w.x_max) / 2.0, (w.y_min + w.y_max) / 2.0);
                (*left..=*right).contains(&x) && (*top..=*bottom).contains(&y)
            })
            .map(|w| w.text)
            .filter(|t| !t.chars().all(|c| c == '.'))
            .collect();
        let (printed, text) = inside.split_last().expect("the entry has words");
        assert!(
            normal(&text.join(" ")) == normal(&entry.label()),
            "the link on page {page} covers {text:?}, not “{}”",
            entry.label()
        );
        assert_eq!(
            printed,
            &labels[landing.page - 1],
            "“{}” prints page {printed} but links to the page labelled {}",
            entry.title,
            labels[landing.page - 1]
        );
        assert_heading_is_there(&built, entry, *landing);
    }
}

/// A link annotation's rectangle: left, bottom, right, top.
fn rect(link: &Dictionary) -> Vec<f32> {
    page_box(link, b"Rect")
}

/// The link annotations of a page.
fn annotations(doc: &Document, page: ObjectId) -> Vec<&Dictionary> {
    let page = doc.get_dictionary(page).unwrap();
    match page.get(b"Annots") {
        Ok(annots) => annots
            .as_array()
            .unwrap()
            .iter()
            .map(|a| dict(doc, a))
            .filter(|a| a.get(b"Subtype").unwrap().as_name().unwrap() == b"Link")
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn text_links_open_their_url_or_jump_to_their_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        "title = \"Links\"\nlanguage = \"en\"\nchapters = [\"one.md\", \"two.md\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("one.md"),
        "# One\n\nRead [the treaty text](https://example.org/treaty?a=1&b=2) first, \
         then [the second chapter](two.md#a-section-on-the-site).[^a]\n\n[^a]: The note.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("two.md"),
        "# Two\n\nOpening words.\n\n## A section on [the site](https://example.org/heading)\n\n\
         Text of the section.\n",
    )
    .unwrap();
    let built = build(dir.path());
    let mut seen = BTreeMap::new();
    for (number, page_id) in built.doc.get_pages() {
        let page = number as usize;
        if built.output.page_map[page - 1].chapter.is_none() {
            continue;
        }
        let height = built.output.page_size.1;
        let words = words(&built.path, page);
        for link in annotations(&built.doc, page_id) {
            let rect = rect(link);
            let (top, bottom) = (height - rect[3], height - rect[1]);
            let covered: Vec<&str> = words
                .iter()
                .filter(|w| {
                    let (x, y) = ((w.x_min + w.x_max) / 2.0, (w.y_min + w.y_max) / 2.0);
                    (rect[0]..=rect[2]).contains(&x) && (top..=bottom).contains(&y)
                })
                .map(|w| w.text.as_str())
                .collect();
            let target = match (link.get(b"A"), link.get(b"Dest")) {
                (Ok(action), _) => {
                    let action = dict(&built.doc, action);
                    assert_eq!(action.get(b"S").unwrap().as_name().unwrap(), b"URI");
                    pdf_text(action.get(b"URI").unwrap().as_str().unwrap())
                }
                (_, Ok(dest)) => {
                    let landing = landing(&built.doc, dest);
                    let there = self::words(&built.path, landing.page);
                    let first = find_title(&there, "A section")
                        .or_else(|| find_title(&there, "1. The note."))
                        .expect("an internal link lands on its heading or note");
                    assert!(
                        (first.y_min - landing.from_top).abs() < 12.0,
                        "{} lands {:.1} pt from its text",
                        first.text,
                        first.y_min - landing.from_top
                    );
                    format!("page {}", landing.page)
                }
                _ => panic!("a link with neither action nor destination"),
            };
            seen.insert(covered.join(" "), target);
        }
    }
    assert_eq!(
        seen.get("the treaty text").map(String::as_str),
        Some("https://example.org/treaty?a=1&b=2"),
        "{seen:?}"
    );
    assert!(
        seen.get("the second chapter.")
            .is_some_and(|t| t.starts_with("page ")),
        "{seen:?}"
    );
    assert!(
        seen.get("1").is_some_and(|t| t.starts_with("page ")),
        "{seen:?}"
    );
    // A link in a heading is as clickable as one in a paragraph.
    assert_eq!(
        seen.get("the site").map(String::as_str),
        Some("https://example.org/heading"),
        "{seen:?}"
    );
}

/// Writes a 6×9 in book with a section, a link and a note, and `[pdf]`
/// settings `pdf`.
fn print_book(dir: &Path, pdf: &str) {
    std::fs::write(
        dir.join("book.toml"),
        format!(
            "title = \"Print\"\nlanguage = \"en\"\nchapters = [\"one.md\"]\n\
             [pdf]\ntrim = \"6x9in\"\n{pdf}"
        ),
    )
    .unwrap();
    let paragraph = "Words for a page of running text, set in the book face and \
                     justified across the measure. ";
    std::fs::write(
        dir.join("one.md"),
        format!(
            "# One\n\n{}\n\n## A section\n\nSee [a site](https://example.org/) \
             and the note.[^a]\n\n{}\n\n[^a]: The note.\n",
            paragraph.repeat(30),
            paragraph.repeat(40)
        ),
    )
    .unwrap();
}

/// A rectangle of a dictionary (a page's boxes, a link's `Rect`) as four
/// numbers.
fn page_box(page: &Dictionary, name: &[u8]) -> Vec<f32> {
    page.get(name)
        .unwrap_or_else(|_| panic!("no {}", String::from_utf8_lossy(name)))
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_float().unwrap())
        .collect()
}

/// Checks that every font of the PDF is embedded, as pdffonts reports.
fn assert_fonts_embedded(path: &Path) {
    let listing = run("pdffonts", &[&path.to_string_lossy()]);
    let fonts: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!fonts.is_empty(), "{listing}");
    for line in fonts {
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields[fields.len() - 5], "yes", "not embedded: {line}");
    }
}

#[test]
fn a_print_build_has_the_trim_plus_bleed_and_no_navigation() {
    let dir = tempfile::tempdir().unwrap();
    print_book(dir.path(), "profile = \"print\"\nbleed = \"0.125in\"\n");
    let built = build(dir.path());
    assert!(built.doc.get_pages().len() > 4);
    let catalog = built.doc.catalog().unwrap();
    assert!(catalog.get(b"Outlines").is_err(), "an outline in print");
    assert!(catalog.get(b"Dests").is_err(), "destinations in print");
    for (number, id) in built.doc.get_pages() {
        let page = built.doc.get_dictionary(id).unwrap();
        // 6 × 9 in is 432 × 648 pt; an eighth of an inch (9 pt) of bleed on
        // every side makes 450 × 666 pt.
        assert_eq!(page_box(page, b"MediaBox"), [0.0, 0.0, 450.0, 666.0]);
        assert_eq!(page_box(page, b"TrimBox"), [9.0, 9.0, 441.0, 657.0]);
        assert_eq!(page_box(page, b"BleedBox"), [0.0, 0.0, 450.0, 666.0]);
        assert!(page.get(b"Annots").is_err(), "annotations on page {number}");
    }
    assert_fonts_embedded(&built.path);
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(&built.path)
        .output()
        .expect("qpdf runs; install it with `apt-get install -y qpdf`");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn a_print_build_without_bleed_is_the_trim_exactly() {
    let dir = tempfile::tempdir().unwrap();
    print_book(dir.path(), "profile = \"print\"\n");
    let built = build(dir.path());
    assert!(built.doc.catalog().unwrap().get(b"Outlines").is_err());
    for (number, id) in built.doc.get_pages() {
        let page = built.doc.get_dictionary(id).unwrap();
        assert_eq!(page_box(page, b"MediaBox"), [0.0, 0.0, 432.0, 648.0]);
        assert_eq!(page_box(page, b"TrimBox"), [0.0, 0.0, 432.0, 648.0]);
        assert!(page.get(b"Annots").is_err(), "annotations on page {number}");
    }
    assert_fonts_embedded(&built.path);
    // The same book for the screen has its links and outline, so their
    // absence above is the profile's doing.
    print_book(dir.path(), "");
    let screen = build(dir.path());
    assert!(screen.doc.catalog().unwrap().get(b"Outlines").is_ok());
    let links: usize = screen
        .doc
        .get_pages()
        .values()
        .map(|id| annotations(&screen.doc, *id).len())
        .sum();
    assert!(links >= 3, "{links} links on screen");
}
