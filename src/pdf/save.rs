//! Serializes the finished document: streams as objects of their own, every
//! other object packed into compressed object streams, found through a
//! compressed cross-reference stream (PDF 1.7, 7.5.7 and 7.5.8).
//!
//! lopdf can write object streams itself, but it clones every object into
//! them and serializes them more than once; on a long book, whose structure
//! tree is hundreds of thousands of small dictionaries, that costs a fifth
//! of the whole build. Here each object is written once, straight from the
//! document, and the object streams are compressed side by side.

use crate::store::{Deflate, Store};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use std::io::Write;

/// How many objects one object stream holds: small enough that a reader
/// inflates little to reach one object, large enough that the streams'
/// own dictionaries weigh nothing.
const PER_STREAM: usize = 500;

/// The deflate level of object streams and the cross-reference stream, the
/// fast level of the page streams: dictionaries repeat their keys, so it
/// packs them nearly as well as the middle level, 6, at a fraction of the
/// time (500,000 words: 5.75 MB against 5.72 MB, some 60 ms less CPU, with
/// miniz_oxide). With libdeflate (565,000 words, a clean build on two
/// threads): level 1 6.63 MB, level 2 6.26 MB, level 3 5.98 MB at 0.03 s
/// more user CPU than 2.
pub const LEVEL: u8 = 2;

/// Where the reader finds an object.
#[derive(Clone, Copy)]
enum Entry {
    /// Not in use (object 0, and any number the document skipped).
    Free,
    /// At a byte offset in the file.
    At(u64),
    /// The `index`-th object of an object stream.
    Packed { container: u32, index: u32 },
}

/// The document's bytes. Objects are written in the order of their
/// numbers, so the same document always gives the same bytes.
/// Object streams are deflated through `store`, which gives back what an
/// earlier build made of the same bytes.
pub fn save(document: &Document, store: &Store) -> Vec<u8> {
    // Room for the streams, which are most of the file, and their heads.
    let streams: usize = document
        .objects
        .values()
        .map(|object| match object {
            Object::Stream(stream) => stream.content.len() + 128,
            _ => 0,
        })
        .sum();
    let mut out: Vec<u8> = Vec::with_capacity(streams + streams / 4);
    out.extend_from_slice(b"%PDF-");
    out.extend_from_slice(document.version.as_bytes());
    out.extend_from_slice(b"\n%\xE2\xE3\xCF\xD3\n");

    let last = document.objects.keys().map(|id| id.0).max().unwrap_or(0);
    let mut entries = vec![Entry::Free; last as usize + 1];
    let mut loose: Vec<(ObjectId, &Object)> = Vec::new();
    for (id, object) in &document.objects {
        match object {
            Object::Stream(stream) => {
                entries[id.0 as usize] = Entry::At(out.len() as u64);
                indirect(&mut out, *id, |out| write_stream(out, stream));
            }
            object => loose.push((*id, object)),
        }
    }

    let groups: Vec<&[(ObjectId, &Object)]> = loose.chunks(PER_STREAM).collect();
    let packed = pack_all(&groups, store);
    let mut number = last;
    for (group, stream) in groups.iter().zip(packed) {
        number += 1;
        for (index, (id, _)) in group.iter().enumerate() {
            entries[id.0 as usize] = Entry::Packed {
                container: number,
                index: index as u32,
            };
        }
        entries.push(Entry::At(out.len() as u64));
        indirect(&mut out, (number, 0), |out| write_stream(out, &stream));
    }

    number += 1;
    let start = out.len() as u64;
    entries.push(Entry::At(start));
    let xref = cross_reference(&document.trailer, &entries, store);
    indirect(&mut out, (number, 0), |out| write_stream(out, &xref));
    out.extend_from_slice(format!("startxref\n{start}\n%%EOF\n").as_bytes());
    out
}

/// Packs each group into a compressed object stream, the groups shared
/// out between the build's threads ([`crate::workers::map`]); each stream
/// is packed alone, so the bytes do not depend on the threads.
fn pack_all(groups: &[&[(ObjectId, &Object)]], store: &Store) -> Vec<Stream> {
    crate::workers::map(groups, |group| object_stream(group, store))
}

/// One object stream: the numbers and offsets of its objects, then the
/// objects, compressed.
fn object_stream(group: &[(ObjectId, &Object)], store: &Store) -> Stream {
    let mut body = Vec::new();
    let mut offsets = Vec::with_capacity(group.len());
    for (_, object) in group {
        offsets.push(body.len());
        write_object(&mut body, object);
        body.push(b'\n');
    }
    let mut head = Vec::new();
    for ((id, _), offset) in group.iter().zip(offsets) {
        head.extend_from_slice(format!("{} {offset} ", id.0).as_bytes());
    }
    head.push(b'\n');
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"ObjStm".to_vec()));
    dict.set("N", group.len() as i64);
    dict.set("First", head.len() as i64);
    head.extend_from_slice(&body);
    compressed(dict, &head, store)
}

