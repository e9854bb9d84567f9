//! `pedersen` and `hades_permutation`: computed by the runtime (see `crate::runtime`); the
//! builtins are counters passed through.

use cairo_lang_sierra::extensions::pedersen::PedersenConcreteLibfunc;
use cairo_lang_sierra::extensions::poseidon::PoseidonConcreteLibfunc;

use crate::error::Result;
use crate::helper::{load_at, store_at, Invocation};
use crate::metadata::values::call_runtime;

/// Builds `pedersen(builtin, a, b) -> (builtin, hash)`.
pub fn build_pedersen(
    invocation: &Invocation<'_, '_, '_>,
    selector: &PedersenConcreteLibfunc,
) -> Result<()> {
    let PedersenConcreteLibfunc::PedersenHash(_) = selector;
    let context = invocation.context();
    let block = &invocation.block;
    let felt = invocation.cx.int_type(256);
    let lhs = invocation.alloca(felt, 16)?;
    let rhs = invocation.alloca(felt, 16)?;
    let out = invocation.alloca(felt, 16)?;
    store_at(context, block, lhs, 0, invocation.input(1)?)?;
    store_at(context, block, rhs, 0, invocation.input(2)?)?;
    call_runtime(invocation.cx, block, "pedersen", &[out, lhs, rhs], None)?;
    let hash = load_at(context, block, out, 0, felt)?;
    invocation.br(block, 0, &[invocation.input(0)?, hash])
}

/// Builds `hades_permutation(builtin, s0, s1, s2) -> (builtin, s0', s1', s2')`.
pub fn build_poseidon(
    invocation: &Invocation<'_, '_, '_>,
    selector: &PoseidonConcreteLibfunc,
) -> Result<()> {
    let PoseidonConcreteLibfunc::HadesPermutation(_) = selector;
    let context = invocation.context();
    let block = &invocation.block;
    let felt = invocation.cx.int_type(256);
    let state = invocation.alloca(melior::dialect::llvm::r#type::array(felt, 3), 16)?;
    for index in 0..3 {
        store_at(
            context,
            block,
            state,
            32 * index,
            invocation.input(index + 1)?,
        )?;
    }
    call_runtime(invocation.cx, block, "hades_permutation", &[state], None)?;
    let mut results = vec![invocation.input(0)?];
    for index in 0..3 {
        results.push(load_at(context, block, state, 32 * index, felt)?);
    }
    invocation.br(block, 0, &results)
}
