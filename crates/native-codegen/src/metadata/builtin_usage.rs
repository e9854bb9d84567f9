//! How many instances of each builtin a statement uses on each of its branches: what the VM
//! reports for a run, so that a native run reports the same.
//!
//! The amounts come from the CASM that `cairo-lang-sierra-to-casm` compiles the libfunc to,
//! not from a table of ours: natively each builtin is a counter, and a branch advances it by
//! what the CASM advances the builtin's pointer by on that branch, over the builtin's cells per
//! instance. Each statement's CASM is compiled on its own with every argument cell a frame cell
//! of its own (`[fp - n]`); a branch that returns a builtin's pointer as its argument's cell
//! plus a constant uses that constant. A pointer the CASM computes at run time is counted by
//! the libfunc's own code where the libfunc's builder knows how (the dictionary squash, whose
//! range checks depend on the keys; circuit evaluation, whose MulMod instances stop at a failed
//! inverse); any other leaves the program's counts unknown, never wrong.

use std::collections::HashMap;

use cairn_values_abi::TypeShape;
use cairo_lang_casm::cell_expression::{CellExpression, CellOperator};
use cairo_lang_casm::operand::{CellRef, DerefOrImmediate, Register};
use cairo_lang_sierra::extensions::circuit::CircuitConcreteLibfunc;
use cairo_lang_sierra::extensions::core::CoreConcreteLibfunc;
use cairo_lang_sierra::extensions::felt252_dict::Felt252DictConcreteLibfunc;
use cairo_lang_sierra::extensions::lib_func::ParamSignature;
use cairo_lang_sierra::extensions::ConcreteLibfunc;
use cairo_lang_sierra::program::{Invocation, Program, Statement, StatementIdx};
use cairo_lang_sierra_to_casm::circuit::CircuitsInfo;
use cairo_lang_sierra_to_casm::environment::gas_wallet::GasWallet;
use cairo_lang_sierra_to_casm::environment::Environment;
use cairo_lang_sierra_to_casm::invocations::{compile_invocation, ProgramInfo};
use cairo_lang_sierra_to_casm::references::{
    IntroductionPoint, ReferenceExpression, ReferenceValue,
};
use num_bigint::BigInt;

use crate::metadata::gas::GasMetadata;
use crate::Registry;

/// Instances a statement's result uses: (the result's index on its branch, instances).
pub(crate) type BranchUsage = Vec<(usize, u64)>;

/// The builtin use of every statement that takes a builtin the VM counts.
#[derive(Debug, Default)]
pub(crate) struct BuiltinUsage {
    /// By statement index: each branch's uses (branches that use none are empty).
    statements: HashMap<usize, Vec<BranchUsage>>,
    /// Why some statement's use could not be worked out, if one could not: then the program's
    /// builtin counts are unknown.
    unknown: Option<String>,
}

impl BuiltinUsage {
    /// Works out the use of every statement of `program`.
    pub(crate) fn new(program: &Program, registry: &Registry, gas: &GasMetadata) -> Self {
        let circuits = match CircuitsInfo::new(
            registry,
            program
                .type_declarations
                .iter()
                .map(|declaration| &declaration.id),
        ) {
            Ok(circuits) => circuits,
            Err(error) => {
                return Self {
                    unknown: Some(format!("circuits: {error}")),
                    ..Self::default()
                }
            }
        };
        let mut usage = Self::default();
        for (index, statement) in program.statements.iter().enumerate() {
            let Statement::Invocation(invocation) = statement else {
                continue;
            };
            match statement_usage(registry, gas, &circuits, StatementIdx(index), invocation) {
                Ok(Some(branches)) => {
                    usage.statements.insert(index, branches);
                }
                Ok(None) => {}
                Err(reason) => {
                    usage
                        .unknown
                        .get_or_insert(format!("statement {index}: {reason}"));
                }
            }
        }
        usage
    }

