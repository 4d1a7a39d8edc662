//! The writer: paints laid-out pages with printpdf and returns the PDF's bytes.
//!
//! Fonts are subset here (through allsorts, which printpdf already uses)
//! to the glyphs the pages use, and embedded with a ToUnicode map built from
//! what each glyph stood for when it was shaped, so a ligature copies out as
//! all its letters. Nothing here depends on the clock or on random numbers.

use crate::error::Error;
use crate::model::Metadata;
use crate::pdf::fonts::{FaceId, Fonts};
use crate::pdf::layout::{Item, Page};
use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use printpdf::{
    Codepoint, Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, ParsedFont,
    PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, TextItem,
    TextMatrix, WindingOrder,
};
use std::collections::{BTreeMap, BTreeSet};

/// A face as embedded: its subset's glyph ids for the original ones.
struct Embedded {
    id: FontId,
    remap: BTreeMap<u16, u16>,
}

/// Paints `pages` into a PDF.
pub fn write(pages: &[Page], fonts: &Fonts<'_>, metadata: &Metadata) -> Result<Vec<u8>, Error> {
    let mut doc = PdfDocument::new(&metadata.title);
    doc.metadata.info.author = metadata.authors.join(", ");
    doc.metadata.info.creator = "bindery".to_string();
    doc.metadata.info.producer = "bindery".to_string();
    doc.metadata.info.subject = metadata.description.clone().unwrap_or_default();

    let mut used: BTreeMap<FaceId, BTreeSet<u16>> = BTreeMap::new();
    for page in pages {
        for item in &page.items {
            if let Item::Text { run, .. } = item {
                used.entry(run.face)
                    .or_default()
                    .extend(run.glyphs.iter().map(|g| g.gid));
            }
        }
    }
    let mut embedded = BTreeMap::new();
    for (face, gids) in &used {
        let (parsed, remap) = subset_face(fonts, *face, gids)?;
        let id = FontId(format!("F{}", face.0));
        doc.resources
            .fonts
            .map
            .insert(id.clone(), printpdf::font::PdfFont::new(parsed));
        embedded.insert(*face, Embedded { id, remap });
    }

    let mut digest = Fnv::new();
    digest.add(metadata.title.as_bytes());
    let mut pdf_pages = Vec::with_capacity(pages.len());
    for page in pages {
        let ops = paint(page, fonts, &embedded, &mut digest);
        pdf_pages.push(PdfPage::new(
            Mm::from(Pt(page.width)),
            Mm::from(Pt(page.height)),
            ops,
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
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&options, &mut warnings);
    compress(&mut lo);
    // printpdf writes a random document id; ours is a digest of the content,
    // so the same book gives the same bytes.
    let id = format!("{:016x}{:016x}", digest.value(), pages.len());
    lo.trailer.set(
        "ID",
        lopdf::Object::Array(vec![
            lopdf::Object::String(id.clone().into_bytes(), lopdf::StringFormat::Hexadecimal),
            lopdf::Object::String(id.into_bytes(), lopdf::StringFormat::Hexadecimal),
        ]),
    );
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes)
        .map_err(|e| Error::new("pdf-write", None, format!("cannot write the PDF: {e}")))?;
    Ok(bytes)
}

/// Compresses every stream not yet filtered with Flate at a fast level: a
/// page of text loses some 70% of its size at level 3, and barely more at 9.
fn compress(document: &mut lopdf::Document) {
    for object in document.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object
            && stream.allows_compression
            && stream.dict.get(b"Filter").is_err()
        {
            let packed = miniz_oxide::deflate::compress_to_vec_zlib(&stream.content, 3);
            if packed.len() < stream.content.len() {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(packed);
            }
        }
    }
}

