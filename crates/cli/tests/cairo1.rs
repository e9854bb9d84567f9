//! `cairn run` on Cairo 1 programs prints what the Cairo compiler's runner prints, and bad
//! inputs give clear errors.

use std::path::PathBuf;
use std::process::{Command, Output};

use cairo_lang_runner::casm_run::format_next_item;
use cairo_lang_runner::{RunResultValue, SierraCasmRunner, StarknetState};
use cairo_lang_sierra_to_casm::metadata::MetadataComputationConfig;

mod support;
use support::text;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/cairo1")
}

fn corelib() -> Option<PathBuf> {
    support::corelib_dir()
}

fn cairn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(fixtures())
        .env_remove("CAIRO_CORELIB_DIR")
        .output()
        .expect("cairn runs")
}

/// What the Cairo compiler's `cairo-run` prints for a run: its runner, and its two print lines.
fn oracle_lines(program: &str, args: &[cairo_lang_runner::Arg], gas: u64) -> String {
    let path = fixtures().join(format!("compiled/{program}.sierra.json"));
    let sierra = cairn_frontend::load_sierra_json_file(&path).expect("fixture loads");
    let metadata = sierra
        .requires_gas_counter()
        .then(MetadataComputationConfig::default);
    let runner = SierraCasmRunner::new(sierra, metadata, Default::default(), None).expect("runner");
    let func = runner.find_function("::main").expect("main");
    let result = runner
        .run_function_with_starknet_context(
            func,
            args.to_vec(),
            Some(gas as usize),
            StarknetState::default(),
        )
        .expect("oracle runs");
    let mut out = match result.value {
        RunResultValue::Success(values) => {
            format!("Run completed successfully, returning {values:?}\n")
        }
        RunResultValue::Panic(values) => {
            let mut felts = values.into_iter();
            let mut items = Vec::new();
            while let Some(item) = format_next_item(&mut felts) {
                items.push(item.quote_if_string());
            }
            format!("Run panicked with [{}].\n", items.join(", "))
        }
    };
    if let Some(gas) = result.gas_counter {
        out.push_str(&format!("Remaining gas: {gas}\n"));
    }
    out
}

/// Arguments for the fixtures whose `main` takes parameters: as JSON for cairn, as cells for
/// cairo-lang-runner.
fn main_args(program: &str) -> (&'static str, Vec<cairo_lang_runner::Arg>) {
    use cairo_lang_runner::Arg;
    let felt = |n: i64| Arg::Value(n.into());
    match program {
        "args" => (
            r#"["0x10", [3, 4], [1, -2, 30], true, 5]"#,
            vec![
                felt(16),
                felt(3),
                felt(4),
                Arg::Array(vec![felt(1), felt(-2), felt(30)]),
                // bool is an enum of unit variants: one cell, its selector.
                felt(1),
                felt(5),
                felt(0),
            ],
        ),
        "spans" => (
            "[[1, 2, 3, 4]]",
            vec![Arg::Array(vec![felt(1), felt(2), felt(3), felt(4)])],
        ),
        "u8_overflow" => ("[200, 56]", vec![felt(200), felt(56)]),
        "gas_exhaustion" => ("[1000000]", vec![felt(1000000)]),
        _ => ("[]", vec![]),
    }
}

/// The runner's summary lines, after whatever the program printed itself (the in-process
/// oracle prints those to this test's own output, so they are compared between backends by the
/// native tests instead).
fn summary_lines(stdout: &str) -> &str {
    let start = if stdout.starts_with("Run ") {
        0
    } else {
        stdout.rfind("\nRun ").map_or(0, |newline| newline + 1)
    };
    &stdout[start..]
}

