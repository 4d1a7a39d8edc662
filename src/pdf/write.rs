//! The writer: paints laid-out pages with printpdf and returns the PDF's bytes.
//!
//! Fonts are subset here (through allsorts, which printpdf already uses)
//! to the glyphs the pages use, and embedded with a ToUnicode map built from
//! what each glyph stood for when it was shaped, so a ligature copies out as
//! all its letters. Each image is written once, as an image XObject every
//! page that shows it refers to. Nothing here depends on the clock or on
//! random numbers.

use crate::error::Error;
use crate::pdf::conform::{self, Colours};
use crate::pdf::fonts::{FaceId, Fonts};
use crate::pdf::image::{Picture, xobject};
use crate::pdf::layout::{Item, Page, Source};
use crate::pdf::navigate::{self, Navigation};
use crate::pdf::save;
use crate::pdf::tags::{self, Part, Tag};
use crate::pdf::text::Ink;
use crate::store::{self, Deflate, Key, Store};
use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use printpdf::{
    Codepoint, FontId, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt,
    TextItem,
};
use std::collections::{BTreeMap, BTreeSet};

/// A face as embedded: its subset's glyph ids for the original ones.
struct Embedded {
    id: FontId,
    /// The subset's glyph id for each original one (0 for glyphs not kept).
    remap: Vec<u16>,
    /// The code the page contents show each original glyph by: its subset
    /// glyph id, or in a CID-keyed CFF font (Noto Sans CJK, Source Han) the
    /// CID the subset's charset gives that glyph, as printpdf embeds such a
    /// font bare and keys its widths and Unicode map by CID.
    codes: Vec<u16>,
    /// Each kept glyph's width as the font's `/W` gives it, by original
    /// glyph id: read once here, as the face itself cannot be shared with
    /// the threads that paint.
    widths: Vec<f32>,
}

/// Paints `pages`, with the images they show from `pictures`, into a PDF
/// and adds its structure tree (from `structure`), navigation and metadata.
/// Streams are deflated through `store`, which gives back what an earlier
/// build made of the same bytes.
pub fn write(
    pages: &[Page],
    sources: &[Option<Source>],
    structure: &[Part],
    pictures: &BTreeMap<String, Picture>,
    fonts: &Fonts<'_>,
    nav: &Navigation<'_>,
    store: &Store,
) -> Result<Vec<u8>, Failed> {
    let painted = paint_pages(pages, sources, pictures, fonts, nav, store)?;
    Ok(finish(painted, pages, structure, pictures, nav, store))
}

/// A book's pages painted, the first half of [`write`]: the document with
/// its fonts embedded and each page's content stream. Painting is shared
/// out between the build's threads; [`finish`], which makes the file of
/// it, is mostly one thread's work.
pub struct Painted<'a> {
    doc: PdfDocument,
    inventory: Vec<Op>,
    image_names: BTreeMap<&'a str, String>,
    colours: Colours,
    contents: Vec<PaintedPage>,
}