/// The cross-reference stream: one entry of type, field and index per
/// object number, the widths as small as the file allows.
fn cross_reference(trailer: &Dictionary, entries: &[Entry], store: &Store) -> Stream {
    let largest = entries
        .iter()
        .map(|entry| match entry {
            Entry::Free => 0,
            Entry::At(offset) => *offset,
            Entry::Packed { container, .. } => u64::from(*container),
        })
        .max()
        .unwrap_or(0);
    let wide = bytes_for(largest);
    let index_wide = bytes_for(PER_STREAM as u64);
    let mut table = Vec::with_capacity(entries.len() * (1 + wide + index_wide));
    for entry in entries {
        let (kind, field, index) = match *entry {
            Entry::Free => (0, 0, 0),
            Entry::At(offset) => (1, offset, 0),
            Entry::Packed { container, index } => (2, u64::from(container), u64::from(index)),
        };
        table.push(kind);
        table.extend_from_slice(&field.to_be_bytes()[8 - wide..]);
        table.extend_from_slice(&index.to_be_bytes()[8 - index_wide..]);
    }
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XRef".to_vec()));
    dict.set("Size", entries.len() as i64);
    dict.set(
        "W",
        Object::Array(vec![
            Object::Integer(1),
            Object::Integer(wide as i64),
            Object::Integer(index_wide as i64),
        ]),
    );
    for key in [&b"Root"[..], b"Info", b"ID"] {
        if let Ok(value) = trailer.get(key) {
            dict.set(key.to_vec(), value.clone());
        }
    }
    compressed(dict, &table, store)
}

/// How many bytes a big-endian field needs to hold `value`.
fn bytes_for(value: u64) -> usize {
    (8 - value.leading_zeros() as usize / 8).max(1)
}

/// A stream of `content` compressed with Flate, under `dict`.
fn compressed(mut dict: Dictionary, content: &[u8], store: &Store) -> Stream {
    dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    let packed = store.deflate(Deflate::Zlib(LEVEL), content);
    Stream::new(dict, packed)
}

/// `N G obj … endobj` around what `body` writes.
fn indirect(out: &mut Vec<u8>, id: ObjectId, body: impl FnOnce(&mut Vec<u8>)) {
    out.extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
    body(out);
    out.extend_from_slice(b"\nendobj\n");
}

/// A stream's dictionary, with its `/Length` as the content has it, and
/// its content.
fn write_stream(out: &mut Vec<u8>, stream: &Stream) {
    let mut dict = stream.dict.clone();
    dict.set("Length", stream.content.len() as i64);
    write_dictionary(out, &dict);
    out.extend_from_slice(b"stream\n");
    out.extend_from_slice(&stream.content);
    out.extend_from_slice(b"\nendstream");
}

/// One direct object in PDF syntax (7.3). Tokens are separated by a space
/// wherever a delimiter does not already separate them.
fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(value) => {
            let _ = write!(out, "{value}");
        }
        Object::Real(value) => write_real(out, *value),
        Object::Name(name) => write_name(out, name),
        Object::String(text, StringFormat::Literal) => write_literal(out, text),
        Object::String(text, StringFormat::Hexadecimal) => {
            out.push(b'<');
            for byte in text {
                let _ = write!(out, "{byte:02X}");
            }
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dictionary(out, dict),
        Object::Stream(stream) => write_stream(out, stream),
        Object::Reference(id) => {
            let _ = write!(out, "{} {} R", id.0, id.1);
        }
    }
}

fn write_dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        write_name(out, key);
        out.push(b' ');
        write_object(out, value);
    }
    out.extend_from_slice(b">>");
}

/// A real without an exponent, which PDF syntax does not allow: Rust's
/// `Display` for floats never writes one, and a whole value is written
/// as an integer.
fn write_real(out: &mut Vec<u8>, value: f32) {
    if value.is_finite() {
        let _ = write!(out, "{value}");
    } else {
        out.push(b'0');
    }
}

/// A name, with `#xx` for every byte that is not a regular character
/// (7.3.5).
fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &byte in name {
        let regular = (b'!'..=b'~').contains(&byte) && !b"()<>[]{}/%#".contains(&byte);
        if regular {
            out.push(byte);
        } else {
            let _ = write!(out, "#{byte:02X}");
        }
    }
}

/// A literal string, with its parentheses, backslashes and line ends
/// escaped (7.3.4.2), so the reader gets every byte back as written.
fn write_literal(out: &mut Vec<u8>, text: &[u8]) {
    out.push(b'(');
    for &byte in text {
        match byte {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', byte]),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(byte),
        }
    }
    out.push(b')');
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    /// A document saved here loads back with lopdf with the same objects.
    #[test]
    fn a_saved_document_reads_back_whole() {
        let mut document = Document::with_version("1.7");
        let pages = document.new_object_id();
        let content = document.add_object(Stream::new(dictionary! {}, b"BT ET".to_vec()));
        let mut ids = Vec::new();
        for n in 0..1200 {
            ids.push(document.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages,
                "Contents" => content,
                "T" => Object::string_literal(format!("page (n) {n}\\\r\n")),
                "N#ame" => Object::Real(n as f32 / 8.0),
                "Hex" => Object::String(vec![0, 255, n as u8], StringFormat::Hexadecimal),
            }));
        }
        let kids: Vec<Object> = ids.iter().map(|id| Object::Reference(*id)).collect();
        document.objects.insert(
            pages,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 1200 }),
        );
        let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        document.trailer.set("Root", catalog);

        let bytes = save(&document, &Store::off());
        let back = Document::load_mem(&bytes).expect("the saved file loads");
        assert_eq!(back.get_pages().len(), 1200);
        for (id, object) in &document.objects {
            let read = back.get_object(*id).expect("every object is found");
            match (object, read) {
                (Object::Stream(a), Object::Stream(b)) => assert_eq!(a.content, b.content),
                (a, b) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "object {id:?}"),
            }
        }
        assert_eq!(
            save(&document, &Store::off()),
            bytes,
            "the same document gives the same bytes"
        );
    }
}
