//! Inlines as the typesetter's spans: styles, footnote marks, the
//! alternative text of images; the links among them, and where on each set
//! line a link can be clicked.

use super::LinkTarget;
use crate::model::{Inline, Target};
use crate::pdf::fonts::Style;
use crate::pdf::text::{Line, Span, Typesetter};
use std::ops::Range;

/// Turns inlines into styled spans, starting in `style`.
pub(super) fn spans(inlines: &[Inline], style: Style) -> Vec<Span> {
    let mut out = Vec::new();
    push_spans(inlines, style, &mut out, &mut None);
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
) -> (Vec<Span>, Vec<LinkSpan>) {
    let mut out = Vec::new();
    let mut links = Some(Links {
        chapter_ids,
        found: Vec::new(),
    });
    push_spans(inlines, style, &mut out, &mut links);
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

fn push_spans(inlines: &[Inline], style: Style, out: &mut Vec<Span>, links: &mut Option<Links>) {
    for inline in inlines {
        match inline {
            Inline::Link {
                content, target, ..
            } => {
                // Spans by index here; turned into bytes once all are in.
                let start = out.len();
                push_spans(content, style, out, links);
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
            Inline::Emphasis { content } => push_spans(content, style.emphasised(), out, links),
            Inline::Strong { content } => push_spans(content, style.strong(), out, links),
            Inline::Strikethrough { content } => push_spans(content, style, out, links),
            Inline::Span { lang, content } => {
                let start = out.len();
                push_spans(content, style, out, links);
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
                    "[image]".to_string()
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

/// The clickable stretches of each line: from where a link's first glyph
/// on the line starts to where its last one ends. Glyphs are matched to the
/// paragraph's text by their non-space characters, in order; a hyphen added
/// at a break matches nothing.
pub(super) fn link_areas(
    ts: &Typesetter<'_>,
    lines: &[Line],
    spans: &[Span],
    links: &[LinkSpan],
) -> Vec<Vec<(f32, f32, LinkTarget)>> {
    if links.is_empty() {
        return Vec::new();
    }
    let text: String = spans.iter().map(|s| s.text.as_str()).collect();
    let mut chars = text
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .peekable();
    let mut out = Vec::with_capacity(lines.len());
    let mut next = 0;
    for line in lines {
        let mut areas: Vec<(f32, f32, LinkTarget)> = Vec::new();
        for run in &line.runs {
            let mut x = run.x;
            for (n, glyph) in run.glyphs.iter().enumerate() {
                let stands_for = ts
                    .fonts
                    .glyph_text(run.face, glyph.gid)
                    .unwrap_or("\u{FFFD}");
                // A glyph a face draws for more than one character (one
                // hyphen for U+002D and U+2010) stands for whichever its
                // fonts met first: it matches every character it draws,
                // so that the areas do not depend on which chapters those
                // fonts set before this one.
                let mut letters = stands_for.chars();
                let drawn = match (letters.next(), letters.next()) {
                    (Some(c), None) => ts.fonts.draws(run.face, glyph.gid, c),
                    _ => false,
                };
                let draws = |c: char| drawn && ts.fonts.draws(run.face, glyph.gid, c);
                let added_hyphen = line.hyphenated
                    && n + 1 == run.glyphs.len()
                    && (stands_for == "-" || draws('-'))
                    && chars.peek().is_some_and(|(_, c)| *c != '-' && !draws(*c));
                for c in stands_for.chars().filter(|c| !c.is_whitespace()) {
                    if added_hyphen {
                        break;
                    }
                    if chars
                        .peek()
                        .is_some_and(|(_, next)| *next == c || draws(*next))
                        || c == '\u{FFFD}'
                    {
                        let Some((at, _)) = chars.next() else { break };
                        // Links come in text order and characters too, so
                        // the link to look at only moves forward.
                        while links.get(next).is_some_and(|(r, _)| r.end <= at) {
                            next += 1;
                        }
                        if let Some((_, target)) = links.get(next).filter(|(r, _)| r.contains(&at))
                        {
                            match areas.last_mut() {
                                Some(area) if area.2 == *target => area.1 = x + glyph.advance,
                                _ => areas.push((x, x + glyph.advance, target.clone())),
                            }
                        }
                    }
                }
                x += glyph.advance;
            }
        }
        out.push(areas);
    }
    out
}
