//! The errors vm-core reports. Each names its cause and, where the VM was running, where it stopped.

use std::path::PathBuf;

use cairo_vm::types::relocatable::Relocatable;

/// Everything that can go wrong while loading or running a program on the VM.
#[derive(Debug, thiserror::Error)]
pub enum VmCoreError {
    /// The program file could not be read.
    #[error("cannot read {path}: {cause}")]
    Io {
        /// The file that was being read.
        path: PathBuf,
        /// What the operating system said.
        cause: std::io::Error,
    },

    /// The program JSON is not a compiled Cairo 0 program.
    #[error("malformed program JSON: {0}")]
    MalformedProgram(String),

    /// The program was compiled for another field.
    #[error("program uses prime {found}, but Cairo's prime is {expected}")]
    WrongPrime {
        /// The prime declared by the program.
        found: String,
        /// The prime cairo-vm runs on.
        expected: &'static str,
    },

    /// The requested entrypoint is not a function of the program.
    #[error("entrypoint `{0}` not found in the program")]
    EntrypointNotFound(String),

    /// The program declares a builtin that no Cairo VM knows.
    #[error("unknown builtin `{0}` in the program's builtins")]
    UnknownBuiltin(String),

    /// The layout name is not one cairo-vm knows.
    #[error("unknown layout `{name}`; expected one of: {expected}")]
    UnknownLayout {
        /// The name that was given.
        name: String,
        /// The names that would have been accepted.
        expected: String,
    },

    /// The dynamic layout needs its parameters, or they could not be read.
    #[error("dynamic layout parameters: {0}")]
    LayoutParams(String),

    /// The runner could not be set up (for example a builtin the layout lacks).
    #[error("cannot initialise the runner: {0}")]
    Initialization(String),

    /// The VM stopped on an error; the message carries the pc and the source location.
    #[error("{0}")]
    Execution(String),

    /// The run did not finish within the allowed number of steps.
    #[error("step limit of {limit} reached at pc={pc} before the program finished")]
    StepLimitReached {
        /// The configured limit.
        limit: usize,
        /// Where the program was when it was stopped.
        pc: Relocatable,
    },

    /// The run's memory grew past the allowed number of cells.
    #[error("memory limit of {limit} cells reached at pc={pc} ({used} cells in use) before the program finished")]
    MemoryLimitReached {
        /// The configured limit, in memory cells.
        limit: usize,
        /// The cells in use when the run was stopped.
        used: usize,
        /// Where the program was when it was stopped.
        pc: Relocatable,
    },

    /// Finishing the run (padding, return values, security checks, relocation) failed.
    #[error("cannot finish the run: {0}")]
    Finalization(String),

    /// An operation that needs a finished run was called too early, or vice versa.
    #[error("{0}")]
    InvalidState(&'static str),

    /// A memory access from the host failed.
    #[error("memory access failed: {0}")]
    Memory(String),

    /// The Sierra program does not compile to CASM (gas, ap changes, unknown libfuncs).
    #[error("cannot compile the Sierra program to CASM: {0}")]
    SierraCompilation(String),

    /// The function to run is not in the program, or the name fits several.
    #[error(transparent)]
    Entry(#[from] cairn_values_abi::EntryError),

    /// The arguments do not fit the function's parameters.
    #[error("bad arguments: {0}")]
    Arguments(String),

    /// The program counts gas and no available gas was given.
    #[error("the program counts gas: give the available gas (--available-gas N)")]
    GasRequired,

    /// Not even the function's entry cost can be paid.
    #[error("not enough gas to call the function: {available} available, {cost} needed")]
    NotEnoughGasToCall {
        /// The available gas.
        available: u64,
        /// The function's entry cost.
        cost: u64,
    },

    /// The return values in memory do not match the function's return types.
    #[error("cannot read the function's result: {0}")]
    ResultDecoding(String),

    /// The AIR public or private input could not be produced.
    #[error("cannot produce the AIR {kind} input: {reason}")]
    AirInput {
        /// `public` or `private`.
        kind: &'static str,
        /// Why not.
        reason: String,
    },

    /// A Cairo executable panicked; `message` renders the panic data as `cairo-execute` does.
    #[error("{message}\n{vm_error}")]
    Panicked {
        /// `Panicked with …`, the data as felts and short strings.
        message: String,
        /// The panic data.
        data: Vec<cairo_vm::Felt252>,
        /// The VM's error where the executable's wrapper stopped.
        vm_error: String,
    },

    /// The run cannot be saved as a Cairo PIE.
    #[error("cannot produce the Cairo PIE: {0}")]
    CairoPie(String),
}

/// vm-core's result type.
pub type Result<T, E = VmCoreError> = std::result::Result<T, E>;
