//! The document model, checked construct by construct against golden dumps.
//!
//! Each file in `tests/fixtures/constructs/` exercises one Markdown construct;
//! its model is compared with `golden/<file>.json`, which a person has read.
//! Run with `BINDERY_BLESS=1` to rewrite the golden files after a deliberate
//! change, then read the diff before committing it.

use bindery::model::{Book, ChapterBody};
use bindery::toc::{self, TocKind};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/constructs")
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("manuscript")
}

/// Compares `actual` with a golden file, or rewrites it when blessing.
fn golden(name: &str, actual: &str) {
    let path = fixtures().join("golden").join(name);
    if std::env::var_os("BINDERY_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing; run with BINDERY_BLESS=1", path.display()));
    assert!(
        expected == actual,
        "{} differs from the model; run with BINDERY_BLESS=1 and read the diff\n--- actual ---\n{actual}",
        path.display()
    );
}

#[test]
fn every_construct_matches_its_golden_dump() {
    let manuscript = bindery::load(&fixtures()).unwrap();
    for chapter in &manuscript.book.chapters {
        let json = serde_json::to_string_pretty(chapter).unwrap() + "\n";
        let stem = chapter.file.file_stem().unwrap().to_string_lossy();
        golden(&format!("{stem}.json"), &json);
    }
    let warnings: String = manuscript
        .warnings
        .iter()
        .map(|w| {
            let text = w
                .to_string()
                .replace(&fixtures().display().to_string(), "constructs");
            format!("{text}\n")
        })
        .collect();
    golden("warnings.txt", &warnings);
    let toc = toc::build(&manuscript.book, manuscript.config.toc_depth());
    golden(
        "toc.json",
        &(serde_json::to_string_pretty(&toc).unwrap() + "\n"),
    );
}

/// Every id in the book, in reading order, with duplicates kept.
fn all_ids(book: &Book) -> Vec<String> {
    let mut ids = Vec::new();
    for chapter in &book.chapters {
        ids.push(chapter.id.clone());
        let mut chapter = chapter.clone();
        chapter.headings_mut(&mut |h, _| ids.push(h.id.clone()));
        ids.extend(chapter.footnotes.iter().map(|n| n.id.clone()));
    }
    ids
}

#[test]
fn ids_are_unique_and_stable_across_loads() {
    for dir in [fixtures(), sample()] {
        let first = bindery::load(&dir).unwrap().book;
        let ids = all_ids(&first);
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(
            unique.len(),
            ids.len(),
            "duplicate ids in {}: {ids:?}",
            dir.display()
        );
        assert!(ids.iter().all(|id| !id.is_empty()));
        let second = bindery::load(&dir).unwrap().book;
        assert_eq!(first, second, "loading twice gave different models");
    }
}

#[test]
fn toc_entries_point_at_ids_of_their_chapter() {
    for dir in [fixtures(), sample()] {
        let manuscript = bindery::load(&dir).unwrap();
        let book = &manuscript.book;
        let toc = toc::build(book, manuscript.config.toc_depth());
        let mut seen = BTreeSet::new();
        for (_, entry) in toc.flatten() {
            assert!(seen.insert(entry.id.clone()), "toc id {} twice", entry.id);
            let mut chapter = book.chapters[entry.chapter].clone();
            let mut ids = vec![chapter.id.clone()];
            chapter.headings_mut(&mut |h, _| ids.push(h.id.clone()));
            assert!(
                ids.contains(&entry.id),
                "{} not in chapter {}",
                entry.id,
                entry.chapter
            );
        }
    }
}

#[test]
fn the_sample_is_an_essay_and_a_faq_of_two_groups_and_seven_questions() {
    let manuscript = bindery::load(&sample()).unwrap();
    let book = &manuscript.book;
    assert_eq!(
        book.metadata.title,
        "European Resistance to US–Russian Plans for Ukraine"
    );
    assert_eq!(book.metadata.language, "en");
    assert!(book.metadata.authors.is_empty());
    assert_eq!(book.chapters.len(), 2);
    assert!(matches!(book.chapters[0].body, ChapterBody::Prose { .. }));
    let ChapterBody::Faq(faq) = &book.chapters[1].body else {
        panic!("the second chapter is not read as a FAQ");
    };
    let groups: Vec<(String, Vec<u32>)> = faq
        .groups
        .iter()
        .map(|g| {
            let heading = g.heading.as_ref().unwrap();
            let title = bindery::model::Inline::plain_text(&heading.content);
            (title, g.questions.iter().map(|q| q.number).collect())
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("Beginner-Level Questions".to_string(), vec![1, 2, 3, 4]),
            ("Advanced Strategic Questions".to_string(), vec![5, 6, 7]),
        ]
    );
    let toc = toc::build(book, manuscript.config.toc_depth());
    let questions = toc
        .flatten()
        .iter()
        .filter(|(_, e)| matches!(e.kind, TocKind::FaqQuestion { .. }))
        .count();
    assert_eq!(questions, 7);
    // Question 7's unfinished answer is the only finding, and it is acknowledged.
    assert_eq!(manuscript.warnings.len(), 1, "{:?}", manuscript.warnings);
    assert!(manuscript.warnings[0].acknowledged);
    assert_eq!(manuscript.warnings[0].code, "faq-unfinished-answer");
}

#[test]
fn toc_depth_limits_sections_but_not_the_faq() {
    let manuscript = bindery::load(&fixtures()).unwrap();
    let toc = toc::build(&manuscript.book, 1);
    let headings = &toc.entries[0];
    assert!(headings.children.is_empty());
    let faq = toc.entries.last().unwrap();
    assert_eq!(faq.children.len(), 2);
    assert_eq!(faq.children[1].children.len(), 3);
}

#[test]
fn crlf_and_byte_order_mark_read_like_plain_lf() {
    let dir = tempfile::tempdir().unwrap();
    let lf = "# Title\n\nA paragraph\nover two lines.\n\n- item\n";
    std::fs::write(
        dir.path().join("book.toml"),
        "title = \"T\"\nlanguage = \"en\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.md"), lf).unwrap();
    let plain = bindery::load(dir.path()).unwrap().book;
    let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    std::fs::write(dir.path().join("a.md"), crlf).unwrap();
    let windows = bindery::load(dir.path()).unwrap().book;
    assert_eq!(plain, windows);
}
