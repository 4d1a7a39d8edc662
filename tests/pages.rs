//! Page-level typography: every body line on the text block's baseline
//! grid, footnotes ending on its last baseline, headings that keep their
//! company, part titles on right-hand pages, full pages and spreads that
//! end on one line, and the page figures of the quality report.

mod common;

use bindery::model::Book;
use bindery::pdf::layout::{Geometry, Item, Laid, Page};
use bindery::pdf::tags::Tag;
use common::TempBook;

/// Lays out the manuscript of `book` with the default options.
fn laid_out(book: &TempBook) -> (Book, Laid) {
    use bindery::pdf::fonts::{FontFiles, Fonts};
    use bindery::pdf::text::Typesetter;
    use bindery::pdf::text::hyphenate::Hyphenator;
    let manuscript = book.load();
    let toc = bindery::toc::build(&manuscript.book, 3);
    let files = FontFiles::default();
    let mut ts = Typesetter::new(Fonts::new(&files).unwrap(), Hyphenator::new("en"));
    let options = bindery::pdf::Options::default();
    let laid = bindery::pdf::layout::layout(
        &manuscript.book,
        &toc,
        &mut ts,
        &options.layout(&manuscript.book),
        None,
    );
    (manuscript.book, laid)
}

/// A paragraph of `words` words from a small vocabulary, the same for
/// the same `seed`.
fn paragraph(seed: u64, words: usize) -> String {
    const VOCABULARY: [&str; 16] = [
        "whale",
        "the",
        "harpooneer",
        "of",
        "a",
        "considerable",
        "ship",
        "and",
        "remarkable",
        "sea",
        "in",
        "extraordinary",
        "voyage",
        "was",
        "mast-head",
        "captain",
    ];
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out: Vec<&str> = Vec::with_capacity(words);
    for _ in 0..words {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.push(VOCABULARY[(state % VOCABULARY.len() as u64) as usize]);
    }
    let mut text = out.join(" ");
    text.replace_range(0..1, &text[0..1].to_uppercase());
    text.push('.');
    text
}

/// The baselines of body-size text a page shows, top to bottom, once each.
fn body_baselines(page: &Page, g: Geometry) -> Vec<f32> {
    let mut out: Vec<f32> = page
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Text { y, run, tag, .. }
                if run.rise == 0.0 && run.size == g.size && *tag != Tag::Artifact =>
            {
                Some(*y)
            }
            _ => None,
        })
        .collect();
    out.sort_by(f32::total_cmp);
    out.dedup_by(|a, b| (*a - *b).abs() < 0.01);
    out
}

/// Whether `baseline` is one of the text block's grid lines.
fn on_grid(baseline: f32, g: Geometry) -> bool {
    let line = (baseline - g.top - g.size) / g.leading;
    (line - line.round()).abs() < 0.01
}

#[test]
fn headings_quotes_lists_and_breaks_keep_the_text_after_them_on_the_grid() {
    let mut text = String::from("# A chapter\n\n");
    for n in 0..40 {
        text.push_str(&paragraph(n, 30 + (n as usize * 7) % 60));
        text.push_str("\n\n");
        match n % 5 {
            0 => text.push_str(&format!("## A section {n}\n\n")),
            1 => text.push_str(&format!("> {}\n\n", paragraph(n + 100, 40))),
            2 => text.push_str("- one item\n- another item\n- a third\n\n"),
            3 => text.push_str(&format!("### A subsection {n}\n\n* * *\n\n")),
            _ => text.push_str("#### A heading of the body's size\n\n"),
        }
    }
    let book = TempBook::chapter(text);
    let (_, laid) = laid_out(&book);
    let g = Geometry::default();
    let mut lines = 0;
    for (index, page) in laid.pages.iter().enumerate() {
        for baseline in body_baselines(page, g) {
            // Running heads and folios are artifacts; the contents page
            // is not body text.
            if laid.page_map[index].chapter.is_some() {
                lines += 1;
                assert!(
                    on_grid(baseline, g),
                    "page {}: a line at {baseline} is off the grid",
                    index + 1
                );
            }
        }
    }
    assert!(lines > 200, "{lines}");
    assert_eq!(laid.quality.pages.off_grid, 0, "{}", laid.quality);
}