/// Subsets and embeds the faces `pages` use and paints every page (see
/// [`write`]); `sources` says where each page's items come from.
pub fn paint_pages<'a>(
    pages: &[Page],
    sources: &[Option<Source>],
    pictures: &'a BTreeMap<String, Picture>,
    fonts: &Fonts<'_>,
    nav: &Navigation<'_>,
    store: &Store,
) -> Result<Painted<'a>, Failed> {
    let mut doc = PdfDocument::new(&nav.metadata.title);

    // Which glyphs each face uses: a flag per glyph id, as a book sets
    // millions of glyphs from a few hundred. Each stretch of pages is
    // looked through alone, on the build's threads.
    let stretches: Vec<&[Page]> = pages.chunks(256).collect();
    let found = crate::workers::map(&stretches, |stretch| {
        let mut flags: BTreeMap<FaceId, Vec<bool>> = BTreeMap::new();
        for page in *stretch {
            for item in &page.items {
                if let Item::Text { run, .. } | Item::Turned { run, .. } = item {
                    let seen = flags
                        .entry(run.face)
                        .or_insert_with(|| vec![false; usize::from(u16::MAX) + 1]);
                    for g in &run.glyphs {
                        seen[usize::from(g.gid)] = true;
                    }
                }
            }
        }
        flags
    });
    let mut flags: BTreeMap<FaceId, Vec<bool>> = BTreeMap::new();
    for (face, seen) in found.into_iter().flatten() {
        match flags.entry(face) {
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(seen);
            }
            std::collections::btree_map::Entry::Occupied(mut all) => {
                for (all, seen) in all.get_mut().iter_mut().zip(seen) {
                    *all |= seen;
                }
            }
        }
    }
    let used: BTreeMap<FaceId, BTreeSet<u16>> = flags
        .into_iter()
        .map(|(face, seen)| {
            let gids = (0..=u16::MAX).filter(|&g| seen[usize::from(g)]).collect();
            (face, gids)
        })
        .collect();
    let mut embedded = BTreeMap::new();
    for (face, gids) in &used {
        let (parsed, remap, codes) = subset_face(fonts, *face, gids)?;
        let id = FontId(format!("F{}", face.0));
        doc.resources
            .fonts
            .map
            .insert(id.clone(), printpdf::font::PdfFont::new(parsed));
        let mut widths = vec![0.0; usize::from(u16::MAX) + 1];
        for &gid in gids {
            widths[usize::from(gid)] = fonts.pdf_width(*face, gid);
        }
        embedded.insert(
            *face,
            Embedded {
                id,
                remap,
                codes,
                widths,
            },
        );
    }

    // printpdf embeds the fonts and writes their ToUnicode maps from the
    // glyphs its pages show, but serialising a long book's glyphs through
    // its operations takes most of the time and memory. So printpdf's first
    // page shows each used glyph once (the inventory it embeds from), and
    // every page's content stream is then written here directly.
    let mut inventory = Vec::new();
    for (face, gids) in &used {
        let Some(font) = embedded.get(face) else {
            continue;
        };
        inventory.push(Op::StartTextSection);
        inventory.push(Op::SetFont {
            font: PdfFontHandle::External(font.id.clone()),
            size: Pt(10.0),
        });
        let codepoints = gids
            .iter()
            .map(|gid| Codepoint {
                gid: font.remap[usize::from(*gid)],
                offset: 0.0,
                cid: fonts.glyph_text(*face, *gid).map(str::to_string),
            })
            .collect();
        inventory.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(codepoints)],
        });
        inventory.push(Op::EndTextSection);
    }
    // Images are named in the order of their paths, so the names do not
    // depend on where they are first shown.
    let image_names: BTreeMap<&str, String> = pictures
        .keys()
        .enumerate()
        .map(|(n, src)| (src.as_str(), format!("Im{n}")))
        .collect();
    let colours = Colours::of(nav.standards);
    let contents = paint_all(pages, sources, &embedded, &image_names, colours, store);
    Ok(Painted {
        doc,
        inventory,
        image_names,
        colours,
        contents,
    })
}

/// The file of the pages [`paint_pages`] painted, with the pictures, the
/// structure tree, navigation and metadata (see [`write`]).
pub fn finish(
    painted: Painted<'_>,
    pages: &[Page],
    structure: &[Part],
    pictures: &BTreeMap<String, Picture>,
    nav: &Navigation<'_>,
    store: &Store,
) -> Vec<u8> {
    let Painted {
        mut doc,
        mut inventory,
        image_names,
        colours,
        contents,
    } = painted;
    let mut pdf_pages = Vec::with_capacity(pages.len());
    for page in pages {
        pdf_pages.push(PdfPage::new(
            Mm::from(Pt(page.width)),
            Mm::from(Pt(page.height)),
            if pdf_pages.is_empty() {
                std::mem::take(&mut inventory)
            } else {
                Vec::new()
            },
        ));
    }
    doc.pages = pdf_pages;

    // printpdf's and lopdf's own compression use the slowest, best level,
    // which takes most of a long book's time; streams are compressed below
    // at a fast level instead.
    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    // The document id's digest: the title, every page's content stream
    // (which shows each glyph by its code, where it is painted) and the
    // images.
    let mut hash = Fnv::new();
    hash.add(nav.metadata.title.as_bytes());
    for page in &contents {
        hash.add(&page.digest.to_le_bytes());
    }
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&options, &mut warnings);
    let page_ids: Vec<lopdf::ObjectId> = lo.get_pages().into_values().collect();
    let mut marks = Vec::with_capacity(pages.len());
    for (page_id, page) in page_ids.iter().copied().zip(contents) {
        marks.push(page.slots);
        let stream = lo
            .get_dictionary(page_id)
            .and_then(|page| page.get(b"Contents"))
            .and_then(lopdf::Object::as_reference);
        if let Ok(stream) = stream {
            lo.objects
                .insert(stream, lopdf::Object::Stream(page.stream));
        }
    }
    for image in add_images(&mut lo, pictures, &image_names, colours) {
        if let Ok(lopdf::Object::Stream(stream)) = lo.get_object(image) {
            hash.add(&stream.content);
        }
    }
    let annotations = navigate::apply(&mut lo, pages, nav);
    tags::write(&mut lo, &page_ids, structure, &marks, &annotations);
    compress(&mut lo, store);
    // CFF fonts go in as OpenType font programs (/FontFile3 /OpenType),
    // which PDF 1.6 introduced; printpdf's header says 1.3. PDF/X-4 is
    // PDF 1.6.
    lo.version = if nav.standards.pdf_x4 { "1.6" } else { "1.7" }.to_string();
    // printpdf writes a random document id; ours is a digest of the title,
    // the pages' streams and the images, so the same book gives the same
    // bytes.
    let id = format!("{:016x}{:016x}", hash.value(), pages.len());
    lo.trailer.set(
        "ID",
        lopdf::Object::Array(vec![
            lopdf::Object::String(id.clone().into_bytes(), lopdf::StringFormat::Hexadecimal),
            lopdf::Object::String(id.into_bytes(), lopdf::StringFormat::Hexadecimal),
        ]),
    );
    // The dictionaries (structure elements, annotations, outline entries)
    // go compressed in object streams: the structure tree of a long book
    // would otherwise weigh as much as its text.
    let bytes = save::save(&lo, store);
    crate::workers::drop_aside(lo);
    bytes
}

