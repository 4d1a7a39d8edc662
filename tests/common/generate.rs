//! A generated book, the same on every run: the text of the benchmarks
//! (`benches/typeset.rs`, `scripts/bench-scale.sh`) and of the long book
//! the reading-system test opens (`tests/reading.rs`).
//! The text has some 20,000 distinct words drawn with a Zipf distribution, as the words of a real book are,
//! mixed from the sample manuscript's vocabulary and made-up words.

/// How many distinct words the text draws from.
const DISTINCT: usize = 20_000;

/// What a generated manuscript holds besides paragraphs, section headings
/// and footnotes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Extras {
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
pub fn write_manuscript(
    dir: &std::path::Path,
    paragraphs: &[String],
    chapters: usize,
    extras: Extras,
) {
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

/// The text: `words` words in paragraphs of 40 to 200 words, with commas
/// and full stops.
pub fn generate(words: usize) -> Vec<String> {
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
        include_str!("../../manuscript/01-essay.md"),
        include_str!("../../manuscript/02-faq.md")
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
