//! Every cairo-vm layout runs, and programs using each builtin run on the layouts that have it.

use cairn_vm_core::{Layout, RunConfig, ALL_LAYOUTS};

use crate::extension::ToyHints;
use crate::support::{fixtures_dir, printed_output, recorded_output, recording, run_to_end};

#[test]
fn fib_runs_on_every_layout_with_an_output_builtin() {
    let expected = recorded_output(&recording("fib"));
    for layout in ALL_LAYOUTS.map(|layout| layout.to_str()) {
        let layout = match layout {
            // plain has no builtins at all; errors.rs checks that it refuses fib.
            "plain" => continue,
            "dynamic" => {
                Layout::dynamic(&fixtures_dir().join("dynamic_layout_params.json")).expect("params")
            }
            name => Layout::named(name).expect("layout"),
        };
        let name = layout.name();
        let runner = run_to_end(
            "fib",
            RunConfig {
                layout,
                ..RunConfig::default()
            },
        );
        assert_eq!(printed_output(&runner), expected, "layout {name}");
    }
}

#[test]
fn proof_mode_runs_on_a_bigger_layout() {
    let config = RunConfig {
        layout: Layout::named("all_cairo").expect("layout"),
        proof_mode: true,
        ..RunConfig::default()
    };
    let runner = run_to_end("fib_proof", config);
    assert_eq!(
        printed_output(&runner),
        recorded_output(&recording("fib_proof"))
    );
    // Proof mode pads the trace to a power of two.
    assert!(
        runner.step_count().is_power_of_two(),
        "{}",
        runner.step_count()
    );
}

#[test]
fn every_recorded_builtin_program_matches_cairo_run() {
    let mut checked = 0;
    for recording in crate::support::recordings() {
        // py_* fixtures have Python hints, which the bridge's tests run against these same
        // recordings.
        if recording.exit_code != 0 || recording.run.starts_with("py_") {
            continue;
        }
        let program =
            cairn_vm_core::CairoProgram::from_file(&recording.program, "main").expect("program");
        let config = RunConfig {
            layout: Layout::named(&recording.layout).expect("layout"),
            proof_mode: recording.proof_mode,
            ..RunConfig::default()
        };
        // The toy extension stands in for Python in the two programs with hints of their own.
        let extension = Box::new(ToyHints::new(23));
        let mut runner = cairn_vm_core::Runner::with_hint_extension(&program, config, extension)
            .expect("runner");
        runner
            .run_until_end()
            .unwrap_or_else(|error| panic!("{}: {error}", recording.run));
        assert_eq!(
            printed_output(&runner),
            recorded_output(&recording),
            "{}",
            recording.run
        );
        checked += 1;
    }
    assert!(checked >= 24, "only {checked} recordings checked");
}

#[test]
fn dynamic_layout_parameters_that_divide_must_not_be_zero() {
    let text = std::fs::read_to_string(fixtures_dir().join("dynamic_layout_params.json"))
        .expect("parameters");
    let mut params: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    params["add_mod_ratio_den"] = serde_json::json!(0);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("params.json");
    std::fs::write(&file, params.to_string()).expect("write");
    let error = Layout::dynamic(&file).expect_err("a zero denominator");
    assert!(
        error.to_string().contains("add_mod_ratio_den is 0"),
        "{error}"
    );
}
