//! The EPUB backend: the model and its contents in, the bytes of an EPUB 3.3
//! (with an EPUB 2 `toc.ncx` for older readers) out.
//!
//! Every file of the book is written here from the model: the XHTML files
//! of each chapter ([`xhtml`]), cut at its headings into files of reading
//! size ([`split`]), the navigation document, the NCX and the in-book
//! contents page ([`nav`]), and the package document with its accessibility
//! metadata ([`package`]). The files are then zipped in a fixed order with
//! fixed times by [`crate::zip`], so the same manuscript always gives the same
//! bytes.

mod html;
mod nav;
mod package;
mod split;
mod xhtml;
mod xml;

use crate::error::{Diagnostic, Error, Place};
use crate::load::Asset;
use crate::model::{Book, Pos};
use crate::pages::PageStart;
use crate::store::Store;
use crate::toc::Toc;
use crate::zip::{self, Compression, Entry};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// Settings of one EPUB build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpubOptions {
    /// The time written as `dcterms:modified`, in seconds since 1970 (see
    /// [`crate::date::source_time`]). It is the only clock the backend reads.
    pub modified: u64,
    /// The manuscript folder, used only to name files in warnings the way the
    /// loader does.
    pub manuscript: PathBuf,
    /// Fonts to carry in the EPUB; none leaves the choice to the reader.
    pub fonts: Vec<EmbeddedFont>,
    /// The cover image as PNG bytes, shown first and named as the cover.
    pub cover: Option<Vec<u8>>,
    /// The print edition's pages, marked in the text and listed in a
    /// `page-list`; `None` leaves them out.
    pub pages: Option<PrintPages>,
    /// The heading level chapters are split into files at (1 to 3; see
    /// [`crate::config::EpubConfig::split_level`]).
    pub split_level: u8,
    /// How many heading levels the navigation document lists
    /// ([`crate::toc::nav_depth`]).
    pub nav_depth: u8,
}

/// The pages of the print edition built from the same model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintPages {
    /// Where each printed page starts, in page order.
    pub starts: Vec<PageStart>,
    /// What the page numbers are the pages of, for `pageBreakSource` and
    /// `dc:source`: a name of the print edition.
    pub source: String,
}

/// The cover image and the page that shows it, inside the package folder.
pub(crate) const COVER_IMAGE: &str = "cover.png";
pub(crate) const COVER_PAGE: &str = "cover.xhtml";

/// The page that shows the cover, full height, with the title as its text.
fn cover_page(book: &Book) -> String {
    let title = &book.metadata.title;
    let mut out = xml::head(
        &book.metadata.language,
        title,
        " epub:type=\"cover\" class=\"cover\"",
    );
    out.push_str(&format!(
        "<img role=\"doc-cover\" src=\"{COVER_IMAGE}\" alt=\"{}\"/>\n",
        xml::escaped_attr(&book.metadata.labels.cover_alt.fill(title))
    ));
    out.push_str(xml::FOOT);
    out
}

/// A font file carried in the EPUB and named in its style sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedFont {
    /// What the font sets.
    pub role: FontRole,
    /// The font file's bytes (TrueType, OpenType, WOFF or WOFF2).
    pub bytes: Vec<u8>,
}

/// The faces an EPUB can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontRole {
    /// Upright text.
    Regular,
    /// Emphasis.
    Italic,
    /// Strong emphasis and headings.
    Bold,
    /// Both.
    BoldItalic,
    /// Code.
    Mono,
}

impl EmbeddedFont {
    /// The file's media type and extension, from its first bytes.
    pub(crate) fn kind(&self) -> (&'static str, &'static str) {
        match self.bytes.get(..4) {
            Some(b"OTTO") => ("font/otf", "otf"),
            Some(b"wOFF") => ("font/woff", "woff"),
            Some(b"wOF2") => ("font/woff2", "woff2"),
            _ => ("font/ttf", "ttf"),
        }
    }

    /// The file's name inside the EPUB's package folder.
    pub(crate) fn href(&self) -> String {
        let name = match self.role {
            FontRole::Regular => "serif-regular",
            FontRole::Italic => "serif-italic",
            FontRole::Bold => "serif-bold",
            FontRole::BoldItalic => "serif-bold-italic",
            FontRole::Mono => "mono",
        };
        format!("fonts/{name}.{}", self.kind().1)
    }

