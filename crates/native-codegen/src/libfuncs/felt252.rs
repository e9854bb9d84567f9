//! felt252 arithmetic modulo the prime P = 2^251 + 17·2^192 + 1. Values are kept in [0, P).

use cairo_lang_sierra::extensions::felt252::{
    Felt252BinaryOperationConcrete, Felt252BinaryOperator, Felt252Concrete,
};
use melior::dialect::arith::{self, CmpiPredicate};
use melior::ir::block::BlockLike;
use melior::ir::Value;
use num_bigint::BigInt;
use num_traits::Euclid;

use crate::error::Result;
use crate::function::Difference;
use crate::helper::{const_int, push, CodegenContext, Invocation};
use crate::metadata::values::{felt_inverse, PRIME};

/// `c` reduced into [0, P), as decimal text.
pub(crate) fn felt_constant(c: &BigInt) -> String {
    let prime: BigInt = PRIME.parse().unwrap_or_default();
    c.rem_euclid(&prime).to_string()
}

/// Builds one felt252 libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &Felt252Concrete) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let felt = cx.int_type(256);
    match selector {
        Felt252Concrete::BinaryOperation(operation) => {
            let lhs = invocation.input(0)?;
            let (operator, rhs) = match operation {
                Felt252BinaryOperationConcrete::WithVar(info) => {
                    (info.operator, invocation.input(1)?)
                }
                Felt252BinaryOperationConcrete::WithConst(info) => (
                    info.operator,
                    invocation.constant(felt, felt_constant(&info.c))?,
                ),
            };
            let result = binary(cx, block, operator, lhs, rhs)?;
            invocation.br(block, 0, &[result])
        }
        Felt252Concrete::Const(info) => {
            let value = invocation.constant(felt, felt_constant(&info.c))?;
            invocation.br(block, 0, &[value])
        }
        Felt252Concrete::IsZero(_) => {
            let value = invocation.input(0)?;
            // `a − b` is 0 exactly when `a = b` (both reduced): compare those when known.
            let (lhs, rhs) = match &invocation.tested_difference {
                Some(Difference {
                    minuend,
                    subtrahend,
                }) => (*minuend, *subtrahend),
                None => (value, invocation.constant(felt, 0)?),
            };
            let is_zero = invocation.push(arith::cmpi(
                cx.context,
                CmpiPredicate::Eq,
                lhs,
                rhs,
                invocation.location(),
            ))?;
            invocation.cond_br(block, is_zero, (0, &[]), (1, &[value]))
        }
    }
}

/// `lhs op rhs` modulo P.
pub(crate) fn binary<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    operator: Felt252BinaryOperator,
    lhs: Value<'c, 'a>,
    rhs: Value<'c, 'a>,
) -> Result<Value<'c, 'a>> {
    let location = cx.location();
    let felt = cx.int_type(256);
    let prime = const_int(cx.context, block, felt, PRIME)?;
    Ok(match operator {
        Felt252BinaryOperator::Add => {
            // Both below P < 2^252: the sum fits in 256 bits.
            let sum = push(block, arith::addi(lhs, rhs, location))?;
            let wraps = push(
                block,
                arith::cmpi(cx.context, CmpiPredicate::Uge, sum, prime, location),
            )?;
            let reduced = push(block, arith::subi(sum, prime, location))?;
            push(block, arith::select(wraps, reduced, sum, location))?
        }
        Felt252BinaryOperator::Sub => {
            let difference = push(block, arith::subi(lhs, rhs, location))?;
            let wraps = push(
                block,
                arith::cmpi(cx.context, CmpiPredicate::Ult, lhs, rhs, location),
            )?;
            let raised = push(block, arith::addi(difference, prime, location))?;
            push(block, arith::select(wraps, raised, difference, location))?
        }
        Felt252BinaryOperator::Mul => multiply(cx, block, lhs, rhs)?,
        Felt252BinaryOperator::Div => {
            let inverse = felt_inverse(cx, block, rhs)?;
            multiply(cx, block, lhs, inverse)?
        }
    })
}

/// `value · P mod 2^256` for an i256 `value`: P = 1 + (2^59 + 17)·2^192, so only the low limb
/// of `value` reaches P's top limb below 2^256 — one 64-bit product. (Written as a
/// multiplication by P, LLVM folds `x − value·P` into `x + value·(−P)`, whose limbs are all
/// non-zero: four 64×64 products instead of one.)
fn times_prime_low<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    value: Value<'c, 'a>,
) -> Result<Value<'c, 'a>> {
    let location = cx.location();
    let context = cx.context;
    let felt = cx.int_type(256);
    let limb = cx.int_type(64);
    let low_limb = push(block, arith::trunci(value, limb, location))?;
    let top_limb_of_prime = const_int(context, block, limb, (1u64 << 59) + 17)?;
    let top = push(block, arith::muli(low_limb, top_limb_of_prime, location))?;
    let top = push(block, arith::extui(top, felt, location))?;
    let shift_192 = const_int(context, block, felt, 192)?;
    let top = push(block, arith::shli(top, shift_192, location))?;
    push(block, arith::addi(value, top, location))
}

