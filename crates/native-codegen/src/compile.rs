//! Sierra program → MLIR module → LLVM dialect: the pipeline up to the point where the JIT or the
//! ahead-of-time writer takes over.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

use melior::dialect::{func, llvm, DialectHandle, DialectRegistry};
use melior::ir::attribute::{IntegerAttribute, StringAttribute, TypeAttribute};
use melior::ir::block::BlockLike;
use melior::ir::operation::{OperationBuilder, OperationLike};
use melior::ir::r#type::{FunctionType, IntegerType};
use melior::ir::{Attribute, Block, Identifier, Location, Module, Region, RegionLike, Value};
use melior::utility::register_all_llvm_translations;
use melior::{pass, Context};

use crate::error::{NativeError, Result};
use crate::helper::{load_at, store_at, CodegenContext};
use crate::program::ProgramInfo;

/// The symbol of the C-ABI wrapper of Sierra function number `index`:
/// `void cairn_entry_N(void *results, void *const *arguments)`.
pub(crate) fn entry_symbol(index: usize) -> String {
    format!("cairn_entry_{index}")
}

/// The symbol of the Sierra program's JSON, embedded in ahead-of-time libraries.
pub(crate) const EMBEDDED_PROGRAM: &str = "cairn_sierra_program";
/// The symbol of its length in bytes (an `i64`).
pub(crate) const EMBEDDED_PROGRAM_LEN: &str = "cairn_sierra_program_len";
/// The symbol of a library's stamp (see [`library_stamp`]), a NUL-terminated string.
pub(crate) const LIBRARY_STAMP: &str = "cairn_library_stamp";

/// What ties a library's code to the program it carries: the Cairn version and source
/// fingerprint that generated the code (value layouts and runtime signatures change between
/// builds; see `build.rs`) and the SHA-256 of the embedded JSON, both written by the code
/// generator into the module that holds the code.
pub(crate) fn library_stamp(embedded_json: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(embedded_json);
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("cairn-native {} sha256:{hex}", build_identity())
}

/// A digest of what a library's code assumes of its program: the type and libfunc
/// declarations, each function's signature and entry, and the number of statements. A library
/// that carries a caller's name for its program instead of the program (a class cache's) is
/// loaded only with a program of the same shape, so a caller naming the wrong program gets an
/// error rather than code reading values of other types.
pub(crate) fn program_shape(program: &cairo_lang_sierra::program::Program) -> String {
    use sha2::Digest;
    use std::fmt::Write as _;
    let mut text = String::new();
    // Writing to a String cannot fail.
    for declaration in &program.type_declarations {
        let _ = writeln!(text, "{declaration:?}");
    }
    for declaration in &program.libfunc_declarations {
        let _ = writeln!(text, "{declaration:?}");
    }
    for function in &program.funcs {
        let _ = writeln!(
            text,
            "{:?} {:?} {}",
            function.id, function.signature, function.entry_point.0
        );
    }
    let _ = write!(text, "{}", program.statements.len());
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The Cairn version and the fingerprint of the sources generated code depends on, e.g.
/// `0.1.0+1a2b3c4d5e6f7a8b`.
pub fn build_identity() -> String {
    format!(
        "{}+{}",
        env!("CARGO_PKG_VERSION"),
        env!("CAIRN_CODEGEN_FINGERPRINT")
    )
}

/// LLVM's optimisation level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OptLevel {
    /// No optimisation (fastest compile).
    O0,
    /// Light.
    O1,
    /// Default.
    O2,
    /// Aggressive (the default here: Sierra programs are run many times).
    #[default]
    O3,
}

impl OptLevel {
    /// The level as LLVM numbers it.
    pub fn number(self) -> usize {
        match self {
            OptLevel::O0 => 0,
            OptLevel::O1 => 1,
            OptLevel::O2 => 2,
            OptLevel::O3 => 3,
        }
    }

    /// The level numbered `level` (0 to 3).
    pub fn from_number(level: u8) -> Option<Self> {
        Some(match level {
            0 => OptLevel::O0,
            1 => OptLevel::O1,
            2 => OptLevel::O2,
            3 => OptLevel::O3,
            _ => return None,
        })
    }
}

/// An MLIR context with every dialect and translation the pipeline needs: the four dialects
/// generated code is written in. (Registering and loading all of MLIR's dialects took about
/// 9 ms a context, made and dropped, and the canonicalizer collected every one's patterns:
/// a compile of an empty program went from 53 to 35 ms without them.)
pub(crate) fn new_context() -> Context {
    let registry = DialectRegistry::new();
    for dialect in [
        DialectHandle::arith(),
        DialectHandle::cf(),
        DialectHandle::func(),
        DialectHandle::llvm(),
    ] {
        dialect.insert_dialect(&registry);
    }
    let context = Context::new();
    context.append_dialect_registry(&registry);
    context.load_all_available_dialects();
    register_all_llvm_translations(&context);
    context
}

