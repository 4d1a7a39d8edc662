//! Bytes a build made before: deflated streams and zip entries, the PDF's
//! painted page streams and the cover's PNG, kept between builds so that a
//! rebuild makes again only what its inputs changed.
//!
//! An entry is filed under a SHA-256 of everything it is made from ([`key`]):
//! for a deflated stream, the compressor with its level and the bytes
//! compressed; for a page stream, what painting reads (see
//! `pdf::write`); for the cover, what it draws and the fonts it draws in. So an
//! entry is found only by a build that would make the same bytes, and the
//! bytes of a build that finds it equal those of a clean one. Every key
//! also holds bindery's version, [`FORMAT`] and what each compressor makes
//! of a fixed text (`Deflate::probe`): a compressor that packs otherwise
//! after an update finds none of the entries the old one made.
//!
//! The store holds the entries of the last build, read from one file of the
//! cache folder ([`Store::read`]), and hands back, for the next, the
//! entries this build used or made ([`Store::kept`]): an entry no build
//! uses again is dropped, so the file does not grow from build to build.
//! The file is `MAGIC`, [`FORMAT`], then one record per entry: its key,
//! its length (four bytes, little-endian), a CRC-32 of its key and bytes
//! (four bytes), and the bytes. A record whose checksum fails is left out,
//! and a file cut short keeps the records before the cut: a damaged entry
//! is made again, never trusted, and the file is written anew. The
//! checksum finds damage, not forgery: what an entry is of is its key's
//! to say, and a CRC-32 checks the file's megabytes in a fraction of a
//! SHA-256's time.

use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// The version of the file's format and of what its entries are made by.
/// Bump it with any change to how a kept kind of bytes is made (the cover's
/// drawing, a compressor's settings) that the keys would not show.
pub const FORMAT: u32 = 2;

/// What the file starts with.
const MAGIC: &[u8; 16] = b"bindery-store\n\0\0";

/// A record's head: key, length, checksum.
const RECORD: usize = 32 + 4 + 4;

/// A key: the SHA-256 of what an entry is made from.
pub type Key = [u8; 32];

/// How bytes are deflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deflate {
    /// A zlib stream (deflate with its two-byte head and Adler-32 tail), as
    /// PDF's `/FlateDecode` streams are, made by libdeflate at a level.
    Zlib(u8),
    /// Raw deflate at level 6, as a zip entry holds it, made by libdeflate.
    Zip,
}

impl Deflate {
    /// Deflates `bytes`.
    pub fn run(self, bytes: &[u8]) -> Vec<u8> {
        let (level, zlib) = match self {
            Deflate::Zlib(level) => (i32::from(level), true),
            Deflate::Zip => (6, false),
        };
        let level = libdeflater::CompressionLvl::new(level).unwrap_or_default();
        let mut compressor = libdeflater::Compressor::new(level);
        let bound = if zlib {
            compressor.zlib_compress_bound(bytes.len())
        } else {
            compressor.deflate_compress_bound(bytes.len())
        };
        let mut out = vec![0; bound];
        // The bound leaves room for any input: the compressor cannot fail.
        let size = if zlib {
            compressor.zlib_compress(bytes, &mut out)
        } else {
            compressor.deflate_compress(bytes, &mut out)
        };
        out.truncate(size.unwrap_or(0));
        out
    }

    /// A digest of what this compressor makes of a fixed text, computed
    /// once: part of every key of what it deflates.
    fn probe(self) -> [u8; 32] {
        static ZIP: OnceLock<[u8; 32]> = OnceLock::new();
        static ZLIB: OnceLock<Mutex<BTreeMap<u8, [u8; 32]>>> = OnceLock::new();
        let compute = || {
            let text: Vec<u8> = (0..4096u32)
                .flat_map(|n| format!("{} {n} ", n % 97).into_bytes())
                .collect();
            Sha256::digest(self.run(&text)).into()
        };
        match self {
            Deflate::Zip => *ZIP.get_or_init(compute),
            Deflate::Zlib(level) => {
                let table = ZLIB.get_or_init(|| Mutex::new(BTreeMap::new()));
                let mut table = table.lock().unwrap_or_else(|e| e.into_inner());
                *table.entry(level).or_insert_with(compute)
            }
        }
    }
}

