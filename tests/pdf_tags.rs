//! The tagged PDF read back: the structure tree's elements and attributes
//! (with lopdf), the marked content of the page streams, the tree's text in
//! reading order (`pdfinfo -struct-text`) against the manuscript's words,
//! the PDF/UA-1 checker `pdfua`, and the claim withheld when the book
//! stands in its way.

mod common;

use bindery::model::{Block, BlockKind, Chapter, Footnote, Inline, ReadingStep};
use bindery::pdf::fonts::{FaceId, FontFiles, Fonts};
use common::{CommonMarkBooks, TempBook, assert_pdfua_silent, pdf_tool};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A chapter with one of each construct the tree tags.
const CONSTRUCTS: &str = "# Constructs

A paragraph with [a link](https://example.com/page) and a passage \
[en français, qui se lit en français]{lang=fr} in it, and a note.[^n]

## A section

> A quotation set apart.

- [x] A task that is done
- A plain item

1. First
2. Second

| Name | Value |
|------|-------|
| a    | 1     |

![A grey square](square.png \"The caption\")

```
fn main() {}
```

<Listing number=\"1-1\" file-name=\"src/lib.rs\" caption=\"A listing's `caption`\">

```rust
pub fn listed() {}
```

</Listing>

### Deeper

The end.

[^n]: The note's text.
";

/// Builds the PDF of the manuscript in `dir` into `out`; its path.
fn build_pdf(dir: &Path, out: &Path) -> PathBuf {
    let outcome = common::run(&[
        "pdf",
        "--manuscript",
        dir.to_str().expect("UTF-8 paths"),
        "--out",
        out.to_str().expect("UTF-8 paths"),
    ]);
    assert!(
        outcome.status.success(),
        "build failed:\n{}",
        outcome.stderr
    );
    only_pdf(out)
}

/// The one PDF in the output folder `out`.
fn only_pdf(out: &Path) -> PathBuf {
    let pdfs: Vec<PathBuf> = fs::read_dir(out)
        .expect("the output folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    pdfs[0].clone()
}

/// The constructs book, built; the temporary book, its PDF's path and the
/// PDF.
fn constructs_pdf() -> (TempBook, PathBuf, Document) {
    let book = TempBook::chapter(CONSTRUCTS).with("square.png", common::grey_png(20));
    let path = build_pdf(&book.dir(), &book.out());
    let doc = Document::load(&path).expect("the PDF loads");
    (book, path, doc)
}

/// A structure element read back: its type, attributes and kids.
#[derive(Debug)]
struct Elem {
    role: String,
    dict: Dictionary,
    kids: Vec<Node>,
}

#[derive(Debug)]
enum Node {
    Elem(Elem),
    /// Marked content.
    Mcid,
    /// An annotation: its object.
    Objr(ObjectId),
}

fn deref<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    doc.dereference(object).map(|(_, o)| o).unwrap_or(object)
}

fn name(object: &Object) -> String {
    object
        .as_name()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default()
}

fn read_node(doc: &Document, object: &Object, role_map: &Dictionary) -> Option<Node> {
    match deref(doc, object) {
        Object::Integer(_) => Some(Node::Mcid),
        Object::Dictionary(dict) => {
            let kind = dict.get(b"Type").map(name).unwrap_or_default();
            if kind == "MCR" {
                return dict.get(b"MCID").ok().map(|_| Node::Mcid);
            }
            if kind == "OBJR" {
                return dict.get(b"Obj").ok()?.as_reference().ok().map(Node::Objr);
            }
            let own = dict.get(b"S").map(name).unwrap_or_default();
            // A role of ours is read as the standard type it maps to.
            let role = role_map.get(own.as_bytes()).map(name).unwrap_or(own);
            let kids = match dict.get(b"K").map(|k| deref(doc, k)) {
                Ok(Object::Array(kids)) => kids
                    .iter()
                    .filter_map(|k| read_node(doc, k, role_map))
                    .collect(),
                Ok(kid) => read_node(doc, kid, role_map).into_iter().collect(),
                Err(_) => Vec::new(),
            };
            Some(Node::Elem(Elem {
                role,
                dict: dict.clone(),
                kids,
            }))
        }
        _ => None,
    }
}

/// The structure tree's `Document` element.
fn tree(doc: &Document) -> Elem {
    let catalog = doc.catalog().expect("a catalog");
    let root = deref(
        doc,
        catalog.get(b"StructTreeRoot").expect("a structure tree"),
    )
    .as_dict()
    .expect("a dictionary");
    let role_map = root
        .get(b"RoleMap")
        .map(|m| deref(doc, m))
        .and_then(Object::as_dict)
        .cloned()
        .unwrap_or_default();
    match read_node(doc, root.get(b"K").expect("a root element"), &role_map) {
        Some(Node::Elem(e)) => e,
        other => panic!("the root is not an element: {other:?}"),
    }
}

/// Every element under `e` (itself included), in reading order.
fn all<'e>(e: &'e Elem, out: &mut Vec<&'e Elem>) {
    out.push(e);
    for kid in &e.kids {
        if let Node::Elem(child) = kid {
            all(child, out);
        }
    }
}

/// The roles of an element's child elements, in order.
fn kid_roles(element: &Elem) -> Vec<&str> {
    element
        .kids
        .iter()
        .filter_map(|k| match k {
            Node::Elem(c) => Some(c.role.as_str()),
            _ => None,
        })
        .collect()
}

fn text_attr(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<String> {
    let bytes = deref(doc, dict.get(key).ok()?).as_str().ok()?;
    Some(match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => String::from_utf8_lossy(bytes).into_owned(),
    })
}

#[test]
fn every_construct_has_its_tag_and_attributes() {
    let (_book, pdf, doc) = constructs_pdf();
    let document = tree(&doc);
    assert_eq!(document.role, "Document");
    let mut elements = Vec::new();
    all(&document, &mut elements);
    let roles: BTreeSet<&str> = elements.iter().map(|e| e.role.as_str()).collect();
    for role in [
        "Sect",
        "H1",
        "H2",
        "H3",
        "P",
        "BlockQuote",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "THead",
        "TBody",
        "TR",
        "TH",
        "TD",
        "Figure",
        "Caption",
        "Code",
        "Div",
        "Link",
        "Reference",
        "Note",
        "Span",
        "TOC",
        "TOCI",
    ] {
        assert!(roles.contains(role), "no {role} in {roles:?}");
    }
    // A figure's alternative text; a header cell's scope.
    let figure = elements.iter().find(|e| e.role == "Figure").unwrap();
    assert_eq!(
        text_attr(&doc, &figure.dict, b"Alt").as_deref(),
        Some("A grey square")
    );
    for th in elements.iter().filter(|e| e.role == "TH") {
        let a = deref(&doc, th.dict.get(b"A").expect("TH has attributes"))
            .as_dict()
            .unwrap();
        assert_eq!(name(a.get(b"Scope").unwrap()), "Column");
        assert_eq!(name(a.get(b"O").unwrap()), "Table");
    }
    // The passage in French is a Span with its language.
    let span = elements.iter().find(|e| e.role == "Span").unwrap();
    assert_eq!(text_attr(&doc, &span.dict, b"Lang").as_deref(), Some("fr"));
    // A link holds its text and its annotation, which says where it goes
    // and leads back to the element.
    let link = elements
        .iter()
        .find(|e| {
            e.role == "Link"
                && e.kids
                    .iter()
                    .any(|k| matches!(k, Node::Objr(id) if is_uri(&doc, *id, "https://example.com/page")))
        })
        .expect("the link's element holds its annotation");
    assert!(link.kids.iter().any(|k| matches!(k, Node::Mcid)));
    for kid in &link.kids {
        if let Node::Objr(id) = kid {
            let annot = doc.get_dictionary(*id).unwrap();
            assert!(text_attr(&doc, annot, b"Contents").is_some());
            assert!(annot.get(b"StructParent").is_ok());
        }
    }
    // A listing is a Div: the P of its file name, its code, its caption,
    // and the tree reads them.
    let listing = elements
        .iter()
        .find(|e| e.role == "Div")
        .expect("a listing's Div");
    let kinds = kid_roles(listing);
    assert_eq!(kinds, ["P", "Code", "Caption"]);
    let text = struct_text(&pdf);
    for words in ["Filename: src/lib.rs", "Listing 1-1: A listing’s caption"] {
        assert_eq!(text.matches(words).count(), 1, "{words:?} in {text}");
    }
    // The note comes right after its reference, in the paragraph.
    let paragraph = elements
        .iter()
        .find(|e| {
            e.kids
                .iter()
                .any(|k| matches!(k, Node::Elem(c) if c.role == "Reference"))
        })
        .expect("a paragraph with a reference");
    let kinds = kid_roles(paragraph);
    let at = kinds.iter().position(|r| *r == "Reference").unwrap();
    assert_eq!(kinds.get(at + 1), Some(&"Note"), "{kinds:?}");
    let note = paragraph
        .kids
        .iter()
        .find_map(|k| match k {
            Node::Elem(c) if c.role == "Note" => Some(c),
            _ => None,
        })
        .unwrap();
    assert!(text_attr(&doc, &note.dict, b"ID").is_some_and(|id| !id.is_empty()));
    // The task box is the label of its item.
    let items: Vec<&&Elem> = elements.iter().filter(|e| e.role == "LI").collect();
    assert!(
        items
            .iter()
            .all(|li| { matches!(li.kids.first(), Some(Node::Elem(l)) if l.role == "Lbl") })
    );
    // The document-level requirements.
    let catalog = doc.catalog().unwrap();
    let mark_info = deref(&doc, catalog.get(b"MarkInfo").unwrap())
        .as_dict()
        .unwrap();
    assert!(matches!(
        mark_info.get(b"Marked"),
        Ok(Object::Boolean(true))
    ));
    assert_eq!(text_attr(&doc, catalog, b"Lang").as_deref(), Some("en"));
    let prefs = deref(&doc, catalog.get(b"ViewerPreferences").unwrap())
        .as_dict()
        .unwrap();
    assert!(matches!(
        prefs.get(b"DisplayDocTitle"),
        Ok(Object::Boolean(true))
    ));
    for (_, page) in doc.get_pages() {
        let page = doc.get_dictionary(page).unwrap();
        if page.get(b"Annots").is_ok() {
            assert_eq!(name(page.get(b"Tabs").unwrap()), "S");
        }
    }
}

fn is_uri(doc: &Document, annot: ObjectId, uri: &str) -> bool {
    let Ok(annot) = doc.get_dictionary(annot) else {
        return false;
    };
    annot
        .get(b"A")
        .map(|a| deref(doc, a))
        .and_then(Object::as_dict)
        .is_ok_and(|action| text_attr(doc, action, b"URI").as_deref() == Some(uri))
}

#[test]
fn all_text_is_marked_content_or_an_artifact_and_heads_folios_and_hyphens_are_artifacts() {
    let (_book, _, doc) = constructs_pdf();
    let mut artifact_text = 0;
    for (number, page) in doc.get_pages() {
        let content = Content::decode(&doc.get_page_content(page)).expect("a content stream");
        // The marked-content sequences open now: artifact or not.
        let mut open: Vec<bool> = Vec::new();
        let mut mcids = BTreeSet::new();
        for op in &content.operations {
            match op.operator.as_str() {
                "BMC" | "BDC" => {
                    let tag = op.operands.first().map(name).unwrap_or_default();
                    if tag == "Artifact" {
                        assert!(
                            open.iter().all(|a| *a) && open.is_empty(),
                            "page {number}: an artifact inside tagged content"
                        );
                        open.push(true);
                    } else {
                        let props = op.operands.get(1).and_then(|p| p.as_dict().ok());
                        let mcid = props
                            .and_then(|p| p.get(b"MCID").ok())
                            .and_then(|m| m.as_i64().ok());
                        if let Some(mcid) = mcid {
                            assert!(mcids.insert(mcid), "page {number}: MCID {mcid} twice");
                        }
                        open.push(false);
                    }
                }
                "EMC" => {
                    assert!(open.pop().is_some(), "page {number}: EMC without BMC");
                }
                "TJ" | "Tj" | "re" | "S" | "Do" => {
                    assert!(
                        !open.is_empty(),
                        "page {number}: {} outside marked content",
                        op.operator
                    );
                    if op.operator == "TJ" && open.last() == Some(&true) {
                        artifact_text += 1;
                    }
                }
                _ => {}
            }
        }
        assert!(open.is_empty(), "page {number}: marked content left open");
    }
    // Running heads and folios on every body page at least.
    assert!(artifact_text > 3, "{artifact_text} artifact runs");
}

/// The text of the structure tree in reading order, as `pdfinfo
/// -struct-text` gives it: the runs of one element's marked content one
/// after another (each line a word space ends carries that space), a space
/// between elements.
fn struct_text(pdf: &Path) -> String {
    let outcome = pdf_tool("pdfinfo", &[OsStr::new("-struct-text"), pdf.as_os_str()]);
    assert!(outcome.status.success(), "pdfinfo: {}", outcome.stderr);
    let mut text = String::new();
    let mut last_text = false;
    for line in outcome.stdout.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('"') && trimmed.ends_with('"') && trimmed.len() >= 2 {
            if !last_text {
                text.push(' ');
            }
            text.push_str(&trimmed[1..trimmed.len() - 1]);
            last_text = true;
        } else {
            last_text = false;
        }
    }
    text
}