/// Why [`write`] failed. A face is known here by its id only; the caller
/// knows which file it came from.
#[derive(Debug)]
pub enum Failed {
    /// A face could not be read, subset or embedded.
    Font {
        /// The face.
        face: FaceId,
        /// What could not be done: `read`, `subset` or `embed`.
        what: &'static str,
        /// The face's PostScript name.
        name: String,
    },
    /// Anything else.
    Other(Error),
}

impl Failed {
    /// The error, naming the font's file from `options` when it has one.
    pub fn error(self, options: &super::Options) -> Error {
        match self {
            Failed::Font { face, what, name } => Error::new(
                "font-subset",
                options.font_place(face),
                format!("cannot {what} the {} font {name}", face.name()),
            )
            .with_hint(format!(
                "use another OpenType (.otf) or TrueType (.ttf) file for `{}` in book.toml \
                 [pdf] fonts",
                face.name()
            )),
            Failed::Other(error) => error,
        }
    }
}

/// Writes each picture once as an image XObject (with its soft mask) and
/// names it in the XObject dictionary printpdf shares between all pages.
/// Returns the objects written, each image before its mask, for the
/// document id's digest.
fn add_images(
    document: &mut lopdf::Document,
    pictures: &BTreeMap<String, Picture>,
    names: &BTreeMap<&str, String>,
    colours: Colours,
) -> Vec<lopdf::ObjectId> {
    let mut written = Vec::new();
    if pictures.is_empty() {
        return written;
    }
    let shared = document.get_pages().values().next().and_then(|page| {
        let resources = document
            .get_dictionary(*page)
            .ok()?
            .get(b"Resources")
            .ok()?;
        let resources = document
            .get_dictionary(resources.as_reference().ok()?)
            .ok()?;
        resources.get(b"XObject").ok()?.as_reference().ok()
    });
    let Some(shared) = shared else {
        return written;
    };
    let mut entries = Vec::with_capacity(pictures.len());
    let mut srgb = None;
    for (src, picture) in pictures {
        let Some(name) = names.get(src.as_str()) else {
            continue;
        };
        let (mut image, mask) = xobject(picture, colours);
        // A colour JPEG in a grey book keeps its colours, in sRGB: no
        // device RGB in a PDF/X-4.
        let rgb = image
            .dict
            .get(b"ColorSpace")
            .and_then(lopdf::Object::as_name);
        if colours == Colours::Gray && rgb.is_ok_and(|name| name == b"DeviceRGB") {
            let space = srgb.get_or_insert_with(|| conform::srgb_space(document));
            image.dict.set("ColorSpace", space.clone());
        }
        let mask = mask.map(|mask| document.add_object(mask));
        if let Some(mask) = mask {
            image.dict.set("SMask", mask);
        }
        let image = document.add_object(image);
        written.push(image);
        written.extend(mask);
        entries.push((name.clone(), image));
    }
    if let Ok(dict) = document.get_dictionary_mut(shared) {
        for (name, id) in entries {
            dict.set(name, id);
        }
    }
    written
}

/// Compresses every stream not yet filtered with Flate at a fast level: on
/// a 1,200-page book level 2 writes 5.3 MB where level 3 writes 4.7 MB in
/// twice the time, and level 9 (lopdf's) takes ten times as long.
/// The streams are shared out between the build's threads
/// ([`crate::workers::map`]; each stream packed alone, so the bytes do not
/// depend on the threads).
fn compress(document: &mut lopdf::Document, store: &Store) {
    let streams: Vec<&mut lopdf::Stream> = document
        .objects
        .values_mut()
        .filter_map(|object| match object {
            lopdf::Object::Stream(stream)
                if stream.allows_compression && stream.dict.get(b"Filter").is_err() =>
            {
                Some(stream)
            }
            _ => None,
        })
        .collect();
    let packed = crate::workers::map(&streams, |stream| packed(&stream.content, store));
    for (stream, packed) in streams.into_iter().zip(packed) {
        if let Some(packed) = packed {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(packed);
        }
    }
}

