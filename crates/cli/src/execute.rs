//! `cairn execute`: `#[executable]` functions built and run as `cairo-execute` builds and runs
//! them (same flags, same files), on the VM for provers or natively for fast iteration.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use cairn_frontend::scarb::UnitKind;
use cairn_frontend::{CompiledExecutable, ExecutableOptions, Project};
use cairn_vm_core::executable::panic_message;
use cairn_vm_core::{
    ExecutableProgram, ExecutableRunner, ExecuteConfig, ExecutionMode, Felt252, Layout, VmCoreError,
};
use clap::Args;

use crate::run::Backend;

/// Flags are `cairo-execute`'s (2.20.0), plus `--backend`, `--corelib` and `--max-steps`.
#[derive(Args)]
pub struct ExecuteArgs {
    /// A `.cairo` file, a folder with a `cairo_project.toml`, a Scarb package with an
    /// `[executable]` target, or with `--prebuilt` an executable's JSON (`cairn execute
    /// --build-only`, `cairo-execute --build-only`, `scarb build`).
    pub input_path: PathBuf,

    #[command(flatten)]
    pub package: crate::package::PackageArgs,

    /// Only compile, writing the executable's JSON to `--output-path`.
    #[arg(long, requires = "output_path")]
    pub build_only: bool,

    /// `--build-only`: the executable's JSON. Bootloader mode: the Cairo PIE (a zip file).
    #[arg(long, value_name = "PATH")]
    pub output_path: Option<PathBuf>,

    /// The input is an executable's JSON, already compiled.
    #[arg(long, conflicts_with = "build_only")]
    pub prebuilt: bool,

    /// Prints the bytecode's size in felts.
    #[arg(long)]
    pub print_bytecode_size: bool,

    /// The engine: the VM (which writes prover files) or native code (outputs and panics
    /// only, for fast iteration).
    #[arg(long, value_enum, default_value = "vm")]
    pub backend: Backend,

    /// LLVM optimisation level for `--backend native` (0 to 3).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u8).range(0..=3))]
    pub opt_level: u8,

    /// The Cairo corelib (default: CAIRO_CORELIB_DIR, or the compiler's detection).
    #[arg(long, value_name = "DIR")]
    pub corelib: Option<PathBuf>,

    /// Fail if the VM run takes more steps than this (default: no limit, as `cairo-execute`).
    #[arg(long, value_name = "N")]
    pub max_steps: Option<usize>,

    #[command(flatten)]
    pub build: BuildArgs,

    #[command(flatten)]
    pub run: ExecuteRunArgs,

    #[command(flatten)]
    pub proof: ProofOutputArgs,
}

/// How the executable is compiled.
#[derive(Args)]
pub struct BuildArgs {
    /// The input is a single `.cairo` file (detected when not given).
    #[arg(long, conflicts_with = "prebuilt")]
    pub single_file: bool,
    /// Compile despite warnings.
    #[arg(long, conflicts_with = "prebuilt")]
    pub allow_warnings: bool,
    /// Compile despite warnings, without printing them.
    #[arg(long, conflicts_with = "prebuilt")]
    pub ignore_warnings: bool,
    /// Accept syscalls in the executable.
    #[arg(long, conflicts_with = "prebuilt")]
    pub allow_syscalls: bool,
    /// Replace the panic flow by an unprovable instruction (smaller code, harder debugging).
    #[arg(long, conflicts_with = "prebuilt")]
    pub unsafe_panic: bool,
    /// The executable's path (`crate::module::function`), when the project has several.
    #[arg(long, value_name = "PATH", conflicts_with = "prebuilt")]
    pub executable: Option<String>,
}

