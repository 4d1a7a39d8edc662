//! The sample book's PDF, checked with the tools a printer would use:
//! pdffonts (every font embedded, subset, with a Unicode map), pdftotext
//! (every word of the manuscript comes back, in order) and qpdf (no
//! structural error); and a rebuild gives the same bytes.
//!
//! poppler-utils and qpdf are required: `.ci/run` installs them, and these
//! tests fail (they do not skip) when they are missing.

use bindery::model::{Block, BlockKind, Book, ChapterBody, Inline};
use bindery::pdf::layout::Geometry;
use bindery::pdf::{Options, Output, pdf};
use std::path::{Path, PathBuf};
use std::process::Command;

fn manuscript_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("manuscript")
}

fn build(dir: &Path) -> (Book, Output) {
    let manuscript = bindery::load(dir).expect("the manuscript loads");
    let toc = bindery::toc::build(&manuscript.book, manuscript.config.toc_depth());
    let options = Options {
        source_dir: dir.to_path_buf(),
        ..Options::default()
    };
    let output = pdf(&manuscript.book, &toc, &options).expect("the PDF is written");
    (manuscript.book, output)
}

/// Runs a tool on a PDF file and returns its standard output; panics with an
/// install hint when the tool is missing.
fn run(tool: &str, args: &[&str], pdf: &Path) -> (bool, String) {
    let output = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {tool} ({e}); install it with \
                 `apt-get install -y poppler-utils qpdf` (.ci/run does)"
            )
        });
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn sample_pdf() -> (Book, Output, tempfile::TempDir, PathBuf) {
    let (book, output) = build(&manuscript_dir());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.pdf");
    std::fs::write(&path, &output.bytes).unwrap();
    (book, output, dir, path)
}

#[test]
fn every_font_is_embedded_and_subset_with_a_unicode_map() {
    let (_, _, _dir, path) = sample_pdf();
    let (ok, listing) = run("pdffonts", &[], &path);
    assert!(ok, "pdffonts failed:\n{listing}");
    let fonts: Vec<&str> = listing.lines().skip(2).collect();
    assert!(
        fonts.len() >= 3,
        "expected the regular, italic and bold faces:\n{listing}"
    );
    for line in fonts {
        // name type… encoding emb sub uni object ID: the three flags sit
        // just before the object number and generation.
        let fields: Vec<&str> = line.split_whitespace().collect();
        let flags = &fields[fields.len() - 5..fields.len() - 2];
        assert_eq!(flags, ["yes", "yes", "yes"], "{line}");
        assert!(fields[0].contains('+'), "no subset tag: {line}");
    }
}

#[test]
fn qpdf_finds_no_error() {
    let (_, _, _dir, path) = sample_pdf();
    let (ok, report) = run("qpdf", &["--check"], &path);
    assert!(ok, "qpdf --check failed:\n{report}");
    assert!(
        report.contains("No syntax or stream encoding errors"),
        "{report}"
    );
}

#[test]
fn every_word_of_the_manuscript_comes_back_in_order() {
    let (book, output, _dir, path) = sample_pdf();
    // -raw keeps the content stream's order and every hyphen (the default
    // mode joins lines ending in a hyphen itself, losing explicit ones).
    // Only the body pages are read (the front matter repeats titles), and
    // only the text block: the running heads and folios above it are cut off.
    let first = first_body_page(&output);
    let g = Geometry::default();
    let (top, height) = (g.top - 4.0, g.height - g.top - g.bottom + 8.0);
    let crop = [
        "-f".to_string(),
        first.to_string(),
        "-x".to_string(),
        "0".to_string(),
        "-y".to_string(),
        format!("{top}"),
        "-W".to_string(),
        format!("{}", g.width),
        "-H".to_string(),
        format!("{height}"),
    ];
    let mut args: Vec<&str> = vec!["-raw"];
    args.extend(crop.iter().map(String::as_str));
    let (ok, text) = run("pdftotext", &args, &path);
    assert!(ok, "pdftotext failed");
    let expected = manuscript_words(&book);
    let lines: Vec<Vec<String>> = text.lines().map(words).collect();
    // The words of the PDF, with a word hyphenated at a line's end joined to
    // its rest on the next line: with the hyphen if the manuscript has it
    // (an explicit hyphen), without it otherwise.
    let mut found: Vec<String> = Vec::new();
    // The last word of the previous line when it may continue on this one,
    // and the ways to join it: with or without its final hyphen.
    let mut carry: Option<(String, Vec<String>)> = None;
    for line in &lines {
        let mut line = line.clone();
        if let Some((word, joins)) = carry.take() {
            if line.is_empty() {
                found.push(word);
            } else {
                let tail = line.remove(0);
                let joined = joins
                    .iter()
                    .map(|head| format!("{head}{tail}"))
                    .find(|w| expected.contains(w));
                match joined {
                    Some(w) => found.push(w),
                    None => found.extend([word, tail]),
                }
            }
        }
        if let Some(last) = line.last()
            && last.chars().count() > 1
            && last.ends_with(['-', '—', '–', '/'])
        {
            let word = line.pop().unwrap_or_default();
            let mut joins = vec![word.clone()];
            if let Some(stem) = word.strip_suffix('-') {
                joins.insert(0, stem.to_string());
            }
            carry = Some((word, joins));
        }
        found.extend(line);
    }
    found.extend(carry.map(|(word, _)| word));
    // Every manuscript word in order; the PDF may add list markers, numbers
    // of questions and notes. (The sample has no footnotes: notes at the
    // foot of a page would come between the words of the text.)
    let mut at = 0;
    for (index, word) in expected.iter().enumerate() {
        match found[at..].iter().position(|w| w == word) {
            Some(offset) if offset <= 3 => at += offset + 1,
            _ => panic!(
                "word {index} “{word}” is missing from the PDF text near: {:?}",
                &found[at..(at + 12).min(found.len())]
            ),
        }
    }
}

