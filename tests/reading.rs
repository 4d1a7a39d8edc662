//! The EPUB in real reading software: opened in epub.js in headless Chromium
//! (`tests/reading/read.mjs`), where every contents and page-list entry must
//! display its target and a footnote's link and back-link must round trip,
//! and checked by Ace by DAISY, whose report must hold no violation.
//! `scripts/test` installs Chromium and the npm packages (pinned in
//! `tests/reading/package-lock.json`); without them these tests fail.

mod common;

use common::TempBook;
use common::generate::{Extras, generate, write_manuscript};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the reading tests need, and how to get it, for the failure message.
const READING_INSTALL: &str = "the reading-system tests need node, Chromium and the npm \
    packages of tests/reading/: run them with `scripts/test`, which installs Debian's chromium \
    and runs `npm ci` in tests/reading/ (or set CHROMIUM to a Chromium binary)";

/// The folder of the npm project.
fn reading_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reading")
}

/// Chromium: `CHROMIUM`, else Debian's `/usr/bin/chromium`.
fn chromium() -> PathBuf {
    let path =
        std::env::var_os("CHROMIUM").map_or_else(|| "/usr/bin/chromium".into(), PathBuf::from);
    assert!(
        path.is_file(),
        "no Chromium at {}: {READING_INSTALL}",
        path.display()
    );
    path
}

/// Asserts that node and the npm packages are installed.
fn assert_installed() {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|out| out.status.success()),
        "node does not run: {READING_INSTALL}"
    );
    for package in ["puppeteer-core", "epubjs", "jszip", "@daisy/ace-cli"] {
        let manifest = reading_dir()
            .join("node_modules")
            .join(package)
            .join("package.json");
        assert!(
            manifest.is_file(),
            "{package} is not installed: {READING_INSTALL}"
        );
    }
}

/// Where a test keeps its screenshots and timings: `target/reading/<name>/`.
fn artefacts(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/reading")
        .join(name)
}

/// Empties a test's folder of artefacts, so that none is left from an
/// earlier run.
fn fresh_artefacts(name: &str) {
    let dir = artefacts(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("cannot empty target/reading/");
    }
    std::fs::create_dir_all(&dir).expect("cannot create target/reading/");
}

/// The contents and page-list entries of the EPUB's navigation document:
/// what epub.js must have shown.
fn nav_entries(epub: &Path) -> (usize, usize) {
    let files = common::unzip(&std::fs::read(epub).expect("the EPUB"));
    let (_, nav) = files
        .iter()
        .find(|(name, _)| name.ends_with("/nav.xhtml"))
        .expect("the EPUB has a nav.xhtml");
    let text = std::str::from_utf8(nav).expect("nav.xhtml is UTF-8");
    let doc = common::parse_xml(text).expect("nav.xhtml parses");
    let count = |kind: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name("nav"))
            .filter(|n| {
                n.attributes()
                    .any(|a| a.name() == "type" && a.value().split(' ').any(|t| t == kind))
            })
            .flat_map(|n| n.descendants())
            .filter(|n| n.has_tag_name("a"))
            .count()
    };
    (count("toc"), count("page-list"))
}

/// What `read.mjs` found in a book.
struct Reading {
    /// Milliseconds from opening the book to its first page of text, per run.
    first_page_ms: Vec<u64>,
    /// The JSON report.
    report: serde_json::Value,
}

impl Reading {
    /// The median of the first-page times.
    fn median_ms(&self) -> u64 {
        let mut times = self.first_page_ms.clone();
        times.sort_unstable();
        times[times.len() / 2]
    }
}

/// Opens `epub` in epub.js `runs` times for the timing, then walks its
/// contents, page list and first footnote; screenshots go to
/// `target/reading/<name>/`. Asserts that nothing failed and that every
/// entry of nav.xhtml was shown.
fn read(epub: &Path, name: &str, runs: usize) -> Reading {
    assert_installed();
    let shots = artefacts(name);
    let output = Command::new("node")
        .arg(reading_dir().join("read.mjs"))
        .arg(epub)
        .arg(&shots)
        .arg(runs.to_string())
        .env("CHROMIUM", chromium())
        .output()
        .expect("cannot run node");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "read.mjs failed on {name}:\n{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("read.mjs printed no JSON ({e}):\n{stderr}"));
    let failures = report["failures"].as_array().expect("a list of failures");
    assert!(
        failures.is_empty(),
        "epub.js did not show every target of {name}:\n{report:#}"
    );
    let (toc, pages) = nav_entries(epub);
    assert_eq!(report["toc"], toc, "contents entries shown in {name}");
    assert_eq!(report["pages"], pages, "page-list entries shown in {name}");
    let first_page_ms = report["first_page_ms"]
        .as_array()
        .expect("the times")
        .iter()
        .map(|t| t.as_u64().expect("a time in ms"))
        .collect();
    Reading {
        first_page_ms,
        report,
    }
}

