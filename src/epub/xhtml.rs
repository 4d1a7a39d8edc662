//! One chapter of the model as XHTML content documents.
//!
//! Every block and inline of the model has one arm here. Structure is marked
//! both ways, with `epub:type` for reading systems and the matching DPUB-ARIA
//! role for assistive technology. Footnotes become EPUB 3 pop-up notes: a
//! `noteref` link in the text and an `aside` at the end of the file that
//! holds the first reference, whose first child is the link back, which is
//! what Kindle needs to show it as a pop-up too.
//!
//! A chapter is written once into a [`Draft`] ([`draft`]); once every
//! chapter's files are planned ([`super::split`]), [`files`] cuts it into
//! its files and fills in the addresses of its internal links.

use super::html::{Context, Sanitizer};
use super::split::{Cut, Draft, Link, NoteDraft, Plan, Spot};
use super::{Layout, warning, xml};
use crate::error::Diagnostic;
use crate::highlight;
use crate::lang::labels::{Label, Labels};
use crate::model::{
    Alignment, Block, BlockKind, Book, Chapter, ChapterBody, Heading, Inline, List, ListKind,
    Listing, Pos, ReadingStep, Table, Target, TaskState,
};
use crate::pages::{self, PageStart};
use std::collections::BTreeMap;
use std::path::Path;

/// What the chapters turned out to contain, for the accessibility metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Images placed in the text.
    pub images: usize,
    /// Images placed without alternative text.
    pub images_without_alt: usize,
    /// Images that could not be copied in, shown as their alternative text.
    pub missing_images: usize,
    /// Tables.
    pub tables: usize,
    /// Tables with a header row that names their columns.
    pub tables_with_header: usize,
    /// Footnotes.
    pub footnotes: usize,
    /// Code blocks.
    pub code_blocks: usize,
    /// Headings that skip a level (an `h4` straight after an `h2`).
    pub skipped_heading_levels: usize,
    /// Page-break markers of the print edition.
    pub page_breaks: usize,
}

impl Facts {
    /// Adds what another chapter contains.
    pub fn add(&mut self, other: &Facts) {
        let Facts {
            images,
            images_without_alt,
            missing_images,
            tables,
            tables_with_header,
            footnotes,
            code_blocks,
            skipped_heading_levels,
            page_breaks,
        } = other;
        self.images += images;
        self.images_without_alt += images_without_alt;
        self.missing_images += missing_images;
        self.tables += tables;
        self.tables_with_header += tables_with_header;
        self.footnotes += footnotes;
        self.code_blocks += code_blocks;
        self.skipped_heading_levels += skipped_heading_levels;
        self.page_breaks += page_breaks;
    }
}

/// The draft of chapter `index`, with a marker where each of the printed
/// pages in `breaks` starts. Warnings name places in the chapter's file
/// inside `manuscript`.
pub fn draft(
    book: &Book,
    index: usize,
    breaks: Vec<&PageStart>,
    layout: &Layout,
    manuscript: &Path,
    facts: &mut Facts,
    warnings: &mut Vec<Diagnostic>,
) -> Draft {
    let chapter = &book.chapters[index];
    let notes = chapter
        .footnotes
        .iter()
        .map(|note| NoteDraft {
            id: note.id.clone(),
            range: 0..0,
            first_ref: None,
        })
        .collect();
    let mut writer = Writer {
        chapter,
        labels: &book.metadata.labels,
        index,
        layout,
        manuscript,
        facts,
        warnings,
        draft: Draft {
            notes,
            ..Draft::default()
        },
        note_index: chapter
            .footnotes
            .iter()
            .enumerate()
            .map(|(i, note)| (note.id.as_str(), i))
            .collect(),
        pos: Pos { line: 1, col: 1 },
        first_refs: first_references(chapter),
        note: None,
        level: 1,
        pages: Pages {
            breaks,
            next: 0,
            block: 0,
            count: 0,
        },
    };
    writer.chapter();
    writer.draft
}

