//! Calling an entry wrapper: arguments written into an arena with `cairn_values_abi`, results
//! read back from the wrapper's result struct.

use std::alloc::Layout;
use std::collections::BTreeMap;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex, PoisonError};

use bumpalo::Bump;
use cairn_values_abi::felt_arrays::{FeltArrayEnum, FeltArrayPath};
use cairn_values_abi::layout::struct_layout;
use cairn_values_abi::native::free_heap_parts;
use cairn_values_abi::{BuiltinKind, Felt, TypeShape, Value};
use cairo_lang_sierra::extensions::core::CoreTypeConcrete;
use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_lang_sierra::program::{Function, GenericArg};

use cairn_starknet::{CallOutcome, SyscallHandler};

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

/// What a native call reports: the same facts as the VM backend's result. Its outcome is a
/// [`NativeOutcome`], or for a contract entry point run by felts (`run_entry_point`) a
/// [`CallOutcome`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NativeResult<Outcome = NativeOutcome> {
    /// Values or panic data.
    pub outcome: Outcome,
    /// Gas left at the end, for functions that take the gas counter.
    pub remaining_gas: Option<u64>,
    /// Available gas minus what is left, for programs that count gas.
    pub gas_used: Option<u64>,
    /// Builtin instances the run used, by the name the VM reports them under (`range_check`,
    /// `pedersen`…; unused builtins are absent), as the VM backend counts them; `None` when the
    /// code does not count them (see [`ProgramInfo::counts_builtins`]).
    pub builtins: Option<BTreeMap<&'static str, usize>>,
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

/// The values a call passes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arguments<'a> {
    /// One per user parameter.
    Values(&'a [Value]),
    /// A contract entry point's calldata: the felts of its one user parameter, a felt array
    /// in wrappers (`Span<felt252>` in a struct; see [`FeltArrayPath`]).
    Calldata(&'a [Felt]),
}

impl Arguments<'_> {
    fn count(&self) -> usize {
        match self {
            Arguments::Values(values) => values.len(),
            Arguments::Calldata(_) => 1,
        }
    }
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
    run_by_index(
        info,
        excluded,
        index,
        Arguments::Values(args),
        gas,
        handler,
        lookup,
    )
}

