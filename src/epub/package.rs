//! The package document: metadata from `book.toml`, the accessibility
//! metadata of EPUB Accessibility 1.1, the manifest and the spine.

use super::xhtml::Facts;
use super::{Layout, nav, xml};
use crate::error::Diagnostic;
use crate::model::{Book, ChapterBody, Metadata};
use std::path::Path;

/// The package document's file name.
pub const FILE: &str = "package.opf";

/// The conformance claim written when every check for it holds.
const CONFORMS_TO: &str = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA";

/// The book's unique identifier: the configured one, else a UUID (version 5)
/// made from the title and the authors, so rebuilds keep it.
pub fn identifier(metadata: &Metadata) -> String {
    if let Some(id) = metadata.identifier.as_deref().map(str::trim)
        && !id.is_empty()
    {
        return id.to_string();
    }
    let name = format!(
        "bindery:{}\n{}",
        metadata.title,
        metadata.authors.join("\n")
    );
    format!(
        "urn:uuid:{}",
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes())
    )
}

/// What the book offers readers with disabilities, found from what it
/// really contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accessibility {
    /// `schema:accessMode` values.
    modes: Vec<&'static str>,
    /// `schema:accessModeSufficient` values, each a comma-separated set.
    sufficient: Vec<&'static str>,
    /// `schema:accessibilityFeature` values.
    features: Vec<&'static str>,
    /// `schema:accessibilitySummary`, and its language when it is not the
    /// book's (bindery writes it in English unless `[labels]` gives one).
    summary: String,
    summary_lang: Option<&'static str>,
    /// Whether the WCAG 2.2 AA conformance claim holds.
    conforms: bool,
    /// The print edition whose pages are marked, if they are.
    page_source: Option<String>,
}

impl Accessibility {
    /// Assesses the book from the facts its chapters produced, and
    /// `page_source`, the print edition whose pages were to be marked; when
    /// the conformance claim cannot be made, says why in a warning.
    pub fn assess(
        book: &Book,
        facts: &Facts,
        cover: bool,
        page_source: Option<&str>,
        manuscript: &Path,
        warnings: &mut Vec<Diagnostic>,
    ) -> Accessibility {
        // The cover is an image too, with the title as its text.
        let images = facts.images > 0 || cover;
        let all_alt = facts.images_without_alt == 0;
        let modes = if images {
            vec!["textual", "visual"]
        } else {
            vec!["textual"]
        };
        let sufficient = match (images, all_alt) {
            (false, _) => vec!["textual"],
            (true, true) => vec!["textual", "textual,visual"],
            (true, false) => vec!["textual,visual"],
        };
        let mut features = vec![
            "structuralNavigation",
            "tableOfContents",
            "readingOrder",
            "displayTransformability",
        ];
        if images && all_alt {
            features.push("alternativeText");
        }
        let page_source = page_source.filter(|_| facts.page_breaks > 0);
        if page_source.is_some() {
            // `printPageNumbers` is the older name of `pageBreakMarkers`;
            // reading systems look for either.
            features.extend(["pageBreakMarkers", "printPageNumbers", "pageNavigation"]);
        }
        let mut reasons = Vec::new();
        if !all_alt {
            reasons.push(format!(
                "{} of {} images have no alternative text",
                facts.images_without_alt, facts.images
            ));
        }
        if facts.skipped_heading_levels > 0 {
            reasons.push(format!(
                "{} headings skip a level",
                facts.skipped_heading_levels
            ));
        }
        if !reasons.is_empty() {
            warnings.push(
                Diagnostic::warning(
                    "not-accessible",
                    Some(crate::error::Place::file(manuscript)),
                    format!(
                        "the EPUB does not claim WCAG 2.2 AA conformance: {}",
                        reasons.join(", ")
                    ),
                )
                .with_hint("fix the warnings above and build again"),
            );
        }
        Accessibility {
            modes,
            sufficient,
            features,
            summary: match &book.metadata.labels.accessibility_summary {
                Some(given) => given.text.clone(),
                None => summary(book, facts, cover, reasons.is_empty()),
            },
            summary_lang: match &book.metadata.labels.accessibility_summary {
                Some(given) => given.lang,
                None => (crate::lang::primary(&book.metadata.language) != "en").then_some("en"),
            },
            conforms: reasons.is_empty(),
            page_source: page_source.map(str::to_string),
        }
    }
}

