//! `cairn declare`, `cairn deploy`, `cairn call` on the fixture contracts with a state file kept
//! between commands; the same transactions print the same thing on both backends.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;
use support::text;

fn classes() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/starknet/compiled")
}

fn counter_class() -> String {
    classes()
        .join("basics_Counter.contract_class.json")
        .display()
        .to_string()
}

fn cairn(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("cairn runs")
}

/// Commands run in a fresh folder (its state file and class cache) on one backend.
struct Session {
    dir: tempfile::TempDir,
    backend: &'static str,
}

impl Session {
    fn new(backend: &'static str) -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
            backend,
        }
    }

    /// Runs `args` (with the backend and the folder's class cache), expecting success or
    /// failure; the standard output.
    fn run(&self, args: &[&str], succeeds: bool) -> String {
        let cache = self.dir.path().join("classes").display().to_string();
        let mut args = args.to_vec();
        if args[0] != "declare" {
            args.extend(["--backend", self.backend, "--class-cache", &cache]);
        }
        let output = cairn(self.dir.path(), &args);
        assert_eq!(
            output.status.success(),
            succeeds,
            "{args:?}: {}{}",
            text(&output.stdout),
            text(&output.stderr)
        );
        text(&output.stdout)
    }
}

/// The class hash cairo-lang computes (recorded by scripts/starknet_class_hashes.py).
fn recorded_class_hash(file: &str) -> String {
    let hashes: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(classes().join("class_hashes.json")).expect("recorded hashes"),
    )
    .expect("JSON");
    hashes[file].as_str().expect("recorded").to_owned()
}

/// Declares, deploys and calls on `backend` in a fresh folder; returns each command's stdout.
fn session(backend: &'static str) -> Vec<String> {
    let session = Session::new(backend);
    let run = |args: &[&str], succeeds: bool| session.run(args, succeeds);
    let counter = counter_class();
    let mut outputs = Vec::new();
    let declared = run(&["declare", &counter], true);
    assert_eq!(
        declared,
        format!(
            "class hash: {}\n",
            recorded_class_hash("basics_Counter.contract_class.json")
        )
    );
    outputs.push(declared);
    let deployed = run(
        &["deploy", &counter, "--calldata", "[5]", "--salt", "7"],
        true,
    );
    let address = deployed
        .lines()
        .find_map(|line| line.strip_prefix("contract address: "))
        .expect("an address")
        .to_owned();
    assert!(deployed.contains("status: success"), "{deployed}");
    assert!(deployed.contains(": 0x0 -> 0x5"), "{deployed}");
    outputs.push(deployed);

    let incremented = run(
        &[
            "call",
            &address,
            "--function",
            "increment",
            "--calldata",
            "[3]",
        ],
        true,
    );
    assert!(incremented.contains("retdata: [0x8]"), "{incremented}");
    assert!(incremented.contains("event from"), "{incremented}");
    assert!(incremented.contains(": 0x5 -> 0x8"), "{incremented}");
    outputs.push(incremented);

    // A revert exits 1, prints its reason, and changes nothing in the state file.
    let reverted = run(
        &[
            "call",
            &address,
            "--function",
            "fail_after_write",
            "--calldata",
            "[4]",
        ],
        false,
    );
    assert!(reverted.contains("status: reverted"), "{reverted}");
    assert!(reverted.contains("counter refused 4"), "{reverted}");
    assert!(!reverted.contains("storage "), "{reverted}");
    outputs.push(reverted);
    let read = run(&["call", &address, "--function", "get", "--json"], true);
    let mut report: serde_json::Value = serde_json::from_str(&read).expect("JSON report");
    assert_eq!(report["retdata"], serde_json::json!(["0x8"]));
    assert_eq!(report["status"], "success");
    assert_eq!(report["syscalls"], serde_json::json!({"StorageRead": 1}));
    // Steps on the VM only; the rest of the report, builtin instances included, is the same on
    // both backends.
    assert!(
        report["builtins"]["range_check"].as_u64().is_some(),
        "{read}"
    );
    let steps = report
        .as_object_mut()
        .and_then(|fields| fields.remove("steps"))
        .expect("steps");
    if backend == "vm" {
        assert!(steps.as_u64().expect("steps") > 0, "{read}");
    } else {
        assert!(steps.is_null(), "{read}");
    }
    outputs.push(report.to_string());
    outputs
}