/// The XHTML documents of chapter `index`, cut from its draft as `plan`
/// says, each with its section and the notes first referred to in it.
pub fn files(
    book: &Book,
    index: usize,
    draft: &Draft,
    plan: &Plan,
    layout: &Layout,
) -> Vec<String> {
    let chapter = &book.chapters[index];
    let (class, role) = section_kind(chapter);
    let chapter_title = chapter.title_text();
    (0..plan.starts.len())
        .map(|file| {
            // A file that starts with a heading is named by it.
            let title = match file {
                0 => &chapter_title,
                _ => plan.title(file, draft).unwrap_or(&chapter_title),
            };
            let mut out = xml::head(&book.metadata.language, title, "");
            // The chapter's id is its first file's section; the others
            // go on with the chapter.
            if file == 0 {
                out.push_str(&format!(
                    "<section id=\"{}\" class=\"{class}\" epub:type=\"{role}\" role=\"doc-{role}\">\n",
                    xml::escaped_attr(&chapter.id)
                ));
            } else {
                out.push_str(&format!(
                    "<section class=\"{class} continued\" epub:type=\"{role}\" role=\"doc-{role}\">\n"
                ));
            }
            // A file that starts inside a FAQ group opens it again, and the
            // file before closes it.
            if plan.cut(file, draft).is_some_and(|cut| cut.inside) {
                out.push_str("<section class=\"faq-group continued\">\n");
            }
            let filled = Filler { index, file, draft, layout };
            filled.copy(&mut out, plan.body(file, draft));
            if file + 1 < plan.starts.len()
                && plan.cut(file + 1, draft).is_some_and(|cut| cut.inside)
            {
                out.push_str("</section>\n");
            }
            let notes: Vec<&NoteDraft> = draft
                .notes
                .iter()
                .zip(&plan.notes)
                .filter(|&(_, &at)| at == file)
                .map(|(note, _)| note)
                .collect();
            if !notes.is_empty() {
                out.push_str("<div class=\"footnotes\">\n");
                for note in notes {
                    filled.copy(&mut out, note.range.clone());
                }
                out.push_str("</div>\n");
            }
            out.push_str("</section>\n");
            out.push_str(xml::FOOT);
            out
        })
        .collect()
}

/// The class and the `epub:type` of a chapter's section. A part is a title
/// page: its section holds the part's title only.
fn section_kind(chapter: &Chapter) -> (&'static str, &'static str) {
    match chapter.body {
        _ if chapter.part => ("part", "part"),
        ChapterBody::Prose { .. } => ("chapter", "chapter"),
        ChapterBody::Faq(_) => ("chapter faq", "chapter"),
    }
}

/// Copies ranges of a draft into file `file` of chapter `index`, with the
/// addresses of the internal links in them.
struct Filler<'a> {
    index: usize,
    file: usize,
    draft: &'a Draft,
    layout: &'a Layout,
}

impl Filler<'_> {
    fn copy(&self, out: &mut String, range: std::ops::Range<usize>) {
        let links = &self.draft.links;
        let first = links.partition_point(|link| link.at < range.start);
        let mut from = range.start;
        for link in links[first..].iter().take_while(|link| link.at < range.end) {
            out.push_str(&self.draft.text[from..link.at]);
            let href = self.layout.href(
                (self.index, self.file),
                link.chapter,
                link.anchor.as_deref(),
            );
            out.push_str(&xml::escaped_attr(&href));
            from = link.at;
        }
        out.push_str(&self.draft.text[from..range.end]);
    }
}

/// The characters of `inlines` that count for print pages: the
/// manuscript's own text and code.
fn counted(inlines: &[Inline]) -> usize {
    inlines
        .iter()
        .map(|inline| match inline {
            Inline::Text { text } => pages::count(text),
            Inline::Code { code } => pages::count(code),
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Span { content, .. }
            | Inline::Link { content, .. } => counted(content),
            _ => 0,
        })
        .sum()
}

