//! Rust programs run Cairo 0 with Python hints through an embedded interpreter.

use std::path::PathBuf;

use cairn_hint_bridge_py::{run_program, BridgeError, PythonHintOptions};
use cairn_vm_core::output::format_output_value;
use cairn_vm_core::{CairoProgram, Layout, RunConfig};

fn program(name: &str) -> CairoProgram {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/cairo0/compiled")
        .join(format!("{name}.json"));
    CairoProgram::from_file(&path, "main").expect("fixture loads")
}

fn input(json: &str) -> PythonHintOptions<'_> {
    PythonHintOptions {
        program_input: Some(json),
        ..PythonHintOptions::default()
    }
}

fn small() -> RunConfig {
    RunConfig {
        layout: Layout::named("small").expect("layout"),
        ..RunConfig::default()
    }
}

fn printed(runner: &cairn_vm_core::Runner) -> Vec<String> {
    runner.output().iter().map(format_output_value).collect()
}

#[test]
fn python_hints_see_the_program_input() {
    let runner =
        run_program(&program("program_input"), small(), input(r#"{"n": 23}"#)).expect("run");
    assert_eq!(printed(&runner), ["23", "28657"]);
}

#[test]
fn rust_hints_and_python_hints_share_a_run() {
    let runner =
        run_program(&program("py_scopes"), small(), PythonHintOptions::default()).expect("run");
    assert_eq!(printed(&runner), ["101", "6", "9"]);
    let runner = run_program(
        &program("mixed_hints"),
        small(),
        PythonHintOptions::default(),
    )
    .expect("run");
    assert_eq!(printed(&runner), ["56", "2", "34"]);
}

#[test]
fn a_python_exception_is_an_error_with_its_traceback() {
    let error = run_program(&program("py_raise"), small(), PythonHintOptions::default())
        .err()
        .expect("the hint raises");
    let message = error.to_string();
    assert!(matches!(error, BridgeError::Vm(_)), "{error:?}");
    assert!(
        message.contains("py_raise.cairo:3:5: Error at pc=0:0:"),
        "{message}"
    );
    assert!(
        message.contains("ValueError: x is too large: 12"),
        "{message}"
    );
    assert!(
        message.contains("Traceback (most recent call last)"),
        "{message}"
    );
}

#[test]
fn bad_program_input_is_reported() {
    let error = run_program(&program("program_input"), small(), input("{not json"))
        .err()
        .expect("bad JSON");
    assert!(matches!(error, BridgeError::Python(_)), "{error:?}");
}
