//! `cairn run` for compiled Cairo 0 programs, with cairo-run's outputs.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use cairn_vm_core::output::render_program_output;
use cairn_vm_core::{CairoProgram, Layout, RunConfig, Runner};
use clap::Args;

use crate::run::RunArgs;

/// Flags for compiled Cairo 0 programs.
#[derive(Args)]
pub struct Cairo0Args {
    /// The layout: plain, small, dex, recursive, starknet, starknet_with_keccak,
    /// recursive_large_output, recursive_with_poseidon, all_cairo, all_solidity, dynamic, ...
    #[arg(long)]
    layout: Option<String>,

    /// Parameters of the dynamic layout (JSON).
    #[arg(long, alias = "cairo_layout_params_file", value_name = "FILE")]
    cairo_layout_params_file: Option<PathBuf>,

    /// Run in proof mode (the program must be compiled with --proof_mode).
    #[arg(long, alias = "proof_mode")]
    proof_mode: bool,

    /// Print the output builtin's values.
    #[arg(long, alias = "print_output")]
    print_output: bool,

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

    /// Write the run as a Cairo PIE (a zip file), as cairo-run does; not in proof mode.
    #[arg(
        long,
        alias = "cairo_pie_output",
        value_name = "FILE",
        conflicts_with = "proof_mode"
    )]
    cairo_pie_output: Option<PathBuf>,

    /// Check memory accesses after the run (default: on, except in proof mode).
    #[arg(long, alias = "secure_run", value_name = "BOOL")]
    secure_run: Option<bool>,

    /// Accept programs whose builtins the layout lacks (default: on in proof mode).
    #[arg(long, alias = "allow_missing_builtins", value_name = "BOOL")]
    allow_missing_builtins: Option<bool>,

    /// Run hints that cairo-vm does not implement as Python, in an embedded interpreter.
    #[arg(long, alias = "python_hints")]
    python_hints: bool,

    /// A JSON file that hints see as `program_input` (with --python-hints), as in cairo-run.
    #[arg(
        long,
        alias = "program_input",
        value_name = "FILE",
        requires = "python_hints"
    )]
    program_input: Option<PathBuf>,
}

impl Cairo0Args {
    /// Fails if a Cairo 0 flag was given for another kind of program.
    pub fn reject_for(&self, kind: &str) -> Result<()> {
        let given = [
            ("--layout", self.layout.is_some()),
            (
                "--cairo-layout-params-file",
                self.cairo_layout_params_file.is_some(),
            ),
            ("--proof-mode", self.proof_mode),
            ("--print-output", self.print_output),
            ("--trace-file", self.trace_file.is_some()),
            ("--memory-file", self.memory_file.is_some()),
            ("--air-public-input", self.air_public_input.is_some()),
            ("--air-private-input", self.air_private_input.is_some()),
            ("--cairo-pie-output", self.cairo_pie_output.is_some()),
            ("--secure-run", self.secure_run.is_some()),
            (
                "--allow-missing-builtins",
                self.allow_missing_builtins.is_some(),
            ),
        ];
        match given.iter().find(|(_, present)| *present) {
            Some((flag, _)) => {
                anyhow::bail!("{flag} applies to compiled Cairo 0 programs, not to {kind}")
            }
            None => Ok(()),
        }
    }
}

pub fn run(run: &RunArgs, json: &[u8]) -> Result<()> {
    let args = &run.cairo0;
    let program = CairoProgram::from_bytes(json, &run.entry)
        .with_context(|| format!("cannot load {}", run.program.display()))?;
    let layout_name = args.layout.as_deref().unwrap_or("plain");
    let layout = match &args.cairo_layout_params_file {
        Some(params) if layout_name == "dynamic" => Layout::dynamic(params)?,
        Some(_) => anyhow::bail!("--cairo-layout-params-file goes with --layout dynamic"),
        None => Layout::named(layout_name)?,
    };
    let needs_relocated_memory = args.memory_file.is_some()
        || args.air_public_input.is_some()
        || args.air_private_input.is_some();
    let config = RunConfig {
        layout,
        proof_mode: args.proof_mode,
        trace: args.trace_file.is_some() || args.air_public_input.is_some(),
        relocate_memory: needs_relocated_memory,
        max_steps: run.step_limit(),
        max_memory_cells: run.memory_cell_limit(),
        secure_run: args.secure_run,
        allow_missing_builtins: args.allow_missing_builtins,
        ..RunConfig::default()
    };
    let runner = if args.python_hints {
        run_with_python_hints(&program, config, args.program_input.as_deref())
            .map_err(|error| run.explain_default_limit(error))?
    } else {
        let mut runner = Runner::new(&program, config)?;
        runner
            .run_until_end()
            .map_err(|error| run.explain_default_limit(error.into()))?;
        runner
    };

    if args.print_output {
        print!("{}", render_program_output(&runner.output()));
    }
    if let Some(path) = &args.trace_file {
        crate::output_file::write_file(path, |out| Ok(runner.write_trace(out)?))?;
    }
    if let Some(path) = &args.memory_file {
        crate::output_file::write_file(path, |out| Ok(runner.write_memory(out)?))?;
    }
    if let Some(path) = &args.air_public_input {
        let json = runner.air_public_input()?;
        crate::output_file::write_file(path, |out| Ok(out.write_all(json.as_bytes())?))?;
    }
    if let (Some(path), Some(trace), Some(memory)) =
        (&args.air_private_input, &args.trace_file, &args.memory_file)
    {
        let json = runner.air_private_input(&absolute(trace)?, &absolute(memory)?)?;
        crate::output_file::write_file(path, |out| Ok(out.write_all(json.as_bytes())?))?;
    }
    if let Some(path) = &args.cairo_pie_output {
        runner
            .write_cairo_pie(path, false)
            .with_context(|| format!("cannot write the Cairo PIE {}", path.display()))?;
    }
    Ok(())
}

#[cfg(feature = "python")]
fn run_with_python_hints(
    program: &CairoProgram,
    config: RunConfig,
    input: Option<&Path>,
) -> Result<Runner<'static>> {
    let input = input
        .map(|path| {
            std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
        })
        .transpose()?;
    Ok(cairn_hint_bridge_py::run_program(
        program,
        config,
        input.as_deref(),
    )?)
}

#[cfg(not(feature = "python"))]
fn run_with_python_hints(
    _: &CairoProgram,
    _: RunConfig,
    _: Option<&Path>,
) -> Result<Runner<'static>> {
    anyhow::bail!("this cairn was built without Python support (cargo feature `python`)")
}

/// The AIR private input names the trace and memory files; provers expect absolute paths.
fn absolute(path: &Path) -> Result<String> {
    let path =
        std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))?;
    Ok(path.display().to_string())
}
