//! `cairn run`: what kind of program the file is, and which runner takes it.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use serde::de::IgnoredAny;

use crate::{run_cairo0, run_sierra};

/// Which engine runs the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// The interpreted VM (cairo-vm).
    Vm,
    /// Machine code compiled through MLIR and LLVM (Cairo 1 only).
    Native,
}

/// Flags follow cairo-run and cairo-vm-cli; their underscore spellings are accepted too.
#[derive(Args)]
pub struct RunArgs {
    /// A compiled Cairo 0 program (JSON), a Sierra program (JSON), or Cairo 1 source (a
    /// `.cairo` file, a folder with `cairo_project.toml`, or a Scarb package: a folder with a
    /// `Scarb.toml`).
    pub program: PathBuf,

    #[command(flatten)]
    pub package: crate::package::PackageArgs,

    /// The engine that runs the program.
    #[arg(long, value_enum, default_value = "vm")]
    pub backend: Backend,

    /// LLVM optimisation level for `--backend native` (0 to 3).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u8).range(0..=3))]
    pub opt_level: u8,

    /// The function to run: a name, or a fully-qualified path for Cairo 1.
    #[arg(long, alias = "entrypoint", default_value = "main")]
    pub entry: String,

    /// Fail if the program has not finished after this many VM steps (default 100,000,000).
    #[arg(
        long,
        alias = "max_steps",
        value_name = "N",
        conflicts_with = "no_step_limit"
    )]
    pub max_steps: Option<usize>,

    /// Run the VM without a step limit, however long the run grows.
    #[arg(long, alias = "no_step_limit")]
    pub no_step_limit: bool,

    /// Fail if the VM's memory cells grow past this many MiB, at 32 bytes a cell (default
    /// 4096).
    #[arg(
        long,
        alias = "max_memory_mib",
        value_name = "MIB",
        conflicts_with = "no_memory_limit",
        value_parser = clap::value_parser!(u64).range(1..=(1 << 30))
    )]
    pub max_memory_mib: Option<u64>,

    /// Run the VM without a memory limit, however large its memory grows.
    #[arg(long, alias = "no_memory_limit")]
    pub no_memory_limit: bool,

    #[command(flatten)]
    pub prover: crate::prover_flags::ProverArgs,

    #[command(flatten)]
    pub cairo0: run_cairo0::Cairo0Args,

    #[command(flatten)]
    pub sierra: run_sierra::SierraArgs,
}

/// The VM step limit of a run that sets none: an endless loop stops after about 15 s and 3 GB
/// (the VM runs ~7 M steps/s and holds ~26 bytes per step) instead of taking all memory.
pub const DEFAULT_MAX_STEPS: usize = 100_000_000;

/// The VM memory limit of a run that sets none, in MiB of memory cells: a run writing three
/// cells a step would otherwise reach ~10 GB within the default step limit.
pub const DEFAULT_MAX_MEMORY_MIB: u64 = 4096;

/// The size of one cairo-vm memory cell, in bytes.
const MEMORY_CELL_BYTES: u64 = 32;

impl RunArgs {
    /// The VM memory limit of this run in cells: `--max-memory-mib`, none with
    /// `--no-memory-limit`, or [`DEFAULT_MAX_MEMORY_MIB`].
    pub fn memory_cell_limit(&self) -> Option<usize> {
        if self.no_memory_limit {
            return None;
        }
        let mib = self.max_memory_mib.unwrap_or(DEFAULT_MAX_MEMORY_MIB);
        usize::try_from(mib * (1 << 20) / MEMORY_CELL_BYTES).ok()
    }

    /// The VM step limit of this run: `--max-steps`, none with `--no-step-limit`, or
    /// [`DEFAULT_MAX_STEPS`].
    pub fn step_limit(&self) -> Option<usize> {
        if self.no_step_limit {
            None
        } else {
            Some(self.max_steps.unwrap_or(DEFAULT_MAX_STEPS))
        }
    }

    /// Adds how to change a limit to an error that is a default limit (steps or memory) being
    /// reached.
    pub fn explain_default_limit(&self, error: anyhow::Error) -> anyhow::Error {
        let limit = error.chain().find_map(|cause| {
            match cause.downcast_ref::<cairn_vm_core::VmCoreError>() {
                Some(cairn_vm_core::VmCoreError::StepLimitReached { .. })
                    if self.max_steps.is_none() && !self.no_step_limit =>
                {
                    Some("--max-steps N, or lift it with --no-step-limit")
                }
                Some(cairn_vm_core::VmCoreError::MemoryLimitReached { .. })
                    if self.max_memory_mib.is_none() && !self.no_memory_limit =>
                {
                    Some("--max-memory-mib MIB, or lift it with --no-memory-limit")
                }
                _ => None,
            }
        });
        match limit {
            Some(flags) => anyhow::anyhow!("{error:#} (the default limit: raise it with {flags})"),
            None => error,
        }
    }
}

