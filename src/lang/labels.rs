//! The words bindery writes itself (the contents' title, the landmarks, the
//! credit lines), from one table per language, English for a language
//! without one, and `[labels]` in `book.toml` over both.

use crate::config::LabelsConfig;

/// One generated word or phrase, and the language it is in when that is not
/// the book's (the English fallback), so the EPUB can mark it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The words. `{authors}`, `{publisher}` and `{title}` stand for what
    /// the label introduces.
    pub text: String,
    /// `Some("en")` when the book's language has no table and English
    /// stands in; `None` when the label is in the book's language.
    pub lang: Option<&'static str>,
}

impl Label {
    /// The label with its one placeholder filled in.
    pub fn fill(&self, value: &str) -> String {
        ["{authors}", "{publisher}", "{title}", "{number}", "{file}"]
            .iter()
            .fold(self.text.clone(), |text, key| text.replace(key, value))
    }
}

/// Every generated word of a book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// The contents' title, in the PDF and the EPUB (`contents`).
    pub contents: Label,
    /// The heading of the EPUB's landmarks (`landmarks`).
    pub landmarks: Label,
    /// The heading of the EPUB's print page list (`pages`).
    pub pages: Label,
    /// The cover's name among the landmarks and in the guide (`cover`).
    pub cover: Label,
    /// The cover image's text alternative, with `{title}` (`cover-alt`).
    pub cover_alt: Label,
    /// The authors' credit line, with `{authors}` (`by`).
    pub by: Label,
    /// The publisher's line, with `{publisher}` (`published-by`).
    pub published_by: Label,
    /// The colophon line (`typeset-with`).
    pub typeset_with: Label,
    /// What a done task's check box says to a screen reader (`task-done`).
    pub task_done: Label,
    /// What an open task's check box says (`task-open`).
    pub task_open: Label,
    /// A link's description for screen readers, with `{title}`: where in
    /// the book it leads (`go-to`).
    pub go_to: Label,
    /// A link's description when its target has no title (`go-to-place`).
    pub go_to_place: Label,
    /// A code listing's number before its caption, with `{number}`
    /// (`listing`).
    pub listing: Label,
    /// The line above a code listing naming its file, with `{file}`
    /// (`file-name`).
    pub file_name: Label,
    /// What the PDF shows, in brackets, for an image without alternative
    /// text (`image`).
    pub image: Label,
    /// The EPUB's accessibility summary, when `[labels]` gives one
    /// (`accessibility-summary`); else bindery writes it in English.
    pub accessibility_summary: Option<Label>,
}

impl Default for Labels {
    fn default() -> Labels {
        Labels::new("en", &LabelsConfig::default())
    }
}

/// How many labels a language's table has.
const COUNT: usize = 15;

impl Labels {
    /// The labels of a book in `language` with the overrides of `[labels]`.
    pub fn new(language: &str, overrides: &LabelsConfig) -> Labels {
        let (words, lang) = match table(&super::primary(language)) {
            Some(words) => (words, None),
            None => (ENGLISH, Some("en")),
        };
        let given = overrides.in_order();
        let label = |i: usize| match given[i] {
            Some(text) => Label {
                text: text.clone(),
                lang: None,
            },
            None => Label {
                text: words[i].to_string(),
                lang,
            },
        };
        Labels {
            contents: label(0),
            landmarks: label(1),
            pages: label(2),
            cover: label(3),
            cover_alt: label(4),
            by: label(5),
            published_by: label(6),
            typeset_with: label(7),
            task_done: label(8),
            task_open: label(9),
            go_to: label(10),
            go_to_place: label(11),
            listing: label(12),
            file_name: label(13),
            image: label(14),
            accessibility_summary: overrides.accessibility_summary.as_ref().map(|text| Label {
                text: text.clone(),
                lang: None,
            }),
        }
    }
}

/// Whether bindery has a table of labels for a language.
pub fn has_table(language: &str) -> bool {
    table(&super::primary(language)).is_some()
}

