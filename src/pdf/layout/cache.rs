//! The layout cache's entries: a chapter's [`ChapterLayout`] as bytes,
//! under a key naming everything its layout read.
//!
//! A chapter's layout is a function of the chapter, the settings, the
//! fonts, the language and the other chapters' ids (links to a chapter's
//! start), and of bindery itself. The key is a SHA-256 of all of them
//! ([`Keys`]), so an entry is found only by a build that would lay the
//! chapter out the same, byte for byte. This module reads and writes no
//! file: the caller hands in the entries kept from an earlier build
//! ([`Cache`]) and gets back each chapter's entry ([`Entry`]) to keep for
//! the next.
//!
//! An entry is a header (a magic line, [`FORMAT`], the key, a CRC-32 of
//! the rest) and the layout in bincode, each run's glyphs packed as one
//! string of bytes ([`glyphs`]). One that is cut short, damaged, made by
//! another version or filed under another key fails a check and is laid
//! out again, never trusted. The key, which says what the entry is of, is
//! a SHA-256; the checksum only finds damage (a file cut short, a byte
//! flipped), which a CRC-32 finds as surely at a tenth of the time, and a
//! rebuild checks some 30 MB of entries.

use super::chapter::{ChapterLayout, shown_pictures};
use super::{Item, LinkTarget, Settings};
use crate::error::{Place, Severity};
use crate::model::{Book, Chapter};
use crate::pdf::fonts::{FACES, FaceId};
use crate::pdf::image::picture;
use crate::pdf::text::Typesetter;
use bincode::Options as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The version of the entries' format and of what a chapter lays out
/// into. Bump it with any change to layout that a manuscript, settings
/// and fonts left as they were would show: bindery's version number alone
/// does not change between its commits.
pub const FORMAT: u32 = 9;

/// What an entry starts with.
const MAGIC: &[u8; 16] = b"bindery-layout\n\0";

/// The header: magic, format, key, checksum of the layout.
const HEADER: usize = MAGIC.len() + 4 + 32 + 4;

/// The entries kept from an earlier build, by file name ([`Entry::name`]).
/// An entry is taken out when a chapter is laid out from it, so that its
/// bytes are freed as soon as they are decoded.
#[derive(Debug, Default)]
pub struct Cache(Mutex<BTreeMap<String, Vec<u8>>>);

impl Cache {
    /// No entries.
    pub fn new() -> Cache {
        Cache::default()
    }

    /// Adds the entry named `name`.
    pub fn insert(&mut self, name: String, bytes: Vec<u8>) {
        self.entries().insert(name, bytes);
    }

    /// Whether the entry named `name` is there.
    pub(super) fn contains(&self, name: &str) -> bool {
        self.entries().contains_key(name)
    }

    /// Takes out the entry named `name`.
    pub(super) fn take(&self, name: &str) -> Option<Vec<u8>> {
        self.entries().remove(name)
    }

    /// The entries, whatever a thread that panicked while holding them
    /// left: whole entries, each there or not.
    fn entries(&self) -> MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A cache is a handle: two are equal when they are the same cache.
impl PartialEq for Cache {
    fn eq(&self, other: &Cache) -> bool {
        std::ptr::eq(self, other)
    }
}

/// A chapter's entry, as a build hands it back for the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its file name: the key in hex, then `.layout`.
    pub name: String,
    /// Its bytes when the chapter was laid out in this build; `None` when
    /// the entry kept was used.
    pub bytes: Option<Vec<u8>>,
}

/// The part of the key every chapter of a build shares.
pub(super) struct Keys {
    shared: Sha256,
}

