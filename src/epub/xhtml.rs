//! One chapter of the model as an XHTML content document.
//!
//! Every block and inline of the model has one arm here. Structure is marked
//! both ways, with `epub:type` for reading systems and the matching DPUB-ARIA
//! role for assistive technology. Footnotes become EPUB 3 pop-up notes: a
//! `noteref` link in the text and an `aside` at the end of the chapter whose
//! first child is the link back, which is what Kindle needs to show it as a
//! pop-up too.

use super::html::{Context, Sanitizer};
use super::{Layout, warning, xml};
use crate::error::Diagnostic;
use crate::highlight;
use crate::lang::labels::Labels;
use crate::model::{
    Alignment, Block, BlockKind, Book, Chapter, ChapterBody, Heading, Inline, List, ListKind, Pos,
    ReadingStep, Table, Target, TaskState,
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

/// The XHTML document of chapter `index`, with a marker where each of the
/// printed pages in `breaks` starts. Warnings name places in the chapter's
/// file inside `manuscript`.
pub fn chapter(
    book: &Book,
    index: usize,
    breaks: Vec<&PageStart>,
    layout: &Layout,
    manuscript: &Path,
    facts: &mut Facts,
    warnings: &mut Vec<Diagnostic>,
) -> String {
    let chapter = &book.chapters[index];
    let mut writer = Writer {
        chapter,
        labels: &book.metadata.labels,
        index,
        layout,
        manuscript,
        facts,
        warnings,
        out: xml::head(&book.metadata.language, &chapter.title_text(), ""),
        pos: Pos { line: 1, col: 1 },
        first_refs: first_references(chapter),
        level: 1,
        pages: Pages {
            breaks,
            next: 0,
            block: 0,
            count: 0,
        },
    };
    writer.chapter();
    writer.out.push_str(xml::FOOT);
    writer.out
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

struct Writer<'a> {
    chapter: &'a Chapter,
    labels: &'a Labels,
    index: usize,
    layout: &'a Layout,
    manuscript: &'a Path,
    facts: &'a mut Facts,
    warnings: &'a mut Vec<Diagnostic>,
    out: String,
    /// The block being written, for warnings about what is inside it.
    pos: Pos,
    first_refs: BTreeMap<String, String>,
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
        self.out.push_str(s);
    }

    fn chapter(&mut self) {
        let chapter = self.chapter;
        // A part is a title page: its section holds the part's title only.
        let (class, role) = match chapter.body {
            _ if chapter.part => ("part", "part"),
            ChapterBody::Prose { .. } => ("chapter", "chapter"),
            ChapterBody::Faq(_) => ("chapter faq", "chapter"),
        };
        self.push(&format!(
            "<section id=\"{}\" class=\"{class}\" epub:type=\"{role}\" role=\"doc-{role}\">\n",
            xml::escaped_attr(&chapter.id)
        ));
        self.mark_before(&chapter.title);
        self.push("<h1>");
        self.inlines(&chapter.title, false);
        self.push("</h1>\n");
        // Headings of questions in a group with a heading are a level lower.
        let mut level = 2;
        for step in chapter.reading_order() {
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
        self.footnotes();
        self.push("</section>\n");
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
            xml::text(&mut self.out, before);
            self.pages.count += pages::count(before);
            let label = start.label.clone();
            self.page_marker(&label);
            rest = after;
        }
        xml::text(&mut self.out, rest);
        if self.pages.pending() {
            self.pages.count += pages::count(rest);
        }
    }

    fn footnotes(&mut self) {
        let chapter = self.chapter;
        if chapter.footnotes.is_empty() {
            return;
        }
        self.push("<div class=\"footnotes\">\n");
        for note in &chapter.footnotes {
            self.facts.footnotes += 1;
            self.pos = note.pos;
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
        }
        self.push("</div>\n");
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
            BlockKind::CodeBlock { language, text, .. } => {
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
                let tokens = language
                    .as_deref()
                    .and_then(|l| highlight::highlight(l, text));
                let text = text.strip_suffix('\n').unwrap_or(text);
                match tokens {
                    Some(tokens) => self.highlighted(text, &tokens),
                    None => self.counted_text(text),
                }
                self.push("</code></pre>\n");
            }
            BlockKind::Table(table) => self.table(table),
            BlockKind::ThematicBreak => self.push("<hr/>\n"),
            BlockKind::Html { html } => {
                let mut sanitizer = Sanitizer::new(Context::Block, false);
                sanitizer.feed(html, &mut self.out);
                let changes = sanitizer.finish(&mut self.out);
                self.push("\n");
                self.report_html(changes);
            }
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
            let changes = sanitizer.finish(&mut self.out);
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
                        Ok(href) => Some(href),
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
                    Target::Internal { chapter, anchor } => {
                        Some(self.href(*chapter, anchor.as_deref()))
                    }
                    Target::Broken { .. } => None,
                };
                match href {
                    Some(href) if !in_link => {
                        self.push(&format!("<a href=\"{}\"", xml::escaped_attr(&href)));
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
                let id = xml::escaped_attr(id);
                if note_id.is_empty() || in_link {
                    self.push(&format!("<sup id=\"{id}\">{number}</sup>"));
                } else {
                    self.push(&format!(
                        "<sup><a id=\"{id}\" href=\"#{}\" class=\"noteref\" \
                         epub:type=\"noteref\" role=\"doc-noteref\">{number}</a></sup>",
                        xml::escaped_attr(note_id)
                    ));
                }
            }
            Inline::SoftBreak => self.push("\n"),
            Inline::LineBreak => self.push("<br/>\n"),
            Inline::Html { html: text } => html
                .get_or_insert_with(|| Sanitizer::new(Context::Inline, in_link))
                .feed(text, &mut self.out),
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
                xml::text(&mut self.out, alt);
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

    /// The link to chapter `chapter`, at `anchor` when given.
    fn href(&self, chapter: usize, anchor: Option<&str>) -> String {
        let file = if chapter == self.index {
            String::new()
        } else {
            self.layout.chapter_file(chapter)
        };
        match anchor {
            Some(anchor) => format!("{file}#{anchor}"),
            None if file.is_empty() => self.layout.chapter_file(chapter),
            None => file,
        }
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
