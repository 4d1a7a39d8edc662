//! Fuzz target: any bytes (up to 16 KiB) as a chapter (and as the FAQ) of a
//! small fixed book, typeset into a PDF in memory with the built-in fonts;
//! see `backends::pdf` for what is checked beyond "no panic".

#![no_main]

// Each target uses one of the shared checks.
#[allow(dead_code)]
mod backends;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| backends::pdf(data));