#[test]
fn the_last_footnote_line_sits_on_the_last_baseline_of_the_text_block() {
    let mut text = String::from("# Notes\n\n");
    let mut notes = String::new();
    for n in 0..12 {
        text.push_str(&paragraph(n, 120));
        text.push_str(&format!("[^n{n}]\n\n"));
        notes.push_str(&format!(
            "[^n{n}]: {}\n\n",
            paragraph(n + 50, 10 + n as usize * 4)
        ));
    }
    text.push_str(&notes);
    let (_, laid) = laid_out(&TempBook::chapter(text));
    let g = Geometry::default();
    let last = g.baseline(g.lines() - 1);
    let mut pages_with_notes = 0;
    // The body's pages: the copyright page has small type at its foot too.
    let body = laid.page_map.iter().map(|p| p.chapter.is_some());
    for (page, _) in laid.pages.iter().zip(body).filter(|(_, body)| *body) {
        let note_lines: Vec<f32> = page
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Text { y, run, .. } if run.rise == 0.0 && run.size < g.size * 0.9 => Some(*y),
                _ => None,
            })
            .collect();
        if let Some(lowest) = note_lines.into_iter().reduce(f32::max) {
            pages_with_notes += 1;
            assert!(
                (lowest - last).abs() < 0.01,
                "notes end at {lowest}, not {last}"
            );
        }
    }
    assert!(pages_with_notes > 3, "{pages_with_notes}");
}

/// The ids of chapter `index`'s headings.
fn heading_ids(book: &Book, index: usize) -> Vec<String> {
    let mut ids = Vec::new();
    book.chapters[index].headings(&mut |h, _| ids.push(h.id.clone()));
    ids
}

/// The lines of text below each heading anchor on its page, for every
/// heading of the book.
fn lines_under_headings(book: &Book, laid: &Laid) -> Vec<(String, usize)> {
    let ids = heading_ids(book, 0);
    let mut out = Vec::new();
    for page in &laid.pages {
        for item in &page.items {
            let Item::Anchor { id, y } = item else {
                continue;
            };
            if !ids.contains(id) {
                continue;
            }
            let mut below: Vec<i32> = page
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Text { y: baseline, .. } if baseline > y => {
                        Some((baseline * 10.0).round() as i32)
                    }
                    _ => None,
                })
                .collect();
            below.sort_unstable();
            below.dedup();
            out.push((id.clone(), below.len()));
        }
    }
    out
}

#[test]
fn a_stack_of_headings_stays_together_with_two_lines_after_it() {
    // Stacks of two headings and a one-line date after them, at every
    // height of the page in turn.
    let mut text = String::from("# Stacks\n\n");
    for n in 0..60 {
        text.push_str(&paragraph(n, 20 + (n as usize * 13) % 90));
        text.push_str("\n\n");
        if n % 2 == 1 && n < 59 {
            text.push_str(&format!(
                "## Book {n}\n\n### Chapter {n}\n\n*{}*\n\n",
                1800 + n
            ));
        }
    }
    let (book, laid) = laid_out(&TempBook::chapter(text));
    assert_eq!(laid.quality.pages.stranded, 0, "{}", laid.quality);
    let under = lines_under_headings(&book, &laid);
    assert!(under.len() >= 50, "{}", under.len());
    for (id, lines) in under {
        // Its own lines, a second heading's or a date's, and two of text.
        assert!(lines >= 3, "heading {id} has {lines} lines under it");
    }
}

