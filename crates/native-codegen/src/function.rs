//! One Sierra function as one MLIR function: a block per reachable statement whose arguments are
//! the variables alive there, and branches as `cf` jumps between them.

mod difference;

use std::collections::{BTreeMap, VecDeque};

use cairo_lang_sierra::extensions::core::CoreConcreteLibfunc;
use cairo_lang_sierra::extensions::felt252::Felt252Concrete;
use cairo_lang_sierra::extensions::lib_func::ConcreteLibfunc;
use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_lang_sierra::program::{BranchTarget as SierraTarget, Function, Statement, StatementIdx};
use melior::dialect::{cf, func};
use melior::ir::attribute::{StringAttribute, TypeAttribute};
use melior::ir::block::BlockLike;
use melior::ir::r#type::FunctionType;
use melior::ir::{Block, BlockRef, Identifier, Region, RegionLike, Value};

use crate::error::{NativeError, Result};
use crate::helper::{BranchTarget, CodegenContext, Invocation, Operand};
use crate::Registry;

pub(crate) use difference::Difference;

/// The variables alive at a statement, by id, with their types.
type VarState = BTreeMap<u64, ConcreteTypeId>;

/// The MLIR name of Sierra function number `index`.
pub(crate) fn internal_name(index: usize) -> String {
    format!("cairn_f{index}")
}

/// Works out which variables are alive at each statement `function` reaches.
fn var_states(
    registry: &Registry,
    statements: &[Statement],
    function: &Function,
) -> Result<BTreeMap<usize, VarState>> {
    let mut states = BTreeMap::new();
    let entry: VarState = function
        .params
        .iter()
        .map(|param| (param.id.id, param.ty.clone()))
        .collect();
    let mut queue = VecDeque::from([(function.entry_point.0, entry)]);
    while let Some((index, state)) = queue.pop_front() {
        if let Some(known) = states.get(&index) {
            if known != &state {
                return Err(NativeError::InconsistentProgram {
                    statement: index,
                    detail: "paths reaching it disagree on the variables alive".to_owned(),
                });
            }
            continue;
        }
        let statement = statements.get(index).ok_or_else(|| {
            NativeError::InvalidProgram(format!("a jump to statement {index}, past the end"))
        })?;
        states.insert(index, state.clone());
        let Statement::Invocation(invocation) = statement else {
            continue;
        };
        let libfunc = registry
            .get_libfunc(&invocation.libfunc_id)
            .map_err(|error| NativeError::InvalidProgram(error.to_string()))?;
        let mut remaining = state;
        for arg in &invocation.args {
            remaining
                .remove(&arg.id)
                .ok_or_else(|| NativeError::InconsistentProgram {
                    statement: index,
                    detail: format!("argument [{}] is not alive", arg.id),
                })?;
        }
        for (branch, signature) in invocation.branches.iter().zip(libfunc.branch_signatures()) {
            let mut next = remaining.clone();
            for (var, info) in branch.results.iter().zip(&signature.vars) {
                next.insert(var.id, info.ty.clone());
            }
            let target = match branch.target {
                SierraTarget::Fallthrough => index + 1,
                SierraTarget::Statement(StatementIdx(target)) => target,
            };
            queue.push_back((target, next));
        }
    }
    Ok(states)
}

/// Whether statement `index` calls `function` itself and then returns exactly the call's
/// results, in order: a loop iteration, which can jump back instead of calling.
fn is_tail_self_call(
    statements: &[Statement],
    index: usize,
    function: &Function,
    libfunc: &CoreConcreteLibfunc,
) -> bool {
    let CoreConcreteLibfunc::FunctionCall(call) = libfunc else {
        return false;
    };
    let Some(Statement::Invocation(invocation)) = statements.get(index) else {
        return false;
    };
    let [branch] = invocation.branches.as_slice() else {
        return false;
    };
    let next = match branch.target {
        SierraTarget::Fallthrough => index + 1,
        SierraTarget::Statement(StatementIdx(target)) => target,
    };
    call.function.id == function.id
        && matches!(statements.get(next), Some(Statement::Return(vars)) if *vars == branch.results)
}