#[test]
fn the_sample_has_no_overfull_lines_and_no_long_hyphen_runs() {
    let (_, output, _, _) = sample_pdf();
    assert_eq!(output.quality.lines.overfull, 0, "{}", output.quality);
    assert!(
        output.quality.lines.longest_hyphen_run <= 2,
        "{}",
        output.quality
    );
    assert!(output.quality.lines.count > 100, "{}", output.quality);
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
}

#[test]
fn rebuilding_gives_the_same_bytes() {
    let (_, first) = build(&manuscript_dir());
    let (_, second) = build(&manuscript_dir());
    assert!(first.bytes == second.bytes, "two builds differ");
}

#[test]
fn characters_no_font_has_are_reported_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "book.toml",
        "title = \"T\"\nlanguage = \"en\"\n",
    );
    write(
        dir.path(),
        "one.md",
        "# One\n\nPlain text.\n\nA face \u{1F600} here.\n",
    );
    let (_, output) = build(dir.path());
    let messages: Vec<String> = output.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("one.md:5:1"), "{messages:?}");
    assert!(messages[0].contains("U+1F600"), "{messages:?}");
    assert!(messages[0].contains('\u{1F600}'), "{messages:?}");
}

/// The 1-based number of the first page of the first chapter.
fn first_body_page(output: &Output) -> usize {
    output
        .page_map
        .iter()
        .position(|p| p.chapter.is_some())
        .expect("the book has a chapter")
        + 1
}

/// The words of the manuscript in reading order, as the PDF sets them:
/// titles, blocks, and each chapter's notes at its end.
fn manuscript_words(book: &Book) -> Vec<String> {
    let mut text = String::new();
    for chapter in &book.chapters {
        push_inlines(&chapter.title, &mut text);
        match &chapter.body {
            ChapterBody::Prose { blocks } => push_blocks(blocks, &mut text),
            ChapterBody::Faq(faq) => {
                push_blocks(&faq.intro, &mut text);
                for group in &faq.groups {
                    if let Some(heading) = &group.heading {
                        push_inlines(&heading.content, &mut text);
                    }
                    push_blocks(&group.intro, &mut text);
                    for question in &group.questions {
                        push_inlines(&question.heading.content, &mut text);
                        push_blocks(&question.answer, &mut text);
                    }
                }
            }
        }
        for note in &chapter.footnotes {
            push_blocks(&note.blocks, &mut text);
        }
    }
    words(&text)
}

fn push_inlines(inlines: &[Inline], out: &mut String) {
    out.push_str(&Inline::plain_text(inlines));
    out.push('\n');
}

