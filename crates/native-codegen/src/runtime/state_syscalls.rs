//! The chain-state Starknet syscalls (calls, deployments, events, messages, execution info, block
//! and class hashes; storage has typed functions of its own in `storage.rs`), answered by a [`SyscallHandler`] through the run's `System`
//! value.
//!
//! Natively the `System` value is a pointer to a [`SyscallContext`] the executor made for the
//! run: the handler and the program's type registry. Generated code calls [`state_syscall`] with
//! the syscall's kind, the gas counter, one slot per input and output and the ids of their types;
//! inputs are read and outputs written as `cairn_values_abi::Value`s, so their native layouts are
//! values-abi's, the one definition native code also follows.

use std::any::Any;
use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex, PoisonError};

use cairn_starknet::{CheatcodeError, ExecutionInfo, SyscallHandler, SyscallResult};
use cairn_values_abi::array::NativeArray;
use cairn_values_abi::{Registry, TypeShape, Value};
use cairo_lang_sierra::ids::ConcreteTypeId;
use starknet_types_core::felt::Felt;

use super::syscalls::{write_reason, SUCCESS};

/// What a run's `System` value points at natively.
pub struct SyscallContext<'a> {
    pub(crate) registry: &'a Registry,
    /// The program's execution-info types checked so far (none for a context made without
    /// its program: each value is then checked as it is written).
    checked_execution_info: Option<&'a CheckedExecutionInfo>,
    handler: &'a mut dyn SyscallHandler,
    /// A panic of the handler, raised again once the run is back in Rust.
    panic: Option<Box<dyn Any + Send>>,
    /// A cheatcode the handler refused: the run's error once it is back in Rust.
    cheatcode_error: Option<CheatcodeError>,
}

thread_local! {
    /// The context of the innermost run on this thread: what the `cheatcode` libfunc, which
    /// has no `System` operand, reaches its handler through.
    static RUNNING: Cell<*mut SyscallContext<'static>> = const { Cell::new(std::ptr::null_mut()) };
}

/// Marks a context as the running one until dropped, then restores the one before (a nested
/// call's run ends before its caller's).
pub(crate) struct RunningContext {
    previous: *mut SyscallContext<'static>,
}

impl Drop for RunningContext {
    fn drop(&mut self) {
        RUNNING.with(|running| running.set(self.previous));
    }
}

impl<'a> SyscallContext<'a> {
    /// A context for one run of a program with `registry`, its syscalls going to `handler`.
    pub fn new(registry: &'a Registry, handler: &'a mut dyn SyscallHandler) -> Self {
        Self {
            registry,
            checked_execution_info: None,
            handler,
            panic: None,
            cheatcode_error: None,
        }
    }

    /// A context for one run of `program`, whose execution-info types, once checked, are
    /// written without a check per call.
    pub(crate) fn for_program(
        program: &'a crate::ProgramInfo,
        handler: &'a mut dyn SyscallHandler,
    ) -> Self {
        Self {
            checked_execution_info: Some(&program.checked_execution_info),
            ..Self::new(program.registry(), handler)
        }
    }

    /// Makes this the thread's running context while the guard lives; the caller keeps the
    /// context alive and in place that long.
    pub(crate) fn enter(&mut self) -> RunningContext {
        // The lifetime is erased: the pointer is only dereferenced while the guard lives.
        let this = std::ptr::from_mut(self).cast::<SyscallContext<'static>>();
        RunningContext {
            previous: RUNNING.with(|running| running.replace(this)),
        }
    }

    /// The thread's running context, if a run is in progress.
    ///
    /// # Safety
    /// Called from code that a run with a live [`RunningContext`] guard is executing, and no
    /// other reference to the context is used meanwhile.
    pub(crate) unsafe fn running<'r>() -> Option<&'r mut SyscallContext<'static>> {
        let pointer = RUNNING.with(Cell::get);
        // SAFETY: per the contract above, the pointer is null or the live running context.
        unsafe { pointer.as_mut() }
    }

    /// Keeps the first refused cheatcode of the run.
    pub(crate) fn refuse_cheatcode(&mut self, error: CheatcodeError) {
        self.cheatcode_error.get_or_insert(error);
    }

    /// The cheatcode the handler refused during the run, if any.
    pub fn take_cheatcode_error(&mut self) -> Option<CheatcodeError> {
        self.cheatcode_error.take()
    }

    /// Runs `call` on the handler; `None` when the handler panicked (the panic is kept, to be
    /// raised again once the run is back in Rust, and the syscall fails meanwhile).
    pub(crate) fn with_handler<R>(
        &mut self,
        call: impl FnOnce(&mut dyn SyscallHandler) -> R,
    ) -> Option<R> {
        let handler = &mut *self.handler;
        match std::panic::catch_unwind(AssertUnwindSafe(|| call(handler))) {
            Ok(answer) => Some(answer),
            Err(panic) => {
                self.panic = Some(panic);
                None
            }
        }
    }

    /// The handler's panic during the run, if it panicked (the syscall failed instead).
    pub fn take_panic(&mut self) -> Option<Box<dyn Any + Send>> {
        self.panic.take()
    }
}

