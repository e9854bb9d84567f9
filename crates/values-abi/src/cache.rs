//! A registry that remembers the shapes and layouts of its types.
//!
//! Writing or reading a value in native memory asks for the shape and layout of every type in
//! it, and each answer walks the registry (a layout recursively so). A program's registry never
//! changes, so [`CachedRegistry::with`] makes the answers about its types come from a memo
//! while a closure runs on this thread: a contract call converts its calldata, results and every
//! syscall's operands without walking the registry again.
//!
//! [`CachedRegistry::preload`] answers every declared type up front into a table that is only
//! read afterwards (no lock, shapes shared rather than cloned: see [`TypeShape::shared`]); types
//! it could not answer fall back to a memo filled on demand.

use std::alloc::Layout;
use std::cell::Cell;
use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

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
    /// Answers computed by [`CachedRegistry::preload`], read without a lock.
    preloaded_shapes: IdMap<Arc<TypeShape>>,
    preloaded_layouts: IdMap<Layout>,
    preloaded_offsets: IdMap<Arc<[usize]>>,
    /// Answers computed on demand.
    shapes: Mutex<IdMap<Arc<TypeShape>>>,
    layouts: Mutex<IdMap<Layout>>,
    offsets: Mutex<IdMap<Arc<[usize]>>>,
}

thread_local! {
    /// The registry whose memo answers on this thread, while [`CachedRegistry::with`] runs.
    static ACTIVE: Cell<*const CachedRegistry> = const { Cell::new(std::ptr::null()) };
}

/// Empties an on-demand memo (held exclusively), giving back its answers.
fn take<T>(memo: &mut Mutex<IdMap<T>>) -> IdMap<T> {
    std::mem::take(memo.get_mut().unwrap_or_else(PoisonError::into_inner))
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
            preloaded_shapes: IdMap::default(),
            preloaded_layouts: IdMap::default(),
            preloaded_offsets: IdMap::default(),
            shapes: Mutex::default(),
            layouts: Mutex::default(),
            offsets: Mutex::default(),
        }
    }

    /// Answers the shape and layout of each of `types` now (a program's declared types), and
    /// of the types they are made of, so that questions about them take no lock. A type
    /// without a shape or layout is left to be asked (and to fail) on demand.
    pub fn preload<'a>(&mut self, types: impl IntoIterator<Item = &'a ConcreteTypeId>) {
        // Asking fills the on-demand memos; their answers then become the preloaded ones.
        self.with(|| {
            for ty in types {
                if let Ok(shape) = TypeShape::shared(&self.registry, ty) {
                    if let TypeShape::Struct { members, .. } = &*shape {
                        let _ = crate::layout::member_offsets(&self.registry, ty, members);
                    }
                }
                let _ = crate::layout::layout_of(&self.registry, ty);
            }
        });
        self.preloaded_shapes.extend(take(&mut self.shapes));
        self.preloaded_layouts.extend(take(&mut self.layouts));
        self.preloaded_offsets.extend(take(&mut self.offsets));
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

    /// The memo active on this thread, if it is `registry`'s.
    fn active_for(registry: &Registry) -> Option<&CachedRegistry> {
        let active = ACTIVE.with(Cell::get);
        if active.is_null() {
            return None;
        }
        // SAFETY: a non-null `ACTIVE` was set by `with` on this thread from a `&self` that
        // stays borrowed until `with` returns and puts the previous value back; we are inside
        // that call, so the pointer is live.
        let active = unsafe { &*active };
        // `registry` is then the active memo's own registry, so the memo outlives the borrow
        // of `registry` that the answer is tied to.
        std::ptr::eq(&active.registry, registry).then_some(active)
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
) -> Result<Arc<TypeShape>, ValueError> {
    memoised(
        registry,
        ty,
        |cache| (&cache.preloaded_shapes, &cache.shapes),
        || compute().map(Arc::new),
    )
}

/// The layout of `ty`, from the active memo of `registry` when there is one.
pub(crate) fn layout(
    registry: &Registry,
    ty: &ConcreteTypeId,
    compute: impl FnOnce() -> Result<Layout, ValueError>,
) -> Result<Layout, ValueError> {
    memoised(
        registry,
        ty,
        |cache| (&cache.preloaded_layouts, &cache.layouts),
        compute,
    )
}

/// The member offsets of struct type `ty`, from the active memo of `registry` when there is one.
pub(crate) fn offsets(
    registry: &Registry,
    ty: &ConcreteTypeId,
    compute: impl FnOnce() -> Result<Arc<[usize]>, ValueError>,
) -> Result<Arc<[usize]>, ValueError> {
    memoised(
        registry,
        ty,
        |cache| (&cache.preloaded_offsets, &cache.offsets),
        compute,
    )
}

/// Runs `visit` with the shape of `ty` and, for a struct, its member offsets: borrowed from
/// the active memo's preloaded table when `ty` is there (no reference count touched: this is
/// asked for every value converted), else computed.
pub(crate) fn with_shape<R>(
    registry: &Registry,
    ty: &ConcreteTypeId,
    visit: impl FnOnce(&TypeShape, Option<&[usize]>) -> R,
) -> Result<R, ValueError> {
    if let Some(cache) = CachedRegistry::active_for(registry) {
        if let Some(shape) = cache.preloaded_shapes.get(&ty.id) {
            let offsets = cache
                .preloaded_offsets
                .get(&ty.id)
                .map(|offsets| &**offsets);
            // A struct whose offsets could not be preloaded takes the path below, which says
            // why.
            if offsets.is_some() || !matches!(**shape, TypeShape::Struct { .. }) {
                return Ok(visit(shape, offsets));
            }
        }
    }
    let shape = TypeShape::shared(registry, ty)?;
    let offsets = match &*shape {
        TypeShape::Struct { members, .. } => {
            Some(crate::layout::member_offsets(registry, ty, members)?)
        }
        _ => None,
    };
    Ok(visit(&shape, offsets.as_deref()))
}

/// The preloaded answers and the on-demand memo of one kind.
type Memos<'a, T> = (&'a IdMap<T>, &'a Mutex<IdMap<T>>);

fn memoised<T: Clone>(
    registry: &Registry,
    ty: &ConcreteTypeId,
    memos: for<'a> fn(&'a CachedRegistry) -> Memos<'a, T>,
    compute: impl FnOnce() -> Result<T, ValueError>,
) -> Result<T, ValueError> {
    let Some(cache) = CachedRegistry::active_for(registry) else {
        return compute();
    };
    let (preloaded, memo) = memos(cache);
    if let Some(answer) = preloaded.get(&ty.id) {
        return Ok(answer.clone());
    }
    if let Some(answer) = lock(memo).get(&ty.id) {
        return Ok(answer.clone());
    }
    // Computed without holding the lock: a layout asks for its members' layouts.
    let answer = compute()?;
    lock(memo).insert(ty.id, answer.clone());
    Ok(answer)
}
