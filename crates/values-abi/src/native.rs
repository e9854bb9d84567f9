//! Values in native memory: written into a `bumpalo` arena (heap parts — array buffers, boxes,
//! dictionaries — with `malloc`, as native code frees them with `free`), and read back.

use std::ptr::NonNull;

use bumpalo::Bump;
use cairo_lang_sierra::ids::ConcreteTypeId;
use num_bigint::BigInt;
use starknet_types_core::felt::Felt;

use crate::array::NativeArray;
use crate::dict::{entry_stride, NativeDict};
use crate::layout::{enum_payload_offset, enum_tag, layout_of, Storage};
use crate::shape::{IntWidth, TypeShape};
use crate::{DictKey, Registry, U128Half, Value, ValueError};

fn unsupported(ty: &ConcreteTypeId) -> ValueError {
    ValueError::UnsupportedType {
        path: "native value".to_owned(),
        ty: ty.to_string(),
    }
}

impl Value {
    /// Writes this value, of type `ty`, into memory from `arena` and returns where. Array
    /// buffers and boxed values are allocated with `malloc`; they belong to whoever consumes
    /// the value (native code, or [`free_heap_parts`]).
    pub fn to_ptr(
        &self,
        arena: &Bump,
        registry: &Registry,
        ty: &ConcreteTypeId,
    ) -> Result<NonNull<u8>, ValueError> {
        crate::json::check(self, ty, registry, "value")?;
        let layout = layout_of(registry, ty)?;
        let ptr = arena.alloc_layout(layout);
        // SAFETY: `ptr` is a fresh allocation of `layout`, the layout of `ty`, which is what
        // `write` fills; `check` above made sure the value is of that type.
        unsafe { write(self, ty, registry, ptr.as_ptr())? };
        Ok(ptr)
    }

    /// Reads a value of type `ty` from `ptr`.
    ///
    /// # Safety
    /// `ptr` must point to a valid value of type `ty` laid out as [`crate::layout`] describes,
    /// with its heap parts alive.
    pub unsafe fn from_ptr(
        ptr: NonNull<u8>,
        registry: &Registry,
        ty: &ConcreteTypeId,
    ) -> Result<Value, ValueError> {
        // SAFETY: forwarded from the caller.
        unsafe { read(ptr.as_ptr(), ty, registry) }
    }
}

impl Value {
    /// Writes this value of type `ty` at `dst`, its heap parts (array buffers, boxes) `malloc`ed
    /// and owned by whoever owns `dst` from then on: how a runtime function hands a result to
    /// native code.
    ///
    /// # Safety
    /// `dst` is valid for writing a value of `ty`'s layout and suitably aligned.
    pub unsafe fn write_to(
        &self,
        dst: NonNull<u8>,
        registry: &Registry,
        ty: &ConcreteTypeId,
    ) -> Result<(), ValueError> {
        crate::json::check(self, ty, registry, "value")?;
        // SAFETY: forwarded from the caller; `check` made sure the value is of type `ty`.
        unsafe { write(self, ty, registry, dst.as_ptr()) }
    }
}

/// Frees the `malloc`ed parts (array buffers, boxes) of the value of type `ty` at `ptr`.
///
/// # Safety
/// `ptr` must point to a valid value of type `ty` whose heap parts were allocated with `malloc`
/// and are owned by the caller; they must not be used afterwards.
pub unsafe fn free_heap_parts(
    ptr: NonNull<u8>,
    registry: &Registry,
    ty: &ConcreteTypeId,
) -> Result<(), ValueError> {
    // SAFETY: forwarded from the caller.
    unsafe { free(ptr.as_ptr(), ty, registry) }
}

fn storage_bytes(storage: Storage, value: &BigInt) -> Vec<u8> {
    let size = storage.layout().size();
    let mut bytes = value.to_signed_bytes_le();
    let fill = if value.sign() == num_bigint::Sign::Minus {
        0xff
    } else {
        0
    };
    bytes.resize(size, fill);
    bytes
}

fn int_storage(width: IntWidth) -> Storage {
    match width {
        IntWidth::U8 | IntWidth::I8 => Storage::U8,
        IntWidth::U16 | IntWidth::I16 => Storage::U16,
        IntWidth::U32 | IntWidth::I32 => Storage::U32,
        IntWidth::U64 | IntWidth::I64 => Storage::U64,
        IntWidth::U128 | IntWidth::I128 => Storage::U128,
    }
}

