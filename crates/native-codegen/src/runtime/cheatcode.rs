//! The `cheatcode` libfunc of `starknet::testing` natively: the selector and the input span go
//! to the running program's handler ([`cairn_starknet::SyscallHandler::cheatcode`]), reached
//! through the thread's running [`SyscallContext`] (the libfunc has no `System` operand); the
//! answer comes back as a new span.

use std::ptr::NonNull;

use cairn_values_abi::array::NativeArray;
use cairn_values_abi::Value;
use cairo_lang_sierra::ids::ConcreteTypeId;
use starknet_types_core::felt::Felt;

use super::state_syscalls::{span_at, SyscallContext};

/// Answers one cheatcode: `selector` (a felt, 32 little-endian bytes), the input span at
/// `input` (of type `input_type`); the answer written as a span of type `output_type` at
/// `output`. A cheatcode the handler refuses is kept in the context, ending the run with an
/// error once it is back in Rust; meanwhile the answer is empty.
///
/// # Safety
/// Called by code a run is executing; `selector` points at a felt, `input` at a value of
/// `input_type` (read, not consumed), `output` is writable for a value of `output_type`; both
/// types are `Span<felt252>`.
pub(crate) unsafe extern "C" fn cheatcode(
    selector: *const [u8; 32],
    input: *mut u8,
    input_type: u64,
    output: *mut u8,
    output_type: u64,
) {
    // SAFETY: called by running code (contract above).
    let Some(context) = (unsafe { SyscallContext::running() }) else {
        // No run is in progress: nothing to answer with; an empty span.
        // SAFETY: `output` is writable for a span, which is laid out as an array.
        unsafe { output.cast::<NativeArray>().write(NativeArray::EMPTY) };
        return;
    };
    let registry = context.registry;
    // SAFETY: `selector` points at a felt (contract above).
    let selector = Felt::from_bytes_le(unsafe { &*selector });
    let input = NonNull::new(input).and_then(|input| {
        // SAFETY: `input` holds a value of `input_type` (contract above); it is only read.
        let value = unsafe { Value::from_ptr(input, registry, &ConcreteTypeId::new(input_type)) };
        value
            .ok()
            .and_then(|value| span_at(std::slice::from_ref(&value), 0).ok())
    });
    let answer = match input {
        Some(felts) => context
            .with_handler(|handler| handler.cheatcode(selector, &felts))
            .unwrap_or_else(|| Ok(Vec::new())),
        None => Err(cairn_starknet::CheatcodeError::InvalidArgs {
            name: "cheatcode",
            reason: "the input is not a span of felts".to_owned(),
        }),
    };
    let answer = answer.unwrap_or_else(|error| {
        context.refuse_cheatcode(error);
        Vec::new()
    });
    let value = cairn_starknet::calldata_value(&answer);
    let written = NonNull::new(output).map(|output| {
        // SAFETY: `output` is writable for a value of `output_type` (contract above).
        unsafe { value.write_to(output, registry, &ConcreteTypeId::new(output_type)) }
    });
    if !matches!(written, Some(Ok(()))) {
        context.refuse_cheatcode(cairn_starknet::CheatcodeError::InvalidArgs {
            name: "cheatcode",
            reason: "its answer could not be written".to_owned(),
        });
        if !output.is_null() {
            // SAFETY: as above; an empty span is always valid.
            unsafe { output.cast::<NativeArray>().write(NativeArray::EMPTY) };
        }
    }
}
