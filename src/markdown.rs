//! Markdown → model: the only module that knows pulldown-cmark.
//!
//! [`parse`] turns one chapter file into blocks, inlines and footnotes. It
//! never fails: CommonMark has no syntax errors. Heading and footnote ids are
//! left for [`crate::ids`] to assign once the whole book is read, and links to
//! other files are resolved by the loader, which knows every chapter.

use crate::entities::decode_entities;
use crate::error::{Diagnostic, LineIndex, Place};
use crate::lang::quotes::{self, Typography};
use crate::mdbook;
use crate::model::{
    Alignment, Block, BlockKind, Cell, Heading, HeadingLevel, Inline, List, ListItem, ListKind,
    Listing, Pos, Table, Target, TaskState,
};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

/// Elements that may nest (block quotes, lists, items, emphasis, strong,
/// strikethrough) that would open deeper than this many open elements are
/// flattened into their parent, so no later stage recurses without bound.
pub const MAX_NESTING: usize = 64;

mod spans;

/// The Markdown extensions bindery reads, in one place for everyone.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// One chapter file read into the model, before ids are assigned.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The blocks of the file in order, including its leading title heading.
    pub blocks: Vec<Block>,
    /// Footnote definitions in the order they appear in the file.
    pub footnotes: Vec<FootnoteDef>,
    /// Footnote labels in order of first reference; a note's number is its index plus one.
    pub referenced: Vec<String>,
    /// What the parser noticed on the way.
    pub warnings: Vec<Diagnostic>,
}

/// A footnote definition as written, before numbering.
#[derive(Debug, Clone, PartialEq)]
pub struct FootnoteDef {
    /// The label after `[^`.
    pub label: String,
    /// Where the definition starts.
    pub pos: Pos,
    /// The note's blocks.
    pub blocks: Vec<Block>,
}

/// How a chapter's text is read beyond CommonMark: what an mdBook chapter
/// needs. The default reads a bindery chapter.
#[derive(Clone, Copy, Default)]
pub struct Reading<'a> {
    /// The file's line for each line of the text (counted from 1), when
    /// directives were expanded into it, so positions name the file's lines.
    pub origin: Option<&'a dyn Fn(u32) -> u32>,
    /// Leaves out the hidden lines of Rust code blocks, as mdBook does
    /// (see [`crate::mdbook::without_hidden_lines`]).
    pub hide_rust_lines: bool,
}

/// Parses one chapter's Markdown. `file` names it in diagnostics; `chapter_of`
/// maps a link's file part (as written, e.g. `faq.md`, or empty for a bare
/// `#id`) to a chapter index; `typography` sets the quotation marks.
pub fn parse(
    text: &str,
    file: &Path,
    chapter_of: &dyn Fn(&str) -> Option<usize>,
    typography: &Typography,
) -> Parsed {
    parse_with(text, file, chapter_of, typography, Reading::default())
}

/// [`parse`], with what [`Reading`] asks for.
pub fn parse_with(
    text: &str,
    file: &Path,
    chapter_of: &dyn Fn(&str) -> Option<usize>,
    typography: &Typography,
    reading: Reading<'_>,
) -> Parsed {
    let text = safe(text);
    let text = text.as_ref();
    let lines = LineIndex::new(text);
    let mut builder = Builder::new(file, chapter_of, reading.hide_rust_lines);
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        // An end's range starts back at its element's start; nothing needs
        // that place again, so it is not looked up.
        if let Event::End(tag) = event {
            builder.end(tag);
            continue;
        }
        let (line, col) = lines.line_col(range.start);
        let line = reading.origin.map_or(line, |origin| origin(line));
        let pos = Pos { line, col };
        // pulldown-cmark leaves a reference to an undefined footnote as the
        // text events `[`, `^label`, `]`; the source after the `[` tells it
        // from a bracket that is only text.
        if matches!(&event, Event::Text(t) if t.as_ref() == "[") {
            builder.bracket(&text[range.start..], pos);
        }
        if let Event::Text(t) = &event
            && let Some(quote) = smart_quote(t, text, range.clone())
        {
            builder.text(quote.encode_utf8(&mut [0; 4]), pos);
            continue;
        }
        builder.event(event, pos);
    }
    let mut parsed = builder.finish();
    spans::find(&mut parsed.blocks);
    quotes::apply(&mut parsed.blocks, typography);
    for note in &mut parsed.footnotes {
        spans::find(&mut note.blocks);
        quotes::apply(&mut note.blocks, typography);
    }
    parsed
}

