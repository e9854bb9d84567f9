//! Fuzz harnesses, one per input format a user hands Cairn: Cairo 0 program JSON, Sierra JSON
//! (`VersionedProgram`), `--args` JSON against a function's types, and shared libraries. Each
//! mutates the fixtures (JSON nodes replaced, removed, duplicated; bytes flipped, cut, inserted)
//! and feeds the result through loading, checking, compiling and a bounded run. Any result is
//! fine except a panic (or a crash, which ends the test binary). Proptest with a fixed case
//! count, so CI runs them in bounded time; `PROPTEST_CASES=N` runs more.

#[allow(dead_code)]
#[path = "program_fuzz/generator.rs"]
mod generator;
#[path = "input_fuzz/mutate.rs"]
mod mutate;
#[allow(dead_code)]
#[path = "../crates/vm-core/tests/all/sierra_cases.rs"]
mod sierra_cases;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use cairn::native::{AotProgram, JitProgram, OptLevel};
use cairn::vm::sierra::SierraProgram;
use cairn::vm::values::json::args_from_json;
use cairn::vm::{CairoProgram, Layout, RunConfig, Runner};
use generator::Rng;
use proptest::prelude::*;
use proptest::test_runner::Config;

/// A fixture's file name and bytes.
type Fixture = (String, Vec<u8>);

/// The compiled Cairo 0 fixtures, read once for all cases.
static CAIRO0_FIXTURES: LazyLock<Vec<Fixture>> =
    LazyLock::new(|| fixtures("tests/fixtures/cairo0/compiled", ".json"));
/// The compiled Sierra fixtures, read once for all cases.
static SIERRA_FIXTURES: LazyLock<Vec<Fixture>> =
    LazyLock::new(|| fixtures("tests/fixtures/cairo1/compiled", ".sierra.json"));

fn fixtures(folder: &str, suffix: &str) -> Vec<Fixture> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .expect("fixture folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.to_string_lossy().ends_with(suffix))
        .map(|path| {
            let name = path
                .file_name()
                .expect("file")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("fixture"))
        })
        .collect();
    files.sort();
    files
}

/// `PROPTEST_CASES` if set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(default)
}

/// Counts how far inputs got (`CAIRN_FUZZ_VERBOSE=1` prints it), so a harness whose inputs all
/// fail to parse is noticed.
fn reached(stage: &str) {
    if std::env::var_os("CAIRN_FUZZ_VERBOSE").is_some() {
        println!("reached {stage}");
    }
}

/// Fails the case if `body` panics; `what` names the input for the report.
fn no_panic(what: &str, body: impl FnOnce()) -> Result<(), TestCaseError> {
    catch_unwind(AssertUnwindSafe(body))
        .map_err(|_| TestCaseError::fail(format!("panicked on {what}")))
}

/// A mutated copy of `bytes`: as JSON (most cases) or as bytes.
fn mutated(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    if rng.percent(80) {
        if let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(bytes) {
            let mutations = if rng.percent(70) { 1 } else { 2 + rng.below(2) };
            for _ in 0..mutations {
                mutate::mutate_json(&mut json, rng);
            }
            return serde_json::to_vec(&json).expect("JSON serialises");
        }
    }
    let mut bytes = bytes.to_vec();
    mutate::mutate_bytes(&mut bytes, rng);
    bytes
}

