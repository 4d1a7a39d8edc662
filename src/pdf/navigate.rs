//! What a reader navigates by and what catalogues read, added to the painted
//! document: named destinations, the nested outline (bookmarks) from the
//! table of contents, link annotations, page labels, document info and XMP
//! metadata; and for print, the trim and bleed boxes and crop marks.
//!
//! printpdf keeps bookmarks flat and page-level, so these are written
//! straight into the lopdf document printpdf hands over before saving: the
//! same objects a PDF reader looks for, placed exactly on the heading's line.

use crate::config::{Profile, Standards};
use crate::model::Metadata;
use crate::pdf::conform;
use crate::pdf::layout::{Item, LabelRange, LabelStyle, LinkTarget, Page};
use crate::pdf::tags::Annotation;
use crate::toc::{Toc, TocEntry};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use std::collections::BTreeMap;

/// Everything the navigation layer needs besides the pages.
#[derive(Debug, Clone, Copy)]
pub struct Navigation<'a> {
    /// The contents, mirrored by the outline.
    pub toc: &'a Toc,
    /// Title, authors, language and the rest, for info and XMP.
    pub metadata: &'a Metadata,
    /// Page numbering ranges.
    pub labels: &'a [LabelRange],
    /// Screen or print.
    pub profile: Profile,
    /// The book's time in seconds since 1970 (see [`crate::date::source_time`]).
    pub time: u64,
    /// Bleed around the trimmed page, in points (print only).
    pub bleed: f32,
    /// Whether to draw crop marks outside the bleed (print only).
    pub crop_marks: bool,
    /// Whether the file claims PDF/UA-1 in its XMP: only when nothing in
    /// the book stands in the way (see [`crate::check::blocks_pdf_ua`]).
    pub pdf_ua: bool,
    /// The standards the file follows: output intents, identification.
    pub standards: Standards,
}

/// Room outside the bleed for crop marks, in points.
const SLUG: f32 = 24.0;

/// Adds navigation and metadata to `doc`, whose pages are `pages` in order;
/// returns the link annotations made, for the structure tree.
pub fn apply(doc: &mut Document, pages: &[Page], nav: &Navigation<'_>) -> Vec<Annotation> {
    let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let mut catalog = Dictionary::new();
    catalog.set("Lang", text(&nav.metadata.language));
    let mut preferences = Dictionary::new();
    preferences.set("DisplayDocTitle", true);
    if crate::lang::is_rtl(&nav.metadata.language) {
        // Bound on the right: a viewer shows spreads with the first page
        // on the right and turns pages leftwards.
        preferences.set("Direction", Object::Name(b"R2L".to_vec()));
    }
    catalog.set("ViewerPreferences", preferences);
    if !nav.labels.is_empty() {
        catalog.set("PageLabels", page_labels(nav.labels));
    }
    let mut metadata = Stream::new(
        Dictionary::from_iter([("Type", "Metadata".into()), ("Subtype", "XML".into())]),
        xmp(nav).into_bytes(),
    );
    // PDF/A-2 wants the XMP readable as it is (6.6.2.1: no filter), and
    // so do the prepress tools that read a PDF/X's.
    metadata.allows_compression = !nav.standards.has_intent();
    catalog.set("Metadata", doc.add_object(metadata));
    if let Some(intents) = conform::output_intents(doc, nav.standards) {
        catalog.set("OutputIntents", intents);
    }
    let mut annotations = Vec::new();
    match nav.profile {
        Profile::Screen => {
            let anchors = anchors(pages, &page_ids);
            annotations = add_links(doc, pages, &page_ids, &anchors, nav);
            let dests: Dictionary = anchors
                .iter()
                .map(|(id, dest)| (id.as_bytes().to_vec(), dest.array()))
                .collect();
            catalog.set("Dests", doc.add_object(dests));
            if let Some(outline) = outline(doc, nav.toc, &anchors) {
                catalog.set("Outlines", outline);
                catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
            }
        }
        Profile::Print => {
            for (page, id) in pages.iter().zip(&page_ids) {
                print_boxes(doc, *id, page, nav);
            }
        }
    }
    // Set over what printpdf wrote: lopdf's `extend` would keep printpdf's
    // `/PageMode /UseNone` and pair other values up into arrays.
    if let Ok(root) = doc.catalog_mut() {
        for (key, value) in catalog {
            root.set(key, value);
        }
    }
    set_info(doc, nav);
    annotations
}

