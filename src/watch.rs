//! `bindery watch`: builds the book, then builds it again each time a file
//! of the manuscript changes, until Ctrl-C.
//!
//! File events come from the operating system (inotify on Linux, through the
//! `notify` crate). A burst of events, as an editor's save or a `git
//! checkout` makes, is gathered into one rebuild: the rebuild starts once the
//! manuscript has been quiet for [`QUIET`]. A build that fails prints its
//! error and leaves the last good outputs in place (every output is written
//! to a temporary file and renamed in), and the watch goes on.

use crate::streams::note;
use bindery::Error;
use bindery::error::Place;
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long the manuscript must be quiet before a rebuild starts.
const QUIET: Duration = Duration::from_millis(200);

/// How often the watch looks whether Ctrl-C was pressed while it waits.
const TICK: Duration = Duration::from_millis(100);

/// Set by SIGINT or SIGTERM: the watch ends after the build under way.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn stop(_signal: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Watches `manuscript` and calls `build` once at the start and again after
/// each change; `build` reports its own errors and warnings, and returns
/// what it did ("rebuilt every output, laying out 1 of 23 chapters"), or
/// `None` when it failed. Changes inside
/// `out` (when it lies in the manuscript), hidden files and editors' backup
/// files (`~`) do not count. Returns when Ctrl-C is pressed.
pub fn watch(
    manuscript: &Path,
    out: &Path,
    quiet: bool,
    build: impl Fn() -> Option<String>,
) -> Result<(), Error> {
    let root = manuscript.canonicalize().map_err(|e| {
        Error::io("watch the manuscript folder", manuscript, &e)
            .with_hint("give the folder holding book.toml with --manuscript")
    })?;
    let (events, changes) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(events)
        .and_then(|mut watcher| {
            watcher
                .watch(&root, RecursiveMode::Recursive)
                .map(|()| watcher)
        })
        .map_err(|e| watch_error(manuscript, &e))?;
    // SAFETY: `stop` only stores to an atomic, which is safe in a signal
    // handler; the handlers stay for the life of the process.
    let handler = stop as extern "C" fn(libc::c_int) as *const () as libc::sighandler_t;
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
    // The output folder may not exist before the first build.
    build();
    let out = out.canonicalize().ok();
    let ignored = |path: &Path| ignored(&root, out.as_deref(), path);
    if !quiet {
        note(format_args!(
            "bindery: watching {} for changes (Ctrl-C to stop)",
            manuscript.display()
        ));
    }
    while let Some(changed) = next_changes(&changes, &ignored) {
        let started = Instant::now();
        let built = build();
        if !quiet {
            let what = describe(&root, &changed);
            let seconds = started.elapsed().as_secs_f64();
            note(match built {
                Some(done) => format!("bindery: {what} changed: {done} in {seconds:.2} s"),
                None => format!(
                    "bindery: {what} changed: the build failed; the outputs are as they were"
                ),
            });
        }
    }
    watcher.unwatch(&root).ok();
    if !quiet {
        note("bindery: stopped watching");
    }
    Ok(())
}

/// Waits for the next changes that count and for the quiet after them.
/// `None` when Ctrl-C was pressed or the events stopped coming.
fn next_changes(
    changes: &Receiver<notify::Result<notify::Event>>,
    ignored: &impl Fn(&Path) -> bool,
) -> Option<BTreeSet<PathBuf>> {
    let mut changed = BTreeSet::new();
    let mut last = Instant::now();
    loop {
        if STOP.load(Ordering::SeqCst) {
            return None;
        }
        let wait = if changed.is_empty() {
            TICK
        } else {
            QUIET.saturating_sub(last.elapsed()).min(TICK)
        };
        match changes.recv_timeout(wait) {
            Ok(Ok(event)) if !matches!(event.kind, EventKind::Access(_)) => {
                let before = changed.len();
                changed.extend(event.paths.into_iter().filter(|path| !ignored(path)));
                if changed.len() > before {
                    last = Instant::now();
                }
            }
            // Access events change nothing; a watcher's error (an event
            // queue that overflowed) may hide a change, so build again.
            Ok(Ok(_)) => {}
            Ok(Err(_)) => {
                last = Instant::now();
                changed.insert(PathBuf::new());
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return None,
        }
        if !changed.is_empty() && last.elapsed() >= QUIET {
            return Some(changed);
        }
    }
}

/// Whether a change to `path` is none of the book's business: inside the
/// output folder, or a hidden file or an editor's backup anywhere under the
/// manuscript.
fn ignored(root: &Path, out: Option<&Path>, path: &Path) -> bool {
    if out.is_some_and(|out| path.starts_with(out)) {
        return true;
    }
    let inside = path.strip_prefix(root).unwrap_or(path);
    inside.components().any(|part| {
        let name = part.as_os_str().to_string_lossy();
        name.starts_with('.') || name.ends_with('~')
    })
}

/// The changed files for the report, relative to the manuscript: one name,
/// or the first and how many others.
fn describe(root: &Path, changed: &BTreeSet<PathBuf>) -> String {
    let names: Vec<String> = changed
        .iter()
        .filter(|path| !path.as_os_str().is_empty())
        .map(|path| {
            path.strip_prefix(root)
                .unwrap_or(path)
                .display()
                .to_string()
        })
        .collect();
    match names.as_slice() {
        [] => "the manuscript".to_string(),
        [one] => one.clone(),
        [first, other] => format!("{first} and {other}"),
        [first, others @ ..] => format!("{first} and {} other files", others.len()),
    }
}

fn watch_error(manuscript: &Path, err: &notify::Error) -> Error {
    Error::new(
        "watch-failed",
        Some(Place::file(manuscript)),
        format!("cannot watch the manuscript folder for changes: {err}"),
    )
    .with_hint(
        "on Linux, raise fs.inotify.max_user_watches or max_user_instances if they are used up",
    )
}
