//! `cairn test`, `cairn compile` and `cairn run` on Scarb packages and workspaces: Cairn's
//! own three-package workspace fixture (a library, a package depending on it by path, a
//! package with a contract), features, package selection, and dependencies Cairn cannot have.

use std::path::PathBuf;
use std::process::{Command, Output};

mod support;
use support::{corelib, text};

fn cairn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .output()
        .expect("cairn runs")
}

/// `cairn ARGS` with its cache in `cache`.
fn cairn_cached_in(cache: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .env("CAIRN_CACHE", cache)
        .output()
        .expect("cairn runs")
}

/// The standard output of a run that must have succeeded (both outputs shown if it did not).
fn succeeded(output: &Output) -> String {
    let out = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{out}{}",
        text(&output.stderr)
    );
    out
}

/// The names of the files in `folder`, in no particular order.
fn file_names(folder: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .expect("a folder to list")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

fn workspace() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/scarb-workspace")
        .to_str()
        .expect("UTF-8 path")
        .to_owned()
}

fn assert_lines(out: &str, lines: &[&str]) {
    for line in lines {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
}

#[cfg(feature = "native")]
#[test]
fn cairn_test_runs_every_member_of_a_workspace_alike_on_both_backends() {
    let Some(corelib) = corelib() else { return };
    let root = workspace();
    let run = cairn(&["test", &root, "--compare", "--json", "--corelib", &corelib]);
    let out = succeeded(&run);
    let report: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    let units: Vec<(String, String, u64)> = report["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|unit| {
            (
                unit["package"].as_str().expect("package").to_owned(),
                unit["kind"].as_str().expect("kind").to_owned(),
                unit["passed"].as_u64().expect("passed"),
            )
        })
        .collect();
    // Members in dependency order; each its unit tests then its `tests/` crate.
    let expected = [
        ("geometry", "unit", 5),
        ("geometry", "integration", 3),
        ("atlas", "unit", 2),
        ("atlas", "integration", 2),
        ("registry", "unit", 1),
        ("registry", "integration", 2),
    ];
    let expected: Vec<(String, String, u64)> = expected
        .iter()
        .map(|(package, kind, passed)| (package.to_string(), kind.to_string(), *passed))
        .collect();
    assert_eq!(units, expected, "{out}");
    assert_eq!(report["passed"], 15, "{out}");
    assert_eq!(report["failed"], 0, "{out}");
    // Both backends ran each test, and agreed on its gas.
    for unit in report["units"].as_array().expect("units") {
        for test in unit["tests"].as_array().expect("tests") {
            let runs = &test["runs"];
            assert!(runs["vm"]["gas"].is_u64(), "{test}");
            assert_eq!(runs["vm"]["gas"], runs["native"]["gas"], "{test}");
        }
    }
    let registry = &report["units"][5]["tests"];
    let names: Vec<&str> = registry
        .as_array()
        .expect("tests")
        .iter()
        .map(|test| test["name"].as_str().expect("name"))
        .collect();
    assert!(
        names.contains(
            &"registry_integrationtest::test_registry::steps_are_measured_and_the_longest_kept"
        ),
        "{names:?}"
    );
}

#[test]
fn cairn_test_selects_a_package_and_its_features() {
    let Some(corelib) = corelib() else { return };
    let root = workspace();
    let cache = tempfile::tempdir().expect("cache folder");
    let args = [
        "test",
        &root,
        "--package",
        "geometry",
        "--features",
        "imperial",
        "--no-default-features",
        "--corelib",
        &corelib,
    ];
    let run = cairn_cached_in(cache.path(), &args);
    let out = succeeded(&run);
    // Both test programs were kept, and a second run reads them back to the same report.
    let kept = file_names(&cache.path().join("sierra"));
    assert_eq!(kept.len(), 2, "{kept:?}");
    let again = cairn_cached_in(cache.path(), &args);
    // (Tests are reported as they finish, so compare the lines in order.)
    let sorted = |report: &str| {
        let mut lines: Vec<String> = report.lines().map(str::to_owned).collect();
        lines.sort();
        lines
    };
    assert_eq!(sorted(&text(&again.stdout)), sorted(&out));
    assert_lines(
        &out,
        &[
            "Testing geometry (unit tests)",
            "test geometry::tests::lengths_are_in_inches ... ok",
            "Testing geometry (integration tests)",
            "test geometry_integrationtest::test_units::lengths_are_in_inches_with_the_imperial_feature ... ok",
            "total over 2 test programs: ok. 7 passed; 0 failed; 0 ignored; 0 filtered out;",
        ],
    );
    assert!(!out.contains("metric_is_on_by_default"), "{out}");
    assert!(!out.contains("atlas"), "{out}");

    let unknown = cairn(&["test", &root, "--features", "metrik", "--corelib", &corelib]);
    assert_eq!(unknown.status.code(), Some(1));
    let error = text(&unknown.stderr);
    assert!(error.contains("has no feature metrik"), "{error}");

    let member = cairn(&[
        "test",
        &format!("{root}/packages/nowhere"),
        "--corelib",
        &corelib,
    ]);
    assert_eq!(member.status.code(), Some(1));
}

