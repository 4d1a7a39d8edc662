//! Reading a manuscript folder: `book.toml`, the chapter files, the images
//! they use and the fonts `book.toml` names, into a [`Manuscript`]. This and
//! the CLI are the only places that read files, and every file is read
//! through [`files::read`].

mod files;
mod mdbook;

use crate::config::Config;
use crate::error::{Diagnostic, Error, LineIndex, Place};
use crate::markdown::{self, has_scheme};
use crate::model::{
    Block, BlockKind, Book, Chapter, ChapterBody, Footnote, HeadingLevel, Inline, Metadata, Target,
};
use crate::pdf::fonts::{FontFiles, Fonts};
use crate::toc::Toc;
use crate::{check, faq, ids, image};
use files::{Kind, Refusal, Whereabouts};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Files in the manuscript folder that are notes about the book, not chapters.
const NOT_CHAPTERS: [&str; 2] = ["edits.md", "readme.md"];

/// Everything read from a manuscript folder.
#[derive(Debug, Clone)]
pub struct Manuscript {
    /// The document model.
    pub book: Book,
    /// The parsed `book.toml`, for backend settings.
    pub config: Config,
    /// The table of contents, to the depth `book.toml` asks for: computed
    /// once here, and read by every backend.
    pub toc: Toc,
    /// Images the chapters use, keyed by the path written in the Markdown.
    pub assets: BTreeMap<String, Asset>,
    /// The fonts the book is set in: the built-in faces, replaced by the
    /// files `[pdf] fonts` names.
    pub fonts: FontFiles,
    /// What was noticed while reading, ordered by file and line.
    pub warnings: Vec<Diagnostic>,
}

/// An image file of the manuscript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The file's media type, found from its first bytes.
    pub media_type: &'static str,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Reads the manuscript in `dir`. Fails only on missing, unreadable or
/// unfit files (see [`files::read`]) and a bad `book.toml`; everything else
/// is a warning.
pub fn load(dir: &Path) -> Result<Manuscript, Error> {
    let message = match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => None,
        Ok(_) => Some("the manuscript is not a folder"),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            Some("the manuscript folder does not exist")
        }
        Err(err) => return Err(Error::io("read the manuscript folder", dir, &err)),
    };
    if let Some(message) = message {
        return Err(Error::new("no-manuscript", Some(Place::file(dir)), message)
            .with_hint("pass --manuscript DIR, or create a new book with `bindery init DIR`"));
    }
    let mut reader = Reader {
        dir: dir.to_path_buf(),
        // Where the manuscript folder really is, for telling whether a
        // file (or the file a link points to) is inside it.
        root: fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()),
    };
    let config_path = dir.join("book.toml");
    let config_text = reader.read_text(&config_path, Kind::Config)?;
    let (config, texts, shapes, mut warnings) =
        match crate::mdbook::config::settings(&config_text, &config_path)? {
            Some(settings) => {
                let outline = mdbook::read(&mut reader, &settings, &config_path)?;
                (
                    settings.config,
                    outline.files,
                    outline.shapes,
                    outline.warnings,
                )
            }
            None => {
                let config = Config::parse(&config_text, &config_path)?;
                let files = chapter_files(&reader, &config, &config_text, &config_path)?;
                let mut texts = Vec::with_capacity(files.len());
                for file in files {
                    let text = reader.read_text(&dir.join(&file), Kind::Chapter)?;
                    texts.push((file, text));
                }
                (config, texts, Vec::new(), Vec::new())
            }
        };
    let fonts = reader.read_fonts(&config, &config_text, &config_path)?;
    let (book, assembled) = assemble_shaped(&config, dir, &texts, &shapes);
    warnings.extend(assembled);
    warnings.extend(check::metadata(&config, &config_path));
    warnings.extend(check::labels(&config, &config_text, &config_path));
    let assets = reader.read_images(&book, &mut warnings)?;
    warnings.extend(check::book(&book, dir));
    warnings.sort_by(|a, b| a.place.cmp(&b.place));
    let toc = crate::toc::build(&book, config.toc_depth());
    Ok(Manuscript {
        book,
        config,
        toc,
        assets,
        fonts,
        warnings,
    })
}

