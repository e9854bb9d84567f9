//! `Array<T>` and `Span<T>` in native memory: a view `{ptr, start, end, capacity}` of a
//! reference-counted buffer that snapshots, spans and slices share.
//!
//! The buffer is one `malloc` allocation: an [`ArrayHeader`] of [`HEADER_SIZE`] bytes, then
//! `capacity` element slots. `ptr` points at the header (null for an array that never held an
//! element); element `i` is at `ptr + HEADER_SIZE + i * stride`. A view sees elements
//! `start..end`; several views (an array and its snapshots, spans of it, slices of those) may
//! share one buffer, each holding one reference.
//!
//! The rules every writer of arrays follows (native code, this crate and the runtime):
//! - The buffer owns the elements `first..len` of its header: dropping the last reference drops
//!   those elements, then frees the allocation. Elements before `first` were moved out.
//! - Copying a view (a snapshot, `dup` of a snapshot, `span()`) takes one more reference: O(1).
//! - A buffer has at most one owned (non-snapshot) `Array<T>` view, and that view's `end` is the
//!   header's `len`: appending writes slot `len`, which no other view sees, so an append needs a
//!   copy only when the buffer is shared *and* full (growing would move it under the other
//!   views). Popping the front of a shared array copies the element rather than moving it.

/// The header in front of a buffer's elements.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArrayHeader {
    /// Views holding this buffer.
    pub refcount: u64,
    /// The first element the buffer still owns (those before it were moved out).
    pub first: u32,
    /// Elements written so far: the buffer owns `first..len`.
    pub len: u32,
}

/// Bytes before the first element: the header, rounded up to the largest element alignment
/// (16), so elements are as aligned as `malloc`'s memory.
pub const HEADER_SIZE: usize = 16;

/// Offsets of the header's fields.
pub mod header_fields {
    /// [`super::ArrayHeader::refcount`], a `u64`.
    pub const REFCOUNT: usize = 0;
    /// [`super::ArrayHeader::first`], a `u32`.
    pub const FIRST: usize = 8;
    /// [`super::ArrayHeader::len`], a `u32`.
    pub const LEN: usize = 12;

    const _: () = {
        use std::mem::{offset_of, size_of};
        assert!(offset_of!(super::ArrayHeader, refcount) == REFCOUNT);
        assert!(offset_of!(super::ArrayHeader, first) == FIRST);
        assert!(offset_of!(super::ArrayHeader, len) == LEN);
        assert!(size_of::<super::ArrayHeader>() <= super::HEADER_SIZE);
    };
}

/// Offsets of a view's fields.
pub mod view_fields {
    /// The buffer (header) pointer.
    pub const PTR: usize = 0;
    /// The first element of the view, a `u32`.
    pub const START: usize = 8;
    /// One past the last element of the view, a `u32`.
    pub const END: usize = 12;
    /// Element slots in the buffer, a `u32`.
    pub const CAPACITY: usize = 16;

    const _: () = {
        use std::mem::{offset_of, size_of};
        assert!(offset_of!(super::NativeArray, ptr) == PTR);
        assert!(offset_of!(super::NativeArray, start) == START);
        assert!(offset_of!(super::NativeArray, end) == END);
        assert!(offset_of!(super::NativeArray, capacity) == CAPACITY);
        assert!(size_of::<super::NativeArray>() == crate::layout::ARRAY_LAYOUT.size());
    };
}

/// A view of an array as native code holds it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct NativeArray {
    /// The buffer's header, or null.
    pub ptr: *mut u8,
    /// First element of the view.
    pub start: u32,
    /// One past the last element of the view.
    pub end: u32,
    /// Element slots in the buffer.
    pub capacity: u32,
}

impl NativeArray {
    /// An array with no buffer.
    pub const EMPTY: NativeArray = NativeArray {
        ptr: std::ptr::null_mut(),
        start: 0,
        end: 0,
        capacity: 0,
    };

    /// A new buffer with room for `capacity` elements of `stride` bytes, holding one reference
    /// and no elements yet; `None` when `malloc` fails or the size overflows.
    pub fn allocate(stride: usize, capacity: u32) -> Option<NativeArray> {
        let bytes = stride
            .checked_mul(capacity as usize)?
            .checked_add(HEADER_SIZE)?;
        // SAFETY: malloc has no preconditions; the header is written before the buffer is used.
        let ptr = unsafe { libc::malloc(bytes) }.cast::<u8>();
        if ptr.is_null() {
            return None;
        }
        // SAFETY: `ptr` is a fresh allocation of at least HEADER_SIZE bytes, aligned for the
        // header by malloc.
        unsafe {
            ptr.cast::<ArrayHeader>().write(ArrayHeader {
                refcount: 1,
                first: 0,
                len: 0,
            })
        };
        Some(NativeArray {
            ptr,
            start: 0,
            end: 0,
            capacity,
        })
    }

    /// The address of element slot `index` (of `stride` bytes).
    ///
    /// # Safety
    /// `ptr` is a live buffer with at least `index + 1` slots (or `stride` is 0).
    pub unsafe fn slot(&self, index: u32, stride: usize) -> *mut u8 {
        // SAFETY: per the contract above the slot lies inside the allocation.
        unsafe { self.ptr.add(HEADER_SIZE + index as usize * stride) }
    }

    /// The buffer's header.
    ///
    /// # Safety
    /// `ptr` is a live, non-null buffer.
    pub unsafe fn header(&self) -> *mut ArrayHeader {
        self.ptr.cast()
    }

    /// Drops this view's reference. When it was the last one, returns the range of elements
    /// the buffer still owns: the caller releases their heap parts, then calls
    /// [`NativeArray::free_buffer`].
    ///
    /// # Safety
    /// `ptr` is null or a live buffer this view holds a reference to, not used afterwards.
    pub unsafe fn release(&self) -> Option<std::ops::Range<u32>> {
        if self.ptr.is_null() {
            return None;
        }
        // SAFETY: a live buffer starts with its header.
        unsafe {
            let header = &mut *self.header();
            header.refcount -= 1;
            (header.refcount == 0).then_some(header.first..header.len)
        }
    }

    /// Frees the buffer after its last reference was released.
    ///
    /// # Safety
    /// [`NativeArray::release`] returned `Some` for this buffer, and its elements were dropped.
    pub unsafe fn free_buffer(&self) {
        // SAFETY: the buffer came from malloc and has no references left.
        unsafe { libc::free(self.ptr.cast()) }
    }
}