/// The execution-info types of one program that [`execution_info_value`] was checked against:
/// a type is checked once, with a sample holding an element in every span, after which its
/// values (whose shape depends on the type alone) are written without `Value::write_to`'s
/// check, which cost as much as the write on every `get_caller_address`.
#[derive(Default)]
pub(crate) struct CheckedExecutionInfo(Mutex<Vec<u64>>);

impl CheckedExecutionInfo {
    /// Whether `ty` was checked, checking it now if not; `Err` when its values do not fit it.
    fn check(&self, ty: &ConcreteTypeId, registry: &Registry) -> Result<(), String> {
        let lock = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if lock().contains(&ty.id) {
            return Ok(());
        }
        let sample = sample_execution_info();
        let value = execution_info_value(&sample, ty, registry)?;
        cairn_values_abi::json::check(&value, ty, registry, "execution info")
            .map_err(|error| error.to_string())?;
        lock().push(ty.id);
        Ok(())
    }
}

/// An execution info with one element in each of its lists, so that a check of its value
/// covers every element type.
fn sample_execution_info() -> ExecutionInfo {
    let mut info = ExecutionInfo::default();
    let tx = &mut info.tx_info;
    tx.signature = vec![Felt::ONE];
    tx.resource_bounds = vec![Default::default()];
    tx.paymaster_data = vec![Felt::ONE];
    tx.account_deployment_data = vec![Felt::ONE];
    tx.proof_facts = vec![Felt::ONE];
    info
}

/// The syscalls [`state_syscall`] answers, by the number generated code passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub(crate) enum StateSyscall {
    GetBlockHash = 0,
    GetExecutionInfo = 1,
    EmitEvent = 2,
    SendMessageToL1 = 3,
    Deploy = 4,
    CallContract = 5,
    LibraryCall = 6,
    ReplaceClass = 7,
    GetClassHashAt = 8,
    MetaTxV0 = 9,
}

impl StateSyscall {
    const ALL: [StateSyscall; 10] = [
        StateSyscall::GetBlockHash,
        StateSyscall::GetExecutionInfo,
        StateSyscall::EmitEvent,
        StateSyscall::SendMessageToL1,
        StateSyscall::Deploy,
        StateSyscall::CallContract,
        StateSyscall::LibraryCall,
        StateSyscall::ReplaceClass,
        StateSyscall::GetClassHashAt,
        StateSyscall::MetaTxV0,
    ];

    fn from_number(number: u64) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| *kind as u64 == number)
    }
}

