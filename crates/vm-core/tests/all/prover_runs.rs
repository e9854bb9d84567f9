//! Plain Cairo 1 functions run for a prover (as cairo-vm's `cairo1-run` runs them): the
//! returned array and the input in the output segment, panics, dictionaries, pause and resume,
//! the files of a run, and the signatures proof mode refuses. (The files are compared with
//! `cairo1-run`'s in the CLI's tests.)

use cairn_vm_core::sierra::{ProverArg, ProverRunConfig, SierraOutcome, SierraProgram};
use cairn_vm_core::values::Value;
use cairn_vm_core::{Felt252, Layout, MaybeRelocatable, VmCoreError};

use crate::support::fixtures_root;

fn prover_program(name: &str) -> SierraProgram {
    let path = fixtures_root().join(format!("prover/compiled/{name}.sierra.json"));
    let program = cairn_frontend::load_sierra_json_file(&path)
        .unwrap_or_else(|error| panic!("{name}: {error}"));
    SierraProgram::new(program).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn proof_mode() -> ProverRunConfig {
    ProverRunConfig {
        layout: Layout::named("all_cairo").expect("a layout"),
        proof_mode: true,
        trace: true,
        relocate_memory: true,
        finalize_builtins: true,
        ..ProverRunConfig::default()
    }
}

fn array(values: &[u64]) -> ProverArg {
    ProverArg::Array(values.iter().map(|value| Felt252::from(*value)).collect())
}

fn felts(values: &[u64]) -> Vec<Felt252> {
    values.iter().map(|value| Felt252::from(*value)).collect()
}

/// The output segment's cells, as integers.
fn output_cells(runner: &cairn_vm_core::Runner) -> Vec<Felt252> {
    runner
        .output()
        .iter()
        .map(|cell| match cell {
            MaybeRelocatable::Int(felt) => *felt,
            other => panic!("output cell {other}"),
        })
        .collect()
}

#[test]
fn proof_mode_puts_the_result_then_the_input_in_the_output() {
    let program = prover_program("fib");
    let func = program.function("main").expect("main");
    let mut run = program
        .prepare_for_prover(func, &[array(&[10])], proof_mode())
        .expect("ready");
    let result = run.run_until_end().expect("runs");
    let fib = [1, 1, 2, 3, 5, 8, 13, 21, 34, 55];
    assert_eq!(
        result.outcome,
        SierraOutcome::Success(vec![Value::Array(
            felts(&fib).into_iter().map(Value::Felt252).collect()
        )])
    );
    // `main` can panic (`input.at(0)`), so the panic flag (0) comes first.
    let mut expected = vec![0, 10];
    expected.extend(fib);
    expected.extend([1, 10]);
    assert_eq!(output_cells(run.runner()), felts(&expected));
    // Proof mode pads the run to a power of two steps.
    assert!(run.runner().step_count().is_power_of_two());
    assert!(run
        .runner()
        .air_public_input()
        .expect("public input")
        .contains("\"layout\""));
}

#[test]
fn a_panic_in_proof_mode_is_its_data_after_the_panic_flag() {
    let program = prover_program("panics");
    let func = program.function("main").expect("main");
    let mut run = program
        .prepare_for_prover(func, &[array(&[0])], proof_mode())
        .expect("ready");
    let result = run.run_until_end().expect("the run itself succeeds");
    let SierraOutcome::Panic(data) = &result.outcome else {
        panic!("expected a panic, got {:?}", result.outcome);
    };
    let output = output_cells(run.runner());
    assert_eq!(output[0], Felt252::ONE, "the panic flag");
    assert_eq!(
        output[1],
        Felt252::from(data.len()),
        "the panic data's length"
    );
    assert_eq!(&output[2..2 + data.len()], data.as_slice());
    // The ByteArray panic's first word is the marker of a formatted message.
    assert!(result.summary_line().contains("division by zero"));
}

#[test]
fn dictionaries_are_squashed_and_their_segments_follow_one_another() {
    let program = prover_program("dicts");
    let func = program.function("main").expect("main");
    let mut run = program
        .prepare_for_prover(func, &[array(&[3, 5, 3, 7, 5, 3])], proof_mode())
        .expect("ready");
    run.run_until_end().expect("runs");
    let expected = [
        12, 3, 1, 2, 1, 3, 1, 1, 0, 2, 1, 3, 1, // counts and repeats per input value
        6, 3, 5, 3, 7, 5, 3, // the input
    ];
    assert_eq!(output_cells(run.runner()), felts(&expected));
    // No temporary segment is left: relocating memory (for the memory file) succeeded.
    let mut memory = Vec::new();
    run.runner().write_memory(&mut memory).expect("memory");
    assert!(!memory.is_empty());
}

#[test]
fn a_paused_prover_run_writes_the_same_files() {
    let program = prover_program("fib");
    let func = program.function("main").expect("main");
    let files = |pause: Option<usize>| {
        let mut run = program
            .prepare_for_prover(func, &[array(&[200])], proof_mode())
            .expect("ready");
        match pause {
            None => {
                run.run_until_end().expect("runs");
            }
            Some(steps) => {
                let mut pauses = 0;
                while !run.run_steps(steps).expect("runs") {
                    pauses += 1;
                }
                assert!(pauses > 3, "the run pauses");
            }
        }
        let (mut trace, mut memory) = (Vec::new(), Vec::new());
        run.runner().write_trace(&mut trace).expect("trace");
        run.runner().write_memory(&mut memory).expect("memory");
        let public: serde_json::Value =
            serde_json::from_str(&run.runner().air_public_input().expect("public input"))
                .expect("JSON");
        (trace, memory, public)
    };
    assert!(files(None) == files(Some(331)));
}

#[test]
fn outside_proof_mode_any_values_come_back_from_the_stack() {
    let program = prover_program("values");
    let func = program.function("main").expect("main");
    let config = ProverRunConfig {
        layout: Layout::named("all_cairo").expect("a layout"),
        finalize_builtins: true,
        ..ProverRunConfig::default()
    };
    let mut run = program
        .prepare_for_prover(
            func,
            &[ProverArg::Felt(Felt252::from(5)), array(&[3, 9, 4])],
            config,
        )
        .expect("ready");
    let result = run.run_until_end().expect("runs");
    let SierraOutcome::Success(values) = &result.outcome else {
        panic!("expected values, got {:?}", result.outcome);
    };
    let Value::Struct(members) = &values[0] else {
        panic!("a struct, got {values:?}");
    };
    assert_eq!(members[0], Value::U64(16));
    assert_eq!(members[1], Value::U32(9));
    assert!(result.builtins.contains_key("pedersen"));
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let pie = scratch.path().join("values.zip");
    run.runner()
        .write_cairo_pie(&pie, false)
        .expect("a Cairo PIE");
    assert!(std::fs::metadata(&pie).expect("written").len() > 0);
}

#[test]
fn proof_mode_refuses_other_signatures_and_wrong_arguments() {
    let values = prover_program("values");
    let func = values.function("main").expect("main");
    let error = values
        .prepare_for_prover(func, &[], proof_mode())
        .err()
        .expect("refused");
    assert!(
        matches!(&error, VmCoreError::Arguments(message) if message.contains("Array<felt252>")),
        "{error}"
    );

    let fib = prover_program("fib");
    let func = fib.function("main").expect("main");
    let error = fib
        .prepare_for_prover(func, &[ProverArg::Felt(Felt252::ONE)], proof_mode())
        .err()
        .expect("refused");
    assert!(
        matches!(&error, VmCoreError::Arguments(message) if message.contains("take 2 cells")),
        "{error}"
    );
}