/// Compresses one stream at the fast level of [`compress`], when that makes
/// it smaller.
fn deflate(stream: &mut lopdf::Stream, store: &Store) {
    if let Some(packed) = packed(&stream.content, store) {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(packed);
    }
}

/// `content` compressed at the fast level of [`compress`], when that makes
/// it smaller.
fn packed(content: &[u8], store: &Store) -> Option<Vec<u8>> {
    let packed = store.deflate(Deflate::Zlib(save::LEVEL), content);
    (packed.len() < content.len()).then_some(packed)
}

/// Every page's content stream, painted and compressed, with the slots of
/// its marked content (see [`paint`]); or, for a page painted the same by
/// an earlier build, the stream it kept in `store`. Painting and
/// compressing the pages is most of the writer's work and each page is done
/// alone, so the pages are shared out between the build's threads
/// ([`crate::workers::map`]); the bytes do not depend on the threads.
fn paint_all(
    pages: &[Page],
    sources: &[Option<Source>],
    embedded: &BTreeMap<FaceId, Embedded>,
    images: &BTreeMap<&str, String>,
    colours: Colours,
    store: &Store,
) -> Vec<PaintedPage> {
    let shared = store.on().then(|| painting_key(embedded, images, colours));
    let sourced: Vec<(&Page, Option<&Source>)> = pages
        .iter()
        .enumerate()
        .map(|(n, page)| (page, sources.get(n).and_then(Option::as_ref)))
        .collect();
    crate::workers::map(&sourced, |&(page, source)| {
        let Some(shared) = &shared else {
            let (content, slots) = paint(page, embedded, images, colours);
            let mut stream = lopdf::Stream::new(lopdf::Dictionary::new(), content);
            deflate(&mut stream, store);
            let digest = crc32fast::hash(&stream.content);
            return PaintedPage {
                stream,
                slots,
                digest,
            };
        };
        // Kept as the stream, then a byte that says whether it is deflated.
        let mut content = store.get_or_make(page_key(shared, page, source), || {
            let (content, _) = paint(page, embedded, images, colours);
            let packed = Deflate::Zlib(save::LEVEL).run(&content);
            let (flag, mut kept) = if packed.len() < content.len() {
                (1, packed)
            } else {
                (0, content)
            };
            kept.push(flag);
            kept
        });
        let flag = content.pop();
        let digest = crc32fast::hash(&content);
        let mut stream = lopdf::Stream::new(lopdf::Dictionary::new(), content);
        if flag == Some(1) {
            stream.dict.set("Filter", "FlateDecode");
        }
        PaintedPage {
            stream,
            slots: slots(page),
            digest,
        }
    })
}

/// A page's content stream, painted or kept, with the slots of its marked
/// content by MCID (see [`paint`]) and a CRC-32 of the stream, for the
/// document id.
struct PaintedPage {
    stream: lopdf::Stream,
    slots: Vec<u32>,
    digest: u32,
}

/// Subsets one face to `gids` and names it with a subset tag derived from
/// the glyph set, as PDF asks (six capital letters and a plus sign).
fn subset_face(
    fonts: &Fonts<'_>,
    face: FaceId,
    gids: &BTreeSet<u16>,
) -> Result<(ParsedFont, Vec<u16>, Vec<u16>), Failed> {
    let failed = |what: &'static str| Failed::Font {
        face,
        what,
        name: fonts.postscript_name(face).to_string(),
    };
    let bytes = fonts.bytes(face);
    let data = ReadScope::new(bytes)
        .read::<FontData<'_>>()
        .map_err(|_| failed("read"))?;
    let provider = data.table_provider(0).map_err(|_| failed("read"))?;
    // Glyph 0 (the missing-glyph box) comes first, as allsorts requires.
    let ids: Vec<u16> = std::iter::once(0)
        .chain(gids.iter().copied().filter(|g| *g != 0))
        .collect();
    let program = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|_| failed("subset"))?;
    let mut remap = vec![0; usize::from(u16::MAX) + 1];
    for (new, old) in ids.iter().enumerate() {
        remap[usize::from(*old)] = new as u16;
    }
    let codes = match printpdf::font::cff_charset_gid_to_cid_map(&program, 0) {
        Some(cids) => remap
            .iter()
            .map(|new| cids.get(new).copied().unwrap_or(*new))
            .collect(),
        None => remap.clone(),
    };
    let mut warnings = Vec::new();
    let mut parsed =
        ParsedFont::from_bytes(&program, 0, &mut warnings).ok_or_else(|| failed("embed"))?;
    let mut hash = Fnv::new();
    for id in &ids {
        hash.add(&id.to_be_bytes());
    }
    hash.add(&[face.0]);
    let mut tag = String::new();
    let mut value = hash.value();
    for _ in 0..6 {
        tag.push(char::from(b'A' + (value % 26) as u8));
        value /= 26;
    }
    parsed.font_name = Some(format!("{tag}+{}", fonts.postscript_name(face)));
    Ok((parsed, remap, codes))
}

