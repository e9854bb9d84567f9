//! Calling an entry wrapper: arguments written into an arena with `cairn_values_abi`, results
//! read back from the wrapper's result struct.

use std::ptr::NonNull;

use bumpalo::Bump;
use cairn_values_abi::layout::struct_layout;
use cairn_values_abi::native::free_heap_parts;
use cairn_values_abi::{BuiltinKind, Felt, TypeShape, Value};
use cairo_lang_sierra::extensions::core::CoreTypeConcrete;
use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_lang_sierra::program::{Function, GenericArg};

use cairn_starknet::SyscallHandler;

use crate::error::{NativeError, Result};
use crate::program::ProgramInfo;
use crate::runtime::state_syscalls::SyscallContext;

/// The C signature of every entry wrapper.
pub(crate) type EntryPoint = unsafe extern "C" fn(*mut u8, *const *mut u8);

/// How a call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NativeOutcome {
    /// It returned these values (one per declared return value, panic wrapper removed).
    Success(Vec<Value>),
    /// It panicked with this data.
    Panic(Vec<Felt>),
}

/// What a native call reports: the same facts as the VM backend's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NativeResult {
    /// Values or panic data.
    pub outcome: NativeOutcome,
    /// Gas left at the end, for functions that take the gas counter.
    pub remaining_gas: Option<u64>,
    /// Available gas minus what is left, for programs that count gas.
    pub gas_used: Option<u64>,
}

/// The gas a call starts with.
#[derive(Clone, Copy, Debug)]
pub(crate) enum GasSupply {
    /// For a program that counts gas, the gas available (the function's entry cost is paid
    /// from it; none is an error); a program that does not count gas starts at 0, as on the VM.
    Available(Option<u64>),
    /// The counter starts at this value whatever the program: an executable's entry code gives
    /// its gas counter i64::MAX, which only its syscalls charge.
    Counter(u64),
}

/// Runs the function `name` of `info`'s program: refuses a function left out of a partial
/// compilation, finds its wrapper with `lookup` (the address of a symbol) and calls it.
///
/// The chain-state syscalls go to `handler`; without one, to a standalone Starknet state of the
/// run's own (storage, events and messages that live as long as the run, no other contracts),
/// as cairo-lang-runner's own state answers them on the VM.
pub(crate) fn run_by_name(
    info: &ProgramInfo,
    excluded: &crate::compile::Excluded,
    name: &str,
    args: &[Value],
    gas: GasSupply,
    handler: Option<&mut dyn SyscallHandler>,
    lookup: impl Fn(&str) -> Option<*mut ()>,
) -> Result<NativeResult> {
    let (index, _) = info.function(name)?;
    // Named as the caller named it.
    if let Some(reason) = excluded.get(&index) {
        return Err(NativeError::NotCompiled {
            function: name.to_owned(),
            reason: reason.clone(),
        });
    }
    run_by_index(info, excluded, index, args, gas, handler, lookup)
}

/// [`run_by_name`] for the function at `index` in the program's functions.
pub(crate) fn run_by_index(
    info: &ProgramInfo,
    excluded: &crate::compile::Excluded,
    index: usize,
    args: &[Value],
    gas: GasSupply,
    handler: Option<&mut dyn SyscallHandler>,
    lookup: impl Fn(&str) -> Option<*mut ()>,
) -> Result<NativeResult> {
    let function = info
        .program()
        .funcs
        .get(index)
        .ok_or_else(|| NativeError::NoEntryPoint(format!("function #{index}")))?;
    if let Some(reason) = excluded.get(&index) {
        return Err(NativeError::NotCompiled {
            function: function.id.to_string(),
            reason: reason.clone(),
        });
    }
    let address = lookup(&crate::compile::entry_symbol(index))
        .ok_or_else(|| NativeError::NoEntryPoint(function.id.to_string()))?;
    // SAFETY: every `cairn_entry_N` symbol is a wrapper with the `EntryPoint` signature.
    let entry = unsafe { std::mem::transmute::<*mut (), EntryPoint>(address) };
    let mut standalone;
    let handler = match handler {
        Some(handler) => handler,
        None => {
            standalone = cairn_starknet::StarknetState::standalone();
            &mut standalone
        }
    };
    let mut context = SyscallContext::new(info.registry(), handler);
    // Arguments, results and the syscalls' operands all convert values of this program's
    // types: their shapes and layouts come from the program's memo.
    let result = info.cached_registry().with(|| {
        let running = context.enter();
        // SAFETY: `entry` is the wrapper the code generator emitted for `function`; `context`
        // outlives the call.
        let result = unsafe { invoke(info, entry, function, args, gas, &mut context) };
        drop(running);
        result
    });
    if let Some(panic) = context.take_panic() {
        // The handler panicked inside a syscall: the syscall failed natively; the panic goes on
        // in Rust, where it came from.
        std::panic::resume_unwind(panic);
    }
    if let Some(error) = context.take_cheatcode_error() {
        return Err(NativeError::Cheatcode(error));
    }
    result
}