/// Prints a timing where `cargo test` shows it even for a passing test (it
/// captures `println!`, not the standard error written directly), and
/// keeps it beside the screenshots in `target/reading/<name>/timings.txt`.
fn report_time(name: &str, line: &str) {
    use std::io::Write;
    let line = format!("reading: {name}: {line}\n");
    // The report is informative: a closed stderr must not fail the test.
    let _ = std::io::stderr().write_all(line.as_bytes());
    let path = artefacts(name).join("timings.txt");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    file.write_all(line.as_bytes())
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// The sample manuscript built into `out`; the EPUB's path.
fn build_sample(out: &Path) -> PathBuf {
    build(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("manuscript"),
        out,
    )
}

/// `bindery build` of `manuscript` into `out` (with the PDF, whose pages
/// make the EPUB's page list); the EPUB's path.
fn build(manuscript: &Path, out: &Path) -> PathBuf {
    let outcome = common::run(&[
        "build",
        "--quiet",
        "--manuscript",
        manuscript.to_str().expect("a UTF-8 path"),
        "--out",
        out.to_str().expect("a UTF-8 path"),
    ]);
    assert!(outcome.status.success(), "{}", outcome.stderr);
    only_epub(out)
}

/// The one EPUB in a build's output folder.
fn only_epub(out: &Path) -> PathBuf {
    let epubs: Vec<PathBuf> = std::fs::read_dir(out)
        .expect("the output folder")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "epub"))
        .collect();
    assert_eq!(epubs.len(), 1, "{epubs:?}");
    epubs.into_iter().next().expect("one EPUB")
}

#[test]
fn every_entry_of_the_sample_s_contents_and_page_list_shows_its_target() {
    fresh_artefacts("sample");
    let out = tempfile::tempdir().expect("a temporary folder");
    let epub = build_sample(out.path());
    let reading = read(&epub, "sample", 3);
    assert!(
        reading.report["pages"].as_u64() > Some(0),
        "{:#}",
        reading.report
    );
    report_time(
        "sample",
        &format!(
            "first page in {} ms (median of {:?})",
            reading.median_ms(),
            reading.first_page_ms
        ),
    );
}

/// How many words the long book holds: about a long novel's.
const LONG_WORDS: usize = 500_000;

#[test]
fn a_500000_word_book_in_one_file_reads_in_epubjs() {
    fresh_artefacts("long");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let manuscript = dir.path().join("manuscript");
    std::fs::create_dir(&manuscript).expect("the manuscript folder");
    write_manuscript(&manuscript, &generate(LONG_WORDS), 1, Extras::Varied);
    let out = dir.path().join("out");
    let started = std::time::Instant::now();
    let epub = build(&manuscript, &out);
    report_time("long", &format!("built in {:.1?}", started.elapsed()));
    let started = std::time::Instant::now();
    let reading = read(&epub, "long", 3);
    assert!(
        reading.report["pages"].as_u64() > Some(1000),
        "{:#}",
        reading.report
    );
    assert!(
        reading.report["footnote"]["back"].is_string(),
        "no footnote round trip: {:#}",
        reading.report
    );
    report_time(
        "long",
        &format!(
            "first page in {} ms (median of {:?}); {} contents and {} page-list \
         entries shown in {:.1?} in all",
            reading.median_ms(),
            reading.first_page_ms,
            reading.report["toc"],
            reading.report["pages"],
            started.elapsed()
        ),
    );
}

