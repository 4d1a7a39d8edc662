//! The document model: one tree that every backend reads and none changes.
//!
//! The loader builds a [`Book`] from the manuscript; after that the model is
//! plain data. Every block carries the line and column where it starts in its
//! chapter's file, so diagnostics can point at the manuscript.

use serde::{Deserialize, Serialize};
use std::iter::once;
use std::path::PathBuf;

/// A whole book: its metadata and its chapters in reading order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Book {
    /// Title, authors, language and the other facts from `book.toml`.
    pub metadata: Metadata,
    /// The chapters in reading order; the FAQ is one of them.
    pub chapters: Vec<Chapter>,
}

/// Bibliographic facts about the book, taken from `book.toml`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Metadata {
    /// The book's title.
    pub title: String,
    /// An optional subtitle, shown under the title.
    pub subtitle: Option<String>,
    /// Authors in the order they are credited; may be empty.
    pub authors: Vec<String>,
    /// The book's language as a BCP 47 tag, such as `en` or `en-GB`.
    pub language: String,
    /// A unique identifier (ISBN, URN or URL) when the author supplied one.
    pub identifier: Option<String>,
    /// The publisher's name.
    pub publisher: Option<String>,
    /// Publication date as written in `book.toml` (ISO 8601, e.g. `2026-11-25`).
    pub date: Option<String>,
    /// A short description for catalogues and stores.
    pub description: Option<String>,
    /// The rights statement, e.g. a copyright line or a licence.
    pub rights: Option<String>,
    /// The words bindery writes itself, in the book's language. Derived from
    /// the language and `[labels]`, so not part of the model's dump.
    #[serde(skip)]
    pub labels: crate::lang::labels::Labels,
}

/// One chapter: a Markdown file of the manuscript.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chapter {
    /// Stable unique id of the chapter, derived from its file name.
    pub id: String,
    /// The file the chapter came from, relative to the manuscript folder.
    pub file: PathBuf,
    /// The chapter's title: its leading level-one heading, else the file name.
    pub title: Vec<Inline>,
    /// What the chapter holds.
    pub body: ChapterBody,
    /// Footnote definitions of this chapter, in the order they are first referenced.
    pub footnotes: Vec<Footnote>,
    /// The entry this chapter is nested under in the contents, as an index
    /// into [`Book::chapters`] (always an earlier one): a part, or the
    /// chapter an mdBook `SUMMARY.md` nests it in. `None` at the top.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<usize>,
    /// Whether this entry is a part title: a title page with no text of
    /// its own, above the chapters whose `parent` it is.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub part: bool,
}

/// The content of a chapter: running prose or a FAQ.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ChapterBody {
    /// Ordinary prose: a sequence of blocks.
    Prose {
        /// The chapter's blocks after its title.
        blocks: Vec<Block>,
    },
    /// A FAQ: an introduction, then groups of numbered questions.
    Faq(Faq),
}

/// A FAQ chapter: groups of numbered questions with their answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Faq {
    /// Blocks between the chapter title and the first group or question.
    pub intro: Vec<Block>,
    /// The groups in order. Questions placed before any group heading form a
    /// group without a heading.
    pub groups: Vec<FaqGroup>,
}

/// A group of questions under a level-two heading, such as "Beginner-Level Questions".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaqGroup {
    /// The group's heading; `None` for questions that precede every group heading.
    pub heading: Option<Heading>,
    /// Where the group starts.
    pub pos: Pos,
    /// Blocks between the group heading and its first question.
    pub intro: Vec<Block>,
    /// The questions of the group in order.
    pub questions: Vec<Question>,
}

/// One numbered question of a FAQ with its answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    /// The question's number, as written in the manuscript or counted.
    pub number: u32,
    /// The heading holding the question's text (without its number).
    pub heading: Heading,
    /// Where the question's heading is.
    pub pos: Pos,
    /// The blocks of the answer.
    pub answer: Vec<Block>,
}

/// A position in a chapter's source file, both counted from one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct Pos {
    /// Line number, counted from 1.
    pub line: u32,
    /// Column in characters, counted from 1.
    pub col: u32,
}

/// A block of content with the place it starts at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    /// Where the block starts in its chapter's file.
    pub pos: Pos,
    /// What the block is.
    #[serde(flatten)]
    pub kind: BlockKind,
}

