//! The print edition's pages as both backends see them: the PDF's layout
//! says where in the model each page starts, and the EPUB puts a page-break
//! marker at that place, so the e-book can name the printed page a reader
//! is on.
//!
//! A place is a chapter, a block of it in reading order and a count of the
//! block's characters before the place. Both backends count the same
//! characters: the non-space characters of the manuscript's own text (text
//! and code, a listing's caption after its code). What each backend adds
//! (footnote numbers, list markers, question numbers, ornaments, an image's
//! stand-in text, a listing's number and file name lines, which are labels)
//! and raw HTML are not counted, so neither backend's additions can shift
//! the other's places.

/// Where in the model a printed page starts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PageStart {
    /// The page's label ("iv", "12").
    pub label: String,
    /// The chapter's index in the book; `None` for front matter.
    pub chapter: Option<usize>,
    /// The block's index in the chapter: 0 is the chapter's title, then the
    /// blocks in reading order, as [`crate::model::Chapter::reading_order`]
    /// gives them (for a FAQ: intro blocks, then for each group its heading
    /// and intro blocks, then for each question its heading and answer
    /// blocks, one after another).
    pub block: usize,
    /// How many of the block's counted characters come before the page.
    pub offset: usize,
}

/// Whether a character of the manuscript's own text is counted.
pub fn counts(c: char) -> bool {
    !c.is_whitespace()
}

/// How many counted characters `text` has.
pub fn count(text: &str) -> usize {
    text.chars().filter(|&c| counts(c)).count()
}
