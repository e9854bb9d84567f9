//! u8, u16, u32 and u64: overflowing add/sub, divmod, wide mul, comparisons, conversions from and
//! to felt252, square root and bitwise operations. The helpers are shared with u128.

use cairo_lang_sierra::extensions::int::unsigned::{UintConcrete, UintTraits};
use cairo_lang_sierra::extensions::int::{IntMulTraits, IntOperator};
use cairo_lang_sierra::extensions::is_zero::IsZeroTraits;
use melior::dialect::arith::{self, CmpiPredicate};
use num_bigint::BigInt;

use super::wide::IntRepr;
use crate::error::{NativeError, Result};
use crate::helper::Invocation;
use crate::metadata::values::isqrt;

/// The width of an unsigned integer type.
pub(super) fn width(
    invocation: &Invocation<'_, '_, '_>,
    ty: &cairo_lang_sierra::ids::ConcreteTypeId,
) -> Result<u32> {
    match IntRepr::of(invocation.cx, ty)? {
        IntRepr::Unsigned(bits) => Ok(bits),
        _ => Err(NativeError::InvalidProgram(
            "expected an unsigned integer".to_owned(),
        )),
    }
}

/// Builds one u8/u16/u32/u64 libfunc.
pub fn build<T: UintTraits + IntMulTraits + IsZeroTraits>(
    invocation: &Invocation<'_, '_, '_>,
    selector: &UintConcrete<T>,
) -> Result<()> {
    match selector {
        UintConcrete::Const(info) => {
            let c: BigInt = info.c.into();
            constant(invocation, c)
        }
        UintConcrete::Operation(info) => overflowing(invocation, info.operator),
        UintConcrete::SquareRoot(_) => square_root(invocation),
        UintConcrete::Equal(_) => equal(invocation),
        UintConcrete::ToFelt252(_) => to_felt252(invocation),
        UintConcrete::FromFelt252(_) => from_felt252(invocation),
        UintConcrete::IsZero(_) => is_zero(invocation),
        UintConcrete::Divmod(_) => divmod(invocation),
        UintConcrete::WideMul(_) => wide_mul(invocation),
        UintConcrete::Bitwise(_) => bitwise(invocation),
    }
}

pub(super) fn constant(invocation: &Invocation<'_, '_, '_>, c: BigInt) -> Result<()> {
    let ty = invocation.cx.ty(invocation.result_type(0, 0)?)?;
    let value = invocation.constant(ty, c)?;
    invocation.br(&invocation.block, 0, &[value])
}

/// `(rc, a, b)`: branch 0 without overflow, branch 1 with the wrapped result.
pub(super) fn overflowing(
    invocation: &Invocation<'_, '_, '_>,
    operator: IntOperator,
) -> Result<()> {
    let context = invocation.context();
    let location = invocation.location();
    let range_check = invocation.input(0)?;
    let lhs = invocation.input(1)?;
    let rhs = invocation.input(2)?;
    let (result, overflow) = match operator {
        IntOperator::OverflowingAdd => {
            let sum = invocation.push(arith::addi(lhs, rhs, location))?;
            let overflow =
                invocation.push(arith::cmpi(context, CmpiPredicate::Ult, sum, lhs, location))?;
            (sum, overflow)
        }
        IntOperator::OverflowingSub => {
            let difference = invocation.push(arith::subi(lhs, rhs, location))?;
            let overflow =
                invocation.push(arith::cmpi(context, CmpiPredicate::Ult, lhs, rhs, location))?;
            (difference, overflow)
        }
    };
    invocation.cond_br(
        &invocation.block,
        overflow,
        (1, &[range_check, result]),
        (0, &[range_check, result]),
    )
}