/// `text` with NUL and the placeholders of quotes replaced by U+FFFD.
/// CommonMark (section 2.3) requires NUL to become U+FFFD for security;
/// pulldown-cmark leaves it. The noncharacters that stand for quotes until
/// they are set (see `lang::quotes`) go the same way, so that each one left
/// is the parser's. One character for one keeps every column.
fn safe(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c == '\0' || quotes::is_placeholder(c);
    if text.contains(unsafe_char) {
        Cow::Owned(text.replace(unsafe_char, "\u{fffd}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// What a `<Listing …>` tag says, its values' character references read.
#[derive(Debug, Default, PartialEq)]
struct ListingTag {
    number: Option<String>,
    file_name: Option<String>,
    caption: Option<String>,
}

/// The attributes of `block` when it is a `<Listing …>` tag on its own.
fn listing_tag(block: &Block) -> Option<ListingTag> {
    let BlockKind::Html { html } = &block.kind else {
        return None;
    };
    let html = html.trim();
    let (name, rest) = html.split_at_checked("<listing".len())?;
    if !name.eq_ignore_ascii_case("<listing") || html.contains('\n') {
        return None;
    }
    let mut rest = rest.strip_suffix('>')?;
    if rest.ends_with('/') || !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let mut tag = ListingTag::default();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Some(tag);
        }
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = &rest[..name_end];
        rest = rest[name_end..].trim_start();
        let mut value = None;
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (raw, tail) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let end = after[1..].find(quote)? + 1;
                    (&after[1..end], &after[end + 1..])
                }
                _ => after.split_at(after.find(char::is_whitespace).unwrap_or(after.len())),
            };
            rest = tail;
            let decoded = safe(&decode_entities(raw)).trim().to_string();
            value = Some(decoded).filter(|v| !v.is_empty());
        }
        match name.to_ascii_lowercase().as_str() {
            "number" => tag.number = value,
            "file-name" => tag.file_name = value,
            "caption" => tag.caption = value,
            _ => {}
        }
    }
}

/// Whether `block` is a `</Listing>` tag on its own.
fn is_listing_end(block: &Block) -> bool {
    matches!(&block.kind, BlockKind::Html { html } if html.trim().eq_ignore_ascii_case("</listing>"))
}

/// The placeholder for a quote pulldown-cmark's smart punctuation made of a
/// straight quote (`event` is its text, `range` its place in `source`), to
/// be set in the passage's language by [`quotes::apply`]; `None` for any
/// other text. A `'` between two letters or digits is an apostrophe, the
/// same in every language, and is set at once.
fn smart_quote(event: &str, source: &str, range: std::ops::Range<usize>) -> Option<char> {
    let straight = source.get(range.clone())?;
    if !matches!(straight, "\"" | "'") {
        return None;
    }
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let inside_word =
        word(source[..range.start].chars().next_back()) && word(source[range.end..].chars().next());
    Some(match event {
        "“" => quotes::OPEN_DOUBLE,
        "”" => quotes::CLOSE_DOUBLE,
        "‘" => quotes::OPEN_SINGLE,
        "’" if inside_word => '’',
        "’" => quotes::CLOSE_SINGLE,
        _ => return None,
    })
}

/// What a block-collecting frame will become when it closes.
#[derive(Debug)]
enum BlocksKind {
    Root,
    BlockQuote,
    Item(Option<TaskState>),
    FootnoteDef(String),
}

/// What an inline-collecting frame will become when it closes.
#[derive(Debug)]
enum InlinesKind {
    /// A paragraph; `implicit` when opened for the bare text of a tight list item.
    Paragraph {
        implicit: bool,
    },
    Heading {
        level: HeadingLevel,
        id: String,
    },
    Cell,
    Emphasis,
    Strong,
    Strikethrough,
    Link {
        target: Target,
        title: Option<String>,
    },
    Image {
        src: String,
        title: Option<String>,
    },
}

