//! Raw HTML from the manuscript, made into well-formed, valid XHTML.
//!
//! Markdown lets authors write any HTML; an EPUB must contain strict XHTML
//! and should contain no scripts. A [`Sanitizer`] reads the HTML with a small
//! tolerant tokenizer and keeps only a short list of elements and attributes
//! where HTML allows them: `<script>`, `<style>` and their kind disappear
//! with their content, event handlers and unknown attributes are dropped,
//! unknown or misplaced elements are unwrapped (their text stays), and tags
//! left open are closed. Every change is recorded, so the caller can warn with
//! the file and line.

use super::xml;
use crate::config::is_language_tag;
use crate::entities::decode_entities;

/// Where the HTML stands: among blocks, or inside a line of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Between blocks: paragraphs, lists and tables may open here.
    Block,
    /// Inside a paragraph, heading or cell: only text-level elements.
    Inline,
}

/// Turns pieces of raw HTML into XHTML, keeping open elements across pieces.
///
/// Inline HTML arrives one tag at a time (`<sup>`, text, `</sup>`), so one
/// sanitizer serves a whole run of inline content and is finished at its end.
#[derive(Debug)]
pub struct Sanitizer {
    context: Context,
    in_link: bool,
    open: Vec<&'static Element>,
    /// The element whose content is being skipped, and how deeply it nests.
    skipping: Option<(String, usize)>,
    changes: Vec<String>,
}

impl Sanitizer {
    /// A sanitizer for HTML in `context`; `in_link` forbids links inside a
    /// link of the text.
    pub fn new(context: Context, in_link: bool) -> Sanitizer {
        Sanitizer {
            context,
            in_link,
            open: Vec::new(),
            skipping: None,
            changes: Vec::new(),
        }
    }

    /// Whether a link opened by raw HTML is still open, so the text must not
    /// open another one.
    pub fn in_anchor(&self) -> bool {
        self.open.iter().any(|e| e.name == "a")
    }

    /// Whether the content of a removed element (a `<script>`) is being
    /// skipped: text of the manuscript between inline tags is skipped too.
    pub fn is_skipping(&self) -> bool {
        self.skipping.is_some()
    }