/// The kinds of block content.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "block", rename_all = "kebab-case")]
pub enum BlockKind {
    /// A section heading inside a chapter (levels two to six).
    Heading(Heading),
    /// A paragraph of running text.
    Paragraph {
        /// The paragraph's inline content.
        content: Vec<Inline>,
    },
    /// A quotation set off from the text.
    BlockQuote {
        /// The quoted blocks.
        blocks: Vec<Block>,
    },
    /// A bulleted, numbered or task list.
    List(List),
    /// Preformatted code, kept verbatim.
    CodeBlock {
        /// The language: the info string's first word, if any (CommonMark),
        /// words split at commas as well as spaces (mdBook's `rust,ignore`).
        language: Option<String>,
        /// The info string's other words (`ignore`, `does_not_compile`).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        attributes: Vec<String>,
        /// The code, each line ending in a newline.
        text: String,
        /// The listing the code is, when mdBook's `<Listing>` wraps it:
        /// its number, file name and caption.
        #[serde(skip_serializing_if = "Option::is_none")]
        listing: Option<Box<Listing>>,
    },
    /// A table with a header row.
    Table(Table),
    /// A thematic break (`***`), a scene change.
    ThematicBreak,
    /// Raw HTML kept verbatim; each backend decides what to do with it.
    Html {
        /// The HTML source.
        html: String,
    },
}

/// A numbered or captioned code listing, as mdBook books write one
/// (`<Listing number="2-1" file-name="src/main.rs" caption="…">` around a
/// code block, the Rust Book's `mdbook-trpl` convention).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Listing {
    /// The listing's number as written (`2-1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The file the code is from (`src/main.rs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The caption, the manuscript's own text; empty when there is none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub caption: Vec<Inline>,
}

impl Listing {
    /// The words that number the listing (`label` is the book's `listing`
    /// label): "Listing 2-1:" before a caption, "Listing 2-1" alone without
    /// one; `None` for a listing without a number.
    pub fn number_words(&self, label: &crate::lang::labels::Label) -> Option<String> {
        let words = label.fill(self.number.as_deref()?);
        Some(if self.caption.is_empty() {
            words
                .trim_end_matches([':', ' ', '\u{a0}', '\u{202f}'])
                .to_string()
        } else {
            words
        })
    }
}

/// A heading: its level, its unique id and its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heading {
    /// How deep the heading sits in the outline.
    pub level: HeadingLevel,
    /// A unique id in the whole book, stable across rebuilds.
    pub id: String,
    /// The heading's text.
    pub content: Vec<Inline>,
}

/// Heading levels, as Markdown's `#` to `######`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum HeadingLevel {
    /// `#`: a chapter title.
    H1,
    /// `##`: a section (or a FAQ group).
    H2,
    /// `###`: a subsection (or a FAQ question).
    H3,
    /// `####`.
    H4,
    /// `#####`.
    H5,
    /// `######`.
    H6,
}

impl HeadingLevel {
    /// The level as a number from 1 to 6, as HTML's `h1`–`h6` use it.
    pub fn number(self) -> u8 {
        match self {
            HeadingLevel::H1 => 1,
            HeadingLevel::H2 => 2,
            HeadingLevel::H3 => 3,
            HeadingLevel::H4 => 4,
            HeadingLevel::H5 => 5,
            HeadingLevel::H6 => 6,
        }
    }
}

/// A list and its items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct List {
    /// Bulleted or numbered.
    pub kind: ListKind,
    /// Tight lists have no blank lines between items and are set closer.
    pub tight: bool,
    /// The items in order.
    pub items: Vec<ListItem>,
}

/// Whether a list is bulleted or numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListKind {
    /// A bulleted list.
    Bullet,
    /// A numbered list starting at `start`.
    Ordered {
        /// The first item's number.
        start: u64,
    },
}

/// One item of a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListItem {
    /// For a task list item, whether it is checked.
    pub task: Option<TaskState>,
    /// The item's blocks.
    pub blocks: Vec<Block>,
}

/// The state of a task list item's check box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskState {
    /// `- [ ]`.
    Open,
    /// `- [x]`.
    Done,
}

/// A table: column alignments, a header row and body rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// One alignment per column.
    pub alignments: Vec<Alignment>,
    /// The header row's cells.
    pub head: Vec<Cell>,
    /// The body rows; every row has as many cells as there are columns.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// Whether the header row names any column: Markdown requires a header
    /// row, and one left empty is no header.
    pub fn has_header(&self) -> bool {
        self.head
            .iter()
            .any(|cell| !Inline::plain_text(cell).trim().is_empty())
    }
}

/// A table cell's inline content.
pub type Cell = Vec<Inline>;

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Alignment {
    /// No alignment given: the reading direction's start.
    Default,
    /// `:---`.
    Left,
    /// `:---:`.
    Center,
    /// `---:`.
    Right,
}

