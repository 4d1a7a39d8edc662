//! Image headers: the pixel size a PNG, JPEG, GIF or WebP file declares,
//! read from its first bytes without decoding it.
//!
//! The loader uses it to refuse damaged images and images so large that
//! decoding them would exhaust memory, before any backend sees them.

/// The largest image accepted, in pixels: 50 megapixels, about 8,700 × 5,800.
/// A decoded 20,000 × 20,000 image would need 1.6 GB.
pub const MAX_PIXELS: u64 = 50_000_000;

/// An image's declared width and height in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl Size {
    /// Width times height.
    pub fn pixels(self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }
}

/// The size declared in the header of an image of `media_type` (as
/// [`crate::load::media_type`] names it), or `None` when the header is
/// damaged or declares an empty image. SVG has no pixel size: `None` too.
pub fn size(media_type: &str, bytes: &[u8]) -> Option<Size> {
    let size = match media_type {
        "image/png" => png(bytes),
        "image/jpeg" => jpeg(bytes),
        "image/gif" => gif(bytes),
        "image/webp" => webp(bytes),
        _ => None,
    }?;
    (size.width > 0 && size.height > 0).then_some(size)
}

fn be16(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 2)?;
    Some(u32::from(u16::from_be_bytes([b[0], b[1]])))
}

fn le16(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 2)?;
    Some(u32::from(u16::from_le_bytes([b[0], b[1]])))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn le24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 3)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], 0]))
}

/// PNG: the signature, then the IHDR chunk (length 13) holding width and height.
fn png(bytes: &[u8]) -> Option<Size> {
    if be32(bytes, 8)? != 13 || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    Some(Size {
        width: be32(bytes, 16)?,
        height: be32(bytes, 20)?,
    })
}

/// GIF: the logical screen size follows the six-byte signature.
fn gif(bytes: &[u8]) -> Option<Size> {
    Some(Size {
        width: le16(bytes, 6)?,
        height: le16(bytes, 8)?,
    })
}

/// JPEG: the size its first start-of-frame holds.
fn jpeg(bytes: &[u8]) -> Option<Size> {
    jpeg_frame(bytes).map(|frame| frame.size)
}

/// What a JPEG's start-of-frame segment declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JpegFrame {
    /// Width and height in pixels.
    pub size: Size,
    /// Bits per sample: 8 for nearly every JPEG, 12 for some medical ones.
    pub precision: u8,
    /// Colour components: 1 grey, 3 YCbCr (RGB), 4 CMYK.
    pub components: u8,
    /// Whether an Adobe APP14 segment comes first: Adobe's CMYK JPEGs
    /// store their samples inverted.
    pub adobe: bool,
}

/// Walks a JPEG's marker segments and returns its first start-of-frame,
/// when the file's structure is whole: the start-of-image marker, segments
/// that end inside the file, a frame of a non-zero size with 1, 3 or 4
/// components before the first scan, entropy-coded data after the scan's
/// header and the end-of-image marker after it (anything may follow that).
/// Without a decoder this cannot find damage inside the coded data, but it
/// does find the truncated and mangled files that make PDF readers fail.
pub fn jpeg_frame(bytes: &[u8]) -> Option<JpegFrame> {
    if bytes.get(..2)? != [0xff, 0xd8] {
        return None;
    }
    let mut adobe = false;
    let mut frame = None;
    let mut at = 2;
    loop {
        if *bytes.get(at)? != 0xff {
            return None;
        }
        // Any number of 0xFF fill bytes may precede a marker.
        while *bytes.get(at + 1)? == 0xff {
            at += 1;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            // Markers without a segment: TEM and the restart markers.
            0x01 | 0xd0..=0xd7 => at += 2,
            // A second start of image, or the end before any scan: damaged.
            0xd8 | 0xd9 => return None,
            _ => {
                let length = usize::try_from(be16(bytes, at + 2)?).ok()?;
                let end = at + 2 + length;
                if length < 2 || end > bytes.len() {
                    return None;
                }
                let segment = &bytes[at + 4..end];
                match marker {
                    // Start of frame, except DHT (C4), JPG (C8) and DAC (CC).
                    0xc0..=0xcf if !matches!(marker, 0xc4 | 0xc8 | 0xcc) => {
                        frame = frame.or(Some(start_of_frame(segment, adobe)?));
                    }
                    // Start of scan: the coded data follows, then the end.
                    0xda => {
                        let data = &bytes[end..];
                        let eoi = data.windows(2).rposition(|pair| pair == [0xff, 0xd9])?;
                        return frame.filter(|_| eoi > 0);
                    }
                    0xee if segment.starts_with(b"Adobe") => adobe = true,
                    _ => {}
                }
                at = end;
            }
        }
    }
}