/// Runs Ace by DAISY on `epub` and returns its report's violations, each
/// as its rule, impact, file and element.
fn ace_violations(epub: &Path, name: &str) -> (Vec<String>, serde_json::Value) {
    assert_installed();
    let reports = tempfile::tempdir().expect("a temporary folder");
    let ace = reading_dir().join("node_modules/.bin/ace-cli");
    let output = Command::new(&ace)
        .args(["--silent", "--force", "--outdir"])
        .arg(reports.path())
        .arg(epub)
        .env("PUPPETEER_EXECUTABLE_PATH", chromium())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}: {READING_INSTALL}", ace.display()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "Ace failed on {name}:\n{stderr}");
    let json = std::fs::read(reports.path().join("report.json"))
        .unwrap_or_else(|e| panic!("Ace wrote no report.json for {name} ({e}):\n{stderr}"));
    let report: serde_json::Value = serde_json::from_slice(&json).expect("Ace's report is JSON");
    let violations: Vec<String> = report["assertions"]
        .as_array()
        .expect("the report's assertions")
        .iter()
        .flat_map(|file| {
            let url = file["earl:testSubject"]["url"].as_str().unwrap_or("?");
            let found = file["assertions"].as_array().into_iter().flatten();
            found.map(move |a| {
                let test = &a["earl:test"];
                let result = &a["earl:result"];
                format!(
                    "{} ({}) in {url} at {}: {}",
                    test["dct:title"].as_str().unwrap_or("?"),
                    test["earl:impact"].as_str().unwrap_or("?"),
                    result["earl:pointer"]["css"],
                    result["html"].as_str().unwrap_or(""),
                )
            })
        })
        .collect();
    (violations, report)
}

/// Asserts that Ace by DAISY finds no violation in `epub`, listing each
/// one's rule, file and element when it does.
fn assert_ace_clean(epub: &Path, name: &str) {
    let (violations, report) = ace_violations(epub, name);
    assert!(
        violations.is_empty(),
        "Ace by DAISY finds {} violation(s) in {name}:\n{}",
        violations.len(),
        violations.join("\n")
    );
    assert_eq!(report["earl:result"]["earl:outcome"], "pass", "{name}");
}

#[test]
fn ace_by_daisy_s_report_is_read_an_image_without_alt_text_is_its_one_violation() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let epub = build_sample(out.path());
    // The sample's EPUB with an image without alt text before its first
    // heading, zipped again as an EPUB is: the mimetype first, stored.
    let doctored = out.path().join("doctored.epub");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&doctored).expect("a file"));
    for (name, bytes) in common::unzip(&std::fs::read(&epub).expect("the EPUB")) {
        let method = if name == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file(name.as_str(), options).expect("an entry");
        let bytes = if name == "EPUB/chapter-01.xhtml" {
            let text = String::from_utf8(bytes).expect("UTF-8");
            assert!(text.contains("<h1"), "{text}");
            text.replacen("<h1", "<img src=\"cover.png\"/><h1", 1)
                .into_bytes()
        } else {
            bytes
        };
        std::io::Write::write_all(&mut zip, &bytes).expect("the entry's bytes");
    }
    zip.finish().expect("the zip is written");
    let (violations, _) = ace_violations(&doctored, "the doctored sample");
    assert!(
        violations.len() == 1
            && violations[0].starts_with("image-alt (critical) in chapter-01.xhtml"),
        "{violations:#?}"
    );
}

#[test]
fn ace_by_daisy_finds_no_violation_in_the_sample() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let epub = build_sample(out.path());
    assert_ace_clean(&epub, "the sample");
}

/// A French book with what the sample lacks: footnotes, one referred to
/// twice, a table with a header row, a list and a passage in English.
const FRENCH: &str = "\
# Le Voyage

Le train quitta la gare à l'aube[^aube] ; personne ne parlait. « Nous
arriverons ce soir », dit enfin le contrôleur, et l'on se remit à lire.

| Ville | Heure |
|-------|-------|
| Lyon  | 9 h   |
| Nice  | 18 h  |

- une valise ;
- deux billets ;
- [a good book]{lang=en}.

## L'arrivée

Le soir tomba sur la mer[^aube], et la ville s'alluma.

[^aube]: Vers six heures, en été.
";

#[test]
fn ace_by_daisy_finds_no_violation_in_a_french_book() {
    let book = TempBook::new()
        .with(
            "book.toml",
            "title = \"Le Voyage\"\nlanguage = \"fr\"\nauthors = [\"A. Auteur\"]\n\
             description = \"Un essai.\"\n",
        )
        .with("a.md", FRENCH);
    book.assert_builds();
    assert_ace_clean(&only_epub(&book.out()), "the French book");
}

#[test]
fn ace_by_daisy_finds_no_violation_in_a_hebrew_book() {
    let book = TempBook::new()
        .with(
            "book.toml",
            "title = \"ספר לדוגמה\"\nlanguage = \"he\"\nauthors = [\"א. כותב\"]\n\
             description = \"ספר קצר.\"\n",
        )
        .with(
            "a.md",
            "# פרק ראשון\n\nהספר הזה נכתב בעברית, ובאמצע יש מילה באנגלית, bindery, ומספר: 2026.\n\n\
             - פריט ראשון\n- פריט שני\n",
        );
    book.assert_builds();
    assert_ace_clean(&only_epub(&book.out()), "the Hebrew book");
}
