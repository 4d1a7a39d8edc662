//! The skeleton of a new book, as written by `bindery init`.

/// The files of a new manuscript: `(file name, contents)`. `date`
/// (`YYYY-MM-DD`, the day the book is begun) is the book's date, from which
/// its outputs take their dates until the author changes it.
pub fn skeleton(title: &str, date: &str) -> Vec<(&'static str, String)> {
    let book_toml = format!(
        "# The book's metadata; see the README for every key.\n\
         title = \"{}\"\n\
         language = \"en\"\n\
         authors = []\n\
         # The publication date; the outputs' dates come from it.\n\
         date = \"{date}\"\n\
         description = \"A sentence or two about the book, for stores and catalogues.\"\n\
         # chapters = [\"01-chapter.md\", \"faq.md\"]  # default: every .md file in name order\n",
        title.replace('\\', "\\\\").replace('"', "\\\"")
    );
    let chapter = "# The First Chapter\n\n\
        Write the chapter here. A blank line starts a new paragraph.\n\n\
        ## A Section\n\n\
        Sections appear in the table of contents. Footnotes work too.[^1]\n\n\
        [^1]: A footnote, set at the foot of the page in print.\n"
        .to_string();
    let faq = "# Frequently Asked Questions\n\n\
        ## General Questions\n\n\
        ### 1. What is a question?\n\n\
        Each level-three heading is a question; the text under it is its answer.\n\n\
        ### 2. How are questions grouped?\n\n\
        Each level-two heading opens a group of questions.\n"
        .to_string();
    vec![
        ("book.toml", book_toml),
        ("01-chapter.md", chapter),
        ("faq.md", faq),
    ]
}
