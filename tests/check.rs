//! `bindery check` finds each problem it looks for in a manuscript made for
//! it (`tests/fixtures/check/<problem>/`), at its file, line and column, and
//! nothing else; in the sample book it finds only the unfinished answer to
//! question 7, which the editor's note acknowledges.

mod common;

use common::{Finding, report_findings, run};
use std::path::{Path, PathBuf};

/// One expected finding: severity, code, file (relative to the
/// manuscript), line and column.
type Expected<'a> = (&'a str, &'a str, &'a str, u64, u64);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check")
        .join(name)
}

/// Runs `bindery check --format json` on a manuscript folder and returns its
/// findings and exit status; the helper has checked that the report's
/// counts and the status agree with the findings.
fn check(dir: &Path) -> (Vec<Finding>, i32) {
    let dir = dir.to_str().expect("the repository's path is UTF-8");
    let outcome = run(&["check", "--format", "json", "--manuscript", dir]);
    let findings = report_findings(&outcome);
    (findings, outcome.status.code().expect("an exit status"))
}

/// Asserts that the fixture's findings are exactly `expected`, in order, and
/// that check exits with `status`.
fn assert_finds(name: &str, status: i32, expected: &[Expected<'_>]) {
    let (findings, code) = check(&fixture(name));
    let found: Vec<Expected<'_>> = findings
        .iter()
        .map(|f| {
            (
                f.severity.as_str(),
                f.code.as_str(),
                f.file.as_deref().and_then(Path::to_str).unwrap_or(""),
                f.line.unwrap_or(0),
                f.col.unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(found, expected, "{name}: {findings:#?}");
    assert_eq!(code, status, "{name}: exit status");
}

#[test]
fn a_clean_manuscript_has_no_findings_and_exits_0() {
    assert_finds("clean", 0, &[]);
}

#[test]
fn broken_internal_links() {
    assert_finds(
        "broken-link",
        2,
        &[
            ("warning", "broken-link", "01-chapter.md", 4, 3),
            ("warning", "broken-link", "01-chapter.md", 6, 3),
        ],
    );
}

#[test]
fn missing_images() {
    assert_finds(
        "missing-image",
        2,
        &[("warning", "missing-image", "01-chapter.md", 3, 1)],
    );
}

#[test]
fn images_without_alt_text() {
    // The EPUB then claims no WCAG conformance and the PDF no PDF/UA-1,
    // and each says so about the whole book (no line).
    assert_finds(
        "image-no-alt",
        2,
        &[
            ("warning", "pdf-ua-withheld", "", 0, 0),
            ("warning", "not-accessible", ".", 0, 0),
            ("warning", "image-no-alt", "01-chapter.md", 5, 1),
        ],
    );
}

#[test]
fn duplicate_headings() {
    assert_finds(
        "duplicate-heading",
        2,
        &[("warning", "duplicate-heading", "01-chapter.md", 7, 1)],
    );
}

#[test]
fn empty_headings() {
    assert_finds(
        "empty-heading",
        2,
        &[
            ("warning", "empty-heading", "01-chapter.md", 3, 1),
            ("warning", "empty-heading", "02-untitled.md", 1, 1),
        ],
    );
}

#[test]
fn faq_questions_without_an_answer() {
    assert_finds(
        "faq-no-answer",
        2,
        &[("warning", "faq-no-answer", "faq.md", 7, 1)],
    );
}

#[test]
fn faq_answers_that_stop_mid_sentence() {
    assert_finds(
        "faq-unfinished-answer",
        2,
        &[("warning", "faq-unfinished-answer", "faq.md", 9, 1)],
    );
}

#[test]
fn acknowledged_gaps_are_listed_but_exit_0() {
    let (findings, status) = check(&fixture("faq-acknowledged"));
    assert_eq!(status, 0);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let faq = Path::new("faq.md");
    findings[0].assert_at("warning", "faq-unfinished-answer", faq, 5, 1);
    findings[1].assert_at("warning", "faq-no-answer", faq, 9, 1);
    assert!(findings.iter().all(|f| f.acknowledged), "{findings:#?}");
}

#[test]
fn footnotes_referenced_but_not_defined() {
    assert_finds(
        "undefined-footnote",
        2,
        &[("warning", "undefined-footnote", "01-chapter.md", 3, 29)],
    );
}

#[test]
fn footnotes_defined_but_never_referenced() {
    assert_finds(
        "unused-footnote",
        2,
        &[("warning", "unused-footnote", "01-chapter.md", 5, 1)],
    );
}

#[test]
fn characters_no_font_can_draw() {
    assert_finds(
        "missing-glyph",
        2,
        &[
            ("warning", "missing-glyph", "01-chapter.md", 3, 26),
            ("warning", "missing-glyph", "01-chapter.md", 6, 19),
            ("warning", "missing-glyph", "01-chapter.md", 6, 34),
            // The same character on the same line of another chapter is
            // another place to mend.
            ("warning", "missing-glyph", "02-chapter.md", 3, 38),
        ],
    );
}

#[test]
fn book_toml_fields_that_stores_require() {
    assert_finds(
        "store-metadata",
        2,
        &[
            ("warning", "store-metadata", "book.toml", 1, 1),
            ("warning", "store-metadata", "book.toml", 1, 1),
        ],
    );
    // Without a language nothing can be built: an error, exit status 1.
    assert_finds(
        "missing-key",
        1,
        &[("error", "missing-key", "book.toml", 1, 1)],
    );
}

#[test]
fn the_sample_has_only_the_acknowledged_question_7() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("manuscript");
    let (findings, status) = check(&sample);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    finding.assert_at(
        "warning",
        "faq-unfinished-answer",
        Path::new("02-faq.md"),
        40,
        1,
    );
    assert!(finding.acknowledged, "{finding:#?}");
    assert!(finding.message.contains("question 7"), "{finding:#?}");
    assert_eq!(status, 0, "acknowledged warnings do not count");
}

#[test]
fn code_in_a_language_without_a_grammar_is_one_finding_a_language() {
    // Three blocks in two unknown languages (`hbs` and `HBS` are one), in a
    // list and a quotation too; `text` and `rust` give nothing.
    assert_finds(
        "code-language",
        2,
        &[
            ("warning", "code-language", "01-chapter.md", 5, 1),
            ("warning", "code-language", "01-chapter.md", 27, 3),
        ],
    );
}
