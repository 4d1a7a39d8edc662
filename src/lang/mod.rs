//! What depends on the book's language: the quotation marks and French
//! spacing the model's text is set with ([`quotes`]) and the words bindery
//! writes itself ([`labels`]).
//!
//! Both are decided once, while the manuscript is loaded, so that every
//! backend reads the same characters and the same words.

pub mod labels;
pub mod quotes;

/// The primary subtag of a BCP 47 tag in lowercase: `de` for `de-CH`.
pub fn primary(tag: &str) -> String {
    tag.split('-').next().unwrap_or("").to_ascii_lowercase()
}