/// Reads a start-of-frame segment (after its length): precision, height,
/// width, then three bytes for each component.
fn start_of_frame(segment: &[u8], adobe: bool) -> Option<JpegFrame> {
    let precision = *segment.first()?;
    let components = *segment.get(5)?;
    let size = Size {
        width: be16(segment, 3)?,
        height: be16(segment, 1)?,
    };
    let whole = matches!(precision, 8 | 12)
        && matches!(components, 1 | 3 | 4)
        && size.width > 0
        && size.height > 0
        && segment.len() >= 6 + 3 * usize::from(components);
    whole.then_some(JpegFrame {
        size,
        precision,
        components,
        adobe,
    })
}

/// What in an SVG image could run or fetch something: a script, an event
/// handler attribute (`onload=`), embedded HTML (`<foreignObject>`), a
/// `javascript:` address, or an entity declaration (which can expand
/// without end). `None` when there is none of them. SVG is text, so this
/// is a search of it, case-insensitive, over the whole file.
pub fn svg_active_content(bytes: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(bytes).to_ascii_lowercase();
    let found = [
        ("<script", "a <script>"),
        ("<foreignobject", "a <foreignObject>"),
        ("javascript:", "a javascript: address"),
        ("<!entity", "an entity declaration"),
    ]
    .into_iter()
    .find(|(needle, _)| text.contains(needle))
    .map(|(_, what)| what);
    found.or_else(|| has_event_handler(&text).then_some("an event handler (on…=)"))
}

/// Whether lower-cased SVG text has an attribute named `on…` (`onload`,
/// `onclick`): after a space, `on`, letters, then `=` (spaces allowed).
fn has_event_handler(text: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices("on").any(|(at, _)| {
        let after_space = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let name_end = bytes[at + 2..]
            .iter()
            .position(|b| !b.is_ascii_alphabetic())
            .map_or(bytes.len(), |n| at + 2 + n);
        let rest = text[name_end..].trim_start();
        after_space && name_end > at + 2 && rest.starts_with('=')
    })
}