/// A place on a page that links and bookmarks jump to.
#[derive(Debug, Clone, Copy)]
struct Dest {
    page: ObjectId,
    /// Distance from the page's bottom, as PDF counts.
    top: f32,
}

impl Dest {
    /// `[page /XYZ null top null]`: the page scrolled to the place, zoom kept.
    fn array(self) -> Object {
        Object::Array(vec![
            Object::Reference(self.page),
            Object::Name(b"XYZ".to_vec()),
            Object::Null,
            Object::Real(self.top),
            Object::Null,
        ])
    }
}

/// Every anchor of the book by id; the first placement wins.
fn anchors(pages: &[Page], page_ids: &[ObjectId]) -> BTreeMap<String, Dest> {
    let mut anchors = BTreeMap::new();
    for (page, id) in pages.iter().zip(page_ids) {
        for item in &page.items {
            if let Item::Anchor { id: name, y } = item {
                anchors.entry(name.clone()).or_insert(Dest {
                    page: *id,
                    top: page.height - y,
                });
            }
        }
    }
    anchors
}

/// Turns link items into link annotations on their pages, each with a
/// description (`/Contents`) for readers that cannot see where it goes,
/// and has the pages with annotations tab through them in structure order.
fn add_links(
    doc: &mut Document,
    pages: &[Page],
    page_ids: &[ObjectId],
    anchors: &BTreeMap<String, Dest>,
    nav: &Navigation<'_>,
) -> Vec<Annotation> {
    let titles: BTreeMap<&str, &str> = nav
        .toc
        .flatten()
        .into_iter()
        .map(|(_, entry)| (entry.id.as_str(), entry.title.as_str()))
        .collect();
    let mut made = Vec::new();
    // One URI action for each address, however many lines and pages show
    // it: a long address set over a thousand lines is written once.
    let mut actions: BTreeMap<&str, (ObjectId, ObjectId)> = BTreeMap::new();
    for (index, (page, page_id)) in pages.iter().zip(page_ids).enumerate() {
        let mut annots = Vec::new();
        for item in &page.items {
            let Item::Link {
                x,
                y,
                width,
                height,
                target,
                tag,
            } = item
            else {
                continue;
            };
            let mut link = Dictionary::from_iter([
                ("Type", Object::Name(b"Annot".to_vec())),
                ("Subtype", Object::Name(b"Link".to_vec())),
                (
                    "Rect",
                    Object::Array(
                        [*x, page.height - y - height, x + width, page.height - y]
                            .into_iter()
                            .map(Object::Real)
                            .collect(),
                    ),
                ),
                ("Border", Object::Array(vec![0.into(), 0.into(), 0.into()])),
                ("F", Object::Integer(4)),
            ]);
            match target {
                LinkTarget::Internal(id) => match anchors.get(id) {
                    Some(dest) => {
                        link.set("Dest", dest.array());
                        let labels = &nav.metadata.labels;
                        let about = match titles.get(id.as_str()) {
                            Some(title) => labels.go_to.fill(title),
                            None => labels.go_to_place.text.clone(),
                        };
                        link.set("Contents", text(&about));
                    }
                    None => continue,
                },
                LinkTarget::External(url) => {
                    // One action and one description per address, however
                    // many lines its link takes.
                    let (action, about) = *actions.entry(url).or_insert_with(|| {
                        let action = doc.add_object(Dictionary::from_iter([
                            ("S", Object::Name(b"URI".to_vec())),
                            (
                                "URI",
                                Object::String(url.as_bytes().to_vec(), StringFormat::Literal),
                            ),
                        ]));
                        (action, doc.add_object(text(url)))
                    });
                    link.set("A", Object::Reference(action));
                    link.set("Contents", Object::Reference(about));
                }
            }
            let object = doc.add_object(link);
            annots.push(Object::Reference(object));
            made.push(Annotation {
                page: index,
                object,
                tag: *tag,
            });
        }
        if let Ok(dict) = doc.get_dictionary_mut(*page_id) {
            if annots.is_empty() {
                // printpdf leaves an empty list on every page.
                dict.remove(b"Annots");
            } else {
                dict.set("Annots", annots);
                dict.set("Tabs", Object::Name(b"S".to_vec()));
            }
        }
    }
    made
}