    /// The uses on branch `branch` of statement `statement`.
    pub(crate) fn branch(&self, statement: usize, branch: usize) -> &[(usize, u64)] {
        self.statements
            .get(&statement)
            .and_then(|branches| branches.get(branch))
            .map_or(&[], Vec::as_slice)
    }

    /// Why the program's builtin counts are unknown, if they are.
    pub(crate) fn unknown(&self) -> Option<&str> {
        self.unknown.as_deref()
    }
}

/// A builtin the VM counts, with its cells per instance, for a type that is one.
fn counted_builtin(
    registry: &Registry,
    ty: &cairo_lang_sierra::ids::ConcreteTypeId,
) -> Option<u64> {
    match TypeShape::of(registry, ty).ok()? {
        TypeShape::Builtin(kind) => kind.vm_builtin().map(|(_, cells)| cells),
        _ => None,
    }
}

/// The uses of one statement, or `None` when it takes no counted builtin or passes its
/// builtins on to a function (whose own statements count).
fn statement_usage(
    registry: &Registry,
    gas: &GasMetadata,
    circuits: &CircuitsInfo,
    idx: StatementIdx,
    invocation: &Invocation,
) -> Result<Option<Vec<BranchUsage>>, String> {
    let libfunc = registry
        .get_libfunc(&invocation.libfunc_id)
        .map_err(|error| error.to_string())?;
    // Calls pass their builtins to a function whose own statements count; the memory
    // libfuncs (`store_temp`, `store_local`, `rename`) move a value, and a builtin's count with
    // it, into another cell.
    if matches!(
        libfunc,
        CoreConcreteLibfunc::FunctionCall(_)
            | CoreConcreteLibfunc::CouponCall(_)
            | CoreConcreteLibfunc::Mem(_)
    ) {
        return Ok(None);
    }
    let params = libfunc.param_signatures();
    if !params
        .iter()
        .any(|param| counted_builtin(registry, &param.ty).is_some())
    {
        return Ok(None);
    }
    let (refs, cells) = frame_arguments(gas, idx, params)?;
    let program_info = ProgramInfo {
        metadata: gas.casm_metadata(),
        type_sizes: gas.type_sizes(),
        circuits_info: circuits,
        const_data_values: &|_| Vec::<BigInt>::new(),
    };
    // The CASM compiler asserts what it expects of its input; a program it rejects gets no
    // counts rather than a panic.
    let compiled = cairn_values_abi::contained::contain(|| {
        compile_invocation(
            program_info,
            invocation,
            libfunc,
            idx,
            &refs,
            Environment::new(GasWallet::Disabled),
        )
    })
    .map_err(|panic| format!("the CASM compiler rejected it: {panic}"))?
    .map_err(|error| error.to_string())?;
    // The builders of these libfuncs add the part of a builtin's use that depends on the run
    // themselves: a squash's range checks (by the keys), a circuit's MulMod instances (up to
    // the gate that fails).
    let counted_by_builder = matches!(
        libfunc,
        CoreConcreteLibfunc::Felt252Dict(Felt252DictConcreteLibfunc::Squash(_))
            | CoreConcreteLibfunc::Circuit(CircuitConcreteLibfunc::Eval(_))
    );
    compiled
        .results
        .iter()
        .zip(libfunc.branch_signatures())
        .map(|(changes, signature)| {
            let outputs = changes.refs.iter().zip(&signature.vars).enumerate();
            let mut uses = BranchUsage::new();
            for (position, (output, var)) in outputs {
                let Some(cells_per_instance) = counted_builtin(registry, &var.ty) else {
                    continue;
                };
                // The argument of the same builtin type is the pointer this one advances.
                let Some(base) = params
                    .iter()
                    .position(|param| param.ty == var.ty)
                    .and_then(|param| cells.get(param))
                else {
                    return Err(format!("result {position}: a builtin taken from nowhere"));
                };
                match advanced_cells(&output.expression, base) {
                    Some(0) => {}
                    Some(advanced) if advanced % cells_per_instance == 0 => {
                        uses.push((position, advanced / cells_per_instance));
                    }
                    None if counted_by_builder => {}
                    _ => {
                        return Err(format!(
                            "result {position}: the builtin pointer is computed at run time ({})",
                            output.expression
                        ))
                    }
                }
            }
            Ok(uses)
        })
        .collect::<Result<Vec<_>, String>>()
        .map(Some)
}

