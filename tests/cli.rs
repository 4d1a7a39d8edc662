//! The command line: exit codes, messages and the files it writes.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bindery(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the bindery binary runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write_book(dir: &Path, toml: &str, chapter: &str) {
    std::fs::write(dir.join("book.toml"), toml).unwrap();
    std::fs::write(dir.join("01-a.md"), chapter).unwrap();
}

#[test]
fn help_describes_every_command() {
    let output = bindery(&["--help"], &root());
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for command in [
        "build", "epub", "pdf", "pack", "check", "dump", "init", "watch",
    ] {
        assert!(help.contains(command), "--help lacks {command}:\n{help}");
    }
    for command in [
        "build", "epub", "pdf", "pack", "check", "dump", "init", "watch",
    ] {
        let output = bindery(&[command, "--help"], &root());
        assert!(output.status.success(), "{command} --help failed");
        assert!(String::from_utf8_lossy(&output.stdout).contains("--manuscript"));
    }
    assert!(
        help.contains("--quiet") && help.contains("no progress"),
        "{help}"
    );
    let build = bindery(&["build", "--help"], &root());
    assert!(String::from_utf8_lossy(&build.stdout).contains("--timings"));
    // A mistake in the command line is told from `check`'s warnings (2).
    let wrong = bindery(&["build", "--no-such-option"], &root());
    assert_eq!(wrong.status.code(), Some(64), "{}", stderr(&wrong));
    assert!(stderr(&wrong).contains("--no-such-option"));
    assert!(bindery(&["--version"], &root()).status.success());
}

#[test]
fn build_makes_each_output_as_alone_and_times_its_stages_without_drawing() {
    // `build` draws the cover beside the PDF; the PDF must be the bytes
    // `pdf` makes alone. (The EPUB differs from `epub` alone by design: it
    // carries the PDF's page list; tests/epub.rs compares it.)
    let together = tempfile::tempdir().unwrap();
    let alone = tempfile::tempdir().unwrap();
    let (together, alone) = (together.path(), alone.path());
    let build = bindery(
        &["build", "--timings", "--out", together.to_str().unwrap()],
        &root(),
    );
    assert!(build.status.success(), "{}", stderr(&build));
    let output = bindery(
        &["pdf", "--quiet", "--out", alone.to_str().unwrap()],
        &root(),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
    // The outputs, not the layout cache's folder beside them.
    let files = std::fs::read_dir(alone).unwrap().map(Result::unwrap);
    for entry in files.filter(|entry| entry.path().is_file()) {
        let name = entry.file_name();
        let same = std::fs::read(alone.join(&name)).unwrap()
            == std::fs::read(together.join(&name)).unwrap();
        assert!(same, "{name:?} differs when built with the other output");
    }
    // stderr is a pipe here: no spinner, no terminal codes; the timings
    // name every stage.
    let text = stderr(&build);
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
    for stage in ["load", "epub", "pdf layout", "pdf write", "pack", "total"] {
        assert!(text.contains(&format!("\n  {stage} ")), "{stage}: {text}");
    }
}

#[test]
fn check_on_the_sample_is_clean_but_lists_the_acknowledged_gap() {
    let output = bindery(&["check"], &root());
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("acknowledged: manuscript/02-faq.md:"),
        "{text}"
    );
    assert!(
        text.contains("0 errors, 0 warnings, 1 acknowledged"),
        "{text}"
    );
}

