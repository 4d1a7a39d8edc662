//! Code highlighting: (language, code) in, runs of (kind, text) out.
//!
//! The grammars are syntect's default set (Sublime Text's), run on the
//! Oniguruma regex engine they were written for. Rust has a lexer of its
//! own (`rust.rs`), as syntect's grammar was most of a code-heavy book's
//! highlighting time, and so has TOML, which that set lacks (`toml.rs`).
//! Scope names are read here into a small fixed set of
//! [`Kind`]s, so the model and the backends never see syntect's types: the
//! EPUB writes each kind as a class, the PDF as a face and an ink.
//!
//! Tokens found are kept for the rest of the process, by a SHA-256 of the
//! language and the code, so that the second backend finds the first's.
//! The PDF's layout cache keeps each chapter's tokens in its entry
//! ([`recording`], [`keep`]): a rebuild that takes a chapter from the cache
//! hands them back, and the EPUB, which is written again, does not run the
//! grammars over code that has not changed.

mod rust;
mod toml;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};

/// What a stretch of code is, as far as its colour or face goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kind {
    /// `fn`, `if`, `return`, storage words such as `let` and `static`.
    Keyword,
    /// String and character literals.
    String,
    /// Comments.
    Comment,
    /// Numeric literals.
    Number,
    /// `true`, `None`, `self`, escapes and other built-in constants.
    Constant,
    /// Type and class names.
    Type,
    /// Function names, where defined or called.
    Function,
    /// Macros, attributes, annotations, preprocessor lines.
    Macro,
    /// HTML attribute names, CSS properties, TOML keys.
    Attribute,
    /// Variables and parameters.
    Variable,
    /// Operators, and a shell session's prompt.
    Operator,
    /// Markup tags, YAML keys, TOML table headers.
    Tag,
    /// Markdown headings, a diff's file and hunk headers.
    Heading,
    /// A diff's added lines.
    Inserted,
    /// A diff's removed lines.
    Deleted,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 15] = [
        Kind::Keyword,
        Kind::String,
        Kind::Comment,
        Kind::Number,
        Kind::Constant,
        Kind::Type,
        Kind::Function,
        Kind::Macro,
        Kind::Attribute,
        Kind::Variable,
        Kind::Operator,
        Kind::Tag,
        Kind::Heading,
        Kind::Inserted,
        Kind::Deleted,
    ];

    /// The kind's name, as the EPUB's class `hl-NAME` has it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Keyword => "keyword",
            Kind::String => "string",
            Kind::Comment => "comment",
            Kind::Number => "number",
            Kind::Constant => "constant",
            Kind::Type => "type",
            Kind::Function => "function",
            Kind::Macro => "macro",
            Kind::Attribute => "attribute",
            Kind::Variable => "variable",
            Kind::Operator => "operator",
            Kind::Tag => "tag",
            Kind::Heading => "heading",
            Kind::Inserted => "inserted",
            Kind::Deleted => "deleted",
        }
    }
}

/// A stretch of the code: its kind (`None` for plain text) and its bytes.
/// A token never runs past the end of a line; the newline ends the token
/// it follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    /// What it is.
    pub kind: Option<Kind>,
    /// Where it is in the code.
    pub range: Range<usize>,
}

