//! Felt equality as Cairo writes it: `a == b` on felts is `felt252_is_zero(a − b)`, the
//! difference usually passed on by a `store_temp`. Natively the difference is a subtraction
//! and a select (`a − b`, plus P when that wrapped) and the test compares the select with 0:
//! LLVM cannot see that the select's "plus P" arm is never 0, so it keeps both arms, about 30
//! instructions where `a == b` is 8 (a search loop's element took 8 cycles, now 3). When the
//! subtraction reaches the test on the one path into it, the test compares its operands
//! instead: both are below P, so `(a − b) mod P = 0` exactly when `a = b`.

use std::collections::{BTreeMap, HashMap};

use cairo_lang_sierra::extensions::core::CoreConcreteLibfunc;
use cairo_lang_sierra::extensions::felt252::{
    Felt252BinaryOperationConcrete, Felt252BinaryOperator, Felt252Concrete,
};
use cairo_lang_sierra::extensions::mem::MemConcreteLibfunc;
use cairo_lang_sierra::program::{BranchTarget as SierraTarget, Statement, StatementIdx};
use melior::ir::block::BlockLike;
use melior::ir::{BlockRef, Value};

use super::VarState;
use crate::Registry;

/// The operands of the difference a `felt252_is_zero` tests. (Only a difference of two
/// variables: the compiler writes `x == 5` as a constant variable subtracted, never with
/// `felt252_sub`'s constant form.)
pub(crate) struct Difference<'c, 'a> {
    pub minuend: Value<'c, 'a>,
    pub subtrahend: Value<'c, 'a>,
}

/// Each statement's predecessors: the statements with a branch to it (once per branch), and
/// `None` for the function's start (the restart block jumps to the entry point).
pub(crate) fn predecessors(
    statements: &[Statement],
    states: &BTreeMap<usize, VarState>,
    entry_point: usize,
) -> HashMap<usize, Vec<Option<usize>>> {
    let mut predecessors: HashMap<usize, Vec<Option<usize>>> = HashMap::new();
    predecessors.entry(entry_point).or_default().push(None);
    for &index in states.keys() {
        let Some(Statement::Invocation(invocation)) = statements.get(index) else {
            continue;
        };
        for branch in &invocation.branches {
            predecessors
                .entry(target_of(index, &branch.target))
                .or_default()
                .push(Some(index));
        }
    }
    predecessors
}

fn target_of(index: usize, target: &SierraTarget) -> usize {
    match target {
        SierraTarget::Fallthrough => index + 1,
        SierraTarget::Statement(StatementIdx(target)) => *target,
    }
}

/// How far back through `store_temp`s, `rename`s and `dup`s a difference is looked for.
const MAX_STEPS: usize = 8;

/// For a `felt252_is_zero` at `statement`: the operands of the `felt252_sub` whose result it
/// tests, when that subtraction reaches it along a chain of statements each the only way into
/// the next (so the subtraction's block dominates the test's and its values are usable there),
/// through value-preserving libfuncs only.
pub(crate) fn tested_difference<'c, 'a>(
    registry: &Registry,
    statements: &[Statement],
    states: &BTreeMap<usize, VarState>,
    blocks: &BTreeMap<usize, BlockRef<'c, 'a>>,
    predecessors: &HashMap<usize, Vec<Option<usize>>>,
    statement: usize,
) -> Option<Difference<'c, 'a>> {
    let Some(Statement::Invocation(test)) = statements.get(statement) else {
        return None;
    };
    let mut var = test.args.first()?.id;
    let mut current = statement;
    for _ in 0..MAX_STEPS {
        let [Some(previous)] = predecessors.get(&current)?.as_slice() else {
            return None;
        };
        let previous = *previous;
        let Some(Statement::Invocation(invocation)) = statements.get(previous) else {
            return None;
        };
        let [branch] = invocation.branches.as_slice() else {
            return None;
        };
        let position = branch.results.iter().position(|result| result.id == var)?;
        let libfunc = registry.get_libfunc(&invocation.libfunc_id).ok()?;
        let value_of = |arg: usize| -> Option<Value<'c, 'a>> {
            let id = invocation.args.get(arg)?.id;
            let slot = states.get(&previous)?.keys().position(|live| *live == id)?;
            blocks.get(&previous)?.argument(slot).ok().map(Value::from)
        };
        match libfunc {
            CoreConcreteLibfunc::Felt252(Felt252Concrete::BinaryOperation(
                Felt252BinaryOperationConcrete::WithVar(info),
            )) if info.operator == Felt252BinaryOperator::Sub => {
                return Some(Difference {
                    minuend: value_of(0)?,
                    subtrahend: value_of(1)?,
                });
            }
            CoreConcreteLibfunc::Mem(MemConcreteLibfunc::StoreTemp(_))
            | CoreConcreteLibfunc::Mem(MemConcreteLibfunc::Rename(_))
                if position == 0 =>
            {
                var = invocation.args.first()?.id;
            }
            CoreConcreteLibfunc::Mem(MemConcreteLibfunc::StoreLocal(_)) if position == 0 => {
                var = invocation.args.get(1)?.id;
            }
            CoreConcreteLibfunc::Dup(_) => var = invocation.args.first()?.id,
            _ => return None,
        }
        current = previous;
    }
    None
}
