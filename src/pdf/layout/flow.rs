//! The page flow of one part of the book (a chapter, or the front matter):
//! its pages, where the next line goes, lines flowing on to new pages with
//! widows and orphans kept off page edges, headings kept with what follows,
//! and the warnings and counts gathered on the way. A flow knows nothing of
//! the pages before its own: its page indexes start at 0.

use super::notes::Notes;
use super::quality::Tally;
use super::spans::{Inside, LinePieces, LinkSpan, pieces};
use super::{Item, Kind, LinkTarget, Mark, Page, PageInfo, Settings, counted_per_line};
use crate::error::{Diagnostic, Place};
use crate::model::Pos;
use crate::pdf::fonts::Style;
use crate::pdf::image::Picture;
use crate::pdf::tags::{Element, Role, Structure, Tag};
use crate::pdf::text::{Line, Measure, Run, Span, Typesetter};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The state of one part's page flow.
pub(super) struct Flow<'t, 'f> {
    pub(super) ts: &'t mut Typesetter<'f>,
    pub(super) settings: &'t Settings<'t>,
    /// Every chapter's id, for links to a chapter's start.
    pub(super) chapter_ids: &'t [String],
    /// The chapter file being laid out, for warnings.
    pub(super) file: &'t Path,
    pub(super) pages: Vec<Page>,
    pub(super) infos: Vec<PageInfo>,
    /// The top of the next line, from the page's top edge.
    pub(super) y: f32,
    pub(super) tally: Tally,
    pub(super) warnings: Warnings,
    /// Each image met so far, decoded for the PDF or refused with a reason.
    pub(super) pictures: BTreeMap<String, Result<Picture, String>>,
    /// Whether the next paragraph gets a first-line indent.
    pub(super) indent_next: bool,
    /// Where in the chapter the flow is, for the page map.
    pub(super) mark: Mark,
    /// The chapter's notes, set, and those waiting for a page's foot.
    pub(super) notes: Notes,
    /// A heading to carry to the next page with the lines it must keep.
    pub(super) keep: Option<Keep>,
    /// An open code frame: its page's item index and top.
    pub(super) frame: Option<(usize, f32)>,
    /// The structure of what is laid out, for the tagged PDF.
    pub(super) structure: Structure,
}

/// The links and passages in other languages of the paragraph whose
/// pieces are placed.
#[derive(Debug, Clone, Copy)]
pub(super) struct Within<'a> {
    pub(super) links: &'a [LinkSpan],
    pub(super) langs: &'a [String],
}

/// A heading (or a list marker) that must move to the next page with the
/// lines after it, should they not fit.
#[derive(Debug, Clone, Copy)]
pub(super) struct Keep {
    /// Its page, its first item there and its top.
    pub(super) page: usize,
    pub(super) item: usize,
    pub(super) top: f32,
    /// The page map's position where it starts.
    pub(super) mark: Mark,
}

/// A missing character warned about: the chapter file, the character and
/// the line.
type Reported = (PathBuf, char, u32);

/// The warnings of part of the book, in order. Those about a missing
/// character are given once per file, character and line, so each carries
/// its key, for [`Warnings::append`] to drop the ones an earlier part gave.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Warnings {
    #[serde(with = "super::cache::diagnostics")]
    pub(super) list: Vec<Diagnostic>,
    /// Each missing-character warning: its index in `list` and its key.
    keys: Vec<(usize, Reported)>,
    reported: BTreeSet<Reported>,
}

impl Warnings {
    /// Adds a warning about `c` at `pos` of `file` (in `dir`) unless one
    /// was given.
    fn missing(&mut self, dir: &Path, file: &Path, c: char, pos: Pos) {
        let key = (file.to_path_buf(), c, pos.line);
        if self.reported.contains(&key) {
            return;
        }
        self.keys.push((self.list.len(), key.clone()));
        self.reported.insert(key);
        let place = Place::at(dir.join(file), pos.line, pos.col);
        self.list.push(
            Diagnostic::warning(
                "missing-glyph",
                Some(place),
                format!(
                    "no font has the character “{c}” (U+{:04X}); it is printed as a box",
                    c as u32
                ),
            )
            .with_hint(
                "name a font that has it in book.toml [pdf] fonts, or replace the character",
            ),
        );
    }