#[test]
fn a_part_title_opens_alone_on_a_right_hand_page_as_does_the_chapter_after_it() {
    let book = TempBook::new()
        .with(
            "book.toml",
            "title = \"Parts\"\nlanguage = \"en\"\nauthors = []\n\
             chapters = [\"01-a.md\", \"02-part.md\", \"03-b.md\", \"04-c.md\"]\n",
        )
        .with("01-a.md", format!("# A\n\n{}\n", paragraph(1, 400)))
        .with("02-part.md", "# Part Two\n\n> 1805\n")
        .with("03-b.md", format!("# B\n\n{}\n", paragraph(2, 700)))
        .with("04-c.md", format!("# C\n\n{}\n", paragraph(3, 50)));
    let (book, laid) = laid_out(&book);
    assert!(book.chapters[1].part);
    let opening = |id: &str| {
        laid.pages
            .iter()
            .position(|p| {
                p.items
                    .iter()
                    .any(|i| matches!(i, Item::Anchor { id: a, .. } if a == id))
            })
            .unwrap()
    };
    let (a, part, b, c) = (
        opening(&book.chapters[0].id),
        opening(&book.chapters[1].id),
        opening(&book.chapters[2].id),
        opening(&book.chapters[3].id),
    );
    // Page indexes from 0: even ones are right-hand pages.
    assert_eq!(part % 2, 0, "the part opens on page {}", part + 1);
    assert_eq!(b % 2, 0, "the chapter after it opens on page {}", b + 1);
    assert_eq!(
        b,
        part + 2,
        "the part's page is alone, with a blank after it"
    );
    assert!(part > a);
    // Chapters not next to a part open on the next page, as before.
    assert!(!laid.pages[c - 1].items.is_empty(), "a blank page before C");
}

#[test]
fn a_chapter_number_alone_as_a_heading_is_centred_as_an_opening() {
    let text = format!(
        "# Book One\n\n## I\n\n{}\n\n## II\n\n{}\n",
        paragraph(1, 80),
        paragraph(2, 80)
    );
    let (book, laid) = laid_out(&TempBook::chapter(text));
    let g = Geometry::default();
    let ids = heading_ids(&book, 0);
    let page = laid
        .pages
        .iter()
        .find(|p| {
            p.items
                .iter()
                .any(|i| matches!(i, Item::Anchor { id, .. } if *id == ids[0]))
        })
        .unwrap();
    // The numerals are set larger than the body, each in the middle of the line.
    let numerals: Vec<f32> = page
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text { x, run, .. } if run.size > g.size * 1.3 && run.size < g.size * 1.8 => {
                Some(x + run.width / 2.0)
            }
            _ => None,
        })
        .collect();
    assert_eq!(numerals.len(), 2, "{numerals:?}");
    let middle = g.inside + g.measure() / 2.0;
    for centre in numerals {
        assert!((centre - middle).abs() < 1.0, "{centre} is not {middle}");
    }
}

/// The last baseline of a page's text, notes included.
fn last_baseline(page: &Page) -> Option<f32> {
    page.items
        .iter()
        .filter_map(|item| match item {
            Item::Text { y, run, tag, .. } if run.rise == 0.0 && *tag != Tag::Artifact => Some(*y),
            _ => None,
        })
        .reduce(f32::max)
}

