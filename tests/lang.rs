//! Books in other languages than English (issue 19): quotation marks and
//! French spacing by language, the words bindery writes itself, and
//! passages marked as another language. Each sample is built by the binary
//! into an EPUB (checked by EPUBCheck) and a PDF (read back by `pdftotext`).

mod common;

use common::TempBook;
use std::path::PathBuf;

/// U+202F, French's space before `? ! ; :` and inside guillemets.
const N: char = '\u{202F}';

/// A German sample after Kafka's *Die Verwandlung* (public domain).
const GERMAN: &str = "\
# Die Verwandlung

Als Gregor Samsa eines Morgens aus unruhigen Träumen erwachte, fand er sich
in seinem Bett zu einem ungeheueren Ungeziefer verwandelt. \"Was ist mit mir
geschehen?\", dachte er. Es war kein Traum.

\"Gregor\", rief die Mutter, \"der Vater sagt: 'Es ist schon spät', und du
schläfst noch?\" Er hörte es, aber er konnte nicht antworten, denn die
Lebensversicherungsgesellschaft des Vaters hatte ihm nie gesagt, was er in
einem solchen Falle zu tun habe.

Die Schwester sagte nur [Mon Dieu !]{lang=fr} und ging. Der Code `\"x\"` und
<https://example.org/a?b=\"c\"> bleiben, wie sie sind.
";

/// A French sample after Jules Verne (public domain), with the author's own
/// spaces before some marks and none before others.
const FRENCH: &str = "\
# Le Tour du monde

\"Vous êtes Français?\" demanda-t-il. \"Oui! Et je m'appelle 'Passepartout' ;
c'est un surnom.\" Phileas Fogg répondit: « Très bien » et se tut.

Combien de jours? Quatre-vingts; pas un de plus! L'heure du départ est
12:30, et le registre est à https://example.org/voyage?jour=1 : on verra.
Il murmura [Good heavens]{lang=en}, puis <span lang=\"de\">Donnerwetter</span>.
";

fn book(language: &str, chapter: &str) -> TempBook {
    TempBook::new()
        .with(
            "book.toml",
            format!(
                "title = \"Probe\"\nlanguage = \"{language}\"\nauthors = [\"A. Autor\"]\n\
                 description = \"Ein Test.\"\n"
            ),
        )
        .with("a.md", chapter)
}

/// What a build of a sample gives.
struct Built {
    /// The EPUB's path.
    epub: PathBuf,
    /// The chapter's XHTML.
    chapter: String,
    /// The navigation document, the contents page and the package
    /// document, one after another.
    navigation: String,
    /// The PDF's text as `pdftotext` reads it.
    pdf: String,
}

fn built(book: &TempBook) -> Built {
    book.assert_builds();
    let out = book.out();
    let epub = out.join("probe.epub");
    let files = common::unzip(&std::fs::read(&epub).expect("the EPUB"));
    let text = |wanted: &dyn Fn(&str) -> bool| -> String {
        files
            .iter()
            .filter(|(name, _)| wanted(name))
            .map(|(_, bytes)| String::from_utf8(bytes.clone()).expect("UTF-8"))
            .collect()
    };
    let chapter = text(&|name| name.starts_with("EPUB/chapter-"));
    let navigation = text(&|name| {
        [
            "EPUB/nav.xhtml",
            "EPUB/contents.xhtml",
            "EPUB/package.opf",
            "EPUB/cover.xhtml",
        ]
        .contains(&name)
    });
    Built {
        epub,
        chapter,
        navigation,
        pdf: common::pdf_text(&out.join("probe.pdf")),
    }
}

/// No line of the PDF starts with a mark French keeps on the line before.
fn assert_no_line_starts_with_a_high_mark(pdf_text: &str) {
    for line in pdf_text.lines() {
        let line = line.trim_start();
        assert!(
            !line.starts_with(['?', '!', ';', ':', '»']),
            "a line starts with a mark: {line:?}"
        );
    }
}

#[test]
fn german_quotes_are_german_in_both_outputs() {
    let book = book("de", GERMAN);
    let Built {
        epub, chapter, pdf, ..
    } = built(&book);
    for expected in [
        "„Was ist mit mir\ngeschehen?“",
        "„Gregor“",
        "„der Vater sagt: ‚Es ist schon spät‘, und du\nschläfst noch?“",
    ] {
        assert!(chapter.contains(expected), "{expected} not in:\n{chapter}");
    }
    // English's closing mark is no German mark.
    assert!(!chapter.contains('”'), "{chapter}");
    // Code and addresses keep their straight quotes.
    assert!(chapter.contains("<code>\"x\"</code>"), "{chapter}");
    assert!(
        chapter.contains("a?b=%22c%22") || chapter.contains("a?b=\"c\""),
        "{chapter}"
    );
    let flat = pdf.replace('\n', " ");
    assert!(flat.contains("„Gregor“"), "{pdf}");
    assert!(flat.contains("‚Es ist schon spät‘"), "{pdf}");
    common::assert_epubcheck_clean(&[epub]);
}