/// How a language is highlighted.
enum Grammar {
    /// With one of syntect's grammars.
    Syntax(&'static SyntaxReference),
    /// A shell session: lines after a `$` prompt as shell, the rest as output.
    Console(&'static SyntaxReference),
    /// With bindery's own Rust lexer.
    Rust,
    /// With bindery's own TOML lexer.
    Toml,
}

/// The grammars, loaded on first use (a few milliseconds) and shared.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Languages set plain on purpose, which are no unknown language.
pub fn is_plain(language: &str) -> bool {
    matches!(
        language.to_ascii_lowercase().as_str(),
        "text" | "txt" | "plain" | "plaintext" | "none" | "output" | "nohighlight"
    )
}

/// The grammar for a fence's language, by name, alias or file extension.
/// TypeScript is read with the JavaScript grammar, the nearest syntect has.
fn grammar(language: &str) -> Option<Grammar> {
    let set = syntaxes();
    let lower = language.to_ascii_lowercase();
    let token = match lower.as_str() {
        "toml" => return Some(Grammar::Toml),
        "rust" | "rs" => return Some(Grammar::Rust),
        "console" | "shell-session" | "shellsession" | "terminal" => {
            return set.find_syntax_by_token("bash").map(Grammar::Console);
        }
        "sh" | "bash" | "shell" | "zsh" | "shellscript" => "bash",
        "python" | "py" | "python3" => "py",
        "javascript" | "js" | "jsx" | "mjs" | "cjs" | "typescript" | "ts" | "tsx" | "node" => "js",
        "c" | "h" => "c",
        "cpp" | "c++" | "cxx" | "cc" | "hpp" => "cpp",
        "go" | "golang" => "go",
        "yaml" | "yml" => "yaml",
        "markdown" | "md" => "md",
        "diff" | "patch" => "diff",
        "html" | "xhtml" | "htm" => "html",
        _ if is_plain(&lower) => return None,
        other => other,
    };
    set.find_syntax_by_token(token)
        .filter(|s| s.name != "Plain Text")
        .map(Grammar::Syntax)
}

/// Whether bindery highlights `language`.
pub fn is_known(language: &str) -> bool {
    grammar(language).is_some()
}

/// The tokens of `code` in `language`, covering all of it in order; `None`
/// when the language is not one bindery highlights. Both backends ask for
/// every block: the second finds the first's tokens kept.
pub fn highlight(language: &str, code: &str) -> Option<Arc<Vec<Token>>> {
    let key = key(language, code);
    let kept = store()
        .lock()
        .ok()
        .and_then(|s| s.tokens.get(&key).cloned())
        .filter(|found| found.as_ref().is_none_or(|t| covers(t, code)));
    let tokens = match kept {
        Some(found) => found,
        None => {
            let tokens = tokens(language, code).map(Arc::new);
            if let Ok(mut store) = store().lock() {
                store.add(key, tokens.clone(), code.len());
            }
            tokens
        }
    };
    if let Some(tokens) = &tokens {
        RECORD.with_borrow_mut(|record| {
            if let Some(record) = record
                && !record.iter().any(|k| k.key == key)
            {
                record.push(Kept {
                    key,
                    tokens: tokens.as_ref().clone(),
                });
            }
        });
    }
    tokens
}

/// A block's tokens as the layout cache keeps them: under the SHA-256 of
/// its language and code, which the entry does not hold again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kept {
    key: [u8; 32],
    tokens: Vec<Token>,
}

thread_local! {
    /// The blocks highlighted on this thread inside [`recording`].
    static RECORD: RefCell<Option<Vec<Kept>>> = const { RefCell::new(None) };
}

/// Runs `f` and returns, with its value, the tokens of every block it
/// highlighted on this thread (each block once, in the order first asked).
pub fn recording<T>(f: impl FnOnce() -> T) -> (T, Vec<Kept>) {
    let before = RECORD.replace(Some(Vec::new()));
    let value = f();
    let kept = RECORD.replace(before).unwrap_or_default();
    (value, kept)
}

/// Keeps tokens [`recording`] returned in an earlier build for the rest of
/// the process, so that [`highlight`] finds them. Tokens that do not fit
/// the code they are asked for (a cache entry made by other code) are not
/// used, but found again.
pub fn keep(kept: Vec<Kept>) {
    if let Ok(mut store) = store().lock() {
        for Kept { key, tokens } in kept {
            if !store.tokens.contains_key(&key) {
                let bytes = tokens.last().map_or(0, |t| t.range.end);
                store.add(key, Some(Arc::new(tokens)), bytes);
            }
        }
    }
}

/// Tokens found, by [`key`], with the bytes of code they cover.
#[derive(Default)]
struct Store {
    tokens: HashMap<[u8; 32], Option<Arc<Vec<Token>>>>,
    bytes: usize,
}

impl Store {
    /// How much code is kept at most before the store is emptied, so that
    /// a long `bindery watch` session does not grow without end.
    const KEPT: usize = 64 << 20;