#[test]
fn a_left_hand_page_a_line_short_faces_a_right_hand_page_a_line_short() {
    // Chapters that open on the right, so that each knows its spreads, with
    // paragraphs of one to nine lines and headings: the lengths that leave
    // pages short.
    let mut book = TempBook::new().with(
        "book.toml",
        "title = \"Spreads\"\nlanguage = \"en\"\nauthors = []\n\
         chapters = [\"a.md\", \"b.md\", \"c.md\", \"d.md\", \"e.md\", \"f.md\"]\n\
         [pdf]\nrecto-chapters = true\n",
    );
    for (c, name) in ["a.md", "b.md", "c.md", "d.md", "e.md", "f.md"]
        .into_iter()
        .enumerate()
    {
        let mut text = format!("# Chapter {c}\n\n");
        for n in 0..160 {
            let seed = (c * 1000 + n) as u64;
            text.push_str(&paragraph(seed, 8 + (seed as usize * 37) % 110));
            text.push_str("\n\n");
            if n % 17 == 16 {
                text.push_str(&format!("## Section {n}\n\n"));
            }
        }
        book = book.with(name, text);
    }
    let (_, laid) = laid_out(&book);
    let g = Geometry::default();
    let one_short = g.baseline(g.lines() - 2);
    let chapter = |n: usize| laid.page_map[n].chapter;
    // Whether page `n`'s first line of text is larger than the body's.
    let opens_with_a_heading = |n: usize| {
        laid.pages[n].items.iter().find_map(|item| match item {
            Item::Text { run, tag, .. } if *tag != Tag::Artifact => Some(run.size > g.size),
            _ => None,
        }) == Some(true)
    };
    let (mut checked, mut even, mut before_a_heading) = (0, 0, 0);
    for verso in (1..laid.pages.len().saturating_sub(2)).step_by(2) {
        let recto = verso + 1;
        // Neither page a chapter's last.
        if chapter(verso).is_none() || chapter(recto + 1) != chapter(verso) {
            continue;
        }
        let Some(depth) = last_baseline(&laid.pages[verso]) else {
            continue;
        };
        if (depth - one_short).abs() < 0.01 {
            checked += 1;
            // On the same line, or full where that would leave it shorter;
            // or shorter where a heading that could not be kept with its
            // lines, nor room made for it, was moved on to the next page.
            let facing = last_baseline(&laid.pages[recto]);
            if facing.is_some_and(|f| f < depth - 0.01) && opens_with_a_heading(recto + 1) {
                before_a_heading += 1;
                continue;
            }
            assert!(
                facing.is_some_and(|f| (f - depth).abs() < 0.01 || f > depth),
                "page {} ends at {depth}, the page facing it at {facing:?}",
                verso + 1
            );
            even += usize::from(facing.is_some_and(|f| (f - depth).abs() < 0.01));
        }
    }
    assert!(even > 0, "{even} of {checked} spreads balanced");
    assert!(
        before_a_heading < even,
        "{before_a_heading} of {checked} short before a heading, {even} balanced"
    );
    assert_eq!(laid.quality.pages.widows, 0, "{}", laid.quality);
    assert_eq!(laid.quality.pages.orphans, 0, "{}", laid.quality);
}

#[test]
fn a_paragraph_too_narrow_to_justify_is_set_ragged_right() {
    // A list item five lists deep, of long words: a narrow measure where
    // justified lines would gape.
    let mut text = String::from("# Narrow\n\n");
    for depth in 0..5 {
        text.push_str(&format!("{}- item\n", "  ".repeat(depth)));
    }
    text.push_str(&format!(
        "{}- {}\n\n{}\n",
        "  ".repeat(5),
        "Incomprehensibilities notwithstanding, characteristically \
         uncompromising circumnavigations internationalised the \
         counterrevolutionaries' extraordinarily disproportionate \
         responsibilities."
            .repeat(2),
        paragraph(1, 200)
    ));
    let (_, laid) = laid_out(&TempBook::chapter(text));
    assert!(laid.quality.lines.widest_space <= 0.5, "{}", laid.quality);
    assert_eq!(laid.quality.lines.overfull, 0, "{}", laid.quality);
}

#[test]
fn a_paragraph_does_not_end_on_a_short_word_tail_when_it_can_help_it() {
    // Paragraphs of every length ending on a long word: some would end on
    // "-ble." alone.
    let mut text = String::from("# Tails\n\n");
    for n in 0..200 {
        text.push_str(&paragraph(n, 20 + (n as usize * 7) % 50));
        text.truncate(text.len() - 1);
        text.push_str(" incomprehensible.\n\n");
    }
    let (_, laid) = laid_out(&TempBook::chapter(text));
    assert!(laid.quality.lines.word_tails <= 2, "{}", laid.quality);
}

/// A chapter of `count` paragraphs of 8 to 117 words: the lengths that
/// leave pages short and split words over their turns.
fn long_chapter(count: usize) -> String {
    let mut text = String::from("# Chapter\n\n");
    for n in 0..count {
        let seed = n as u64 + 7;
        text.push_str(&paragraph(seed, 8 + (seed as usize * 37) % 110));
        text.push_str("\n\n");
    }
    text
}

