//! File-system and stream faults (issue 18): links, FIFOs, devices and
//! folders where files should be, huge files, outputs that cannot be put in
//! place, closed pipes and full disks, and manuscript text meant for the
//! terminal. Each case runs the real binary and holds it to the exact
//! behaviour: an error naming the path (and line), exit status 1, no file
//! outside `--out` touched, every earlier output byte for byte as it was,
//! and memory bounded.

mod common;

use common::{Finding, Outcome, Stream, TempBook};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The most memory a run may hold when it refuses a huge input.
const MEMORY_BOUND: u64 = 500 << 20;

/// A PNG of one pixel.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90\x77\x53\xde\
                     \0\0\0\x0cIDAT\x78\x9c\x63\xf8\xdf\xc0\0\0\x04\x01\x01\x80\xc5\x2a\x18\x5d\
                     \0\0\0\0IEND\xae\x42\x60\x82";

/// What a path holds, for telling whether anything changed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    File(Vec<u8>),
    Link(PathBuf),
    Folder,
    Other,
}

/// Everything under `dir`, by path relative to it, links not followed.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Entry> {
    let mut entries = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).expect("a readable folder") {
            let path = entry.expect("a folder entry").path();
            // The layout cache is not an output (tests/cache.rs checks it).
            if path
                .file_name()
                .is_some_and(|name| name == ".bindery-cache")
            {
                continue;
            }
            let kind = fs::symlink_metadata(&path).expect("metadata").file_type();
            let entry = if kind.is_symlink() {
                Entry::Link(fs::read_link(&path).expect("a link"))
            } else if kind.is_dir() {
                pending.push(path.clone());
                Entry::Folder
            } else if kind.is_file() {
                Entry::File(fs::read(&path).expect("a readable file"))
            } else {
                Entry::Other
            };
            let name = path.strip_prefix(dir).expect("inside").to_path_buf();
            entries.insert(name, entry);
        }
    }
    entries
}

/// Everything in the temporary folder but the output folder.
fn outside_out(book: &TempBook) -> BTreeMap<PathBuf, Entry> {
    let mut all = tree(book.root());
    all.retain(|path, _| !path.starts_with("out"));
    all
}

/// A built-in face (DejaVu Serif), as a font file a manuscript may name.
fn font_bytes() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/DejaVuSerif.ttf");
    fs::read(path).expect("the DejaVu font")
}

/// `bindery check --format json`'s one finding, which must be an error
/// with `code` at `file` (and at `line` and `col` when given) whose message
/// holds `message`; then a build must fail with it, writing nothing.
fn assert_refused(book: &TempBook, code: &str, file: &Path, at: Option<(u64, u64)>, message: &str) {
    let findings = book.findings();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    match at {
        Some((line, col)) => finding.assert_at("error", code, file, line, col),
        None => {
            assert_eq!(
                (finding.severity.as_str(), finding.code.as_str()),
                ("error", code)
            );
            assert_eq!(finding.file.as_deref(), Some(file), "{finding:?}");
        }
    }
    assert!(finding.message.contains(message), "{finding:#?}");
    let place = match at {
        Some((line, col)) => format!("error: {}:{line}:{col}: {message}", file.display()),
        None => format!("error: {}: {message}", file.display()),
    };
    let outcome = book.build();
    assert_eq!(outcome.status.code(), Some(1), "{}", outcome.stderr);
    assert_error(&outcome, &place);
    assert!(!book.out().exists(), "a failed build wrote outputs");
}