fn push_blocks(blocks: &[Block], out: &mut String) {
    for block in blocks {
        match &block.kind {
            BlockKind::Heading(h) => push_inlines(&h.content, out),
            BlockKind::Paragraph { content } => push_inlines(content, out),
            BlockKind::BlockQuote { blocks } => push_blocks(blocks, out),
            BlockKind::List(list) => {
                for item in &list.items {
                    push_blocks(&item.blocks, out);
                }
            }
            BlockKind::CodeBlock { text, .. } => out.push_str(text),
            BlockKind::Html { html } => out.push_str(html),
            BlockKind::Table(table) => {
                for cell in table.head.iter().chain(table.rows.iter().flatten()) {
                    push_inlines(cell, out);
                }
            }
            BlockKind::ThematicBreak => {}
        }
    }
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// Text with every run of white space made one space.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn contents_page_numbers_are_where_the_headings_are() {
    let (_, output, _dir, path) = sample_pdf();
    let first = first_body_page(&output);
    // The contents sit on the front matter's pages; read them as one text.
    let (ok, contents) = run(
        "pdftotext",
        &["-raw", "-f", "1", "-l", &(first - 1).to_string()],
        &path,
    );
    assert!(ok, "pdftotext failed");
    let contents = squeeze(&contents);
    let start = contents.find("Contents").expect("a contents page") + "Contents".len();
    let mut at = start;
    let toc = bindery::toc::build(
        &bindery::load(&manuscript_dir()).unwrap().book,
        bindery::config::DEFAULT_TOC_DEPTH,
    );
    let entries = toc.flatten();
    assert!(entries.len() > 5, "{entries:?}");
    for (_, entry) in entries {
        let label = squeeze(&entry.label());
        let found = contents[at..]
            .find(&label)
            .unwrap_or_else(|| panic!("“{label}” is not in the contents: {}", &contents[at..]));
        at += found + label.len();
        // Past the leader dots, the page number.
        let rest = contents[at..].trim_start_matches([' ', '.']);
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let number: usize = digits
            .parse()
            .unwrap_or_else(|_| panic!("no page number after “{label}”: {rest:.40}"));
        at = contents.len() - rest.len() + digits.len();
        // Body page n is the PDF's page first + n − 1.
        let page = (first + number - 1).to_string();
        let (ok, text) = run("pdftotext", &["-raw", "-f", &page, "-l", &page], &path);
        assert!(ok, "pdftotext failed");
        assert!(
            squeeze(&text).contains(&squeeze(&entry.title)),
            "“{}” is listed on page {number} but is not there",
            entry.title
        );
    }
}

/// Writes a generated book of `chapters` chapters of varied paragraphs,
/// sections and footnotes into `dir`.
fn generate_book(dir: &Path, chapters: usize, paragraphs: usize) {
    let words = [
        "the",
        "resistance",
        "of",
        "Europe",
        "to",
        "plans",
        "is",
        "a",
        "question",
        "and",
        "strategic",
        "autonomy",
        "which",
        "in",
        "negotiations",
        "remains",
        "uncertain",
        "for",
        "sanctions",
        "diplomacy",
        "Ukraine",
        "war",
        "security",
        "alliance",
        "between",
        "leaders",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        seed.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut names = Vec::new();
    for c in 0..chapters {
        let name = format!("{c:03}.md");
        let mut text = format!("# Chapter {c}\n\n");
        let mut notes = String::new();
        for p in 0..paragraphs {
            if p % 9 == 8 {
                text.push_str(&format!("## Section {c}.{p}\n\n"));
            }
            // Mostly long paragraphs, some of one to four lines: the lengths
            // that make widows and orphans.
            let length = match next() % 4 {
                0 => 5 + next() % 40,
                _ => 40 + next() % 160,
            };
            let mut paragraph: Vec<&str> = (0..length)
                .map(|_| words[(next() % words.len() as u64) as usize])
                .collect();
            paragraph[0] = "Then";
            text.push_str(&paragraph.join(" "));
            if p % 13 == 5 {
                text.push_str(&format!("[^n{p}]"));
                notes.push_str(&format!(
                    "[^n{p}]: A note on {} with some words of comment.\n\n",
                    paragraph[1]
                ));
            }
            text.push_str(".\n\n");
        }
        text.push_str(&notes);
        std::fs::write(dir.join(&name), text).unwrap();
        names.push(format!("\"{name}\""));
    }
    write(
        dir,
        "book.toml",
        format!(
            "title = \"Generated\"\nlanguage = \"en\"\nchapters = [{}]\n",
            names.join(", ")
        ),
    );
}

#[test]
fn a_generated_300_page_book_has_no_widows_or_orphans() {
    use bindery::pdf::layout::Item;
    let dir = tempfile::tempdir().unwrap();
    generate_book(dir.path(), 12, 100);
    let (book, laid) = laid_out(dir.path());
    let pages = laid.pages.len();
    assert!(pages >= 300, "only {pages} pages");
    assert_eq!(laid.quality.pages.widows, 0, "{}", laid.quality);
    assert_eq!(laid.quality.pages.orphans, 0, "{}", laid.quality);
    assert_eq!(laid.quality.lines.overfull, 0, "{}", laid.quality);
    // Every section heading has at least two lines of text under it on its page.
    let sections: Vec<String> = book
        .chapters
        .iter()
        .flat_map(|c| match &c.body {
            ChapterBody::Prose { blocks } => blocks.clone(),
            ChapterBody::Faq(_) => Vec::new(),
        })
        .filter_map(|b| match b.kind {
            BlockKind::Heading(h) => Some(h.id),
            _ => None,
        })
        .collect();
    assert!(sections.len() > 100, "{}", sections.len());
    for page in &laid.pages {
        for item in &page.items {
            let Item::Anchor { id, y } = item else {
                continue;
            };
            if !sections.contains(id) {
                continue;
            }
            let mut below: Vec<u32> = page
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Text { y: baseline, .. } if baseline > y => Some(baseline.round() as u32),
                    _ => None,
                })
                .collect();
            below.dedup();
            assert!(
                below.len() >= 3,
                "heading {id} is left with {} lines",
                below.len()
            );
        }
    }
}