#[test]
fn paragraphs_before_the_foot_are_set_again_so_that_pages_end_full() {
    let (_, laid) = laid_out(&TempBook::chapter(long_chapter(400)));
    let q = laid.quality;
    // Widow and orphan avoidance used to leave 20 of its 66 pages a line
    // short, when only the paragraph at the foot was set again.
    assert!(q.pages.short * 5 <= q.pages.count, "{q}");
    assert_eq!(
        (q.pages.widows, q.pages.orphans, q.lines.overfull),
        (0, 0, 0),
        "{q}"
    );
}

#[test]
fn a_word_is_not_split_over_a_page_turn_when_setting_helps() {
    let (_, laid) = laid_out(&TempBook::chapter(long_chapter(400)));
    let q = laid.quality;
    // 13 of its 66 pages used to end on a hyphen.
    assert!(q.pages.page_turns * 30 <= q.pages.count, "{q}");
}

#[test]
fn after_a_list_or_a_code_block_the_space_is_at_most_a_line() {
    let text = format!(
        "# Spaces\n\n{}\n\n- one item\n- another item\n\n#### A question after a list\n\n{}\n\n\
         ```\nlet a = 1;\nlet b = 2;\n```\n\n{}\n",
        paragraph(1, 40),
        paragraph(2, 40),
        paragraph(3, 40)
    );
    let (_, laid) = laid_out(&TempBook::chapter(text));
    let g = Geometry::default();
    let page = laid
        .pages
        .iter()
        .find(|p| body_baselines(p, g).len() > 8)
        .expect("a page of text");
    let lines = body_baselines(page, g);
    // Every body line is on the grid: the gaps between them, in lines.
    let gaps: Vec<f32> = lines
        .windows(2)
        .map(|w| ((w[1] - w[0]) / g.leading).round())
        .collect();
    // One blank line at most, after the list as after the code (whose
    // lines are not of the body's size: the gap over them is larger).
    assert!(gaps.iter().all(|&gap| gap <= 2.0 || gap >= 3.5), "{gaps:?}");
    let mono: Vec<f32> = page
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Text { y, run, .. } if run.size < g.size => Some(*y),
            _ => None,
        })
        .collect();
    let code_end = mono.iter().copied().fold(f32::MIN, f32::max);
    let next = lines
        .iter()
        .find(|&&b| b > code_end)
        .expect("a line after the code");
    assert!(next - code_end < 2.0 * g.leading, "{code_end} then {next}");
}

/// A chapter of `count` paragraphs of 8 to 117 words, a heading before
/// every fifth and a list of two short items after every third.
fn sectioned_chapter(count: usize) -> String {
    let mut text = String::from("# Chapter\n\n");
    for n in 0..count {
        let seed = n as u64 + 7;
        if n % 5 == 0 {
            text.push_str(&format!("#### Section {n}\n\n"));
        }
        text.push_str(&paragraph(seed, 8 + (seed as usize * 37) % 110));
        text.push_str("\n\n");
        if n % 3 == 1 {
            for k in 0..2 {
                let words = 5 + (seed as usize + k as usize) % 9;
                text.push_str(&format!("- {}\n", paragraph(seed * 31 + k, words)));
            }
            text.push('\n');
        }
    }
    text
}

#[test]
fn pages_are_filled_by_paragraphs_before_a_heading_or_a_list_on_them() {
    let (_, laid) = laid_out(&TempBook::chapter(sectioned_chapter(300)));
    let q = laid.quality;
    // When only paragraphs right after one another could be set again,
    // 19 of its 64 pages were left short and 3 ended on a hyphen.
    assert!(q.pages.short * 4 <= q.pages.count, "{q}");
    assert!(q.pages.page_turns * 32 <= q.pages.count, "{q}");
    assert_eq!(
        (
            q.pages.widows,
            q.pages.orphans,
            q.lines.overfull,
            q.pages.stranded
        ),
        (0, 0, 0, 0),
        "{q}"
    );
}

/// Each page of the chapters' running text (not a chapter's last, not
/// blank): its index and how far its last line ends above the grid's last
/// baseline, in lines.
fn shortfalls(laid: &Laid) -> Vec<(usize, f32)> {
    let g = Geometry::default();
    let last = g.baseline(g.lines() - 1);
    let chapter = |n: usize| laid.page_map.get(n).and_then(|p| p.chapter);
    (0..laid.pages.len())
        .filter(|&n| chapter(n).is_some() && chapter(n + 1) == chapter(n))
        .filter_map(|n| Some((n, (last - last_baseline(&laid.pages[n])?) / g.leading)))
        .collect()
}

