//! QM31, the degree-4 extension of the M31 field (p = 2^31 - 1), and M31 itself (a bounded int
//! `[0, p - 1]`): a QM31 is four u32 coordinates. Arithmetic runs in the runtime on
//! `starknet-types-core`'s QM31, the implementation the VM uses.

use cairo_lang_sierra::extensions::qm31::{M31ValueType, QM31BinaryOperator, QM31Concrete};
use melior::dialect::arith::{self, CmpiPredicate};
use melior::dialect::llvm;
use melior::ir::Value;

use crate::error::Result;
use crate::helper::{load_at, store_at, Invocation};
use crate::metadata::values::{call_runtime, extract, insert};

/// A QM31 struct value with coordinates `coordinates`.
fn qm31<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    coordinates: [Value<'c, 'a>; 4],
) -> Result<Value<'c, 'a>> {
    let cx = invocation.cx;
    let ty = cx.ty(invocation.result_type(0, 0)?)?;
    let mut value = invocation.push(llvm::undef(ty, invocation.location()))?;
    for (index, coordinate) in coordinates.into_iter().enumerate() {
        value = insert(cx, &invocation.block, value, index, coordinate)?;
    }
    Ok(value)
}

/// Builds one QM31/M31 libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &QM31Concrete) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    let u32_type = cx.int_type(32);
    match selector {
        QM31Concrete::BinaryOperation(info) => {
            let value_type =
                match crate::types::concrete(invocation.registry(), invocation.param_type(0)?)? {
                    cairo_lang_sierra::extensions::core::CoreTypeConcrete::QM31(_) => {
                        M31ValueType::Quad
                    }
                    _ => M31ValueType::Single,
                };
            let quad = cx.ty(invocation.param_type(0)?)?;
            let slot_type = llvm::r#type::array(u32_type, 4);
            let (lhs, rhs, out) = (
                invocation.alloca(slot_type, 4)?,
                invocation.alloca(slot_type, 4)?,
                invocation.alloca(slot_type, 4)?,
            );
            let zero = invocation.constant(u32_type, 0)?;
            for (slot, input) in [(lhs, invocation.input(0)?), (rhs, invocation.input(1)?)] {
                match value_type {
                    M31ValueType::Quad => store_at(cx.context, block, slot, 0, input)?,
                    M31ValueType::Single => {
                        store_at(cx.context, block, slot, 0, input)?;
                        for index in 1..4 {
                            store_at(cx.context, block, slot, 4 * index, zero)?;
                        }
                    }
                }
            }
            let op = match info.operator {
                QM31BinaryOperator::Add => 0,
                QM31BinaryOperator::Sub => 1,
                QM31BinaryOperator::Mul => 2,
                QM31BinaryOperator::Div => 3,
            };
            // A full word: C callees may assume narrow arguments are extended, which LLVM does not do.
            let op = invocation.constant(cx.int_type(64), op)?;
            call_runtime(cx, block, "qm31_binary", &[out, lhs, rhs, op], None)?;
            let result = match value_type {
                M31ValueType::Quad => load_at(cx.context, block, out, 0, quad)?,
                M31ValueType::Single => load_at(cx.context, block, out, 0, u32_type)?,
            };
            invocation.br(block, 0, &[result])
        }
        QM31Concrete::Const(info) => {
            let coordinates = [info.w0, info.w1, info.w2, info.w3]
                .map(|coordinate| invocation.constant(u32_type, coordinate));
            let [a, b, c, d] = coordinates;
            let value = qm31(invocation, [a?, b?, c?, d?])?;
            invocation.br(block, 0, &[value])
        }
        QM31Concrete::IsZero(_) => {
            let value = invocation.input(0)?;
            let mut any = invocation.constant(u32_type, 0)?;
            for index in 0..4 {
                let coordinate = extract(cx, block, value, index, u32_type)?;
                any = invocation.push(arith::ori(any, coordinate, location))?;
            }
            let zero = invocation.constant(u32_type, 0)?;
            let is_zero = invocation.push(arith::cmpi(
                cx.context,
                CmpiPredicate::Eq,
                any,
                zero,
                location,
            ))?;
            invocation.cond_br(block, is_zero, (0, &[]), (1, &[value]))
        }
        QM31Concrete::Pack(_) => {
            // M31 is stored as its value in a u32, like the coordinates.
            let value = qm31(
                invocation,
                [
                    invocation.input(0)?,
                    invocation.input(1)?,
                    invocation.input(2)?,
                    invocation.input(3)?,
                ],
            )?;
            invocation.br(block, 0, &[value])
        }
        QM31Concrete::Unpack(_) => {
            let value = invocation.input(1)?;
            let mut results = vec![invocation.input(0)?];
            for index in 0..4 {
                results.push(extract(cx, block, value, index, u32_type)?);
            }
            invocation.br(block, 0, &results)
        }
        QM31Concrete::FromM31(_) => {
            let zero = invocation.constant(u32_type, 0)?;
            let value = qm31(invocation, [invocation.input(0)?, zero, zero, zero])?;
            invocation.br(block, 0, &[value])
        }
    }
}
