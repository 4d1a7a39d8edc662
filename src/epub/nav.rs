//! Navigation: the EPUB 3 navigation document, the EPUB 2 NCX and the
//! contents page readers see in the book.
//!
//! All three come from the one [`Toc`]. The navigation document also lists
//! the print edition's pages when the book has them.

use super::{EpubOptions, Layout, PrintPages, xml};
use crate::model::Book;
use crate::toc::{Toc, TocEntry, TocKind};

/// The navigation document's file name in the package.
pub const FILE: &str = "nav.xhtml";
/// The NCX's file name in the package.
pub const NCX_FILE: &str = "toc.ncx";
/// The contents page's file name in the package.
pub const CONTENTS_FILE: &str = "contents.xhtml";

/// The EPUB 3 navigation document: the contents nested as in the [`Toc`],
/// the landmarks (contents page, start of the text) and the print pages.
/// It is not in the spine; the contents page is.
pub fn document(book: &Book, toc: &Toc, layout: &Layout, options: &EpubOptions) -> String {
    let cover = options.cover.is_some();
    let labels = &book.metadata.labels;
    let contents = xml::label(&labels.contents.text, &labels.contents);
    let mut out = xml::head(&book.metadata.language, &labels.contents.text, "");
    out.push_str("<nav id=\"toc\" epub:type=\"toc\" role=\"doc-toc\">\n<h1>");
    out.push_str(&contents);
    out.push_str("</h1>\n");
    list(&mut out, &toc.entries, layout);
    out.push_str("</nav>\n");
    out.push_str(&format!(
        "<nav id=\"landmarks\" epub:type=\"landmarks\" hidden=\"hidden\">\n<h2>{}</h2>\n<ol>\n",
        xml::label(&labels.landmarks.text, &labels.landmarks)
    ));
    if cover {
        out.push_str(&format!(
            "<li><a epub:type=\"cover\" href=\"{}\">{}</a></li>\n",
            super::COVER_PAGE,
            xml::label(&labels.cover.text, &labels.cover)
        ));
    }
    out.push_str(&format!(
        "<li><a epub:type=\"toc\" href=\"{CONTENTS_FILE}\">{contents}</a></li>\n"
    ));
    if let Some(first) = book.chapters.first() {
        out.push_str(&format!(
            "<li><a epub:type=\"bodymatter\" href=\"{}\">{}</a></li>\n",
            layout.chapter_file(0),
            xml::escaped(&first.title_text())
        ));
    }
    out.push_str("</ol>\n</nav>\n");
    let pages = marked_pages(options.pages.as_ref());
    if !pages.is_empty() {
        out.push_str(&format!(
            "<nav id=\"page-list\" epub:type=\"page-list\" role=\"doc-pagelist\" \
             hidden=\"hidden\">\n<h2>{}</h2>\n<ol>\n",
            xml::label(&labels.pages.text, &labels.pages)
        ));
        for (chapter, label) in pages {
            let id = layout.page_id(label);
            let label = xml::escaped(label);
            out.push_str(&format!(
                "<li><a href=\"{}#{id}\">{label}</a></li>\n",
                layout.file_of(chapter, id),
            ));
        }
        out.push_str("</ol>\n</nav>\n");
    }
    out.push_str(xml::FOOT);
    out
}

/// The print pages marked in the chapters, as (chapter, label), in page
/// order: the pages of the body; the front matter has no counterpart in
/// the EPUB.
fn marked_pages(pages: Option<&PrintPages>) -> Vec<(usize, &str)> {
    pages.map_or_else(Vec::new, |pages| {
        pages
            .starts
            .iter()
            .filter_map(|s| Some((s.chapter?, s.label.as_str())))
            .collect()
    })
}

/// The contents page in the book's reading order, for readers that show no
/// navigation of their own and for people who page through.
pub fn contents_page(book: &Book, toc: &Toc, layout: &Layout) -> String {
    let contents = &book.metadata.labels.contents;
    let mut out = xml::head(&book.metadata.language, &contents.text, "");
    out.push_str(
        "<nav id=\"contents\" class=\"contents\" epub:type=\"toc\" role=\"doc-toc\" \
         aria-labelledby=\"contents-title\">\n<h1 id=\"contents-title\">",
    );
    out.push_str(&xml::label(&contents.text, contents));
    out.push_str("</h1>\n");
    list(&mut out, &toc.entries, layout);
    out.push_str("</nav>\n");
    out.push_str(xml::FOOT);
    out
}