#[test]
fn french_quotes_and_spaces_follow_french_rules() {
    let book = book("fr", FRENCH);
    let Built {
        epub, chapter, pdf, ..
    } = built(&book);
    for expected in [
        format!("«{N}Vous êtes Français{N}?{N}»"),
        format!("«{N}Oui{N}! Et je m’appelle «{N}Passepartout{N}»{N};"),
        format!("répondit{N}: «{N}Très bien{N}»"),
        format!("Combien de jours{N}? Quatre-vingts{N}; pas un de plus{N}!"),
        "12:30".to_string(),
        "https://example.org/voyage?jour=1".to_string(),
    ] {
        assert!(
            chapter.contains(&expected),
            "{expected:?} not in:\n{chapter}"
        );
    }
    // A space the author typed is replaced, never doubled.
    assert!(!chapter.contains(format!(" {N}").as_str()));
    assert!(!chapter.contains(format!("{N} ").as_str()));
    // The face has no glyph of its own for U+202F: the shaper sets a narrow
    // space glyph, which copies out of the PDF as a space.
    let flat = pdf.replace(N, " ");
    assert!(flat.contains("« Vous êtes Français ? »"), "{pdf}");
    assert_no_line_starts_with_a_high_mark(&pdf);
    common::assert_epubcheck_clean(&[epub]);
}

#[test]
fn french_marks_never_start_a_line_in_any_column() {
    // The same short text in every line length from narrow to wide: the
    // narrow no-break space holds each mark to its word, also where the
    // author's line ends before the mark; a spaced dash holds to the word
    // before it.
    let text = "« Vraiment ? » dit-il ; « oui ! » répondit-elle : « bien » ; ".repeat(40)
        + &"« Vraiment\n? » dit-il\n; «\noui !\n» répondit-elle\n: « bien » -- puis\n-- rien ; "
            .repeat(40);
    for trim in ["4x7in", "5x8in", "6x9in"] {
        let book = book("fr", &format!("# Essai\n\n{text}\n")).with(
            "book.toml",
            format!(
                "title = \"Probe\"\nlanguage = \"fr\"\nauthors = [\"A\"]\n\
                 description = \"D.\"\n[pdf]\ntrim = \"{trim}\"\n"
            ),
        );
        let pdf = built(&book).pdf;
        assert_no_line_starts_with_a_high_mark(&pdf);
        for line in pdf.lines() {
            assert!(
                !line.trim_start().starts_with(['–', '—']),
                "{line:?} in\n{pdf}"
            );
        }
        // The words run on over line ends, which pdftotext writes as newlines.
        assert!(
            pdf.replace('\n', " ").contains("bien » – puis – rien"),
            "{pdf}"
        );
    }
}

#[test]
fn a_language_span_is_tagged_in_the_epub_with_its_own_quotes() {
    let chapter = built(&book("de", GERMAN)).chapter;
    assert!(
        chapter.contains(&format!(
            "<span xml:lang=\"fr\" lang=\"fr\">Mon Dieu{N}!</span>"
        )),
        "{chapter}"
    );
    let chapter = built(&book("fr", FRENCH)).chapter;
    assert!(
        chapter.contains("<span xml:lang=\"en\" lang=\"en\">Good heavens</span>"),
        "{chapter}"
    );
    assert!(
        chapter.contains("<span xml:lang=\"de\" lang=\"de\">Donnerwetter</span>"),
        "{chapter}"
    );
}

#[test]
fn quotes_in_book_toml_override_the_language_s() {
    let book = book("de", "# T\n\n\"Ja, 'so' ist es.\"\n").with(
        "book.toml",
        "title = \"Probe\"\nlanguage = \"de\"\nauthors = []\ndescription = \"D.\"\n\
         [typography]\nquotes = \"»«›‹\"\n",
    );
    let chapter = built(&book).chapter;
    assert!(chapter.contains("»Ja, ›so‹ ist es.«"), "{chapter}");
}

