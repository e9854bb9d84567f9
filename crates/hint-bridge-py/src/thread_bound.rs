//! [`ThreadBound`]: a value that only the thread which made it may use.

use std::mem::ManuallyDrop;
use std::thread::ThreadId;

use pyo3::exceptions::PyRuntimeError;
use pyo3::PyResult;

/// Holds a value that is not `Send` (a VM, `Rc`s) inside a Python object, which Python may
/// hand to any thread: using it from another thread raises `RuntimeError`, and dropping it
/// there leaks it rather than touch it.
pub(crate) struct ThreadBound<T> {
    owner: ThreadId,
    value: ManuallyDrop<T>,
}

// SAFETY: the value is reached only through `get`/`get_mut`, which check that the caller is
// the owning thread, and `Drop` drops it only on that thread; other threads can move the
// wrapper around but never touch what is inside.
unsafe impl<T> Send for ThreadBound<T> {}
// SAFETY: as for `Send`: shared access from other threads is refused by `get`.
unsafe impl<T> Sync for ThreadBound<T> {}

fn wrong_thread() -> pyo3::PyErr {
    PyRuntimeError::new_err(
        "this cairn object belongs to the thread that created it; use it from that thread",
    )
}

impl<T> ThreadBound<T> {
    pub(crate) fn new(value: T) -> Self {
        Self {
            owner: std::thread::current().id(),
            value: ManuallyDrop::new(value),
        }
    }

    pub(crate) fn get(&self) -> PyResult<&T> {
        if std::thread::current().id() == self.owner {
            Ok(&self.value)
        } else {
            Err(wrong_thread())
        }
    }

    pub(crate) fn get_mut(&mut self) -> PyResult<&mut T> {
        if std::thread::current().id() == self.owner {
            Ok(&mut self.value)
        } else {
            Err(wrong_thread())
        }
    }
}

impl<T> Drop for ThreadBound<T> {
    fn drop(&mut self) {
        if std::thread::current().id() == self.owner {
            // SAFETY: dropped once, here, on the owning thread; never used again.
            unsafe { ManuallyDrop::drop(&mut self.value) }
        }
    }
}
