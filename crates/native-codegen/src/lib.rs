//! Not built yet. This crate will compile Sierra programs to MLIR with `melior`, lower them to
//! LLVM and run them JIT or as ahead-of-time shared libraries.
