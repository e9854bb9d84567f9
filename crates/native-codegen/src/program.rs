//! What both the JIT and ahead-of-time forms keep of the Sierra program: its types (to write
//! arguments and read results) and its gas costs (to charge a call's entry cost).

use std::collections::HashMap;

use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_lang_sierra::program::{Function, Program};

use crate::error::{NativeError, Result};
use crate::metadata::builtin_usage::BuiltinUsage;
use crate::metadata::gas::GasMetadata;
use crate::Registry;
use cairn_values_abi::CachedRegistry;

/// A checked Sierra program with the facts a run needs.
pub struct ProgramInfo {
    pub(crate) program: Program,
    pub(crate) registry: CachedRegistry,
    /// The full gas metadata, which compiling needs; a program loaded from a library has only
    /// the entry costs it carries.
    gas: Option<GasMetadata>,
    /// What each statement uses of each builtin, which compiling needs (with `gas`).
    builtin_usage: Option<BuiltinUsage>,
    /// Whether the compiled code counts the builtins it uses (see `BuiltinUsage`).
    counts_builtins: bool,
    uses_gas: bool,
    /// What calling each function costs up front, by function id.
    entry_costs: HashMap<u64, u64>,
    pub(crate) libfunc_names: HashMap<u64, String>,
    pub(crate) function_indices: HashMap<u64, usize>,
    /// How to call each function run so far, worked out at its first call.
    pub(crate) call_plans: crate::executor::CallPlans,
    /// How each execution-info type used so far is written (see `ExecutionInfoWriters`).
    pub(crate) execution_info_writers: crate::runtime::execution_info::ExecutionInfoWriters,
}

impl ProgramInfo {
    /// Checks `program` and computes its gas costs.
    pub fn new(program: Program) -> Result<Self> {
        Self::with_function_costs(program, &[])
    }

    /// Like [`ProgramInfo::new`], with the up-front cost of the functions in `costs` set (see
    /// [`GasMetadata::with_function_costs`]).
    pub fn with_function_costs(
        program: Program,
        costs: &[(cairo_lang_sierra::ids::FunctionId, i32)],
    ) -> Result<Self> {
        let gas = GasMetadata::with_function_costs(&program, costs)?;
        let entry_costs = program
            .funcs
            .iter()
            .map(|function| (function.id.id, gas.entry_cost(&function.id)))
            .collect();
        let mut info = Self::with_entry_costs(program, entry_costs, gas.uses_gas())?;
        let usage = BuiltinUsage::new(&info.program, info.registry(), &gas);
        info.counts_builtins = usage.unknown().is_none();
        info.builtin_usage = Some(usage);
        info.gas = Some(gas);
        Ok(info)
    }

    /// Checks `program` whose entry costs and gas use were computed before (by
    /// [`ProgramInfo::new`], when its library was written): no gas metadata is computed.
    pub(crate) fn with_entry_costs(
        program: Program,
        entry_costs: HashMap<u64, u64>,
        uses_gas: bool,
    ) -> Result<Self> {
        crate::validate::check_type_depth(&program)?;
        let registry = Registry::new(&program)
            .map_err(|error| NativeError::InvalidProgram(error.to_string()))?;
        crate::validate::check_structure(&program, &registry)?;
        let mut registry = CachedRegistry::new(registry);
        registry.preload(
            program
                .type_declarations
                .iter()
                .map(|declaration| &declaration.id),
        );
        let libfunc_names = program
            .libfunc_declarations
            .iter()
            .map(|declaration| (declaration.id.id, declaration.long_id.to_string()))
            .collect();
        let function_indices = program
            .funcs
            .iter()
            .enumerate()
            .map(|(index, function)| (function.id.id, index))
            .collect();
        Ok(Self {
            function_indices,
            program,
            registry,
            gas: None,
            builtin_usage: None,
            // Set by whoever knows: the builtin-use pass, or the library that was loaded.
            counts_builtins: false,
            uses_gas,
            entry_costs,
            libfunc_names,
            call_plans: Default::default(),
            execution_info_writers: Default::default(),
        })
    }

    /// The program as JSON (what a shared library embeds).
    pub(crate) fn program_json(&self) -> Result<String> {
        serde_json::to_string(&self.program)
            .map_err(|error| NativeError::InvalidProgram(error.to_string()))
    }

    /// The Sierra program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The program's type and libfunc registry.
    pub fn registry(&self) -> &Registry {
        self.registry.registry()
    }

    /// The registry with its memo of type shapes and layouts, for runs.
    pub(crate) fn cached_registry(&self) -> &CachedRegistry {
        &self.registry
    }

    /// Whether the program counts gas.
    pub fn uses_gas(&self) -> bool {
        self.uses_gas
    }

    /// The full gas metadata, to compile with.
    pub(crate) fn gas_metadata(&self) -> Result<&GasMetadata> {
        self.gas.as_ref().ok_or_else(|| {
            NativeError::InvalidProgram(
                "a program loaded from a library cannot be compiled again".to_owned(),
            )
        })
    }

    /// What each statement uses of each builtin, to compile with.
    pub(crate) fn builtin_usage(&self) -> Result<&BuiltinUsage> {
        self.builtin_usage.as_ref().ok_or_else(|| {
            NativeError::InvalidProgram(
                "a program loaded from a library cannot be compiled again".to_owned(),
            )
        })
    }

    /// Whether the compiled code counts the builtins it uses, so that runs report them.
    pub fn counts_builtins(&self) -> bool {
        self.counts_builtins
    }

    /// Records whether loaded code counts builtins (a library says so itself).
    pub(crate) fn set_counts_builtins(&mut self, counts: bool) {
        self.counts_builtins = counts;
    }

    /// Each function's entry cost, by function id (what a library embeds).
    pub(crate) fn entry_costs(&self) -> &HashMap<u64, u64> {
        &self.entry_costs
    }

    /// Finds a function by its full name (`crate::module::name`) or the last segments of
    /// exactly one function's name (`name`, `module::name`); returns its index and declaration.
    pub fn function(&self, name: &str) -> Result<(usize, &Function)> {
        Ok(cairn_values_abi::find_function(&self.program.funcs, name)?)
    }

    /// The types among `types` a caller passes or receives (builtins and gas left out).
    pub fn user_types(&self, types: &[ConcreteTypeId]) -> Vec<ConcreteTypeId> {
        types
            .iter()
            .filter(|ty| !crate::types::is_builtin(&self.registry, ty).unwrap_or(false))
            .cloned()
            .collect()
    }

    /// The gas a call to `function` costs up front.
    pub fn entry_cost(&self, function: &Function) -> u64 {
        self.entry_costs.get(&function.id.id).copied().unwrap_or(0)
    }
}
