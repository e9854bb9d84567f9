//! `cairn run --backend native` agrees with `--backend vm` on every fixture it compiles, and a
//! library written by `cairn compile --native` runs in a new process with the same result.
#![cfg(feature = "native")]

use std::path::PathBuf;
use std::process::{Command, Output};

mod support;
use support::text;

/// A Sierra program emitting a `trace` (a hint for the VM's tracer), which the native
/// backend does not compile.
const UNSUPPORTED: &str = r#"
type felt252 = felt252;
type u64 = u64;
type GasBuiltin = GasBuiltin;
type System = System;
libfunc trace_it = trace<1>;
libfunc drop_u64 = drop<u64>;
trace_it() -> ();
drop_u64([2]) -> ();
return([0], [1]);
test::main@0([0]: GasBuiltin, [1]: System, [2]: u64) -> (GasBuiltin, System);
"#;

fn compiled(program: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/cairo1/compiled")
        .join(format!("{program}.sierra.json"))
}

fn cairn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .output()
        .expect("cairn runs")
}

/// The lines a program printed itself, and the `--json` report after them without the VM-only
/// step count.
fn report(output: &Output) -> (String, serde_json::Value) {
    let stdout = text(&output.stdout);
    let start = stdout.find("\n{").map(|newline| newline + 1).unwrap_or(0);
    let (printed, json) = stdout.split_at(start);
    let mut report: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|_| panic!("JSON report: {stdout}"));
    if let Some(map) = report.as_object_mut() {
        map.remove("steps");
    }
    (printed.to_owned(), report)
}

fn fixture_names() -> Vec<String> {
    let dir = compiled("x")
        .parent()
        .map(PathBuf::from)
        .expect("fixture folder");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("fixtures")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".sierra.json").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

#[test]
fn native_backend_prints_what_the_vm_prints() {
    let mut compared = 0;
    let mut skipped = Vec::new();
    for name in fixture_names() {
        let path = compiled(&name);
        let path = path.to_str().expect("UTF-8 path");
        let gas = ["--available-gas", "100000000"];
        let vm = cairn(&[&["run", path, "--json"][..], &gas].concat());
        let native = cairn(&[&["run", path, "--json", "--backend", "native"][..], &gas].concat());
        if text(&native.stderr).contains("unsupported") {
            skipped.push(name);
            continue;
        }
        assert_eq!(
            vm.status.code(),
            native.status.code(),
            "{name}: {}",
            text(&native.stderr)
        );
        if !vm.status.success() && vm.stdout.is_empty() {
            // Both refused the call (e.g. it needs arguments); the message is the same.
            assert_eq!(text(&vm.stderr), text(&native.stderr), "{name}");
            compared += 1;
            continue;
        }
        assert_eq!(report(&vm), report(&native), "{name}");
        // The summary line prints cells; for values holding pointers (arrays, boxes, nullables
        // or dictionaries) the VM prints addresses, which native code does not have, and for
        // secp256 points a handle into its syscall state.
        const RETURN_POINTERS: [&str; 7] = [
            "array_of_structs",
            "boxes",
            "byte_array",
            "dict_squash",
            "nullables",
            "secp_points",
            "signed_felt_pairs",
        ];
        if !RETURN_POINTERS.contains(&name.as_str()) {
            let vm_text = cairn(&[&["run", path][..], &gas].concat());
            let native_text = cairn(
                &[
                    &["run", path, "--backend", "native", "--opt-level", "1"][..],
                    &gas,
                ]
                .concat(),
            );
            assert_eq!(text(&vm_text.stdout), text(&native_text.stdout), "{name}");
        }
        compared += 1;
    }
    println!(
        "compared {compared} programs; skipped (unsupported natively): {}",
        skipped.join(", ")
    );
    assert!(compared >= 40, "only {compared} programs compared");
}

