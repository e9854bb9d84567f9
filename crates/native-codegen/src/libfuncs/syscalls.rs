//! The Starknet syscalls that need no state outside the call — Keccak, SHA-256/512 block
//! compression, secp256k1/r1 points — and the SHA state handles; and the chain-state syscalls
//! (storage, calls, deployments, events, messages, execution info), which go to the run's
//! syscall handler through `runtime/state_syscalls.rs`.
//!
//! A syscall hands the system pointer, its gas counter, each input and each output to a runtime
//! function through stack slots (`runtime/syscalls.rs`), which asks the run's handler (or the
//! default implementation), deducts the syscall's cost and reports
//! success, failure (with the revert reason as an `Array<felt252>`) or, for syscalls returning
//! an `Option`, success with `None`. Inputs are consumed: their heap parts are dropped here.

use cairo_lang_sierra::extensions::core::CoreTypeConcrete;
use cairo_lang_sierra::extensions::starknet::secp256::{
    Secp256ConcreteLibfunc, Secp256OpConcreteLibfunc, Secp256Trait,
};
use cairo_lang_sierra::extensions::starknet::testing::TestingConcreteLibfunc;
use cairo_lang_sierra::extensions::starknet::StarknetConcreteLibfunc;
use cairo_lang_sierra::ids::ConcreteTypeId;
use melior::dialect::arith::{self, CmpiPredicate};
use melior::dialect::llvm;
use melior::ir::{Type, Value};

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
        // The syscalls contracts make most, with typed runtime functions
        // (`runtime/typed_syscalls.rs`).
        StarknetConcreteLibfunc::StorageRead(_) => syscall(invocation, "storage_read", false),
        StarknetConcreteLibfunc::StorageWrite(_) => syscall(invocation, "storage_write", false),
        StarknetConcreteLibfunc::GetBlockHash(_) => {
            state_syscall(invocation, StateSyscall::GetBlockHash)
        }
        StarknetConcreteLibfunc::GetExecutionInfo(_)
        | StarknetConcreteLibfunc::GetExecutionInfoV2(_)
        | StarknetConcreteLibfunc::GetExecutionInfoV3(_) => execution_info(invocation),
        StarknetConcreteLibfunc::EmitEvent(_) => match spans_are_arrays(invocation) {
            Ok(true) => syscall(invocation, "emit_event", false),
            Ok(false) => state_syscall(invocation, StateSyscall::EmitEvent),
            Err(error) => Err(error),
        },
        StarknetConcreteLibfunc::SendMessageToL1(_) => {
            state_syscall(invocation, StateSyscall::SendMessageToL1)
        }
        StarknetConcreteLibfunc::Deploy(_) => state_syscall(invocation, StateSyscall::Deploy),
        StarknetConcreteLibfunc::CallContract(_) => match call_spans_are_arrays(invocation) {
            Ok(true) => syscall(invocation, "call_contract", false),
            Ok(false) => state_syscall(invocation, StateSyscall::CallContract),
            Err(error) => Err(error),
        },
        StarknetConcreteLibfunc::LibraryCall(_) => match call_spans_are_arrays(invocation) {
            Ok(true) => syscall(invocation, "library_call", false),
            Ok(false) => state_syscall(invocation, StateSyscall::LibraryCall),
            Err(error) => Err(error),
        },
        StarknetConcreteLibfunc::ReplaceClass(_) => {
            state_syscall(invocation, StateSyscall::ReplaceClass)
        }
        StarknetConcreteLibfunc::GetClassHashAt(_) => {
            state_syscall(invocation, StateSyscall::GetClassHashAt)
        }
        StarknetConcreteLibfunc::MetaTxV0(_) => state_syscall(invocation, StateSyscall::MetaTxV0),
        StarknetConcreteLibfunc::Testing(TestingConcreteLibfunc::Cheatcode(info)) => {
            cheatcode(invocation, &info.selector)
        }
        _ => return None,
    })
}

/// `get_execution_info_syscall() -> Box<ExecutionInfo>` (any version): the runtime
/// (`runtime/execution_info.rs`) gets the system pointer, the gas slot, the output slot, the
/// output's type id (which version) and the failure slot.
fn execution_info(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let i64_type = cx.int_type(64);
    let staged = Staged::new(invocation, Ok)?;
    let [(output, _, ty)] = staged.outputs.as_slice() else {
        return Err(NativeError::InvalidProgram(
            "get_execution_info has one output".to_owned(),
        ));
    };
    let args = [
        staged.system,
        staged.gas_slot,
        *output,
        invocation.constant(i64_type, ty.id)?,
        staged.failure.0,
    ];
    let status =
        call_runtime(cx, block, "get_execution_info", &args, Some(i64_type))?.ok_or_else(|| {
            NativeError::Mlir("runtime get_execution_info returned nothing".to_owned())
        })?;
    let results = staged.results(invocation)?;
    staged.branch(invocation, status, &results)
}

