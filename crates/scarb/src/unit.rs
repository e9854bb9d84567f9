//! Compilation units: per package and kind (its library, its contracts, its unit tests, its
//! `tests/` folder), the crates one compilation needs and how each is configured.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::features::{enabled_features, FeatureRequest};
use crate::manifest::InliningSetting;
use crate::package::{Dependency, DependencySource, Package};
use crate::{sources, ScarbError, Workspace};

/// What a unit compiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitKind {
    /// The package's library: Sierra JSON.
    Lib,
    /// Its `#[starknet::contract]`s: Sierra contract classes.
    StarknetContract,
    /// Its unit tests: the package's crate with `cfg(test)` and its dev-dependencies.
    UnitTests,
    /// Its integration tests: the `tests/` folder as a crate of its own.
    IntegrationTests,
    /// Its `#[executable]` functions (`[executable]`, `[[target.executable]]`).
    Executable,
}

impl UnitKind {
    /// The `target` cfg Scarb gives the unit's crates (the corelib's too).
    pub fn target(self) -> &'static str {
        match self {
            Self::Lib => "lib",
            Self::StarknetContract => "starknet-contract",
            Self::UnitTests | Self::IntegrationTests => "test",
            Self::Executable => "executable",
        }
    }

    /// How reports name it: `library`, `contracts`, `unit tests`, `integration tests`.
    pub fn description(self) -> &'static str {
        match self {
            Self::Lib => "library",
            Self::StarknetContract => "contracts",
            Self::UnitTests => "unit tests",
            Self::IntegrationTests => "integration tests",
            Self::Executable => "executable",
        }
    }

    fn is_test(self) -> bool {
        matches!(self, Self::UnitTests | Self::IntegrationTests)
    }
}

/// How to put units together.
#[derive(Clone, Debug, Default)]
pub struct UnitOptions {
    /// Features to turn on in the selected packages (`--features`).
    pub features: Vec<String>,
    /// Every feature of the selected packages (`--all-features`).
    pub all_features: bool,
    /// Leave their `default` feature off (`--no-default-features`).
    pub no_default_features: bool,
    /// Leave out what needs an unavailable dependency instead of failing.
    pub skip_unavailable: bool,
}

/// One `key` or `key: "value"` of a crate's cfg set.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CfgEntry {
    /// The key (`test`, `target`, `feature`, `gas`).
    pub key: String,
    /// The value, for a key-value entry.
    pub value: Option<String>,
}

impl CfgEntry {
    fn name(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            value: None,
        }
    }

    fn pair(key: &str, value: &str) -> Self {
        Self {
            key: key.to_owned(),
            value: Some(value.to_owned()),
        }
    }
}

/// One crate of a unit.
#[derive(Clone, Debug)]
pub struct UnitCrate {
    /// Its name, by which code names it.
    pub name: String,
    /// The package it belongs to.
    pub package: String,
    /// The folder of its `lib.cairo`.
    pub root: PathBuf,
    /// Files whose content the compiler takes from here rather than from disk: the root Scarb
    /// makes for a `tests/` folder without `lib.cairo`, and test files left out (emptied).
    pub file_overrides: Vec<(PathBuf, String)>,
    /// Its Cairo edition (`2024_07`, …).
    pub edition: String,
    /// Its package's version.
    pub version: semver::Version,
    /// Its full cfg set.
    pub cfg: Vec<CfgEntry>,
    /// The crates it may name (the corelib aside).
    pub dependencies: Vec<String>,
    /// Experimental compiler features it turns on.
    pub experimental_features: Vec<String>,
}

/// The compiler plugins of Scarb's built-in packages a unit needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BuiltinPlugins {
    /// `starknet`: `#[starknet::contract]` and the rest.
    pub starknet: bool,
    /// `cairo_test`: `#[test]`, `#[should_panic]`, `#[available_gas]`.
    pub test: bool,
    /// `assert_macros`: `assert_eq!` and the rest.
    pub assert_macros: bool,
    /// `executable`: `#[executable]`.
    pub executable: bool,
}

/// `[cairo]`, with Scarb's defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CairoSettings {
    /// Human-readable Sierra ids (default on).
    pub replace_ids: bool,
    /// The inlining strategy: `None` for the compiler's default, `Some(0)` for "avoid",
    /// `Some(n)` to inline functions up to weight `n`.
    pub inlining: Option<usize>,
    /// Gas accounting (default on).
    pub enable_gas: bool,
    /// Whether warnings are allowed (default yes, as in Scarb).
    pub allow_warnings: bool,
}

