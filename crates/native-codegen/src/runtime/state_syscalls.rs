//! The chain-state Starknet syscalls (deployments, messages, class replacement, block and class
//! hashes, meta transactions; storage, events, calls and the execution info have typed
//! functions of their own in `typed_syscalls.rs` and `execution_info.rs`, which fall back to
//! this path only for spans not laid out as arrays), answered by a [`SyscallHandler`] through
//! the run's `System` value.
//!
//! Natively the `System` value is a pointer to a [`SyscallContext`] the executor made for the
//! run: the handler, the program's type registry and its execution-info writers. Generated
//! code calls [`state_syscall`] with the syscall's kind, the gas counter, one slot per input and
//! output and the ids of their types; inputs are read and outputs written as
//! `cairn_values_abi::Value`s, so their native layouts are values-abi's, the one definition
//! native code also follows.

use std::any::Any;
use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::ptr::NonNull;

use cairn_starknet::{CheatcodeError, SyscallHandler, SyscallResult};
use cairn_values_abi::array::NativeArray;
use cairn_values_abi::{Registry, TypeShape, Value};
use cairo_lang_sierra::ids::ConcreteTypeId;
use starknet_types_core::felt::Felt;

use super::execution_info::ExecutionInfoWriters;
use super::syscalls::{write_reason, SUCCESS};

/// What a run's `System` value points at natively.
pub struct SyscallContext<'a> {
    pub(crate) registry: &'a Registry,
    /// How the program writes its execution-info types (none for a context made without its
    /// program: a writer is then made for each call).
    pub(crate) execution_info_writers: Option<&'a ExecutionInfoWriters>,
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
            execution_info_writers: None,
            handler,
            panic: None,
            cheatcode_error: None,
        }
    }

    /// A context for one run of `program`, whose execution-info writers it keeps.
    pub(crate) fn for_program(
        program: &'a crate::ProgramInfo,
        handler: &'a mut dyn SyscallHandler,
    ) -> Self {
        Self {
            execution_info_writers: Some(&program.execution_info_writers),
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

/// The syscalls [`state_syscall`] answers, by the number generated code passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub(crate) enum StateSyscall {
    GetBlockHash = 0,
    EmitEvent = 1,
    SendMessageToL1 = 2,
    Deploy = 3,
    CallContract = 4,
    LibraryCall = 5,
    ReplaceClass = 6,
    GetClassHashAt = 7,
    MetaTxV0 = 8,
}

impl StateSyscall {
    const ALL: [StateSyscall; 9] = [
        StateSyscall::GetBlockHash,
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
                // SAFETY: the slot is writable for a value of type `ty` (contract above).
                if let Err(error) = unsafe { value.write_to(slot, registry, ty) } {
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
pub(crate) struct FailureSlot(*mut NativeArray);

impl FailureSlot {
    /// # Safety
    /// `slot` is writable for an array while this lives.
    pub(crate) unsafe fn new(slot: *mut NativeArray) -> Self {
        Self(slot)
    }

    /// A syscall Cairn could not carry out (a malformed value, a type it did not expect): the
    /// contract sees a failure naming it.
    pub(crate) fn internal(&self, message: &str) -> u64 {
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
pub(crate) fn span_of_shape(
    items: Value,
    ty: &ConcreteTypeId,
    registry: &Registry,
) -> Result<Value, String> {
    match &*TypeShape::shared(registry, ty).map_err(|error| error.to_string())? {
        TypeShape::Struct { .. } => Ok(Value::Struct(vec![items])),
        _ => Ok(items),
    }
}
