//! u128: the unsigned operations plus the multiplication guarantee, splitting a felt252 into
//! two u128s, and byte reversal.

use cairo_lang_sierra::extensions::int::unsigned128::Uint128Concrete;
use melior::dialect::arith::{self, CmpiPredicate};
use melior::dialect::llvm;
use num_bigint::BigInt;

use super::uint;
use crate::error::Result;
use crate::helper::Invocation;

/// Builds one u128 libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &Uint128Concrete) -> Result<()> {
    let location = invocation.location();
    let u128_type = invocation.cx.int_type(128);
    match selector {
        Uint128Concrete::Const(info) => uint::constant(invocation, BigInt::from(info.c)),
        Uint128Concrete::Operation(info) => uint::overflowing(invocation, info.operator),
        Uint128Concrete::Divmod(_) => uint::divmod(invocation),
        Uint128Concrete::Equal(_) => uint::equal(invocation),
        Uint128Concrete::SquareRoot(_) => uint::square_root(invocation),
        Uint128Concrete::ToFelt252(_) => uint::to_felt252(invocation),
        Uint128Concrete::IsZero(_) => uint::is_zero(invocation),
        Uint128Concrete::Bitwise(_) => uint::bitwise(invocation),
        Uint128Concrete::GuaranteeMul(_) => {
            // (a, b) -> (high, low, guarantee)
            let wide = invocation.cx.int_type(256);
            let lhs = invocation.push(arith::extui(invocation.input(0)?, wide, location))?;
            let rhs = invocation.push(arith::extui(invocation.input(1)?, wide, location))?;
            let product = invocation.push(arith::muli(lhs, rhs, location))?;
            let low = invocation.push(arith::trunci(product, u128_type, location))?;
            let shift = invocation.constant(wide, 128)?;
            let high = invocation.push(arith::shrui(product, shift, location))?;
            let high = invocation.push(arith::trunci(high, u128_type, location))?;
            let guarantee_type = invocation.cx.ty(invocation.result_type(0, 2)?)?;
            let guarantee = invocation.push(llvm::undef(guarantee_type, location))?;
            invocation.br(&invocation.block, 0, &[high, low, guarantee])
        }
        Uint128Concrete::MulGuaranteeVerify(_) => {
            invocation.br(&invocation.block, 0, &[invocation.input(0)?])
        }
        Uint128Concrete::FromFelt252(_) => {
            // (rc, felt): branch 0 with the u128 when it fits, else branch 1 with (high, low).
            let range_check = invocation.input(0)?;
            let felt = invocation.input(1)?;
            let wide = invocation.cx.int_type(256);
            let limit = invocation.constant(wide, BigInt::from(1) << 128)?;
            let fits = invocation.push(arith::cmpi(
                invocation.context(),
                CmpiPredicate::Ult,
                felt,
                limit,
                location,
            ))?;
            let low = invocation.push(arith::trunci(felt, u128_type, location))?;
            let shift = invocation.constant(wide, 128)?;
            let high = invocation.push(arith::shrui(felt, shift, location))?;
            let high = invocation.push(arith::trunci(high, u128_type, location))?;
            invocation.cond_br(
                &invocation.block,
                fits,
                (0, &[range_check, low]),
                (1, &[range_check, high, low]),
            )
        }
        Uint128Concrete::ByteReverse(_) => {
            let reversed =
                invocation.push(llvm::intr_bswap(invocation.input(1)?, u128_type, location))?;
            invocation.br(&invocation.block, 0, &[invocation.input(0)?, reversed])
        }
    }
}
