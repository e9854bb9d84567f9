//! [`ThreadBound`]: a value that only the thread which made it may use.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::ThreadId;

use pyo3::exceptions::PyRuntimeError;
use pyo3::PyResult;

/// Holds a value that is not `Send` (a VM, `Rc`s) inside a Python object, which Python may
/// hand to any thread: using it from another thread raises `RuntimeError`. Dropped on another
/// thread, it is handed back to its owner, which drops it the next time it uses a cairn object
/// or when it exits (a value whose owner has exited is dropped at once, one at a time).
pub(crate) struct ThreadBound<T: 'static> {
    owner: ThreadId,
    value: ManuallyDrop<T>,
}

// SAFETY: the value is reached only through `get`/`get_mut`, which check that the caller is
// the owning thread, and `Drop` drops it on that thread, or hands it to the graveyard, which
// drops it on that thread or, once that thread has exited, on one thread at a time; other
// threads can move the wrapper around but never touch what is inside.
unsafe impl<T> Send for ThreadBound<T> {}
// SAFETY: as for `Send`: shared access from other threads is refused by `get`.
unsafe impl<T> Sync for ThreadBound<T> {}

fn wrong_thread() -> pyo3::PyErr {
    PyRuntimeError::new_err(
        "this cairn object belongs to the thread that created it; use it from that thread",
    )
}

impl<T: 'static> ThreadBound<T> {
    pub(crate) fn new(value: T) -> Self {
        OWNER_EXIT.with(|_| ());
        reclaim_own_orphans();
        Self {
            owner: std::thread::current().id(),
            value: ManuallyDrop::new(value),
        }
    }

    pub(crate) fn get(&self) -> PyResult<&T> {
        if std::thread::current().id() == self.owner {
            reclaim_own_orphans();
            Ok(&self.value)
        } else {
            Err(wrong_thread())
        }
    }

    pub(crate) fn get_mut(&mut self) -> PyResult<&mut T> {
        if std::thread::current().id() == self.owner {
            reclaim_own_orphans();
            Ok(&mut self.value)
        } else {
            Err(wrong_thread())
        }
    }
}

impl<T: 'static> Drop for ThreadBound<T> {
    fn drop(&mut self) {
        // SAFETY: taken once, here; the wrapper is never used again.
        let value = unsafe { ManuallyDrop::take(&mut self.value) };
        if std::thread::current().id() == self.owner {
            drop(value);
        } else {
            bury(self.owner, Orphan(Box::new(value)));
        }
    }
}

/// A value dropped on a thread other than its owner's.
struct Orphan(#[allow(dead_code)] Box<dyn Any>);

// SAFETY: an orphan is only moved between threads inside the graveyard, and dropped either
// on its owner's thread or, once the owner has exited, by the single thread draining the
// dead owners' orphans (see `drain_dead`): never two threads at once on one value's parts.
unsafe impl Send for Orphan {}

/// Orphans waiting for their owner, and the threads that have exited.
#[derive(Default)]
struct Graveyard {
    by_owner: HashMap<ThreadId, Vec<Orphan>>,
    exited: HashSet<ThreadId>,
    /// Orphans of exited owners, to be dropped by one thread at a time.
    dead: Vec<Orphan>,
}

static GRAVEYARD: Mutex<Option<Graveyard>> = Mutex::new(None);
/// Whether any owner has orphans waiting: `get` looks at the graveyard only then.
static ORPHANS_WAITING: AtomicBool = AtomicBool::new(false);
/// Whether a thread is dropping dead owners' orphans.
static DRAINING: AtomicBool = AtomicBool::new(false);

fn graveyard() -> MutexGuard<'static, Option<Graveyard>> {
    GRAVEYARD.lock().unwrap_or_else(PoisonError::into_inner)
}

fn bury(owner: ThreadId, orphan: Orphan) {
    let owner_exited = {
        let mut guard = graveyard();
        let yard = guard.get_or_insert_with(Graveyard::default);
        if yard.exited.contains(&owner) {
            yard.dead.push(orphan);
            true
        } else {
            yard.by_owner.entry(owner).or_default().push(orphan);
            ORPHANS_WAITING.store(true, Ordering::Release);
            false
        }
    };
    if owner_exited {
        drain_dead();
    }
}

/// Drops the orphans of this thread, outside the lock (dropping one may drop others).
fn reclaim_own_orphans() {
    if !ORPHANS_WAITING.load(Ordering::Acquire) {
        return;
    }
    let mine = {
        let mut guard = graveyard();
        let Some(yard) = guard.as_mut() else { return };
        let mine = yard.by_owner.remove(&std::thread::current().id());
        if yard.by_owner.is_empty() {
            ORPHANS_WAITING.store(false, Ordering::Release);
        }
        mine
    };
    drop(mine);
}

/// Drops the orphans of exited owners, on one thread at a time.
fn drain_dead() {
    loop {
        if DRAINING.swap(true, Ordering::AcqRel) {
            return;
        }
        loop {
            let batch = graveyard()
                .as_mut()
                .map(|yard| std::mem::take(&mut yard.dead))
                .unwrap_or_default();
            if batch.is_empty() {
                break;
            }
            drop(batch);
        }
        DRAINING.store(false, Ordering::Release);
        // An orphan buried while this thread was finishing is drained by the next pass.
        let more = graveyard()
            .as_ref()
            .is_some_and(|yard| !yard.dead.is_empty());
        if !more {
            return;
        }
    }
}

/// Marks its thread (whose id it holds: `thread::current` is not for thread-exit code) as
/// exited when the thread ends, and drops the orphans waiting for it.
struct OwnerExit(ThreadId);

impl Drop for OwnerExit {
    fn drop(&mut self) {
        let mine = {
            let mut guard = graveyard();
            let yard = guard.get_or_insert_with(Graveyard::default);
            yard.exited.insert(self.0);
            yard.by_owner.remove(&self.0)
        };
        drop(mine);
    }
}

thread_local! {
    static OWNER_EXIT: OwnerExit = OwnerExit(std::thread::current().id());
}
