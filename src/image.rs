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

/// Walks a JPEG's marker segments to the first start-of-frame.
pub fn jpeg_frame(bytes: &[u8]) -> Option<JpegFrame> {
    let mut adobe = false;
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
            // Start of scan or end of image before any frame: damaged.
            0xd9 | 0xda => return None,
            // Start of frame, except DHT (C4), JPG (C8) and DAC (CC).
            0xc0..=0xcf if !matches!(marker, 0xc4 | 0xc8 | 0xcc) => {
                return Some(JpegFrame {
                    size: Size {
                        width: be16(bytes, at + 7)?,
                        height: be16(bytes, at + 5)?,
                    },
                    precision: *bytes.get(at + 4)?,
                    components: *bytes.get(at + 9)?,
                    adobe,
                });
            }
            _ => {
                let length = usize::try_from(be16(bytes, at + 2)?).ok()?;
                if length < 2 {
                    return None;
                }
                if marker == 0xee && bytes.get(at + 4..at + 9) == Some(b"Adobe") {
                    adobe = true;
                }
                at += 2 + length;
            }
        }
    }
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

    #[test]
    fn jpeg_sizes_come_from_the_first_frame() {
        // SOI, an APP0 segment of length 4, fill bytes, then SOF0.
        let jpeg = b"\xff\xd8\xff\xe0\x00\x04JF\xff\xff\xc0\x00\x11\x08\x01\x2c\x02\x58\x03";
        assert_eq!(
            size("image/jpeg", jpeg),
            Some(Size {
                width: 600,
                height: 300
            })
        );
        let frame = jpeg_frame(jpeg).unwrap();
        assert_eq!(
            (frame.precision, frame.components, frame.adobe),
            (8, 3, false)
        );
        assert_eq!(size("image/jpeg", b"\xff\xd8\xff\xda\x00\x02"), None);
        assert_eq!(size("image/jpeg", b"\xff\xd8\xff\xe0\x00\x00"), None);
        assert_eq!(size("image/jpeg", b"\xff\xd8\xff"), None);
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