    /// The `@font-face` rule naming the file.
    fn face_rule(&self) -> String {
        let (family, italic, bold) = match self.role {
            FontRole::Regular => (SERIF, false, false),
            FontRole::Italic => (SERIF, true, false),
            FontRole::Bold => (SERIF, false, true),
            FontRole::BoldItalic => (SERIF, true, true),
            FontRole::Mono => (MONO, false, false),
        };
        format!(
            "@font-face {{\n  font-family: \"{family}\";\n  font-style: {};\n  font-weight: {};\n  src: url(\"{}\");\n}}\n",
            if italic { "italic" } else { "normal" },
            if bold { "bold" } else { "normal" },
            self.href()
        )
    }
}

/// The family names the style sheet gives embedded fonts.
const SERIF: &str = "Book Serif";
const MONO: &str = "Book Mono";

/// The style sheet, with the embedded fonts' rules when there are any.
fn style_sheet(fonts: &[EmbeddedFont]) -> String {
    if fonts.is_empty() {
        return STYLE.to_string();
    }
    let mut css: String = fonts.iter().map(EmbeddedFont::face_rule).collect();
    css.push_str(STYLE);
    css.push_str(&format!(
        "\n/* The book's own fonts, which the reader may still override. */\n\
         body {{ font-family: \"{SERIF}\", serif; }}\n\
         code, pre, kbd, samp {{ font-family: \"{MONO}\", monospace; }}\n"
    ));
    css
}

/// A finished EPUB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Epub {
    /// The bytes of the `.epub` file.
    pub bytes: Vec<u8>,
    /// What was noticed while writing it (raw HTML that was changed, images
    /// without alternative text, accessibility claims left out).
    pub warnings: Vec<Diagnostic>,
}

