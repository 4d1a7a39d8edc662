//! Checks of the whole book that no single parsing step can make: images
//! without alt text, empty headings, headings repeated in a chapter, and
//! metadata that stores ask for. The loader runs them, so `build` and
//! `check` report the same findings.

use crate::config::Config;
use crate::error::{Diagnostic, Place};
use crate::model::{Book, Inline};
use std::collections::BTreeMap;
use std::path::Path;

/// Findings about the book's structure, in reading order.
pub fn book(book: &Book, dir: &Path) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for chapter in &book.chapters {
        let file = dir.join(&chapter.file);
        let mut chapter = chapter.clone();
        let mut seen: BTreeMap<(u8, String), u32> = BTreeMap::new();
        chapter.headings_mut(&mut |heading, pos| {
            let place = Place::at(&file, pos.line, pos.col);
            let text = Inline::plain_text(&heading.content).trim().to_string();
            if text.is_empty() {
                findings.push(
                    Diagnostic::warning("empty-heading", Some(place), "the heading is empty")
                        .with_hint("give the heading a text, or remove it"),
                );
                return;
            }
            let key = (heading.level.number(), text.to_lowercase());
            if let Some(first) = seen.get(&key) {
                findings.push(
                    Diagnostic::warning(
                        "duplicate-heading",
                        Some(place),
                        format!("the heading “{text}” repeats the one on line {first}"),
                    )
                    .with_hint("readers tell sections apart by their headings; make them distinct"),
                );
            } else {
                seen.insert(key, pos.line);
            }
        });
        chapter.inlines_mut(&mut |inline| {
            if let Inline::Image { src, alt, pos, .. } = inline
                && alt.trim().is_empty()
            {
                findings.push(
                    Diagnostic::warning(
                        "image-no-alt",
                        Some(Place::at(&file, pos.line, pos.col)),
                        format!("the image `{src}` has no alt text"),
                    )
                    .with_hint(
                        "describe the image for readers who cannot see it: ![what it shows](path)",
                    ),
                );
            }
        });
    }
    findings
}

/// Metadata that e-book stores ask for at upload: an author (`authors = []`
/// says there is none on purpose) and a description.
pub fn metadata(config: &Config, file: &Path) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    let top = Place::at(file, 1, 1);
    if config.authors.is_none() {
        findings.push(
            Diagnostic::warning("store-metadata", Some(top.clone()), "no author is named")
                .with_hint(
                    "stores ask for one: add authors = [\"Name\"], or authors = [] for a work \
                     whose source names no author",
                ),
        );
    }
    if config.description.is_none() {
        findings.push(
            Diagnostic::warning("store-metadata", Some(top), "the book has no description")
                .with_hint("stores show it on the book's page: add description = \"…\""),
        );
    }
    findings
}