/// A plain-language account of what the book contains and how it can be read.
fn summary(book: &Book, facts: &Facts, cover: bool, conforms: bool) -> String {
    let mut sentences = Vec::new();
    let parts = book.chapters.iter().filter(|c| c.part).count();
    let chapters = book.chapters.len() - parts;
    let mut questions = 0;
    let mut groups = 0;
    for chapter in &book.chapters {
        if let ChapterBody::Faq(faq) = &chapter.body {
            questions += faq.groups.iter().map(|g| g.questions.len()).sum::<usize>();
            groups += faq.groups.iter().filter(|g| g.heading.is_some()).count();
        }
    }
    let mut opening = format!(
        "This publication has {chapters} {}",
        plural(chapters, "chapter", "chapters")
    );
    if parts > 0 {
        opening.push_str(&format!(" in {parts} {}", plural(parts, "part", "parts")));
    }
    if questions > 0 {
        opening.push_str(&format!(
            ", including a FAQ of {questions} numbered {}",
            plural(questions, "question", "questions")
        ));
        if groups > 0 {
            opening.push_str(&format!(
                " in {groups} {}",
                plural(groups, "group", "groups")
            ));
        }
    }
    opening.push_str(
        ". It has a table of contents, headings that mark its structure and a single logical \
         reading order, and its text can be restyled by the reading system.",
    );
    sentences.push(opening);
    let images = facts.images;
    if cover {
        sentences.push("Its cover is an image whose text alternative is the title.".to_string());
    }
    let other = if cover { " other" } else { "" };
    sentences.push(match (images, facts.images_without_alt) {
        (0, _) => format!("It contains no{other} images."),
        (1, 0) => format!("Its one{other} image has a text alternative."),
        (_, 0) => format!("Each of its {images}{other} images has a text alternative."),
        (_, lacking) => format!(
            "It contains {images}{other} {}, and {lacking} of them {} no text alternative.",
            plural(images, "image", "images"),
            plural(lacking, "has", "have")
        ),
    });
    let (tables, headed) = (facts.tables, facts.tables_with_header);
    if tables > 0 {
        sentences.push(if headed == tables {
            format!(
                "Its {tables} {} header cells.",
                plural(tables, "table has", "tables have")
            )
        } else if headed == 0 {
            format!(
                "Its {tables} {} no header cells.",
                plural(tables, "table has", "tables have")
            )
        } else {
            format!(
                "Of its {tables} tables, {headed} {} header cells.",
                plural(headed, "has", "have")
            )
        });
    }
    if facts.footnotes > 0 {
        sentences.push(format!(
            "Its {} {} linked from the text and link back to it.",
            facts.footnotes,
            plural(facts.footnotes, "footnote is", "footnotes are")
        ));
    }
    if facts.code_blocks > 0 {
        sentences.push("Program code is set apart as preformatted text.".to_string());
    }
    if facts.page_breaks > 0 {
        sentences.push(
            "It marks where each page of its print edition begins, and lists those pages."
                .to_string(),
        );
    }
    sentences.push(
        if conforms {
            "It meets the EPUB Accessibility 1.1 requirements at WCAG 2.2 Level AA as far as \
             automatic checks can tell."
        } else {
            "It does not claim conformance to EPUB Accessibility 1.1."
        }
        .to_string(),
    );
    sentences.join(" ")
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The package document.
pub fn document(
    book: &Book,
    layout: &Layout,
    identifier: &str,
    a11y: &Accessibility,
    options: &super::EpubOptions,
) -> String {
    let meta = &book.metadata;
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" \
         unique-identifier=\"book-id\" xml:lang=\"{}\">\n\
         <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n",
        xml::escaped_attr(&meta.language)
    );
    let mut element = |name: &str, attrs: &str, value: &str| {
        out.push_str(&format!(
            "<{name}{attrs}>{}</{name}>\n",
            xml::escaped(value)
        ));
    };
    element("dc:identifier", " id=\"book-id\"", identifier);
    element("dc:title", " id=\"title\"", &meta.title);
    element(
        "meta",
        " refines=\"#title\" property=\"title-type\"",
        "main",
    );
    if let Some(subtitle) = meta.subtitle.as_deref().filter(|s| !s.trim().is_empty()) {
        element("dc:title", " id=\"subtitle\"", subtitle);
        element(
            "meta",
            " refines=\"#subtitle\" property=\"title-type\"",
            "subtitle",
        );
    }
    for (i, author) in meta.authors.iter().enumerate() {
        let id = format!("creator-{}", i + 1);
        element("dc:creator", &format!(" id=\"{id}\""), author);
        element(
            "meta",
            &format!(" refines=\"#{id}\" property=\"role\" scheme=\"marc:relators\""),
            "aut",
        );
        element(
            "meta",
            &format!(" refines=\"#{id}\" property=\"display-seq\""),
            &(i + 1).to_string(),
        );
    }
    element("dc:language", "", &meta.language);
    if let Some(source) = &a11y.page_source {
        element("dc:source", " id=\"print-edition\"", source);
        element(
            "meta",
            " refines=\"#print-edition\" property=\"source-of\"",
            "pagination",
        );
    }
    let optional = [
        ("dc:publisher", &meta.publisher),
        ("dc:date", &meta.date),
        ("dc:description", &meta.description),
        ("dc:rights", &meta.rights),
    ];
    for (name, value) in optional {
        if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            element(name, "", value);
        }
    }
    element(
        "meta",
        " property=\"dcterms:modified\"",
        &crate::date::iso8601(options.modified),
    );
    for mode in &a11y.modes {
        element("meta", " property=\"schema:accessMode\"", mode);
    }
    for set in &a11y.sufficient {
        element("meta", " property=\"schema:accessModeSufficient\"", set);
    }
    for feature in &a11y.features {
        element("meta", " property=\"schema:accessibilityFeature\"", feature);
    }
    element("meta", " property=\"schema:accessibilityHazard\"", "none");
    if let Some(source) = &a11y.page_source {
        element("meta", " property=\"pageBreakSource\"", source);
    }
    let summary_lang = a11y
        .summary_lang
        .map_or_else(String::new, |lang| format!(" xml:lang=\"{lang}\""));
    element(
        "meta",
        &format!(" property=\"schema:accessibilitySummary\"{summary_lang}"),
        &a11y.summary,
    );
    if a11y.conforms {
        element("meta", " property=\"dcterms:conformsTo\"", CONFORMS_TO);
        let certifier = meta
            .publisher
            .clone()
            .or_else(|| (!meta.authors.is_empty()).then(|| meta.authors.join(", ")))
            .unwrap_or_else(|| "bindery".to_string());
        element("meta", " property=\"a11y:certifiedBy\"", &certifier);
    }
    if options.cover.is_some() {
        // EPUB 2 readers (and Kindle's converter) find the cover this way.
        out.push_str("<meta name=\"cover\" content=\"cover-image\"/>\n");
    }
    out.push_str("</metadata>\n<manifest>\n");
    let mut item = |id: &str, href: &str, media_type: &str, properties: &str| {
        out.push_str(&format!(
            "<item id=\"{id}\" href=\"{}\" media-type=\"{media_type}\"{properties}/>\n",
            xml::escaped_attr(href)
        ));
    };
    item(
        "nav",
        nav::FILE,
        "application/xhtml+xml",
        " properties=\"nav\"",
    );
    item("ncx", nav::NCX_FILE, "application/x-dtbncx+xml", "");
    item("style", super::STYLE_FILE, "text/css", "");
    item("contents", nav::CONTENTS_FILE, "application/xhtml+xml", "");
    for index in 0..book.chapters.len() {
        for file in 0..layout.file_count(index) {
            item(
                &layout.item(index, file),
                &layout.file(index, file),
                "application/xhtml+xml",
                "",
            );
        }
    }
    if options.cover.is_some() {
        item("cover", super::COVER_PAGE, "application/xhtml+xml", "");
        item(
            "cover-image",
            super::COVER_IMAGE,
            "image/png",
            " properties=\"cover-image\"",
        );
    }
    for (index, font) in options.fonts.iter().enumerate() {
        item(
            &format!("font-{}", index + 1),
            &font.href(),
            font.kind().0,
            "",
        );
    }
    for image in layout.images.values() {
        item(&image.id, &image.href, image.media_type, "");
    }
    // A book written from right to left turns its pages the other way.
    out.push_str(if crate::lang::is_rtl(&book.metadata.language) {
        "</manifest>\n<spine toc=\"ncx\" page-progression-direction=\"rtl\">\n"
    } else {
        "</manifest>\n<spine toc=\"ncx\">\n"
    });
    if options.cover.is_some() {
        out.push_str("<itemref idref=\"cover\"/>\n");
    }
    out.push_str("<itemref idref=\"contents\"/>\n");
    for index in 0..book.chapters.len() {
        for file in 0..layout.file_count(index) {
            out.push_str(&format!(
                "<itemref idref=\"{}\"/>\n",
                layout.item(index, file)
            ));
        }
    }
    out.push_str("</spine>\n<guide>\n");
    if options.cover.is_some() {
        out.push_str(&format!(
            "<reference type=\"cover\" title=\"{}\" href=\"{}\"/>\n",
            xml::escaped_attr(&book.metadata.labels.cover.text),
            super::COVER_PAGE
        ));
    }
    out.push_str(&format!(
        "<reference type=\"toc\" title=\"{}\" href=\"{}\"/>\n",
        xml::escaped_attr(&book.metadata.labels.contents.text),
        nav::CONTENTS_FILE
    ));
    if let Some(first) = book.chapters.first() {
        out.push_str(&format!(
            "<reference type=\"text\" title=\"{}\" href=\"{}\"/>\n",
            xml::escaped_attr(&first.title_text()),
            layout.chapter_file(0)
        ));
    }
    out.push_str("</guide>\n</package>\n");
    out
}
