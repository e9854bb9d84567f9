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
            let zero = invocation.constant(felt, 0)?;
            let is_zero = invocation.push(arith::cmpi(
                cx.context,
                CmpiPredicate::Eq,
                value,
                zero,
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

/// `floor(2^504 / P)`, Barrett's constant for reducing products of two felts.
const BARRETT_MU: &str =
    "14474011154664524001103455119791709128550384444439023431341020476344461557755";

/// `lhs * rhs mod P` by Barrett reduction: with `x = lhs * rhs < P^2 < 2^504`,
/// `q = ((x >> 251) * MU) >> 253` is within 2 of `x / P`, so `x - q * P` needs at most two
/// subtractions of P. Two 512-bit multiplications instead of a 512-bit division.
fn multiply<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    lhs: Value<'c, 'a>,
    rhs: Value<'c, 'a>,
) -> Result<Value<'c, 'a>> {
    let location = cx.location();
    let wide = cx.int_type(512);
    let constant = |value: &str| const_int(cx.context, block, wide, value);
    let lhs = push(block, arith::extui(lhs, wide, location))?;
    let rhs = push(block, arith::extui(rhs, wide, location))?;
    let product = push(block, arith::muli(lhs, rhs, location))?;
    let shifted = push(block, arith::shrui(product, constant("251")?, location))?;
    let estimate = push(block, arith::muli(shifted, constant(BARRETT_MU)?, location))?;
    let quotient = push(block, arith::shrui(estimate, constant("253")?, location))?;
    let prime = constant(PRIME)?;
    let multiple = push(block, arith::muli(quotient, prime, location))?;
    let mut remainder = push(block, arith::subi(product, multiple, location))?;
    for _ in 0..2 {
        let too_big = push(
            block,
            arith::cmpi(cx.context, CmpiPredicate::Uge, remainder, prime, location),
        )?;
        let reduced = push(block, arith::subi(remainder, prime, location))?;
        remainder = push(block, arith::select(too_big, reduced, remainder, location))?;
    }
    push(block, arith::trunci(remainder, cx.int_type(256), location))
}
