//! `cairn run` against what StarkWare's cairo-run printed for every fixture, and its errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod support;
use support::text;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/cairo0")
}

fn cairn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(fixtures())
        .output()
        .expect("cairn runs")
}

/// Asserts a clean failure: non-zero exit, one `error:` line first, no panic, no backtrace.
fn assert_clean_failure(output: &Output) -> String {
    let stderr = text(&output.stderr);
    assert!(
        !output.status.success(),
        "expected failure, stderr: {stderr}"
    );
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
    stderr
}

fn recordings() -> Vec<Value> {
    let text = std::fs::read_to_string(fixtures().join("recordings.json")).expect("recordings");
    serde_json::from_str(&text).expect("JSON")
}

/// Whether a fixture has hints of its own, written in Python.
fn has_python_hints(run: &str) -> bool {
    run.starts_with("py_") || run == "program_input" || run == "mixed_hints"
}

#[test]
fn print_output_matches_cairo_run_for_every_fixture() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut compared, mut skipped) = (0, Vec::new());
    for recording in recordings() {
        let run = recording["run"].as_str().expect("run");
        if recording["flags"].get("hint_locals").is_some() {
            // Its hints call an object the caller passes in; the Python tests cover it.
            skipped.push(run.to_owned());
            continue;
        }
        let layout = recording["flags"]["layout"].as_str().expect("layout");
        let program = recording["program"].as_str().expect("program");
        let mut args = vec!["run", program, "--layout", layout, "--print-output"];
        if recording["flags"]["proof_mode"]
            .as_bool()
            .expect("proof_mode")
        {
            args.push("--proof-mode");
        }
        let input_path = dir.path().join(format!("{run}.input.json"));
        let input_path = input_path.display().to_string();
        if has_python_hints(run) {
            args.push("--python-hints");
            if recording["flags"]["shared_scope"].as_bool() == Some(true) {
                args.push("--shared-scope");
            }
            if let Some(input) = recording["flags"].get("program_input") {
                std::fs::write(&input_path, input.to_string()).expect("write input");
                args.extend(["--program-input", input_path.as_str()]);
            }
        }
        let output = cairn(&args);
        let expected = &recording["cairo_run"];
        if expected["exit_code"] == 0 {
            assert!(output.status.success(), "{run}: {}", text(&output.stderr));
            assert_eq!(
                text(&output.stdout),
                expected["stdout"].as_str().expect("stdout"),
                "{run}"
            );
        } else {
            // cairo-run's first line names file, line, column and pc; cairn names the same.
            // An error cairo-run lets out as a Python traceback (one found as the run ends)
            // is compared by the exception's message, on the traceback's last line.
            let stderr = assert_clean_failure(&output);
            let expected_stderr = expected["stderr"].as_str().expect("stderr");
            let first_line = expected_stderr.lines().next().expect("line");
            let message = match first_line.starts_with("Traceback") {
                true => {
                    let last_line = expected_stderr.lines().last().expect("line");
                    last_line.split_once(": ").expect("exception: message").1
                }
                false => first_line,
            };
            assert!(
                stderr.contains(message),
                "{run}: expected `{message}` in:\n{stderr}"
            );
        }
        compared += 1;
    }
    println!(
        "compared {compared} runs with cairo-run; skipped (objects in hint_locals): {skipped:?}"
    );
    assert!(compared >= 34, "only {compared} compared");
}

