//! What a build shows while it runs: a spinner on stderr naming the stages
//! under way, once the build has taken a second, and the stages' wall and
//! CPU times for `bindery build --timings`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How long a build runs before its progress shows: a quick build should
/// not flicker a spinner.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// Progress and timings of one build; shared by the threads that build the
/// cover and the EPUB beside the PDF writer.
pub struct Progress {
    /// The spinner, when stderr is a terminal and `--quiet` is not given.
    bar: Option<ProgressBar>,
    /// Set when the build is over, so that a spinner due to show stays hidden.
    over: Arc<Mutex<bool>>,
    /// Every stage begun, in the order they began.
    stages: Mutex<Vec<Stage>>,
    /// When the build began.
    start: Instant,
}

/// One stage and how long it took, once it is over.
struct Stage {
    name: &'static str,
    start: Instant,
    /// The CPU time of the thread running the stage, when it began.
    cpu_start: Option<Duration>,
    time: Option<Duration>,
    /// The CPU time that thread spent on the stage.
    cpu: Option<Duration>,
}

impl Progress {
    /// Progress for a build; `show` is false for `--quiet`. Nothing is drawn
    /// when stderr is not a terminal, nor before the build has run a second.
    pub fn new(show: bool) -> Progress {
        let over = Arc::new(Mutex::new(false));
        let bar = (show && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("{spinner} bindery: {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            let (later, over) = (bar.clone(), Arc::clone(&over));
            // A detached thread: if the build ends first, the process exits
            // without waiting for it.
            std::thread::spawn(move || {
                std::thread::sleep(SHOW_AFTER);
                if !*lock(&over) {
                    later.set_draw_target(ProgressDrawTarget::stderr());
                    later.enable_steady_tick(Duration::from_millis(120));
                }
            });
            bar
        });
        Progress {
            bar,
            over,
            stages: Mutex::new(Vec::new()),
            start: Instant::now(),
        }
    }

    /// Runs `work` as the stage `name`: shown while it runs, then timed.
    pub fn stage<T>(&self, name: &'static str, work: impl FnOnce() -> T) -> T {
        self.begin(name);
        let result = work();
        self.end(name);
        result
    }

    /// Marks the stage `name` as begun; it must end on the same thread.
    pub fn begin(&self, name: &'static str) {
        let mut stages = lock(&self.stages);
        stages.push(Stage {
            name,
            start: Instant::now(),
            cpu_start: thread_cpu(),
            time: None,
            cpu: None,
        });
        self.show(&stages);
    }

    /// Marks the stage `name` as over; a stage not begun is ignored.
    pub fn end(&self, name: &'static str) {
        let mut stages = lock(&self.stages);
        if let Some(stage) = stages
            .iter_mut()
            .find(|s| s.name == name && s.time.is_none())
        {
            stage.time = Some(stage.start.elapsed());
            stage.cpu = thread_cpu()
                .zip(stage.cpu_start)
                .map(|(now, start)| now.saturating_sub(start));
        }
        self.show(&stages);
    }

    /// Runs `print` with the spinner cleared, so that its lines stay whole.
    pub fn suspend<T>(&self, print: impl FnOnce() -> T) -> T {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    /// Clears the spinner for good.
    pub fn finish(&self) {
        *lock(&self.over) = true;
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// The stages' wall times and their threads' CPU times, one line each
    /// in the order they began, and the total wall time so far.
    pub fn timings(&self) -> String {
        let stages = lock(&self.stages);
        let mut out = String::from(
            "bindery: timings (wall, and CPU of the stage's thread; \
             the cover and the EPUB are made beside the PDF writer)\n",
        );
        let ms = |time: Duration| time.as_secs_f64() * 1000.0;
        for stage in stages.iter() {
            if let Some(time) = stage.time {
                out.push_str(&format!("  {:<12} {:>9.1} ms", stage.name, ms(time)));
                if let Some(cpu) = stage.cpu {
                    out.push_str(&format!("  cpu {:>9.1} ms", ms(cpu)));
                }
                out.push('\n');
            }
        }
        out.push_str(&format!(
            "  {:<12} {:>9.1} ms\n",
            "total",
            ms(self.start.elapsed())
        ));
        out
    }

    /// Names the stages under way on the spinner.
    fn show(&self, stages: &[Stage]) {
        if let Some(bar) = self.bar.as_ref().filter(|b| !b.is_finished()) {
            let running: Vec<&str> = stages
                .iter()
                .filter(|s| s.time.is_none())
                .map(|s| s.name)
                .collect();
            // Between one stage's end and the next one's beginning nothing
            // runs; the spinner keeps the last name rather than blink.
            if !running.is_empty() {
                bar.set_message(running.join(", "));
            }
        }
    }
}

impl Drop for Progress {
    /// A build that fails clears its spinner too, before the error is told.
    fn drop(&mut self) {
        self.finish();
    }
}

/// The CPU time the calling thread has used, where the system tells it.
/// A stage's CPU time does not grow with other builds on the machine, as
/// its wall time does; threads a stage starts count for themselves.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn thread_cpu() -> Option<Duration> {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a pointer to a
    // live, properly aligned one, and reads nothing else.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    let secs = u64::try_from(now.tv_sec).ok()?;
    let nanos = u32::try_from(now.tv_nsec).ok()?;
    (status == 0).then(|| Duration::new(secs, nanos))
}

/// Elsewhere no CPU time is reported.
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn thread_cpu() -> Option<Duration> {
    None
}

/// Locks a mutex; a thread that panicked while holding it leaves data that
/// is still good for progress and timings.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