/// How the executable is run.
#[derive(Args)]
pub struct ExecuteRunArgs {
    /// The executable function's serialized arguments, comma-separated (decimal or 0x hex).
    #[arg(
        long = "args",
        value_name = "FELTS",
        value_delimiter = ',',
        allow_negative_numbers = true,
        conflicts_with_all = ["args_file", "build_only"]
    )]
    pub args: Vec<String>,
    /// The serialized arguments from a JSON file: a list of hex strings.
    #[arg(long, value_name = "FILE", conflicts_with = "build_only")]
    pub args_file: Option<PathBuf>,
    /// Prints the program's output.
    #[arg(long, conflicts_with = "build_only")]
    pub print_outputs: bool,
    /// The layout (default `all_cairo_stwo`); `dynamic` needs `--cairo-layout-params-file`.
    #[arg(long, conflicts_with = "build_only")]
    pub layout: Option<String>,
    /// The `dynamic` layout's parameters (JSON).
    #[arg(long, value_name = "FILE")]
    pub cairo_layout_params_file: Option<PathBuf>,
    /// Run the standalone entry point in proof mode (else the bootloader one).
    #[arg(long, conflicts_with_all = ["build_only", "output_path"])]
    pub standalone: bool,
    /// Check memory accesses at the end (default: on in bootloader mode).
    #[arg(long, value_name = "BOOL", conflicts_with = "build_only")]
    pub secure_run: Option<bool>,
    /// Accept builtins the layout lacks (default: on in standalone mode).
    #[arg(long, value_name = "BOOL", conflicts_with = "build_only")]
    pub allow_missing_builtins: Option<bool>,
    /// Do not pad the trace to the layout's builtin ratios.
    #[arg(long, value_name = "BOOL", conflicts_with = "build_only")]
    pub disable_trace_padding: Option<bool>,
}

/// The files a prover reads (standalone mode).
#[derive(Args)]
pub struct ProofOutputArgs {
    /// The trace, binary.
    #[arg(long, value_name = "FILE", conflicts_with = "build_only")]
    pub trace_file: Option<PathBuf>,
    /// The relocated memory, binary.
    #[arg(long, value_name = "FILE", conflicts_with = "build_only")]
    pub memory_file: Option<PathBuf>,
    /// The AIR public input (JSON).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "build_only",
        requires = "standalone"
    )]
    pub air_public_input: Option<PathBuf>,
    /// The AIR private input (JSON); needs the trace and memory files, which it names.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "build_only",
        requires_all = ["standalone", "trace_file", "memory_file"]
    )]
    pub air_private_input: Option<PathBuf>,
}

/// `cairn execute`.
pub fn execute(args: ExecuteArgs) -> Result<()> {
    let compiled = if args.prebuilt {
        None
    } else {
        Some(compile(&args)?)
    };
    let program = match &compiled {
        Some(compiled) => ExecutableProgram::new(compiled.executable.clone()),
        None => ExecutableProgram::from_file(&args.input_path)?,
    };
    if args.print_bytecode_size {
        println!("Bytecode size (felt252 count): {}", program.bytecode_len());
    }
    if args.build_only {
        let path = args
            .output_path
            .as_deref()
            .context("--build-only needs --output-path")?;
        return crate::output_file::write_file(path, |out| {
            serde_json::to_writer(&mut *out, program.executable())?;
            Ok(())
        });
    }
    let felts = arguments(&args.run)?;
    match args.backend {
        Backend::Vm => run_on_vm(&args, &program, &felts),
        Backend::Native => run_natively(&args, compiled, &felts),
    }
}

