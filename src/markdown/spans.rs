//! Language spans: passages marked as written in another language.
//!
//! CommonMark has no span attributes, so bindery reads pandoc's bracketed
//! spans for the one attribute it knows, `[Bonjour]{lang=fr}`, and raw
//! `<span lang="fr">Bonjour</span>` (or `xml:lang`). Both become
//! [`Inline::Span`]. A bracket or a `<span>` that is not closed, or has
//! other attributes, stays as it was written.

use super::MAX_NESTING;
use crate::config::is_language_tag;
use crate::model::{Block, Inline, inline_runs_mut};

/// Finds the language spans in every block's inlines, nested blocks included.
pub fn find(blocks: &mut [Block]) {
    inline_runs_mut(blocks, &mut |run| inlines(run, 0));
}

/// An element opened in a list of inlines and not yet closed.
struct Open {
    /// `None` for `[`, else the tag of a `<span lang="…">`.
    span_lang: Option<String>,
    /// The `<span …>` as written, to put back when it is never closed.
    html: String,
    /// What came after it.
    content: Vec<Inline>,
}

/// Rebuilds one list of inlines with its spans; `depth` is how many spans
/// enclose it, bounded by [`MAX_NESTING`] as other nesting is.
fn inlines(list: &mut Vec<Inline>, depth: usize) {
    for inline in list.iter_mut() {
        match inline {
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Link { content, .. }
            | Inline::Span { content, .. } => inlines(content, depth + 1),
            _ => {}
        }
    }
    let candidate = list.iter().any(|inline| match inline {
        Inline::Text { text } => text.contains("]{"),
        Inline::Html { html } => html.starts_with("<span"),
        _ => false,
    });
    if !candidate {
        return;
    }
    let mut root = Vec::with_capacity(list.len());
    let mut open: Vec<Open> = Vec::new();
    for inline in std::mem::take(list) {
        match inline {
            Inline::Text { text } => text_into(&text, &mut root, &mut open, depth),
            Inline::Html { html } => {
                if let Some(lang) = span_start(&html).filter(|_| depth + open.len() < MAX_NESTING) {
                    open.push(Open {
                        span_lang: Some(lang),
                        html,
                        content: Vec::new(),
                    });
                } else if is_span_end(&html) && open.last().is_some_and(|o| o.span_lang.is_some()) {
                    close(&mut root, &mut open);
                } else {
                    top(&mut root, &mut open).push(Inline::Html { html });
                }
            }
            other => top(&mut root, &mut open).push(other),
        }
    }
    while let Some(unclosed) = open.pop() {
        let parent = top(&mut root, &mut open);
        match unclosed.span_lang {
            None => push_text(parent, "["),
            Some(_) => parent.push(Inline::Html {
                html: unclosed.html,
            }),
        }
        for inline in unclosed.content {
            match inline {
                Inline::Text { text } => push_text(parent, &text),
                other => parent.push(other),
            }
        }
    }
    *list = root;
}

/// Reads a text's brackets: `[` opens, `]{lang=xx}` closes a span, any other
/// `]` closes the bracket as text.
fn text_into(text: &str, root: &mut Vec<Inline>, open: &mut Vec<Open>, depth: usize) {
    let mut rest = text;
    while let Some(at) = rest.find(['[', ']']) {
        push_text(top(root, open), &rest[..at]);
        let bracket = &rest[at..];
        if let Some(after) = bracket.strip_prefix('[') {
            if depth + open.len() < MAX_NESTING {
                open.push(Open {
                    span_lang: None,
                    html: String::new(),
                    content: Vec::new(),
                });
            } else {
                push_text(top(root, open), "[");
            }
            rest = after;
            continue;
        }
        let bracket_open = open.last().is_some_and(|o| o.span_lang.is_none());
        match attribute(&bracket[1..]) {
            Some((lang, len)) if bracket_open => {
                let Some(Open { content, .. }) = open.pop() else {
                    return;
                };
                top(root, open).push(Inline::Span {
                    lang: lang.to_string(),
                    content,
                });
                rest = &bracket[1 + len..];
            }
            _ if bracket_open => {
                let Some(Open { content, .. }) = open.pop() else {
                    return;
                };
                let parent = top(root, open);
                push_text(parent, "[");
                for inline in content {
                    match inline {
                        Inline::Text { text } => push_text(parent, &text),
                        other => parent.push(other),
                    }
                }
                push_text(parent, "]");
                rest = &bracket[1..];
            }
            _ => {
                push_text(top(root, open), "]");
                rest = &bracket[1..];
            }
        }
    }
    push_text(top(root, open), rest);
}