/// Asserts that `outcome` printed one error, and that it starts with
/// `start` (`error: <file>…: <message>`).
fn assert_error(outcome: &Outcome, start: &str) {
    let errors: Vec<&str> = outcome
        .stderr
        .lines()
        .filter(|line| line.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", outcome.stderr);
    assert!(errors[0].starts_with(start), "{}", outcome.stderr);
}

/// The line and column of the first `needle` in `text`, counted from 1.
fn line_col(text: &str, needle: &str) -> (u64, u64) {
    let at = text.find(needle).expect("the needle is in the text");
    let line = text[..at].matches('\n').count() + 1;
    let col = text[..at]
        .rsplit('\n')
        .next()
        .map_or(0, |l| l.chars().count())
        + 1;
    (line as u64, col as u64)
}

#[test]
fn links_and_fifos_planted_in_the_output_folder_are_replaced_never_followed() {
    let book = TempBook::chapter("# A\n\nText.\n");
    let out = book.out();
    fs::create_dir(&out).expect("the output folder");
    fs::write(book.root().join("victim"), "precious").expect("victim");
    symlink(book.root().join("victim"), out.join("hostile.epub")).expect("link");
    symlink(book.root().join("created"), out.join("hostile.pdf")).expect("link");
    make_special(FIFO, &out.join("hostile-reading-pack.zip"));
    // The fixed temporary names of earlier versions.
    symlink(
        book.root().join("victim"),
        out.join(".hostile.epub.partial"),
    )
    .expect("link");
    make_special(FIFO, &out.join(".hostile.pdf.partial"));
    let before = outside_out(&book);

    let outcome = book.build();
    assert!(outcome.status.success(), "{}", outcome.stderr);
    assert_eq!(outside_out(&book), before, "a file outside --out changed");
    let after = tree(&out);
    for (name, magic) in [
        ("hostile.epub", &b"PK"[..]),
        ("hostile.pdf", b"%PDF"),
        ("hostile-reading-pack.zip", b"PK"),
    ] {
        match &after[Path::new(name)] {
            Entry::File(bytes) => assert!(bytes.starts_with(magic), "{name}"),
            other => panic!("{name} is {other:?}"),
        }
    }
    // Files bindery did not make are left alone, and it leaves none of its own.
    assert_eq!(
        after[Path::new(".hostile.epub.partial")],
        Entry::Link(book.root().join("victim"))
    );
    assert!(
        fs::symlink_metadata(out.join(".hostile.pdf.partial"))
            .expect("the FIFO")
            .file_type()
            .is_fifo()
    );
    assert_eq!(after.len(), 5, "{:?}", after.keys());
}

/// Makes a file immutable (`chattr +i`): not even root may rename over it.
/// Dropping the guard makes it mutable again, so the temporary folder can
/// be removed.
struct Immutable(PathBuf);

impl Immutable {
    fn new(path: &Path) -> Immutable {
        let done = Command::new("chattr")
            .arg("+i")
            .arg(path)
            .status()
            .expect("cannot run chattr");
        assert!(done.success(), "chattr +i {} failed", path.display());
        Immutable(path.to_path_buf())
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let done = Command::new("chattr").arg("-i").arg(&self.0).status();
        assert!(done.is_ok_and(|s| s.success()), "chattr -i failed");
    }
}

/// Asserts that a build fails at `path` ("error: <path>: …") and leaves the
/// output folder exactly as `before`; returns what it printed.
fn assert_build_fails_at(
    book: &TempBook,
    path: &Path,
    before: &BTreeMap<PathBuf, Entry>,
) -> String {
    let outcome = book.build();
    assert_eq!(outcome.status.code(), Some(1), "{}", outcome.stderr);
    let error = format!("error: {}: ", path.display());
    assert_error(&outcome, &error);
    assert_eq!(
        outcome.stderr.matches("error:").count(),
        1,
        "{}",
        outcome.stderr
    );
    let after = tree(&book.out());
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "files appeared or vanished"
    );
    for (name, entry) in before {
        assert!(after[name] == *entry, "{} changed", name.display());
    }
    outcome.stderr
}

/// A book built once, with the outputs of that build, then changed so that
/// the next build would make other bytes.
fn built_then_changed() -> (TempBook, BTreeMap<PathBuf, Entry>) {
    let book = TempBook::chapter("# A\n\nThe first text.\n");
    let outcome = book.build();
    assert!(outcome.status.success(), "{}", outcome.stderr);
    let first = tree(&book.out());
    assert_eq!(first.len(), 3, "{:?}", first.keys());
    fs::write(book.file("a.md"), "# A\n\nThe second text.\n").expect("a.md");
    (book, first)
}