/// An integer value as 16 little-endian bytes, sign-extended: its first bytes are its native
/// storage, whatever its width.
fn int_le_bytes(value: &Value) -> Option<[u8; 16]> {
    Some(match value {
        Value::U8(v) => u128::from(*v).to_le_bytes(),
        Value::U16(v) => u128::from(*v).to_le_bytes(),
        Value::U32(v) => u128::from(*v).to_le_bytes(),
        Value::U64(v) => u128::from(*v).to_le_bytes(),
        Value::U128(v) => v.to_le_bytes(),
        Value::I8(v) => i128::from(*v).to_le_bytes(),
        Value::I16(v) => i128::from(*v).to_le_bytes(),
        Value::I32(v) => i128::from(*v).to_le_bytes(),
        Value::I64(v) => i128::from(*v).to_le_bytes(),
        Value::I128(v) => v.to_le_bytes(),
        _ => return None,
    })
}

/// The integer of width `width` stored at `src`.
///
/// # Safety
/// `src` is valid for reading the width's storage.
unsafe fn read_int(src: *const u8, width: IntWidth) -> Value {
    let size = int_storage(width).layout().size();
    let mut bytes = [0u8; 16];
    // SAFETY: as the caller guarantees; `size` is at most 16.
    unsafe { std::ptr::copy_nonoverlapping(src, bytes.as_mut_ptr(), size) };
    // Each arm takes exactly the storage's bytes: every bit pattern is a value of the width.
    match width {
        IntWidth::U8 => Value::U8(bytes[0]),
        IntWidth::U16 => Value::U16(u16::from_le_bytes(first_bytes(&bytes))),
        IntWidth::U32 => Value::U32(u32::from_le_bytes(first_bytes(&bytes))),
        IntWidth::U64 => Value::U64(u64::from_le_bytes(first_bytes(&bytes))),
        IntWidth::U128 => Value::U128(u128::from_le_bytes(bytes)),
        IntWidth::I8 => Value::I8(i8::from_le_bytes([bytes[0]])),
        IntWidth::I16 => Value::I16(i16::from_le_bytes(first_bytes(&bytes))),
        IntWidth::I32 => Value::I32(i32::from_le_bytes(first_bytes(&bytes))),
        IntWidth::I64 => Value::I64(i64::from_le_bytes(first_bytes(&bytes))),
        IntWidth::I128 => Value::I128(i128::from_le_bytes(bytes)),
    }
}

/// The first `N` of 16 bytes.
fn first_bytes<const N: usize>(bytes: &[u8; 16]) -> [u8; N] {
    std::array::from_fn(|index| bytes[index])
}

/// The variant an enum's tag (of `variants` variants) at `src` names, if it names one.
///
/// # Safety
/// `src` is valid for reading the tag's storage.
pub(crate) unsafe fn read_variant(src: *const u8, variants: usize) -> Option<usize> {
    let size = enum_tag(variants).layout().size();
    let mut bytes = [0u8; 16];
    // SAFETY: as the caller guarantees; a tag is at most 16 bytes (`enum_tag` of a usize).
    unsafe { std::ptr::copy_nonoverlapping(src, bytes.as_mut_ptr(), size.min(16)) };
    usize::try_from(u128::from_le_bytes(bytes))
        .ok()
        .filter(|variant| *variant < variants)
}

/// Whether a value of this shape can own `malloc`ed parts: the ones that cannot need not be
/// visited to free them (an array of felts frees its buffer and nothing per element).
fn may_own_heap_parts(shape: &TypeShape) -> bool {
    !matches!(
        shape,
        TypeShape::Felt252
            | TypeShape::Bytes31
            | TypeShape::Int(_)
            | TypeShape::BoundedInt { .. }
            | TypeShape::EcPoint
            | TypeShape::EcState
            | TypeShape::Qm31
            | TypeShape::Secp256Point
            | TypeShape::Builtin(_)
    )
}

/// # Safety
/// `dst` is valid for writes of the layout of `ty`.
unsafe fn write_bytes(dst: *mut u8, bytes: &[u8]) {
    // SAFETY: the caller guarantees room for the type's layout, which `bytes` never exceeds.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, bytes.len()) }
}

