//! Print production: the sample as a PDF/X-4 interior and as a PDF/A-2u
//! archive, read back with lopdf, qpdf and Ghostscript, clause by clause.
//!
//! qpdf and Ghostscript are required (`scripts/test` installs them); these
//! tests fail, never skip, when they are missing.

mod common;

use common::{TempBook, pdf_tool};
use lopdf::{Document, Object};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The sample manuscript copied into a temporary book with `pdf` as its
/// `[pdf]` table, built with `bindery build`.
fn sample_with(pdf: &str) -> TempBook {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("manuscript");
    let mut book = TempBook::bare();
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if name == "book.toml" {
            text.push_str("[pdf]\n");
            text.push_str(pdf);
        }
        book = book.with(&name, text);
    }
    book.assert_builds();
    book
}

/// The output of `book` whose name ends with `suffix`.
fn output(book: &TempBook, suffix: &str) -> PathBuf {
    std::fs::read_dir(book.out())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no output ending in {suffix}"))
}

fn dict<'a>(doc: &'a Document, object: &'a Object) -> &'a lopdf::Dictionary {
    match object {
        Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        Object::Dictionary(d) => d,
        other => panic!("not a dictionary: {other:?}"),
    }
}

fn xmp(doc: &Document) -> String {
    let catalog = doc.catalog().unwrap();
    let id = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
    assert!(
        stream.dict.get(b"Filter").is_err(),
        "the XMP is not filtered"
    );
    String::from_utf8(stream.content.clone()).unwrap()
}

/// The output intents: their kind and their profile's number of colours.
fn intents(doc: &Document) -> Vec<(Vec<u8>, i64, lopdf::ObjectId)> {
    let catalog = doc.catalog().unwrap();
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    intents
        .iter()
        .map(|intent| {
            let intent = dict(doc, intent);
            let profile = intent
                .get(b"DestOutputProfile")
                .unwrap()
                .as_reference()
                .unwrap();
            let stream = doc.get_object(profile).unwrap().as_stream().unwrap();
            let content = stream
                .decompressed_content()
                .unwrap_or(stream.content.clone());
            assert_eq!(&content[36..40], b"acsp", "an ICC profile");
            let n = stream.dict.get(b"N").unwrap().as_i64().unwrap();
            let kind = intent.get(b"S").unwrap().as_name().unwrap().to_vec();
            (kind, n, profile)
        })
        .collect()
}

/// Every page's content streams, decompressed, as text.
fn contents(doc: &Document) -> Vec<String> {
    doc.get_pages()
        .values()
        .map(|page| String::from_utf8_lossy(&doc.get_page_content(*page)).into_owned())
        .collect()
}

/// Runs Ghostscript over every page of `pdf`; fails on any warning or error.
pub fn assert_ghostscript_clean(pdf: &Path) {
    let outcome = pdf_tool(
        "gs",
        &[
            OsStr::new("-dBATCH"),
            OsStr::new("-dNOPAUSE"),
            OsStr::new("-dSAFER"),
            OsStr::new("-sDEVICE=nullpage"),
            OsStr::new("-q"),
            pdf.as_os_str(),
        ],
    );
    assert!(outcome.status.success(), "gs failed: {}", outcome.stderr);
    let said = format!("{}{}", outcome.stdout, outcome.stderr);
    assert!(said.trim().is_empty(), "gs warned about {pdf:?}:\n{said}");
}

fn assert_qpdf_clean(pdf: &Path) {
    let outcome = pdf_tool("qpdf", &[OsStr::new("--check"), pdf.as_os_str()]);
    assert!(outcome.status.success(), "{}", outcome.stdout);
    assert!(
        outcome
            .stdout
            .contains("No syntax or stream encoding errors"),
        "{}",
        outcome.stdout
    );
}

const PRINT: &str =
    "profile = \"print\"\nstandards = [\"pdf/x-4\"]\nbleed = \"0.125in\"\npaper = \"cream\"\n";

