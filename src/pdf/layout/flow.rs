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
use crate::pdf::text::{Line, Measure, Run, Span, TAIL_MIN, Typesetter, word_letters};
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
    /// How the paragraph about to be placed was set, so that it can be set
    /// again a line longer or shorter to fill its page.
    pub(super) measure: Option<Measure>,
    /// Where the last block quote or list ended with the space after it:
    /// its page count and height.
    pub(super) set_off_end: Option<(usize, f32)>,
    /// Whether the flow's first page is a right-hand one, so that its
    /// spreads are known and a left-hand page a line short has the page
    /// facing it run a line short too.
    pub(super) spreads: bool,
    /// The lowest the text may reach on this page, when that is above the
    /// grid's last line: it faces a page a line short.
    floor: Option<f32>,
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
    /// Whether it is a heading, kept until two lines follow it, and how
    /// many have so far.
    pub(super) heading: bool,
    pub(super) after: usize,
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
            measure: None,
            set_off_end: None,
            spreads: false,
            floor: None,
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
        if self
            .keep
            .is_some_and(|k| k.heading && k.page + 1 == self.pages.len())
        {
            // A heading left at the foot of the page with too little after it.
            self.tally.stranded += 1;
        }
        let open_frame = self.frame.is_some();
        self.floor = self.left_page_short().then(|| {
            let g = self.settings.geometry;
            g.foot() - g.leading
        });
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

    /// Whether the page being closed is a left-hand one whose text (and no
    /// note) ends one line above the grid's last: the right-hand page
    /// facing it is then run a line short too.
    fn left_page_short(&self) -> bool {
        let g = self.settings.geometry;
        let last = g.foot() - g.leading;
        self.spreads
            && self.pages.len().is_multiple_of(2)
            && self.notes.height == 0.0
            && self.y > last - g.leading + 0.01
            && self.y < last + 0.01
    }

    /// The lowest the text may reach on this page.
    pub(super) fn bottom(&self) -> f32 {
        self.limit(self.notes.height)
    }

    /// The lowest the text may reach above notes `height` high: the grid's
    /// last line with no notes, else the top of the notes' area.
    pub(super) fn limit(&self, height: f32) -> f32 {
        let foot = self.floor.unwrap_or(self.settings.geometry.foot());
        if height > 0.0 {
            foot.min(self.notes_base() - height)
        } else {
            foot
        }
    }

    /// Moves down onto the next line of the baseline grid, unless on one:
    /// whatever comes before, the text after it stays on the grid.
    /// Paragraphs spaced half a line apart are off the grid by design: there,
    /// nothing is snapped.
    pub(super) fn snap(&mut self) {
        if !self.settings.indent {
            return;
        }
        let g = self.settings.geometry;
        let lines = ((self.y - g.top) / g.leading - 0.01).ceil().max(0.0);
        self.y = g.top + lines * g.leading;
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

    /// Starts a new page when less than `height` is left on this one,
    /// taking along a heading that must stay with what follows.
    pub(super) fn need(&mut self, height: f32) {
        if self.pages.is_empty() {
            self.new_page();
        } else if self.y + height > self.bottom() && !self.at_top() {
            self.break_keeping();
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
        if let Some(measure) = self.measure.take()
            && paragraph
            && let Some(better) = self.fill_page(&lines, spans, refs, leading, &measure)
        {
            lines = better;
        }
        self.count(&lines);
        if paragraph && ends_on_a_tail(spans, &lines) {
            self.tally.word_tails += 1;
        }
        let split: Vec<bool> = lines.iter().map(|l| l.added_hyphen > 0).collect();
        let counts = counted_per_line(spans, &lines);
        let per_line = refs_per_line(&lines, refs);
        let mut pieces = pieces(self.ts, &mut lines, spans, links);
        let mut at = 0;
        while at < lines.len() {
            if self.pages.is_empty() {
                self.new_page();
            }
            let mut fit = self.lines_that_fit(&lines[at..], &per_line[at..], refs, leading);
            let rest = lines.len() - at;
            let held = |fit: usize| fit < rest && (rest - fit == 1 || (at == 0 && fit == 1));
            if paragraph && held(fit) && self.floor.is_some() {
                // A page run short to face a short one that would come
                // shorter still is let run full instead.
                let floor = self.floor.take();
                let full = self.lines_that_fit(&lines[at..], &per_line[at..], refs, leading);
                if held(full) {
                    self.floor = floor;
                } else {
                    fit = full;
                }
            }
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
            self.kept_lines(take);
            at += take;
            if at < lines.len() {
                if split[at - 1] {
                    self.tally.page_turns += 1;
                }
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

    /// A paragraph about to be placed, set again a line shorter or longer
    /// when as it is it would leave a page a line short: its last line held
    /// back from the next page (a widow), or one line of room left under
    /// it (where the next paragraph's first line could not stay alone).
    /// The pages after this one are taken to be full of it. `None` when it
    /// is fine as it is or no other setting within its tolerance helps.
    fn fill_page(
        &mut self,
        lines: &[Line],
        spans: &[Span],
        refs: &[(String, String)],
        leading: f32,
        measure: &Measure,
    ) -> Option<Vec<Line>> {
        if self.pages.is_empty() {
            self.new_page();
        }
        let full = self.settings.geometry.lines();
        let (fit, left) = self.room(lines, refs, leading);
        if !leaves_short(lines.len(), fit, left, full) {
            return None;
        }
        let tries: &[i32] = if fit >= lines.len() { &[1] } else { &[-1, 1] };
        for &looseness in tries {
            let Some(set) = self.ts.set_loose(spans, measure, looseness) else {
                continue;
            };
            if set.lines.len() == lines.len() || set.lines.iter().any(|l| l.overfull) {
                continue;
            }
            let (fit, left) = self.room(&set.lines, refs, leading);
            if !leaves_short(set.lines.len(), fit, left, full) {
                return Some(set.lines);
            }
        }
        None
    }

    /// How many of `lines` fit on this page with the notes they call, and,
    /// when all do, how many lines of room are left under them.
    fn room(&self, lines: &[Line], refs: &[(String, String)], leading: f32) -> (usize, usize) {
        let per_line = refs_per_line(lines, refs);
        let fit = self.lines_that_fit(lines, &per_line, refs, leading);
        if fit < lines.len() {
            return (fit, 0);
        }
        let mut seen = BTreeSet::new();
        let extra: usize = refs
            .iter()
            .filter_map(|(note_id, _)| self.notes.index(note_id))
            .filter(|&index| !self.notes.placed.contains(&index) && seen.insert(index))
            .map(|index| self.note_need(index))
            .sum();
        let bottom = self.y + fit as f32 * leading;
        let left = ((self.limit(self.notes_room(extra)) - bottom) / leading + 0.01).floor();
        (fit, left.max(0.0) as usize)
    }

    /// How many of `lines` fit on this page, with the notes they call.
    fn lines_that_fit(
        &self,
        lines: &[Line],
        per_line: &[std::ops::Range<usize>],
        refs: &[(String, String)],
        leading: f32,
    ) -> usize {
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
            if y > self.limit(self.notes_room(extra)) + 0.01 {
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
            heading: false,
            after: 0,
        });
    }

    /// Counts `count` lines placed after what is kept: a list marker is
    /// let go after its first line, a heading after two.
    fn kept_lines(&mut self, count: usize) {
        if let Some(keep) = &mut self.keep {
            keep.after += count;
            if !keep.heading || keep.after >= 2 {
                self.keep = None;
            }
        }
    }

    /// Starts a new page, taking along a heading that must stay with what
    /// follows; the page then starts where the heading does.
    pub(super) fn break_keeping(&mut self) {
        let Some(Keep {
            page,
            item,
            top,
            mark,
            ..
        }) = self.keep.take()
        else {
            self.new_page();
            return;
        };
        if page + 1 != self.pages.len() || top <= self.settings.geometry.top + 0.01 {
            // It is on an earlier page, or at the top of this one already:
            // moving it gains nothing.
            self.new_page();
            return;
        }
        let moved = match self.pages.get_mut(page) {
            Some(p) => p.items.split_off(item.min(p.items.len())),
            None => Vec::new(),
        };
        let carried = self.y - top;
        self.new_page();
        if let Some(info) = self.infos.last_mut() {
            info.start = mark;
        }
        // It moves by whole lines, so what is on the grid stays on it.
        let g = self.settings.geometry;
        let offset = if self.settings.indent {
            (top - g.top).rem_euclid(g.leading)
        } else {
            0.0
        };
        let shift = g.top + offset - top;
        for mut item in moved {
            match &mut item {
                Item::Text { y, .. }
                | Item::Turned { y, .. }
                | Item::Rule { y, .. }
                | Item::Rect { y, .. }
                | Item::Anchor { y, .. }
                | Item::Link { y, .. }
                | Item::Image { y, .. } => *y += shift,
            }
            self.push(item);
        }
        self.y += offset + carried;
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

/// Whether a paragraph of `count` lines, `fit` of which fit on this page
/// (with `left` lines of room under them when all do), leaves a page a line
/// short, the pages after this one holding `full` lines of it: one line
/// left over for a page (held back with the line before it, so that it is
/// not a widow), a first line alone at the foot (moved on, so that it is
/// not an orphan), or one line of room under its end.
fn leaves_short(count: usize, fit: usize, left: usize, full: usize) -> bool {
    if fit >= count {
        return left == 1;
    }
    if fit == 1 || count - fit == 1 {
        return true;
    }
    let mut rest = count - fit;
    while rest > full {
        rest -= full;
    }
    rest == 1 || (rest < full && full - rest == 1)
}

/// The footnote references each line carries (its raised runs), in order.
fn refs_per_line(lines: &[Line], refs: &[(String, String)]) -> Vec<std::ops::Range<usize>> {
    let mut per_line = Vec::with_capacity(lines.len());
    let mut next = 0;
    for line in lines {
        let count = line.runs.iter().filter(|r| r.rise > 0.0).count();
        let end = (next + count).min(refs.len());
        per_line.push(next..end);
        next = end;
    }
    per_line
}

/// Whether a paragraph's last line is only the tail of a word hyphenated
/// on the line before, shorter than [`TAIL_MIN`] letters.
fn ends_on_a_tail(spans: &[Span], lines: &[Line]) -> bool {
    let [.., before, last] = lines else {
        return false;
    };
    if before.added_hyphen == 0 || word_letters(spans, last.start) >= TAIL_MIN {
        return false;
    }
    let text: String = spans.iter().map(|s| s.text.as_str()).collect();
    !text
        .get(last.start..)
        .is_some_and(|rest| rest.trim().contains(char::is_whitespace))
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
    let mut line = ts
        .set(&[Span::new(text, style)], &measure)
        .lines
        .into_iter()
        .next()?;
    // The caller places the line: it starts at 0 in either direction.
    let start = line.runs.iter().map(|r| r.x).fold(f32::INFINITY, f32::min);
    if start.is_finite() && start != 0.0 {
        for run in &mut line.runs {
            run.x -= start;
        }
    }
    Some(line)
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