    /// Appends the XHTML for `html` to `out`.
    pub fn feed(&mut self, html: &str, out: &mut String) {
        let mut rest = html;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("<!--") {
                rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            } else if rest.starts_with('<') {
                if let Some((tag, len)) = parse_tag(rest) {
                    self.tag(tag, out);
                    rest = &rest[len..];
                } else if rest.starts_with("<!") || rest.starts_with("<?") {
                    // A doctype, CDATA section or processing instruction.
                    rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
                } else {
                    self.text("<", out);
                    rest = &rest[1..];
                }
            } else {
                let end = rest.find('<').unwrap_or(rest.len());
                self.text(&rest[..end], out);
                rest = &rest[end..];
            }
        }
    }

    /// Closes what is still open and returns the changes made, each as a
    /// short phrase, in the order they happened.
    pub fn finish(mut self, out: &mut String) -> Vec<String> {
        while let Some(element) = self.open.pop() {
            self.note(format!("closed <{}>, which was left open", element.name));
            close(out, element.name);
        }
        self.changes
    }

    fn note(&mut self, change: String) {
        if !self.changes.contains(&change) {
            self.changes.push(change);
        }
    }

    fn tag(&mut self, tag: Tag, out: &mut String) {
        if let Some((name, depth)) = &mut self.skipping {
            if tag.name == *name && tag.end {
                if *depth == 0 {
                    self.skipping = None;
                } else {
                    *depth -= 1;
                }
            } else if tag.name == *name && !tag.self_closing {
                *depth += 1;
            }
            return;
        }
        if tag.end {
            self.end(&tag.name, out);
        } else {
            self.start(tag, out);
        }
    }

    fn start(&mut self, tag: Tag, out: &mut String) {
        let name = tag.name.as_str();
        if DROPPED_WITH_CONTENT.contains(&name) {
            self.note(format!("removed <{name}> and its content"));
            if !tag.self_closing {
                self.skipping = Some((tag.name, 0));
            }
            return;
        }
        if name == "img" {
            self.note(
                "removed <img>, whose file is not copied into the book (write images in \
                 Markdown); its alt text is kept"
                    .to_string(),
            );
            if let Some((_, alt)) = tag.attrs.iter().find(|(n, _)| n == "alt") {
                self.text(&alt.clone(), out);
            }
            return;
        }
        let Some(element) = ELEMENTS.iter().find(|e| e.name == name) else {
            if !IGNORED.contains(&name) {
                self.note(format!("removed the element <{name}>, keeping its text"));
            }
            return;
        };
        if !self.fits(element) {
            self.note(format!(
                "removed <{name}>, which cannot stand there, keeping its text"
            ));
            return;
        }
        out.push('<');
        out.push_str(element.name);
        self.attributes(element, &tag.attrs, out);
        if element.holds == Holds::Nothing {
            out.push_str("/>");
        } else {
            out.push('>');
            self.open.push(element);
        }
    }

    fn end(&mut self, name: &str, out: &mut String) {
        let Some(at) = self.open.iter().rposition(|e| e.name == name) else {
            let known = ELEMENTS
                .iter()
                .any(|e| e.name == name && e.holds != Holds::Nothing);
            if known {
                self.note(format!("removed a stray </{name}>"));
            }
            return;
        };
        while self.open.len() > at + 1 {
            if let Some(inner) = self.open.pop() {
                self.note(format!(
                    "closed <{}>, which was left open inside <{name}>",
                    inner.name
                ));
                close(out, inner.name);
            }
        }
        self.open.pop();
        close(out, name);
    }

    fn text(&mut self, raw: &str, out: &mut String) {
        if self.skipping.is_some() {
            return;
        }
        let text = decode_entities(raw);
        match self.open.last().map(|e| e.holds) {
            Some(Holds::Only(_)) => {
                if !text.trim().is_empty() {
                    let parent = self.open.last().map_or("", |e| e.name);
                    self.note(format!("removed text that cannot stand inside <{parent}>"));
                }
            }
            _ => xml::text(out, &text),
        }
    }

    /// Whether `element` may open here: inside its required parent, among
    /// the children its parent allows, and never a link inside a link.
    fn fits(&self, element: &Element) -> bool {
        let parent = self.open.last();
        if !element.parents.is_empty() && !parent.is_some_and(|p| element.parents.contains(&p.name))
        {
            return false;
        }
        if element.name == "a" && (self.in_link || self.in_anchor()) {
            return false;
        }
        let holds = parent.map_or(
            match self.context {
                Context::Block => Holds::Flow,
                Context::Inline => Holds::Phrasing,
            },
            |p| p.holds,
        );
        match holds {
            Holds::Flow => true,
            Holds::Phrasing => element.phrasing,
            Holds::Only(names) => names.contains(&element.name),
            Holds::Nothing => false,
        }
    }

    /// Writes the attributes allowed on `element`, each once.
    fn attributes(&mut self, element: &Element, attrs: &[(String, String)], out: &mut String) {
        let mut written: Vec<&str> = Vec::new();
        for (name, value) in attrs {
            if written.contains(&name.as_str()) {
                continue;
            }
            let value = match (name.as_str(), element.name) {
                ("title" | "class", _) => Some(value.clone()),
                ("lang", _) if is_language_tag(value) => Some(value.clone()),
                ("dir", _) if matches!(value.as_str(), "ltr" | "rtl" | "auto") => {
                    Some(value.clone())
                }
                ("href", "a") => safe_url(value),
                ("colspan" | "rowspan", "td" | "th") | ("start", "ol") if is_count(value) => {
                    Some(value.clone())
                }
                ("scope", "th") if matches!(value.as_str(), "row" | "col") => Some(value.clone()),
                _ => None,
            };
            let Some(value) = value else {
                if name.starts_with("on") {
                    self.note(format!("removed the event handler `{name}`"));
                } else {
                    self.note(format!(
                        "removed the attribute `{name}` of <{}>",
                        element.name
                    ));
                }
                continue;
            };
            written.push(name);
            if name == "lang" {
                out.push_str(" xml:lang=\"");
                xml::attr(out, &value);
                out.push('"');
            }
            out.push(' ');
            out.push_str(name);
            out.push_str("=\"");
            xml::attr(out, &value);
            out.push('"');
        }
    }
}

fn close(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// A link target raw HTML may keep: web and mail addresses only, written
/// as Markdown links' are ([`crate::url::href`]).
fn safe_url(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let web = ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme));
    web.then(|| crate::url::href(url).ok()).flatten()
}

fn is_count(value: &str) -> bool {
    !value.is_empty() && value.len() <= 4 && value.bytes().all(|b| b.is_ascii_digit())
}

/// What an element may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holds {
    /// Blocks and text.
    Flow,
    /// Text and text-level elements.
    Phrasing,
    /// Only the named elements (and white space).
    Only(&'static [&'static str]),
    /// Nothing: a void element such as `<br/>`.
    Nothing,
}