/// Builds the EPUB of `book`. `assets` are the images the loader read, keyed
/// by the path written in the Markdown; the files are deflated through
/// `store`.
pub fn epub(
    book: &Book,
    toc: &Toc,
    assets: &BTreeMap<String, Asset>,
    options: &EpubOptions,
    store: &Store,
) -> Result<Epub, Error> {
    let mut layout = Layout::new(book, assets, options.pages.as_ref());
    // The printed pages that start in each chapter, in one pass: a long
    // book has thousands of pages and hundreds of chapters.
    let mut starts: Vec<Vec<&PageStart>> = vec![Vec::new(); book.chapters.len()];
    for start in options.pages.iter().flat_map(|p| &p.starts) {
        if let Some(pages) = start.chapter.and_then(|c| starts.get_mut(c)) {
            pages.push(start);
        }
    }
    // Each chapter is drafted and planned alone, on the build's threads
    // (`crate::workers`); its facts and warnings are then taken in book
    // order, the drafts' before the plans', so they do not depend on the
    // threads.
    let pages_of: Vec<(usize, Vec<&PageStart>)> = starts.into_iter().enumerate().collect();
    let drafted = crate::workers::map(&pages_of, |(index, breaks)| {
        let mut facts = xhtml::Facts::default();
        let (mut drafting, mut planning) = (Vec::new(), Vec::new());
        let draft = xhtml::draft(
            book,
            *index,
            breaks.clone(),
            &layout,
            &options.manuscript,
            &mut facts,
            &mut drafting,
        );
        let plan = split::plan(
            &draft,
            options.split_level,
            &book.chapters[*index],
            &options.manuscript,
            &mut planning,
        );
        (draft, plan, facts, drafting, planning)
    });
    let mut facts = xhtml::Facts::default();
    let (mut warnings, mut planning) = (Vec::new(), Vec::new());
    let mut drafts = Vec::with_capacity(drafted.len());
    let mut plans = Vec::with_capacity(drafted.len());
    for (draft, plan, found, drafted, planned) in drafted {
        facts.add(&found);
        warnings.extend(drafted);
        planning.extend(planned);
        drafts.push(draft);
        plans.push(plan);
    }
    warnings.extend(planning);
    layout.place(&drafts, &plans);
    let pieces: Vec<(usize, (&split::Draft, &split::Plan))> =
        drafts.iter().zip(&plans).enumerate().collect();
    let chapters: Vec<Vec<String>> = crate::workers::map(&pieces, |(index, (draft, plan))| {
        xhtml::files(book, *index, draft, plan, &layout)
    });
    drop(pieces);
    drop(drafts);
    let identifier = package::identifier(&book.metadata);
    let page_source = options.pages.as_ref().map(|p| p.source.as_str());
    let a11y = package::Accessibility::assess(
        book,
        &facts,
        options.cover.is_some(),
        page_source,
        &options.manuscript,
        &mut warnings,
    );

    let mut entries = vec![
        Entry {
            name: "mimetype".to_string(),
            bytes: Cow::Borrowed(b"application/epub+zip"),
            compression: Compression::Stored,
        },
        deflated("META-INF/container.xml", CONTAINER.to_string()),
        deflated(
            &format!("{ROOT}/{}", package::FILE),
            package::document(book, &layout, &identifier, &a11y, options),
        ),
        deflated(
            &format!("{ROOT}/{}", nav::FILE),
            nav::document(
                book,
                &crate::toc::build(book, options.nav_depth),
                &layout,
                options,
            ),
        ),
        deflated(
            &format!("{ROOT}/{}", nav::NCX_FILE),
            nav::ncx(book, toc, &layout, &identifier, options.pages.as_ref()),
        ),
        deflated(&format!("{ROOT}/{STYLE_FILE}"), style_sheet(&options.fonts)),
        deflated(
            &format!("{ROOT}/{}", nav::CONTENTS_FILE),
            nav::contents_page(book, toc, &layout),
        ),
    ];
    for (index, files) in chapters.into_iter().enumerate() {
        for (file, text) in files.into_iter().enumerate() {
            entries.push(deflated(
                &format!("{ROOT}/{}", layout.file(index, file)),
                text,
            ));
        }
    }
    if let Some(cover) = &options.cover {
        entries.push(deflated(&format!("{ROOT}/{COVER_PAGE}"), cover_page(book)));
        entries.push(Entry {
            name: format!("{ROOT}/{COVER_IMAGE}"),
            bytes: Cow::Borrowed(cover),
            compression: Compression::Stored,
        });
    }
    for font in &options.fonts {
        entries.push(Entry {
            name: format!("{ROOT}/{}", font.href()),
            bytes: Cow::Borrowed(&font.bytes),
            compression: Compression::Deflated,
        });
    }
    for image in layout.images.values() {
        entries.push(Entry {
            name: format!("{ROOT}/{}", image.href),
            bytes: Cow::Borrowed(&image.bytes),
            compression: Compression::Stored,
        });
    }
    Ok(Epub {
        bytes: zip::write(&entries, store)?,
        warnings,
    })
}

/// The folder inside the zip holding the package; `META-INF/container.xml`
/// points at the package document in it.
const ROOT: &str = "EPUB";

/// The style sheet every XHTML file links to.
const STYLE_FILE: &str = "style.css";

/// The e-reader style sheet.
const STYLE: &str = include_str!("style.css");

/// The OCF container file naming the package document.
const CONTAINER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"#;

fn deflated(name: &str, text: String) -> Entry<'static> {
    Entry {
        name: name.to_string(),
        bytes: Cow::Owned(text.into_bytes()),
        compression: Compression::Deflated,
    }
}

/// Where each part of the book lives inside the package, decided once so
/// links, the manifest and the navigation agree.
struct Layout {
    /// Images by the path written in the Markdown.
    images: BTreeMap<String, Image>,
    /// How many chapters there are, for the width of file numbers.
    chapters: usize,
    /// The id of each print page's page-break marker, by the page's label.
    page_ids: BTreeMap<String, String>,
    /// How many files each chapter is written as, once they are planned.
    files: Vec<usize>,
    /// The file of its chapter each heading, page marker and note is in,
    /// by its id (ids are unique in the book), when it is not the first.
    places: HashMap<String, usize>,
}

/// An image copied into the package.
struct Image {
    /// The path inside the package folder, such as `images/image-01.png`.
    href: String,
    /// The manifest id.
    id: String,
    /// The media type found from the file's bytes.
    media_type: &'static str,
    /// The file's bytes.
    bytes: Vec<u8>,
}