/// # Safety
/// `src` is valid for reads of `len` bytes.
unsafe fn read_bytes(src: *const u8, len: usize) -> Vec<u8> {
    let mut bytes = vec![0; len];
    // SAFETY: as the caller guarantees.
    unsafe { std::ptr::copy_nonoverlapping(src, bytes.as_mut_ptr(), len) };
    bytes
}

/// # Safety
/// `dst` is valid for writes of the layout of `ty`, and `value` is of type `ty`.
unsafe fn write(
    value: &Value,
    ty: &ConcreteTypeId,
    registry: &Registry,
    dst: *mut u8,
) -> Result<(), ValueError> {
    crate::cache::with_shape(registry, ty, |shape, struct_offsets| {
        // SAFETY: forwarded from the caller.
        unsafe { write_shaped(value, ty, shape, struct_offsets, registry, dst) }
    })?
}

/// [`write`] with `ty`'s shape (and, for a struct, its member offsets) at hand.
///
/// # Safety
/// As [`write`].
unsafe fn write_shaped(
    value: &Value,
    ty: &ConcreteTypeId,
    shape: &TypeShape,
    struct_offsets: Option<&[usize]>,
    registry: &Registry,
    dst: *mut u8,
) -> Result<(), ValueError> {
    // SAFETY (for every block below): `dst` has room for `ty`'s layout, and each write stays
    // inside it at the offsets that layout defines; heap parts get fresh `malloc`ed buffers
    // of their own layouts.
    unsafe {
        match (shape, value) {
            (
                TypeShape::Felt252 | TypeShape::Bytes31,
                Value::Felt252(felt) | Value::Bytes31(felt),
            ) => write_bytes(dst, &felt.to_bytes_le()),
            (TypeShape::Int(width), value) => {
                let bytes = int_le_bytes(value).ok_or_else(|| unsupported(ty))?;
                write_bytes(dst, &bytes[..int_storage(*width).layout().size()])
            }
            (TypeShape::BoundedInt { lower, upper }, Value::BoundedInt(number)) => {
                let storage = Storage::for_max(&(upper - lower));
                write_bytes(dst, &storage_bytes(storage, &(number - lower)))
            }
            (TypeShape::Struct { members, .. }, Value::Struct(items)) => {
                let offsets = struct_offsets.ok_or_else(|| unsupported(ty))?;
                for ((member, item), offset) in
                    members.iter().zip(items).zip(offsets.iter().copied())
                {
                    write(item, member, registry, dst.add(offset))?;
                }
            }
            (TypeShape::Enum { variants, .. }, Value::Enum { variant, value }) => {
                let tag = enum_tag(variants.len());
                let bytes = (*variant as u128).to_le_bytes();
                write_bytes(dst, &bytes[..tag.layout().size()]);
                let payload = dst.add(enum_payload_offset(registry, variants)?);
                write(value, &variants[*variant], registry, payload)?;
            }
            (TypeShape::Array(element) | TypeShape::Span(element), Value::Array(items)) => {
                let stride = layout_of(registry, element)?.pad_to_align().size();
                let length = u32::try_from(items.len()).map_err(|_| unsupported(ty))?;
                let mut array = NativeArray::EMPTY;
                if !items.is_empty() {
                    array = NativeArray::allocate(stride, length).ok_or_else(|| {
                        ValueError::UnsupportedType {
                            path: "out of memory".to_owned(),
                            ty: ty.to_string(),
                        }
                    })?;
                    // The element's shape is looked up once for all of them.
                    crate::cache::with_shape(registry, element, |shape, offsets| {
                        for (index, item) in items.iter().enumerate() {
                            let slot = array.slot(index as u32, stride);
                            write_shaped(item, element, shape, offsets, registry, slot)?;
                            // Counted as soon as written, so a failure frees what was written.
                            (*array.header()).len = index as u32 + 1;
                        }
                        Ok::<_, ValueError>(())
                    })??;
                    array.end = length;
                }
                dst.cast::<NativeArray>().write_unaligned(array);
            }
            (TypeShape::Snapshot(inner) | TypeShape::NonZero(inner), value) => {
                write(value, inner, registry, dst)?
            }
            (TypeShape::Box(inner), value) => write_boxed(value, inner, registry, dst, ty)?,
            (TypeShape::Nullable(inner), Value::Nullable(Some(value))) => {
                write_boxed(value, inner, registry, dst, ty)?
            }
            (TypeShape::Nullable(_), Value::Nullable(None)) => {
                write_bytes(dst, &0usize.to_le_bytes())
            }
            (TypeShape::EcPoint, Value::EcPoint { x, y }) => {
                write_bytes(dst, &x.to_bytes_le());
                write_bytes(dst.add(32), &y.to_bytes_le());
            }
            (TypeShape::EcState, Value::EcState { x, y, x0, y0 }) => {
                // Natively a state is (sum, identity).
                let (x, y) = crate::ec_state_sum([*x, *y, *x0, *y0], ty.to_string().as_str())?;
                for (index, felt) in [x, y, Felt::ZERO, Felt::ZERO].into_iter().enumerate() {
                    write_bytes(dst.add(32 * index), &felt.to_bytes_le());
                }
            }
            (
                TypeShape::Felt252Dict(inner) | TypeShape::SquashedFelt252Dict(inner),
                Value::Felt252Dict(entries) | Value::SquashedFelt252Dict(entries),
            ) => {
                let stride = entry_stride(layout_of(registry, inner)?);
                let dict = NativeDict::allocate();
                for (key, value) in entries {
                    let slot = (*dict).entry(&key.0.to_bytes_le(), stride);
                    write(value, inner, registry, slot)?;
                }
                write_bytes(dst, &(dict as usize).to_le_bytes());
            }
            (TypeShape::Qm31, Value::Qm31(coordinates)) => {
                for (index, coordinate) in coordinates.iter().enumerate() {
                    write_bytes(dst.add(4 * index), &coordinate.to_le_bytes());
                }
            }
            (TypeShape::Builtin(_), Value::Builtin) => write_bytes(dst, &0u64.to_le_bytes()),
            (TypeShape::Builtin(_), Value::Gas(gas)) => write_bytes(dst, &gas.to_le_bytes()),
            _ => return Err(unsupported(ty)),
        }
    }
    Ok(())
}