/// One compilation: a package's library, contracts, unit tests or integration tests.
#[derive(Clone, Debug)]
pub struct CompilationUnit {
    /// The package.
    pub package: String,
    /// What it compiles.
    pub kind: UnitKind,
    /// The crate compiled (whose tests or contracts are wanted); the first of `crates`.
    pub main_crate: String,
    /// Every crate the compilation needs but the corelib, the main one first.
    pub crates: Vec<UnitCrate>,
    /// The built-in plugins it needs.
    pub plugins: BuiltinPlugins,
    /// Its compiler settings.
    pub cairo: CairoSettings,
}

/// Something left out because it needs a dependency Cairn cannot have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    /// The package.
    pub package: String,
    /// What was left out: a file, or a unit ("unit tests", "integration tests", "library").
    pub what: String,
    /// Why.
    pub reason: String,
}

/// The units of a build or test run, and what was left out of them.
#[derive(Clone, Debug, Default)]
pub struct Units {
    /// The units, members in dependency order.
    pub units: Vec<CompilationUnit>,
    /// What `skip_unavailable` left out.
    pub left_out: Vec<LeftOut>,
}

/// A unit, with the test files it left out; or the unit left out whole.
enum Outcome {
    Built(CompilationUnit, Vec<LeftOut>),
    LeftOut(LeftOut),
}

impl Workspace {
    /// The units of `kinds` for each of `packages` (a unit kind a package lacks, such as
    /// integration tests without a `tests/` folder or unit tests without a `#[test]` in
    /// `src/`, is skipped).
    pub fn units(
        &self,
        packages: &[&Package],
        kinds: &[UnitKind],
        options: &UnitOptions,
    ) -> Result<Units, ScarbError> {
        self.check_requested_features(packages, options)?;
        let mut units = Units::default();
        for package in packages {
            for kind in kinds {
                let applies = match kind {
                    UnitKind::Lib => package.targets.lib,
                    UnitKind::StarknetContract => package.targets.starknet_contract,
                    // A package whose sources hold no `#[test]` has no unit tests: not
                    // compiling them saves analysing its whole library once more.
                    UnitKind::UnitTests => {
                        sources::any_file_contains(&package.source_root(), "#[test]")?
                    }
                    UnitKind::IntegrationTests => package.integration_tests().is_some(),
                    UnitKind::Executable => !package.targets.executables.is_empty(),
                };
                if !applies || package.is_plugin {
                    continue;
                }
                match self.unit(package, *kind, options)? {
                    Outcome::Built(unit, files_left_out) => {
                        units.units.push(unit);
                        units.left_out.extend(files_left_out);
                    }
                    Outcome::LeftOut(left_out) => units.left_out.push(left_out),
                }
            }
        }
        Ok(units)
    }