/// The key of what is made from `parts` (each hashed with its length, so
/// that no two lists of parts run together), for the kind of entry `kind`.
pub fn key(kind: &str, parts: &[&[u8]]) -> Key {
    let mut hasher = Sha256::new();
    for part in [
        b"bindery store".as_slice(),
        env!("CARGO_PKG_VERSION").as_bytes(),
        &FORMAT.to_le_bytes(),
        kind.as_bytes(),
    ]
    .iter()
    .chain(parts)
    {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// A record's checksum: a CRC-32 of its key and bytes, so that a record
/// moved under another key fails it too.
fn checksum(key: &Key, bytes: &[u8]) -> [u8; 4] {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(key);
    hasher.update(bytes);
    hasher.finalize().to_le_bytes()
}

/// The entries of the last build, and those this build used or made.
#[derive(Debug, Default)]
pub struct Store {
    /// Whether entries are looked up and kept at all (not for `--no-cache`).
    on: bool,
    /// The file of the last build's entries, as read.
    file: Vec<u8>,
    /// Where each of the last build's entries is in `file`, checked.
    earlier: HashMap<Key, Range<usize>>,
    /// Whether the file read held more than its sound records.
    damaged: bool,
    /// The entries this build used (`None`: the last build's, in `file`)
    /// or made.
    used: Mutex<HashMap<Key, Option<Vec<u8>>>>,
}

impl Store {
    /// A store that keeps nothing: every entry is made.
    pub fn off() -> Store {
        Store::default()
    }

    /// A store with no entries yet, that keeps what this build makes.
    pub fn empty() -> Store {
        Store {
            on: true,
            ..Store::default()
        }
    }

    /// Whether entries are looked up and kept.
    pub fn on(&self) -> bool {
        self.on
    }

    /// The store of the file `bytes` (see the module's documentation): the
    /// sound records of a file of this format, none of another.
    pub fn read(bytes: Vec<u8>) -> Store {
        let mut store = Store::empty();
        store.damaged = true;
        let Some(rest) = bytes.strip_prefix(MAGIC.as_slice()) else {
            return store;
        };
        let Some(mut rest) = rest.strip_prefix(FORMAT.to_le_bytes().as_slice()) else {
            return store;
        };
        let mut sound = true;
        while let Some((head, tail)) = rest.split_at_checked(RECORD) {
            let (key, head) = head.split_at(32);
            let (length, stored) = head.split_at(4);
            let length = u32::from_le_bytes([length[0], length[1], length[2], length[3]]);
            let Some((body, tail)) = tail.split_at_checked(length as usize) else {
                break;
            };
            let mut k = [0; 32];
            k.copy_from_slice(key);
            if checksum(&k, body).as_slice() == stored {
                let start = bytes.len() - tail.len() - body.len();
                store.earlier.insert(k, start..start + body.len());
            } else {
                // Read on: a wrong length makes every record after fail
                // its checksum too.
                sound = false;
            }
            rest = tail;
        }
        store.damaged = !sound || !rest.is_empty();
        store.file = bytes;
        store
    }

    /// The bytes under `key`: the entry kept from the last build, or else
    /// what `make` makes, kept for the next.
    pub fn get_or_make(&self, key: Key, make: impl FnOnce() -> Vec<u8>) -> Vec<u8> {
        let made: Result<Vec<u8>, std::convert::Infallible> =
            self.try_get_or_make(key, || Ok(make()));
        made.unwrap_or_else(|never| match never {})
    }

    /// [`Store::get_or_make`] with a `make` that may fail; a failure is
    /// not kept.
    pub fn try_get_or_make<E>(
        &self,
        key: Key,
        make: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        if !self.on {
            return make();
        }
        if let Some(range) = self.earlier.get(&key) {
            self.used().insert(key, None);
            return Ok(self.file[range.clone()].to_vec());
        }
        let bytes = make()?;
        self.used().insert(key, Some(bytes.clone()));
        Ok(bytes)
    }

    /// `bytes` deflated as `how` says.
    pub fn deflate(&self, how: Deflate, bytes: &[u8]) -> Vec<u8> {
        if !self.on {
            return how.run(bytes);
        }
        let (name, level) = match how {
            Deflate::Zlib(level) => ("zlib", level),
            Deflate::Zip => ("zip", 6),
        };
        let key = key(name, &[&[level], &how.probe(), bytes]);
        self.get_or_make(key, || how.run(bytes))
    }

    /// The file of the entries this build used or made, in the order of
    /// their keys; `None` when it would be the sound file read (then the
    /// file need not be written again) or when the store is off.
    pub fn kept(&self) -> Option<Vec<u8>> {
        let used = self.used();
        let same = !self.damaged
            && used.len() == self.earlier.len()
            && used.keys().all(|key| self.earlier.contains_key(key));
        if !self.on || same {
            return None;
        }
        let ordered: BTreeMap<&Key, &[u8]> = used
            .iter()
            .filter_map(|(key, made)| match made {
                Some(bytes) => Some((key, bytes.as_slice())),
                None => Some((key, &self.file[self.earlier.get(key)?.clone()])),
            })
            .collect();
        let size: usize = ordered.values().map(|b| RECORD + b.len()).sum();
        let mut file = Vec::with_capacity(MAGIC.len() + 4 + size);
        file.extend_from_slice(MAGIC);
        file.extend_from_slice(&FORMAT.to_le_bytes());
        for (key, bytes) in ordered {
            file.extend_from_slice(key);
            file.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            file.extend_from_slice(&checksum(key, bytes));
            file.extend_from_slice(bytes);
        }
        Some(file)
    }

    /// The entries this build used or made.
    fn used(&self) -> MutexGuard<'_, HashMap<Key, Option<Vec<u8>>>> {
        // A thread that panicked holding the lock left whole entries only.
        self.used.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A store is a handle: two are equal when they are the same store.
impl PartialEq for Store {
    fn eq(&self, other: &Store) -> bool {
        std::ptr::eq(self, other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many entries `store`'s build took from the last one's, and how
    /// many it made.
    fn counts(store: &Store) -> (usize, usize) {
        let used = store.used();
        let reused = used
            .keys()
            .filter(|key| store.earlier.contains_key(*key))
            .count();
        (reused, used.len() - reused)
    }

    fn text() -> Vec<u8> {
        b"the same words again and again ".repeat(200)
    }

    #[test]
    fn an_entry_made_is_found_by_the_next_build() {
        let first = Store::empty();
        let packed = first.deflate(Deflate::Zlib(2), &text());
        assert_eq!(packed, Deflate::Zlib(2).run(&text()));
        assert_eq!(counts(&first), (0, 1));
        let file = first.kept().expect("a new entry is kept");
        let second = Store::read(file);
        let again = second.deflate(Deflate::Zlib(2), &text());
        assert_eq!(again, packed);
        assert_eq!(counts(&second), (1, 0));
        assert!(second.kept().is_none(), "nothing new, nothing to write");
        // Another level or compressor is another entry.
        second.deflate(Deflate::Zlib(6), &text());
        second.deflate(Deflate::Zip, &text());
        assert_eq!(counts(&second), (1, 2));
    }

    #[test]
    fn entries_not_used_are_dropped() {
        let first = Store::empty();
        first.deflate(Deflate::Zip, b"one");
        first.deflate(Deflate::Zip, b"two");
        let second = Store::read(first.kept().unwrap());
        second.deflate(Deflate::Zip, b"two");
        let third = Store::read(second.kept().unwrap());
        assert_eq!(third.earlier.len(), 1);
    }

    #[test]
    fn a_damaged_record_is_left_out_and_a_cut_keeps_the_records_before() {
        let first = Store::empty();
        for word in [b"alpha".as_slice(), b"beta", b"gamma"] {
            first.deflate(Deflate::Zip, &word.repeat(50));
        }
        let file = first.kept().unwrap();
        let mut flipped = file.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(Store::read(flipped).earlier.len(), 2);
        assert_eq!(
            Store::read(file[..file.len() - 1].to_vec()).earlier.len(),
            2
        );
        assert_eq!(Store::read(b"not a store".to_vec()).earlier.len(), 0);
        let mut other = file.clone();
        other[MAGIC.len()] ^= 1;
        assert_eq!(Store::read(other).earlier.len(), 0, "another format");
    }

    #[test]
    fn a_store_that_is_off_keeps_nothing() {
        let store = Store::off();
        assert_eq!(store.deflate(Deflate::Zip, b"x"), Deflate::Zip.run(b"x"));
        assert!(store.kept().is_none());
    }
}