#[test]
fn an_output_that_cannot_be_put_in_place_leaves_every_earlier_output_as_it_was() {
    let (book, first) = built_then_changed();
    let out = book.out();

    // A folder where the PDF goes: the EPUB, already renamed in, is put back.
    let pdf = out.join("hostile.pdf");
    fs::remove_file(&pdf).expect("the PDF");
    fs::create_dir(&pdf).expect("a folder");
    fs::write(pdf.join("keep"), "kept").expect("a file in it");
    let before = tree(&out);
    let printed = assert_build_fails_at(&book, &pdf, &before);
    assert!(
        printed.contains("a folder has the output's name"),
        "{printed}"
    );

    // An immutable pack, the last output: the EPUB and the PDF go back.
    fs::remove_dir_all(&pdf).expect("the folder");
    for (name, entry) in &first {
        let Entry::File(bytes) = entry else {
            panic!("{name:?}")
        };
        fs::write(out.join(name), bytes).expect("an earlier output");
    }
    let pack = out.join("hostile-reading-pack.zip");
    let immutable = Immutable::new(&pack);
    let printed = assert_build_fails_at(&book, &pack, &first);
    assert!(
        printed.contains("cannot move the output into place"),
        "{printed}"
    );

    // Outputs new in the failed run are removed again.
    drop(immutable);
    fs::remove_dir_all(&out).expect("the outputs");
    fs::create_dir_all(pack.join("folder")).expect("a folder where the pack goes");
    let before = tree(&out);
    assert_build_fails_at(&book, &pack, &before);
}

#[test]
fn a_disk_that_fills_up_while_outputs_are_written_leaves_the_earlier_ones_as_they_were() {
    let (book, before) = built_then_changed();
    let out = book.out();
    let size = |name: &str| match &before[Path::new(name)] {
        Entry::File(bytes) => bytes.len() as u64,
        other => panic!("{name} is {other:?}"),
    };
    let (epub, pdf, pack) = (
        size("hostile.epub"),
        size("hostile.pdf"),
        size("hostile-reading-pack.zip"),
    );
    assert!(pack > epub.max(pdf) * 3 / 2, "the pack holds both");
    // Files may grow to a size between the largest single output and the
    // pack, so the disk is full, in effect, when the last output is written;
    // SIGXFSZ ignored, the write fails with EFBIG instead of ending the run.
    let limit = (epub.max(pdf) + pack) / 2;
    let mut command = Command::new(env!("CARGO_BIN_EXE_bindery"));
    command.args(["build", "--manuscript"]).arg(book.dir());
    command.arg("--out").arg(&out);
    // SAFETY: between fork and exec the closure calls only setrlimit and
    // signal, which are async-signal-safe, and allocates nothing.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, move || {
            let rlimit = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &rlimit) != 0
                || libc::signal(libc::SIGXFSZ, libc::SIG_IGN) == libc::SIG_ERR
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let output = command.output().expect("bindery runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let error = format!(
        "error: {}: cannot write the output: File too large",
        out.join("hostile-reading-pack.zip").display()
    );
    assert!(stderr.lines().any(|line| line == error), "{stderr}");
    assert!(tree(&out) == before, "the outputs changed");
}

#[test]
fn an_output_folder_that_is_a_file_is_an_error_naming_it() {
    let book = TempBook::chapter("# A\n");
    fs::write(book.out(), "not a folder").expect("a file");
    let outcome = book.build();
    assert_eq!(outcome.status.code(), Some(1), "{}", outcome.stderr);
    let error = format!(
        "error: {}: the output folder is a file, not a folder",
        book.out().display()
    );
    assert_error(&outcome, &error);
    assert_eq!(fs::read(book.out()).expect("the file"), b"not a folder");
}

#[test]
fn an_output_folder_inside_the_manuscript_is_never_read_as_part_of_it() {
    let book = TempBook::chapter("# A\n\nText.\n");
    let out = book.file("output");
    let build = || book.run(&["build", "--out", out.to_str().expect("UTF-8")]);
    let outcome = build();
    assert!(outcome.status.success(), "{}", outcome.stderr);
    let first = tree(&out);
    let outcome = build();
    assert!(outcome.status.success(), "{}", outcome.stderr);
    assert_eq!(tree(&out), first, "a rebuild changed the outputs");
    assert_eq!(book.findings(), Vec::<Finding>::new());
}

