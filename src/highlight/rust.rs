//! A Rust lexer for highlighting, after the Rust Reference's lexical
//! structure: comments (line, nested block and doc comments), string, byte
//! and C string literals with their escapes, raw strings with any number of
//! `#`s, character literals and lifetimes, numbers with their bases,
//! exponents and suffixes, identifiers (raw ones too) read as keywords,
//! constants, types, functions or variables, macros, attributes and
//! operators. It reads a block in one pass, so that comments and strings
//! carry over lines, and never fails: what it does not know is plain.

use super::{Kind, Tokens};
use std::ops::Range;

/// Lexes `code` into `out`.
pub(super) fn lex(code: &str, out: &mut Tokens) {
    let mut lexer = Lexer {
        code,
        bytes: code.as_bytes(),
        out,
        before: Before::Other,
        attribute: 0,
    };
    let mut at = 0;
    while at < code.len() {
        let (mut kind, end) = lexer.token(at);
        if lexer.attribute > 0 {
            match lexer.bytes[at] {
                b'[' => lexer.attribute += 1,
                b']' => lexer.attribute -= 1,
                _ => {}
            }
            if !matches!(kind, Some(Kind::String | Kind::Comment)) {
                kind = Some(Kind::Macro);
            }
        }
        lexer.emit(kind, at..end);
        at = end;
    }
    lexer.out.finish();
}

/// The word before the one being read, where it changes how that one reads.
#[derive(Clone, Copy, PartialEq)]
enum Before {
    /// `fn`: a function's name follows.
    Fn,
    /// `let` or `let mut`: a variable's name follows.
    Let,
    Other,
}

struct Lexer<'a> {
    code: &'a str,
    bytes: &'a [u8],
    out: &'a mut Tokens,
    before: Before,
    /// How deep inside an attribute's brackets the lexer is, 0 outside one.
    attribute: usize,
}

