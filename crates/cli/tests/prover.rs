//! `cairn run` on Cairo 1 functions for a prover, against the reference `cairo1-run` (cairo-vm
//! 3.2.0): for every case of tests/fixtures/prover/cases.json, on the committed Sierra, the
//! trace and memory files byte for byte, the AIR inputs as JSON, the Cairo PIE entry by entry,
//! and the returned values or panic data, all recorded by scripts/regen-prover-fixtures.py.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cairn_vm_core::cairo_vm::vm::runners::cairo_pie::CairoPie;
use serde_json::Value;

mod support;
use support::{digest, json, path_arg, read, text};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/prover")
}

fn cairn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(fixtures())
        .output()
        .expect("cairn runs")
}

struct Case {
    name: String,
    program: String,
    args: Value,
    mode: String,
    outputs_only: bool,
}

/// Whether `cairo1-run` wrote files for the case: not for a case compared by its outputs only,
/// nor for a run that panicked (cairo1-run stops before writing them; Cairn writes them, the
/// panic flag in the output, for a prover to prove the panic).
fn has_reference_files(case: &Case) -> bool {
    let panicked = text(&read(&case.reference("stdout"))).starts_with("Run panicked");
    let present = case.reference("files.json").is_file();
    assert_eq!(
        present,
        !case.outputs_only && !panicked,
        "{}: reference files",
        case.name
    );
    present
}

impl Case {
    fn reference(&self, file: &str) -> PathBuf {
        fixtures().join("reference").join(&self.name).join(file)
    }

    /// Runs the case with Cairn, `--json` and the flags of its mode, writing files into
    /// `scratch`.
    fn run(&self, scratch: &Path) -> Output {
        let file = |name: &str| path_arg(&scratch.join(name)).to_owned();
        let program = format!("compiled/{}.sierra.json", self.program);
        let args = self.args.to_string();
        let mut flags = vec![
            "run".to_owned(),
            program,
            "--layout".to_owned(),
            "all_cairo".to_owned(),
            "--json".to_owned(),
            "--args".to_owned(),
            args,
            "--trace-file".to_owned(),
            file("trace.bin"),
            "--memory-file".to_owned(),
            file("memory.bin"),
        ];
        match self.mode.as_str() {
            "proof" => flags.extend([
                "--proof-mode".to_owned(),
                "--air-public-input".to_owned(),
                file("public.json"),
                "--air-private-input".to_owned(),
                file("private.json"),
            ]),
            mode => {
                flags.extend(["--cairo-pie-output".to_owned(), file("pie.zip")]);
                if mode == "append" {
                    flags.push("--append-return-values".to_owned());
                }
            }
        }
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        cairn(&flags)
    }
}

fn cases() -> Vec<Case> {
    let json: Value =
        serde_json::from_slice(&read(&fixtures().join("cases.json"))).expect("cases.json");
    json.as_array()
        .expect("a list of cases")
        .iter()
        .map(|case| Case {
            name: case["name"].as_str().expect("a name").to_owned(),
            program: case["program"].as_str().expect("a program").to_owned(),
            args: case["args"].clone(),
            mode: case["mode"].as_str().expect("a mode").to_owned(),
            outputs_only: case["outputs_only"].is_string(),
        })
        .collect()
}