/// WebP: a RIFF container whose first chunk is lossy (`VP8 `), lossless
/// (`VP8L`) or extended (`VP8X`); each stores the size its own way.
fn webp(bytes: &[u8]) -> Option<Size> {
    match bytes.get(12..16)? {
        b"VP8 " => {
            // A key frame: three bytes of frame tag, then a start code.
            if bytes.get(23..26)? != [0x9d, 0x01, 0x2a] {
                return None;
            }
            Some(Size {
                width: le16(bytes, 26)? & 0x3fff,
                height: le16(bytes, 28)? & 0x3fff,
            })
        }
        b"VP8L" => {
            if *bytes.get(20)? != 0x2f {
                return None;
            }
            let b = bytes.get(21..25)?;
            let bits = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            Some(Size {
                width: (bits & 0x3fff) + 1,
                height: ((bits >> 14) & 0x3fff) + 1,
            })
        }
        b"VP8X" => Some(Size {
            width: le24(bytes, 24)? + 1,
            height: le24(bytes, 27)? + 1,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_HEAD: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x4e\x20\0\0\0\x03\x08\x02\0\0\0";

    #[test]
    fn png_sizes_come_from_ihdr() {
        let size = size("image/png", PNG_HEAD);
        assert_eq!(
            size,
            Some(Size {
                width: 20_000,
                height: 3
            })
        );
        assert_eq!(super::size("image/png", &PNG_HEAD[..20]), None);
        assert_eq!(super::size("image/png", b"\x89PNG\r\n\x1a\ngarbage"), None);
    }

    /// A JPEG's structure, without real coded data: SOI, an APP0 segment
    /// of length 4, fill bytes, a SOF0 of 600 × 300 with `components`, a
    /// scan header, two bytes of coded data and EOI.
    fn jpeg_with(components: u8) -> Vec<u8> {
        let mut jpeg = b"\xff\xd8\xff\xe0\x00\x04JF\xff\xff\xc0".to_vec();
        jpeg.extend(u16::from(8 + 3 * components).to_be_bytes());
        jpeg.extend(b"\x08\x01\x2c\x02\x58");
        jpeg.push(components);
        for id in 1..=components {
            jpeg.extend([id, 0x11, 0]);
        }
        jpeg.extend(b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x12\x34\xff\xd9");
        jpeg
    }

    #[test]
    fn jpeg_sizes_come_from_the_first_frame() {
        let jpeg = jpeg_with(3);
        assert_eq!(
            size("image/jpeg", &jpeg),
            Some(Size {
                width: 600,
                height: 300
            })
        );
        let frame = jpeg_frame(&jpeg).unwrap();
        assert_eq!(
            (frame.precision, frame.components, frame.adobe),
            (8, 3, false)
        );
        // Bytes after the end of the image are allowed.
        assert!(jpeg_frame(&[&jpeg[..], b"trailing"].concat()).is_some());
        assert!(jpeg_frame(&jpeg_with(1)).is_some() && jpeg_frame(&jpeg_with(4)).is_some());
    }

    #[test]
    fn damaged_jpeg_structures_are_refused() {
        let jpeg = jpeg_with(3);
        let end = jpeg.len();
        // The start of frame's length field: the precision, the height and
        // the width follow it.
        let sof = 11;
        let mut zero_width = jpeg.clone();
        zero_width[sof + 5..sof + 7].copy_from_slice(&[0, 0]);
        let mut bad_precision = jpeg.clone();
        bad_precision[sof + 2] = 7;
        let mut long_segment = jpeg.clone();
        long_segment[sof..sof + 2].copy_from_slice(&[0x7f, 0xff]);
        let scan_only = [&jpeg[..sof - 3], &jpeg[end - 14..]].concat();
        let no_coded_data = [&jpeg[..end - 4], &b"\xff\xd9"[..]].concat();
        for (name, bytes) in [
            ("two components", jpeg_with(2)),
            ("no end of image (truncated)", jpeg[..end - 2].to_vec()),
            ("cut inside the scan header", jpeg[..end - 8].to_vec()),
            ("cut inside the frame", jpeg[..sof + 5].to_vec()),
            ("zero width", zero_width),
            ("precision 7", bad_precision),
            ("a segment longer than the file", long_segment),
            ("a scan before any frame", scan_only),
            ("no coded data", no_coded_data),
            (
                "a scan header and nothing else",
                b"\xff\xd8\xff\xda\x00\x02".to_vec(),
            ),
            (
                "a zero-length segment",
                b"\xff\xd8\xff\xe0\x00\x00".to_vec(),
            ),
            ("only the start", b"\xff\xd8\xff".to_vec()),
        ] {
            assert_eq!(jpeg_frame(&bytes), None, "{name}");
        }
    }

    #[test]
    fn svg_with_anything_that_runs_is_found() {
        let clean = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><text x=\"1\" font=\"a\">Click on = here</text></svg>";
        assert_eq!(svg_active_content(clean), None);
        for (svg, what) in [
            (&b"<svg><SCRIPT>alert(1)</SCRIPT></svg>"[..], "a <script>"),
            (b"<svg onload=\"alert(1)\"/>", "an event handler (on…=)"),
            (
                b"<svg>\n<rect\n  onClick = 'x'/></svg>",
                "an event handler (on…=)",
            ),
            (
                b"<svg><foreignObject><p>x</p></foreignObject></svg>",
                "a <foreignObject>",
            ),
            (
                b"<svg><a href=\"JavaScript:alert(1)\">x</a></svg>",
                "a javascript: address",
            ),
            (
                b"<!DOCTYPE svg [<!ENTITY a \"aaaa\">]><svg>&a;</svg>",
                "an entity declaration",
            ),
        ] {
            assert_eq!(
                svg_active_content(svg),
                Some(what),
                "{}",
                String::from_utf8_lossy(svg)
            );
        }
    }

    #[test]
    fn gif_and_webp_sizes() {
        assert_eq!(
            size("image/gif", b"GIF89a\x10\x00\x20\x00"),
            Some(Size {
                width: 16,
                height: 32
            })
        );
        assert_eq!(size("image/gif", b"GIF89a\x00\x00\x20\x00"), None);
        let mut lossless = b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f".to_vec();
        lossless.extend((9u32 | (4 << 14)).to_le_bytes());
        assert_eq!(
            size("image/webp", &lossless),
            Some(Size {
                width: 10,
                height: 5
            })
        );
        let extended = b"RIFF\0\0\0\0WEBPVP8X\0\0\0\0\0\0\0\0\x1f\x4e\0\x1f\x4e\0";
        assert_eq!(
            size("image/webp", extended),
            Some(Size {
                width: 20_000,
                height: 20_000
            })
        );
        assert_eq!(size("image/svg+xml", b"<svg/>"), None);
    }
}
