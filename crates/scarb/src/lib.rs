//! Scarb packages and workspaces as Scarb builds them, for Cairn's front end.
//!
//! Scarb itself is neither needed nor run: [`Workspace::load`] reads `Scarb.toml` files (a
//! package, a workspace and its members, their path dependencies), and
//! [`Workspace::units`] turns them into [`CompilationUnit`]s: per package, the crates one
//! compilation needs (the package's crate, its dependencies', the `tests/` crate), each with
//! the edition, version, `cfg` set, dependencies and experimental features Scarb would give
//! it. The front end compiles a unit; nothing here knows the compiler.
//!
//! What Scarb would fetch (registry and Git dependencies, Starknet Foundry's `snforge_std`)
//! and procedural macros written in Rust cannot be had here: they are errors naming the
//! dependency, or with [`UnitOptions::skip_unavailable`] the test files and packages that need
//! them are left out and reported ([`LeftOut`]).

mod features;
pub mod manifest;
mod package;
mod sources;
mod unit;
mod workspace;

use std::path::PathBuf;

pub use package::{Dependency, DependencySource, Package, Targets};
pub use sources::cairo_sources_digest;
pub use unit::{
    BuiltinPlugins, CairoSettings, CfgEntry, CompilationUnit, LeftOut, UnitCrate, UnitKind,
    UnitOptions, Units,
};
pub use workspace::Workspace;

/// The name of a package's integration-test crate (the `tests/` folder), as Scarb names it.
pub fn integration_test_crate(package: &str) -> String {
    format!("{package}_integrationtest")
}

/// What can be wrong with a package or workspace.
#[derive(Debug, thiserror::Error)]
pub enum ScarbError {
    /// A file or folder could not be read.
    #[error("cannot read {path}: {cause}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        cause: std::io::Error,
    },
    /// No `Scarb.toml` where one was expected.
    #[error("{path} has no Scarb.toml")]
    NoManifest {
        /// The folder.
        path: PathBuf,
    },
    /// The manifest is not valid TOML, or a key has the wrong type.
    #[error("{path} is not a valid Scarb manifest: {message}")]
    Parse {
        /// The manifest.
        path: PathBuf,
        /// What the TOML reader said (with the line).
        message: String,
    },
    /// The manifest is well-formed but asks for something impossible.
    #[error("{path}: {message}")]
    Invalid {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The package needs a newer (or older) Cairo compiler than the pinned one.
    #[error(
        "package {package} needs Cairo {required} (its cairo-version), but this cairn compiles \
         with Cairo {compiler}"
    )]
    CairoVersion {
        /// The package.
        package: String,
        /// Its `cairo-version` requirement.
        required: String,
        /// The compiler's version.
        compiler: String,
    },
    /// `--package NAME` names no member.
    #[error("the workspace at {root} has no package {name} (its packages: {members})")]
    UnknownPackage {
        /// The name asked for.
        name: String,
        /// The workspace's root folder.
        root: PathBuf,
        /// Its members' names.
        members: String,
    },
    /// A dependency that cannot be had here.
    #[error(
        "package {package} depends on {dependency}, {reason}; cairn builds packages with path \
         dependencies only (pass --skip-unavailable to leave out what needs it)"
    )]
    Unavailable {
        /// The package declaring it.
        package: String,
        /// The dependency.
        dependency: String,
        /// What kind of dependency it is.
        reason: String,
    },
    /// A feature that the package does not define.
    #[error("package {package} has no feature {feature} (its features: {known})")]
    UnknownFeature {
        /// The package.
        package: String,
        /// The feature asked for.
        feature: String,
        /// The features it has.
        known: String,
    },
    /// Packages that depend on each other in a cycle.
    #[error("path dependencies form a cycle: {0}")]
    DependencyCycle(String),
}