#[test]
fn print_result_matches_the_cairo_runner_for_every_program() {
    let gas = 2_000_000u64;
    let mut compared = 0;
    for entry in std::fs::read_dir(fixtures().join("compiled")).expect("fixtures") {
        let file = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let program = file.trim_end_matches(".sierra.json").to_owned();
        let (json_args, runner_args) = main_args(&program);
        let gas_text = gas.to_string();
        let output = cairn(&[
            "run",
            &format!("compiled/{file}"),
            "--backend",
            "vm",
            "--print-result",
            "--available-gas",
            &gas_text,
            "--args",
            json_args,
        ]);
        let expected = oracle_lines(&program, &runner_args, gas);
        assert_eq!(
            summary_lines(&text(&output.stdout)),
            expected,
            "{program}: {}",
            text(&output.stderr)
        );
        // A panicking run still prints its line, and exits 1.
        assert_eq!(
            output.status.success(),
            expected.starts_with("Run completed"),
            "{program}"
        );
        compared += 1;
    }
    println!("compared {compared} programs with the Cairo runner");
    assert!(compared >= 40, "only {compared} programs");
}

#[test]
fn json_output_has_values_gas_and_steps() {
    let output = cairn(&[
        "run",
        "compiled/u256_math.sierra.json",
        "--json",
        "--available-gas",
        "1000000",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["status"], "success");
    // (a + b) with a = 2^128 - 1, b = 1: low 0, high 1.
    assert_eq!(
        report["values"][0]["struct"][0],
        serde_json::json!({"struct": [{"u128": "0"}, {"u128": "1"}]})
    );
    assert!(report["steps"].as_u64().expect("steps") > 0);

    let output = cairn(&[
        "run",
        "compiled/gas_exhaustion.sierra.json",
        "--json",
        "--args",
        "[10]",
        "--available-gas",
        "1000000",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["values"][0], serde_json::json!({"u64": 45}));
    let used = report["gas_used"].as_u64().expect("gas used");
    let remaining = report["remaining_gas"].as_u64().expect("remaining");
    assert_eq!(used + remaining, 1_000_000);
}

#[test]
fn out_of_gas_is_the_runners_panic() {
    let output = cairn(&[
        "run",
        "compiled/gas_exhaustion.sierra.json",
        "--args",
        "[1000000]",
        "--available-gas",
        "20000",
    ]);
    assert!(!output.status.success());
    assert!(text(&output.stdout)
        .starts_with("Run panicked with [0x4f7574206f6620676173 ('Out of gas')]."));
    assert!(output.stderr.is_empty(), "{}", text(&output.stderr));
}

fn assert_clean_failure(output: &Output, expected: &str) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains(expected),
        "expected `{expected}` in: {stderr}"
    );
    assert!(!stderr.contains("panicked at"), "{stderr}");
}

#[test]
fn bad_sierra_inputs_fail_clearly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let malformed = dir.path().join("broken.sierra.json");
    std::fs::write(&malformed, r#"{"type_declarations": 3}"#).expect("write");
    assert_clean_failure(
        &cairn(&["run", &malformed.display().to_string()]),
        "malformed Sierra JSON",
    );
    // Compiling it names the file too.
    let library = dir.path().join("broken.so");
    assert_clean_failure(
        &cairn(&[
            "compile",
            &malformed.display().to_string(),
            "--native",
            "-o",
            &library.display().to_string(),
        ]),
        &format!("{}: malformed Sierra JSON", malformed.display()),
    );

    // A libfunc the pinned Cairo version does not know.
    let json = std::fs::read_to_string(fixtures().join("compiled/felt_arith.sierra.json"))
        .expect("fixture");
    let unknown = dir.path().join("unknown.sierra.json");
    let edited = json.replacen(
        r#""generic_id":"const_as_immediate""#,
        r#""generic_id":"felt252_warp""#,
        1,
    );
    assert_ne!(edited, json, "the fixture declares const_as_immediate");
    std::fs::write(&unknown, edited).expect("write");
    assert_clean_failure(
        &cairn(&["run", &unknown.display().to_string()]),
        "felt252_warp",
    );

    assert_clean_failure(
        &cairn(&["run", "compiled/fib.sierra.json", "--entry", "nope"]),
        "no function named `nope`",
    );
    assert_clean_failure(
        &cairn(&["run", "compiled/u8_overflow.sierra.json", "--args", "[1]"]),
        "expected 2 arguments, got 1",
    );
    assert_clean_failure(
        &cairn(&[
            "run",
            "compiled/u8_overflow.sierra.json",
            "--args",
            "[1, 256]",
        ]),
        "arg 1: 256 is out of range for u8",
    );
    assert_clean_failure(
        &cairn(&[
            "run",
            "compiled/u8_overflow.sierra.json",
            "--args",
            "[1, [2]]",
        ]),
        "arg 1: expected u8",
    );
    assert_clean_failure(
        &cairn(&[
            "run",
            "compiled/args.sierra.json",
            "--available-gas",
            "100000",
            "--args",
            r#"[1, [1, 2], [], {"variant": 2}, 0]"#,
        ]),
        "variant 2 does not exist",
    );
    assert_clean_failure(
        &cairn(&["run", "compiled/u8_overflow.sierra.json", "--args", "[1, 2"]),
        "--args is not valid JSON",
    );
    assert_clean_failure(
        &cairn(&["run", "compiled/fib.sierra.json"]),
        "--available-gas",
    );
    assert_clean_failure(
        &cairn(&["run", "compiled/fib.sierra.json", "--secure-run", "true"]),
        "--secure-run applies to compiled Cairo 0 programs",
    );
}

