//! In-process compilation with MLIR's execution engine (LLVM ORC).

use std::collections::HashMap;
use std::sync::Mutex;

use cairn_values_abi::{Felt, Value};
use cairo_lang_sierra::program::Program;
use melior::ir::Module;
use melior::StringRef;
use mlir_sys::{
    mlirExecutionEngineCreate, mlirExecutionEngineDestroy, mlirExecutionEngineDumpToObjectFile,
    mlirExecutionEngineLookup, MlirExecutionEngine,
};

use super::invoke::{run_by_name, GasSupply, NativeResult};
use crate::compile::{compile_module, new_context, OptLevel};
use crate::error::{NativeError, Result};
use crate::program::ProgramInfo;

/// An LLVM ORC JIT holding one compiled module.
pub(crate) struct Engine {
    raw: MlirExecutionEngine,
}

impl Engine {
    /// JIT-compiles `module` (already lowered to the LLVM dialect).
    pub fn new(module: &Module, opt_level: OptLevel, keep_object: bool) -> Result<Self> {
        // SAFETY: `module` is a valid, lowered module; the engine translates it into its own
        // LLVM context, so it does not borrow the module afterwards. No shared libraries.
        let raw = unsafe {
            mlirExecutionEngineCreate(
                module.to_raw(),
                opt_level.number() as i32,
                0,
                std::ptr::null(),
                keep_object,
                keep_object,
            )
        };
        if raw.ptr.is_null() {
            return Err(NativeError::Mlir(
                "LLVM could not compile the module".to_owned(),
            ));
        }
        Ok(Self { raw })
    }

    /// The address of `symbol`, or `None` if the module has no such symbol.
    pub fn lookup(&self, symbol: &str) -> Option<*mut ()> {
        let name = StringRef::new(symbol);
        // SAFETY: `self.raw` is a live engine; the name outlives the call.
        let address = unsafe { mlirExecutionEngineLookup(self.raw, name.to_raw()) };
        (!address.is_null()).then_some(address as *mut ())
    }

    /// Writes the compiled object code (the engine must have been built with `keep_object`,
    /// and a symbol looked up so the code is compiled).
    pub fn dump_object(&self, path: &str) {
        let path = StringRef::new(path);
        // SAFETY: `self.raw` is a live engine; the path outlives the call.
        unsafe { mlirExecutionEngineDumpToObjectFile(self.raw, path.to_raw()) }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // SAFETY: the engine is destroyed once, here; nothing it compiled is used afterwards
        // because every user borrows the owner of the engine.
        unsafe { mlirExecutionEngineDestroy(self.raw) }
    }
}

/// A Sierra program compiled in-process, ready to call.
pub struct JitProgram {
    engine: Engine,
    info: ProgramInfo,
    excluded: crate::compile::Excluded,
    /// Entry wrappers found so far, by symbol: an ORC lookup takes tens of microseconds, as long
    /// as a small program's whole run.
    entries: Mutex<HashMap<String, usize>>,
}

impl JitProgram {
    /// Compiles `program` to machine code at `opt_level`.
    pub fn compile(program: Program, opt_level: OptLevel) -> Result<Self> {
        Self::build(ProgramInfo::new(program)?, opt_level, false)
    }

    /// Compiles what can be compiled of `program`: functions using an unsupported libfunc or
    /// type, and their callers, are left out, and calling them fails with the reason. For test
    /// suites, where one test's libfunc must not stop the others.
    pub fn compile_partial(program: Program, opt_level: OptLevel) -> Result<Self> {
        Self::build(ProgramInfo::new(program)?, opt_level, true)
    }

    /// [`JitProgram::compile_partial`] with the up-front cost of the functions in `costs` set
    /// rather than computed (in constant gas): a test program whose contracts' entry points
    /// charge `ENTRY_POINT_COST`, as on the VM with the same costs.
    pub fn compile_partial_with_costs(
        program: Program,
        opt_level: OptLevel,
        costs: &[(cairo_lang_sierra::ids::FunctionId, i32)],
    ) -> Result<Self> {
        Self::build(
            ProgramInfo::with_function_costs(program, costs)?,
            opt_level,
            true,
        )
    }

