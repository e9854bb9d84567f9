//! `cairn compile`: Cairo 1 source to Sierra JSON.

use std::path::PathBuf;

use anyhow::{Context, Result};
use cairn_frontend::CompileOptions;
use clap::Args;

#[derive(Args)]
pub struct CompileArgs {
    /// A `.cairo` file, or a folder with a `cairo_project.toml`.
    path: PathBuf,

    /// Where to write the Sierra JSON (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Compile without gas accounting (`cfg(gas: "disabled")`, no automatic withdraw_gas).
    #[arg(long)]
    no_gas: bool,

    /// The Cairo corelib (default: $CAIRO_CORELIB_DIR, then a `corelib/` beside the current
    /// folder or the executable).
    #[arg(long, value_name = "DIR")]
    corelib: Option<PathBuf>,
}

pub fn compile(args: CompileArgs) -> Result<()> {
    let corelib = cairn_frontend::locate_corelib(args.corelib.as_deref())?;
    let options = CompileOptions { gas: !args.no_gas };
    let program = cairn_frontend::compile_cairo(&args.path, &corelib, &options)?;
    let json = cairn_frontend::sierra_to_json(&program);
    match &args.output {
        Some(path) => std::fs::write(path, json + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => println!("{json}"),
    }
    Ok(())
}