/// Asserts that `bindery check` refuses a `book.toml` at `line`, saying `words`.
fn assert_refused(book_toml: &str, line: u32, words: &str) {
    let book = TempBook::new()
        .with("a.md", "# T\n")
        .with("book.toml", book_toml);
    let outcome = book.run(&["check"]);
    assert!(!outcome.status.success());
    assert!(
        outcome.stderr.contains(&format!("book.toml:{line}")),
        "{}",
        outcome.stderr
    );
    assert!(outcome.stderr.contains(words), "{}", outcome.stderr);
}

#[test]
fn bad_quotes_in_book_toml_are_an_error_at_their_line() {
    assert_refused(
        "title = \"Probe\"\nlanguage = \"de\"\n[typography]\nquotes = \"„“\"\n",
        4,
        "four quotation marks",
    );
}

#[test]
fn every_word_bindery_writes_is_in_the_book_s_language() {
    let (de, fr) = (book("de", GERMAN), book("fr", FRENCH));
    let german = built(&de);
    for word in [
        "<h1>Inhalt</h1>",
        "<h2>Orientierungspunkte</h2>",
        ">Umschlag</a>",
        "alt=\"Umschlag: Probe\"",
        "title=\"Inhalt\"",
    ] {
        assert!(
            german.navigation.contains(word),
            "{word} not in:\n{}",
            german.navigation
        );
    }
    for word in ["Inhalt", "von A. Autor", "Gesetzt mit bindery"] {
        assert!(german.pdf.contains(word), "{word} not in:\n{}", german.pdf);
    }
    for english in [">Contents<", "Landmarks", "Cover", "Typeset", "by A. Autor"] {
        assert!(!german.navigation.contains(english), "{english}");
        assert!(
            !german.pdf.contains(english.trim_matches(['>', '<'])),
            "{english}"
        );
    }
    // bindery's accessibility summary is English, and says so.
    assert!(
        german
            .navigation
            .contains("accessibilitySummary\" xml:lang=\"en\"")
    );
    let french = built(&fr);
    assert!(french.navigation.contains("<h1>Table des matières</h1>"));
    for word in ["Table des matières", "par A. Autor", "Composé avec bindery"] {
        assert!(french.pdf.contains(word), "{word} not in:\n{}", french.pdf);
    }
    common::assert_epubcheck_clean(&[german.epub, french.epub]);
}

#[test]
fn a_language_without_labels_is_noted_and_its_english_words_are_marked() {
    let turkish = book("tr", "# Başlık\n\n\"Merhaba\", dedi.\n");
    let findings = turkish.findings();
    let note = findings
        .iter()
        .find(|f| f.code == "no-labels")
        .unwrap_or_else(|| panic!("no no-labels finding: {findings:?}"));
    note.assert_at("warning", "no-labels", &turkish.file("book.toml"), 2, 12);
    let built = built(&turkish);
    assert!(
        built
            .navigation
            .contains("<h1><span xml:lang=\"en\" lang=\"en\">Contents</span></h1>"),
        "{}",
        built.navigation
    );
    assert!(
        built.chapter.contains("“Merhaba”, dedi."),
        "{}",
        built.chapter
    );
    common::assert_epubcheck_clean(&[built.epub]);
}

#[test]
fn labels_in_book_toml_override_the_table() {
    let book = book("fr", "# T\n\nTexte.\n").with(
        "book.toml",
        "title = \"Probe\"\nlanguage = \"fr\"\nauthors = [\"J. Verne\"]\ndescription = \"D.\"\n\
         [labels]\ncontents = \"Sommaire\"\nby = \"d’après {authors}\"\n",
    );
    let built = built(&book);
    assert!(
        built.navigation.contains("<h1>Sommaire</h1>"),
        "{}",
        built.navigation
    );
    assert!(built.pdf.contains("Sommaire"), "{}", built.pdf);
    assert!(built.pdf.contains("d’après J. Verne"), "{}", built.pdf);
}

#[test]
fn an_unknown_label_is_an_error_naming_the_closest_key() {
    assert_refused(
        "title = \"Probe\"\nlanguage = \"de\"\n[labels]\ncontent = \"Inhalt\"\n",
        4,
        "`contents`",
    );
}

/// A Hebrew sample of our own, with English words, a number and brackets
/// inside right-to-left sentences.
const HEBREW: &str = "\
# פרק ראשון

הספר הזה נכתב בעברית, ולכן הוא נקרא מימין לשמאל. באמצע המשפט מופיעה מילה
באנגלית, bindery, והיא נקראת משמאל לימין כמו שצריך. גם מספרים כמו 2026 שומרים
על הסדר שלהם. השורות ארוכות מספיק כדי להישבר לכמה שורות בעמוד, ולכן הפסקה
תופסת יותר משורה אחת.

