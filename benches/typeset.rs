//! Benchmark: shape, hyphenate and break a generated 500,000-word text into
//! justified lines of a 6×9 in page (a 4.5 in measure at 10.5 pt), starting
//! each run with an empty word cache. Prints the median of several runs.
//!
//! Then lays out and writes the same text as a whole book (60 chapters,
//! sections, footnotes) through the PDF backend, and prints that median too.
//!
//! Run with `cargo bench --bench typeset` (`-- book` for the book alone,
//! `-- lines` for the lines alone). `words=N` and `runs=N` change the size of
//! the text and the number of timed runs, for profiling under valgrind
//! (`-- lines runs=1`). `cargo bench --bench typeset -- manuscript WORDS DIR`
//! writes no timings: it writes a manuscript of WORDS words into DIR, with
//! lists, emphasis and a FAQ besides, for `scripts/bench-scale.sh` to build
//! with the real binary; `chapters=N` after DIR makes N chapters instead of
//! one per 8,000 words (`chapters=1`, one file and no FAQ: a novel kept in
//! one Markdown file). `code=highlighted` after DIR puts a code block after
//! every third paragraph, 25 lines at a time of this repository's own Rust,
//! shell, TOML, JavaScript and JSON files, so that the cost of highlighting
//! is measured on real code; `code=plain` puts the same blocks without their
//! languages, the book to compare with.
//! The text has some 20,000 distinct words drawn with a Zipf distribution, as the words of a real book are,
//! mixed from the sample manuscript's vocabulary and made-up words.

use bindery::pdf::fonts::{FontFiles, Fonts, Style};
use bindery::pdf::layout::{Quality, Tally};
use bindery::pdf::text::hyphenate::Hyphenator;
use bindery::pdf::text::{Align, Measure, Span, Typesetter};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Instant;

#[path = "../tests/common/generate.rs"]
mod generate;
use generate::{Extras, generate, write_manuscript};

const WORDS: usize = 500_000;
const RUNS: usize = 7;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "manuscript") {
        let words = args.get(at + 1).and_then(|w| w.parse::<usize>().ok());
        let (Some(words), Some(dir)) = (words, args.get(at + 2)) else {
            eprintln!("usage: cargo bench --bench typeset -- manuscript WORDS DIR [chapters=N]");
            std::process::exit(2);
        };
        let dir = std::path::Path::new(dir);
        std::fs::create_dir_all(dir).expect("the manuscript folder is made");
        // About 8,000 words a chapter, as in the 60 chapters of the book
        // below, unless `chapters=N` says (`chapters=1`: a book in one file).
        let chapters = args
            .iter()
            .find_map(|a| a.strip_prefix("chapters=")?.parse::<usize>().ok())
            .unwrap_or(words.div_ceil(8_000));
        write_manuscript(dir, &generate(words), chapters, Extras::Varied);
        if let Some(code) = args.iter().find_map(|a| a.strip_prefix("code=")) {
            add_code(dir, code == "plain");
        }
        return;
    }
    let number = |key: &str, default: usize| {
        args.iter()
            .find_map(|a| a.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
            .unwrap_or(default)
    };
    let runs = number("runs", RUNS);
    let paragraphs = generate(number("words", WORDS));
    // `cargo bench --bench typeset -- book` measures the whole book alone,
    // so that `/usr/bin/time -v` reports its peak memory.
    let only = |name: &str| args.iter().any(|a| a == name);
    if !only("book") {
        lines(&paragraphs, runs);
    }
    if !only("lines") {
        book(&paragraphs, runs);
    }
}

/// Lays out and writes the text as a book of 60 chapters, with a section
/// heading every 12 paragraphs and a footnote every 20: the whole PDF
/// backend, from the model to the file's bytes.
fn book(paragraphs: &[String], runs: usize) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write_manuscript(dir.path(), paragraphs, 60, Extras::Plain);
    let manuscript = bindery::load(dir.path()).expect("the generated book loads");
    let toc = bindery::toc::build(&manuscript.book, 3);
    let options = bindery::pdf::Options::default();
    let mut times = Vec::new();
    let mut pages = 0;
    let mut size = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let output = bindery::pdf::pdf(&manuscript.book, &toc, &options).expect("the PDF is made");
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        pages = output.page_map.len();
        size = output.bytes.len();
    }
    let all = times.clone();
    times.sort_by(f64::total_cmp);
    println!("book: {pages} pages, {size} bytes; laid out and written in");
    println!("runs (ms): {all:.1?}");
    println!("median: {:.1} ms", times[times.len() / 2]);
}

