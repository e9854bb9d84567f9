//! `Scarb.toml` as serde reads it: the tables and keys Scarb defines that change what is
//! compiled. Keys that only matter to Scarb's other tools (`[tool]`, `[scripts]`, `[profile]`,
//! descriptions, licences) are accepted and ignored, as Scarb ignores what it does not use.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A whole `Scarb.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Manifest {
    /// `[package]`: absent in a virtual workspace manifest.
    pub package: Option<PackageSection>,
    /// `[workspace]`: present in a workspace's root manifest.
    pub workspace: Option<WorkspaceSection>,
    /// `[dependencies]`.
    #[serde(default)]
    pub dependencies: BTreeMap<String, DependencySpec>,
    /// `[dev-dependencies]`: only for the package's own tests.
    #[serde(default)]
    pub dev_dependencies: BTreeMap<String, DependencySpec>,
    /// `[features]`: each feature and the features it turns on.
    #[serde(default)]
    pub features: BTreeMap<String, Vec<String>>,
    /// `[cairo]`: compiler settings.
    #[serde(default)]
    pub cairo: CairoSection,
    /// `[lib]`.
    pub lib: Option<LibSection>,
    /// `[executable]`: shorthand for one `[[target.executable]]`.
    pub executable: Option<TargetSection>,
    /// `[target.*]`: `starknet-contract`, `executable`, `test`, …
    #[serde(default)]
    pub target: BTreeMap<String, TargetEntries>,
    /// `[cairo-plugin]`: the package is a procedural macro written in Rust.
    pub cairo_plugin: Option<toml::Value>,
}

/// `[package]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PackageSection {
    /// The package's name, which is also its crate's.
    pub name: String,
    /// `version = "1.2.3"` or `version.workspace = true`.
    pub version: Option<Inheritable<String>>,
    /// The Cairo edition (`2023_01` when absent, as in Scarb).
    pub edition: Option<Inheritable<String>>,
    /// A version requirement on the Cairo compiler.
    pub cairo_version: Option<Inheritable<String>>,
    /// Experimental compiler features the crate uses.
    #[serde(default)]
    pub experimental_features: Option<Inheritable<Vec<String>>>,
}

/// A `[package]` value given directly or taken from `[workspace.package]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Inheritable<T> {
    /// `key = value`.
    Value(T),
    /// `key.workspace = true`.
    Workspace {
        /// Must be `true`.
        workspace: bool,
    },
}

/// `[workspace]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct WorkspaceSection {
    /// Member folders, relative to the root; globs (`packages/*`) allowed.
    #[serde(default)]
    pub members: Vec<String>,
    /// `[workspace.package]`: values members inherit.
    #[serde(default)]
    pub package: WorkspacePackage,
    /// `[workspace.dependencies]`: dependencies members inherit with `.workspace = true`.
    #[serde(default)]
    pub dependencies: BTreeMap<String, DependencySpec>,
}

/// `[workspace.package]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct WorkspacePackage {
    /// Inherited by `version.workspace = true`.
    pub version: Option<String>,
    /// Inherited by `edition.workspace = true`.
    pub edition: Option<String>,
    /// Inherited by `cairo-version.workspace = true`.
    pub cairo_version: Option<String>,
    /// Inherited by `experimental-features.workspace = true`.
    pub experimental_features: Option<Vec<String>>,
}

/// One dependency: `name = "1.0"` or `name = { path = "…", … }`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum DependencySpec {
    /// A bare version requirement: a registry dependency.
    Version(String),
    /// A table.
    Detailed(DetailedDependency),
}

/// `name = { … }`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DetailedDependency {
    /// A package in a folder, relative to the manifest declaring it.
    pub path: Option<String>,
    /// A version requirement.
    pub version: Option<String>,
    /// A Git repository.
    pub git: Option<String>,
    /// A registry other than the default.
    pub registry: Option<String>,
    /// `true`: take the dependency from `[workspace.dependencies]`.
    pub workspace: Option<bool>,
    /// Features of the dependency to turn on.
    #[serde(default)]
    pub features: Vec<String>,
    /// Whether the dependency's `default` feature is on (yes unless `false`).
    pub default_features: Option<bool>,
}

/// `[cairo]`: the compiler settings that change the Sierra.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CairoSection {
    /// Human-readable Sierra ids (Scarb's default: on).
    pub sierra_replace_ids: Option<bool>,
    /// `"default"`, `"avoid"`, or a weight up to which small functions are inlined.
    pub inlining_strategy: Option<InliningSetting>,
    /// Gas accounting (default: on).
    pub enable_gas: Option<bool>,
    /// Whether warnings fail the build (default: they do not under Scarb).
    pub allow_warnings: Option<bool>,
}

/// `inlining-strategy`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum InliningSetting {
    /// `"default"` or `"avoid"`.
    Named(String),
    /// A weight.
    Weight(usize),
}

/// `[lib]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LibSection {
    /// The target's name (the package's by default).
    pub name: Option<String>,
    /// Write the Sierra JSON (default: on).
    pub sierra: Option<bool>,
}

/// A `[target.KIND]` table or a `[[target.KIND]]` array of them.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum TargetEntries {
    /// `[[target.KIND]]`.
    Many(Vec<TargetSection>),
    /// `[target.KIND]`.
    One(TargetSection),
}

impl TargetEntries {
    /// The entries, however they were written.
    pub fn entries(&self) -> &[TargetSection] {
        match self {
            Self::Many(entries) => entries,
            Self::One(entry) => std::slice::from_ref(entry),
        }
    }
}

/// One target.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TargetSection {
    /// The target's name (the package's by default).
    pub name: Option<String>,
    /// `[[target.executable]]`: the function to run (`package::module::main`).
    pub function: Option<String>,
    /// `[[target.starknet-contract]]`: write the Sierra contract classes (default: on).
    pub sierra: Option<bool>,
    /// `[[target.starknet-contract]]`: also write CASM classes.
    pub casm: Option<bool>,
}