בפסקה השנייה יש סוגריים (כמו אלה) ושתי מילים באנגלית, open source, כדי לבדוק
שהסימנים מתהפכים כראוי ושהמילים נשארות בסדר הנכון.
";

/// The opening of Natsume Sōseki's *I Am a Cat* (1905, public domain),
/// with two sentences of our own in corner brackets.
const JAPANESE: &str = "\
# 第一章

吾輩は猫である。名前はまだ無い。

どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。吾輩はここで始めて人間というものを見た。しかもあとで聞くとそれは書生という人間中で一番獰悪な種族であったそうだ。この書生というのは時々我々を捕えて煮て食うという話である。しかしその当時は何という考もなかったから別段恐しいとも思わなかった。ただ彼の掌に載せられてスーと持ち上げられた時何だかフワフワした感じがあったばかりである。「吾輩は猫である」と彼は言った。「名前はまだ無い」とも言った。
";

/// A sample in `language` set in the test font `font` (of `tests/fonts/`),
/// named in `book.toml` for the faces in `roles`, at `trim`.
fn with_font(language: &str, chapter: &str, font: &str, roles: &[&str], trim: &str) -> TempBook {
    let path = format!("fonts/{font}");
    let bytes = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join(&path),
    )
    .expect("the test font");
    let faces: String = roles
        .iter()
        .map(|r| format!("{r} = \"{path}\"\n"))
        .collect();
    book(language, chapter).with(&path, bytes).with(
        "book.toml",
        format!(
            "title = \"Probe\"\nlanguage = \"{language}\"\nauthors = [\"A. Autor\"]\n\
             description = \"D.\"\n[pdf]\ntrim = \"{trim}\"\n[pdf.fonts]\n{faces}"
        ),
    )
}

/// The PDF's text with the direction marks `pdftotext` puts around
/// right-to-left lines taken out.
fn without_marks(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'))
        .collect()
}

/// Asserts that the words of `source` (its Markdown marks and punctuation
/// left out) come in `text` in the same order.
fn assert_words_in_order(source: &str, text: &str) {
    let mut from = 0;
    for word in source.split_whitespace() {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        if word.is_empty() {
            continue;
        }
        match text[from..].find(word) {
            Some(at) => from += at + word.len(),
            None => panic!("{word:?} is missing or out of order after byte {from} of:\n{text}"),
        }
    }
}

/// The catalog's `/ViewerPreferences /Direction` of the PDF at `pdf`.
fn page_direction(pdf: &std::path::Path) -> Option<Vec<u8>> {
    let doc = lopdf::Document::load(pdf).expect("the PDF");
    let preferences = doc.catalog().ok()?.get(b"ViewerPreferences").ok()?;
    let preferences = match preferences {
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        other => other.as_dict().ok()?,
    };
    preferences
        .get(b"Direction")
        .ok()?
        .as_name()
        .ok()
        .map(<[u8]>::to_vec)
}

/// The left and right ends of the words `pdftotext -bbox` finds on the
/// page holding `word`.
fn text_block_of_page_with(pdf: &std::path::Path, word: &str) -> (f32, f32) {
    let outcome = common::pdf_tool(
        "pdftotext",
        &[pdf.as_os_str(), "-bbox".as_ref(), "-".as_ref()],
    );
    let page = outcome
        .stdout
        .split("<page ")
        .find(|page| page.contains(&format!(">{word}</word>")))
        .unwrap_or_else(|| panic!("no page with {word}:\n{}", outcome.stdout));
    let number = |line: &str, key: &str| -> f32 {
        let at = line.find(key).expect("a coordinate") + key.len() + 2;
        line[at..].split('"').next().unwrap().parse().unwrap()
    };
    let words: Vec<&str> = page.lines().filter(|l| l.contains("<word ")).collect();
    let left = words
        .iter()
        .map(|l| number(l, "xMin"))
        .fold(f32::MAX, f32::min);
    let right = words.iter().map(|l| number(l, "xMax")).fold(0.0, f32::max);
    (left, right)
}

