//! Errors of loading classes and running entry points.

use thiserror::Error;

/// What can go wrong outside a contract's own failures (which are reverts, not errors).
#[derive(Debug, Error)]
pub enum StarknetError {
    /// The contract class file is not valid JSON of a Sierra contract class.
    #[error("not a Sierra contract class: {0}")]
    InvalidClass(String),
    /// The class's Sierra program cannot be decoded from its felts.
    #[error("the class's Sierra program cannot be decoded: {0}")]
    InvalidSierra(String),
    /// An entry point's function index is past the program's functions.
    #[error(
        "{kind} entry point {selector:#x} names function {index}, but the program has {count}"
    )]
    NoSuchFunction {
        /// EXTERNAL, L1_HANDLER or CONSTRUCTOR.
        kind: &'static str,
        /// The entry point's selector.
        selector: num_bigint::BigUint,
        /// The function index it names.
        index: usize,
        /// How many functions the program has.
        count: usize,
    },
    /// No class is declared under this hash.
    #[error("no class is declared with hash {0:#x}")]
    UndeclaredClass(starknet_types_core::felt::Felt),
    /// No contract is deployed at this address.
    #[error("no contract is deployed at {0:#x}")]
    NotDeployed(starknet_types_core::felt::Felt),
    /// The class has no entry point of this kind with this selector.
    #[error("the class has no {kind} entry point with selector {selector:#x}")]
    NoSuchEntryPoint {
        /// EXTERNAL, L1_HANDLER or CONSTRUCTOR.
        kind: &'static str,
        /// The selector asked for.
        selector: starknet_types_core::felt::Felt,
    },
    /// The backend could not run the entry point (not a revert: the run itself failed).
    #[error("the entry point could not run: {0}")]
    Execution(String),
}