/// An element raw HTML may use.
#[derive(Debug)]
struct Element {
    name: &'static str,
    /// Whether it is text-level (phrasing) content.
    phrasing: bool,
    /// The parents it needs; empty for any.
    parents: &'static [&'static str],
    holds: Holds,
}

const fn phrasing(name: &'static str) -> Element {
    Element {
        name,
        phrasing: true,
        parents: &[],
        holds: Holds::Phrasing,
    }
}

const fn block(name: &'static str, parents: &'static [&'static str], holds: Holds) -> Element {
    Element {
        name,
        phrasing: false,
        parents,
        holds,
    }
}

const TABLE_PARTS: &[&str] = &["table", "thead", "tbody", "tfoot"];

/// The elements kept, with where they may stand and what they may hold.
static ELEMENTS: &[Element] = &[
    phrasing("a"),
    phrasing("abbr"),
    phrasing("b"),
    phrasing("bdi"),
    phrasing("cite"),
    phrasing("code"),
    phrasing("del"),
    phrasing("dfn"),
    phrasing("em"),
    phrasing("i"),
    phrasing("ins"),
    phrasing("kbd"),
    phrasing("mark"),
    phrasing("q"),
    phrasing("s"),
    phrasing("samp"),
    phrasing("small"),
    phrasing("span"),
    phrasing("strong"),
    phrasing("sub"),
    phrasing("sup"),
    phrasing("u"),
    phrasing("var"),
    Element {
        name: "br",
        phrasing: true,
        parents: &[],
        holds: Holds::Nothing,
    },
    Element {
        name: "wbr",
        phrasing: true,
        parents: &[],
        holds: Holds::Nothing,
    },
    block("hr", &[], Holds::Nothing),
    block("p", &[], Holds::Phrasing),
    block("pre", &[], Holds::Phrasing),
    block("div", &[], Holds::Flow),
    block("blockquote", &[], Holds::Flow),
    block("figure", &[], Holds::Flow),
    block("figcaption", &["figure"], Holds::Flow),
    block("ul", &[], Holds::Only(&["li"])),
    block("ol", &[], Holds::Only(&["li"])),
    block("li", &["ul", "ol"], Holds::Flow),
    block("dl", &[], Holds::Only(&["dt", "dd"])),
    block("dt", &["dl"], Holds::Phrasing),
    block("dd", &["dl"], Holds::Flow),
    block(
        "table",
        &[],
        Holds::Only(&["caption", "thead", "tbody", "tfoot", "tr"]),
    ),
    block("caption", &["table"], Holds::Phrasing),
    block("thead", &["table"], Holds::Only(&["tr"])),
    block("tbody", &["table"], Holds::Only(&["tr"])),
    block("tfoot", &["table"], Holds::Only(&["tr"])),
    block("tr", TABLE_PARTS, Holds::Only(&["td", "th"])),
    block("td", &["tr"], Holds::Flow),
    block("th", &["tr"], Holds::Flow),
];

/// Elements removed together with everything inside them: scripts, styles,
/// embedded content and forms, none of which belong in a book's text.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "template", "iframe", "object", "embed", "noscript", "textarea", "select",
    "button", "svg", "math", "canvas", "audio", "video", "head", "title", "frameset", "applet",
];

/// Wrappers dropped silently: they carry no content of their own.
const IGNORED: &[&str] = &["html", "body"];

/// A start or end tag.
#[derive(Debug)]
struct Tag {
    name: String,
    end: bool,
    self_closing: bool,
    attrs: Vec<(String, String)>,
}