/// For each footnote id, the id of its first reference: the note links back
/// there.
fn first_references(chapter: &Chapter) -> BTreeMap<String, String> {
    let mut first = BTreeMap::new();
    chapter.inlines(&mut |inline| {
        if let Inline::FootnoteRef { note_id, id, .. } = inline
            && !note_id.is_empty()
        {
            first.entry(note_id.clone()).or_insert_with(|| id.clone());
        }
    });
    first
}

/// A link's address: written as it is, or filled in when the files are known.
enum Href<'a> {
    Outside(String),
    Inside(usize, &'a Option<String>),
}

struct Writer<'a> {
    chapter: &'a Chapter,
    labels: &'a Labels,
    index: usize,
    layout: &'a Layout,
    manuscript: &'a Path,
    facts: &'a mut Facts,
    warnings: &'a mut Vec<Diagnostic>,
    draft: Draft,
    /// The block being written, for warnings about what is inside it.
    pos: Pos,
    first_refs: BTreeMap<String, String>,
    /// The note being written, when it is one.
    note: Option<usize>,
    /// Each note's index by its id.
    note_index: BTreeMap<&'a str, usize>,
    /// The level of the last heading written, to notice skipped levels.
    level: u8,
    pages: Pages<'a>,
}

/// Where the printed pages start, and how far the text written has come in
/// the terms of [`pages`]: the block and its counted characters.
struct Pages<'a> {
    breaks: Vec<&'a PageStart>,
    /// The next page to mark.
    next: usize,
    block: usize,
    count: usize,
}

impl Pages<'_> {
    /// Whether a page is still to be marked: until then the text written
    /// is counted (the footnotes, after the last marker, never are).
    fn pending(&self) -> bool {
        self.next < self.breaks.len()
    }
}

