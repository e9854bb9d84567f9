//! `cairn run` for Cairo 1: compile if needed, run one function, print its result.

use std::path::PathBuf;

use anyhow::{Context, Result};
use cairn_frontend::{CompileOptions, Program};
use cairn_vm_core::sierra::{SierraOutcome, SierraProgram};
use cairn_vm_core::values::json::args_from_json;
use clap::Args;

use crate::run::RunArgs;

/// Flags for Cairo 1 programs (source or Sierra).
#[derive(Args)]
pub struct SierraArgs {
    /// The function's arguments as a JSON array, one element per parameter (see the README).
    #[arg(long, value_name = "JSON", conflicts_with = "args_file")]
    pub(crate) args: Option<String>,

    /// The arguments as in --args, read from a file (for arguments too large for a command
    /// line).
    #[arg(long, alias = "args_file", value_name = "PATH")]
    pub(crate) args_file: Option<PathBuf>,

    /// Gas available to the run (required for programs that count gas); for Cairo 1 source
    /// it also compiles gas accounting in, as cairo-run does.
    #[arg(long, alias = "available_gas", value_name = "N")]
    pub(crate) available_gas: Option<u64>,

    /// Print `Run completed successfully, returning [...]` or `Run panicked with [...].` as the
    /// Cairo compiler's runner does (the default unless --json is given).
    #[arg(long, alias = "print_result")]
    pub(crate) print_result: bool,

    /// Print the result as JSON: values, panic data, gas and steps.
    #[arg(long)]
    pub(crate) json: bool,

    /// The Cairo corelib to compile source against (default: $CAIRO_CORELIB_DIR, then a
    /// `corelib/` beside the current folder or the executable).
    #[arg(long, value_name = "DIR")]
    corelib: Option<PathBuf>,

    /// Compile Cairo 1 source despite warnings (printed on standard error); by default a
    /// warning is an error.
    #[arg(long, alias = "allow_warnings")]
    pub(crate) allow_warnings: bool,
}

impl SierraArgs {
    /// Fails if a Cairo 1 flag was given for another kind of program.
    pub fn reject_for(&self, kind: &str) -> Result<()> {
        let given = [
            ("--args", self.args.is_some()),
            ("--args-file", self.args_file.is_some()),
            ("--available-gas", self.available_gas.is_some()),
            ("--print-result", self.print_result),
            ("--json", self.json),
            ("--corelib", self.corelib.is_some()),
            ("--allow-warnings", self.allow_warnings),
        ];
        match given.iter().find(|(_, present)| *present) {
            Some((flag, _)) => anyhow::bail!("{flag} applies to Cairo 1 programs, not to {kind}"),
            None => Ok(()),
        }
    }
}

/// Compiles source as cairo-run does: gas accounting only when gas is given.
pub fn compile_for_run(run: &RunArgs) -> Result<Program> {
    let corelib = cairn_frontend::locate_corelib(run.sierra.corelib.as_deref())?;
    let options = CompileOptions {
        gas: run.sierra.available_gas.is_some(),
        allow_warnings: run.sierra.allow_warnings,
    };
    let compiled = cairn_frontend::compile_cairo_with_warnings(&run.program, &corelib, &options)?;
    crate::print_warnings(&compiled.warnings);
    Ok(compiled.program)
}

