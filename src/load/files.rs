//! The two rules for every file a manuscript is read from (`book.toml`,
//! chapters, the FAQ, images, fonts): it must be inside the manuscript
//! folder ([`locate`]), and it is read by [`read`], which takes regular
//! files only, never blocks on a FIFO or a device, and stops at a size
//! limit for its kind, so that no input can hang a build or exhaust memory.

use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Component, Path};

/// The kinds of file a manuscript is read from, each with its size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `book.toml`: settings only, a few kilobytes.
    Config,
    /// A chapter or the FAQ.
    Chapter,
    /// An image a chapter shows.
    Image,
    /// A font file named in `[pdf] fonts`.
    Font,
}

impl Kind {
    /// The largest file of this kind that is read, in bytes. Each is far
    /// above what a book needs (the longest novels are some 4 MB of text, a
    /// full-page photograph for print some 20 MB, the largest CJK fonts
    /// some 20 MB) and far below what would exhaust a machine's memory.
    pub const fn limit(self) -> u64 {
        match self {
            Kind::Config => 1 << 20,
            Kind::Chapter => 16 << 20,
            Kind::Image => 100 << 20,
            Kind::Font => 50 << 20,
        }
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum Refusal {
    /// The system refused to open or read it.
    Io(io::Error),
    /// It is not a regular file; what it is instead, such as "a FIFO".
    NotAFile(&'static str),
    /// It is larger than the limit of its kind.
    TooLarge,
}

/// Reads the regular file at `path`, of at most `kind`'s limit in bytes.
///
/// A FIFO, a device, a socket or a folder is refused without being read,
/// and without blocking: the file is looked at before it is opened, opened
/// without waiting for a writer (`O_NONBLOCK`), and looked at again through
/// the open handle, in case it was replaced in between. Its size is checked
/// before reading, and no more than the limit and one byte are read, in
/// case it grows.
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>, Refusal> {
    regular(&fs::metadata(path).map_err(Refusal::Io)?, kind)?;
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(Refusal::Io)?;
    let meta = file.metadata().map_err(Refusal::Io)?;
    regular(&meta, kind)?;
    let limit = kind.limit();
    let expected = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    let mut bytes = Vec::with_capacity(expected.saturating_add(1));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(Refusal::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge);
    }
    Ok(bytes)
}

/// Refuses what is not a regular file, or is one larger than `kind` allows.
fn regular(meta: &fs::Metadata, kind: Kind) -> Result<(), Refusal> {
    let kind_of = meta.file_type();
    let other = if kind_of.is_file() {
        return if meta.len() > kind.limit() {
            Err(Refusal::TooLarge)
        } else {
            Ok(())
        };
    } else if kind_of.is_dir() {
        "a folder"
    } else if kind_of.is_fifo() {
        "a FIFO (a named pipe)"
    } else if kind_of.is_socket() {
        "a socket"
    } else if kind_of.is_char_device() || kind_of.is_block_device() {
        "a device"
    } else {
        "not a file"
    };
    Err(Refusal::NotAFile(other))
}

/// Where a file named in the manuscript leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whereabouts {
    /// To a file or folder inside the manuscript folder (links resolved).
    Inside,
    /// Out of the manuscript folder: by an absolute path, `..`, or a link,
    /// whether or not anything is there.
    Outside,
    /// Nowhere: nothing has that name inside the manuscript folder.
    Missing,
}

/// How many links are followed before a chain of them counts as leading
/// out of the manuscript: the number Linux gives up at.
const MAX_LINKS: u8 = 40;

/// Finds where `file`, named relative to the manuscript folder `dir` (whose
/// real path is `root`), leads. A name that leads out of the folder is
/// [`Whereabouts::Outside`] whether or not something is there, so that an
/// error never tells what exists elsewhere on the machine: a link to
/// nothing, or a name under a linked folder, is judged by where it points.
pub fn locate(dir: &Path, root: &Path, file: &Path) -> Whereabouts {
    let climbs = file.is_absolute()
        || file
            .components()
            .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)));
    if climbs {
        return Whereabouts::Outside;
    }
    resolve(root, &dir.join(file), 0)
}

fn resolve(root: &Path, path: &Path, links: u8) -> Whereabouts {
    if let Ok(real) = fs::canonicalize(path) {
        return if real.starts_with(root) {
            Whereabouts::Inside
        } else {
            Whereabouts::Outside
        };
    }
    if links >= MAX_LINKS {
        return Whereabouts::Outside;
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Ok(target) = fs::read_link(path) {
        // A link to nothing: it leads where its target would be.
        let target = match parent {
            Some(parent) => parent.join(target),
            None => target,
        };
        return resolve(root, &target, links + 1);
    }
    // Nothing has this name; it would be in its folder, which may itself
    // lie elsewhere.
    match parent.map(|parent| resolve(root, parent, links + 1)) {
        Some(Whereabouts::Outside) => Whereabouts::Outside,
        _ => Whereabouts::Missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn names_leading_out_are_outside_whether_or_not_their_target_exists() {
        let top = tempfile::tempdir().unwrap();
        let dir = top.path().join("book");
        fs::create_dir_all(dir.join("sub")).unwrap();
        fs::write(dir.join("sub/a.md"), "a").unwrap();
        fs::write(top.path().join("secret"), "s").unwrap();
        symlink(top.path(), dir.join("up")).unwrap();
        symlink("../secret", dir.join("real-link")).unwrap();
        symlink("../no-such-file", dir.join("dangling-out")).unwrap();
        symlink("sub/none", dir.join("dangling-in")).unwrap();
        symlink("loop", dir.join("loop")).unwrap();
        let root = fs::canonicalize(&dir).unwrap();
        let at = |name: &str| locate(&dir, &root, Path::new(name));
        assert_eq!(at("sub/a.md"), Whereabouts::Inside);
        for name in [
            "/etc/passwd",
            "/no/such/file",
            "../secret",
            "sub/../../secret",
            "real-link",
            "dangling-out",
            "up/secret",
            "up/no-such-file",
            "up/no/such/file",
            "loop",
        ] {
            assert_eq!(at(name), Whereabouts::Outside, "{name}");
        }
        for name in ["none.md", "sub/none", "dangling-in", "no/such/folder"] {
            assert_eq!(at(name), Whereabouts::Missing, "{name}");
        }
    }

    #[test]
    fn reads_regular_files_up_to_the_limit_and_refuses_the_rest() {
        let top = tempfile::tempdir().unwrap();
        let small = top.path().join("small");
        fs::write(&small, "text").unwrap();
        assert_eq!(read(&small, Kind::Config).unwrap(), b"text");
        let big = top.path().join("big");
        fs::File::create(&big)
            .unwrap()
            .set_len(Kind::Config.limit() + 1)
            .unwrap();
        assert!(matches!(read(&big, Kind::Config), Err(Refusal::TooLarge)));
        assert!(read(&big, Kind::Chapter).is_ok());
        assert!(matches!(
            read(top.path(), Kind::Chapter),
            Err(Refusal::NotAFile("a folder"))
        ));
        assert!(matches!(
            read(Path::new("/dev/zero"), Kind::Font),
            Err(Refusal::NotAFile("a device"))
        ));
        let missing = read(&top.path().join("none"), Kind::Chapter);
        assert!(matches!(missing, Err(Refusal::Io(e)) if e.kind() == io::ErrorKind::NotFound));
    }
}