/// Whether every input after the gas and the system is laid out as an array view, as the
/// corelib's `Span` is (a struct of one array), so a typed runtime function can read it as
/// one.
fn spans_are_arrays(invocation: &Invocation<'_, '_, '_>) -> Result<bool> {
    for index in 2..invocation.inputs.len() {
        if !is_array_view(invocation, invocation.param_type(index)?)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether a call's calldata (its last input) and return data (its success output) are laid
/// out as array views, as [`spans_are_arrays`] asks of an event's spans.
fn call_spans_are_arrays(invocation: &Invocation<'_, '_, '_>) -> Result<bool> {
    let calldata = invocation.param_type(invocation.inputs.len().saturating_sub(1))?;
    Ok(is_array_view(invocation, calldata)?
        && is_array_view(invocation, invocation.result_type(0, 2)?)?)
}

fn is_array_view(invocation: &Invocation<'_, '_, '_>, ty: &ConcreteTypeId) -> Result<bool> {
    Ok(crate::types::layout(invocation.registry(), ty)? == cairn_values_abi::layout::ARRAY_LAYOUT)
}

/// `(gas, system, inputs…)` → success `(gas, system, outputs…)` | failure `(gas, system,
/// Array<felt252>)`, answered by the run's handler: the runtime gets the system pointer, the
/// syscall's kind, the gas slot, a table of input and output slots with their type ids, and
/// the failure slot.
fn state_syscall(invocation: &Invocation<'_, '_, '_>, kind: StateSyscall) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let i64_type = cx.int_type(64);
    let ptr_type = cx.ptr_type();
    let staged = Staged::new(invocation, Ok)?;
    let slots: Vec<_> = (staged.inputs.iter().map(|(slot, _, ty)| (*slot, ty.id)))
        .chain(staged.outputs.iter().map(|(slot, _, ty)| (*slot, ty.id)))
        .collect();
    let count = slots.len().max(1) as u32;
    let table = invocation.alloca(llvm::r#type::array(ptr_type, count), 8)?;
    let ids = invocation.alloca(llvm::r#type::array(i64_type, count), 8)?;
    for (index, (slot, id)) in slots.iter().enumerate() {
        store_at(cx.context, block, table, 8 * index, *slot)?;
        let id = invocation.constant(i64_type, id)?;
        store_at(cx.context, block, ids, 8 * index, id)?;
    }
    let args = [
        staged.system,
        invocation.constant(i64_type, kind as u64)?,
        staged.gas_slot,
        table,
        ids,
        invocation.constant(i64_type, staged.inputs.len())?,
        invocation.constant(i64_type, staged.outputs.len())?,
        staged.failure.0,
    ];
    let status = call_runtime(cx, block, "state_syscall", &args, Some(i64_type))?
        .ok_or_else(|| NativeError::Mlir("runtime state_syscall returned nothing".to_owned()))?;
    let results = staged.results(invocation)?;
    staged.branch(invocation, status, &results)
}

/// A syscall's operands in stack slots: the gas counter and each input (stored), each output
/// and the failure's revert reason (to be written by the runtime).
struct Staged<'c, 'a, 'r> {
    gas_slot: Value<'c, 'a>,
    system: Value<'c, 'a>,
    /// (slot, value, type) of each input.
    inputs: Vec<(Value<'c, 'a>, Value<'c, 'a>, &'r ConcreteTypeId)>,
    /// (slot, MLIR type, type written there) of each output.
    outputs: Vec<(Value<'c, 'a>, Type<'c>, &'r ConcreteTypeId)>,
    failure: (Value<'c, 'a>, Type<'c>),
}

impl<'c, 'a, 'r> Staged<'c, 'a, 'r> {
    /// Stores the gas counter and the inputs; makes a slot for each output, of the type
    /// `slot_type` gives for the output's type, and for the failure.
    fn new(
        invocation: &'r Invocation<'c, 'a, '_>,
        slot_type: impl Fn(&'r ConcreteTypeId) -> Result<&'r ConcreteTypeId>,
    ) -> Result<Self> {
        let cx = invocation.cx;
        let block = &invocation.block;
        let gas_slot = invocation.alloca(cx.int_type(64), 8)?;
        store_at(cx.context, block, gas_slot, 0, invocation.input(0)?)?;
        let mut inputs = Vec::new();
        for index in 2..invocation.inputs.len() {
            let ty = invocation.param_type(index)?;
            let value = invocation.input(index)?;
            let (slot, _) = invocation.alloca_for(ty)?;
            store_at(cx.context, block, slot, 0, value)?;
            inputs.push((slot, value, ty));
        }
        let output_types = invocation
            .result_types
            .first()
            .map(|types| types.get(2..).unwrap_or_default())
            .unwrap_or_default();
        let mut outputs = Vec::new();
        for ty in output_types {
            let ty = slot_type(ty)?;
            let (slot, mlir_type) = invocation.alloca_for(ty)?;
            outputs.push((slot, mlir_type, ty));
        }
        Ok(Self {
            gas_slot,
            system: invocation.input(1)?,
            inputs,
            outputs,
            failure: invocation.alloca_for(invocation.result_type(1, 2)?)?,
        })
    }

    /// After the runtime call: the inputs dropped (the syscall consumed them), then the gas
    /// counter, the system and each output loaded: the success branch's values.
    fn results(&self, invocation: &Invocation<'c, 'a, '_>) -> Result<Vec<Value<'c, 'a>>> {
        let cx = invocation.cx;
        let block = &invocation.block;
        for (_, value, ty) in &self.inputs {
            drop_value(cx, block, *value, ty)?;
        }
        let gas = load_at(cx.context, block, self.gas_slot, 0, cx.int_type(64))?;
        let mut results = vec![gas, self.system];
        for (slot, mlir_type, _) in &self.outputs {
            results.push(load_at(cx.context, block, *slot, 0, *mlir_type)?);
        }
        Ok(results)
    }

    /// Branches on the runtime's `status`: the failure branch with the gas, the system and the
    /// revert reason, or the success branch with `results`.
    fn branch(
        &self,
        invocation: &Invocation<'c, 'a, '_>,
        status: Value<'c, 'a>,
        results: &[Value<'c, 'a>],
    ) -> Result<()> {
        let cx = invocation.cx;
        let block = &invocation.block;
        let i64_type = cx.int_type(64);
        let gas = *results
            .first()
            .ok_or_else(|| NativeError::Mlir("a syscall without its gas result".to_owned()))?;
        let failure = load_at(cx.context, block, self.failure.0, 0, self.failure.1)?;
        let failure_code = invocation.constant(i64_type, FAILURE)?;
        let failed = invocation.push(arith::cmpi(
            cx.context,
            CmpiPredicate::Eq,
            status,
            failure_code,
            invocation.location(),
        ))?;
        invocation.cond_br(
            block,
            failed,
            (1, &[gas, self.system, failure]),
            (0, results),
        )
    }
}

/// `cheatcode<selector>(Span<felt252>) -> Span<felt252>`: the runtime asks the running
/// program's handler (`runtime/cheatcode.rs`); the input span is dropped as consumed.
fn cheatcode(invocation: &Invocation<'_, '_, '_>, selector: &num_bigint::BigInt) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let i64_type = cx.int_type(64);
    let felt_type = cx.int_type(256);
    let selector_slot = invocation.alloca(felt_type, 16)?;
    let selector = invocation.constant(felt_type, super::felt252::felt_constant(selector))?;
    store_at(cx.context, block, selector_slot, 0, selector)?;
    let input_type = invocation.param_type(0)?;
    let input = invocation.input(0)?;
    let (input_slot, _) = invocation.alloca_for(input_type)?;
    store_at(cx.context, block, input_slot, 0, input)?;
    let output_type = invocation.result_type(0, 0)?;
    let (output_slot, output_mlir_type) = invocation.alloca_for(output_type)?;
    let args = [
        selector_slot,
        input_slot,
        invocation.constant(i64_type, input_type.id)?,
        output_slot,
        invocation.constant(i64_type, output_type.id)?,
    ];
    call_runtime(cx, block, "cheatcode", &args, None)?;
    drop_value(cx, block, input, input_type)?;
    let output = load_at(cx.context, block, output_slot, 0, output_mlir_type)?;
    invocation.br(block, 0, &[output])
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
/// Array<felt252>)`, through runtime function `runtime` (given the system pointer, so the run's
/// handler answers). With `optional`, the one output is an
/// `Option`: the runtime writes its payload and says `SUCCESS_NONE` for `None`.
fn syscall(invocation: &Invocation<'_, '_, '_>, runtime: &str, optional: bool) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    let i64_type = cx.int_type(64);
    let staged = Staged::new(invocation, |ty| {
        if optional {
            some_payload(invocation, ty)
        } else {
            Ok(ty)
        }
    })?;
    let mut args = vec![staged.system, staged.gas_slot];
    args.extend(staged.inputs.iter().map(|(slot, _, _)| *slot));
    args.extend(staged.outputs.iter().map(|(slot, _, _)| *slot));
    args.push(staged.failure.0);
    let status = call_runtime(cx, block, runtime, &args, Some(i64_type))?
        .ok_or_else(|| NativeError::Mlir(format!("runtime {runtime} returned nothing")))?;
    let mut results = staged.results(invocation)?;
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
    staged.branch(invocation, status, &results)
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