/// Writes `[pdf] fonts` with `regular = "<path>"` and `embed-fonts`; returns
/// the place of the path's value.
fn with_font(book: TempBook, path: &str) -> (TempBook, (u64, u64)) {
    let toml = format!(
        "{}\n[epub]\nembed-fonts = true\n\n[pdf.fonts]\nregular = \"{path}\"\n",
        common::BOOK_TOML
    );
    let at = line_col(&toml, &format!("\"{path}\""));
    (book.with("book.toml", &toml), at)
}

#[test]
fn fonts_outside_the_manuscript_are_refused_at_their_line_saying_nothing_of_what_exists() {
    let font = font_bytes();
    let outside = [
        "/etc/passwd",
        "/no/such/font.ttf",
        "../outside.ttf",
        "../no-such-font.ttf",
        "link.ttf",
        "dangling.ttf",
        "up/outside.ttf",
        "up/no-such-font.ttf",
    ];
    let mut messages = Vec::new();
    for path in outside {
        let book = TempBook::chapter("# A\n");
        fs::write(book.root().join("outside.ttf"), &font).expect("a font outside");
        symlink(book.root().join("outside.ttf"), book.file("link.ttf")).expect("link");
        symlink(book.root().join("gone.ttf"), book.file("dangling.ttf")).expect("link");
        symlink(book.root(), book.file("up")).expect("link");
        let (book, at) = with_font(book, path);
        let message = format!("the font `{path}` is outside the manuscript folder");
        assert_refused(
            &book,
            "font-outside",
            &book.file("book.toml"),
            Some(at),
            &message,
        );
        let outcome = book.run(&["check"]);
        assert!(
            outcome
                .stderr
                .contains("hint: a font kept elsewhere can be copied into the manuscript"),
            "{}",
            outcome.stderr
        );
        let root = book.root().display().to_string();
        messages.push(outcome.stderr.replace(path, "PATH").replace(&root, "ROOT"));
    }
    // An outside path that exists reads exactly as one that does not.
    assert!(messages.windows(2).all(|w| w[0] == w[1]), "{messages:#?}");

    let (book, at) = with_font(TempBook::chapter("# A\n"), "fonts/none.ttf");
    let message = "the font file `fonts/none.ttf` does not exist";
    assert_refused(
        &book,
        "missing-font",
        &book.file("book.toml"),
        Some(at),
        message,
    );

    // A font inside the manuscript is set and carried in the EPUB.
    let (book, _) = with_font(
        TempBook::chapter("# A\n").with("fonts/face.ttf", &font),
        "fonts/face.ttf",
    );
    let outcome = book.build();
    assert!(outcome.status.success(), "{}", outcome.stderr);
    let epub = fs::read(book.out().join("hostile.epub")).expect("the EPUB");
    let files = common::unzip(&epub);
    assert!(
        files.iter().any(|(_, bytes)| *bytes == font),
        "the font is not in the EPUB"
    );
}

/// The roles a file plays in a manuscript.
const ROLES: [&str; 6] = [
    "book.toml",
    "listed chapter",
    "found chapter",
    "FAQ",
    "image",
    "font",
];

/// A manuscript with a file in `role`, which the test then puts in place.
struct Case {
    book: TempBook,
    /// Where the file goes.
    path: PathBuf,
    /// What a file of that role starts with.
    head: Vec<u8>,
    /// The file an error about it names, and the line and column.
    file: PathBuf,
    at: Option<(u64, u64)>,
    /// How the error's message names it.
    subject: String,
    /// Its kind of file, as the size limit names it.
    kind: &'static str,
}

