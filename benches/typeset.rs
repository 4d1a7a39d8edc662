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
//! one Markdown file).
//! The text has some 20,000 distinct words drawn with a Zipf distribution, as the words of a real book are,
//! mixed from the sample manuscript's vocabulary and made-up words.

use bindery::pdf::fonts::{FontFiles, Fonts, Style};
use bindery::pdf::layout::{Quality, Tally};
use bindery::pdf::text::hyphenate::Hyphenator;
use bindery::pdf::text::{Align, Measure, Span, Typesetter};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Instant;

const WORDS: usize = 500_000;
const DISTINCT: usize = 20_000;
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

/// What a generated manuscript holds besides paragraphs, section headings
/// and footnotes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Extras {
    /// Nothing: the book whose timings the bench has always printed.
    Plain,
    /// Subsections, lists, emphasis and a FAQ in the last chapter, for the
    /// whole-process scaling runs.
    Varied,
}

/// Writes `paragraphs` as a manuscript of `chapters` chapter files and a
/// `book.toml` into `dir`: a section heading every 12 paragraphs and a
/// footnote every 20. With [`Extras::Varied`], every 6th paragraph after
/// the first section opens a subsection, every 9th has a few words in italics and every 15th is
/// broken into a list, and the last chapter is a FAQ of questions (the
/// paragraphs' first words) and answers (the paragraphs).
fn write_manuscript(dir: &std::path::Path, paragraphs: &[String], chapters: usize, extras: Extras) {
    let varied = extras == Extras::Varied;
    let per_chapter = paragraphs.len().div_ceil(chapters.max(1)).max(1);
    let count = paragraphs.len().div_ceil(per_chapter);
    let mut names = Vec::new();
    for (c, chunk) in paragraphs.chunks(per_chapter).enumerate() {
        let faq = varied && c + 1 == count && count > 1;
        let mut text = if faq {
            "# Frequently Asked Questions\n\n".to_string()
        } else {
            format!("# Chapter {}\n\n", c + 1)
        };
        let mut notes = String::new();
        for (p, paragraph) in chunk.iter().enumerate() {
            if faq {
                if p % 12 == 0 {
                    text.push_str(&format!("## Questions, part {}\n\n", p / 12 + 1));
                }
                let question: Vec<&str> = paragraph.split(' ').take(8).collect();
                let question = question.join(" ");
                let question = question.trim_end_matches([',', '.']);
                text.push_str(&format!("### {}. {question}?\n\n", p + 1));
            } else if p % 12 == 11 {
                text.push_str(&format!("## Section {}.{}\n\n", c + 1, p / 12 + 1));
            } else if varied && p % 6 == 5 && p > 11 {
                text.push_str(&format!("### Subsection {}.{}\n\n", c + 1, p / 6 + 1));
            }
            if varied && !faq && p % 15 == 14 {
                // Items of ten words; even lists bulleted, odd ones numbered.
                let words: Vec<&str> = paragraph.split(' ').collect();
                for (i, item) in words.chunks(10).enumerate() {
                    let marker = if p % 30 == 14 {
                        "-".to_string()
                    } else {
                        format!("{}.", i + 1)
                    };
                    text.push_str(&format!("{marker} {}\n", item.join(" ")));
                }
                text.push('\n');
                continue;
            }
            if varied && p % 9 == 4 {
                let words: Vec<&str> = paragraph.split(' ').collect();
                let (head, tail) = words.split_at(words.len().min(4));
                let (italic, rest) = tail.split_at(tail.len().min(4));
                text.push_str(&head.join(" "));
                if !italic.is_empty() {
                    text.push_str(&format!(" *{}*", italic.join(" ")));
                }
                if !rest.is_empty() {
                    text.push(' ');
                    text.push_str(&rest.join(" "));
                }
            } else {
                text.push_str(paragraph);
            }
            if p % 20 == 7 {
                text.push_str(&format!("[^n{p}]"));
                notes.push_str(&format!("[^n{p}]: A note with a few words of comment.\n\n"));
            }
            text.push_str("\n\n");
        }
        text.push_str(&notes);
        let name = if faq {
            "faq.md".to_string()
        } else {
            format!("{c:03}.md")
        };
        std::fs::write(dir.join(&name), text).expect("the chapter is written");
        names.push(format!("\"{name}\""));
    }
    // The varied book names an author and has a description, so that it
    // builds without warnings, as a finished book does.
    let details = if varied {
        "authors = [\"A. Writer\"]\ndescription = \"A generated book.\"\n"
    } else {
        ""
    };
    std::fs::write(
        dir.join("book.toml"),
        format!(
            "title = \"Benchmark\"\nlanguage = \"en\"\n{details}chapters = [{}]\n",
            names.join(", ")
        ),
    )
    .expect("book.toml is written");
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
        quality = tally.quality();
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

/// The text: `words` words in paragraphs of 40 to 200 words, with commas
/// and full stops.
fn generate(words: usize) -> Vec<String> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let vocabulary = vocabulary(&mut rng);
    // Zipf: the word of rank r comes up in proportion to 1/r.
    let weights: Vec<f64> = (1..=vocabulary.len()).map(|r| 1.0 / r as f64).collect();
    let total: f64 = weights.iter().sum();
    let mut cumulative = Vec::with_capacity(weights.len());
    let mut sum = 0.0;
    for w in &weights {
        sum += w / total;
        cumulative.push(sum);
    }
    let mut paragraphs = Vec::new();
    let mut count = 0;
    while count < words {
        let length = 40 + (rng.next() % 160) as usize;
        let mut text = String::new();
        let mut capital = true;
        for i in 0..length.min(words - count) {
            let x = rng.float();
            let rank = cumulative
                .partition_point(|&c| c < x)
                .min(vocabulary.len() - 1);
            let word = &vocabulary[rank];
            if i > 0 {
                text.push(' ');
            }
            if capital {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    text.extend(first.to_uppercase());
                    text.push_str(chars.as_str());
                }
            } else {
                text.push_str(word);
            }
            capital = false;
            match rng.next() % 20 {
                0 | 1 => text.push(','),
                2 => {
                    text.push('.');
                    capital = true;
                }
                _ => {}
            }
        }
        text.push('.');
        count += length;
        paragraphs.push(text);
    }
    paragraphs
}

