//! Hyphenation with Knuth–Liang patterns (through the `hypher` crate), with
//! the rules a book needs: minimum fragments, no hyphens in URLs, code,
//! numbers or words that already have one, and exceptions: words the
//! patterns break badly, built in for English, and the author's own.

use crate::pdf::fonts::WordMap;
use hypher::Lang;

/// Fewest letters left before a hyphen, as TeX sets it for English.
const LEFT_MIN: usize = 2;
/// Fewest letters carried over after a hyphen.
const RIGHT_MIN: usize = 3;
/// Words shorter than this are never hyphenated.
const WORD_MIN: usize = 5;

/// English words the patterns break badly, with their right breaks; a
/// word with no hyphen is never broken (a noun and a verb spelt alike,
/// such as "present", break differently).
const ENGLISH_EXCEPTIONS: [&str; 12] = [
    "Rus-sian",
    "Rus-sians",
    "Prus-sian",
    "Prus-sians",
    "present",
    "presents",
    "project",
    "projects",
    "record",
    "records",
    "object",
    "objects",
];

/// Hyphenates words of one language, remembering the words it has seen.
#[derive(Debug, Clone)]
pub struct Hyphenator {
    lang: Option<Lang>,
    /// Words hyphenated as given rather than by the patterns, by their
    /// lowercase letters: their hyphens' byte offsets.
    exceptions: std::sync::Arc<std::collections::BTreeMap<String, Vec<usize>>>,
    /// Index into `points` per word seen.
    cache: WordMap<usize>,
    points: Vec<Vec<usize>>,
}

impl Hyphenator {
    /// A hyphenator for a BCP 47 language tag; it hyphenates nothing when no
    /// patterns exist for the language.
    pub fn new(language: &str) -> Hyphenator {
        let code = language
            .split('-')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let lang = match code.as_bytes() {
            [a, b] => Lang::from_iso([*a, *b]),
            _ => None,
        };
        let builtin: &[&str] = if lang == Some(Lang::English) {
            &ENGLISH_EXCEPTIONS
        } else {
            &[]
        };
        Hyphenator {
            lang,
            exceptions: std::sync::Arc::new(builtin.iter().map(|w| exception(w)).collect()),
            cache: WordMap::default(),
            points: Vec::new(),
        }
    }

    /// Adds the author's exceptions (`[pdf] hyphenation-exceptions`), each a
    /// word with hyphens where it may break, or none: those override the
    /// built-in ones.
    pub fn with_exceptions(mut self, words: &[String]) -> Hyphenator {
        let exceptions = std::sync::Arc::make_mut(&mut self.exceptions);
        for word in words {
            let (key, points) = exception(word);
            exceptions.insert(key, points);
        }
        self
    }

    /// The words hyphenated as given, with their hyphens' byte offsets.
    pub fn exceptions(&self) -> &std::collections::BTreeMap<String, Vec<usize>> {
        &self.exceptions
    }

    /// A hyphenator for the same language that has seen no words yet.
    pub fn fresh(&self) -> Hyphenator {
        Hyphenator {
            lang: self.lang,
            exceptions: self.exceptions.clone(),
            cache: WordMap::default(),
            points: Vec::new(),
        }
    }

    /// Byte offsets in `word` where a hyphen may go. `word` is a run of text
    /// between spaces and may carry punctuation around its letters.
    pub fn points(&mut self, word: &str) -> Vec<usize> {
        // Short words need no look-up: they are never hyphenated.
        if word.len() < WORD_MIN || self.lang.is_none() {
            return Vec::new();
        }
        // Strip punctuation around the letters ("‘word,”"); what is left must
        // be letters only: no hyphen, digit, slash, dot or at-sign, which is
        // what URLs, code, numbers and compounds written with a hyphen have.
        let core_start = word
            .char_indices()
            .find(|(_, c)| c.is_alphabetic())
            .map_or(word.len(), |(i, _)| i);
        let core_end = word
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_alphabetic())
            .map_or(core_start, |(i, c)| i + c.len_utf8());
        if core_start >= core_end || word.chars().any(|c| c.is_numeric()) {
            return Vec::new();
        }
        let core = &word[core_start..core_end];
        if !core.chars().all(char::is_alphabetic) || core.chars().count() < WORD_MIN {
            return Vec::new();
        }
        // "word", "word," and "“word" share their letters' hyphenation, and
        // so does "Word" at a sentence's start: the patterns are matched on
        // lowercase letters, and an ASCII letter's lowercase has its length,
        // so the points of the lowercase word are the word's.
        let lower;
        let key = if core.is_ascii() && core.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = core.to_ascii_lowercase();
            lower.as_str()
        } else {
            core
        };
        let index = match self.cache.get(key) {
            Some(&index) => index,
            None => {
                let points = self.compute(key);
                self.points.push(points);
                self.cache.insert(key.to_string(), self.points.len() - 1);
                self.points.len() - 1
            }
        };
        self.points[index].iter().map(|p| p + core_start).collect()
    }

    /// Hyphenation points of a word of letters only: an exception's, or
    /// the patterns'.
    fn compute(&self, core: &str) -> Vec<usize> {
        let Some(lang) = self.lang else {
            return Vec::new();
        };
        let lower = core.to_lowercase();
        if lower.len() == core.len()
            && let Some(points) = self.exceptions.get(&lower)
        {
            return points.clone();
        }
        let mut points = Vec::new();
        let mut offset = 0;
        let mut syllables = hypher::hyphenate_bounded(core, lang, LEFT_MIN, RIGHT_MIN).peekable();
        while let Some(syllable) = syllables.next() {
            offset += syllable.len();
            if syllables.peek().is_some() {
                points.push(offset);
            }
        }
        points
    }
}