/// Answers one state syscall.
///
/// `slots[..inputs]` point at the inputs, `slots[inputs..inputs + outputs]` at the outputs'
/// slots, and `type_ids` gives each one's concrete type id. Returns [`SUCCESS`] with the
/// outputs written, or [`FAILURE`] with the revert reason in `failure`.
///
/// # Safety
/// `system` is null or the `SyscallContext` of the running program; `gas` is its counter;
/// `slots` and `type_ids` hold `inputs + outputs` entries; each input slot holds a value of its
/// type, each output slot is writable for one; `failure` is writable for an array.
pub(crate) unsafe extern "C" fn state_syscall(
    system: *mut SyscallContext<'_>,
    kind: u64,
    gas: *mut u64,
    slots: *const *mut u8,
    type_ids: *const u64,
    inputs: u64,
    outputs: u64,
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above.
    let (context, gas) = unsafe {
        if system.is_null() {
            return write_reason(failure, &[b"no syscall handler".as_slice()]);
        }
        (&mut *system, &mut *gas)
    };
    // SAFETY: `failure` is writable for an array (contract above).
    let failed = unsafe { FailureSlot::new(failure) };
    let count = (inputs + outputs) as usize;
    // SAFETY: per the contract above, both arrays have `count` entries.
    let (slots, ids) = unsafe {
        (
            std::slice::from_raw_parts(slots, count),
            std::slice::from_raw_parts(type_ids, count),
        )
    };
    let types: Vec<ConcreteTypeId> = ids.iter().map(|id| ConcreteTypeId::new(*id)).collect();
    let (input_slots, output_slots) = slots.split_at(inputs as usize);
    let (input_types, output_types) = types.split_at(inputs as usize);
    let registry = context.registry;
    let mut values = Vec::with_capacity(input_slots.len());
    for (slot, ty) in input_slots.iter().zip(input_types) {
        let Some(slot) = NonNull::new(*slot) else {
            return failed.internal("a null input slot");
        };
        // SAFETY: the slot holds a value of type `ty` (contract above); it is only read.
        match unsafe { Value::from_ptr(slot, registry, ty) } {
            Ok(value) => values.push(value),
            Err(error) => return failed.internal(&error.to_string()),
        }
    }
    let Some(kind) = StateSyscall::from_number(kind) else {
        return failed.internal("an unknown state syscall");
    };
    // An execution info of a checked type is written without a check (see
    // `CheckedExecutionInfo`); every other output is checked as it is written.
    let trusted = match (kind, context.checked_execution_info, output_types.first()) {
        (StateSyscall::GetExecutionInfo, Some(checked), Some(ty)) => {
            match checked.check(ty, registry) {
                Ok(()) => true,
                Err(message) => return failed.internal(&message),
            }
        }
        _ => false,
    };
    let answer = context
        .with_handler(|handler| call_handler(handler, kind, &values, output_types, registry, gas));
    let Some(answer) = answer else {
        // SAFETY: `failure` is writable for an array (contract above).
        return unsafe { write_reason(failure, &[b"syscall handler panicked".as_slice()]) };
    };
    match answer {
        Ok(Ok(results)) => {
            for ((value, slot), ty) in results.iter().zip(output_slots).zip(output_types) {
                let Some(slot) = NonNull::new(*slot) else {
                    return failed.internal("a null output slot");
                };
                // SAFETY: the slot is writable for a value of type `ty` (contract above); a
                // trusted value is of type `ty`, as the check of its type showed.
                let written = unsafe {
                    if trusted {
                        value.write_to_unchecked(slot, registry, ty)
                    } else {
                        value.write_to(slot, registry, ty)
                    }
                };
                if let Err(error) = written {
                    return failed.internal(&error.to_string());
                }
            }
            SUCCESS
        }
        // SAFETY: `failure` is writable for an array (contract above).
        Ok(Err(reason)) => unsafe { felts_reason(failure, &reason) },
        Err(message) => failed.internal(&message),
    }
}

/// The running syscall's failure slot, known to be writable for an array.
struct FailureSlot(*mut NativeArray);

impl FailureSlot {
    /// # Safety
    /// `slot` is writable for an array while this lives.
    unsafe fn new(slot: *mut NativeArray) -> Self {
        Self(slot)
    }

    /// A syscall Cairn could not carry out (a malformed value, a type it did not expect): the
    /// contract sees a failure naming it.
    fn internal(&self, message: &str) -> u64 {
        let text = format!("cairn: {message}");
        let chunks: Vec<&[u8]> = text.as_bytes().chunks(31).collect();
        // SAFETY: the slot is writable for an array (contract of `new`).
        unsafe { write_reason(self.0, &chunks) }
    }
}

/// Writes `reason` as a new `Array<felt252>` into `failure`; returns `FAILURE`.
///
/// # Safety
/// `failure` is writable for an array.
pub(crate) unsafe fn felts_reason(failure: *mut NativeArray, reason: &[Felt]) -> u64 {
    let bytes: Vec<[u8; 32]> = reason.iter().map(|felt| felt.to_bytes_be()).collect();
    let words: Vec<&[u8]> = bytes
        .iter()
        .map(|word| {
            let first = word.iter().position(|byte| *byte != 0).unwrap_or(32);
            &word[first..]
        })
        .collect();
    // SAFETY: forwarded from the caller.
    unsafe { write_reason(failure, &words) }
}