/// The sample manuscript's words, then made-up words of one to four
/// syllables until there are [`DISTINCT`] of them: the rarer words.
fn vocabulary(rng: &mut Rng) -> Vec<String> {
    let sample = concat!(
        include_str!("../manuscript/01-essay.md"),
        include_str!("../manuscript/02-faq.md")
    );
    // The manuscript's words, most frequent first: the common words of the
    // language take the top ranks, as they do in any book.
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for word in sample.split_whitespace() {
        let word: String = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if !word.is_empty() {
            *counts.entry(word).or_default() += 1;
        }
    }
    let mut words: Vec<String> = counts.keys().cloned().collect();
    words.sort_by(|a, b| counts[b].cmp(&counts[a]).then(a.cmp(b)));
    let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
    let syllables = [
        "ab", "ac", "al", "an", "ar", "ba", "ben", "bi", "ca", "con", "cu", "da", "de", "di", "en",
        "er", "es", "fa", "fer", "ga", "gen", "ha", "hi", "in", "ir", "la", "le", "li", "lo", "ma",
        "men", "mi", "mo", "na", "ne", "ni", "no", "or", "pa", "per", "pi", "po", "pre", "pro",
        "ra", "re", "ri", "ro", "sa", "se", "si", "so", "sta", "ta", "te", "ti", "tion", "to",
        "tra", "tu", "un", "va", "ve", "vi",
    ];
    while words.len() < DISTINCT {
        let n = 1 + (rng.next() % 4) as usize;
        let word: String = (0..n)
            .map(|_| syllables[(rng.next() % syllables.len() as u64) as usize])
            .collect();
        if seen.insert(word.clone()) {
            words.push(word);
        }
    }
    words
}

/// xorshift64*: a small deterministic generator, so every run sets the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn float(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}
