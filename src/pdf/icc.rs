//! The two ICC profiles the PDF standards need, written by bindery from
//! their definitions, so no one else's profile (and licence) is shipped.
//!
//! Both are version 2.1 profiles (ICC.1:1998-09), which every PDF reader
//! and RIP reads, with the XYZ connection space and the D50 illuminant:
//!
//! - [`gray`], a monochrome output (`prtr`) profile: `desc`, `cprt`,
//!   `wtpt` (D50) and a `kTRC` (`grayTRCTag`) of gamma 2.2, the printing
//!   condition of a black-and-white interior (PDF/X-4's output intent);
//! - [`srgb`], a matrix/TRC display (`mntr`) profile of IEC 61966-2-1:
//!   the sRGB primaries adapted to D50 with the Bradford transform, and the
//!   sRGB curve (a linear toe, then a 2.4 power) sampled at 1,024 points
//!   (PDF/A's output intent, and the colour space of colour JPEGs).

/// The connection space's illuminant and the media white point: D50.
const D50: [f64; 3] = [0.9642, 1.0, 0.8249];

/// The sRGB primaries' XYZ, adapted from D65 to D50 (Bradford), as the
/// red, green and blue columns of the matrix.
const SRGB_PRIMARIES: [[f64; 3]; 3] = [
    [0.436_074_7, 0.222_504_5, 0.013_932_2],
    [0.385_064_9, 0.716_878_6, 0.097_104_5],
    [0.143_080_4, 0.060_616_9, 0.714_173_3],
];

/// A monochrome output profile: grey ink from 0 (black) to 1 (paper
/// white) with gamma 2.2.
pub fn gray() -> Vec<u8> {
    profile(
        *b"prtr",
        *b"GRAY",
        &[
            (*b"desc", description("bindery Gray gamma 2.2")),
            (
                *b"cprt",
                text("No copyright: written by bindery, free to use"),
            ),
            (*b"wtpt", xyz(D50)),
            (*b"kTRC", gamma(2.2)),
        ],
    )
}

/// An sRGB profile (IEC 61966-2-1), matrix and curves.
pub fn srgb() -> Vec<u8> {
    let curve = srgb_curve();
    profile(
        *b"mntr",
        *b"RGB ",
        &[
            (*b"desc", description("bindery sRGB IEC61966-2.1")),
            (
                *b"cprt",
                text("No copyright: written by bindery, free to use"),
            ),
            (*b"wtpt", xyz(D50)),
            (*b"rXYZ", xyz(SRGB_PRIMARIES[0])),
            (*b"gXYZ", xyz(SRGB_PRIMARIES[1])),
            (*b"bXYZ", xyz(SRGB_PRIMARIES[2])),
            (*b"rTRC", curve.clone()),
            (*b"gTRC", curve.clone()),
            (*b"bTRC", curve),
        ],
    )
}

/// The profile's bytes: the 128-byte header, the tag table, then each
/// tag's data on a four-byte boundary.
fn profile(class: [u8; 4], space: [u8; 4], tags: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut out = vec![0u8; 128];
    out.extend(u32_be(tags.len()));
    let table = out.len();
    out.resize(table + 12 * tags.len(), 0);
    for (i, (signature, data)) in tags.iter().enumerate() {
        while !out.len().is_multiple_of(4) {
            out.push(0);
        }
        let entry = table + 12 * i;
        out[entry..entry + 4].copy_from_slice(signature);
        let offset = u32_be(out.len());
        out[entry + 4..entry + 8].copy_from_slice(&offset);
        out[entry + 8..entry + 12].copy_from_slice(&u32_be(data.len()));
        out.extend_from_slice(data);
    }
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
    let size = u32_be(out.len());
    out[0..4].copy_from_slice(&size);
    out[8..12].copy_from_slice(&[2, 0x10, 0, 0]);
    out[12..16].copy_from_slice(&class);
    out[16..20].copy_from_slice(&space);
    out[20..24].copy_from_slice(b"XYZ ");
    // A fixed creation date, so the same book gives the same bytes.
    for (i, part) in [2026u16, 1, 1, 0, 0, 0].into_iter().enumerate() {
        out[24 + 2 * i..26 + 2 * i].copy_from_slice(&part.to_be_bytes());
    }
    out[36..40].copy_from_slice(b"acsp");
    let illuminant: Vec<u8> = D50.iter().flat_map(|v| s15_fixed16(*v)).collect();
    out[68..80].copy_from_slice(&illuminant);
    out
}