/// The words of a chapter in the tagged PDF's reading order: its title,
/// its blocks (a FAQ's headings among them), and each note after the
/// paragraph of its first reference.
fn reading_words(chapter: &Chapter) -> Vec<String> {
    let mut text = String::new();
    let mut placed = BTreeSet::new();
    let notes = &chapter.footnotes;
    push_inlines(&chapter.title, notes, &mut placed, &mut text);
    for step in chapter.reading_order() {
        match step {
            ReadingStep::Block(block) => push_block(block, notes, &mut placed, &mut text),
            ReadingStep::Group(group) => {
                if let Some(heading) = &group.heading {
                    push_inlines(&heading.content, notes, &mut placed, &mut text);
                }
            }
            ReadingStep::Question(question) => {
                push_inlines(&question.heading.content, notes, &mut placed, &mut text)
            }
            ReadingStep::GroupEnd | ReadingStep::QuestionEnd => {}
        }
    }
    let unplaced: Vec<&Footnote> = notes.iter().filter(|n| !placed.contains(&n.id)).collect();
    for note in unplaced {
        for block in &note.blocks {
            push_block(block, notes, &mut placed, &mut text);
        }
    }
    text.split_whitespace().map(str::to_string).collect()
}

fn push_block(block: &Block, notes: &[Footnote], placed: &mut BTreeSet<String>, out: &mut String) {
    match &block.kind {
        BlockKind::Heading(h) => push_inlines(&h.content, notes, placed, out),
        BlockKind::Paragraph { content } => push_inlines(content, notes, placed, out),
        BlockKind::BlockQuote { blocks } => {
            for b in blocks {
                push_block(b, notes, placed, out);
            }
        }
        BlockKind::List(list) => {
            for item in &list.items {
                for b in &item.blocks {
                    push_block(b, notes, placed, out);
                }
            }
        }
        BlockKind::CodeBlock { text, listing, .. } => {
            out.push(' ');
            out.push_str(text);
            if let Some(listing) = listing {
                push_inlines(&listing.caption, notes, placed, out);
            }
        }
        BlockKind::Html { html } => {
            out.push(' ');
            out.push_str(html);
        }
        BlockKind::Table(table) => {
            for cell in table.head.iter().chain(table.rows.iter().flatten()) {
                push_inlines(cell, notes, placed, out);
            }
        }
        BlockKind::ThematicBreak => {}
    }
}

