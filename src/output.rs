//! Writing outputs safely: all the outputs of a command, or none of them.
//!
//! Each output is written to a new temporary file beside its target, made
//! with an unpredictable name and never through a link (`O_EXCL`), and the
//! temporary files are renamed over the targets once every one is written.
//! A rename replaces whatever has the target's name (a link is replaced,
//! never followed), and what was there is kept aside until the whole set is
//! in place, so that a failure puts every earlier output back as it was.

pub mod cache;

use crate::error::{Error, Place};
use std::fs::{self, Permissions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use tempfile::{Builder, NamedTempFile, TempPath};

/// Writes each `(path, bytes)` of `files`, creating their folders if
/// needed: either every file is written, or none is and every earlier file
/// at those paths is left as it was.
pub fn write_all(files: &[(&Path, &[u8])]) -> Result<(), Error> {
    // Dropping a temporary file removes it, so an early return leaves
    // nothing behind.
    // Each file is written alone, on the build's threads.
    let written = crate::workers::map(files, |&(path, bytes)| stage(path, bytes));
    let mut staged = Vec::with_capacity(files.len());
    for (&(path, _), temp) in files.iter().zip(written) {
        staged.push((path, temp?));
    }
    let mut replaced = Vec::with_capacity(files.len());
    for (path, temp) in staged {
        match install(path, temp) {
            Ok(earlier) => replaced.push((path, earlier)),
            Err(err) => return Err(restore(replaced, err)),
        }
    }
    // The earlier outputs kept aside are removed as they drop.
    Ok(())
}

/// The folder a file goes in.
fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Names for temporary files: a dot (hidden), then an unpredictable part.
fn temporary(suffix: &'static str) -> Builder<'static, 'static> {
    let mut builder = Builder::new();
    builder.prefix(".bindery-").suffix(suffix);
    builder
}

/// Writes `bytes` to a new temporary file beside `path`.
fn stage(path: &Path, bytes: &[u8]) -> Result<NamedTempFile, Error> {
    let dir = folder(path);
    if dir.exists() && !dir.is_dir() {
        return Err(Error::new(
            "not-a-folder",
            Some(Place::file(dir)),
            "the output folder is a file, not a folder",
        )
        .with_hint("choose another folder with --out, or move the file away"));
    }
    fs::create_dir_all(dir).map_err(|e| Error::io("create the output folder", dir, &e))?;
    let write = || -> std::io::Result<NamedTempFile> {
        // As a new file is made: readable by all unless the umask says otherwise.
        let mut temp = temporary(".partial")
            .permissions(Permissions::from_mode(0o666))
            .tempfile_in(dir)?;
        temp.write_all(bytes)?;
        temp.as_file().sync_all()?;
        Ok(temp)
    };
    write().map_err(|e| Error::io("write the output", path, &e))
}

/// Renames `temp` over `path`, and returns what had that name, kept aside
/// under a temporary name of its own.
fn install(path: &Path, temp: NamedTempFile) -> Result<Option<TempPath>, Error> {
    let earlier = keep_aside(path)?;
    temp.persist(path)
        .map_err(|e| Error::io("move the output into place", path, &e.error))?;
    Ok(earlier)
}

/// A second name for what is at `path` (a file, a link, a FIFO…), so that
/// it survives being replaced: a hard link, else a copy of a file.
fn keep_aside(path: &Path) -> Result<Option<TempPath>, Error> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("replace the earlier output", path, &e)),
    };
    if meta.is_dir() {
        return Err(Error::new(
            "not-a-file",
            Some(Place::file(path)),
            "a folder has the output's name",
        )
        .with_hint("move the folder away, or choose another folder with --out"));
    }
    let dir = folder(path);
    let kept = match temporary(".old").make_in(dir, |name| fs::hard_link(path, name)) {
        Ok(link) => link.into_temp_path(),
        // Some file systems have no hard links, and an immutable file
        // refuses them; a copy is as good, and the rename then tells.
        Err(_) if meta.is_file() => {
            let copy = || -> std::io::Result<TempPath> {
                let mut copy = temporary(".old").tempfile_in(dir)?;
                // The file was a regular one a moment ago; should it have
                // been replaced since, this neither follows a link nor
                // waits for a FIFO's writer.
                let mut earlier = fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                    .open(path)?;
                std::io::copy(&mut earlier, copy.as_file_mut())?;
                copy.as_file().set_permissions(meta.permissions())?;
                Ok(copy.into_temp_path())
            };
            copy().map_err(|e| Error::io("keep the earlier output aside", path, &e))?
        }
        Err(e) => return Err(Error::io("keep the earlier output aside", path, &e)),
    };
    Ok(Some(kept))
}

/// Undoes the renames done so far, last first, after `err`: an earlier
/// output is put back, a new one removed. Returns `err`, with a hint naming
/// any file that could not be put back.
fn restore(replaced: Vec<(&Path, Option<TempPath>)>, err: Error) -> Error {
    let mut stranded = Vec::new();
    for (path, earlier) in replaced.into_iter().rev() {
        match earlier {
            Some(earlier) => {
                if let Err(failed) = earlier.persist(path) {
                    // Keep it rather than lose the earlier output.
                    let name = failed.path.keep().map_or_else(
                        |e| e.path.display().to_string(),
                        |kept| kept.display().to_string(),
                    );
                    stranded.push(format!("the earlier {} is kept as {name}", path.display()));
                }
            }
            None => {
                if let Err(e) = fs::remove_file(path) {
                    stranded.push(format!("{} could not be removed ({e})", path.display()));
                }
            }
        }
    }
    if stranded.is_empty() {
        err
    } else {
        err.with_hint(stranded.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_and_replaces_without_leaving_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/book.epub");
        write_all(&[(&path, b"one")]).unwrap();
        write_all(&[(&path, b"two")]).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(names(folder(&path)), ["book.epub"]);
    }

    #[test]
    fn a_failure_puts_back_the_outputs_already_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            dir.path().join("a"),
            dir.path().join("b"),
            dir.path().join("c"),
        );
        fs::write(&a, "old a").unwrap();
        fs::create_dir(&c).unwrap();
        let err = write_all(&[(&a, b"new a"), (&b, b"new b"), (&c, b"new c")]).unwrap_err();
        assert_eq!(err.diagnostic().code, "not-a-file");
        assert_eq!(fs::read(&a).unwrap(), b"old a");
        assert_eq!(names(dir.path()), ["a", "c"]);
    }
}
