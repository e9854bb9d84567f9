//! What a compilation reads: a `.cairo` file or `cairo_project.toml` folder as the Cairo
//! compiler sets one up, or a Scarb compilation unit (`cairn-scarb`) whose crates are set up
//! one by one with the settings Scarb gives them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cairn_scarb::{CompilationUnit, UnitCrate};
use cairo_lang_compiler::db::{RootDatabase, RootDatabaseBuilder};
use cairo_lang_compiler::project::setup_project;
use cairo_lang_executable_plugin::executable_plugin_suite;
use cairo_lang_filesystem::cfg::{Cfg, CfgSet};
use cairo_lang_filesystem::db::{
    init_dev_corelib, CrateConfiguration, CrateSettings, DependencySettings, Edition,
    ExperimentalFeaturesConfig, FilesGroup,
};
use cairo_lang_filesystem::ids::{CrateInput, Directory, FileId};
use cairo_lang_filesystem::{override_file_content, set_crate_config};
use cairo_lang_lowering::optimizations::config::Optimizations;
use cairo_lang_lowering::utils::InliningStrategy;
use cairo_lang_starknet::starknet_plugin_suite;
use cairo_lang_test_plugin::{test_assert_suite, test_plugin_suite};
use cairo_lang_utils::Intern;

use crate::{Corelib, FrontendError};

/// What to compile.
#[derive(Clone, Copy, Debug)]
pub enum Project<'a> {
    /// A `.cairo` file (a crate of its own) or a folder with a `cairo_project.toml`.
    Path(&'a Path),
    /// A Scarb compilation unit.
    Unit(&'a CompilationUnit),
}

impl<'a> From<&'a Path> for Project<'a> {
    fn from(path: &'a Path) -> Self {
        Self::Path(path)
    }
}

impl<'a> From<&'a CompilationUnit> for Project<'a> {
    fn from(unit: &'a CompilationUnit) -> Self {
        Self::Unit(unit)
    }
}

impl Project<'_> {
    /// The path errors name: the file or folder, or the unit's main crate's root.
    pub fn path(&self) -> PathBuf {
        match self {
            Self::Path(path) => path.to_path_buf(),
            Self::Unit(unit) => unit
                .crates
                .first()
                .map(|main| main.root.clone())
                .unwrap_or_default(),
        }
    }

    /// Whether warnings are allowed: as asked, or as the unit's `[cairo]` says.
    pub(crate) fn allow_warnings(&self, asked: bool) -> bool {
        match self {
            Self::Path(_) => asked,
            Self::Unit(unit) => asked || unit.cairo.allow_warnings,
        }
    }

    /// Whether Sierra ids are replaced by readable names.
    pub(crate) fn replace_ids(&self) -> bool {
        match self {
            Self::Path(_) => true,
            Self::Unit(unit) => unit.cairo.replace_ids,
        }
    }
}

/// What the compilation is for: it decides the plugins and the cfg set.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Purpose {
    /// A program; with or without gas accounting (a unit follows its `enable-gas`).
    Program { gas: bool },
    /// Tests (`cfg(test)`, the test plugin), with the Starknet plugin or not.
    Tests { starknet: bool },
    /// Contract classes (the Starknet plugin).
    Contracts,
    /// `#[executable]` functions (the executable plugin, no gas), as `cairo-execute` compiles
    /// them; `unsafe_panic` replaces the panic flow by an unprovable instruction.
    Executable { unsafe_panic: bool },
}

/// A database with `project` set up for `purpose`, the crates to compile (the project's, or a
/// unit's main crate), whose diagnostics are reported, and every crate it reaches but the
/// corelib (for the errors of a dependency when compiling fails).
pub(crate) fn database(
    project: Project<'_>,
    corelib: &Corelib,
    purpose: Purpose,
) -> Result<(RootDatabase, Vec<CrateInput>, Vec<CrateInput>), FrontendError> {
    let failed = |reason: String| FrontendError::Compiler {
        path: project.path(),
        reason,
    };
    let mut builder = RootDatabase::builder();
    let mut gas = true;
    // The global cfg set (`with_cfg` replaces, so it is set once, at the end).
    let mut cfg: Vec<Cfg> = Vec::new();
    match purpose {
        Purpose::Program { gas: with_gas } => gas = with_gas,
        Purpose::Tests { starknet } => {
            builder.with_default_plugin_suite(test_plugin_suite());
            if starknet {
                builder.with_default_plugin_suite(starknet_plugin_suite());
            }
            if let Project::Path(_) = project {
                cfg.extend([Cfg::name("test"), Cfg::kv("target", "test")]);
            }
        }
        Purpose::Contracts => {
            builder.with_default_plugin_suite(starknet_plugin_suite());
        }
        Purpose::Executable { unsafe_panic } => {
            builder.with_default_plugin_suite(executable_plugin_suite());
            if unsafe_panic {
                builder.with_unsafe_panic();
            }
            gas = false;
        }
    }
    if let Project::Unit(unit) = project {
        unit_plugins(&mut builder, unit, purpose);
        // The corelib takes the global cfg set: the unit's target (its crates have their own).
        cfg.push(Cfg::kv("target", unit.kind.target()));
        gas &= unit.cairo.enable_gas;
        if let Some(weight) = unit.cairo.inlining {
            let strategy = if weight == 0 {
                InliningStrategy::Avoid
            } else {
                InliningStrategy::InlineSmallFunctions(weight)
            };
            builder.with_optimizations(Optimizations::enabled_with_default_movable_functions(
                strategy,
            ));
        }
    }
    if !gas {
        builder.skip_auto_withdraw_gas();
        cfg.push(Cfg::kv("gas", "disabled"));
    }
    if !cfg.is_empty() {
        builder.with_cfg(CfgSet::from_iter(cfg));
    }
    let mut db = builder
        .build()
        .map_err(|error| failed(format!("{error:#}")))?;
    init_dev_corelib(&mut db, corelib.src.clone());
    match project {
        Project::Path(path) => {
            let crates = setup_project(&mut db, path).map_err(|error| failed(error.to_string()))?;
            Ok((db, crates.clone(), crates))
        }
        Project::Unit(unit) => {
            let all = set_up_unit(&mut db, unit).map_err(failed)?;
            let main = all.iter().take(1).cloned().collect();
            Ok((db, main, all))
        }
    }
}