    fn build(info: ProgramInfo, opt_level: OptLevel, partial: bool) -> Result<Self> {
        let context = new_context();
        let (module, excluded) = compile_module(&context, &info, partial, None)?;
        let engine = Engine::new(&module, opt_level, false)?;
        // SAFETY: the engine's `cairn_rt_*` symbols are the pointer-sized globals the code
        // generator declares; nothing runs the code yet.
        unsafe { crate::runtime::bind(|name| engine.lookup(name)) };
        Ok(Self {
            engine,
            info,
            excluded,
            entries: Mutex::new(HashMap::new()),
        })
    }

    /// The program and its types.
    pub fn info(&self) -> &ProgramInfo {
        &self.info
    }

    /// The functions a partial compilation left out (none after [`JitProgram::compile`]).
    pub fn left_out(&self) -> Vec<crate::LeftOut> {
        crate::compile::left_out(&self.info, &self.excluded)
    }

    /// Runs the function `name` with `args` (one per user parameter; builtins are supplied)
    /// and `available_gas` for programs that count gas.
    pub fn run(
        &self,
        name: &str,
        args: &[Value],
        available_gas: Option<u64>,
    ) -> Result<NativeResult> {
        self.run_named(name, args, GasSupply::Available(available_gas), None)
    }

    /// Runs the function `name` with its gas counter starting at `counter`, whether the
    /// program counts gas or not: a Cairo executable's wrapper, whose entry code gives its
    /// counter i64::MAX (only its syscalls charge it).
    pub fn run_with_gas_counter(
        &self,
        name: &str,
        args: &[Value],
        counter: u64,
    ) -> Result<NativeResult> {
        self.run_named(name, args, GasSupply::Counter(counter), None)
    }

    /// Runs the function at `index` in the program's functions (as a contract's entry point
    /// names it), its chain-state syscalls answered by `handler`.
    pub fn run_index_with_syscalls(
        &self,
        index: usize,
        args: &[Value],
        available_gas: Option<u64>,
        handler: &mut dyn cairn_starknet::SyscallHandler,
    ) -> Result<NativeResult> {
        crate::executor::invoke::run_by_index(
            &self.info,
            &self.excluded,
            index,
            crate::executor::invoke::Arguments::Values(args),
            GasSupply::Available(available_gas),
            Some(handler),
            |symbol| self.entry(symbol),
        )
    }

    /// Runs the contract entry point at `index` in the program's functions with `calldata`
    /// (its `Span<felt252>` parameter), its chain-state syscalls answered by `handler`: the
    /// outcome is its retdata or revert reason, converted without building `Value`s (what a
    /// Starknet call needs, thousands of times a second).
    pub fn run_entry_point(
        &self,
        index: usize,
        calldata: &[Felt],
        available_gas: Option<u64>,
        handler: &mut dyn cairn_starknet::SyscallHandler,
    ) -> Result<NativeResult<cairn_starknet::CallOutcome>> {
        crate::executor::invoke::run_by_index(
            &self.info,
            &self.excluded,
            index,
            crate::executor::invoke::Arguments::Calldata(calldata),
            GasSupply::Available(available_gas),
            Some(handler),
            |symbol| self.entry(symbol),
        )
    }

    /// Like [`JitProgram::run`], with the chain-state syscalls (storage, calls, deployments,
    /// events, messages, execution info…) answered by `handler`.
    pub fn run_with_syscalls(
        &self,
        name: &str,
        args: &[Value],
        available_gas: Option<u64>,
        handler: &mut dyn cairn_starknet::SyscallHandler,
    ) -> Result<NativeResult> {
        self.run_named(
            name,
            args,
            GasSupply::Available(available_gas),
            Some(handler),
        )
    }

    /// Runs the function `name` with `gas`, its chain-state syscalls answered by `handler` (or
    /// the run's own standalone state).
    fn run_named(
        &self,
        name: &str,
        args: &[Value],
        gas: GasSupply,
        handler: Option<&mut dyn cairn_starknet::SyscallHandler>,
    ) -> Result<NativeResult> {
        run_by_name(
            &self.info,
            &self.excluded,
            name,
            args,
            gas,
            handler,
            |symbol| self.entry(symbol),
        )
    }

    /// The address of `symbol`, looked up once.
    fn entry(&self, symbol: &str) -> Option<*mut ()> {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(&address) = entries.get(symbol) {
            return Some(address as *mut ());
        }
        let address = self.engine.lookup(symbol)?;
        entries.insert(symbol.to_owned(), address as usize);
        Some(address)
    }
}