/// A footnote definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Footnote {
    /// The label written in the manuscript (`[^label]`).
    pub label: String,
    /// The footnote's number in its chapter, counted from 1 in order of first reference.
    pub number: u32,
    /// A unique id in the whole book for the note itself.
    pub id: String,
    /// Where the definition starts.
    pub pos: Pos,
    /// The note's blocks.
    pub blocks: Vec<Block>,
}

/// Inline content: text and its markup.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "inline", rename_all = "kebab-case")]
pub enum Inline {
    /// Plain text.
    Text {
        /// The characters, with Markdown escapes resolved.
        text: String,
    },
    /// Emphasis, usually set in italics.
    Emphasis {
        /// The emphasised content.
        content: Vec<Inline>,
    },
    /// Strong emphasis, usually set in bold.
    Strong {
        /// The strongly emphasised content.
        content: Vec<Inline>,
    },
    /// Struck-out text.
    Strikethrough {
        /// The struck-out content.
        content: Vec<Inline>,
    },
    /// Inline code, set in monospace and never hyphenated.
    Code {
        /// The code.
        code: String,
    },
    /// A link to a place in the book or to the outside world.
    Link {
        /// Where the link goes.
        target: Target,
        /// Where the link is written.
        pos: Pos,
        /// The link's title attribute, if any.
        title: Option<String>,
        /// The link text.
        content: Vec<Inline>,
    },
    /// An image.
    Image {
        /// The image's path relative to the manuscript folder, or its URL.
        src: String,
        /// Where the image is written.
        pos: Pos,
        /// The alternative text; empty when the author gave none.
        alt: String,
        /// The image's title, if any.
        title: Option<String>,
    },
    /// A reference to a footnote of the same chapter.
    FootnoteRef {
        /// The label written in the manuscript.
        label: String,
        /// The footnote's number in its chapter.
        number: u32,
        /// The note's id (see [`Footnote::id`]); empty when the note is not defined.
        note_id: String,
        /// A unique id for this reference, for the note's back-link.
        id: String,
    },
    /// A soft line break: a space when set.
    SoftBreak,
    /// A hard line break.
    LineBreak,
    /// Raw inline HTML kept verbatim.
    Html {
        /// The HTML source.
        html: String,
    },
    /// A passage in another language than the book's: `[Bonjour]{lang=fr}`
    /// or `<span lang="fr">Bonjour</span>`.
    Span {
        /// The passage's language as a BCP 47 tag.
        lang: String,
        /// The passage.
        content: Vec<Inline>,
    },
}

/// Where a link points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "target", rename_all = "kebab-case")]
pub enum Target {
    /// A URL outside the book (`https:`, `mailto:` and the like).
    External {
        /// The URL as written.
        url: String,
    },
    /// A place in the book: a chapter, optionally an id inside it.
    Internal {
        /// Index of the chapter in [`Book::chapters`].
        chapter: usize,
        /// The id inside the chapter, or `None` for the chapter's start.
        anchor: Option<String>,
    },
    /// A link that looks internal but names no chapter or id of the book.
    Broken {
        /// The destination as written.
        dest: String,
    },
}

impl Inline {
    /// Plain text of a run of inlines, as a reader would say it.
    pub fn plain_text(inlines: &[Inline]) -> String {
        let mut out = String::new();
        push_plain(inlines, &mut out);
        out
    }
}

fn push_plain(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text } => out.push_str(text),
            Inline::Code { code } => out.push_str(code),
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Span { content, .. }
            | Inline::Link { content, .. } => push_plain(content, out),
            Inline::Image { alt, .. } => out.push_str(alt),
            Inline::SoftBreak | Inline::LineBreak => out.push(' '),
            Inline::FootnoteRef { .. } | Inline::Html { .. } => {}
        }
    }
}

impl Chapter {
    /// The chapter's title as plain text.
    pub fn title_text(&self) -> String {
        Inline::plain_text(&self.title)
    }
}

impl Chapter {
    /// Calls `f` on every heading of the chapter in reading order: section
    /// headings in the text, FAQ group headings and question headings.
    pub fn headings_mut(&mut self, f: &mut dyn FnMut(&mut Heading, Pos)) {
        match &mut self.body {
            ChapterBody::Prose { blocks } => blocks_headings_mut(blocks, f),
            ChapterBody::Faq(faq) => {
                blocks_headings_mut(&mut faq.intro, f);
                for group in &mut faq.groups {
                    if let Some(heading) = &mut group.heading {
                        f(heading, group.pos);
                    }
                    blocks_headings_mut(&mut group.intro, f);
                    for question in &mut group.questions {
                        f(&mut question.heading, question.pos);
                        blocks_headings_mut(&mut question.answer, f);
                    }
                }
            }
        }
    }

