//! The differential program fuzzer: random well-typed Cairo programs (see
//! `program_fuzz/generator.rs`), compiled once each, every function called on both backends with
//! edge-biased arguments and with ample and scarce gas; values, panic data and gas must agree.
//!
//! CI runs seeds 0..3 (`CAIRN_FUZZ_SEEDS=START..END` picks others; `scripts/fuzz-programs.sh`
//! runs any number in release). A program that differs is written out with the calls that
//! differ, for `scripts/minimise-mismatch.py` to shrink into a fixture. Needs a corelib to compile the programs (found as
//! `cairn` finds it); without one the test says it skipped.

#[path = "program_fuzz/generator.rs"]
mod generator;

use std::path::PathBuf;

use cairn::native::{JitProgram, NativeOutcome, OptLevel};
use cairn::vm::sierra::{SierraOutcome, SierraProgram};
use cairn_frontend::{compile_cairo_with_warnings, locate_corelib, CompileOptions};
use generator::{generate, Rng};

/// Functions per program: later ones call earlier ones.
const FUNCTIONS: usize = 10;
/// Argument sets per function.
const CALLS: usize = 4;

fn seeds() -> std::ops::Range<u64> {
    let Ok(range) = std::env::var("CAIRN_FUZZ_SEEDS") else {
        return 0..3;
    };
    let (start, end) = range
        .split_once("..")
        .expect("CAIRN_FUZZ_SEEDS is START..END");
    start.parse().expect("START is a number")..end.parse().expect("END is a number")
}

/// What a backend reports for one call.
#[derive(Debug, PartialEq)]
enum Observed {
    Ran {
        outcome: String,
        remaining_gas: Option<u64>,
    },
    Refused,
}

#[test]
fn generated_programs_give_the_same_results_on_both_backends() -> anyhow::Result<()> {
    let Ok(corelib) = locate_corelib(None) else {
        println!("skipped: no corelib found (set CAIRO_CORELIB_DIR to compile Cairo source)");
        return Ok(());
    };
    let options = CompileOptions {
        gas: true,
        allow_warnings: true,
    };
    let scratch = tempfile::tempdir()?;
    // CAIRN_FUZZ_VERBOSE=1 prints every call's outcome (to tune the generator).
    let verbose = std::env::var_os("CAIRN_FUZZ_VERBOSE").is_some();
    let (mut programs, mut calls, mut panics, mut refused) = (0, 0, 0, 0);
    let mut mismatches = Vec::new();
    for seed in seeds() {
        let generated = generate(seed, FUNCTIONS);
        let crate_name = format!("fuzz_{seed}");
        let path = scratch.path().join(format!("{crate_name}.cairo"));
        std::fs::write(&path, &generated.source)?;
        if verbose {
            println!("{}", generated.source);
        }
        let compiled = compile_cairo_with_warnings(&path, &corelib, &options).map_err(|error| {
            anyhow::anyhow!(
                "seed {seed}: the generator wrote a program that does not compile: \
                 {error}\n{}",
                generated.source
            )
        })?;
        let vm_program = SierraProgram::new(compiled.program.clone())?;
        let native = JitProgram::compile(compiled.program, OptLevel::default())
            .map_err(|error| anyhow::anyhow!("seed {seed}: native compilation: {error}"))?;
        programs += 1;

        let mut rng = Rng::new(seed ^ 0xA5A5);
        let mut differing = Vec::new();
        for function in &generated.functions {
            let entry = format!("{crate_name}::{}", function.name);
            let func = vm_program.function(&entry)?;
            for _ in 0..CALLS {
                let args: Vec<_> = function
                    .params
                    .iter()
                    .map(|ty| ty.sample(&mut rng).value(*ty))
                    .collect();
                let scarce = 2_000 + rng.below(400_000) as u64;
                for gas in [10_000_000, scarce] {
                    let vm = match vm_program
                        .prepare(func, &args, Some(gas))
                        .and_then(|mut runner| runner.run_until_end())
                    {
                        Ok(result) => Observed::Ran {
                            outcome: match result.outcome {
                                SierraOutcome::Success(values) => format!("values {values:?}"),
                                SierraOutcome::Panic(data) => format!("panic {data:?}"),
                            },
                            remaining_gas: result.remaining_gas,
                        },
                        Err(error) => {
                            if verbose {
                                println!("{entry}: the VM refused: {error}");
                            }
                            Observed::Refused
                        }
                    };
                    if verbose {
                        println!("{entry}{args:?} gas {gas}: {vm:?}");
                    }
                    let native = match native.run(&entry, &args, Some(gas)) {
                        Ok(result) => Observed::Ran {
                            outcome: match result.outcome {
                                NativeOutcome::Success(values) => format!("values {values:?}"),
                                NativeOutcome::Panic(data) => format!("panic {data:?}"),
                            },
                            remaining_gas: result.remaining_gas,
                        },
                        Err(_) => Observed::Refused,
                    };
                    calls += 1;
                    match &vm {
                        Observed::Ran { outcome, .. } if outcome.starts_with("panic") => {
                            panics += 1
                        }
                        Observed::Refused => refused += 1,
                        Observed::Ran { .. } => {}
                    }
                    if vm != native {
                        // The `cairn-call:` line is what scripts/minimise-mismatch.py reruns.
                        let args_json = serde_json::to_string(&args)?;
                        differing.push(format!(
                            "cairn-call: {} {args_json} {gas}\n  vm:     {vm:?}\n  native: \
                             {native:?}",
                            function.name
                        ));
                    }
                }
            }
        }
        if !differing.is_empty() {
            let kept = keep_for_minimising(seed, &generated.source, &differing)?;
            mismatches.push(format!(
                "seed {seed} ({}):\n{}",
                kept.display(),
                differing.join("\n")
            ));
        }
    }
    println!(
        "program fuzzer: seeds {:?}, {programs} programs, {calls} calls compared ({panics} \
         panicked, {refused} refused by the VM), {} mismatching programs",
        seeds(),
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "native differs from the VM:\n{}",
        mismatches.join("\n")
    );
    Ok(())
}

/// Writes a differing program where it outlives the test, for `scripts/minimise-mismatch.py` to
/// shrink into a fixture: each differing call as a `// cairn-call:` comment above the source.
fn keep_for_minimising(seed: u64, source: &str, differing: &[String]) -> anyhow::Result<PathBuf> {
    let folder = std::env::temp_dir().join("cairn-program-fuzz");
    std::fs::create_dir_all(&folder)?;
    let path = folder.join(format!("fuzz_{seed}.cairo"));
    let notes: String = differing
        .iter()
        .flat_map(|call| call.lines())
        .map(|line| format!("// {line}\n"))
        .collect();
    std::fs::write(&path, format!("{notes}{source}"))?;
    Ok(path)
}