/// What a program file holds.
pub enum ProgramFile {
    /// Compiled Cairo 0 (`cairo-compile` output).
    Cairo0(Vec<u8>),
    /// Sierra JSON.
    Sierra(Vec<u8>),
    /// Cairo 1 source.
    Source,
    /// A Scarb package or workspace.
    ScarbPackage,
    /// A shared library written by `cairn compile --native`.
    NativeLibrary,
}

/// Program files larger than this are refused before they are read (`/dev/zero` never ends).
const MAX_PROGRAM_BYTES: u64 = 1 << 30;

pub fn classify(path: &Path) -> Result<ProgramFile> {
    if crate::package::is_scarb(path) {
        return Ok(ProgramFile::ScarbPackage);
    }
    if path.is_dir() {
        if !path.join("cairo_project.toml").is_file() {
            bail!(
                "{} is a folder without a cairo_project.toml or Scarb.toml: give a .cairo \
                 file, a Cairo project folder, a Scarb package or a compiled program",
                path.display()
            );
        }
        return Ok(ProgramFile::Source);
    }
    let metadata =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !metadata.is_file() {
        bail!("{} is not a regular file", path.display());
    }
    if metadata.len() > MAX_PROGRAM_BYTES {
        bail!(
            "{} has {} bytes: larger than any program Cairn loads (1 GiB)",
            path.display(),
            metadata.len()
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if path
        .extension()
        .is_some_and(|extension| extension == "cairo")
    {
        if let Err(error) = std::str::from_utf8(&bytes) {
            bail!(
                "{} is not UTF-8 text (at byte offset {}), as Cairo source must be",
                path.display(),
                error.valid_up_to()
            );
        }
        return Ok(ProgramFile::Source);
    }
    // A file named as a library goes to the loader even when it is not one, so its error says
    // what a library needs rather than what JSON does.
    let named_as_library = path
        .extension()
        .is_some_and(|extension| extension == "so" || extension == "dylib");
    if named_as_library
        || bytes.starts_with(b"\x7fELF")
        || bytes.starts_with(&[0xcf, 0xfa, 0xed, 0xfe])
    {
        return Ok(ProgramFile::NativeLibrary);
    }
    // Only the top-level keys matter; `IgnoredAny` skips the values without building them, so a
    // large program is not held twice before its loader parses it.
    #[derive(serde::Deserialize)]
    struct TopLevel {
        type_declarations: Option<IgnoredAny>,
        libfunc_declarations: Option<IgnoredAny>,
        data: Option<IgnoredAny>,
        prime: Option<IgnoredAny>,
        builtins: Option<IgnoredAny>,
    }
    let keys: TopLevel = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not valid JSON", path.display()))?;
    if keys.type_declarations.is_some() || keys.libfunc_declarations.is_some() {
        Ok(ProgramFile::Sierra(bytes))
    } else if keys.data.is_some() || keys.prime.is_some() || keys.builtins.is_some() {
        Ok(ProgramFile::Cairo0(bytes))
    } else {
        bail!(
            "{} is neither a compiled Cairo 0 program nor a Sierra program",
            path.display()
        )
    }
}

pub fn run(args: RunArgs) -> Result<()> {
    let kind = classify(&args.program)?;
    if !matches!(kind, ProgramFile::ScarbPackage) {
        args.package.reject_for(&args.program)?;
    }
    match kind {
        ProgramFile::Cairo0(bytes) => {
            args.sierra.reject_for("a Cairo 0 program")?;
            if args.backend == Backend::Native {
                bail!("--backend native runs Cairo 1 programs; Cairo 0 runs on the VM");
            }
            run_cairo0::run(&args, &bytes)
        }
        ProgramFile::Sierra(bytes) => {
            args.cairo0.reject_for("a Sierra program")?;
            let program = cairn_frontend::load_sierra_json(&bytes)
                .with_context(|| format!("cannot load {}", args.program.display()))?;
            run_sierra_on(&args, program)
        }
        ProgramFile::Source => {
            args.cairo0.reject_for("a Cairo 1 program")?;
            let program = run_sierra::compile_for_run(&args)?;
            run_sierra_on(&args, program)
        }
        ProgramFile::ScarbPackage => {
            args.cairo0.reject_for("a Cairo 1 program")?;
            let program = run_sierra::compile_package_for_run(&args)?;
            run_sierra_on(&args, program)
        }
        ProgramFile::NativeLibrary => {
            args.cairo0.reject_for("a native library")?;
            args.prover.reject_for("a native library")?;
            native_library(&args)
        }
    }
}

fn run_sierra_on(args: &RunArgs, program: cairn_frontend::Program) -> Result<()> {
    if let Some(flag) = args.prover.first_given() {
        if args.backend == Backend::Native {
            bail!(
                "{flag} is for a prover's run, which is the VM's: the native backend writes no \
                 trace, memory or Cairo PIE (leave out --backend native)"
            );
        }
        return crate::run_prover::run(args, program);
    }
    match args.backend {
        Backend::Vm => run_sierra::run(args, program),
        Backend::Native => native_program(args, program),
    }
}

#[cfg(feature = "native")]
fn native_program(args: &RunArgs, program: cairn_frontend::Program) -> Result<()> {
    crate::run_native::run_jit(args, program)
}

#[cfg(feature = "native")]
fn native_library(args: &RunArgs) -> Result<()> {
    crate::run_native::run_library(args)
}

#[cfg(not(feature = "native"))]
fn native_program(_: &RunArgs, _: cairn_frontend::Program) -> Result<()> {
    bail!("this cairn was built without the `native` feature")
}

#[cfg(not(feature = "native"))]
fn native_library(_: &RunArgs) -> Result<()> {
    bail!("this cairn was built without the `native` feature")
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        run: RunArgs,
    }

    fn run_args(flags: &[&str]) -> RunArgs {
        let mut argv = vec!["cairn", "program.json"];
        argv.extend_from_slice(flags);
        Wrapper::try_parse_from(argv).expect("flags parse").run
    }

    fn step_limit_error(limit: usize) -> anyhow::Error {
        cairn_vm_core::VmCoreError::StepLimitReached {
            limit,
            pc: cairn_vm_core::Relocatable::from((0, 3)),
        }
        .into()
    }

    #[test]
    fn runs_have_a_default_step_limit_that_flags_change_or_lift() {
        let default = run_args(&[]);
        assert_eq!(default.step_limit(), Some(DEFAULT_MAX_STEPS));
        let explained = default
            .explain_default_limit(step_limit_error(DEFAULT_MAX_STEPS))
            .to_string();
        assert_eq!(
            explained,
            "step limit of 100000000 reached at pc=0:3 before the program finished (the default \
             limit: raise it with --max-steps N, or lift it with --no-step-limit)"
        );

        let chosen = run_args(&["--max-steps", "500"]);
        assert_eq!(chosen.step_limit(), Some(500));
        // A limit the user chose needs no advice.
        assert_eq!(
            chosen
                .explain_default_limit(step_limit_error(500))
                .to_string(),
            "step limit of 500 reached at pc=0:3 before the program finished"
        );

        assert_eq!(run_args(&["--no-step-limit"]).step_limit(), None);
        assert!(Wrapper::try_parse_from([
            "cairn",
            "p.json",
            "--no-step-limit",
            "--max-steps",
            "5"
        ])
        .is_err());
        // Other errors pass through unchanged.
        assert_eq!(
            default
                .explain_default_limit(anyhow::anyhow!("something else"))
                .to_string(),
            "something else"
        );
    }

    #[test]
    fn runs_have_a_default_memory_limit_that_flags_change_or_lift() {
        let memory_error = |limit: usize| -> anyhow::Error {
            cairn_vm_core::VmCoreError::MemoryLimitReached {
                limit,
                used: limit + 7,
                pc: cairn_vm_core::Relocatable::from((0, 3)),
            }
            .into()
        };
        let default = run_args(&[]);
        // 4096 MiB of 32-byte cells.
        assert_eq!(default.memory_cell_limit(), Some(1 << 27));
        assert_eq!(
            default
                .explain_default_limit(memory_error(1 << 27))
                .to_string(),
            "memory limit of 134217728 cells reached at pc=0:3 (134217735 cells in use) before \
             the program finished (the default limit: raise it with --max-memory-mib MIB, or \
             lift it with --no-memory-limit)"
        );
        let chosen = run_args(&["--max-memory-mib", "1"]);
        assert_eq!(chosen.memory_cell_limit(), Some(32_768));
        assert_eq!(
            chosen
                .explain_default_limit(memory_error(32_768))
                .to_string(),
            "memory limit of 32768 cells reached at pc=0:3 (32775 cells in use) before the \
             program finished"
        );
        assert_eq!(run_args(&["--no-memory-limit"]).memory_cell_limit(), None);
        for bad in [
            &["--max-memory-mib", "0"][..],
            &["--max-memory-mib", "lots"],
            &["--no-memory-limit", "--max-memory-mib", "5"],
        ] {
            let mut argv = vec!["cairn", "p.json"];
            argv.extend_from_slice(bad);
            assert!(Wrapper::try_parse_from(argv).is_err(), "{bad:?}");
        }
    }
}
