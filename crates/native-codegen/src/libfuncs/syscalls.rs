//! The Starknet syscalls that need no state outside the call — Keccak, SHA-256/512 block
//! compression, secp256k1/r1 points — and the SHA state handles; and the chain-state syscalls
//! (storage, calls, deployments, events, messages, execution info), which go to the run's
//! syscall handler through `runtime/state_syscalls.rs`.
//!
//! A syscall hands its gas counter, each input and each output to a runtime function through
//! stack slots (`runtime/syscalls.rs`), which deducts the VM's cost for the syscall and reports
//! success, failure (with the revert reason as an `Array<felt252>`) or, for syscalls returning
//! an `Option`, success with `None`. Inputs are consumed: their heap parts are dropped here.

use cairo_lang_sierra::extensions::core::CoreTypeConcrete;
use cairo_lang_sierra::extensions::starknet::secp256::{
    Secp256ConcreteLibfunc, Secp256OpConcreteLibfunc, Secp256Trait,
};
use cairo_lang_sierra::extensions::starknet::StarknetConcreteLibfunc;
use cairo_lang_sierra::ids::ConcreteTypeId;
use melior::dialect::arith::{self, CmpiPredicate};
use melior::dialect::llvm;

use super::enumeration;
use crate::error::{NativeError, Result};
use crate::helper::{load_at, store_at, Invocation};
use crate::metadata::values::{call_runtime, drop_value, free, malloc};
use crate::runtime::state_syscalls::StateSyscall;
use crate::runtime::syscalls::{FAILURE, SUCCESS_NONE};

/// Builds a syscall or SHA state-handle libfunc; `None` if `selector` is neither.
pub fn build(
    invocation: &Invocation<'_, '_, '_>,
    selector: &StarknetConcreteLibfunc,
) -> Option<Result<()>> {
    Some(match selector {
        StarknetConcreteLibfunc::Keccak(_) => syscall(invocation, "keccak", false),
        StarknetConcreteLibfunc::Sha256ProcessBlock(_) => {
            syscall(invocation, "sha256_process_block", false)
        }
        StarknetConcreteLibfunc::Sha512ProcessBlock(_) => {
            syscall(invocation, "sha512_process_block", false)
        }
        StarknetConcreteLibfunc::Sha256StateHandleInit(_)
        | StarknetConcreteLibfunc::Sha512StateHandleInit(_) => state_from_box(invocation),
        StarknetConcreteLibfunc::Sha256StateHandleDigest(_)
        | StarknetConcreteLibfunc::Sha512StateHandleDigest(_) => state_into_box(invocation),
        StarknetConcreteLibfunc::Secp256(curve) => {
            let (prefix, (name, optional)) = match curve {
                Secp256ConcreteLibfunc::K1(operation) => ("secp256k1", secp_operation(operation)),
                Secp256ConcreteLibfunc::R1(operation) => ("secp256r1", secp_operation(operation)),
            };
            syscall(invocation, &format!("{prefix}_{name}"), optional)
        }
        StarknetConcreteLibfunc::StorageRead(_) => {
            state_syscall(invocation, StateSyscall::StorageRead)
        }
        StarknetConcreteLibfunc::StorageWrite(_) => {
            state_syscall(invocation, StateSyscall::StorageWrite)
        }
        StarknetConcreteLibfunc::GetBlockHash(_) => {
            state_syscall(invocation, StateSyscall::GetBlockHash)
        }
        StarknetConcreteLibfunc::GetExecutionInfo(_)
        | StarknetConcreteLibfunc::GetExecutionInfoV2(_)
        | StarknetConcreteLibfunc::GetExecutionInfoV3(_) => {
            state_syscall(invocation, StateSyscall::GetExecutionInfo)
        }
        StarknetConcreteLibfunc::EmitEvent(_) => state_syscall(invocation, StateSyscall::EmitEvent),
        StarknetConcreteLibfunc::SendMessageToL1(_) => {
            state_syscall(invocation, StateSyscall::SendMessageToL1)
        }
        StarknetConcreteLibfunc::Deploy(_) => state_syscall(invocation, StateSyscall::Deploy),
        StarknetConcreteLibfunc::CallContract(_) => {
            state_syscall(invocation, StateSyscall::CallContract)
        }
        StarknetConcreteLibfunc::LibraryCall(_) => {
            state_syscall(invocation, StateSyscall::LibraryCall)
        }
        StarknetConcreteLibfunc::ReplaceClass(_) => {
            state_syscall(invocation, StateSyscall::ReplaceClass)
        }
        StarknetConcreteLibfunc::GetClassHashAt(_) => {
            state_syscall(invocation, StateSyscall::GetClassHashAt)
        }
        StarknetConcreteLibfunc::MetaTxV0(_) => state_syscall(invocation, StateSyscall::MetaTxV0),
        _ => return None,
    })
}