#[test]
fn a_long_footnote_runs_on_to_the_next_page_rather_than_leave_its_page_short() {
    // Every third paragraph calls a note of some twelve lines: kept whole,
    // a note called near a page's foot took its line, and the rest of the
    // page, on to the next.
    let mut text = String::from("# Notes\n\n");
    let mut notes = String::new();
    for n in 0..120 {
        text.push_str(&paragraph(n, 50 + (n as usize * 13) % 80));
        if n % 3 == 1 {
            text.push_str(&format!("[^n{n}]"));
            notes.push_str(&format!("[^n{n}]: {}\n\n", paragraph(n + 1000, 150)));
        }
        text.push_str("\n\n");
    }
    text.push_str(&notes);
    let (_, laid) = laid_out(&TempBook::chapter(text));
    let pages = shortfalls(&laid);
    let short: Vec<_> = pages.iter().filter(|(_, lines)| *lines > 0.5).collect();
    assert!(pages.len() > 30, "{}", pages.len());
    assert!(
        short.len() * 10 <= pages.len(),
        "{short:?} of {}",
        pages.len()
    );
    assert!(short.iter().all(|(_, lines)| *lines < 1.5), "{short:?}");
    let q = laid.quality;
    assert_eq!((q.pages.widows, q.pages.orphans), (0, 0), "{q}");
}

#[test]
fn a_page_of_block_quotes_ends_on_the_grid_s_last_baseline() {
    // Quotes set smaller, on their own leading, one after another, as a
    // book's epigraphs or extracts are: a page of them used to end a
    // fraction of a line above the others.
    let mut text = String::from("# Extracts\n\n");
    for n in 0..50 {
        text.push_str(&format!(
            "> {}\n\n",
            paragraph(n, 15 + (n as usize * 11) % 50)
        ));
        text.push_str(&format!("> *Author {n}*\n\n"));
    }
    let (_, laid) = laid_out(&TempBook::chapter(text));
    let pages = shortfalls(&laid);
    assert!(pages.len() > 4, "{}", pages.len());
    for (n, lines) in pages {
        assert!(
            (lines - lines.round()).abs() < 0.01,
            "page {} ends {lines} lines short",
            n + 1
        );
    }
}

#[test]
fn a_heading_near_a_page_s_foot_takes_a_line_less_above_it_rather_than_move_on() {
    // The generated book's first chapter: sections, subsections and lists.
    // A section heading takes 4.6 lines with its space and two lines
    // after it. Where its page had 4 left and no paragraph before it could
    // be set a line tighter or looser, it moved on and left the page 4
    // lines short (page 8 here).
    let book = TempBook::bare();
    common::generate::write_manuscript(
        &book.dir(),
        &common::generate::generate(25_000),
        1,
        common::generate::Extras::Varied,
    );
    let (_, laid) = laid_out(&book);
    let pages = shortfalls(&laid);
    let short: Vec<_> = pages.iter().filter(|(_, lines)| *lines > 3.5).collect();
    assert!(pages.len() > 40, "{}", pages.len());
    assert!(short.is_empty(), "{short:?} of {}", pages.len());
    let q = laid.quality;
    assert_eq!(
        (
            q.pages.widows,
            q.pages.orphans,
            q.pages.stranded,
            q.pages.off_grid
        ),
        (0, 0, 0, 0),
        "{q}"
    );
}

/// A chapter of `count` paragraphs drawn from `seed`: paragraph `n` is a
/// short one of `short.0` words and up to `short.1` more when
/// `is_short(n's seed)`, else a long one of `long.0` and up to `long.1`
/// more.
fn chapter_of(
    seed: u64,
    count: u64,
    is_short: impl Fn(u64) -> bool,
    short: (u64, u64),
    long: (u64, u64),
) -> String {
    let mut text = String::from("# Chapter\n\n");
    for n in 0..count {
        let seed = seed * 1000 + n;
        let words = if is_short(seed) {
            short.0 + (seed * 31) % short.1
        } else {
            long.0 + (seed * 37) % long.1
        };
        text.push_str(&paragraph(seed, words as usize));
        text.push_str("\n\n");
    }
    text
}

