//! Sierra types as MLIR types. Every type's memory form is the one `cairn_values_abi::layout`
//! describes; the builders here only spell it in the LLVM dialect.
//!
//! One file per kind of type under `types/`, each with a `build` function; [`build`] dispatches.

mod array;
mod bounded_int;
mod builtin;
pub(crate) mod circuit;
mod enumeration;
mod felt252;
mod int;
mod pointer;
mod structure;

use cairn_values_abi::layout::Storage;
use cairo_lang_sierra::extensions::core::CoreTypeConcrete;
use cairo_lang_sierra::extensions::starknet::StarknetTypeConcrete;
use cairo_lang_sierra::ids::ConcreteTypeId;
use melior::dialect::llvm;
use melior::ir::r#type::IntegerType;
use melior::ir::Type;
use melior::Context;

use crate::error::{NativeError, Result};
use crate::Registry;

pub(crate) use bounded_int::BoundedRange;
pub(crate) use enumeration::EnumLayout;

/// The MLIR type of values of the Sierra type `ty`.
pub fn build<'c>(
    context: &'c Context,
    registry: &Registry,
    ty: &ConcreteTypeId,
) -> Result<Type<'c>> {
    let concrete = concrete(registry, ty)?;
    Ok(match concrete {
        CoreTypeConcrete::Felt252(_) | CoreTypeConcrete::Bytes31(_) => felt252::build(context),
        CoreTypeConcrete::Starknet(
            StarknetTypeConcrete::ClassHash(_)
            | StarknetTypeConcrete::ContractAddress(_)
            | StarknetTypeConcrete::StorageBaseAddress(_)
            | StarknetTypeConcrete::StorageAddress(_),
        ) => felt252::build(context),
        CoreTypeConcrete::Uint8(_) | CoreTypeConcrete::Sint8(_) => int::build(context, 8),
        CoreTypeConcrete::Uint16(_) | CoreTypeConcrete::Sint16(_) => int::build(context, 16),
        CoreTypeConcrete::Uint32(_) | CoreTypeConcrete::Sint32(_) => int::build(context, 32),
        CoreTypeConcrete::Uint64(_) | CoreTypeConcrete::Sint64(_) => int::build(context, 64),
        CoreTypeConcrete::Uint128(_) | CoreTypeConcrete::Sint128(_) => int::build(context, 128),
        // Four M31 coordinates.
        CoreTypeConcrete::QM31(_) => {
            let coordinate = int::build(context, 32);
            llvm::r#type::r#struct(context, &[coordinate; 4], false)
        }
        // The gas set aside, as a u128.
        CoreTypeConcrete::GasReserve(_) => int::build(context, 128),
        CoreTypeConcrete::BoundedInt(info) => bounded_int::build(context, &info.range),
        // Sierra only has u32 guarantees (0 ..= 2^32 - 1): the u32 itself.
        CoreTypeConcrete::BoundedIntGuarantee(_) => int::build(context, 32),
        CoreTypeConcrete::Struct(info) => structure::build(context, registry, &info.members)?,
        CoreTypeConcrete::Enum(info) => enumeration::build(context, registry, &info.variants)?,
        CoreTypeConcrete::Array(_) | CoreTypeConcrete::Span(_) => array::build(context),
        CoreTypeConcrete::Snapshot(inner) | CoreTypeConcrete::NonZero(inner) => {
            build(context, registry, &inner.ty)?
        }
        CoreTypeConcrete::Uninitialized(inner) => build(context, registry, &inner.ty)?,
        CoreTypeConcrete::Box(_)
        | CoreTypeConcrete::Nullable(_)
        | CoreTypeConcrete::Felt252Dict(_)
        | CoreTypeConcrete::SquashedFelt252Dict(_)
        | CoreTypeConcrete::Starknet(StarknetTypeConcrete::System(_)) => pointer::build(context),
        CoreTypeConcrete::EcPoint(_) => structure::felts(context, 2),
        CoreTypeConcrete::Starknet(StarknetTypeConcrete::Secp256Point(_)) => {
            llvm::r#type::r#struct(context, &[int::build(context, 128); 4], false)
        }
        CoreTypeConcrete::Starknet(StarknetTypeConcrete::Sha256StateHandle(_)) => {
            llvm::r#type::r#struct(context, &[int::build(context, 32); 8], false)
        }
        CoreTypeConcrete::Starknet(StarknetTypeConcrete::Sha512StateHandle(_)) => {
            llvm::r#type::r#struct(context, &[int::build(context, 64); 8], false)
        }
        CoreTypeConcrete::EcState(_) => structure::felts(context, 4),
        CoreTypeConcrete::RangeCheck(_)
        | CoreTypeConcrete::RangeCheck96(_)
        | CoreTypeConcrete::Pedersen(_)
        | CoreTypeConcrete::Poseidon(_)
        | CoreTypeConcrete::Bitwise(_)
        | CoreTypeConcrete::EcOp(_)
        | CoreTypeConcrete::SegmentArena(_)
        | CoreTypeConcrete::GasBuiltin(_)
        | CoreTypeConcrete::BuiltinCosts(_) => builtin::build(context),
        CoreTypeConcrete::Circuit(circuit) => circuit::build(context, circuit)
            .ok_or_else(|| NativeError::UnsupportedType(type_name(ty)))?,
        // (the dictionary, the entry's value slot inside it)
        CoreTypeConcrete::Felt252DictEntry(_) => {
            let ptr = pointer::build(context);
            llvm::r#type::r#struct(context, &[ptr, ptr], false)
        }
        CoreTypeConcrete::IntRange(info) => {
            let bound = build(context, registry, &info.ty)?;
            llvm::r#type::r#struct(context, &[bound, bound], false)
        }
        CoreTypeConcrete::Coupon(_) | CoreTypeConcrete::Uint128MulGuarantee(_) => {
            structure::build(context, registry, &[])?
        }
        _ => return Err(NativeError::UnsupportedType(type_name(ty))),
    })
}