impl Keys {
    /// Hashes what every chapter's layout reads besides the chapter:
    /// bindery, the fonts, the language and its hyphenation exceptions, the
    /// settings (the book's generated words among them), the images and the
    /// chapters' ids.
    pub(super) fn new(
        book: &Book,
        ts: &Typesetter<'_>,
        settings: &Settings<'_>,
        chapter_ids: &[String],
    ) -> Keys {
        // Every field, so that a new one cannot be left out of the key.
        let Settings {
            geometry,
            indent,
            recto_chapters,
            source_dir,
            images,
            jobs: _,
            code_theme,
            labels,
            bound_right,
        } = settings;
        let mut shared = Sha256::new();
        let mut put = |bytes: &[u8]| {
            shared.update((bytes.len() as u64).to_le_bytes());
            shared.update(bytes);
        };
        put(b"bindery chapter layout");
        put(env!("CARGO_PKG_VERSION").as_bytes());
        put(&FORMAT.to_le_bytes());
        for face in 0..FACES {
            put(ts.fonts.bytes(FaceId(face as u8)));
        }
        put(book.metadata.language.as_bytes());
        // Debug prints every field, and a float as the shortest text that
        // reads back to the same value.
        put(format!("{geometry:?} {indent} {recto_chapters} {code_theme:?}").as_bytes());
        put(format!("{labels:?} {bound_right}").as_bytes());
        put(format!("{:?} {}", ts.params, ts.rtl).as_bytes());
        put(format!("{:?}", ts.hyphenator.exceptions()).as_bytes());
        put(source_dir.as_os_str().as_encoded_bytes());
        for (src, asset) in *images {
            put(src.as_bytes());
            put(asset.media_type.as_bytes());
            put(&asset.bytes);
        }
        for id in chapter_ids {
            put(id.as_bytes());
        }
        Keys { shared }
    }

    /// The key of `chapter`'s layout, laid out opening on a right-hand page
    /// or not (`opens_recto`).
    pub(super) fn key(&self, chapter: &Chapter, opens_recto: bool) -> [u8; 32] {
        let mut hasher = Hashing(self.shared.clone());
        hasher.0.update([u8::from(opens_recto)]);
        // Writing into a hasher cannot fail, and the model has no map with
        // keys that are not strings.
        serde_json::to_writer(&mut hasher, chapter).unwrap_or(());
        hasher.0.finalize().into()
    }
}

/// An [`std::io::Write`] into a hasher.
struct Hashing(Sha256);

impl std::io::Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The file name of the entry under `key`.
pub(super) fn name(key: &[u8; 32]) -> String {
    let mut name: String = key.iter().map(|b| format!("{b:02x}")).collect();
    name.push_str(".layout");
    name
}

/// The bincode options of an entry: variable-length integers, which keep
/// glyph ids and counts short.
fn options() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}

/// `value` in bincode, in one pass: [`bincode::Options::serialize`] runs
/// a value's `Serialize` twice (once to measure), which would meet every
/// address twice.
fn serialize(value: &impl Serialize) -> bincode::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    options().serialize_into(&mut bytes, value)?;
    Ok(bytes)
}

/// `layout` as an entry under `key`; `None` if it cannot be encoded
/// (then it is not kept).
pub(super) fn encode(key: &[u8; 32], layout: &ChapterLayout) -> Option<Vec<u8>> {
    let body = with_addresses(|| serialize(layout)).ok()?;
    let mut bytes = Vec::with_capacity(HEADER + body.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(key);
    bytes.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    bytes.extend_from_slice(&body);
    Some(bytes)
}

/// The layout in `bytes` if they are a sound entry under `key`, with the
/// images its pages show decoded again from `settings`; `None` otherwise.
pub(super) fn decode(
    bytes: &[u8],
    key: &[u8; 32],
    settings: &Settings<'_>,
) -> Option<ChapterLayout> {
    let (header, body) = bytes.split_at_checked(HEADER)?;
    let (magic, rest) = header.split_at(MAGIC.len());
    let (format, rest) = rest.split_at(4);
    let (stored_key, checksum) = rest.split_at(32);
    if magic != MAGIC
        || format != FORMAT.to_le_bytes()
        || stored_key != key
        || checksum != crc32fast::hash(body).to_le_bytes()
    {
        return None;
    }
    let mut layout: ChapterLayout = with_addresses(|| options().deserialize(body)).ok()?;
    let images = settings.images;
    layout.pictures = shown_pictures(&layout.pages, |src| picture(images.get(src)?).ok());
    // A page that shows an image the manuscript no longer has is not
    // trusted: the key should have changed with it.
    let shown = layout.pages.iter().flat_map(|p| &p.items);
    let complete = shown
        .filter_map(|item| match item {
            Item::Image { src, .. } => Some(src),
            _ => None,
        })
        .all(|src| layout.pictures.contains_key(src));
    complete.then_some(layout)
}

thread_local! {
    /// The addresses of outside links met so far in the entry being
    /// encoded (by where each is in memory) or decoded, in order.
    static ADDRESSES: RefCell<Option<Addresses>> = const { RefCell::new(None) };
}

/// See [`ADDRESSES`].
#[derive(Default)]
struct Addresses {
    seen: HashMap<usize, u32>,
    list: Vec<Arc<str>>,
}

/// Runs `f` (an entry's encoding or decoding) with its own [`ADDRESSES`].
/// A link's address is shared by the areas of every line it spans, and a
/// link may be a paragraph long: each address is written once.
fn with_addresses<T>(f: impl FnOnce() -> T) -> T {
    ADDRESSES.with(|cell| cell.replace(Some(Addresses::default())));
    let out = f();
    ADDRESSES.with(|cell| cell.replace(None));
    out
}

/// A link's target as an entry keeps it.
#[derive(Serialize, Deserialize)]
enum StoredTarget<'a> {
    Internal(std::borrow::Cow<'a, str>),
    /// An address met for the first time.
    New(std::borrow::Cow<'a, str>),
    /// The address met n-th.
    Again(u32),
}

impl Serialize for LinkTarget {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let stored = match self {
            LinkTarget::Internal(id) => StoredTarget::Internal(id.into()),
            LinkTarget::External(url) => ADDRESSES.with(|cell| {
                let mut cell = cell.borrow_mut();
                let addresses = cell.get_or_insert_with(Addresses::default);
                let at = Arc::as_ptr(url).cast::<u8>() as usize;
                let next = addresses.seen.len() as u32;
                match addresses.seen.entry(at) {
                    std::collections::hash_map::Entry::Occupied(n) => StoredTarget::Again(*n.get()),
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(next);
                        // Kept alive, so that its place is not taken.
                        addresses.list.push(url.clone());
                        StoredTarget::New(url.as_ref().into())
                    }
                }
            }),
        };
        stored.serialize(s)
    }
}

