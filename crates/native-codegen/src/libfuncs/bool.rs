//! `bool_not_impl`, `bool_and_impl`, `bool_or_impl`, `bool_xor_impl`, `bool_to_felt252`: a bool
//! is the enum `{False, True}`, i.e. a struct holding an `i8` tag.

use cairo_lang_sierra::extensions::boolean::BoolConcreteLibfunc;
use melior::dialect::arith;

use crate::error::Result;
use crate::helper::Invocation;
use crate::metadata::values::{extract, insert};

/// Builds one bool libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &BoolConcreteLibfunc) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    let tag_type = cx.int_type(8);
    let lhs = extract(cx, block, invocation.input(0)?, 0, tag_type)?;
    let tag = |index: usize| extract(cx, block, invocation.input(index)?, 0, tag_type);
    let result_tag = match selector {
        BoolConcreteLibfunc::Not(_) => {
            let one = invocation.constant(tag_type, 1)?;
            invocation.push(arith::xori(lhs, one, location))?
        }
        BoolConcreteLibfunc::And(_) => invocation.push(arith::andi(lhs, tag(1)?, location))?,
        BoolConcreteLibfunc::Or(_) => invocation.push(arith::ori(lhs, tag(1)?, location))?,
        BoolConcreteLibfunc::Xor(_) => invocation.push(arith::xori(lhs, tag(1)?, location))?,
        BoolConcreteLibfunc::ToFelt252(_) => {
            let felt = invocation.push(arith::extui(lhs, cx.int_type(256), location))?;
            return invocation.br(block, 0, &[felt]);
        }
    };
    let result = insert(cx, block, invocation.input(0)?, 0, result_tag)?;
    invocation.br(block, 0, &[result])
}
