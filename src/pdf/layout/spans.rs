//! Inlines as the typesetter's spans: styles, footnote marks, the
//! alternative text of images; the links and passages in other languages
//! among them, and which glyphs of each set line belong to which.

use super::LinkTarget;
use crate::model::{Inline, Target};
use crate::pdf::fonts::Style;
use crate::pdf::text::{Line, Run, Span, Typesetter};
use std::ops::Range;

/// Turns inlines into styled spans, starting in `style`; an image without
/// alternative text shows `image` (the book's label) in brackets.
pub(super) fn spans(inlines: &[Inline], style: Style, image: &str) -> Vec<Span> {
    let mut out = Vec::new();
    push_spans(inlines, style, &mut out, &mut None, image);
    out
}

/// A link's characters in a paragraph's text (byte offsets into its spans'
/// texts, one after another; while spans are gathered, span indexes) and
/// where it goes.
pub(super) type LinkSpan = (Range<usize>, LinkTarget);

/// The links of a paragraph and the chapter ids internal links resolve with.
struct Links<'a> {
    chapter_ids: &'a [String],
    found: Vec<LinkSpan>,
}

/// Turns inlines into spans, starting in `style`, and the links among them.
pub(super) fn spans_and_links(
    inlines: &[Inline],
    style: Style,
    chapter_ids: &[String],
    image: &str,
) -> (Vec<Span>, Vec<LinkSpan>) {
    let mut out = Vec::new();
    let mut links = Some(Links {
        chapter_ids,
        found: Vec::new(),
    });
    push_spans(inlines, style, &mut out, &mut links, image);
    // Span indexes to byte offsets in the spans' texts, one after another.
    let mut offsets = Vec::with_capacity(out.len() + 1);
    let mut at = 0;
    offsets.push(at);
    for span in &out {
        at += span.text.len();
        offsets.push(at);
    }
    let found = links
        .map(|l| l.found)
        .unwrap_or_default()
        .into_iter()
        .map(|(spans, target)| (offsets[spans.start]..offsets[spans.end], target))
        .collect();
    (out, found)
}

fn push_spans(
    inlines: &[Inline],
    style: Style,
    out: &mut Vec<Span>,
    links: &mut Option<Links>,
    image: &str,
) {
    for inline in inlines {
        match inline {
            Inline::Link {
                content, target, ..
            } => {
                // Spans by index here; turned into bytes once all are in.
                let start = out.len();
                push_spans(content, style, out, links, image);
                let end = out.len();
                if let Some(links) = links {
                    let target = match target {
                        // An address the EPUB refuses (and warns about) is
                        // not linked here either.
                        Target::External { url } => crate::url::href(url)
                            .ok()
                            .map(|href| LinkTarget::External(href.into())),
                        Target::Internal {
                            anchor: Some(anchor),
                            ..
                        } => Some(LinkTarget::Internal(anchor.clone())),
                        Target::Internal {
                            chapter,
                            anchor: None,
                        } => links
                            .chapter_ids
                            .get(*chapter)
                            .map(|id| LinkTarget::Internal(id.clone())),
                        Target::Broken { .. } => None,
                    };
                    links.found.extend(target.map(|t| (start..end, t)));
                }
            }
            Inline::Text { text } => out.push(Span::new(text.clone(), style)),
            Inline::Emphasis { content } => {
                push_spans(content, style.emphasised(), out, links, image)
            }
            Inline::Strong { content } => push_spans(content, style.strong(), out, links, image),
            Inline::Strikethrough { content } => push_spans(content, style, out, links, image),
            Inline::Span { lang, content } => {
                let start = out.len();
                push_spans(content, style, out, links, image);
                for span in &mut out[start..] {
                    span.lang.get_or_insert_with(|| lang.clone());
                }
            }
            Inline::Code { code } => out.push(Span {
                scale: 0.9,
                ..Span::new(code.clone(), Style::Mono)
            }),
            Inline::Html { html } => out.push(Span::generated(html.clone(), Style::Mono)),
            Inline::Image { alt, .. } => {
                let text = if alt.is_empty() {
                    format!("[{image}]")
                } else {
                    format!("[{alt}]")
                };
                out.push(Span::generated(text, style.emphasised()));
            }
            Inline::FootnoteRef { number, .. } => out.push(Span {
                scale: 0.65,
                rise: 0.35,
                hyphenate: false,
                ..Span::generated(number.to_string(), Style::Regular)
            }),
            Inline::SoftBreak => out.push(Span::new(" ", style)),
            Inline::LineBreak => out.push(Span::new("\n", style)),
        }
    }
}

/// The footnote references of a paragraph in order: (note id, reference id).
pub(super) fn footnote_refs(inlines: &[Inline], out: &mut Vec<(String, String)>) {
    for inline in inlines {
        match inline {
            Inline::FootnoteRef { note_id, id, .. } => out.push((note_id.clone(), id.clone())),
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Span { content, .. }
            | Inline::Link { content, .. } => footnote_refs(content, out),
            _ => {}
        }
    }
}

/// What a stretch of a line's text belongs to besides its block: a link
/// (by its index in the paragraph's [`LinkSpan`]s) and a passage in another
/// language (by its index in [`Pieces::langs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(super) struct Inside {
    pub(super) link: Option<u32>,
    pub(super) lang: Option<u32>,
}

