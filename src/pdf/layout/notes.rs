//! Footnotes at the foot of the page: a chapter's notes are set once, when
//! it opens; a note goes to the foot of the page whose line calls it, and
//! what does not fit runs on to the next pages, before the text. A chapter
//! places all its notes before it ends.

use super::flow::Flow;
use super::{Item, spans};
use crate::model::{Block, BlockKind, Footnote, Heading};
use crate::pdf::fonts::Style;
use crate::pdf::tags::Tag;
use crate::pdf::text::{Align, Line, Measure, Span};
use std::collections::{BTreeSet, HashMap};

/// The note size and leading relative to the body's.
pub(super) const NOTE_SCALE: f32 = 0.85;

/// A footnote, set once, placed line by line at the foot of pages.
struct Note {
    id: String,
    lines: Vec<Line>,
    /// The slot of its `Note` element, once it is referred to.
    tag: Tag,
}

/// A line of a footnote waiting for its page's foot.
#[derive(Clone)]
struct NoteLine {
    note: usize,
    line: usize,
}

/// The chapter's notes, their indexes by id, and which of them are placed;
/// the note lines at the foot of the current page and those carried on.
#[derive(Default)]
pub(super) struct Notes {
    notes: Vec<Note>,
    ids: HashMap<String, usize>,
    pub(super) placed: BTreeSet<usize>,
    /// Footnote lines at the foot of the current page, and their height.
    page: Vec<NoteLine>,
    pub(super) height: f32,
    /// Footnote lines that did not fit on the page before.
    carried: Vec<NoteLine>,
}

impl Notes {
    /// The index of the note with `id`.
    pub(super) fn index(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }

    /// The tag of note `index`'s text: an artifact until it is referred to.
    pub(super) fn tag(&self, index: usize) -> Tag {
        self.notes.get(index).map_or(Tag::Artifact, |n| n.tag)
    }

    /// Sets the tag of note `index`'s text.
    pub(super) fn set_tag(&mut self, index: usize, tag: Tag) {
        if let Some(note) = self.notes.get_mut(index) {
            note.tag = tag;
        }
    }
}

impl Flow<'_, '_> {
    /// Sets a chapter's notes, none of them placed yet.
    pub(super) fn set_notes(&mut self, footnotes: &[Footnote]) {
        let notes: Vec<Note> = footnotes.iter().map(|note| self.set_note(note)).collect();
        self.notes.ids = notes
            .iter()
            .enumerate()
            .map(|(index, note)| (note.id.clone(), index))
            .collect();
        self.notes.notes = notes;
    }

    /// Sets a footnote's text at the note size, its number first.
    fn set_note(&mut self, note: &Footnote) -> Note {
        let g = self.settings.geometry;
        let measure = Measure {
            size: g.size * NOTE_SCALE,
            width: g.measure(),
            indent: 0.0,
            align: Align::Justify,
            verbatim: false,
        };
        let mut paragraphs = Vec::new();
        note_paragraphs(&note.blocks, self.settings.image(), &mut paragraphs);
        let mut lines = Vec::new();
        let mut label = Some(Span::generated(
            format!("{}. ", note.number),
            Style::Regular,
        ));
        if paragraphs.is_empty() {
            paragraphs.push(Vec::new());
        }
        for paragraph in paragraphs {
            let s: Vec<Span> = label.take().into_iter().chain(paragraph).collect();
            let set = self.ts.set(&s, &measure);
            self.missing(&set.missing, note.pos);
            self.count(&set.lines);
            lines.extend(set.lines);
        }
        Note {
            id: note.id.clone(),
            lines,
            tag: Tag::Artifact,
        }
    }

    /// Puts a note's lines at this page's foot, carrying what cannot fit.
    /// Behind a note still running on from an earlier page, the whole note
    /// waits its turn, so notes stay in order.
    pub(super) fn place_note(&mut self, index: usize) {
        let g = self.settings.geometry;
        let count = self.notes.notes[index].lines.len();
        let mut fit = 0;
        while fit < count
            && self.limit(self.notes_room(fit + 1)) >= self.y + g.leading - 0.01
            && self.notes_room(fit + 1) <= self.notes_limit()
        {
            fit += 1;
        }
        let lines: Vec<NoteLine> = (0..count)
            .map(|line| NoteLine { note: index, line })
            .collect();
        let fit = if self.notes.carried.is_empty() {
            fit.max(1).min(count)
        } else {
            0
        };
        self.add_note_lines(&lines[..fit]);
        self.notes.carried.extend_from_slice(&lines[fit..]);
    }

    /// On a new page, notes carried over take the foot first, but leave the
    /// text a few lines: a note longer than that runs on over more pages.
    pub(super) fn place_carried_notes(&mut self) {
        let mut carried = std::mem::take(&mut self.notes.carried);
        let fit = (0..=carried.len())
            .take_while(|&n| self.notes_room(n) <= self.notes_limit())
            .last()
            .unwrap_or(0);
        self.notes.carried = carried.split_off(fit);
        self.add_note_lines(&carried);
    }