/// The PDF of a manuscript read from `dir`, as `bindery pdf` makes it,
/// with a fixed clock.
fn built(manuscript: &bindery::Manuscript, dir: &Path) -> Output {
    let fonts = bindery::pdf::fonts::FontFiles::default();
    bindery::build_pdf(manuscript, dir, fonts, Some("0")).unwrap()
}

/// Writes one file of a test manuscript.
fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), contents).unwrap();
}

/// Lays out the manuscript in `dir` with the default options.
fn laid_out(dir: &Path) -> (Book, bindery::pdf::layout::Laid) {
    laid_out_with(dir, &Options::default())
}

/// Lays out the manuscript in `dir`.
fn laid_out_with(dir: &Path, options: &Options) -> (Book, bindery::pdf::layout::Laid) {
    use bindery::pdf::fonts::{FontFiles, Fonts};
    use bindery::pdf::text::Typesetter;
    use bindery::pdf::text::hyphenate::Hyphenator;
    let manuscript = bindery::load(dir).unwrap();
    let book = manuscript.book;
    let toc = bindery::toc::build(&book, 3);
    let files = FontFiles::default();
    let mut ts = Typesetter::new(Fonts::new(&files).unwrap(), Hyphenator::new("en"));
    let laid = bindery::pdf::layout::layout(&book, &toc, &mut ts, &options.layout(&book), None);
    (book, laid)
}

#[test]
fn layout_marks_anchors_links_labels_and_the_page_map() {
    use bindery::pdf::layout::{Item, LabelStyle, LinkTarget};
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "book.toml",
        "title = \"T\"\nlanguage = \"en\"\nchapters = [\"one.md\", \"two.md\"]\n",
    );
    write(
        dir.path(),
        "one.md",
        "# One\n\nRead [the treaty](https://example.org/t) and [chapter two](two.md), \
         then a note.[^a]\n\n[^a]: The note.\n",
    );
    write(dir.path(), "two.md", "# Two\n\n## A section\n\nText.\n");
    let (book, laid) = laid_out(dir.path());
    let book = &book;
    let toc = bindery::toc::build(book, 3);
    let items: Vec<&Item> = laid.pages.iter().flat_map(|p| &p.items).collect();
    let anchors: Vec<&str> = items
        .iter()
        .filter_map(|i| match i {
            Item::Anchor { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    for (_, entry) in toc.flatten() {
        assert!(
            anchors.contains(&entry.id.as_str()),
            "{} {anchors:?}",
            entry.id
        );
    }
    let note = &book.chapters[0].footnotes[0];
    assert!(anchors.contains(&note.id.as_str()), "{anchors:?}");
    let links: Vec<(&LinkTarget, f32)> = items
        .iter()
        .filter_map(|i| match i {
            Item::Link { target, width, .. } => Some((target, *width)),
            _ => None,
        })
        .collect();
    let to = |t: LinkTarget| links.iter().filter(|(l, _)| **l == t).count();
    assert_eq!(
        to(LinkTarget::External("https://example.org/t".into())),
        1,
        "{links:?}"
    );
    assert_eq!(
        to(LinkTarget::Internal(book.chapters[1].id.clone())),
        2,
        "{links:?}"
    );
    assert_eq!(to(LinkTarget::Internal(note.id.clone())), 1, "{links:?}");
    // The text link covers its words, not the line.
    let (_, width) = links
        .iter()
        .find(|(t, _)| matches!(t, LinkTarget::External(_)))
        .unwrap();
    assert!(*width > 20.0 && *width < 80.0, "{width}");
    assert_eq!(laid.labels.len(), 2);
    assert_eq!(laid.labels[1].style, LabelStyle::Arabic);
    let first = laid.labels[1].first_page;
    assert_eq!(laid.page_map[first].label, "1");
    assert_eq!(laid.page_map[first].chapter, Some(0));
    assert_eq!(laid.page_map[0].label, "i");
    assert!(
        first.is_multiple_of(2),
        "the body starts on a right-hand page"
    );
}

#[test]
fn recto_chapters_open_on_right_hand_pages() {
    let dir = tempfile::tempdir().unwrap();
    generate_book(dir.path(), 6, 13);
    let options = Options {
        recto_chapters: true,
        ..Options::default()
    };
    let (book, laid) = laid_out_with(dir.path(), &options);
    let openings: Vec<usize> = laid
        .page_map
        .iter()
        .enumerate()
        .filter(|(n, p)| {
            p.chapter.is_some() && (*n == 0 || laid.page_map[n - 1].chapter != p.chapter)
        })
        .map(|(n, _)| n)
        .collect();
    assert_eq!(openings.len(), book.chapters.len(), "{openings:?}");
    // Page indexes 0, 2, 4… are right-hand pages.
    assert!(openings.iter().all(|n| n % 2 == 0), "{openings:?}");
}

/// Encodes a PNG of `width` × `height` pixels, made by `pixel` from each
/// pixel's place, in the colour type and bit depth given.
fn png_file(
    width: u32,
    height: u32,
    colour: png::ColorType,
    depth: png::BitDepth,
    palette: Option<Vec<u8>>,
    pixel: impl Fn(u32, u32) -> Vec<u8>,
) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(colour);
        encoder.set_depth(depth);
        if let Some(palette) = palette {
            encoder.set_palette(palette);
        }
        let mut writer = encoder.write_header().unwrap();
        let data: Vec<u8> = (0..height)
            .flat_map(|y| (0..width).map(move |x| (x, y)))
            .flat_map(|(x, y)| pixel(x, y))
            .collect();
        writer.write_image_data(&data).unwrap();
    }
    out
}

