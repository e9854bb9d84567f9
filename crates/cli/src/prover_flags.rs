//! `cairn run`'s flags for provers, shared by Cairo 0 programs (as cairo-run spells them) and
//! Cairo 1 functions (as cairo-vm's `cairo1-run` spells them), and the files they write.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use cairn_vm_core::{Layout, Runner};
use clap::Args;

/// Layout, proof mode and the prover's files.
#[derive(Args)]
pub struct ProverArgs {
    /// The layout: plain, small, dex, recursive, starknet, starknet_with_keccak,
    /// recursive_large_output, recursive_with_poseidon, all_cairo, all_cairo_stwo,
    /// all_solidity, dynamic, ... (default plain).
    #[arg(long)]
    pub layout: Option<String>,

    /// Parameters of the dynamic layout (JSON).
    #[arg(long, alias = "cairo_layout_params_file", value_name = "FILE")]
    pub cairo_layout_params_file: Option<PathBuf>,

    /// Run in proof mode. A Cairo 0 program must be compiled with --proof_mode; a Cairo 1
    /// function takes nothing or an Array<felt252> and returns an Array<felt252>, which goes
    /// to the output (as in cairo1-run).
    #[arg(long, alias = "proof_mode")]
    pub proof_mode: bool,

    /// Print the output builtin's values.
    #[arg(long, alias = "print_output")]
    pub print_output: bool,

    /// Write the relocated trace in cairo-run's binary format.
    #[arg(long, alias = "trace_file", value_name = "FILE")]
    pub trace_file: Option<PathBuf>,

    /// Write the relocated memory in cairo-run's binary format.
    #[arg(long, alias = "memory_file", value_name = "FILE")]
    pub memory_file: Option<PathBuf>,

    /// Write the AIR public input (proof mode only).
    #[arg(
        long,
        alias = "air_public_input",
        value_name = "FILE",
        requires = "proof_mode"
    )]
    pub air_public_input: Option<PathBuf>,

    /// Write the AIR private input (proof mode only; needs --trace-file and --memory-file).
    #[arg(
        long,
        alias = "air_private_input",
        value_name = "FILE",
        requires_all = ["proof_mode", "trace_file", "memory_file"]
    )]
    pub air_private_input: Option<PathBuf>,

    /// Write the run as a Cairo PIE (a zip file), as cairo-run does; not in proof mode.
    #[arg(
        long,
        alias = "cairo_pie_output",
        value_name = "FILE",
        conflicts_with = "proof_mode"
    )]
    pub cairo_pie_output: Option<PathBuf>,

    /// Merge the Cairo PIE's extra segments into one (cairo1-run's --merge_extra_segments).
    #[arg(long, alias = "merge_extra_segments", requires = "cairo_pie_output")]
    pub merge_extra_segments: bool,

    /// Cairo 1: copy the returned Array<felt252> and the input array to the output builtin
    /// outside proof mode too (cairo1-run's --append_return_values).
    #[arg(
        long,
        alias = "append_return_values",
        conflicts_with_all = ["proof_mode", "air_public_input", "air_private_input"]
    )]
    pub append_return_values: bool,
}

impl ProverArgs {
    /// The flags given, by name.
    fn given(&self) -> [(&'static str, bool); 11] {
        [
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
            ("--merge-extra-segments", self.merge_extra_segments),
            ("--append-return-values", self.append_return_values),
        ]
    }

    /// The first flag given, if any: a Cairo 1 function with one runs for a prover.
    pub fn first_given(&self) -> Option<&'static str> {
        self.given()
            .into_iter()
            .find(|(_, present)| *present)
            .map(|(flag, _)| flag)
    }

    /// Fails if a prover flag was given for a kind of program that has none.
    pub fn reject_for(&self, kind: &str) -> Result<()> {
        match self.first_given() {
            Some(flag) => anyhow::bail!(
                "{flag} applies to programs run on the VM for a prover (compiled Cairo 0, or a \
                 Cairo 1 function), not to {kind}"
            ),
            None => Ok(()),
        }
    }

    /// Fails on the flags that only Cairo 1 runs take.
    pub fn reject_cairo1_only(&self) -> Result<()> {
        if self.append_return_values {
            anyhow::bail!("--append-return-values applies to Cairo 1 functions");
        }
        Ok(())
    }

    /// The layout the flags name (plain by default).
    pub fn layout(&self) -> Result<Layout> {
        let name = self.layout.as_deref().unwrap_or("plain");
        Ok(match &self.cairo_layout_params_file {
            Some(params) if name == "dynamic" => Layout::dynamic(params)?,
            Some(_) => anyhow::bail!("--cairo-layout-params-file goes with --layout dynamic"),
            None => Layout::named(name)?,
        })
    }

    /// Whether the run must record its trace.
    pub fn needs_trace(&self) -> bool {
        self.trace_file.is_some() || self.air_public_input.is_some()
    }

    /// Whether the run must relocate its memory.
    pub fn needs_relocated_memory(&self) -> bool {
        self.memory_file.is_some()
            || self.air_public_input.is_some()
            || self.air_private_input.is_some()
    }

    /// Writes the files the flags ask for, from a finished run.
    pub fn write_files(&self, runner: &Runner) -> Result<()> {
        if let Some(path) = &self.trace_file {
            crate::output_file::write_file(path, |out| Ok(runner.write_trace(out)?))?;
        }
        if let Some(path) = &self.memory_file {
            crate::output_file::write_file(path, |out| Ok(runner.write_memory(out)?))?;
        }
        if let Some(path) = &self.air_public_input {
            let json = runner.air_public_input()?;
            crate::output_file::write_file(path, |out| Ok(out.write_all(json.as_bytes())?))?;
        }
        if let (Some(path), Some(trace), Some(memory)) =
            (&self.air_private_input, &self.trace_file, &self.memory_file)
        {
            let json = runner.air_private_input(&absolute(trace)?, &absolute(memory)?)?;
            crate::output_file::write_file(path, |out| Ok(out.write_all(json.as_bytes())?))?;
        }
        if let Some(path) = &self.cairo_pie_output {
            runner
                .write_cairo_pie(path, self.merge_extra_segments)
                .with_context(|| format!("cannot write the Cairo PIE {}", path.display()))?;
        }
        Ok(())
    }
}

/// The AIR private input names the trace and memory files; provers expect absolute paths.
fn absolute(path: &Path) -> Result<String> {
    let path =
        std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))?;
    Ok(path.display().to_string())
}