/// `(rc, value) -> (rc, floor(sqrt(value)))` in half the width.
pub(super) fn square_root(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let range_check = invocation.input(0)?;
    let value = invocation.input(1)?;
    let bits = width(invocation, invocation.param_type(1)?)?;
    let root = isqrt(invocation.cx, &invocation.block, value, bits)?;
    let result_bits = width(invocation, invocation.result_type(0, 1)?)?;
    let root = if result_bits < bits {
        invocation.push(arith::trunci(
            root,
            invocation.cx.int_type(result_bits),
            invocation.location(),
        ))?
    } else {
        root
    };
    invocation.br(&invocation.block, 0, &[range_check, root])
}

/// `(a, b)`: branch 0 if different, 1 if equal (the bool's variants).
pub(super) fn equal(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let equal = invocation.push(arith::cmpi(
        invocation.context(),
        CmpiPredicate::Eq,
        invocation.input(0)?,
        invocation.input(1)?,
        invocation.location(),
    ))?;
    invocation.cond_br(&invocation.block, equal, (1, &[]), (0, &[]))
}

pub(super) fn to_felt252(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let felt = invocation.push(arith::extui(
        invocation.input(0)?,
        invocation.cx.int_type(256),
        invocation.location(),
    ))?;
    invocation.br(&invocation.block, 0, &[felt])
}

/// `(rc, felt)`: branch 0 with the value when it fits, branch 1 otherwise.
pub(super) fn from_felt252(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let location = invocation.location();
    let range_check = invocation.input(0)?;
    let felt = invocation.input(1)?;
    let bits = width(invocation, invocation.result_type(0, 1)?)?;
    let limit = invocation.constant(invocation.cx.int_type(256), BigInt::from(1) << bits)?;
    let fits = invocation.push(arith::cmpi(
        invocation.context(),
        CmpiPredicate::Ult,
        felt,
        limit,
        location,
    ))?;
    let value = invocation.push(arith::trunci(felt, invocation.cx.int_type(bits), location))?;
    invocation.cond_br(
        &invocation.block,
        fits,
        (0, &[range_check, value]),
        (1, &[range_check]),
    )
}

/// `(value)`: branch 0 if zero, branch 1 with the value as non-zero.
pub(super) fn is_zero(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let value = invocation.input(0)?;
    let bits = width(invocation, invocation.param_type(0)?)?;
    let zero = invocation.constant(invocation.cx.int_type(bits), 0)?;
    let is_zero = invocation.push(arith::cmpi(
        invocation.context(),
        CmpiPredicate::Eq,
        value,
        zero,
        invocation.location(),
    ))?;
    invocation.cond_br(&invocation.block, is_zero, (0, &[]), (1, &[value]))
}

/// `(rc, a, b ≠ 0) -> (rc, a / b, a % b)`.
pub(super) fn divmod(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let location = invocation.location();
    let lhs = invocation.input(1)?;
    let rhs = invocation.input(2)?;
    let quotient = invocation.push(arith::divui(lhs, rhs, location))?;
    let remainder = invocation.push(arith::remui(lhs, rhs, location))?;
    invocation.br(
        &invocation.block,
        0,
        &[invocation.input(0)?, quotient, remainder],
    )
}

/// `(a, b) -> a * b` in twice the width.
pub(super) fn wide_mul(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let location = invocation.location();
    let result_type = invocation.cx.ty(invocation.result_type(0, 0)?)?;
    let lhs = invocation.push(arith::extui(invocation.input(0)?, result_type, location))?;
    let rhs = invocation.push(arith::extui(invocation.input(1)?, result_type, location))?;
    let product = invocation.push(arith::muli(lhs, rhs, location))?;
    invocation.br(&invocation.block, 0, &[product])
}

/// `(bitwise, a, b) -> (bitwise, a & b, a ^ b, a | b)`.
pub(super) fn bitwise(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let location = invocation.location();
    let lhs = invocation.input(1)?;
    let rhs = invocation.input(2)?;
    let and = invocation.push(arith::andi(lhs, rhs, location))?;
    let xor = invocation.push(arith::xori(lhs, rhs, location))?;
    let or = invocation.push(arith::ori(lhs, rhs, location))?;
    invocation.br(&invocation.block, 0, &[invocation.input(0)?, and, xor, or])
}
