//! A deterministic zip writer: the same entries always give the same bytes.
//!
//! Every entry gets the same fixed time (the zip format's earliest,
//! 1980-01-01 00:00) and the same permissions, and entries are written in the
//! order given. The EPUB needs its `mimetype` entry first and stored; the
//! reading pack needs nothing more than stable bytes.

use crate::error::Error;
use crate::store::{Deflate, Store};
use std::borrow::Cow;

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
pub struct Entry<'a> {
    /// The path inside the archive, with forward slashes.
    pub name: String,
    /// The file's bytes, made for the archive or borrowed.
    pub bytes: Cow<'a, [u8]>,
    /// How the bytes are kept.
    pub compression: Compression,
}

/// The date of every entry, 1980-01-01, in MS-DOS form (the time is 0:00).
const DATE: u16 = (1 << 5) | 1;

/// Every entry's permissions, `-rw-r--r--`, as a Unix system keeps them in
/// the central directory's external attributes.
const PERMISSIONS: u32 = 0o100_644 << 16;

/// The general-purpose flag saying a name is UTF-8.
const UTF8: u16 = 1 << 11;

/// Writes `entries`, in order, into a zip archive and returns its bytes.
/// Deflated entries are deflated through `store`, which gives back what an
/// earlier build made of the same bytes.
pub fn write(entries: &[Entry<'_>], store: &Store) -> Result<Vec<u8>, Error> {
    let fail = |what: &str| Error::new("zip", None, format!("cannot write the archive: {what}"));
    // Each entry is deflated and summed alone, on the build's threads.
    let made = crate::workers::map(entries, |entry| {
        let packed = (entry.compression == Compression::Deflated)
            .then(|| store.deflate(Deflate::Zip, &entry.bytes));
        (packed, crc32fast::hash(&entry.bytes))
    });
    let headers: usize = entries.iter().map(|e| 30 + 46 + 2 * e.name.len()).sum();
    let data: usize = entries
        .iter()
        .zip(&made)
        .map(|(entry, (packed, _))| packed.as_ref().map_or(entry.bytes.len(), Vec::len))
        .sum();
    let mut out = Vec::with_capacity(headers + data + 22);
    let mut directory = Vec::new();
    for (entry, (packed, crc)) in entries.iter().zip(made) {
        let (method, version, data) = match &packed {
            None => (0u16, 10u16, &*entry.bytes),
            Some(packed) => (8, 20, packed.as_slice()),
        };
        let name = entry.name.as_bytes();
        let (Ok(size), Ok(packed_size), Ok(name_len), Ok(offset)) = (
            u32::try_from(entry.bytes.len()),
            u32::try_from(data.len()),
            u16::try_from(name.len()),
            u32::try_from(out.len()),
        ) else {
            return Err(fail(&format!("{} is too large", entry.name)));
        };
        let flags = if entry.name.is_ascii() { 0 } else { UTF8 };
        // What the local header and the central directory's entry share,
        // from the version needed to the extra field's length (none).
        let mut common = Vec::with_capacity(26);
        for field in [version, flags, method, 0, DATE] {
            common.extend_from_slice(&field.to_le_bytes());
        }
        for field in [crc, packed_size, size] {
            common.extend_from_slice(&field.to_le_bytes());
        }
        common.extend_from_slice(&name_len.to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes());

        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&common);
        out.extend_from_slice(name);
        out.extend_from_slice(data);

        directory.extend_from_slice(b"PK\x01\x02");
        // Made by Unix (3), at the version needed.
        directory.extend_from_slice(&((3 << 8) | version).to_le_bytes());
        directory.extend_from_slice(&common);
        // No comment, disk 0, no internal attributes.
        directory.extend_from_slice(&[0; 6]);
        directory.extend_from_slice(&PERMISSIONS.to_le_bytes());
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name);
    }
    let (Ok(count), Ok(size), Ok(start)) = (
        u16::try_from(entries.len()),
        u32::try_from(directory.len()),
        u32::try_from(out.len()),
    ) else {
        return Err(fail("too many or too large entries"));
    };
    out.extend_from_slice(&directory);
    out.extend_from_slice(b"PK\x05\x06");
    // This disk and the directory's disk, 0.
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    // No comment.
    out.extend_from_slice(&[0; 2]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<Entry<'static>> {
        vec![
            Entry {
                name: "mimetype".to_string(),
                bytes: Cow::Borrowed(b"application/epub+zip"),
                compression: Compression::Stored,
            },
            Entry {
                name: "a/b.txt".to_string(),
                bytes: Cow::Borrowed(b"hello hello hello hello"),
                compression: Compression::Deflated,
            },
        ]
    }

    #[test]
    fn same_entries_give_same_bytes() {
        assert_eq!(
            write(&entries(), &Store::off()).unwrap(),
            write(&entries(), &Store::off()).unwrap()
        );
    }

    #[test]
    fn first_entry_is_stored_at_the_start() {
        let bytes = write(&entries(), &Store::off()).unwrap();
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        // The local header's compression method (offset 8) is 0, stored; the
        // name follows the 30-byte header and the data follows the name.
        assert_eq!(&bytes[8..10], &[0, 0]);
        assert_eq!(&bytes[30..38], b"mimetype");
        assert_eq!(&bytes[38..58], b"application/epub+zip");
    }

    #[test]
    fn an_archive_reads_back_whole() {
        let mut entries = entries();
        entries.push(Entry {
            name: "ünïcode/名前.txt".to_string(),
            bytes: Cow::Owned(b"abc".repeat(1000)),
            compression: Compression::Deflated,
        });
        let bytes = write(&entries, &Store::empty()).unwrap();
        let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), entries.len());
        for (n, entry) in entries.iter().enumerate() {
            let mut file = archive.by_index(n).unwrap();
            assert_eq!(file.name().unwrap(), entry.name);
            assert_eq!(file.unix_mode(), Some(0o100_644));
            let mut read = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut read).unwrap();
            assert_eq!(read, &*entry.bytes);
        }
    }
}
