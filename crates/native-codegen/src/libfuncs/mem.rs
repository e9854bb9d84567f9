//! `store_temp`, `store_local`, `alloc_local`, `finalize_locals`, `rename`: memory placement on
//! the VM, plain value flow natively.

use cairo_lang_sierra::extensions::mem::MemConcreteLibfunc;
use melior::dialect::llvm;

use crate::error::Result;
use crate::helper::Invocation;

/// Builds one of the memory libfuncs.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &MemConcreteLibfunc) -> Result<()> {
    match selector {
        MemConcreteLibfunc::StoreTemp(_)
        | MemConcreteLibfunc::Rename(_)
        | MemConcreteLibfunc::FinalizeLocals(_) => {
            invocation.br(&invocation.block, 0, &invocation.inputs)
        }
        MemConcreteLibfunc::StoreLocal(_) => {
            // (uninitialized slot, value) -> value
            let value = invocation.input(1)?;
            invocation.br(&invocation.block, 0, &[value])
        }
        MemConcreteLibfunc::AllocLocal(_) => {
            let ty = invocation.cx.ty(invocation.result_type(0, 0)?)?;
            let value = invocation.push(llvm::undef(ty, invocation.location()))?;
            invocation.br(&invocation.block, 0, &[value])
        }
    }
}
