//! `cairn test`: compiles a Cairo crate's `#[test]` functions (its Starknet contracts with
//! them) and runs each on the chosen backend, or on both to compare them, reporting like
//! `cargo test` or as JSON.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use anyhow::Result;
use cairn_frontend::{Expectation, TestCase, TestSuite};
use cairn_vm_core::Felt252;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::package::PackageArgs;
use crate::run::Backend;
use crate::test_backends::{Ran, TestBackend, TestRun, VmTests};

#[derive(Args)]
pub struct TestArgs {
    /// A `.cairo` file, a folder with a `cairo_project.toml`, or a Scarb package or workspace
    /// (a folder with a `Scarb.toml`: every member's unit and integration tests).
    pub(crate) path: PathBuf,

    #[command(flatten)]
    pub(crate) package: PackageArgs,

    /// The engine that runs the tests.
    #[arg(long, value_enum, default_value = "vm")]
    pub(crate) backend: Backend,

    /// Run only the tests whose full name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub(crate) filter: Option<String>,

    /// Also run the tests marked `#[ignore]`.
    #[arg(long)]
    pub(crate) include_ignored: bool,

    /// LLVM optimisation level for `--backend native` (0 to 3).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u8).range(0..=3))]
    pub(crate) opt_level: u8,

    /// The Cairo corelib (default: $CAIRO_CORELIB_DIR, then a `corelib/` beside the current
    /// folder or the executable).
    #[arg(long, value_name = "DIR")]
    pub(crate) corelib: Option<PathBuf>,

    /// Compile despite warnings (printed on standard error); by default a warning is an error,
    /// as with `cairo-test`.
    #[arg(long)]
    pub(crate) allow_warnings: bool,

    /// Accepted for `cairo-test` compatibility: the Starknet plugin is always on, so a crate's
    /// contracts are compiled with its tests and deployable from them.
    #[arg(long)]
    pub(crate) starknet: bool,

    /// Print one JSON document instead of the report: per test its status, gas used, VM steps
    /// (VM only) and time, and the summary.
    #[arg(long)]
    pub(crate) json: bool,

    /// For a Scarb package: compile every test program again rather than reuse one compiled
    /// from the same sources and settings (kept in `$CAIRN_CACHE/sierra`, else
    /// `~/.cache/cairn/sierra`).
    #[arg(long)]
    pub(crate) no_cache: bool,

    /// Run every test on both backends and fail it on any difference in status, panic data,
    /// gas or builtin instances (needs the `native` feature).
    #[arg(long, conflicts_with = "backend")]
    pub(crate) compare: bool,
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

/// How a test ended, for the report.
enum Status {
    Passed,
    Failed(String),
    Ignored,
}

/// One test's line of the report.
pub(crate) struct Outcome {
    name: String,
    status: Status,
    /// Per backend run: (backend, run, gas used).
    runs: Vec<(&'static str, TestRun, Option<u64>)>,
}

/// One test program's run: its tests' outcomes and how many the filter left out.
pub(crate) struct SuiteReport {
    pub(crate) outcomes: Vec<Outcome>,
    pub(crate) filtered_out: usize,
}

impl SuiteReport {
    pub(crate) fn passed(&self) -> usize {
        count(&self.outcomes, |status| matches!(status, Status::Passed))
    }

    pub(crate) fn failed(&self) -> usize {
        count(&self.outcomes, |status| matches!(status, Status::Failed(_)))
    }

    pub(crate) fn ignored(&self) -> usize {
        count(&self.outcomes, |status| matches!(status, Status::Ignored))
    }

