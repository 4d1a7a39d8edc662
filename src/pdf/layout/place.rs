//! Placing set lines in the page flow: lines flowing on to new pages with
//! widows and orphans kept off page edges, their footnote marks, links and
//! passages in other languages, and the runs put on the page.

use super::flow::Flow;
use super::spans::{Inside, LinePieces, LinkSpan, pieces};
use super::{Item, LinkTarget, Page, counted_per_line};
use crate::pdf::tags::{Element, Role, Tag};
use crate::pdf::text::{Line, Run, Span, TAIL_MIN, word_letters};

/// The links and passages in other languages of the paragraph whose
/// pieces are placed.
#[derive(Debug, Clone, Copy)]
pub(super) struct Within<'a> {
    pub(super) links: &'a [LinkSpan],
    pub(super) langs: &'a [String],
}

impl<'t, 'f> Flow<'t, 'f> {
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
        if paragraph && ends_on_a_tail(spans, &lines) {
            self.found.tally.word_tails += 1;
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
            let mut fit = self.lines_that_fit(self.y, &lines[at..], &per_line[at..], refs, leading);
            let rest = lines.len() - at;
            let held = |fit: usize| fit < rest && (rest - fit == 1 || (at == 0 && fit == 1));
            if paragraph && held(fit) && self.fill.floor.is_some() {
                // A page run short to face a short one that would come
                // shorter still is let run full instead.
                let floor = self.fill.floor.take();
                let full =
                    self.lines_that_fit(self.y, &lines[at..], &per_line[at..], refs, leading);
                if held(full) {
                    self.fill.floor = floor;
                } else {
                    fit = full;
                }
            }
            let mut take = if paragraph {
                kept_together(fit, rest, at == 0)
            } else {
                fit.min(rest)
            };
            if take == 0 {
                if self.at_top() {
                    // Not even a line fits on an empty page: place one anyway.
                    take = 1;
                    if paragraph && rest > 1 && at == 0 {
                        self.found.tally.orphans += 1;
                    }
                } else {
                    self.break_keeping();
                    continue;
                }
            }
            if paragraph && at > 0 && take == 1 && rest == 1 {
                self.found.tally.widows += 1;
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
                if split[at - 1]
                    && let Some(info) = self.infos.last_mut()
                {
                    info.split = true;
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
}

/// The footnote references each line carries (its raised runs), in order.
pub(super) fn refs_per_line(
    lines: &[Line],
    refs: &[(String, String)],
) -> Vec<std::ops::Range<usize>> {
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
pub(super) fn ends_on_a_tail(spans: &[Span], lines: &[Line]) -> bool {
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

/// Of the `rest` lines of a paragraph still to place (its first among them
/// when `first`), how many to place on this page where `fit` fit: never
/// its last line alone at the top of the next page, nor its first alone at
/// the foot of this one.
pub(super) fn kept_together(fit: usize, rest: usize, first: bool) -> usize {
    let mut take = fit.min(rest);
    if take < rest {
        if rest - take == 1 && take > 0 {
            take -= 1;
        }
        if first && take == 1 {
            take = 0;
        }
    }
    take
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
