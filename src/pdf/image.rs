//! Images for the PDF: a JPEG goes in as it is (PDF's DCTDecode reads it),
//! a PNG is decoded to 8-bit grey or RGB samples with its alpha channel
//! split off as a soft mask; the writer turns either into image XObjects.
//! Other formats, and files that do not decode, are refused with a reason
//! the layout reports where the image is used.

use crate::image::{Size, jpeg_frame};
use crate::load::Asset;
use crate::pdf::conform::{Colours, luma};
use png::{ColorType, Transformations};
use std::io::Cursor;

/// An image ready to be written into the PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// Width and height in pixels.
    pub size: Size,
    /// The samples and how they are stored.
    pub samples: Samples,
}

/// An image's samples as the PDF stores them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Samples {
    /// A JPEG file as it is, for DCTDecode.
    Jpeg {
        /// The file's bytes.
        bytes: Vec<u8>,
        /// Colour components: 1 grey, 3 RGB, 4 CMYK.
        components: u8,
        /// Whether CMYK samples are stored inverted (Adobe's JPEGs).
        inverted: bool,
    },
    /// Decoded 8-bit samples, row after row.
    Raw {
        /// The colour samples, `components` bytes a pixel.
        colour: Vec<u8>,
        /// Colour components: 1 grey or 3 RGB.
        components: u8,
        /// The alpha channel, a byte a pixel, when the image has one that
        /// is not fully opaque.
        alpha: Option<Vec<u8>>,
    },
}

/// Prepares an image the loader read for the PDF, or says why it cannot go in.
pub fn picture(asset: &Asset) -> Result<Picture, String> {
    match asset.media_type {
        "image/jpeg" => jpeg(&asset.bytes),
        "image/png" => png(&asset.bytes),
        "image/gif" => Err("GIF images are not placed in the PDF".to_string()),
        "image/webp" => Err("WebP images are not placed in the PDF".to_string()),
        "image/svg+xml" => Err("SVG images are not placed in the PDF".to_string()),
        other => Err(format!("{other} images are not placed in the PDF")),
    }
}

fn jpeg(bytes: &[u8]) -> Result<Picture, String> {
    // The loader refuses damaged JPEGs, and `jpeg_frame` sees to it that
    // the frame has 1, 3 or 4 components.
    let frame = jpeg_frame(bytes).ok_or("the JPEG is damaged")?;
    if frame.precision != 8 {
        return Err(format!(
            "the JPEG has {}-bit samples; PDF readers take 8-bit ones",
            frame.precision
        ));
    }
    Ok(Picture {
        size: frame.size,
        samples: Samples::Jpeg {
            bytes: bytes.to_vec(),
            components: frame.components,
            inverted: frame.adobe && frame.components == 4,
        },
    })
}

/// Decodes a PNG: palettes and low bit depths expanded, 16-bit samples cut
/// to 8 (print needs no more), transparency made an alpha channel.
fn png(bytes: &[u8]) -> Result<Picture, String> {
    let damaged = |e: png::DecodingError| format!("the PNG cannot be decoded: {e}");
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(damaged)?;
    let length = reader
        .output_buffer_size()
        .ok_or("the PNG is too large to decode")?;
    let mut buffer = vec![0; length];
    let info = reader.next_frame(&mut buffer).map_err(damaged)?;
    buffer.truncate(info.buffer_size());
    let size = Size {
        width: info.width,
        height: info.height,
    };
    let (components, with_alpha) = match info.color_type {
        ColorType::Grayscale => (1, false),
        ColorType::GrayscaleAlpha => (1, true),
        ColorType::Rgb => (3, false),
        ColorType::Rgba => (3, true),
        // EXPAND turns palettes into RGB; a palette left means a decoder change.
        ColorType::Indexed => return Err("the PNG's palette could not be expanded".to_string()),
    };
    // Rows are whole bytes after expansion to 8 bits, so no padding remains.
    let samples = if with_alpha {
        let stride = usize::from(components) + 1;
        let mut colour = Vec::with_capacity(buffer.len() / stride * usize::from(components));
        let mut alpha = Vec::with_capacity(buffer.len() / stride);
        for pixel in buffer.chunks_exact(stride) {
            colour.extend_from_slice(&pixel[..stride - 1]);
            alpha.push(pixel[stride - 1]);
        }
        // A mask that hides nothing only costs bytes.
        let alpha = alpha.iter().any(|a| *a != 255).then_some(alpha);
        Samples::Raw {
            colour,
            components,
            alpha,
        }
    } else {
        Samples::Raw {
            colour: buffer,
            components,
            alpha: None,
        }
    };
    Ok(Picture { size, samples })
}

