//! `bounded_int_*`: arithmetic whose result type's range holds every result, so it is exact in
//! the wide form; constrain, trim and zero tests branch on the value.

use cairo_lang_sierra::extensions::bounded_int::BoundedIntConcreteLibfunc;
use melior::dialect::arith::{self, CmpiPredicate};

use super::wide::{from_wide, to_wide, wide_type};
use crate::error::Result;
use crate::helper::Invocation;

/// Builds one bounded-int libfunc.
pub fn build(
    invocation: &Invocation<'_, '_, '_>,
    selector: &BoundedIntConcreteLibfunc,
) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    let wide_of = |index: usize| -> Result<_> {
        to_wide(
            cx,
            block,
            invocation.input(index)?,
            invocation.param_type(index)?,
        )
    };
    match selector {
        BoundedIntConcreteLibfunc::Add(_)
        | BoundedIntConcreteLibfunc::Sub(_)
        | BoundedIntConcreteLibfunc::Mul(_) => {
            let lhs = wide_of(0)?;
            let rhs = wide_of(1)?;
            let exact = match selector {
                BoundedIntConcreteLibfunc::Add(_) => {
                    invocation.push(arith::addi(lhs, rhs, location))?
                }
                BoundedIntConcreteLibfunc::Sub(_) => {
                    invocation.push(arith::subi(lhs, rhs, location))?
                }
                _ => invocation.push(arith::muli(lhs, rhs, location))?,
            };
            let value = from_wide(cx, block, exact, invocation.result_type(0, 0)?)?;
            invocation.br(block, 0, &[value])
        }
        BoundedIntConcreteLibfunc::DivRem(_) => {
            // (rc, a, b) -> (rc, a / b, a % b); the algorithm's ranges make both non-negative.
            let lhs = wide_of(1)?;
            let rhs = wide_of(2)?;
            let quotient = invocation.push(arith::divsi(lhs, rhs, location))?;
            let remainder = invocation.push(arith::remsi(lhs, rhs, location))?;
            let quotient = from_wide(cx, block, quotient, invocation.result_type(0, 1)?)?;
            let remainder = from_wide(cx, block, remainder, invocation.result_type(0, 2)?)?;
            invocation.br(block, 0, &[invocation.input(0)?, quotient, remainder])
        }
        BoundedIntConcreteLibfunc::Constrain(info) => {
            // (rc, value): branch 0 below the boundary, branch 1 at or above it.
            let value = wide_of(1)?;
            let boundary = invocation.constant(wide_type(cx), &info.boundary)?;
            let below = invocation.push(arith::cmpi(
                cx.context,
                CmpiPredicate::Slt,
                value,
                boundary,
                location,
            ))?;
            let low = from_wide(cx, block, value, invocation.result_type(0, 1)?)?;
            let high = from_wide(cx, block, value, invocation.result_type(1, 1)?)?;
            let range_check = invocation.input(0)?;
            invocation.cond_br(
                block,
                below,
                (0, &[range_check, low]),
                (1, &[range_check, high]),
            )
        }
        BoundedIntConcreteLibfunc::TrimMin(info) | BoundedIntConcreteLibfunc::TrimMax(info) => {
            // Branch 0 when the value is the trimmed one, branch 1 with it in the narrower type.
            let value = wide_of(0)?;
            let trimmed = invocation.constant(wide_type(cx), &info.trimmed_value)?;
            let is_trimmed = invocation.push(arith::cmpi(
                cx.context,
                CmpiPredicate::Eq,
                value,
                trimmed,
                location,
            ))?;
            let narrowed = from_wide(cx, block, value, invocation.result_type(1, 0)?)?;
            invocation.cond_br(block, is_trimmed, (0, &[]), (1, &[narrowed]))
        }
        BoundedIntConcreteLibfunc::IsZero(_) => {
            let value = wide_of(0)?;
            let zero = invocation.constant(wide_type(cx), 0)?;
            let is_zero = invocation.push(arith::cmpi(
                cx.context,
                CmpiPredicate::Eq,
                value,
                zero,
                location,
            ))?;
            invocation.cond_br(block, is_zero, (0, &[]), (1, &[invocation.input(0)?]))
        }
        BoundedIntConcreteLibfunc::WrapNonZero(_) => {
            invocation.br(block, 0, &[invocation.input(0)?])
        }
        // A u32 guarantee holds its u32: verifying it only consumes it.
        BoundedIntConcreteLibfunc::GuaranteeVerify(_) => {
            invocation.br(block, 0, &[invocation.input(0)?])
        }
        // Four u32 guarantees, from the lowest 32 bits up.
        BoundedIntConcreteLibfunc::U128ToU32Guarantees(_) => {
            let value = invocation.input(0)?;
            let location = invocation.location();
            let u128_type = cx.int_type(128);
            let mut words = Vec::with_capacity(4);
            for index in 0..4 {
                let shift = invocation.constant(u128_type, 32 * index)?;
                let shifted = invocation.push(arith::shrui(value, shift, location))?;
                words.push(invocation.push(arith::trunci(shifted, cx.int_type(32), location))?);
            }
            invocation.br(block, 0, &words)
        }
    }
}