/// Builds the outline tree from the contents; entries whose anchor was not
/// placed are left out with their children. Returns the outline root.
fn outline(doc: &mut Document, toc: &Toc, anchors: &BTreeMap<String, Dest>) -> Option<ObjectId> {
    let root = doc.new_object_id();
    let kids = children(doc, root, &toc.entries, anchors);
    let (first, last) = (kids.first()?, kids.last()?);
    let dict = Dictionary::from_iter([
        ("Type", Object::Name(b"Outlines".to_vec())),
        ("First", Object::Reference(*first)),
        ("Last", Object::Reference(*last)),
        ("Count", Object::Integer(count(&kids))),
    ]);
    doc.objects.insert(root, Object::Dictionary(dict));
    Some(root)
}

/// Writes the outline items for `entries` under `parent`, chained with
/// `Prev`/`Next`, and returns their ids. Items with children show closed.
fn children(
    doc: &mut Document,
    parent: ObjectId,
    entries: &[TocEntry],
    anchors: &BTreeMap<String, Dest>,
) -> Vec<ObjectId> {
    let placed: Vec<(&TocEntry, Dest)> = entries
        .iter()
        .filter_map(|e| anchors.get(&e.id).map(|d| (e, *d)))
        .collect();
    let ids: Vec<ObjectId> = placed.iter().map(|_| doc.new_object_id()).collect();
    for (i, ((entry, dest), id)) in placed.iter().zip(&ids).enumerate() {
        let mut item = Dictionary::from_iter([
            ("Title", text(&entry.label())),
            ("Parent", Object::Reference(parent)),
            ("Dest", dest.array()),
        ]);
        if i > 0 {
            item.set("Prev", Object::Reference(ids[i - 1]));
        }
        if let Some(next) = ids.get(i + 1) {
            item.set("Next", Object::Reference(*next));
        }
        let kids = children(doc, *id, &entry.children, anchors);
        if let (Some(first), Some(last)) = (kids.first(), kids.last()) {
            item.set("First", Object::Reference(*first));
            item.set("Last", Object::Reference(*last));
            // A negative count shows the item closed.
            item.set("Count", Object::Integer(-count(&kids)));
        }
        doc.objects.insert(*id, Object::Dictionary(item));
    }
    ids
}

fn count(ids: &[ObjectId]) -> i64 {
    i64::try_from(ids.len()).unwrap_or(i64::MAX)
}

/// The catalog's `/PageLabels` number tree.
fn page_labels(labels: &[LabelRange]) -> Dictionary {
    let mut nums = Vec::new();
    for range in labels {
        let style: &[u8] = match range.style {
            LabelStyle::LowerRoman => b"r",
            LabelStyle::Arabic => b"D",
        };
        nums.push(Object::Integer(
            i64::try_from(range.first_page).unwrap_or(0),
        ));
        nums.push(Object::Dictionary(Dictionary::from_iter([
            ("S", Object::Name(style.to_vec())),
            ("St", Object::Integer(i64::from(range.start))),
        ])));
    }
    Dictionary::from_iter([("Nums", Object::Array(nums))])
}