/// Writes a book with PNG images of every kind, a JPEG, a GIF, a remote
/// image and an image in running text.
fn image_book(dir: &Path) {
    let images = dir.join("images");
    std::fs::create_dir_all(&images).unwrap();
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/images/page.jpg");
    std::fs::copy(fixture, images.join("page.jpg")).unwrap();
    let rgba = png_file(
        600,
        300,
        png::ColorType::Rgba,
        png::BitDepth::Eight,
        None,
        |x, y| {
            vec![
                (x % 256) as u8,
                (y % 256) as u8,
                160,
                if x < 300 { 255 } else { 90 },
            ]
        },
    );
    write(&images, "wide.png", rgba);
    let deep = png_file(
        200,
        200,
        png::ColorType::Rgb,
        png::BitDepth::Sixteen,
        None,
        |x, _| {
            let v = (x * 300) as u16;
            [v, 0, u16::MAX - v]
                .iter()
                .flat_map(|s| s.to_be_bytes())
                .collect()
        },
    );
    write(&images, "deep.png", deep);
    let palette = vec![200, 30, 30, 30, 30, 200];
    let indexed = png_file(
        400,
        400,
        png::ColorType::Indexed,
        png::BitDepth::Eight,
        Some(palette),
        |x, y| vec![u8::from((x / 50 + y / 50) % 2 == 1)],
    );
    write(&images, "squares.png", indexed);
    let tall = png_file(
        300,
        3000,
        png::ColorType::Grayscale,
        png::BitDepth::Eight,
        None,
        |_, y| vec![(y / 12 % 256) as u8],
    );
    write(&images, "tall.png", tall);
    // A PNG whose header is sound (the loader accepts it) but whose data is cut off.
    let mut broken = png_file(
        64,
        64,
        png::ColorType::Rgb,
        png::BitDepth::Eight,
        None,
        |x, y| vec![x as u8, y as u8, 7],
    );
    broken.truncate(60);
    write(&images, "broken.png", broken);
    write(&images, "anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;");
    let words = "Words of running text that fill the page before the figures come. ".repeat(24);
    write(
        dir,
        "book.toml",
        "title = \"Pictures\"\nlanguage = \"en\"\nchapters = [\"one.md\"]\n",
    );
    write(
        dir,
        "one.md",
        format!(
            "# One\n\n{words}\n\n## Figures\n\n![A wide gradient](images/wide.png \"A wide gradient, half see-through\")\n\n\
             ![A rendered page](images/page.jpg)\n\n{words}\n\n\
             Inline, ![squares in running text](images/squares.png), then more words.\n\n\
             ![Deep colour](images/deep.png)\n![A tall strip](images/tall.png)\n\n\
             ![The wide one again](images/wide.png)\n\n\
             ![An animation](images/anim.gif)\n\n![Remote](https://example.org/a.png)\n\n\
             ![Broken](images/broken.png)\n\nThe end.\n"
        ),
    );
}

