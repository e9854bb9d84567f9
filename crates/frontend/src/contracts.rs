//! Cairo source with `#[starknet::contract]` modules to Sierra contract classes, with
//! `cairo-lang-starknet` (the compiler's Starknet plugin, as `starknet-compile` uses it).

use std::path::Path;

use cairo_lang_compiler::CompilerConfig;
use cairo_lang_defs::ids::{NamedLanguageElementId, TopLevelLanguageElementId};
use cairo_lang_filesystem::ids::CrateInput;
use cairo_lang_starknet::compile::compile_prepared_db;
use cairo_lang_starknet::contract::find_contracts;
pub use cairo_lang_starknet_classes::contract_class::ContractClass;

use crate::project::{Project, Purpose};
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
    compile_project_contracts(Project::Path(path), corelib, options)
}

/// Compiles the contracts of a project: a path as [`compile_contracts`] does, or a Scarb
/// unit's main crate (its package's contracts, not its dependencies').
pub fn compile_project_contracts(
    project: Project<'_>,
    corelib: &Corelib,
    options: &CompileOptions,
) -> Result<(Vec<CompiledContract>, String), FrontendError> {
    crate::stack::on_compiler_stack(&project.path(), || compile(project, corelib, options))
}

fn compile(
    project: Project<'_>,
    corelib: &Corelib,
    options: &CompileOptions,
) -> Result<(Vec<CompiledContract>, String), FrontendError> {
    let path = project.path();
    let failed = |reason: String| FrontendError::Compiler {
        path: path.clone(),
        reason,
    };
    let (db, crates, all_crates) = crate::project::database(project, corelib, Purpose::Contracts)?;
    let crate_ids = CrateInput::into_crate_ids(&db, crates.clone());
    let contracts = find_contracts(&db, &crate_ids);

    let mut diagnostics = String::new();
    let allow_warnings = project.allow_warnings(options.allow_warnings);
    let reporter = crate::compile::reporter(&mut diagnostics, &crates, allow_warnings);
    let config = CompilerConfig {
        diagnostics_reporter: reporter,
        replace_ids: project.replace_ids(),
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
        Err(error) => {
            let diagnostics = crate::compile::with_dependency_errors(&db, diagnostics, &all_crates);
            return Err(crate::compile::compile_failure(&path, &diagnostics, &error));
        }
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

/// A contract class compiled on to CASM (`*.compiled_contract_class.json`), as Starknet and
/// Scarb's `casm = true` compile it (no Python hints, no bytecode size limit).
pub fn compile_casm_class(
    class: &ContractClass,
) -> Result<cairo_lang_starknet_classes::casm_contract_class::CasmContractClass, FrontendError> {
    let program = class
        .extract_sierra_program(false)
        .map_err(|error| FrontendError::InvalidSierra(error.to_string()))?;
    cairo_lang_starknet_classes::casm_contract_class::CasmContractClass::from_contract_class(
        class.clone(),
        program,
        false,
        usize::MAX,
    )
    .map_err(|error| FrontendError::InvalidSierra(format!("cannot compile to CASM: {error}")))
}