/// An exception as written ("Rus-sian") made into its lowercase letters
/// and the byte offsets of its hyphens in them.
fn exception(word: &str) -> (String, Vec<usize>) {
    let mut letters = String::new();
    let mut points = Vec::new();
    for c in word.trim().chars() {
        if c == '-' {
            points.push(letters.len());
        } else {
            letters.extend(c.to_lowercase());
        }
    }
    (letters, points)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(h: &mut Hyphenator, word: &str) -> String {
        let mut out = String::new();
        let mut last = 0;
        for p in h.points(word) {
            out.push_str(&word[last..p]);
            out.push('-');
            last = p;
        }
        out.push_str(&word[last..]);
        out
    }

    #[test]
    fn english_words_split_at_pattern_points() {
        let mut h = Hyphenator::new("en-GB");
        assert_eq!(split(&mut h, "hyphenation"), "hy-phen-ation");
        assert_eq!(split(&mut h, "demilitarized"), "de-mil-i-ta-rized");
        assert_eq!(split(&mut h, "“sovereignty,”"), "“sov-er-eignty,”");
    }

    #[test]
    fn capitals_hyphenate_as_the_patterns_say() {
        // The patterns run on the word as written, and the hyphenator asked
        // after its lowercase twin (which the cache then answers for): the
        // same points both ways.
        for word in ["Hyphenation", "DEMILITARIZED", "Sovereignty", "Éducation"] {
            let mut h = Hyphenator::new("en");
            let direct = h.compute(word);
            h.points(&word.to_lowercase());
            assert_eq!(h.points(word), direct, "{word}");
        }
        let mut h = Hyphenator::new("en");
        assert_eq!(split(&mut h, "Hyphenation"), "Hy-phen-ation");
    }

    #[test]
    fn fragments_respect_the_minimum_lengths() {
        let mut h = Hyphenator::new("en");
        for word in ["another", "eastern", "emerging", "uniform"] {
            let points = h.points(word);
            for p in points {
                assert!(word[..p].chars().count() >= LEFT_MIN, "{word}");
                assert!(word[p..].chars().count() >= RIGHT_MIN, "{word}");
            }
        }
        assert!(h.points("about").is_empty() || h.points("about").len() <= 1);
        assert!(h.points("war").is_empty());
    }

    #[test]
    fn urls_code_numbers_and_hyphenated_words_are_left_alone() {
        let mut h = Hyphenator::new("en");
        for word in [
            "https://example.com/documentation",
            "pro-Russia",
            "demilitarization2",
            "snake_case_identifier",
            "someone@example.org",
            "1234567890",
        ] {
            assert!(h.points(word).is_empty(), "{word}");
        }
    }

    #[test]
    fn exceptions_break_where_they_say_or_not_at_all() {
        let mut h = Hyphenator::new("en");
        assert_eq!(split(&mut h, "Russian"), "Rus-sian");
        assert_eq!(split(&mut h, "“Russians,”"), "“Rus-sians,”");
        assert_eq!(split(&mut h, "present"), "present");
        let mut h = Hyphenator::new("en")
            .with_exceptions(&["hy-phenation".to_string(), "Russian".to_string()]);
        assert_eq!(split(&mut h, "Hyphenation"), "Hy-phenation");
        assert_eq!(split(&mut h, "Russian"), "Russian");
        assert_eq!(split(&mut h.fresh(), "hyphenation"), "hy-phenation");
    }

    #[test]
    fn unknown_languages_hyphenate_nothing() {
        let mut h = Hyphenator::new("x-klingon");
        assert!(h.points("hyphenation").is_empty());
    }
}
