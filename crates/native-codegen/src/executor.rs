//! Running compiled programs: in-process JIT ([`JitProgram`]) or ahead-of-time shared libraries
//! ([`AotProgram`]), both through the same C-ABI entry wrappers and value marshalling.

mod aot;
mod elf_check;
mod invoke;
mod jit;
mod seal;

pub use aot::AotProgram;
pub(crate) use invoke::CallPlans;
pub use invoke::{NativeOutcome, NativeResult};
pub use jit::JitProgram;
