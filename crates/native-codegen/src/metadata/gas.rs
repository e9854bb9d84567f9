//! Gas costs, computed by the same `cairo-lang-sierra-to-casm` metadata pass the VM backend
//! uses, so that both backends withdraw and refund the same amounts at the same statements.

use cairo_lang_sierra::extensions::gas::{CostTokenMap, CostTokenType};
use cairo_lang_sierra::ids::FunctionId;
use cairo_lang_sierra::program::{Program, StatementIdx};
use cairo_lang_sierra_to_casm::metadata::{
    calc_metadata, calc_metadata_ap_change_only, Metadata, MetadataComputationConfig,
};
use cairo_lang_sierra_type_size::{ProgramRegistryInfo, TypeSizeMap};

use crate::error::{NativeError, Result};

/// The gas cost of one use of a builtin, as the VM's builtin-costs table holds it.
pub fn token_gas_cost(token: CostTokenType) -> u64 {
    match token {
        CostTokenType::Const => 1,
        CostTokenType::Pedersen => 4050,
        CostTokenType::Poseidon => 491,
        CostTokenType::Bitwise => 583,
        CostTokenType::EcOp => 4085,
        CostTokenType::AddMod => 230,
        CostTokenType::MulMod => 604,
        CostTokenType::Blake => 3334,
        CostTokenType::Step
        | CostTokenType::Hole
        | CostTokenType::RangeCheck
        | CostTokenType::RangeCheck96 => 0,
    }
}

/// Gas amounts per statement and per function.
pub struct GasMetadata {
    metadata: Metadata,
    uses_gas: bool,
    /// Each type's size in VM cells, which the CASM of a libfunc depends on.
    type_sizes: TypeSizeMap,
}

impl GasMetadata {
    /// Computes the costs of `program`, as the VM backend does: full gas metadata when the
    /// program counts gas, none otherwise.
    pub fn new(program: &Program) -> Result<Self> {
        Self::with_function_costs(program, &[])
    }

    /// Like [`GasMetadata::new`], with the up-front cost of the functions in `costs` set (in
    /// constant gas) rather than computed, as the VM backend's
    /// `SierraProgram::with_function_costs` does: a contract's entry points charge
    /// `ENTRY_POINT_COST`.
    pub fn with_function_costs(program: &Program, costs: &[(FunctionId, i32)]) -> Result<Self> {
        let info = ProgramRegistryInfo::new(program)
            .map_err(|error| NativeError::InvalidProgram(error.to_string()))?;
        let uses_gas = program.requires_gas_counter();
        let function_set_costs = costs
            .iter()
            .map(|(function, cost)| {
                let tokens = CostTokenMap::from_iter([(CostTokenType::Const, *cost)]);
                (function.clone(), tokens)
            })
            .collect();
        let metadata = if uses_gas {
            let config = MetadataComputationConfig {
                function_set_costs,
                ..MetadataComputationConfig::default()
            };
            calc_metadata(program, &info, config)
        } else {
            calc_metadata_ap_change_only(program, &info)
        }
        .map_err(|error| NativeError::GasMetadata(error.to_string()))?;
        Ok(Self {
            metadata,
            uses_gas,
            type_sizes: info.type_sizes,
        })
    }

    /// The metadata `cairo-lang-sierra-to-casm` compiles the program's CASM with.
    pub(crate) fn casm_metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// Each type's size in VM cells.
    pub(crate) fn type_sizes(&self) -> &TypeSizeMap {
        &self.type_sizes
    }

    /// Whether the program counts gas.
    pub fn uses_gas(&self) -> bool {
        self.uses_gas
    }

    fn token_usages(&self, statement: StatementIdx, token: CostTokenType) -> u64 {
        self.metadata
            .gas_info
            .variable_values
            .get(&(statement, token))
            .map_or(0, |count| u64::try_from(*count).unwrap_or(0))
    }

    /// What `withdraw_gas` (or `redeposit_gas`) at `statement` takes (or gives back): its
    /// constant cost plus each builtin use at the builtin's cost.
    pub fn statement_cost(&self, statement: StatementIdx) -> u64 {
        std::iter::once(CostTokenType::Const)
            .chain(CostTokenType::iter_precost().copied())
            .map(|token| self.token_usages(statement, token) * token_gas_cost(token))
            .sum()
    }

    /// What calling `function` costs up front, before its first withdrawal.
    pub fn entry_cost(&self, function: &FunctionId) -> u64 {
        self.metadata
            .gas_info
            .function_costs
            .get(function)
            .map_or(0, |costs| {
                costs
                    .iter()
                    .map(|(token, count)| {
                        u64::try_from(*count).unwrap_or(0) * token_gas_cost(*token)
                    })
                    .sum()
            })
    }
}
