//! Sierra libfuncs as MLIR: one file per family under `libfuncs/`, each with a `build`
//! dispatching on the family's concrete libfunc. What is not matched here is reported as
//! [`NativeError::UnsupportedLibfunc`] when the program is compiled, never miscompiled.

mod array;
mod blake;
mod bool;
mod bounded_int;
mod boxing;
mod bytes31;
mod cast;
mod circuit;
mod consts;
mod control;
mod debug;
mod ec;
mod enumeration;
mod extras;
mod felt252;
mod felt252_dict;
mod function_call;
mod gas;
mod hashes;
mod int_range;
mod mem;
mod nullable;
mod ownership;
mod qm31;
mod sint;
mod structure;
mod syscalls;
mod uint;
mod uint128;
mod uint256;
pub(crate) mod wide;

use cairo_lang_sierra::extensions::core::CoreConcreteLibfunc;

use crate::error::{NativeError, Result};
use crate::helper::Invocation;

/// Emits the code of one libfunc call.
pub(crate) fn build(
    invocation: &Invocation<'_, '_, '_>,
    libfunc: &CoreConcreteLibfunc,
) -> Result<()> {
    use CoreConcreteLibfunc as L;
    match libfunc {
        L::ApTracking(_) | L::BranchAlign(_) | L::UnconditionalJump(_) => {
            control::build(invocation)
        }
        L::Mem(selector) => mem::build(invocation, selector),
        L::UnwrapNonZero(_) => control::build_identity(invocation),
        L::Drop(_) => ownership::build_drop(invocation),
        L::Dup(_) => ownership::build_dup(invocation),
        L::SnapshotTake(_) => ownership::build_dup(invocation),
        L::Felt252(selector) => felt252::build(invocation, selector),
        L::Bool(selector) => bool::build(invocation, selector),
        L::Uint8(selector) => uint::build(invocation, selector),
        L::Uint16(selector) => uint::build(invocation, selector),
        L::Uint32(selector) => uint::build(invocation, selector),
        L::Uint64(selector) => uint::build(invocation, selector),
        L::Uint128(selector) => uint128::build(invocation, selector),
        L::Uint256(selector) => uint256::build(invocation, selector),
        L::Uint512(selector) => uint256::build_512(invocation, selector),
        L::Sint8(selector) => sint::build(invocation, selector),
        L::Sint16(selector) => sint::build(invocation, selector),
        L::Sint32(selector) => sint::build(invocation, selector),
        L::Sint64(selector) => sint::build(invocation, selector),
        L::Sint128(selector) => sint::build_128(invocation, selector),
        L::Struct(selector) => structure::build(invocation, selector),
        L::Enum(selector) => enumeration::build(invocation, selector),
        L::FunctionCall(info) => function_call::build(invocation, info),
        L::Gas(selector) => gas::build(invocation, selector),
        L::Const(selector) => consts::build(invocation, selector),
        L::Cast(selector) => cast::build(invocation, selector),
        L::BoundedInt(selector) => bounded_int::build(invocation, selector),
        L::Box(selector) => boxing::build(invocation, selector),
        L::Nullable(selector) => nullable::build(invocation, selector),
        L::Array(selector) => array::build(invocation, selector),
        L::Bytes31(selector) => bytes31::build(invocation, selector),
        L::Ec(selector) => ec::build(invocation, selector),
        L::Blake(selector) => blake::build(invocation, selector),
        L::QM31(selector) => qm31::build(invocation, selector),
        L::GasReserve(selector) => extras::build_gas_reserve(invocation, selector),
        L::Coupon(selector) => extras::build_coupon(invocation, selector),
        L::CouponCall(info) => extras::build_coupon_call(invocation, info),
        L::Starknet(selector) => extras::build_starknet(invocation, selector),
        L::Felt252Dict(selector) => felt252_dict::build(invocation, selector),
        L::Felt252DictEntry(selector) => felt252_dict::build_entry(invocation, selector),
        L::Felt252SquashedDict(selector) => felt252_dict::build_squashed(invocation, selector),
        L::Pedersen(selector) => hashes::build_pedersen(invocation, selector),
        L::Poseidon(selector) => hashes::build_poseidon(invocation, selector),
        L::IntRange(selector) => int_range::build(invocation, selector),
        L::Circuit(selector) => circuit::build(invocation, selector),
        L::Debug(selector) => debug::build(invocation, selector),
        _ => Err(unsupported()),
    }
}

/// The error for a libfunc this backend does not compile; the caller fills in its name and
/// statement.
pub(crate) fn unsupported() -> NativeError {
    NativeError::UnsupportedLibfunc {
        name: "an unknown libfunc".to_owned(),
        statement: 0,
    }
}