/// Writes `value` into a fresh `malloc`ed box and its pointer at `dst`.
///
/// # Safety
/// `dst` is valid for writing a pointer, and `value` is of type `inner`.
unsafe fn write_boxed(
    value: &Value,
    inner: &ConcreteTypeId,
    registry: &Registry,
    dst: *mut u8,
    ty: &ConcreteTypeId,
) -> Result<(), ValueError> {
    let layout = layout_of(registry, inner)?;
    // SAFETY: malloc returns memory aligned for any fundamental type (16 bytes on the 64-bit
    // targets Cairn supports), enough for every layout; a null result is handled.
    let boxed = unsafe { libc::malloc(layout.size().max(1)) }.cast::<u8>();
    if boxed.is_null() {
        return Err(unsupported(ty));
    }
    // SAFETY: `boxed` has room for `inner`'s layout; `dst` has room for a pointer.
    unsafe {
        write(value, inner, registry, boxed)?;
        write_bytes(dst, &(boxed as usize).to_le_bytes());
    }
    Ok(())
}

/// # Safety
/// `src` holds a valid value of type `ty`.
unsafe fn read(
    src: *const u8,
    ty: &ConcreteTypeId,
    registry: &Registry,
) -> Result<Value, ValueError> {
    crate::cache::with_shape(registry, ty, |shape, struct_offsets| {
        // SAFETY: forwarded from the caller.
        unsafe { read_shaped(src, ty, shape, struct_offsets, registry) }
    })?
}

/// `N` bytes at `src`, without allocating.
///
/// # Safety
/// `src` is valid for reading `N` bytes.
unsafe fn read_array<const N: usize>(src: *const u8) -> [u8; N] {
    // SAFETY: per the contract above; any alignment.
    unsafe { src.cast::<[u8; N]>().read_unaligned() }
}

