//! Bad input and failing programs give typed errors that name the cause and the location.

use cairn_vm_core::{CairoProgram, Layout, RunConfig, Runner, VmCoreError};

use crate::support::{config, program, program_bytes};

fn load_error(json: &[u8], entrypoint: &str) -> VmCoreError {
    CairoProgram::from_bytes(json, entrypoint).expect_err("the program should be rejected")
}

fn edited_fib(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut json: serde_json::Value =
        serde_json::from_slice(&program_bytes("fib")).expect("fib.json is JSON");
    edit(&mut json);
    serde_json::to_vec(&json).expect("serialise")
}

#[test]
fn malformed_json_is_reported() {
    let error = load_error(b"{\"prime\": ", "main");
    assert!(
        matches!(error, VmCoreError::MalformedProgram(_)),
        "{error:?}"
    );
    assert!(error.to_string().contains("EOF"), "{error}");

    let error = load_error(b"[1, 2, 3]", "main");
    assert!(
        matches!(error, VmCoreError::MalformedProgram(_)),
        "{error:?}"
    );

    let error = load_error(
        &edited_fib(|json| json["data"] = "not a list".into()),
        "main",
    );
    assert!(
        matches!(error, VmCoreError::MalformedProgram(_)),
        "{error:?}"
    );
}

#[test]
fn wrong_prime_is_reported() {
    let error = load_error(&edited_fib(|json| json["prime"] = "0x11".into()), "main");
    match error {
        VmCoreError::WrongPrime { found, .. } => assert_eq!(found, "0x11"),
        other => panic!("expected WrongPrime, got {other:?}"),
    }
}

