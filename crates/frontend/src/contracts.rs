//! Cairo source with `#[starknet::contract]` modules to Sierra contract classes, with
//! `cairo-lang-starknet` (the compiler's Starknet plugin, as `starknet-compile` uses it).

use std::path::Path;

use cairo_lang_compiler::db::RootDatabase;
use cairo_lang_compiler::project::setup_project;
use cairo_lang_compiler::CompilerConfig;
use cairo_lang_defs::ids::{NamedLanguageElementId, TopLevelLanguageElementId};
use cairo_lang_filesystem::db::init_dev_corelib;
use cairo_lang_filesystem::ids::CrateInput;
use cairo_lang_starknet::compile::compile_prepared_db;
use cairo_lang_starknet::contract::find_contracts;
use cairo_lang_starknet::starknet_plugin_suite;
pub use cairo_lang_starknet_classes::contract_class::ContractClass;

use crate::{CompileOptions, Corelib, FrontendError};

/// A contract class compiled from source, with the name Scarb gives its file.
#[derive(Debug)]
pub struct CompiledContract {
    /// The contract module's name (`MyToken` for `mod MyToken`).
    pub module_name: String,
    /// The module's full path (`crate::token::MyToken`).
    pub full_path: String,
    /// The class, as `*.contract_class.json` holds it.
    pub class: ContractClass,
}

impl CompiledContract {
    /// `CRATE_MODULE.contract_class.json`, as Scarb names a package's contract classes.
    pub fn file_name(&self, crate_name: &str) -> String {
        format!("{crate_name}_{}.contract_class.json", self.module_name)
    }
}

/// Compiles every contract of a `.cairo` file (a crate of its own) or a folder with a
/// `cairo_project.toml`; `options.gas` must be on (contracts always count gas).
pub fn compile_contracts(
    path: &Path,
    corelib: &Corelib,
    options: &CompileOptions,
) -> Result<(Vec<CompiledContract>, String), FrontendError> {
    crate::stack::on_compiler_stack(path, || compile(path, corelib, options))
}

fn compile(
    path: &Path,
    corelib: &Corelib,
    options: &CompileOptions,
) -> Result<(Vec<CompiledContract>, String), FrontendError> {
    let failed = |reason: String| FrontendError::Compiler {
        path: path.to_owned(),
        reason,
    };
    let mut db = RootDatabase::builder()
        .with_default_plugin_suite(starknet_plugin_suite())
        .build()
        .map_err(|error| failed(format!("{error:#}")))?;
    init_dev_corelib(&mut db, corelib.src.clone());
    let crates = setup_project(&mut db, path).map_err(|error| failed(error.to_string()))?;
    let crate_ids = CrateInput::into_crate_ids(&db, crates.clone());
    let contracts = find_contracts(&db, &crate_ids);

    let mut diagnostics = String::new();
    let reporter = crate::compile::reporter(&mut diagnostics, &crates, options.allow_warnings);
    let config = CompilerConfig {
        diagnostics_reporter: reporter,
        replace_ids: true,
        ..CompilerConfig::default()
    };
    let names: Vec<(String, String)> = contracts
        .iter()
        .map(|contract| {
            (
                contract.submodule_id.name(&db).to_string(&db),
                contract.submodule_id.full_path(&db),
            )
        })
        .collect();
    let declarations: Vec<_> = contracts.iter().collect();
    let result = compile_prepared_db(&db, &declarations, config);
    let classes = match result {
        Ok(classes) => classes,
        Err(error) => return Err(crate::compile::compile_failure(path, &diagnostics, &error)),
    };
    if classes.is_empty() {
        return Err(failed(
            "it has no `#[starknet::contract]` module".to_owned(),
        ));
    }
    let compiled = names
        .into_iter()
        .zip(classes)
        .map(|((module_name, full_path), class)| CompiledContract {
            module_name,
            full_path,
            class,
        })
        .collect();
    Ok((compiled, diagnostics.trim_end().to_owned()))
}
