//! An mdBook's `book.toml`: the book's facts from `[book]`, bindery's own
//! settings from `[output.bindery]`, and a note for each preprocessor.

use crate::config::{self, Config};
use crate::error::{Diagnostic, Error};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The keys of `[book]` that bindery reads, by their names in bindery's
/// settings (the same in both).
const BOOK_KEYS: [&str; 4] = ["title", "authors", "description", "language"];

/// mdBook's built-in preprocessors, whose work bindery does itself (the
/// directives) or has no use for (`index` renames `README.md` for the web).
const BUILT_IN: [&str; 2] = ["links", "index"];

/// Other preprocessors whose work bindery does itself: the Rust Book's
/// `mdbook-trpl` listings (`<Listing number="2-1" caption="…">`).
const READ_BY_BINDERY: [&str; 1] = ["trpl-listing"];

/// What an mdBook's `book.toml` says.
#[derive(Debug, Clone)]
pub struct Settings {
    /// bindery's settings: `[output.bindery]`, with the title, authors,
    /// description and language of `[book]` where it does not give them.
    pub config: Config,
    /// The folder of the chapters and `SUMMARY.md`, relative to the book's
    /// folder: `[book] src`, by default `src`.
    pub src: PathBuf,
    /// One note for each preprocessor the book names, as bindery cannot
    /// reproduce what it would write.
    pub notes: Vec<Diagnostic>,
}

/// Reads `text`, the contents of `file`, as an mdBook's `book.toml`;
/// `None` when it has no `[book]` table, so is no mdBook's.
pub fn settings(text: &str, file: &Path) -> Result<Option<Settings>, Error> {
    let root = DeTable::parse(text).map_err(|err| config::toml_error(text, file, &err))?;
    let Some(book) = table(root.get_ref(), "book") else {
        return Ok(None);
    };
    let mut ours = DeTable::new();
    let mut span = 0..0;
    if let Some(output) = table(root.get_ref(), "output")
        && let Some((key, value)) = entry(output, "bindery")
    {
        span = key.span();
        if let DeValue::Table(bindery) = value.get_ref() {
            for (key, value) in bindery.iter() {
                ours.insert(key.clone(), value.clone());
            }
        }
    }
    for name in BOOK_KEYS {
        if let Some((key, value)) = entry(book, name)
            && entry(&ours, name).is_none()
        {
            ours.insert(key.clone(), value.clone());
        }
    }
    if entry(&ours, "language").is_none() {
        // mdBook's default language.
        ours.insert(
            Spanned::new(0..0, Cow::Borrowed("language")),
            Spanned::new(0..0, DeValue::String(Cow::Borrowed("en"))),
        );
    }
    let config = Config::from_table(Spanned::new(span, ours), text, file)?;
    if let Some(chapters) = config.chapters.as_ref().and_then(|c| c.first()) {
        return Err(Error::new(
            "unknown-key",
            Some(config::place(text, file, chapters.span().start)),
            "an mdBook's chapters are the ones SUMMARY.md lists",
        )
        .with_hint("remove `chapters` from [output.bindery] and list the chapters in SUMMARY.md"));
    }
    let src = match entry(book, "src").map(|(_, value)| value.get_ref()) {
        Some(DeValue::String(src)) => PathBuf::from(src.as_ref()),
        _ => PathBuf::from("src"),
    };
    let mut notes = Vec::new();
    if let Some(preprocessors) = table(root.get_ref(), "preprocessor") {
        for (name, _) in preprocessors.iter() {
            let name_text: &str = name.get_ref().as_ref();
            if BUILT_IN.contains(&name_text) || READ_BY_BINDERY.contains(&name_text) {
                continue;
            }
            notes.push(
                Diagnostic::warning(
                    "mdbook-preprocessor",
                    Some(config::place(text, file, name.span().start)),
                    format!(
                        "the mdBook preprocessor `{}` is not run: bindery cannot reproduce \
                         what it would change in the chapters",
                        name.get_ref()
                    ),
                )
                .with_hint("the book is built from the chapters as they are written"),
            );
        }
    }
    Ok(Some(Settings { config, src, notes }))
}

/// The key and value named `name` in `table`.
fn entry<'t, 'i>(
    table: &'t DeTable<'i>,
    name: &str,
) -> Option<(&'t Spanned<Cow<'i, str>>, &'t Spanned<DeValue<'i>>)> {
    table.iter().find(|(key, _)| key.get_ref() == name)
}

/// The table named `name` in `table`, if it is one.
fn table<'t, 'i>(table: &'t DeTable<'i>, name: &str) -> Option<&'t DeTable<'i>> {
    match entry(table, name)?.1.get_ref() {
        DeValue::Table(inner) => Some(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Option<Settings>, Error> {
        settings(text, Path::new("book.toml"))
    }

    #[test]
    fn a_bindery_book_toml_is_no_mdbook() {
        assert!(
            read("title = \"A\"\nlanguage = \"en\"\n")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn book_facts_and_bindery_settings() {
        let text = "[book]\ntitle = \"Guide\"\nauthors = [\"A\"]\nsrc = \"text\"\n\n\
                    [output.html]\nwhatever = 1\n\n[output.bindery]\nsubtitle = \"Sub\"\n\
                    toc-depth = 2\n[output.bindery.pdf]\ntrim = \"a5\"\n\n\
                    [preprocessor.links]\n[preprocessor.katex]\ncommand = \"x\"\n\
                    [preprocessor.trpl-listing]\n";
        let settings = read(text).unwrap().unwrap();
        assert_eq!(settings.config.title.get_ref(), "Guide");
        assert_eq!(settings.config.language.get_ref(), "en");
        assert_eq!(settings.config.subtitle.as_deref(), Some("Sub"));
        assert_eq!(settings.config.toc_depth(), 2);
        assert_eq!(settings.src, Path::new("text"));
        let notes: Vec<(&str, Option<u32>)> = settings
            .notes
            .iter()
            .map(|n| (n.code, n.place.as_ref().and_then(|p| p.line)))
            .collect();
        assert_eq!(notes, vec![("mdbook-preprocessor", Some(16))]);
    }

    #[test]
    fn unknown_keys_in_output_bindery_name_their_line_and_the_closest_key() {
        let text = "[book]\ntitle = \"Guide\"\n\n[output.bindery]\nsubtitel = \"x\"\n";
        let error = read(text).unwrap_err();
        let diagnostic = error.diagnostic();
        assert_eq!(diagnostic.code, "unknown-key");
        assert_eq!(diagnostic.place.as_ref().and_then(|p| p.line), Some(5));
        assert_eq!(diagnostic.hint.as_deref(), Some("did you mean `subtitle`?"));
    }

    #[test]
    fn a_missing_title_is_an_error() {
        let error = read("[book]\nauthors = []\n").unwrap_err();
        assert_eq!(error.diagnostic().code, "missing-key");
    }
}
