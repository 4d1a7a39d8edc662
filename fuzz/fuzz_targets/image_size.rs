//! Fuzz target: any bytes as an image file, through media-type sniffing and
//! the header reader that finds the declared size, which must never panic.

#![no_main]

use bindery::image;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(media_type) = bindery::load::media_type(data)
        && let Some(size) = image::size(media_type, data)
    {
        assert!(size.width > 0 && size.height > 0);
    }
    // Every reader also meets bytes that are not its format.
    for media_type in ["image/png", "image/jpeg", "image/gif", "image/webp"] {
        std::hint::black_box(image::size(media_type, data));
    }
});
