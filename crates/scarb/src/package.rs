//! One package: its manifest resolved against its workspace (inherited values and
//! dependencies), with its dependencies classified by where they come from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::manifest::{
    CairoSection, DependencySpec, DetailedDependency, Inheritable, Manifest, WorkspaceSection,
};
use crate::ScarbError;

/// The packages every Scarb installation of the pinned version has built in: depending on one
/// turns on a compiler plugin rather than adding a crate.
pub(crate) const BUILTIN_PACKAGES: [&str; 6] = [
    "core",
    "starknet",
    "cairo_test",
    "assert_macros",
    "executable",
    // The package that turns on `#[executable]` in Scarb 2.10 and later.
    "cairo_execute",
];

/// A package, its manifest resolved.
#[derive(Clone, Debug)]
pub struct Package {
    /// The package's name, which is its crate's.
    pub name: String,
    /// Its version.
    pub version: semver::Version,
    /// Its Cairo edition (`2023_01` when the manifest names none, as in Scarb).
    pub edition: String,
    /// Its `cairo-version` requirement, if any.
    pub cairo_version: Option<semver::VersionReq>,
    /// Experimental compiler features it turns on.
    pub experimental_features: Vec<String>,
    /// The folder of its `Scarb.toml`.
    pub root: PathBuf,
    /// `[dependencies]`.
    pub dependencies: Vec<Dependency>,
    /// `[dev-dependencies]`.
    pub dev_dependencies: Vec<Dependency>,
    /// `[features]`.
    pub features: BTreeMap<String, Vec<String>>,
    /// `[cairo]`.
    pub cairo: CairoSection,
    /// What it builds.
    pub targets: Targets,
    /// A procedural macro package (`[cairo-plugin]`), written in Rust.
    pub is_plugin: bool,
}

/// The targets a package builds.
#[derive(Clone, Debug, Default)]
pub struct Targets {
    /// A library (Sierra JSON): `[lib]`, or the default when no other target is declared.
    pub lib: bool,
    /// `[[target.starknet-contract]]`.
    pub starknet_contract: bool,
    /// `[[target.starknet-contract]] casm = true`: CASM classes too.
    pub starknet_contract_casm: bool,
    /// `[[target.executable]]`: (name, function) each.
    pub executables: Vec<(String, Option<String>)>,
}

/// The workspace a package's manifest inherits from: its root folder and `[workspace]`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WorkspaceContext<'a> {
    /// The folder of the workspace's root manifest.
    pub root: &'a Path,
    /// Its `[workspace]`.
    pub section: &'a WorkspaceSection,
}

/// One dependency of a package.
#[derive(Clone, Debug)]
pub struct Dependency {
    /// Its name, which is its crate's.
    pub name: String,
    /// Where it comes from.
    pub source: DependencySource,
    /// Its features to turn on.
    pub features: Vec<String>,
    /// Whether its `default` feature is on.
    pub default_features: bool,
}

/// Where a dependency comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DependencySource {
    /// A package in this folder.
    Path(PathBuf),
    /// One of Scarb's built-in packages (`starknet`, `cairo_test`, …).
    BuiltIn,
    /// Somewhere Cairn cannot fetch from; the text says what it is.
    Unavailable(String),
}

impl Package {
    /// Reads the package whose manifest is `manifest_path`, inheriting from `workspace` (the
    /// `[workspace]` of its workspace's root manifest, if it has one).
    pub(crate) fn from_manifest(
        manifest_path: &Path,
        manifest: &Manifest,
        workspace: Option<WorkspaceContext<'_>>,
    ) -> Result<Self, ScarbError> {
        let invalid = |message: String| ScarbError::Invalid {
            path: manifest_path.to_owned(),
            message,
        };
        let section = manifest
            .package
            .as_ref()
            .ok_or_else(|| invalid("it has no [package]".to_owned()))?;
        let root = manifest_path
            .parent()
            .map(Path::to_owned)
            .unwrap_or_default();
        let inherited = workspace.map(|workspace| &workspace.section.package);
        let inherit = |key: &str, value: Option<&Inheritable<String>>, from: Option<&String>| {
            resolve_inherited(key, value, from).map_err(invalid)
        };
        let version_text = inherit(
            "version",
            section.version.as_ref(),
            inherited.and_then(|package| package.version.as_ref()),
        )?
        .unwrap_or_else(|| "0.1.0".to_owned());
        let version = semver::Version::parse(&version_text)
            .map_err(|error| invalid(format!("version {version_text:?} is not semver: {error}")))?;
        let edition = inherit(
            "edition",
            section.edition.as_ref(),
            inherited.and_then(|package| package.edition.as_ref()),
        )?
        .unwrap_or_else(|| "2023_01".to_owned());
        let cairo_version = inherit(
            "cairo-version",
            section.cairo_version.as_ref(),
            inherited.and_then(|package| package.cairo_version.as_ref()),
        )?
        .map(|text| {
            semver::VersionReq::parse(&text).map_err(|error| {
                invalid(format!(
                    "cairo-version {text:?} is not a version requirement: {error}"
                ))
            })
        })
        .transpose()?;
        let experimental_features = match &section.experimental_features {
            None => Vec::new(),
            Some(Inheritable::Value(features)) => features.clone(),
            Some(Inheritable::Workspace { .. }) => inherited
                .and_then(|package| package.experimental_features.clone())
                .ok_or_else(|| {
                    invalid(
                        "experimental-features.workspace = true, but the workspace has no \
                         [workspace.package] experimental-features"
                            .to_owned(),
                    )
                })?,
        };
        let dependencies = |specs: &BTreeMap<String, DependencySpec>| {
            specs
                .iter()
                .map(|(name, spec)| dependency(&root, name, spec, workspace).map_err(&invalid))
                .collect::<Result<Vec<_>, _>>()
        };
        let targets = targets(manifest);
        Ok(Self {
            name: section.name.clone(),
            version,
            edition,
            cairo_version,
            experimental_features,
            dependencies: dependencies(&manifest.dependencies)?,
            dev_dependencies: dependencies(&manifest.dev_dependencies)?,
            features: manifest.features.clone(),
            cairo: manifest.cairo.clone(),
            targets,
            is_plugin: manifest.cairo_plugin.is_some(),
            root,
        })
    }

