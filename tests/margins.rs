//! Optical margins (issue 13): hyphens, periods, commas and quotes at the
//! ends of justified lines hang into the margins, as the PDF's word boxes
//! show (`pdftotext -bbox-layout`), and `[pdf] optical-margins = false`
//! keeps them inside the text block.

mod common;

use common::TempBook;
use std::path::{Path, PathBuf};

/// Prose of `words` words with commas, periods, opening quotes and long
/// words that hyphenate, the same every time.
fn prose(words: usize) -> String {
    const VOCABULARY: [&str; 20] = [
        "whale,",
        "the",
        "harpooneer",
        "of",
        "a",
        "considerable",
        "ship.",
        "and",
        "remarkable",
        "sea,",
        "in",
        "extraordinarily",
        "voyage.",
        "was",
        "“Call",
        "captain",
        "uncomfortable",
        "to",
        "it",
        "understanding",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = Vec::with_capacity(words);
    for n in 0..words {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.push(VOCABULARY[(state % VOCABULARY.len() as u64) as usize]);
        if n % 90 == 89 {
            out.push("end.\n\n");
        }
    }
    format!("# Margins\n\nThe {}\n", out.join(" "))
}

/// One line of text as `pdftotext -bbox-layout` finds it.
#[derive(Debug)]
struct Line {
    page: usize,
    left: f32,
    right: f32,
    text: String,
    /// The space between each two words, in points.
    gaps: Vec<f32>,
}

/// The lines of the body's size (the most common height) in the PDF at `pdf`.
fn body_lines(pdf: &Path) -> Vec<Line> {
    let outcome = common::pdf_tool(
        "pdftotext",
        &[pdf.as_os_str(), "-bbox-layout".as_ref(), "-".as_ref()],
    );
    assert!(outcome.status.success(), "pdftotext: {}", outcome.stderr);
    let number = |tag: &str, key: &str| -> f32 {
        let at = tag.find(&format!("{key}=\"")).expect("a coordinate") + key.len() + 2;
        tag[at..].split('"').next().unwrap().parse().unwrap()
    };
    let mut lines = Vec::new();
    for (page, text) in outcome.stdout.split("<page ").skip(1).enumerate() {
        for line in text.split("<line ").skip(1) {
            let line = line.split("</line>").next().unwrap();
            let tags: Vec<&str> = line.split("<word ").skip(1).collect();
            let words: Vec<&str> = tags
                .iter()
                .map(|w| w.split('>').nth(1).unwrap().trim_end_matches("</word"))
                .collect();
            let gaps = tags
                .windows(2)
                .map(|w| number(w[1], "xMin") - number(w[0], "xMax"))
                .collect();
            lines.push((
                Line {
                    page,
                    left: number(line, "xMin"),
                    right: number(line, "xMax"),
                    text: words.join(" "),
                    gaps,
                },
                number(line, "yMax") - number(line, "yMin"),
            ));
        }
    }
    let mut heights: Vec<i32> = lines.iter().map(|(_, h)| (h * 100.0) as i32).collect();
    heights.sort_unstable();
    let body = heights[heights.len() / 2];
    lines
        .into_iter()
        .filter(|(_, h)| (h * 100.0) as i32 == body)
        .map(|(line, _)| line)
        .collect()
}

/// The text block's left and right edge on `page`: where lines that start
/// and end with a letter start and end (the most common places). `None`
/// for a page of fewer than ten such lines (a title page, the contents).
fn edges(lines: &[Line], page: usize) -> Option<(f32, f32)> {
    let most = |values: Vec<f32>| -> Option<f32> {
        let mut counts = std::collections::BTreeMap::new();
        for v in values {
            *counts.entry((v * 100.0).round() as i64).or_insert(0) += 1;
        }
        let (value, n) = counts.into_iter().max_by_key(|&(_, n)| n)?;
        (n >= 10).then_some(value as f32 / 100.0)
    };
    let on: Vec<&Line> = lines.iter().filter(|l| l.page == page).collect();
    let letter = |c: Option<char>| c.is_some_and(char::is_alphabetic);
    Some((
        most(
            on.iter()
                .filter(|l| letter(l.text.chars().next()))
                .map(|l| l.left)
                .collect(),
        )?,
        most(
            on.iter()
                .filter(|l| letter(l.text.chars().last()))
                .map(|l| l.right)
                .collect(),
        )?,
    ))
}

/// Builds the PDF of `book`; its path.
fn pdf_of(book: &TempBook) -> PathBuf {
    let out = book.out();
    let outcome = book.run(&["pdf", "--out", out.to_str().unwrap()]);
    assert!(outcome.status.success(), "{}", outcome.stderr);
    std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .expect("a PDF")
}

#[test]
fn hyphens_periods_and_quotes_hang_into_the_margins_of_justified_lines() {
    let book = TempBook::chapter(prose(1200));
    let lines = body_lines(&pdf_of(&book));
    let pages = lines.iter().map(|l| l.page).max().unwrap();
    let (mut hyphens, mut stops, mut quotes, mut flush) = (0, 0, 0, 0);
    for page in 0..=pages {
        let Some((left, right)) = edges(&lines, page) else {
            continue;
        };
        for line in lines.iter().filter(|l| l.page == page) {
            // No word space is wider than half an em (10.5 points type).
            let widest = line.gaps.iter().copied().fold(0.0, f32::max);
            assert!(widest < 5.25 + 0.01, "{line:?}: a space of {widest}");
            // Nothing hangs by more than a period's or a hyphen's width.
            assert!(line.right < right + 3.0, "{line:?} past {right}");
            assert!(line.left > left - 3.0, "{line:?} before {left}");
            // A line starting with a quote (not a paragraph's first,
            // which is indented).
            if line.text.starts_with('“') && line.left < left + 1.0 {
                assert!(line.left < left - 1.0, "{line:?} does not hang: {left}");
                quotes += 1;
            }
            // A full line of a paragraph (its last, which ends in "end.",
            // is not justified).
            if line.right < right - 1.0 || line.text.ends_with("end.") {
                continue;
            }
            match line.text.chars().last() {
                Some('-') => {
                    assert!(line.right > right + 1.0, "{line:?}: {right}");
                    hyphens += 1;
                }
                Some('.' | ',') => {
                    assert!(line.right > right + 1.0, "{line:?}: {right}");
                    stops += 1;
                }
                _ => {
                    assert!((line.right - right).abs() < 0.05, "{line:?}: {right}");
                    flush += 1;
                }
            }
        }
    }
    assert!(
        hyphens > 0 && stops > 0 && quotes > 0 && flush > 20,
        "{hyphens} hyphens, {stops} stops, {quotes} quotes, {flush} flush"
    );
}

#[test]
fn optical_margins_false_keeps_every_line_inside_the_text_block() {
    let book = TempBook::chapter(prose(1200)).with(
        "book.toml",
        format!("{}\n[pdf]\noptical-margins = false\n", common::BOOK_TOML),
    );
    let lines = body_lines(&pdf_of(&book));
    let pages = lines.iter().map(|l| l.page).max().unwrap();
    let mut ends = 0;
    for page in 0..=pages {
        let Some((left, right)) = edges(&lines, page) else {
            continue;
        };
        for line in lines.iter().filter(|l| l.page == page) {
            assert!(line.right < right + 0.05, "{line:?} past {right}");
            assert!(line.left > left - 0.05, "{line:?} before {left}");
            ends += usize::from(line.text.ends_with(['-', '.', ',']));
        }
    }
    assert!(ends > 10, "{ends} lines end in punctuation");
}
