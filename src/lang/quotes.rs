//! Quotation marks, dashes and French spacing by language.
//!
//! pulldown-cmark's smart punctuation decides where a straight quote opens
//! and where it closes, and gives English marks. The parser hands the model
//! over with those decisions as the placeholders below instead of marks;
//! [`apply`] then sets each as the language of its passage sets it: `"`
//! gives the language's primary marks, `'` its nested ones, and a closing
//! `'` is a closing mark only while a `'` is open, else an apostrophe. In
//! French, a narrow no-break space (U+202F) goes before `? ! ; :` and inside
//! guillemets, replacing a space the author typed there.
//!
//! A dash with a space on each side is a parenthetical dash: it is set as the
//! language sets one (a spaced en dash in German, French and most European
//! languages, a spaced em dash in Russian and Ukrainian; English keeps the
//! dash the author typed), and the space before it becomes a no-break space,
//! so that no line begins with the dash. A source line that begins with such
//! a dash, or in French with `? ! ; : »`, is joined to the line before by
//! the same no-break space. Every language here sets the ellipsis as U+2026,
//! which the parser already makes of `...`.
//!
//! The quote data are CLDR's `delimiters` (quotationStart, quotationEnd,
//! alternateQuotationStart, alternateQuotationEnd).

use crate::model::{Block, Inline, inline_runs_mut};

/// Where pulldown-cmark opened a double quote. The four placeholders are
/// Unicode noncharacters, kept for a program's own use; the parser turns any
/// the author typed into U+FFFD first, so each one here was made by it.
pub const OPEN_DOUBLE: char = '\u{FDD0}';
/// Where pulldown-cmark closed a double quote.
pub const CLOSE_DOUBLE: char = '\u{FDD1}';
/// Where pulldown-cmark opened a single quote.
pub const OPEN_SINGLE: char = '\u{FDD2}';
/// A `'` pulldown-cmark set as `’`: a closing single quote or an apostrophe.
pub const CLOSE_SINGLE: char = '\u{FDD3}';

/// Whether `c` is one of the parser's placeholders.
pub fn is_placeholder(c: char) -> bool {
    matches!(c, OPEN_DOUBLE | CLOSE_DOUBLE | OPEN_SINGLE | CLOSE_SINGLE)
}

/// U+202F NARROW NO-BREAK SPACE, French's space before `? ! ; :` and inside « ».
pub const NARROW_NBSP: char = '\u{202F}';

/// U+00A0 NO-BREAK SPACE, the space before a parenthetical dash.
const NBSP: char = '\u{a0}';

/// The apostrophe, the same in every language bindery knows.
const APOSTROPHE: char = '’';

/// A language's quotation marks: primary and nested, each opening and closing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marks {
    /// The primary opening mark (`“` in English, `„` in German).
    pub open: char,
    /// The primary closing mark.
    pub close: char,
    /// The opening mark of a quotation inside a quotation.
    pub nested_open: char,
    /// Its closing mark.
    pub nested_close: char,
}

impl Marks {
    /// Reads the four marks of `[typography] quotes`, such as `"„“‚‘"`.
    pub fn parse(text: &str) -> Option<Marks> {
        match text.chars().collect::<Vec<_>>()[..] {
            [open, close, nested_open, nested_close] => Some(Marks {
                open,
                close,
                nested_open,
                nested_close,
            }),
            _ => None,
        }
    }
}

/// How a book's text is set: its language, and the marks that override the
/// language's (`[typography] quotes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typography {
    /// The book's BCP 47 language tag.
    pub language: String,
    /// Marks for the book's language instead of CLDR's.
    pub quotes: Option<Marks>,
}

impl Typography {
    /// The settings of a book in `language` with its own marks.
    pub fn new(language: &str) -> Typography {
        Typography {
            language: language.to_string(),
            quotes: None,
        }
    }

    /// The marks of a passage in `tag`: the override for the book's own
    /// language, else the language's.
    fn marks(&self, tag: &str) -> Marks {
        match self.quotes {
            Some(marks) if tag.eq_ignore_ascii_case(&self.language) => marks,
            _ => marks(tag),
        }
    }
}

/// The quotation marks of a language (CLDR), English's for one not listed.
pub fn marks(tag: &str) -> Marks {
    let tag = tag.to_ascii_lowercase();
    let quad = known(&tag)
        .or_else(|| known(&super::primary(&tag)))
        .unwrap_or("“”‘’");
    Marks::parse(quad).unwrap_or(Marks {
        open: '“',
        close: '”',
        nested_open: '‘',
        nested_close: '’',
    })
}

