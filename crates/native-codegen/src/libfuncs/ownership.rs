//! `drop`, `dup` and `snapshot_take`: values that own heap memory are freed or deep-copied, the
//! rest need no code.

use crate::error::Result;
use crate::helper::Invocation;
use crate::metadata::values::{clone_value, drop_value};

/// `drop<T>(value)`.
pub fn build_drop(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let value = invocation.input(0)?;
    drop_value(
        invocation.cx,
        &invocation.block,
        value,
        invocation.param_type(0)?,
    )?;
    invocation.br(&invocation.block, 0, &[])
}

/// `dup<T>(value) -> (value, value)` and `snapshot_take<T>(value) -> (value, @value)`.
pub fn build_dup(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let value = invocation.input(0)?;
    let copy = clone_value(
        invocation.cx,
        &invocation.block,
        value,
        invocation.param_type(0)?,
    )?;
    invocation.br(&invocation.block, 0, &[value, copy])
}