    /// `--features` must name a feature of at least one selected package.
    fn check_requested_features(
        &self,
        packages: &[&Package],
        options: &UnitOptions,
    ) -> Result<(), ScarbError> {
        for feature in &options.features {
            if !packages
                .iter()
                .any(|package| package.features.contains_key(feature))
            {
                let package = packages.first().map_or("", |package| &package.name);
                let known: BTreeSet<&String> = packages
                    .iter()
                    .flat_map(|package| package.features.keys())
                    .collect();
                return Err(ScarbError::UnknownFeature {
                    package: package.to_owned(),
                    feature: feature.clone(),
                    known: if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.into_iter().cloned().collect::<Vec<_>>().join(", ")
                    },
                });
            }
        }
        Ok(())
    }

    /// One unit, or what was left out instead of it.
    fn unit(
        &self,
        package: &Package,
        kind: UnitKind,
        options: &UnitOptions,
    ) -> Result<Outcome, ScarbError> {
        let mut plugins = BuiltinPlugins {
            test: kind.is_test(),
            assert_macros: kind.is_test(),
            starknet: kind == UnitKind::StarknetContract,
            executable: kind == UnitKind::Executable,
        };
        let left_out = |reason: String| LeftOut {
            package: package.name.clone(),
            what: kind.description().to_owned(),
            reason,
        };

        // The packages the unit reaches, breadth first from the main package's dependencies
        // (dev-dependencies too for tests), and each one's dependency crates.
        let mut own_dependencies: Vec<&Dependency> = package.dependencies.iter().collect();
        if kind.is_test() {
            own_dependencies.extend(&package.dev_dependencies);
        }
        let mut reached: Vec<&Package> = Vec::new();
        let mut crate_dependencies: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut unavailable_dev: Vec<(&Dependency, String)> = Vec::new();
        let mut queue: Vec<(&Package, Vec<&Dependency>)> = vec![(package, own_dependencies)];
        let mut seen: BTreeSet<&str> = BTreeSet::from([package.name.as_str()]);
        let mut index = 0;
        while index < queue.len() {
            let (owner, dependencies) = queue[index].clone();
            index += 1;
            let mut names = Vec::new();
            for dependency in dependencies {
                let is_dev = owner.name == package.name
                    && package
                        .dev_dependencies
                        .iter()
                        .any(|dev| dev.name == dependency.name);
                let unavailable = match &dependency.source {
                    DependencySource::BuiltIn => {
                        match dependency.name.as_str() {
                            "starknet" => plugins.starknet = true,
                            "cairo_test" => plugins.test = true,
                            "assert_macros" => plugins.assert_macros = true,
                            "executable" | "cairo_execute" => plugins.executable = true,
                            _ => {}
                        }
                        continue;
                    }
                    DependencySource::Unavailable(reason) => Some(reason.clone()),
                    DependencySource::Path(_) => match self.packages.get(&dependency.name) {
                        Some(found) if found.is_plugin => Some(
                            "a procedural macro package (Rust code that Scarb compiles and \
                             loads into the compiler)"
                                .to_owned(),
                        ),
                        Some(found) => {
                            names.push(found.name.clone());
                            if seen.insert(found.name.as_str()) {
                                reached.push(found);
                                queue.push((found, found.dependencies.iter().collect()));
                            }
                            None
                        }
                        None => Some(format!(
                            "a path dependency whose package is not named {}",
                            dependency.name
                        )),
                    },
                };
                let Some(reason) = unavailable else { continue };
                let error = || ScarbError::Unavailable {
                    package: owner.name.clone(),
                    dependency: dependency.name.clone(),
                    reason: reason.clone(),
                };
                if !options.skip_unavailable {
                    return Err(error());
                }
                if is_dev {
                    unavailable_dev.push((dependency, reason));
                } else {
                    let via = if owner.name == package.name {
                        String::new()
                    } else {
                        format!(" (through {})", owner.name)
                    };
                    return Ok(Outcome::LeftOut(left_out(format!(
                        "needs {}{via}, {reason}",
                        dependency.name
                    ))));
                }
            }
            crate_dependencies.insert(owner.name.clone(), names);
        }

        // Features: the main package's as asked, its dependencies' as their declarations ask.
        let mut requests: BTreeMap<String, FeatureRequest> = BTreeMap::new();
        requests.insert(
            package.name.clone(),
            FeatureRequest {
                named: options
                    .features
                    .iter()
                    .filter(|feature| package.features.contains_key(*feature))
                    .cloned()
                    .collect(),
                default: !options.no_default_features,
                all: options.all_features,
            },
        );
        for owner in std::iter::once(package).chain(reached.iter().copied()) {
            for dependency in owner
                .dependencies
                .iter()
                .chain(if owner.name == package.name {
                    package.dev_dependencies.as_slice()
                } else {
                    &[]
                })
            {
                if !seen.contains(dependency.name.as_str()) || dependency.name == package.name {
                    continue;
                }
                let request = requests.entry(dependency.name.clone()).or_default();
                request.named.extend(dependency.features.iter().cloned());
                request.default |= dependency.default_features;
            }
        }
        let enabled = enabled_features(&self.packages, &requests)?;

        let cairo = self.cairo_settings(package);
        let gas_cfg = (!cairo.enable_gas).then(|| CfgEntry::pair("gas", "disabled"));
        let cfg_of = |owner: &Package, main: bool| {
            // The unit's target is every crate's (the corelib's `starknet::deployment`
            // exists under `target: 'test'` only, as do contracts' `TEST_CLASS_HASH`es);
            // `test` is the main crate's alone, as in Scarb.
            let mut cfg = vec![CfgEntry::pair("target", kind.target())];
            if main && kind.is_test() {
                cfg.push(CfgEntry::name("test"));
            }
            if let Some(features) = enabled.get(&owner.name) {
                cfg.extend(
                    features
                        .iter()
                        .map(|feature| CfgEntry::pair("feature", feature)),
                );
            }
            cfg.extend(gas_cfg.clone());
            cfg.sort();
            cfg
        };
        let crate_of = |owner: &Package, main: bool| UnitCrate {
            name: owner.name.clone(),
            package: owner.name.clone(),
            root: owner.source_root(),
            file_overrides: Vec::new(),
            edition: owner.edition.clone(),
            version: owner.version.clone(),
            cfg: cfg_of(owner, main),
            // A crate may name itself, as Scarb lets it (`use my_package::…` inside it).
            dependencies: std::iter::once(owner.name.clone())
                .chain(
                    crate_dependencies
                        .get(&owner.name)
                        .cloned()
                        .unwrap_or_default(),
                )
                .collect(),
            experimental_features: owner.experimental_features.clone(),
        };

        let mut crates = Vec::new();
        let mut left: Vec<LeftOut> = Vec::new();
        let main_crate = match kind {
            UnitKind::IntegrationTests => {
                let folder = package
                    .integration_tests()
                    .unwrap_or_else(|| package.root.join("tests"));
                let name = crate::integration_test_crate(&package.name);
                let mut dependencies = vec![name.clone(), package.name.clone()];
                dependencies.extend(
                    crate_dependencies
                        .get(&package.name)
                        .cloned()
                        .unwrap_or_default(),
                );
                let mut tests_crate = UnitCrate {
                    name: name.clone(),
                    root: folder.clone(),
                    dependencies,
                    ..crate_of(package, true)
                };
                let has_root = folder.join("lib.cairo").is_file();
                let mut modules = Vec::new();
                for file in if has_root {
                    sources::cairo_files(&folder)?
                } else {
                    sources::module_files(&folder)?
                } {
                    match needs_unavailable(&file, &unavailable_dev)? {
                        Some(reason) => {
                            left.push(LeftOut {
                                package: package.name.clone(),
                                what: relative(&package.root, &file),
                                reason,
                            });
                            if has_root {
                                tests_crate.file_overrides.push((file, String::new()));
                            }
                        }
                        None => {
                            if !has_root {
                                if let Some(stem) = file.file_stem() {
                                    modules.push(format!("mod {};\n", stem.to_string_lossy()));
                                }
                            }
                        }
                    }
                }
                if !has_root {
                    tests_crate
                        .file_overrides
                        .push((folder.join("lib.cairo"), modules.concat()));
                }
                crates.push(tests_crate);
                crates.push(crate_of(package, false));
                name
            }
            _ => {
                let mut main = crate_of(package, true);
                if kind == UnitKind::UnitTests && !unavailable_dev.is_empty() {
                    for file in sources::cairo_files(&main.root)? {
                        let Some(reason) = needs_unavailable(&file, &unavailable_dev)? else {
                            continue;
                        };
                        if !sources::is_test_file(&main.root, &file) {
                            return Ok(Outcome::LeftOut(left_out(format!(
                                "{} (not a test file) {reason}",
                                relative(&package.root, &file)
                            ))));
                        }
                        left.push(LeftOut {
                            package: package.name.clone(),
                            what: relative(&package.root, &file),
                            reason,
                        });
                        main.file_overrides.push((file, String::new()));
                    }
                }
                crates.push(main);
                package.name.clone()
            }
        };
        crates.extend(reached.iter().map(|owner| crate_of(owner, false)));
        let unit = CompilationUnit {
            package: package.name.clone(),
            kind,
            main_crate,
            crates,
            plugins,
            cairo,
        };
        // The unit still compiles, without the files left out.
        Ok(Outcome::Built(unit, left))
    }

    /// The package's `[cairo]`, else the workspace root's, with Scarb's defaults.
    fn cairo_settings(&self, package: &Package) -> CairoSettings {
        let own = &package.cairo;
        let root = &self.root_cairo;
        let inlining = own
            .inlining_strategy
            .as_ref()
            .or(root.inlining_strategy.as_ref());
        CairoSettings {
            replace_ids: own
                .sierra_replace_ids
                .or(root.sierra_replace_ids)
                .unwrap_or(true),
            inlining: match inlining {
                None => None,
                Some(InliningSetting::Named(name)) if name == "avoid" => Some(0),
                Some(InliningSetting::Named(_)) => None,
                Some(InliningSetting::Weight(weight)) => Some(*weight),
            },
            enable_gas: own.enable_gas.or(root.enable_gas).unwrap_or(true),
            allow_warnings: own.allow_warnings.or(root.allow_warnings).unwrap_or(true),
        }
    }
}