#[test]
fn missing_entrypoint_is_reported() {
    let error = load_error(&program_bytes("fib"), "not_there");
    assert!(
        matches!(&error, VmCoreError::EntrypointNotFound(name) if name == "not_there"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "entrypoint `not_there` not found in the program"
    );
}

#[test]
fn unknown_builtin_is_reported() {
    let json = edited_fib(|json| json["builtins"] = serde_json::json!(["output", "warp_drive"]));
    let error = load_error(&json, "main");
    assert!(
        matches!(&error, VmCoreError::UnknownBuiltin(name) if name == "warp_drive"),
        "{error:?}"
    );
}

#[test]
fn unknown_layout_lists_the_known_ones() {
    let error = Layout::named("tiny").expect_err("no such layout");
    let message = error.to_string();
    assert!(message.contains("`tiny`"), "{message}");
    assert!(message.contains("starknet_with_keccak"), "{message}");
}

#[test]
fn missing_file_is_reported() {
    let error =
        CairoProgram::from_file("no/such/program.json".as_ref(), "main").expect_err("no such file");
    assert!(matches!(error, VmCoreError::Io { .. }), "{error:?}");
    assert!(
        error.to_string().contains("no/such/program.json"),
        "{error}"
    );
}

#[test]
fn builtin_missing_from_the_layout_is_reported() {
    let error = Runner::new(&program("fib"), config("plain"))
        .err()
        .expect("plain has no output");
    assert!(matches!(error, VmCoreError::Initialization(_)), "{error:?}");
    assert!(error.to_string().contains("output"), "{error}");
}

#[test]
fn failing_assert_names_pc_and_source_location() {
    let mut runner = Runner::new(&program("assert_fail"), config("small")).expect("runner");
    let error = runner.run_until_end().expect_err("the assertion fails");
    let message = error.to_string();
    assert!(matches!(error, VmCoreError::Execution(_)), "{error:?}");
    assert!(
        message.contains("assert_fail.cairo:6:5: Error at pc=0:4:"),
        "{message}"
    );
    assert!(message.contains("41 != 42"), "{message}");
    // The traceback points at the caller.
    assert!(
        message.contains("assert_fail.cairo:12:5: (pc=0:14)"),
        "{message}"
    );
    // A failed run stays failed.
    let again = runner.run_steps(1).expect_err("failed runs do not resume");
    assert!(matches!(again, VmCoreError::InvalidState(_)), "{again:?}");
}

#[test]
fn failing_hint_names_the_hint_and_its_caller() {
    let mut runner = Runner::new(&program("hint_fail"), config("small")).expect("runner");
    let message = runner
        .run_until_end()
        .expect_err("assert_nn(-5) fails")
        .to_string();
    assert!(
        message.contains("math.cairo:52:5: Error at pc=0:0:"),
        "{message}"
    );
    assert!(message.contains("is out of range"), "{message}");
    assert!(
        message.contains("hint_fail.cairo:6:5: (pc=0:7)"),
        "{message}"
    );
}

#[test]
fn step_limit_stops_an_endless_program() {
    let config = RunConfig {
        max_steps: Some(1_000),
        ..RunConfig::default()
    };
    let mut runner = Runner::new(&program("endless"), config).expect("runner");
    let error = runner.run_until_end().expect_err("never ends");
    assert!(
        matches!(error, VmCoreError::StepLimitReached { limit: 1_000, .. }),
        "{error:?}"
    );
    assert_eq!(runner.step_count(), 1_000);
    assert!(
        error
            .to_string()
            .contains("step limit of 1000 reached at pc=0:"),
        "{error}"
    );
}

#[test]
fn step_limit_applies_across_pauses() {
    let config = RunConfig {
        max_steps: Some(25),
        ..RunConfig::default()
    };
    let mut runner = Runner::new(&program("endless"), config).expect("runner");
    assert!(!runner.run_steps(10).expect("under the limit"));
    assert!(!runner.run_steps(10).expect("under the limit"));
    let error = runner.run_steps(10).expect_err("over the limit");
    assert!(matches!(
        error,
        VmCoreError::StepLimitReached { limit: 25, .. }
    ));
    assert_eq!(runner.step_count(), 25);
}

#[test]
fn memory_limit_stops_a_program_whose_memory_grows() {
    // `endless` writes one cell every two steps: past the limit at the first check.
    let config = RunConfig {
        max_memory_cells: Some(1_000),
        ..RunConfig::default()
    };
    let mut runner = Runner::new(&program("endless"), config).expect("runner");
    let error = runner.run_until_end().expect_err("never ends");
    let VmCoreError::MemoryLimitReached { limit, used, .. } = error else {
        panic!("not the memory limit: {error:?}");
    };
    assert_eq!(limit, 1_000);
    assert!(used > cairn_vm_core::MEMORY_CHECK_STEPS / 2, "{used}");
    assert_eq!(runner.step_count(), cairn_vm_core::MEMORY_CHECK_STEPS);
    assert!(runner.run_steps(1).is_err(), "the run stays failed");
}

#[test]
fn a_program_within_the_memory_limit_ends_as_without_one() {
    let mut unlimited = Runner::new(&program("long_loop"), config("small")).expect("runner");
    unlimited.run_until_end().expect("run");
    let limited_config = RunConfig {
        max_memory_cells: Some(usize::MAX),
        ..config("small")
    };
    let mut limited = Runner::new(&program("long_loop"), limited_config).expect("runner");
    limited.run_until_end().expect("run");
    assert_eq!(limited.step_count(), unlimited.step_count());
    assert_eq!(limited.output(), unlimited.output());
}

#[test]
fn a_program_that_fits_the_step_limit_finishes() {
    let mut uninterrupted = Runner::new(&program("fib"), config("small")).expect("runner");
    uninterrupted.run_until_end().expect("run");
    let steps = uninterrupted.step_count();
    let exact = RunConfig {
        max_steps: Some(steps),
        ..config("small")
    };
    let mut runner = Runner::new(&program("fib"), exact).expect("runner");
    runner.run_until_end().expect("exactly enough steps");
    assert!(runner.is_finished());
}

#[test]
fn unknown_hint_without_extension_is_reported() {
    let mut runner = Runner::new(&program("program_input"), config("small")).expect("runner");
    let message = runner
        .run_until_end()
        .expect_err("no extension")
        .to_string();
    assert!(message.contains("Unknown Hint"), "{message}");
    assert!(message.contains("program_input['n']"), "{message}");
    assert!(message.contains("program_input.cairo"), "{message}");
}

#[test]
fn artifacts_before_the_end_are_refused() {
    let runner = Runner::new(&program("fib"), config("small")).expect("runner");
    assert!(matches!(
        runner.write_trace(&mut Vec::new()),
        Err(VmCoreError::InvalidState(_))
    ));
    assert!(matches!(
        runner.air_public_input(),
        Err(VmCoreError::AirInput { kind: "public", .. })
    ));
}

/// A found by the input fuzzer: hint references whose ap-tracking offsets lie past the hint's
/// made cairo-vm subtract with overflow (a panic in debug builds, a wild address in release).
/// Either way the run ends with an error.
#[test]
fn inconsistent_hint_references_end_the_run_with_an_error() {
    let json = {
        let mut json: serde_json::Value =
            serde_json::from_slice(&program_bytes("math")).expect("math.json is JSON");
        let references = json["reference_manager"]["references"]
            .as_array_mut()
            .expect("references");
        assert!(!references.is_empty());
        for reference in references {
            reference["ap_tracking_data"]["offset"] = 1_000_000.into();
        }
        serde_json::to_vec(&json).expect("serialise")
    };
    let program = CairoProgram::from_bytes(&json, "main").expect("still a well-formed program");
    let mut runner = Runner::new(&program, config("small")).expect("runner");
    let error = runner.run_until_end().expect_err("the run cannot succeed");
    assert!(matches!(error, VmCoreError::Execution(_)), "{error:?}");
    // The runner is done with: it neither resumes nor panics.
    assert!(runner.run_steps(10).is_err());
}

/// Found by the Python input fuzzer: a one-character string in `data` made cairo-vm's reader
/// insert past the end of the string (a panic). It is a malformed program.
#[test]
fn a_data_word_cairo_vm_cannot_read_is_a_malformed_program() {
    for word in ["5", "\u{0}", "0x\u{ffff}"] {
        let error = load_error(&edited_fib(|json| json["data"][0] = word.into()), "main");
        assert!(
            matches!(error, VmCoreError::MalformedProgram(_)),
            "{word:?}: {error:?}"
        );
    }
}
