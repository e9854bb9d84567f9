//! The STARK curve: points are `{x, y}` felts with `(0, 0)` for the identity; a state keeps its
//! running sum in its first two felts (the VM starts it at a random point and subtracts it at
//! the end; natively the sum starts at the identity, so no random point is needed).
//! Square roots and curve arithmetic run in the runtime (`crate::runtime`).

use cairo_lang_sierra::extensions::ec::EcConcreteLibfunc;
use melior::dialect::arith::{self, CmpiPredicate};
use melior::dialect::llvm;
use melior::ir::Value;

use crate::error::{NativeError, Result};
use crate::helper::{load_at, store_at, Invocation};
use crate::metadata::values::{call_runtime, extract, insert};

fn felts<'c, 'a>(invocation: &Invocation<'c, 'a, '_>, count: usize) -> Result<Value<'c, 'a>> {
    let felt = invocation.cx.int_type(256);
    invocation.alloca(llvm::r#type::array(felt, count as u32), 16)
}

fn store_felts<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    slot: Value<'c, 'a>,
    value: Value<'c, 'a>,
    count: usize,
) -> Result<()> {
    let felt = invocation.cx.int_type(256);
    for index in 0..count {
        let member = extract(invocation.cx, &invocation.block, value, index, felt)?;
        store_at(
            invocation.context(),
            &invocation.block,
            slot,
            32 * index,
            member,
        )?;
    }
    Ok(())
}

fn load_felts<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    slot: Value<'c, 'a>,
    ty: melior::ir::Type<'c>,
    count: usize,
) -> Result<Value<'c, 'a>> {
    let felt = invocation.cx.int_type(256);
    let mut value = invocation.push(llvm::undef(ty, invocation.location()))?;
    for index in 0..count {
        let member = load_at(
            invocation.context(),
            &invocation.block,
            slot,
            32 * index,
            felt,
        )?;
        value = insert(invocation.cx, &invocation.block, value, index, member)?;
    }
    Ok(value)
}

/// Calls runtime function `name`, which returns a u64 flag, and tests it.
fn runtime_predicate<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    name: &str,
    args: &[Value<'c, 'a>],
) -> Result<Value<'c, 'a>> {
    let flag_type = invocation.cx.int_type(64);
    let flag = call_runtime(
        invocation.cx,
        &invocation.block,
        name,
        args,
        Some(flag_type),
    )?
    .ok_or_else(|| NativeError::Mlir(format!("{name} returned nothing")))?;
    let zero = invocation.constant(flag_type, 0)?;
    invocation.push(arith::cmpi(
        invocation.context(),
        CmpiPredicate::Ne,
        flag,
        zero,
        invocation.location(),
    ))
}

fn is_zero<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    value: Value<'c, 'a>,
) -> Result<Value<'c, 'a>> {
    let zero = invocation.constant(invocation.cx.int_type(256), 0)?;
    invocation.push(arith::cmpi(
        invocation.context(),
        CmpiPredicate::Eq,
        value,
        zero,
        invocation.location(),
    ))
}