/// Closes the innermost `<span lang>` as a language span.
fn close(root: &mut Vec<Inline>, open: &mut Vec<Open>) {
    if let Some(Open {
        span_lang: Some(lang),
        content,
        ..
    }) = open.pop()
    {
        top(root, open).push(Inline::Span { lang, content });
    }
}

fn top<'a>(root: &'a mut Vec<Inline>, open: &'a mut [Open]) -> &'a mut Vec<Inline> {
    match open.last_mut() {
        Some(o) => &mut o.content,
        None => root,
    }
}

/// Appends text, joined to a text before it as the parser joins them.
fn push_text(list: &mut Vec<Inline>, text: &str) {
    if text.is_empty() {
        return;
    }
    match list.last_mut() {
        Some(Inline::Text { text: prev }) => prev.push_str(text),
        _ => list.push(Inline::Text {
            text: text.to_string(),
        }),
    }
}

/// The tag of `{lang=xx}` at the start of `text` and the attribute's length.
fn attribute(text: &str) -> Option<(&str, usize)> {
    let inner = text.strip_prefix("{lang=")?;
    let end = inner.find('}')?;
    let tag = inner[..end].trim_matches('"');
    is_language_tag(tag).then_some((tag, "{lang=".len() + end + 1))
}

/// The language of `<span lang="xx">` (or `xml:lang`), when that is all the
/// tag says.
fn span_start(html: &str) -> Option<String> {
    let inner = html.strip_prefix("<span")?.strip_suffix('>')?.trim();
    let value = inner
        .strip_prefix("xml:lang=")
        .or_else(|| inner.strip_prefix("lang="))?;
    let tag = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))?;
    is_language_tag(tag).then(|| tag.to_string())
}

fn is_span_end(html: &str) -> bool {
    html.trim_end() == "</span>"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Inline {
        Inline::Text {
            text: t.to_string(),
        }
    }

    fn found(mut list: Vec<Inline>) -> Vec<Inline> {
        inlines(&mut list, 0);
        list
    }

    #[test]
    fn a_bracketed_span_with_a_language_becomes_a_span() {
        let list = found(vec![text("Il dit [Bonjour]{lang=fr} et [rien].")]);
        assert_eq!(
            list,
            vec![
                text("Il dit "),
                Inline::Span {
                    lang: "fr".to_string(),
                    content: vec![text("Bonjour")]
                },
                text(" et [rien].")
            ]
        );
    }

    #[test]
    fn raw_span_tags_with_a_language_become_a_span() {
        let html = |h: &str| Inline::Html {
            html: h.to_string(),
        };
        let list = found(vec![
            html("<span lang=\"de\">"),
            text("Weltschmerz"),
            html("</span>"),
            html("<span class=\"x\">"),
            text("kept"),
            html("</span>"),
        ]);
        assert_eq!(
            list[0],
            Inline::Span {
                lang: "de".to_string(),
                content: vec![text("Weltschmerz")]
            }
        );
        assert_eq!(list.len(), 4);
    }

    #[test]
    fn unclosed_or_unknown_brackets_stay_text() {
        for source in ["[a]{lang=not a tag}", "[open only", "x] [y", "[a]{class=b}"] {
            assert_eq!(found(vec![text(source)]), vec![text(source)], "{source}");
        }
    }

    #[test]
    fn a_paragraph_of_many_spans_is_read_in_one_pass() {
        let list = found(vec![text(&"[oui]{lang=fr} ".repeat(100_000))]);
        let spans = list
            .iter()
            .filter(|i| matches!(i, Inline::Span { .. }))
            .count();
        assert_eq!((spans, list.len()), (100_000, 200_000));
    }

    #[test]
    fn deep_brackets_stop_nesting_at_the_limit() {
        let source = format!("{}x{}", "[".repeat(200), "]{lang=fr}".repeat(200));
        let list = found(vec![text(&source)]);
        let mut depth = 0;
        let mut inner = &list;
        while let Some(Inline::Span { content, .. }) =
            inner.iter().find(|i| matches!(i, Inline::Span { .. }))
        {
            depth += 1;
            inner = content;
        }
        assert!(depth <= MAX_NESTING, "{depth}");
    }
}
