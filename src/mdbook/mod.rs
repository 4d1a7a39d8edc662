//! mdBook projects as manuscripts: a folder with a `book.toml` holding a
//! `[book]` table and a `src/SUMMARY.md`. This module knows mdBook's
//! formats and reads no file: [`config`] reads `book.toml`, [`summary`]
//! reads `SUMMARY.md`, [`include`] expands the `{{#…}}` directives; the
//! loader (`load/mdbook.rs`) reads the files and builds the book.

pub mod config;
pub mod include;
pub mod summary;

use std::path::{Component, Path, PathBuf};

/// `relative` (a path as a chapter writes it, `/`-separated) joined to
/// `folder`, with `.` and `..` worked out; `None` when it is absolute or
/// climbs out of the book's folder (which `folder` is relative to).
pub fn inside(folder: &Path, relative: &str) -> Option<PathBuf> {
    let relative = Path::new(relative);
    if relative.is_absolute() {
        return None;
    }
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in folder.components().chain(relative.components()) {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

/// The chapter files a link's path may name in an mdBook: the file as
/// written, and for a page of mdBook's web edition (`config.html`) its
/// chapter (`config.md`), `index.html` being the folder's `README.md`.
pub fn chapter_names(path: &str) -> Vec<String> {
    let mut names = vec![path.to_string()];
    if let Some(stem) = path.strip_suffix(".html") {
        names.push(format!("{stem}.md"));
        if let Some(folder) = stem.strip_suffix("index")
            && (folder.is_empty() || folder.ends_with('/'))
        {
            names.push(format!("{folder}README.md"));
        }
    }
    names
}

/// The id mdBook (like GitHub) gives a heading: its text in lower case,
/// spaces as `-`, only letters, digits, `_` and `-` kept.
pub fn heading_id(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c.to_lowercase().collect()),
            c if c.is_whitespace() => Some("-".to_string()),
            _ => None,
        })
        .collect()
}

/// Whether a code block's language (the first word of its info string,
/// such as `rust,no_run`) is Rust, whose hidden lines mdBook hides.
pub fn is_rust(language: &str) -> bool {
    language.split(',').next() == Some("rust")
}

/// Rust code without its hidden lines, by rustdoc's rule, which mdBook
/// follows: a line that is `#` or starts with `# ` (after its indent) is
/// hidden; one that starts with `##` is shown with one `#` fewer.
pub fn without_hidden_lines(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for line in code.split_inclusive('\n') {
        let text = line.trim_end_matches('\n');
        let trimmed = text.trim_start();
        let indent = &text[..text.len() - trimmed.len()];
        if trimmed == "#" || trimmed.starts_with("# ") {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("##") {
            out.push_str(indent);
            out.push('#');
            out.push_str(rest);
            if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_worked_out_and_never_leave_the_book() {
        let at = |folder: &str, path: &str| inside(Path::new(folder), path);
        assert_eq!(
            at("src/format", "../SUMMARY.md"),
            Some("src/SUMMARY.md".into())
        );
        assert_eq!(at("src", "./a/./b.md"), Some("src/a/b.md".into()));
        assert_eq!(at("src/a", "../../../x"), None);
        assert_eq!(at("src", "/etc/passwd"), None);
    }

    #[test]
    fn heading_ids_as_mdbook_makes_them() {
        assert_eq!(heading_id("The SUMMARY.md file"), "the-summarymd-file");
        assert_eq!(heading_id("Rust options"), "rust-options");
    }

    #[test]
    fn web_pages_name_their_chapters() {
        assert_eq!(chapter_names("a.md"), ["a.md"]);
        assert_eq!(chapter_names("../c/b.html"), ["../c/b.html", "../c/b.md"]);
        assert_eq!(
            chapter_names("cli/index.html"),
            ["cli/index.html", "cli/index.md", "cli/README.md"]
        );
    }

    #[test]
    fn hidden_lines_go_and_escaped_ones_stay() {
        let code = "# fn main() {\n    let x = 1;\n#\n    ## not hidden\n#[derive(Debug)]\n# }\n";
        assert_eq!(
            without_hidden_lines(code),
            "    let x = 1;\n    # not hidden\n#[derive(Debug)]\n"
        );
        assert!(is_rust("rust,no_run") && is_rust("rust") && !is_rust("rusty"));
    }
}
