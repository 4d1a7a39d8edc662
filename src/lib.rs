//! bindery binds a Markdown manuscript into an EPUB, a print-ready PDF and a
//! reading pack.
//!
//! The pipeline, each stage a plain function:
//! [`load`] reads the manuscript folder into a [`Manuscript`] (the
//! [`model::Book`] plus settings and images, and [`toc::build`]'s table of
//! contents, computed once), and the backends turn model and contents into
//! bytes. Only [`load`], [`output`] and the command line touch the file system.

pub mod check;
pub mod config;
pub mod cover;
pub mod date;
pub mod entities;
pub mod epub;
pub mod error;
pub mod faq;
pub mod highlight;
pub mod ids;
pub mod image;
pub mod init;
pub mod lang;
pub mod load;
pub mod markdown;
pub mod mdbook;
pub mod model;
pub mod output;
pub mod pack;
pub mod pages;
pub mod pdf;
pub mod store;
pub mod toc;
pub mod url;
pub mod workers;
pub mod zip;

pub use error::{Diagnostic, Error, Result};
pub use load::{Asset, Manuscript, load};

/// The longest stem in bytes: with `-reading-pack.zip` it stays well within
/// the 255 bytes a file name may have.
const MAX_STEM: usize = 200;

/// The name outputs are given: the slug of the book's title
/// (`output/<stem>.epub`, `output/<stem>.pdf`, `output/<stem>-reading-pack.zip`).
/// A slug is at most 60 letters, but a letter may take four bytes.
pub fn output_stem(book: &model::Book) -> String {
    let stem = ids::slug(&book.metadata.title);
    let mut stem = stem.strip_prefix("s-").map(str::to_string).unwrap_or(stem);
    if stem.len() > MAX_STEM {
        let cut = (0..=MAX_STEM)
            .rev()
            .find(|&i| stem.is_char_boundary(i))
            .unwrap_or(0);
        stem.truncate(cut);
    }
    stem
}

/// The pages of a PDF made in the same run, as the EPUB marks them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Print<'a> {
    /// For each page, its label and where in the model it starts.
    pub starts: &'a [pages::PageStart],
    /// The trimmed page's width and height, in points.
    pub page_size: (f32, f32),
}

impl<'a> From<&'a pdf::Output> for Print<'a> {
    fn from(pdf: &'a pdf::Output) -> Print<'a> {
        Print {
            starts: &pdf.page_map,
            page_size: pdf.page_size,
        }
    }
}