    /// The failures and the `test result:` line, as `cargo test` prints them.
    pub(crate) fn print_summary(&self) {
        if self.failed() > 0 {
            println!("\nfailures:");
            for outcome in &self.outcomes {
                if let Status::Failed(reason) = &outcome.status {
                    println!("    {}: {reason}", outcome.name);
                }
            }
        }
        print_result_line_with(
            "test result",
            self.failed() == 0,
            [
                self.passed(),
                self.failed(),
                self.ignored(),
                self.filtered_out,
            ],
        );
    }
}

/// The `LABEL: ok|FAILED. …` line, with the verdict given (`ok` can be false with no failed
/// test: a test program that did not compile).
pub(crate) fn print_result_line_with(label: &str, ok: bool, counts: [usize; 4]) {
    let [passed, failed, ignored, filtered] = counts;
    let status = if ok { "ok" } else { "FAILED" };
    println!(
        "\n{label}: {status}. {passed} passed; {failed} failed; {ignored} ignored; \
         {filtered} filtered out;"
    );
}

/// Whether `path` is tested as Scarb packages: a folder with a `Scarb.toml`, except the
/// corelib, which has one too but whose tests compile as a project of the `core` crate.
fn tests_packages(path: &std::path::Path) -> bool {
    crate::package::is_scarb(path) && !cairn_frontend::tests_the_corelib(path)
}

pub fn test(args: TestArgs) -> Result<()> {
    let corelib = cairn_frontend::locate_corelib(args.corelib.as_deref())?;
    if tests_packages(&args.path) {
        return crate::test_packages::test_packages(&args, &corelib);
    }
    args.package.reject_for(&args.path)?;
    let suite = cairn_frontend::compile_tests(&args.path, &corelib, args.allow_warnings)?;
    crate::print_warnings(&suite.warnings);
    let report = run_suite(suite, &args)?;
    if args.json {
        println!("{}", json_report(&report.outcomes, report.filtered_out));
    } else {
        report.print_summary();
    }
    if report.failed() == 0 {
        Ok(())
    } else {
        Err(crate::ExitQuietly.into())
    }
}

/// Runs the tests of `suite` that the filter selects, on the backends `args` chooses.
pub(crate) fn run_suite(suite: TestSuite, args: &TestArgs) -> Result<SuiteReport> {
    let total = suite.tests.len();
    let selected: Vec<TestCase> = suite
        .tests
        .iter()
        .filter(|test| {
            args.filter
                .as_deref()
                .is_none_or(|filter| test.name.contains(filter))
        })
        .cloned()
        .collect();
    let filtered_out = total - selected.len();
    // Native code and deep Cairo recursion need a large stack; native programs also stay on
    // the thread that compiled them.
    let outcomes =
        crate::large_stack::run_on_large_stack("cairn-test", || -> Result<Vec<Outcome>> {
            let backends = backends(&suite, args)?;
            let backends: Vec<(&'static str, &dyn TestBackend)> = backends
                .iter()
                .map(|(name, backend)| (*name, backend.as_ref()))
                .collect();
            Ok(run_all(
                &backends,
                &selected,
                args.include_ignored,
                !args.json,
            ))
        })?;
    Ok(SuiteReport {
        outcomes,
        filtered_out,
    })
}

fn count(outcomes: &[Outcome], which: impl Fn(&Status) -> bool) -> usize {
    outcomes
        .iter()
        .filter(|outcome| which(&outcome.status))
        .count()
}

/// The backends the tests run on: the chosen one, or the VM and native code with `--compare`.
fn backends(
    suite: &TestSuite,
    args: &TestArgs,
) -> Result<Vec<(&'static str, Box<dyn TestBackend>)>> {
    let mut backends: Vec<(&'static str, Box<dyn TestBackend>)> = Vec::new();
    if args.compare || matches!(args.backend, Backend::Vm) {
        backends.push(("vm", Box::new(VmTests::new(suite)?)));
    }
    if args.compare || matches!(args.backend, Backend::Native) {
        backends.push(("native", native_backend(suite, args.opt_level)?));
    }
    Ok(backends)
}

#[cfg(feature = "native")]
fn native_backend(suite: &TestSuite, opt_level: u8) -> Result<Box<dyn TestBackend>> {
    Ok(Box::new(crate::test_backends::NativeTests::new(
        suite, opt_level,
    )?))
}

#[cfg(not(feature = "native"))]
fn native_backend(_: &TestSuite, _: u8) -> Result<Box<dyn TestBackend>> {
    anyhow::bail!("this cairn was built without the `native` feature")
}

/// The gas `test` starts with on `backend`: its `#[available_gas]`, or its static cost.
fn available_gas(backend: &dyn TestBackend, test: &TestCase) -> Result<u64> {
    match test.available_gas {
        Some(gas) => Ok(gas),
        None => backend.entry_cost(test),
    }
}

/// Runs `test` on each backend; its status (with `--compare`, any difference between the
/// backends fails it).
fn run_one(backends: &[(&'static str, &dyn TestBackend)], test: &TestCase) -> Outcome {
    let mut runs = Vec::new();
    let mut verdicts = Vec::new();
    for (name, backend) in backends {
        let (run, used) = match available_gas(*backend, test) {
            Ok(gas) => {
                let run = backend.run(test, gas);
                // As `cairo-test` reports it: what the run used, or for a test that does not
                // take the gas counter, its static cost.
                let used = match (&run.ran, run.remaining_gas) {
                    (Ran::Failed(_), _) => None,
                    (_, Some(left)) => Some(gas.saturating_sub(left)),
                    (_, None) => backend.entry_cost(test).ok(),
                };
                (run, used)
            }
            Err(error) => (TestRun::failed(error.to_string()), None),
        };
        verdicts.push(verdict(test, run.ran.clone()));
        runs.push((*name, run, used));
    }
    let status = match differences(&runs) {
        Some(difference) => Status::Failed(difference),
        None => match verdicts.into_iter().flatten().next() {
            Some(reason) => Status::Failed(reason),
            None => Status::Passed,
        },
    };
    Outcome {
        name: test.name.clone(),
        status,
        runs,
    }
}

/// How the backends' runs differ (status, panic data, gas or builtin instances), if they do.
fn differences(runs: &[(&'static str, TestRun, Option<u64>)]) -> Option<String> {
    let (first_name, first, first_gas) = runs.first()?;
    // Two runs that could not run agree (their errors are worded by each backend).
    let same = |a: &Ran, b: &Ran| a == b || matches!((a, b), (Ran::Failed(_), Ran::Failed(_)));
    runs[1..].iter().find_map(|(name, run, gas)| {
        if !same(&run.ran, &first.ran) {
            Some(format!(
                "the backends differ: {first_name} {}, {name} {}",
                describe(&first.ran),
                describe(&run.ran)
            ))
        } else if gas != first_gas {
            Some(format!(
                "the backends differ in gas: {first_name} used {}, {name} {}",
                gas_text(*first_gas),
                gas_text(*gas)
            ))
        } else if let (Some(first_builtins), Some(builtins)) =
            (&first.resources.builtins, &run.resources.builtins)
        {
            (first_builtins != builtins).then(|| {
                format!(
                    "the backends differ in builtin instances: {first_name} used \
                     {first_builtins:?}, {name} {builtins:?}"
                )
            })
        } else {
            None
        }
    })
}

fn gas_text(gas: Option<u64>) -> String {
    gas.map_or_else(|| "none".to_owned(), |gas| gas.to_string())
}

fn describe(ran: &Ran) -> String {
    match ran {
        Ran::Returned => "returned".to_owned(),
        Ran::Panicked(data) => format!("panicked with {}", panic_text(data)),
        Ran::Failed(error) => format!("could not run ({error})"),
    }
}

/// "[1, 'abc']" out of the runner's "Run panicked with [1, 'abc']."
fn panic_text(data: &[Felt252]) -> String {
    let line = cairn_vm_core::sierra::format_panic(data);
    line.trim_start_matches("Run panicked with ")
        .trim_end_matches('.')
        .to_owned()
}

fn run_all(
    backends: &[(&'static str, &dyn TestBackend)],
    tests: &[TestCase],
    include_ignored: bool,
    report: bool,
) -> Vec<Outcome> {
    if report {
        println!("running {} tests", tests.len());
    }
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(tests.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let run = |test: &TestCase, backends: &[(&'static str, &dyn TestBackend)]| {
        if test.ignored && !include_ignored {
            Outcome {
                name: test.name.clone(),
                status: Status::Ignored,
                runs: Vec::new(),
            }
        } else {
            run_one(backends, test)
        }
    };
    let show = |outcome: &Outcome| {
        if report {
            let line = match &outcome.status {
                Status::Passed => "ok",
                Status::Failed(_) => "FAILED",
                Status::Ignored => "ignored",
            };
            bar.suspend(|| println!("test {} ... {line}", outcome.name));
        }
        bar.inc(1);
    };
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let shared = match backends {
        [(name, backend)] if workers > 1 && tests.len() > 1 => {
            backend.shareable().map(|backend| (*name, backend))
        }
        _ => None,
    };
    let outcomes = match shared {
        // Tests are independent (each has its own state): on a backend that allows it they run
        // on every core, reported as they finish, then put back in source order.
        Some((name, backend)) => {
            let next = AtomicUsize::new(0);
            let (sender, receiver) = mpsc::channel();
            let worker = || {
                let backends: [(&'static str, &dyn TestBackend); 1] = [(name, backend)];
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(test) = tests.get(index) else { break };
                    // Every test must report, or the collector would wait for it forever.
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        run(test, &backends)
                    }))
                    .unwrap_or_else(|_| Outcome {
                        name: test.name.clone(),
                        status: Status::Failed("the run crashed (a bug in cairn)".to_owned()),
                        runs: Vec::new(),
                    });
                    if sender.send((index, outcome)).is_err() {
                        break;
                    }
                }
            };
            let collect = || {
                let mut finished: Vec<(usize, Outcome)> = Vec::with_capacity(tests.len());
                for (index, outcome) in receiver.iter().take(tests.len()) {
                    show(&outcome);
                    finished.push((index, outcome));
                }
                finished.sort_by_key(|(index, _)| *index);
                finished.into_iter().map(|(_, outcome)| outcome).collect()
            };
            match crate::large_stack::with_workers(workers.min(tests.len()), worker, collect) {
                Ok(outcomes) => outcomes,
                Err(error) => vec![Outcome {
                    name: "cairn".to_owned(),
                    status: Status::Failed(error.to_string()),
                    runs: Vec::new(),
                }],
            }
        }
        None => tests
            .iter()
            .map(|test| {
                bar.set_message(test.name.clone());
                let outcome = run(test, backends);
                show(&outcome);
                outcome
            })
            .collect(),
    };
    bar.finish_and_clear();
    outcomes
}

/// The `--json` document.
pub(crate) fn json_report(outcomes: &[Outcome], filtered_out: usize) -> serde_json::Value {
    let tests: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|outcome| {
            let (status, reason) = match &outcome.status {
                Status::Passed => ("ok", None),
                Status::Failed(reason) => ("failed", Some(reason.as_str())),
                Status::Ignored => ("ignored", None),
            };
            let runs: serde_json::Map<String, serde_json::Value> = outcome
                .runs
                .iter()
                .map(|(backend, run, gas)| {
                    let value = json!({
                        "result": describe(&run.ran),
                        "gas": gas,
                        "steps": run.resources.vm_steps,
                        "builtins": run.resources.builtins,
                        "syscalls": run.resources.syscalls,
                        "time_ms": run.time.as_secs_f64() * 1000.0,
                    });
                    (backend.to_string(), value)
                })
                .collect();
            json!({
                "name": outcome.name,
                "status": status,
                "reason": reason,
                "runs": runs,
            })
        })
        .collect();
    let count = |wanted: &str| tests.iter().filter(|test| test["status"] == wanted).count();
    json!({
        "passed": count("ok"),
        "failed": count("failed"),
        "ignored": count("ignored"),
        "filtered_out": filtered_out,
        "tests": tests,
    })
}

#[cfg(test)]
mod routing {
    use super::tests_packages;

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let folder = tempfile::tempdir().expect("temporary folder");
        for (name, text) in files {
            std::fs::write(folder.path().join(name), text).expect("file");
        }
        folder
    }

    #[test]
    fn the_corelib_is_tested_as_a_project_though_it_has_a_scarb_manifest() {
        let manifest = (
            "Scarb.toml",
            "[package]\nname = \"core\"\nversion = \"2.20.0\"\n",
        );
        let corelib = folder(&[
            manifest,
            ("cairo_project.toml", "[crate_roots]\ncore = \"src\"\n"),
        ]);
        assert!(!tests_packages(corelib.path()));
        let package = folder(&[manifest]);
        assert!(tests_packages(package.path()));
        let both = folder(&[
            manifest,
            ("cairo_project.toml", "[crate_roots]\nmine = \"src\"\n"),
        ]);
        assert!(tests_packages(both.path()));
    }
}