/// The MLIR type of every array and span view (see `cairn_values_abi::array`).
pub(crate) fn array_type(context: &Context) -> Type<'_> {
    array::build(context)
}

/// The registry's description of `ty`.
pub(crate) fn concrete<'r>(
    registry: &'r Registry,
    ty: &ConcreteTypeId,
) -> Result<&'r CoreTypeConcrete> {
    registry
        .get_type(ty)
        .map_err(|error| NativeError::InvalidProgram(error.to_string()))
}

/// A type's name for messages: its debug name when the program has one.
pub(crate) fn type_name(ty: &ConcreteTypeId) -> String {
    ty.debug_name
        .as_ref()
        .map(|name| name.to_string())
        .unwrap_or_else(|| format!("[{}]", ty.id))
}

/// The integer type of an enum tag or bounded-int offset; `None` for zero bytes.
pub(crate) fn storage_type(context: &Context, storage: Storage) -> Option<Type<'_>> {
    let bits = match storage {
        Storage::Zero => return None,
        Storage::U8 => 8,
        Storage::U16 => 16,
        Storage::U32 => 32,
        Storage::U64 => 64,
        Storage::U128 => 128,
        Storage::U256 => 256,
    };
    Some(IntegerType::new(context, bits).into())
}

/// Whether values of `ty` own heap memory (array buffers, boxes), so copying one needs a deep
/// clone and dropping one needs freeing.
pub(crate) fn has_heap_parts(registry: &Registry, ty: &ConcreteTypeId) -> Result<bool> {
    Ok(match concrete(registry, ty)? {
        CoreTypeConcrete::Array(_)
        | CoreTypeConcrete::Span(_)
        | CoreTypeConcrete::Box(_)
        | CoreTypeConcrete::Nullable(_) => true,
        CoreTypeConcrete::Felt252Dict(_) | CoreTypeConcrete::SquashedFelt252Dict(_) => true,
        CoreTypeConcrete::Circuit(circuit) => circuit::owns_values(circuit),
        CoreTypeConcrete::Struct(info) => any_heap(registry, &info.members)?,
        CoreTypeConcrete::Enum(info) => any_heap(registry, &info.variants)?,
        CoreTypeConcrete::Snapshot(inner) | CoreTypeConcrete::NonZero(inner) => {
            has_heap_parts(registry, &inner.ty)?
        }
        // A local not yet written holds nothing to free (dropping one is a no-op).
        CoreTypeConcrete::Uninitialized(_) => false,
        _ => false,
    })
}

fn any_heap(registry: &Registry, types: &[ConcreteTypeId]) -> Result<bool> {
    for ty in types {
        if has_heap_parts(registry, ty)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The size and alignment of `ty` in native memory.
pub fn layout(registry: &Registry, ty: &ConcreteTypeId) -> Result<std::alloc::Layout> {
    Ok(cairn_values_abi::layout::layout_of(registry, ty)?)
}

/// Whether `ty` is a builtin or the gas counter: threaded through calls, supplied by the
/// executor, never part of a caller's arguments or results.
pub fn is_builtin(registry: &Registry, ty: &ConcreteTypeId) -> Result<bool> {
    Ok(matches!(
        cairn_values_abi::TypeShape::of(registry, ty)?,
        cairn_values_abi::TypeShape::Builtin(_)
    ))
}

/// Whether values of `ty` occupy no memory (unit structs, one-value bounded ints, …).
pub fn is_zst(registry: &Registry, ty: &ConcreteTypeId) -> Result<bool> {
    Ok(layout(registry, ty)?.size() == 0)
}

/// Whether values of `ty` are handled through memory rather than as one SSA integer or pointer
/// (structs, enums, arrays): the values-abi calling rules pass these by pointer.
pub fn is_complex(registry: &Registry, ty: &ConcreteTypeId) -> Result<bool> {
    use cairn_values_abi::TypeShape as S;
    Ok(match cairn_values_abi::TypeShape::of(registry, ty)? {
        S::Struct { .. } | S::Enum { .. } | S::Array(_) | S::Span(_) | S::EcPoint | S::EcState => {
            true
        }
        S::Snapshot(inner) | S::NonZero(inner) => is_complex(registry, &inner)?,
        _ => false,
    })
}