#[test]
fn the_print_interior_is_pdf_x_4() {
    let book = sample_with(PRINT);
    let pdf = output(&book, "ukraine.pdf");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-1.6"), "PDF/X-4 is PDF 1.6");
    let doc = Document::load_mem(&bytes).unwrap();
    // ISO 15930-7 6.2.3 (output intent), with an embedded grey profile.
    let intents = intents(&doc);
    assert_eq!(intents.len(), 1);
    assert_eq!(
        (intents[0].0.as_slice(), intents[0].1),
        (&b"GTS_PDFX"[..], 1)
    );
    // 6.2.2: identification in the information dictionary and the XMP.
    let info = dict(&doc, doc.trailer.get(b"Info").unwrap());
    assert_eq!(
        info.get(b"GTS_PDFXVersion").unwrap().as_str().unwrap(),
        b"PDF/X-4"
    );
    assert_eq!(info.get(b"Trapped").unwrap().as_name().unwrap(), b"False");
    let xmp = xmp(&doc);
    for property in [
        "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>",
        "<pdf:Trapped>False</pdf:Trapped>",
        "<xmpMM:DocumentID>uuid:",
        "<xmpMM:VersionID>1</xmpMM:VersionID>",
        "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>",
    ] {
        assert!(xmp.contains(property), "{property} in\n{xmp}");
    }
    // The standards named are the ones claimed: no PDF/UA-1 unless listed.
    assert!(!xmp.contains("pdfuaid:part"), "{xmp}");
    // 6.2.5: a trim and a bleed box on every page, the bleed 9 pt around.
    for id in doc.get_pages().into_values() {
        let (trim, bleed) = (box_of(&doc, id, b"TrimBox"), box_of(&doc, id, b"BleedBox"));
        let page = doc.get_dictionary(id).unwrap();
        assert_eq!(trim[2] - trim[0], 432.0);
        assert_eq!(bleed[2] - bleed[0], 432.0 + 18.0);
        // 6.6: no annotations, no actions.
        assert!(page.get(b"Annots").is_err() && page.get(b"AA").is_err());
    }
    let catalog = doc.catalog().unwrap();
    assert!(catalog.get(b"OpenAction").is_err() && catalog.get(b"AA").is_err());
    assert!(catalog.get(b"Names").is_err(), "no JavaScript name tree");
    // 6.2.4: no RGB anywhere: neither in the pages' operators nor as a space.
    for content in contents(&doc) {
        assert!(
            !content.contains(" rg\n") && !content.contains(" RG\n"),
            "{content}"
        );
        assert!(!content.contains(" K\n") && !content.contains(" k\n"));
    }
    assert!(!String::from_utf8_lossy(&bytes).contains("DeviceRGB"));
    assert_qpdf_clean(&pdf);
    assert_ghostscript_clean(&pdf);
}

#[test]
fn the_archive_is_pdf_a_2u() {
    let book = sample_with("standards = [\"pdf/a-2u\", \"pdf/ua-1\"]\n");
    let pdf = output(&book, "ukraine.pdf");
    let bytes = std::fs::read(&pdf).unwrap();
    let doc = Document::load_mem(&bytes).unwrap();
    // ISO 19005-2 6.2.3: one PDF/A output intent, an sRGB profile.
    let intents = intents(&doc);
    assert_eq!(intents.len(), 1);
    assert_eq!(
        (intents[0].0.as_slice(), intents[0].1),
        (&b"GTS_PDFA1"[..], 3)
    );
    // 6.6.2.1 and 6.6.4: the XMP unfiltered, with the identification, and
    // the PDF/UA schema declared as an extension (6.6.2.3).
    let xmp = xmp(&doc);
    for property in [
        "<pdfaid:part>2</pdfaid:part>",
        "<pdfaid:conformance>U</pdfaid:conformance>",
        "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>",
        "<pdfuaid:part>1</pdfuaid:part>",
        "<dc:title>",
    ] {
        assert!(xmp.contains(property), "{property} in\n{xmp}");
    }
    // 6.1.3: an id and no encryption.
    assert!(doc.trailer.get(b"ID").is_ok() && doc.trailer.get(b"Encrypt").is_err());
    // 6.2.11: every font embedded with a Unicode map (level u).
    let fonts = pdf_tool("pdffonts", &[pdf.as_os_str()]).stdout;
    for line in fonts.lines().skip(2) {
        let columns: Vec<&str> = line.split_whitespace().collect();
        let n = columns.len();
        assert_eq!(&columns[n - 5..n - 2], ["yes", "yes", "yes"], "{line}");
    }
    // 6.5.1 and 6.6.1: no external content, no JavaScript.
    let text = String::from_utf8_lossy(&bytes);
    for forbidden in ["/JavaScript", "/Launch", "/EmbeddedFiles", "/F (", "/XFA"] {
        assert!(!text.contains(forbidden), "{forbidden}");
    }
    assert_qpdf_clean(&pdf);
    assert_ghostscript_clean(&pdf);
}

