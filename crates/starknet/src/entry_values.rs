//! An entry point's argument and result as `cairn_values_abi::Value`s, the form both backends
//! run functions with.

use cairn_values_abi::Value;
use starknet_types_core::felt::Felt;

use crate::error::StarknetError;
use crate::syscalls::CallOutcome;

/// The one argument of an entry point's wrapper: the calldata as a `Span<felt252>` (a struct
/// holding the array's snapshot).
pub fn calldata_value(calldata: &[Felt]) -> Value {
    Value::Struct(vec![Value::Array(
        calldata.iter().copied().map(Value::Felt252).collect(),
    )])
}

/// How an entry point ended, from what a backend read back: its `(Span<felt252>,)` result with
/// the panic wrapper removed, or the wrapper's `PanicResult` itself when its name is unknown.
/// `None` when the values are neither.
pub fn outcome_from_values(values: &[Value]) -> Option<CallOutcome> {
    match values {
        [tuple @ Value::Struct(_)] => felts_in(tuple).map(CallOutcome::Success),
        // `Ok((retdata,))` or `Err((Panic, data))`.
        [Value::Enum { variant: 0, value }] => felts_in(value).map(CallOutcome::Success),
        [Value::Enum { variant: 1, value }] => felts_in(value).map(CallOutcome::Revert),
        _ => None,
    }
}

/// The felts of the array in `value`, through structs (tuples, spans) and the unit `Panic`.
fn felts_in(value: &Value) -> Option<Vec<Felt>> {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Felt252(felt) => Some(*felt),
                _ => None,
            })
            .collect(),
        Value::Struct(members) => members.iter().rev().find_map(felts_in),
        _ => None,
    }
}

/// How an entry point ended, from a backend's outcome: its panic data, or the values it
/// returned (see [`outcome_from_values`]).
pub fn entry_point_outcome(
    returned: Result<Vec<Value>, Vec<Felt>>,
) -> Result<CallOutcome, StarknetError> {
    let outcome = match returned {
        Err(panic_data) => Some(CallOutcome::Revert(panic_data)),
        Ok(values) => outcome_from_values(&values),
    };
    outcome.ok_or_else(|| {
        StarknetError::Execution(
            "the entry point's result is not the wrapper's PanicResult of felts".to_owned(),
        )
    })
}
