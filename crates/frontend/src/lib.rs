//! Cairn's front end: Cairo 1 source to Sierra, finding the corelib, and Sierra JSON.
//!
//! Compiling needs the Cairo corelib of exactly the compiler's version ([`COMPILER_VERSION`]);
//! running Sierra JSON needs none. [`locate_corelib`] finds one in this order: an explicit
//! path, `CAIRO_CORELIB_DIR`, then the compiler's own detection (a `corelib/` in the current
//! folder or a few levels above the executable).

mod compile;
mod contracts;
mod corelib;
mod executables;
mod project;
mod sierra_json;
mod stack;
mod suite_cache;
mod tests;

use std::path::PathBuf;

pub use cairn_scarb as scarb;
pub use cairo_lang_executable::executable::Executable;
pub use cairo_lang_sierra::program::Program;
pub use compile::{
    compile_cairo, compile_cairo_with_warnings, compile_project, CompileOptions, Compiled,
};
pub use contracts::{
    compile_casm_class, compile_contracts, compile_project_contracts, CompiledContract,
    ContractClass,
};
pub use corelib::{locate_corelib, Corelib, COMPILER_VERSION};
pub use executables::{compile_executable, CompiledExecutable, ExecutableOptions};
pub use project::Project;
pub use sierra_json::{load_sierra_json, load_sierra_json_file, sierra_to_json};
pub use suite_cache::test_suite_cache_key;
pub use tests::{
    compile_project_tests, compile_tests, tests_the_corelib, Expectation, TestCase, TestContract,
    TestSuite,
};

/// Reads the Scarb package or workspace at `path` (a folder with a `Scarb.toml`, or the
/// file), checking every package's `cairo-version` against the pinned compiler.
pub fn load_scarb_workspace(path: &std::path::Path) -> Result<scarb::Workspace, FrontendError> {
    let compiler = semver::Version::parse(COMPILER_VERSION).map_err(|error| {
        FrontendError::InvalidSierra(format!("the compiler's version is not semver: {error}"))
    })?;
    Ok(scarb::Workspace::load(path, &compiler)?)
}

/// What can go wrong between a source file and a Sierra program.
#[derive(Debug, thiserror::Error)]
pub enum FrontendError {
    /// No corelib was given and none was found.
    #[error(
        "no Cairo corelib found: pass --corelib DIR or set CAIRO_CORELIB_DIR to the `corelib/` \
         folder of the Cairo compiler's repository at tag v{COMPILER_VERSION} (or of a Scarb \
         {COMPILER_VERSION} installation)"
    )]
    CorelibNotFound,
    /// The corelib at `path` is not a corelib, or not of the compiler's version.
    #[error(
        "the corelib at {path} {problem}; the compiler needs corelib {COMPILER_VERSION} (the \
         `corelib/` folder of the Cairo repository at tag v{COMPILER_VERSION})"
    )]
    BadCorelib {
        /// Where it was looked for.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// A file could not be read or written.
    #[error("cannot access {path}: {cause}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        cause: std::io::Error,
    },
    /// The source does not compile; the compiler's diagnostics follow.
    #[error("{path} does not compile:\n{diagnostics}")]
    Diagnostics {
        /// The file or project compiled.
        path: PathBuf,
        /// The compiler's diagnostics, as it prints them.
        diagnostics: String,
    },
    /// The compiler failed for another reason (a bad project path, for instance).
    #[error("cannot compile {path}: {reason}")]
    Compiler {
        /// The file or project compiled.
        path: PathBuf,
        /// The compiler's message.
        reason: String,
    },
    /// The project has no `#[executable]` function.
    #[error("{path} has no #[executable] function")]
    NoExecutable {
        /// The file or project compiled.
        path: PathBuf,
    },
    /// `--executable` names no executable of the project.
    #[error(
        "{path} has no #[executable] function {wanted}; it has: {}",
        available.join(", ")
    )]
    NoSuchExecutable {
        /// The file or project compiled.
        path: PathBuf,
        /// The path asked for.
        wanted: String,
        /// The executables there are.
        available: Vec<String>,
    },
    /// The project has several executables and none was chosen.
    #[error(
        "{path} has several #[executable] functions: {}; choose one with --executable",
        available.join(", ")
    )]
    SeveralExecutables {
        /// The file or project compiled.
        path: PathBuf,
        /// The executables there are.
        available: Vec<String>,
    },
    /// A Scarb package or workspace that cannot be read or built here.
    #[error(transparent)]
    Scarb(#[from] cairn_scarb::ScarbError),
    /// The Sierra JSON is not a Sierra program.
    #[error("malformed Sierra JSON: {0}")]
    MalformedSierra(String),
    /// The Sierra program uses a type or libfunc the pinned Cairo version does not know, or
    /// declares them inconsistently.
    #[error("invalid Sierra program: {0}")]
    InvalidSierra(String),
}