fn compile(args: &ExecuteArgs) -> Result<CompiledExecutable> {
    let path = &args.input_path;
    if args.build.single_file && !path.is_file() {
        bail!("{} is not a file (--single-file)", path.display());
    }
    let corelib = cairn_frontend::locate_corelib(args.corelib.as_deref())?;
    let mut options = ExecutableOptions {
        executable: args.build.executable.clone(),
        allow_warnings: args.build.allow_warnings || args.build.ignore_warnings,
        allow_syscalls: args.build.allow_syscalls,
        unsafe_panic: args.build.unsafe_panic,
    };
    let compiled = if crate::package::is_scarb(path) {
        let (workspace, units) =
            crate::package::units(path, &args.package, &[UnitKind::Executable])?;
        crate::package::print_left_out(&units.left_out);
        let unit = match units.units.as_slice() {
            [unit] => unit,
            [] => bail!(
                "{} has no package with an [executable] target",
                path.display()
            ),
            several => bail!(
                "{} has several packages with an [executable] target ({}): choose one with -p",
                path.display(),
                several
                    .iter()
                    .map(|unit| unit.package.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        if options.executable.is_none() {
            // The target's `function`, as `scarb execute` takes it.
            options.executable = workspace
                .package(&unit.package)
                .and_then(|package| package.targets.executables.first())
                .and_then(|(_, function)| function.clone());
        }
        cairn_frontend::compile_executable(Project::Unit(unit), &corelib, &options)?
    } else {
        args.package.reject_for(path)?;
        if path.is_dir() && !path.join("cairo_project.toml").is_file() {
            bail!(
                "{} has neither a cairo_project.toml nor a Scarb.toml",
                path.display()
            );
        }
        cairn_frontend::compile_executable(Project::Path(path), &corelib, &options)?
    };
    if !args.build.ignore_warnings {
        crate::print_warnings(&compiled.warnings);
    }
    Ok(compiled)
}

/// The arguments as felts: from `--args` (decimal or hex, negative numbers modulo the prime)
/// or `--args-file` (a JSON list of hex strings, as `cairo-execute` reads it).
fn arguments(run: &ExecuteRunArgs) -> Result<Vec<Felt252>> {
    match &run.args_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let items: Vec<serde_json::Value> = serde_json::from_str(&text)
                .with_context(|| format!("{}: expected a JSON list of felts", path.display()))?;
            items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    let text = match item {
                        serde_json::Value::String(text) => text.clone(),
                        serde_json::Value::Number(number) => number.to_string(),
                        other => bail!("{}: item {index} is {other}, not a felt", path.display()),
                    };
                    parse_felt(&text).with_context(|| format!("{}: item {index}", path.display()))
                })
                .collect()
        }
        None => run
            .args
            .iter()
            .enumerate()
            .map(|(index, text)| parse_felt(text).with_context(|| format!("--args item {index}")))
            .collect(),
    }
}

/// A felt as `--args` and `--args-file` write it: decimal, `0x` hex, or negative (modulo P).
fn parse_felt(text: &str) -> Result<Felt252> {
    cairn_vm_core::values::json::parse_felt(text).map_err(|reason| anyhow::anyhow!(reason))
}

fn layout(run: &ExecuteRunArgs) -> Result<Layout> {
    let name = run.layout.as_deref().unwrap_or("all_cairo_stwo");
    Ok(match &run.cairo_layout_params_file {
        Some(params) if name == "dynamic" => Layout::dynamic(params)?,
        Some(_) => bail!("--cairo-layout-params-file goes with --layout dynamic"),
        None => Layout::named(name)?,
    })
}

fn run_on_vm(args: &ExecuteArgs, program: &ExecutableProgram, felts: &[Felt252]) -> Result<()> {
    let proof = &args.proof;
    let air_input = proof.air_public_input.is_some() || proof.air_private_input.is_some();
    let config = ExecuteConfig {
        mode: if args.run.standalone {
            ExecutionMode::Standalone
        } else {
            ExecutionMode::Bootloader
        },
        layout: layout(&args.run)?,
        trace: proof.trace_file.is_some() || air_input,
        relocate_memory: proof.memory_file.is_some() || air_input,
        disable_trace_padding: args.run.disable_trace_padding.unwrap_or(false),
        secure_run: args.run.secure_run,
        allow_missing_builtins: args.run.allow_missing_builtins,
        max_steps: args.max_steps,
    };
    let mut runner = ExecutableRunner::new(program, felts, config)?;
    if let Err(error) = runner.run_until_end() {
        return Err(match error {
            VmCoreError::Panicked { message, .. } => anyhow::anyhow!(message),
            error => anyhow::Error::new(error).context("the run failed"),
        });
    }
    if args.run.print_outputs {
        print!("Program Output:\n{}", runner.output_text()?);
    }
    let run = runner.runner();
    if let Some(path) = &proof.trace_file {
        crate::output_file::write_file(path, |out| Ok(run.write_trace(out)?))?;
    }
    if let Some(path) = &proof.memory_file {
        crate::output_file::write_file(path, |out| Ok(run.write_memory(out)?))?;
    }
    if let Some(path) = &proof.air_public_input {
        let json = run.air_public_input()?;
        crate::output_file::write_file(path, |out| Ok(out.write_all(json.as_bytes())?))?;
    }
    if let (Some(path), Some(trace), Some(memory)) = (
        &proof.air_private_input,
        &proof.trace_file,
        &proof.memory_file,
    ) {
        let json = run.air_private_input(&absolute(trace), &absolute(memory))?;
        crate::output_file::write_file(path, |out| Ok(out.write_all(json.as_bytes())?))?;
    }
    if let Some(path) = &args.output_path {
        run.write_cairo_pie(path, true)
            .with_context(|| format!("cannot write the Cairo PIE {}", path.display()))?;
    }
    Ok(())
}

