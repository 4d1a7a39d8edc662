//! The build's threads: `--jobs N` lets at most N threads work at once,
//! whatever stage they work for.
//!
//! The thread that runs a stage always works; a stage that can share its
//! work out (layout's chapters, the PDF writer's pages, the EPUB's chapter
//! files) also asks for helpers. A helper is a thread that waits until
//! fewer than N threads work and then joins in, as long as its stage still
//! has work for it. So a stage run beside another (the EPUB beside the PDF
//! writer) takes the cores the other leaves free, as they come free, and
//! with `-j1` everything runs on the one thread, in order. Every piece of
//! work is done alone and the results are put back in their order, so what
//! a build makes never depends on N nor on which thread did what.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// How many threads may work at once; 0 until [`set_jobs`] is called.
static JOBS: AtomicUsize = AtomicUsize::new(0);

/// How many helpers are at work, beside the threads that run stages.
static BUSY: Mutex<usize> = Mutex::new(0);

/// Told when a helper stops working or a stage finishes its share.
static CHANGED: Condvar = Condvar::new();

/// Lets at most `jobs` threads work at once from now on (`--jobs`).
pub fn set_jobs(jobs: NonZeroUsize) {
    JOBS.store(jobs.get(), Ordering::Relaxed);
    let _busy = lock();
    CHANGED.notify_all();
}

/// How many threads may work at once: as [`set_jobs`] said, else as many
/// as the machine runs at once.
pub fn jobs() -> usize {
    match JOBS.load(Ordering::Relaxed) {
        0 => std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
        jobs => jobs,
    }
}

/// Runs `here` on this thread and `there` on up to `helpers` more, each of
/// which starts once a thread is free and only while `wanted` holds and
/// `here` has not returned. Returns what `here` gave and what each helper
/// that ran gave, in the order they were asked for.
pub fn spread<H, R: Send>(
    helpers: usize,
    wanted: &(dyn Fn() -> bool + Sync),
    here: impl FnOnce() -> H,
    there: &(dyn Fn() -> R + Sync),
) -> (H, Vec<R>) {
    let helpers = helpers.min(jobs().saturating_sub(1));
    if helpers == 0 {
        return (here(), Vec::new());
    }
    let over = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..helpers)
            .map(|_| scope.spawn(|| help(&over, wanted, there)))
            .collect();
        let mine = here();
        {
            let _busy = lock();
            over.store(true, Ordering::Relaxed);
            CHANGED.notify_all();
        }
        let theirs = handles
            .into_iter()
            .filter_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect();
        (mine, theirs)
    })
}

/// A helper of [`spread`]: waits for a free thread, then runs `there`,
/// unless the work is over or no longer wanted by then.
fn help<R>(
    over: &AtomicBool,
    wanted: &(dyn Fn() -> bool + Sync),
    there: &(dyn Fn() -> R + Sync),
) -> Option<R> {
    {
        let mut busy = lock();
        loop {
            if over.load(Ordering::Relaxed) || !wanted() {
                return None;
            }
            // The thread that runs stages counts for one.
            if *busy + 1 < jobs() {
                *busy += 1;
                break;
            }
            busy = CHANGED.wait(busy).unwrap_or_else(PoisonError::into_inner);
        }
    }
    // Released however `there` ends, a panic included.
    struct Done;
    impl Drop for Done {
        fn drop(&mut self) {
            let mut busy = lock();
            *busy -= 1;
            CHANGED.notify_all();
        }
    }
    let _done = Done;
    Some(there())
}

/// `f` of each of `items`, in their order, shared out between this thread
/// and helpers (see [`spread`]); each item is taken by one thread.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else {
                return done;
            };
            done.push((index, f(item)));
        }
    };
    let wanted = || next.load(Ordering::Relaxed) < items.len();
    let helpers = items.len().saturating_sub(1);
    let (mine, theirs) = spread(helpers, &wanted, work, &work);
    let mut all: Vec<(usize, R)> = mine
        .into_iter()
        .chain(theirs.into_iter().flatten())
        .collect();
    all.sort_unstable_by_key(|(index, _)| *index);
    all.into_iter().map(|(_, result)| result).collect()
}

/// Runs `first` on this thread and `second` beside it on a helper, once a
/// thread is free; when none has come free by the time `first` is done,
/// `second` runs here after it.
pub fn join<A, B: Send>(first: impl FnOnce() -> A, second: impl Fn() -> B + Sync) -> (A, B) {
    let taken = AtomicBool::new(false);
    let wanted = || !taken.load(Ordering::Relaxed);
    let there = || (!taken.swap(true, Ordering::Relaxed)).then(&second);
    let (a, theirs) = spread(1, &wanted, first, &there);
    // Every helper has ended by now: `second` ran on one, or runs here.
    match theirs.into_iter().flatten().next() {
        Some(b) => (a, b),
        None => (a, second()),
    }
}

/// Whether the process ends once its command is done (set by
/// [`leave_to_exit`]).
static ENDING: AtomicBool = AtomicBool::new(false);

/// Tells [`drop_aside`] that the process ends once its command is done,
/// so that what it is given need not be freed: the system takes all the
/// memory back at once when the process ends. Not for `bindery watch`,
/// which builds again and again.
pub fn leave_to_exit() {
    ENDING.store(true, Ordering::Relaxed);
}

/// Drops `value` on a thread of its own when the build may use more than
/// one: freeing a long book's pages or PDF objects, millions of small
/// allocations, takes tens of milliseconds that nothing waits for. After
/// [`leave_to_exit`], it is not freed at all, and the threads that would
/// free it are left to the build.
pub fn drop_aside<T: Send + 'static>(value: T) {
    if ENDING.load(Ordering::Relaxed) {
        std::mem::forget(value);
    } else if jobs() > 1 {
        std::thread::spawn(move || drop(value));
    } else {
        drop(value);
    }
}

/// Locks the count of busy helpers; a panic while holding it leaves a
/// count that is still right.
fn lock() -> MutexGuard<'static, usize> {
    BUSY.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_keeps_the_order_of_the_items() {
        let items: Vec<usize> = (0..1000).collect();
        let squares = map(&items, |n| n * n);
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        assert!(map(&[] as &[u8], |_| 0).is_empty());
    }

    #[test]
    fn join_gives_both_halves() {
        let (a, b) = join(|| map(&[1, 2, 3], |n| n + 1), || map(&[4, 5], |n| n * 2));
        assert_eq!((a, b), (vec![2, 3, 4], vec![8, 10]));
    }
}