/// Why `file` cannot compile here: it names an unavailable dependency.
fn needs_unavailable(
    file: &std::path::Path,
    unavailable: &[(&Dependency, String)],
) -> Result<Option<String>, ScarbError> {
    if unavailable.is_empty() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(file).map_err(|cause| ScarbError::Io {
        path: file.to_owned(),
        cause,
    })?;
    Ok(unavailable
        .iter()
        .find(|(dependency, _)| sources::names_crate(&text, &dependency.name))
        .map(|(dependency, reason)| format!("uses {}, {reason}", dependency.name)))
}

fn relative(root: &std::path::Path, file: &std::path::Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .into_owned()
}

impl CompilationUnit {
    /// A digest of everything the unit's compilation reads but the corelib and the compiler:
    /// its settings, and every `.cairo` file under each crate's root (path and content). Equal
    /// fingerprints compile to the same program, so a compiled unit can be kept under it.
    pub fn fingerprint(&self) -> Result<String, ScarbError> {
        use sha2::Digest;
        let mut hasher = sha2::Sha256::new();
        hasher.update(format!("{self:?}").as_bytes());
        for unit_crate in &self.crates {
            sources::hash_cairo_files(&unit_crate.root, &mut hasher)?;
        }
        Ok(sources::hex(&hasher.finalize()))
    }
}