#[test]
fn pdf_x_4_and_pdf_a_share_one_grey_profile_and_colour_images_turn_grey() {
    let png = {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, 2, 1);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&[255, 0, 0, 0, 0, 255]).unwrap();
        drop(writer);
        out
    };
    let book = TempBook::chapter("# One\n\nText.\n\n![A red and a blue dot](dots.png)\n")
        .with("dots.png", png)
        .with(
            "book.toml",
            format!(
                "{}[pdf]\nprofile = \"print\"\nstandards = [\"pdf/x-4\", \"pdf/a-2b\"]\n",
                common::BOOK_TOML
            ),
        );
    book.assert_builds();
    let pdf = output(&book, ".pdf");
    let doc = Document::load(&pdf).unwrap();
    let intents = intents(&doc);
    assert_eq!(intents.len(), 2);
    assert_eq!(intents[0].2, intents[1].2, "one profile for both intents");
    let images: Vec<_> = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image"))
        .collect();
    assert_eq!(images.len(), 1);
    let space = images[0]
        .dict
        .get(b"ColorSpace")
        .unwrap()
        .as_name()
        .unwrap();
    assert_eq!(space, b"DeviceGray");
    assert_ghostscript_clean(&pdf);
}

/// The first page's box `name`, as numbers.
fn page_box(doc: &Document, name: &[u8]) -> Vec<f32> {
    let page = doc.get_pages().into_values().next().unwrap();
    box_of(doc, page, name)
}

/// The box `name` of the page `page`, as numbers.
fn box_of(doc: &Document, page: lopdf::ObjectId, name: &[u8]) -> Vec<f32> {
    doc.get_dictionary(page)
        .unwrap()
        .get(name)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_float().unwrap())
        .collect()
}

#[test]
fn the_wrap_cover_is_sized_from_the_page_count_and_the_paper() {
    let book = sample_with(PRINT);
    let interior = Document::load(output(&book, "ukraine.pdf")).unwrap();
    let pages = interior.get_pages().len() as f32;
    let cover = output(&book, "-cover.pdf");
    let doc = Document::load(&cover).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
    // Bleed, back, spine, front, bleed: 2 × 0.125 + 2 × 6 + pages × 0.0025
    // inches by 9 + 2 × 0.125.
    let media = page_box(&doc, b"MediaBox");
    let width = (2.0 * 0.125 + 2.0 * 6.0 + pages * 0.0025) * 72.0;
    assert!((media[2] - width).abs() < 0.01, "{media:?} against {width}");
    assert!((media[3] - 9.25 * 72.0).abs() < 0.01, "{media:?}");
    let trim = page_box(&doc, b"TrimBox");
    assert_eq!(trim[0], 9.0);
    assert!((trim[2] - trim[0] - (width - 18.0)).abs() < 0.01);
    assert_eq!(page_box(&doc, b"BleedBox"), media);
    // The interior's standard, fonts embedded, the title as text.
    assert_eq!(intents(&doc)[0].0, b"GTS_PDFX");
    let fonts = pdf_tool("pdffonts", &[cover.as_os_str()]).stdout;
    assert!(fonts.lines().count() > 2, "{fonts}");
    for line in fonts.lines().skip(2) {
        assert!(line.contains(" yes yes yes "), "{line}");
    }
    let text = common::pdf_text(&cover);
    assert!(
        text.contains("European") && text.contains("Ukraine"),
        "{text}"
    );
    assert!(
        text.contains("frequently asked questions"),
        "the description on the back"
    );
    // Under 100 pages the spine carries nothing.
    for content in contents(&doc) {
        assert!(!content.contains("0 -1 1 0 "), "no turned text");
        assert!(!content.contains(" rg\n"), "no RGB");
    }
    assert_qpdf_clean(&cover);
    assert_ghostscript_clean(&cover);
}