    /// Adds a later part's warnings, but for missing characters warned
    /// about already (a file that is a chapter twice).
    pub(super) fn append(&mut self, later: Warnings) {
        let mut keys = later.keys.into_iter().peekable();
        for (index, warning) in later.list.into_iter().enumerate() {
            if let Some((_, key)) = keys.next_if(|(at, _)| *at == index) {
                if self.reported.contains(&key) {
                    continue;
                }
                self.keys.push((self.list.len(), key.clone()));
                self.reported.insert(key);
            }
            self.list.push(warning);
        }
    }
}

impl<'t, 'f> Flow<'t, 'f> {
    /// A flow with no page yet, laying out `file`.
    pub(super) fn new(
        ts: &'t mut Typesetter<'f>,
        settings: &'t Settings<'t>,
        chapter_ids: &'t [String],
        file: &'t Path,
    ) -> Flow<'t, 'f> {
        Flow {
            ts,
            settings,
            chapter_ids,
            file,
            pages: Vec::new(),
            infos: Vec::new(),
            y: 0.0,
            tally: Tally::default(),
            warnings: Warnings::default(),
            pictures: BTreeMap::new(),
            indent_next: false,
            mark: Mark::default(),
            notes: Notes::default(),
            keep: None,
            frame: None,
            structure: Structure::default(),
        }
    }

    /// Counts the lines of one paragraph in the quality report.
    pub(super) fn count(&mut self, lines: &[Line]) {
        self.tally.add(lines);
    }

    /// Starts a page of running text.
    pub(super) fn new_page(&mut self) {
        self.start_page(Kind::Text);
    }

    pub(super) fn start_page(&mut self, kind: Kind) {
        let open_frame = self.frame.is_some();
        self.close_page();
        let g = self.settings.geometry;
        self.pages.push(Page {
            width: g.width,
            height: g.height,
            items: Vec::new(),
        });
        self.infos.push(PageInfo {
            kind,
            start: self.mark,
        });
        self.y = g.top;
        self.place_carried_notes();
        if open_frame {
            self.frame = Some((0, self.y));
        }
    }

    /// Finishes the current page: closes a code frame and sets its notes.
    pub(super) fn close_page(&mut self) {
        self.close_frame();
        self.set_page_notes();
    }

    /// The lowest the text may reach on this page.
    pub(super) fn bottom(&self) -> f32 {
        let g = self.settings.geometry;
        g.height - g.bottom - self.notes.height
    }

    /// Whether nothing but notes carried over is on the current page yet.
    pub(super) fn at_top(&self) -> bool {
        self.y <= self.settings.geometry.top + 0.01
    }

    /// Adds vertical space, unless at the top of a page.
    pub(super) fn space(&mut self, amount: f32) {
        if !self.at_top() {
            self.y += amount;
        }
    }

    /// Starts a new page when less than `height` is left on this one.
    pub(super) fn need(&mut self, height: f32) {
        if self.pages.is_empty() || (self.y + height > self.bottom() && !self.at_top()) {
            self.new_page();
        }
    }

