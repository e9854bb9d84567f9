//! Pausing every k steps and resuming must end in exactly the state of one uninterrupted run.

use cairn_vm_core::{Layout, RunConfig, Runner};

use crate::support::{printed_output, program, recorded_output, recording};

fn traced(layout: &str, proof_mode: bool) -> RunConfig {
    RunConfig {
        layout: Layout::named(layout).expect("layout"),
        proof_mode,
        trace: true,
        relocate_memory: true,
        ..RunConfig::default()
    }
}

/// Everything observable about a finished run.
#[derive(Debug, PartialEq)]
struct FinalState {
    steps: usize,
    registers: [String; 3],
    output: Vec<String>,
    memory: Vec<Vec<Option<cairn_vm_core::MaybeRelocatable>>>,
    trace: Vec<(usize, usize, usize)>,
    relocated_memory: Vec<Option<cairn_vm_core::Felt252>>,
}

fn final_state(runner: &Runner) -> FinalState {
    assert!(runner.is_finished());
    FinalState {
        steps: runner.step_count(),
        registers: [runner.pc(), runner.ap(), runner.fp()].map(|register| register.to_string()),
        output: printed_output(runner),
        memory: runner.memory_segments(),
        trace: runner
            .relocated_trace()
            .expect("trace")
            .iter()
            .map(|entry| (entry.pc, entry.ap, entry.fp))
            .collect(),
        relocated_memory: runner
            .relocated_memory()
            .expect("relocated memory")
            .to_vec(),
    }
}

fn check_pausing(name: &str, layout: &str, proof_mode: bool) {
    let program = program(name);
    let mut whole = Runner::new(&program, traced(layout, proof_mode)).expect("runner");
    whole.run_until_end().expect("uninterrupted run");
    let expected = final_state(&whole);
    assert!(expected.steps > 0);

    for k in [1, 7, 1000] {
        let mut paused = Runner::new(&program, traced(layout, proof_mode)).expect("runner");
        let mut pauses = 0;
        while !paused.run_steps(k).expect("paused run") {
            assert!(!paused.is_finished());
            assert_eq!(paused.step_count(), (pauses + 1) * k, "{name}: k={k}");
            pauses += 1;
        }
        assert_eq!(
            final_state(&paused),
            expected,
            "{name} paused every {k} steps"
        );
        if k < expected.steps {
            assert!(pauses > 0, "{name}: k={k} should have paused");
        }
    }
}

#[test]
fn fib_paused_matches_uninterrupted() {
    check_pausing("fib", "small", false);
}

#[test]
fn hints_at_many_pcs_paused_match_uninterrupted() {
    check_pausing("hints_in_loop", "starknet", false);
}

#[test]
fn dict_hints_with_scopes_paused_match_uninterrupted() {
    check_pausing("default_dict", "small", false);
    check_pausing("usort", "small", false);
}

#[test]
fn proof_mode_paused_matches_uninterrupted() {
    check_pausing("fib_proof", "small", true);
}

#[test]
fn paused_run_gives_cairo_runs_output() {
    let recording = recording("hints_in_loop");
    let mut runner =
        Runner::new(&program("hints_in_loop"), traced("starknet", false)).expect("runner");
    while !runner.run_steps(13).expect("run") {}
    assert_eq!(printed_output(&runner), recorded_output(&recording));
}

#[test]
fn zero_steps_is_a_pause_and_a_finished_run_stays_finished() {
    let mut runner = Runner::new(&program("fib"), traced("small", false)).expect("runner");
    let start = runner.pc();
    assert!(!runner.run_steps(0).expect("no steps"));
    assert_eq!(runner.pc(), start);
    assert_eq!(runner.step_count(), 0);
    runner.run_until_end().expect("run");
    let steps = runner.step_count();
    assert!(runner.run_steps(10).expect("already finished"));
    assert_eq!(runner.step_count(), steps);
}

#[test]
fn output_is_readable_while_paused() {
    let mut runner = Runner::new(&program("fib"), traced("small", false)).expect("runner");
    let mut seen = Vec::new();
    while !runner.run_steps(1).expect("run") {
        let now = printed_output(&runner);
        assert!(now.starts_with(&seen), "output only grows");
        seen = now;
    }
    assert_eq!(
        seen.len(),
        5,
        "all five values were visible before the run finished"
    );
}
