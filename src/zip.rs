//! A deterministic zip writer: the same entries always give the same bytes.
//!
//! Every entry gets the same fixed time (the zip format's earliest,
//! 1980-01-01 00:00) and the same permissions, and entries are written in the
//! order given. The EPUB needs its `mimetype` entry first and stored; the
//! reading pack needs nothing more than stable bytes.

use crate::error::Error;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// How an entry's bytes are kept in the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Kept as they are; required for an EPUB's `mimetype`, and best for
    /// files that are compressed already (PNG, JPEG).
    Stored,
    /// Compressed with deflate.
    Deflated,
}

/// One file of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path inside the archive, with forward slashes.
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// How the bytes are kept.
    pub compression: Compression,
}

/// Writes `entries`, in order, into a zip archive and returns its bytes.
pub fn write(entries: &[Entry]) -> Result<Vec<u8>, Error> {
    let fail = |err: &dyn std::fmt::Display| {
        Error::new("zip", None, format!("cannot write the archive: {err}"))
    };
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for entry in entries {
        let method = match entry.compression {
            Compression::Stored => CompressionMethod::Stored,
            Compression::Deflated => CompressionMethod::Deflated,
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644);
        zip.start_file(entry.name.as_str(), options)
            .map_err(|e| fail(&e))?;
        zip.write_all(&entry.bytes).map_err(|e| fail(&e))?;
    }
    let cursor = zip.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<Entry> {
        vec![
            Entry {
                name: "mimetype".to_string(),
                bytes: b"application/epub+zip".to_vec(),
                compression: Compression::Stored,
            },
            Entry {
                name: "a/b.txt".to_string(),
                bytes: b"hello hello hello hello".to_vec(),
                compression: Compression::Deflated,
            },
        ]
    }

    #[test]
    fn same_entries_give_same_bytes() {
        assert_eq!(write(&entries()).unwrap(), write(&entries()).unwrap());
    }

    #[test]
    fn first_entry_is_stored_at_the_start() {
        let bytes = write(&entries()).unwrap();
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        // The local header's compression method (offset 8) is 0, stored; the
        // name follows the 30-byte header and the data follows the name.
        assert_eq!(&bytes[8..10], &[0, 0]);
        assert_eq!(&bytes[30..38], b"mimetype");
        assert_eq!(&bytes[38..58], b"application/epub+zip");
    }
}