/// An ERC20 on `backend`: deployed with a supply for 0x111, transfers, an approval and a
/// transfer_from by the spender, and the failures a token has; returns each command's stdout.
fn erc20_session(backend: &'static str) -> Vec<String> {
    let session = Session::new(backend);
    let run = |args: &[&str], succeeds: bool| session.run(args, succeeds);
    let class = classes()
        .join("erc20_ERC20.contract_class.json")
        .display()
        .to_string();
    let mut outputs = Vec::new();
    // name "Token", symbol "TKN" (ByteArrays: no full words, the pending word, its length),
    // a supply of 1000 (u256: low, high), the recipient.
    let deployed = run(
        &[
            "deploy",
            &class,
            "--calldata",
            r#"[0, "0x546f6b656e", 5, 0, "0x544b4e", 3, 1000, 0, "0x111"]"#,
        ],
        true,
    );
    assert_eq!(
        deployed.lines().nth(1),
        Some("status: success"),
        "{deployed}"
    );
    let token = deployed
        .lines()
        .find_map(|line| line.strip_prefix("contract address: "))
        .expect("an address")
        .to_owned();
    outputs.push(deployed);
    let call = |function: &str, calldata: &str, caller: &str, succeeds: bool| {
        run(
            &[
                "call",
                &token,
                "--function",
                function,
                "--calldata",
                calldata,
                "--caller",
                caller,
            ],
            succeeds,
        )
    };
    let transferred = call("transfer", r#"["0x222", 100, 0]"#, "0x111", true);
    assert!(transferred.contains("retdata: [0x1]"), "{transferred}");
    assert_eq!(transferred.matches("storage ").count(), 2, "{transferred}");
    outputs.push(transferred);
    let too_much = call("transfer", r#"["0x222", 901, 0]"#, "0x111", false);
    assert!(
        too_much.contains("'ERC20: insufficient balance'"),
        "{too_much}"
    );
    outputs.push(too_much);
    outputs.push(call("approve", r#"["0x333", 50, 0]"#, "0x222", true));
    let spent = call(
        "transfer_from",
        r#"["0x222", "0x444", 30, 0]"#,
        "0x333",
        true,
    );
    assert!(spent.contains("retdata: [0x1]"), "{spent}");
    outputs.push(spent);
    let over = call(
        "transfer_from",
        r#"["0x222", "0x444", 30, 0]"#,
        "0x333",
        false,
    );
    assert!(over.contains("'ERC20: insufficient allowance'"), "{over}");
    outputs.push(over);
    for (account, expected) in [
        ("0x111", "[0x384, 0x0]"),
        ("0x222", "[0x46, 0x0]"),
        ("0x444", "[0x1e, 0x0]"),
    ] {
        let balance = call("balance_of", &format!(r#"["{account}"]"#), "0", true);
        assert!(
            balance.contains(&format!("retdata: {expected}")),
            "{account}: {balance}"
        );
        outputs.push(balance);
    }
    let name = call("name", "[]", "0", true);
    assert!(name.contains("retdata: [0x0, 0x546f6b656e, 0x5]"), "{name}");
    outputs.push(name);
    outputs
}

#[test]
fn an_erc20_runs_through_the_cli_alike_on_both_backends() {
    let vm = erc20_session("vm");
    #[cfg(feature = "native")]
    assert_eq!(
        erc20_session("native"),
        vm,
        "native prints what the VM prints"
    );
}

/// A bridge gets messages from L1 (`--from-l1`) and messages L1 back; returns each stdout.
fn bridge_session(backend: &'static str) -> Vec<String> {
    let session = Session::new(backend);
    let class = classes()
        .join("flows_Bridge.contract_class.json")
        .display()
        .to_string();
    let deployed = session.run(&["deploy", &class, "--calldata", r#"["0xb41d6e"]"#], true);
    let bridge = deployed
        .lines()
        .find_map(|line| line.strip_prefix("contract address: "))
        .expect("an address")
        .to_owned();
    let deposit = |from: &str, succeeds: bool| {
        session.run(
            &[
                "call",
                &bridge,
                "--function",
                "deposit",
                "--from-l1",
                from,
                "--calldata",
                r#"["0x5e4", 50]"#,
            ],
            succeeds,
        )
    };
    let delivered = deposit("0xb41d6e", true);
    assert!(delivered.contains("status: success"), "{delivered}");
    assert!(delivered.contains("event from"), "{delivered}");
    assert_eq!(delivered.matches("storage ").count(), 1, "{delivered}");
    let refused = deposit("0xe71", false);
    assert!(refused.contains("'Bridge: unknown L1 sender'"), "{refused}");
    let withdrawn = session.run(
        &[
            "call",
            &bridge,
            "--function",
            "withdraw",
            "--caller",
            "0x5e4",
            "--calldata",
            r#"["0x1f", 20]"#,
        ],
        true,
    );
    assert!(withdrawn.contains("0xb41d6e"), "{withdrawn}");
    vec![deployed, delivered, refused, withdrawn]
}

#[test]
fn an_l1_message_reaches_its_handler_through_the_cli() {
    let vm = bridge_session("vm");
    #[cfg(feature = "native")]
    assert_eq!(
        bridge_session("native"),
        vm,
        "native prints what the VM prints"
    );
}

#[test]
fn a_counter_is_declared_deployed_and_called_through_a_state_file() {
    let vm = session("vm");
    #[cfg(feature = "native")]
    assert_eq!(session("native"), vm, "native prints what the VM prints");
}

#[test]
fn bad_starknet_inputs_fail_with_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let counter = counter_class();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["declare", "missing.contract_class.json"],
            "cannot read missing.contract_class.json",
        ),
        (
            vec!["deploy", "0x1234"],
            "no class is declared with hash 0x1234",
        ),
        (
            vec!["deploy", &counter, "--calldata", "[5"],
            "--calldata is not valid JSON",
        ),
        (
            vec!["deploy", &counter, "--calldata", "[true]"],
            "--calldata[0]: true is not a felt",
        ),
        (
            vec!["call", "0xdead", "--function", "get"],
            "no contract is deployed at 0xdead",
        ),
        (
            vec!["call", "zzz", "--function", "get"],
            "the contract address `zzz` is not a felt",
        ),
    ];
    for (args, expected) in cases {
        let output = cairn(dir.path(), &args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{args:?}: expected `{expected}` in {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
    // A state file that is not one.
    std::fs::write(dir.path().join("cairn-state.json"), "[1, 2]").expect("write");
    let output = cairn(dir.path(), &["deploy", &counter]);
    assert!(text(&output.stderr).contains("is not a Cairn state file"));
    // An entry point the class does not have.
    std::fs::remove_file(dir.path().join("cairn-state.json")).expect("remove");
    let deployed = cairn(dir.path(), &["deploy", &counter, "--calldata", "[1]"]);
    let stdout = text(&deployed.stdout);
    let address = stdout
        .lines()
        .find_map(|line| line.strip_prefix("contract address: "))
        .expect("deployed");
    let output = cairn(dir.path(), &["call", address, "--function", "nope"]);
    assert!(
        text(&output.stderr).contains("the class has no EXTERNAL entry point with selector"),
        "{}",
        text(&output.stderr)
    );
}