impl Lexer<'_> {
    /// The byte at `i`, if the code goes that far.
    fn byte(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    /// The character at `i`, if `i` is inside the code and between characters.
    fn char_at(&self, i: usize) -> Option<char> {
        self.code.get(i..).and_then(|rest| rest.chars().next())
    }

    /// Where the run of bytes from `i` that `keep` keeps ends.
    fn skip(&self, mut i: usize, keep: impl Fn(u8) -> bool) -> usize {
        while self.byte(i).is_some_and(&keep) {
            i += 1;
        }
        i
    }

    /// Pushes a token, cut after each newline in it, so that none crosses a
    /// line's end.
    fn emit(&mut self, kind: Option<Kind>, range: Range<usize>) {
        let mut start = range.start;
        while let Some(newline) = self.bytes[start..range.end]
            .iter()
            .position(|&b| b == b'\n')
        {
            let end = start + newline + 1;
            self.out.push(kind, start..end);
            self.out.end_line();
            start = end;
        }
        self.out.push(kind, start..range.end);
    }

    /// The kind and end of the token at `i`, which is inside the code and
    /// between characters; the end is past `i` and between characters.
    fn token(&mut self, i: usize) -> (Option<Kind>, usize) {
        let b = self.bytes[i];
        let next = self.byte(i + 1);
        if b.is_ascii_whitespace() {
            return (None, self.skip(i, |b| b.is_ascii_whitespace()));
        }
        if b == b'/' && next == Some(b'/') {
            return (Some(Kind::Comment), self.skip(i, |b| b != b'\n'));
        }
        if b == b'/' && next == Some(b'*') {
            return (Some(Kind::Comment), self.block_comment(i + 2));
        }
        let before = std::mem::replace(&mut self.before, Before::Other);
        match b {
            b'"' => (Some(Kind::String), self.string(i + 1)),
            b'\'' => self.quote(i),
            b'0'..=b'9' => (Some(Kind::Number), self.number(i)),
            b'#' if next == Some(b'[') => {
                self.attribute = 1;
                (Some(Kind::Macro), i + 2)
            }
            b'#' if next == Some(b'!') && self.byte(i + 2) == Some(b'[') => {
                self.attribute = 1;
                (Some(Kind::Macro), i + 3)
            }
            b'b' | b'c' | b'r' => match self.prefixed(i, before) {
                Some(literal) => literal,
                None => self.word(i, i, before),
            },
            _ if self.is_word_start(i) => self.word(i, i, before),
            _ if b.is_ascii() => self.operator(i),
            _ => (None, i + self.char_at(i).map_or(1, char::len_utf8)),
        }
    }

    /// Where a block comment whose opening `/*` ends at `i` ends, nested
    /// ones inside it; the code's end if it is not closed.
    fn block_comment(&self, mut i: usize) -> usize {
        let mut depth = 1;
        while i < self.bytes.len() {
            match (self.bytes[i], self.byte(i + 1)) {
                (b'/', Some(b'*')) => {
                    depth += 1;
                    i += 2;
                }
                (b'*', Some(b'/')) => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        return i;
                    }
                }
                _ => i += 1,
            }
        }
        self.bytes.len()
    }

    /// Where a string whose opening quote ends at `i` ends, past escapes;
    /// the code's end if it is not closed.
    fn string(&self, mut i: usize) -> usize {
        while let Some(b) = self.byte(i) {
            match b {
                b'\\' => i += 2,
                b'"' => return i + 1,
                _ => i += 1,
            }
        }
        self.bytes.len()
    }

    /// Where a raw string ends whose `#`s (if any) and opening quote start
    /// at `i`; `None` when no quote follows the `#`s.
    fn raw_string(&self, i: usize) -> Option<usize> {
        let hashes = self.skip(i, |b| b == b'#') - i;
        if self.byte(i + hashes) != Some(b'"') {
            return None;
        }
        let mut at = i + hashes + 1;
        while let Some(quote) = self.bytes[at..].iter().position(|&b| b == b'"') {
            let close = at + quote + 1;
            if self.skip(close, |b| b == b'#') - close >= hashes {
                return Some(close + hashes);
            }
            at = close;
        }
        Some(self.bytes.len())
    }

    /// A literal with a prefix at `i`: `b"…"`, `c"…"`, `b'…'`, raw strings
    /// `r"…"`, `br#"…"#`, `cr"…"`; and a raw identifier `r#name`. `None` when
    /// the letter starts a plain word.
    fn prefixed(&mut self, i: usize, before: Before) -> Option<(Option<Kind>, usize)> {
        let first = self.bytes[i];
        let raw_at = match (first, self.byte(i + 1)) {
            (b'r', _) => i + 1,
            (b'b' | b'c', Some(b'r')) => i + 2,
            (b'b' | b'c', Some(b'"')) => return Some((Some(Kind::String), self.string(i + 2))),
            (b'b', Some(b'\'')) => {
                return match self.quote(i + 1) {
                    (Some(Kind::String), end) => Some((Some(Kind::String), end)),
                    _ => None,
                };
            }
            _ => return None,
        };
        if let Some(end) = self.raw_string(raw_at) {
            return Some((Some(Kind::String), end));
        }
        if first == b'r' && self.byte(i + 1) == Some(b'#') && self.is_word_start(i + 2) {
            return Some(self.word(i, i + 2, before));
        }
        None
    }

    /// What a quote at `i` starts: a character literal (`'a'`, `'\n'`,
    /// `'\u{7FFF}'`), a lifetime or label (`'a`, `'static`), or nothing (a
    /// stray quote, plain).
    fn quote(&self, i: usize) -> (Option<Kind>, usize) {
        let stray = (None, i + 1);
        match self.char_at(i + 1) {
            Some('\\') => {
                let escaped = i + 2 + self.char_at(i + 2).map_or(0, char::len_utf8);
                let end = self.skip(escaped, |b| b != b'\'' && b != b'\n');
                if self.byte(end) == Some(b'\'') {
                    (Some(Kind::String), end + 1)
                } else {
                    stray
                }
            }
            Some('\n' | '\'') | None => stray,
            Some(c) => {
                let after = i + 1 + c.len_utf8();
                if self.byte(after) == Some(b'\'') {
                    (Some(Kind::String), after + 1)
                } else if self.is_word_start(i + 1) {
                    (Some(Kind::Keyword), self.word_end(i + 1))
                } else {
                    stray
                }
            }
        }
    }

    /// Where a number starting at `i` ends: its base, digits and `_`s, a
    /// fraction and an exponent for decimals, and a suffix (`u8`, `f64`).
    fn number(&self, i: usize) -> usize {
        let based = self.bytes[i] == b'0' && matches!(self.byte(i + 1), Some(b'x' | b'o' | b'b'));
        let mut end = if based {
            self.skip(i + 2, |b| b.is_ascii_hexdigit() || b == b'_')
        } else {
            let whole = self.skip(i, |b| b.is_ascii_digit() || b == b'_');
            // A fraction, unless the dot starts a range or a method call.
            let fraction = self.byte(whole) == Some(b'.')
                && self.byte(whole + 1) != Some(b'.')
                && !self.is_word_start(whole + 1);
            if fraction {
                self.skip(whole + 1, |b| b.is_ascii_digit() || b == b'_')
            } else {
                whole
            }
        };
        if !based && matches!(self.byte(end), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.byte(end + 1), Some(b'+' | b'-')));
            if self
                .byte(end + 1 + sign)
                .is_some_and(|b| b.is_ascii_digit())
            {
                end = self.skip(end + 1 + sign, |b| b.is_ascii_digit() || b == b'_');
            }
        }
        self.skip(end, |b| b.is_ascii_alphanumeric() || b == b'_')
    }

    /// Whether an identifier starts at `i`.
    fn is_word_start(&self, i: usize) -> bool {
        self.char_at(i)
            .is_some_and(|c| c == '_' || c.is_alphabetic())
    }

    /// Where the identifier starting at `i` ends.
    fn word_end(&self, mut i: usize) -> usize {
        while let Some(b) = self.byte(i) {
            if b.is_ascii_alphanumeric() || b == b'_' {
                i += 1;
            } else if b.is_ascii() {
                break;
            } else {
                match self.char_at(i) {
                    Some(c) if c.is_alphanumeric() => i += c.len_utf8(),
                    _ => break,
                }
            }
        }
        i
    }

    /// An identifier from `i` whose name starts at `name` (after `r#` for a
    /// raw one), read after the word `before`: a keyword, a constant, a
    /// macro's name with its `!`, a function's, a type's, a variable's, or
    /// plain.
    fn word(&mut self, i: usize, name: usize, before: Before) -> (Option<Kind>, usize) {
        let end = self.word_end(name);
        let word = self.code.get(name..end).unwrap_or_default();
        let raw = name > i;
        let next = self.byte(end);
        if !raw {
            match word {
                "fn" => self.before = Before::Fn,
                "let" => self.before = Before::Let,
                "mut" if before == Before::Let => self.before = Before::Let,
                _ => {}
            }
        }
        if next == Some(b'!') && self.byte(end + 1) != Some(b'=') {
            return (Some(Kind::Macro), end + 1);
        }
        let kind = if !raw && is_constant(word) {
            Kind::Constant
        } else if !raw && is_keyword(word) {
            Kind::Keyword
        } else if before == Before::Fn {
            Kind::Function
        } else if is_screaming(word) {
            Kind::Constant
        } else if word.starts_with(|c: char| c.is_uppercase()) || is_primitive(word) {
            Kind::Type
        } else if next == Some(b'(') {
            Kind::Function
        } else if before == Before::Let {
            Kind::Variable
        } else {
            return (None, end);
        };
        (Some(kind), end)
    }

    /// An operator or punctuation at `i`, the longest that fits: operators
    /// as such, brackets and separators plain.
    fn operator(&self, i: usize) -> (Option<Kind>, usize) {
        const LONGER: [&[u8]; 24] = [
            b"<<=", b">>=", b"...", b"..=", b"::", b"->", b"=>", b"==", b"!=", b"<=", b">=", b"&&",
            b"||", b"+=", b"-=", b"*=", b"/=", b"%=", b"^=", b"&=", b"|=", b"<<", b">>", b"..",
        ];
        let rest = &self.bytes[i..];
        let len = LONGER
            .iter()
            .find(|op| rest.starts_with(op))
            .map_or(1, |op| op.len());
        let plain = matches!(
            &rest[..len],
            b"(" | b")"
                | b"["
                | b"]"
                | b"{"
                | b"}"
                | b","
                | b";"
                | b":"
                | b"::"
                | b"."
                | b"#"
                | b"$"
        ) || !rest[0].is_ascii_punctuation();
        (if plain { None } else { Some(Kind::Operator) }, i + len)
    }
}