impl<'de> Deserialize<'de> for LinkTarget {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        Ok(match StoredTarget::deserialize(d)? {
            StoredTarget::Internal(id) => LinkTarget::Internal(id.into_owned()),
            StoredTarget::New(url) => {
                let url: Arc<str> = url.into();
                ADDRESSES.with(|cell| {
                    let mut cell = cell.borrow_mut();
                    let addresses = cell.get_or_insert_with(Addresses::default);
                    addresses.list.push(url.clone());
                });
                LinkTarget::External(url)
            }
            StoredTarget::Again(n) => ADDRESSES.with(|cell| {
                let cell = cell.borrow();
                let url = cell.as_ref().and_then(|a| a.list.get(n as usize));
                url.cloned()
                    .map(LinkTarget::External)
                    .ok_or_else(|| D::Error::custom("an address not met before"))
            })?,
        })
    }
}

/// Serde for a run's glyphs as one string of bytes, [`glyphs::SIZE`] a
/// glyph: its id, advance and offset, little-endian. A chapter's entry
/// holds some 150,000 glyphs, which bincode would read one field at a time.
pub(crate) mod glyphs {
    use crate::pdf::text::PlacedGlyph;
    use serde::de::{SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    /// A glyph's bytes: two of id, four of advance, four of offset.
    pub(crate) const SIZE: usize = 10;

    pub(crate) fn serialize<S: Serializer>(list: &[PlacedGlyph], s: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::with_capacity(list.len() * SIZE);
        for g in list {
            bytes.extend_from_slice(&g.gid.to_le_bytes());
            bytes.extend_from_slice(&g.advance.to_le_bytes());
            bytes.extend_from_slice(&g.offset.to_le_bytes());
        }
        s.serialize_bytes(&bytes)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<PlacedGlyph>, D::Error> {
        d.deserialize_bytes(Glyphs)
    }

    /// Reads the bytes [`serialize`] wrote, or a list of them from a
    /// format without strings of bytes.
    struct Glyphs;

    impl<'de> Visitor<'de> for Glyphs {
        type Value = Vec<PlacedGlyph>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "glyphs of {SIZE} bytes each")
        }

        fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Self::Value, E> {
            if !bytes.len().is_multiple_of(SIZE) {
                return Err(E::custom("glyphs cut short"));
            }
            let word = |b: &[u8]| f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            Ok(bytes
                .chunks_exact(SIZE)
                .map(|g| PlacedGlyph {
                    gid: u16::from_le_bytes([g[0], g[1]]),
                    advance: word(&g[2..6]),
                    offset: word(&g[6..10]),
                })
                .collect())
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut bytes = Vec::new();
            while let Some(byte) = seq.next_element::<u8>()? {
                bytes.push(byte);
            }
            self.visit_bytes(&bytes)
        }
    }
}