/// One open element while events stream in.
#[derive(Debug)]
enum Frame {
    Blocks {
        pos: Pos,
        kind: BlocksKind,
        blocks: Vec<Block>,
    },
    Inlines {
        pos: Pos,
        kind: InlinesKind,
        inlines: Vec<Inline>,
    },
    List {
        pos: Pos,
        kind: ListKind,
        items: Vec<ListItem>,
        /// Set when an item's text comes in paragraph tags, which
        /// pulldown-cmark emits only for loose lists.
        loose: bool,
    },
    Table {
        pos: Pos,
        alignments: Vec<Alignment>,
        head: Vec<Cell>,
        rows: Vec<Vec<Cell>>,
        in_head: bool,
    },
    Code {
        pos: Pos,
        language: Option<String>,
        attributes: Vec<String>,
        text: String,
    },
    Html {
        pos: Pos,
        html: String,
    },
}

struct Builder<'a> {
    stack: Vec<Frame>,
    /// For each container start that was too deep, `true` (its end is ignored).
    flattened: Vec<bool>,
    footnotes: Vec<FootnoteDef>,
    referenced: Vec<String>,
    /// The number of each label in `referenced`, so that a chapter with
    /// thousands of notes does not search the list at every reference.
    numbers: BTreeMap<String, usize>,
    warnings: Vec<Diagnostic>,
    file: &'a Path,
    chapter_of: &'a dyn Fn(&str) -> Option<usize>,
    deep_warned: bool,
    hide_rust_lines: bool,
}