/// The EPUB 2 NCX. Kindle honours two levels only, so parts and the
/// chapters outside them are the first level; a part's chapters are the
/// second, and everything under a chapter outside a part is flattened into
/// the second, in reading order. The print pages, when the book has them, are its page
/// list, as in the navigation document, for readers of EPUB 2.
pub fn ncx(
    book: &Book,
    toc: &Toc,
    layout: &Layout,
    identifier: &str,
    print: Option<&PrintPages>,
) -> String {
    let depth = if toc.entries.iter().any(|e| !e.children.is_empty()) {
        2
    } else {
        1
    };
    let pages = marked_pages(print);
    // Body pages are numbered from 1: the count of pages and the largest
    // number the NCX's head announces.
    let numbers: Vec<Option<u32>> = pages.iter().map(|(_, label)| label.parse().ok()).collect();
    let largest = numbers.iter().flatten().max().copied().unwrap_or(0);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"{}\">\n\
         <head>\n\
         <meta name=\"dtb:uid\" content=\"{}\"/>\n\
         <meta name=\"dtb:depth\" content=\"{depth}\"/>\n\
         <meta name=\"dtb:totalPageCount\" content=\"{}\"/>\n\
         <meta name=\"dtb:maxPageNumber\" content=\"{largest}\"/>\n\
         </head>\n\
         <docTitle><text>{}</text></docTitle>\n",
        xml::escaped_attr(&book.metadata.language),
        xml::escaped_attr(identifier),
        pages.len(),
        xml::escaped(&book.metadata.title),
    );
    for author in &book.metadata.authors {
        out.push_str(&format!(
            "<docAuthor><text>{}</text></docAuthor>\n",
            xml::escaped(author)
        ));
    }
    out.push_str("<navMap>\n");
    let mut order = 0;
    // A book of one chapter (a novel kept in one file) is its sections:
    // they take the first level, after the chapter's own entry, so that
    // its books or parts keep their chapters under them.
    let top: Vec<&TocEntry> = match toc.entries.as_slice() {
        [only] if only.kind == TocKind::Chapter && !only.children.is_empty() => {
            std::iter::once(only).chain(&only.children).collect()
        }
        entries => entries.iter().collect(),
    };
    let alone = top.len() > toc.entries.len();
    for (n, chapter) in top.into_iter().enumerate() {
        order += 1;
        nav_point(&mut out, chapter, layout, order);
        // Under a part, its chapters; under a chapter, all it holds.
        let mut below = Vec::new();
        if chapter.kind == TocKind::Part {
            below.extend(&chapter.children);
        } else if !(alone && n == 0) {
            descendants(chapter, &mut below);
        }
        for entry in below {
            order += 1;
            out.push_str("  ");
            nav_point(&mut out, entry, layout, order);
            out.push_str("</navPoint>\n");
        }
        out.push_str("</navPoint>\n");
    }
    out.push_str("</navMap>\n");
    if !pages.is_empty() {
        // The page targets carry no play order: it is optional, and the
        // readers that use it take the list in its own order, which is
        // the book's.
        let pages_label = &book.metadata.labels.pages;
        out.push_str(&format!(
            "<pageList>\n<navLabel{}><text>{}</text></navLabel>\n",
            xml::label_lang(pages_label),
            xml::escaped(&pages_label.text)
        ));
        for ((chapter, label), number) in pages.iter().zip(&numbers) {
            let id = layout.page_id(label);
            let label = xml::escaped(label);
            let value = number.map_or_else(String::new, |n| format!(" value=\"{n}\""));
            out.push_str(&format!(
                "<pageTarget id=\"target-{id}\" type=\"normal\"{value}>\
                 <navLabel><text>{label}</text></navLabel>\
                 <content src=\"{}#{id}\"/></pageTarget>\n",
                layout.file_of(*chapter, id),
            ));
        }
        out.push_str("</pageList>\n");
    }
    out.push_str("</ncx>\n");
    out
}

/// Opens a `navPoint`; the caller closes it after its children.
fn nav_point(out: &mut String, entry: &TocEntry, layout: &Layout, order: usize) {
    out.push_str(&format!(
        "<navPoint id=\"nav-{order}\" playOrder=\"{order}\"><navLabel><text>{}</text></navLabel>\
         <content src=\"{}\"/>\n",
        xml::escaped(&entry.label()),
        xml::escaped_attr(&href(entry, layout))
    ));
}

fn descendants<'a>(entry: &'a TocEntry, out: &mut Vec<&'a TocEntry>) {
    for child in &entry.children {
        out.push(child);
        descendants(child, out);
    }
}

/// A nested `<ol>` of entries.
fn list(out: &mut String, entries: &[TocEntry], layout: &Layout) {
    out.push_str("<ol>\n");
    items(out, entries, layout);
    out.push_str("</ol>\n");
}

/// The `<li>` of each entry. An entry without text (a heading left empty)
/// would be a link no one can see or choose, which the navigation document
/// forbids: it is left out, and its children take its place.
fn items(out: &mut String, entries: &[TocEntry], layout: &Layout) {
    for entry in entries {
        let label = entry.label();
        if label.trim().is_empty() {
            items(out, &entry.children, layout);
            continue;
        }
        out.push_str(&format!(
            "<li><a href=\"{}\">{}</a>",
            xml::escaped_attr(&href(entry, layout)),
            xml::escaped(&label)
        ));
        if shows_any(&entry.children) {
            out.push('\n');
            list(out, &entry.children, layout);
        }
        out.push_str("</li>\n");
    }
}

/// Whether [`items`] writes anything for `entries`: an `<ol>` must hold
/// at least one item.
fn shows_any(entries: &[TocEntry]) -> bool {
    entries
        .iter()
        .any(|entry| !entry.label().trim().is_empty() || shows_any(&entry.children))
}

/// Where an entry points: a chapter's first file, or a heading inside the
/// file that holds it.
fn href(entry: &TocEntry, layout: &Layout) -> String {
    match entry.kind {
        TocKind::Part | TocKind::Chapter => layout.chapter_file(entry.chapter),
        _ => format!("{}#{}", layout.file_of(entry.chapter, &entry.id), entry.id),
    }
}