impl Layout {
    fn new(book: &Book, assets: &BTreeMap<String, Asset>, pages: Option<&PrintPages>) -> Layout {
        let images = assets
            .iter()
            .enumerate()
            .map(|(index, (src, asset))| {
                let extension = match asset.media_type {
                    "image/jpeg" => "jpg",
                    "image/gif" => "gif",
                    "image/webp" => "webp",
                    "image/svg+xml" => "svg",
                    _ => "png",
                };
                let id = format!("image-{:02}", index + 1);
                let image = Image {
                    href: format!("images/{id}.{extension}"),
                    id,
                    media_type: asset.media_type,
                    bytes: asset.bytes.clone(),
                };
                (src.clone(), image)
            })
            .collect();
        // `page-12`, unless the manuscript has that id already (`## Page 12`
        // or `{#page-12}`): then the first free `page-12-2`, `page-12-3`, ….
        let mut ids = crate::ids::taken(book);
        let page_ids = pages
            .iter()
            .flat_map(|pages| &pages.starts)
            .filter(|start| start.chapter.is_some())
            .map(|start| {
                (
                    start.label.clone(),
                    ids.unique(&format!("page-{}", start.label)),
                )
            })
            .collect();
        Layout {
            images,
            chapters: book.chapters.len(),
            page_ids,
            files: Vec::new(),
            places: HashMap::new(),
        }
    }

    /// Takes the chapters' files from their plans, and the file each id
    /// is in.
    fn place(&mut self, drafts: &[split::Draft], plans: &[split::Plan]) {
        self.files = plans.iter().map(|plan| plan.starts.len()).collect();
        for (draft, plan) in drafts.iter().zip(plans) {
            if plan.starts.len() == 1 {
                continue;
            }
            for (id, at) in &draft.places {
                let file = plan.file_of(*at, draft);
                if file > 0 {
                    self.places.insert(id.clone(), file);
                }
            }
            for (note, &file) in draft.notes.iter().zip(&plan.notes) {
                if file > 0 {
                    self.places.insert(note.id.clone(), file);
                }
            }
        }
    }

    /// How many files chapter `index` is written as.
    fn file_count(&self, index: usize) -> usize {
        self.files.get(index).copied().unwrap_or(1)
    }

    /// The file of chapter `chapter` that holds `id`.
    fn file_of(&self, chapter: usize, id: &str) -> String {
        self.file(chapter, self.places.get(id).copied().unwrap_or(0))
    }

    /// The address of `anchor` in chapter `chapter` (of its start when
    /// `None`), from file `file` of chapter `from`.
    fn href(&self, from: (usize, usize), chapter: usize, anchor: Option<&str>) -> String {
        match anchor {
            Some(anchor) => {
                let file = self.places.get(anchor).copied().unwrap_or(0);
                if (chapter, file) == from {
                    format!("#{anchor}")
                } else {
                    format!("{}#{anchor}", self.file(chapter, file))
                }
            }
            None => self.chapter_file(chapter),
        }
    }

    /// The id of the page-break marker of the print page labelled `label`.
    fn page_id(&self, label: &str) -> &str {
        self.page_ids.get(label).map_or("", String::as_str)
    }

    /// The first file of chapter `index`.
    fn chapter_file(&self, index: usize) -> String {
        self.file(index, 0)
    }

    /// File `file` of chapter `index`: `chapter-03.xhtml`, then
    /// `chapter-03-2.xhtml`, …; ASCII-only names, so every reading system
    /// and zip tool copes with them.
    fn file(&self, index: usize, file: usize) -> String {
        format!("{}.xhtml", self.item(index, file))
    }

    /// The manifest id of file `file` of chapter `index`.
    fn item(&self, index: usize, file: usize) -> String {
        let width = self.chapters.to_string().len().max(2);
        match file {
            0 => format!("chapter-{:0width$}", index + 1),
            _ => format!("chapter-{:0width$}-{}", index + 1, file + 1),
        }
    }
}

/// A warning about a place in a chapter file.
fn warning(
    manuscript: &std::path::Path,
    file: &std::path::Path,
    pos: Pos,
    code: &'static str,
    message: String,
    hint: &str,
) -> Diagnostic {
    let place = Place::at(manuscript.join(file), pos.line, pos.col);
    Diagnostic::warning(code, Some(place), message).with_hint(hint)
}