#[test]
fn check_exit_codes_follow_the_worst_finding() {
    let dir = tempfile::tempdir().unwrap();
    let toml = "title = \"T\"\nlanguage = \"en\"\n";
    write_book(dir.path(), toml, "# A\n\nSee [nowhere](#nowhere).\n");
    let output = bindery(&["check", "--manuscript", "."], dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("01-a.md:3:5"),
        "{}",
        stderr(&output)
    );
    write_book(dir.path(), "title = \"T\"\n", "# A\n");
    let output = bindery(&["check", "--manuscript", "."], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let output = bindery(
        &["check", "--manuscript", ".", "--format", "json"],
        dir.path(),
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["findings"][0]["code"], "missing-key");
    assert_eq!(report["findings"][0]["severity"], "error");
    assert_eq!(report["findings"][0]["file"], "book.toml");
}

#[test]
fn errors_name_the_file_and_line_and_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    write_book(
        dir.path(),
        "title = \"T\"\nlanguage = \"en\"\ntitel = \"x\"\n",
        "# A\n",
    );
    let output = bindery(&["dump", "--manuscript", "."], dir.path());
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("book.toml:3:1: unknown key `titel`"),
        "{text}"
    );
    assert!(text.contains("did you mean `title`?"), "{text}");
    assert!(!text.contains("panicked"), "{text}");

    let output = bindery(&["build", "--manuscript", "nowhere"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("nowhere: the manuscript folder does not exist"));

    write_book(
        dir.path(),
        "title = \"T\"\nlanguage = \"en\"\nchapters = [\"01-a.md\", \"02-b.md\"]\n",
        "# A\n",
    );
    let output = bindery(&["build", "--manuscript", "."], dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("book.toml:3:24: the chapter file `02-b.md` does not exist"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn no_command_means_build() {
    // Two folders, as a second build into the first would take its
    // chapters from the layout cache and say so.
    let out = tempfile::tempdir().unwrap();
    let (one, two) = (out.path().join("one"), out.path().join("two"));
    let plain = bindery(&["--out", one.to_str().unwrap()], &root());
    let build = bindery(&["build", "--out", two.to_str().unwrap()], &root());
    assert_eq!(plain.status.code(), build.status.code());
    assert_eq!(stderr(&plain).replace("/one/", "/two/"), stderr(&build));
}

#[test]
fn dump_prints_the_model_and_toc_as_json() {
    let output = bindery(&["dump"], &root());
    assert!(output.status.success());
    let dump: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(dump["book"]["chapters"][1]["body"]["kind"], "faq");
    assert_eq!(dump["toc"]["entries"].as_array().unwrap().len(), 2);
}

#[test]
fn init_creates_a_book_that_checks_clean_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let output = bindery(
        &["init", "new-book", "--title", "A \"Quoted\" Title"],
        dir.path(),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let output = bindery(&["check", "--manuscript", "new-book"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = bindery(&["dump", "--manuscript", "new-book"], dir.path());
    let dump: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(dump["book"]["metadata"]["title"], "A \"Quoted\" Title");
    // The new book is dated the day it is begun, so its builds do not
    // depend on when its files were last touched.
    let date = dump["book"]["metadata"]["date"].as_str().unwrap();
    assert!(
        date.len() == 10 && date.starts_with("20") && date.as_bytes()[4] == b'-',
        "{date}"
    );
    let output = bindery(&["init", "new-book"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("not empty"));
}

#[test]
fn completions_and_the_manual_page_come_from_the_command_definitions() {
    for (shell, mark) in [
        ("bash", "_bindery()"),
        ("zsh", "#compdef bindery"),
        ("fish", "complete -c bindery"),
        ("elvish", "edit:completion:arg-completer[bindery]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let output = bindery(&["completions", shell], &root());
        assert!(output.status.success(), "{shell}: {}", stderr(&output));
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(script.contains(mark), "{shell}:\n{script}");
        for command in ["build", "check", "init", "manuscript"] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
    let wrong = bindery(&["completions", "tcsh"], &root());
    assert_eq!(wrong.status.code(), Some(64), "{}", stderr(&wrong));
    let output = bindery(&["man"], &root());
    assert!(output.status.success(), "{}", stderr(&output));
    let page = String::from_utf8_lossy(&output.stdout);
    for text in [
        ".TH bindery",
        ".SH NAME",
        ".SH SYNOPSIS",
        "\\-\\-manuscript",
        "completions",
    ] {
        assert!(page.contains(text), "the manual page lacks {text}:\n{page}");
    }
}

/// Copies the sample manuscript into `dir`, each file's time set to `time`.
fn copy_sample(dir: &Path, time: std::time::SystemTime) {
    for entry in std::fs::read_dir(root().join("manuscript")).unwrap() {
        let path = entry.unwrap().path();
        let copy = dir.join(path.file_name().unwrap());
        std::fs::copy(&path, &copy).unwrap();
        let file = std::fs::File::options().write(true).open(&copy).unwrap();
        file.set_modified(time).unwrap();
    }
}

#[test]
fn two_copies_of_a_manuscript_touched_at_other_times_give_the_same_bytes() {
    // A fresh clone's files carry the time of the checkout; the sample's
    // date in book.toml, not the files, dates the outputs.
    let day = std::time::Duration::from_secs(86_400);
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    copy_sample(one.path(), std::time::UNIX_EPOCH + 20_000 * day);
    copy_sample(two.path(), std::time::UNIX_EPOCH + 20_400 * day);
    let mut outputs = Vec::new();
    for dir in [one.path(), two.path()] {
        let output = Command::new(env!("CARGO_BIN_EXE_bindery"))
            .args(["build", "--quiet", "--manuscript", ".", "--out", "out"])
            .current_dir(dir)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join("out"))
            .unwrap()
            .filter(|entry| entry.as_ref().is_ok_and(|e| e.path().is_file()))
            .map(|entry| {
                let entry = entry.unwrap();
                let name = entry.file_name().into_string().unwrap();
                (name, std::fs::read(entry.path()).unwrap())
            })
            .collect();
        files.sort();
        outputs.push(files);
    }
    assert_eq!(outputs[0].len(), 3);
    for ((name, a), (_, b)) in outputs[0].iter().zip(&outputs[1]) {
        assert!(a == b, "{name} differs between the two copies");
    }
    let (_, epub) = outputs[0]
        .iter()
        .find(|(name, _)| name.ends_with(".epub"))
        .unwrap();
    let (_, package) = common::unzip(epub)
        .into_iter()
        .find(|(name, _)| name.ends_with(".opf"))
        .unwrap();
    let package = String::from_utf8(package).unwrap();
    assert!(
        package.contains(">2025-11-25T00:00:00Z</meta>"),
        "the package is not dated from book.toml:\n{package}"
    );
}
