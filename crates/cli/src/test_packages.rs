//! `cairn test` on a Scarb package or workspace: each selected member's unit tests and
//! integration tests (the `tests/` crate), members in dependency order, one report per test
//! program and a total.

use anyhow::Result;
use cairn_frontend::scarb::{CompilationUnit, UnitKind};
use cairn_frontend::{test_suite_cache_key, Corelib, Project, TestSuite};
use serde_json::json;

use crate::test_cmd::{json_report, print_result_line_with, run_suite, SuiteReport, TestArgs};

/// A unit's name in reports: `PACKAGE (unit tests)`.
fn label(unit: &CompilationUnit) -> String {
    format!("{} ({})", unit.package, unit.kind.description())
}

/// Where compiled test programs are kept, and what every key of this run shares: the `cairn`
/// build and the corelib's digest (read once, not once per program).
struct SuiteCache {
    folder: std::path::PathBuf,
    build: String,
    corelib: String,
}

impl SuiteCache {
    /// The run's cache, unless `--no-cache` or there is no cache folder or the corelib cannot
    /// be read (then programs are compiled, which reports why).
    fn new(args: &TestArgs, corelib: &Corelib) -> Option<Self> {
        if args.no_cache {
            return None;
        }
        Some(Self {
            folder: crate::cache::folder("sierra")?,
            build: crate::cache::build_identity(),
            corelib: corelib.fingerprint().ok()?,
        })
    }
}

/// A unit's tests compiled, or read back from the cache when its sources, settings, the
/// corelib and this `cairn` are those that compiled it before.
fn compile_cached(
    unit: &CompilationUnit,
    corelib: &Corelib,
    args: &TestArgs,
    cache: Option<&SuiteCache>,
) -> Result<TestSuite, cairn_frontend::FrontendError> {
    let cached = cache.and_then(|cache| {
        // A unit whose sources cannot be read is compiled, which reports why.
        let key =
            test_suite_cache_key(unit, &cache.corelib, args.allow_warnings, &cache.build).ok()?;
        Some(
            cache
                .folder
                .join(format!("{}-{key}.tests.json", unit.main_crate)),
        )
    });
    if let Some(path) = &cached {
        // A file that cannot be read back (another format, damage) is compiled again.
        if let Some(suite) = std::fs::read_to_string(path)
            .ok()
            .and_then(|text| TestSuite::from_cache_json(&text).ok())
        {
            return Ok(suite);
        }
    }
    let suite =
        cairn_frontend::compile_project_tests(Project::Unit(unit), corelib, args.allow_warnings)?;
    if let Some(path) = &cached {
        // The cache only saves time: a failure to write it is no failure of the run.
        let _ = crate::cache::write_atomically(path, &suite.to_cache_json());
    }
    Ok(suite)
}

/// The summary of `package` over its test programs, when it has more than one.
fn print_package_summary(package: &str, results: &[(&CompilationUnit, UnitResult)]) {
    let own: Vec<&UnitResult> = results
        .iter()
        .filter(|(unit, _)| unit.package == package)
        .map(|(_, result)| result)
        .collect();
    if own.len() < 2 {
        return;
    }
    let reports: Vec<&SuiteReport> = own
        .iter()
        .filter_map(|result| match result {
            UnitResult::Ran(report) => Some(report),
            UnitResult::DidNotCompile(_) => None,
        })
        .collect();
    let sum = |count: fn(&SuiteReport) -> usize| reports.iter().map(|report| count(report)).sum();
    let not_compiled = own.len() - reports.len();
    let failed = sum(SuiteReport::failed);
    print_result_line_with(
        &format!("package {package}"),
        failed == 0 && not_compiled == 0,
        [
            sum(SuiteReport::passed),
            failed,
            sum(SuiteReport::ignored),
            sum(|report| report.filtered_out),
        ],
    );
}

/// "1 test program", "3 test programs".
fn programs(count: usize) -> String {
    if count == 1 {
        "1 test program".to_owned()
    } else {
        format!("{count} test programs")
    }
}