/// Words read as built-in constants.
fn is_constant(word: &str) -> bool {
    matches!(
        word,
        "true" | "false" | "self" | "Self" | "None" | "Some" | "Ok" | "Err"
    )
}

/// A constant's or static's name by Rust's convention: two or more
/// characters, upper case, digits and `_`s.
fn is_screaming(word: &str) -> bool {
    word.len() > 1
        && word.starts_with(|c: char| c.is_ascii_uppercase())
        && word
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Rust's strict and reserved keywords (not `gen`, reserved in the 2024
/// edition only and a common method's name before it, nor the weak ones,
/// names elsewhere: `union`, `raw`, `safe`).
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "try"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
    )
}

/// Rust's primitive types.
fn is_primitive(word: &str) -> bool {
    matches!(
        word,
        "bool"
            | "char"
            | "str"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "f16"
            | "f32"
            | "f64"
            | "f128"
    )
}

#[cfg(test)]
mod tests {
    use super::super::{Kind, Token, Tokens};
    use std::path::Path;

    fn lexed(code: &str) -> Vec<Token> {
        let mut out = Tokens::default();
        super::lex(code, &mut out);
        out.list
    }

    fn kinds(code: &str) -> Vec<(Option<Kind>, &str)> {
        lexed(code)
            .into_iter()
            .map(|t| (t.kind, &code[t.range]))
            .collect()
    }