/// [`read`] with `ty`'s shape (and, for a struct, its member offsets) at hand.
///
/// # Safety
/// As [`read`].
unsafe fn read_shaped(
    src: *const u8,
    ty: &ConcreteTypeId,
    shape: &TypeShape,
    struct_offsets: Option<&[usize]>,
    registry: &Registry,
) -> Result<Value, ValueError> {
    let felt_at = |at: *const u8| {
        // SAFETY: felts are 32 bytes inside the value's layout.
        Felt::from_bytes_le(&unsafe { read_array::<32>(at) })
    };
    let pointer_at = |at: *const u8| {
        // SAFETY: pointers are word-sized inside the value's layout.
        usize::from_le_bytes(unsafe { read_array::<{ std::mem::size_of::<usize>() }>(at) })
            as *const u8
    };
    let u32_at = |at: *const u8| {
        // SAFETY: as above, for a u32 field.
        u32::from_le_bytes(unsafe { read_array::<4>(at) })
    };
    // SAFETY (for every block below): reads stay inside `ty`'s layout at `src`, or inside heap
    // parts the value points to, which the caller guarantees are alive.
    unsafe {
        Ok(match shape {
            TypeShape::Felt252 => Value::Felt252(felt_at(src)),
            TypeShape::Bytes31 => Value::Bytes31(felt_at(src)),
            TypeShape::Int(width) => read_int(src, *width),
            TypeShape::BoundedInt { lower, upper } => {
                let storage = Storage::for_max(&(upper - lower));
                let bytes = read_bytes(src, storage.layout().size());
                Value::BoundedInt(BigInt::from_bytes_le(num_bigint::Sign::Plus, &bytes) + lower)
            }
            TypeShape::Struct { members, .. } => {
                let offsets = struct_offsets.ok_or_else(|| unsupported(ty))?;
                let mut items = Vec::with_capacity(members.len());
                for (member, offset) in members.iter().zip(offsets.iter().copied()) {
                    items.push(read(src.add(offset), member, registry)?);
                }
                Value::Struct(items)
            }
            TypeShape::Enum { variants, .. } => {
                let variant = read_variant(src, variants.len()).ok_or_else(|| unsupported(ty))?;
                let payload = src.add(enum_payload_offset(registry, variants)?);
                Value::variant(variant, read(payload, &variants[variant], registry)?)
            }
            TypeShape::Array(element) | TypeShape::Span(element) => {
                let stride = layout_of(registry, element)?.pad_to_align().size();
                let array = src.cast::<NativeArray>().read_unaligned();
                // The element's shape is looked up once for all of them.
                let items = crate::cache::with_shape(registry, element, |shape, offsets| {
                    (array.start..array.end)
                        .map(|index| {
                            read_shaped(
                                array.slot(index, stride),
                                element,
                                shape,
                                offsets,
                                registry,
                            )
                        })
                        .collect::<Result<Vec<_>, _>>()
                })??;
                Value::Array(items)
            }
            TypeShape::Snapshot(inner) | TypeShape::NonZero(inner) => read(src, inner, registry)?,
            TypeShape::Box(inner) => read(pointer_at(src), inner, registry)?,
            TypeShape::Nullable(inner) => {
                let pointer = pointer_at(src);
                if pointer.is_null() {
                    Value::Nullable(None)
                } else {
                    Value::Nullable(Some(Box::new(read(pointer, inner, registry)?)))
                }
            }
            TypeShape::EcPoint => Value::EcPoint {
                x: felt_at(src),
                y: felt_at(src.add(32)),
            },
            TypeShape::EcState => {
                let state = [0, 32, 64, 96].map(|offset| felt_at(src.add(offset)));
                let (x, y) = crate::ec_state_sum(state, "EcState")?;
                Value::EcState {
                    x,
                    y,
                    x0: Felt::ZERO,
                    y0: Felt::ZERO,
                }
            }
            TypeShape::Felt252Dict(ref inner) | TypeShape::SquashedFelt252Dict(ref inner) => {
                let inner = inner.clone();
                let dict = &*pointer_at(src).cast::<NativeDict>();
                let stride = entry_stride(layout_of(registry, &inner)?);
                let mut entries = Vec::with_capacity(dict.len as usize);
                for index in 0..dict.len as usize {
                    let (key, value) = dict.entry_at(index, stride);
                    entries.push((
                        DictKey(Felt::from_bytes_le(&*key)),
                        read(value, &inner, registry)?,
                    ));
                }
                entries.sort_by_key(|entry| entry.0 .0);
                if matches!(*shape, TypeShape::Felt252Dict(_)) {
                    Value::Felt252Dict(entries)
                } else {
                    Value::SquashedFelt252Dict(entries)
                }
            }
            TypeShape::Qm31 => Value::Qm31([0, 1, 2, 3].map(|index| u32_at(src.add(4 * index)))),
            TypeShape::Secp256Point => {
                // (x low, x high, y low, y high); the point at infinity is (0, 0), as the VM's
                // `get_xy` gives it.
                let [x_low, x_high, y_low, y_high] = [0, 1, 2, 3].map(|index| {
                    let bytes = read_bytes(src.add(16 * index), 16);
                    U128Half(u128::from_le_bytes(bytes.try_into().unwrap_or_default()))
                });
                Value::Secp256Point {
                    x: (x_low, x_high),
                    y: (y_low, y_high),
                }
            }
            TypeShape::Builtin(crate::BuiltinKind::Gas) => Value::Gas(u64::from_le_bytes(
                read_bytes(src, 8).try_into().unwrap_or_default(),
            )),
            TypeShape::Builtin(_) => Value::Builtin,
            _ => return Err(unsupported(ty)),
        })
    }
}

