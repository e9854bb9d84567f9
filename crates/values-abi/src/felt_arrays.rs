//! Values that are one array of felts in a wrapper: a contract entry point's calldata
//! (`Span<felt252>` in its struct) and result (`PanicResult<(Span<felt252>,)>`, whose `Err`
//! holds `(Panic, Array<felt252>)`), written and read without building [`crate::Value`] trees.
//!
//! A Starknet call converts exactly these, once each per call; through `Value` that is a tree
//! of boxed values (a felt's `Value` is 136 bytes) built, walked and dropped per call, which
//! measured a tenth of an ERC20 transfer natively. Here the way to the array is worked out
//! once per type ([`FeltArrayPath`], [`FeltArrayEnum`]), and a call copies felts only.

use std::alloc::Layout;
use std::ptr::NonNull;

use bumpalo::Bump;
use cairo_lang_sierra::ids::ConcreteTypeId;
use starknet_types_core::felt::Felt;

use crate::array::NativeArray;
use crate::layout::{enum_payload_offset, layout_of, FELT_LAYOUT};
use crate::shape::TypeShape;
use crate::{Registry, ValueError};

/// Where a type keeps its array of felts: a value of the type is that array, reached through
/// structs (the last member holding one, every other member an empty struct such as `Panic`)
/// and snapshots, at a fixed offset. Types without such an array have no path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeltArrayPath {
    /// The array view's offset in the value.
    offset: usize,
    /// The type's layout, worked out with the path rather than on every write.
    layout: Layout,
    /// The type, for errors.
    ty: ConcreteTypeId,
}

impl FeltArrayPath {
    /// The path of `ty`, or `None` when a value of `ty` is not one felt array in wrappers.
    pub fn of(registry: &Registry, ty: &ConcreteTypeId) -> Result<Option<Self>, ValueError> {
        let Some(offset) = offset_of_felt_array(registry, ty)? else {
            return Ok(None);
        };
        Ok(Some(Self {
            offset,
            layout: layout_of(registry, ty)?,
            ty: ty.clone(),
        }))
    }

    /// Reads the felts of the array in the value at `src`, and releases the value's reference
    /// to the array (freeing the buffer with its last reference), as
    /// [`crate::native::free_heap_parts`] would free the value.
    ///
    /// # Safety
    /// `src` holds a valid value of the type this path was made for, whose heap parts the
    /// caller owns and does not use afterwards.
    pub unsafe fn take(&self, src: *const u8) -> Vec<Felt> {
        // SAFETY: the path leads to an array view inside the value, per the caller.
        let array = unsafe { src.add(self.offset).cast::<NativeArray>().read_unaligned() };
        let felts = (array.start..array.end)
            .map(|index| {
                let mut bytes = [0u8; 32];
                // SAFETY: elements `start..end` of a live view are felts of 32 bytes.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        array.slot(index, FELT_LAYOUT.size()),
                        bytes.as_mut_ptr(),
                        32,
                    )
                };
                Felt::from_bytes_le(&bytes)
            })
            .collect();
        // SAFETY: the view holds one reference, given up here; felts own no heap parts, so
        // the last reference frees the buffer alone.
        unsafe {
            if array.release().is_some() {
                array.free_buffer();
            }
        }
        felts
    }

    /// Writes `felts` as a value of the type this path was made for into memory from
    /// `arena`: the array's buffer `malloc`ed (it belongs to whoever consumes the value, as
    /// with [`crate::Value::to_ptr`]); the wrappers around the array have no bytes of their
    /// own to write (empty structs, checked when the path was made).
    pub fn write(&self, arena: &Bump, felts: &[Felt]) -> Result<NonNull<u8>, ValueError> {
        let ptr = arena.alloc_layout(self.layout);
        let length = u32::try_from(felts.len()).map_err(|_| ValueError::UnsupportedType {
            path: format!("{} felts", felts.len()),
            ty: self.ty.to_string(),
        })?;
        let mut array = NativeArray::EMPTY;
        if length > 0 {
            array = NativeArray::allocate(FELT_LAYOUT.size(), length).ok_or_else(|| {
                ValueError::UnsupportedType {
                    path: "out of memory".to_owned(),
                    ty: self.ty.to_string(),
                }
            })?;
            for (index, felt) in felts.iter().enumerate() {
                // SAFETY: the buffer has `length` slots of 32 bytes.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        felt.to_bytes_le().as_ptr(),
                        array.slot(index as u32, FELT_LAYOUT.size()),
                        32,
                    )
                };
            }
            // SAFETY: the buffer is live and its `length` elements are written.
            unsafe { (*array.header()).len = length };
            array.end = length;
        }
        // SAFETY: `ptr` has the type's layout, which holds the view at the path's offset.
        unsafe {
            ptr.as_ptr()
                .add(self.offset)
                .cast::<NativeArray>()
                .write_unaligned(array)
        };
        Ok(ptr)
    }
}

