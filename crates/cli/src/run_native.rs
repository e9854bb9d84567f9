//! `cairn run --backend native` and `cairn run LIBRARY.so`: Cairo 1 on the native backend, with
//! the same flags and output as the VM backend.

use anyhow::{bail, Context, Result};
use cairn_native_codegen::{
    AotProgram, JitProgram, LeftOut, NativeOutcome, NativeResult, OptLevel, ProgramInfo,
};
use cairn_values_abi::cairo_lang_sierra::ids::ConcreteTypeId;
use cairn_values_abi::{Felt, TypeShape, Value};

use crate::run::RunArgs;

fn opt_level(args: &RunArgs) -> Result<OptLevel> {
    OptLevel::from_number(args.opt_level).context("--opt-level takes 0 to 3")
}

/// Compiles `program` in-process and runs the entry function.
pub fn run_jit(args: &RunArgs, program: cairn_frontend::Program) -> Result<()> {
    reject_vm_flags(args)?;
    let level = opt_level(args)?;
    on_large_stack(move || {
        // Only what the entry reaches must compile: other functions with a libfunc this
        // backend lacks are left out with a warning, and calling one is the error.
        let jit = JitProgram::compile_partial(program, level)?;
        warn_left_out(&args.entry, jit.info(), &jit.left_out());
        execute(args, jit.info(), |name, values, gas| {
            Ok(jit.run(name, values, gas)?)
        })
    })
}

/// Loads a library written by `cairn compile --native` and runs the entry function.
pub fn run_library(args: &RunArgs) -> Result<()> {
    reject_vm_flags(args)?;
    on_large_stack(|| {
        let library = AotProgram::load(&args.program)?;
        execute(args, library.info(), |name, values, gas| {
            Ok(library.run(name, values, gas)?)
        })
    })
}

/// Warns about the functions a partial compilation left out, unless the entry is one of them
/// (running it then fails with the reason).
pub fn warn_left_out(entry: &str, info: &ProgramInfo, left_out: &[LeftOut]) {
    let entry_left_out = info.function(entry).is_ok_and(|(index, _)| {
        let name = info.program().funcs[index].id.to_string();
        left_out.iter().any(|left| left.function == name)
    });
    if !entry_left_out {
        print_left_out(left_out);
    }
}

/// One warning per function left out of a native compilation.
pub fn print_left_out(left_out: &[LeftOut]) {
    for left in left_out {
        eprintln!(
            "warning: {} is not compiled natively: {}",
            left.function, left.reason
        );
    }
}

/// Deep Cairo recursion becomes deep native recursion: compile and run on a thread with a
/// large stack.
fn on_large_stack(body: impl FnOnce() -> Result<()> + Send) -> Result<()> {
    crate::large_stack::run_on_large_stack("cairn-native", body)
}

fn reject_vm_flags(args: &RunArgs) -> Result<()> {
    if args.max_steps.is_some() || args.no_step_limit {
        bail!("--max-steps and --no-step-limit count VM steps; they do not apply to the native backend");
    }
    if args.max_memory_mib.is_some() || args.no_memory_limit {
        bail!(
            "--max-memory-mib and --no-memory-limit bound the VM's memory; they do not apply to \
             the native backend"
        );
    }
    Ok(())
}

fn execute(
    args: &RunArgs,
    info: &ProgramInfo,
    run: impl FnOnce(&str, &[Value], Option<u64>) -> Result<NativeResult>,
) -> Result<()> {
    let (_, function) = info.function(&args.entry)?;
    let param_types = info.user_types(&function.signature.param_types);
    let values = crate::run_sierra::parse_args(&args.sierra, &param_types, info.registry())?;
    let result = run(&args.entry, &values, args.sierra.available_gas)?;

    let user_return_types = info.user_types(&function.signature.ret_types);
    if args.sierra.json {
        let (values, panic) = match &result.outcome {
            NativeOutcome::Success(values) => (Some(values), None),
            NativeOutcome::Panic(data) => (None, Some(data.as_slice())),
        };
        crate::run_sierra::print_json_report(
            values,
            panic,
            result.remaining_gas,
            result.gas_used,
            None,
            result.builtins.as_ref(),
        )?;
    } else {
        match &result.outcome {
            NativeOutcome::Success(values) => {
                let flat = flat_cells(info, &user_return_types, values);
                println!("Run completed successfully, returning {flat:?}");
            }
            NativeOutcome::Panic(data) => println!("{}", cairn_vm_core::sierra::format_panic(data)),
        }
        if let Some(gas) = result.remaining_gas {
            println!("Remaining gas: {gas}");
        }
    }
    match result.outcome {
        NativeOutcome::Success(_) => Ok(()),
        NativeOutcome::Panic(_) => Err(crate::ExitQuietly.into()),
    }
}

/// The cells the VM would hold for `values`, for the runner's summary line. Return types are
/// those of the function; when the VM wraps them in a panic result, the values are its `Ok`
/// payload, a tuple of the declared types. Arrays print their elements' cells (the VM prints
/// their addresses, which have no native meaning), secp256 points their coordinates (the VM
/// prints a handle).
fn flat_cells(info: &ProgramInfo, return_types: &[ConcreteTypeId], values: &[Value]) -> Vec<Felt> {
    let mut cells = Vec::new();
    let types: Vec<ConcreteTypeId> = match return_types {
        [only] if values.len() != 1 || is_panic_result(info, only) => {
            ok_payload_members(info, only)
        }
        _ => return_types.to_vec(),
    };
    for (value, ty) in values.iter().zip(&types) {
        push_cells(info, value, Some(ty), &mut cells);
    }
    cells
}