/// Calls `entry`, the wrapper of `function`, with `args` (one per user parameter).
///
/// # Safety
/// `entry` must be the wrapper the code generator emitted for `function` of `info`'s program.
unsafe fn invoke(
    info: &ProgramInfo,
    entry: EntryPoint,
    function: &Function,
    args: &[Value],
    gas_supply: GasSupply,
    context: &mut SyscallContext<'_>,
) -> Result<NativeResult> {
    let available_gas = match gas_supply {
        GasSupply::Available(available) => available,
        GasSupply::Counter(_) => None,
    };
    let registry = info.registry();
    let arena = Bump::new();
    let mut user_args = args.iter();
    let mut pointers: Vec<*mut u8> = Vec::new();
    let mut initial_gas = None;
    let user_count = info.user_types(&function.signature.param_types).len();
    if user_count != args.len() {
        return Err(NativeError::Arguments(format!(
            "expected {user_count} arguments, got {}",
            args.len()
        )));
    }
    for (position, ty) in function.signature.param_types.iter().enumerate() {
        let pointer = match &*TypeShape::shared(registry, ty)? {
            TypeShape::Builtin(BuiltinKind::Gas) => {
                let gas = match (gas_supply, info.uses_gas()) {
                    (GasSupply::Counter(counter), _) => counter,
                    // As on the VM: a program that does not count gas starts at 0.
                    (GasSupply::Available(_), false) => 0,
                    (GasSupply::Available(None), true) => return Err(NativeError::GasRequired),
                    (GasSupply::Available(Some(available)), true) => {
                        let cost = info.entry_cost(function);
                        let gas = available
                            .checked_sub(cost)
                            .ok_or(NativeError::NotEnoughGasToCall { available, cost })?;
                        initial_gas = Some(gas);
                        gas
                    }
                };
                arena.alloc(gas) as *mut u64 as *mut u8
            }
            TypeShape::Builtin(BuiltinKind::System) => {
                let system = std::ptr::from_mut(&mut *context).cast::<u8>();
                arena.alloc(system) as *mut *mut u8 as *mut u8
            }
            TypeShape::Builtin(_) => arena.alloc(0u64) as *mut u64 as *mut u8,
            _ => {
                let value = user_args.next().ok_or_else(|| {
                    NativeError::Arguments(format!("no value for parameter {position}"))
                })?;
                value
                    .to_ptr(&arena, registry, ty)
                    .map_err(|error| NativeError::Arguments(error.to_string()))?
                    .as_ptr()
            }
        };
        pointers.push(pointer);
    }

    let ret_types = &function.signature.ret_types;
    let (offsets, layout) = struct_layout(registry, ret_types)?;
    let results = arena.alloc_layout(layout);
    // SAFETY: the wrapper reads one argument through each pointer, each written above with the
    // layout of its parameter's type, and writes the return values into `results`, allocated
    // with the layout of the return types' struct.
    unsafe { entry(results.as_ptr(), pointers.as_ptr()) };

    let mut remaining_gas = None;
    let mut values = Vec::new();
    for (ty, offset) in ret_types.iter().zip(offsets) {
        // SAFETY: `offset` is inside the results struct, written by the wrapper.
        let pointer = unsafe { NonNull::new_unchecked(results.as_ptr().add(offset)) };
        match &*TypeShape::shared(registry, ty)? {
            TypeShape::Builtin(BuiltinKind::Gas) => {
                // SAFETY: the gas counter is a u64 at this offset.
                remaining_gas = Some(unsafe { pointer.cast::<u64>().as_ptr().read() });
            }
            TypeShape::Builtin(_) => {}
            _ => {
                // SAFETY: the wrapper stored a value of type `ty` here, whose heap parts are
                // now ours; they are read, then freed once.
                let value = unsafe { Value::from_ptr(pointer, registry, ty) };
                unsafe { free_heap_parts(pointer, registry, ty)? };
                values.push((ty.clone(), value?));
            }
        }
    }

    let outcome = match values.as_slice() {
        [(ty, value)] if is_panic_result(info, ty) => unwrap_panic_result(value)?,
        _ => NativeOutcome::Success(values.into_iter().map(|(_, value)| value).collect()),
    };
    let gas_used = match (available_gas, remaining_gas, initial_gas) {
        (Some(available), Some(remaining), Some(_)) => available.checked_sub(remaining),
        _ => None,
    };
    Ok(NativeResult {
        outcome,
        remaining_gas,
        gas_used,
    })
}

/// `core::panics::PanicResult<…>`, recognised by its debug name as the VM backend does.
fn is_panic_result(info: &ProgramInfo, ty: &ConcreteTypeId) -> bool {
    let Ok(CoreTypeConcrete::Enum(info)) = info.registry().get_type(ty) else {
        return false;
    };
    matches!(
        info.info.long_id.generic_args.first(),
        Some(GenericArg::UserType(user))
            if user.debug_name.as_deref().is_some_and(|name| name.starts_with("core::panics::PanicResult::"))
    )
}

/// `Ok(T)` (variant 0) holds the tuple of return values; `Err((Panic, Array<felt252>))`
/// (variant 1) the panic data.
fn unwrap_panic_result(value: &Value) -> Result<NativeOutcome> {
    let corrupt = || {
        NativeError::Values(cairn_values_abi::ValueError::UnknownType(
            "a panic result of an unexpected shape".to_owned(),
        ))
    };
    let Value::Enum { variant, value } = value else {
        return Err(corrupt());
    };
    if *variant == 0 {
        return Ok(NativeOutcome::Success(match value.as_ref() {
            Value::Struct(members) => members.clone(),
            other => vec![other.clone()],
        }));
    }
    let Value::Struct(members) = value.as_ref() else {
        return Err(corrupt());
    };
    let Some(Value::Array(items)) = members.last() else {
        return Err(corrupt());
    };
    items
        .iter()
        .map(|item| match item {
            Value::Felt252(felt) => Ok(*felt),
            _ => Err(corrupt()),
        })
        .collect::<Result<Vec<_>>>()
        .map(NativeOutcome::Panic)
}
