//! What both the JIT and ahead-of-time forms keep of the Sierra program: its types (to write
//! arguments and read results) and its gas costs (to charge a call's entry cost).

use std::collections::HashMap;

use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_lang_sierra::program::{Function, Program};

use crate::error::{NativeError, Result};
use crate::metadata::gas::GasMetadata;
use crate::Registry;

/// A checked Sierra program with the facts a run needs.
pub struct ProgramInfo {
    pub(crate) program: Program,
    pub(crate) program_json: String,
    pub(crate) registry: Registry,
    pub(crate) gas: GasMetadata,
    pub(crate) libfunc_names: HashMap<u64, String>,
    pub(crate) function_indices: HashMap<u64, usize>,
}

impl ProgramInfo {
    /// Checks `program` and computes its gas costs.
    pub fn new(program: Program) -> Result<Self> {
        crate::validate::check_type_depth(&program)?;
        let registry = Registry::new(&program)
            .map_err(|error| NativeError::InvalidProgram(error.to_string()))?;
        crate::validate::check_structure(&program, &registry)?;
        let gas = GasMetadata::new(&program)?;
        let program_json = serde_json::to_string(&program)
            .map_err(|error| NativeError::InvalidProgram(error.to_string()))?;
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
            program_json,
            registry,
            gas,
            libfunc_names,
        })
    }

    /// The Sierra program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The program's type and libfunc registry.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Whether the program counts gas.
    pub fn uses_gas(&self) -> bool {
        self.gas.uses_gas()
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
        self.gas.entry_cost(&function.id)
    }
}