/// The marks of a language or language-region tag CLDR gives, as four
/// characters: primary open and close, nested open and close.
fn known(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "en" | "en-gb" | "en-us" | "af" | "as" | "bn" | "gl" | "gu" | "hi" | "kn" | "ku" | "la"
        | "ml" | "mn" | "mr" | "or" | "pa" | "sa" | "ta" | "te" | "tr" | "pt" | "pt-br" | "da" => {
            "“”‘’"
        }
        "de" | "cs" | "sk" | "sl" | "is" | "et" | "hr" => "„“‚‘",
        "de-ch" | "fr-ch" | "it-ch" => "«»‹›",
        "fr" => "«»«»",
        "it" | "es" | "el" | "ca" | "sq" | "pt-pt" => "«»“”",
        "nl" => "‘’“”",
        "sv" | "fi" => "””’’",
        "nb" | "nn" | "no" => "«»‘’",
        "pl" | "ro" => "„”«»",
        "hu" => "„”»«",
        "ru" | "uk" | "be" => "«»„“",
        "bg" | "lt" => "„“„“",
        "ka" => "„“«»",
        "sr" => "„“‘’",
        "tk" => "“”“”",
        _ => return None,
    })
}

/// Whether a language sets French spacing: a narrow no-break space before
/// `? ! ; :` and inside guillemets.
pub fn french_spacing(tag: &str) -> bool {
    super::primary(tag) == "fr"
}

/// The dash a language sets between spaces, `None` for a language that
/// keeps the one the author typed (English allows both).
pub fn spaced_dash(tag: &str) -> Option<char> {
    match super::primary(tag).as_str() {
        "de" | "fr" | "it" | "nl" | "sv" | "da" | "nb" | "nn" | "no" | "fi" | "pl" | "cs"
        | "sk" | "hu" | "ro" | "hr" | "sl" | "et" | "is" | "lt" | "ca" => Some(EN_DASH),
        "ru" | "uk" | "be" | "bg" => Some(EM_DASH),
        _ => None,
    }
}

const EN_DASH: char = '–';
const EM_DASH: char = '—';

/// Whether `c` is a dash that is parenthetical when spaced.
fn is_dash(c: char) -> bool {
    matches!(c, EN_DASH | EM_DASH)
}

/// Sets the placeholders of `blocks` as marks of `typography`'s language,
/// passages in other languages (language spans) as theirs, and adds French
/// spacing where the language asks for it. Quotes nest within a block.
pub fn apply(blocks: &mut [Block], typography: &Typography) {
    inline_runs_mut(blocks, &mut |run| {
        setter(typography, &typography.language).run(run);
    });
}

/// Sets a run of text outside the model (a title from a file name, a label)
/// as [`apply`] sets a block.
pub fn apply_text(text: &str, typography: &Typography) -> String {
    setter(typography, &typography.language).text(text)
}

fn setter<'a>(typography: &'a Typography, tag: &str) -> Setter<'a> {
    Setter {
        typography,
        marks: typography.marks(tag),
        french: french_spacing(tag),
        dash: spaced_dash(tag),
        open: Vec::new(),
        prev: None,
        after_guillemet: false,
        verbatim: false,
    }
}

/// Which straight quote opened a quotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    Double,
    Single,
}

/// The state of setting one block's text in one language.
struct Setter<'a> {
    typography: &'a Typography,
    marks: Marks,
    french: bool,
    /// The dash set between spaces, if the language has its own.
    dash: Option<char>,
    /// The quotations open, innermost last.
    open: Vec<Quote>,
    /// The last character set, across inlines.
    prev: Option<char>,
    /// An opening guillemet was just set: the next character decides its space.
    after_guillemet: bool,
    /// Inside a link whose text is its address: no spacing is added.
    verbatim: bool,
}