    fn add(&mut self, key: [u8; 32], tokens: Option<Arc<Vec<Token>>>, bytes: usize) {
        if self.bytes > Self::KEPT {
            *self = Store::default();
        }
        self.bytes += bytes;
        self.tokens.insert(key, tokens);
    }
}

fn store() -> &'static Mutex<Store> {
    static STORE: OnceLock<Mutex<Store>> = OnceLock::new();
    STORE.get_or_init(Mutex::default)
}

/// The SHA-256 of a block's language and code.
fn key(language: &str, code: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update((language.len() as u64).to_le_bytes());
    hash.update(language);
    hash.update(code);
    hash.finalize().into()
}

/// Whether `tokens` cover `code` from its start to its end, one after
/// another, each starting and ending between characters.
fn covers(tokens: &[Token], code: &str) -> bool {
    let mut at = 0;
    for token in tokens {
        if token.range.start != at
            || token.range.end <= at
            || !code.is_char_boundary(token.range.end)
        {
            return false;
        }
        at = token.range.end;
    }
    at == code.len()
}

/// The tokens of `code` in `language`, found afresh.
fn tokens(language: &str, code: &str) -> Option<Vec<Token>> {
    let mut out = Tokens::default();
    match grammar(language)? {
        Grammar::Rust => rust::lex(code, &mut out),
        Grammar::Toml => toml::lex(code, &mut out),
        Grammar::Syntax(syntax) => parse(syntax, code, 0, &mut out),
        Grammar::Console(syntax) => {
            let mut at = 0;
            for line in code.split_inclusive('\n') {
                match line.strip_prefix("$ ") {
                    Some(command) => {
                        out.push(Some(Kind::Operator), at..at + 1);
                        out.push(None, at + 1..at + 2);
                        parse(syntax, command, at + 2, &mut out);
                    }
                    None => out.push(None, at..at + line.len()),
                }
                out.end_line();
                at += line.len();
            }
            out.finish();
        }
    }
    Some(out.list)
}

/// Tokens as they are found, adjacent ones of one kind on a line merged.
#[derive(Default)]
pub(crate) struct Tokens {
    list: Vec<Token>,
}

impl Tokens {
    pub(crate) fn push(&mut self, kind: Option<Kind>, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        if let Some(last) = self.list.last_mut()
            && last.kind == kind
            && last.range.end == range.start
        {
            last.range.end = range.end;
            return;
        }
        self.list.push(Token { kind, range });
    }

    /// Ends the current token at a line's end, so none crosses it.
    pub(crate) fn end_line(&mut self) {
        self.list.push(Token {
            kind: None,
            range: 0..0,
        });
    }

    pub(crate) fn finish(&mut self) {
        self.list.retain(|t| !t.range.is_empty());
    }
}

/// The longest line a grammar is run over: past it (minified code, data)
/// the regular expressions could take long, and the rest of the block is
/// set plain.
const LONGEST_LINE: usize = 4096;

/// Parses `code` with `syntax`, its tokens placed from byte `base`. A line
/// the grammar fails on, or one longer than [`LONGEST_LINE`], is set plain,
/// and the lines after it too.
fn parse(syntax: &SyntaxReference, code: &str, base: usize, out: &mut Tokens) {
    let set = syntaxes();
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut at = base;
    let mut failed = false;
    for line in code.split_inclusive('\n') {
        let ops = if failed || line.len() > LONGEST_LINE {
            None
        } else {
            state.parse_line(line, set).ok()
        };
        let Some(ops) = ops else {
            failed = true;
            out.push(None, at..at + line.len());
            out.end_line();
            at += line.len();
            continue;
        };
        let mut from = 0;
        for (pos, op) in ops {
            let pos = pos.min(line.len());
            if pos > from {
                out.push(kind_of(stack.as_slice()), at + from..at + pos);
                from = pos;
            }
            if stack.apply(&op).is_err() {
                failed = true;
                break;
            }
        }
        out.push(kind_of(stack.as_slice()), at + from..at + line.len());
        out.end_line();
        at += line.len();
    }
    out.finish();
}