#[test]
fn images_are_placed_scaled_centred_whole_and_written_once() {
    use bindery::pdf::layout::Item;
    let dir = tempfile::tempdir().unwrap();
    image_book(dir.path());
    let manuscript = bindery::load(dir.path()).unwrap();
    let output = built(&manuscript, dir.path());
    // The GIF stays its alternative text, with a warning at its place; the
    // remote image was warned about by the loader.
    let warnings: Vec<String> = output.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("one.md:20:1") && warnings[0].contains("GIF"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].contains("one.md:24:1") && warnings[1].contains("cannot be decoded"),
        "{warnings:?}"
    );
    assert!(
        manuscript.warnings.iter().any(|w| w.code == "remote-image"),
        "{:?}",
        manuscript.warnings
    );

    // The layout: every image inside the text block, no wider than the
    // measure or its size at 150 dpi, its shape kept, centred.
    let mut options = Options {
        images: &manuscript.assets,
        ..Options::default()
    };
    options.source_dir = dir.path().to_path_buf();
    let (_, laid) = laid_out_with(dir.path(), &options);
    let g = Geometry::default();
    let pixels = |src: &str| {
        let p = &laid.pictures[src];
        (p.size.width as f32, p.size.height as f32)
    };
    let mut placed = Vec::new();
    for (index, page) in laid.pages.iter().enumerate() {
        for item in &page.items {
            let Item::Image {
                x,
                y,
                width,
                height,
                src,
                alt,
                ..
            } = item
            else {
                continue;
            };
            let (pw, ph) = pixels(src);
            assert!(*width <= g.measure() + 0.01, "{src} is {width} pt wide");
            assert!(*width <= pw * 72.0 / 150.0 + 0.01, "{src} is upscaled");
            assert!(
                (width / height - pw / ph).abs() < 0.01,
                "{src} is distorted"
            );
            assert!(
                *y >= g.top - 0.01 && y + height <= g.height - g.bottom + 0.01,
                "{src} leaves the text block"
            );
            let left = g.left(index, false);
            assert!(
                (x - left - (g.measure() - width) / 2.0).abs() < 0.01,
                "{src} is not centred"
            );
            placed.push((index, src.clone(), alt.clone(), *y));
        }
    }
    let sources: Vec<&str> = placed.iter().map(|(_, s, _, _)| s.as_str()).collect();
    assert_eq!(
        sources,
        [
            "images/wide.png",
            "images/page.jpg",
            "images/squares.png",
            "images/deep.png",
            "images/tall.png",
            "images/wide.png"
        ]
    );
    assert_eq!(laid.pictures.len(), 5);
    // The wide image does not fit under the first paragraph: it moves to
    // the next page whole, taking its heading along.
    let heading_page = laid.pages.iter().position(|p| {
        p.items
            .iter()
            .any(|i| matches!(i, Item::Anchor { id, .. } if id == "figures"))
    });
    assert_eq!(heading_page, Some(placed[0].0), "{placed:?}");
    assert!(placed[0].3 < g.top + 3.0 * g.leading, "{placed:?}");
    // The tall strip is shrunk to the text block.
    let tall = laid.pages[placed[4].0].items.iter().find_map(|i| match i {
        Item::Image { height, src, .. } if src == "images/tall.png" => Some(*height),
        _ => None,
    });
    assert!(
        tall.is_some_and(|h| h > 0.8 * (g.height - g.top - g.bottom)),
        "{tall:?}"
    );

    // The PDF: each image once, the JPEG as it is, the alpha channel a soft
    // mask; qpdf finds no error; the caption and the inline alt text are there.
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("pictures.pdf");
    std::fs::write(&path, &output.bytes).unwrap();
    let (ok, report) = run("qpdf", &["--check"], &path);
    assert!(ok, "{report}");
    let (ok, list) = run("pdfimages", &["-list"], &path);
    assert!(ok, "{list}");
    let rows: Vec<Vec<&str>> = list
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    let objects: std::collections::BTreeSet<(&str, &str)> =
        rows.iter().map(|r| (r[2], r[10])).collect();
    assert_eq!(
        objects.iter().filter(|(kind, _)| *kind == "image").count(),
        5,
        "{list}"
    );
    assert_eq!(
        objects.iter().filter(|(kind, _)| *kind == "smask").count(),
        1,
        "{list}"
    );
    assert!(rows.iter().any(|r| r[8] == "jpeg"), "{list}");
    // Each figure's alt text is on its `Figure` in the structure tree.
    let doc = lopdf::Document::load_mem(&output.bytes).unwrap();
    let content: Vec<u8> = doc
        .get_pages()
        .values()
        .flat_map(|id| doc.get_page_content(*id))
        .collect();
    let content = String::from_utf8_lossy(&content);
    let figure_alts: Vec<String> = doc
        .objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter(|dict| dict.get(b"S").and_then(|s| s.as_name()).ok() == Some(&b"Figure"[..]))
        .filter_map(|dict| dict.get(b"Alt").ok())
        .filter_map(|alt| lopdf::decode_text_string(alt).ok())
        .collect();
    assert!(
        figure_alts
            .iter()
            .any(|alt| alt.starts_with("A wide gradient")),
        "no figure with its alt text: {figure_alts:?}"
    );
    assert_eq!(content.matches(" Do Q").count(), 6, "six figures painted");
    let (ok, text) = run("pdftotext", &[], &path);
    assert!(ok);
    let text = squeeze(&text);
    assert!(text.contains("A wide gradient, half see-through"), "{text}");
    assert!(
        text.contains("Inline, [squares in running text], then more words."),
        "{text}"
    );
    assert!(
        text.contains("[An animation]") && text.contains("[Remote]") && text.contains("[Broken]"),
        "{text}"
    );
    let again = built(&manuscript, dir.path());
    assert!(again.bytes == output.bytes, "two builds differ");
}

