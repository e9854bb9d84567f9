//! `int_range_try_new` and `int_range_pop_front`: a range `[start, end)` is the struct
//! `{start, end}` of its integer type.

use cairo_lang_sierra::extensions::range::IntRangeConcreteLibfunc;
use melior::dialect::arith::{self, CmpiPredicate};
use melior::dialect::llvm;

use super::wide::to_wide;
use crate::error::Result;
use crate::helper::Invocation;
use crate::metadata::values::{extract, insert};

/// Builds one int-range libfunc.
pub fn build(
    invocation: &Invocation<'_, '_, '_>,
    selector: &IntRangeConcreteLibfunc,
) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    match selector {
        IntRangeConcreteLibfunc::TryNew(_) => {
            // (rc, start, end): branch 0 with [start, end) when start <= end, else branch 1
            // with the empty [end, end).
            let start = invocation.input(1)?;
            let end = invocation.input(2)?;
            let int_type = invocation.param_type(1)?;
            let valid = {
                let start = to_wide(cx, block, start, int_type)?;
                let end = to_wide(cx, block, end, int_type)?;
                invocation.push(arith::cmpi(
                    cx.context,
                    CmpiPredicate::Sle,
                    start,
                    end,
                    location,
                ))?
            };
            let range_type = cx.ty(invocation.result_type(0, 1)?)?;
            let empty = invocation.push(llvm::undef(range_type, location))?;
            let range = insert(cx, block, empty, 0, start)?;
            let range = insert(cx, block, range, 1, end)?;
            let invalid = insert(cx, block, empty, 0, end)?;
            let invalid = insert(cx, block, invalid, 1, end)?;
            let range_check = invocation.input(0)?;
            invocation.cond_br(
                block,
                valid,
                (0, &[range_check, range]),
                (1, &[range_check, invalid]),
            )
        }
        IntRangeConcreteLibfunc::PopFront(_) => {
            // Branch 0 when empty; branch 1 with [start + 1, end) and start.
            let range = invocation.input(0)?;
            let int_type = cx.ty(invocation.result_type(1, 1)?)?;
            let start = extract(cx, block, range, 0, int_type)?;
            let end = extract(cx, block, range, 1, int_type)?;
            let empty = invocation.push(arith::cmpi(
                cx.context,
                CmpiPredicate::Eq,
                start,
                end,
                location,
            ))?;
            let one = invocation.constant(int_type, 1)?;
            let next = invocation.push(arith::addi(start, one, location))?;
            let rest = insert(cx, block, range, 0, next)?;
            invocation.cond_br(block, empty, (0, &[]), (1, &[rest, start]))
        }
    }
}
