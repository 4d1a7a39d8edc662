//! The page-filling window: the paragraphs placed whole on the current
//! page. Any of them may be set again a line longer or shorter; what was
//! placed after it on the page (other paragraphs, headings, list markers,
//! quotes, code) moves down or up by that line, unchanged.

use super::Item;
use super::Mark;
use super::fill::{Prose, could_lose_a_line, strain};
use super::flow::{Flow, Keep};
use super::quality::TallyMark;
use crate::pdf::tags::{Role, StructureMark};
use crate::pdf::text::Line;

/// A paragraph placed whole on the current page, with where the flow stood
/// before it and after it.
pub(super) struct Placed {
    pub(super) prose: Prose,
    /// Its lines, and how far they are from their natural spacing.
    pub(super) count: usize,
    pub(super) strain: f32,
    /// Whether it could be set a line shorter ([`could_lose_a_line`]).
    pub(super) shorter: bool,
    before: Checkpoint,
    after: Checkpoint,
}

/// Where the flow stood on its current page, to go back to.
struct Checkpoint {
    items: usize,
    y: f32,
    mark: Mark,
    tally: TallyMark,
    structure: StructureMark,
    keep: Option<Keep>,
}

/// What the flow holds after the window's paragraph being set again, to
/// be given back once it is.
struct Later {
    items: Vec<Item>,
    y: f32,
    mark: Mark,
    keep: Option<Keep>,
    indent_next: bool,
    set_off_end: Option<(usize, f32)>,
}

impl<'t, 'f> Flow<'t, 'f> {
    /// Places a paragraph's lines as a `P`, and keeps it in the window when
    /// it is whole on the page and calls no note.
    pub(super) fn place_prose(&mut self, prose: Prose, lines: Vec<Line>) {
        let before = self.checkpoint();
        let page = self.pages.len();
        let count = lines.len();
        let strain = strain(&prose.spans, &lines);
        let shorter = could_lose_a_line(&lines, prose.measure.width);
        let element = self.structure.open(Role::P);
        let size = prose.measure.size;
        self.place(
            lines,
            &prose.spans,
            prose.x,
            size,
            prose.leading,
            true,
            &prose.refs,
            &prose.links,
        );
        self.structure.close_to(element);
        self.indent_next = true;
        if self.pages.len() != page || !prose.refs.is_empty() {
            self.fill.window.clear();
            return;
        }
        let after = self.checkpoint();
        self.fill.window.push(Placed {
            prose,
            count,
            strain,
            shorter,
            before,
            after,
        });
    }

    /// Sets the window's paragraph `at` again as `lines` with `looseness`,
    /// and moves what follows it on the page by the lines it gained or
    /// lost; the window's later paragraphs leave it. Whether it was: not
    /// when the paragraph, set so, would not make the same structure (a
    /// link's parts split otherwise), or would not stay on the page.
    pub(super) fn place_again(&mut self, at: usize, looseness: i32, lines: Vec<Line>) -> bool {
        let Some(placed) = self.fill.window.get(at) else {
            return false;
        };
        let moves = (lines.len() as f32 - placed.count as f32) * placed.prose.leading;
        if self.frame.is_some() || self.y + moves > self.bottom() + 0.01 {
            return false;
        }
        let old = self.fill.window.split_off(at).swap_remove(0);
        let total = self.found.tally.clone();
        let structure = self.structure.clone();
        let mut moved = match self.pages.last_mut() {
            Some(page) => page.items.split_off(old.before.items),
            None => Vec::new(),
        };
        let later = Later {
            items: moved.split_off(old.after.items - old.before.items),
            y: self.y,
            mark: self.mark,
            keep: self.keep,
            indent_next: self.indent_next,
            set_off_end: self.fill.set_off_end,
        };
        self.rewind(&old.before);
        let elements = self.structure.elements.len();
        let page = self.pages.len();
        let prose = Prose {
            spans: old.prose.spans.clone(),
            links: old.prose.links.clone(),
            refs: Vec::new(),
            measure: old.prose.measure,
            x: old.prose.x,
            leading: old.prose.leading,
            looseness,
        };
        self.place_prose(prose, lines);
        debug_assert_eq!(self.pages.len(), page, "checked to fit");
        let same = self.structure.mark() == old.after.structure
            && self.structure.elements[elements..]
                == structure.elements[elements..self.structure.elements.len()];
        self.structure = structure;
        if !same {
            // Back as it was.
            self.fill.window.truncate(at);
            if let Some(last) = self.pages.last_mut() {
                last.items.truncate(old.before.items);
                last.items.extend(moved);
            }
            self.found.tally = total;
            self.put_back(later, 0.0, (old.after.items, old.after.y));
            self.fill.window.push(old);
            return false;
        }
        self.found
            .tally
            .splice(&old.before.tally, &old.after.tally, total);
        let dy = self.y - old.after.y;
        self.put_back(later, dy, (old.after.items, old.after.y));
        true
    }

    /// Gives back what followed a paragraph set again, moved down by `dy`,
    /// and the flow's state with it. `from` is the page's item count and
    /// the flow's height where it started: the keep and the end of a
    /// quote or a list placed from there on move with it.
    fn put_back(&mut self, later: Later, dy: f32, from: (usize, f32)) {
        let page = self.pages.len();
        let start = self.items();
        if let Some(last) = self.pages.last_mut() {
            last.items.extend(later.items.into_iter().map(|mut item| {
                item.move_down(dy);
                item
            }));
        }
        self.y = later.y + dy;
        self.mark = later.mark;
        self.indent_next = later.indent_next;
        self.keep = later.keep.map(|mut keep| {
            if keep.page + 1 == page && keep.item >= from.0 {
                keep.item = keep.item - from.0 + start;
                keep.top += dy;
            }
            keep
        });
        self.fill.set_off_end = later.set_off_end.map(|(p, y)| {
            if p == page && y >= from.1 - 0.01 {
                (p, y + dy)
            } else {
                (p, y)
            }
        });
    }

    /// The current page's count of items.
    pub(super) fn items(&self) -> usize {
        self.pages.last().map_or(0, |p| p.items.len())
    }

    /// Where the flow stands on its current page.
    fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            items: self.items(),
            y: self.y,
            mark: self.mark,
            tally: self.found.tally.mark(),
            structure: self.structure.mark(),
            keep: self.keep,
        }
    }

    /// Goes back to `checkpoint` on the current page, taking off what was
    /// placed since.
    fn rewind(&mut self, checkpoint: &Checkpoint) {
        if let Some(page) = self.pages.last_mut() {
            page.items.truncate(checkpoint.items);
        }
        self.y = checkpoint.y;
        self.mark = checkpoint.mark;
        self.found.tally.rewind(&checkpoint.tally);
        self.structure.rewind(&checkpoint.structure);
        self.keep = checkpoint.keep;
    }
}