/// A chapter of 300 paragraphs, short ones (4 to 20 words) and long ones
/// (30 to 139 words) mixed, drawn from `seed`.
fn mixed_chapter(seed: u64) -> String {
    chapter_of(
        seed,
        300,
        |s| (s * 7919).is_multiple_of(2),
        (4, 17),
        (30, 110),
    )
}

#[test]
fn a_paragraph_set_a_line_longer_to_fill_its_page_keeps_a_word_whole_over_the_turn() {
    // In each, a paragraph set a line longer, so that its page does not
    // end short, split a word over the turn of a right-hand page; set
    // again with that word whole, it fills the page as well.
    for seed in [1, 22] {
        let (_, laid) = laid_out(&TempBook::chapter(mixed_chapter(seed)));
        let q = laid.quality;
        assert_eq!(q.pages.page_turns, 0, "seed {seed}: {q}");
        assert!(q.pages.short * 5 <= q.pages.count, "seed {seed}: {q}");
        assert_eq!((q.pages.widows, q.pages.orphans), (0, 0), "{q}");
    }
}

/// A chapter of 200 paragraphs, two in three of 10 to 39 words (two to
/// four lines), as dialogue runs, the others of 40 to 139, drawn from
/// `seed`.
fn dialogue_chapter(seed: u64) -> String {
    chapter_of(
        seed,
        200,
        |s| !(s * 7919).is_multiple_of(3),
        (10, 30),
        (40, 100),
    )
}

#[test]
fn a_short_paragraph_moved_on_whole_has_the_paragraphs_before_it_make_room_or_fill_its_page() {
    // In each, a short paragraph that could not be split (it would leave
    // an orphan or a widow) moved on whole and left its page two lines
    // short: no one paragraph before it set a line longer or shorter
    // mended that.
    for seed in [6, 7] {
        let (_, laid) = laid_out(&TempBook::chapter(dialogue_chapter(seed)));
        let pages = shortfalls(&laid);
        let short: Vec<_> = pages.iter().filter(|(_, lines)| *lines > 1.5).collect();
        assert!(short.is_empty(), "seed {seed}: {short:?}");
        let q = laid.quality;
        assert_eq!((q.pages.widows, q.pages.orphans), (0, 0), "{q}");
    }
}

#[test]
fn an_opening_page_a_line_short_has_its_text_moved_down_under_the_title() {
    let g = Geometry::default();
    // The chapter's first page, and its title's baseline.
    let opening = |laid: &Laid| {
        let first = laid.page_map.iter().position(|p| p.chapter.is_some());
        let first = first.expect("a chapter");
        let title = laid.pages[first].items.iter().find_map(|item| match item {
            Item::Text { y, run, .. } if run.size > 1.5 * g.size => Some(*y),
            _ => None,
        });
        (first, title.expect("a title"))
    };
    let (_, full) = laid_out(&TempBook::chapter(dialogue_chapter(0)));
    let (_, title) = opening(&full);
    // Their opening pages ended a line short: the paragraph after could
    // not be split there, and none on it could be set a line longer.
    for seed in [6, 10] {
        let (_, laid) = laid_out(&TempBook::chapter(dialogue_chapter(seed)));
        let (first, here) = opening(&laid);
        let shortfall = shortfalls(&laid).into_iter().find(|(n, _)| *n == first);
        assert!(
            shortfall.is_some_and(|(_, lines)| lines.abs() < 0.01),
            "seed {seed}: {shortfall:?}"
        );
        assert_eq!(here, title, "seed {seed}: the title stays");
        let q = laid.quality;
        assert_eq!(
            (q.pages.widows, q.pages.orphans, q.pages.off_grid),
            (0, 0, 0),
            "{q}"
        );
    }
}
