//! Panics of the Cairo compiler's libraries turned into errors. The Sierra-to-CASM compiler
//! asserts its own invariants with panics, and some Sierra a user can hand in (an identity
//! `downcast<u128, u128>` from Cairo 2.20 source, for one) trips them. Such a call runs under
//! [`contain`]; a process-wide panic hook (the CLI's) asks [`is_containing`] so that it stays
//! quiet about a panic that becomes an ordinary error. Here, in the crate both backends build
//! on, so that the VM's runs and the native backend's compilation contain panics alike.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    static CONTAINING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current thread is inside [`contain`] (for panic hooks).
pub fn is_containing() -> bool {
    CONTAINING.with(Cell::get)
}

/// Runs `work`, returning its panic's message as an error instead of unwinding further.
pub fn contain<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    let outer = CONTAINING.with(|flag| flag.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(work));
    CONTAINING.with(|flag| flag.set(outer));
    outcome.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| {
                payload
                    .downcast_ref::<&str>()
                    .map(|text| (*text).to_owned())
            })
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}
