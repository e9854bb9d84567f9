//! `cairn test`: compiles a Cairo crate's `#[test]` functions and runs each on the chosen
//! backend, reporting like `cargo test`.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use cairn_frontend::{Expectation, TestCase};
use cairn_vm_core::sierra::{SierraOutcome, SierraProgram};
use cairn_vm_core::Felt252;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::run::Backend;

#[derive(Args)]
pub struct TestArgs {
    /// A `.cairo` file, or a folder with a `cairo_project.toml`.
    path: PathBuf,

    /// The engine that runs the tests.
    #[arg(long, value_enum, default_value = "vm")]
    backend: Backend,

    /// Run only the tests whose full name contains this text.
    #[arg(long, value_name = "TEXT")]
    filter: Option<String>,

    /// Also run the tests marked `#[ignore]`.
    #[arg(long)]
    include_ignored: bool,

    /// LLVM optimisation level for `--backend native` (0 to 3).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u8).range(0..=3))]
    opt_level: u8,

    /// The Cairo corelib (default: $CAIRO_CORELIB_DIR, then a `corelib/` beside the current
    /// folder or the executable).
    #[arg(long, value_name = "DIR")]
    corelib: Option<PathBuf>,

    /// Compile despite warnings (printed on standard error); by default a warning is an error,
    /// as with `cairo-test`.
    #[arg(long)]
    allow_warnings: bool,
}

/// How one test run ended.
enum Ran {
    Returned,
    Panicked(Vec<Felt252>),
    Failed(String),
}

/// A backend loaded with the test program.
trait TestRunner {
    fn run(&self, test: &TestCase) -> Ran;
}

impl TestRunner for SierraProgram {
    fn run(&self, test: &TestCase) -> Ran {
        let outcome = self.function(&test.name).and_then(|function| {
            let gas = test
                .available_gas
                .unwrap_or_else(|| self.entry_cost(function));
            self.prepare(function, &[], Some(gas))?.run_until_end()
        });
        match outcome {
            Ok(result) => match result.outcome {
                SierraOutcome::Success(_) => Ran::Returned,
                SierraOutcome::Panic(data) => Ran::Panicked(data),
            },
            Err(error) => Ran::Failed(error.to_string()),
        }
    }
}

#[cfg(feature = "native")]
impl TestRunner for cairn_native_codegen::JitProgram {
    fn run(&self, test: &TestCase) -> Ran {
        use cairn_native_codegen::NativeOutcome;
        let gas = match test.available_gas {
            Some(gas) => gas,
            None => match self.info().function(&test.name) {
                Ok((_, function)) => self.info().entry_cost(function),
                Err(error) => return Ran::Failed(error.to_string()),
            },
        };
        match cairn_native_codegen::JitProgram::run(self, &test.name, &[], Some(gas)) {
            Ok(result) => match result.outcome {
                NativeOutcome::Success(_) => Ran::Returned,
                NativeOutcome::Panic(data) => Ran::Panicked(data),
            },
            Err(error) => Ran::Failed(error.to_string()),
        }
    }
}

/// Why a test that ran did not pass, if it did not.
fn verdict(test: &TestCase, ran: Ran) -> Option<String> {
    // "[1, 'abc']" out of the runner's "Run panicked with [1, 'abc']."
    let panic_text = |data: &[Felt252]| {
        let line = cairn_vm_core::sierra::format_panic(data);
        line.trim_start_matches("Run panicked with ")
            .trim_end_matches('.')
            .to_owned()
    };
    match (&test.expectation, ran) {
        (_, Ran::Failed(error)) => Some(format!("could not run: {error}")),
        (Expectation::Success, Ran::Returned) => None,
        (Expectation::Success, Ran::Panicked(data)) => {
            Some(format!("panicked with {}", panic_text(&data)))
        }
        (Expectation::PanicAny | Expectation::Panic(_), Ran::Returned) => {
            Some("expected a panic, but the test returned".to_owned())
        }
        (Expectation::PanicAny, Ran::Panicked(_)) => None,
        (Expectation::Panic(expected), Ran::Panicked(data)) => (*expected != data).then(|| {
            format!(
                "expected a panic with {}, got {}",
                panic_text(expected),
                panic_text(&data)
            )
        }),
    }
}

pub fn test(args: TestArgs) -> Result<()> {
    let corelib = cairn_frontend::locate_corelib(args.corelib.as_deref())?;
    let suite = cairn_frontend::compile_tests(&args.path, &corelib, args.allow_warnings)?;
    crate::print_warnings(&suite.warnings);
    let (selected, filtered_out): (Vec<TestCase>, Vec<TestCase>) =
        suite.tests.into_iter().partition(|test| {
            args.filter
                .as_deref()
                .is_none_or(|filter| test.name.contains(filter))
        });
    let program = suite.program;
    let include_ignored = args.include_ignored;
    let filtered_out = filtered_out.len();
    // Native code and deep Cairo recursion need a large stack; native programs also stay on
    // the thread that compiled them.
    let summary =
        crate::large_stack::run_on_large_stack("cairn-test", move || -> Result<Summary> {
            match args.backend {
                Backend::Vm => {
                    let runner = SierraProgram::new(program)?;
                    Ok(run_all(&runner, &selected, include_ignored))
                }
                Backend::Native => {
                    native_runner(program, args.opt_level, &selected, include_ignored)
                }
            }
        })?;
    let status = if summary.failures.is_empty() {
        "ok"
    } else {
        "FAILED"
    };
    if !summary.failures.is_empty() {
        println!("\nfailures:");
        for (name, reason) in &summary.failures {
            println!("    {name}: {reason}");
        }
    }
    println!(
        "\ntest result: {status}. {} passed; {} failed; {} ignored; {filtered_out} filtered out;",
        summary.passed,
        summary.failures.len(),
        summary.ignored
    );
    if summary.failures.is_empty() {
        Ok(())
    } else {
        Err(crate::ExitQuietly.into())
    }
}

#[cfg(feature = "native")]
fn native_runner(
    program: cairn_frontend::Program,
    opt_level: u8,
    tests: &[TestCase],
    include_ignored: bool,
) -> Result<Summary> {
    let level = cairn_native_codegen::OptLevel::from_number(opt_level)
        .ok_or_else(|| anyhow::anyhow!("--opt-level takes 0 to 3"))?;
    let runner = cairn_native_codegen::JitProgram::compile_partial(program, level)?;
    Ok(run_all(&runner, tests, include_ignored))
}

#[cfg(not(feature = "native"))]
fn native_runner(_: cairn_frontend::Program, _: u8, _: &[TestCase], _: bool) -> Result<Summary> {
    anyhow::bail!("this cairn was built without the `native` feature")
}

struct Summary {
    passed: usize,
    ignored: usize,
    failures: Vec<(String, String)>,
}

fn run_all(runner: &dyn TestRunner, tests: &[TestCase], include_ignored: bool) -> Summary {
    println!("running {} tests", tests.len());
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(tests.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut summary = Summary {
        passed: 0,
        ignored: 0,
        failures: Vec::new(),
    };
    for test in tests {
        bar.set_message(test.name.clone());
        let line = if test.ignored && !include_ignored {
            summary.ignored += 1;
            "ignored"
        } else {
            match verdict(test, runner.run(test)) {
                None => {
                    summary.passed += 1;
                    "ok"
                }
                Some(reason) => {
                    summary.failures.push((test.name.clone(), reason));
                    "FAILED"
                }
            }
        };
        bar.suspend(|| println!("test {} ... {line}", test.name));
        bar.inc(1);
    }
    bar.finish_and_clear();
    summary
}