/// Two signed integers converted to felts side by side (`signed_felt_pairs`): at `-O2`/`-O3`
/// LLVM 22 vectorised the sign tests into an AVX-512 mask and its EVEX compression erased the
/// mask's definition (−40 where the VM gave −10); native code is compiled without AVX-512 now.
/// Run with arguments, at every optimisation level, so that nothing folds to a constant.
#[test]
fn signed_conversions_side_by_side_give_the_vm_values() {
    let path = compiled("signed_felt_pairs");
    let path = path.to_str().expect("UTF-8 path");
    for value in [1, -1, 10, 11, 0, 127, -128] {
        let args = format!("[{{\"i8\": {value}}}]");
        let common = [
            "run",
            path,
            "--entry",
            "pair",
            "--args",
            &args,
            "--available-gas",
            "10000000",
            "--json",
        ];
        let vm = report(&cairn(&common));
        for level in ["0", "1", "2", "3"] {
            let native =
                cairn(&[&common[..], &["--backend", "native", "--opt-level", level]].concat());
            assert_eq!(vm, report(&native), "pair({value}) at -O{level}");
        }
    }
}

#[test]
fn a_native_library_runs_in_a_new_process_with_the_same_result() {
    let scratch = tempfile::tempdir().expect("temporary folder");
    for name in [
        "fib",
        "panic_data",
        "option_result",
        "recursion",
        "pedersen",
        "poseidon",
    ] {
        let library = scratch.path().join(format!("{name}.so"));
        let library = library.to_str().expect("UTF-8 path");
        let path = compiled(name);
        let path = path.to_str().expect("UTF-8 path");
        let written = cairn(&["compile", path, "--native", "-o", library]);
        assert!(
            written.status.success(),
            "{name}: {}",
            text(&written.stderr)
        );
        let vm = cairn(&["run", path, "--available-gas", "100000000"]);
        let native = cairn(&["run", library, "--available-gas", "100000000"]);
        assert_eq!(
            text(&vm.stdout),
            text(&native.stdout),
            "{name}: {}",
            text(&native.stderr)
        );
        assert_eq!(vm.status.code(), native.status.code(), "{name}");
    }
}

#[test]
fn native_errors_name_their_cause() {
    // `trace` has no native builder: refused, by name, when the entry uses it.
    let program = cairn_values_abi::cairo_lang_sierra::ProgramParser::new()
        .parse(UNSUPPORTED)
        .expect("test program parses");
    let file = tempfile::NamedTempFile::new().expect("file");
    std::fs::write(file.path(), cairn_frontend::sierra_to_json(&program)).expect("write");
    let output = cairn(&[
        "run",
        file.path().to_str().expect("UTF-8"),
        "--backend",
        "native",
        "--args",
        "[1]",
        "--available-gas",
        "1000000",
    ]);
    assert!(!output.status.success());
    assert!(
        text(&output.stderr)
            .contains("main was not compiled: unsupported libfunc trace<1> (statement 0)"),
        "{}",
        text(&output.stderr)
    );

    let fib = compiled("fib");
    let output = cairn(&[
        "run",
        fib.to_str().expect("UTF-8"),
        "--backend",
        "native",
        "--max-steps",
        "10",
    ]);
    assert!(
        text(&output.stderr).contains("--max-steps"),
        "{}",
        text(&output.stderr)
    );

    let output = cairn(&["compile", fib.to_str().expect("UTF-8"), "--native"]);
    assert!(
        text(&output.stderr).contains("-o"),
        "{}",
        text(&output.stderr)
    );

    let not_library = tempfile::NamedTempFile::new().expect("file");
    std::fs::write(not_library.path(), b"\x7fELF garbage").expect("write");
    let output = cairn(&["run", not_library.path().to_str().expect("UTF-8")]);
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains("shared library"),
        "{}",
        text(&output.stderr)
    );
}

/// The development corelib beside the project, or `$CAIRO_CORELIB_DIR`.
fn corelib() -> Option<PathBuf> {
    support::corelib_dir()
}