/// The tag an item is painted under and the kind of its marked content;
/// `None` for what is not painted (link targets and clickable areas).
fn marking(item: &Item) -> Option<(Tag, &'static str)> {
    match item {
        Item::Text { tag, .. } => Some((*tag, "Span")),
        Item::Image { tag, .. } => Some((*tag, "Figure")),
        Item::Rule { .. } | Item::Rect { .. } | Item::Turned { .. } => {
            Some((Tag::Artifact, "Artifact"))
        }
        Item::Anchor { .. } | Item::Link { .. } => None,
    }
}

/// The slots of a page's marked-content sequences, by MCID, as [`paint`]
/// gives them, without painting: for a page whose stream is kept.
fn slots(page: &Page) -> Vec<u32> {
    let mut marked = None;
    let mut slots = Vec::new();
    for (tag, _) in page.items.iter().filter_map(marking) {
        if marked != Some(tag) {
            if let Tag::Content(slot) = tag {
                slots.push(slot);
            }
            marked = Some(tag);
        }
    }
    slots
}

/// The version of what [`paint`] writes and of how a page's stream is kept:
/// bump it with any change to either, so that no stream an earlier build
/// kept is used.
const PAINTING: u32 = 2;

/// The part of every page stream's key that [`paint`] reads besides the
/// page: the faces as embedded (name, code and width of every glyph), the
/// images' names and the colours.
fn painting_key(
    embedded: &BTreeMap<FaceId, Embedded>,
    images: &BTreeMap<&str, String>,
    colours: Colours,
) -> Key {
    let mut bytes = PAINTING.to_le_bytes().to_vec();
    for (face, font) in embedded {
        bytes.push(face.0);
        text(&mut bytes, &font.id.0);
        bytes.extend(font.codes.iter().flat_map(|c| c.to_le_bytes()));
        bytes.extend(font.widths.iter().flat_map(|w| w.to_bits().to_le_bytes()));
    }
    for (src, name) in images {
        text(&mut bytes, src);
        text(&mut bytes, name);
    }
    bytes.push(match colours {
        Colours::Gray => 0,
        Colours::AsGiven => 1,
    });
    store::key("page painting", &[&bytes])
}

/// `text`, after its length, into `bytes`.
fn text(bytes: &mut Vec<u8>, text: &str) {
    bytes.extend_from_slice(&(text.len() as u64).to_le_bytes());
    bytes.extend_from_slice(text.as_bytes());
}

/// The key of `page`'s content stream: `shared` (see [`painting_key`]) and
/// every field of the page that [`paint`] reads. Of a tag, paint reads
/// whether it is an artifact and whether it continues the sequence before,
/// not its slot: a page that moved in the structure tree keeps its stream.
/// A page with a `source` is known by it in place of the items its chapter
/// placed (see [`Source`]), then by the items after those.
fn page_key(shared: &Key, page: &Page, source: Option<&Source>) -> Key {
    let mut bytes = Vec::with_capacity(if source.is_some() { 1024 } else { 64 * 1024 });
    let put = |values: &[f32], bytes: &mut Vec<u8>| {
        for value in values {
            bytes.extend_from_slice(&value.to_bits().to_le_bytes());
        }
    };
    put(&[page.height], &mut bytes);
    let items = match source {
        Some(source) => {
            bytes.extend_from_slice(&source.chapter);
            for count in [source.page, source.own] {
                bytes.extend_from_slice(&(count as u64).to_le_bytes());
            }
            put(&[source.left], &mut bytes);
            page.items.get(source.own..).unwrap_or_default()
        }
        None => &page.items,
    };
    let mut marked = None;
    for item in items {
        let Some((tag, _)) = marking(item) else {
            continue;
        };
        bytes.push(u8::from(tag == Tag::Artifact));
        bytes.push(u8::from(marked == Some(tag)));
        marked = Some(tag);
        match item {
            Item::Text { x, y, run, .. } | Item::Turned { x, y, run } => {
                bytes.push(u8::from(matches!(item, Item::Turned { .. })));
                put(&[*x, *y, run.size], &mut bytes);
                bytes.push(run.face.0);
                bytes.extend_from_slice(&run.ink.0);
                bytes.extend_from_slice(&(run.glyphs.len() as u64).to_le_bytes());
                for g in &run.glyphs {
                    bytes.extend_from_slice(&g.gid.to_le_bytes());
                    put(&[g.advance, g.offset], &mut bytes);
                }
            }
            Item::Rule {
                x,
                y,
                width,
                thickness,
            } => {
                bytes.push(2);
                put(&[*x, *y, *width, *thickness], &mut bytes);
            }
            Item::Rect {
                x,
                y,
                width,
                height,
                gray,
            } => {
                bytes.push(3);
                put(&[*x, *y, *width, *height, *gray], &mut bytes);
            }
            Item::Image {
                x,
                y,
                width,
                height,
                src,
                ..
            } => {
                bytes.push(4);
                put(&[*x, *y, *width, *height], &mut bytes);
                text(&mut bytes, src);
            }
            Item::Anchor { .. } | Item::Link { .. } => {}
        }
    }
    let kind = if source.is_some() {
        "chapter page"
    } else {
        "page"
    };
    store::key(kind, &[shared, &bytes])
}