    /// Whether `code`'s tokens cover it from start to end, one after
    /// another, each between characters and none past a line's end.
    fn assert_covers(code: &str) {
        let mut at = 0;
        for token in lexed(code) {
            assert_eq!(token.range.start, at, "{code:?}");
            assert!(token.range.end > at, "{code:?}");
            assert!(code.is_char_boundary(token.range.end), "{code:?}");
            let text = &code[token.range.clone()];
            let line = text.strip_suffix('\n').unwrap_or(text);
            assert!(!line.contains('\n'), "{text:?}");
            at = token.range.end;
        }
        assert_eq!(at, code.len(), "{code:?}");
    }

    #[test]
    fn comments_line_block_nested_and_doc() {
        let found = kinds("a // line\n/* outer /* inner */ still */ b\n/// doc\n//! inner doc\n");
        assert!(found.contains(&(Some(Kind::Comment), "// line")));
        assert!(found.contains(&(Some(Kind::Comment), "/* outer /* inner */ still */")));
        assert!(found.contains(&(None, " b\n")));
        assert!(found.contains(&(Some(Kind::Comment), "/// doc")));
        assert!(found.contains(&(Some(Kind::Comment), "//! inner doc")));
    }

    #[test]
    fn a_block_comment_and_a_string_carry_over_lines() {
        let found = kinds("/* one\ntwo */ x\nlet s = \"a\nfn b\"; y\n");
        assert_eq!(found[0], (Some(Kind::Comment), "/* one\n"));
        assert_eq!(found[1], (Some(Kind::Comment), "two */"));
        assert!(found.contains(&(Some(Kind::String), "\"a\n")));
        assert!(found.contains(&(Some(Kind::String), "fn b\"")));
        assert!(!found.contains(&(Some(Kind::Keyword), "fn")));
    }

    #[test]
    fn strings_byte_and_c_strings_with_escapes() {
        let code = r#"("a \" b", b"\x7f", c"nul\0", "\u{1F600}\\", b'\'', '\n', 'é', '\u{7FFF}')"#;
        let found = kinds(code);
        for literal in [
            r#""a \" b""#,
            r#"b"\x7f""#,
            r#"c"nul\0""#,
            r#""\u{1F600}\\""#,
            r"b'\''",
            r"'\n'",
            "'é'",
            r"'\u{7FFF}'",
        ] {
            assert!(
                found.contains(&(Some(Kind::String), literal)),
                "{literal} {found:?}"
            );
        }
    }

    #[test]
    fn raw_strings_with_any_number_of_hashes() {
        let code = "r\"a\\\" b r#\"x\"y\"# br##\"z\"#\"## cr\"c\"";
        let found = kinds(code);
        assert_eq!(found[0], (Some(Kind::String), "r\"a\\\""));
        for literal in ["r#\"x\"y\"#", "br##\"z\"#\"##", "cr\"c\""] {
            assert!(
                found.contains(&(Some(Kind::String), literal)),
                "{literal} {found:?}"
            );
        }
    }

    #[test]
    fn characters_and_lifetimes() {
        let found = kinds("fn f<'a>(x: &'a str) -> char { 'a' } 'outer: loop {} &'static str");
        assert!(found.contains(&(Some(Kind::Keyword), "'a")));
        assert!(found.contains(&(Some(Kind::String), "'a'")));
        assert!(found.contains(&(Some(Kind::Keyword), "'outer")));
        assert!(found.contains(&(Some(Kind::Keyword), "'static")));
    }

    #[test]
    fn numbers_with_bases_separators_exponents_and_suffixes() {
        let found = kinds(
            "[1_000, 0x1F_u32, 0o17, 0b1010_u8, 1.5e3f64, 2E-7, 3.0, 4usize, 1..2, 5.max(6)]",
        );
        for number in [
            "1_000",
            "0x1F_u32",
            "0o17",
            "0b1010_u8",
            "1.5e3f64",
            "2E-7",
            "3.0",
            "4usize",
            "5",
            "6",
        ] {
            assert!(
                found.contains(&(Some(Kind::Number), number)),
                "{number} {found:?}"
            );
        }
        assert!(found.contains(&(Some(Kind::Number), "1")));
        assert!(found.contains(&(Some(Kind::Operator), "..")));
        assert!(found.contains(&(Some(Kind::Function), "max")));
    }

