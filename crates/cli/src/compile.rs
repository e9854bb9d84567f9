//! `cairn compile`: Cairo 1 source to Sierra JSON, or (with `--native`) source or Sierra to a
//! shared library that `cairn run` loads without recompiling.

use std::path::PathBuf;

use anyhow::{Context, Result};
use cairn_frontend::CompileOptions;
use clap::Args;

use crate::package::PackageArgs;

#[derive(Args)]
pub struct CompileArgs {
    /// A `.cairo` file, a folder with a `cairo_project.toml`, a Scarb package or workspace (a
    /// folder with a `Scarb.toml`), or (with `--native`) a Sierra JSON file.
    path: PathBuf,

    #[command(flatten)]
    package: PackageArgs,

    /// Where to write the Sierra JSON (default: standard output); for a Scarb package, the
    /// folder of its artefacts (default: `target/cairn/` in the workspace).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Compile without gas accounting (`cfg(gas: "disabled")`, no automatic withdraw_gas).
    #[arg(long)]
    no_gas: bool,

    /// Compile despite warnings (printed on standard error); by default a warning is an error.
    #[arg(long)]
    allow_warnings: bool,

    /// The Cairo corelib (default: $CAIRO_CORELIB_DIR, then a `corelib/` beside the current
    /// folder or the executable).
    #[arg(long, value_name = "DIR")]
    corelib: Option<PathBuf>,

    /// Compile to native code and write a shared library (`-o` required).
    #[arg(long)]
    native: bool,

    /// Compile the `#[starknet::contract]` modules to Sierra contract classes, one
    /// `CRATE_MODULE.contract_class.json` each (as Scarb names them) in the folder given by `-o`
    /// (default: the current folder).
    #[arg(long, conflicts_with_all = ["native", "no_gas"])]
    contracts: bool,

    /// LLVM optimisation level for `--native` (0 to 3).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u8).range(0..=3))]
    opt_level: u8,
}

pub fn compile(args: CompileArgs) -> Result<()> {
    if crate::package::is_scarb(&args.path) {
        if args.native || args.no_gas || args.contracts {
            anyhow::bail!(
                "--native, --no-gas and --contracts apply to a .cairo file or project: a Scarb \
                 package's manifest says what it builds ([lib], [[target.starknet-contract]], \
                 [cairo] enable-gas); compile it, then `cairn compile --native` its Sierra JSON"
            );
        }
        let corelib = cairn_frontend::locate_corelib(args.corelib.as_deref())?;
        return crate::compile_packages::compile_packages(
            &args.path,
            &args.package,
            args.output.as_deref(),
            &corelib,
            args.allow_warnings,
        );
    }
    args.package.reject_for(&args.path)?;
    if args.contracts {
        return contracts(&args);
    }
    let is_sierra = args
        .path
        .extension()
        .is_some_and(|extension| extension == "json");
    if is_sierra && !args.native {
        anyhow::bail!(
            "{} is already Sierra; add --native to compile it to a library",
            args.path.display()
        );
    }
    let program = if is_sierra {
        cairn_frontend::load_sierra_json_file(&args.path).map_err(|error| match error {
            // These name no file; the others do.
            cairn_frontend::FrontendError::MalformedSierra(_)
            | cairn_frontend::FrontendError::InvalidSierra(_) => {
                anyhow::Error::new(error).context(args.path.display().to_string())
            }
            other => other.into(),
        })?
    } else {
        let corelib = cairn_frontend::locate_corelib(args.corelib.as_deref())?;
        let options = CompileOptions {
            gas: !args.no_gas,
            allow_warnings: args.allow_warnings,
        };
        let compiled = cairn_frontend::compile_cairo_with_warnings(&args.path, &corelib, &options)?;
        crate::print_warnings(&compiled.warnings);
        compiled.program
    };
    if args.native {
        let output = args
            .output
            .as_deref()
            .context("--native needs -o LIBRARY.so")?;
        return native_library(program, args.opt_level, output);
    }
    let json = cairn_frontend::sierra_to_json(&program);
    match &args.output {
        Some(path) => std::fs::write(path, json + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => println!("{json}"),
    }
    Ok(())
}

/// `--contracts`: every contract class of the source, written in the output folder.
fn contracts(args: &CompileArgs) -> Result<()> {
    let corelib = cairn_frontend::locate_corelib(args.corelib.as_deref())?;
    let options = CompileOptions {
        gas: true,
        allow_warnings: args.allow_warnings,
    };
    let (contracts, warnings) = cairn_frontend::compile_contracts(&args.path, &corelib, &options)?;
    crate::print_warnings(&warnings);
    let folder = args.output.clone().unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create the folder {}", folder.display()))?;
    let crate_name = crate_name(&args.path)?;
    for contract in contracts {
        let path = folder.join(contract.file_name(&crate_name));
        let json = serde_json::to_string_pretty(&contract.class)
            .context("cannot write a contract class as JSON")?;
        std::fs::write(&path, json + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("{}: {}", contract.full_path, path.display());
    }
    Ok(())
}

/// The crate a source path compiles to: a file's stem, or a project folder's name.
fn crate_name(path: &std::path::Path) -> Result<String> {
    let name = if path.is_dir() {
        path.canonicalize().ok().and_then(|path| {
            path.file_name()
                .map(|name| name.to_string_lossy().into_owned())
        })
    } else {
        path.file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
    };
    name.with_context(|| format!("{} names no crate", path.display()))
}

#[cfg(feature = "native")]
fn native_library(
    program: cairn_frontend::Program,
    opt_level: u8,
    output: &std::path::Path,
) -> Result<()> {
    let level = cairn_native_codegen::OptLevel::from_number(opt_level)
        .context("--opt-level takes 0 to 3")?;
    // Functions with a libfunc this backend lacks are left out with a warning; the library
    // refuses to run them, with the reason.
    let left_out = cairn_native_codegen::AotProgram::write_partial(program, level, output)?;
    crate::run_native::print_left_out(&left_out);
    Ok(())
}

#[cfg(not(feature = "native"))]
fn native_library(_: cairn_frontend::Program, _: u8, _: &std::path::Path) -> Result<()> {
    anyhow::bail!("this cairn was built without the `native` feature")
}