impl<'a> Builder<'a> {
    fn new(
        file: &'a Path,
        chapter_of: &'a dyn Fn(&str) -> Option<usize>,
        hide_rust_lines: bool,
    ) -> Builder<'a> {
        Builder {
            stack: vec![Frame::Blocks {
                pos: Pos::default(),
                kind: BlocksKind::Root,
                blocks: Vec::new(),
            }],
            flattened: Vec::new(),
            footnotes: Vec::new(),
            referenced: Vec::new(),
            numbers: BTreeMap::new(),
            warnings: Vec::new(),
            file,
            chapter_of,
            deep_warned: false,
            hide_rust_lines,
        }
    }

    fn event(&mut self, event: Event<'_>, pos: Pos) {
        match event {
            Event::Start(tag) => self.start(tag, pos),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text, pos),
            Event::Code(code) => self.inline(
                Inline::Code {
                    code: code.into_string(),
                },
                pos,
            ),
            Event::Html(html) => self.html_block_text(&html, pos),
            Event::InlineHtml(html) => {
                let html = without_comments(&html);
                if !html.is_empty() {
                    self.inline(Inline::Html { html }, pos);
                }
            }
            Event::FootnoteReference(label) => self.footnote_ref(label.into_string(), pos),
            Event::SoftBreak => self.inline(Inline::SoftBreak, pos),
            Event::HardBreak => self.inline(Inline::LineBreak, pos),
            Event::Rule => self.block(Block {
                pos,
                kind: BlockKind::ThematicBreak,
            }),
            Event::TaskListMarker(done) => self.task_marker(done),
            // Math is not enabled; show its source rather than lose it.
            Event::InlineMath(text) | Event::DisplayMath(text) => self.text(&text, pos),
        }
    }

    fn start(&mut self, tag: Tag<'_>, pos: Pos) {
        if nests(&tag) {
            let too_deep = self.stack.len() >= MAX_NESTING;
            self.flattened.push(too_deep);
            if too_deep {
                if !self.deep_warned {
                    self.deep_warned = true;
                    self.warnings.push(
                        Diagnostic::warning(
                            "deep-nesting",
                            Some(self.place(pos)),
                            format!(
                                "lists, quotes or emphasis are nested more than {MAX_NESTING} \
                                 deep; the deeper levels are merged into their parent"
                            ),
                        )
                        .with_hint("flatten the nesting; no reader can follow it"),
                    );
                }
                return;
            }
        }
        match tag {
            Tag::Paragraph => {
                self.close_implicit_paragraph();
                self.push_inlines(pos, InlinesKind::Paragraph { implicit: false });
            }
            Tag::Heading { level, id, .. } => {
                self.close_implicit_paragraph();
                let kind = InlinesKind::Heading {
                    level: heading_level(level),
                    id: id.map(|id| id.into_string()).unwrap_or_default(),
                };
                self.push_inlines(pos, kind);
            }
            Tag::BlockQuote(_) => {
                self.close_implicit_paragraph();
                self.push_blocks(pos, BlocksKind::BlockQuote);
            }
            Tag::CodeBlock(kind) => {
                self.close_implicit_paragraph();
                let (language, attributes) = match kind {
                    CodeBlockKind::Fenced(info) => info_string(&info),
                    CodeBlockKind::Indented => (None, Vec::new()),
                };
                self.stack.push(Frame::Code {
                    pos,
                    language,
                    attributes,
                    text: String::new(),
                });
            }
            Tag::HtmlBlock => {
                self.close_implicit_paragraph();
                self.stack.push(Frame::Html {
                    pos,
                    html: String::new(),
                });
            }
            Tag::List(start) => {
                self.close_implicit_paragraph();
                let kind = match start {
                    Some(start) => ListKind::Ordered { start },
                    None => ListKind::Bullet,
                };
                self.stack.push(Frame::List {
                    pos,
                    kind,
                    items: Vec::new(),
                    loose: false,
                });
            }
            Tag::Item => self.push_blocks(pos, BlocksKind::Item(None)),
            Tag::FootnoteDefinition(label) => {
                self.close_implicit_paragraph();
                self.push_blocks(pos, BlocksKind::FootnoteDef(label.into_string()));
            }
            Tag::Table(alignments) => {
                self.close_implicit_paragraph();
                self.stack.push(Frame::Table {
                    pos,
                    alignments: alignments.into_iter().map(alignment).collect(),
                    head: Vec::new(),
                    rows: Vec::new(),
                    in_head: false,
                });
            }
            Tag::TableHead => {
                if let Some(Frame::Table { in_head, .. }) = self.stack.last_mut() {
                    *in_head = true;
                }
            }
            Tag::TableRow => {
                if let Some(Frame::Table { rows, .. }) = self.stack.last_mut() {
                    rows.push(Vec::new());
                }
            }
            Tag::TableCell => self.push_inlines(pos, InlinesKind::Cell),
            Tag::Emphasis => self.push_inlines(pos, InlinesKind::Emphasis),
            Tag::Strong => self.push_inlines(pos, InlinesKind::Strong),
            Tag::Strikethrough => self.push_inlines(pos, InlinesKind::Strikethrough),
            Tag::Link {
                dest_url, title, ..
            } => {
                let target = self.target(&dest_url);
                let title = Some(title.into_string()).filter(|t| !t.is_empty());
                self.push_inlines(pos, InlinesKind::Link { target, title });
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                let kind = InlinesKind::Image {
                    src: dest_url.into_string(),
                    title: Some(title.into_string()).filter(|t| !t.is_empty()),
                };
                self.push_inlines(pos, kind);
            }
            // Extensions bindery does not enable; their content still flows
            // into the surrounding block.
            Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        if ends_nesting(&tag) {
            if self.flattened.pop() == Some(true) {
                return;
            }
            if matches!(tag, TagEnd::Item) {
                self.close_implicit_paragraph();
            }
        }
        match tag {
            TagEnd::TableHead => {
                if let Some(Frame::Table { in_head, .. }) = self.stack.last_mut() {
                    *in_head = false;
                }
            }
            TagEnd::TableRow
            | TagEnd::MetadataBlock(_)
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Superscript
            | TagEnd::Subscript => {}
            _ => self.pop(),
        }
    }

    /// Closes the innermost frame and hands its result to its parent.
    fn pop(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        match frame {
            Frame::Blocks { pos, kind, blocks } => match (kind, self.listings(blocks)) {
                (BlocksKind::Root, _) => {}
                (BlocksKind::BlockQuote, blocks) => self.block(Block {
                    pos,
                    kind: BlockKind::BlockQuote { blocks },
                }),
                (BlocksKind::Item(task), blocks) => {
                    if let Some(Frame::List { items, .. }) = self.stack.last_mut() {
                        items.push(ListItem { task, blocks });
                    }
                }
                (BlocksKind::FootnoteDef(label), blocks) => {
                    self.footnotes.push(FootnoteDef { label, pos, blocks });
                }
            },
            Frame::Inlines { pos, kind, inlines } => self.close_inlines(pos, kind, inlines),
            Frame::List {
                pos,
                kind,
                items,
                loose,
            } => self.block(Block {
                pos,
                kind: BlockKind::List(List {
                    kind,
                    tight: !loose,
                    items,
                }),
            }),
            Frame::Table {
                pos,
                alignments,
                head,
                rows,
                ..
            } => self.block(Block {
                pos,
                kind: BlockKind::Table(Table {
                    alignments,
                    head,
                    rows,
                }),
            }),
            Frame::Code {
                pos,
                language,
                attributes,
                mut text,
            } => {
                if self.hide_rust_lines && language.as_deref().is_some_and(mdbook::is_rust) {
                    text = mdbook::without_hidden_lines(&text);
                }
                self.block(Block {
                    pos,
                    kind: BlockKind::CodeBlock {
                        language,
                        attributes,
                        text,
                        listing: None,
                    },
                });
            }
            Frame::Html { pos, html } => self.html_block(pos, &html),
        }
    }

    /// Adds a block of raw HTML without its comments; a block that held
    /// nothing else is left out.
    fn html_block(&mut self, pos: Pos, html: &str) {
        let html = without_comments(html);
        if !html.trim().is_empty() {
            self.block(Block {
                pos,
                kind: BlockKind::Html { html },
            });
        }
    }

    /// A container's blocks with mdBook's listings read: a `<Listing …>`
    /// block of raw HTML, a code block and a `</Listing>` become the code
    /// block with its [`Listing`]. A listing around anything else loses
    /// its two tags, its caption following its content as a paragraph;
    /// one never closed stays raw HTML.
    fn listings(&mut self, blocks: Vec<Block>) -> Vec<Block> {
        let mut out = Vec::with_capacity(blocks.len());
        // The listing open now: its tag, the tag's block and where its
        // content starts in `out`.
        let mut open: Option<(ListingTag, Block, usize)> = None;
        for block in blocks {
            if let Some(tag) = listing_tag(&block) {
                // An earlier one never closed stays where it was.
                if let Some((_, unclosed, at)) = open.take() {
                    out.insert(at, unclosed);
                }
                let at = out.len();
                open = Some((tag, block, at));
            } else if is_listing_end(&block)
                && let Some((tag, start, at)) = open.take()
            {
                let content = out.split_off(at);
                out.extend(self.listing(tag, start.pos, content));
            } else {
                out.push(block);
            }
        }
        if let Some((_, unclosed, at)) = open {
            out.insert(at, unclosed);
        }
        out
    }

    /// The `content` of a listing whose tag at `pos` says `tag`.
    fn listing(&mut self, tag: ListingTag, pos: Pos, mut content: Vec<Block>) -> Vec<Block> {
        let caption = tag
            .caption
            .map(|caption| self.caption(&caption, pos))
            .unwrap_or_default();
        if let [
            Block {
                kind: BlockKind::CodeBlock { listing, .. },
                ..
            },
        ] = content.as_mut_slice()
        {
            // A listing that says nothing is the code alone.
            if tag.number.is_some() || tag.file_name.is_some() || !caption.is_empty() {
                *listing = Some(Box::new(Listing {
                    number: tag.number,
                    file_name: tag.file_name,
                    caption,
                }));
            }
            return content;
        }
        self.warnings.push(
            Diagnostic::warning(
                "listing-content",
                Some(self.place(pos)),
                "this <Listing> holds something other than one code block: its tags are left \
                 out, its caption follows its content as a paragraph, and its number and file \
                 name are not shown",
            )
            .with_hint("put exactly one code block between <Listing …> and </Listing>"),
        );
        if !caption.is_empty() {
            content.push(Block {
                pos,
                kind: BlockKind::Paragraph { content: caption },
            });
        }
        content
    }

    /// A listing's caption, inline Markdown written at `pos`, as inlines.
    /// A caption that Markdown reads as anything but paragraphs (`# 1`,
    /// `- a`) is kept as the text it is.
    fn caption(&mut self, source: &str, pos: Pos) -> Vec<Inline> {
        let mut builder = Builder::new(self.file, self.chapter_of, false);
        for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
            if let Event::End(tag) = event {
                builder.end(tag);
                continue;
            }
            if let Event::Text(t) = &event
                && let Some(quote) = smart_quote(t, source, range)
            {
                builder.text(quote.encode_utf8(&mut [0; 4]), pos);
                continue;
            }
            builder.event(event, pos);
        }
        let parsed = builder.finish();
        self.warnings.extend(parsed.warnings);
        let mut out = Vec::new();
        for block in parsed.blocks {
            let BlockKind::Paragraph { content } = block.kind else {
                return vec![Inline::Text {
                    text: source.trim().to_string(),
                }];
            };
            if !out.is_empty() {
                out.push(Inline::SoftBreak);
            }
            out.extend(content);
        }
        out
    }

    fn close_inlines(&mut self, pos: Pos, kind: InlinesKind, inlines: Vec<Inline>) {
        match kind {
            InlinesKind::Paragraph { implicit } => {
                if !implicit {
                    self.mark_list_loose();
                }
                self.block(Block {
                    pos,
                    kind: BlockKind::Paragraph { content: inlines },
                });
            }
            InlinesKind::Heading { level, id } => self.block(Block {
                pos,
                kind: BlockKind::Heading(Heading {
                    level,
                    id,
                    content: inlines,
                }),
            }),
            InlinesKind::Cell => match self.stack.last_mut() {
                Some(Frame::Table {
                    in_head: true,
                    head,
                    ..
                }) => head.push(inlines),
                Some(Frame::Table { rows, .. }) => match rows.last_mut() {
                    Some(row) => row.push(inlines),
                    None => rows.push(vec![inlines]),
                },
                _ => self.inlines_into_parent(inlines, pos),
            },
            InlinesKind::Emphasis => self.inline(Inline::Emphasis { content: inlines }, pos),
            InlinesKind::Strong => self.inline(Inline::Strong { content: inlines }, pos),
            InlinesKind::Strikethrough => {
                self.inline(Inline::Strikethrough { content: inlines }, pos)
            }
            InlinesKind::Link { target, title } => self.inline(
                Inline::Link {
                    target,
                    pos,
                    title,
                    content: inlines,
                },
                pos,
            ),
            InlinesKind::Image { src, title } => self.inline(
                Inline::Image {
                    src,
                    pos,
                    alt: Inline::plain_text(&inlines),
                    title,
                },
                pos,
            ),
        }
    }

    /// Reports `[^label]` written in running text (`source` starts at its
    /// `[`): pulldown-cmark makes a footnote reference of it only when the
    /// label is defined. Code and raw HTML are not running text.
    fn bracket(&mut self, source: &str, pos: Pos) {
        if matches!(
            self.stack.last(),
            Some(Frame::Code { .. } | Frame::Html { .. })
        ) {
            return;
        }
        let Some(label) = bracketed_caret(source) else {
            return;
        };
        self.warnings.push(
            Diagnostic::warning(
                "undefined-footnote",
                Some(self.place(pos)),
                format!("the footnote [^{label}] is referenced but not defined"),
            )
            .with_hint(format!("add a definition: [^{label}]: The note's text.")),
        );
    }

    /// pulldown-cmark wraps item text in paragraph tags only in loose lists,
    /// so an explicit paragraph directly in an item makes its list loose.
    fn mark_list_loose(&mut self) {
        if let [
            ..,
            Frame::List { loose, .. },
            Frame::Blocks {
                kind: BlocksKind::Item(_),
                ..
            },
        ] = self.stack.as_mut_slice()
        {
            *loose = true;
        }
    }

    fn inlines_into_parent(&mut self, inlines: Vec<Inline>, pos: Pos) {
        for inline in inlines {
            self.inline(inline, pos);
        }
    }

    fn push_blocks(&mut self, pos: Pos, kind: BlocksKind) {
        self.stack.push(Frame::Blocks {
            pos,
            kind,
            blocks: Vec::new(),
        });
    }

    fn push_inlines(&mut self, pos: Pos, kind: InlinesKind) {
        self.stack.push(Frame::Inlines {
            pos,
            kind,
            inlines: Vec::new(),
        });
    }

    /// Adds a finished block to the innermost frame that holds blocks.
    fn block(&mut self, block: Block) {
        self.close_implicit_paragraph();
        match self.stack.last_mut() {
            Some(Frame::Blocks { blocks, .. }) => blocks.push(block),
            // A block inside a list but outside an item cannot come from
            // pulldown-cmark; keep it in a new item rather than lose it.
            Some(Frame::List { items, .. }) => items.push(ListItem {
                task: None,
                blocks: vec![block],
            }),
            _ => {}
        }
    }

    /// Adds an inline to the innermost frame that holds inlines, opening an
    /// implicit paragraph for the bare text of tight list items.
    fn inline(&mut self, inline: Inline, pos: Pos) {
        match self.stack.last_mut() {
            Some(Frame::Inlines { inlines, .. }) => inlines.push(inline),
            Some(Frame::Code { text, .. }) => text.push_str(&Inline::plain_text(&[inline])),
            Some(Frame::Html { html, .. }) => html.push_str(&Inline::plain_text(&[inline])),
            _ => {
                self.push_inlines(pos, InlinesKind::Paragraph { implicit: true });
                if let Some(Frame::Inlines { inlines, .. }) = self.stack.last_mut() {
                    inlines.push(inline);
                }
            }
        }
    }

    fn close_implicit_paragraph(&mut self) {
        if let Some(Frame::Inlines {
            kind: InlinesKind::Paragraph { implicit: true },
            ..
        }) = self.stack.last()
        {
            self.pop();
        }
    }

    fn text(&mut self, text: &str, pos: Pos) {
        match self.stack.last_mut() {
            Some(Frame::Code { text: code, .. }) => code.push_str(text),
            Some(Frame::Html { html, .. }) => html.push_str(text),
            Some(Frame::Inlines { inlines, .. }) => match inlines.last_mut() {
                // Smart punctuation and escapes split text into several
                // events; join them so a word stays one text run.
                Some(Inline::Text { text: prev }) => prev.push_str(text),
                _ => inlines.push(Inline::Text {
                    text: text.to_string(),
                }),
            },
            _ => self.inline(
                Inline::Text {
                    text: text.to_string(),
                },
                pos,
            ),
        }
    }

    fn html_block_text(&mut self, html: &str, pos: Pos) {
        match self.stack.last_mut() {
            Some(Frame::Html { html: buf, .. }) => buf.push_str(html),
            _ => self.html_block(pos, html),
        }
    }

    fn task_marker(&mut self, done: bool) {
        let state = if done {
            TaskState::Done
        } else {
            TaskState::Open
        };
        // The marker comes inside the item, possibly inside its first paragraph.
        for frame in self.stack.iter_mut().rev() {
            if let Frame::Blocks {
                kind: BlocksKind::Item(task),
                ..
            } = frame
            {
                *task = Some(state);
                return;
            }
        }
    }

    fn footnote_ref(&mut self, label: String, pos: Pos) {
        let number = match self.numbers.get(&label) {
            Some(&number) => number,
            None => {
                self.referenced.push(label.clone());
                self.numbers.insert(label.clone(), self.referenced.len());
                self.referenced.len()
            }
        };
        self.inline(
            Inline::FootnoteRef {
                label,
                number: crate::error::to_u32(number),
                note_id: String::new(),
                id: String::new(),
            },
            pos,
        );
    }

    /// Classifies a link destination: a URL with a scheme is external; a path
    /// naming a chapter file (optionally with `#id`) or a bare `#id` is internal.
    fn target(&self, dest: &str) -> Target {
        if has_scheme(dest) {
            return Target::External {
                url: dest.to_string(),
            };
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment.to_string())),
            None => (dest, None),
        };
        let anchor = fragment.filter(|f| !f.is_empty());
        match (self.chapter_of)(path) {
            Some(chapter) => Target::Internal { chapter, anchor },
            None => Target::Broken {
                dest: dest.to_string(),
            },
        }
    }

    fn place(&self, pos: Pos) -> Place {
        Place::at(self.file, pos.line, pos.col)
    }

    fn finish(mut self) -> Parsed {
        while self.stack.len() > 1 {
            self.pop();
        }
        let blocks = match self.stack.pop() {
            Some(Frame::Blocks { blocks, .. }) => self.listings(blocks),
            _ => Vec::new(),
        };
        Parsed {
            blocks,
            footnotes: self.footnotes,
            referenced: self.referenced,
            warnings: self.warnings,
        }
    }
}