impl Setter<'_> {
    fn run(&mut self, inlines: &mut [Inline]) {
        for at in 0..inlines.len() {
            if let Some(space) = self.glue(&inlines[at], inlines.get(at + 1)) {
                inlines[at] = Inline::Text {
                    text: space.to_string(),
                };
                self.prev = Some(space);
                self.after_guillemet = false;
                continue;
            }
            match &mut inlines[at] {
                Inline::Text { text } => {
                    let needed =
                        self.french || text.chars().any(|c| is_placeholder(c) || is_dash(c));
                    if needed {
                        *text = self.text(text);
                    } else {
                        self.prev = text.chars().last().or(self.prev);
                    }
                }
                Inline::Emphasis { content }
                | Inline::Strong { content }
                | Inline::Strikethrough { content } => self.run(content),
                Inline::Link {
                    content, target, ..
                } => {
                    let address = matches!(target, crate::model::Target::External { url }
                        if Inline::plain_text(content).trim_start_matches("mailto:")
                            == url.trim_start_matches("mailto:"));
                    let was = self.verbatim;
                    self.verbatim |= address;
                    self.run(content);
                    self.verbatim = was;
                }
                Inline::Span { lang, content } => {
                    let mut inner = setter(self.typography, lang);
                    inner.prev = self.prev;
                    inner.verbatim = self.verbatim;
                    inner.run(content);
                    self.prev = inner.prev;
                }
                Inline::Image { alt, .. } => {
                    // The alternative text is a passage of its own.
                    if alt.chars().any(is_placeholder) || self.french {
                        let mut inner = Setter {
                            open: Vec::new(),
                            prev: None,
                            after_guillemet: false,
                            ..*self
                        };
                        *alt = inner.text(alt);
                    }
                }
                Inline::Code { code } => self.prev = code.chars().last().or(self.prev),
                Inline::SoftBreak | Inline::LineBreak => {
                    self.prev = Some(' ');
                    self.after_guillemet = false;
                }
                Inline::FootnoteRef { .. } | Inline::Html { .. } => {}
            }
        }
    }

    /// The no-break space a source line break stands for, when `inline` is
    /// a soft break that must not break: before a spaced dash, and in French
    /// after `«` or before `? ! ; : »`. `next` is the inline after it.
    fn glue(&self, inline: &Inline, next: Option<&Inline>) -> Option<char> {
        if !matches!(inline, Inline::SoftBreak) || self.verbatim {
            return None;
        }
        if self.french && self.after_guillemet {
            return Some(NARROW_NBSP);
        }
        let Some(Inline::Text { text }) = next else {
            return None;
        };
        let mut chars = text.chars().map(|c| self.peek_mark(c));
        let first = chars.next()?;
        let second = chars.next();
        if is_dash(first) && second.is_none_or(char::is_whitespace) {
            Some(NBSP)
        } else if self.french
            && (matches!(first, '»' | '›')
                || matches!(first, '?' | '!' | ';' | ':') && ends_a_word(second))
        {
            Some(NARROW_NBSP)
        } else {
            None
        }
    }

    /// Sets one text: placeholders become marks, dashes are set, French
    /// spaces are added.
    fn text(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 8);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let mut c = self.mark(c);
            if is_dash(c)
                && !self.verbatim
                && self.prev.is_some_and(char::is_whitespace)
                && chars.peek().is_none_or(|n| n.is_whitespace())
            {
                c = self.dash.unwrap_or(c);
                if out.ends_with(' ') {
                    out.pop();
                    out.push(NBSP);
                }
            }
            if self.french && !self.verbatim {
                let next = chars.peek().map(|&n| self.peek_mark(n));
                self.french_char(c, next, &mut out);
            } else {
                out.push(c);
                self.prev = Some(c);
            }
        }
        out
    }

    /// The mark a placeholder stands for; any other character as it is.
    fn mark(&mut self, c: char) -> char {
        match c {
            OPEN_DOUBLE => {
                self.open.push(Quote::Double);
                self.marks.open
            }
            OPEN_SINGLE => {
                self.open.push(Quote::Single);
                self.marks.nested_open
            }
            CLOSE_DOUBLE => {
                self.close(Quote::Double);
                self.marks.close
            }
            CLOSE_SINGLE if self.open.contains(&Quote::Single) => {
                self.close(Quote::Single);
                self.marks.nested_close
            }
            CLOSE_SINGLE => APOSTROPHE,
            c => c,
        }
    }

    /// What a character coming next will be, without changing the state.
    fn peek_mark(&self, c: char) -> char {
        match c {
            OPEN_DOUBLE => self.marks.open,
            OPEN_SINGLE => self.marks.nested_open,
            CLOSE_DOUBLE => self.marks.close,
            CLOSE_SINGLE if self.open.contains(&Quote::Single) => self.marks.nested_close,
            CLOSE_SINGLE => APOSTROPHE,
            c => c,
        }
    }

    /// Closes the innermost quotation opened by `quote`, and any opened
    /// inside it and left open.
    fn close(&mut self, quote: Quote) {
        if let Some(at) = self.open.iter().rposition(|&q| q == quote) {
            self.open.truncate(at);
        }
    }

    /// Sets `c` with French spacing; `next` is the character after it in
    /// the same text, if any.
    fn french_char(&mut self, c: char, next: Option<char>, out: &mut String) {
        if std::mem::take(&mut self.after_guillemet) {
            if matches!(c, ' ' | '\u{a0}') {
                out.push(NARROW_NBSP);
                self.prev = Some(NARROW_NBSP);
                return;
            }
            if c != NARROW_NBSP {
                out.push(NARROW_NBSP);
            }
        }
        let high = matches!(c, '?' | '!' | ';' | ':');
        if matches!(c, '»' | '›') || (high && ends_a_word(next)) {
            if out.ends_with([' ', '\u{a0}']) {
                out.pop();
                out.push(NARROW_NBSP);
            } else if self.prev.is_some_and(|p| {
                // `?!` takes one space, before the first mark.
                !(p.is_whitespace() || opens(p) || high && matches!(p, '?' | '!' | ';' | ':'))
            }) {
                out.push(NARROW_NBSP);
            }
        }
        out.push(c);
        self.prev = Some(c);
        self.after_guillemet = matches!(c, '«' | '‹');
    }
}

