//! Cairn's benchmark suite, shared by `cairn bench` and the criterion benches.
//!
//! [`programs::PROGRAMS`] lists the bench programs (Cairo 1 sources in `benches/programs/cairo1`,
//! compiled Sierra embedded here), each with a hand-written Rust version of the same loop
//! ([`baseline`]) that serves as the practical speed limit. [`backend`] prepares a program for
//! each way Cairn can run it; [`suite`] checks that every backend gives the same result and then
//! times them. [`contracts`] measures Starknet contract workloads (ERC20 transfers, a
//! storage-heavy loop, nested calls) on the VM and natively.

pub mod backend;
pub mod baseline;
pub mod contracts;
pub mod programs;
pub mod suite;

pub use backend::{Backend, Prepared};
pub use programs::{BenchProgram, PROGRAMS};
pub use suite::{measure_program, BenchError, ProgramReport, Timing};