/// Builds one EC libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &EcConcreteLibfunc) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    let felt = cx.int_type(256);
    match selector {
        EcConcreteLibfunc::Zero(_) | EcConcreteLibfunc::StateInit(_) => {
            let ty = cx.ty(invocation.result_type(0, 0)?)?;
            let value = invocation.push(llvm::zero(ty, location))?;
            invocation.br(block, 0, &[value])
        }
        EcConcreteLibfunc::IsZero(_) => {
            // The CASM tests y only: no point of the curve has y = 0.
            let point = invocation.input(0)?;
            let y = extract(cx, block, point, 1, felt)?;
            let zero = is_zero(invocation, y)?;
            invocation.cond_br(block, zero, (0, &[]), (1, &[point]))
        }
        EcConcreteLibfunc::Neg(_) | EcConcreteLibfunc::NegNz(_) => {
            let point = invocation.input(0)?;
            let y = extract(cx, block, point, 1, felt)?;
            let zero = invocation.constant(felt, 0)?;
            let negated = super::felt252::binary(
                cx,
                block,
                cairo_lang_sierra::extensions::felt252::Felt252BinaryOperator::Sub,
                zero,
                y,
            )?;
            let result = insert(cx, block, point, 1, negated)?;
            invocation.br(block, 0, &[result])
        }
        EcConcreteLibfunc::UnwrapPoint(_) => {
            let point = invocation.input(0)?;
            let x = extract(cx, block, point, 0, felt)?;
            let y = extract(cx, block, point, 1, felt)?;
            invocation.br(block, 0, &[x, y])
        }
        EcConcreteLibfunc::TryNew(_) => {
            let x_slot = invocation.alloca(felt, 16)?;
            let y_slot = invocation.alloca(felt, 16)?;
            let (x, y) = (invocation.input(0)?, invocation.input(1)?);
            store_at(cx.context, block, x_slot, 0, x)?;
            store_at(cx.context, block, y_slot, 0, y)?;
            let valid = runtime_predicate(invocation, "ec_point_on_curve", &[x_slot, y_slot])?;
            let point_type = cx.ty(invocation.result_type(0, 0)?)?;
            let point = invocation.push(llvm::undef(point_type, location))?;
            let point = insert(cx, block, point, 0, x)?;
            let point = insert(cx, block, point, 1, y)?;
            invocation.cond_br(block, valid, (0, &[point]), (1, &[]))
        }
        EcConcreteLibfunc::PointFromX(_) => {
            let x_slot = invocation.alloca(felt, 16)?;
            store_at(cx.context, block, x_slot, 0, invocation.input(1)?)?;
            let point_slot = felts(invocation, 2)?;
            let valid = runtime_predicate(invocation, "ec_point_from_x", &[point_slot, x_slot])?;
            let point = load_felts(
                invocation,
                point_slot,
                cx.ty(invocation.result_type(0, 1)?)?,
                2,
            )?;
            let range_check = invocation.input(0)?;
            invocation.cond_br(
                block,
                valid,
                (0, &[range_check, point]),
                (1, &[range_check]),
            )
        }
        EcConcreteLibfunc::StateAdd(_) => {
            let state_slot = felts(invocation, 4)?;
            let point_slot = felts(invocation, 2)?;
            store_felts(invocation, state_slot, invocation.input(0)?, 4)?;
            store_felts(invocation, point_slot, invocation.input(1)?, 2)?;
            call_runtime(cx, block, "ec_state_add", &[state_slot, point_slot], None)?;
            let state = load_felts(
                invocation,
                state_slot,
                cx.ty(invocation.result_type(0, 0)?)?,
                4,
            )?;
            invocation.br(block, 0, &[state])
        }
        EcConcreteLibfunc::StateAddMul(_) => {
            let state_slot = felts(invocation, 4)?;
            let scalar_slot = invocation.alloca(felt, 16)?;
            let point_slot = felts(invocation, 2)?;
            store_felts(invocation, state_slot, invocation.input(1)?, 4)?;
            store_at(cx.context, block, scalar_slot, 0, invocation.input(2)?)?;
            store_felts(invocation, point_slot, invocation.input(3)?, 2)?;
            call_runtime(
                cx,
                block,
                "ec_state_add_mul",
                &[state_slot, scalar_slot, point_slot],
                None,
            )?;
            let state = load_felts(
                invocation,
                state_slot,
                cx.ty(invocation.result_type(0, 1)?)?,
                4,
            )?;
            invocation.br(block, 0, &[invocation.input(0)?, state])
        }
        EcConcreteLibfunc::StateFinalize(_) => {
            // Branch 0 with the sum when it is not the identity, else branch 1.
            let state = invocation.input(0)?;
            let x = extract(cx, block, state, 0, felt)?;
            let y = extract(cx, block, state, 1, felt)?;
            let x_zero = is_zero(invocation, x)?;
            let y_zero = is_zero(invocation, y)?;
            let identity = invocation.push(arith::andi(x_zero, y_zero, location))?;
            let point_type = cx.ty(invocation.result_type(0, 0)?)?;
            let point = invocation.push(llvm::undef(point_type, location))?;
            let point = insert(cx, block, point, 0, x)?;
            let point = insert(cx, block, point, 1, y)?;
            invocation.cond_br(block, identity, (1, &[]), (0, &[point]))
        }
    }
}
