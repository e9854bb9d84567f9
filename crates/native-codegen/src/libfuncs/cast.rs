//! `upcast` (always fits) and `downcast` (branch 0 when the value fits the target range).

use cairo_lang_sierra::extensions::casts::CastConcreteLibfunc;

use super::wide::{from_wide, in_range, to_wide, IntRepr};
use crate::error::Result;
use crate::helper::Invocation;

/// Builds one cast libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &CastConcreteLibfunc) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    match selector {
        CastConcreteLibfunc::Upcast(_) => {
            let wide = to_wide(cx, block, invocation.input(0)?, invocation.param_type(0)?)?;
            let value = from_wide(cx, block, wide, invocation.result_type(0, 0)?)?;
            invocation.br(block, 0, &[value])
        }
        CastConcreteLibfunc::Downcast(_) => downcast(invocation),
    }
}

/// `(rc, value)`: branch 0 with the value in the result's type when it is in that type's range,
/// else branch 1 (also `iN_try_from_felt252`, the felt read as signed).
pub(super) fn downcast(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let range_check = invocation.input(0)?;
    let wide = to_wide(cx, block, invocation.input(1)?, invocation.param_type(1)?)?;
    let target = invocation.result_type(0, 1)?;
    let (lower, upper) = IntRepr::of(cx, target)?.bounds();
    let fits = in_range(cx, block, wide, (&lower, &upper))?;
    let value = from_wide(cx, block, wide, target)?;
    invocation.cond_br(block, fits, (0, &[range_check, value]), (1, &[range_check]))
}