/// [`run_by_name`] for the function at `index` in the program's functions, its values read
/// back as `Outcome` says (`Value`s, or a contract entry point's felts).
pub(crate) fn run_by_index<Outcome: ReadOutcome>(
    info: &ProgramInfo,
    excluded: &crate::compile::Excluded,
    index: usize,
    args: Arguments<'_>,
    gas: GasSupply,
    handler: Option<&mut dyn SyscallHandler>,
    lookup: impl Fn(&str) -> Option<*mut ()>,
) -> Result<NativeResult<Outcome>> {
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
    let plan = info
        .call_plans
        .get_or_make(index, || CallPlan::new(info, index, function, &lookup))?;
    let mut standalone;
    let handler = match handler {
        Some(handler) => handler,
        None => {
            standalone = cairn_starknet::StarknetState::standalone();
            &mut standalone
        }
    };
    let mut context = SyscallContext::for_program(info, handler);
    // Arguments, results and the syscalls' operands all convert values of this program's
    // types: their shapes and layouts come from the program's memo.
    let result = info.cached_registry().with(|| {
        let running = context.enter();
        // SAFETY: the plan's entry is the wrapper the code generator emitted for `function`;
        // `context` outlives the call.
        let result = unsafe { invoke(info, &plan, function, args, gas, &mut context) };
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

/// What one parameter of an entry wrapper takes.
enum Parameter {
    /// The gas counter.
    Gas,
    /// The system pointer: the syscall context.
    System,
    /// Another builtin's pointer (unused natively).
    OtherBuiltin,
    /// A value the caller passes, of this type.
    Value(ConcreteTypeId),
}

/// What one return value of an entry wrapper is.
enum Returned {
    /// The gas counter left.
    Gas,
    /// A builtin's counter: the instances used, under the builtin's VM name (`None` for one
    /// the VM does not count).
    Builtin(Option<&'static str>),
    /// A value for the caller, of this type.
    Value(ConcreteTypeId),
}

/// How to call one function: its wrapper's address, what each parameter takes and where each
/// return value lies. Worked out at the function's first call from the program's types, which
/// never change, so that a contract making thousands of calls does not ask the registry (nor
/// look the symbol up) for each.
pub(crate) struct CallPlan {
    entry: EntryPoint,
    parameters: Vec<Parameter>,
    /// How many parameters the caller passes values for.
    values_passed: usize,
    /// Each return value with its offset in the wrapper's results struct.
    returned: Vec<(Returned, usize)>,
    results_layout: Layout,
    /// Whether the only return value is a `PanicResult`, unwrapped for the caller.
    panic_result: bool,
    /// Where the one user parameter keeps its felts, when it is a felt array in wrappers (a
    /// contract entry point's calldata).
    calldata: Option<FeltArrayPath>,
    /// How to read the `PanicResult` returned as a variant and felts, when each of its
    /// variants is a felt array in wrappers (a contract entry point's result).
    felt_result: Option<FeltArrayEnum>,
}

impl CallPlan {
    fn new(
        info: &ProgramInfo,
        index: usize,
        function: &Function,
        lookup: impl Fn(&str) -> Option<*mut ()>,
    ) -> Result<Self> {
        let registry = info.registry();
        let address = lookup(&crate::compile::entry_symbol(index))
            .ok_or_else(|| NativeError::NoEntryPoint(function.id.to_string()))?;
        // SAFETY: every `cairn_entry_N` symbol is a wrapper with the `EntryPoint` signature.
        let entry = unsafe { std::mem::transmute::<*mut (), EntryPoint>(address) };
        let parameters = function
            .signature
            .param_types
            .iter()
            .map(|ty| {
                Ok(match &*TypeShape::shared(registry, ty)? {
                    TypeShape::Builtin(BuiltinKind::Gas) => Parameter::Gas,
                    TypeShape::Builtin(BuiltinKind::System) => Parameter::System,
                    TypeShape::Builtin(_) => Parameter::OtherBuiltin,
                    _ => Parameter::Value(ty.clone()),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let values_passed = info.user_types(&function.signature.param_types).len();
        let ret_types = &function.signature.ret_types;
        let (offsets, results_layout) = struct_layout(registry, ret_types)?;
        let returned = ret_types
            .iter()
            .zip(offsets)
            .map(|(ty, offset)| {
                let returned = match &*TypeShape::shared(registry, ty)? {
                    TypeShape::Builtin(BuiltinKind::Gas) => Returned::Gas,
                    TypeShape::Builtin(kind) => {
                        Returned::Builtin(kind.vm_builtin().map(|(name, _)| name))
                    }
                    _ => Returned::Value(ty.clone()),
                };
                Ok((returned, offset))
            })
            .collect::<Result<Vec<_>>>()?;
        let values: Vec<_> = returned
            .iter()
            .filter_map(|(returned, _)| match returned {
                Returned::Value(ty) => Some(ty),
                _ => None,
            })
            .collect();
        let panic_result = matches!(values.as_slice(), [ty] if is_panic_result(info, ty));
        // The felt paths are shortcuts: a type they cannot work out takes the `Value` path,
        // which reports its own errors, and only when such a value is passed or returned.
        let felt_result = match values.as_slice() {
            [ty] if panic_result => FeltArrayEnum::of(registry, ty).ok().flatten(),
            _ => None,
        };
        let mut user_parameters = parameters.iter().filter_map(|parameter| match parameter {
            Parameter::Value(ty) => Some(ty),
            _ => None,
        });
        let calldata = match (user_parameters.next(), user_parameters.next()) {
            (Some(ty), None) => FeltArrayPath::of(registry, ty).ok().flatten(),
            _ => None,
        };
        Ok(Self {
            entry,
            parameters,
            values_passed,
            returned,
            results_layout,
            panic_result,
            calldata,
            felt_result,
        })
    }
}

/// The call plans of one program's functions, by index (a vector, not a map: the lookup is in
/// the path of every call, where hashing the index showed in contract profiles).
#[derive(Default)]
pub(crate) struct CallPlans(Mutex<Vec<Option<Arc<CallPlan>>>>);

impl CallPlans {
    /// The plan of the function at `index`, made by `make` the first time.
    fn get_or_make(
        &self,
        index: usize,
        make: impl FnOnce() -> Result<CallPlan>,
    ) -> Result<Arc<CallPlan>> {
        // A panic while the lock is held cannot leave a half-made entry (an insert is one step).
        let lock = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(Some(plan)) = lock().get(index) {
            return Ok(Arc::clone(plan));
        }
        // Made without the lock: two threads may both make it, and both get the same plan.
        // Callers look `index` up among the program's functions first, so the vector never
        // grows beyond them.
        let plan = Arc::new(make()?);
        let mut plans = lock();
        if plans.len() <= index {
            plans.resize(index + 1, None);
        }
        plans[index] = Some(Arc::clone(&plan));
        Ok(plan)
    }
}

/// Calls the wrapper of `function` as `plan` says, with `args`.
///
/// # Safety
/// `plan` must be the plan of `function` of `info`'s program.
unsafe fn invoke<Outcome: ReadOutcome>(
    info: &ProgramInfo,
    plan: &CallPlan,
    function: &Function,
    args: Arguments<'_>,
    gas_supply: GasSupply,
    context: &mut SyscallContext<'_>,
) -> Result<NativeResult<Outcome>> {
    let available_gas = match gas_supply {
        GasSupply::Available(available) => available,
        GasSupply::Counter(_) => None,
    };
    let registry = info.registry();
    if plan.values_passed != args.count() {
        return Err(NativeError::Arguments(format!(
            "expected {} arguments, got {}",
            plan.values_passed,
            args.count()
        )));
    }
    let arena = Bump::new();
    let mut user_args = match args {
        Arguments::Values(values) => values.iter(),
        Arguments::Calldata(_) => [].iter(),
    };
    let mut pointers: Vec<*mut u8> = Vec::with_capacity(plan.parameters.len());
    let mut initial_gas = None;
    for (position, parameter) in plan.parameters.iter().enumerate() {
        let pointer = match parameter {
            Parameter::Gas => {
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
            Parameter::System => {
                let system = std::ptr::from_mut(&mut *context).cast::<u8>();
                arena.alloc(system) as *mut *mut u8 as *mut u8
            }
            Parameter::OtherBuiltin => arena.alloc(0u64) as *mut u64 as *mut u8,
            Parameter::Value(ty) => match (args, &plan.calldata) {
                (Arguments::Calldata(felts), Some(path)) => path
                    .write(&arena, felts)
                    .map_err(|error| NativeError::Arguments(error.to_string()))?
                    .as_ptr(),
                (Arguments::Calldata(_), None) => {
                    return Err(NativeError::Arguments(format!(
                        "parameter {position} is not a span of felts: it cannot take calldata"
                    )))
                }
                (Arguments::Values(_), _) => {
                    let value = user_args.next().ok_or_else(|| {
                        NativeError::Arguments(format!("no value for parameter {position}"))
                    })?;
                    value
                        .to_ptr(&arena, registry, ty)
                        .map_err(|error| NativeError::Arguments(error.to_string()))?
                        .as_ptr()
                }
            },
        };
        pointers.push(pointer);
    }

    let results = arena.alloc_layout(plan.results_layout);
    // SAFETY: the wrapper reads one argument through each pointer, each written above with the
    // layout of its parameter's type, and writes the return values into `results`, allocated
    // with the layout of the return types' struct (the plan's, from the function's signature).
    unsafe { (plan.entry)(results.as_ptr(), pointers.as_ptr()) };

    let mut remaining_gas = None;
    let mut builtins = BTreeMap::new();
    for (returned, offset) in &plan.returned {
        // SAFETY: `offset` is inside the results struct, written by the wrapper.
        let pointer = unsafe { results.as_ptr().add(*offset) };
        match returned {
            Returned::Gas => {
                // SAFETY: the gas counter is a u64 at this offset.
                remaining_gas = Some(unsafe { pointer.cast::<u64>().read() });
            }
            Returned::Builtin(Some(name)) => {
                // SAFETY: a builtin's counter is a u64 at this offset.
                let used = unsafe { pointer.cast::<u64>().read() };
                if used > 0 {
                    builtins.insert(*name, used as usize);
                }
            }
            Returned::Builtin(None) | Returned::Value(_) => {}
        }
    }
    // SAFETY: the wrapper wrote the plan's return values into `results`; their heap parts are
    // ours, read and freed once here.
    let outcome = unsafe { Outcome::read(info, plan, results)? };
    let gas_used = match (available_gas, remaining_gas, initial_gas) {
        (Some(available), Some(remaining), Some(_)) => available.checked_sub(remaining),
        _ => None,
    };
    Ok(NativeResult {
        outcome,
        remaining_gas,
        gas_used,
        builtins: info.counts_builtins().then_some(builtins),
    })
}

/// What a call's return values become once read back: [`NativeOutcome`] (`Value`s), or a
/// contract entry point's [`CallOutcome`] (felts).
pub(crate) trait ReadOutcome: Sized {
    /// Reads the values `plan`'s function returned into `results`, and frees their heap parts
    /// (all of them, even after one fails to read, so that none leaks).
    ///
    /// # Safety
    /// `results` holds the return values the wrapper of `plan`'s function wrote, whose heap
    /// parts the caller owns and does not use afterwards.
    unsafe fn read(info: &ProgramInfo, plan: &CallPlan, results: NonNull<u8>) -> Result<Self>;
}

impl ReadOutcome for NativeOutcome {
    unsafe fn read(info: &ProgramInfo, plan: &CallPlan, results: NonNull<u8>) -> Result<Self> {
        let registry = info.registry();
        let mut values = Vec::new();
        let mut failure = None;
        for (returned, offset) in &plan.returned {
            let Returned::Value(ty) = returned else {
                continue;
            };
            // SAFETY: `offset` is inside the results struct, where the wrapper stored a value
            // of type `ty`; it is read, then its heap parts freed once.
            let value = unsafe {
                let pointer = NonNull::new_unchecked(results.as_ptr().add(*offset));
                let value = Value::from_ptr(pointer, registry, ty);
                free_heap_parts(pointer, registry, ty)?;
                value
            };
            match value {
                Ok(value) => values.push(value),
                Err(error) => failure = failure.or(Some(error)),
            }
        }
        if let Some(error) = failure {
            return Err(error.into());
        }
        match (plan.panic_result, values.pop()) {
            (true, Some(value)) if values.is_empty() => unwrap_panic_result(value),
            (_, last) => {
                values.extend(last);
                Ok(NativeOutcome::Success(values))
            }
        }
    }
}

impl ReadOutcome for CallOutcome {
    unsafe fn read(info: &ProgramInfo, plan: &CallPlan, results: NonNull<u8>) -> Result<Self> {
        let value_offset = plan.returned.iter().find_map(|(returned, offset)| {
            matches!(returned, Returned::Value(_)).then_some(*offset)
        });
        if let (Some(reader), Some(offset)) = (&plan.felt_result, value_offset) {
            // SAFETY: the plan's only value is the `PanicResult` the reader was made for, at
            // `offset` in the results struct.
            let taken = unsafe { reader.take(results.as_ptr().add(offset)) };
            return match taken {
                Some((0, felts)) => Ok(CallOutcome::Success(felts)),
                Some((_, panic_data)) => Ok(CallOutcome::Revert(panic_data)),
                None => Err(corrupt_panic_result()),
            };
        }
        // Not an entry point's usual result: read as values, then as an entry point's outcome.
        // SAFETY: forwarded from the caller.
        let outcome = unsafe { NativeOutcome::read(info, plan, results)? };
        cairn_starknet::entry_point_outcome(match outcome {
            NativeOutcome::Success(values) => Ok(values),
            NativeOutcome::Panic(data) => Err(data),
        })
        .map_err(|error| NativeError::UnexpectedResult(error.to_string()))
    }
}

fn corrupt_panic_result() -> NativeError {
    NativeError::UnexpectedResult("a panic result of an unexpected shape".to_owned())
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
fn unwrap_panic_result(value: Value) -> Result<NativeOutcome> {
    let Value::Enum { variant, value } = value else {
        return Err(corrupt_panic_result());
    };
    if variant == 0 {
        return Ok(NativeOutcome::Success(match *value {
            Value::Struct(members) => members,
            other => vec![other],
        }));
    }
    let Value::Struct(members) = *value else {
        return Err(corrupt_panic_result());
    };
    let Some(Value::Array(items)) = members.last() else {
        return Err(corrupt_panic_result());
    };
    items
        .iter()
        .map(|item| match item {
            Value::Felt252(felt) => Ok(*felt),
            _ => Err(corrupt_panic_result()),
        })
        .collect::<Result<Vec<_>>>()
        .map(NativeOutcome::Panic)
}
