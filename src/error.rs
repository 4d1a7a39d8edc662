//! Diagnostics: errors and warnings that name their place in the manuscript.
//!
//! An [`Error`] stops the build; a warning is a [`Diagnostic`] collected on the
//! way and reported without stopping. Both print as `file:line:col: message`
//! followed by a hint saying what to do.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// The book is built, but something in it is worse than it should be.
    Warning,
    /// Nothing can be built until this is fixed.
    Error,
}

/// A place in a file of the manuscript.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Place {
    /// The file, as the user named it or relative to the manuscript folder's parent.
    pub file: PathBuf,
    /// Line number counted from 1, when known.
    pub line: Option<u32>,
    /// Column counted from 1, when known.
    pub col: Option<u32>,
}

impl Place {
    /// A whole file, without a line.
    pub fn file(file: impl Into<PathBuf>) -> Place {
        Place {
            file: file.into(),
            line: None,
            col: None,
        }
    }

    /// A line and column of a file.
    pub fn at(file: impl Into<PathBuf>, line: u32, col: u32) -> Place {
        Place {
            file: file.into(),
            line: Some(line),
            col: Some(col),
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", printable(&self.file.display().to_string()))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.col {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

/// One finding about the manuscript: what, where, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short stable name for the kind of finding, such as `unknown-key`.
    pub code: &'static str,
    /// Where the problem is, when it has a place.
    pub place: Option<Place>,
    /// What is wrong, as one sentence.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// Set when the manuscript acknowledges the finding (for instance with an
    /// editor's note after an unfinished answer); acknowledged warnings are
    /// listed by `bindery check` but do not count against the book.
    pub acknowledged: bool,
}

impl Diagnostic {
    /// A warning with a place.
    pub fn warning(code: &'static str, place: Option<Place>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            place,
            message: message.into(),
            hint: None,
            acknowledged: false,
        }
    }

    /// Adds a hint saying what to do.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match (self.severity, self.acknowledged) {
            (Severity::Error, _) => "error",
            (Severity::Warning, false) => "warning",
            (Severity::Warning, true) => "acknowledged",
        };
        write!(f, "{label}: ")?;
        if let Some(place) = &self.place {
            write!(f, "{place}: ")?;
        }
        write!(f, "{}", printable(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", printable(hint))?;
        }
        Ok(())
    }
}

/// `text` made safe to print on a terminal: control characters (C0, DEL
/// and C1, line breaks too) and the bidirectional overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069), which a title or a file name could use
/// to rewrite the screen or reorder what it shows, are written as Rust
/// escapes such as `\u{1b}`. Everything a diagnostic prints goes through
/// it; JSON output is escaped by its own rules instead.
pub fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            safe.extend(c.escape_default());
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
}

/// An error that stops the build. It carries the same facts as a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<Diagnostic>);

/// The result type of everything that can fail in bindery.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error about a place (or about nothing in particular when `place` is `None`).
    pub fn new(code: &'static str, place: Option<Place>, message: impl Into<String>) -> Self {
        Error(Box::new(Diagnostic {
            severity: Severity::Error,
            code,
            place,
            message: message.into(),
            hint: None,
            acknowledged: false,
        }))
    }

    /// An error reading or writing a file, with the system's reason.
    pub fn io(action: &str, path: &Path, err: &std::io::Error) -> Self {
        Error::new(
            "io",
            Some(Place::file(path)),
            format!("cannot {action}: {}", io_reason(err)),
        )
    }

    /// Adds a hint saying what to do.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.0.hint = Some(hint.into());
        self
    }

    /// The facts of the error.
    pub fn diagnostic(&self) -> &Diagnostic {
        &self.0
    }
}

/// The system's reason for an I/O failure, without the "(os error N)" noise.
fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::NotFound => "no such file or folder".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let text = err.to_string();
            match text.find(" (os error") {
                Some(cut) => text[..cut].to_string(),
                None => text,
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {}

/// Line starts of a text, for turning byte offsets into lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// How many characters precede each multiple of [`CHECKPOINT`] bytes.
    /// Counting a column from the nearest checkpoint instead of from the
    /// line's start keeps a megabyte-long line with many events linear.
    checkpoints: Vec<usize>,
}

/// The distance in bytes between two character-count checkpoints.
const CHECKPOINT: usize = 128;

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text`.
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let checkpoints = std::iter::once(0)
            .chain(text.as_bytes().chunks(CHECKPOINT).scan(0, |count, chunk| {
                *count += chars(chunk);
                Some(*count)
            }))
            .collect();
        LineIndex {
            text,
            starts,
            checkpoints,
        }
    }

    /// The 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        let col = if offset - start <= 2 * CHECKPOINT {
            chars(&self.text.as_bytes()[start..offset])
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        (to_u32(line), to_u32(col + 1))
    }

    /// How many characters start before byte `offset`.
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / CHECKPOINT;
        self.checkpoints[block] + chars(&self.text.as_bytes()[block * CHECKPOINT..offset])
    }
}

/// How many characters start in `bytes`: every byte that is not a UTF-8
/// continuation byte. Unlike decoding, this adds up over any split.
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xc0 != 0x80).count()
}

/// Saturating conversion for line and column numbers.
pub fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_escaped_and_other_text_kept() {
        assert_eq!(printable("Plain « text » ✓"), "Plain « text » ✓");
        assert_eq!(
            printable("a\u{1b}]0;x\u{7}\u{1b}[2J\tb\nc\u{7f}\u{9b}\u{202e}d\u{2066}"),
            "a\\u{1b}]0;x\\u{7}\\u{1b}[2J\\tb\\nc\\u{7f}\\u{9b}\\u{202e}d\\u{2066}"
        );
        let warning = Diagnostic::warning(
            "empty-heading",
            Some(Place::file("a\u{1b}[1m.md")),
            "title \u{1b}[2J",
        )
        .with_hint("hint \u{7}");
        assert_eq!(
            warning.to_string(),
            "warning: a\\u{1b}[1m.md: title \\u{1b}[2J\n  hint: hint \\u{7}"
        );
    }

    #[test]
    fn columns_count_characters_on_short_and_long_lines() {
        let long = "é😀abc".repeat(500);
        let text = &format!("ab\nçé😀x\n\n{long}\nlast ligne é");
        let naive = |offset: usize| {
            let line = text[..offset].matches('\n').count() + 1;
            let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            (
                to_u32(line),
                to_u32(text[start..offset].chars().count() + 1),
            )
        };
        let index = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for offset in offsets {
            assert_eq!(index.line_col(offset), naive(offset), "offset {offset}");
        }
        assert_eq!(index.line_col(text.len() + 10), naive(text.len()));
    }
}
