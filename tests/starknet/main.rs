//! Starknet contracts through `cairn::starknet`, on the VM and, with the `native` feature,
//! natively, where every call must also give exactly what the VM gives.

mod contracts;
mod crypto;
mod support;
mod syscalls;
mod transactions;