/// The test crate `tests/fixtures/NAME` and the corelib, as arguments for `cairn test`; `None`
/// without a corelib.
fn test_crate_and_corelib(name: &str) -> Option<(String, String)> {
    let corelib = corelib()?.to_str().expect("UTF-8 path").to_owned();
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name);
    Some((project.to_str().expect("UTF-8 path").to_owned(), corelib))
}

#[test]
fn cairn_test_runs_a_crate_on_both_backends() {
    let Some((project, corelib)) = test_crate_and_corelib("cairo1-tests") else {
        println!("skipped: no Cairo corelib (set CAIRO_CORELIB_DIR)");
        return;
    };
    let (project, corelib) = (project.as_str(), corelib.as_str());
    for backend in ["vm", "native"] {
        let all = cairn(&["test", project, "--backend", backend, "--corelib", corelib]);
        let out = text(&all.stdout);
        assert_eq!(
            all.status.code(),
            Some(1),
            "{backend}: {out}{}",
            text(&all.stderr)
        );
        for line in [
            "running 8 tests",
            "test sample_tests::tests::adds ... ok",
            "test sample_tests::tests::collections_work ... ok",
            "test sample_tests::tests::overflows ... ok",
            "test sample_tests::tests::panics_somehow ... ok",
            "test sample_tests::tests::loops_within_gas ... ok",
            "test sample_tests::tests::ignored_for_now ... ignored",
            "test sample_tests::tests::failing_on_purpose ... FAILED",
            "test sample_tests::tests::failing_wrong_panic_data ... FAILED",
            "expected a panic with [0x6f74686572 ('other')], got [0x626f6f6d ('boom')]",
            "test result: FAILED. 5 passed; 2 failed; 1 ignored; 0 filtered out;",
        ] {
            assert!(out.contains(line), "{backend}: missing {line:?} in\n{out}");
        }

        let ignored = cairn(&[
            "test",
            project,
            "--backend",
            backend,
            "--corelib",
            corelib,
            "--filter",
            "ignored",
            "--include-ignored",
        ]);
        let out = text(&ignored.stdout);
        assert!(
            out.contains("test result: FAILED. 0 passed; 1 failed; 0 ignored; 7 filtered out;"),
            "{backend}: {out}"
        );

        let good = cairn(&[
            "test",
            project,
            "--backend",
            backend,
            "--corelib",
            corelib,
            "--filter",
            "s_",
        ]);
        let out = text(&good.stdout);
        assert_eq!(good.status.code(), Some(0), "{backend}: {out}");
    }
}

#[test]
fn cairn_test_runs_starknet_contracts_alike_on_both_backends() {
    let Some((project, corelib)) = test_crate_and_corelib("starknet-tests") else {
        println!("skipped: no Cairo corelib (set CAIRO_CORELIB_DIR)");
        return;
    };
    let (project, corelib) = (project.as_str(), corelib.as_str());
    let compared = cairn(&["test", project, "--compare", "--corelib", corelib]);
    let out = text(&compared.stdout);
    assert_eq!(
        compared.status.code(),
        Some(1),
        "{out}{}",
        text(&compared.stderr)
    );
    for line in [
        "running 16 tests",
        "test starknet_tests::tests::deploys_and_calls ... ok",
        "test starknet_tests::tests::events_are_popped_oldest_first ... ok",
        "test starknet_tests::tests::messages_to_l1_are_popped ... ok",
        "test starknet_tests::tests::an_overdraft_reverts_the_caller ... ok",
        "test starknet_tests::tests::a_reverted_inner_call_leaves_no_trace ... ok",
        "test starknet_tests::tests::nested_calls_run_as_their_caller ... ok",
        "test starknet_tests::tests::contracts_deploy_contracts ... ok",
        "test starknet_tests::tests::library_calls_use_the_callers_storage ... ok",
        "test starknet_tests::tests::cheatcodes_reach_contracts ... ok",
        "test starknet_tests::tests::each_test_starts_from_a_fresh_state ... ok",
        "test starknet_tests::tests::an_unknown_cheatcode_fails_the_test ... FAILED",
        "Unknown cheatcode selector: no_such_cheat",
        "test result: FAILED. 15 passed; 1 failed; 0 ignored; 0 filtered out;",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }

    // Per test and backend: the same gas and syscalls; VM steps on the VM only.
    let json = cairn(&[
        "test",
        project,
        "--compare",
        "--json",
        "--corelib",
        corelib,
        "--filter",
        "_call",
    ]);
    assert_eq!(json.status.code(), Some(0), "{}", text(&json.stderr));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON report");
    let tests = report["tests"].as_array().expect("tests");
    assert_eq!(report["passed"], tests.len());
    assert!(tests.len() >= 3, "{report}");
    for test in tests {
        let (vm, native) = (&test["runs"]["vm"], &test["runs"]["native"]);
        assert!(vm["gas"].as_u64().expect("gas") > 0, "{test}");
        assert_eq!(vm["gas"], native["gas"], "{test}");
        assert_eq!(vm["syscalls"], native["syscalls"], "{test}");
        let calls = &vm["syscalls"];
        assert!(
            calls["CallContract"]
                .as_u64()
                .or(calls["LibraryCall"].as_u64())
                > Some(0),
            "{test}"
        );
        assert!(vm["steps"].as_u64().expect("steps") > 0, "{test}");
        assert!(native["steps"].is_null(), "{test}");
    }
}