fn is_panic_result(info: &ProgramInfo, ty: &ConcreteTypeId) -> bool {
    ty.debug_name
        .as_deref()
        .is_some_and(|name| name.starts_with("core::panics::PanicResult::"))
        || matches!(TypeShape::of(info.registry(), ty), Ok(TypeShape::Enum { ref variants, .. }) if variants.len() == 2 && is_panic_payload(info, &variants[1]))
}

fn is_panic_payload(info: &ProgramInfo, ty: &ConcreteTypeId) -> bool {
    matches!(TypeShape::of(info.registry(), ty), Ok(TypeShape::Struct { ref members, .. })
        if members.len() == 2 && matches!(TypeShape::of(info.registry(), &members[1]), Ok(TypeShape::Array(_))))
}

/// The member types of `PanicResult<(T…)>`'s `Ok` tuple.
fn ok_payload_members(info: &ProgramInfo, ty: &ConcreteTypeId) -> Vec<ConcreteTypeId> {
    let Ok(TypeShape::Enum { variants, .. }) = TypeShape::of(info.registry(), ty) else {
        return vec![ty.clone()];
    };
    match variants
        .first()
        .map(|ok| TypeShape::of(info.registry(), ok))
    {
        Some(Ok(TypeShape::Struct { members, .. })) => members,
        _ => vec![ty.clone()],
    }
}

/// Size in VM cells of a value of type `ty`.
fn cell_size(info: &ProgramInfo, ty: &ConcreteTypeId) -> usize {
    match TypeShape::of(info.registry(), ty) {
        Ok(TypeShape::Struct { members, .. }) => {
            members.iter().map(|member| cell_size(info, member)).sum()
        }
        Ok(TypeShape::Enum { variants, .. }) => {
            1 + variants
                .iter()
                .map(|variant| cell_size(info, variant))
                .max()
                .unwrap_or(0)
        }
        Ok(TypeShape::Array(_) | TypeShape::Span(_) | TypeShape::EcPoint) => 2,
        Ok(TypeShape::EcState) => 4,
        Ok(TypeShape::Snapshot(inner) | TypeShape::NonZero(inner)) => cell_size(info, &inner),
        _ => 1,
    }
}

fn push_cells(
    info: &ProgramInfo,
    value: &Value,
    ty: Option<&ConcreteTypeId>,
    cells: &mut Vec<Felt>,
) {
    let shape = ty.and_then(|ty| TypeShape::of(info.registry(), ty).ok());
    let shape = match shape {
        Some(TypeShape::Snapshot(inner) | TypeShape::NonZero(inner)) => {
            TypeShape::of(info.registry(), &inner).ok()
        }
        other => other,
    };
    match value {
        Value::Felt252(felt) | Value::Bytes31(felt) => cells.push(*felt),
        Value::U8(n) => cells.push(Felt::from(*n)),
        Value::U16(n) => cells.push(Felt::from(*n)),
        Value::U32(n) => cells.push(Felt::from(*n)),
        Value::U64(n) => cells.push(Felt::from(*n)),
        Value::U128(n) => cells.push(Felt::from(*n)),
        Value::I8(n) => cells.push(Felt::from(*n)),
        Value::I16(n) => cells.push(Felt::from(*n)),
        Value::I32(n) => cells.push(Felt::from(*n)),
        Value::I64(n) => cells.push(Felt::from(*n)),
        Value::I128(n) => cells.push(Felt::from(*n)),
        Value::BoundedInt(n) => cells.push(Felt::from(n.clone())),
        Value::Struct(members) => {
            let member_types = match &shape {
                Some(TypeShape::Struct { members, .. }) => members.clone(),
                _ => Vec::new(),
            };
            for (index, member) in members.iter().enumerate() {
                push_cells(info, member, member_types.get(index), cells);
            }
        }
        Value::Enum { variant, value } => {
            let variants = match &shape {
                Some(TypeShape::Enum { variants, .. }) => variants.clone(),
                _ => Vec::new(),
            };
            let count = variants.len();
            let selector = if count <= 2 {
                *variant
            } else {
                (count - variant) * 2 - 1
            };
            cells.push(Felt::from(selector));
            let largest = variants
                .iter()
                .map(|variant| cell_size(info, variant))
                .max()
                .unwrap_or(0);
            let own = variants.get(*variant).map_or(0, |ty| cell_size(info, ty));
            cells.extend(std::iter::repeat_n(Felt::ZERO, largest.saturating_sub(own)));
            push_cells(info, value, variants.get(*variant), cells);
        }
        Value::Array(items) => {
            let element = match &shape {
                Some(TypeShape::Array(element) | TypeShape::Span(element)) => Some(element.clone()),
                _ => None,
            };
            for item in items {
                push_cells(info, item, element.as_ref(), cells);
            }
        }
        // The VM holds a qm31 as one felt, its four coordinates 36 bits apart.
        Value::Qm31(coordinates) => cells.push(
            coordinates
                .iter()
                .rev()
                .fold(Felt::ZERO, |packed, &coordinate| {
                    packed * Felt::from(1u64 << 36) + Felt::from(coordinate)
                }),
        ),
        Value::EcPoint { x, y } => cells.extend([*x, *y]),
        // The VM holds a handle into its syscall state, which has no native meaning: the
        // coordinates say more.
        Value::Secp256Point { x, y } => {
            cells.extend([x.0, x.1, y.0, y.1].map(|half| Felt::from(half.0)));
        }
        other => cells.push(Felt::from(u8::from(!matches!(
            other,
            Value::Nullable(None)
        )))),
    }
}
