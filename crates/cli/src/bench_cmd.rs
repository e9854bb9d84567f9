//! `cairn bench`: the benchmark suite on Cairn's backends, as a table or JSON.

use std::io::IsTerminal;

use anyhow::{bail, Context, Result};
use cairn_bench::contracts::{
    find_workload, measure_contract, render_contract_table, CONTRACT_WORKLOADS,
};
use cairn_bench::suite::{measure_program, render_table, Options, Progress};
use cairn_bench::{Backend, BenchProgram, PROGRAMS};
use cairn_native_codegen::OptLevel;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Args)]
pub struct BenchArgs {
    /// Bench programs to run (default: all of them; `--list` names them).
    programs: Vec<String>,

    /// Backends to time, comma-separated: vm, jit (or native), aot, aot+compile, rust.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "vm,jit,aot,aot+compile,rust"
    )]
    backends: Vec<String>,

    /// Timed runs per backend and program; medians are reported.
    #[arg(long, value_name = "N", default_value_t = 5)]
    samples: usize,

    /// Small sizes: checks that everything runs, in seconds.
    #[arg(long)]
    quick: bool,

    /// Print the measurements as JSON (one object per program) instead of a table.
    #[arg(long)]
    json: bool,

    /// List the bench programs and exit.
    #[arg(long)]
    list: bool,

    /// Measure the Starknet contract workloads (ERC20 transfers, a storage loop, nested calls)
    /// on the VM and natively, instead of the programs; names select workloads.
    #[arg(long, conflicts_with = "backends")]
    contracts: bool,

    /// LLVM optimisation level for the native backends (0 to 3).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u8).range(0..=3))]
    opt_level: u8,
}

pub fn bench(args: BenchArgs) -> Result<()> {
    if args.contracts {
        return bench_contracts(&args);
    }
    if args.list {
        for program in PROGRAMS {
            let sizes = program
                .sizes_for(false)
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            println!(
                "{:<16} n = {:<20} {}",
                program.name, sizes, program.description
            );
        }
        return Ok(());
    }
    let programs = select_programs(&args.programs)?;
    let backends = args
        .backends
        .iter()
        .map(|name| {
            Backend::parse(name).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown backend `{name}` (vm, jit or native, aot, aot+compile, rust)"
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let options = Options {
        quick: args.quick,
        samples: args.samples.max(1),
        opt_level: OptLevel::from_number(args.opt_level).context("--opt-level takes 0 to 3")?,
    };
    // Native code and deep recursion (on every backend) need a large stack.
    let (reports, backends) = crate::large_stack::run_on_large_stack("cairn-bench", move || {
        run_suite(&programs, &backends, options).map(|reports| (reports, backends))
    })?;

    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else {
        println!("{}", render_table(&reports, &backends));
        println!(
            "\nmedians of {} runs per backend; `jit vs vm` = VM time / JIT time, `jit / rust` = JIT time / hand-written Rust time",
            options.samples
        );
    }
    Ok(())
}

fn select_programs(names: &[String]) -> Result<Vec<&'static BenchProgram>> {
    if names.is_empty() {
        return Ok(PROGRAMS.iter().collect());
    }
    names
        .iter()
        .map(|name| match cairn_bench::programs::find(name) {
            Some(program) => Ok(program),
            None => bail!(
                "no bench program `{name}`; there are: {}",
                PROGRAMS
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .collect()
}

fn run_suite(
    programs: &[&'static BenchProgram],
    backends: &[Backend],
    options: Options,
) -> Result<Vec<cairn_bench::ProgramReport>> {
    let steps_per_size = 2 + options.samples * backends.len();
    let runs: Vec<(&'static BenchProgram, u64)> = programs
        .iter()
        .flat_map(|program| {
            program
                .sizes_for(options.quick)
                .into_iter()
                .map(move |size| (*program, size))
        })
        .collect();
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new((runs.len() * steps_per_size) as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {msg}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut reports = Vec::new();
    for (program, size) in runs {
        let report = measure_program(program, size, backends, options, &mut |progress| {
            let message = match progress {
                Progress::Compiling => format!("{}({size}): compiling", program.name),
                Progress::Checking => format!("{}({size}): checking results", program.name),
                Progress::Timing { backend, sample } => {
                    format!("{}({size}): {backend} run {sample}", program.name)
                }
            };
            bar.inc(1);
            bar.set_message(message);
        })?;
        reports.push(report);
    }
    bar.finish_and_clear();
    Ok(reports)
}

/// `cairn bench --contracts`.
fn bench_contracts(args: &BenchArgs) -> Result<()> {
    if args.list {
        for workload in &CONTRACT_WORKLOADS {
            println!("{:<16} {}", workload.name, workload.description);
        }
        return Ok(());
    }
    let workloads = if args.programs.is_empty() {
        CONTRACT_WORKLOADS.iter().collect()
    } else {
        args.programs
            .iter()
            .map(|name| {
                find_workload(name).with_context(|| {
                    format!(
                        "no contract workload `{name}`; there are: {}",
                        CONTRACT_WORKLOADS
                            .iter()
                            .map(|workload| workload.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?
    };
    let opt_level = OptLevel::from_number(args.opt_level).context("--opt-level takes 0 to 3")?;
    let (quick, samples) = (args.quick, args.samples.max(1));
    let reports = crate::large_stack::run_on_large_stack("cairn-bench", move || {
        workloads
            .into_iter()
            .map(|workload| measure_contract(workload, quick, samples, opt_level))
            .collect::<Result<Vec<_>, _>>()
            .map_err(anyhow::Error::from)
    })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else {
        println!("{}", render_contract_table(&reports));
        println!(
            "\nmedians of {samples} samples; per operation, each a transaction on an in-memory Starknet state"
        );
    }
    Ok(())
}