/// # Safety
/// As [`free_heap_parts`].
unsafe fn free(src: *mut u8, ty: &ConcreteTypeId, registry: &Registry) -> Result<(), ValueError> {
    crate::cache::with_shape(registry, ty, |shape, struct_offsets| {
        // SAFETY: forwarded from the caller.
        unsafe { free_shaped(src, ty, shape, struct_offsets, registry) }
    })?
}

/// [`free`] with `ty`'s shape (and, for a struct, its member offsets) at hand.
///
/// # Safety
/// As [`free_heap_parts`].
unsafe fn free_shaped(
    src: *mut u8,
    ty: &ConcreteTypeId,
    shape: &TypeShape,
    struct_offsets: Option<&[usize]>,
    registry: &Registry,
) -> Result<(), ValueError> {
    let pointer_at = |at: *const u8| {
        // SAFETY: pointers are 8 bytes inside the value's layout.
        let bytes = unsafe { read_bytes(at, std::mem::size_of::<usize>()) };
        usize::from_le_bytes(bytes.try_into().unwrap_or_default()) as *mut u8
    };
    // SAFETY (for every block below): as `read`, and each `malloc`ed part is freed once, after
    // its own parts.
    unsafe {
        match shape {
            TypeShape::Struct { members, .. } => {
                let offsets = struct_offsets.ok_or_else(|| unsupported(ty))?;
                for (member, offset) in members.iter().zip(offsets.iter().copied()) {
                    free(src.add(offset), member, registry)?;
                }
            }
            TypeShape::Enum { variants, .. } => {
                // Only the tag is read: the payload is freed where it lies.
                let variant = read_variant(src, variants.len()).ok_or_else(|| unsupported(ty))?;
                let payload = src.add(enum_payload_offset(registry, variants)?);
                free(payload, &variants[variant], registry)?;
            }
            TypeShape::Array(element) | TypeShape::Span(element) => {
                // One reference released; the last one drops the elements the buffer owns.
                let array = src.cast::<NativeArray>().read_unaligned();
                if let Some(owned) = array.release() {
                    let stride = layout_of(registry, element)?.pad_to_align().size();
                    // The element's shape is looked up once; elements that own nothing are
                    // not visited.
                    crate::cache::with_shape(registry, element, |shape, offsets| {
                        if may_own_heap_parts(shape) {
                            for index in owned {
                                let slot = array.slot(index, stride);
                                free_shaped(slot, element, shape, offsets, registry)?;
                            }
                        }
                        Ok::<_, ValueError>(())
                    })??;
                    array.free_buffer();
                }
            }
            TypeShape::Snapshot(inner) | TypeShape::NonZero(inner) => free(src, inner, registry)?,
            TypeShape::Box(inner) | TypeShape::Nullable(inner) => {
                let boxed = pointer_at(src);
                if !boxed.is_null() {
                    free(boxed, inner, registry)?;
                    libc::free(boxed.cast());
                }
            }
            TypeShape::Felt252Dict(inner) | TypeShape::SquashedFelt252Dict(inner) => {
                let dict = pointer_at(src).cast::<NativeDict>();
                if !dict.is_null() && NativeDict::drop_reference(dict) {
                    let stride = entry_stride(layout_of(registry, inner)?);
                    for index in 0..(*dict).len as usize {
                        let (_, value) = (*dict).entry_at(index, stride);
                        free(value, inner, registry)?;
                    }
                    NativeDict::release(dict);
                }
            }
            _ => {}
        }
    }
    Ok(())
}