impl Inside {
    /// Whether the stretch belongs to its block alone.
    pub(super) fn is_plain(self) -> bool {
        self == Inside::default()
    }
}

/// One set line's runs, cut where the text enters or leaves a link or a
/// passage in another language, and the hyphen added at its break apart.
#[derive(Debug, Default)]
pub(super) struct LinePieces {
    pub(super) runs: Vec<(Run, Inside)>,
    pub(super) hyphen: Option<Run>,
}

/// A paragraph's lines as pieces, and the languages of its passages.
#[derive(Debug, Default)]
pub(super) struct Pieces {
    pub(super) lines: Vec<LinePieces>,
    pub(super) langs: Vec<String>,
}

/// Takes the runs of `lines` and cuts them into [`LinePieces`]. Glyphs are
/// matched to the paragraph's text by their non-space characters, in
/// order, to find the links and passages each belongs to.
pub(super) fn pieces(
    ts: &Typesetter<'_>,
    lines: &mut [Line],
    spans: &[Span],
    links: &[LinkSpan],
) -> Pieces {
    // The passages in another language: byte ranges of the text.
    let mut langs: Vec<String> = Vec::new();
    let mut passages: Vec<(Range<usize>, u32)> = Vec::new();
    let mut at = 0;
    for span in spans {
        let end = at + span.text.len();
        if let Some(lang) = &span.lang {
            match passages.last_mut() {
                Some((range, index)) if range.end == at && langs[*index as usize] == *lang => {
                    range.end = end;
                }
                _ => {
                    langs.push(lang.clone());
                    passages.push((at..end, langs.len() as u32 - 1));
                }
            }
        }
        at = end;
    }
    let plain = links.is_empty() && passages.is_empty();
    let text: String = if plain {
        String::new()
    } else {
        spans.iter().map(|s| s.text.as_str()).collect()
    };
    let mut chars = text
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .peekable();
    let (mut next_link, mut next_passage) = (0, 0);
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let (runs, hyphen) = line.take_runs();
        if plain {
            out.push(LinePieces {
                runs: runs.into_iter().map(|r| (r, Inside::default())).collect(),
                hyphen,
            });
            continue;
        }
        let mut cut = Vec::with_capacity(runs.len());
        for run in runs {
            // Where the run is cut, and what each piece belongs to.
            let mut starts: Vec<(usize, Inside)> = Vec::new();
            let mut inside = Inside::default();
            for (n, glyph) in run.glyphs.iter().enumerate() {
                let stands_for = ts
                    .fonts
                    .glyph_text(run.face, glyph.gid)
                    .unwrap_or("\u{FFFD}");
                // A glyph a face draws for more than one character (one
                // hyphen for U+002D and U+2010) stands for whichever its
                // fonts met first: it matches every character it draws,
                // so that the pieces do not depend on which chapters those
                // fonts set before this one.
                let mut letters = stands_for.chars();
                let drawn = match (letters.next(), letters.next()) {
                    (Some(c), None) => ts.fonts.draws(run.face, glyph.gid, c),
                    _ => false,
                };
                let draws = |c: char| drawn && ts.fonts.draws(run.face, glyph.gid, c);
                let mut first = None;
                for c in stands_for.chars().filter(|c| !c.is_whitespace()) {
                    if chars
                        .peek()
                        .is_some_and(|(_, next)| *next == c || draws(*next))
                        || c == '\u{FFFD}'
                    {
                        let Some((at, _)) = chars.next() else { break };
                        first.get_or_insert(at);
                    }
                }
                if let Some(at) = first {
                    // Links, passages and characters all come in text
                    // order, so the ones to look at only move forward.
                    while links.get(next_link).is_some_and(|(r, _)| r.end <= at) {
                        next_link += 1;
                    }
                    while passages.get(next_passage).is_some_and(|(r, _)| r.end <= at) {
                        next_passage += 1;
                    }
                    inside = Inside {
                        link: links
                            .get(next_link)
                            .filter(|(r, _)| r.contains(&at))
                            .map(|_| next_link as u32),
                        lang: passages
                            .get(next_passage)
                            .filter(|(r, _)| r.contains(&at))
                            .map(|(_, index)| *index),
                    };
                }
                // A space goes with what it follows.
                if starts.last().is_none_or(|(_, last)| *last != inside) {
                    starts.push((n, inside));
                }
            }
            cut_run(run, &starts, &mut cut);
        }
        out.push(LinePieces { runs: cut, hyphen });
    }
    Pieces { lines: out, langs }
}

/// Cuts `run` at the glyphs `starts` gives, each piece with what it
/// belongs to.
fn cut_run(run: Run, starts: &[(usize, Inside)], out: &mut Vec<(Run, Inside)>) {
    if starts.len() <= 1 {
        let inside = starts.first().map_or_else(Inside::default, |s| s.1);
        out.push((run, inside));
        return;
    }
    let mut x = run.x;
    for (k, &(from, inside)) in starts.iter().enumerate() {
        let to = starts.get(k + 1).map_or(run.glyphs.len(), |s| s.0);
        let glyphs = run.glyphs[from..to].to_vec();
        let width = glyphs.iter().map(|g| g.advance).sum();
        out.push((
            Run {
                x,
                rise: run.rise,
                face: run.face,
                size: run.size,
                ink: run.ink,
                width,
                glyphs,
            },
            inside,
        ));
        x += width;
    }
}
