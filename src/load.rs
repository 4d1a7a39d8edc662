//! Reading a manuscript folder: `book.toml`, the chapter files and the images
//! they use, into a [`Manuscript`]. This and the CLI are the only places that
//! read files.

use crate::config::Config;
use crate::error::{Diagnostic, Error, LineIndex, Place};
use crate::markdown::{self, has_scheme};
use crate::model::{
    Block, BlockKind, Book, Chapter, ChapterBody, Footnote, HeadingLevel, Inline, Metadata, Target,
};
use crate::toc::Toc;
use crate::{check, faq, ids, image};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::time::UNIX_EPOCH;

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
    /// What was noticed while reading, ordered by file and line.
    pub warnings: Vec<Diagnostic>,
    /// Modification time of the newest file read, in seconds since 1970.
    pub newest_mtime: Option<u64>,
}

/// An image file of the manuscript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The file's media type, found from its first bytes.
    pub media_type: &'static str,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Reads the manuscript in `dir`. Fails only on missing or unreadable files
/// and a bad `book.toml`; everything else is a warning.
pub fn load(dir: &Path) -> Result<Manuscript, Error> {
    let mut reader = Reader {
        dir: dir.to_path_buf(),
        newest_mtime: None,
    };
    if !dir.is_dir() {
        return Err(Error::new(
            "no-manuscript",
            Some(Place::file(dir)),
            "the manuscript folder does not exist",
        )
        .with_hint("pass --manuscript DIR, or create a new book with `bindery init DIR`"));
    }
    let config_path = dir.join("book.toml");
    let config_text = reader.read_text(&config_path)?;
    let config = Config::parse(&config_text, &config_path)?;
    let files = chapter_files(dir, &config, &config_text, &config_path)?;
    let mut texts = Vec::with_capacity(files.len());
    for file in files {
        let text = reader.read_text(&dir.join(&file))?;
        texts.push((file, text));
    }
    let (book, mut warnings) = assemble(&config, dir, &texts);
    warnings.extend(check::metadata(&config, &config_path));
    let assets = reader.read_images(&book, &mut warnings);
    warnings.extend(check::book(&book, dir));
    warnings.sort_by(|a, b| a.place.cmp(&b.place));
    let toc = crate::toc::build(&book, config.toc_depth());
    Ok(Manuscript {
        book,
        config,
        toc,
        assets,
        warnings,
        newest_mtime: reader.newest_mtime,
    })
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
    let names: Vec<PathBuf> = files.iter().map(|(file, _)| file.clone()).collect();
    let faq_file = faq_file(config, &names);
    let index_of: BTreeMap<String, usize> = names
        .iter()
        .enumerate()
        .map(|(i, f)| (f.to_string_lossy().into_owned(), i))
        .collect();

    let mut warnings = Vec::new();
    let mut chapters = Vec::new();
    for (index, (file, text)) in files.iter().enumerate() {
        let path = dir.join(file);
        let chapter_of = |dest: &str| -> Option<usize> {
            if dest.is_empty() {
                return Some(index);
            }
            let dest = percent_decode(dest);
            let dest = dest.strip_prefix("./").unwrap_or(&dest);
            index_of.get(dest).copied()
        };
        let parsed = markdown::parse(text, &path, &chapter_of);
        warnings.extend(parsed.warnings);
        let is_faq = faq_file.as_deref() == Some(file.as_path());
        chapters.push(chapter(
            file,
            &path,
            parsed.blocks,
            parsed.footnotes,
            &parsed.referenced,
            is_faq,
            &mut warnings,
        ));
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
    dir: PathBuf,
    newest_mtime: Option<u64>,
}

impl Reader {
    /// Reads a text file: UTF-8 required, a byte-order mark dropped.
    fn read_text(&mut self, path: &Path) -> Result<String, Error> {
        let bytes = self.read(path).map_err(|err| {
            let error = Error::io("read the file", path, &err);
            if path.file_name().is_some_and(|n| n == "book.toml") && !path.exists() {
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

    fn read(&mut self, path: &Path) -> std::io::Result<Vec<u8>> {
        let bytes = fs::read(path)?;
        if let Some(secs) = fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs())
        {
            self.newest_mtime = Some(self.newest_mtime.map_or(secs, |n| n.max(secs)));
        }
        Ok(bytes)
    }

    /// Reads every local image the book uses. Images outside the manuscript
    /// folder, remote images and unreadable files are left out with a warning.
    fn read_images(
        &mut self,
        book: &Book,
        warnings: &mut Vec<Diagnostic>,
    ) -> BTreeMap<String, Asset> {
        let mut assets = BTreeMap::new();
        let mut seen = BTreeSet::new();
        let root = fs::canonicalize(&self.dir).unwrap_or_else(|_| self.dir.clone());
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
                match self.read_image(&root, &src) {
                    Ok(asset) => {
                        assets.insert(src, asset);
                    }
                    Err((code, message, hint)) => {
                        warnings.push(Diagnostic::warning(code, place, message).with_hint(hint));
                    }
                }
            }
        }
        assets
    }

    fn read_image(
        &mut self,
        root: &Path,
        src: &str,
    ) -> Result<Asset, (&'static str, String, &'static str)> {
        if has_scheme(src) {
            return Err((
                "remote-image",
                format!(
                    "the image `{src}` is a URL, not a file of the manuscript; it is not \
                     fetched and its alt text is shown"
                ),
                "download the image into the manuscript folder and link it by its path",
            ));
        }
        let relative = PathBuf::from(percent_decode(src));
        let escapes = relative.is_absolute()
            || relative
                .components()
                .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)));
        let outside = (
            "image-outside",
            format!("the image `{src}` is outside the manuscript folder and is not used"),
            "copy the image into the manuscript folder and link it by a relative path",
        );
        if escapes {
            return Err(outside);
        }
        let path = self.dir.join(&relative);
        match fs::canonicalize(&path) {
            Ok(real) if !real.starts_with(root) => return Err(outside),
            Ok(_) => {}
            Err(_) => {
                return Err((
                    "missing-image",
                    format!("the image `{src}` does not exist"),
                    "check the path; it is relative to the manuscript folder",
                ));
            }
        }
        let bytes = self.read(&path).map_err(|err| {
            (
                "missing-image",
                format!("cannot read the image `{src}`: {err}"),
                "check the file's permissions",
            )
        })?;
        let Some(media_type) = media_type(&bytes) else {
            return Err((
                "unsupported-image",
                format!("the image `{src}` is not a PNG, JPEG, GIF, WebP or SVG file"),
                "convert the image to PNG or JPEG",
            ));
        };
        if media_type == "image/svg+xml" {
            if let Some(what) = image::svg_active_content(&bytes) {
                return Err((
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
                    return Err((
                        "damaged-image",
                        format!(
                            "the image `{src}` is damaged: it is cut short, or its header \
                             cannot be read"
                        ),
                        "open the image in an image editor and save it again",
                    ));
                }
                Some(size) if size.pixels() > image::MAX_PIXELS => {
                    return Err((
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
    dir: &Path,
    config: &Config,
    config_text: &str,
    config_path: &Path,
) -> Result<Vec<PathBuf>, Error> {
    // Where the manuscript folder really is, for telling whether a file
    // (or the file a link points to) is inside it.
    let root = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let entry_place = |span: std::ops::Range<usize>| {
        let (line, col) = LineIndex::new(config_text).line_col(span.start);
        Some(Place::at(config_path, line, col))
    };
    let mut files: Vec<PathBuf> = match &config.chapters {
        Some(listed) => {
            let mut files = Vec::new();
            for entry in listed {
                let file = PathBuf::from(entry.get_ref());
                let place = entry_place(entry.span());
                inside(dir, &root, &file, place.clone(), "chapter")?;
                if !dir.join(&file).is_file() {
                    return Err(Error::new(
                        "missing-chapter",
                        place,
                        format!("the chapter file `{}` does not exist", file.display()),
                    )
                    .with_hint(format!(
                        "create {} or remove it from `chapters`",
                        dir.join(&file).display()
                    )));
                }
                files.push(file);
            }
            files
        }
        None => {
            let entries = fs::read_dir(dir).map_err(|e| Error::io("list the folder", dir, &e))?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok())
                .map(|e| PathBuf::from(e.file_name()))
                .filter(|f| {
                    let name = f.to_string_lossy().to_lowercase();
                    name.ends_with(".md") && !NOT_CHAPTERS.contains(&name.as_str())
                })
                .filter(|f| dir.join(f).is_file())
                .collect();
            files.sort();
            for file in &files {
                inside(
                    dir,
                    &root,
                    file,
                    Some(Place::file(dir.join(file))),
                    "chapter",
                )?;
            }
            files
        }
    };
    if let Some(faq) = &config.faq {
        let file = PathBuf::from(faq.get_ref());
        if !files.contains(&file) {
            let place = entry_place(faq.span());
            inside(dir, &root, &file, place.clone(), "FAQ file")?;
            if !dir.join(&file).is_file() {
                return Err(Error::new(
                    "missing-chapter",
                    place,
                    format!("the FAQ file `{}` does not exist", file.display()),
                ));
            }
            files.push(file);
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
/// folder `dir` (`root` is its real path), that is outside the folder: an
/// absolute path, a path through `..`, or a link to a file elsewhere. A
/// book is made of its own folder's files, and of nothing else on the
/// machine it is built on.
fn inside(
    dir: &Path,
    root: &Path,
    file: &Path,
    place: Option<Place>,
    what: &str,
) -> Result<(), Error> {
    let escapes = file.is_absolute()
        || file
            .components()
            .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
        || fs::canonicalize(dir.join(file)).is_ok_and(|real| !real.starts_with(root));
    if escapes {
        return Err(Error::new(
            "chapter-outside",
            place,
            format!(
                "the {what} `{}` is outside the manuscript folder",
                file.display()
            ),
        )
        .with_hint("copy the file into the manuscript folder and name it relative to the folder"));
    }
    Ok(())
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
    mut blocks: Vec<Block>,
    definitions: Vec<markdown::FootnoteDef>,
    referenced: &[String],
    is_faq: bool,
    warnings: &mut Vec<Diagnostic>,
) -> Chapter {
    let name = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = match blocks.first() {
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
            warnings.push(
                Diagnostic::warning(
                    "no-title",
                    Some(Place::at(path, 1, 1)),
                    format!("the chapter has no title; “{name}” is used"),
                )
                .with_hint("start the file with a level-one heading: # Chapter Title"),
            );
            vec![Inline::Text { text: name }]
        }
    };
    let footnotes = number_footnotes(definitions, referenced, path, warnings);
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
    }
}

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
                    Some(&index) => {
                        *chapter = index;
                        None
                    }
                    None => Some(format!("#{anchor}")),
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