#[test]
fn a_spine_of_100_pages_carries_the_title_and_a_long_description_is_found() {
    // Some 100 pages of text: a chapter per page.
    let mut book = TempBook::new();
    let paragraph = "Words of a long book, set to fill the pages. ".repeat(40);
    let mut chapters = Vec::new();
    for n in 0..100 {
        let name = format!("c{n:03}.md");
        book = book.with(&name, format!("# Chapter {n}\n\n{paragraph}\n"));
        chapters.push(format!("\"{name}\""));
    }
    let description = "A description far too long for a back cover. ".repeat(80);
    let toml = format!(
        "title = \"Spine\"\nlanguage = \"en\"\nauthors = [\"A. Writer\"]\n\
         description = \"{description}\"\nchapters = [{}]\n\
         [pdf]\nprofile = \"print\"\npaper = \"white\"\n",
        chapters.join(", ")
    );
    let book = book.with("book.toml", toml);
    book.assert_builds();
    let pages = Document::load(output(&book, "spine.pdf"))
        .unwrap()
        .get_pages()
        .len();
    assert!(pages >= 100, "{pages} pages");
    let cover = output(&book, "-cover.pdf");
    let doc = Document::load(&cover).unwrap();
    let media = page_box(&doc, b"MediaBox");
    let width = (12.0 + pages as f32 * 0.002_252) * 72.0;
    assert!((media[2] - width).abs() < 0.01, "{media:?} against {width}");
    let content = contents(&doc).concat();
    assert!(content.contains("0 -1 1 0 "), "the spine's text reads down");
    let text = common::pdf_text(&cover);
    assert!(text.contains("A. Writer"), "{text}");
    let findings = book.findings();
    let found = findings
        .iter()
        .find(|f| f.code == "cover-description-too-long")
        .expect("the long description is found");
    assert_eq!(
        found.file.as_deref(),
        Some(book.file("book.toml").as_path())
    );
    assert_eq!(found.line, Some(4));
    assert_ghostscript_clean(&cover);
}

/// The least x at which a text line starts on page `index` (0-based).
fn left_edge(doc: &Document, index: usize) -> f32 {
    let page = *doc.get_pages().values().nth(index).unwrap();
    let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
    content
        .lines()
        .filter_map(|line| line.strip_prefix("1 0 0 1 ")?.strip_suffix(" Tm"))
        .filter_map(|xy| xy.split(' ').next()?.parse::<f32>().ok())
        .fold(f32::MAX, f32::min)
}

#[test]
fn the_gutter_follows_the_page_count_unless_given() {
    // The sample has under 150 pages: KDP's 0.375 in gutter, on the first
    // body page (a right-hand page, the fifth).
    let book = sample_with("profile = \"print\"\n");
    let doc = Document::load(output(&book, "ukraine.pdf")).unwrap();
    assert!(doc.get_pages().len() <= 150);
    assert_eq!(left_edge(&doc, 4), 27.0);
    let book = sample_with("profile = \"print\"\ninside-margin = \"1in\"\n");
    let doc = Document::load(output(&book, "ukraine.pdf")).unwrap();
    assert_eq!(left_edge(&doc, 4), 72.0);
    // The screen profile keeps its margins.
    let book = sample_with("");
    let doc = Document::load(output(&book, "ukraine.pdf")).unwrap();
    assert_eq!(left_edge(&doc, 4), 63.0);
}

