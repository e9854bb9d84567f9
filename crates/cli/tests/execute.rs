//! `cairn execute` against the reference `cairo-execute` 2.20.0: for every case of
//! tests/fixtures/executables/cases.json, the files of a standalone run (trace and memory byte
//! for byte, the AIR inputs as JSON), the Cairo PIE of a bootloader run, the printed outputs
//! and panics, all recorded by scripts/regen-executable-fixtures.py; the executables Cairn
//! compiles equal to `cairo-execute --build-only`'s; the native backend's outputs and panics
//! equal to the VM's.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cairn_vm_core::cairo_vm::vm::runners::cairo_pie::CairoPie;
use serde_json::Value;
use sha2::{Digest, Sha256};

mod support;
use support::{corelib, digest, json, path_arg, read, text};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/executables")
}

fn cairn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(fixtures())
        .output()
        .expect("cairn runs")
}

/// Checks what a run printed against the regeneration script's record of `cairo-execute`'s:
/// the same output, or the same panic, or (another failure) a failure with the same cause.
fn assert_outcome(output: &Output, expected: &str, what: &str) {
    if let Some(cause) = expected
        .lines()
        .find_map(|line| line.strip_prefix("cause: "))
    {
        let stderr = text(&output.stderr);
        assert!(
            !output.status.success(),
            "{what}: succeeded, expected {expected}"
        );
        assert!(
            stderr.contains(cause),
            "{what}: {stderr}, expected the cause {cause}"
        );
        return;
    }
    let printed = if output.status.success() {
        text(&output.stdout)
    } else {
        let stderr = text(&output.stderr);
        let first = stderr.trim().lines().next().unwrap_or_default().to_owned();
        format!("error: {}\n", first.trim_start_matches("error: "))
    };
    assert_eq!(printed, expected, "{what}");
}

struct Case {
    name: String,
    source: String,
    executable: Option<String>,
    args: String,
    /// Flags of the run.
    flags: Vec<String>,
    /// Flags of the build (`--allow-syscalls`).
    build_flags: Vec<String>,
    /// The run's EcState starts from a random point: memory values differ run to run (under
    /// `cairo-execute` too), so the memory is compared by its addresses.
    random_memory: bool,
    /// Over a million steps: the AIR private input and the Cairo PIE are recorded as digests.
    large: bool,
}

impl Case {
    /// The compiled executable's file name, as the regeneration script names it.
    fn compiled(&self) -> String {
        let stem = self.source.trim_end_matches(".cairo");
        match &self.executable {
            Some(path) => format!(
                "compiled/{stem}_{}.executable.json",
                path.rsplit("::").next().unwrap_or(path)
            ),
            None => format!("compiled/{stem}.executable.json"),
        }
    }

    /// `cairn execute --prebuilt` on the case's executable with its arguments, its run flags,
    /// `--print-outputs` and `extra` flags.
    fn run_prebuilt(&self, extra: &[&str]) -> Output {
        let compiled = self.compiled();
        let mut args = vec![
            "execute",
            "--prebuilt",
            &compiled,
            "--args",
            &self.args,
            "--print-outputs",
        ];
        args.extend(self.flags.iter().map(String::as_str));
        args.extend(extra);
        cairn(&args)
    }

    fn reference(&self, file: &str) -> PathBuf {
        fixtures().join("reference").join(&self.name).join(file)
    }
}