impl Writer<'_> {
    fn push(&mut self, s: &str) {
        self.draft.text.push_str(s);
    }

    fn chapter(&mut self) {
        let chapter = self.chapter;
        self.mark_before(&chapter.title);
        self.push("<h1>");
        self.inlines(&chapter.title, false);
        self.push("</h1>\n");
        // Headings of questions in a group with a heading are a level lower.
        let mut level = 2;
        // How many FAQ sections are open: a file starts between groups,
        // or inside a group between its questions, never inside a question.
        let mut open = 0;
        for step in chapter.reading_order() {
            if open < 2 {
                self.cut(&step, open == 1, level);
            }
            match step {
                ReadingStep::Group(_) | ReadingStep::Question(_) => open += 1,
                ReadingStep::GroupEnd | ReadingStep::QuestionEnd => open -= 1,
                ReadingStep::Block(_) => {}
            }
            // The markers of pages that start after the block before go
            // before anything this step writes.
            if step.is_block() {
                self.next_block();
            }
            match step {
                ReadingStep::Block(block) => self.block(block),
                ReadingStep::Group(group) => {
                    self.pos = group.pos;
                    self.push("<section class=\"faq-group\"");
                    if let Some(heading) = &group.heading {
                        self.push(&format!(
                            " aria-labelledby=\"{}\">\n",
                            xml::escaped_attr(&heading.id)
                        ));
                        self.heading(heading, 2, None);
                        level = 3;
                    } else {
                        self.push(">\n");
                        level = 2;
                    }
                }
                ReadingStep::Question(question) => {
                    self.pos = question.pos;
                    self.push(&format!(
                        "<section class=\"faq-question\" aria-labelledby=\"{}\">\n",
                        xml::escaped_attr(&question.heading.id)
                    ));
                    self.heading(&question.heading, level, Some(question.number));
                    self.push("<div class=\"answer\">\n");
                }
                ReadingStep::QuestionEnd => self.push("</div>\n</section>\n"),
                ReadingStep::GroupEnd => self.push("</section>\n"),
            }
        }
        // Pages that start after the last block's text (a blank page
        // before the next chapter) are marked at the end of the text.
        self.mark_pages(usize::MAX);
        self.draft.body_end = self.draft.text.len();
        self.footnotes();
    }

    /// Notes that a file may start before `step`, and at what heading
    /// level; `inside` a FAQ group, whose questions' headings are of
    /// `question_level`.
    fn cut(&mut self, step: &ReadingStep, inside: bool, question_level: u8) {
        let (heading, level, pos) = match step {
            ReadingStep::Block(block) => match &block.kind {
                BlockKind::Heading(heading) => (
                    Some(heading),
                    Some(heading.level.number().max(2)),
                    block.pos,
                ),
                _ => (None, None, block.pos),
            },
            ReadingStep::Group(group) => (group.heading.as_ref(), Some(2), group.pos),
            ReadingStep::Question(question) => {
                (Some(&question.heading), Some(question_level), question.pos)
            }
            ReadingStep::GroupEnd | ReadingStep::QuestionEnd => return,
        };
        let at = self.draft.text.len();
        let title = heading.map_or_else(String::new, |h| Inline::plain_text(&h.content));
        self.draft.cuts.push(Cut {
            at,
            level: heading.and(level),
            pos,
            title,
            inside,
        });
    }

    /// Records that `id` is written here, for the file that holds it.
    fn place(&mut self, id: &str) {
        let at = self.draft.text.len();
        self.draft.places.push((id.to_string(), at));
    }

    /// Records where note `note_id` is first referred to, if this is it.
    fn reference(&mut self, note_id: &str) {
        let spot = match self.note {
            Some(note) => Spot::Note(note),
            None => Spot::Body(self.draft.text.len()),
        };
        if let Some(&index) = self.note_index.get(note_id) {
            self.draft.notes[index].first_ref.get_or_insert(spot);
        }
    }

    /// Writes the address of an internal link, filled in when the files
    /// are known.
    fn link(&mut self, chapter: usize, anchor: Option<&str>) {
        let at = self.draft.text.len();
        self.draft.links.push(Link {
            at,
            chapter,
            anchor: anchor.map(str::to_string),
        });
    }

    /// Moves on to the next block of the page map, first marking the pages
    /// that start after the current block's last counted character.
    fn next_block(&mut self) {
        self.mark_pages(self.pages.block);
        self.pages.block += 1;
        self.pages.count = 0;
    }

    /// Marks, here, every page still to mark that starts in a block up to `block`.
    fn mark_pages(&mut self, block: usize) {
        while let Some(start) = self.pages.breaks.get(self.pages.next)
            && start.block <= block
        {
            self.page_marker(&start.label);
        }
    }

    /// Marks, before a heading, the pages that start in its text `title`:
    /// a marker inside a heading would become part of its name.
    fn mark_before(&mut self, title: &[Inline]) {
        let end = self.pages.count + counted(title);
        while let Some(start) = self.pages.breaks.get(self.pages.next)
            && start.block == self.pages.block
            && start.offset <= end
        {
            self.page_marker(&start.label);
        }
    }

    fn page_marker(&mut self, label: &str) {
        self.pages.next += 1;
        self.facts.page_breaks += 1;
        let id = self.layout.page_id(label);
        self.place(id);
        let label = xml::escaped_attr(label);
        self.push(&format!(
            "<span id=\"{id}\" epub:type=\"pagebreak\" role=\"doc-pagebreak\" aria-label=\"{label}\"/>"
        ));
    }

    /// Writes the manuscript's own text, with the markers of the pages
    /// that start in it. A page that starts inside a word (after a
    /// hyphenated or broken line) is marked before the word.
    /// Code as its tokens, each of a kind in a `<span class="hl-KIND">`;
    /// what the tokens hold past the end of `text` is left out.
    fn highlighted(&mut self, text: &str, tokens: &[highlight::Token]) {
        for token in tokens {
            let end = token.range.end.min(text.len());
            let part = &text[token.range.start.min(end)..end];
            if part.is_empty() {
                continue;
            }
            match token.kind {
                Some(kind) => {
                    self.push(&format!("<span class=\"hl-{}\">", kind.name()));
                    self.counted_text(part);
                    self.push("</span>");
                }
                None => self.counted_text(part),
            }
        }
    }

    fn counted_text(&mut self, text: &str) {
        let mut rest = text;
        while let Some(start) = self.pages.breaks.get(self.pages.next)
            && start.block == self.pages.block
        {
            let wanted = start.offset.saturating_sub(self.pages.count);
            let Some((at, _)) = rest
                .char_indices()
                .filter(|&(_, c)| pages::counts(c))
                .nth(wanted)
            else {
                break;
            };
            let word = rest[..at]
                .char_indices()
                .rev()
                .find(|&(_, c)| c.is_whitespace())
                .map_or(0, |(i, c)| i + c.len_utf8());
            let (before, after) = rest.split_at(word);
            xml::text(&mut self.draft.text, before);
            self.pages.count += pages::count(before);
            let label = start.label.clone();
            self.page_marker(&label);
            rest = after;
        }
        xml::text(&mut self.draft.text, rest);
        if self.pages.pending() {
            self.pages.count += pages::count(rest);
        }
    }

    /// Writes each note's `aside` after the body, recording where it is:
    /// a note goes to the file of its first reference.
    fn footnotes(&mut self) {
        let chapter = self.chapter;
        for (index, note) in chapter.footnotes.iter().enumerate() {
            self.facts.footnotes += 1;
            self.pos = note.pos;
            self.note = Some(index);
            let start = self.draft.text.len();
            self.push(&format!(
                "<aside id=\"{}\" class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\">\n<p>",
                xml::escaped_attr(&note.id)
            ));
            match self.first_refs.get(&note.id) {
                Some(reference) => self.push(&format!(
                    "<a href=\"#{}\" class=\"backlink\" epub:type=\"backlink\" \
                     role=\"doc-backlink\">{}.</a> ",
                    xml::escaped_attr(reference),
                    note.number
                )),
                None => self.push(&format!(
                    "<span class=\"note-number\">{}.</span> ",
                    note.number
                )),
            }
            let rest = match note.blocks.split_first() {
                Some((
                    Block {
                        kind: BlockKind::Paragraph { content },
                        pos,
                    },
                    rest,
                )) => {
                    self.pos = *pos;
                    self.inlines(content, false);
                    rest
                }
                _ => &note.blocks[..],
            };
            self.push("</p>\n");
            self.blocks(rest);
            self.push("</aside>\n");
            let end = self.draft.text.len();
            self.draft.notes[index].range = start..end;
        }
        self.note = None;
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block);
        }
    }

    fn block(&mut self, block: &Block) {
        self.pos = block.pos;
        match &block.kind {
            BlockKind::Heading(heading) => {
                self.heading(heading, heading.level.number().max(2), None);
            }
            BlockKind::Paragraph { content } => {
                self.push("<p>");
                self.inlines(content, false);
                self.push("</p>\n");
            }
            BlockKind::BlockQuote { blocks } => {
                self.push("<blockquote>\n");
                self.blocks(blocks);
                self.push("</blockquote>\n");
            }
            BlockKind::List(list) => self.list(list),
            BlockKind::CodeBlock {
                language,
                text,
                listing,
                ..
            } => match listing {
                Some(listing) => self.listing(listing, language.as_deref(), text),
                None => self.code(language.as_deref(), text),
            },
            BlockKind::Table(table) => self.table(table),
            BlockKind::ThematicBreak => self.push("<hr/>\n"),
            BlockKind::Html { html } => {
                let mut sanitizer = Sanitizer::new(Context::Block, false);
                sanitizer.feed(html, &mut self.draft.text);
                let changes = sanitizer.finish(&mut self.draft.text);
                self.push("\n");
                self.report_html(changes);
            }
        }
    }

    /// A code block in `language`, highlighted when bindery knows it.
    fn code(&mut self, language: Option<&str>, text: &str) {
        self.facts.code_blocks += 1;
        self.push("<pre class=\"code\"><code");
        if let Some(language) = language {
            let class: String = language
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
                .collect();
            if !class.is_empty() {
                self.push(&format!(" class=\"language-{class}\""));
            }
        }
        self.push(">");
        // Highlighted as the PDF highlights it, which finds these tokens kept.
        let tokens = language.and_then(|l| highlight::highlight(l, text));
        let text = text.strip_suffix('\n').unwrap_or(text);
        match tokens {
            Some(tokens) => self.highlighted(text, &tokens),
            None => self.counted_text(text),
        }
        self.push("</code></pre>\n");
    }

    /// A code listing: a `figure` with the file's name above the code and
    /// the number and caption under it. Only the caption is the
    /// manuscript's own text, counted for print pages; the labels are not.
    fn listing(&mut self, listing: &Listing, language: Option<&str>, text: &str) {
        // A page that starts with the listing starts before its file name.
        self.mark_before(&[]);
        self.push("<figure class=\"listing\">\n");
        let labels = self.labels;
        if let Some(file) = &listing.file_name {
            self.push("<p class=\"listing-file\"");
            self.label_lang(&labels.file_name);
            self.push(">");
            xml::text(&mut self.draft.text, &labels.file_name.fill(file));
            self.push("</p>\n");
        }
        self.code(language, text);
        let number = listing.number_words(&labels.listing);
        if number.is_some() || !listing.caption.is_empty() {
            self.push("<figcaption>");
            if let Some(number) = number {
                self.push("<span class=\"listing-number\"");
                self.label_lang(&labels.listing);
                self.push(">");
                xml::text(&mut self.draft.text, &number);
                self.push("</span>");
                if !listing.caption.is_empty() {
                    self.push(" ");
                }
            }
            self.inlines(&listing.caption, false);
            self.push("</figcaption>\n");
        }
        self.push("</figure>\n");
    }

    /// Marks a generated word's language when it is not the book's.
    fn label_lang(&mut self, label: &Label) {
        if let Some(lang) = label.lang {
            self.push(&format!(" xml:lang=\"{lang}\" lang=\"{lang}\""));
        }
    }

    fn heading(&mut self, heading: &Heading, level: u8, number: Option<u32>) {
        if level > self.level + 1 {
            self.facts.skipped_heading_levels += 1;
            let message = format!(
                "this heading skips from level {} to level {level}, which confuses screen readers",
                self.level
            );
            let hint = "use the next level down (one more # than the heading above)";
            self.warn("heading-skip", message, hint);
        }
        self.level = level;
        self.mark_before(&heading.content);
        self.place(&heading.id);
        self.push(&format!(
            "<h{level} id=\"{}\">",
            xml::escaped_attr(&heading.id)
        ));
        if let Some(number) = number {
            self.push(&format!("<span class=\"number\">{number}.</span> "));
        }
        self.inlines(&heading.content, false);
        self.push(&format!("</h{level}>\n"));
    }

    fn list(&mut self, list: &List) {
        let tag = match list.kind {
            ListKind::Bullet => "ul",
            ListKind::Ordered { .. } => "ol",
        };
        let tasks = list.items.iter().any(|item| item.task.is_some());
        self.push(&format!("<{tag}"));
        if tasks {
            self.push(" class=\"tasks\"");
        }
        if let ListKind::Ordered { start } = list.kind
            && start != 1
        {
            self.push(&format!(" start=\"{start}\""));
        }
        self.push(">\n");
        for item in &list.items {
            self.push("<li>");
            // The check box goes at the start of the item's first paragraph,
            // so it stays on the same line as the text.
            let labels = self.labels;
            let mut task = item.task.map(|state| match state {
                TaskState::Done => ("☑", labels.task_done.text.as_str()),
                TaskState::Open => ("☐", labels.task_open.text.as_str()),
            });
            for (i, block) in item.blocks.iter().enumerate() {
                let mark = task.take();
                match &block.kind {
                    BlockKind::Paragraph { content } => {
                        self.pos = block.pos;
                        // A tight list sets its first paragraph straight in the item.
                        let bare = list.tight && i == 0;
                        if !bare {
                            self.push("<p>");
                        }
                        if let Some(mark) = mark {
                            self.task_mark(mark);
                        }
                        self.inlines(content, false);
                        let more = i + 1 < item.blocks.len();
                        self.push(match (bare, more) {
                            (false, _) => "</p>\n",
                            (true, true) => "\n",
                            (true, false) => "",
                        });
                    }
                    _ => {
                        if let Some(mark) = mark {
                            self.task_mark(mark);
                        }
                        self.block(block);
                    }
                }
            }
            if let Some(mark) = task {
                self.task_mark(mark);
            }
            self.push("</li>\n");
        }
        self.push(&format!("</{tag}>\n"));
    }

    fn task_mark(&mut self, (mark, label): (&str, &str)) {
        self.push(&format!(
            "<span class=\"task\" role=\"img\" aria-label=\"{label}\">{mark}</span> "
        ));
    }

    fn table(&mut self, table: &Table) {
        self.facts.tables += 1;
        let class = |i: usize| match table.alignments.get(i) {
            Some(Alignment::Left) => " class=\"left\"",
            Some(Alignment::Center) => " class=\"center\"",
            Some(Alignment::Right) => " class=\"right\"",
            _ => "",
        };
        self.push("<div class=\"table\">\n<table>\n");
        // A header row with nothing in it names no column: it is left out.
        if table.has_header() {
            self.facts.tables_with_header += 1;
            self.push("<thead>\n<tr>");
            for (i, cell) in table.head.iter().enumerate() {
                self.push(&format!("<th scope=\"col\"{}>", class(i)));
                self.inlines(cell, false);
                self.push("</th>");
            }
            self.push("</tr>\n</thead>\n");
        }
        self.push("<tbody>\n");
        for row in &table.rows {
            self.push("<tr>");
            for (i, cell) in row.iter().enumerate() {
                self.push(&format!("<td{}>", class(i)));
                self.inlines(cell, false);
                self.push("</td>");
            }
            self.push("</tr>\n");
        }
        self.push("</tbody>\n</table>\n</div>\n");
    }

    /// Writes a run of inlines. Raw HTML in the run shares one sanitizer, so
    /// a tag opened in one piece and closed in a later one stays paired.
    fn inlines(&mut self, inlines: &[Inline], in_link: bool) {
        let mut html: Option<Sanitizer> = None;
        for inline in inlines {
            self.inline(inline, in_link, &mut html);
        }
        if let Some(sanitizer) = html {
            let changes = sanitizer.finish(&mut self.draft.text);
            self.report_html(changes);
        }
    }

    fn inline(&mut self, inline: &Inline, in_link: bool, html: &mut Option<Sanitizer>) {
        // Between `<script>` and `</script>` written inline, Markdown sees
        // text; it goes with the script.
        let skipped = html.as_ref().is_some_and(Sanitizer::is_skipping);
        if skipped && !matches!(inline, Inline::Html { .. }) {
            // The print edition sets it: it still counts for page places.
            if let Inline::Text { text } = inline
                && self.pages.pending()
            {
                self.pages.count += pages::count(text);
            }
            return;
        }
        let in_link = in_link || html.as_ref().is_some_and(Sanitizer::in_anchor);
        match inline {
            Inline::Text { text } => self.counted_text(text),
            Inline::Emphasis { content } => self.wrap("em", content, in_link),
            Inline::Strong { content } => self.wrap("strong", content, in_link),
            Inline::Strikethrough { content } => self.wrap("del", content, in_link),
            Inline::Span { lang, content } => {
                let lang = xml::escaped_attr(lang);
                self.push(&format!("<span xml:lang=\"{lang}\" lang=\"{lang}\">"));
                self.inlines(content, in_link);
                self.push("</span>");
            }
            Inline::Code { code } => {
                self.push("<code>");
                self.counted_text(code);
                self.push("</code>");
            }
            Inline::Link {
                target,
                title,
                content,
                pos,
            } => {
                let href = match target {
                    Target::External { url } => match crate::url::href(url) {
                        Ok(href) => Some(Href::Outside(href)),
                        Err(refused) => {
                            self.warnings.push(warning(
                                self.manuscript,
                                &self.chapter.file,
                                *pos,
                                "unlinkable-url",
                                refused.message(url),
                                "write the whole address, such as https://example.com/page; \
                                 the link text is kept without a link",
                            ));
                            None
                        }
                    },
                    Target::Internal { chapter, anchor } => Some(Href::Inside(*chapter, anchor)),
                    Target::Broken { .. } => None,
                };
                match href {
                    Some(href) if !in_link => {
                        self.push("<a href=\"");
                        match href {
                            Href::Outside(href) => self.push(&xml::escaped_attr(&href)),
                            Href::Inside(chapter, anchor) => self.link(chapter, anchor.as_deref()),
                        }
                        self.push("\"");
                        if let Some(title) = title.as_deref().filter(|t| !t.is_empty()) {
                            self.push(&format!(" title=\"{}\"", xml::escaped_attr(title)));
                        }
                        self.push(">");
                        self.inlines(content, true);
                        self.push("</a>");
                    }
                    _ => self.inlines(content, in_link),
                }
            }
            Inline::Image {
                src, alt, title, ..
            } => self.image(src, alt, title.as_deref()),
            Inline::FootnoteRef {
                number,
                note_id,
                id,
                ..
            } => {
                self.reference(note_id);
                let id = xml::escaped_attr(id);
                if note_id.is_empty() || in_link {
                    self.push(&format!("<sup id=\"{id}\">{number}</sup>"));
                } else {
                    self.push(&format!("<sup><a id=\"{id}\" href=\""));
                    self.link(self.index, Some(note_id));
                    self.push(&format!(
                        "\" class=\"noteref\" epub:type=\"noteref\" \
                         role=\"doc-noteref\">{number}</a></sup>"
                    ));
                }
            }
            Inline::SoftBreak => self.push("\n"),
            Inline::LineBreak => self.push("<br/>\n"),
            Inline::Html { html: text } => html
                .get_or_insert_with(|| Sanitizer::new(Context::Inline, in_link))
                .feed(text, &mut self.draft.text),
        }
    }

    fn wrap(&mut self, tag: &str, content: &[Inline], in_link: bool) {
        self.push(&format!("<{tag}>"));
        self.inlines(content, in_link);
        self.push(&format!("</{tag}>"));
    }

    fn image(&mut self, src: &str, alt: &str, title: Option<&str>) {
        let layout = self.layout;
        let Some(image) = layout.images.get(src) else {
            // The loader has warned already; the text alternative stands in.
            self.facts.missing_images += 1;
            if !alt.is_empty() {
                self.push("<span class=\"image-missing\">");
                xml::text(&mut self.draft.text, alt);
                self.push("</span>");
            }
            return;
        };
        self.facts.images += 1;
        // The loader's checks report the missing text with its place; here it
        // only counts against the accessibility claim.
        if alt.trim().is_empty() {
            self.facts.images_without_alt += 1;
        }
        self.push(&format!(
            "<img src=\"{}\" alt=\"{}\"",
            xml::escaped_attr(&image.href),
            xml::escaped_attr(alt.trim())
        ));
        if let Some(title) = title.filter(|t| !t.is_empty()) {
            self.push(&format!(" title=\"{}\"", xml::escaped_attr(title)));
        }
        self.push("/>");
    }

    fn report_html(&mut self, changes: Vec<String>) {
        if changes.is_empty() {
            return;
        }
        let message = format!(
            "raw HTML was changed to keep the EPUB valid and safe: {}",
            changes.join("; ")
        );
        let hint = "write this in Markdown, or use only simple HTML such as <span>, <sup>, \
                    <abbr> or <table>";
        self.warn("raw-html", message, hint);
    }

    fn warn(&mut self, code: &'static str, message: String, hint: &str) {
        let diagnostic = warning(
            self.manuscript,
            &self.chapter.file,
            self.pos,
            code,
            message,
            hint,
        );
        self.warnings.push(diagnostic);
    }
}