/// Emits Sierra function number `index` into the module.
pub(crate) fn build(
    cx: &CodegenContext<'_, '_>,
    statements: &[Statement],
    index: usize,
    function: &Function,
) -> Result<()> {
    let context = cx.context;
    let location = cx.location();
    let states = var_states(cx.registry, statements, function)?;

    let param_types = function
        .signature
        .param_types
        .iter()
        .map(|ty| cx.ty(ty))
        .collect::<Result<Vec<_>>>()?;
    let return_types = function
        .signature
        .ret_types
        .iter()
        .map(|ty| cx.ty(ty))
        .collect::<Result<Vec<_>>>()?;

    let region = Region::new();
    let entry = region.append_block(Block::new(
        &param_types
            .iter()
            .map(|ty| (*ty, location))
            .collect::<Vec<_>>(),
    ));
    let mut blocks: BTreeMap<usize, BlockRef<'_, '_>> = BTreeMap::new();
    for (statement, state) in &states {
        let types = state
            .values()
            .map(|ty| Ok((cx.ty(ty)?, location)))
            .collect::<Result<Vec<_>>>()?;
        blocks.insert(*statement, region.append_block(Block::new(&types)));
    }

    // The entry block only jumps to the restart block, so that stack slots can go before its
    // terminator. The restart block takes the parameters: a tail call of the function itself
    // jumps there with its arguments, turning Sierra's recursive loops into loops.
    let first = blocks.get(&function.entry_point.0).ok_or_else(|| {
        NativeError::InvalidProgram("function entry point unreachable".to_owned())
    })?;
    let restart = region.append_block(Block::new(
        &param_types
            .iter()
            .map(|ty| (*ty, location))
            .collect::<Vec<_>>(),
    ));
    let params = (0..param_types.len())
        .map(|position| Ok(entry.argument(position)?.into()))
        .collect::<Result<Vec<Value<'_, '_>>>>()?;
    entry.append_operation(cf::br(&restart, &params, location));
    let entry_state = &states[&function.entry_point.0];
    let entry_args = entry_state
        .keys()
        .map(|var| {
            let position = function
                .params
                .iter()
                .position(|param| param.id.id == *var)
                .ok_or_else(|| NativeError::InvalidProgram("unknown parameter".to_owned()))?;
            Ok(restart.argument(position)?.into())
        })
        .collect::<Result<Vec<Value<'_, '_>>>>()?;
    restart.append_operation(cf::br(first, &entry_args, location));

    let predecessors = difference::predecessors(statements, &states, function.entry_point.0);
    for (&statement_index, block) in &blocks {
        let state = &states[&statement_index];
        let mut values = BTreeMap::new();
        for (position, var) in state.keys().enumerate() {
            values.insert(*var, Value::from(block.argument(position)?));
        }
        match &statements[statement_index] {
            Statement::Return(vars) => {
                let operands = vars
                    .iter()
                    .map(|var| {
                        values.get(&var.id).copied().ok_or_else(|| {
                            NativeError::InconsistentProgram {
                                statement: statement_index,
                                detail: format!("returned variable [{}] is not alive", var.id),
                            }
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                block.append_operation(func::r#return(&operands, location));
            }
            Statement::Invocation(invocation) => {
                let libfunc = cx
                    .registry
                    .get_libfunc(&invocation.libfunc_id)
                    .map_err(|error| NativeError::InvalidProgram(error.to_string()))?;
                let inputs = invocation
                    .args
                    .iter()
                    .map(|var| {
                        values
                            .remove(&var.id)
                            .ok_or_else(|| NativeError::InconsistentProgram {
                                statement: statement_index,
                                detail: format!("argument [{}] is not alive", var.id),
                            })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let mut branches = Vec::new();
                for (branch_index, branch) in invocation.branches.iter().enumerate() {
                    let target = match branch.target {
                        SierraTarget::Fallthrough => statement_index + 1,
                        SierraTarget::Statement(StatementIdx(target)) => target,
                    };
                    let operands = states[&target]
                        .keys()
                        .map(|var| {
                            if let Some(position) =
                                branch.results.iter().position(|result| result.id == *var)
                            {
                                Ok(Operand::Result(position))
                            } else {
                                values.get(var).copied().map(Operand::Kept).ok_or_else(|| {
                                    NativeError::InconsistentProgram {
                                        statement: statement_index,
                                        detail: format!("variable [{var}] is not alive"),
                                    }
                                })
                            }
                        })
                        .collect::<Result<Vec<_>>>()?;
                    branches.push(BranchTarget {
                        block: blocks[&target],
                        operands,
                        builtin_uses: cx
                            .builtin_usage
                            .branch(statement_index, branch_index)
                            .to_vec(),
                    });
                }
                let invocation_context = Invocation {
                    cx,
                    statement: StatementIdx(statement_index),
                    block: *block,
                    entry,
                    region: &region,
                    inputs,
                    param_types: libfunc
                        .param_signatures()
                        .iter()
                        .map(|param| param.ty.clone())
                        .collect(),
                    result_types: libfunc
                        .branch_signatures()
                        .iter()
                        .map(|branch| branch.vars.iter().map(|var| var.ty.clone()).collect())
                        .collect(),
                    branches,
                    tail_self_call: is_tail_self_call(
                        statements,
                        statement_index,
                        function,
                        libfunc,
                    )
                    .then_some(restart),
                    tested_difference: match libfunc {
                        CoreConcreteLibfunc::Felt252(Felt252Concrete::IsZero(_)) => {
                            difference::tested_difference(
                                cx.registry,
                                statements,
                                &states,
                                &blocks,
                                &predecessors,
                                statement_index,
                            )
                        }
                        _ => None,
                    },
                };
                crate::libfuncs::build(&invocation_context, libfunc).map_err(
                    |error| match error {
                        NativeError::UnsupportedLibfunc { name, .. } => {
                            NativeError::UnsupportedLibfunc {
                                name: cx
                                    .libfunc_names
                                    .get(&invocation.libfunc_id.id)
                                    .cloned()
                                    .unwrap_or(name),
                                statement: statement_index,
                            }
                        }
                        other => other,
                    },
                )?;
            }
        }
    }

    let function_type = FunctionType::new(context, &param_types, &return_types);
    cx.module.body().append_operation(func::func(
        context,
        StringAttribute::new(context, &internal_name(index)),
        TypeAttribute::new(function_type.into()),
        region,
        &[(
            Identifier::new(context, "sym_visibility"),
            StringAttribute::new(context, "private").into(),
        )],
        location,
    ));
    Ok(())
}
