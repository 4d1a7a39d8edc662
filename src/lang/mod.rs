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

/// Whether a language is written from right to left: Hebrew, Arabic and
/// the languages written in their scripts (Persian, Urdu, Yiddish…), or any
/// tag whose script subtag says so (`az-Arab`).
pub fn is_rtl(tag: &str) -> bool {
    const RTL: [&str; 12] = [
        "ar", "arc", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur", "yi",
    ];
    const RTL_SCRIPTS: [&str; 6] = ["arab", "hebr", "syrc", "thaa", "nkoo", "adlm"];
    RTL.contains(&primary(tag).as_str())
        || tag
            .split('-')
            .skip(1)
            .any(|s| RTL_SCRIPTS.contains(&s.to_ascii_lowercase().as_str()))
}

/// Whether a language is written without spaces between words in Han
/// characters and kana, its lines broken between characters: Chinese and
/// Japanese.
pub fn is_cjk(tag: &str) -> bool {
    matches!(primary(tag).as_str(), "zh" | "ja" | "yue" | "wuu" | "cmn")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_and_scripts_come_from_the_tag() {
        assert!(is_rtl("he") && is_rtl("ar-EG") && is_rtl("AZ-Arab"));
        assert!(!is_rtl("en") && !is_rtl("de-CH") && !is_rtl("hu"));
        assert!(is_cjk("ja") && is_cjk("zh-Hant") && !is_cjk("ko"));
    }
}