/// Reads a tag at the start of `s` (which starts with `<`); returns it and
/// its length in bytes, or `None` when `s` does not start with a whole tag.
fn parse_tag(s: &str) -> Option<(Tag, usize)> {
    let bytes = s.as_bytes();
    let end = bytes.get(1) == Some(&b'/');
    let mut i = if end { 2 } else { 1 };
    if !bytes.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    let start = i;
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b':')
    {
        i += 1;
    }
    let mut tag = Tag {
        name: s[start..i].to_ascii_lowercase(),
        end,
        self_closing: false,
        attrs: Vec::new(),
    };
    loop {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match *bytes.get(i)? {
            b'>' => return Some((tag, i + 1)),
            b'/' => {
                tag.self_closing = true;
                i += 1;
                continue;
            }
            _ => {}
        }
        let name_start = i;
        while bytes
            .get(i)
            .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/'))
        {
            i += 1;
        }
        if i == name_start {
            // A stray `=`: skip it.
            i += 1;
            continue;
        }
        let name = s[name_start..i].to_ascii_lowercase();
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let mut value = "";
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            match *bytes.get(i)? {
                quote @ (b'"' | b'\'') => {
                    let value_start = i + 1;
                    let len = s[value_start..].find(char::from(quote))?;
                    value = &s[value_start..value_start + len];
                    i = value_start + len + 1;
                }
                _ => {
                    let value_start = i;
                    while bytes
                        .get(i)
                        .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
                    {
                        i += 1;
                    }
                    value = &s[value_start..i];
                }
            }
        }
        if !tag.end {
            tag.attrs.push((name, decode_entities(value)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(context: Context, html: &str) -> (String, Vec<String>) {
        let mut out = String::new();
        let mut sanitizer = Sanitizer::new(context, false);
        sanitizer.feed(html, &mut out);
        let changes = sanitizer.finish(&mut out);
        (out, changes)
    }

    #[test]
    fn scripts_and_handlers_go_text_stays() {
        let (out, changes) = clean(
            Context::Block,
            "<div onclick=\"x()\" class=\"box\">Hi<script>alert('<b>')</script> there</div>",
        );
        assert_eq!(out, "<div class=\"box\">Hi there</div>");
        assert_eq!(changes.len(), 2, "{changes:?}");
    }

    #[test]
    fn unclosed_and_stray_tags_are_balanced() {
        let (out, changes) = clean(Context::Block, "<p><b>bold <i>both</p></b>");
        assert_eq!(out, "<p><b>bold <i>both</i></b></p>");
        assert!(
            changes.iter().any(|c| c.contains("closed <i>")),
            "{changes:?}"
        );
        let (out, _) = clean(Context::Inline, "<span>open");
        assert_eq!(out, "<span>open</span>");
    }

    #[test]
    fn blocks_cannot_open_inside_text() {
        let (out, _) = clean(
            Context::Inline,
            "<div>x</div><table><tr><td>y</td></tr></table>",
        );
        assert_eq!(out, "xy");
        let (out, _) = clean(Context::Block, "<ul>stray<li>ok</li></ul><li>bad</li>");
        assert_eq!(out, "<ul><li>ok</li></ul>bad");
    }

    #[test]
    fn entities_become_characters_and_markup_is_escaped() {
        let (out, _) = clean(Context::Inline, "a&nbsp;&amp;&#x2014;&bogus; < b");
        assert_eq!(out, "a\u{a0}&amp;—&amp;bogus; &lt; b");
    }

    #[test]
    fn only_web_links_and_known_attributes_survive() {
        let (out, changes) = clean(
            Context::Inline,
            "<a href=\"javascript:x()\" style=\"c\">j</a><a href='https://e.org/a b' title=t>w</a>",
        );
        assert_eq!(
            out,
            "<a>j</a><a href=\"https://e.org/a%20b\" title=\"t\">w</a>"
        );
        assert_eq!(changes.len(), 2, "{changes:?}");
    }

    /// Feeds pieces of HTML, good and broken, in many orders: the output
    /// must always be well-formed XML.
    #[test]
    fn any_mix_of_pieces_gives_well_formed_xml() {
        let pieces = [
            "<p>",
            "</p>",
            "<b>",
            "</b>",
            "<i x=1>",
            "</i>",
            "<table>",
            "<tr>",
            "<td>",
            "</td>",
            "</table>",
            "<ul>",
            "<li>",
            "</ul>",
            "<script>",
            "</script>",
            "<!--",
            "-->",
            "<",
            ">",
            "&",
            "&amp;",
            "text",
            "<a href='https://e.org'>",
            "</a>",
            "<br>",
            "<div>",
            "</div>",
            "<img alt='x'>",
            "\"",
            "<pre>",
            "</span>",
            "<dl><dt>",
            "<q onclick=x>",
        ];
        let mut seed: u64 = 7;
        for _ in 0..2000 {
            let mut html = String::new();
            for _ in 0..8 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                html.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            for context in [Context::Block, Context::Inline] {
                let (out, _) = clean(context, &html);
                let wrapped = format!("<div>{out}</div>");
                assert!(
                    roxmltree::Document::parse(&wrapped).is_ok(),
                    "{html:?} gave {out:?}"
                );
            }
        }
    }

    #[test]
    fn broken_markup_never_panics() {
        for html in [
            "<",
            "<a",
            "<a href=\"x",
            "</",
            "<!--",
            "<b/>x</b>",
            "&",
            "&#xFFFFFFF;",
        ] {
            clean(Context::Block, html);
            clean(Context::Inline, html);
        }
    }
}
