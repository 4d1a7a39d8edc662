//! The cache's folder, `<out>/.bindery-cache/`: the chapter layouts of the
//! last build (see [`crate::pdf::layout::cache`]), one file each, the
//! bytes it deflated and drew in one file, [`STORE`] (see
//! [`crate::store`]), and a `.gitignore` that keeps the folder out of
//! version control.
//!
//! The cache is not an output: it is written beside the outputs, each file
//! to a temporary file renamed into place, so a reader never sees half a
//! file, and a failure to write it costs the next build time, never its
//! bytes. What is read back is checked before it is used.

use crate::error::Error;
use crate::pdf::layout::cache::{Cache, Entry};
use crate::store::Store;
use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The cache's folder inside the output folder.
pub const FOLDER: &str = ".bindery-cache";

/// How an entry's file name ends.
const SUFFIX: &str = ".layout";

/// The largest entry read: a chapter's layout takes a few megabytes.
const MAX_ENTRY: u64 = 256 << 20;

/// The store's file in the folder.
pub const STORE: &str = "store.bin";

/// The largest store read: it holds about what the outputs weigh.
const MAX_STORE: u64 = 2 << 30;

/// What the last build kept, for this one: the chapter layouts, and the
/// store of what it deflated and drew.
#[derive(Debug)]
pub struct Kept {
    /// The chapter layouts, by file name; `None` lays out every chapter
    /// and keeps none.
    pub layouts: Option<Cache>,
    /// The deflated streams and the cover.
    pub store: Store,
}

impl Kept {
    /// Nothing kept, and nothing to keep: a clean build (`--no-cache`).
    pub fn none() -> Kept {
        Kept {
            layouts: None,
            store: Store::off(),
        }
    }
}

/// What the last build kept in the cache folder `dir` (see [`read`]).
pub fn kept(dir: &Path) -> Kept {
    let path = dir.join(STORE);
    let sound = is_folder(dir)
        && fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= MAX_STORE);
    let store = match sound.then(|| fs::read(&path)) {
        Some(Ok(bytes)) => Store::read(bytes),
        _ => Store::empty(),
    };
    Kept {
        layouts: Some(read(dir)),
        store,
    }
}

/// The cache folder of the output folder `out`.
pub fn folder(out: &Path) -> PathBuf {
    out.join(FOLDER)
}

/// The entries in the cache folder `dir`, by file name: each regular file
/// named like an entry. A folder that is missing or cannot be read is an
/// empty cache, and a file that cannot be read is left out.
pub fn read(dir: &Path) -> Cache {
    let mut cache = Cache::new();
    if !is_folder(dir) {
        return cache;
    }
    let Ok(files) = fs::read_dir(dir) else {
        return cache;
    };
    for file in files.flatten() {
        let Ok(name) = file.file_name().into_string() else {
            continue;
        };
        // Not followed through a link, and never a FIFO's wait.
        let regular = file
            .metadata()
            .is_ok_and(|m| m.is_file() && m.len() <= MAX_ENTRY);
        if name.ends_with(SUFFIX)
            && regular
            && let Ok(bytes) = fs::read(file.path())
        {
            cache.insert(name, bytes);
        }
    }
    cache
}

/// Writes into the cache folder `dir` the entries of `entries` that have
/// bytes (the chapters laid out anew), and removes every other entry, so
/// the folder holds the last build's entries only; and the store's file,
/// when `store` holds other entries than it read.
pub fn write(dir: &Path, entries: &[Entry], store: &Store) -> Result<(), Error> {
    if !is_folder(dir) {
        // The output folder may not be made yet: the outputs are written
        // beside the cache. The cache folder itself is made, never a link
        // to one followed.
        if let Some(out) = dir.parent().filter(|out| !out.as_os_str().is_empty()) {
            fs::create_dir_all(out).map_err(|e| Error::io("create the output folder", out, &e))?;
        }
        fs::create_dir(dir).map_err(|e| Error::io("create the cache folder", dir, &e))?;
    }
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        fs::write(&ignore, "*\n").map_err(|e| Error::io("write the cache", &ignore, &e))?;
    }
    let put = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        let put = || -> std::io::Result<()> {
            let mut temp = tempfile::Builder::new()
                .prefix(".bindery-")
                .suffix(".partial")
                .tempfile_in(dir)?;
            temp.write_all(bytes)?;
            temp.persist(&path)?;
            Ok(())
        };
        put().map_err(|e| Error::io("write the cache", &path, &e))
    };
    for entry in entries {
        if let Some(bytes) = &entry.bytes {
            put(&entry.name, bytes)?;
        }
    }
    if let Some(bytes) = store.kept() {
        put(STORE, &bytes)?;
    }
    let kept: BTreeSet<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    let files = fs::read_dir(dir).map_err(|e| Error::io("read the cache folder", dir, &e))?;
    for file in files.flatten() {
        let name = file.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(SUFFIX) && !kept.contains(&*name) {
            let path = file.path();
            fs::remove_file(&path).map_err(|e| Error::io("clear the cache", &path, &e))?;
        }
    }
    Ok(())
}

/// Whether `dir` is a folder, not a link to one: the cache never writes or
/// clears a folder elsewhere.
fn is_folder(dir: &Path) -> bool {
    fs::symlink_metadata(dir).is_ok_and(|meta| meta.is_dir())
}