/// A JSON list of strings (none when absent).
fn strings(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| item.as_str().expect("a string").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn cases() -> Vec<Case> {
    let json: Value =
        serde_json::from_slice(&std::fs::read(fixtures().join("cases.json")).expect("cases.json"))
            .expect("JSON");
    let field = |case: &Value, name: &str| case[name].as_str().map(str::to_owned);
    json.as_array()
        .expect("a list of cases")
        .iter()
        .map(|case| Case {
            name: field(case, "name").expect("a name"),
            source: field(case, "source").expect("a source"),
            executable: field(case, "executable"),
            args: field(case, "args").expect("args"),
            flags: strings(&case["flags"]),
            build_flags: strings(&case["build_flags"]),
            random_memory: case["random_memory"].as_bool().unwrap_or(false),
            large: case["large"].as_bool().unwrap_or(false),
        })
        .collect()
}

/// The digest of a memory file's addresses (each cell: an 8-byte address, a 32-byte value).
fn addresses_digest(path: &Path) -> Value {
    let data = read(path);
    let addresses: Vec<u8> = data
        .chunks(40)
        .flat_map(|cell| cell[..8].to_vec())
        .collect();
    serde_json::json!({
        "addresses_sha256": Sha256::digest(&addresses)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect::<String>(),
        "bytes": data.len(),
    })
}

#[test]
fn standalone_runs_write_cairo_executes_trace_memory_and_air_inputs() {
    for case in cases() {
        let scratch = tempfile::tempdir().expect("a scratch folder");
        let file = |name: &str| scratch.path().join(name);
        let (trace, memory) = (file("trace.bin"), file("memory.bin"));
        let (public, private) = (file("public.json"), file("private.json"));
        let output = case.run_prebuilt(&[
            "--standalone",
            "--trace-file",
            path_arg(&trace),
            "--memory-file",
            path_arg(&memory),
            "--air-public-input",
            path_arg(&public),
            "--air-private-input",
            path_arg(&private),
        ]);
        let expected = text(&read(&case.reference("standalone.out")));
        assert_outcome(&output, &expected, &format!("{}: standalone", case.name));
        if !output.status.success() {
            continue;
        }
        let files = json(&case.reference("files.json"));
        assert_eq!(digest(&trace), files["trace"], "{}: trace file", case.name);
        let memory_digest = if case.random_memory {
            addresses_digest(&memory)
        } else {
            digest(&memory)
        };
        assert_eq!(memory_digest, files["memory"], "{}: memory file", case.name);
        assert_eq!(
            json(&public),
            json(&case.reference("air_public_input.json")),
            "{}: AIR public input",
            case.name
        );
        let mut private = json(&private);
        assert_eq!(
            private["trace_path"].as_str(),
            Some(path_arg(&trace.canonicalize().expect("the trace file")))
        );
        private["trace_path"] = Value::from("TRACE_FILE");
        private["memory_path"] = Value::from("MEMORY_FILE");
        if case.large {
            // serde_json's maps are sorted and its compact form is Python's with
            // separators=(",", ":"): the canonical JSON the regeneration script hashed.
            let canonical = serde_json::to_string(&private).expect("JSON");
            let sha256: String = Sha256::digest(canonical.as_bytes())
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect();
            assert_eq!(
                Value::from(sha256),
                files["air_private_input"]["canonical_sha256"],
                "{}: AIR private input",
                case.name
            );
            continue;
        }
        let mut expected = json(&case.reference("air_private_input.json"));
        if case.random_memory {
            // The ec_op instances hold the random point; their count does not vary.
            let count = |input: &Value| input["ec_op"].as_array().map(Vec::len);
            assert_eq!(
                count(&private),
                count(&expected),
                "{}: ec_op instances",
                case.name
            );
            private["ec_op"] = Value::Null;
            expected["ec_op"] = Value::Null;
        }
        assert_eq!(private, expected, "{}: AIR private input", case.name);
    }
}

#[test]
fn bootloader_runs_write_cairo_executes_cairo_pie() {
    for case in cases() {
        let scratch = tempfile::tempdir().expect("a scratch folder");
        let pie = scratch.path().join("pie.zip");
        let output = case.run_prebuilt(&["--output-path", path_arg(&pie)]);
        let expected = text(&read(&case.reference("bootloader.out")));
        assert_outcome(&output, &expected, &format!("{}: bootloader", case.name));
        if !output.status.success() {
            continue;
        }
        if case.large {
            let files = json(&case.reference("files.json"));
            assert_eq!(digest(&pie), files["cairo_pie"], "{}: Cairo PIE", case.name);
            continue;
        }
        let reference = case.reference("cairo_pie.zip");
        if !case.random_memory {
            assert!(
                read(&pie) == read(&reference),
                "{}: the Cairo PIE differs from cairo-execute's",
                case.name
            );
            continue;
        }
        let load = |path: &Path| {
            CairoPie::read_zip_file(path).unwrap_or_else(|error| panic!("{}: {error}", case.name))
        };
        let (ours, theirs) = (load(&pie), load(&reference));
        assert_eq!(
            ours.metadata, theirs.metadata,
            "{}: PIE metadata",
            case.name
        );
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
        let addresses = |pie: &CairoPie| {
            pie.memory
                .0
                .iter()
                .map(|(address, _)| *address)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            addresses(&ours),
            addresses(&theirs),
            "{}: PIE memory cells",
            case.name
        );
    }
}

#[test]
fn compiled_executables_are_cairo_executes() {
    let Some(corelib) = corelib() else { return };
    let mut seen = std::collections::HashSet::new();
    for case in cases() {
        if !seen.insert(case.compiled()) {
            continue;
        }
        let scratch = tempfile::tempdir().expect("a scratch folder");
        let built = scratch.path().join("built.executable.json");
        let mut args = vec![
            "execute",
            case.source.as_str(),
            "--corelib",
            &corelib,
            "--build-only",
            "--output-path",
            path_arg(&built),
        ];
        if let Some(executable) = &case.executable {
            args.extend(["--executable", executable]);
        }
        args.extend(case.build_flags.iter().map(String::as_str));
        let output = cairn(&args);
        assert!(
            output.status.success(),
            "{}: {}",
            case.name,
            text(&output.stderr)
        );
        assert!(
            read(&built) == read(&fixtures().join(case.compiled())),
            "{}: the executable differs from cairo-execute's",
            case.name
        );
    }
}

#[test]
fn the_native_backend_prints_the_vms_outputs_and_panics() {
    let Some(corelib) = corelib() else { return };
    for case in cases() {
        let mut args = vec![
            "execute",
            case.source.as_str(),
            "--corelib",
            &corelib,
            "--backend",
            "native",
            "--args",
            &case.args,
            "--print-outputs",
        ];
        if let Some(executable) = &case.executable {
            args.extend(["--executable", executable]);
        }
        args.extend(case.build_flags.iter().map(String::as_str));
        if !case.flags.is_empty() {
            // Layout and padding flags are the VM's; the outputs do not depend on them.
            continue;
        }
        let output = cairn(&args);
        let expected = text(&read(&case.reference("bootloader.out")));
        assert_outcome(&output, &expected, &format!("{}: native", case.name));
    }
}

#[test]
fn mistakes_are_clear_errors() {
    let Some(corelib) = corelib() else { return };
    let error = |args: &[&str]| {
        let output = cairn(args);
        assert!(!output.status.success(), "{args:?} succeeded");
        text(&output.stderr)
    };
    let several = error(&["execute", "multi", "--corelib", &corelib]);
    assert!(
        several.contains("several #[executable] functions: multi::sum, multi::count_output"),
        "{several}"
    );
    let unknown = error(&[
        "execute",
        "multi",
        "--corelib",
        &corelib,
        "--executable",
        "multi::x",
    ]);
    assert!(
        unknown.contains("no #[executable] function multi::x"),
        "{unknown}"
    );
    let bad_arg = error(&[
        "execute",
        "--prebuilt",
        "compiled/fib.executable.json",
        "--args",
        "1x",
    ]);
    assert!(
        bad_arg.contains("--args item 0") && bad_arg.contains("`1x` is not a number"),
        "{bad_arg}"
    );
    let native_trace = error(&[
        "execute",
        "fib.cairo",
        "--corelib",
        &corelib,
        "--backend",
        "native",
        "--args",
        "3",
        "--standalone",
    ]);
    assert!(
        native_trace.contains("--standalone belongs to a VM run"),
        "{native_trace}"
    );
    let native_prebuilt = error(&[
        "execute",
        "--prebuilt",
        "compiled/fib.executable.json",
        "--backend",
        "native",
        "--args",
        "3",
    ]);
    assert!(
        native_prebuilt.contains("give the Cairo source"),
        "{native_prebuilt}"
    );
    let not_executable = error(&["execute", "--prebuilt", "cases.json", "--args", "3"]);
    assert!(
        not_executable.contains("not a Cairo executable"),
        "{not_executable}"
    );
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let no_executable = scratch.path().join("plain.cairo");
    std::fs::write(&no_executable, "fn main() -> felt252 { 1 }\n").expect("written");
    let none = error(&["execute", path_arg(&no_executable), "--corelib", &corelib]);
    assert!(none.contains("has no #[executable] function"), "{none}");
}

#[test]
fn a_scarb_package_runs_its_executable_target() {
    let Some(corelib) = corelib() else { return };
    for backend in ["vm", "native"] {
        let output = cairn(&[
            "execute",
            "scarb-package",
            "--corelib",
            &corelib,
            "--backend",
            backend,
            "--args",
            "10",
            "--print-outputs",
        ]);
        // The target's `function` is chosen: 1² + … + 10², then n.
        assert_eq!(
            outcome_text(&output),
            "Program Output:\n385\n10\n",
            "{backend}"
        );
    }
    let other = cairn(&[
        "execute",
        "scarb-package",
        "--corelib",
        &corelib,
        "--executable",
        "squares::cubes",
        "--args",
        "3",
        "--print-outputs",
    ]);
    assert_eq!(outcome_text(&other), "Program Output:\n36\n");
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let trace = scratch.path().join("trace.bin");
    let proof = cairn(&[
        "execute",
        "scarb-package",
        "--corelib",
        &corelib,
        "--args",
        "10",
        "--standalone",
        "--trace-file",
        path_arg(&trace),
    ]);
    assert!(proof.status.success(), "{}", text(&proof.stderr));
    assert!(read(&trace).len().is_multiple_of(24) && !read(&trace).is_empty());
    let no_target = cairn(&[
        "execute",
        "../scarb-workspace/packages/geometry",
        "--corelib",
        &corelib,
    ]);
    assert!(
        text(&no_target.stderr).contains("has no package with an [executable] target"),
        "{}",
        text(&no_target.stderr)
    );
}

/// Standard output of a run that must have succeeded.
fn outcome_text(output: &Output) -> String {
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
}