/// Compiles the library of one Scarb package (`--package`, the member whose folder was given,
/// or the only member with a library) as [`compile_for_run`] compiles source.
pub fn compile_package_for_run(run: &RunArgs) -> Result<Program> {
    use cairn_frontend::scarb::UnitKind;
    let corelib = cairn_frontend::locate_corelib(run.sierra.corelib.as_deref())?;
    let (_, units) = crate::package::units(&run.program, &run.package, &[UnitKind::Lib])?;
    crate::package::print_left_out(&units.left_out);
    let unit = match units.units.as_slice() {
        [unit] => unit,
        [] => anyhow::bail!(
            "{} has no library to run (a package with [lib], or with no other target)",
            run.program.display()
        ),
        several => anyhow::bail!(
            "{} is a workspace of several packages ({}): choose one with --package",
            run.program.display(),
            several
                .iter()
                .map(|unit| unit.package.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let options = CompileOptions {
        gas: run.sierra.available_gas.is_some(),
        allow_warnings: run.sierra.allow_warnings,
    };
    let compiled =
        cairn_frontend::compile_project(cairn_frontend::Project::Unit(unit), &corelib, &options)?;
    crate::print_warnings(&compiled.warnings);
    Ok(compiled.program)
}

pub fn run(run: &RunArgs, program: Program) -> Result<()> {
    let args = &run.sierra;
    let program = SierraProgram::new(program)?;
    let func = program.function(&run.entry)?;
    let param_types = program.user_param_types(func);
    let values = parse_args(args, &param_types, program.registry())?;
    let mut runner = program.prepare(func, &values, args.available_gas)?;
    runner.set_max_steps(run.step_limit());
    runner.set_max_memory_cells(run.memory_cell_limit());
    let result = runner
        .run_until_end()
        .map_err(|error| run.explain_default_limit(error.into()))?;

    if args.json {
        let (values, panic) = match &result.outcome {
            SierraOutcome::Success(values) => (Some(values), None),
            SierraOutcome::Panic(data) => (None, Some(data.as_slice())),
        };
        print_json_report(
            values,
            panic,
            result.remaining_gas,
            result.gas_used,
            Some(result.steps),
            Some(&result.builtins),
        )?;
    } else {
        println!("{}", result.summary_line());
        if let Some(gas) = result.remaining_gas {
            println!("Remaining gas: {gas}");
        }
    }
    match result.outcome {
        SierraOutcome::Success(_) => Ok(()),
        SierraOutcome::Panic(_) => Err(crate::ExitQuietly.into()),
    }
}

/// Argument files larger than this are refused before they are read.
const MAX_ARGS_FILE_BYTES: u64 = 1 << 30;

/// The values of `--args` or `--args-file` (a JSON array; none given is `[]`) for parameters of
/// `types`.
pub(crate) fn parse_args(
    args: &SierraArgs,
    types: &[cairn_vm_core::values::cairo_lang_sierra::ids::ConcreteTypeId],
    registry: &cairn_vm_core::values::Registry,
) -> Result<Vec<cairn_vm_core::values::Value>> {
    let (text, flag) = match (&args.args, &args.args_file) {
        (Some(text), _) => (text.clone(), "--args".to_owned()),
        (None, Some(path)) => (read_args_file(path)?, path.display().to_string()),
        (None, None) => ("[]".to_owned(), "--args".to_owned()),
    };
    let json_args: serde_json::Value = cairn_vm_core::values::json::parse_exact(&text)
        .with_context(|| format!("{flag} is not valid JSON"))?;
    args_from_json(&json_args, types, registry)
        .with_context(|| format!("{flag} does not fit the function's parameters"))
}

fn read_args_file(path: &std::path::Path) -> Result<String> {
    let metadata =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !metadata.is_file() {
        anyhow::bail!("{} is not a regular file", path.display());
    }
    if metadata.len() > MAX_ARGS_FILE_BYTES {
        anyhow::bail!(
            "{} has {} bytes: larger than the arguments Cairn reads (1 GiB)",
            path.display(),
            metadata.len()
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    String::from_utf8(bytes).map_err(|error| {
        anyhow::anyhow!(
            "{} is not UTF-8 text (at byte offset {})",
            path.display(),
            error.utf8_error().valid_up_to()
        )
    })
}

/// Prints the `--json` report of a run (`steps` is null on the native backend; `builtins`,
/// the builtin instances used by name, is null where the native code does not count them).
pub(crate) fn print_json_report(
    values: Option<&Vec<cairn_vm_core::values::Value>>,
    panic: Option<&[cairn_vm_core::Felt252]>,
    remaining_gas: Option<u64>,
    gas_used: Option<u64>,
    steps: Option<usize>,
    builtins: Option<&std::collections::BTreeMap<&'static str, usize>>,
) -> Result<()> {
    let panic: Option<Vec<String>> =
        panic.map(|data| data.iter().map(|felt| felt.to_string()).collect());
    let report = serde_json::json!({
        "status": if panic.is_some() { "panicked" } else { "success" },
        "values": values,
        "panic_data": panic,
        "remaining_gas": remaining_gas,
        "gas_used": gas_used,
        "steps": steps,
        "builtins": builtins,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