/// A warning as an entry keeps it: its code as text.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    severity: Severity,
    code: String,
    place: Option<Place>,
    message: String,
    hint: Option<String>,
    acknowledged: bool,
}

/// The codes of the warnings layout gives. An entry with another is not
/// used (a new code must be listed here for its chapters to be kept).
const CODES: [&str; 2] = ["missing-glyph", "pdf-image"];

/// Serde for a chapter's warnings, whose codes are `&'static str`.
pub(super) mod diagnostics {
    use super::{CODES, Stored};
    use crate::error::Diagnostic;
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};

    pub(crate) fn serialize<S: Serializer>(list: &[Diagnostic], s: S) -> Result<S::Ok, S::Error> {
        let stored: Vec<Stored> = list
            .iter()
            .map(|d| Stored {
                severity: d.severity,
                code: d.code.to_string(),
                place: d.place.clone(),
                message: d.message.clone(),
                hint: d.hint.clone(),
                acknowledged: d.acknowledged,
            })
            .collect();
        stored.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<Diagnostic>, D::Error> {
        Vec::<Stored>::deserialize(d)?
            .into_iter()
            .map(|stored| {
                let code = CODES
                    .into_iter()
                    .find(|&code| code == stored.code)
                    .ok_or_else(|| D::Error::custom("a warning code layout does not give"))?;
                Ok(Diagnostic {
                    severity: stored.severity,
                    code,
                    place: stored.place,
                    message: stored.message,
                    hint: stored.hint,
                    acknowledged: stored.acknowledged,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Diagnostic;

    #[test]
    fn names_are_the_key_in_hex() {
        let key = [0xab; 32];
        assert_eq!(name(&key), format!("{}.layout", "ab".repeat(32)));
    }

    #[test]
    fn an_address_shared_by_many_areas_is_kept_once() {
        let url: Arc<str> = "http://example.com/".repeat(1000).into();
        let other: Arc<str> = "http://example.org/".into();
        let targets = vec![
            LinkTarget::External(url.clone()),
            LinkTarget::Internal("ch".to_string()),
            LinkTarget::External(other),
            LinkTarget::External(url.clone()),
            LinkTarget::External(url.clone()),
        ];
        let bytes = with_addresses(|| serialize(&targets)).unwrap();
        assert!(bytes.len() < url.len() + 100, "{}", bytes.len());
        let back: Vec<LinkTarget> = with_addresses(|| options().deserialize(&bytes)).unwrap();
        assert_eq!(back, targets);
        let (LinkTarget::External(a), LinkTarget::External(b)) = (&back[0], &back[4]) else {
            panic!("{back:?}")
        };
        assert!(Arc::ptr_eq(a, b));
    }

    #[test]
    fn glyphs_are_kept_exactly_and_a_cut_string_of_them_is_refused() {
        use crate::pdf::text::PlacedGlyph;
        #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        struct Run(#[serde(with = "glyphs")] Vec<PlacedGlyph>);
        let run = Run(vec![
            PlacedGlyph {
                gid: 0xfffe,
                advance: 5.25,
                offset: -0.1,
            },
            PlacedGlyph {
                gid: 3,
                advance: f32::MIN_POSITIVE,
                offset: 0.0,
            },
        ]);
        let bytes = serialize(&run).unwrap();
        assert_eq!(bytes.len(), 1 + 2 * glyphs::SIZE);
        assert_eq!(options().deserialize::<Run>(&bytes).unwrap(), run);
        let mut cut = bytes.clone();
        cut[0] -= 1;
        cut.pop();
        assert!(options().deserialize::<Run>(&cut).is_err());
    }

    #[test]
    fn a_warning_keeps_its_code_and_an_unknown_code_is_refused() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct List(#[serde(with = "diagnostics")] Vec<Diagnostic>);
        let warning = Diagnostic::warning("pdf-image", Some(Place::at("a.md", 3, 4)), "m");
        let bytes = options().serialize(&List(vec![warning.clone()])).unwrap();
        let back: List = options().deserialize(&bytes).unwrap();
        assert_eq!(back.0, [warning]);
        let foreign = Diagnostic::warning("other", None, "m");
        let bytes = options().serialize(&List(vec![foreign])).unwrap();
        assert!(options().deserialize::<List>(&bytes).is_err());
    }
}