/// Grows the page by the bleed (and room for crop marks), moves the content
/// to the middle, and records the trim and bleed boxes.
fn print_boxes(doc: &mut Document, page_id: ObjectId, page: &Page, nav: &Navigation<'_>) {
    let (bleed, crop_marks) = (nav.bleed, nav.crop_marks);
    let slug = if crop_marks { SLUG } else { 0.0 };
    let offset = bleed + slug;
    let (w, h) = (page.width, page.height);
    let rect = |x0: f32, y0: f32, x1: f32, y1: f32| {
        Object::Array([x0, y0, x1, y1].into_iter().map(Object::Real).collect())
    };
    let mut before = format!("q 1 0 0 1 {offset} {offset} cm\n");
    if offset == 0.0 {
        before = "q\n".to_string();
    }
    let mut after = "Q\n".to_string();
    if crop_marks {
        // Registration colour, or black for a standard's grey intent.
        let ink = if nav.standards.has_intent() {
            "0 G"
        } else {
            "1 1 1 1 K"
        };
        after.push_str(&crop_mark_ops(w, h, bleed, offset, ink));
    }
    let before = doc.add_object(Stream::new(Dictionary::new(), before.into_bytes()));
    let after = doc.add_object(Stream::new(Dictionary::new(), after.into_bytes()));
    let Ok(dict) = doc.get_dictionary_mut(page_id) else {
        return;
    };
    let contents = match dict.get(b"Contents") {
        Ok(Object::Array(parts)) => parts.clone(),
        Ok(other) => vec![other.clone()],
        Err(_) => Vec::new(),
    };
    let mut all = vec![Object::Reference(before)];
    all.extend(contents);
    all.push(Object::Reference(after));
    dict.set("Contents", all);
    dict.set(
        "MediaBox",
        rect(0.0, 0.0, w + 2.0 * offset, h + 2.0 * offset),
    );
    dict.set(
        "BleedBox",
        rect(slug, slug, w + 2.0 * bleed + slug, h + 2.0 * bleed + slug),
    );
    dict.set("TrimBox", rect(offset, offset, w + offset, h + offset));
    dict.remove(b"CropBox");
    dict.remove(b"Annots");
}

/// Thin registration-colour lines at the four trim corners, outside the bleed.
fn crop_mark_ops(w: f32, h: f32, bleed: f32, offset: f32, ink: &str) -> String {
    let gap = bleed + 3.0;
    let len = SLUG - 6.0;
    // Crop marks are not content: an artifact of the page's production.
    let mut ops = format!("/Artifact BMC q 0.25 w {ink}\n");
    for (cx, sx) in [(offset, -1.0), (offset + w, 1.0)] {
        for (cy, sy) in [(offset, -1.0), (offset + h, 1.0)] {
            // Horizontal mark beside the corner, vertical mark above or below it.
            let (x0, x1) = (cx + sx * gap, cx + sx * (gap + len));
            ops.push_str(&format!("{x0} {cy} m {x1} {cy} l S\n"));
            let (y0, y1) = (cy + sy * gap, cy + sy * (gap + len));
            ops.push_str(&format!("{cx} {y0} m {cx} {y1} l S\n"));
        }
    }
    ops.push_str("Q EMC\n");
    ops
}

/// Replaces the document information dictionary.
fn set_info(doc: &mut Document, nav: &Navigation<'_>) {
    let meta = nav.metadata;
    let date = crate::date::pdf(nav.time);
    let mut info = Dictionary::from_iter([
        ("Title", text(&meta.title)),
        ("Creator", text("bindery")),
        ("Producer", text(&producer())),
        ("CreationDate", text(&date)),
        ("ModDate", text(&date)),
    ]);
    // PDF/A wants the entry to say what the XMP's list says: one name.
    if !meta.authors.is_empty() && (nav.standards.pdf_a.is_none() || meta.authors.len() == 1) {
        info.set("Author", text(&meta.authors.join(", ")));
    }
    if let Some(description) = &meta.description {
        info.set("Subject", text(description));
    }
    if let Some(subtitle) = &meta.subtitle {
        info.set("Keywords", text(subtitle));
    }
    conform::info(&mut info, nav.standards);
    let id = doc.add_object(info);
    doc.trailer.set("Info", id);
}