/// The text of a manuscript file read again, after loading, for pointing a
/// finding at its character; `None` when it can no longer be read whole.
pub fn source(path: &Path) -> Option<String> {
    String::from_utf8(files::read(path, Kind::Chapter).ok()?).ok()
}

/// Builds the book from chapter texts already read: `files` holds each
/// chapter's path relative to `dir` and its text, in reading order. It reads
/// no file; `dir` only names the chapters in diagnostics. This is [`load`]
/// without the file system, for tests and fuzzing.
pub fn assemble(
    config: &Config,
    dir: &Path,
    files: &[(PathBuf, String)],
) -> (Book, Vec<Diagnostic>) {
    assemble_shaped(config, dir, files, &[])
}

/// [`assemble`] for an mdBook when `shapes` (one for each file) is not
/// empty: links and images are relative to each chapter's folder, Rust
/// code hides its hidden lines, and the summary gives titles and nesting.
fn assemble_shaped(
    config: &Config,
    dir: &Path,
    files: &[(PathBuf, String)],
    shapes: &[mdbook::Shape],
) -> (Book, Vec<Diagnostic>) {
    let names: Vec<PathBuf> = files.iter().map(|(file, _)| file.clone()).collect();
    let faq_file = faq_file(config, &names);
    let shape_of = |index: usize| shapes.get(index);
    let index_of: BTreeMap<String, usize> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| !shape_of(*i).is_some_and(|shape| shape.part))
        .map(|(i, f)| (f.to_string_lossy().into_owned(), i))
        .collect();

    let typography = config.typography();
    // The one chapter of a book without a level-one heading is the book.
    let only_chapter =
        Some(config.title.get_ref().trim()).filter(|t| files.len() == 1 && !t.is_empty());
    // Each file is read alone, on the build's threads; the chapters and
    // their warnings are then taken in book order.
    let indexes: Vec<usize> = (0..files.len()).collect();
    let read = crate::workers::map(&indexes, |&index| {
        let (file, text) = &files[index];
        let mut warnings = Vec::new();
        let path = dir.join(file);
        let shape = shape_of(index);
        let folder = file.parent().unwrap_or(Path::new(""));
        let chapter_of = |dest: &str| -> Option<usize> {
            if dest.is_empty() {
                return Some(index);
            }
            let dest = percent_decode(dest);
            let relative = shape.and_then(|_| {
                crate::mdbook::chapter_names(&dest)
                    .iter()
                    .filter_map(|name| crate::mdbook::inside(folder, name))
                    .find_map(|file| index_of.get(file.to_string_lossy().as_ref()))
            });
            let dest = dest.strip_prefix("./").unwrap_or(&dest);
            relative.or_else(|| index_of.get(dest)).copied()
        };
        let origin = |line: u32| {
            let lines = shape.map_or(&[][..], |shape| &shape.origin);
            let at = usize::try_from(line).unwrap_or(usize::MAX);
            lines.get(at.saturating_sub(1)).copied().unwrap_or(line)
        };
        let reading = markdown::Reading {
            origin: Some(&origin),
            hide_rust_lines: shape.is_some(),
        };
        let mut parsed = markdown::parse_with(text, &path, &chapter_of, &typography, reading);
        warnings.append(&mut parsed.warnings);
        let is_faq = faq_file.as_deref() == Some(file.as_path());
        let mut chapter = chapter(
            file,
            &path,
            parsed,
            is_faq,
            shape.and_then(|shape| shape.title.as_deref()),
            only_chapter,
            &mut warnings,
        );
        if let Some(shape) = shape {
            chapter.parent = shape.parent;
            chapter.part = shape.part;
            mdbook::relative_images(&mut chapter, folder);
        }
        (chapter, warnings)
    });
    let mut warnings = Vec::new();
    let mut chapters = Vec::with_capacity(read.len());
    for (chapter, mut found) in read {
        chapters.push(chapter);
        warnings.append(&mut found);
    }
    if shapes.is_empty() {
        let back_matter: Vec<PathBuf> = config
            .back_matter
            .iter()
            .flatten()
            .map(|entry| PathBuf::from(entry.get_ref()))
            .collect();
        nest_in_parts(&mut chapters, &back_matter);
    }
    let mut book = Book {
        metadata: metadata(config),
        chapters,
    };
    ids::assign(&mut book, &mut warnings);
    resolve_links(&mut book, dir, &mut warnings);
    (book, warnings)
}

