//! Preflight for the print profile: what a printer's own check would
//! refuse or query, found on the laid-out pages, each at its place.
//!
//! Images are named at their place in the manuscript; findings about the
//! whole book (its page count, type outside the live area) belong to a
//! setting, and come back with the `book.toml` key whose line they are at.

use super::conform::Colours;
use super::image::{Picture, Samples};
use super::layout::{Geometry, Item, Page};
use crate::config::Standards;
use crate::error::{Diagnostic, Error, Place};
use crate::model::{Book, Inline};
use std::collections::BTreeMap;
use std::path::Path;

/// The least resolution a printer takes for an image, at its placed size.
pub const LEAST_PPI: f32 = 300.0;
/// The page counts KDP prints as a paperback.
pub const PAGE_RANGE: std::ops::RangeInclusive<usize> = 24..=828;

/// What preflight found: findings with their places, findings for a
/// `book.toml` key, and an error that stops the build.
#[derive(Debug, Default)]
pub struct Found {
    /// Findings at their place in the manuscript.
    pub placed: Vec<Diagnostic>,
    /// Findings to place at a key of `book.toml`.
    pub at_key: Vec<(Diagnostic, &'static str)>,
    /// An image the output intent cannot describe.
    pub error: Option<Error>,
}

/// What [`check`] is told besides the pages.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    /// The page as laid out.
    pub geometry: Geometry,
    /// The bleed, in points.
    pub bleed: f32,
    /// The standards the PDF follows.
    pub standards: Standards,
    /// Whether the PDF is for print: only then are resolution, page count
    /// and live area checked.
    pub print: bool,
    /// The manuscript folder, to name files.
    pub source_dir: &'a Path,
}

/// Checks the laid-out `pages` of `book`.
pub fn check(
    book: &Book,
    pages: &[Page],
    pictures: &BTreeMap<String, Picture>,
    settings: &Settings<'_>,
) -> Found {
    let mut found = Found::default();
    let colours = Colours::of(settings.standards);
    let source_dir = settings.source_dir;
    let places = image_places(book, source_dir);
    // The widest each image is placed, in points.
    let mut widths: BTreeMap<&str, f32> = BTreeMap::new();
    for page in pages {
        for item in &page.items {
            if let Item::Image { src, width, .. } = item {
                let widest = widths.entry(src.as_str()).or_insert(0.0);
                *widest = widest.max(*width);
            }
        }
    }
    for (src, width) in widths {
        let (Some(picture), place) = (pictures.get(src), places.get(src).cloned()) else {
            continue;
        };
        let ppi = picture.size.width as f32 / (width / 72.0);
        if settings.print && ppi < LEAST_PPI - 0.5 {
            found.placed.push(
                Diagnostic::warning(
                    "low-resolution-image",
                    place.clone(),
                    format!(
                        "`{src}` prints at {ppi:.0} pixels an inch; printers ask for {LEAST_PPI:.0}"
                    ),
                )
                .with_hint(format!(
                    "use an image of at least {:.0} pixels across",
                    (width / 72.0 * LEAST_PPI).ceil()
                )),
            );
        }
        let components = match &picture.samples {
            Samples::Jpeg { components, .. } | Samples::Raw { components, .. } => *components,
        };
        if components == 4 && settings.standards.has_intent() && found.error.is_none() {
            found.error = Some(
                Error::new(
                    "cmyk-image",
                    place.clone(),
                    format!("`{src}` is a CMYK JPEG, and the PDF's standards have no CMYK intent"),
                )
                .with_hint(
                    "bindery ships no CMYK characterisation: save the image as a greyscale or \
                     RGB JPEG, or a PNG",
                ),
            );
        }
        if components == 3 && colours == Colours::Gray {
            let what = match picture.samples {
                Samples::Raw { .. } => "it is printed in grey",
                Samples::Jpeg { .. } => "it keeps its sRGB colours, which the printer converts",
            };
            found.placed.push(
                Diagnostic::warning(
                    "colour-image",
                    place,
                    format!("`{src}` is in colour in a black-and-white interior: {what}"),
                )
                .with_hint("check the image in grey, or convert it to greyscale yourself"),
            );
        }
    }
    if !settings.print {
        return found;
    }
    if !PAGE_RANGE.contains(&pages.len()) {
        found.at_key.push((
            Diagnostic::warning(
                "print-page-count",
                None,
                format!(
                    "the interior has {} pages; KDP prints paperbacks of {} to {}",
                    pages.len(),
                    PAGE_RANGE.start(),
                    PAGE_RANGE.end()
                ),
            )
            .with_hint("check your printer's range: IngramSpark's differs by trim and paper"),
            "profile",
        ));
    }
    found
        .at_key
        .extend(live_area(pages, settings.geometry, settings.bleed));
    found
}

/// The first image of each path, at its place in its chapter.
fn image_places(book: &Book, source_dir: &Path) -> BTreeMap<String, Place> {
    let mut places = BTreeMap::new();
    for chapter in &book.chapters {
        let file = source_dir.join(&chapter.file);
        chapter.inlines(&mut |inline| {
            if let Inline::Image { src, pos, .. } = inline {
                places
                    .entry(src.clone())
                    .or_insert_with(|| Place::at(&file, pos.line, pos.col));
            }
        });
    }
    places
}

/// Type closer to the trim than printers' safety margin (0.25 in, 0.375 in
/// with bleed), once per edge, at the margin's key.
fn live_area(pages: &[Page], g: Geometry, bleed: f32) -> Vec<(Diagnostic, &'static str)> {
    let safe = super::least_outside(bleed);
    let mut edges: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (index, page) in pages.iter().enumerate() {
        for item in &page.items {
            let Item::Text { x, y, run, .. } = item else {
                continue;
            };
            // The spine is at the left of a right-hand page (0, 2, …).
            let (left, right) = if index % 2 == 0 {
                ("inside-margin", "outside-margin")
            } else {
                ("outside-margin", "inside-margin")
            };
            let breaches = [
                (*x < safe, left),
                (x + run.width > g.width - safe, right),
                (y - run.size * 0.75 < safe, "top-margin"),
                (y + run.size * 0.25 > g.height - safe, "bottom-margin"),
            ];
            for (out, key) in breaches {
                if out {
                    edges.entry(key).or_insert(index + 1);
                }
            }
        }
    }
    edges
        .into_iter()
        .map(|(key, page)| {
            (
                Diagnostic::warning(
                    "outside-live-area",
                    None,
                    format!(
                        "type on page {page} comes within {:.3} in of the trim, where a printer's \
                         cut may reach",
                        safe / 72.0
                    ),
                )
                .with_hint(format!("make `{key}` at least {:.3}in", safe / 72.0)),
                key,
            )
        })
        .collect()
}