/// `(gas, system, inputs…)` → success `(gas, system, outputs…)` | failure `(gas, system,
/// Array<felt252>)`, answered by the run's handler: the runtime gets the system pointer, the
/// syscall's kind, the gas slot, a table of input and output slots with their type ids, and
/// the failure slot.
fn state_syscall(invocation: &Invocation<'_, '_, '_>, kind: StateSyscall) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    let i64_type = cx.int_type(64);
    let ptr_type = cx.ptr_type();

    let gas_slot = invocation.alloca(i64_type, 8)?;
    store_at(cx.context, block, gas_slot, 0, invocation.input(0)?)?;
    let system = invocation.input(1)?;
    let mut slots = Vec::new();
    let mut type_ids = Vec::new();
    let mut inputs = Vec::new();
    for index in 2..invocation.inputs.len() {
        let ty = invocation.param_type(index)?;
        let value = invocation.input(index)?;
        let (slot, _) = invocation.alloca_for(ty)?;
        store_at(cx.context, block, slot, 0, value)?;
        slots.push(slot);
        type_ids.push(ty.id);
        inputs.push((value, ty));
    }
    let output_types = invocation
        .result_types
        .first()
        .map(|types| types.get(2..).unwrap_or_default())
        .unwrap_or_default();
    let mut outputs = Vec::new();
    for ty in output_types {
        let (slot, mlir_type) = invocation.alloca_for(ty)?;
        slots.push(slot);
        type_ids.push(ty.id);
        outputs.push((slot, mlir_type));
    }
    let count = slots.len().max(1);
    let table = invocation.alloca(llvm::r#type::array(ptr_type, count as u32), 8)?;
    let ids = invocation.alloca(llvm::r#type::array(i64_type, count as u32), 8)?;
    for (index, (slot, id)) in slots.iter().zip(&type_ids).enumerate() {
        store_at(cx.context, block, table, 8 * index, *slot)?;
        let id = invocation.constant(i64_type, id)?;
        store_at(cx.context, block, ids, 8 * index, id)?;
    }
    let (failure_slot, failure_type) = invocation.alloca_for(invocation.result_type(1, 2)?)?;
    let args = [
        system,
        invocation.constant(i64_type, kind as u64)?,
        gas_slot,
        table,
        ids,
        invocation.constant(i64_type, inputs.len())?,
        invocation.constant(i64_type, outputs.len())?,
        failure_slot,
    ];
    let status = call_runtime(cx, block, "state_syscall", &args, Some(i64_type))?
        .ok_or_else(|| NativeError::Mlir("runtime state_syscall returned nothing".to_owned()))?;
    for (value, ty) in inputs {
        drop_value(cx, block, value, ty)?;
    }
    let gas = load_at(cx.context, block, gas_slot, 0, i64_type)?;
    let mut results = vec![gas, system];
    for (slot, mlir_type) in outputs {
        results.push(load_at(cx.context, block, slot, 0, mlir_type)?);
    }
    let failure = load_at(cx.context, block, failure_slot, 0, failure_type)?;
    let failure_code = invocation.constant(i64_type, FAILURE)?;
    let failed = invocation.push(arith::cmpi(
        cx.context,
        CmpiPredicate::Eq,
        status,
        failure_code,
        location,
    ))?;
    invocation.cond_br(block, failed, (1, &[gas, system, failure]), (0, &results))
}

/// The runtime name of a secp256 operation, and whether it returns an `Option`.
fn secp_operation<T: Secp256Trait>(
    operation: &Secp256OpConcreteLibfunc<T>,
) -> (&'static str, bool) {
    match operation {
        Secp256OpConcreteLibfunc::New(_) => ("new", true),
        Secp256OpConcreteLibfunc::Add(_) => ("add", false),
        Secp256OpConcreteLibfunc::Mul(_) => ("mul", false),
        Secp256OpConcreteLibfunc::GetPointFromX(_) => ("get_point_from_x", true),
        Secp256OpConcreteLibfunc::GetXy(_) => ("get_xy", false),
    }
}

/// `(gas, system, inputs…)` → success `(gas, system, outputs…)` | failure `(gas, system,
/// Array<felt252>)`, through runtime function `runtime`. With `optional`, the one output is an
/// `Option`: the runtime writes its payload and says `SUCCESS_NONE` for `None`.
fn syscall(invocation: &Invocation<'_, '_, '_>, runtime: &str, optional: bool) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    let i64_type = cx.int_type(64);

    let gas_slot = invocation.alloca(i64_type, 8)?;
    store_at(cx.context, block, gas_slot, 0, invocation.input(0)?)?;
    let system = invocation.input(1)?;
    let mut args = vec![gas_slot];
    let mut inputs = Vec::new();
    for index in 2..invocation.inputs.len() {
        let ty = invocation.param_type(index)?;
        let value = invocation.input(index)?;
        let (slot, _) = invocation.alloca_for(ty)?;
        store_at(cx.context, block, slot, 0, value)?;
        args.push(slot);
        inputs.push((value, ty));
    }
    let output_types = invocation
        .result_types
        .first()
        .map(|types| types.get(2..).unwrap_or_default())
        .unwrap_or_default();
    let mut outputs = Vec::new();
    for ty in output_types {
        let slot_type = if optional {
            some_payload(invocation, ty)?
        } else {
            ty
        };
        let (slot, mlir_type) = invocation.alloca_for(slot_type)?;
        args.push(slot);
        outputs.push((slot, mlir_type));
    }
    let (failure_slot, failure_type) = invocation.alloca_for(invocation.result_type(1, 2)?)?;
    args.push(failure_slot);

    let status = call_runtime(cx, block, runtime, &args, Some(i64_type))?
        .ok_or_else(|| NativeError::Mlir(format!("runtime {runtime} returned nothing")))?;
    for (value, ty) in inputs {
        drop_value(cx, block, value, ty)?;
    }
    let gas = load_at(cx.context, block, gas_slot, 0, i64_type)?;
    let mut results = vec![gas, system];
    for (slot, mlir_type) in outputs {
        results.push(load_at(cx.context, block, slot, 0, mlir_type)?);
    }
    if optional {
        let option_type = invocation.result_type(0, 2)?;
        let payload = results
            .pop()
            .ok_or_else(|| NativeError::InvalidProgram(format!("{runtime} has no output")))?;
        let some = enumeration::init(invocation, option_type, 0, Some(payload))?;
        let none = enumeration::init(invocation, option_type, 1, None)?;
        let none_code = invocation.constant(i64_type, SUCCESS_NONE)?;
        let is_none = invocation.push(arith::cmpi(
            cx.context,
            CmpiPredicate::Eq,
            status,
            none_code,
            location,
        ))?;
        results.push(invocation.push(arith::select(is_none, none, some, location))?);
    }
    let failure = load_at(cx.context, block, failure_slot, 0, failure_type)?;
    let failure_code = invocation.constant(i64_type, FAILURE)?;
    let failed = invocation.push(arith::cmpi(
        cx.context,
        CmpiPredicate::Eq,
        status,
        failure_code,
        location,
    ))?;
    invocation.cond_br(block, failed, (1, &[gas, system, failure]), (0, &results))
}

/// The payload type of `Some` in the `Option` type `ty`.
fn some_payload<'r>(
    invocation: &'r Invocation<'_, '_, '_>,
    ty: &ConcreteTypeId,
) -> Result<&'r ConcreteTypeId> {
    match crate::types::concrete(invocation.registry(), ty)? {
        CoreTypeConcrete::Enum(info) if info.variants.len() == 2 => Ok(&info.variants[0]),
        _ => Err(NativeError::InvalidProgram(format!(
            "a syscall's optional output {ty} is not an Option"
        ))),
    }
}

/// `sha*_state_handle_init(Box<[u*; 8]>)`: the state words by value; the box is freed.
fn state_from_box(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let boxed = invocation.input(0)?;
    let state = load_at(
        cx.context,
        block,
        boxed,
        0,
        cx.ty(invocation.result_type(0, 0)?)?,
    )?;
    free(cx, block, boxed)?;
    invocation.br(block, 0, &[state])
}

/// `sha*_state_handle_digest(handle)`: the state words in a new box.
fn state_into_box(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let state_type = invocation.param_type(0)?;
    let size = crate::types::layout(cx.registry, state_type)?.size();
    let bytes = invocation.constant(cx.int_type(64), size)?;
    let boxed = malloc(cx, block, bytes)?;
    store_at(cx.context, block, boxed, 0, invocation.input(0)?)?;
    invocation.br(block, 0, &[boxed])
}