/// The plugins of the built-in packages the unit depends on (those `purpose` needs are on
/// already).
fn unit_plugins(builder: &mut RootDatabaseBuilder, unit: &CompilationUnit, purpose: Purpose) {
    let tests = matches!(purpose, Purpose::Tests { .. });
    let contracts = matches!(
        purpose,
        Purpose::Contracts | Purpose::Tests { starknet: true }
    );
    if unit.plugins.starknet && !contracts {
        builder.with_default_plugin_suite(starknet_plugin_suite());
    }
    if unit.plugins.test && !tests {
        builder.with_default_plugin_suite(test_plugin_suite());
    } else if unit.plugins.assert_macros && !tests {
        builder.with_default_plugin_suite(test_assert_suite());
    }
    if unit.plugins.executable && !matches!(purpose, Purpose::Executable { .. }) {
        builder.with_default_plugin_suite(executable_plugin_suite());
    }
}

/// The crate id a unit's crate has: its name, told apart by its name as discriminator.
fn crate_input(name: &str) -> CrateInput {
    CrateInput::Real {
        name: name.to_owned(),
        discriminator: Some(name.to_owned()),
    }
}

/// Configures every crate of `unit`; their inputs, the main crate first.
fn set_up_unit(db: &mut RootDatabase, unit: &CompilationUnit) -> Result<Vec<CrateInput>, String> {
    let mut inputs = Vec::new();
    for unit_crate in &unit.crates {
        let settings = crate_settings(unit_crate)?;
        let input = crate_input(&unit_crate.name);
        let crate_id = input.clone().into_crate_long_id(db).intern(db);
        set_crate_config!(
            db,
            crate_id,
            Some(CrateConfiguration {
                root: Directory::Real(unit_crate.root.clone()),
                settings,
                cache_file: None,
            })
        );
        for (path, content) in &unit_crate.file_overrides {
            let file = FileId::new_on_disk(db, path.clone());
            override_file_content!(db, file, Some(content.as_str().into()));
        }
        inputs.push(input);
    }
    Ok(inputs)
}

/// The compiler's settings for a unit's crate.
fn crate_settings(unit_crate: &UnitCrate) -> Result<CrateSettings, String> {
    let edition: Edition = serde_json::from_value(serde_json::Value::String(
        unit_crate.edition.clone(),
    ))
    .map_err(|_| {
        format!(
            "package {} has edition {:?}, which Cairo {} does not know (it knows 2023_01, \
             2023_10, 2023_11, 2024_07 and 2025_12)",
            unit_crate.package,
            unit_crate.edition,
            crate::COMPILER_VERSION
        )
    })?;
    let mut experimental_features = ExperimentalFeaturesConfig::default();
    for feature in &unit_crate.experimental_features {
        match feature.as_str() {
            "negative_impls" => experimental_features.negative_impls = true,
            "associated_item_constraints" => {
                experimental_features.associated_item_constraints = true
            }
            "coupons" => experimental_features.coupons = true,
            "user_defined_inline_macros" => experimental_features.user_defined_inline_macros = true,
            "repr_ptrs" => experimental_features.repr_ptrs = true,
            other => {
                return Err(format!(
                    "package {} turns on experimental feature {other:?}, which Cairo {} does \
                     not have",
                    unit_crate.package,
                    crate::COMPILER_VERSION
                ))
            }
        }
    }
    let cfg_set = CfgSet::from_iter(unit_crate.cfg.iter().map(|entry| match &entry.value {
        Some(value) => Cfg::kv(entry.key.clone(), value.clone()),
        None => Cfg::name(entry.key.clone()),
    }));
    let dependencies: BTreeMap<String, DependencySettings> = unit_crate
        .dependencies
        .iter()
        .map(|name| {
            (
                name.clone(),
                DependencySettings {
                    discriminator: Some(name.clone()),
                },
            )
        })
        .collect();
    Ok(CrateSettings {
        name: Some(unit_crate.name.clone()),
        edition,
        version: Some(unit_crate.version.clone()),
        cfg_set: Some(cfg_set),
        dependencies,
        experimental_features,
    })
}