proptest! {
    #![proptest_config(Config::with_cases(cases(160)))]

    #[test]
    fn cairo0_program_json(seed in any::<u64>()) {
        let programs = &*CAIRO0_FIXTURES;
        let mut rng = Rng::new(seed);
        let (name, bytes) = &programs[rng.below(programs.len())];
        let input = mutated(bytes, &mut rng);
        no_panic(name, || {
            let Ok(program) = CairoProgram::from_bytes(&input, "main") else { return };
            reached("cairo0 loaded");
            for layout in ["plain", "all_cairo"] {
                let config = RunConfig {
                    layout: Layout::named(layout).expect("layout"),
                    proof_mode: rng.percent(20),
                    ..RunConfig::default()
                };
                if let Ok(mut runner) = Runner::new(&program, config) {
                    reached("cairo0 ran");
                    let _ = runner.run_steps(20_000);
                }
            }
        })?;
    }

    #[test]
    fn sierra_program_json(seed in any::<u64>()) {
        let programs = &*SIERRA_FIXTURES;
        let mut rng = Rng::new(seed);
        let (name, bytes) = &programs[rng.below(programs.len())];
        let input = mutated(bytes, &mut rng);
        no_panic(name, || {
            let Ok(sierra) = cairn_frontend::load_sierra_json(&input) else { return };
            reached("sierra loaded");
            let names: Vec<String> = sierra.funcs.iter().map(|func| func.id.to_string()).collect();
            let Ok(program) = SierraProgram::new(sierra) else { return };
            for name in &names {
                let Ok(func) = program.function(name) else { continue };
                let types = program.user_param_types(func);
                let args = serde_json::json!([]);
                let Ok(args) = args_from_json(&args, &types, program.registry()) else {
                    continue;
                };
                if let Ok(mut runner) = program.prepare(func, &args, Some(1_000_000)) {
                    reached("sierra ran");
                    let _ = runner.run_steps(20_000);
                }
            }
        })?;
    }

    #[test]
    fn args_json_against_types(seed in any::<u64>()) {
        // The fixture calls' arguments, mutated, against their functions' parameter types.
        let cases = sierra_cases::cases();
        let mut rng = Rng::new(seed);
        let case = &cases[rng.below(cases.len())];
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/cairo1/compiled")
            .join(format!("{}.sierra.json", case.program));
        let sierra = cairn_frontend::load_sierra_json_file(&path).expect("fixture loads");
        let program = SierraProgram::new(sierra).expect("fixture checks");
        let func = program.function(case.entry).expect("fixture entry");
        let types = program.user_param_types(func);
        let mut args: serde_json::Value = serde_json::from_str(&case.args).expect("fixture args");
        for _ in 0..1 + rng.below(2) {
            mutate::mutate_json(&mut args, &mut rng);
        }
        no_panic(&format!("{}::{}: {args}", case.program, case.entry), || {
            if let Ok(values) = args_from_json(&args, &types, program.registry()) {
                reached("args read");
                if let Ok(mut runner) = program.prepare(func, &values, case.gas) {
                    let _ = runner.run_steps(20_000);
                }
            }
        })?;
    }
}

proptest! {
    // Each case compiles natively: fewer of them.
    #![proptest_config(Config::with_cases(cases(64)))]

    #[test]
    fn sierra_program_compiled_natively(seed in any::<u64>()) {
        let programs = &*SIERRA_FIXTURES;
        let mut rng = Rng::new(seed);
        // The smaller fixtures: a case is a whole native compilation.
        let small: Vec<_> = programs.iter().filter(|(_, bytes)| bytes.len() < 60_000).collect();
        let (name, bytes) = small[rng.below(small.len())];
        let input = mutated(bytes, &mut rng);
        no_panic(name, || {
            let Ok(sierra) = cairn_frontend::load_sierra_json(&input) else { return };
            // Only what the VM accepts reaches the native compiler in `cairn run`.
            if SierraProgram::new(sierra.clone()).is_err() {
                return;
            }
            reached("native compiled");
            let _ = JitProgram::compile(sierra, OptLevel::O0);
        })?;
    }
}

fn library(folder: &Path) -> Vec<u8> {
    let sierra = cairn_frontend::load_sierra_json_file(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/cairo1/compiled/fib.sierra.json"),
    )
    .expect("fixture");
    let path = folder.join("fib.so");
    AotProgram::write(sierra, OptLevel::O0, &path).expect("library written");
    std::fs::read(&path).expect("library")
}

#[test]
fn shared_libraries_changed_in_any_byte_are_refused() {
    let folder = tempfile::tempdir().expect("folder");
    let original = library(folder.path());
    let mut rng = Rng::new(7);
    let cases = 200;
    for case in 0..cases {
        let mut bytes = original.clone();
        mutate::mutate_bytes(&mut bytes, &mut rng);
        if bytes == original {
            continue;
        }
        let path = folder.path().join(format!("case{case}.so"));
        std::fs::write(&path, &bytes).expect("written");
        let loaded = catch_unwind(|| AotProgram::load(&path).is_ok());
        assert_eq!(
            loaded.ok(),
            Some(false),
            "case {case}: a changed library was not refused"
        );
        std::fs::remove_file(&path).expect("removed");
    }
    // The original still loads.
    let path = folder.path().join("fib.so");
    assert!(AotProgram::load(&path).is_ok());
}