/// A fence's info string as language and attributes: its first word is the
/// language (CommonMark), and words are split at commas as well as spaces,
/// as mdBook does (`rust,ignore` is Rust with the attribute `ignore`).
pub fn info_string(info: &str) -> (Option<String>, Vec<String>) {
    let mut words = info
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(str::to_string);
    (words.next(), words.collect())
}

/// The label of the `[^label]` that `source` starts with, if it starts with one.
/// Raw HTML without its comments (`<!-- … -->`), which neither backend
/// shows: the EPUB would keep them as markup and the PDF, which sets raw
/// HTML as text, would print them. A comment left open runs to the end, as
/// CommonMark's HTML blocks and browsers read it.
pub fn without_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let body = &rest[start + 4..];
        // `<!-->` and `<!--->` are whole (empty) comments.
        let end = if body.starts_with('>') {
            Some(1)
        } else if body.starts_with("->") {
            Some(2)
        } else {
            body.find("-->").map(|i| i + 3)
        };
        match end {
            Some(end) => rest = &body[end..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

fn bracketed_caret(source: &str) -> Option<&str> {
    let rest = source.strip_prefix("[^")?;
    let label = &rest[..rest.find(']')?];
    let plain = !label.is_empty() && !label.contains(|c: char| c.is_whitespace() || c == '[');
    plain.then_some(label)
}

/// Elements whose depth is limited by [`MAX_NESTING`].
fn nests(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
    )
}

fn ends_nesting(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
    )
}

