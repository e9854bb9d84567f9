//! `cairn compile` on a Scarb package or workspace: each selected member's library as Sierra
//! JSON and its contracts as Sierra (and, with `casm = true`, CASM) contract classes, under
//! Scarb's artefact names, in `target/cairn/` of the workspace.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use cairn_frontend::scarb::{CompilationUnit, UnitKind};
use cairn_frontend::{CompileOptions, Corelib, Project};
use serde_json::json;

use crate::package::PackageArgs;

/// Compiles the selected members of the workspace at `path` into `output` (default
/// `ROOT/target/cairn`); warnings allowed as the packages' `[cairo]` says, or always with
/// `allow_warnings`.
pub fn compile_packages(
    path: &Path,
    packages: &PackageArgs,
    output: Option<&Path>,
    corelib: &Corelib,
    allow_warnings: bool,
) -> Result<()> {
    let kinds = [UnitKind::Lib, UnitKind::StarknetContract];
    let (workspace, units) = crate::package::units(path, packages, &kinds)?;
    crate::package::print_left_out(&units.left_out);
    let folder = output.map_or_else(
        || workspace.root.join("target").join("cairn"),
        Path::to_owned,
    );
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create the folder {}", folder.display()))?;
    let options = CompileOptions {
        gas: true,
        allow_warnings,
    };
    for unit in &units.units {
        match unit.kind {
            UnitKind::StarknetContract => {
                let casm = workspace
                    .package(&unit.package)
                    .is_some_and(|package| package.targets.starknet_contract_casm);
                contracts(unit, corelib, &options, &folder, casm)?;
            }
            _ => library(unit, corelib, &options, &folder)?,
        }
    }
    Ok(())
}

fn write(path: &Path, text: String) -> Result<()> {
    std::fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}

/// `PACKAGE.sierra.json`.
fn library(
    unit: &CompilationUnit,
    corelib: &Corelib,
    options: &CompileOptions,
    folder: &Path,
) -> Result<()> {
    let compiled = cairn_frontend::compile_project(Project::Unit(unit), corelib, options)
        .with_context(|| format!("cannot compile package {}", unit.package))?;
    crate::print_warnings(&compiled.warnings);
    let path = folder.join(format!("{}.sierra.json", unit.package));
    write(&path, cairn_frontend::sierra_to_json(&compiled.program))?;
    println!("{} (library): {}", unit.package, path.display());
    Ok(())
}

/// `PACKAGE_MODULE.contract_class.json` each (and `.compiled_contract_class.json` with
/// `casm`), and `PACKAGE.starknet_artifacts.json` listing them.
fn contracts(
    unit: &CompilationUnit,
    corelib: &Corelib,
    options: &CompileOptions,
    folder: &Path,
    casm: bool,
) -> Result<()> {
    let (contracts, warnings) =
        cairn_frontend::compile_project_contracts(Project::Unit(unit), corelib, options)
            .with_context(|| format!("cannot compile the contracts of package {}", unit.package))?;
    crate::print_warnings(&warnings);
    let mut listed = Vec::new();
    for contract in &contracts {
        let sierra_name = contract.file_name(&unit.package);
        let sierra_path = folder.join(&sierra_name);
        let json = serde_json::to_string_pretty(&contract.class)
            .context("cannot write a contract class as JSON")?;
        write(&sierra_path, json)?;
        println!("{}: {}", contract.full_path, sierra_path.display());
        let casm_name = if casm {
            let name = format!(
                "{}_{}.compiled_contract_class.json",
                unit.package, contract.module_name
            );
            let class = cairn_frontend::compile_casm_class(&contract.class)
                .with_context(|| format!("cannot compile {} to CASM", contract.full_path))?;
            let path: PathBuf = folder.join(&name);
            write(
                &path,
                serde_json::to_string_pretty(&class).context("cannot write CASM")?,
            )?;
            println!("{}: {}", contract.full_path, path.display());
            Some(name)
        } else {
            None
        };
        listed.push(json!({
            "id": contract.full_path,
            "package_name": unit.package,
            "contract_name": contract.module_name,
            "module_path": contract.full_path,
            "artifacts": { "sierra": sierra_name, "casm": casm_name },
        }));
    }
    let artifacts = folder.join(format!("{}.starknet_artifacts.json", unit.package));
    let document = json!({ "version": 1, "contracts": listed });
    write(
        &artifacts,
        serde_json::to_string_pretty(&document).context("cannot write the artefact list")?,
    )?;
    println!("{} (contracts): {}", unit.package, artifacts.display());
    Ok(())
}
