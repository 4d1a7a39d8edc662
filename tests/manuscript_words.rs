//! Guards the sample manuscript: its words must be the source text's words, changed only by the repairs listed in `manuscript/EDITS.md`.
//!
//! The test reads the source text, applies every Before → After row of the
//! EDITS.md table to it, and compares the resulting word sequence with the
//! word sequence of the manuscript chapters (in `book.toml` order). The only
//! extra words allowed are the editorial insertions the table declares with a
//! Before of `—`. It also checks the shape of the FAQ chapter.

use std::fs;
use std::path::{Path, PathBuf};

/// The file name of the source text, both in `shared/seed/` and in `tests/data/`.
const SOURCE_NAME: &str = "source-article-and-faq.txt";

/// The cell that marks a row as an insertion with no source text.
const NO_SOURCE: &str = "—";

/// One row of the EDITS.md table.
struct Edit {
    file: String,
    before: Option<String>,
    after: String,
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn manuscript_dir() -> PathBuf {
    manifest_dir().join("manuscript")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Reads the source text from `tests/data/`, and checks that the shared copy
/// beside the repository (when there is one) is identical to it.
fn read_source() -> String {
    let bundled = read(&manifest_dir().join("tests/data").join(SOURCE_NAME));
    let shared_path = manifest_dir()
        .parent()
        .map(|parent| parent.join("shared/seed").join(SOURCE_NAME));
    if let Some(path) = shared_path.filter(|p| p.exists()) {
        let shared = read(&path);
        assert!(
            shared == bundled,
            "{} differs from tests/data/{SOURCE_NAME}; the bundled copy must be byte-identical",
            path.display()
        );
    }
    bundled
}

/// Returns the chapter file names listed by `chapters = [...]` in book.toml.
fn chapter_names(book_toml: &str) -> Vec<String> {
    let line = book_toml
        .lines()
        .find(|l| l.trim_start().starts_with("chapters"))
        .expect("book.toml has no `chapters` line");
    let list = line.split_once('=').expect("`chapters` line has no `=`").1;
    let names: Vec<String> = list
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(!names.is_empty(), "book.toml lists no chapters");
    names
}

/// Returns the string value of a simple `key = "value"` line in book.toml.
fn toml_string(book_toml: &str, key: &str) -> String {
    book_toml
        .lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .and_then(|(_, v)| v.split('"').nth(1))
        .unwrap_or_else(|| panic!("book.toml has no string `{key}`"))
        .to_string()
}

/// Removes the backticks around a table cell, or returns None for `—`.
fn cell_text(cell: &str, row: &str) -> Option<String> {
    let cell = cell.trim();
    if cell == NO_SOURCE {
        return None;
    }
    let inner = cell
        .strip_prefix('`')
        .and_then(|c| c.strip_suffix('`'))
        .unwrap_or_else(|| panic!("cell `{cell}` is neither `—` nor in backticks, in row: {row}"));
    Some(inner.to_string())
}

/// Parses the `| File | Before | After | Why |` table of EDITS.md.
fn parse_edits(edits_md: &str) -> Vec<Edit> {
    let rows: Vec<&str> = edits_md
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('|'))
        .collect();
    let header = rows.first().expect("EDITS.md has no table");
    let header_cells: Vec<&str> = header.trim_matches('|').split('|').map(str::trim).collect();
    assert_eq!(
        header_cells,
        ["File", "Before", "After", "Why"],
        "unexpected table header"
    );

    // The header and the `| --- |` separator row are skipped.
    rows.iter()
        .skip(2)
        .map(|row| {
            let cells: Vec<&str> = row.trim_matches('|').split('|').collect();
            assert_eq!(cells.len(), 4, "row does not have 4 cells: {row}");
            Edit {
                file: cells[0].trim().to_string(),
                before: cell_text(cells[1], row),
                after: cell_text(cells[2], row)
                    .unwrap_or_else(|| panic!("row has no After: {row}")),
            }
        })
        .collect()
}

/// Applies every replacement row to the source. Each Before must occur exactly
/// once in the original source, and must still be there when its turn comes.
fn apply_edits(source: &str, edits: &[Edit]) -> String {
    let mut text = source.to_string();
    for edit in edits {
        let Some(before) = &edit.before else { continue };
        let count = source.matches(before.as_str()).count();
        assert!(
            count == 1,
            "Before `{before}` ({}) occurs {count} times in the source, not once",
            edit.file
        );
        assert!(
            text.contains(before.as_str()),
            "Before `{before}` ({}) was altered by an earlier row",
            edit.file
        );
        text = text.replacen(before.as_str(), &edit.after, 1);
    }
    text
}

/// Removes Markdown syntax from one line: heading marks, block quotes,
/// bullets and emphasis stars.
fn strip_markdown_line(line: &str) -> String {
    let mut rest = line.trim_start();
    rest = rest.trim_start_matches('#').trim_start();
    rest = rest.trim_start_matches('>').trim_start();
    if let Some(item) = rest.strip_prefix("- ") {
        rest = item;
    }
    rest.replace('*', "")
}

fn strip_markdown(markdown: &str) -> String {
    markdown
        .lines()
        .map(strip_markdown_line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Splits text into words: maximal runs of alphanumeric characters and
/// apostrophes, with apostrophes kept only inside a word. Dashes, slashes and
/// hyphens separate words, and ’ is normalised to '.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '’' || c == '\''))
        .map(|w| w.trim_matches(|c| c == '’' || c == '\''))
        .filter(|w| !w.is_empty())
        .map(|w| w.replace('’', "'"))
        .collect()
}

/// Shows about ten words around `at`, with the word at `at` in brackets.
fn context(sequence: &[String], at: usize) -> String {
    let start = at.saturating_sub(5);
    let end = (at + 5).min(sequence.len());
    let mut shown: Vec<String> = sequence[start..end].to_vec();
    if at < sequence.len() {
        shown[at - start] = format!("[{}]", sequence[at]);
    } else {
        shown.push("[<end>]".to_string());
    }
    shown.join(" ")
}

/// Compares the two word sequences, letting each declared insertion appear
/// once in the manuscript where the source has no such words.
fn compare_words(
    expected: &[String],
    actual: &[String],
    insertions: &[Vec<String>],
) -> Result<(), String> {
    let mut used = vec![false; insertions.len()];
    let (mut i, mut j) = (0, 0);
    while i < expected.len() || j < actual.len() {
        if i < expected.len() && j < actual.len() && expected[i] == actual[j] {
            i += 1;
            j += 1;
            continue;
        }
        let insertion = insertions
            .iter()
            .enumerate()
            .find(|(k, ins)| !used[*k] && actual[j..].starts_with(ins));
        if let Some((k, ins)) = insertion {
            used[k] = true;
            j += ins.len();
            continue;
        }
        return Err(format!(
            "manuscript differs from the repaired source at source word {i}, manuscript word {j}\n  \
             repaired source: {}\n  manuscript:      {}",
            context(expected, i),
            context(actual, j)
        ));
    }
    match used.iter().position(|u| !u) {
        Some(k) => Err(format!(
            "declared insertion `{}` is not in the manuscript",
            insertions[k].join(" ")
        )),
        None => Ok(()),
    }
}

#[test]
fn manuscript_words_match_repaired_source() {
    let source = read_source();
    let book_toml = read(&manuscript_dir().join("book.toml"));
    let chapters = chapter_names(&book_toml);
    let edits = parse_edits(&read(&manuscript_dir().join("EDITS.md")));

    // Every row must name one of the chapters, so the table stays grouped by file.
    for edit in &edits {
        assert!(
            chapters.contains(&edit.file),
            "EDITS.md row names `{}`, which is not a chapter",
            edit.file
        );
    }

    let repaired = apply_edits(&source, &edits);
    let insertions: Vec<Vec<String>> = edits
        .iter()
        .filter(|e| e.before.is_none())
        .map(|e| words(&strip_markdown(&e.after)))
        .collect();

    let manuscript: String = chapters
        .iter()
        .map(|name| strip_markdown(&read(&manuscript_dir().join(name))))
        .collect::<Vec<_>>()
        .join("\n");

    if let Err(message) = compare_words(&words(&repaired), &words(&manuscript), &insertions) {
        panic!("{message}");
    }
}

/// Returns the FAQ question headings as (number, text) pairs, checking that
/// each sits under a `##` group, and the number of groups.
fn faq_questions(faq: &str) -> (Vec<(u32, String)>, usize) {
    let mut groups = 0;
    let mut questions = Vec::new();
    for line in faq.lines() {
        if line.starts_with("## ") {
            groups += 1;
        } else if let Some(heading) = line.strip_prefix("### ") {
            assert!(groups > 0, "question outside a `##` group: {line}");
            let (number, text) = heading
                .split_once(". ")
                .unwrap_or_else(|| panic!("question heading is not `### N. Text`: {line}"));
            let number = number
                .parse()
                .unwrap_or_else(|_| panic!("question number is not a number: {line}"));
            questions.push((number, text.to_string()));
        }
    }
    (questions, groups)
}

/// Returns the paragraphs under the `### N.` heading, up to the next heading.
fn answer_paragraphs(faq: &str, number: u32) -> Vec<String> {
    let marker = format!("### {number}. ");
    let body: Vec<&str> = faq
        .lines()
        .skip_while(|l| !l.starts_with(&marker))
        .skip(1)
        .take_while(|l| !l.starts_with('#'))
        .collect();
    body.join("\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn faq_has_seven_questions_in_two_groups() {
    let book_toml = read(&manuscript_dir().join("book.toml"));
    let faq = read(&manuscript_dir().join(toml_string(&book_toml, "faq")));
    let (questions, groups) = faq_questions(&faq);

    assert_eq!(groups, 2, "the FAQ should have two `##` groups");
    let numbers: Vec<u32> = questions.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        numbers,
        (1..=7).collect::<Vec<_>>(),
        "questions should be numbered 1 to 7"
    );
    for (number, text) in &questions {
        assert!(
            text.ends_with('?'),
            "question {number} does not end with a question mark: {text}"
        );
    }
}

#[test]
fn faq_question_7_keeps_the_fragment_and_the_editors_note() {
    let book_toml = read(&manuscript_dir().join("book.toml"));
    let faq = read(&manuscript_dir().join(toml_string(&book_toml, "faq")));
    let answer = answer_paragraphs(&faq, 7);

    assert_eq!(
        answer.len(),
        2,
        "question 7 should have the fragment and the note: {answer:?}"
    );
    assert_eq!(
        answer[0], "The most likely",
        "question 7's fragment must stay exactly as in the source"
    );
    assert!(
        answer[1].starts_with("*[Editor’s note:"),
        "the fragment should be followed by the editor's note, found: {}",
        answer[1]
    );
}
