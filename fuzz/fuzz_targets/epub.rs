//! Fuzz target: any bytes as a chapter (and as the FAQ) of a small fixed
//! book, through the whole EPUB backend in memory; see `backends::epub` for
//! what is checked beyond "no panic".

#![no_main]

// Each target uses one of the shared checks.
#[allow(dead_code)]
mod backends;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| backends::epub(data));
