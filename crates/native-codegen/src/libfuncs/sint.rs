//! i8 … i128: overflowing add/sub with separate underflow and overflow branches, `diff`, wide
//! mul, comparisons and felt252 conversions (negative values are P - |v|).

use cairo_lang_sierra::extensions::int::signed::{SintConcrete, SintTraits};
use cairo_lang_sierra::extensions::int::signed128::Sint128Concrete;
use cairo_lang_sierra::extensions::int::{IntMulTraits, IntOperator};
use melior::dialect::arith::{self, CmpiPredicate};
use num_bigint::BigInt;

use super::uint;
use super::wide::{from_wide, to_wide, IntRepr};
use crate::error::Result;
use crate::helper::Invocation;

/// Builds one i8/i16/i32/i64 libfunc.
pub fn build<T: SintTraits + IntMulTraits>(
    invocation: &Invocation<'_, '_, '_>,
    selector: &SintConcrete<T>,
) -> Result<()> {
    match selector {
        SintConcrete::Const(info) => {
            let c: BigInt = info.c.into();
            uint::constant(invocation, c)
        }
        SintConcrete::Equal(_) => uint::equal(invocation),
        SintConcrete::ToFelt252(_) => to_felt252(invocation),
        SintConcrete::FromFelt252(_) => super::cast::downcast(invocation),
        SintConcrete::Operation(info) => overflowing(invocation, info.operator),
        SintConcrete::Diff(_) => diff(invocation),
        SintConcrete::WideMul(_) => {
            let location = invocation.location();
            let result_type = invocation.cx.ty(invocation.result_type(0, 0)?)?;
            let lhs = invocation.push(arith::extsi(invocation.input(0)?, result_type, location))?;
            let rhs = invocation.push(arith::extsi(invocation.input(1)?, result_type, location))?;
            let product = invocation.push(arith::muli(lhs, rhs, location))?;
            invocation.br(&invocation.block, 0, &[product])
        }
    }
}

/// Builds one i128 libfunc.
pub fn build_128(invocation: &Invocation<'_, '_, '_>, selector: &Sint128Concrete) -> Result<()> {
    match selector {
        Sint128Concrete::Const(info) => uint::constant(invocation, BigInt::from(info.c)),
        Sint128Concrete::Equal(_) => uint::equal(invocation),
        Sint128Concrete::ToFelt252(_) => to_felt252(invocation),
        Sint128Concrete::FromFelt252(_) => super::cast::downcast(invocation),
        Sint128Concrete::Operation(info) => overflowing(invocation, info.operator),
        Sint128Concrete::Diff(_) => diff(invocation),
    }
}

fn to_felt252(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let cx = invocation.cx;
    let wide = to_wide(
        cx,
        &invocation.block,
        invocation.input(0)?,
        invocation.param_type(0)?,
    )?;
    let felt = from_wide(cx, &invocation.block, wide, invocation.result_type(0, 0)?)?;
    invocation.br(&invocation.block, 0, &[felt])
}

/// `(rc, a, b)`: branch 0 in range, 1 below (wrapped), 2 above (wrapped).
fn overflowing(invocation: &Invocation<'_, '_, '_>, operator: IntOperator) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    let ty = invocation.param_type(1)?;
    let lhs = to_wide(cx, block, invocation.input(1)?, ty)?;
    let rhs = to_wide(cx, block, invocation.input(2)?, ty)?;
    let exact = match operator {
        IntOperator::OverflowingAdd => invocation.push(arith::addi(lhs, rhs, location))?,
        IntOperator::OverflowingSub => invocation.push(arith::subi(lhs, rhs, location))?,
    };
    let (lower, upper) = IntRepr::of(cx, ty)?.bounds();
    let wide = super::wide::wide_type(cx);
    let lower = invocation.constant(wide, lower)?;
    let upper = invocation.constant(wide, upper)?;
    let below = invocation.push(arith::cmpi(
        cx.context,
        CmpiPredicate::Slt,
        exact,
        lower,
        location,
    ))?;
    let above = invocation.push(arith::cmpi(
        cx.context,
        CmpiPredicate::Sgt,
        exact,
        upper,
        location,
    ))?;
    let selector_type = cx.int_type(8);
    let zero = invocation.constant(selector_type, 0)?;
    let one = invocation.constant(selector_type, 1)?;
    let two = invocation.constant(selector_type, 2)?;
    let above_or_in = invocation.push(arith::select(above, two, zero, location))?;
    let branch = invocation.push(arith::select(below, one, above_or_in, location))?;
    let result = invocation.push(arith::trunci(exact, cx.ty(ty)?, location))?;
    let range_check = invocation.input(0)?;
    invocation.switch(
        block,
        branch,
        &[
            vec![range_check, result],
            vec![range_check, result],
            vec![range_check, result],
        ],
    )
}

/// `(rc, a, b)`: branch 0 with `a - b` as unsigned when `a >= b`, else branch 1 with it wrapped.
fn diff(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let location = invocation.location();
    let lhs = invocation.input(1)?;
    let rhs = invocation.input(2)?;
    let difference = invocation.push(arith::subi(lhs, rhs, location))?;
    let smaller = invocation.push(arith::cmpi(
        invocation.context(),
        CmpiPredicate::Slt,
        lhs,
        rhs,
        location,
    ))?;
    let range_check = invocation.input(0)?;
    invocation.cond_br(
        &invocation.block,
        smaller,
        (1, &[range_check, difference]),
        (0, &[range_check, difference]),
    )
}