impl Case {
    fn new(role: &str) -> Case {
        let toml = |extra: &str| format!("{}{extra}", common::BOOK_TOML);
        let chapter = || TempBook::chapter("# A\n");
        let (book, name, head, kind) = match role {
            "book.toml" => (
                TempBook::bare(),
                "book.toml",
                common::BOOK_TOML.as_bytes().to_vec(),
                "book.toml",
            ),
            "listed chapter" => (
                chapter().with("book.toml", toml("chapters = [\"a.md\", \"b.md\"]\n")),
                "b.md",
                b"# B\n".to_vec(),
                "a chapter",
            ),
            "found chapter" => (chapter(), "b.md", b"# B\n".to_vec(), "a chapter"),
            "FAQ" => (
                chapter().with("book.toml", toml("faq = \"faq.md\"\n")),
                "faq.md",
                b"# FAQ\n".to_vec(),
                "a chapter",
            ),
            "image" => (
                TempBook::chapter("# A\n\n![x](x.png)\n"),
                "x.png",
                PNG.to_vec(),
                "an image",
            ),
            "font" => (
                with_font(chapter(), "x.ttf").0,
                "x.ttf",
                font_bytes(),
                "a font",
            ),
            other => panic!("no role {other}"),
        };
        let path = book.file(name);
        let (file, at, subject) = if role == "image" {
            (
                book.file("a.md"),
                Some((3, 1)),
                "the image `x.png`".to_string(),
            )
        } else {
            (path.clone(), None, "the file".to_string())
        };
        Case {
            book,
            path,
            head,
            file,
            at,
            subject,
            kind,
        }
    }
}

/// A FIFO, as messages name it.
const FIFO: &str = "a FIFO (a named pipe)";

/// Puts `special` (a FIFO, a device reading as /dev/zero, a socket or a
/// folder) at `path`; a socket lives as long as the listener returned.
fn make_special(special: &str, path: &Path) -> Option<std::os::unix::net::UnixListener> {
    let tool = |program: &str, args: &[&str]| {
        let made = Command::new(program)
            .arg(path)
            .args(args)
            .status()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        assert!(made.success(), "{program} {} failed", path.display());
    };
    match special {
        FIFO => tool("mkfifo", &[]),
        // The tests run as root, who may make devices.
        "a device" => tool("mknod", &["c", "1", "5"]),
        "a socket" => {
            let listener = std::os::unix::net::UnixListener::bind(path);
            return Some(listener.expect("cannot make a socket"));
        }
        "a folder" => fs::create_dir(path).expect("a folder"),
        other => panic!("no special file {other}"),
    }
    None
}

#[test]
fn fifos_devices_sockets_and_folders_are_refused_without_blocking() {
    for role in ROLES {
        for special in [FIFO, "a device", "a socket", "a folder"] {
            let case = Case::new(role);
            let _socket = make_special(special, &case.path);
            if role == "found chapter" && special == "a folder" {
                // A folder named like a chapter is not one unless listed.
                assert_eq!(case.book.findings(), Vec::<Finding>::new());
                continue;
            }
            let message = format!("{} is {special}, not a regular file", case.subject);
            assert_refused(&case.book, "not-a-file", &case.file, case.at, &message);
        }
    }
    // A link to /dev/zero leads out of the manuscript.
    let book = TempBook::chapter("# A\n");
    symlink("/dev/zero", book.file("zero.md")).expect("link");
    let message = "the chapter `zero.md` is outside the manuscript folder";
    let file = book.file("zero.md");
    assert_refused(&book, "chapter-outside", &file, None, message);
}

#[test]
fn huge_inputs_are_refused_before_they_are_read() {
    for role in ROLES {
        let case = Case::new(role);
        // A sparse file of 2 GB.
        fs::write(&case.path, &case.head).expect("the file's head");
        let file = fs::OpenOptions::new().write(true).open(&case.path);
        file.and_then(|file| file.set_len(2 << 30))
            .expect("a sparse file");
        let limit = match case.kind {
            "book.toml" => 1,
            "a chapter" => 16,
            "an image" => 100,
            _ => 50,
        };
        let message = format!(
            "{} is larger than {limit} MiB, the most bindery reads for {}",
            case.subject, case.kind
        );
        assert_refused(&case.book, "file-too-large", &case.file, case.at, &message);
        let runs = [
            case.book.run(&["check", "--format", "json"]),
            case.book.build(),
        ];
        for outcome in runs {
            let peak = outcome.peak_memory.expect("the peak memory");
            assert!(peak < MEMORY_BOUND, "{role}: {} MB", peak >> 20);
        }
    }
    // A font that is an endless stream: a link to /dev/zero is outside.
    let (book, at) = with_font(TempBook::chapter("# A\n"), "zero.ttf");
    symlink("/dev/zero", book.file("zero.ttf")).expect("link");
    let message = "the font `zero.ttf` is outside the manuscript folder";
    assert_refused(
        &book,
        "font-outside",
        &book.file("book.toml"),
        Some(at),
        message,
    );
    let outcome = book.build();
    assert!(outcome.peak_memory.expect("the peak") < MEMORY_BOUND);
}