/// The path the AIR private input names a file by, as `cairo-execute` writes it.
fn absolute(path: &Path) -> String {
    path.canonicalize()
        .unwrap_or_else(|_| path.to_owned())
        .to_string_lossy()
        .into_owned()
}

#[cfg(feature = "native")]
fn run_natively(
    args: &ExecuteArgs,
    compiled: Option<CompiledExecutable>,
    felts: &[Felt252],
) -> Result<()> {
    use cairn_native_codegen::{JitProgram, NativeOutcome, OptLevel};
    use cairn_values_abi::Value;

    reject_prover_flags(args)?;
    let Some(compiled) = compiled else {
        bail!(
            "--backend native compiles the executable's Sierra, which a prebuilt executable \
             does not hold: give the Cairo source"
        );
    };
    let level = OptLevel::from_number(args.opt_level).context("--opt-level takes 0 to 3")?;
    let wrapper = compiled
        .sierra
        .funcs
        .first()
        .map(|function| function.id.to_string())
        .context("the executable's Sierra program has no function")?;
    let input = Value::Struct(vec![Value::Array(
        felts.iter().copied().map(Value::Felt252).collect(),
    )]);
    let output = crate::large_stack::run_on_large_stack("cairn-native", move || {
        let jit = JitProgram::compile_partial(compiled.sierra, level)?;
        crate::run_native::warn_left_out(&wrapper, jit.info(), &jit.left_out());
        // An executable's entry code gives the gas counter (which only syscalls charge, the
        // program being compiled without gas) i64::MAX; so does this run.
        let counter = i64::MAX as u64;
        let args = [input, Value::Array(Vec::new())];
        Ok(jit.run_with_gas_counter(&wrapper, &args, counter)?)
    })?;
    match output.outcome {
        NativeOutcome::Success(values) => {
            if args.run.print_outputs {
                let Some(Value::Array(items)) = values.first() else {
                    bail!("the executable's wrapper returned {values:?}, not its output array");
                };
                let mut text = String::from("Program Output:\n");
                for item in items {
                    let Value::Felt252(felt) = item else {
                        bail!("the executable's output holds {item:?}, not a felt");
                    };
                    text.push_str(&format!(
                        "{}\n",
                        cairn_vm_core::cairo_vm::math_utils::signed_felt(*felt)
                    ));
                }
                print!("{text}");
            }
            Ok(())
        }
        NativeOutcome::Panic(data) => bail!(panic_message(&data)),
    }
}

#[cfg(feature = "native")]
fn reject_prover_flags(args: &ExecuteArgs) -> Result<()> {
    let given = [
        ("--standalone", args.run.standalone),
        ("--output-path", args.output_path.is_some()),
        ("--trace-file", args.proof.trace_file.is_some()),
        ("--memory-file", args.proof.memory_file.is_some()),
        ("--air-public-input", args.proof.air_public_input.is_some()),
        (
            "--air-private-input",
            args.proof.air_private_input.is_some(),
        ),
        ("--layout", args.run.layout.is_some()),
        (
            "--cairo-layout-params-file",
            args.run.cairo_layout_params_file.is_some(),
        ),
        ("--secure-run", args.run.secure_run.is_some()),
        (
            "--allow-missing-builtins",
            args.run.allow_missing_builtins.is_some(),
        ),
        (
            "--disable-trace-padding",
            args.run.disable_trace_padding.is_some(),
        ),
        ("--max-steps", args.max_steps.is_some()),
    ];
    match given.iter().find(|(_, present)| *present) {
        Some((flag, _)) => bail!(
            "{flag} belongs to a VM run (the one that produces prover files); --backend native \
             runs the executable for its outputs and panics only"
        ),
        None => Ok(()),
    }
}

#[cfg(not(feature = "native"))]
fn run_natively(_: &ExecuteArgs, _: Option<CompiledExecutable>, _: &[Felt252]) -> Result<()> {
    bail!("this cairn was built without the native backend (cargo feature `native`)")
}
