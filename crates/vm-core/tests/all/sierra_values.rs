//! Each Cairo 1 fixture, run on the VM, returns exactly what the program means (the calls and
//! their expected results are in `sierra_cases.rs`, shared with the native differential test).

use cairn_vm_core::sierra::{SierraOutcome, SierraProgram};
use cairn_vm_core::values::json::args_from_json;

use crate::sierra_cases::{cases, Case, Expect};
use crate::support::sierra_program;

/// Runs one case on the VM and returns its outcome.
pub fn run_case(case: &Case, program: &SierraProgram) -> cairn_vm_core::sierra::SierraResult {
    let func = program.function(case.entry).expect("entry function");
    let json: serde_json::Value = serde_json::from_str(&case.args).expect("args JSON");
    let args = args_from_json(&json, &program.user_param_types(func), program.registry())
        .expect("args fit");
    let mut runner = program.prepare(func, &args, case.gas).expect("prepare");
    runner
        .run_until_end()
        .unwrap_or_else(|error| panic!("{}::{}: {error}", case.program, case.entry))
}

#[test]
fn every_program_returns_what_it_means() {
    let cases = cases();
    let mut programs: Vec<&str> = cases.iter().map(|case| case.program).collect();
    programs.dedup();
    assert!(programs.len() >= 40, "only {} programs", programs.len());
    for case in &cases {
        let program = sierra_program(case.program);
        let result = run_case(case, &program);
        let name = format!("{}::{}({})", case.program, case.entry, case.args);
        match (&case.expect, &result.outcome) {
            (Expect::Values(expected), SierraOutcome::Success(values)) => {
                assert_eq!(values, expected, "{name}")
            }
            (Expect::Panic(expected), SierraOutcome::Panic(data)) => {
                assert_eq!(data, expected, "{name}")
            }
            (_, outcome) => panic!("{name}: unexpected outcome {outcome:?}"),
        }
    }
}

#[test]
fn every_fixture_has_a_case() {
    let cases = cases();
    let dir = crate::support::fixtures_root().join("cairo1/compiled");
    for entry in std::fs::read_dir(&dir).expect("compiled fixtures") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .replace(".sierra.json", "");
        assert!(
            cases.iter().any(|case| case.program == name),
            "no case runs {name}"
        );
    }
}