    /// Calls `f` on every inline of the chapter, nested ones included, in
    /// reading order: the title, the body, then the footnotes.
    pub fn inlines_mut(&mut self, f: &mut dyn FnMut(&mut Inline)) {
        inlines_mut(&mut self.title, f);
        match &mut self.body {
            ChapterBody::Prose { blocks } => blocks_inlines_mut(blocks, f),
            ChapterBody::Faq(faq) => {
                blocks_inlines_mut(&mut faq.intro, f);
                for group in &mut faq.groups {
                    if let Some(heading) = &mut group.heading {
                        inlines_mut(&mut heading.content, f);
                    }
                    blocks_inlines_mut(&mut group.intro, f);
                    for question in &mut group.questions {
                        inlines_mut(&mut question.heading.content, f);
                        blocks_inlines_mut(&mut question.answer, f);
                    }
                }
            }
        }
        for note in &mut self.footnotes {
            blocks_inlines_mut(&mut note.blocks, f);
        }
    }
}

/// One step through a chapter's body in reading order
/// ([`Chapter::reading_order`]): a block, or a FAQ group or question
/// opening or closing. The steps that [`ReadingStep::is_block`] are the
/// blocks of the print page map ([`crate::pages`]), numbered from 1 (0 is
/// the chapter's title).
#[derive(Debug, Clone, Copy)]
pub enum ReadingStep<'a> {
    /// A block of the prose, of the FAQ's or a group's introduction, or of an answer.
    Block(&'a Block),
    /// A FAQ group opens: its heading, when it has one, is a block.
    Group(&'a FaqGroup),
    /// The group opened last closes.
    GroupEnd,
    /// A question opens: its heading is a block; its answer's blocks follow.
    Question(&'a Question),
    /// The question opened last closes.
    QuestionEnd,
}

impl ReadingStep<'_> {
    /// Whether the step is a block of the print page map.
    pub fn is_block(&self) -> bool {
        match self {
            ReadingStep::Block(_) | ReadingStep::Question(_) => true,
            ReadingStep::Group(group) => group.heading.is_some(),
            ReadingStep::GroupEnd | ReadingStep::QuestionEnd => false,
        }
    }
}

impl Chapter {
    /// The chapter's body in reading order, after its title: the one walk
    /// by which both backends place print pages. A FAQ gives its
    /// introduction's blocks, then for each group its opening, its
    /// introduction's blocks, for each question its opening and its
    /// answer's blocks and its end, and the group's end.
    pub fn reading_order(&self) -> Box<dyn Iterator<Item = ReadingStep<'_>> + '_> {
        match &self.body {
            ChapterBody::Prose { blocks } => Box::new(blocks.iter().map(ReadingStep::Block)),
            ChapterBody::Faq(faq) => Box::new(
                faq.intro
                    .iter()
                    .map(ReadingStep::Block)
                    .chain(faq.groups.iter().flat_map(group_steps)),
            ),
        }
    }
}

/// A FAQ group in reading order: its opening, its introduction, its
/// questions, its end.
fn group_steps(group: &FaqGroup) -> impl Iterator<Item = ReadingStep<'_>> {
    once(ReadingStep::Group(group))
        .chain(group.intro.iter().map(ReadingStep::Block))
        .chain(group.questions.iter().flat_map(question_steps))
        .chain(once(ReadingStep::GroupEnd))
}

/// A FAQ question in reading order: its opening, its answer, its end.
fn question_steps(question: &Question) -> impl Iterator<Item = ReadingStep<'_>> {
    once(ReadingStep::Question(question))
        .chain(question.answer.iter().map(ReadingStep::Block))
        .chain(once(ReadingStep::QuestionEnd))
}

impl Chapter {
    /// Calls `f` on every heading of the chapter, as [`Chapter::headings_mut`]
    /// does, for readers that change nothing.
    pub fn headings(&self, f: &mut dyn FnMut(&Heading, Pos)) {
        for step in self.reading_order() {
            match step {
                ReadingStep::Block(block) => blocks_headings(std::slice::from_ref(block), f),
                ReadingStep::Group(FaqGroup {
                    heading: Some(heading),
                    pos,
                    ..
                }) => f(heading, *pos),
                ReadingStep::Question(question) => f(&question.heading, question.pos),
                ReadingStep::Group(_) | ReadingStep::GroupEnd | ReadingStep::QuestionEnd => {}
            }
        }
    }

