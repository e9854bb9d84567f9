//! `cairn run` for compiled Cairo 0 programs, with cairo-run's outputs.

use std::path::PathBuf;

use anyhow::{Context, Result};
use cairn_vm_core::output::render_program_output;
use cairn_vm_core::{CairoProgram, RunConfig, Runner};
use clap::Args;

use crate::run::RunArgs;

/// Which hints run as Python.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PythonHints {
    /// The hints cairo-vm does not implement.
    Unknown,
    /// Every hint (cairo-run's behaviour, hint for hint).
    All,
}

/// Flags for compiled Cairo 0 programs only (the prover's flags are
/// [`crate::prover_flags::ProverArgs`]).
#[derive(Args)]
pub struct Cairo0Args {
    /// Check memory accesses after the run (default: on, except in proof mode).
    #[arg(long, alias = "secure_run", value_name = "BOOL")]
    secure_run: Option<bool>,

    /// Accept programs whose builtins the layout lacks (default: on in proof mode).
    #[arg(long, alias = "allow_missing_builtins", value_name = "BOOL")]
    allow_missing_builtins: Option<bool>,

    /// Run hints as Python, in an embedded interpreter: those cairo-vm does not implement
    /// (`--python-hints`, or `=unknown`), or every hint, the common library's too (`=all`:
    /// cairo-lang's own hint code, which needs cairo-lang importable).
    #[arg(
        long,
        alias = "python_hints",
        value_name = "WHICH",
        value_enum,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "unknown"
    )]
    python_hints: Option<PythonHints>,

    /// A JSON file that hints see as `program_input` (with --python-hints), as in cairo-run.
    #[arg(
        long,
        alias = "program_input",
        value_name = "FILE",
        requires = "python_hints"
    )]
    program_input: Option<PathBuf>,

    /// With --python-hints: Python and Rust hints share their variables as under cairo-run
    /// (ints, booleans, addresses and dicts of them cross); by default they are kept apart.
    #[arg(long, alias = "shared_scope", requires = "python_hints")]
    shared_scope: bool,
}

impl Cairo0Args {
    /// Fails if a Cairo 0 flag was given for another kind of program.
    pub fn reject_for(&self, kind: &str) -> Result<()> {
        let given = [
            ("--secure-run", self.secure_run.is_some()),
            (
                "--allow-missing-builtins",
                self.allow_missing_builtins.is_some(),
            ),
            ("--python-hints", self.python_hints.is_some()),
            ("--program-input", self.program_input.is_some()),
            ("--shared-scope", self.shared_scope),
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
    let prover = &run.prover;
    prover.reject_cairo1_only()?;
    let config = RunConfig {
        layout: prover.layout()?,
        proof_mode: prover.proof_mode,
        trace: prover.needs_trace(),
        relocate_memory: prover.needs_relocated_memory(),
        max_steps: run.step_limit(),
        max_memory_cells: run.memory_cell_limit(),
        secure_run: args.secure_run,
        allow_missing_builtins: args.allow_missing_builtins,
        ..RunConfig::default()
    };
    let runner = if args.python_hints.is_some() {
        run_with_python_hints(&program, config, args)
            .map_err(|error| run.explain_default_limit(error))?
    } else {
        let mut runner = Runner::new(&program, config)?;
        runner
            .run_until_end()
            .map_err(|error| run.explain_default_limit(error.into()))?;
        runner
    };

    if prover.print_output {
        print!("{}", render_program_output(&runner.output()));
    }
    prover.write_files(&runner)
}

#[cfg(feature = "python")]
fn run_with_python_hints(
    program: &CairoProgram,
    config: RunConfig,
    args: &Cairo0Args,
) -> Result<Runner<'static>> {
    let input = args
        .program_input
        .as_deref()
        .map(|path| {
            std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
        })
        .transpose()?;
    let options = cairn_hint_bridge_py::PythonHintOptions {
        program_input: input.as_deref(),
        shared_scope: args.shared_scope,
        all_hints_in_python: args.python_hints == Some(PythonHints::All),
    };
    Ok(cairn_hint_bridge_py::run_program(program, config, options)?)
}

#[cfg(not(feature = "python"))]
fn run_with_python_hints(
    _: &CairoProgram,
    _: RunConfig,
    _: &Cairo0Args,
) -> Result<Runner<'static>> {
    anyhow::bail!("this cairn was built without Python support (cargo feature `python`)")
}