/// What became of one unit.
enum UnitResult {
    Ran(SuiteReport),
    /// It did not compile: the compiler's message.
    DidNotCompile(String),
}

pub fn test_packages(args: &TestArgs, corelib: &Corelib) -> Result<()> {
    let kinds = [UnitKind::UnitTests, UnitKind::IntegrationTests];
    let (_, units) = crate::package::units(&args.path, &args.package, &kinds)?;
    crate::package::print_left_out(&units.left_out);
    let cache = SuiteCache::new(args, corelib);
    let mut results = Vec::new();
    for unit in &units.units {
        if !args.json {
            println!("\n     Testing {}", label(unit));
        }
        let suite = match compile_cached(unit, corelib, args, cache.as_ref()) {
            Ok(suite) => suite,
            Err(error) => {
                let message = format!("{error:#}");
                if !args.json {
                    println!("could not compile: {message}");
                }
                results.push((unit, UnitResult::DidNotCompile(message)));
                continue;
            }
        };
        crate::print_warnings(&suite.warnings);
        let report = run_suite(suite, args)?;
        if !args.json {
            report.print_summary();
        }
        results.push((unit, UnitResult::Ran(report)));
        let package_ends = units
            .units
            .get(results.len())
            .is_none_or(|next| next.package != unit.package);
        if package_ends && !args.json {
            print_package_summary(&unit.package, &results);
        }
    }

    let reports = || {
        results.iter().filter_map(|(_, result)| match result {
            UnitResult::Ran(report) => Some(report),
            UnitResult::DidNotCompile(_) => None,
        })
    };
    let passed: usize = reports().map(SuiteReport::passed).sum();
    let failed: usize = reports().map(SuiteReport::failed).sum();
    let ignored: usize = reports().map(SuiteReport::ignored).sum();
    let filtered_out: usize = reports().map(|report| report.filtered_out).sum();
    let not_compiled = results.len() - reports().count();
    if args.json {
        let units_json: Vec<serde_json::Value> = results
            .iter()
            .map(|(unit, result)| {
                let kind = match unit.kind {
                    UnitKind::UnitTests => "unit",
                    UnitKind::IntegrationTests => "integration",
                    UnitKind::Lib => "lib",
                    UnitKind::StarknetContract => "starknet-contract",
                    UnitKind::Executable => "executable",
                };
                let mut value = match result {
                    UnitResult::Ran(report) => json_report(&report.outcomes, report.filtered_out),
                    UnitResult::DidNotCompile(message) => json!({ "compile_error": message }),
                };
                value["package"] = json!(unit.package);
                value["kind"] = json!(kind);
                value["crate"] = json!(unit.main_crate);
                value
            })
            .collect();
        let left_out: Vec<serde_json::Value> = units
            .left_out
            .iter()
            .map(
                |item| json!({ "package": item.package, "what": item.what, "reason": item.reason }),
            )
            .collect();
        println!(
            "{}",
            json!({
                "passed": passed,
                "failed": failed,
                "ignored": ignored,
                "filtered_out": filtered_out,
                "did_not_compile": not_compiled,
                "units": units_json,
                "left_out": left_out,
            })
        );
    } else {
        if units.units.len() > 1 || not_compiled > 0 {
            print_result_line_with(
                &format!("total over {}", programs(units.units.len())),
                failed == 0 && not_compiled == 0,
                [passed, failed, ignored, filtered_out],
            );
        }
        if not_compiled > 0 {
            println!("{} did not compile:", programs(not_compiled));
            for (unit, result) in &results {
                if let UnitResult::DidNotCompile(_) = result {
                    println!("    {}", label(unit));
                }
            }
        }
        if !units.left_out.is_empty() {
            println!(
                "{} left out for dependencies cairn cannot have (listed above)",
                units.left_out.len()
            );
        }
    }
    if failed == 0 && not_compiled == 0 {
        Ok(())
    } else {
        Err(crate::ExitQuietly.into())
    }
}