#[test]
fn a_hebrew_book_reads_from_right_to_left_in_both_outputs() {
    let book = with_font(
        "he",
        HEBREW,
        "NotoSansHebrew-subset.ttf",
        &["regular", "bold"],
        "6x9in",
    );
    let Built {
        epub,
        chapter,
        navigation,
        pdf,
    } = built(&book);
    // The EPUB keeps the words in the order they are read, and says which
    // way they run and which way its pages turn.
    assert!(
        chapter.contains("xml:lang=\"he\" lang=\"he\" dir=\"rtl\""),
        "{chapter}"
    );
    assert_words_in_order(HEBREW, &chapter);
    assert!(chapter.contains("באנגלית, bindery, והיא"), "{chapter}");
    assert!(
        navigation.contains("<spine toc=\"ncx\" page-progression-direction=\"rtl\">"),
        "{navigation}"
    );
    // The PDF's text reads in the same order: pdftotext puts each line's
    // words back in reading order.
    let text = without_marks(&pdf);
    assert_words_in_order(HEBREW, &text);
    // Around a word or number of the other direction poppler's spaces
    // wander ("כמו  2026שומרים"); the words keep their order.
    assert!(text.contains("הספר הזה נכתב בעברית"), "{text}");
    let path = book.out().join("probe.pdf");
    assert_eq!(page_direction(&path).as_deref(), Some(&b"R2L"[..]));
    // The first body page is a recto, which in a book bound on the right
    // has the spine on its right: the text block sits 45 pt from the left
    // edge (the fore-edge) and 63 pt from the right (the spine) of the
    // 432 pt page, and its lines are justified to both.
    let (left, right) = text_block_of_page_with(&path, "רפסה");
    assert!((left - 45.0).abs() < 0.5, "left edge at {left}");
    assert!((right - 369.0).abs() < 0.5, "right edge at {right}");
    let fonts = common::pdf_tool("pdffonts", &[path.as_os_str()]).stdout;
    assert!(fonts.contains("NotoSansHebrew"), "{fonts}");
    common::assert_epubcheck_clean(&[epub]);
    common::assert_pdfua_silent(&[path]);
}

/// Closing brackets and marks, small kana and the long-vowel mark: never
/// the first character of a Japanese line.
const NEVER_FIRST: &str = "」』）、。！？ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶー";
/// Opening brackets: never the last character of a line.
const NEVER_LAST: &str = "「『（";

#[test]
fn a_japanese_book_breaks_between_characters_and_keeps_kinsoku() {
    // Each book is kept until EPUBCheck has read the EPUBs, all at once.
    let mut books = Vec::new();
    let mut epubs = Vec::new();
    for trim in ["4x6in", "5x8in", "6x9in"] {
        let book = with_font(
            "ja",
            JAPANESE,
            "NotoSansCJKjp-subset.otf",
            &["fallback"],
            trim,
        );
        let Built {
            epub,
            chapter,
            navigation,
            pdf,
        } = built(&book);
        assert!(
            chapter.contains("「吾輩は猫である」と彼は言った。"),
            "{chapter}"
        );
        assert!(
            !navigation.contains("page-progression-direction"),
            "{navigation}"
        );
        // Lines break between characters, with no space added: joined
        // again (without the folios and running heads between pages), they
        // give the manuscript's paragraph.
        let body: Vec<&str> = pdf
            .lines()
            .filter(|l| l.chars().any(|c| c > '\u{3000}'))
            .collect();
        assert!(body.len() > 8, "{pdf}");
        let paragraph = JAPANESE.lines().nth(4).unwrap();
        assert!(
            body.concat().contains(paragraph),
            "{paragraph} not in:\n{pdf}"
        );
        for line in body {
            let line = line.trim();
            assert!(
                !line.starts_with(|c| NEVER_FIRST.contains(c)),
                "{line:?} in\n{pdf}"
            );
            assert!(
                !line.ends_with(|c| NEVER_LAST.contains(c)),
                "{line:?} in\n{pdf}"
            );
        }
        common::assert_pdfua_silent(&[book.out().join("probe.pdf")]);
        epubs.push(epub);
        books.push(book);
    }
    common::assert_epubcheck_clean(&epubs);
}

#[test]
fn an_image_without_alternative_text_is_named_in_the_book_s_language() {
    let chapter = "# T\n\nDas Bild ![](grau.png) im Satz.\n";
    let german = book("de", chapter).with("grau.png", common::grey_png(8));
    let pdf = built(&german).pdf;
    assert!(pdf.contains("Das Bild [Bild] im Satz."), "{pdf}");
    let renamed = german.with(
        "book.toml",
        "title = \"Probe\"\nlanguage = \"de\"\nauthors = []\ndescription = \"D.\"\n\
         [labels]\nimage = \"Abbildung\"\n",
    );
    let pdf = built(&renamed).pdf;
    assert!(pdf.contains("Das Bild [Abbildung] im Satz."), "{pdf}");
}