fn push_inlines(
    inlines: &[Inline],
    notes: &[Footnote],
    placed: &mut BTreeSet<String>,
    out: &mut String,
) {
    out.push(' ');
    for inline in inlines {
        match inline {
            Inline::Text { text } => out.push_str(text),
            Inline::Code { code } => out.push_str(code),
            Inline::Html { html } => out.push_str(html),
            Inline::SoftBreak | Inline::LineBreak => out.push(' '),
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Span { content, .. }
            | Inline::Link { content, .. } => push_inlines_flat(content, notes, placed, out),
            Inline::FootnoteRef { note_id, .. } => {
                if let Some(note) = notes.iter().find(|n| n.id == *note_id)
                    && placed.insert(note.id.clone())
                {
                    for block in &note.blocks {
                        push_block(block, notes, placed, out);
                    }
                    out.push(' ');
                }
            }
            Inline::Image { .. } => {}
        }
    }
    out.push(' ');
}

/// Inlines inside another, with no space added around them.
fn push_inlines_flat(
    inlines: &[Inline],
    notes: &[Footnote],
    placed: &mut BTreeSet<String>,
    out: &mut String,
) {
    let start = out.len();
    push_inlines(inlines, notes, placed, out);
    // push_inlines pads with a space on each side; take them back.
    if out[start..].starts_with(' ') {
        out.remove(start);
    }
    if out.ends_with(' ') {
        out.pop();
    }
}