/// Collects MLIR's diagnostics while `body` runs, for error messages.
fn with_diagnostics<T>(context: &Context, body: impl FnOnce() -> Result<T>) -> Result<T> {
    let messages = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&messages);
    let handler = context.attach_diagnostic_handler(move |diagnostic| {
        if let Ok(mut messages) = sink.lock() {
            messages.push(diagnostic.to_string());
        }
        true
    });
    let result = body();
    context.detach_diagnostic_handler(handler);
    result.map_err(|error| match error {
        NativeError::Mlir(detail) => {
            let notes = messages.lock().map(|m| m.join("; ")).unwrap_or_default();
            if notes.is_empty() {
                NativeError::Mlir(detail)
            } else {
                NativeError::Mlir(format!("{detail}: {notes}"))
            }
        }
        other => other,
    })
}

/// Which functions a compilation leaves out, by index, with the reason.
pub(crate) type Excluded = BTreeMap<usize, String>;

/// What a module carries about itself (read back by [`crate::AotProgram::load`]): the Sierra
/// program, and the functions a partial compilation left out.
#[derive(serde::Deserialize)]
pub(crate) struct Embedded {
    /// The program; absent from a library written for a caller that keeps the program itself
    /// (a class cache), which names it by `identity` instead.
    pub program: Option<cairo_lang_sierra::program::Program>,
    /// What the caller calls the program, when the library does not carry it.
    #[serde(default)]
    pub identity: Option<String>,
    /// Functions left out, by index, with the reason.
    pub left_out: Excluded,
    /// Whether the program counts gas, and each function's entry cost by function id, so a
    /// load need not compute the gas metadata again (absent: computed).
    #[serde(default)]
    pub gas: Option<(bool, Vec<(u64, u64)>)>,
    /// Whether the code counts the builtins it uses (absent, from an older Cairn: it does not).
    #[serde(default)]
    pub counts_builtins: bool,
}

/// The JSON of an [`Embedded`]; the program's JSON goes in as it is.
fn embedded_json(
    info: &ProgramInfo,
    excluded: &Excluded,
    identity: Option<&str>,
) -> Result<String> {
    let failed =
        |error: serde_json::Error| NativeError::Mlir(format!("embedding the program: {error}"));
    let left_out = serde_json::to_string(excluded).map_err(failed)?;
    let mut entry_costs: Vec<(u64, u64)> = info
        .entry_costs()
        .iter()
        .map(|(id, cost)| (*id, *cost))
        .collect();
    entry_costs.sort_unstable();
    let gas = serde_json::to_string(&(info.uses_gas(), entry_costs)).map_err(failed)?;
    let program = match identity {
        Some(identity) => format!(
            "null,\"identity\":{}",
            serde_json::to_string(identity).map_err(failed)?
        ),
        None => info.program_json()?,
    };
    Ok(format!(
        "{{\"program\":{program},\"left_out\":{left_out},\"gas\":{gas},\"counts_builtins\":{}}}",
        info.counts_builtins()
    ))
}

/// A function a partial compilation left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    /// The function's name.
    pub function: String,
    /// The unsupported libfunc or type in it or in a function it calls.
    pub reason: String,
}

/// `excluded` with function names, for callers to show.
pub(crate) fn left_out(info: &ProgramInfo, excluded: &Excluded) -> Vec<LeftOut> {
    excluded
        .iter()
        .map(|(&index, reason)| LeftOut {
            function: info.program.funcs[index].id.to_string(),
            reason: reason.clone(),
        })
        .collect()
}