/// Runs the handler's method for `kind` on the input values; the outputs as values of
/// `output_types`, or the revert reason, or a message when an input is not what it should be.
fn call_handler(
    handler: &mut dyn SyscallHandler,
    kind: StateSyscall,
    inputs: &[Value],
    output_types: &[ConcreteTypeId],
    registry: &Registry,
    gas: &mut u64,
) -> Result<SyscallResult<Vec<Value>>, String> {
    let felt = |index: usize| felt_at(inputs, index);
    let span = |index: usize| span_at(inputs, index);
    let span_out =
        |felts: Vec<Felt>, index: usize| span_value(felts, output_types, index, registry);
    Ok(match kind {
        StateSyscall::GetBlockHash => {
            let number = match inputs.first() {
                Some(Value::U64(number)) => *number,
                other => return Err(format!("a block number, not {other:?}")),
            };
            handler
                .get_block_hash(number, gas)
                .map(|hash| vec![Value::Felt252(hash)])
        }
        StateSyscall::GetExecutionInfo => match handler.get_execution_info(gas) {
            Ok(info) => {
                let ty = output_types
                    .first()
                    .ok_or("get_execution_info has no output")?;
                Ok(vec![execution_info_value(&info, ty, registry)?])
            }
            Err(reason) => Err(reason),
        },
        StateSyscall::EmitEvent => handler
            .emit_event(&span(0)?, &span(1)?, gas)
            .map(|()| Vec::new()),
        StateSyscall::SendMessageToL1 => handler
            .send_message_to_l1(felt(0)?, &span(1)?, gas)
            .map(|()| Vec::new()),
        StateSyscall::Deploy => {
            let from_zero = match inputs.get(3) {
                Some(Value::Enum { variant, .. }) => *variant == 1,
                other => return Err(format!("a bool, not {other:?}")),
            };
            match handler.deploy(felt(0)?, felt(1)?, &span(2)?, from_zero, gas) {
                Ok((address, retdata)) => Ok(vec![Value::Felt252(address), span_out(retdata, 1)?]),
                Err(reason) => Err(reason),
            }
        }
        StateSyscall::CallContract | StateSyscall::LibraryCall => {
            let result = if kind == StateSyscall::CallContract {
                handler.call_contract(felt(0)?, felt(1)?, &span(2)?, gas)
            } else {
                handler.library_call(felt(0)?, felt(1)?, &span(2)?, gas)
            };
            match result {
                Ok(retdata) => Ok(vec![span_out(retdata, 0)?]),
                Err(reason) => Err(reason),
            }
        }
        StateSyscall::ReplaceClass => handler.replace_class(felt(0)?, gas).map(|()| Vec::new()),
        StateSyscall::GetClassHashAt => handler
            .get_class_hash_at(felt(0)?, gas)
            .map(|hash| vec![Value::Felt252(hash)]),
        StateSyscall::MetaTxV0 => {
            match handler.meta_tx_v0(felt(0)?, felt(1)?, &span(2)?, &span(3)?, gas) {
                Ok(retdata) => Ok(vec![span_out(retdata, 0)?]),
                Err(reason) => Err(reason),
            }
        }
    })
}

fn felt_at(inputs: &[Value], index: usize) -> Result<Felt, String> {
    match inputs.get(index) {
        Some(Value::Felt252(felt)) => Ok(*felt),
        other => Err(format!("a felt252 input, not {other:?}")),
    }
}

/// The felts of a `Span<felt252>` input (the corelib struct or the legacy span).
pub(crate) fn span_at(inputs: &[Value], index: usize) -> Result<Vec<Felt>, String> {
    let items = match inputs.get(index) {
        Some(Value::Array(items)) => items,
        Some(Value::Struct(members)) => match members.as_slice() {
            [Value::Array(items)] => items,
            other => return Err(format!("a span, not {other:?}")),
        },
        other => return Err(format!("a span input, not {other:?}")),
    };
    items
        .iter()
        .map(|item| match item {
            Value::Felt252(felt) => Ok(*felt),
            other => Err(format!("a felt252 in a span, not {other:?}")),
        })
        .collect()
}

