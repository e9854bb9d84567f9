//! Fixtures shared by the tests: the compiled Cairo 0 programs and cairo-run's recordings.

use std::path::PathBuf;

use cairn_vm_core::{CairoProgram, Layout, MaybeRelocatable, RunConfig, Runner};
use serde_json::Value;

pub fn fixtures_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

pub fn fixtures_dir() -> PathBuf {
    fixtures_root().join("cairo0")
}

/// A Cairo 1 fixture's committed Sierra, compiled to CASM.
pub fn sierra_program(name: &str) -> cairn_vm_core::sierra::SierraProgram {
    let path = fixtures_root().join(format!("cairo1/compiled/{name}.sierra.json"));
    let program = cairn_frontend::load_sierra_json_file(&path)
        .unwrap_or_else(|error| panic!("{name}: {error}"));
    cairn_vm_core::sierra::SierraProgram::new(program)
        .unwrap_or_else(|error| panic!("{name}: {error}"))
}

pub fn program(name: &str) -> CairoProgram {
    let path = fixtures_dir().join("compiled").join(format!("{name}.json"));
    CairoProgram::from_file(&path, "main").unwrap_or_else(|error| panic!("{name}: {error}"))
}

pub fn program_bytes(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join("compiled").join(format!("{name}.json"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

pub fn config(layout: &str) -> RunConfig {
    RunConfig {
        layout: Layout::named(layout).expect("a known layout"),
        ..RunConfig::default()
    }
}

/// Runs a fixture to its end and returns the runner.
pub fn run_to_end(name: &str, config: RunConfig) -> Runner<'static> {
    let mut runner = Runner::new(&program(name), config).expect("runner");
    runner
        .run_until_end()
        .unwrap_or_else(|error| panic!("{name}: {error}"));
    runner
}

/// One run recorded from StarkWare's cairo-run by scripts/regen_cairo0_fixtures.py.
pub struct Recording {
    pub run: String,
    pub program: PathBuf,
    pub layout: String,
    pub proof_mode: bool,
    pub exit_code: i64,
    pub stdout: String,
    pub files: Value,
}

pub fn recordings() -> Vec<Recording> {
    let path = fixtures_dir().join("recordings.json");
    let text = std::fs::read_to_string(&path).expect("recordings.json");
    let runs: Vec<Value> = serde_json::from_str(&text).expect("recordings.json is JSON");
    runs.into_iter()
        .map(|run| Recording {
            run: run["run"].as_str().expect("run").to_owned(),
            program: fixtures_dir().join(run["program"].as_str().expect("program")),
            layout: run["flags"]["layout"].as_str().expect("layout").to_owned(),
            proof_mode: run["flags"]["proof_mode"].as_bool().expect("proof_mode"),
            exit_code: run["cairo_run"]["exit_code"].as_i64().expect("exit_code"),
            stdout: run["cairo_run"]["stdout"]
                .as_str()
                .expect("stdout")
                .to_owned(),
            files: run["files"].clone(),
        })
        .collect()
}

pub fn recording(run: &str) -> Recording {
    recordings()
        .into_iter()
        .find(|recording| recording.run == run)
        .unwrap_or_else(|| panic!("no recording named {run}"))
}

/// The integers of a run's output, as cairo-run prints them.
pub fn printed_output(runner: &Runner) -> Vec<String> {
    runner
        .output()
        .iter()
        .map(cairn_vm_core::output::format_output_value)
        .collect()
}

/// The values cairo-run printed after `Program output:`.
pub fn recorded_output(recording: &Recording) -> Vec<String> {
    recording
        .stdout
        .lines()
        .skip_while(|line| *line != "Program output:")
        .skip(1)
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn felt(value: &MaybeRelocatable) -> cairn_vm_core::Felt252 {
    match value {
        MaybeRelocatable::Int(felt) => *felt,
        other => panic!("expected an integer, got {other}"),
    }
}
