//! Cairo executables on the VM: both entry points, paused and resumed, panics, bad input.
//! (The files a run writes are compared with `cairo-execute`'s in the CLI's tests.)

use cairn_vm_core::{
    ExecutableProgram, ExecutableRunner, ExecuteConfig, ExecutionMode, Felt252, Layout, VmCoreError,
};

use crate::support::fixtures_root;

fn executable(name: &str) -> ExecutableProgram {
    let path = fixtures_root().join(format!("executables/compiled/{name}.executable.json"));
    ExecutableProgram::from_file(&path).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn felts(values: &[i64]) -> Vec<Felt252> {
    values.iter().map(|value| Felt252::from(*value)).collect()
}

fn standalone() -> ExecuteConfig {
    ExecuteConfig {
        mode: ExecutionMode::Standalone,
        trace: true,
        relocate_memory: true,
        ..ExecuteConfig::default()
    }
}

fn output(runner: &mut ExecutableRunner) -> String {
    runner.output_text().expect("the output")
}

#[test]
fn both_entry_points_give_the_executables_output() {
    let program = executable("fib");
    for config in [ExecuteConfig::default(), standalone()] {
        let mode = config.mode;
        let mut runner = ExecutableRunner::new(&program, &felts(&[20]), config).expect("ready");
        runner.run_until_end().expect("runs");
        assert_eq!(output(&mut runner), "6765\n20\n", "{mode:?}");
    }
}

#[test]
fn a_standalone_run_paused_and_resumed_writes_the_same_files() {
    let program = executable("fib");
    let mut whole = ExecutableRunner::new(&program, &felts(&[300]), standalone()).expect("ready");
    whole.run_until_end().expect("runs");
    let mut paused = ExecutableRunner::new(&program, &felts(&[300]), standalone()).expect("ready");
    let mut pauses = 0;
    while !paused.run_steps(997).expect("runs") {
        pauses += 1;
    }
    assert!(pauses > 3, "the run pauses ({pauses} times)");
    let files = |runner: &ExecutableRunner| {
        let mut trace = Vec::new();
        let mut memory = Vec::new();
        runner.runner().write_trace(&mut trace).expect("trace");
        runner.runner().write_memory(&mut memory).expect("memory");
        // The public input's segments are a map, written in no fixed order: compare as JSON.
        let public: serde_json::Value =
            serde_json::from_str(&runner.runner().air_public_input().expect("public input"))
                .expect("JSON");
        (trace, memory, public)
    };
    let (whole_files, paused_files) = (files(&whole), files(&paused));
    assert!(
        whole_files.0 == paused_files.0,
        "pausing changes not the trace"
    );
    assert!(
        whole_files.1 == paused_files.1,
        "pausing changes not the memory"
    );
    assert_eq!(
        whole_files.2, paused_files.2,
        "pausing changes not the public input"
    );
    // Proof mode pads the trace to the layout's builtin ratios (a power of two).
    assert!(whole.runner().step_count().is_power_of_two());
}

#[test]
fn a_bootloader_run_becomes_a_cairo_pie_and_a_standalone_one_does_not() {
    let program = executable("fib");
    let mut runner =
        ExecutableRunner::new(&program, &felts(&[5]), ExecuteConfig::default()).expect("ready");
    runner.run_until_end().expect("runs");
    let pie = runner.runner().cairo_pie().expect("a PIE");
    assert_eq!(
        pie.metadata.program.builtins,
        program
            .builtins(ExecutionMode::Bootloader)
            .expect("a bootloader entry point")
    );
    let mut proof = ExecutableRunner::new(&program, &felts(&[5]), standalone()).expect("ready");
    proof.run_until_end().expect("runs");
    assert!(matches!(
        proof.runner().cairo_pie(),
        Err(VmCoreError::CairoPie(_))
    ));
}

#[test]
fn a_panic_carries_its_data_and_message() {
    let program = executable("panics");
    let mut runner =
        ExecutableRunner::new(&program, &felts(&[7, 0]), ExecuteConfig::default()).expect("ready");
    match runner.run_until_end() {
        Err(VmCoreError::Panicked { message, data, .. }) => {
            assert_eq!(message, "Panicked with \"division by zero\".");
            assert_eq!(runner.panic_data(), Some(data.as_slice()));
        }
        other => panic!("expected a panic, got {other:?}"),
    }
    let mut fine =
        ExecutableRunner::new(&program, &felts(&[17, 5]), ExecuteConfig::default()).expect("ready");
    fine.run_until_end().expect("runs");
    assert_eq!(output(&mut fine), "3\n2\n");
    assert_eq!(fine.panic_data(), None);
}

#[test]
fn the_step_limit_stops_a_long_run() {
    let program = executable("fib");
    let config = ExecuteConfig {
        max_steps: Some(1_000),
        ..ExecuteConfig::default()
    };
    let mut runner = ExecutableRunner::new(&program, &felts(&[100_000]), config).expect("ready");
    assert!(matches!(
        runner.run_until_end(),
        Err(VmCoreError::StepLimitReached { limit: 1_000, .. })
    ));
}

#[test]
fn bad_input_is_a_clear_error() {
    let not_json = ExecutableProgram::from_json(b"{\"program\": 3}");
    assert!(
        matches!(&not_json, Err(VmCoreError::MalformedProgram(reason)) if reason.contains("not a Cairo executable")),
        "{not_json:?}"
    );
    let missing = ExecutableProgram::from_file("no/such/file.executable.json".as_ref());
    assert!(matches!(missing, Err(VmCoreError::Io { .. })));
    // Too few arguments: the executable's wrapper fails to deserialize them (a panic).
    let program = executable("panics");
    let mut runner =
        ExecutableRunner::new(&program, &felts(&[7]), ExecuteConfig::default()).expect("ready");
    match runner.run_until_end() {
        Err(VmCoreError::Panicked { message, .. }) => {
            assert!(
                message.contains("Failed to deserialize param #1"),
                "{message}"
            )
        }
        other => panic!("expected a panic, got {other:?}"),
    }
    let plain_layout = ExecuteConfig {
        layout: Layout::named("plain").expect("a layout"),
        ..standalone()
    };
    let mut plain = ExecutableRunner::new(&executable("builtins"), &felts(&[1, 1]), plain_layout)
        .expect("missing builtins are allowed in proof mode");
    let error = plain
        .run_until_end()
        .expect_err("the plain layout has no pedersen");
    assert!(error.to_string().contains("lacks builtins"), "{error}");
}

#[test]
fn a_run_of_over_a_million_steps_ends_with_the_right_output() {
    let program = executable("fib");
    let mut runner = ExecutableRunner::new(&program, &felts(&[50_000]), ExecuteConfig::default())
        .expect("ready");
    runner.run_until_end().expect("runs");
    assert!(
        runner.runner().step_count() > 1_000_000,
        "{} steps",
        runner.runner().step_count()
    );
    // Fibonacci(50,000) modulo 2^64, computed in Python.
    assert_eq!(output(&mut runner), "17639955447011872741\n50000\n");
}
