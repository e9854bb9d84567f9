//! The structural checks the VM's Sierra-to-CASM compiler makes before anything else, made here
//! too so that a malformed program is refused at once with the VM's reasons rather than
//! compiled into something unbounded: every statement a function reaches belongs to that
//! function alone, branches stay inside the program, and each invocation has its libfunc's
//! number of arguments and branches (and falls through where the libfunc does).

use cairo_lang_sierra::extensions::ConcreteLibfunc;
use std::collections::HashMap;

use cairo_lang_sierra::program::{BranchTarget, GenericArg, Program, Statement};

use crate::error::{NativeError, Result};
use crate::Registry;

fn invalid(detail: String) -> NativeError {
    NativeError::InvalidProgram(detail)
}

/// How deep types may nest natively. Each level is a nested LLVM type, and MLIR verifies and
/// lowers nested types recursively on a worker thread's stack: a struct nested 75,000 deep
/// overflows it, and 60,000 takes over a minute to fail. Written programs stay far below this.
pub(crate) const MAX_TYPE_DEPTH: usize = 2_000;

/// Refuses a program whose types nest deeper than [`MAX_TYPE_DEPTH`], naming the deepest.
pub(crate) fn check_type_depth(program: &Program) -> Result<()> {
    // Sierra declares a type after the types it takes as arguments, so one pass in declaration
    // order sees every argument's depth before the type's own (an argument declared later, which
    // the registry refuses anyway, counts as depth 0).
    let mut depths: HashMap<u64, usize> = HashMap::new();
    for declaration in &program.type_declarations {
        let depth = 1 + declaration
            .long_id
            .generic_args
            .iter()
            .filter_map(|arg| match arg {
                GenericArg::Type(id) => depths.get(&id.id).copied(),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        if depth > MAX_TYPE_DEPTH {
            return Err(NativeError::UnsupportedType(format!(
                "{}: it nests more than {MAX_TYPE_DEPTH} types deep, more than native code \
                 supports (the VM backend runs it)",
                declaration.id
            )));
        }
        depths.insert(declaration.id.id, depth);
    }
    Ok(())
}

/// Checks `program`'s structure against `registry`.
pub(crate) fn check_structure(program: &Program, registry: &Registry) -> Result<()> {
    let count = program.statements.len();
    let mut owner: Vec<Option<usize>> = vec![None; count];
    for (index, function) in program.funcs.iter().enumerate() {
        let mut pending = vec![function.entry_point.0];
        while let Some(statement) = pending.pop() {
            let Some(slot) = owner.get_mut(statement) else {
                return Err(invalid(format!(
                    "function {} reaches statement {statement}, past the program's {count} \
                     statements",
                    function.id
                )));
            };
            match *slot {
                Some(known) if known == index => continue,
                Some(known) => {
                    return Err(invalid(format!(
                        "statement {statement} belongs to two different functions ({} and {})",
                        program.funcs[known].id, function.id
                    )))
                }
                None => *slot = Some(index),
            }
            let Statement::Invocation(invocation) = &program.statements[statement] else {
                continue;
            };
            let libfunc = registry
                .get_libfunc(&invocation.libfunc_id)
                .map_err(|error| invalid(format!("statement {statement}: {error}")))?;
            let outputs: Vec<usize> = libfunc.output_types().map(|types| types.len()).collect();
            let shape_matches = invocation.args.len() == libfunc.param_signatures().len()
                && invocation
                    .branches
                    .iter()
                    .map(|branch| branch.results.len())
                    .eq(outputs.iter().copied())
                && libfunc.fallthrough().is_none_or(|fallthrough| {
                    invocation.branches[fallthrough].target == BranchTarget::Fallthrough
                });
            if !shape_matches {
                return Err(invalid(format!(
                    "statement {statement}: the call of {} does not match its signature",
                    invocation.libfunc_id
                )));
            }
            for branch in &invocation.branches {
                pending.push(match branch.target {
                    BranchTarget::Fallthrough => statement + 1,
                    BranchTarget::Statement(target) => target.0,
                });
            }
        }
    }
    Ok(())
}