/// The integers of a text, in order (`cairo1-run` prints values between brackets and braces,
/// a panic's items each followed by its text in parentheses).
fn integers(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for character in text.chars() {
        match character {
            '\'' => quoted = !quoted,
            '0'..='9' if !quoted => current.push(character),
            '-' if !quoted && current.is_empty() => current.push(character),
            _ => {
                if current.chars().any(|c| c.is_ascii_digit()) {
                    found.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.chars().any(|c| c.is_ascii_digit()) {
        found.push(current);
    }
    found
}

/// The leaves of Cairn's `--json` values, in order, as decimal integers.
fn leaves(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|item| leaves(item, into)),
        Value::Object(fields) => fields.values().for_each(|field| leaves(field, into)),
        Value::String(text) => into.push(text.clone()),
        Value::Number(number) => into.push(number.to_string()),
        Value::Bool(flag) => into.push(u8::from(*flag).to_string()),
        Value::Null => {}
    }
}

#[test]
fn prover_runs_give_cairo1_runs_values_and_panics() {
    for case in cases() {
        let scratch = tempfile::tempdir().expect("a scratch folder");
        let output = case.run(scratch.path());
        let report: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|error| panic!("{}: {error}: {}", case.name, text(&output.stderr)));
        let printed = text(&read(&case.reference("stdout")));
        let mut ours = Vec::new();
        if let Some(line) = printed.strip_prefix("Run panicked with: ") {
            assert!(!output.status.success(), "{}: a panic fails", case.name);
            leaves(&report["panic_data"], &mut ours);
            if case.mode != "pie" {
                // The panic data as copied to the output: its length first.
                ours.insert(0, ours.len().to_string());
            }
            assert_eq!(ours, integers(line), "{}: panic data", case.name);
        } else {
            assert!(
                output.status.success(),
                "{}: {}",
                case.name,
                text(&output.stderr)
            );
            leaves(&report["values"], &mut ours);
            let line = printed
                .strip_prefix("Program Output : ")
                .unwrap_or_else(|| panic!("{}: cairo1-run printed {printed}", case.name));
            assert_eq!(ours, integers(line), "{}: values", case.name);
        }
    }
}

/// Runs the case into a scratch folder, checking its trace and memory files against
/// `cairo1-run`'s digests; the folder holds the run's other files.
fn run_with_same_trace_and_memory(case: &Case) -> tempfile::TempDir {
    let scratch = tempfile::tempdir().expect("a scratch folder");
    case.run(scratch.path());
    let files = json(&case.reference("files.json"));
    for (file, kind) in [("trace.bin", "trace"), ("memory.bin", "memory")] {
        assert_eq!(
            digest(&scratch.path().join(file)),
            files[kind],
            "{}: {kind} file",
            case.name
        );
    }
    scratch
}

#[test]
fn proof_mode_writes_cairo1_runs_trace_memory_and_air_inputs() {
    for case in cases() {
        if case.mode != "proof" || !has_reference_files(&case) {
            continue;
        }
        let scratch = run_with_same_trace_and_memory(&case);
        let file = |name: &str| scratch.path().join(name);
        assert_eq!(
            json(&file("public.json")),
            json(&case.reference("air_public_input.json")),
            "{}: AIR public input",
            case.name
        );
        let mut private = json(&file("private.json"));
        let trace = file("trace.bin").canonicalize().expect("the trace file");
        assert_eq!(private["trace_path"].as_str(), Some(path_arg(&trace)));
        private["trace_path"] = Value::from("TRACE_FILE");
        private["memory_path"] = Value::from("MEMORY_FILE");
        assert_eq!(
            private,
            json(&case.reference("air_private_input.json")),
            "{}: AIR private input",
            case.name
        );
    }
}

#[test]
fn runs_outside_proof_mode_write_cairo1_runs_files_and_cairo_pie() {
    for case in cases() {
        if case.mode == "proof" || !has_reference_files(&case) {
            continue;
        }
        let scratch = run_with_same_trace_and_memory(&case);
        let file = |name: &str| scratch.path().join(name);
        let load = |path: &Path| {
            CairoPie::read_zip_file(path).unwrap_or_else(|error| panic!("{}: {error}", case.name))
        };
        let (ours, theirs) = (
            load(&file("pie.zip")),
            load(&case.reference("cairo_pie.zip")),
        );
        assert_eq!(
            ours.metadata, theirs.metadata,
            "{}: PIE metadata",
            case.name
        );
        assert_eq!(ours.memory, theirs.memory, "{}: PIE memory", case.name);
        assert_eq!(
            ours.execution_resources, theirs.execution_resources,
            "{}: PIE resources",
            case.name
        );
        assert_eq!(
            ours.additional_data, theirs.additional_data,
            "{}: PIE data",
            case.name
        );
    }
}

#[test]
fn prover_flags_that_do_not_fit_are_clear_errors() {
    let failure = |args: &[&str]| {
        let output = cairn(args);
        assert!(!output.status.success(), "{args:?} succeeded");
        text(&output.stderr)
    };
    let values = "compiled/values.sierra.json";
    // Proof mode takes cairo1-run's signature only.
    let error = failure(&["run", values, "--proof-mode", "--args", "[5, [1]]"]);
    assert!(error.contains("Array<felt252>"), "{error}");
    // The native backend writes no prover files.
    let error = failure(&["run", values, "--backend", "native", "--trace-file", "t"]);
    assert!(
        error.contains("--trace-file is for a prover's run"),
        "{error}"
    );
    // Nested arrays are beyond cairo1-run's arguments.
    let error = failure(&[
        "run",
        values,
        "--layout",
        "all_cairo",
        "--args",
        "[5, [[1]]]",
    ]);
    assert!(error.contains("--args"), "{error}");
    // Gas is not metered in a prover's run.
    let error = failure(&[
        "run",
        "compiled/fib.sierra.json",
        "--proof-mode",
        "--available-gas",
        "10",
        "--args",
        "[[1]]",
    ]);
    assert!(error.contains("--available-gas does not apply"), "{error}");
    // Cairo 0's own flags stay Cairo 0's.
    let error = failure(&["run", values, "--secure-run", "true"]);
    assert!(
        error.contains("--secure-run applies to compiled Cairo 0"),
        "{error}"
    );
}