#[test]
fn closed_pipes_and_full_disks_on_the_message_streams_never_stop_a_build() {
    let book = TempBook::chapter("# A\n\n![missing](nowhere.png)\n");
    let out = book.out();
    let out = out.to_str().expect("UTF-8");
    for stderr in [Stream::Closed, Stream::Full] {
        fs::remove_dir_all(book.out()).ok();
        let outcome = book.run_with(&["build", "--out", out], Stream::Captured, stderr);
        assert_eq!(outcome.status.code(), Some(0), "stderr {stderr:?}");
        let written = tree(&book.out());
        assert_eq!(written.len(), 3, "stderr {stderr:?}: {:?}", written.keys());
        // The same build with a working stderr gives the same bytes.
        let again = book.build();
        assert!(again.status.success(), "{}", again.stderr);
        assert_eq!(tree(&book.out()), written);
    }
    for stdout in [Stream::Closed, Stream::Full] {
        let outcome = book.run_with(&["build", "--out", out], stdout, Stream::Captured);
        assert_eq!(outcome.status.code(), Some(0), "{}", outcome.stderr);
    }
}

#[test]
fn dump_and_check_end_quietly_on_a_closed_pipe_and_fail_in_one_line_on_a_full_disk() {
    let book = TempBook::chapter("# A\n\nText.\n");
    let full = "error: standard output: cannot write the output: No space left on device\n";
    for args in [&["dump"][..], &["check", "--format", "json"], &["check"]] {
        let closed = book.run_with(args, Stream::Closed, Stream::Captured);
        assert_eq!(closed.status.code(), Some(0), "{args:?}: {}", closed.stderr);
        if args != ["check"] {
            assert_eq!(closed.stderr, "", "{args:?}");
            let outcome = book.run_with(args, Stream::Full, Stream::Captured);
            assert_eq!(outcome.status.code(), Some(1), "{args:?}");
            assert_eq!(outcome.stderr, full, "{args:?}");
        }
        for stderr in [Stream::Closed, Stream::Full] {
            let outcome = book.run_with(args, Stream::Captured, stderr);
            assert_eq!(outcome.status.code(), Some(0), "{args:?} {stderr:?}");
        }
    }
    // `check` keeps its status: 2 for a warning, whatever became of stdout.
    let book = TempBook::chapter("# A\n\n![](nowhere.png)\n");
    let outcome = book.run_with(
        &["check", "--format", "json"],
        Stream::Closed,
        Stream::Closed,
    );
    assert_eq!(outcome.status.code(), Some(2));
    // `pdf --stats` writes the PDF, then fails to print its report.
    let out = book.out();
    let args = ["pdf", "--stats", "--out", out.to_str().expect("UTF-8")];
    let outcome = book.run_with(&args, Stream::Full, Stream::Captured);
    assert_eq!(outcome.status.code(), Some(1), "{}", outcome.stderr);
    assert!(outcome.stderr.ends_with(full), "{}", outcome.stderr);
    assert!(book.out().join("hostile.pdf").is_file());
    // Help and version, printed by the argument parser.
    for args in [["--help"], ["--version"]] {
        let outcome = common::run_with(&args, Stream::Full, Stream::Captured);
        assert_eq!(outcome.status.code(), Some(0), "{args:?}");
    }
}

