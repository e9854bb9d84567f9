//! `blake2s_compress` and `blake2s_finalize`: one BLAKE2s compression of a boxed message into a
//! boxed state, computed in the runtime. The state's box is reused for the result; the message's
//! box is freed.

use cairo_lang_sierra::extensions::blake::BlakeConcreteLibfunc;
use melior::dialect::arith;

use crate::error::Result;
use crate::helper::Invocation;
use crate::metadata::values::{call_runtime, free};

/// Builds one BLAKE2s libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &BlakeConcreteLibfunc) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let last = match selector {
        // A message of u32 guarantees is laid out as one of u32s.
        BlakeConcreteLibfunc::Blake2sCompress(_)
        | BlakeConcreteLibfunc::Blake2sCompressGuarantees(_) => 0,
        BlakeConcreteLibfunc::Blake2sFinalize(_)
        | BlakeConcreteLibfunc::Blake2sFinalizeGuarantees(_) => 1,
    };
    let i64_type = cx.int_type(64);
    let state = invocation.input(0)?;
    let byte_count = invocation.push(arith::extui(
        invocation.input(1)?,
        i64_type,
        invocation.location(),
    ))?;
    let message = invocation.input(2)?;
    let last = invocation.constant(i64_type, last)?;
    call_runtime(
        cx,
        block,
        "blake2s_compress",
        &[state, message, byte_count, last],
        None,
    )?;
    free(cx, block, message)?;
    invocation.br(block, 0, &[state])
}
