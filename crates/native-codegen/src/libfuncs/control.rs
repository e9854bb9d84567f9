//! Libfuncs that only move control or rename values: `jump`, `branch_align`, the ap-tracking
//! markers (CASM bookkeeping with no native meaning) and `unwrap_non_zero`.

use crate::error::Result;
use crate::helper::Invocation;

/// Jumps to the single branch, passing the inputs on as the results.
pub fn build(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    build_identity(invocation)
}

/// Results are the inputs, unchanged (same native representation).
pub fn build_identity(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    invocation.br(&invocation.block, 0, &invocation.inputs)
}