/// An enum each of whose variants is one felt array in wrappers (a `PanicResult` of
/// `(Span<felt252>,)`): the variant a value holds and the felts of its array, read without
/// building values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeltArrayEnum {
    payload_offset: usize,
    variants: Vec<FeltArrayPath>,
}

impl FeltArrayEnum {
    /// The reader of enum type `ty`, or `None` when `ty` is not an enum whose every variant
    /// has a [`FeltArrayPath`].
    pub fn of(registry: &Registry, ty: &ConcreteTypeId) -> Result<Option<Self>, ValueError> {
        let shape = TypeShape::shared(registry, ty)?;
        let TypeShape::Enum { variants, .. } = &*shape else {
            return Ok(None);
        };
        let mut paths = Vec::with_capacity(variants.len());
        for variant in variants {
            match FeltArrayPath::of(registry, variant)? {
                Some(path) => paths.push(path),
                None => return Ok(None),
            }
        }
        Ok(Some(Self {
            payload_offset: enum_payload_offset(registry, variants)?,
            variants: paths,
        }))
    }

    /// The variant the value at `src` holds and the felts of its array, the value's heap
    /// parts freed as [`FeltArrayPath::take`] frees them; `None` (nothing read or freed) when
    /// the tag names no variant.
    ///
    /// # Safety
    /// As [`FeltArrayPath::take`], for the enum type this reader was made for.
    pub unsafe fn take(&self, src: *const u8) -> Option<(usize, Vec<Felt>)> {
        // SAFETY: the value starts with its tag, per the caller.
        let variant = unsafe { crate::native::read_variant(src, self.variants.len()) }?;
        let path = &self.variants[variant];
        // SAFETY: the payload of this variant lies at the payload offset, per the caller.
        Some((variant, unsafe { path.take(src.add(self.payload_offset)) }))
    }
}

/// The offset of `ty`'s felt array (see [`FeltArrayPath`]).
fn offset_of_felt_array(
    registry: &Registry,
    ty: &ConcreteTypeId,
) -> Result<Option<usize>, ValueError> {
    let shape = TypeShape::shared(registry, ty)?;
    Ok(match &*shape {
        TypeShape::Array(element) | TypeShape::Span(element) => {
            matches!(&*TypeShape::shared(registry, element)?, TypeShape::Felt252).then_some(0)
        }
        TypeShape::Snapshot(inner) => offset_of_felt_array(registry, inner)?,
        TypeShape::Struct { members, .. } => {
            let Some((last, others)) = members.split_last() else {
                return Ok(None);
            };
            for other in others {
                if !is_empty_struct(registry, other)? {
                    return Ok(None);
                }
            }
            match offset_of_felt_array(registry, last)? {
                Some(inner) => crate::layout::member_offsets(registry, ty, members)?
                    .last()
                    .map(|offset| offset + inner),
                None => None,
            }
        }
        _ => None,
    })
}

/// Whether `ty` is an empty struct (as `Panic` is): no bytes to read, write or free.
fn is_empty_struct(registry: &Registry, ty: &ConcreteTypeId) -> Result<bool, ValueError> {
    Ok(match &*TypeShape::shared(registry, ty)? {
        TypeShape::Struct { members, .. } => members.is_empty(),
        _ => false,
    })
}
