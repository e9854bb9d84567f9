//! bytes31: a felt252 below 2^248.

use cairo_lang_sierra::extensions::bytes31::Bytes31ConcreteLibfunc;
use melior::dialect::arith::{self, CmpiPredicate};
use num_bigint::BigInt;

use crate::error::Result;
use crate::helper::Invocation;

/// Builds one bytes31 libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &Bytes31ConcreteLibfunc) -> Result<()> {
    let felt = invocation.cx.int_type(256);
    match selector {
        Bytes31ConcreteLibfunc::Const(info) => {
            let value = invocation.constant(felt, &info.c)?;
            invocation.br(&invocation.block, 0, &[value])
        }
        Bytes31ConcreteLibfunc::ToFelt252(_) => {
            invocation.br(&invocation.block, 0, &invocation.inputs)
        }
        Bytes31ConcreteLibfunc::TryFromFelt252(_) => {
            let range_check = invocation.input(0)?;
            let value = invocation.input(1)?;
            let limit = invocation.constant(felt, BigInt::from(1) << 248)?;
            let fits = invocation.push(arith::cmpi(
                invocation.context(),
                CmpiPredicate::Ult,
                value,
                limit,
                invocation.location(),
            ))?;
            invocation.cond_br(
                &invocation.block,
                fits,
                (0, &[range_check, value]),
                (1, &[range_check]),
            )
        }
    }
}