    pub(super) fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.items.push(item);
        }
    }

    /// Places set lines at `x`, `leading` apart, flowing onto new pages.
    /// The lines were set from `spans`. Lines of a paragraph (`paragraph`)
    /// keep widows and orphans off page edges; `refs` are the paragraph's
    /// footnote references in order, and `links` its links.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn place(
        &mut self,
        mut lines: Vec<Line>,
        spans: &[Span],
        x: f32,
        size: f32,
        leading: f32,
        paragraph: bool,
        refs: &[(String, String)],
        links: &[LinkSpan],
    ) {
        self.count(&lines);
        let counts = counted_per_line(spans, &lines);
        // The references each line carries: its raised runs, in order.
        let mut per_line = Vec::with_capacity(lines.len());
        let mut next = 0;
        for line in &lines {
            let count = line.runs.iter().filter(|r| r.rise > 0.0).count();
            let end = (next + count).min(refs.len());
            per_line.push(next..end);
            next = end;
        }
        let mut pieces = pieces(self.ts, &mut lines, spans, links);
        let mut at = 0;
        while at < lines.len() {
            if self.pages.is_empty() {
                self.new_page();
            }
            let fit = self.lines_that_fit(&lines[at..], &per_line[at..], refs, leading);
            let rest = lines.len() - at;
            let mut take = fit.min(rest);
            if paragraph && take < rest {
                // Never leave the last line alone at the top of the next page,
                // nor the first alone at the foot of this one.
                if rest - take == 1 && take > 0 {
                    take -= 1;
                }
                if at == 0 && take == 1 {
                    take = 0;
                }
            }
            if take == 0 {
                if self.at_top() {
                    // Not even a line fits on an empty page: place one anyway.
                    take = 1;
                    if paragraph && rest > 1 && at == 0 {
                        self.tally.orphans += 1;
                    }
                } else {
                    self.break_keeping();
                    continue;
                }
            }
            if paragraph && at > 0 && take == 1 && rest == 1 {
                self.tally.widows += 1;
            }
            for i in at..at + take {
                let line = std::mem::take(&mut pieces.lines[i]);
                let range = per_line[i].clone();
                let inline = Within {
                    links,
                    langs: &pieces.langs,
                };
                self.place_line(line, x, size, leading, &refs[range], inline);
                self.mark.offset += counts[i];
            }
            self.keep = None;
            at += take;
            if at < lines.len() {
                self.new_page();
            }
        }
    }

    /// Puts a line's pieces on the page at `x`, with its baseline at
    /// `baseline` (its links `leading` high), tagged as content of the structure open now or of the
    /// links and passages in `inline` they belong to, and makes each link's
    /// clickable stretch. A raised run is a footnote mark when `refs` has
    /// one left: its tag comes from `reference`.
    pub(super) fn put_pieces(
        &mut self,
        line: LinePieces,
        (x, baseline, leading): (f32, f32, f32),
        inline: Within<'_>,
        mut reference: impl FnMut(&mut Self, &Run) -> Option<Tag>,
    ) {
        let top = self.y;
        // Each link's stretch on this line so far: from, to, link, tag.
        let mut areas: Vec<(f32, f32, u32, Tag)> = Vec::new();
        for (run, inside) in line.runs {
            let tag = match reference(self, &run) {
                Some(tag) => tag,
                None if inside.is_plain() => self.structure.tag(),
                None => self.inline_tag(inside, &inline),
            };
            if let Some(link) = inside.link {
                match areas.last_mut() {
                    Some(area) if area.2 == link && area.3 == tag => area.1 = run.x + run.width,
                    _ => areas.push((run.x, run.x + run.width, link, tag)),
                }
            }
            self.push(text_item(run, x, baseline, tag));
        }
        if let Some(hyphen) = line.hyphen {
            self.push(text_item(hyphen, x, baseline, Tag::Artifact));
        }
        for (from, to, link, tag) in areas {
            let Some((_, target)) = inline.links.get(link as usize) else {
                continue;
            };
            self.push(Item::Link {
                x: x + from,
                y: top,
                width: to - from,
                height: leading,
                target: target.clone(),
                tag,
            });
        }
    }

    /// The tag of text inside a link or a passage in another language: a
    /// `Link` (with the passage's language, if in one) or a `Span` with its
    /// language, continued while nothing else comes between.
    fn inline_tag(&mut self, inside: Inside, inline: &Within<'_>) -> Tag {
        let key = (u64::from(inside.link.map_or(0, |l| l + 1)) << 32)
            | u64::from(inside.lang.map_or(0, |l| l + 1));
        let lang = inside
            .lang
            .and_then(|l| inline.langs.get(l as usize))
            .cloned();
        let role = if inside.link.is_some() {
            Role::Link
        } else {
            Role::Span
        };
        self.structure.inline(key, || Element {
            lang,
            ..Element::new(role)
        })
    }

    /// How many of `lines` fit on this page, with the notes they call.
    fn lines_that_fit(
        &self,
        lines: &[Line],
        per_line: &[std::ops::Range<usize>],
        refs: &[(String, String)],
        leading: f32,
    ) -> usize {
        let g = self.settings.geometry;
        let mut y = self.y;
        let mut extra = 0;
        let mut seen = BTreeSet::new();
        for (n, range) in per_line.iter().enumerate().take(lines.len()) {
            for (note_id, _) in &refs[range.clone()] {
                if let Some(index) = self.notes.index(note_id)
                    && !self.notes.placed.contains(&index)
                    && seen.insert(index)
                {
                    extra += self.note_need(index);
                }
            }
            y += leading;
            let limit = g.height - g.bottom - self.notes_room(extra);
            if y > limit + 0.01 {
                return n;
            }
        }
        lines.len()
    }

    /// Remembers where a heading or list marker starts, to move it to the
    /// next page with the lines that must follow it.
    pub(super) fn keep_from_here(&mut self) {
        self.keep = Some(Keep {
            page: self.pages.len() - 1,
            item: self.pages.last().map_or(0, |p| p.items.len()),
            top: self.y,
            mark: self.mark,
        });
    }

    /// Starts a new page, taking along a heading that must stay with what
    /// follows; the page then starts where the heading does.
    pub(super) fn break_keeping(&mut self) {
        let Some(Keep {
            page,
            item,
            top,
            mark,
        }) = self.keep.take()
        else {
            self.new_page();
            return;
        };
        let last = self.pages.len();
        let moved = match self.pages.get_mut(page) {
            Some(p) if page + 1 == last => p.items.split_off(item.min(p.items.len())),
            _ => Vec::new(),
        };
        let carried = self.y - top;
        self.new_page();
        if let Some(info) = self.infos.last_mut() {
            info.start = mark;
        }
        let shift = self.settings.geometry.top - top;
        for mut item in moved {
            match &mut item {
                Item::Text { y, .. }
                | Item::Rule { y, .. }
                | Item::Rect { y, .. }
                | Item::Anchor { y, .. }
                | Item::Link { y, .. }
                | Item::Image { y, .. } => *y += shift,
            }
            self.push(item);
        }
        self.y += carried;
    }

    /// Places one line's pieces with its footnote marks, their links and
    /// their notes.
    fn place_line(
        &mut self,
        line: LinePieces,
        x: f32,
        size: f32,
        leading: f32,
        refs: &[(String, String)],
        inline: Within<'_>,
    ) {
        let top = self.y;
        let baseline = self.y + size;
        let mut marks = Vec::new();
        let mut refs_left = refs.iter();
        // A footnote's mark is a `Reference` (a link to the note when it
        // has one) and its `Note` follows it in the reading order.
        self.put_pieces(line, (x, baseline, leading), inline, |flow, run| {
            let (note_id, _) = (run.rise > 0.0).then(|| refs_left.next()).flatten()?;
            let tag = flow.reference(note_id);
            marks.push((run.x, run.width, tag));
            Some(tag)
        });
        for ((note_id, ref_id), (mark_x, width, tag)) in refs.iter().zip(marks) {
            self.push(Item::Anchor {
                id: ref_id.clone(),
                y: top,
            });
            if note_id.is_empty() {
                continue;
            }
            self.push(Item::Link {
                x: x + mark_x,
                y: top,
                width,
                height: leading,
                target: LinkTarget::Internal(note_id.clone()),
                tag,
            });
            if let Some(index) = self.notes.index(note_id)
                && self.notes.placed.insert(index)
            {
                self.place_note(index);
            }
        }
        self.y += leading;
    }

    /// A footnote mark's `Reference` element and, the first time the note
    /// is referred to, the note's `Note` after it; the mark's tag.
    fn reference(&mut self, note_id: &str) -> Tag {
        let reference = self.structure.open(Role::Reference);
        let tag = if note_id.is_empty() {
            self.structure.slot_in(reference)
        } else {
            self.structure.leaf(Role::Link)
        };
        self.structure.close();
        if let Some(index) = self.notes.index(note_id)
            && self.notes.tag(index) == Tag::Artifact
        {
            let note = self.structure.open_element(Element {
                id: Some(note_id.to_string()),
                ..Element::new(Role::Note)
            });
            self.structure.close();
            let note_tag = self.structure.slot_in(note);
            self.notes.set_tag(index, note_tag);
        }
        tag
    }

    /// Puts a line's runs on the page, tagged as content of the structure
    /// open now.
    pub(super) fn put_line(&mut self, line: &Line, x: f32, baseline: f32) {
        let tag = self.structure.tag();
        self.put_tagged(line, x, baseline, tag);
    }

    /// Puts a line's runs on the page with `tag`.
    pub(super) fn put_tagged(&mut self, line: &Line, x: f32, baseline: f32, tag: Tag) {
        if let Some(page) = self.pages.last_mut() {
            put(page, line, x, baseline, tag);
        }
    }

    pub(super) fn rule(&mut self, x: f32, width: f32) {
        let y = self.y;
        self.rule_at(x, y, width);
    }

    pub(super) fn rule_at(&mut self, x: f32, y: f32, width: f32) {
        self.push(Item::Rule {
            x,
            y,
            width,
            thickness: 0.4,
        });
    }

    /// Opens a light frame behind what follows (a code block), to its end or the page's.
    pub(super) fn open_frame(&mut self) {
        let items = self.pages.last().map_or(0, |p| p.items.len());
        self.frame = Some((items, self.y));
    }

    /// Closes the open frame, painting it under what it holds.
    pub(super) fn close_frame(&mut self) {
        let Some((item, top)) = self.frame.take() else {
            return;
        };
        if self.y <= top {
            return;
        }
        let g = self.settings.geometry;
        let pad = 0.3 * g.leading;
        let rect = Item::Rect {
            x: 0.0,
            y: top - pad,
            width: g.measure(),
            height: self.y - top + 2.0 * pad,
            gray: 0.93,
        };
        if let Some(page) = self.pages.last_mut() {
            let at = item.min(page.items.len());
            page.items.insert(at, rect);
        }
    }

    /// Warns once per character and line about characters no face has.
    pub(super) fn missing(&mut self, chars: &[char], pos: Pos) {
        for &c in chars {
            self.warnings
                .missing(self.settings.source_dir, self.file, c, pos);
        }
    }

    /// A warning about what the PDF cannot show at `pos`.
    pub(super) fn warn(&mut self, code: &'static str, pos: Pos, message: String, hint: &str) {
        let place = Place::at(self.settings.source_dir.join(self.file), pos.line, pos.col);
        self.warnings
            .list
            .push(Diagnostic::warning(code, Some(place), message).with_hint(hint));
    }

    /// Sets one line of `text` (the first, if it wraps) in `style` at `size`.
    pub(super) fn one_line(
        &mut self,
        text: &str,
        style: Style,
        size: f32,
        width: f32,
    ) -> Option<Line> {
        one_line(self.ts, text, style, size, width)
    }
}

/// Sets one line of `text` (the first, if it wraps) in `style` at `size`.
pub(super) fn one_line(
    ts: &mut Typesetter<'_>,
    text: &str,
    style: Style,
    size: f32,
    width: f32,
) -> Option<Line> {
    let measure = Measure::ragged(size, width);
    ts.set(&[Span::new(text, style)], &measure)
        .lines
        .into_iter()
        .next()
}

/// Puts a line's runs on a page with its baseline at `baseline`, tagged
/// `tag`, and the hyphen added at its break as an artifact.
pub(super) fn put(page: &mut Page, line: &Line, x: f32, baseline: f32, tag: Tag) {
    let (runs, hyphen) = line.clone().take_runs();
    for run in runs {
        page.items.push(text_item(run, x, baseline, tag));
    }
    if let Some(hyphen) = hyphen {
        page.items
            .push(text_item(hyphen, x, baseline, Tag::Artifact));
    }
}

/// A run placed on a line that starts at `x` with its baseline at `baseline`.
fn text_item(run: Run, x: f32, baseline: f32, tag: Tag) -> Item {
    Item::Text {
        x: x + run.x,
        y: baseline - run.rise,
        run,
        tag,
    }
}