    /// Refuses the package when its `cairo-version` excludes `compiler`.
    pub(crate) fn check_cairo_version(&self, compiler: &semver::Version) -> Result<(), ScarbError> {
        match &self.cairo_version {
            Some(required) if !required.matches(compiler) => Err(ScarbError::CairoVersion {
                package: self.name.clone(),
                required: required.to_string(),
                compiler: compiler.to_string(),
            }),
            _ => Ok(()),
        }
    }

    /// `src/`, the folder of its crate's `lib.cairo`.
    pub fn source_root(&self) -> PathBuf {
        self.root.join("src")
    }

    /// `tests/`, if the package has integration tests.
    pub fn integration_tests(&self) -> Option<PathBuf> {
        let folder = self.root.join("tests");
        folder.is_dir().then_some(folder)
    }
}

fn resolve_inherited(
    key: &str,
    value: Option<&Inheritable<String>>,
    from_workspace: Option<&String>,
) -> Result<Option<String>, String> {
    match value {
        None => Ok(None),
        Some(Inheritable::Value(value)) => Ok(Some(value.clone())),
        Some(Inheritable::Workspace { workspace: false }) => {
            Err(format!("{key}.workspace can only be true"))
        }
        Some(Inheritable::Workspace { workspace: true }) => {
            from_workspace.cloned().map(Some).ok_or_else(|| {
                format!(
                    "{key}.workspace = true, but the workspace has no [workspace.package] {key}"
                )
            })
        }
    }
}

/// `name = spec` as a dependency of the package in `root`.
fn dependency(
    root: &Path,
    name: &str,
    spec: &DependencySpec,
    workspace: Option<WorkspaceContext<'_>>,
) -> Result<Dependency, String> {
    let detailed = match spec {
        DependencySpec::Version(requirement) => DetailedDependency {
            version: Some(requirement.clone()),
            ..DetailedDependency::default()
        },
        DependencySpec::Detailed(detailed) => detailed.clone(),
    };
    if detailed.workspace == Some(true) {
        let inherited = workspace
            .and_then(|workspace| workspace.section.dependencies.get(name))
            .ok_or_else(|| {
                format!(
                    "dependency {name} has workspace = true, but [workspace.dependencies] has no \
                     {name}"
                )
            })?;
        // The workspace's entry, with the member's own features added; its path is relative
        // to the workspace's root.
        let workspace_root = workspace.map_or(root, |workspace| workspace.root);
        let mut inherited = dependency(workspace_root, name, inherited, None)?;
        inherited.features.extend(detailed.features);
        if detailed.default_features == Some(false) {
            inherited.default_features = false;
        }
        return Ok(inherited);
    }
    let source = if BUILTIN_PACKAGES.contains(&name) {
        DependencySource::BuiltIn
    } else if let Some(path) = &detailed.path {
        DependencySource::Path(root.join(path))
    } else if let Some(git) = &detailed.git {
        DependencySource::Unavailable(format!("a Git dependency ({git})"))
    } else if name == "snforge_std" || name == "snforge_std_deprecated" {
        DependencySource::Unavailable(
            "Starknet Foundry's test library (snforge), whose tests need its own runner".to_owned(),
        )
    } else {
        let requirement = detailed.version.as_deref().unwrap_or("*");
        DependencySource::Unavailable(format!("a registry dependency (version {requirement:?})"))
    };
    Ok(Dependency {
        name: name.to_owned(),
        source,
        features: detailed.features,
        default_features: detailed.default_features != Some(false),
    })
}

fn targets(manifest: &Manifest) -> Targets {
    let entries = |kind: &str| {
        manifest
            .target
            .get(kind)
            .map(|entries| entries.entries().to_vec())
            .unwrap_or_default()
    };
    let contract_entries = entries("starknet-contract");
    let starknet_contract = !contract_entries.is_empty();
    let starknet_contract_casm = contract_entries
        .iter()
        .any(|entry| entry.casm == Some(true));
    let executables: Vec<(String, Option<String>)> = entries("executable")
        .into_iter()
        .chain(manifest.executable.clone())
        .map(|entry| {
            let name = entry.name.clone().unwrap_or_else(|| {
                manifest
                    .package
                    .as_ref()
                    .map(|package| package.name.clone())
                    .unwrap_or_default()
            });
            (name, entry.function)
        })
        .collect();
    let lib = manifest.lib.is_some() || (!starknet_contract && executables.is_empty());
    Targets {
        lib,
        starknet_contract,
        starknet_contract_casm,
        executables,
    }
}