    #[test]
    fn keywords_constants_types_functions_and_variables() {
        let found = kinds(
            "pub fn r#match(v: Vec<u8>) -> Option<Self> { let mut n = MAX_LEN; if self.ok() { return Some(T::new(n)); } None }",
        );
        for (kind, word) in [
            (Kind::Keyword, "pub"),
            (Kind::Keyword, "fn"),
            (Kind::Function, "r#match"),
            (Kind::Type, "Vec"),
            (Kind::Type, "u8"),
            (Kind::Type, "Option"),
            (Kind::Constant, "Self"),
            (Kind::Keyword, "let"),
            (Kind::Keyword, "mut"),
            (Kind::Variable, "n"),
            (Kind::Constant, "MAX_LEN"),
            (Kind::Constant, "self"),
            (Kind::Function, "ok"),
            (Kind::Keyword, "return"),
            (Kind::Constant, "Some"),
            (Kind::Type, "T"),
            (Kind::Function, "new"),
            (Kind::Constant, "None"),
        ] {
            assert!(found.contains(&(Some(kind), word)), "{word} {found:?}");
        }
        // A parameter is plain, with the bracket before it.
        assert!(found.contains(&(None, "(v: ")));
    }

    #[test]
    fn macros_and_attributes() {
        let found = kinds(
            "#![allow(dead_code)]\n#[derive(Debug, Clone)]\n#[doc = \"a [b]\"]\nfn f() { println!(\"{}\", a != b); }\n",
        );
        assert_eq!(found[0], (Some(Kind::Macro), "#![allow(dead_code)]"));
        assert!(found.contains(&(Some(Kind::Macro), "#[derive(Debug, Clone)]")));
        assert!(found.contains(&(Some(Kind::Macro), "#[doc = ")));
        assert!(found.contains(&(Some(Kind::String), "\"a [b]\"")));
        assert!(found.contains(&(Some(Kind::Macro), "]")));
        assert!(found.contains(&(Some(Kind::Macro), "println!")));
        assert!(found.contains(&(Some(Kind::Operator), "!=")));
        assert!(found.contains(&(Some(Kind::Function), "f")));
    }

    #[test]
    fn operators_and_punctuation() {
        let found = kinds("a += b << 2; c -> d => e::f.g?; h && !i | j..=k");
        for op in ["+=", "<<", "->", "=>", "?", "&&", "!", "|", "..="] {
            assert!(
                found.contains(&(Some(Kind::Operator), op)),
                "{op} {found:?}"
            );
        }
        assert!(
            found
                .iter()
                .all(|(k, t)| k.is_some() || !t.contains("::") || t.contains(' '))
        );
    }

    #[test]
    fn odd_input_never_panics_and_covers_the_text() {
        let odd = [
            "\"",
            "'",
            "''",
            "'\\",
            "'\\'",
            "'\n'",
            "r#",
            "r#\"",
            "r##\"x\"#",
            "br",
            "b'",
            "c\"",
            "/*",
            "/* /* */",
            "//",
            "#",
            "#[",
            "#![x",
            "0x",
            "1e",
            "1.",
            "1e+",
            "é",
            "'é",
            "ü'",
            "r#é",
            "a\u{00a0}b",
            "\u{1F600}",
            "x!",
            "'a",
            "b'\\",
            "\r\n",
            "\"\\",
            "0b_",
            "#!",
        ];
        for code in odd {
            assert_covers(code);
        }
        // Every cut of a snippet with every token class.
        let snippet = "#[a(\"é\")]\nfn r#f<'a>(x: &'a str) -> u8 { /* é /* */ */ let c = 'ü'; \
                       m!(r##\"\"#\"##, b'\\n', 0x_ffu8, 1.5e-3); x.0.1 != y }\n";
        for cut in (0..=snippet.len()).filter(|&i| snippet.is_char_boundary(i)) {
            assert_covers(&snippet[..cut]);
            assert_covers(&snippet[cut..]);
        }
    }

    #[test]
    fn the_repositorys_own_sources_are_covered_exactly() {
        fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, files);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        assert!(files.len() > 20);
        for file in files {
            let code = std::fs::read_to_string(&file).unwrap();
            assert_covers(&code);
            // Every line starting with `//` is a comment through its end.
            let found = kinds(&code);
            let comments = code
                .lines()
                .filter(|l| l.trim_start().starts_with("//"))
                .count();
            let read = found
                .iter()
                .filter(|(k, t)| *k == Some(Kind::Comment) && t.starts_with("//"))
                .count();
            assert!(read >= comments, "{}", file.display());
        }
    }
}
