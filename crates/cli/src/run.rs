//! `cairn run`: one program, start to end, with cairo-run's outputs.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use cairn_vm_core::output::render_program_output;
use cairn_vm_core::{CairoProgram, Layout, RunConfig, Runner, VmCoreError};
use clap::Args;

/// Flags follow cairo-run and cairo-vm-cli; their underscore spellings are accepted too.
#[derive(Args)]
pub struct RunArgs {
    /// The compiled program (JSON).
    program: PathBuf,

    /// The function to run.
    #[arg(long, default_value = "main")]
    entrypoint: String,

    /// The layout: plain, small, dex, recursive, starknet, starknet_with_keccak,
    /// recursive_large_output, recursive_with_poseidon, all_cairo, all_solidity, dynamic, ...
    #[arg(long, default_value = "plain")]
    layout: String,

    /// Parameters of the dynamic layout (JSON).
    #[arg(long, alias = "cairo_layout_params_file", value_name = "FILE")]
    cairo_layout_params_file: Option<PathBuf>,

    /// Run in proof mode (the program must be compiled with --proof_mode).
    #[arg(long, alias = "proof_mode")]
    proof_mode: bool,

    /// Print the output builtin's values.
    #[arg(long, alias = "print_output")]
    print_output: bool,

    /// Fail if the program has not finished after this many steps.
    #[arg(long, alias = "max_steps", value_name = "N")]
    max_steps: Option<usize>,

    /// Write the relocated trace in cairo-run's binary format.
    #[arg(long, alias = "trace_file", value_name = "FILE")]
    trace_file: Option<PathBuf>,

    /// Write the relocated memory in cairo-run's binary format.
    #[arg(long, alias = "memory_file", value_name = "FILE")]
    memory_file: Option<PathBuf>,

    /// Write the AIR public input (proof mode only).
    #[arg(
        long,
        alias = "air_public_input",
        value_name = "FILE",
        requires = "proof_mode"
    )]
    air_public_input: Option<PathBuf>,

    /// Write the AIR private input (proof mode only; needs --trace-file and --memory-file).
    #[arg(
        long,
        alias = "air_private_input",
        value_name = "FILE",
        requires_all = ["proof_mode", "trace_file", "memory_file"]
    )]
    air_private_input: Option<PathBuf>,

    /// Check memory accesses after the run (default: on, except in proof mode).
    #[arg(long, alias = "secure_run", value_name = "BOOL")]
    secure_run: Option<bool>,

    /// Accept programs whose builtins the layout lacks (default: on in proof mode).
    #[arg(long, alias = "allow_missing_builtins", value_name = "BOOL")]
    allow_missing_builtins: Option<bool>,
}

pub fn run(args: RunArgs) -> Result<()> {
    let program = match CairoProgram::from_file(&args.program, &args.entrypoint) {
        Ok(program) => program,
        // An unreadable file already names itself.
        Err(error @ VmCoreError::Io { .. }) => return Err(error.into()),
        Err(error) => {
            return Err(anyhow::Error::new(error)
                .context(format!("cannot load {}", args.program.display())))
        }
    };
    let layout = match &args.cairo_layout_params_file {
        Some(params) if args.layout == "dynamic" => Layout::dynamic(params)?,
        Some(_) => anyhow::bail!("--cairo-layout-params-file goes with --layout dynamic"),
        None => Layout::named(&args.layout)?,
    };
    let needs_relocated_memory = args.memory_file.is_some()
        || args.air_public_input.is_some()
        || args.air_private_input.is_some();
    let config = RunConfig {
        layout,
        proof_mode: args.proof_mode,
        trace: args.trace_file.is_some() || args.air_public_input.is_some(),
        relocate_memory: needs_relocated_memory,
        max_steps: args.max_steps,
        secure_run: args.secure_run,
        allow_missing_builtins: args.allow_missing_builtins,
    };
    let mut runner = Runner::new(&program, config)?;
    runner.run_until_end()?;

    if args.print_output {
        print!("{}", render_program_output(&runner.output()));
    }
    if let Some(path) = &args.trace_file {
        write_file(path, |out| Ok(runner.write_trace(out)?))?;
    }
    if let Some(path) = &args.memory_file {
        write_file(path, |out| Ok(runner.write_memory(out)?))?;
    }
    if let Some(path) = &args.air_public_input {
        let json = runner.air_public_input()?;
        write_file(path, |out| Ok(out.write_all(json.as_bytes())?))?;
    }
    if let (Some(path), Some(trace), Some(memory)) =
        (&args.air_private_input, &args.trace_file, &args.memory_file)
    {
        let json = runner.air_private_input(&absolute(trace)?, &absolute(memory)?)?;
        write_file(path, |out| Ok(out.write_all(json.as_bytes())?))?;
    }
    Ok(())
}

fn write_file(path: &Path, write: impl FnOnce(&mut BufWriter<File>) -> Result<()>) -> Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = BufWriter::new(file);
    write(&mut out).with_context(|| format!("cannot write {}", path.display()))?;
    out.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The AIR private input names the trace and memory files; provers expect absolute paths.
fn absolute(path: &Path) -> Result<String> {
    let path =
        std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))?;
    Ok(path.display().to_string())
}