/// Closes the text object a content stream is in, if it is in one.
fn end_text(out: &mut Vec<u8>, in_text: &mut bool) {
    if *in_text {
        out.extend_from_slice(b"ET\n");
        *in_text = false;
    }
}

/// Ends the marked-content sequence a content stream is in, if any.
fn end_marked(out: &mut Vec<u8>, marked: &mut Option<Tag>) {
    if marked.take().is_some() {
        out.extend_from_slice(b"EMC\n");
    }
}

/// Sets the fill colour, which glyphs are painted in: a grey as `g`, any
/// other colour as `rg`, or as the grey it prints as for a grey intent.
fn fill(out: &mut Vec<u8>, ink: Ink, colours: Colours) {
    let ink = match colours {
        Colours::Gray => Ink::gray(conform::luma(ink.0)),
        Colours::AsGiven => ink,
    };
    let [r, g, b] = ink.0.map(|c| f32::from(c) / 255.0);
    if r == g && g == b {
        number(out, r);
        out.extend_from_slice(b" g\n");
    } else {
        numbers(out, &[r, g, b]);
        out.extend_from_slice(b" rg\n");
    }
}

/// The content stream of one page: glyph runs in text sections, rules as
/// lines, frames as filled rectangles under the text they hold; and the
/// slot of each of its marked-content sequences, by MCID. Each stretch of
/// items with one tag is one marked-content sequence (outside text
/// objects, so the two nest): `/Artifact` for what is not read, numbered
/// from 0 on each page for content. It may run over several lines, as each
/// line that a word space ends carries that space (a glyph of no width).
fn paint(
    page: &Page,
    embedded: &BTreeMap<FaceId, Embedded>,
    images: &BTreeMap<&str, String>,
    colours: Colours,
) -> (Vec<u8>, Vec<u32>) {
    let mut out = Vec::with_capacity(16 * 1024);
    let mut in_text = false;
    let mut current: Option<(FaceId, f32)> = None;
    let mut ink = Ink::default();
    let mut marked: Option<Tag> = None;
    let mut slots = Vec::new();
    for item in &page.items {
        let Some((tag, kind)) = marking(item) else {
            continue;
        };
        if marked != Some(tag) {
            end_text(&mut out, &mut in_text);
            end_marked(&mut out, &mut marked);
            match tag {
                Tag::Artifact => out.extend_from_slice(b"/Artifact BMC\n"),
                Tag::Content(slot) => {
                    out.extend_from_slice(
                        format!("/{kind} <</MCID {}>> BDC\n", slots.len()).as_bytes(),
                    );
                    slots.push(slot);
                }
            }
            marked = Some(tag);
        }
        let text = match item {
            Item::Text { x, y, run, .. } => Some((*x, *y, run, false)),
            Item::Turned { x, y, run } => Some((*x, *y, run, true)),
            _ => None,
        };
        match (item, text) {
            (_, Some((x, y, run, turned))) => {
                let Some(font) = embedded.get(&run.face) else {
                    continue;
                };
                if !in_text {
                    out.extend_from_slice(b"BT\n");
                    in_text = true;
                    current = None;
                }
                if current != Some((run.face, run.size)) {
                    out.push(b'/');
                    out.extend_from_slice(font.id.0.as_bytes());
                    out.push(b' ');
                    number(&mut out, run.size);
                    out.extend_from_slice(b" Tf\n");
                    current = Some((run.face, run.size));
                }
                if run.ink != ink {
                    fill(&mut out, run.ink, colours);
                    ink = run.ink;
                }
                // Offsets are in thousandths of an em: after each glyph the
                // viewer moves by the font's width (/W) minus the offset, so
                // the offset makes up the difference to the shaped advance,
                // and shifts a glyph drawn off its pen position.
                let em = 1000.0 / run.size;
                let first_offset = run.glyphs.first().map_or(0.0, |g| g.offset);
                // A turned run reads down the page: its x axis points down.
                let (origin, matrix): ([f32; 2], &[u8]) = if turned {
                    ([x, page.height - y - first_offset], b"0 -1 1 0 ")
                } else {
                    ([x + first_offset, page.height - y], b"1 0 0 1 ")
                };
                out.extend_from_slice(matrix);
                numbers(&mut out, &origin);
                out.extend_from_slice(b" Tm\n[");
                for (i, g) in run.glyphs.iter().enumerate() {
                    let next_offset = run.glyphs.get(i + 1).map_or(0.0, |n| n.offset);
                    let width = font.widths[usize::from(g.gid)];
                    let offset = width - g.advance * em + (g.offset - next_offset) * em;
                    let gid = font.codes[usize::from(g.gid)];
                    out.push(b'<');
                    for shift in [12, 8, 4, 0] {
                        out.push(b"0123456789ABCDEF"[usize::from((gid >> shift) & 0xF)]);
                    }
                    out.push(b'>');
                    let offset = (offset * 100.0).round() / 100.0;
                    if offset != 0.0 {
                        number(&mut out, offset);
                    }
                }
                out.extend_from_slice(b"] TJ\n");
            }
            (
                Item::Rule {
                    x,
                    y,
                    width,
                    thickness,
                },
                None,
            ) => {
                end_text(&mut out, &mut in_text);
                let y = page.height - y;
                number(&mut out, *thickness);
                out.extend_from_slice(b" w ");
                numbers(&mut out, &[*x, y]);
                out.extend_from_slice(b" m ");
                numbers(&mut out, &[x + width, y]);
                out.extend_from_slice(b" l S\n");
            }
            (
                Item::Rect {
                    x,
                    y,
                    width,
                    height,
                    gray,
                },
                None,
            ) => {
                end_text(&mut out, &mut in_text);
                // The fill colour is saved and restored, so the text after
                // the frame is painted black again.
                out.extend_from_slice(b"q ");
                number(&mut out, *gray);
                out.extend_from_slice(b" g ");
                numbers(&mut out, &[*x, page.height - y - height, *width, *height]);
                out.extend_from_slice(b" re f Q\n");
            }
            (
                Item::Image {
                    x,
                    y,
                    width,
                    height,
                    src,
                    ..
                },
                None,
            ) => {
                let Some(name) = images.get(src.as_str()) else {
                    continue;
                };
                end_text(&mut out, &mut in_text);
                out.extend_from_slice(b"q ");
                // Scaled to its size and moved to its place.
                let place = [*width, 0.0, 0.0, *height, *x, page.height - y - height];
                numbers(&mut out, &place);
                out.extend_from_slice(format!(" cm /{name} Do Q\n").as_bytes());
            }
            // Link targets and clickable areas are not painted.
            _ => {}
        }
    }
    end_text(&mut out, &mut in_text);
    end_marked(&mut out, &mut marked);
    (out, slots)
}