/// Builds the module of `info`'s program in `context` and lowers it to the LLVM dialect.
///
/// Strict (`partial == false`): any unsupported libfunc or type fails the compilation. Partial:
/// functions that use one, and every function calling those, are left out (with the reason),
/// and the rest is compiled — what a test suite needs, where one test's libfunc must not keep
/// the others from running. Nothing left out can be called.
///
/// The module embeds the program, or only `identity` when given (see [`Embedded`]).
pub(crate) fn compile_module<'c>(
    context: &'c Context,
    info: &ProgramInfo,
    partial: bool,
    identity: Option<&str>,
) -> Result<(Module<'c>, Excluded)> {
    with_diagnostics(context, || {
        let program = &info.program;
        let excluded = if partial {
            // A first build in a scratch module finds the functions that cannot be compiled.
            let scratch = Module::new(Location::unknown(context));
            let cx = codegen(context, info, &scratch)?;
            let mut excluded = Excluded::new();
            for (index, function) in program.funcs.iter().enumerate() {
                match crate::function::build(&cx, &program.statements, index, function) {
                    Ok(()) => {}
                    // A type without a native layout is as unsupported as a libfunc.
                    Err(
                        error @ (NativeError::UnsupportedLibfunc { .. }
                        | NativeError::UnsupportedType(_)
                        | NativeError::Values(_)),
                    ) => {
                        excluded.insert(index, error.to_string());
                    }
                    Err(other) => return Err(other),
                }
            }
            exclude_callers(info, excluded)?
        } else {
            Excluded::new()
        };
        let module = Module::new(Location::unknown(context));
        {
            let cx = codegen(context, info, &module)?;
            for (index, function) in program.funcs.iter().enumerate() {
                if excluded.contains_key(&index) {
                    continue;
                }
                crate::function::build(&cx, &program.statements, index, function)?;
                build_entry_wrapper(&cx, index, function)?;
            }
            embed_program(&cx, &embedded_json(info, &excluded, identity)?)?;
        }
        let mut module = module;
        if !module.as_operation().verify() {
            return Err(NativeError::Mlir(
                "the generated module does not verify".to_owned(),
            ));
        }
        let passes = pass::PassManager::new(context);
        passes.add_pass(pass::transform::create_canonicalizer());
        // The conversions of the four dialects one by one: `convert-to-llvm` finds them
        // through interfaces that only registering every dialect's extensions provides.
        passes.add_pass(pass::conversion::create_arith_to_llvm());
        passes.add_pass(pass::conversion::create_control_flow_to_llvm());
        passes.add_pass(pass::conversion::create_func_to_llvm());
        passes.add_pass(pass::conversion::create_reconcile_unrealized_casts());
        passes
            .run(&mut module)
            .map_err(|error| NativeError::Mlir(format!("lowering to LLVM failed: {error}")))?;
        crate::target::restrict_features(context, &mut module);
        Ok((module, excluded))
    })
}

/// The code generator's view of one module of `info`'s program.
fn codegen<'c, 'r>(
    context: &'c Context,
    info: &'r ProgramInfo,
    module: &'r Module<'c>,
) -> Result<CodegenContext<'c, 'r>> {
    Ok(CodegenContext {
        context,
        module,
        registry: &info.registry,
        gas: info.gas_metadata()?,
        builtin_usage: info.builtin_usage()?,
        emitted: RefCell::new(HashSet::new()),
        libfunc_names: &info.libfunc_names,
        function_indices: &info.function_indices,
    })
}

/// Adds to `excluded` every function that calls an excluded one, directly or not.
fn exclude_callers(info: &ProgramInfo, mut excluded: Excluded) -> Result<Excluded> {
    let program = &info.program;
    let callees: Vec<BTreeSet<usize>> = program
        .funcs
        .iter()
        .map(|function| callees(info, function.entry_point.0))
        .collect::<Result<_>>()?;
    loop {
        let newly: Vec<(usize, String)> = callees
            .iter()
            .enumerate()
            .filter(|(index, _)| !excluded.contains_key(index))
            .filter_map(|(index, called)| {
                called
                    .iter()
                    .find_map(|callee| excluded.get(callee))
                    .map(|reason| (index, reason.clone()))
            })
            .collect();
        if newly.is_empty() {
            return Ok(excluded);
        }
        excluded.extend(newly);
    }
}

/// The functions called from the statements reachable from `entry`.
fn callees(info: &ProgramInfo, entry: usize) -> Result<BTreeSet<usize>> {
    use cairo_lang_sierra::extensions::core::CoreConcreteLibfunc;
    use cairo_lang_sierra::program::{BranchTarget, Statement};
    let statements = &info.program.statements;
    let mut seen = BTreeSet::new();
    let mut called = BTreeSet::new();
    let mut queue = vec![entry];
    while let Some(index) = queue.pop() {
        if !seen.insert(index) {
            continue;
        }
        let Some(Statement::Invocation(invocation)) = statements.get(index) else {
            continue;
        };
        if let Ok(CoreConcreteLibfunc::FunctionCall(call)) =
            info.registry.get_libfunc(&invocation.libfunc_id)
        {
            if let Some(callee) = info.function_indices.get(&call.function.id.id) {
                called.insert(*callee);
            }
        }
        for branch in &invocation.branches {
            queue.push(match branch.target {
                BranchTarget::Fallthrough => index + 1,
                BranchTarget::Statement(target) => target.0,
            });
        }
    }
    Ok(called)
}