struct Reader {
    /// The manuscript folder, as it was given.
    dir: PathBuf,
    /// Its real path.
    root: PathBuf,
}

impl Reader {
    /// Reads a text file: UTF-8 required, a byte-order mark dropped.
    fn read_text(&mut self, path: &Path, kind: Kind) -> Result<String, Error> {
        let bytes = files::read(path, kind).map_err(|refusal| {
            let missing =
                matches!(&refusal, Refusal::Io(err) if err.kind() == std::io::ErrorKind::NotFound);
            let error = refused(refusal, path, "the file", kind, Some(Place::file(path)));
            if kind == Kind::Config && missing {
                error.with_hint(
                    "every manuscript needs a book.toml with at least title and language",
                )
            } else {
                error
            }
        })?;
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                if text.starts_with('\u{feff}') {
                    text.drain(..3);
                }
                Ok(text)
            }
            Err(err) => {
                let valid = err.utf8_error().valid_up_to();
                let bytes = err.as_bytes();
                let good = String::from_utf8_lossy(&bytes[..valid]);
                let (line, col) = LineIndex::new(&good).line_col(valid);
                Err(Error::new(
                    "not-utf8",
                    Some(Place::at(path, line, col)),
                    format!("the file is not valid UTF-8 (byte {valid})"),
                )
                .with_hint("save the file as UTF-8 in your editor"))
            }
        }
    }

    /// Reads the font files `[pdf] fonts` names, in place of the built-in
    /// faces. A font must be inside the manuscript folder, as chapters and
    /// images are; a file that is not a font is refused here, where its
    /// name is known, before any backend runs.
    fn read_fonts(
        &mut self,
        config: &Config,
        config_text: &str,
        config_path: &Path,
    ) -> Result<FontFiles, Error> {
        let mut fonts = FontFiles::default();
        let entries = config.pdf.fonts.in_order();
        for (slot, entry) in fonts.faces.iter_mut().zip(entries) {
            let Some(entry) = entry else {
                continue;
            };
            let file = Path::new(entry.get_ref());
            let place = Some(crate::config::place(
                config_text,
                config_path,
                entry.span().start,
            ));
            match files::locate(&self.dir, &self.root, file) {
                Whereabouts::Inside => {}
                Whereabouts::Outside => {
                    return Err(Error::new(
                        "font-outside",
                        place,
                        format!(
                            "the font `{}` is outside the manuscript folder",
                            file.display()
                        ),
                    )
                    .with_hint(
                        "a font kept elsewhere can be copied into the manuscript folder \
                         (into fonts/, say) and named relative to the folder",
                    ));
                }
                Whereabouts::Missing => {
                    return Err(Error::new(
                        "missing-font",
                        place,
                        format!("the font file `{}` does not exist", file.display()),
                    )
                    .with_hint("check the path; it is relative to the manuscript folder"));
                }
            }
            let path = self.dir.join(file);
            let bytes = files::read(&path, Kind::Font).map_err(|refusal| {
                refused(
                    refusal,
                    &path,
                    "the file",
                    Kind::Font,
                    Some(Place::file(&path)),
                )
            })?;
            *slot = bytes.into();
        }
        if let Err(bad) = Fonts::new(&fonts) {
            let path = entries[usize::from(bad.face.0)].map(|entry| self.dir.join(entry.get_ref()));
            return Err(Error::new(
                "bad-font",
                path.as_deref().map(Place::file),
                "this is not an OpenType or TrueType font",
            )
            .with_hint("check the files named in book.toml [pdf] fonts"));
        }
        Ok(fonts)
    }

    /// Reads every local image the book uses. Images outside the manuscript
    /// folder, remote images and unreadable files are left out with a
    /// warning; an image that is not a regular file, or is too large to
    /// read, is an error.
    fn read_images(
        &mut self,
        book: &Book,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<BTreeMap<String, Asset>, Error> {
        let mut assets = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for chapter in &book.chapters {
            let mut images = Vec::new();
            chapter.inlines(&mut |inline| {
                if let Inline::Image { src, pos, .. } = inline {
                    images.push((src.clone(), *pos));
                }
            });
            for (src, pos) in images {
                if !seen.insert(src.clone()) {
                    continue;
                }
                let file = self.dir.join(&chapter.file);
                let place = Some(Place::at(file, pos.line, pos.col));
                match self.read_image(&src) {
                    Ok(asset) => {
                        assets.insert(src, asset);
                    }
                    Err(Unused::Warning(code, message, hint)) => {
                        warnings.push(Diagnostic::warning(code, place, message).with_hint(hint));
                    }
                    Err(Unused::Refused(refusal, path)) => {
                        let subject = format!("the image `{src}`");
                        return Err(refused(refusal, &path, &subject, Kind::Image, place));
                    }
                }
            }
        }
        Ok(assets)
    }

    fn read_image(&mut self, src: &str) -> Result<Asset, Unused> {
        if has_scheme(src) {
            return Err(Unused::Warning(
                "remote-image",
                format!(
                    "the image `{src}` is a URL, not a file of the manuscript; it is not \
                     fetched and its alt text is shown"
                ),
                "download the image into the manuscript folder and link it by its path",
            ));
        }
        let relative = PathBuf::from(percent_decode(src));
        match files::locate(&self.dir, &self.root, &relative) {
            Whereabouts::Inside => {}
            Whereabouts::Outside => {
                return Err(Unused::Warning(
                    "image-outside",
                    format!("the image `{src}` is outside the manuscript folder and is not used"),
                    "copy the image into the manuscript folder and link it by a relative path",
                ));
            }
            Whereabouts::Missing => {
                return Err(Unused::Warning(
                    "missing-image",
                    format!("the image `{src}` does not exist"),
                    "check the path; it is relative to the manuscript folder",
                ));
            }
        }
        let path = self.dir.join(&relative);
        let bytes = match files::read(&path, Kind::Image) {
            Ok(bytes) => bytes,
            Err(Refusal::Io(err)) => {
                return Err(Unused::Warning(
                    "missing-image",
                    format!("cannot read the image `{src}`: {err}"),
                    "check the file's permissions",
                ));
            }
            Err(refusal) => return Err(Unused::Refused(refusal, path)),
        };
        let Some(media_type) = media_type(&bytes) else {
            return Err(Unused::Warning(
                "unsupported-image",
                format!("the image `{src}` is not a PNG, JPEG, GIF, WebP or SVG file"),
                "convert the image to PNG or JPEG",
            ));
        };
        if media_type == "image/svg+xml" {
            if let Some(what) = image::svg_active_content(&bytes) {
                return Err(Unused::Warning(
                    "unsupported-image",
                    format!(
                        "the SVG image `{src}` holds {what}, which could run in a reader; it \
                         is not used and its alt text is shown"
                    ),
                    "save the SVG without scripts, event handlers or embedded HTML, or \
                     convert it to PNG",
                ));
            }
        } else {
            match image::size(media_type, &bytes) {
                None => {
                    return Err(Unused::Warning(
                        "damaged-image",
                        format!(
                            "the image `{src}` is damaged: it is cut short, or its header \
                             cannot be read"
                        ),
                        "open the image in an image editor and save it again",
                    ));
                }
                Some(size) if size.pixels() > image::MAX_PIXELS => {
                    return Err(Unused::Warning(
                        "huge-image",
                        format!(
                            "the image `{src}` is {}×{} pixels, more than the {} megapixels \
                             bindery accepts",
                            size.width,
                            size.height,
                            image::MAX_PIXELS / 1_000_000
                        ),
                        "scale the image down; 3000 pixels across is plenty for print",
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(Asset { media_type, bytes })
    }
}

/// Why an image is left out of the book.
enum Unused {
    /// A warning: its code, message and hint. The image's alt text stands
    /// in for it.
    Warning(&'static str, String, &'static str),
    /// The file at this path is not one bindery reads: an error.
    Refused(Refusal, PathBuf),
}

/// The error for a file [`files::read`] refused, at `path`: `subject` names
/// it in the message ("the file", "the image `map.png`"), `place` is where
/// the error points.
fn refused(
    refusal: Refusal,
    path: &Path,
    subject: &str,
    kind: Kind,
    place: Option<Place>,
) -> Error {
    match refusal {
        Refusal::Io(err) => Error::io("read the file", path, &err),
        Refusal::NotAFile(what) => Error::new(
            "not-a-file",
            place,
            format!("{subject} is {what}, not a regular file"),
        )
        .with_hint("bindery reads only regular files: put a file in its place, or remove it"),
        Refusal::TooLarge => {
            let (what, hint) = match kind {
                Kind::Config => (
                    "book.toml",
                    "book.toml holds settings only; check what was saved under that name",
                ),
                Kind::Chapter => ("a chapter", "split the text into several chapter files"),
                Kind::Image => ("an image", "scale the image down, or save it as a JPEG"),
                Kind::Font => (
                    "a font",
                    "use a font file of one face rather than a collection",
                ),
            };
            Error::new(
                "file-too-large",
                place,
                format!(
                    "{subject} is larger than {} MiB, the most bindery reads for {what}",
                    kind.limit() >> 20
                ),
            )
            .with_hint(hint)
        }
    }
}

/// The media type of an image, from its first bytes.
pub fn media_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
        head.contains("<svg").then_some("image/svg+xml")
    }
}

/// The chapter files in reading order, relative to the manuscript folder.
fn chapter_files(
    reader: &Reader,
    config: &Config,
    config_text: &str,
    config_path: &Path,
) -> Result<Vec<PathBuf>, Error> {
    let dir = reader.dir.as_path();
    let entry_place = |span: std::ops::Range<usize>| {
        Some(crate::config::place(config_text, config_path, span.start))
    };
    let mut files: Vec<PathBuf> = match &config.chapters {
        Some(listed) => {
            let mut files = Vec::new();
            for entry in listed {
                let file = PathBuf::from(entry.get_ref());
                inside(reader, &file, entry_place(entry.span()), "chapter")?;
                files.push(file);
            }
            files
        }
        None => {
            let entries = fs::read_dir(dir).map_err(|e| Error::io("list the folder", dir, &e))?;
            let mut files = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|e| Error::io("list the folder", dir, &e))?;
                let file = PathBuf::from(entry.file_name());
                let name = file.to_string_lossy().to_lowercase();
                // A folder is no chapter, whatever its name; any other
                // `*.md` is, and is refused later if it is not a file.
                if !name.ends_with(".md")
                    || NOT_CHAPTERS.contains(&name.as_str())
                    || dir.join(&file).is_dir()
                {
                    continue;
                }
                if file.to_str().is_none() {
                    return Err(Error::new(
                        "bad-file-name",
                        Some(Place::file(dir.join(file.to_string_lossy().as_ref()))),
                        "the chapter's file name is not valid UTF-8",
                    )
                    .with_hint(
                        "rename the file: links, book.toml and the JSON of `bindery dump` \
                         and `bindery check` name chapters in UTF-8",
                    ));
                }
                inside(reader, &file, Some(Place::file(dir.join(&file))), "chapter")?;
                files.push(file);
            }
            files.sort();
            files
        }
    };
    if let Some(faq) = &config.faq {
        let file = PathBuf::from(faq.get_ref());
        if !files.contains(&file) {
            inside(reader, &file, entry_place(faq.span()), "FAQ file")?;
            files.push(file);
        }
    }
    for entry in config.back_matter.iter().flatten() {
        if !files.contains(&PathBuf::from(entry.get_ref())) {
            return Err(Error::new(
                "not-a-chapter",
                entry_place(entry.span()),
                format!(
                    "back-matter names “{}”, which is not a chapter of the book",
                    entry.get_ref()
                ),
            )
            .with_hint("list chapter files of the book, as they are named in `chapters`"));
        }
    }
    if files.is_empty() {
        return Err(Error::new(
            "no-chapters",
            Some(Place::file(dir)),
            "the manuscript has no chapters",
        )
        .with_hint("add a Markdown file such as 01-chapter.md, or list files in `chapters`"));
    }
    Ok(files)
}

/// Refuses a chapter or FAQ `file`, named relative to the manuscript
/// folder, that is outside the folder (an absolute path, a path through
/// `..`, or a link to a file elsewhere) or does not exist. A book is made
/// of its own folder's files, and of nothing else on the machine it is
/// built on.
fn inside(reader: &Reader, file: &Path, place: Option<Place>, what: &str) -> Result<(), Error> {
    match files::locate(&reader.dir, &reader.root, file) {
        Whereabouts::Inside => Ok(()),
        Whereabouts::Outside => Err(Error::new(
            "chapter-outside",
            place,
            format!(
                "the {what} `{}` is outside the manuscript folder",
                file.display()
            ),
        )
        .with_hint("copy the file into the manuscript folder and name it relative to the folder")),
        Whereabouts::Missing => Err(Error::new(
            "missing-chapter",
            place,
            format!(
                "the {} `{}` does not exist",
                if what == "chapter" {
                    "chapter file"
                } else {
                    what
                },
                file.display()
            ),
        )
        .with_hint(format!(
            "create {} or remove it from book.toml",
            reader.dir.join(file).display()
        ))),
    }
}

/// The FAQ file: the configured one, else `faq.md` or `*-faq.md`.
fn faq_file(config: &Config, files: &[PathBuf]) -> Option<PathBuf> {
    match &config.faq {
        Some(faq) => Some(PathBuf::from(faq.get_ref())),
        None => files
            .iter()
            .find(|f| {
                let name = f.to_string_lossy().to_lowercase();
                name == "faq.md" || name.ends_with("-faq.md")
            })
            .cloned(),
    }
}

/// Builds one chapter: takes its title, numbers its footnotes, and reads the
/// FAQ structure when it is the FAQ file.
fn chapter(
    file: &Path,
    path: &Path,
    parsed: markdown::Parsed,
    is_faq: bool,
    summary_title: Option<&str>,
    book_title: Option<&str>,
    warnings: &mut Vec<Diagnostic>,
) -> Chapter {
    let markdown::Parsed {
        mut blocks,
        footnotes: definitions,
        referenced,
        ..
    } = parsed;
    let name = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let titled = summary_title.is_none()
        && matches!(blocks.first(), Some(Block { kind: BlockKind::Heading(h), .. })
            if h.level == HeadingLevel::H1 && !Inline::plain_text(&h.content).trim().is_empty());
    // mdBook's rule: the summary names the chapter, and the file's own
    // heading stays in the text, unless it says the same.
    let title = match summary_title {
        Some(title) => match blocks.first() {
            Some(Block {
                kind: BlockKind::Heading(h),
                ..
            }) if h.level == HeadingLevel::H1
                && Inline::plain_text(&h.content).trim() == title.trim() =>
            {
                match blocks.remove(0).kind {
                    BlockKind::Heading(h) => h.content,
                    _ => Vec::new(),
                }
            }
            _ => vec![Inline::Text {
                text: title.to_string(),
            }],
        },
        None => match blocks.first() {
            Some(Block {
                kind: BlockKind::Heading(h),
                ..
            }) if h.level == HeadingLevel::H1 => {
                let title = blocks.remove(0);
                match title.kind {
                    BlockKind::Heading(h) if Inline::plain_text(&h.content).trim().is_empty() => {
                        // The contents and the running heads need a text.
                        warnings.push(
                            Diagnostic::warning(
                                "empty-heading",
                                Some(Place::at(path, title.pos.line, title.pos.col)),
                                format!("the chapter's title is empty; “{name}” is used"),
                            )
                            .with_hint("give the chapter a title: # Chapter Title"),
                        );
                        vec![Inline::Text { text: name }]
                    }
                    BlockKind::Heading(h) => h.content,
                    _ => Vec::new(),
                }
            }
            _ => {
                let title = untitled(&mut blocks, book_title, name);
                warnings.push(
                    Diagnostic::warning(
                        "no-title",
                        Some(Place::at(path, 1, 1)),
                        format!(
                            "the chapter has no level-one heading; “{}” is used as its title",
                            Inline::plain_text(&title)
                        ),
                    )
                    .with_hint("start the file with a level-one heading: # Chapter Title"),
                );
                title
            }
        },
    };
    let footnotes = number_footnotes(definitions, &referenced, path, warnings);
    // A level-one heading with at most an epigraph after it is a part's
    // title page, when the book has other chapters to put in it.
    let part = titled
        && book_title.is_none()
        && !is_faq
        && footnotes.is_empty()
        && match blocks.as_slice() {
            [] => true,
            [epigraph] => is_epigraph(epigraph),
            _ => false,
        };
    let body = if is_faq {
        ChapterBody::Faq(faq::build(blocks, path, warnings))
    } else {
        ChapterBody::Prose { blocks }
    };
    Chapter {
        id: String::new(),
        file: file.to_path_buf(),
        title,
        body,
        footnotes,
        parent: None,
        part,
    }
}

/// The most words an epigraph has.
const EPIGRAPH_WORDS: usize = 100;

/// Whether a block is an epigraph: a short block quote of paragraphs.
fn is_epigraph(block: &Block) -> bool {
    let BlockKind::BlockQuote { blocks } = &block.kind else {
        return false;
    };
    let mut words = 0;
    for block in blocks {
        let BlockKind::Paragraph { content } = &block.kind else {
            return false;
        };
        words += Inline::plain_text(content).split_whitespace().count();
    }
    words <= EPIGRAPH_WORDS
}

/// The parts of a plain manuscript: each chapter after a part title (a
/// chapter that holds only its title, and perhaps an epigraph) belongs to
/// it, up to the next part title or a chapter of `back_matter`, which ends
/// the part.
fn nest_in_parts(chapters: &mut [Chapter], back_matter: &[PathBuf]) {
    let mut part = None;
    for (index, chapter) in chapters.iter_mut().enumerate() {
        if chapter.part {
            part = Some(index);
        } else {
            if back_matter.contains(&chapter.file) {
                part = None;
            }
            chapter.parent = part;
        }
    }
}

/// The title of a chapter without a level-one heading: the book's title
/// when it is the only chapter, else its first heading of any level (taken
/// out of the text when the text opens with it), else its first words. Only
/// a file with no words at all is named by its file name.
fn untitled(blocks: &mut Vec<Block>, book_title: Option<&str>, name: String) -> Vec<Inline> {
    if let Some(title) = book_title {
        return vec![Inline::Text {
            text: title.to_string(),
        }];
    }
    let heading = |block: &Block| match &block.kind {
        BlockKind::Heading(h) if !Inline::plain_text(&h.content).trim().is_empty() => {
            Some(h.content.clone())
        }
        _ => None,
    };
    if let Some(title) = blocks.first().and_then(heading) {
        blocks.remove(0);
        return title;
    }
    if let Some(title) = blocks.iter().find_map(heading) {
        return title;
    }
    let text = blocks
        .iter()
        .find_map(|block| match &block.kind {
            BlockKind::Paragraph { content } => Some(Inline::plain_text(content)),
            _ => None,
        })
        .unwrap_or_default();
    let words: Vec<&str> = text.split_whitespace().collect();
    let text = match words.len() {
        0 => name,
        n if n <= TITLE_WORDS => words.join(" "),
        _ => format!("{}…", words[..TITLE_WORDS].join(" ")),
    };
    vec![Inline::Text { text }]
}

/// How many of its first words name a chapter that has no heading.
const TITLE_WORDS: usize = 8;

/// Orders footnote definitions by first reference and numbers them from 1;
/// definitions never referenced come last, with a warning.
fn number_footnotes(
    definitions: Vec<markdown::FootnoteDef>,
    referenced: &[String],
    path: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<Footnote> {
    let is_referenced: BTreeSet<&str> = referenced.iter().map(String::as_str).collect();
    let mut by_label: BTreeMap<String, markdown::FootnoteDef> = BTreeMap::new();
    let mut unreferenced = Vec::new();
    for def in definitions {
        if by_label.contains_key(&def.label) {
            warnings.push(
                Diagnostic::warning(
                    "duplicate-footnote",
                    Some(Place::at(path, def.pos.line, def.pos.col)),
                    format!(
                        "the footnote [^{}] is defined twice; the first is used",
                        def.label
                    ),
                )
                .with_hint("give each footnote its own label"),
            );
            continue;
        }
        if !is_referenced.contains(def.label.as_str()) {
            unreferenced.push(def.label.clone());
        }
        by_label.insert(def.label.clone(), def);
    }
    let mut notes = Vec::new();
    for label in referenced.iter().chain(&unreferenced) {
        let Some(def) = by_label.remove(label) else {
            continue;
        };
        if !is_referenced.contains(label.as_str()) {
            warnings.push(
                Diagnostic::warning(
                    "unused-footnote",
                    Some(Place::at(path, def.pos.line, def.pos.col)),
                    format!("the footnote [^{label}] is never referenced"),
                )
                .with_hint(format!(
                    "refer to it with [^{label}] in the text, or delete it"
                )),
            );
        }
        notes.push(Footnote {
            label: def.label,
            number: crate::error::to_u32(notes.len() + 1),
            id: String::new(),
            pos: def.pos,
            blocks: def.blocks,
        });
    }
    notes
}

/// The book's metadata from `book.toml`. Text values are trimmed, and one
/// left blank (`publisher = ""`) counts as not given: an empty `dc:` element
/// or accessibility claim is invalid in the EPUB.
fn metadata(config: &Config) -> Metadata {
    let given = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    Metadata {
        title: config.title.get_ref().trim().to_string(),
        subtitle: given(&config.subtitle),
        authors: config.authors.as_ref().map_or_else(Vec::new, |names| {
            names
                .get_ref()
                .iter()
                .map(|name| name.get_ref().trim().to_string())
                .collect()
        }),
        language: config.language.get_ref().clone(),
        identifier: given(&config.identifier),
        publisher: given(&config.publisher),
        date: config.date.as_ref().map(|d| d.get_ref().to_string()),
        description: given(&config.description),
        rights: given(&config.rights),
        labels: crate::lang::labels::Labels::new(config.language.get_ref(), &config.labels),
    }
}

/// Points internal links at the chapter that owns their id; links to ids
/// that do not exist become broken links, with a warning.
fn resolve_links(book: &mut Book, dir: &Path, warnings: &mut Vec<Diagnostic>) {
    let mut owner: BTreeMap<String, usize> = BTreeMap::new();
    for (index, chapter) in book.chapters.iter().enumerate() {
        owner.insert(chapter.id.clone(), index);
        chapter.headings(&mut |heading, _| {
            owner.insert(heading.id.clone(), index);
        });
        for note in &chapter.footnotes {
            owner.insert(note.id.clone(), index);
        }
    }
    // Each chapter's headings by the ids a link may know them by when the
    // book's ids were made unique: the heading's text as bindery and as
    // mdBook (and GitHub) make ids of it.
    let aliases: Vec<BTreeMap<String, String>> = book
        .chapters
        .iter()
        .map(|chapter| {
            let mut aliases = BTreeMap::new();
            chapter.headings(&mut |heading, _| {
                let text = Inline::plain_text(&heading.content);
                for alias in [ids::slug(&text), crate::mdbook::heading_id(&text)] {
                    aliases.entry(alias).or_insert_with(|| heading.id.clone());
                }
            });
            aliases
        })
        .collect();
    for chapter in &mut book.chapters {
        let path = dir.join(&chapter.file);
        chapter.inlines_mut(&mut |inline| {
            let Inline::Link { target, pos, .. } = inline else {
                return;
            };
            let place = Place::at(&path, pos.line, pos.col);
            let broken = match target {
                Target::Internal {
                    chapter,
                    anchor: Some(anchor),
                } => match owner.get(anchor.as_str()) {
                    Some(&index) if index == *chapter => None,
                    found => match aliases.get(*chapter).and_then(|a| a.get(anchor.as_str())) {
                        Some(id) => {
                            *anchor = id.clone();
                            None
                        }
                        None => match found {
                            Some(&index) => {
                                *chapter = index;
                                None
                            }
                            None => Some(format!("#{anchor}")),
                        },
                    },
                },
                Target::Broken { dest } => Some(dest.clone()),
                _ => None,
            };
            if let Some(dest) = broken {
                warnings.push(
                    Diagnostic::warning(
                        "broken-link",
                        Some(place),
                        format!("the link `{dest}` points at no chapter or heading of the book"),
                    )
                    .with_hint("link to a chapter file (chapter.md), a heading id (#id) or both"),
                );
                if !matches!(target, Target::Broken { .. }) {
                    *target = Target::Broken { dest };
                }
            }
        });
    }
}

/// Decodes `%20`-style escapes in a link's path.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