#[test]
fn kdp_gutter_steps() {
    use bindery::pdf::gutter;
    for (pages, inches) in [
        (24, 0.375),
        (150, 0.375),
        (151, 0.5),
        (300, 0.5),
        (301, 0.625),
        (500, 0.625),
        (501, 0.75),
        (700, 0.75),
        (701, 0.875),
        (828, 0.875),
    ] {
        assert_eq!(gutter(pages), inches * 72.0, "{pages} pages");
    }
}

/// An RGB PNG of `width` × `height` pixels, red.
fn red_png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer
        .write_image_data(&[255, 0, 0].repeat((width * height) as usize))
        .unwrap();
    drop(writer);
    out
}

/// A print book of one chapter `text`, with `pdf` added to its `[pdf]`.
fn print_book(text: &str, pdf: &str) -> TempBook {
    TempBook::chapter(text).with(
        "book.toml",
        format!("{}[pdf]\nprofile = \"print\"\n{pdf}", common::BOOK_TOML),
    )
}

/// The finding of `code` in `book`'s `bindery check --profile print`.
fn finding(book: &TempBook, code: &str) -> common::Finding {
    let outcome = book.run(&["check", "--profile", "print", "--format", "json"]);
    let findings = common::report_findings(&outcome);
    findings
        .into_iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {}", outcome.stdout))
}

#[test]
fn preflight_finds_a_low_resolution_colour_image_at_its_line() {
    // 150 pixels across, placed an inch or more wide: under 300 ppi.
    let book = print_book("# One\n\nText.\n\n![A red square](red.png)\n", "")
        .with("red.png", red_png(150, 150));
    let low = finding(&book, "low-resolution-image");
    assert_eq!((low.line, low.col), (Some(5), Some(1)));
    assert!(low.file.unwrap().ends_with("a.md"));
    assert!(
        low.message.contains("prints at 150 pixels an inch"),
        "{}",
        low.message
    );
    let colour = finding(&book, "colour-image");
    assert_eq!(colour.line, Some(5));
    assert!(
        colour.message.contains("printed in grey"),
        "{}",
        colour.message
    );
    // The same book's build warns too, for print.
    let outcome = book.assert_builds();
    assert!(outcome.stderr.contains("low-resolution") || outcome.stderr.contains("prints at"));
}