/// `void cairn_entry_N(void *results, void *const *arguments)`: loads each argument from the
/// pointer in `arguments[i]`, calls the function and stores its results one after another as a
/// C struct of the return types.
fn build_entry_wrapper(
    cx: &CodegenContext<'_, '_>,
    index: usize,
    function: &cairo_lang_sierra::program::Function,
) -> Result<()> {
    let context = cx.context;
    let location = cx.location();
    let ptr = cx.ptr_type();
    // Functions with a parameter or result that has no memory form (an `IntRange`, say) are
    // only called from other Sierra functions; they get no wrapper.
    let all_types = function
        .signature
        .param_types
        .iter()
        .chain(&function.signature.ret_types);
    for ty in all_types {
        if crate::types::layout(cx.registry, ty).is_err() {
            return Ok(());
        }
    }
    let region = Region::new();
    let block = region.append_block(Block::new(&[(ptr, location), (ptr, location)]));
    let results_ptr: Value = block.argument(0)?.into();
    let args_ptr: Value = block.argument(1)?.into();

    let mut args = Vec::new();
    for (position, ty) in function.signature.param_types.iter().enumerate() {
        let slot = load_at(context, &block, args_ptr, position * 8, ptr)?;
        let mlir_type = cx.ty(ty)?;
        args.push(load_at(context, &block, slot, 0, mlir_type)?);
    }
    let return_types = function
        .signature
        .ret_types
        .iter()
        .map(|ty| cx.ty(ty))
        .collect::<Result<Vec<_>>>()?;
    let call = block.append_operation(func::call(
        context,
        melior::ir::attribute::FlatSymbolRefAttribute::new(
            context,
            &crate::function::internal_name(index),
        ),
        &args,
        &return_types,
        location,
    ));
    let (offsets, _) =
        cairn_values_abi::layout::struct_layout(cx.registry, &function.signature.ret_types)?;
    for (position, offset) in offsets.iter().enumerate() {
        let value: Value = call.result(position)?.into();
        store_at(context, &block, results_ptr, *offset, value)?;
    }
    block.append_operation(func::r#return(&[], location));

    let function_type = FunctionType::new(context, &[ptr, ptr], &[]);
    cx.module.body().append_operation(func::func(
        context,
        StringAttribute::new(context, &entry_symbol(index)),
        TypeAttribute::new(function_type.into()),
        region,
        &[],
        location,
    ));
    Ok(())
}

/// Stores the program's Sierra JSON in the module, so an ahead-of-time library carries the
/// types it needs to marshal values and can be run on its own.
fn embed_program<'c>(cx: &CodegenContext<'c, '_>, json: &str) -> Result<()> {
    let context = cx.context;
    let location = cx.location();
    let byte = IntegerType::new(context, 8).into();
    let bytes_type = llvm::r#type::array(byte, json.len() as u32);
    let linkage = Attribute::parse(context, "#llvm.linkage<external>")
        .ok_or_else(|| NativeError::Mlir("linkage attribute".to_owned()))?;
    let global = |name: &str, ty: melior::ir::Type<'c>, value: Attribute<'c>| {
        OperationBuilder::new("llvm.mlir.global", location)
            .add_attributes(&[
                (
                    Identifier::new(context, "sym_name"),
                    StringAttribute::new(context, name).into(),
                ),
                (
                    Identifier::new(context, "global_type"),
                    TypeAttribute::new(ty).into(),
                ),
                (Identifier::new(context, "value"), value),
                (Identifier::new(context, "linkage"), linkage),
                (
                    Identifier::new(context, "constant"),
                    Attribute::unit(context),
                ),
            ])
            .add_regions([Region::new()])
            .build()
    };
    cx.module.body().append_operation(global(
        EMBEDDED_PROGRAM,
        bytes_type,
        StringAttribute::new(context, json).into(),
    )?);
    let i64_type = IntegerType::new(context, 64).into();
    cx.module.body().append_operation(global(
        EMBEDDED_PROGRAM_LEN,
        i64_type,
        IntegerAttribute::new(i64_type, json.len() as i64).into(),
    )?);
    let stamp = format!("{}\0", library_stamp(json.as_bytes()));
    cx.module.body().append_operation(global(
        LIBRARY_STAMP,
        llvm::r#type::array(byte, stamp.len() as u32),
        StringAttribute::new(context, &stamp).into(),
    )?);
    Ok(())
}