#[test]
fn a_note_longer_than_a_page_runs_on_over_the_next_pages() {
    use bindery::pdf::layout::Item;
    let dir = tempfile::tempdir().unwrap();
    // A note of some 200 lines (a page holds about 45 note lines), and a
    // short note after it.
    let note: Vec<String> = (0..2500).map(|n| format!("w{n:04}")).collect();
    let text = "Running text of the chapter, long enough to wrap. ".repeat(12);
    write(
        dir.path(),
        "book.toml",
        "title = \"Notes\"\nlanguage = \"en\"\nchapters = [\"one.md\", \"two.md\"]\n",
    );
    write(
        dir.path(),
        "one.md",
        format!(
            "# One\n\n{text}\n\nThe long note.[^long]\n\n{text}\n\nA short one.[^short]\n\n{text}\n\n\
             [^long]: {}\n\n[^short]: The short note.\n",
            note.join(" ")
        ),
    );
    write(dir.path(), "two.md", "# Two\n\nNext chapter.\n");
    let (_, laid) = laid_out(dir.path());
    let g = Geometry::default();
    for (index, page) in laid.pages.iter().enumerate() {
        for item in &page.items {
            if let Item::Text { y, .. } = item {
                // Running heads stand above the text block; nothing above them.
                assert!(
                    *y <= g.height - g.bottom + 0.01 && *y >= g.top - 2.0 * g.leading,
                    "page {index} runs off at {y}"
                );
            }
        }
    }
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("notes.pdf");
    let manuscript = bindery::load(dir.path()).unwrap();
    let output = built(&manuscript, dir.path());
    std::fs::write(&path, &output.bytes).unwrap();
    let (ok, text) = run("pdftotext", &["-raw"], &path);
    assert!(ok);
    // Every word of the long note, in order, then the short note, all
    // before the next chapter.
    let found: Vec<&str> = text.split_whitespace().collect();
    let mut at = 0;
    for word in note
        .iter()
        .map(String::as_str)
        .chain(["short", "note.", "Two"])
    {
        match found[at..].iter().position(|w| *w == word) {
            Some(offset) => at += offset + 1,
            None => panic!(
                "“{word}” is missing or out of order near {:?}",
                &found[at.saturating_sub(5)..(at + 5).min(found.len())]
            ),
        }
    }
    // The note runs on over at least four pages' feet.
    let pages_with_note = (1..=laid.pages.len())
        .filter(|p| {
            let (_, page) = run(
                "pdftotext",
                &["-f", &p.to_string(), "-l", &p.to_string()],
                &path,
            );
            page.contains("w")
                && page
                    .split_whitespace()
                    .any(|w| w.len() == 5 && w.starts_with('w'))
        })
        .count();
    assert!(pages_with_note >= 4, "{pages_with_note}");
}

#[test]
fn links_the_epub_refuses_are_not_links_in_the_pdf_either() {
    use bindery::pdf::layout::{Item, LinkTarget};
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "book.toml",
        "title = \"T\"\nlanguage = \"en\"\nchapters = [\"one.md\"]\n",
    );
    write(
        dir.path(),
        "one.md",
        "# One\n\nA [script](javascript:alert(1)), a [file](file:///etc/passwd), \
         a [spaced page](<https://example.org/a b>) and [a plain one](https://example.org/).\n",
    );
    let (_, laid) = laid_out(dir.path());
    let urls: Vec<&str> = laid
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match i {
            Item::Link {
                target: LinkTarget::External(url),
                ..
            } => Some(&**url),
            _ => None,
        })
        .collect();
    assert_eq!(
        urls,
        ["https://example.org/a%20b", "https://example.org/"],
        "{urls:?}"
    );
}

/// A book of `chapters` chapters of uneven length, each ending in a
/// paragraph whose note runs on over the next pages, with a character no
/// font has on the same line of every chapter, code running over a page, a
/// figure in the last chapter, and the first file a chapter again at the
/// end.
fn uneven_book(dir: &Path, chapters: usize) {
    let sentence = "Then the resistance of Europe to plans is a question of strategic \
                    autonomy which in negotiations remains uncertain for diplomacy. ";
    let mut names = Vec::new();
    for c in 0..chapters {
        let name = format!("{c:02}.md");
        let mut text = format!("# Chapter {c}\n\nA face \u{1F600} no font has.\n\n");
        for p in 0..(4 + 9 * (c % 4)) {
            if p % 5 == 4 {
                text.push_str(&format!("## Section {c}.{p}\n\n"));
            }
            text.push_str(&sentence.repeat(1 + (p * 7 + c) % 11));
            text.push_str("\n\n");
        }
        if c == 2 {
            text.push_str("```\n");
            for n in 0..80 {
                text.push_str(&format!("let line_{n} = {n};\n"));
            }
            text.push_str("```\n\n");
        }
        if c + 1 == chapters {
            text.push_str("![A page](images/page.jpg \"A page\")\n\n");
        }
        text.push_str(&format!(
            "The last paragraph.[^long]\n\n[^long]: {}\n",
            sentence.repeat(30 + 10 * c)
        ));
        write(dir, &name, text);
        names.push(format!("\"{name}\""));
    }
    // A file twice: its missing character is reported once.
    names.push(names[0].clone());
    std::fs::create_dir(dir.join("images")).unwrap();
    std::fs::copy(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/images/page.jpg"),
        dir.join("images/page.jpg"),
    )
    .unwrap();
    write(
        dir,
        "book.toml",
        format!(
            "title = \"Uneven\"\nlanguage = \"en\"\nchapters = [{}]\n",
            names.join(", ")
        ),
    );
}