fn u32_be(value: usize) -> [u8; 4] {
    u32::try_from(value).unwrap_or(u32::MAX).to_be_bytes()
}

/// ICC's signed 15.16 fixed-point number.
fn s15_fixed16(value: f64) -> [u8; 4] {
    ((value * 65536.0).round() as i32).to_be_bytes()
}

/// An `XYZType` of one colour.
fn xyz(value: [f64; 3]) -> Vec<u8> {
    let mut out = b"XYZ \0\0\0\0".to_vec();
    for v in value {
        out.extend(s15_fixed16(v));
    }
    out
}

/// A `textType`: ASCII ending in a zero byte.
fn text(value: &str) -> Vec<u8> {
    let mut out = b"text\0\0\0\0".to_vec();
    out.extend_from_slice(value.as_bytes());
    out.push(0);
    out
}

/// A version 2 `textDescriptionType`: the ASCII name, with empty Unicode
/// and ScriptCode names.
fn description(value: &str) -> Vec<u8> {
    let mut out = b"desc\0\0\0\0".to_vec();
    out.extend(u32_be(value.len() + 1));
    out.extend_from_slice(value.as_bytes());
    out.push(0);
    // Unicode language and count, ScriptCode code and count, and its 67
    // bytes of name.
    out.extend([0; 8]);
    out.extend([0; 3]);
    out.extend([0; 67]);
    out
}

/// A `curveType` of one gamma value (u8Fixed8).
fn gamma(value: f64) -> Vec<u8> {
    let mut out = b"curv\0\0\0\0".to_vec();
    out.extend(1u32.to_be_bytes());
    out.extend(((value * 256.0).round() as u16).to_be_bytes());
    out
}

/// The sRGB curve as a `curveType` of 1,024 samples.
fn srgb_curve() -> Vec<u8> {
    const SAMPLES: u32 = 1024;
    let mut out = b"curv\0\0\0\0".to_vec();
    out.extend(SAMPLES.to_be_bytes());
    for i in 0..SAMPLES {
        let v = f64::from(i) / f64::from(SAMPLES - 1);
        let linear = if v <= 0.040_45 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        };
        out.extend(((linear * 65535.0).round() as u16).to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tag table of a profile: signature, offset and size.
    fn tags(profile: &[u8]) -> Vec<([u8; 4], usize, usize)> {
        let word = |at: usize| u32::from_be_bytes(profile[at..at + 4].try_into().unwrap()) as usize;
        (0..word(128))
            .map(|i| {
                let at = 132 + 12 * i;
                let signature = profile[at..at + 4].try_into().unwrap();
                (signature, word(at + 4), word(at + 8))
            })
            .collect()
    }

    #[test]
    fn profiles_have_a_valid_header_and_their_tags_inside() {
        for (profile, class, space, count) in
            [(gray(), b"prtr", b"GRAY", 4), (srgb(), b"mntr", b"RGB ", 9)]
        {
            let size = u32::from_be_bytes(profile[0..4].try_into().unwrap()) as usize;
            assert_eq!(size, profile.len());
            assert_eq!(&profile[12..16], class);
            assert_eq!(&profile[16..20], space);
            assert_eq!(&profile[36..40], b"acsp");
            let tags = tags(&profile);
            assert_eq!(tags.len(), count);
            for (signature, offset, size) in tags {
                assert_eq!(offset % 4, 0);
                assert!(offset + size <= profile.len());
                let kind = &profile[offset..offset + 4];
                let expected: &[u8] = match &signature {
                    b"desc" => b"desc",
                    b"cprt" => b"text",
                    b"kTRC" | b"rTRC" | b"gTRC" | b"bTRC" => b"curv",
                    _ => b"XYZ ",
                };
                assert_eq!(kind, expected);
            }
        }
    }

    #[test]
    fn the_srgb_primaries_add_up_to_the_d50_white() {
        for axis in 0..3 {
            let sum: f64 = SRGB_PRIMARIES.iter().map(|p| p[axis]).sum();
            assert!((sum - D50[axis]).abs() < 1e-3, "{axis}: {sum}");
        }
    }
}