fn producer() -> String {
    format!("bindery {}", env!("CARGO_PKG_VERSION"))
}

/// A PDF text string: ASCII as is, anything else as UTF-16BE with a BOM.
pub(crate) fn text(value: &str) -> Object {
    if value.is_ascii() {
        return Object::String(value.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut bytes = vec![0xfe, 0xff];
    for unit in value.encode_utf16() {
        bytes.extend(unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// The XMP packet: Dublin Core and PDF properties, as catalogues read them.
fn xmp(nav: &Navigation<'_>) -> String {
    let meta = nav.metadata;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let date = crate::date::iso8601(nav.time);
    let mut dc = format!(
        "<dc:format>application/pdf</dc:format>\n\
         <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>\n\
         <dc:language><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:language>\n",
        esc(&meta.title),
        esc(&meta.language)
    );
    if !meta.authors.is_empty() {
        let authors: String = meta
            .authors
            .iter()
            .map(|a| format!("<rdf:li>{}</rdf:li>", esc(a)))
            .collect();
        dc.push_str(&format!(
            "<dc:creator><rdf:Seq>{authors}</rdf:Seq></dc:creator>\n"
        ));
    }
    // Text properties in a language alternative, as Dublin Core in XMP has them.
    let alternatives = [("description", &meta.description), ("rights", &meta.rights)];
    for (name, value) in alternatives {
        if let Some(value) = value {
            dc.push_str(&format!(
                "<dc:{name}><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:{name}>\n",
                esc(value)
            ));
        }
    }
    if let Some(publisher) = &meta.publisher {
        dc.push_str(&format!(
            "<dc:publisher><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:publisher>\n",
            esc(publisher)
        ));
    }
    if let Some(identifier) = &meta.identifier {
        dc.push_str(&format!(
            "<dc:identifier>{}</dc:identifier>\n",
            esc(identifier)
        ));
    }
    if let Some(subtitle) = &meta.subtitle {
        dc.push_str(&format!("<pdf:Keywords>{}</pdf:Keywords>\n", esc(subtitle)));
    }
    let document = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("{}\n{}\n{}", meta.title, meta.authors.join("\n"), nav.time).as_bytes(),
    );
    dc.push_str(&conform::xmp(
        nav.standards,
        nav.pdf_ua,
        &document.to_string(),
    ));
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
         <rdf:Description rdf:about=\"\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" \
         xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\"{}>\n\
         {dc}\
         <xmp:CreateDate>{date}</xmp:CreateDate>\n\
         <xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
         <xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
         <xmp:CreatorTool>bindery</xmp:CreatorTool>\n\
         <pdf:Producer>{}</pdf:Producer>\n\
         {}\
         </rdf:Description>\n\
         </rdf:RDF>\n\
         </x:xmpmeta>\n\
         <?xpacket end=\"w\"?>",
        if nav.standards.has_intent() {
            format!(" {}", conform::NAMESPACES)
        } else {
            String::new()
        },
        producer(),
        if nav.pdf_ua {
            "<pdfuaid:part>1</pdfuaid:part>\n"
        } else {
            ""
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::tags::Tag;
    use crate::toc::TocKind;
    use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions, Pt};

    fn page(items: Vec<Item>) -> Page {
        Page {
            width: 432.0,
            height: 648.0,
            items,
        }
    }

    fn entry(id: &str, title: &str, children: Vec<TocEntry>) -> TocEntry {
        TocEntry {
            kind: TocKind::Chapter,
            title: title.to_string(),
            chapter: 0,
            id: id.to_string(),
            children,
        }
    }

    /// A three-page document: a contents page linking to two chapters, the
    /// second with a section and a link out of the book.
    fn build(profile: Profile) -> Document {
        let pages = vec![
            page(vec![Item::Link {
                x: 54.0,
                y: 100.0,
                width: 300.0,
                height: 12.0,
                target: LinkTarget::Internal("two".to_string()),
                tag: Tag::Artifact,
            }]),
            page(vec![Item::Anchor {
                id: "one".to_string(),
                y: 200.0,
            }]),
            page(vec![
                Item::Anchor {
                    id: "two".to_string(),
                    y: 200.0,
                },
                Item::Anchor {
                    id: "two-a".to_string(),
                    y: 400.0,
                },
                Item::Link {
                    x: 54.0,
                    y: 500.0,
                    width: 100.0,
                    height: 12.0,
                    target: LinkTarget::External("https://example.org/".into()),
                    tag: Tag::Artifact,
                },
            ]),
        ];
        let toc = Toc {
            entries: vec![
                entry("one", "Chapter One", Vec::new()),
                entry(
                    "two",
                    "Chapter Two – Ünïcode",
                    vec![entry("two-a", "Section", Vec::new())],
                ),
                entry("never-placed", "Missing", Vec::new()),
            ],
        };
        let metadata = Metadata {
            title: "T".to_string(),
            language: "en".to_string(),
            authors: vec!["A. Writer".to_string()],
            ..Metadata::default()
        };
        let labels = [
            LabelRange {
                first_page: 0,
                style: LabelStyle::LowerRoman,
                start: 1,
            },
            LabelRange {
                first_page: 1,
                style: LabelStyle::Arabic,
                start: 1,
            },
        ];
        let nav = Navigation {
            toc: &toc,
            metadata: &metadata,
            labels: &labels,
            profile,
            time: 1_764_028_800,
            bleed: 9.0,
            crop_marks: true,
            pdf_ua: true,
            standards: Standards::default_for(profile),
        };
        let mut doc = PdfDocument::new("T");
        doc.pages = pages
            .iter()
            .map(|p| PdfPage::new(Mm::from(Pt(p.width)), Mm::from(Pt(p.height)), Vec::new()))
            .collect();
        let mut warnings = Vec::new();
        let mut lo = doc.to_lopdf_document(&PdfSaveOptions::default(), &mut warnings);
        apply(&mut lo, &pages, &nav);
        let mut bytes = Vec::new();
        lo.save_to(&mut bytes).unwrap();
        Document::load_mem(&bytes).unwrap()
    }

    fn dict(doc: &Document, object: &Object) -> Dictionary {
        match object {
            Object::Reference(id) => doc.get_dictionary(*id).unwrap().clone(),
            Object::Dictionary(d) => d.clone(),
            other => panic!("not a dictionary: {other:?}"),
        }
    }

    fn dest_page(doc: &Document, dest: &Object) -> u32 {
        let target = dest.as_array().unwrap()[0].as_reference().unwrap();
        let pages = doc.get_pages();
        *pages.iter().find(|(_, id)| **id == target).unwrap().0
    }

    #[test]
    fn the_outline_mirrors_the_contents_and_lands_on_the_anchors() {
        let doc = build(Profile::Screen);
        let catalog = doc.catalog().unwrap().clone();
        let outlines = dict(&doc, catalog.get(b"Outlines").unwrap());
        assert_eq!(outlines.get(b"Count").unwrap().as_i64().unwrap(), 2);
        let first = dict(&doc, outlines.get(b"First").unwrap());
        assert_eq!(
            first.get(b"Title").unwrap().as_str().unwrap(),
            b"Chapter One"
        );
        assert_eq!(dest_page(&doc, first.get(b"Dest").unwrap()), 2);
        let second = dict(&doc, first.get(b"Next").unwrap());
        assert_eq!(dest_page(&doc, second.get(b"Dest").unwrap()), 3);
        assert_eq!(second.get(b"Count").unwrap().as_i64().unwrap(), -1);
        let title = second.get(b"Title").unwrap().as_str().unwrap();
        assert_eq!(&title[..2], &[0xfe, 0xff], "non-ASCII titles are UTF-16");
        let section = dict(&doc, second.get(b"First").unwrap());
        let top = section.get(b"Dest").unwrap().as_array().unwrap()[3].clone();
        assert_eq!(top.as_float().unwrap(), 648.0 - 400.0);
        assert!(
            second.get(b"Next").is_err(),
            "the unplaced entry is left out"
        );
    }

    #[test]
    fn links_jump_to_anchors_and_urls() {
        let doc = build(Profile::Screen);
        let pages = doc.get_pages();
        let first = doc.get_dictionary(pages[&1]).unwrap();
        let annots = first.get(b"Annots").unwrap().as_array().unwrap();
        let link = dict(&doc, &annots[0]);
        assert_eq!(link.get(b"Subtype").unwrap().as_name().unwrap(), b"Link");
        assert_eq!(dest_page(&doc, link.get(b"Dest").unwrap()), 3);
        let third = doc.get_dictionary(pages[&3]).unwrap();
        let annots = third.get(b"Annots").unwrap().as_array().unwrap();
        let action = dict(&doc, dict(&doc, &annots[0]).get(b"A").unwrap());
        assert_eq!(
            action.get(b"URI").unwrap().as_str().unwrap(),
            b"https://example.org/"
        );
        let catalog = doc.catalog().unwrap();
        let dests = dict(&doc, catalog.get(b"Dests").unwrap());
        assert!(dests.has(b"two-a"));
    }

    #[test]
    fn labels_metadata_and_dates_are_written() {
        let doc = build(Profile::Screen);
        let catalog = doc.catalog().unwrap().clone();
        let labels = dict(&doc, catalog.get(b"PageLabels").unwrap());
        let nums = labels.get(b"Nums").unwrap().as_array().unwrap();
        assert_eq!(nums.len(), 4);
        assert_eq!(
            dict(&doc, &nums[1]).get(b"S").unwrap().as_name().unwrap(),
            b"r"
        );
        let info = dict(&doc, doc.trailer.get(b"Info").unwrap());
        assert_eq!(
            info.get(b"CreationDate").unwrap().as_str().unwrap(),
            b"D:20251125000000Z"
        );
        assert_eq!(info.get(b"Author").unwrap().as_str().unwrap(), b"A. Writer");
        let xmp = doc
            .get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap())
            .unwrap()
            .as_stream()
            .unwrap()
            .content
            .clone();
        let xmp = String::from_utf8(xmp).unwrap();
        assert!(xmp.contains("<rdf:li>A. Writer</rdf:li>"), "{xmp}");
        assert!(xmp.contains("2025-11-25T00:00:00Z"), "{xmp}");
    }

    #[test]
    fn print_has_boxes_and_no_navigation() {
        let doc = build(Profile::Print);
        let catalog = doc.catalog().unwrap();
        assert!(catalog.get(b"Outlines").is_err());
        assert!(catalog.get(b"Dests").is_err());
        for id in doc.get_pages().values() {
            let page = doc.get_dictionary(*id).unwrap();
            assert!(page.get(b"Annots").is_err());
            let boxed = |name: &[u8]| -> Vec<f32> {
                page.get(name)
                    .unwrap()
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_float().unwrap())
                    .collect()
            };
            let offset = 9.0 + SLUG;
            assert_eq!(
                boxed(b"TrimBox"),
                [offset, offset, 432.0 + offset, 648.0 + offset]
            );
            assert_eq!(
                boxed(b"MediaBox"),
                [0.0, 0.0, 432.0 + 2.0 * offset, 648.0 + 2.0 * offset]
            );
            assert_eq!(boxed(b"BleedBox")[0], SLUG);
        }
    }
}