/// The PDF of `manuscript` laid out on `threads` threads, and the EPUB
/// with its pages.
fn on_threads(
    manuscript: &bindery::Manuscript,
    dir: &Path,
    recto_chapters: bool,
    threads: usize,
) -> (Output, Vec<u8>) {
    use bindery::pdf::layout::Jobs;
    let options = Options {
        source_dir: dir.to_path_buf(),
        images: &manuscript.assets,
        recto_chapters,
        jobs: Jobs::Exactly(std::num::NonZeroUsize::new(threads).unwrap()),
        ..Options::default()
    };
    let pdf = pdf(&manuscript.book, &manuscript.toc, &options).expect("the PDF is written");
    let fonts = bindery::pdf::fonts::FontFiles::default();
    let epub = bindery::build_epub(
        manuscript,
        dir,
        &fonts,
        None,
        Some(bindery::Print::from(&pdf)),
        Some("0"),
        &bindery::store::Store::off(),
    )
    .expect("the EPUB is written");
    (pdf, epub.bytes)
}

#[test]
fn chapters_laid_out_on_any_number_of_threads_give_the_same_pdf_and_epub() {
    let generated = tempfile::tempdir().unwrap();
    uneven_book(generated.path(), 7);
    let constructs =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/every-construct");
    for dir in [manuscript_dir(), constructs, generated.path().to_path_buf()] {
        let manuscript = bindery::load(&dir).expect("the manuscript loads");
        for recto_chapters in [false, true] {
            let (one, one_epub) = on_threads(&manuscript, &dir, recto_chapters, 1);
            if dir == generated.path() {
                // Eight chapters from seven files: the first file's missing
                // character is reported once, however its chapters are set.
                let missing = one.warnings.iter().filter(|w| w.code == "missing-glyph");
                assert_eq!(missing.count(), 7, "{:?}", one.warnings);
            }
            for threads in [2, 8] {
                let (many, many_epub) = on_threads(&manuscript, &dir, recto_chapters, threads);
                let name = format!(
                    "{} on {threads} threads, recto chapters {recto_chapters}",
                    dir.display()
                );
                assert!(one.bytes == many.bytes, "{name}: the PDFs differ");
                assert!(one_epub == many_epub, "{name}: the EPUBs differ");
                assert_eq!(one.quality, many.quality, "{name}");
                assert_eq!(one.warnings, many.warnings, "{name}");
                assert_eq!(one.page_map, many.page_map, "{name}");
                assert_eq!(one.anchor_pages, many.anchor_pages, "{name}");
            }
        }
    }
}

#[test]
fn the_jobs_option_works_on_that_many_threads_with_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    uneven_book(dir.path(), 5);
    let manuscript = dir.path().to_str().unwrap();
    let mut outputs = Vec::new();
    let runs = [
        ("build", "1"),
        ("build", "2"),
        ("build", "8"),
        ("pack", "2"),
        ("pdf", "2"),
    ];
    for (command, jobs) in runs {
        let out = dir.path().join(format!("out-{command}-{jobs}"));
        let status = Command::new(env!("CARGO_BIN_EXE_bindery"))
            .args([
                command,
                "--quiet",
                "-j",
                jobs,
                "--manuscript",
                manuscript,
                "--out",
            ])
            .arg(&out)
            .status()
            .expect("bindery runs");
        assert!(status.success(), "{command} -j {jobs}");
        let read = |name: &str| std::fs::read(out.join(name)).ok();
        outputs.push((
            read("uneven.pdf"),
            read("uneven.epub"),
            read("uneven-reading-pack.zip"),
        ));
    }
    let (pdf, epub, pack) = &outputs[0];
    assert!(pdf.is_some() && epub.is_some() && pack.is_some());
    assert!(outputs[1] == outputs[0], "build -j 2 differs from -j 1");
    assert!(outputs[2] == outputs[0], "build -j 8 differs from -j 1");
    assert!(outputs[3].2 == *pack, "pack -j 2 differs from build -j 1");
    assert!(outputs[4].0 == *pdf, "pdf -j 2 differs from build -j 1");
    let zero = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(["pdf", "-j", "0", "--manuscript", manuscript])
        .output()
        .expect("bindery runs");
    assert_eq!(zero.status.code(), Some(64), "no threads is a mistake");
}