#[test]
fn cairn_bench_checks_and_times_every_backend() {
    let output = cairn(&[
        "bench",
        "--quick",
        "--samples",
        "1",
        "--json",
        "fib",
        "dict_loop",
        "deep_recursion",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let reports: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("bench --json prints JSON");
    let reports = reports.as_array().expect("one object per program");
    assert_eq!(reports.len(), 3);
    for report in reports {
        let backends: Vec<&str> = report["timings"]
            .as_array()
            .expect("timings")
            .iter()
            .map(|timing| {
                assert!(timing["median_s"].as_f64().expect("a time") > 0.0);
                timing["backend"].as_str().expect("backend name")
            })
            .collect();
        assert_eq!(backends, ["vm", "jit", "aot", "aot_with_compile", "rust"]);
        assert!(report["vm_steps"].as_u64().expect("VM steps") > 0);
        assert!(report["jit_compile_s"].as_f64().expect("compile time") > 0.0);
    }
    // fib(1000) mod P (computed independently, in Python).
    assert_eq!(
        reports[0]["result"],
        "136380566276010706690742754800077408887173906373294333363333681744450488681"
    );

    let table = cairn(&[
        "bench",
        "--quick",
        "--samples",
        "1",
        "--backends",
        "native,rust",
        "fib",
    ]);
    assert!(table.status.success(), "{}", text(&table.stderr));
    let table = text(&table.stdout);
    assert!(table.contains("| fib | 1000 |"), "{table}");
    assert!(table.contains("jit / rust"), "{table}");

    let unknown = cairn(&["bench", "no_such_program"]);
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr).contains("no bench program `no_such_program`; there are: fib"));
    let bad_backend = cairn(&["bench", "--backends", "jit,gpu", "fib"]);
    assert!(!bad_backend.status.success());
    assert!(text(&bad_backend.stderr).contains("unknown backend `gpu`"));
}

