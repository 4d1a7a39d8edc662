//! Escaping for XML text and attributes, and the frame every XHTML file of
//! the book shares.

/// Appends `text` escaped for an XML text node. Characters XML forbids
/// (most control characters, unpaired surrogates cannot occur in a `str`)
/// are left out, so the output is always well-formed.
pub fn text(out: &mut String, text: &str) {
    escape(out, text, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        _ => None,
    });
}

/// Appends `value` escaped for a double-quoted XML attribute.
pub fn attr(out: &mut String, value: &str) {
    escape(out, value, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\n' => Some("&#10;"),
        '\t' => Some("&#9;"),
        _ => None,
    });
}

/// Appends `text` with each character `replace` names replaced, and the
/// characters XML forbids left out; the runs between are copied whole.
fn escape(out: &mut String, text: &str, replace: impl Fn(char) -> Option<&'static str>) {
    let mut plain = 0;
    for (at, c) in text.char_indices() {
        let swap = replace(c);
        if swap.is_none() && allowed(c) {
            continue;
        }
        out.push_str(&text[plain..at]);
        out.push_str(swap.unwrap_or_default());
        plain = at + c.len_utf8();
    }
    out.push_str(&text[plain..]);
}

/// `text` escaped for a text node, as a new string.
pub fn escaped(value: &str) -> String {
    let mut out = String::new();
    text(&mut out, value);
    out
}

/// `value` escaped for an attribute, as a new string.
pub fn escaped_attr(value: &str) -> String {
    let mut out = String::new();
    attr(&mut out, value);
    out
}

/// A word bindery writes (`text`, made from `label`) for a text node:
/// escaped, and inside a span naming its language when that is not the
/// book's, as for the English that stands in for a language without labels.
pub fn label(text: &str, label: &crate::lang::labels::Label) -> String {
    match label.lang {
        Some(lang) => format!(
            "<span xml:lang=\"{lang}\" lang=\"{lang}\">{}</span>",
            escaped(text)
        ),
        None => escaped(text),
    }
}

/// The `xml:lang` attribute, with a space before it, of an element holding
/// only a word bindery writes; empty when the word is in the book's language.
pub fn label_lang(label: &crate::lang::labels::Label) -> String {
    label
        .lang
        .map_or_else(String::new, |lang| format!(" xml:lang=\"{lang}\""))
}

/// Whether XML 1.0 allows the character in a document.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// The start of an XHTML content document up to and including `<body>`:
/// the XML declaration, the doctype, the language on `html` (both `xml:lang`
/// and `lang`, as EPUB and HTML readers each look for one), its direction
/// when it is written from right to left, the title and the style sheet.
pub fn head(language: &str, title: &str, body_attrs: &str) -> String {
    let lang = escaped_attr(language);
    let dir = if crate::lang::is_rtl(language) {
        " dir=\"rtl\""
    } else {
        ""
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" \
         xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"{lang}\" lang=\"{lang}\"{dir}>\n\
         <head>\n\
         <meta charset=\"utf-8\"/>\n\
         <title>{}</title>\n\
         <link rel=\"stylesheet\" type=\"text/css\" href=\"{}\"/>\n\
         </head>\n\
         <body{body_attrs}>\n",
        escaped(title),
        super::STYLE_FILE,
    )
}

/// The end of an XHTML content document.
pub const FOOT: &str = "</body>\n</html>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escaped("a < b && c > d\u{1}"),
            "a &lt; b &amp;&amp; c &gt; d"
        );
        assert_eq!(escaped_attr("say \"hi\"\n"), "say &quot;hi&quot;&#10;");
        assert_eq!(escaped("é\u{FFFE}ü<\u{1F600}\u{0}"), "éü&lt;\u{1F600}");
    }
}