/// Builds the EPUB of a manuscript read from `dir`. `fonts` are embedded when
/// `[epub] embed-fonts` asks for it; `cover` is a PNG (see [`build_cover`]);
/// the pages of `print`, the PDF made in the same run, are marked unless
/// `[epub] page-list = false`. `source_date_epoch` is the
/// `SOURCE_DATE_EPOCH` variable when set (see [`date::source_time`]). Its
/// files are deflated through `store` (see [`store`]).
pub fn build_epub(
    manuscript: &Manuscript,
    dir: &std::path::Path,
    fonts: &pdf::fonts::FontFiles,
    cover: Option<&[u8]>,
    print: Option<Print<'_>>,
    source_date_epoch: Option<&str>,
    store: &store::Store,
) -> Result<epub::Epub> {
    use epub::{EmbeddedFont, FontRole};
    let roles = [
        FontRole::Regular,
        FontRole::Italic,
        FontRole::Bold,
        FontRole::BoldItalic,
        FontRole::Mono,
    ];
    let fonts = if manuscript.config.epub.embed_fonts {
        // The faces in their `FontFiles` order; the fallback face stays out.
        roles
            .into_iter()
            .zip(&fonts.faces)
            .map(|(role, bytes)| EmbeddedFont {
                role,
                bytes: bytes.to_vec(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let options = epub::EpubOptions {
        modified: book_time(manuscript, source_date_epoch)?,
        manuscript: dir.to_path_buf(),
        fonts,
        cover: cover.map(<[u8]>::to_vec),
        pages: print
            .filter(|_| manuscript.config.epub.page_list != Some(false))
            .map(|pdf| print_pages(&manuscript.book, pdf)),
        split_level: manuscript.config.split_level(),
        nav_depth: toc::nav_depth(&manuscript.book, manuscript.config.toc_depth()),
    };
    epub::epub(
        &manuscript.book,
        &manuscript.toc,
        &manuscript.assets,
        &options,
        store,
    )
}

/// The print pages of `pdf` for the EPUB, with a name for the edition.
fn print_pages(book: &model::Book, pdf: Print<'_>) -> epub::PrintPages {
    let inches = |pt: f32| format!("{}", (pt / 72.0 * 100.0).round() / 100.0);
    let source = format!(
        "{}, print edition: PDF of {} pages, {} × {} in",
        book.metadata.title,
        pdf.starts.len(),
        inches(pdf.page_size.0),
        inches(pdf.page_size.1)
    );
    epub::PrintPages {
        starts: pdf.starts.to_vec(),
        source,
    }
}

/// Typesets the PDF of a manuscript read from `dir`, in the given fonts.
/// `source_date_epoch` is as for [`build_epub`].
pub fn build_pdf(
    manuscript: &Manuscript,
    dir: &std::path::Path,
    fonts: pdf::fonts::FontFiles,
    source_date_epoch: Option<&str>,
) -> Result<pdf::Output> {
    let jobs = pdf::layout::Jobs::Auto;
    build_pdf_in_stages(
        manuscript,
        dir,
        fonts,
        source_date_epoch,
        jobs,
        &output::cache::Kept::none(),
        &|_| {},
        &|_| (),
    )
    .map(|(output, ())| output)
}

/// [`build_pdf`] with its chapters laid out on as many threads as `jobs`
/// says, reusing the chapter layouts and deflated streams `cache` holds
/// (see [`pdf::layout::cache`] and [`store`]), calling `started` as each
/// stage begins, for progress reports, and `beside` with the pages while
/// the file is written (see [`pdf::pdf_in_stages`]), handing back what it
/// gave: the EPUB, which marks the PDF's pages, is made there.
#[allow(clippy::too_many_arguments)]
pub fn build_pdf_in_stages<B: Send>(
    manuscript: &Manuscript,
    dir: &std::path::Path,
    fonts: pdf::fonts::FontFiles,
    source_date_epoch: Option<&str>,
    jobs: pdf::layout::Jobs,
    cache: &output::cache::Kept,
    started: &dyn Fn(pdf::Stage),
    beside: &(dyn Fn(Print<'_>) -> B + Sync),
) -> Result<(pdf::Output, B)> {
    let mut options = pdf::Options::from_config(&manuscript.config, fonts, dir.to_path_buf())?;
    options.time = book_time(manuscript, source_date_epoch)?;
    options.jobs = jobs;
    options.images = &manuscript.assets;
    options.cache = cache.layouts.as_ref();
    options.store = Some(&cache.store);
    options.pdf_ua =
        options.standards.pdf_ua && !manuscript.warnings.iter().any(check::blocks_pdf_ua);
    let page_size = (options.geometry.width, options.geometry.height);
    let (mut output, side) = pdf::pdf_in_stages(
        &manuscript.book,
        &manuscript.toc,
        &options,
        started,
        &|starts| beside(Print { starts, page_size }),
    )?;
    let config = &manuscript.config;
    for (finding, key) in std::mem::take(&mut output.at_key) {
        let place = Some(config.key_place(key));
        output.warnings.push(Diagnostic { place, ..finding });
    }
    if options.profile == config::Profile::Print {
        output
            .warnings
            .extend(check::font_embedding(config, &options.fonts));
    }
    Ok((output, side))
}

/// The wrap cover of the print profile's PDF (`<stem>-cover.pdf`), sized
/// from `interior`'s page count; `None` for the screen profile, which
/// has none. Its findings (a description too long for the back) are at
/// `book.toml`'s `description` line.
pub fn build_wrap_cover(
    manuscript: &Manuscript,
    dir: &std::path::Path,
    fonts: pdf::fonts::FontFiles,
    interior: &pdf::Output,
    source_date_epoch: Option<&str>,
) -> Result<Option<pdf::wrap::Cover>> {
    if manuscript.config.pdf.profile != Some(config::Profile::Print) {
        return Ok(None);
    }
    let mut options = pdf::Options::from_config(&manuscript.config, fonts, dir.to_path_buf())?;
    options.time = book_time(manuscript, source_date_epoch)?;
    let mut cover = pdf::wrap::cover(&manuscript.book, &options, interior.page_map.len())?;
    for warning in &mut cover.warnings {
        warning.place = Some(manuscript.config.key_place("description"));
    }
    Ok(Some(cover))
}

/// Draws the typographic cover in the book's regular and italic faces, or
/// takes it from `store` when an earlier build drew the same.
pub fn build_cover(
    manuscript: &Manuscript,
    fonts: &pdf::fonts::FontFiles,
    store: &store::Store,
) -> Result<Vec<u8>> {
    let faces = cover::CoverFonts {
        regular: &fonts.faces[0],
        italic: &fonts.faces[1],
    };
    cover::png_kept(&manuscript.book.metadata, faces, store)
}

/// Bundles a finished EPUB and PDF with the cover into the reading pack,
/// its text files deflated through `store`; `words` is the book's
/// [`pack::word_count`].
pub fn build_pack(
    manuscript: &Manuscript,
    words: usize,
    epub: &epub::Epub,
    pdf: &pdf::Output,
    cover_png: &[u8],
    store: &store::Store,
) -> Result<Vec<u8>> {
    let facts = pack::PdfFacts {
        pages: pdf.page_map.len(),
        width_pt: pdf.page_size.0,
        height_pt: pdf.page_size.1,
        pages_of: pdf.anchor_pages.clone(),
    };
    pack::pack(
        &pack::PackInput {
            book: &manuscript.book,
            words,
            toc: &manuscript.toc,
            stem: &output_stem(&manuscript.book),
            epub: &epub.bytes,
            pdf: &pdf.bytes,
            pdf_facts: &facts,
            cover_png,
        },
        store,
    )
}

/// The book's one clock (see [`date::source_time`]).
fn book_time(manuscript: &Manuscript, source_date_epoch: Option<&str>) -> Result<u64> {
    date::source_time(
        source_date_epoch,
        manuscript.config.date.as_ref().map(|d| *d.get_ref()),
    )
}

/// The model and its contents as pretty JSON, for `bindery dump`.
pub fn dump(book: &model::Book, toc: &toc::Toc) -> String {
    #[derive(serde::Serialize)]
    struct Dump<'a> {
        book: &'a model::Book,
        toc: &'a toc::Toc,
    }
    serde_json::to_string_pretty(&Dump { book, toc }).unwrap_or_default() + "\n"
}