/// The languages with a table, by primary subtag.
pub const LANGUAGES: [&str; 13] = [
    "en", "de", "fr", "es", "it", "nl", "pt", "sv", "da", "nb", "fi", "pl", "cs",
];

const ENGLISH: [&str; COUNT] = [
    "Contents",
    "Landmarks",
    "Pages",
    "Cover",
    "Cover: {title}",
    "by {authors}",
    "Published by {publisher}",
    "Typeset with bindery",
    "done",
    "not done",
    "Go to {title}",
    "Go to a place in this book",
    "Listing {number}:",
    "Filename: {file}",
    "image",
];

/// A language's labels in the order of [`LabelsConfig::in_order`].
fn table(primary: &str) -> Option<[&'static str; COUNT]> {
    Some(match primary {
        "en" => ENGLISH,
        "de" => [
            "Inhalt",
            "Orientierungspunkte",
            "Seiten",
            "Umschlag",
            "Umschlag: {title}",
            "von {authors}",
            "Verlag: {publisher}",
            "Gesetzt mit bindery",
            "erledigt",
            "offen",
            "Gehe zu {title}",
            "Gehe zu einer Stelle im Buch",
            "Listing {number}:",
            "Dateiname: {file}",
            "Bild",
        ],
        "fr" => [
            "Table des matières",
            "Repères",
            "Pages",
            "Couverture",
            "Couverture\u{202F}: {title}",
            "par {authors}",
            "Publié par {publisher}",
            "Composé avec bindery",
            "fait",
            "à faire",
            "Aller à {title}",
            "Aller à un endroit du livre",
            "Listing {number}\u{202F}:",
            "Fichier\u{202F}: {file}",
            "image",
        ],
        "es" => [
            "Índice",
            "Puntos de referencia",
            "Páginas",
            "Cubierta",
            "Cubierta: {title}",
            "por {authors}",
            "Publicado por {publisher}",
            "Compuesto con bindery",
            "hecho",
            "pendiente",
            "Ir a {title}",
            "Ir a un lugar del libro",
            "Listado {number}:",
            "Archivo: {file}",
            "imagen",
        ],
        "it" => [
            "Indice",
            "Punti di riferimento",
            "Pagine",
            "Copertina",
            "Copertina: {title}",
            "di {authors}",
            "Pubblicato da {publisher}",
            "Composto con bindery",
            "fatto",
            "da fare",
            "Vai a {title}",
            "Vai a un punto del libro",
            "Listato {number}:",
            "File: {file}",
            "immagine",
        ],
        "nl" => [
            "Inhoud",
            "Oriëntatiepunten",
            "Pagina’s",
            "Omslag",
            "Omslag: {title}",
            "door {authors}",
            "Uitgegeven door {publisher}",
            "Gezet met bindery",
            "gedaan",
            "open",
            "Ga naar {title}",
            "Ga naar een plek in het boek",
            "Listing {number}:",
            "Bestand: {file}",
            "afbeelding",
        ],
        "pt" => [
            "Índice",
            "Pontos de referência",
            "Páginas",
            "Capa",
            "Capa: {title}",
            "por {authors}",
            "Publicado por {publisher}",
            "Composto com bindery",
            "feito",
            "por fazer",
            "Ir para {title}",
            "Ir para um ponto do livro",
            "Listagem {number}:",
            "Arquivo: {file}",
            "imagem",
        ],
        "sv" => [
            "Innehåll",
            "Landmärken",
            "Sidor",
            "Omslag",
            "Omslag: {title}",
            "av {authors}",
            "Utgiven av {publisher}",
            "Satt med bindery",
            "klar",
            "inte klar",
            "Gå till {title}",
            "Gå till ett ställe i boken",
            "Listning {number}:",
            "Fil: {file}",
            "bild",
        ],
        "da" => [
            "Indhold",
            "Orienteringspunkter",
            "Sider",
            "Omslag",
            "Omslag: {title}",
            "af {authors}",
            "Udgivet af {publisher}",
            "Sat med bindery",
            "færdig",
            "ikke færdig",
            "Gå til {title}",
            "Gå til et sted i bogen",
            "Kodeeksempel {number}:",
            "Fil: {file}",
            "billede",
        ],
        "nb" | "no" | "nn" => [
            "Innhold",
            "Landemerker",
            "Sider",
            "Omslag",
            "Omslag: {title}",
            "av {authors}",
            "Utgitt av {publisher}",
            "Satt med bindery",
            "ferdig",
            "ikke ferdig",
            "Gå til {title}",
            "Gå til et sted i boken",
            "Kodeeksempel {number}:",
            "Fil: {file}",
            "bilde",
        ],
        "fi" => [
            "Sisällys",
            "Maamerkit",
            "Sivut",
            "Kansi",
            "Kansi: {title}",
            "{authors}",
            "Kustantaja: {publisher}",
            "Ladottu bindery-ohjelmalla",
            "tehty",
            "tekemättä",
            "Siirry: {title}",
            "Siirry kohtaan kirjassa",
            "Listaus {number}:",
            "Tiedosto: {file}",
            "kuva",
        ],
        "pl" => [
            "Spis treści",
            "Punkty orientacyjne",
            "Strony",
            "Okładka",
            "Okładka: {title}",
            "{authors}",
            "Wydawca: {publisher}",
            "Złożono programem bindery",
            "zrobione",
            "do zrobienia",
            "Przejdź do: {title}",
            "Przejdź do miejsca w książce",
            "Listing {number}:",
            "Plik: {file}",
            "obraz",
        ],
        "cs" => [
            "Obsah",
            "Orientační body",
            "Stránky",
            "Obálka",
            "Obálka: {title}",
            "{authors}",
            "Vydal {publisher}",
            "Vysázeno programem bindery",
            "hotovo",
            "nehotovo",
            "Přejít na {title}",
            "Přejít na místo v knize",
            "Výpis {number}:",
            "Soubor: {file}",
            "obrázek",
        ],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_language_has_a_table_and_english_stands_in_for_others() {
        for language in LANGUAGES {
            assert!(has_table(language), "{language}");
            // Every placeholder a label needs is in every language's words.
            let labels = Labels::new(language, &LabelsConfig::default());
            assert!(labels.listing.text.contains("{number}"), "{language}");
            assert!(labels.file_name.text.contains("{file}"), "{language}");
            assert_eq!(
                Labels::new(language, &LabelsConfig::default())
                    .contents
                    .lang,
                None
            );
        }
        let klingon = Labels::new("tlh", &LabelsConfig::default());
        assert_eq!(klingon.contents.text, "Contents");
        assert_eq!(klingon.contents.lang, Some("en"));
        assert_eq!(
            Labels::new("de-CH", &LabelsConfig::default()).contents.text,
            "Inhalt"
        );
    }

    #[test]
    fn an_override_wins_and_is_in_the_book_s_language() {
        let overrides = LabelsConfig {
            contents: Some("Sommaire".to_string()),
            ..LabelsConfig::default()
        };
        let labels = Labels::new("fr", &overrides);
        assert_eq!(labels.contents.text, "Sommaire");
        assert_eq!(labels.by.fill("Jules Verne"), "par Jules Verne");
        let labels = Labels::new("de", &LabelsConfig::default());
        assert_eq!(labels.go_to.fill("Kapitel 3"), "Gehe zu Kapitel 3");
        assert_eq!(labels.listing.fill("2-1"), "Listing 2-1:");
        assert_eq!(
            labels.file_name.fill("src/main.rs"),
            "Dateiname: src/main.rs"
        );
        assert_eq!(labels.image.text, "Bild");
        let labels = Labels::new("tlh", &overrides);
        assert_eq!(labels.contents.lang, None);
        assert_eq!(labels.pages.lang, Some("en"));
    }
}