#[test]
fn source_needs_a_corelib_of_the_right_version() {
    // No corelib anywhere the compiler looks (the variable is cleared, the folder is empty).
    let dir = tempfile::tempdir().expect("temp dir");
    let source = dir.path().join("main.cairo");
    std::fs::write(&source, "fn main() -> felt252 { 1 }").expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["run", &source.display().to_string()])
        .current_dir(dir.path())
        .env_remove("CAIRO_CORELIB_DIR")
        .output()
        .expect("cairn runs");
    assert_clean_failure(&output, "no Cairo corelib found");

    let fake = dir.path().join("corelib");
    std::fs::create_dir_all(fake.join("src")).expect("mkdir");
    std::fs::write(fake.join("src/lib.cairo"), "").expect("write");
    std::fs::write(
        fake.join("Scarb.toml"),
        "[package]\nname = \"core\"\nversion = \"2.9.1\"\n",
    )
    .expect("write");
    let output = cairn(&[
        "run",
        &source.display().to_string(),
        "--corelib",
        &fake.display().to_string(),
    ]);
    assert_clean_failure(&output, "is version 2.9.1");
}

#[test]
fn contracts_compile_to_the_committed_classes() {
    let Some(corelib) = corelib() else {
        println!("skipped: no corelib found (set CAIRO_CORELIB_DIR to compile Cairo source)");
        return;
    };
    let corelib = corelib.display().to_string();
    let sources: [(&str, &[&str]); 4] = [
        ("basics", &["Counter", "Caller"]),
        ("erc20", &["ERC20"]),
        ("flows", &["Account", "Proxy", "ProxyV2", "Bridge"]),
        ("crypto", &["Crypto"]),
    ];
    for (source, contracts) in sources {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = cairn(&[
            "compile",
            &format!("../starknet/src/{source}.cairo"),
            "--contracts",
            "-o",
            &dir.path().display().to_string(),
            "--corelib",
            &corelib,
        ]);
        assert!(output.status.success(), "{}", text(&output.stderr));
        for contract in contracts {
            let name = format!("{source}_{contract}.contract_class.json");
            assert!(
                text(&output.stdout).contains(&name),
                "{}",
                text(&output.stdout)
            );
            let ours = std::fs::read_to_string(dir.path().join(&name)).expect("written");
            let committed =
                std::fs::read_to_string(fixtures().join("../starknet/compiled").join(&name))
                    .expect("committed");
            assert_eq!(
                ours, committed,
                "{name}: regenerate fixtures with scripts/regen-starknet-fixtures.sh"
            );
        }
    }
    // Source without a contract, and flags that do not go with --contracts.
    let output = cairn(&[
        "compile",
        "src/fib.cairo",
        "--contracts",
        "--corelib",
        &corelib,
    ]);
    assert_clean_failure(&output, "has no `#[starknet::contract]` module");
    let output = cairn(&["compile", "src/fib.cairo", "--contracts", "--no-gas"]);
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains("cannot be used with"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn compiling_source_needs_the_corelib_and_matches_the_committed_sierra() {
    let Some(corelib) = corelib() else {
        println!("skipped: no corelib found (set CAIRO_CORELIB_DIR to compile Cairo source)");
        return;
    };
    let corelib = corelib.display().to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("fib.sierra.json");
    let output = cairn(&[
        "compile",
        "src/fib.cairo",
        "-o",
        &out.display().to_string(),
        "--corelib",
        &corelib,
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let ours = std::fs::read_to_string(&out).expect("written");
    let committed =
        std::fs::read_to_string(fixtures().join("compiled/fib.sierra.json")).expect("committed");
    assert_eq!(
        ours, committed,
        "regenerate fixtures with scripts/regen-cairo1-fixtures.sh"
    );

    // Running source compiles it first, with gas when gas is given, as cairo-run does.
    let output = cairn(&["run", "src/fib.cairo", "--corelib", &corelib]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "Run completed successfully, returning [0x27f80ddaa1ba7878, 0x1333db76a7c594bfc3]\n"
    );

    let broken = dir.path().join("broken.cairo");
    std::fs::write(
        &broken,
        "fn main() -> felt252 { let x: u8 = 'abc'; undefined_function(x) }",
    )
    .expect("write");
    let output = cairn(&["run", &broken.display().to_string(), "--corelib", &corelib]);
    assert_clean_failure(&output, "does not compile");
    assert!(
        text(&output.stderr).contains("undefined_function"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn output_errors_end_the_run_quietly() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;

    let fib = fixtures().join("compiled/fib.sierra.json");
    let args = [
        "run",
        fib.to_str().expect("UTF-8"),
        "--available-gas",
        "100000000",
        "--json",
    ];
    // A closed pipe (`cairn run … | head -0`): the read end is gone before cairn writes, and
    // cairn ends as other Unix tools do, by SIGPIPE, saying nothing.
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cairn runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("cairn ends");
    assert_eq!(
        output.status.signal(),
        Some(libc::SIGPIPE),
        "{:?}",
        output.status
    );
    assert_eq!(text(&output.stderr), "");

    // A full disk: one line naming the cause, exit status 1.
    let full = std::fs::File::create("/dev/full").expect("/dev/full");
    let output = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .stdout(full)
        .output()
        .expect("cairn runs");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr),
        "error: cannot write the output: No space left on device (os error 28)\n"
    );
}

#[test]
fn warnings_are_errors_unless_allowed() {
    let Some(corelib) = corelib() else {
        println!("skipped: no corelib");
        return;
    };
    let scratch = tempfile::tempdir().expect("temporary folder");
    let source = scratch.path().join("unused.cairo");
    std::fs::write(
        &source,
        "fn main() -> felt252 {\n    let unused = 5;\n    3\n}\n",
    )
    .expect("write");
    let source = source.to_str().expect("UTF-8");
    let corelib = corelib.to_str().expect("UTF-8");
    let refused = cairn(&["run", source, "--corelib", corelib]);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("Unused variable"));
    let allowed = cairn(&["run", source, "--corelib", corelib, "--allow-warnings"]);
    assert!(allowed.status.success(), "{}", text(&allowed.stderr));
    assert!(text(&allowed.stderr).contains("warning[E0001]: Unused variable"));
    assert!(text(&allowed.stdout).contains("returning [0x3]"));
    let compiled = cairn(&["compile", source, "--corelib", corelib, "--allow-warnings"]);
    assert!(compiled.status.success(), "{}", text(&compiled.stderr));
    assert!(text(&compiled.stderr).contains("Unused variable"));
}

#[test]
fn inputs_a_user_can_get_wrong_fail_with_one_clear_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A folder named like a program, that is no Cairo project.
    let folder = dir.path().join("x.json");
    std::fs::create_dir(&folder).expect("folder");
    assert_clean_failure(
        &cairn(&["run", &folder.display().to_string()]),
        "is a folder without a cairo_project.toml",
    );
    // A file that never ends.
    assert_clean_failure(&cairn(&["run", "/dev/zero"]), "is not a regular file");
    // Source that is not UTF-8 (Latin-1 `é`).
    let latin1 = dir.path().join("latin1.cairo");
    std::fs::write(&latin1, b"// caf\xe9\nfn main() {}\n").expect("write");
    assert_clean_failure(
        &cairn(&["run", &latin1.display().to_string()]),
        "is not UTF-8 text (at byte offset 6)",
    );
    // A boxed argument runs on the VM (its segment allocated by Cairn's parameter hint)...
    let boxed = cairn(&[
        "run",
        "compiled/boxed_members.sierra.json",
        "--entry",
        "high_of",
        "--args",
        "[5]",
        "--available-gas",
        "1000000",
    ]);
    assert!(boxed.status.success(), "{}", text(&boxed.stderr));
    // ... and so does a dictionary argument (made in the run's segment arena by the entry code).
    let dict = cairn(&[
        "run",
        "compiled/pointer_args.sierra.json",
        "--entry",
        "dict_get",
        "--args",
        r#"[{"3": 30}, 3]"#,
        "--available-gas",
        "1000000",
    ]);
    assert!(dict.status.success(), "{}", text(&dict.stderr));
    assert!(
        text(&dict.stdout).contains("returning [0x1e]"),
        "{}",
        text(&dict.stdout)
    );
    // Arguments too large for a command line come from a file: 100,000 entries on both backends.
    let entries: Vec<String> = (1..=100_000)
        .map(|key| format!(r#""{key}": {key}"#))
        .collect();
    let args_file = dir.path().join("big_dict.json");
    std::fs::write(&args_file, format!("[{{{}}}, 99999]", entries.join(", "))).expect("write");
    for backend in ["vm", "native"] {
        let output = cairn(&[
            "run",
            "compiled/pointer_args.sierra.json",
            "--entry",
            "dict_get",
            "--args-file",
            &args_file.display().to_string(),
            "--available-gas",
            "1000000",
            "--backend",
            backend,
        ]);
        assert!(
            output.status.success(),
            "{backend}: {}",
            text(&output.stderr)
        );
        assert!(
            text(&output.stdout).contains("returning [0x1869f]"),
            "{backend}: {}",
            text(&output.stdout)
        );
    }
    assert_clean_failure(
        &cairn(&[
            "run",
            "compiled/pointer_args.sierra.json",
            "--entry",
            "dict_get",
            "--args-file",
            "no-such-args.json",
        ]),
        "cannot read no-such-args.json",
    );
    std::fs::write(&args_file, "[{}, 1").expect("write");
    assert_clean_failure(
        &cairn(&[
            "run",
            "compiled/pointer_args.sierra.json",
            "--entry",
            "dict_get",
            "--args-file",
            &args_file.display().to_string(),
        ]),
        "big_dict.json is not valid JSON",
    );
}

#[test]
fn integers_beyond_64_bits_are_exact_as_json_numbers() {
    // u128::MAX as a bare JSON number: exact, so `a + 1` overflows, as with the string form.
    let output = cairn(&[
        "run",
        "compiled/u128_ops.sierra.json",
        "--entry",
        "add_overflow",
        "--args",
        "[340282366920938463463374607431768211455]",
        "--available-gas",
        "1000000",
    ]);
    assert!(
        text(&output.stdout).contains("u128_add Overflow"),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let output = cairn(&[
        "run",
        "compiled/u128_ops.sierra.json",
        "--entry",
        "add_overflow",
        "--args",
        "[340282366920938463463374607431768211454]",
        "--available-gas",
        "1000000",
    ]);
    assert!(
        text(&output.stdout).contains("returning [0xffffffffffffffffffffffffffffffff]"),
        "{}",
        text(&output.stdout)
    );
}
