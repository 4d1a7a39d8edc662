//! Reading an mdBook: its `SUMMARY.md`, then each chapter it lists with
//! the directives expanded, into the reading order [`super::assemble_shaped`]
//! builds the book from.

use super::Reader;
use super::files::{self, Kind, Whereabouts};
use crate::error::{Diagnostic, Error, Place};
use crate::markdown::has_scheme;
use crate::mdbook::config::Settings;
use crate::mdbook::include::{self, Files, Unread};
use crate::mdbook::summary::{self, Entry};
use crate::model::{Chapter, Inline};
use std::path::{Path, PathBuf};

/// The reading order of an mdBook: each entry's file (relative to the
/// book's folder) and text, how it is placed, and what was noticed.
pub(super) struct Outline {
    pub files: Vec<(PathBuf, String)>,
    pub shapes: Vec<Shape>,
    pub warnings: Vec<Diagnostic>,
}

/// Reads the summary and the chapters of the mdBook that `settings`
/// describe; `config_path` is its `book.toml`, for an error about a
/// missing summary.
pub(super) fn read(
    reader: &mut Reader,
    settings: &Settings,
    config_path: &Path,
) -> Result<Outline, Error> {
    let summary_file = settings.src.join("SUMMARY.md");
    let summary_path = reader.dir.join(&summary_file);
    if files::locate(&reader.dir, &reader.root, &summary_file) != Whereabouts::Inside {
        return Err(Error::new(
            "missing-summary",
            Some(Place::file(config_path)),
            format!(
                "this is an mdBook's book.toml (it has a [book] table), but `{}` does not exist",
                summary_file.display()
            ),
        )
        .with_hint("write the book's SUMMARY.md, or set [book] src to the folder that holds it"));
    }
    let text = reader.read_text(&summary_path, Kind::Chapter)?;
    let (entries, mut warnings) = summary::parse(&text, &summary_path);
    let mut outline = Outline {
        files: Vec::new(),
        shapes: Vec::new(),
        warnings: Vec::new(),
    };
    // The open numbered chapters: each one's depth and the entry its
    // children belong to (a draft's children belong to its parent).
    let mut open: Vec<(usize, Option<usize>)> = Vec::new();
    let mut part: Option<usize> = None;
    for entry in entries {
        let (title, path, depth, line) = match entry {
            Entry::Separator => continue,
            Entry::Part { title, .. } => {
                open.clear();
                part = Some(outline.files.len());
                outline.files.push((summary_file.clone(), String::new()));
                outline.shapes.push(Shape {
                    title: Some(title),
                    part: true,
                    ..Shape::default()
                });
                continue;
            }
            Entry::Chapter {
                title,
                path,
                depth,
                line,
            } => (title, path, depth, line),
        };
        while open.last().is_some_and(|(d, _)| *d >= depth) {
            open.pop();
        }
        // Prefix and suffix chapters stand outside every part.
        let parent = match depth {
            0 => None,
            _ => open.last().map_or(part, |(_, parent)| *parent),
        };
        let place = Place::at(&summary_path, line, 1);
        let Some(path) = path else {
            warnings.push(
                Diagnostic::warning(
                    "mdbook-draft",
                    Some(place),
                    format!("“{title}” is a draft chapter, without a file, and is left out"),
                )
                .with_hint("give the chapter a file when it is written: [Title](file.md)"),
            );
            if depth > 0 {
                open.push((depth, parent));
            }
            continue;
        };
        let file = crate::mdbook::inside(&settings.src, &super::percent_decode(&path))
            .unwrap_or_else(|| PathBuf::from(&path));
        super::inside(reader, &file, Some(place), "chapter").map_err(|error| {
            if error.diagnostic().code == "missing-chapter" {
                error.with_hint(
                    "create the file, or make the entry a draft chapter without one: [Title]()",
                )
            } else {
                error
            }
        })?;
        let chapter_path = reader.dir.join(&file);
        let text = reader.read_text(&chapter_path, Kind::Chapter)?;
        let dir = reader.dir.clone();
        let expanded = include::expand(&text, &file, reader, &|file| dir.join(file))?;
        outline.warnings.extend(expanded.warnings);
        if depth > 0 {
            open.push((depth, Some(outline.files.len())));
        }
        outline.files.push((file, expanded.text));
        outline.shapes.push(Shape {
            title: Some(title),
            parent,
            part: false,
            origin: expanded.origin,
        });
    }
    outline.warnings.extend(warnings);
    outline.warnings.extend(settings.notes.iter().cloned());
    Ok(outline)
}

/// How an entry of an mdBook's reading order is placed in the book, beyond
/// its file and text: what `SUMMARY.md` says of it.
#[derive(Debug, Clone, Default)]
pub(super) struct Shape {
    /// The summary's link text: the chapter's title in the contents.
    pub title: Option<String>,
    /// The entry it is nested under, an index into the reading order.
    pub parent: Option<usize>,
    /// Whether it is a part title, with no text of its own.
    pub part: bool,
    /// The chapter file's line for each line of its text, whose
    /// directives were expanded.
    pub origin: Vec<u32>,
}

/// Makes the paths of an mdBook chapter's images, written relative to its
/// `folder`, relative to the book's folder, as the loader reads them. A
/// path that climbs out stays as written, to be refused as outside.
pub(super) fn relative_images(chapter: &mut Chapter, folder: &Path) {
    chapter.inlines_mut(&mut |inline| {
        if let Inline::Image { src, .. } = inline
            && !has_scheme(src)
            && let Some(file) = crate::mdbook::inside(folder, &super::percent_decode(src))
        {
            *src = file.to_string_lossy().into_owned();
        }
    });
}

/// Included files are read as chapters are: inside the book's folder,
/// regular files only, within a chapter's size limit, in UTF-8.
impl Files for Reader {
    fn text(&mut self, file: &Path) -> Result<String, Unread> {
        match files::locate(&self.dir, &self.root, file) {
            Whereabouts::Inside => self
                .read_text(&self.dir.join(file), Kind::Chapter)
                .map_err(Unread::Refused),
            Whereabouts::Outside => Err(Unread::Outside),
            Whereabouts::Missing => Err(Unread::Missing),
        }
    }
}