/// True for destinations like `https://…`, `mailto:…`, `tel:…`, and for
/// scheme-relative ones like `//example.com:8080/a.png`.
pub fn has_scheme(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.split_once(':') {
        Some((scheme, _)) => {
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && scheme.len() > 1
        }
        None => false,
    }
}

fn heading_level(level: pulldown_cmark::HeadingLevel) -> HeadingLevel {
    use pulldown_cmark::HeadingLevel as H;
    match level {
        H::H1 => HeadingLevel::H1,
        H::H2 => HeadingLevel::H2,
        H::H3 => HeadingLevel::H3,
        H::H4 => HeadingLevel::H4,
        H::H5 => HeadingLevel::H5,
        H::H6 => HeadingLevel::H6,
    }
}

fn alignment(alignment: pulldown_cmark::Alignment) -> Alignment {
    use pulldown_cmark::Alignment as A;
    match alignment {
        A::None => Alignment::Default,
        A::Left => Alignment::Left,
        A::Center => Alignment::Center,
        A::Right => Alignment::Right,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(html: &str) -> Option<ListingTag> {
        listing_tag(&Block {
            pos: Pos::default(),
            kind: BlockKind::Html {
                html: html.to_string(),
            },
        })
    }

    #[test]
    fn a_listing_tag_is_read_with_any_quoting_and_case() {
        let read = tag("<LISTING Number=2-1 file-name='a &quot;b&quot;.rs' x caption=\"A `c`\">\n");
        assert_eq!(
            read,
            Some(ListingTag {
                number: Some("2-1".to_string()),
                file_name: Some("a \"b\".rs".to_string()),
                caption: Some("A `c`".to_string()),
            })
        );
        assert_eq!(tag("<Listing>"), Some(ListingTag::default()));
        // An empty value says nothing.
        assert_eq!(tag("<Listing number=\"\">"), Some(ListingTag::default()));
    }

    #[test]
    fn other_html_is_no_listing_tag() {
        for html in [
            "<Listings>",
            "<Listing/>",
            "<Listing number=\"1\"",
            "<Listing caption=\"open>",
            "<Listing>\nmore text",
            "<div>",
        ] {
            assert_eq!(tag(html), None, "{html}");
        }
        let end = |html: &str| {
            is_listing_end(&Block {
                pos: Pos::default(),
                kind: BlockKind::Html {
                    html: html.to_string(),
                },
            })
        };
        assert!(end("</Listing>\n") && end("</listing>"));
        assert!(!end("</Listing>x") && !end("</div>"));
    }
}