    /// Calls `f` on every inline of the chapter, as [`Chapter::inlines_mut`]
    /// does, for readers that change nothing.
    pub fn inlines(&self, f: &mut dyn FnMut(&Inline)) {
        inlines(&self.title, f);
        for step in self.reading_order() {
            match step {
                ReadingStep::Block(block) => blocks_inlines(std::slice::from_ref(block), f),
                ReadingStep::Group(FaqGroup {
                    heading: Some(heading),
                    ..
                }) => inlines(&heading.content, f),
                ReadingStep::Question(question) => inlines(&question.heading.content, f),
                ReadingStep::Group(_) | ReadingStep::GroupEnd | ReadingStep::QuestionEnd => {}
            }
        }
        for note in &self.footnotes {
            blocks_inlines(&note.blocks, f);
        }
    }
}

fn blocks_headings(blocks: &[Block], f: &mut dyn FnMut(&Heading, Pos)) {
    for block in blocks {
        match &block.kind {
            BlockKind::Heading(heading) => f(heading, block.pos),
            BlockKind::BlockQuote { blocks } => blocks_headings(blocks, f),
            BlockKind::List(list) => {
                for item in &list.items {
                    blocks_headings(&item.blocks, f);
                }
            }
            _ => {}
        }
    }
}

fn blocks_inlines(blocks: &[Block], f: &mut dyn FnMut(&Inline)) {
    for block in blocks {
        match &block.kind {
            BlockKind::Heading(heading) => inlines(&heading.content, f),
            BlockKind::Paragraph { content } => inlines(content, f),
            BlockKind::BlockQuote { blocks } => blocks_inlines(blocks, f),
            BlockKind::List(list) => {
                for item in &list.items {
                    blocks_inlines(&item.blocks, f);
                }
            }
            BlockKind::Table(table) => {
                for cell in table.head.iter().chain(table.rows.iter().flatten()) {
                    inlines(cell, f);
                }
            }
            BlockKind::CodeBlock {
                listing: Some(listing),
                ..
            } => inlines(&listing.caption, f),
            BlockKind::CodeBlock { .. } | BlockKind::ThematicBreak | BlockKind::Html { .. } => {}
        }
    }
}

fn inlines(list: &[Inline], f: &mut dyn FnMut(&Inline)) {
    for inline in list {
        f(inline);
        match inline {
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Span { content, .. }
            | Inline::Link { content, .. } => inlines(content, f),
            _ => {}
        }
    }
}

fn blocks_headings_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Heading, Pos)) {
    for block in blocks {
        let pos = block.pos;
        match &mut block.kind {
            BlockKind::Heading(heading) => f(heading, pos),
            BlockKind::BlockQuote { blocks } => blocks_headings_mut(blocks, f),
            BlockKind::List(list) => {
                for item in &mut list.items {
                    blocks_headings_mut(&mut item.blocks, f);
                }
            }
            _ => {}
        }
    }
}

fn blocks_inlines_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Inline)) {
    inline_runs_mut(blocks, &mut |run| inlines_mut(run, f));
}

fn inlines_mut(inlines: &mut [Inline], f: &mut dyn FnMut(&mut Inline)) {
    for inline in inlines {
        f(inline);
        match inline {
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Span { content, .. }
            | Inline::Link { content, .. } => inlines_mut(content, f),
            _ => {}
        }
    }
}

/// Calls `f` on each run of inlines in `blocks` (a heading's or a
/// paragraph's text, a table cell, a listing's caption), nested blocks
/// included, in reading order.
pub fn inline_runs_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Vec<Inline>)) {
    for block in blocks {
        match &mut block.kind {
            BlockKind::Heading(heading) => f(&mut heading.content),
            BlockKind::Paragraph { content } => f(content),
            BlockKind::BlockQuote { blocks } => inline_runs_mut(blocks, f),
            BlockKind::List(list) => {
                for item in &mut list.items {
                    inline_runs_mut(&mut item.blocks, f);
                }
            }
            BlockKind::Table(table) => {
                for cell in table.head.iter_mut().chain(table.rows.iter_mut().flatten()) {
                    f(cell);
                }
            }
            BlockKind::CodeBlock {
                listing: Some(listing),
                ..
            } => f(&mut listing.caption),
            BlockKind::CodeBlock { .. } | BlockKind::ThematicBreak | BlockKind::Html { .. } => {}
        }
    }
}
