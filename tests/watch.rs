//! `bindery watch`, driven as an author would: edit a chapter, break
//! book.toml and mend it, then press Ctrl-C.

mod common;

use common::TempBook;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long one build may take in a debug binary on a busy machine.
const PATIENCE: Duration = Duration::from_secs(180);

/// The watch process and the lines it prints on stderr.
struct Watch {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    fn start(book: &TempBook) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bindery"))
            .arg("watch")
            .arg("--manuscript")
            .arg(book.dir())
            .arg("--out")
            .arg(book.out())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start bindery watch");
        let stderr = child.stderr.take().expect("piped stderr");
        let (send, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Watch {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line holding `text`, and returns it.
    fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    self.child.kill().ok();
                    panic!(
                        "no line with {text:?} came; the watch printed:\n{:#?}",
                        self.seen
                    );
                }
            }
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// The bytes of every file in `dir`, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("the output folder")
        .filter(|entry| entry.as_ref().is_ok_and(|e| e.path().is_file()))
        .map(|entry| {
            let entry = entry.expect("an entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(entry.path()).expect("an output"))
        })
        .collect();
    files.sort();
    files
}

/// The text of the EPUB's XHTML files.
fn epub_text(out: &Path) -> String {
    let (_, epub) = files(out)
        .into_iter()
        .find(|(name, _)| name.ends_with(".epub"))
        .expect("an EPUB");
    common::unzip(&epub)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".xhtml"))
        .map(|(_, text)| String::from_utf8_lossy(&text).into_owned())
        .collect()
}

#[test]
fn watch_rebuilds_after_a_change_survives_a_broken_manuscript_and_stops_on_ctrl_c() {
    let book = TempBook::chapter("# One\n\nThe first sentence.\n");
    let mut watch = Watch::start(&book);
    watch.wait_for("watching");
    let first = files(&book.out());
    assert_eq!(first.len(), 3, "{first:?}");

    std::fs::write(
        book.file("a.md"),
        "# One\n\nThe first sentence. A sentence added while watching.\n",
    )
    .unwrap();
    let line = watch.wait_for("changed");
    assert!(
        line.contains("a.md changed: rebuilt every output, laying out 1 of 1 chapters in"),
        "{line}"
    );
    assert!(epub_text(&book.out()).contains("A sentence added while watching."));
    let second = files(&book.out());

    // A broken book.toml is reported, the outputs stay, the watch goes on.
    let good = std::fs::read_to_string(book.file("book.toml")).unwrap();
    std::fs::write(book.file("book.toml"), format!("{good}colour = \"red\"\n")).unwrap();
    let error = watch.wait_for("error");
    assert!(error.contains("book.toml:5:1"), "{error}");
    let line = watch.wait_for("changed");
    assert!(
        line.contains("the build failed; the outputs are as they were"),
        "{line}"
    );
    assert!(
        files(&book.out()) == second,
        "a failed build changed the outputs"
    );

    // Files that are not the book's, such as an editor's backup, do not
    // start a build; mending book.toml does.
    std::fs::write(book.file("a.md~"), "an editor's backup").unwrap();
    std::fs::write(book.file("book.toml"), &good).unwrap();
    let line = watch.wait_for("changed");
    assert!(line.contains("book.toml changed: rebuilt"), "{line}");

    // SAFETY: signalling our own child, which is still running.
    let sent = unsafe { libc::kill(watch.child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(sent, 0);
    watch.wait_for("stopped watching");
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = watch.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the watch did not end after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    // Nothing half-written is left behind.
    let last = files(&book.out());
    let names: Vec<&str> = last.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.iter().all(|name| !name.starts_with('.')), "{names:?}");
}