#[test]
fn preflight_finds_a_short_book_and_type_near_the_trim() {
    let book = print_book(
        "# One\n\nA few words.\n",
        "inside-margin = \"0.1in\"\noutside-margin = \"0.1in\"\n",
    );
    let count = finding(&book, "print-page-count");
    assert!(count.message.contains("KDP prints paperbacks of 24 to 828"));
    assert_eq!(count.line, Some(6), "at the profile's line");
    let outcome = book.run(&["check", "--profile", "print", "--format", "json"]);
    let live: Vec<_> = common::report_findings(&outcome)
        .into_iter()
        .filter(|f| f.code == "outside-live-area")
        .collect();
    assert!(!live.is_empty(), "{}", outcome.stdout);
    assert!(
        live.iter().any(|f| f.line == Some(7)),
        "inside-margin's line: {live:?}"
    );
    assert!(
        live.iter().any(|f| f.line == Some(8)),
        "outside-margin's line: {live:?}"
    );
    // The screen profile has no preflight.
    let outcome = book.run(&["check", "--profile", "screen", "--format", "json"]);
    assert!(
        !outcome.stdout.contains("print-page-count"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn preflight_finds_a_font_that_forbids_embedding() {
    // The built-in regular face with OpenType's fsType set to "restricted".
    let mut font =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/LinLibertine_R.otf"))
            .unwrap();
    let tables = u16::from_be_bytes([font[4], font[5]]) as usize;
    let os2 = (0..tables)
        .map(|i| 12 + 16 * i)
        .find(|at| &font[*at..at + 4] == b"OS/2")
        .map(|at| u32::from_be_bytes(font[at + 8..at + 12].try_into().unwrap()) as usize)
        .unwrap();
    font[os2 + 8..os2 + 10].copy_from_slice(&2u16.to_be_bytes());
    let book = print_book("# One\n\nText.\n", "fonts = { regular = \"locked.otf\" }\n")
        .with("locked.otf", font);
    let locked = finding(&book, "font-no-embedding");
    assert_eq!((locked.line, locked.col), (Some(7), Some(21)));
}

#[test]
fn a_cmyk_jpeg_is_refused_for_a_standard_without_a_cmyk_intent() {
    // An Adobe CMYK JPEG's structure: APP14, a frame of four components,
    // a scan with two bytes of coded data, the end.
    let jpeg = b"\xff\xd8\xff\xee\x00\x07Adobe\xff\xc0\x00\x14\x08\x00\x02\x00\x03\x04\
                 \x01\x11\x00\x02\x11\x00\x03\x11\x00\x04\x11\x00\
                 \xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x12\x34\xff\xd9";
    let book = print_book("# One\n\n![Ink](ink.jpg)\n", "").with("ink.jpg", jpeg);
    book.assert_build_fails("is a CMYK JPEG, and the PDF's standards have no CMYK intent");
    let refused = finding(&book, "cmyk-image");
    assert_eq!(refused.severity, "error");
    assert_eq!(refused.line, Some(3));
}

#[test]
fn pack_writes_the_cover_too_and_a_rebuild_gives_the_same_bytes() {
    let book = print_book("# One\n\nText.\n", "paper = \"0.0023in\"\n");
    book.assert_builds();
    let first = std::fs::read(output(&book, "-cover.pdf")).unwrap();
    std::fs::remove_dir_all(book.out()).unwrap();
    let out = book.out();
    let outcome = book.run(&["pack", "--out", out.to_str().unwrap()]);
    assert!(outcome.status.success(), "{}", outcome.stderr);
    let again = std::fs::read(output(&book, "-cover.pdf")).unwrap();
    assert_eq!(first, again);
    assert!(output(&book, "-reading-pack.zip").exists());
    // The screen profile has no wrap cover.
    let screen = TempBook::chapter("# One\n\nText.\n");
    screen.assert_builds();
    let names: Vec<_> = std::fs::read_dir(screen.out())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.to_str().unwrap().ends_with("-cover.pdf")),
        "{names:?}"
    );
}

#[test]
fn a_colour_jpeg_in_a_grey_interior_keeps_its_colours_in_srgb() {
    // A baseline JPEG's structure: a frame of three components, a scan
    // with two bytes of coded data, the end.
    let jpeg = b"\xff\xd8\xff\xc0\x00\x11\x08\x00\x02\x00\x03\x03\
                 \x01\x11\x00\x02\x11\x00\x03\x11\x00\
                 \xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00\x12\x34\xff\xd9";
    let book = print_book("# One\n\n![A photograph](photo.jpg)\n", "").with("photo.jpg", jpeg);
    book.assert_builds();
    let doc = Document::load(output(&book, "hostile.pdf")).unwrap();
    let image = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .find(|s| s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image"))
        .expect("the image is placed");
    let space = image.dict.get(b"ColorSpace").unwrap().as_array().unwrap();
    assert_eq!(space[0].as_name().unwrap(), b"ICCBased");
    let profile = doc.get_object(space[1].as_reference().unwrap()).unwrap();
    assert_eq!(
        profile
            .as_stream()
            .unwrap()
            .dict
            .get(b"N")
            .unwrap()
            .as_i64()
            .unwrap(),
        3
    );
    let colour = finding(&book, "colour-image");
    assert!(
        colour.message.contains("keeps its sRGB colours"),
        "{}",
        colour.message
    );
}
