//! The reading pack: what it holds, that its manifest tells the truth, and
//! that a rebuild gives the same bytes.

mod common;

use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;

/// Builds the sample book with the CLI into `out` and returns the pack's bytes.
fn build_pack(out: &Path) -> Vec<u8> {
    let status = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(["build", "--quiet", "--out"])
        .arg(out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SOURCE_DATE_EPOCH", "1764028800")
        .status()
        .expect("bindery runs");
    assert!(status.success());
    let name = "european-resistance-to-us-russian-plans-for-ukraine-reading-pack.zip";
    std::fs::read(out.join(name)).expect("the pack is written")
}

#[test]
fn the_manifest_lists_every_file_with_its_true_checksum() {
    let out = tempfile::tempdir().unwrap();
    let files = common::unzip(&build_pack(out.path()));
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let stem = "european-resistance-to-us-russian-plans-for-ukraine";
    assert_eq!(
        names,
        [
            "README.txt",
            "cover.png",
            &format!("{stem}.epub"),
            &format!("{stem}.pdf"),
            "manifest.json"
        ]
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&files.last().unwrap().1).expect("JSON");
    assert_eq!(manifest["schema"], "bindery-reading-pack/1");
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(listed.len(), files.len() - 1);
    for entry in listed {
        let path = entry["path"].as_str().unwrap();
        let (_, bytes) = files.iter().find(|(n, _)| n == path).unwrap();
        let digest: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(entry["sha256"], digest, "{path}");
        assert_eq!(entry["size"], bytes.len(), "{path}");
        // The packed EPUB and PDF are the ones written beside the pack.
        if path.ends_with(".epub") || path.ends_with(".pdf") {
            assert_eq!(&std::fs::read(out.path().join(path)).unwrap(), bytes);
        }
    }
    assert_eq!(manifest["pdf"]["width_pt"], 432.0);
    assert!(manifest["words"].as_u64().unwrap() > 1300);
    let contents = manifest["contents"].as_array().unwrap();
    assert_eq!(contents.len(), 11);
    // Every entry knows its PDF page; the essay opens the body on page 1.
    assert!(
        contents.iter().all(|c| c["pdf_page"].is_string()),
        "{contents:?}"
    );
    assert_eq!(contents[0]["pdf_page"], "1");
}

#[test]
fn the_cover_is_large_enough_for_stores() {
    let out = tempfile::tempdir().unwrap();
    let files = common::unzip(&build_pack(out.path()));
    let (_, png) = files.iter().find(|(n, _)| n == "cover.png").unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert!(width >= 1600 && height >= 2560, "{width}×{height}");
}

#[test]
fn rebuilding_gives_a_byte_identical_pack() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    assert!(build_pack(first.path()) == build_pack(second.path()));
}
