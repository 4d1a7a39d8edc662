//! What a part's flow gathers besides its pages: the line counts, the
//! warnings, given once each, and the images met.

use super::quality::Tally;
use crate::error::{Diagnostic, Place};
use crate::model::Pos;
use crate::pdf::image::Picture;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What a part's flow gathers on the way besides its pages.
#[derive(Default)]
pub(super) struct Found {
    pub(super) tally: Tally,
    pub(super) warnings: Warnings,
    /// Each image met so far, decoded for the PDF or refused with a reason.
    pub(super) pictures: BTreeMap<String, Result<Picture, String>>,
}

/// A missing character warned about: the chapter file, the character and
/// the line.
type Reported = (PathBuf, char, u32);

/// The warnings of part of the book, in order. Those about a missing
/// character are given once per file, character and line, so each carries
/// its key, for [`Warnings::append`] to drop the ones an earlier part gave.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Warnings {
    #[serde(with = "super::cache::diagnostics")]
    pub(super) list: Vec<Diagnostic>,
    /// Each missing-character warning: its index in `list` and its key.
    keys: Vec<(usize, Reported)>,
    reported: BTreeSet<Reported>,
}

impl Warnings {
    /// Adds a warning about `c` at `pos` of `file` (in `dir`) unless one
    /// was given.
    pub(super) fn missing(&mut self, dir: &Path, file: &Path, c: char, pos: Pos) {
        let key = (file.to_path_buf(), c, pos.line);
        if self.reported.contains(&key) {
            return;
        }
        self.keys.push((self.list.len(), key.clone()));
        self.reported.insert(key);
        let place = Place::at(dir.join(file), pos.line, pos.col);
        self.list.push(
            Diagnostic::warning(
                "missing-glyph",
                Some(place),
                format!(
                    "no font has the character “{c}” (U+{:04X}); it is printed as a box",
                    c as u32
                ),
            )
            .with_hint(
                "name a font that has it in book.toml [pdf] fonts, or replace the character",
            ),
        );
    }

    /// Adds a later part's warnings, but for missing characters warned
    /// about already (a file that is a chapter twice).
    pub(super) fn append(&mut self, later: Warnings) {
        let mut keys = later.keys.into_iter().peekable();
        for (index, warning) in later.list.into_iter().enumerate() {
            if let Some((_, key)) = keys.next_if(|(at, _)| *at == index) {
                if self.reported.contains(&key) {
                    continue;
                }
                self.keys.push((self.list.len(), key.clone()));
                self.reported.insert(key);
            }
            self.list.push(warning);
        }
    }
}