    /// Sets the notes of the page being closed at its foot, under a rule.
    pub(super) fn set_page_notes(&mut self) {
        let g = self.settings.geometry;
        let lines = std::mem::take(&mut self.notes.page);
        let height = std::mem::take(&mut self.notes.height);
        if lines.is_empty() {
            return;
        }
        let leading = g.leading * NOTE_SCALE;
        let mut y = self.notes_base() - height;
        // The rule starts where lines do: on the right in a book written
        // from right to left.
        let x = if self.settings.bound_right {
            g.measure() * 0.75
        } else {
            0.0
        };
        self.rule_at(x, y + 0.3 * leading, g.measure() / 4.0);
        y += 0.75 * leading;
        for nl in lines {
            let Some(note) = self.notes.notes.get(nl.note) else {
                continue;
            };
            let anchor = (nl.line == 0).then(|| note.id.clone());
            let tag = note.tag;
            let Some(line) = note.lines.get(nl.line).cloned() else {
                continue;
            };
            if let Some(id) = anchor {
                self.push(Item::Anchor { id, y });
            }
            self.put_tagged(&line, 0.0, y + g.size * NOTE_SCALE, tag);
            y += leading;
        }
    }

    /// Where the notes' area ends: placed so that the last note line's
    /// baseline is the grid's last.
    pub(super) fn notes_base(&self) -> f32 {
        let g = self.settings.geometry;
        g.foot() - (1.0 - NOTE_SCALE) * (g.leading - g.size)
    }

    /// Starts as many pages as the notes carried over still need.
    pub(super) fn finish_notes(&mut self) {
        while !self.notes.carried.is_empty() {
            self.new_page();
        }
    }

    /// The most height notes may take on a page: the text block less three
    /// lines of text, so a page never holds notes alone.
    fn notes_limit(&self) -> f32 {
        let g = self.settings.geometry;
        g.height - g.top - g.bottom - 3.0 * g.leading
    }

    /// How many lines of a note must fit on the page that calls it: all of
    /// them, unless the note is too long for any page; then two, and the
    /// rest runs on to the next pages.
    pub(super) fn note_need(&self, index: usize) -> usize {
        let count = self.notes.notes[index].lines.len();
        let alone = (count as f32 + 0.75) * self.settings.geometry.leading * NOTE_SCALE;
        if alone <= self.notes_limit() {
            count
        } else {
            count.min(2)
        }
    }

    /// How many lines of note `index` must go on this page with a line of
    /// text whose baseline is `bottom`, `extra` lines of notes being wanted
    /// there already: all of them, where they fit. Where they do not, a
    /// note of four lines or more is split rather than the line (and the
    /// page with it) cut short: as many of its lines as fit, two at least,
    /// and the rest run on to the next page, before its notes.
    pub(super) fn note_share(&self, index: usize, bottom: f32, extra: usize) -> usize {
        let need = self.note_need(index);
        let fits = |lines| bottom <= self.limit(self.notes_room(extra + lines)) + 0.01;
        if need < 4 || fits(need) {
            return need;
        }
        (2..need).rev().find(|&lines| fits(lines)).unwrap_or(need)
    }

    /// The height the notes of the current page would take with `extra` more lines.
    pub(super) fn notes_room(&self, extra: usize) -> f32 {
        let lines = self.notes.page.len() + extra;
        if lines == 0 {
            0.0
        } else {
            (lines as f32 + 0.75) * self.settings.geometry.leading * NOTE_SCALE
        }
    }

    fn add_note_lines(&mut self, lines: &[NoteLine]) {
        self.notes.page.extend_from_slice(lines);
        self.notes.height = self.notes_room(0);
    }
}

/// A footnote's blocks as paragraphs of spans: code and other blocks are
/// flattened into paragraphs of their text.
fn note_paragraphs(blocks: &[Block], image: &str, out: &mut Vec<Vec<Span>>) {
    for block in blocks {
        match &block.kind {
            BlockKind::Heading(Heading { content, .. }) | BlockKind::Paragraph { content } => {
                out.push(spans::spans(content, Style::Regular, image));
            }
            BlockKind::BlockQuote { blocks } => note_paragraphs(blocks, image, out),
            BlockKind::List(list) => {
                for item in &list.items {
                    note_paragraphs(&item.blocks, image, out);
                }
            }
            BlockKind::CodeBlock { text, listing, .. } => {
                out.push(vec![Span::new(text.trim_end(), Style::Mono)]);
                if let Some(listing) = listing.as_ref().filter(|l| !l.caption.is_empty()) {
                    out.push(spans::spans(&listing.caption, Style::Italic, image));
                }
            }
            BlockKind::Html { html } => out.push(vec![Span::new(html.trim_end(), Style::Mono)]),
            BlockKind::Table(table) => {
                for cell in table.head.iter().chain(table.rows.iter().flatten()) {
                    out.push(spans::spans(cell, Style::Regular, image));
                }
            }
            BlockKind::ThematicBreak => {}
        }
    }
}