#[test]
fn cairn_bench_contracts_checks_both_backends_on_every_workload() {
    let output = cairn(&[
        "bench",
        "--contracts",
        "--quick",
        "--samples",
        "1",
        "--json",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let reports: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("bench --contracts --json prints JSON");
    let reports = reports.as_array().expect("one object per workload");
    let names: Vec<&str> = reports
        .iter()
        .map(|report| report["workload"].as_str().expect("a name"))
        .collect();
    assert_eq!(
        names,
        [
            "erc20_transfer",
            "erc20_many_holders",
            "storage_loop",
            "nested_calls"
        ]
    );
    for report in reports {
        for field in ["vm_s", "native_s", "native_compile_s", "native_load_s"] {
            assert!(
                report[field].as_f64().expect("a time") > 0.0,
                "{field}: {report}"
            );
        }
    }
    // The same gas on both backends was checked; the transfer's is the CLI test's figure.
    assert_eq!(reports[0]["gas_per_operation"], 193_430);

    let table = cairn(&[
        "bench",
        "--contracts",
        "--quick",
        "--samples",
        "1",
        "nested_calls",
    ]);
    assert!(table.status.success(), "{}", text(&table.stderr));
    assert!(
        text(&table.stdout).contains("| nested_calls |"),
        "{}",
        text(&table.stdout)
    );
    let unknown = cairn(&["bench", "--contracts", "no_such_workload"]);
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr)
        .contains("no contract workload `no_such_workload`; there are: erc20_transfer"));
}

/// `tests/fixtures/cairo1-families`: one test module per libfunc family the native backend
/// compiles (arrays, boxes, dictionaries, wide integers, bounded ints, casts, bytes, hashes,
/// curve, BLAKE2s, QM31, gas reserves, coupons, ranges, Keccak/SHA-256/secp256 syscalls), with
/// expected values from independent
/// sources. Every test passes on both backends.
#[test]
fn libfunc_family_tests_pass_on_both_backends() {
    let Some((project, corelib)) = test_crate_and_corelib("cairo1-families") else {
        println!("skipped: no Cairo corelib (set CAIRO_CORELIB_DIR)");
        return;
    };
    let (project, corelib) = (project.as_str(), corelib.as_str());
    for backend in ["vm", "native"] {
        let run = cairn(&["test", project, "--backend", backend, "--corelib", corelib]);
        let out = text(&run.stdout);
        assert!(
            run.status.success(),
            "{backend}: {out}{}",
            text(&run.stderr)
        );
        assert!(
            out.contains("test result: ok. 44 passed; 0 failed; 0 ignored; 0 filtered out;"),
            "{backend}: {out}"
        );
        for family in [
            "arrays",
            "boxes",
            "dicts",
            "wide_ints",
            "bounded_ints",
            "casts",
            "bytes",
            "hashes",
            "curve",
            "blake",
            "qm31",
            "gas",
            "coupons",
            "ranges",
        ] {
            assert!(
                out.contains(&format!("test families::{family}::")),
                "{backend}: no {family} tests in\n{out}"
            );
        }
    }
}

/// `hasher` (a `trace`, not compiled natively) beside `seven`, which needs nothing.
const PARTLY_SUPPORTED: &str = r#"
type felt252 = felt252;
type u64 = u64;
type GasBuiltin = GasBuiltin;
type System = System;
libfunc trace_it = trace<1>;
libfunc drop_u64 = drop<u64>;
libfunc seven_const = felt252_const<7>;
trace_it() -> ();
drop_u64([2]) -> ();
return([0], [1]);
seven_const() -> ([0]);
return([0]);
test::hasher@0([0]: GasBuiltin, [1]: System, [2]: u64) -> (GasBuiltin, System);
test::seven@3() -> (felt252);
"#;