/// Writes `values` as [`number`]s, a space between each two.
fn numbers(out: &mut Vec<u8>, values: &[f32]) {
    for (i, &value) in values.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        number(out, value);
    }
}

/// Writes a number as PDF wants it: plain decimals, at most three places,
/// no exponent, no trailing zeros.
fn number(out: &mut Vec<u8>, value: f32) {
    let scaled = (f64::from(value) * 1000.0).round() as i64;
    if scaled < 0 {
        out.push(b'-');
    }
    let magnitude = scaled.unsigned_abs();
    digits(out, magnitude / 1000);
    let fraction = magnitude % 1000;
    if fraction != 0 {
        out.push(b'.');
        // Three places, less the trailing zeros.
        let places = [fraction / 100, fraction / 10 % 10, fraction % 10];
        let shown = if !fraction.is_multiple_of(10) {
            3
        } else if !fraction.is_multiple_of(100) {
            2
        } else {
            1
        };
        out.extend(places[..shown].iter().map(|&d| b'0' + d as u8));
    }
}

/// Writes `value` in decimal digits, without the allocation of
/// `to_string`: pages are painted with millions of numbers.
fn digits(out: &mut Vec<u8>, mut value: u64) {
    let mut buffer = [0u8; 20];
    let mut at = buffer.len();
    loop {
        at -= 1;
        buffer[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&buffer[at..]);
}

/// FNV-1a, 64 bits: a small stable hash for ids and subset tags.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn add(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn value(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::text::{PlacedGlyph, Run};

    /// A page of text, rules and an image under a few tags.
    fn page() -> Page {
        let run = |gid| Run {
            x: 0.0,
            rise: 0.0,
            face: FaceId(0),
            size: 10.0,
            width: 5.0,
            ink: Ink::default(),
            glyphs: vec![PlacedGlyph {
                gid,
                advance: 5.0,
                offset: 0.0,
            }],
        };
        let text = |slot, gid| Item::Text {
            x: 10.0,
            y: 20.0,
            run: run(gid),
            tag: Tag::Content(slot),
        };
        let rule = Item::Rule {
            x: 1.0,
            y: 2.0,
            width: 3.0,
            thickness: 0.5,
        };
        let anchor = Item::Anchor {
            id: "a".to_string(),
            y: 0.0,
        };
        let image = Item::Image {
            x: 0.0,
            y: 0.0,
            width: 9.0,
            height: 9.0,
            src: "i.png".to_string(),
            alt: String::new(),
            tag: Tag::Content(9),
        };
        Page {
            width: 100.0,
            height: 200.0,
            items: vec![
                text(7, 1),
                text(7, 2),
                anchor,
                rule,
                text(8, 3),
                image,
                text(7, 4),
            ],
        }
    }

    #[test]
    fn slots_are_those_painting_gives() {
        let page = page();
        let (_, painted) = paint(&page, &BTreeMap::new(), &BTreeMap::new(), Colours::AsGiven);
        assert_eq!(slots(&page), painted);
        assert_eq!(painted, [7, 8, 9, 7]);
    }

    #[test]
    fn a_page_keeps_its_key_when_only_its_slots_move() {
        let shared = painting_key(&BTreeMap::new(), &BTreeMap::new(), Colours::AsGiven);
        let page = page();
        let mut moved = page.clone();
        for item in &mut moved.items {
            if let Item::Text {
                tag: Tag::Content(slot),
                ..
            } = item
            {
                *slot += 100;
            }
        }
        assert_eq!(
            page_key(&shared, &page, None),
            page_key(&shared, &moved, None)
        );
        // One sequence split in two is painted otherwise.
        let mut split = page.clone();
        if let Item::Text { tag, .. } = &mut split.items[1] {
            *tag = Tag::Content(70);
        }
        assert_ne!(
            page_key(&shared, &page, None),
            page_key(&shared, &split, None)
        );
        let mut nudged = page.clone();
        if let Item::Rule { x, .. } = &mut nudged.items[3] {
            *x += 0.001;
        }
        assert_ne!(
            page_key(&shared, &page, None),
            page_key(&shared, &nudged, None)
        );
        let grey = painting_key(&BTreeMap::new(), &BTreeMap::new(), Colours::Gray);
        assert_ne!(page_key(&shared, &page, None), page_key(&grey, &page, None));
    }

    #[test]
    fn a_chapter_page_is_known_by_its_source_its_margin_and_what_the_join_added() {
        let shared = painting_key(&BTreeMap::new(), &BTreeMap::new(), Colours::AsGiven);
        let page = page();
        let source = Source {
            chapter: [7; 32],
            page: 3,
            own: 5,
            left: 72.0,
        };
        let key = page_key(&shared, &page, Some(&source));
        assert_ne!(key, page_key(&shared, &page, None));
        // The chapter's own items are the key's to tell.
        let mut nudged = page.clone();
        if let Item::Rule { x, .. } = &mut nudged.items[3] {
            *x += 1.0;
        }
        assert_eq!(key, page_key(&shared, &nudged, Some(&source)));
        // What the join added, and where it moved the page, are not.
        let mut folio = page.clone();
        if let Item::Text { x, .. } = &mut folio.items[6] {
            *x += 1.0;
        }
        assert_ne!(key, page_key(&shared, &folio, Some(&source)));
        for other in [
            Source {
                left: 54.0,
                ..source
            },
            Source { page: 4, ..source },
            Source { own: 6, ..source },
            Source {
                chapter: [8; 32],
                ..source
            },
        ] {
            assert_ne!(key, page_key(&shared, &page, Some(&other)));
        }
    }

    #[test]
    fn numbers_are_plain_decimals() {
        let mut out = Vec::new();
        for value in [
            0.0, 12.0, 10.5, -3.25, 0.0004, -0.0004, 612.125, 1e-9, 0.05, 7.008,
        ] {
            number(&mut out, value);
            out.push(b' ');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0 12 10.5 -3.25 0 0 612.125 0 0.05 7.008 "
        );
    }
}