/// Shapes and breaks every paragraph, with a fresh word cache each run.
fn lines(paragraphs: &[String], runs: usize) {
    let words: usize = paragraphs.iter().map(|p| p.split(' ').count()).sum();
    let files = FontFiles::default();
    let measure = Measure {
        size: 10.5,
        width: 324.0,
        indent: 10.5,
        align: Align::Justify,
        verbatim: false,
    };
    let mut times = Vec::new();
    let mut quality = Quality::default();
    let mut distinct = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let mut ts = Typesetter::new(
            Fonts::new(&files).expect("the built-in fonts load"),
            Hyphenator::new("en"),
        );
        let mut tally = Tally::default();
        for text in paragraphs {
            let set = ts.set(&[Span::new(text.as_str(), Style::Regular)], &measure);
            tally.add(&set.lines);
        }
        quality = tally.quality(ts.space_width(Style::Regular));
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        distinct = ts.fonts.shaped_count();
    }
    let digest = digest(paragraphs, &files, &measure);
    let all = times.clone();
    times.sort_by(f64::total_cmp);
    println!(
        "typeset {words} words in {} paragraphs; {distinct} distinct words shaped",
        paragraphs.len()
    );
    println!("runs (ms): {all:.1?}");
    println!("median: {:.1} ms", times[times.len() / 2]);
    println!("{quality}");
    println!("output digest: {digest:016x}");
}

/// A hash of every line of every paragraph (glyphs, advances, offsets,
/// run positions), from one more untimed run: an optimisation must leave it
/// unchanged, as it must leave the book's PDF unchanged.
fn digest(paragraphs: &[String], files: &FontFiles, measure: &Measure) -> u64 {
    let mut ts = Typesetter::new(
        Fonts::new(files).expect("the built-in fonts load"),
        Hyphenator::new("en"),
    );
    let mut hasher = DefaultHasher::new();
    for text in paragraphs {
        let set = ts.set(&[Span::new(text.as_str(), Style::Regular)], measure);
        for line in &set.lines {
            (line.ratio.to_bits(), line.hyphenated, line.overfull).hash(&mut hasher);
            for run in &line.runs {
                (run.x.to_bits(), run.rise.to_bits(), run.face.0).hash(&mut hasher);
                (run.size.to_bits(), run.width.to_bits()).hash(&mut hasher);
                for g in &run.glyphs {
                    (g.gid, g.advance.to_bits(), g.offset.to_bits()).hash(&mut hasher);
                }
            }
        }
    }
    hasher.finish()
}

/// The files a code-heavy manuscript quotes, with their fences' languages:
/// this repository's own code, as real code repeats lines far less than
/// generated code would.
fn code_corpus() -> Vec<(&'static str, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut rust = Vec::new();
    let mut folders = vec![root.join("src")];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder).expect("the source folder is read");
        for entry in entries {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                rust.push(path);
            }
        }
    }
    rust.sort();
    let read = |path: &std::path::Path| std::fs::read_to_string(path).expect("a code file is read");
    let mut corpus: Vec<(&'static str, String)> =
        rust.iter().map(|path| ("rust", read(path))).collect();
    for (language, file) in [
        ("bash", "scripts/test"),
        ("sh", "scripts/bench-scale.sh"),
        ("toml", "Cargo.toml"),
        ("js", "tests/reading/read.mjs"),
        ("json", "tests/reading/package.json"),
    ] {
        corpus.push((language, read(&root.join(file))));
    }
    corpus
}

/// Puts a block of 25 lines of real code after every third paragraph of
/// each chapter in `dir`, taking the corpus's files in turn; `plain` leaves
/// the fences without a language.
fn add_code(dir: &std::path::Path, plain: bool) {
    let pieces: Vec<(&str, String)> = code_corpus()
        .iter()
        .flat_map(|(language, text)| {
            let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with("```")).collect();
            lines
                .chunks(25)
                .map(|chunk| (*language, chunk.join("\n")))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut next = 0;
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("the manuscript is read")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    names.sort();
    for name in names {
        let text = std::fs::read_to_string(&name).expect("a chapter is read");
        let mut out = String::new();
        let mut prose = 0;
        for block in text.split("\n\n") {
            out.push_str(block);
            out.push_str("\n\n");
            let is_prose = block.starts_with(|c: char| c.is_alphabetic());
            if is_prose {
                prose += 1;
            }
            if is_prose && prose % 3 == 0 {
                let (language, code) = &pieces[next % pieces.len()];
                next += 1;
                let fence = if plain { "" } else { language };
                out.push_str(&format!("```{fence}\n{code}\n```\n\n"));
            }
        }
        std::fs::write(&name, out).expect("a chapter is written");
    }
}