#[test]
fn cairn_compile_writes_scarbs_artefacts_and_cairn_run_runs_a_package() {
    let Some(corelib) = corelib() else { return };
    let root = workspace();
    let output = tempfile::tempdir().expect("folder");
    let out_dir = output.path().to_str().expect("UTF-8 path");
    let compiled = cairn(&["compile", &root, "-o", out_dir, "--corelib", &corelib]);
    succeeded(&compiled);
    let mut written: Vec<String> = file_names(output.path());
    written.sort();
    assert_eq!(
        written,
        [
            "atlas.sierra.json",
            "geometry.sierra.json",
            "registry.starknet_artifacts.json",
            "registry_Registry.contract_class.json",
        ]
    );
    let artifacts: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(output.path().join("registry.starknet_artifacts.json"))
            .expect("artefact list"),
    )
    .expect("JSON");
    assert_eq!(artifacts["contracts"][0]["contract_name"], "Registry");
    assert_eq!(
        artifacts["contracts"][0]["artifacts"]["sierra"],
        "registry_Registry.contract_class.json"
    );

    // The class is one `cairn deploy` takes.
    let state = output.path().join("state.json");
    let state = state.to_str().expect("UTF-8 path");
    let class = output.path().join("registry_Registry.contract_class.json");
    let deployed = cairn(&[
        "deploy",
        class.to_str().expect("UTF-8 path"),
        "--calldata",
        "[3, 4]",
        "--state",
        state,
    ]);
    succeeded(&deployed);

    // A member's folder runs that member's library; atlas turns on geometry's `imperial`.
    let ran = cairn(&[
        "run",
        &format!("{root}/packages/atlas"),
        "--entry",
        "atlas::unit",
        "--corelib",
        &corelib,
    ]);
    let out = succeeded(&ran);
    // 'inch' as a felt.
    assert!(out.contains("returning [0x696e6368]"), "{out}");

    // A workspace of several libraries needs --package to run one.
    let ambiguous = cairn(&[
        "run",
        &root,
        "--entry",
        "atlas::unit",
        "--corelib",
        &corelib,
    ]);
    assert_eq!(ambiguous.status.code(), Some(1));
    assert!(
        text(&ambiguous.stderr).contains("choose one with --package"),
        "{}",
        text(&ambiguous.stderr)
    );
}

#[test]
fn unavailable_dependencies_fail_or_are_left_out_and_reported() {
    let Some(corelib) = corelib() else { return };
    let folder = tempfile::tempdir().expect("folder");
    let files = [
        (
            "Scarb.toml",
            "[package]\nname = \"counter\"\nversion = \"0.1.0\"\nedition = \"2024_07\"\n\n\
             [dev-dependencies]\nsnforge_std = \"0.50.0\"\n",
        ),
        ("src/lib.cairo", "pub fn one() -> u8 {\n    1\n}\n"),
        (
            "tests/plain.cairo",
            "#[test]\nfn one_is_one() {\n    assert!(counter::one() == 1);\n}\n",
        ),
        (
            "tests/forge.cairo",
            "use snforge_std::declare;\n\n#[test]\nfn declares() {\n    declare(\"X\");\n}\n",
        ),
    ];
    for (path, content) in files {
        let path = folder.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folders");
        std::fs::write(path, content).expect("file");
    }
    let project = folder.path().to_str().expect("UTF-8 path");
    let refused = cairn(&["test", project, "--corelib", &corelib]);
    assert_eq!(refused.status.code(), Some(1));
    let error = text(&refused.stderr);
    assert!(error.contains("counter depends on snforge_std"), "{error}");

    let skipped = cairn(&["test", project, "--skip-unavailable", "--corelib", &corelib]);
    let out = text(&skipped.stdout);
    let error = text(&skipped.stderr);
    assert_eq!(skipped.status.code(), Some(0), "{out}{error}");
    assert!(
        error.contains("left out: counter tests/forge.cairo: uses snforge_std"),
        "{error}"
    );
    assert_lines(
        &out,
        &["test counter_integrationtest::plain::one_is_one ... ok"],
    );
    assert!(!out.contains("declares"), "{out}");
}

#[test]
fn a_package_without_gas_compiles_and_runs_without_it() {
    let Some(corelib) = corelib() else { return };
    let folder = tempfile::tempdir().expect("folder");
    std::fs::create_dir_all(folder.path().join("src")).expect("src");
    std::fs::write(
        folder.path().join("Scarb.toml"),
        "[package]\nname = \"nogas\"\nversion = \"0.1.0\"\nedition = \"2024_07\"\n\n\
         [cairo]\nenable-gas = false\n",
    )
    .expect("manifest");
    std::fs::write(
        folder.path().join("src/lib.cairo"),
        "pub fn count(n: u32) -> u32 {\n    let mut i = 0;\n    while i < n {\n        i += 1;\n    }\n    i\n}\n",
    )
    .expect("source");
    let project = folder.path().to_str().expect("UTF-8 path");
    let compiled = cairn(&["compile", project, "--corelib", &corelib]);
    succeeded(&compiled);
    let sierra = std::fs::read_to_string(folder.path().join("target/cairn/nogas.sierra.json"))
        .expect("Scarb's artefact name, under target/cairn");
    assert!(
        !sierra.contains("withdraw_gas"),
        "gas accounting compiled in"
    );
    let ran = cairn(&[
        "run",
        project,
        "--entry",
        "nogas::count",
        "--args",
        "[5]",
        "--corelib",
        &corelib,
    ]);
    let out = succeeded(&ran);
    assert!(out.contains("returning [0x5]"), "{out}");
}