#[test]
fn functions_the_entry_does_not_reach_need_not_compile() {
    let scratch = tempfile::tempdir().expect("temporary folder");
    let program = cairn_values_abi::cairo_lang_sierra::ProgramParser::new()
        .parse(PARTLY_SUPPORTED)
        .expect("test program parses");
    let sierra = scratch.path().join("partly.sierra.json");
    std::fs::write(&sierra, cairn_frontend::sierra_to_json(&program)).expect("write");
    let sierra = sierra.to_str().expect("UTF-8");
    let warning = "warning: test::hasher is not compiled natively: unsupported libfunc trace<1>";

    // In-process: the entry runs, the other function is a warning.
    let output = cairn(&["run", sierra, "--backend", "native", "--entry", "seven"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("returning [0x7]"));
    assert!(
        text(&output.stderr).contains(warning),
        "{}",
        text(&output.stderr)
    );

    // A library: written with the warning; the left-out function is refused with its reason.
    let library = scratch.path().join("partly.so");
    let library = library.to_str().expect("UTF-8");
    let output = cairn(&["compile", sierra, "--native", "-o", library]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains(warning),
        "{}",
        text(&output.stderr)
    );
    let output = cairn(&["run", library, "--entry", "seven"]);
    assert!(text(&output.stdout).contains("returning [0x7]"));
    let output = cairn(&[
        "run",
        library,
        "--entry",
        "hasher",
        "--args",
        "[1]",
        "--available-gas",
        "1000000",
    ]);
    assert!(!output.status.success());
    assert!(
        text(&output.stderr)
            .contains("error: hasher was not compiled: unsupported libfunc trace<1>"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn a_library_path_is_the_file_named() {
    // A bare `x.so` is a file in the current folder, not a name for the loader's search path.
    let scratch = tempfile::tempdir().expect("temporary folder");
    let fib = compiled("fib");
    let written = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args([
            "compile",
            fib.to_str().expect("UTF-8"),
            "--native",
            "-o",
            "fib.so",
        ])
        .current_dir(scratch.path())
        .output()
        .expect("cairn runs");
    assert!(written.status.success(), "{}", text(&written.stderr));
    let run = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["run", "fib.so", "--available-gas", "100000000"])
        .current_dir(scratch.path())
        .output()
        .expect("cairn runs");
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(text(&run.stdout).starts_with("Run completed successfully"));
    let missing = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["run", "missing.so"])
        .current_dir(scratch.path())
        .output()
        .expect("cairn runs");
    assert!(
        text(&missing.stderr).contains("missing.so"),
        "{}",
        text(&missing.stderr)
    );
    assert!(!text(&missing.stderr).contains("internal error"));
}

/// Runs `cairn run LIBRARY` and returns its error output, checking it failed cleanly: exit
/// status 1, no signal, no internal error.
fn refused_library(library: &std::path::Path) -> String {
    let run = cairn(&["run", library.to_str().expect("UTF-8")]);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("internal error"), "{stderr}");
    stderr
}

#[test]
fn a_damaged_or_foreign_library_is_refused_before_it_runs() {
    let scratch = tempfile::tempdir().expect("temporary folder");
    let library = scratch.path().join("fib.so");
    let written = cairn(&[
        "compile",
        compiled("fib").to_str().expect("UTF-8"),
        "--native",
        "-o",
        library.to_str().expect("UTF-8"),
    ]);
    assert!(written.status.success(), "{}", text(&written.stderr));
    let bytes = std::fs::read(&library).expect("library written");

    // Truncated (a copy cut short): the loader would die of SIGBUS mapping it.
    for cut in [bytes.len() / 2, bytes.len() - 100, 64] {
        let truncated = scratch.path().join(format!("cut{cut}.so"));
        std::fs::write(&truncated, &bytes[..cut]).expect("written");
        let stderr = refused_library(&truncated);
        assert!(stderr.contains("not a library Cairn can load"), "{stderr}");
    }

    // The embedded program changed beside the code compiled from it.
    let marker = b"{\"program\":";
    let at = bytes
        .windows(marker.len())
        .position(|window| window == marker)
        .expect("embedded program");
    let mut spliced = bytes.clone();
    spliced[at + 2] = b'P';
    let spliced_path = scratch.path().join("spliced.so");
    std::fs::write(&spliced_path, &spliced).expect("written");
    let stderr = refused_library(&spliced_path);
    assert!(
        stderr.contains("its bytes changed after Cairn wrote it"),
        "{stderr}"
    );
    // One byte of code changed, and one byte added at the end.
    let mut patched = bytes.clone();
    patched[bytes.len() / 3] ^= 0x40;
    let patched_path = scratch.path().join("patched.so");
    std::fs::write(&patched_path, &patched).expect("written");
    assert!(refused_library(&patched_path).contains("its bytes changed after Cairn wrote it"));
    let mut extended = bytes.clone();
    extended.push(b'\n');
    let extended_path = scratch.path().join("extended.so");
    std::fs::write(&extended_path, &extended).expect("written");
    assert!(refused_library(&extended_path).contains("no seal at its end"));

    // Not written by Cairn at all: a text file, and an executable.
    let script = scratch.path().join("script.so");
    std::fs::write(&script, "#!/bin/sh\n").expect("written");
    assert!(refused_library(&script).contains("not an ELF file"));
    let stderr = refused_library(std::path::Path::new(env!("CARGO_BIN_EXE_cairn")));
    assert!(stderr.contains(env!("CARGO_BIN_EXE_cairn")), "{stderr}");
    assert!(stderr.contains("no seal at its end"), "{stderr}");
}

/// `depth(n) = if n == 0 { 0 } else { depth(n - 1) + 1 }`, without gas: recursion as deep as
/// its argument.
const DEEP_RECURSION: &str = r#"
type felt252 = felt252;
type NonZeroFelt = NonZero<felt252>;
libfunc is_zero = felt252_is_zero;
libfunc branch_align = branch_align;
libfunc unwrap_nz = unwrap_non_zero<felt252>;
libfunc zero = felt252_const<0>;
libfunc one = felt252_const<1>;
libfunc sub = felt252_sub;
libfunc add = felt252_add;
libfunc store_temp = store_temp<felt252>;
libfunc call_depth = function_call<user@test::depth>;
is_zero([0]) { fallthrough() 4([1]) };
branch_align() -> ();
zero() -> ([2]);
return([2]);
branch_align() -> ();
unwrap_nz([1]) -> ([3]);
one() -> ([4]);
sub([3], [4]) -> ([5]);
store_temp([5]) -> ([5]);
call_depth([5]) -> ([6]);
one() -> ([7]);
add([6], [7]) -> ([8]);
store_temp([8]) -> ([8]);
return([8]);
test::depth@0([0]: felt252) -> (felt252);
"#;

#[test]
fn native_recursion_past_the_stack_is_a_clear_error() {
    let program = cairn_values_abi::cairo_lang_sierra::ProgramParser::new()
        .parse(DEEP_RECURSION)
        .expect("test program parses");
    let file = tempfile::NamedTempFile::new().expect("file");
    std::fs::write(file.path(), cairn_frontend::sierra_to_json(&program)).expect("write");
    let run = |depth: &str| {
        Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args([
                "run",
                file.path().to_str().expect("UTF-8"),
                "--backend",
                "native",
                "--opt-level",
                "0",
                "--entry",
                "test::depth",
                "--args",
                &format!("[{depth}]"),
            ])
            // A small stack keeps the test's memory small; the default is 1 GiB.
            .env("CAIRN_STACK_MIB", "8")
            .output()
            .expect("cairn runs")
    };
    let shallow = run("1000");
    assert!(shallow.status.success(), "{}", text(&shallow.stderr));
    assert!(
        text(&shallow.stdout).contains("returning [0x3e8]"),
        "{}",
        text(&shallow.stdout)
    );

    let deep = run("100000000");
    let stderr = text(&deep.stderr);
    assert_eq!(deep.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.trim(),
        "error: the run overflowed its stack: Cairo recursion too deep for native code (raise \
         the stack with CAIRN_STACK_MIB, or run it with --backend vm)"
    );
}

#[test]
fn an_invalid_stack_size_is_refused() {
    for bad in ["lots", "0", "-5", "99999999999"] {
        let output = Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args([
                "run",
                compiled("fib").to_str().expect("UTF-8"),
                "--backend",
                "native",
            ])
            .env("CAIRN_STACK_MIB", bad)
            .output()
            .expect("cairn runs");
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{bad}: {stderr}");
        assert_eq!(
            stderr.trim(),
            format!(
                "error: CAIRN_STACK_MIB={bad:?} is not a stack size: give a whole number of MiB \
                 from 1 to 1048576 (the default is 1024)"
            )
        );
    }
}