/// How many cells past `base` a builtin pointer returned as `expression` is, when it is `base`
/// or `base` plus a constant.
fn advanced_cells(expression: &ReferenceExpression, base: &CellRef) -> Option<u64> {
    match expression.cells.as_slice() {
        [CellExpression::Deref(cell)] if cell == base => Some(0),
        [CellExpression::BinOp {
            op: CellOperator::Add,
            a,
            b: DerefOrImmediate::Immediate(offset),
        }] if a == base => u64::try_from(&offset.value).ok(),
        _ => None,
    }
}

/// Each parameter as frame cells of its own (`[fp - 3]`, `[fp - 4]`, …): the references the
/// CASM of one statement is compiled against, and the first cell of each.
fn frame_arguments(
    gas: &GasMetadata,
    idx: StatementIdx,
    params: &[ParamSignature],
) -> Result<(Vec<ReferenceValue>, Vec<CellRef>), String> {
    let mut next_offset: i16 = -3;
    let mut refs = Vec::with_capacity(params.len());
    let mut first_cells = Vec::with_capacity(params.len());
    for (output_idx, param) in params.iter().enumerate() {
        let size = *gas
            .type_sizes()
            .get(&param.ty)
            .ok_or_else(|| format!("no size for type {}", param.ty))?;
        let mut cells = Vec::new();
        for _ in 0..size {
            cells.push(CellRef {
                register: Register::FP,
                offset: next_offset,
            });
            next_offset = next_offset
                .checked_sub(1)
                .ok_or_else(|| "too many argument cells".to_owned())?;
        }
        first_cells.push(cells.first().copied().unwrap_or(CellRef {
            register: Register::FP,
            offset: next_offset,
        }));
        refs.push(ReferenceValue {
            expression: ReferenceExpression {
                cells: cells.into_iter().map(CellExpression::Deref).collect(),
            },
            ty: param.ty.clone(),
            stack_idx: None,
            introduction_point: IntroductionPoint {
                source_statement_idx: None,
                destination_statement_idx: idx,
                output_idx,
            },
        });
    }
    Ok((refs, first_cells))
}

#[cfg(test)]
mod tests {
    use cairo_lang_utils::bigint::BigIntAsHex;

    use super::*;

    fn cell(register: Register, offset: i16) -> CellRef {
        CellRef { register, offset }
    }

    fn expression(cell: CellExpression) -> ReferenceExpression {
        ReferenceExpression { cells: vec![cell] }
    }

    #[test]
    fn a_pointer_is_counted_only_as_its_argument_plus_a_constant() {
        let base = cell(Register::FP, -3);
        let plus = |a: CellRef, value: i64| {
            expression(CellExpression::BinOp {
                op: CellOperator::Add,
                a,
                b: DerefOrImmediate::Immediate(BigIntAsHex {
                    value: BigInt::from(value),
                }),
            })
        };
        assert_eq!(
            advanced_cells(&expression(CellExpression::Deref(base)), &base),
            Some(0)
        );
        assert_eq!(advanced_cells(&plus(base, 3), &base), Some(3));
        // Another argument's pointer, a pointer left in a temporary, or one moved backwards.
        assert_eq!(
            advanced_cells(&plus(cell(Register::FP, -4), 3), &base),
            None
        );
        assert_eq!(
            advanced_cells(
                &expression(CellExpression::Deref(cell(Register::AP, -1))),
                &base
            ),
            None
        );
        assert_eq!(advanced_cells(&plus(base, -1), &base), None);
    }
}
