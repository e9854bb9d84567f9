//! A registry that remembers the shapes and layouts of its types.
//!
//! Writing or reading a value in native memory asks for the shape and layout of every type in
//! it, and each answer walks the registry (a layout recursively so). A program's registry never
//! changes, so [`CachedRegistry::with`] makes the answers about its types come from a memo
//! while a closure runs on this thread: a contract call converts its calldata, results and every
//! syscall's operands without walking the registry again.

use std::alloc::Layout;
use std::cell::Cell;
use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Mutex, MutexGuard, PoisonError};

use cairo_lang_sierra::ids::ConcreteTypeId;

use crate::error::ValueError;
use crate::shape::TypeShape;
use crate::Registry;

/// Type ids are small integers: hashing them through SipHash would cost more than the memo
/// saves.
#[derive(Default)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*byte)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u64(&mut self, id: u64) {
        self.0 = id.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type IdMap<T> = HashMap<u64, T, std::hash::BuildHasherDefault<IdHasher>>;

/// A program's registry with a memo of its types' shapes and layouts.
pub struct CachedRegistry {
    registry: Registry,
    shapes: Mutex<IdMap<TypeShape>>,
    layouts: Mutex<IdMap<Layout>>,
}

thread_local! {
    /// The registry whose memo answers on this thread, while [`CachedRegistry::with`] runs.
    static ACTIVE: Cell<*const CachedRegistry> = const { Cell::new(std::ptr::null()) };
}

/// A memo's lock; a thread that panicked while holding it left no half-written entry (an
/// insert is one step), so a poisoned lock is still good.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl CachedRegistry {
    /// Wraps `registry`; nothing is memoised yet.
    pub fn new(registry: Registry) -> Self {
        Self {
            registry,
            shapes: Mutex::default(),
            layouts: Mutex::default(),
        }
    }

    /// The registry.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Runs `run` with questions about this registry's types answered from the memo on this
    /// thread (a nested `with` of another registry takes over until it returns).
    pub fn with<R>(&self, run: impl FnOnce() -> R) -> R {
        /// Puts the previous registry back, even when `run` panics.
        struct Restore(*const CachedRegistry);
        impl Drop for Restore {
            fn drop(&mut self) {
                ACTIVE.with(|active| active.set(self.0));
            }
        }
        let _restore = Restore(ACTIVE.with(|active| active.replace(self)));
        run()
    }

    /// Calls `answer` with the memo of `registry` if one is active for it on this thread.
    fn active_for<R>(registry: &Registry, answer: impl FnOnce(&CachedRegistry) -> R) -> Option<R> {
        let active = ACTIVE.with(Cell::get);
        if active.is_null() {
            return None;
        }
        // SAFETY: a non-null `ACTIVE` was set by `with` on this thread from a `&self` that
        // stays borrowed until `with` returns and puts the previous value back; we are inside
        // that call, so the pointer is live.
        let active = unsafe { &*active };
        std::ptr::eq(&active.registry, registry).then(|| answer(active))
    }
}

impl Deref for CachedRegistry {
    type Target = Registry;

    fn deref(&self) -> &Registry {
        &self.registry
    }
}

/// The shape of `ty`, from the active memo of `registry` when there is one.
pub(crate) fn shape(
    registry: &Registry,
    ty: &ConcreteTypeId,
    compute: impl FnOnce() -> Result<TypeShape, ValueError>,
) -> Result<TypeShape, ValueError> {
    memoised(registry, ty, |cache| &cache.shapes, compute)
}

/// The layout of `ty`, from the active memo of `registry` when there is one.
pub(crate) fn layout(
    registry: &Registry,
    ty: &ConcreteTypeId,
    compute: impl FnOnce() -> Result<Layout, ValueError>,
) -> Result<Layout, ValueError> {
    memoised(registry, ty, |cache| &cache.layouts, compute)
}

fn memoised<T: Clone>(
    registry: &Registry,
    ty: &ConcreteTypeId,
    memo: fn(&CachedRegistry) -> &Mutex<IdMap<T>>,
    compute: impl FnOnce() -> Result<T, ValueError>,
) -> Result<T, ValueError> {
    let known =
        CachedRegistry::active_for(registry, |cache| lock(memo(cache)).get(&ty.id).cloned());
    match known {
        Some(Some(answer)) => Ok(answer),
        // Computed without holding the lock: a layout asks for its members' layouts.
        Some(None) => {
            let answer = compute()?;
            CachedRegistry::active_for(registry, |cache| {
                lock(memo(cache)).insert(ty.id, answer.clone())
            });
            Ok(answer)
        }
        None => compute(),
    }
}
