//! `null`, `nullable_from_box`, `match_nullable`, `nullable_forward_snapshot`: a nullable is a
//! box pointer, null for null.

use cairo_lang_sierra::extensions::nullable::NullableConcreteLibfunc;
use melior::dialect::llvm;

use crate::error::Result;
use crate::helper::Invocation;
use crate::metadata::values::is_null;

/// Builds one nullable libfunc.
pub fn build(
    invocation: &Invocation<'_, '_, '_>,
    selector: &NullableConcreteLibfunc,
) -> Result<()> {
    match selector {
        NullableConcreteLibfunc::Null(_) => {
            let null =
                invocation.push(llvm::zero(invocation.cx.ptr_type(), invocation.location()))?;
            invocation.br(&invocation.block, 0, &[null])
        }
        NullableConcreteLibfunc::NullableFromBox(_)
        | NullableConcreteLibfunc::ForwardSnapshot(_) => {
            invocation.br(&invocation.block, 0, &invocation.inputs)
        }
        NullableConcreteLibfunc::MatchNullable(_) => {
            let pointer = invocation.input(0)?;
            let null = is_null(invocation.cx, &invocation.block, pointer)?;
            invocation.cond_br(&invocation.block, null, (0, &[]), (1, &[pointer]))
        }
    }
}