/// The image XObject for a picture, and its soft mask when it has one;
/// decoded colour samples become grey for a grey intent. The decoded
/// samples are left unfiltered: the writer compresses every unfiltered
/// stream.
pub fn xobject(picture: &Picture, colours: Colours) -> (lopdf::Stream, Option<lopdf::Stream>) {
    use lopdf::{Dictionary, Object, Stream};
    let base = |components: u8| {
        let colour_space = match components {
            1 => "DeviceGray",
            4 => "DeviceCMYK",
            _ => "DeviceRGB",
        };
        Dictionary::from_iter([
            ("Type", Object::Name(b"XObject".to_vec())),
            ("Subtype", Object::Name(b"Image".to_vec())),
            ("Width", Object::Integer(i64::from(picture.size.width))),
            ("Height", Object::Integer(i64::from(picture.size.height))),
            ("ColorSpace", Object::Name(colour_space.as_bytes().to_vec())),
            ("BitsPerComponent", Object::Integer(8)),
        ])
    };
    match &picture.samples {
        Samples::Jpeg {
            bytes,
            components,
            inverted,
        } => {
            let mut dict = base(*components);
            dict.set("Filter", Object::Name(b"DCTDecode".to_vec()));
            if *inverted {
                let decode = [1, 0].repeat(4).into_iter().map(Object::Integer).collect();
                dict.set("Decode", Object::Array(decode));
            }
            (Stream::new(dict, bytes.clone()), None)
        }
        Samples::Raw {
            colour,
            components: 3,
            alpha,
        } if colours == Colours::Gray => {
            let gray = colour
                .chunks_exact(3)
                .map(|rgb| luma([rgb[0], rgb[1], rgb[2]]))
                .collect();
            let image = Stream::new(base(1), gray);
            let mask = alpha
                .as_ref()
                .map(|alpha| Stream::new(base(1), alpha.clone()));
            (image, mask)
        }
        Samples::Raw {
            colour,
            components,
            alpha,
        } => {
            let image = Stream::new(base(*components), colour.clone());
            let mask = alpha
                .as_ref()
                .map(|alpha| Stream::new(base(1), alpha.clone()));
            (image, mask)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes a PNG of `width` × `height` pixels from its raw samples.
    fn encode(
        width: u32,
        height: u32,
        colour: ColorType,
        depth: png::BitDepth,
        data: &[u8],
    ) -> Vec<u8> {
        encode_with(width, height, colour, depth, data, |_| {})
    }

    fn encode_with(
        width: u32,
        height: u32,
        colour: ColorType,
        depth: png::BitDepth,
        data: &[u8],
        extra: impl FnOnce(&mut png::Encoder<'_, &mut Vec<u8>>),
    ) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, width, height);
            encoder.set_color(colour);
            encoder.set_depth(depth);
            extra(&mut encoder);
            let mut writer = encoder.write_header().unwrap();
            writer.write_image_data(data).unwrap();
        }
        out
    }

    fn asset(media_type: &'static str, bytes: Vec<u8>) -> Asset {
        Asset { media_type, bytes }
    }

    #[test]
    fn rgba_pngs_split_into_colour_and_a_soft_mask() {
        let data = [255, 0, 0, 255, 0, 0, 255, 128];
        let png = encode(2, 1, ColorType::Rgba, png::BitDepth::Eight, &data);
        let picture = super::picture(&asset("image/png", png)).unwrap();
        assert_eq!(
            picture.samples,
            Samples::Raw {
                colour: vec![255, 0, 0, 0, 0, 255],
                components: 3,
                alpha: Some(vec![255, 128]),
            }
        );
        let (image, mask) = xobject(&picture, Colours::AsGiven);
        assert_eq!(
            image.dict.get(b"ColorSpace").unwrap().as_name().unwrap(),
            b"DeviceRGB"
        );
        assert!(mask.is_some());
        // For a grey intent the colour becomes grey; the mask stays.
        let (image, mask) = xobject(&picture, Colours::Gray);
        assert_eq!(
            image.dict.get(b"ColorSpace").unwrap().as_name().unwrap(),
            b"DeviceGray"
        );
        assert_eq!(image.content, [luma([255, 0, 0]), luma([0, 0, 255])]);
        assert!(mask.is_some());
    }

    #[test]
    fn opaque_alpha_needs_no_mask() {
        let png = encode(
            1,
            1,
            ColorType::GrayscaleAlpha,
            png::BitDepth::Eight,
            &[7, 255],
        );
        let picture = super::picture(&asset("image/png", png)).unwrap();
        assert_eq!(
            picture.samples,
            Samples::Raw {
                colour: vec![7],
                components: 1,
                alpha: None,
            }
        );
    }

    #[test]
    fn sixteen_bit_and_palette_pngs_become_8_bit_samples() {
        let png = encode(
            1,
            1,
            ColorType::Rgb,
            png::BitDepth::Sixteen,
            &[0x12, 0x34, 0, 0, 0xff, 0xff],
        );
        let picture = super::picture(&asset("image/png", png)).unwrap();
        assert!(
            matches!(picture.samples, Samples::Raw { ref colour, .. } if colour == &[0x12, 0, 0xff])
        );
        let png = encode_with(
            4,
            1,
            ColorType::Indexed,
            png::BitDepth::Two,
            &[0b0001_1011],
            |e| {
                e.set_palette(vec![0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255]);
                e.set_trns(vec![255, 255, 255, 0]);
            },
        );
        let picture = super::picture(&asset("image/png", png)).unwrap();
        assert_eq!(
            picture.samples,
            Samples::Raw {
                colour: vec![0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255],
                components: 3,
                alpha: Some(vec![255, 255, 255, 0]),
            }
        );
        assert_eq!(
            picture.size,
            Size {
                width: 4,
                height: 1
            }
        );
    }

    #[test]
    fn jpegs_pass_through_and_other_files_are_refused_with_a_reason() {
        // An Adobe CMYK JPEG's structure: APP14, a frame of four
        // components, a scan with two bytes of coded data, the end.
        let jpeg = b"\xff\xd8\xff\xee\x00\x07Adobe\xff\xc0\x00\x14\x08\x00\x02\x00\x03\x04\
                     \x01\x11\x00\x02\x11\x00\x03\x11\x00\x04\x11\x00\
                     \xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x12\x34\xff\xd9"
            .to_vec();
        let picture = super::picture(&asset("image/jpeg", jpeg.clone())).unwrap();
        assert_eq!(
            picture.samples,
            Samples::Jpeg {
                bytes: jpeg,
                components: 4,
                inverted: true
            }
        );
        let (image, mask) = xobject(&picture, Colours::AsGiven);
        assert_eq!(
            image.dict.get(b"Filter").unwrap().as_name().unwrap(),
            b"DCTDecode"
        );
        assert!(image.dict.get(b"Decode").is_ok() && mask.is_none());
        let twelve = b"\xff\xd8\xff\xc0\x00\x0b\x0c\x00\x02\x00\x03\x01\x01\x11\x00\
                       \xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x12\x34\xff\xd9"
            .to_vec();
        assert!(
            super::picture(&asset("image/jpeg", twelve))
                .unwrap_err()
                .contains("12-bit")
        );
        assert!(
            super::picture(&asset("image/gif", b"GIF89a".to_vec()))
                .unwrap_err()
                .contains("GIF")
        );
        let mut broken = encode(2, 2, ColorType::Rgb, png::BitDepth::Eight, &[9; 12]);
        let length = broken.len();
        broken.truncate(length - 20);
        assert!(
            super::picture(&asset("image/png", broken))
                .unwrap_err()
                .contains("cannot be decoded")
        );
    }
}