/// `lhs * rhs mod P` for felts below P, without a general division or Barrett's multiplication
/// by a 253-bit reciprocal: P = 2^251 + k with k = 17·2^192 + 1 small beside 2^251, so
/// `1/P = 2^-251 · (1 − ε + ε² − …)` with ε ≈ 17·2^-59, and each term of the quotient's series
/// is h times a power of 17, shifted right by a multiple of 59.
///
/// With `x = lhs * rhs < 2^503` and `h = x >> 251`, `q = h − t1 + t2 − t3 + t4` where
/// `t(i) ≈ (17^i · h) >> 59i` (a fifth term would be below 2^-20) is within 9 of `x / P` (the
/// floors, the bits of h each term leaves out and ε's 2^-251 part cost a unit or a few each; 3
/// at most on a million random products), so `r = x − q·P` lies in (−10P, 10P), inside a
/// signed 256-bit word; `r − (r >> 251)·P` is then in (−P, 2P), and one addition or
/// subtraction of P ends in [0, P). The product is the one general multiplication: a chain of
/// dense felt products takes 27 ns a step (Barrett: 39), a felt times a u64-sized one 11.6 ns
/// (Barrett: 24).
fn multiply<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    lhs: Value<'c, 'a>,
    rhs: Value<'c, 'a>,
) -> Result<Value<'c, 'a>> {
    let location = cx.location();
    let context = cx.context;
    let felt = cx.int_type(256);
    let wide = cx.int_type(512);
    let lhs = push(block, arith::extui(lhs, wide, location))?;
    let rhs = push(block, arith::extui(rhs, wide, location))?;
    let product = push(block, arith::muli(lhs, rhs, location))?;

    // h = x >> 251 < 2^252.
    let shift_251 = const_int(context, block, wide, 251)?;
    let high = push(block, arith::shrui(product, shift_251, location))?;
    let high = push(block, arith::trunci(high, felt, location))?;
    // The terms side by side, each from h's top bits only and in as few limbs as it needs:
    // t(i) = (17^i · (h >> s)) >> (59i − s), within one more unit of its exact value.
    let term = |power: u32, dropped: u32, bits: u32| -> Result<Value<'c, 'a>> {
        let dropped_bits = const_int(context, block, felt, dropped)?;
        let top = push(block, arith::shrui(high, dropped_bits, location))?;
        let narrow = cx.int_type(bits);
        let top = if bits < 256 {
            push(block, arith::trunci(top, narrow, location))?
        } else {
            top
        };
        let factor = const_int(context, block, narrow, 17u64.pow(power))?;
        let shift = const_int(context, block, narrow, 59 * power - dropped)?;
        let scaled = push(block, arith::muli(top, factor, location))?;
        let term = push(block, arith::shrui(scaled, shift, location))?;
        if bits < 256 {
            push(block, arith::extui(term, felt, location))
        } else {
            Ok(term)
        }
    };
    // 17·(h >> 3) < 2^254, 289·(h >> 64) < 2^197, 4913·(h >> 128) < 2^137, 83521·(h >> 192) < 2^77.
    let leading = push(block, arith::subi(high, term(1, 3, 256)?, location))?;
    let rest = push(
        block,
        arith::subi(term(2, 64, 256)?, term(3, 128, 192)?, location),
    )?;
    let rest = push(block, arith::addi(rest, term(4, 192, 128)?, location))?;
    let quotient = push(block, arith::addi(leading, rest, location))?;

    // r = x − q·P, exactly, in the low 256 bits (|r| < 10P < 2^255).
    let low = push(block, arith::trunci(product, felt, location))?;
    let multiple = times_prime_low(cx, block, quotient)?;
    let remainder = push(block, arith::subi(low, multiple, location))?;

    // r − (r >> 251)·P, an arithmetic shift: in (−P, 2P).
    let shift_251 = const_int(context, block, felt, 251)?;
    let correction = push(block, arith::shrsi(remainder, shift_251, location))?;
    let correction = times_prime_low(cx, block, correction)?;
    let remainder = push(block, arith::subi(remainder, correction, location))?;
    // One of r, r + P, r − P is in [0, P): both candidates and both tests side by side. (|r| <
    // 2^252, so r − P's sign says whether r ≥ P.)
    let prime = const_int(context, block, felt, PRIME)?;
    let zero = const_int(context, block, felt, 0)?;
    let negative = push(
        block,
        arith::cmpi(context, CmpiPredicate::Slt, remainder, zero, location),
    )?;
    let raised = push(block, arith::addi(remainder, prime, location))?;
    let reduced = push(block, arith::subi(remainder, prime, location))?;
    let too_big = push(
        block,
        arith::cmpi(context, CmpiPredicate::Sge, reduced, zero, location),
    )?;
    let kept = push(block, arith::select(too_big, reduced, remainder, location))?;
    push(block, arith::select(negative, raised, kept, location))
}