/// How many of `expected` appear in `found` in the same order: the length
/// of their longest common subsequence, found by Myers' greedy walk over
/// the edit graph (An O(ND) Difference Algorithm, 1986), which takes time
/// in proportion to the length times the words that differ, so a long book
/// whose tree nearly reads as its manuscript is compared at once.
fn in_order(expected: &[String], found: &[String]) -> usize {
    let (n, m) = (expected.len() as isize, found.len() as isize);
    let offset = n + m + 1;
    // The furthest point in `expected` reached on each diagonal k = x - y.
    let mut furthest = vec![0isize; 2 * offset as usize + 1];
    for d in 0..=(n + m) {
        for k in (-d..=d).step_by(2) {
            let at = |k: isize| (k + offset) as usize;
            let mut x = if k == -d || (k != d && furthest[at(k - 1)] < furthest[at(k + 1)]) {
                furthest[at(k + 1)]
            } else {
                furthest[at(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && expected[x as usize] == found[y as usize] {
                x += 1;
                y += 1;
            }
            furthest[at(k)] = x;
            if x >= n && y >= m {
                return ((n + m - d) / 2) as usize;
            }
        }
    }
    0
}

/// Asserts that the structure tree of `pdf` reads the words of `chapters`
/// in order, at least 99 in 100 of them, and gives how many it reads and
/// of how many. Words with a character no font has are left out: the PDF
/// cannot show them (and warns).
fn assert_reads_in_order(pdf: &Path, chapters: &[Chapter]) -> (usize, usize) {
    let found: Vec<String> = struct_text(pdf)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let fonts = FontFiles::default();
    let faces = Fonts::new(&fonts).expect("the built-in fonts load");
    let drawable = |c: char| (0..6).any(|face| faces.covers(FaceId(face), c));
    let expected: Vec<String> = chapters
        .iter()
        .flat_map(reading_words)
        .filter(|w| w.chars().all(drawable))
        .collect();
    assert!(!expected.is_empty());
    let matched = in_order(&expected, &found);
    let recall = matched as f64 / expected.len() as f64;
    eprintln!(
        "{}: {matched} of {} words in order ({recall:.4})",
        pdf.display(),
        expected.len()
    );
    if recall < 0.99 {
        let mut unmatched: Vec<&String> = expected.iter().collect();
        for word in &found {
            if let Some(at) = unmatched.iter().position(|w| *w == word) {
                unmatched.remove(at);
            }
        }
        panic!(
            "{}: {matched} of {} words in order ({recall:.4}); not in the tree: {unmatched:?}",
            pdf.display(),
            expected.len()
        );
    }
    (matched, expected.len())
}

#[test]
fn the_structure_tree_reads_the_manuscript_words_in_order() {
    let (book, pdf, _) = constructs_pdf();
    assert_reads_in_order(&pdf, &book.load().book.chapters);
    // A word hyphenated at a line's end reads as one word: a long
    // paragraph of long words breaks some of them.
    let words = "incomprehensibilities internationalization counterrevolutionaries ";
    let long = TempBook::chapter(format!("# Long\n\n{}\n", words.repeat(40)));
    let pdf = build_pdf(&long.dir(), &long.out());
    let text = struct_text(&pdf);
    assert_eq!(text.matches("internationalization").count(), 40, "{text}");
    assert_eq!(text.matches("incomprehensibilities").count(), 40, "{text}");
    assert!(!text.contains('-'), "{text}");
    let sample = tempfile::tempdir().unwrap();
    let pdf = build_pdf(&manifest_dir().join("manuscript"), sample.path());
    let manuscript = bindery::load(&manifest_dir().join("manuscript")).unwrap();
    let (read, of) = assert_reads_in_order(&pdf, &manuscript.book.chapters);
    assert_eq!(read, of, "the sample's tree misses words");
}

#[test]
fn the_commonmark_books_read_in_order_in_their_structure_trees() {
    let books = CommonMarkBooks::new();
    for (n, (dir, _)) in books.books.iter().enumerate() {
        let out = books.root().join(format!("out-{n}"));
        let pdf = build_pdf(dir, &out);
        let chapters = bindery::load(dir).unwrap().book.chapters;
        assert_reads_in_order(&pdf, &chapters);
    }
}

/// Whether the PDF at `pdf` claims PDF/UA-1 in its XMP metadata.
fn claims_pdf_ua(pdf: &Path) -> bool {
    let doc = Document::load(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let metadata = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let stream = doc.get_object(metadata).unwrap().as_stream().unwrap();
    let xmp = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    String::from_utf8_lossy(&xmp).contains("<pdfuaid:part>1</pdfuaid:part>")
}

#[test]
fn pdfua_finds_nothing_in_the_sample_the_constructs_and_the_commonmark_books() {
    let dir = tempfile::tempdir().unwrap();
    let mut claimed = vec![build_pdf(
        &manifest_dir().join("manuscript"),
        &dir.path().join("sample"),
    )];
    let (_constructs, pdf, _) = constructs_pdf();
    claimed.push(pdf);
    // The every-construct fixture, its one image without alternative text
    // (which withholds the claim) given some.
    let fixture = dir.path().join("every-construct");
    copy_dir(
        &manifest_dir().join("tests/fixtures/every-construct"),
        &fixture,
    );
    let prose = fixture.join("01-prose.md");
    let text = fs::read_to_string(&prose).unwrap();
    assert!(text.contains("![](images/checkers.png)"));
    fs::write(
        &prose,
        text.replace(
            "![](images/checkers.png)",
            "![The checkerboard again](images/checkers.png)",
        ),
    )
    .unwrap();
    claimed.push(build_pdf(&fixture, &dir.path().join("fixture-out")));
    for pdf in &claimed {
        assert!(
            claims_pdf_ua(pdf),
            "{} does not claim PDF/UA-1",
            pdf.display()
        );
    }
    let books = CommonMarkBooks::new();
    let mut all = claimed.clone();
    for (n, (dir, _)) in books.books.iter().enumerate() {
        all.push(build_pdf(dir, &books.root().join(format!("out-{n}"))));
    }
    assert_pdfua_silent(&all);
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn an_image_without_alternative_text_withholds_the_claim_and_check_says_so() {
    let book = TempBook::chapter("# One\n\nA picture: ![](square.png)\n")
        .with("square.png", common::grey_png(20));
    let findings = book.findings();
    assert!(
        findings.iter().any(|f| f.code == "image-no-alt"),
        "{findings:?}"
    );
    let outcome = book.run(&["pdf", "--out", book.out().to_str().unwrap()]);
    assert!(outcome.status.success(), "{}", outcome.stderr);
    assert!(outcome.stderr.contains("PDF/UA-1"), "{}", outcome.stderr);
    let pdf = only_pdf(&book.out());
    assert!(!claims_pdf_ua(&pdf));
    // Still tagged: the figure is there, without /Alt.
    let doc = Document::load(&pdf).unwrap();
    let mut elements = Vec::new();
    let document = tree(&doc);
    all(&document, &mut elements);
    let figure = elements.iter().find(|e| e.role == "Figure").unwrap();
    assert!(figure.dict.get(b"Alt").is_err());
    // With alternative text the claim is made.
    let described = TempBook::chapter("# One\n\nA picture: ![A grey square](square.png)\n")
        .with("square.png", common::grey_png(20));
    let pdf = build_pdf(&described.dir(), &described.out());
    assert!(claims_pdf_ua(&pdf));
}
