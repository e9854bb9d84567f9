//! Not built yet. This crate will run Cairo 0 hints written in Python (through PyO3) as a
//! `cairn_vm_core::HintExtension`, and expose the VM runner as the `cairn` Python module.
