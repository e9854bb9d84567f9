//! The native backend's errors.

use thiserror::Error;

/// Everything that can go wrong compiling or running a Sierra program natively.
#[derive(Debug, Error)]
pub enum NativeError {
    /// The Sierra program does not check (unknown ids, wrong generic arguments, …).
    #[error("invalid Sierra program: {0}")]
    InvalidProgram(String),
    /// The program uses a libfunc the native backend does not compile (yet).
    #[error("unsupported libfunc {name} (statement {statement})")]
    UnsupportedLibfunc {
        /// The libfunc's name, e.g. `felt252_dict_new<felt252>`.
        name: String,
        /// Index of the first statement calling it.
        statement: usize,
    },
    /// The program uses a type the native backend cannot represent (yet).
    #[error("unsupported type {0}")]
    UnsupportedType(String),
    /// Variables of one statement disagree between the paths reaching it.
    #[error("statement {statement}: {detail}")]
    InconsistentProgram {
        /// The statement.
        statement: usize,
        /// What disagrees.
        detail: String,
    },
    /// Gas costs could not be computed.
    #[error("gas metadata: {0}")]
    GasMetadata(String),
    /// MLIR rejected the generated module, or a pass failed.
    #[error("MLIR: {0}")]
    Mlir(String),
    /// Writing, linking or loading a shared library failed.
    #[error("shared library {path}: {detail}")]
    SharedLibrary {
        /// The library's path.
        path: String,
        /// What failed.
        detail: String,
    },
    /// No function, or more than one, goes by the name asked for.
    #[error(transparent)]
    Entry(#[from] cairn_values_abi::EntryError),
    /// The function takes or returns a value with no memory form (e.g. an `IntRange`), so it
    /// can only be called from Cairo.
    #[error("{0} cannot be called from outside Cairo: a parameter or result type has no native memory layout")]
    NoEntryPoint(String),
    /// The function was left out of a partial compilation.
    #[error("{function} was not compiled: {reason}")]
    NotCompiled {
        /// The function asked for.
        function: String,
        /// Why it was left out (an unsupported libfunc or type in it or in a function it calls).
        reason: String,
    },
    /// Arguments do not match the function's parameters.
    #[error("arguments: {0}")]
    Arguments(String),
    /// The program counts gas, and no amount was given.
    #[error("this program counts gas: give the available gas")]
    GasRequired,
    /// The available gas does not cover the function's entry cost.
    #[error("not enough gas to call the function: {available} available, {cost} needed")]
    NotEnoughGasToCall {
        /// Gas given.
        available: u64,
        /// What calling the function costs up front.
        cost: u64,
    },
    /// The run's handler refused a cheatcode (an unknown one, or wrong arguments): the run
    /// stopped with it, as the `cheatcode` libfunc cannot fail.
    #[error(transparent)]
    Cheatcode(cairn_starknet::CheatcodeError),
    /// A value could not be written to or read from native memory.
    #[error(transparent)]
    Values(#[from] cairn_values_abi::ValueError),
    /// What a function returned is not what its kind of function returns (a `PanicResult`
    /// of another shape, a contract entry point's result that is not one of felts).
    #[error("unexpected result: {0}")]
    UnexpectedResult(String),
}

impl From<melior::Error> for NativeError {
    fn from(error: melior::Error) -> Self {
        NativeError::Mlir(error.to_string())
    }
}

/// The native backend's result type.
pub type Result<T, E = NativeError> = std::result::Result<T, E>;