/// Whether a mark followed by `next` ends a word as punctuation, rather than
/// standing inside one (`12:30`, `https://`, `?id=4`).
fn ends_a_word(next: Option<char>) -> bool {
    next.is_none_or(|n| n.is_whitespace() || !(n.is_alphanumeric() || matches!(n, '/' | '=')))
}

/// Characters after which no space is put before `? ! ; :` or `»`: an
/// opening mark or bracket.
fn opens(c: char) -> bool {
    matches!(c, '«' | '‹' | '(' | '[' | '“' | '„' | '‚' | '‘')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BlockKind;

    fn set(tag: &str, text: &str) -> String {
        apply_text(text, &Typography::new(tag))
    }

    /// Text as the parser gives it: `"` and `'` as placeholders, opening
    /// after a space or at the start, closing elsewhere.
    fn parsed(text: &str) -> String {
        let mut out = String::new();
        let mut prev = ' ';
        for c in text.chars() {
            out.push(match (c, prev.is_whitespace()) {
                ('"', true) => OPEN_DOUBLE,
                ('"', false) => CLOSE_DOUBLE,
                ('\'', true) => OPEN_SINGLE,
                ('\'', false) => CLOSE_SINGLE,
                _ => c,
            });
            prev = c;
        }
        out
    }

    #[test]
    fn every_language_named_in_issue_19_has_its_marks() {
        for (tag, quad) in [
            ("en", "“”‘’"),
            ("en-GB", "“”‘’"),
            ("de", "„“‚‘"),
            ("de-CH", "«»‹›"),
            ("fr", "«»«»"),
            ("fr-CH", "«»‹›"),
            ("it", "«»“”"),
            ("es", "«»“”"),
            ("pt", "“”‘’"),
            ("pt-BR", "“”‘’"),
            ("nl", "‘’“”"),
            ("sv", "””’’"),
            ("da", "“”‘’"),
            ("nb", "«»‘’"),
            ("fi", "””’’"),
            ("pl", "„”«»"),
            ("cs", "„“‚‘"),
            ("sk", "„“‚‘"),
            ("hu", "„”»«"),
            ("ro", "„”«»"),
            ("ru", "«»„“"),
            ("uk", "«»„“"),
            ("el", "«»“”"),
            ("tr", "“”‘’"),
        ] {
            assert_eq!(marks(tag), Marks::parse(quad).unwrap(), "{tag}");
        }
        assert_eq!(marks("x-klingon"), marks("en"));
    }

    #[test]
    fn every_hyphenation_language_has_marks() {
        for tag in [
            "af", "sq", "as", "be", "bn", "bg", "ca", "hr", "cs", "da", "nl", "en", "et", "fi",
            "fr", "gl", "ka", "de", "el", "gu", "hi", "hu", "is", "it", "kn", "ku", "la", "lt",
            "ml", "mr", "mn", "no", "nb", "nn", "or", "pa", "pl", "pt", "ru", "sa", "sr", "sk",
            "sl", "es", "sv", "ta", "te", "tr", "tk", "uk",
        ] {
            assert!(known(tag).is_some(), "{tag}");
        }
    }

    #[test]
    fn quotes_nest_in_the_language_s_marks() {
        let text = parsed("\"Er sagte: 'Nein', und ging.\"");
        assert_eq!(set("de", &text), "„Er sagte: ‚Nein‘, und ging.“");
        assert_eq!(set("en", &text), "“Er sagte: ‘Nein’, und ging.”");
        assert_eq!(set("hu", &text), "„Er sagte: »Nein«, und ging.”");
    }

    #[test]
    fn an_apostrophe_is_not_a_closing_quote() {
        // "’" inside a word is the parser's apostrophe; one after a word with
        // no single quote open is one too.
        let text = parsed("\"Wir gehen in's Haus, Hans' Haus.\"");
        assert_eq!(set("de", &text), "„Wir gehen in’s Haus, Hans’ Haus.“");
    }

    #[test]
    fn french_puts_a_narrow_space_before_high_marks_and_inside_guillemets() {
        let n = NARROW_NBSP;
        assert_eq!(
            set("fr", &parsed("\"Vous êtes Français?\" Oui !")),
            format!("«{n}Vous êtes Français{n}?{n}» Oui{n}!")
        );
        // Typed spaces are replaced, never doubled; typed guillemets get it too.
        assert_eq!(
            set("fr", "« Bonjour » et «salut»; voilà : fini"),
            format!("«{n}Bonjour{n}» et «{n}salut{n}»{n}; voilà{n}: fini")
        );
        // Times, addresses and doubled marks are left as they are.
        assert_eq!(
            set("fr", "À 12:30, voir https://ex.fr/a?b=1 Quoi ?!"),
            format!("À 12:30, voir https://ex.fr/a?b=1 Quoi{n}?!")
        );
        assert_eq!(set("en", "Really ? Yes!"), "Really ? Yes!");
    }

    #[test]
    fn a_spaced_dash_is_set_as_the_language_sets_it_and_never_begins_a_line() {
        let s = NBSP;
        assert_eq!(
            set("de", "Er kam — spät — und ging."),
            format!("Er kam{s}– spät{s}– und ging.")
        );
        assert_eq!(set("ru", "Он – там"), format!("Он{s}— там"));
        // English keeps the dash typed; ranges and closed dashes stay.
        assert_eq!(set("en", "He came — late"), format!("He came{s}— late"));
        assert_eq!(set("de", "1914–1918, Hin—und"), "1914–1918, Hin—und");
    }

    #[test]
    fn a_source_line_break_before_a_mark_that_cannot_begin_a_line_is_a_no_break_space() {
        let para = |content: Vec<Inline>| {
            vec![Block {
                pos: Default::default(),
                kind: BlockKind::Paragraph { content },
            }]
        };
        let text = |t: &str| Inline::Text {
            text: t.to_string(),
        };
        let mut blocks = para(vec![
            text("Vraiment"),
            Inline::SoftBreak,
            text("? Oui, «"),
            Inline::SoftBreak,
            text("bien"),
            Inline::SoftBreak,
            text("» — et"),
            Inline::SoftBreak,
            text("– voilà."),
        ]);
        apply(&mut blocks, &Typography::new("fr"));
        let n = NARROW_NBSP;
        let s = NBSP;
        let [
            Block {
                kind: BlockKind::Paragraph { content },
                ..
            },
        ] = &blocks[..]
        else {
            panic!("{blocks:?}")
        };
        assert_eq!(
            Inline::plain_text(content),
            format!("Vraiment{n}? Oui, «{n}bien{n}»{s}– et{s}– voilà.")
        );
        assert!(!content.iter().any(|i| matches!(i, Inline::SoftBreak)));
    }

    #[test]
    fn the_override_replaces_the_book_language_s_marks_only() {
        let typography = Typography {
            language: "de".to_string(),
            quotes: Marks::parse("»«›‹"),
        };
        let text = parsed("\"Ja, 'so'.\"");
        assert_eq!(apply_text(&text, &typography), "»Ja, ›so‹.«");
    }
}