/// The kind of text under a stack of scopes: a comment or a string
/// anywhere in it wins (the quotes and markers inside are the comment's or
/// string's), then the innermost scope that names a kind.
fn kind_of(stack: &[Scope]) -> Option<Kind> {
    thread_local! {
        static KINDS: RefCell<HashMap<Scope, Option<Kind>>> = RefCell::new(HashMap::new());
    }
    KINDS.with(|kinds| {
        let mut kinds = kinds.borrow_mut();
        let mut innermost = None;
        for scope in stack {
            let kind = *kinds
                .entry(*scope)
                .or_insert_with(|| scope_kind(&scope.build_string()));
            match kind {
                Some(Kind::Comment) => return Some(Kind::Comment),
                Some(Kind::String) if innermost != Some(Kind::Comment) => {
                    innermost = Some(Kind::String);
                }
                Some(other) if innermost != Some(Kind::String) => innermost = Some(other),
                _ => {}
            }
        }
        innermost
    })
}

/// The kind a scope name stands for, by the TextMate naming conventions
/// that Sublime Text's grammars follow.
fn scope_kind(name: &str) -> Option<Kind> {
    let is = |prefix: &str| {
        name == prefix
            || name
                .strip_prefix(prefix)
                .is_some_and(|r| r.starts_with('.'))
    };
    let kind = if is("comment") {
        Kind::Comment
    } else if is("string")
        || is("markup.raw.inline")
        || is("markup.raw.block")
        || is("markup.underline.link")
    {
        Kind::String
    } else if is("constant.numeric") {
        Kind::Number
    } else if is("constant") || is("support.constant") || is("variable.language") {
        Kind::Constant
    } else if is("keyword.operator.word") {
        Kind::Keyword
    } else if is("keyword.operator")
        || is("punctuation.definition.list_item")
        || is("punctuation.definition.blockquote")
    {
        Kind::Operator
    } else if is("keyword.other.directive")
        || is("meta.preprocessor")
        || is("meta.annotation")
        || is("meta.attribute")
        || is("storage.type.annotation")
        || is("support.macro")
        || is("entity.name.macro")
    {
        Kind::Macro
    } else if is("keyword") || is("storage") {
        Kind::Keyword
    } else if is("entity.other.attribute-name") || is("support.type.property-name") {
        Kind::Attribute
    } else if is("entity.name.tag") {
        Kind::Tag
    } else if is("entity.name.function") || is("support.function") || is("variable.function") {
        Kind::Function
    } else if is("entity.name.type")
        || is("entity.name.class")
        || is("entity.name.struct")
        || is("entity.name.enum")
        || is("entity.name.trait")
        || is("entity.name.interface")
        || is("entity.name.impl")
        || is("entity.other.inherited-class")
        || is("support.type")
        || is("support.class")
    {
        Kind::Type
    } else if is("entity.name.constant") {
        Kind::Constant
    } else if is("variable") {
        Kind::Variable
    } else if is("markup.heading")
        || is("entity.name.section")
        || is("meta.diff.range")
        || is("meta.diff.header")
    {
        Kind::Heading
    } else if is("markup.inserted") {
        Kind::Inserted
    } else if is("markup.deleted") {
        Kind::Deleted
    } else {
        return None;
    };
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(language: &str, code: &str) -> Vec<(Option<Kind>, String)> {
        highlight(language, code)
            .unwrap()
            .iter()
            .map(|t| (t.kind, code[t.range.clone()].to_string()))
            .collect()
    }

    #[test]
    fn tokens_cover_the_code_in_order_and_stop_at_line_ends() {
        let code = "fn main() {\n    let s = \"a b\"; // note\n}\n";
        let tokens = highlight("rust", code).unwrap();
        let mut at = 0;
        for t in tokens.iter() {
            assert_eq!(t.range.start, at);
            assert!(!code[t.range.start..t.range.end - 1].contains('\n'));
            at = t.range.end;
        }
        assert_eq!(at, code.len());
        let found = kinds("rust", code);
        assert!(found.contains(&(Some(Kind::Keyword), "fn".into())));
        assert!(found.contains(&(Some(Kind::String), "\"a b\"".into())));
        assert!(
            found
                .iter()
                .any(|(k, t)| *k == Some(Kind::Comment) && t.starts_with("// note"))
        );
    }

    #[test]
    fn aliases_name_the_same_grammar() {
        for (a, b) in [
            ("rs", "rust"),
            ("sh", "bash"),
            ("ts", "js"),
            ("yml", "yaml"),
            ("c++", "cpp"),
        ] {
            assert_eq!(highlight(a, "x = 1\n"), highlight(b, "x = 1\n"), "{a} {b}");
        }
    }

    #[test]
    fn unknown_and_plain_languages_are_not_highlighted() {
        assert!(highlight("no-such-language", "x").is_none());
        assert!(highlight("text", "x").is_none());
        assert!(!is_known("foo") && is_known("Rust") && is_known("toml"));
    }

    #[test]
    fn a_line_too_long_for_the_grammar_is_set_plain_with_the_rest() {
        let long = format!("a = 1\nb = \"{}\"\nc = 2\n", "x".repeat(5000));
        let found = kinds("python", &long);
        assert!(found.contains(&(Some(Kind::Number), "1".into())));
        let last = found.last().unwrap();
        assert_eq!(last, &(None, "c = 2\n".into()));
    }

    #[test]
    fn a_line_seen_before_is_read_in_its_own_state() {
        let code = "let a = 1;\nlet s = \"\nlet a = 1;\n\";\nlet a = 1;\n";
        let found = kinds("rust", code);
        let lets = found
            .iter()
            .filter(|(_, t)| t.contains("let a"))
            .map(|(k, _)| *k)
            .collect::<Vec<_>>();
        assert_eq!(lets, [Some(Kind::String)], "{found:?}");
        let keywords = found
            .iter()
            .filter(|(k, t)| *k == Some(Kind::Keyword) && t == "let");
        assert_eq!(keywords.count(), 3, "{found:?}");
    }

    #[test]
    fn tokens_recorded_are_found_again_and_tokens_that_do_not_fit_are_not() {
        let code = "fn kept() {}\n";
        let ((), kept) = recording(|| {
            highlight("rust", code);
            highlight("rust", code);
            highlight("no-such-language", code);
        });
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].key, key("rust", code));
        assert_eq!(kept[0].tokens, *highlight("rust", code).unwrap());
        // Kept tokens are what a later build finds, without the grammar.
        let seeded = "fn seeded() {}\n";
        let whole = Token {
            kind: Some(Kind::Comment),
            range: 0..seeded.len(),
        };
        keep(vec![Kept {
            key: key("rust", seeded),
            tokens: vec![whole.clone()],
        }]);
        assert_eq!(*highlight("rust", seeded).unwrap(), [whole]);
        // Tokens that do not cover the code they are kept for are found again.
        let short = "fn short() {}\n";
        keep(vec![Kept {
            key: key("rust", short),
            tokens: vec![Token {
                kind: None,
                range: 0..3,
            }],
        }]);
        let found = highlight("rust", short).unwrap();
        assert!(covers(&found, short));
        assert_eq!(found[0].kind, Some(Kind::Keyword));
    }

    #[test]
    fn a_console_highlights_commands_not_output() {
        let found = kinds("console", "$ echo \"hi\"\nhi\n");
        assert_eq!(found[0], (Some(Kind::Operator), "$".into()));
        assert!(found.contains(&(Some(Kind::String), "\"hi\"".into())));
        assert_eq!(found.last().unwrap(), &(None, "hi\n".into()));
    }
}