#[test]
fn python_hint_errors_show_the_traceback() {
    let output = cairn(&[
        "run",
        "compiled/py_raise.json",
        "--layout",
        "small",
        "--python-hints",
    ]);
    let stderr = assert_clean_failure(&output);
    assert!(
        stderr.contains("py_raise.cairo:3:5: Error at pc=0:0:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("raise ValueError(f\"x is too large: {ids.x}\")"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ValueError: x is too large: 12"),
        "{stderr}"
    );
    assert!(stderr.contains("py_raise.cairo:12:5: (pc=0:7)"), "{stderr}");
}

#[test]
fn a_rust_hint_missing_a_python_variable_points_to_the_shared_scope() {
    // A Python hint sets `initial_dict`; the library's `dict_new` runs in Rust and, with the
    // variables kept apart, cannot see it: the error says why and what shares them.
    let apart = cairn(&[
        "run",
        "compiled/py_shared_scope.json",
        "--layout",
        "small",
        "--python-hints",
    ]);
    let stderr = assert_clean_failure(&apart);
    assert!(stderr.contains("without an initial dict"), "{stderr}");
    assert!(
        stderr.contains("a Python hint set `initial_dict`") && stderr.contains("--shared-scope"),
        "{stderr}"
    );
    let shared = cairn(&[
        "run",
        "compiled/py_shared_scope.json",
        "--layout",
        "small",
        "--python-hints",
        "--shared-scope",
    ]);
    assert!(shared.status.success(), "{}", text(&shared.stderr));
}

#[test]
fn files_written_by_run_match_cairo_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = |name: &str| dir.path().join(name).display().to_string();
    let output = cairn(&[
        "run",
        "compiled/fib_proof.json",
        "--layout",
        "small",
        "--proof_mode",
        "--trace_file",
        &file("trace"),
        "--memory_file",
        &file("memory"),
        "--air_public_input",
        &file("public.json"),
        "--air_private_input",
        &file("private.json"),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let read = |path: &Path| std::fs::read(path).expect("file");
    assert_eq!(
        read(&dir.path().join("trace")),
        read(&fixtures().join("recorded/fib_proof.trace"))
    );
    let json = |bytes: Vec<u8>| -> Value { serde_json::from_slice(&bytes).expect("JSON") };
    assert_eq!(
        json(read(&dir.path().join("public.json"))),
        json(read(&fixtures().join("recorded/fib_proof.air_public.json")))
    );
    let private = json(read(&dir.path().join("private.json")));
    assert_eq!(private["trace_path"], file("trace"));
    assert_eq!(private["memory_path"], file("memory"));
    assert_eq!(
        std::fs::metadata(dir.path().join("memory"))
            .expect("memory")
            .len(),
        std::fs::metadata(fixtures().join("recorded/fib_proof.memory"))
            .expect("memory")
            .len()
    );
}

#[test]
fn cairo_pies_match_cairo_runs_entry_by_entry() {
    use cairn_vm_core::cairo_vm::vm::runners::cairo_pie::CairoPie;

    let dir = tempfile::tempdir().expect("temp dir");
    // As scripts/regen-cairo0-pies.sh records them.
    for (name, layout) in [
        ("pedersen", "small"),
        ("output", "small"),
        ("hints_in_loop", "starknet"),
    ] {
        let ours = dir.path().join(format!("{name}.zip"));
        let output = cairn(&[
            "run",
            &format!("compiled/{name}.json"),
            "--layout",
            layout,
            "--cairo_pie_output",
            ours.to_str().expect("UTF-8 path"),
        ]);
        assert!(output.status.success(), "{name}: {}", text(&output.stderr));
        let read = |path: &Path| {
            CairoPie::read_zip_file(path).unwrap_or_else(|error| panic!("{name}: {error}"))
        };
        let (mut ours, mut theirs) = (
            read(&ours),
            read(&fixtures().join(format!("recorded/{name}.pie.zip"))),
        );
        // cairo-run writes memory cells in another order; the cells are what count.
        ours.memory.0.sort();
        theirs.memory.0.sort();
        assert_eq!(ours.metadata, theirs.metadata, "{name}: metadata");
        assert_eq!(ours.memory, theirs.memory, "{name}: memory");
        assert_eq!(
            ours.execution_resources, theirs.execution_resources,
            "{name}: execution resources"
        );
        assert_eq!(
            ours.additional_data, theirs.additional_data,
            "{name}: additional data"
        );
        assert_eq!(ours.version, theirs.version, "{name}: version");
    }
    let proof = cairn(&[
        "run",
        "compiled/fib_proof.json",
        "--proof_mode",
        "--cairo_pie_output",
        "never.zip",
    ]);
    assert!(!proof.status.success(), "a PIE is not for proof mode");
}

#[test]
fn bad_inputs_fail_with_one_clear_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let malformed = dir.path().join("malformed.json");
    std::fs::write(&malformed, "{ \"prime\": ").expect("write");
    let malformed = malformed.display().to_string();
    let not_cairo0 = dir.path().join("not_cairo0.json");
    std::fs::write(&not_cairo0, r#"{"prime": "0x800000000000011000000000000000000000000000000000000000000000001", "data": 5}"#).expect("write");
    let not_cairo0 = not_cairo0.display().to_string();
    let neither = dir.path().join("neither.json");
    std::fs::write(&neither, r#"{"hello": "world"}"#).expect("write");
    let neither = neither.display().to_string();

    let cases: [(&[&str], &str); 10] = [
        (
            &["run", "compiled/missing.json"],
            "cannot read compiled/missing.json",
        ),
        (&["run", &malformed], "is not valid JSON"),
        (&["run", &not_cairo0], "malformed program JSON"),
        (
            &["run", &neither],
            "neither a compiled Cairo 0 program nor a Sierra program",
        ),
        (
            &["run", "compiled/fib.json", "--entrypoint", "nope"],
            "entrypoint `nope` not found",
        ),
        (
            &["run", "compiled/fib.json", "--layout", "huge"],
            "unknown layout `huge`",
        ),
        (&["run", "compiled/fib.json"], "not present in layout plain"),
        (
            &["run", "compiled/fib.json", "--layout", "dynamic"],
            "needs a parameters file",
        ),
        (
            &["run", "compiled/endless.json", "--max-steps", "500"],
            "step limit of 500 reached",
        ),
        (
            &["run", "compiled/endless.json", "--max-memory-mib", "1"],
            "memory limit of 32768 cells reached",
        ),
    ];
    for (args, expected) in cases {
        let stderr = assert_clean_failure(&cairn(args));
        assert!(
            stderr.contains(expected),
            "{args:?}: expected `{expected}` in {stderr}"
        );
        assert_eq!(
            stderr.lines().count(),
            1,
            "{args:?}: one line, got {stderr}"
        );
    }
}

#[test]
fn proof_mode_without_the_programs_builtins_in_the_layout_says_so() {
    // Proof mode allows missing builtins (as cairo-run does); the program then writes through an
    // output pointer that is 0. The error says why, not only "must be relocatable".
    let stderr = assert_clean_failure(&cairn(&["run", "compiled/fib_proof.json", "--proof_mode"]));
    assert!(
        stderr.contains(
            "note: layout plain lacks builtins the program declares (output), which runs allow \
             in proof mode or with allow-missing-builtins"
        ),
        "{stderr}"
    );
    // With a layout that has it, the same run succeeds.
    let run = cairn(&[
        "run",
        "compiled/fib_proof.json",
        "--proof_mode",
        "--layout",
        "small",
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));
}

#[test]
fn failing_assert_reports_location_and_traceback() {
    let stderr = assert_clean_failure(&cairn(&[
        "run",
        "compiled/assert_fail.json",
        "--layout",
        "small",
    ]));
    assert!(
        stderr.contains("assert_fail.cairo:6:5: Error at pc=0:4:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("An ASSERT_EQ instruction failed: 41 != 42."),
        "{stderr}"
    );
    assert!(
        stderr.contains("assert_fail.cairo:12:5: (pc=0:14)"),
        "{stderr}"
    );
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let output = cairn(&["run", "compiled/fib.json", "--no-such-flag"]);
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("--no-such-flag"));
}

#[test]
fn python_hints_all_runs_the_librarys_hints_as_python() {
    let recording = recordings()
        .into_iter()
        .find(|recording| recording["run"] == "math")
        .expect("the math recording");
    let output = cairn(&[
        "run",
        "compiled/math.json",
        "--layout",
        "small",
        "--print-output",
        "--python-hints=all",
    ]);
    if output.status.success() {
        // cairo-lang is importable here: the library's own Python gives cairo-run's output.
        assert_eq!(
            text(&output.stdout),
            recording["cairo_run"]["stdout"].as_str().expect("stdout")
        );
    } else {
        // Without cairo-lang, the library's hint (run in Rust otherwise) fails on its import.
        let stderr = assert_clean_failure(&output);
        assert!(stderr.contains("No module named 'starkware'"), "{stderr}");
    }
    // A mode that does not exist is a usage error.
    let output = cairn(&["run", "compiled/math.json", "--python-hints=some"]);
    assert!(!output.status.success());
}