/// Subsets one face to `gids` and names it with a subset tag derived from
/// the glyph set, as PDF asks (six capital letters and a plus sign).
fn subset_face(
    fonts: &Fonts<'_>,
    face: FaceId,
    gids: &BTreeSet<u16>,
) -> Result<(ParsedFont, BTreeMap<u16, u16>), Error> {
    let failed = |what: &str| {
        Error::new(
            "font-subset",
            None,
            format!("cannot {what} the font {}", fonts.postscript_name(face)),
        )
        .with_hint("use an OpenType (.otf) or TrueType (.ttf) font file")
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
    let remap = ids
        .iter()
        .enumerate()
        .map(|(new, old)| (*old, new as u16))
        .collect();
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
    Ok((parsed, remap))
}

/// The content of one page: glyph runs in text sections, rules as lines.
fn paint(
    page: &Page,
    fonts: &Fonts<'_>,
    embedded: &BTreeMap<FaceId, Embedded>,
    digest: &mut Fnv,
) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut in_text = false;
    let mut current: Option<(FaceId, f32)> = None;
    for item in &page.items {
        match item {
            Item::Text { x, y, run } => {
                let Some(font) = embedded.get(&run.face) else {
                    continue;
                };
                if !in_text {
                    ops.push(Op::StartTextSection);
                    in_text = true;
                    current = None;
                }
                if current != Some((run.face, run.size)) {
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(font.id.clone()),
                        size: Pt(run.size),
                    });
                    current = Some((run.face, run.size));
                }
                // Offsets are in thousandths of an em: after each glyph the
                // viewer moves by the font's width (/W) minus the offset, so
                // the offset makes up the difference to the shaped advance,
                // and shifts a glyph drawn off its pen position.
                let em = 1000.0 / run.size;
                let first_offset = run.glyphs.first().map_or(0.0, |g| g.offset);
                let mut codepoints = Vec::with_capacity(run.glyphs.len());
                for (i, g) in run.glyphs.iter().enumerate() {
                    let next_offset = run.glyphs.get(i + 1).map_or(0.0, |n| n.offset);
                    let width = fonts.pdf_width(run.face, g.gid);
                    let offset = width - g.advance * em + (g.offset - next_offset) * em;
                    let gid = font.remap.get(&g.gid).copied().unwrap_or(0);
                    digest.add(&gid.to_be_bytes());
                    codepoints.push(Codepoint {
                        gid,
                        offset: (offset * 100.0).round() / 100.0,
                        cid: fonts.glyph_text(run.face, g.gid).map(str::to_string),
                    });
                }
                let origin_x = x + first_offset;
                let origin_y = page.height - y;
                digest.add(&origin_x.to_bits().to_be_bytes());
                digest.add(&origin_y.to_bits().to_be_bytes());
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Pt(origin_x), Pt(origin_y)),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::GlyphIds(codepoints)],
                });
            }
            Item::Rule {
                x,
                y,
                width,
                thickness,
            } => {
                if in_text {
                    ops.push(Op::EndTextSection);
                    in_text = false;
                }
                let y = page.height - y;
                ops.push(Op::SetOutlineThickness { pt: Pt(*thickness) });
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![
                            LinePoint {
                                p: Point {
                                    x: Pt(*x),
                                    y: Pt(y),
                                },
                                bezier: false,
                            },
                            LinePoint {
                                p: Point {
                                    x: Pt(x + width),
                                    y: Pt(y),
                                },
                                bezier: false,
                            },
                        ],
                        is_closed: false,
                    },
                });
            }
            Item::Rect {
                x,
                y,
                width,
                height,
                gray,
            } => {
                if in_text {
                    ops.push(Op::EndTextSection);
                    in_text = false;
                }
                let top = page.height - y;
                let bottom = top - height;
                let corner = |x: f32, y: f32| LinePoint {
                    p: Point { x: Pt(x), y: Pt(y) },
                    bezier: false,
                };
                // The fill colour is saved and restored, so the text after
                // the frame is painted black again.
                ops.push(Op::SaveGraphicsState);
                ops.push(Op::SetFillColor {
                    col: Color::Greyscale(Greyscale {
                        percent: *gray,
                        icc_profile: None,
                    }),
                });
                ops.push(Op::DrawPolygon {
                    polygon: Polygon {
                        rings: vec![PolygonRing {
                            points: vec![
                                corner(*x, bottom),
                                corner(x + width, bottom),
                                corner(x + width, top),
                                corner(*x, top),
                            ],
                        }],
                        mode: PaintMode::Fill,
                        winding_order: WindingOrder::NonZero,
                    },
                });
                ops.push(Op::RestoreGraphicsState);
            }
            // Link targets and clickable areas are not painted.
            Item::Anchor { .. } | Item::Link { .. } => {}
        }
    }
    if in_text {
        ops.push(Op::EndTextSection);
    }
    ops
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