#[test]
fn terminal_controls_from_the_manuscript_are_printed_escaped() {
    let title = "Evil\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}";
    let toml = "title = \"Evil\\u001b]0;pwned\\u0007\\u001b[2J\\u202e\"\n\
                language = \"en\"\nauthors = []\ndescription = \"A test.\"\n";
    let name = "b\u{1b}[1m\u{9b}31m.md";
    let book = TempBook::chapter("# A\n")
        .with("book.toml", toml)
        .with(name, "No title, \u{1b}[5m.\n");
    let outcome = book.build();
    assert!(outcome.status.success(), "{}", outcome.stderr);
    let printed = &outcome.stderr;
    for c in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(!printed.contains(c), "{c:?} printed raw:\n{printed}");
    }
    assert!(
        printed.contains("bindery: read “Evil\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{202e}”"),
        "{printed}"
    );
    // The file name in the place, the title from the first words in the message.
    let escaped = "b\\u{1b}[1m\\u{9b}31m";
    assert!(
        printed.contains(&format!(
            "{escaped}.md:1:1: the chapter has no level-one heading; “No title, \\u{{1b}}[5m.” is used"
        )),
        "{printed}"
    );
    // JSON keeps its own escaping, which gives the text back exactly.
    let findings = book.findings();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].file.as_deref(), Some(book.file(name).as_path()));
    let model: serde_json::Value = serde_json::from_str(&book.dump()).expect("JSON");
    assert_eq!(model["book"]["metadata"]["title"], title);
}

#[test]
fn a_chapter_whose_name_is_not_utf8_is_refused_by_every_command() {
    let book = TempBook::chapter("# A\n");
    let name = std::ffi::OsStr::from_bytes(b"b\xff.md");
    fs::write(book.dir().join(name), "# B\n").expect("the chapter");
    let shown = book.file("b\u{fffd}.md");
    let message = "the chapter's file name is not valid UTF-8";
    assert_refused(&book, "bad-file-name", &shown, None, message);
    let outcome = book.run(&["dump"]);
    assert_eq!(outcome.status.code(), Some(1));
    assert_eq!(outcome.stdout, "");
    let error = format!("error: {}: {message}", shown.display());
    assert_error(&outcome, &error);
}

#[test]
fn long_names_and_paths_are_built_or_refused_naming_them() {
    // A file name of 255 bytes, the most Linux allows, is a chapter.
    let long = format!("{}.md", "a".repeat(252));
    let book = TempBook::chapter("# A\n").with(&long, "# B\n");
    let outcome = book.build();
    assert!(outcome.status.success(), "{}", outcome.stderr);
    // A title of 60 four-byte letters makes an output name of 257 bytes
    // unless the name is shortened.
    let toml = format!(
        "title = \"{}\"\nlanguage = \"en\"\nauthors = []\ndescription = \"A test.\"\n",
        "\u{20000}".repeat(80)
    );
    let book = TempBook::chapter("# A\n").with("book.toml", toml);
    let outcome = book.build();
    assert!(outcome.status.success(), "{}", outcome.stderr);
    for (name, _) in tree(&book.out()) {
        assert!(name.as_os_str().len() <= 255, "{}", name.display());
    }
    // Paths longer than PATH_MAX (4096 bytes).
    let deep = book
        .root()
        .join("a".repeat(250))
        .join(format!("{}d", "c/".repeat(2000)));
    let deep = deep.to_str().expect("UTF-8");
    let outcome = book.run(&["build", "--out", deep]);
    assert_eq!(outcome.status.code(), Some(1));
    let error = format!("error: {deep}: cannot create the output folder: File name too long");
    assert_error(&outcome, &error);
    let outcome = common::run(&["check", "--manuscript", deep]);
    assert_eq!(outcome.status.code(), Some(1));
    let error = format!("error: {deep}: cannot read the manuscript folder: File name too long");
    assert_error(&outcome, &error);
    // A manuscript that is a file.
    let file = book.file("book.toml");
    let outcome = common::run(&["check", "--manuscript", file.to_str().expect("UTF-8")]);
    let error = format!("error: {}: the manuscript is not a folder", file.display());
    assert_error(&outcome, &error);
}