/// `felts` as a value of the span type `types[index]`.
fn span_value(
    felts: Vec<Felt>,
    types: &[ConcreteTypeId],
    index: usize,
    registry: &Registry,
) -> Result<Value, String> {
    let ty = types.get(index).ok_or("a span output is missing")?;
    let items = Value::Array(felts.into_iter().map(Value::Felt252).collect());
    span_of_shape(items, ty, registry)
}

/// An array value as a value of `ty`: the array itself for the legacy span, or the corelib
/// `Span` struct around it.
fn span_of_shape(items: Value, ty: &ConcreteTypeId, registry: &Registry) -> Result<Value, String> {
    match &*TypeShape::shared(registry, ty).map_err(|error| error.to_string())? {
        TypeShape::Struct { .. } => Ok(Value::Struct(vec![items])),
        _ => Ok(items),
    }
}

/// The struct type `ty` (through boxes): its shape, whose members the caller reads.
fn struct_shape(ty: &ConcreteTypeId, registry: &Registry) -> Result<Arc<TypeShape>, String> {
    let shape = TypeShape::shared(registry, ty).map_err(|error| error.to_string())?;
    match &*shape {
        TypeShape::Box(inner) => struct_shape(inner, registry),
        TypeShape::Struct { .. } => Ok(shape),
        other => Err(format!("expected a struct, found {other:?}")),
    }
}

/// The members of a shape [`struct_shape`] gave.
fn members_of(shape: &TypeShape) -> &[ConcreteTypeId] {
    match shape {
        TypeShape::Struct { members, .. } => members,
        _ => &[],
    }
}

/// `info` as a value of the corelib's `Box<ExecutionInfo>` type `ty`, whichever version: each
/// version's transaction info is a prefix of the next, so the members the type has are taken.
fn execution_info_value(
    info: &ExecutionInfo,
    ty: &ConcreteTypeId,
    registry: &Registry,
) -> Result<Value, String> {
    let shape = struct_shape(ty, registry)?;
    let [block_ty, tx_ty, ..] = members_of(&shape) else {
        return Err("ExecutionInfo has fewer members than expected".to_owned());
    };
    let block = &info.block_info;
    let block_value = Value::Struct(vec![
        Value::U64(block.block_number),
        Value::U64(block.block_timestamp),
        Value::Felt252(block.sequencer_address),
    ]);
    let block_members = members_of(&*struct_shape(block_ty, registry)?).len();
    let tx_shape = struct_shape(tx_ty, registry)?;
    let tx_members = members_of(&tx_shape);
    let tx = &info.tx_info;
    let felts = |items: &[Felt]| Value::Array(items.iter().copied().map(Value::Felt252).collect());
    let bounds = Value::Array(
        tx.resource_bounds
            .iter()
            .map(|bound| {
                Value::Struct(vec![
                    Value::Felt252(bound.resource),
                    Value::U64(bound.max_amount),
                    Value::U128(bound.max_price_per_unit),
                ])
            })
            .collect(),
    );
    // The v3 transaction info in order; a span's array is wrapped to its member's type below.
    let all: Vec<(Value, bool)> = vec![
        (Value::Felt252(tx.version), false),
        (Value::Felt252(tx.account_contract_address), false),
        (Value::U128(tx.max_fee), false),
        (felts(&tx.signature), true),
        (Value::Felt252(tx.transaction_hash), false),
        (Value::Felt252(tx.chain_id), false),
        (Value::Felt252(tx.nonce), false),
        (bounds, true),
        (Value::U128(tx.tip), false),
        (felts(&tx.paymaster_data), true),
        (Value::U32(tx.nonce_data_availability_mode), false),
        (Value::U32(tx.fee_data_availability_mode), false),
        (felts(&tx.account_deployment_data), true),
        (felts(&tx.proof_facts), true),
    ];
    if tx_members.len() > all.len() || block_members != 3 {
        return Err(format!(
            "an ExecutionInfo of {} transaction members and {block_members} block members",
            tx_members.len()
        ));
    }
    let tx_value = Value::Struct(
        all.into_iter()
            .zip(tx_members)
            .map(|((value, is_span), member)| {
                if is_span {
                    span_of_shape(value, member, registry)
                } else {
                    Ok(value)
                }
            })
            .collect::<Result<_, String>>()?,
    );
    Ok(Value::Struct(vec![
        block_value,
        tx_value,
        Value::Felt252(info.caller_address),
        Value::Felt252(info.contract_address),
        Value::Felt252(info.entry_point_selector),
    ]))
}
