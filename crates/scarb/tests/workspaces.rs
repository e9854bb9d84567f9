//! Reading Scarb workspaces and putting their compilation units together: Cairn's own
//! workspace fixture, and small packages written here for each rule.

use std::path::{Path, PathBuf};

use cairn_scarb::{CfgEntry, ScarbError, UnitKind, UnitOptions, Workspace};

fn compiler() -> semver::Version {
    semver::Version::new(2, 20, 0)
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/scarb-workspace")
}

fn cfg(key: &str, value: Option<&str>) -> CfgEntry {
    CfgEntry {
        key: key.to_owned(),
        value: value.map(str::to_owned),
    }
}

/// Writes `files` (path, text) under a new temporary folder.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temporary folder");
    for (path, text) in files {
        let path = folder.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(path, text).expect("file");
    }
    folder
}

#[test]
fn the_fixture_workspace_has_its_members_in_dependency_order_with_inherited_values() {
    let workspace = Workspace::load(&fixture(), &compiler()).expect("loads");
    assert_eq!(workspace.members, ["geometry", "atlas", "registry"]);
    assert_eq!(workspace.current, None);
    let geometry = workspace.package("geometry").expect("geometry");
    assert_eq!(geometry.version.to_string(), "0.3.0");
    assert_eq!(geometry.edition, "2024_07");
    assert!(geometry.targets.lib && !geometry.targets.starknet_contract);
    let atlas = workspace.package("atlas").expect("atlas");
    assert_eq!(atlas.version.to_string(), "1.2.0");
    let registry = workspace.package("registry").expect("registry");
    assert!(registry.targets.starknet_contract && !registry.targets.lib);
}

#[test]
fn a_member_folder_loads_its_workspace_with_that_member_current() {
    let workspace = Workspace::load(&fixture().join("packages/atlas"), &compiler()).expect("loads");
    assert_eq!(workspace.current.as_deref(), Some("atlas"));
    let selected = workspace.selected(None).expect("selects");
    assert_eq!(selected.len(), 1);
    assert_eq!(selected[0].name, "atlas");
    let error = workspace
        .selected(Some("nowhere"))
        .expect_err("no such member");
    assert!(
        error.to_string().contains("has no package nowhere"),
        "{error}"
    );
}

#[test]
fn unit_tests_configure_each_crate_as_scarb_does() {
    let workspace = Workspace::load(&fixture(), &compiler()).expect("loads");
    let atlas = workspace.package("atlas").expect("atlas");
    let units = workspace
        .units(&[atlas], &[UnitKind::UnitTests], &UnitOptions::default())
        .expect("units");
    let [unit] = units.units.as_slice() else {
        panic!("one unit: {:?}", units.units)
    };
    assert_eq!(unit.main_crate, "atlas");
    assert!(unit.plugins.test && unit.plugins.starknet);
    let names: Vec<&str> = unit.crates.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["atlas", "geometry"]);
    let (atlas_crate, geometry_crate) = (&unit.crates[0], &unit.crates[1]);
    // `test` only on the crate under test; the target on all; atlas turns on geometry's
    // `imperial` and geometry keeps its `default` (which turns on `metric`).
    assert_eq!(
        atlas_crate.cfg,
        [cfg("target", Some("test")), cfg("test", None)]
    );
    assert_eq!(
        geometry_crate.cfg,
        [
            cfg("feature", Some("default")),
            cfg("feature", Some("imperial")),
            cfg("feature", Some("metric")),
            cfg("target", Some("test"))
        ]
    );
    assert_eq!(atlas_crate.dependencies, ["atlas", "geometry"]);
    assert_eq!(atlas_crate.version.to_string(), "1.2.0");
}

#[test]
fn a_tests_folder_without_a_root_gets_one_declaring_each_file() {
    let workspace = Workspace::load(&fixture(), &compiler()).expect("loads");
    let geometry = workspace.package("geometry").expect("geometry");
    let units = workspace
        .units(
            &[geometry],
            &[UnitKind::IntegrationTests],
            &UnitOptions::default(),
        )
        .expect("units");
    let unit = &units.units[0];
    assert_eq!(unit.main_crate, "geometry_integrationtest");
    let tests_crate = &unit.crates[0];
    assert_eq!(
        tests_crate.dependencies,
        ["geometry_integrationtest", "geometry"]
    );
    assert_eq!(
        tests_crate.file_overrides,
        [(
            tests_crate.root.join("lib.cairo"),
            "mod test_shapes;\nmod test_units;\n".to_owned()
        )]
    );
    // The package itself is a plain dependency there: no `test`.
    assert!(!unit.crates[1].cfg.contains(&cfg("test", None)));
}

#[test]
fn features_asked_for_turn_on_the_features_they_list() {
    let workspace = Workspace::load(&fixture(), &compiler()).expect("loads");
    let geometry = workspace.package("geometry").expect("geometry");
    let options = UnitOptions {
        features: vec!["precise".to_owned()],
        no_default_features: true,
        ..UnitOptions::default()
    };
    let units = workspace
        .units(&[geometry], &[UnitKind::Lib], &options)
        .expect("units");
    assert_eq!(
        units.units[0].crates[0].cfg,
        [
            cfg("feature", Some("metric")),
            cfg("feature", Some("precise")),
            cfg("target", Some("lib"))
        ]
    );
    let options = UnitOptions {
        features: vec!["metrik".to_owned()],
        ..UnitOptions::default()
    };
    let error = workspace
        .units(&[geometry], &[UnitKind::Lib], &options)
        .expect_err("no such feature");
    assert!(
        matches!(error, ScarbError::UnknownFeature { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("metrik"), "{error}");
}

const SNFORGE_PACKAGE: &[(&str, &str)] = &[
    (
        "Scarb.toml",
        "[package]\nname = \"counter\"\nversion = \"0.1.0\"\nedition = \"2024_07\"\n\n\
         [dev-dependencies]\nsnforge_std = \"0.50.0\"\n",
    ),
    ("src/lib.cairo", "pub fn one() -> u8 { 1 }\nmod tests;\n"),
    (
        "src/tests.cairo",
        "use snforge_std::declare;\n#[test]\nfn t() { declare(\"X\"); }\n",
    ),
    (
        "tests/plain.cairo",
        "#[test]\nfn one() { assert!(counter::one() == 1); }\n",
    ),
    (
        "tests/forge.cairo",
        "use snforge_std::declare;\n#[test]\nfn d() { declare(\"X\"); }\n",
    ),
];

#[test]
fn an_unavailable_dependency_is_an_error_naming_it() {
    let folder = project(SNFORGE_PACKAGE);
    let workspace = Workspace::load(folder.path(), &compiler()).expect("loads");
    let selected = workspace.selected(None).expect("selects");
    let error = workspace
        .units(&selected, &[UnitKind::UnitTests], &UnitOptions::default())
        .expect_err("snforge_std cannot be had");
    let message = error.to_string();
    assert!(
        message.contains("counter depends on snforge_std"),
        "{message}"
    );
    assert!(message.contains("--skip-unavailable"), "{message}");
}

#[test]
fn skipping_unavailable_dependencies_leaves_out_the_test_files_that_use_them() {
    let folder = project(SNFORGE_PACKAGE);
    let workspace = Workspace::load(folder.path(), &compiler()).expect("loads");
    let selected = workspace.selected(None).expect("selects");
    let options = UnitOptions {
        skip_unavailable: true,
        ..UnitOptions::default()
    };
    let units = workspace
        .units(
            &selected,
            &[UnitKind::UnitTests, UnitKind::IntegrationTests],
            &options,
        )
        .expect("units");
    let left: Vec<&str> = units
        .left_out
        .iter()
        .map(|item| item.what.as_str())
        .collect();
    assert_eq!(left, ["src/tests.cairo", "tests/forge.cairo"]);
    assert!(units.left_out[0].reason.contains("uses snforge_std"));
    // The unit test file is emptied; the tests root declares only the file that compiles.
    let unit_tests = &units.units[0];
    assert_eq!(unit_tests.crates[0].file_overrides.len(), 1);
    assert_eq!(unit_tests.crates[0].file_overrides[0].1, "");
    let integration = &units.units[1];
    assert_eq!(integration.crates[0].file_overrides[0].1, "mod plain;\n");
}

#[test]
fn a_library_needing_an_unavailable_dependency_is_left_out_whole() {
    let folder = project(&[
        ("Scarb.toml", "[workspace]\nmembers = [\"uses_oz\", \"plain\", \"macros\", \"uses_macros\"]\n"),
        (
            "uses_oz/Scarb.toml",
            "[package]\nname = \"uses_oz\"\n[dependencies]\nopenzeppelin = { git = \"https://example.invalid/oz\" }\n",
        ),
        ("uses_oz/src/lib.cairo", "use openzeppelin::token;\n"),
        ("plain/Scarb.toml", "[package]\nname = \"plain\"\n"),
        ("plain/src/lib.cairo", "pub fn f() {}\n"),
        ("macros/Scarb.toml", "[package]\nname = \"macros\"\n[cairo-plugin]\n"),
        (
            "uses_macros/Scarb.toml",
            "[package]\nname = \"uses_macros\"\n[dependencies]\nmacros = { path = \"../macros\" }\n",
        ),
        ("uses_macros/src/lib.cairo", "\n"),
    ]);
    let workspace = Workspace::load(folder.path(), &compiler()).expect("loads");
    let selected = workspace.selected(None).expect("selects");
    let options = UnitOptions {
        skip_unavailable: true,
        ..UnitOptions::default()
    };
    let units = workspace
        .units(&selected, &[UnitKind::Lib], &options)
        .expect("units");
    let built: Vec<&str> = units
        .units
        .iter()
        .map(|unit| unit.package.as_str())
        .collect();
    assert_eq!(built, ["plain"]);
    let reasons: Vec<String> = units
        .left_out
        .iter()
        .map(|item| format!("{}: {}", item.package, item.reason))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].starts_with("uses_oz: needs openzeppelin, a Git dependency"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].contains("uses_macros: needs macros, a procedural macro"),
        "{reasons:?}"
    );
}

#[test]
fn a_package_for_a_newer_cairo_is_refused() {
    let folder = project(&[(
        "Scarb.toml",
        "[package]\nname = \"future\"\ncairo-version = \"^2.30.0\"\n",
    )]);
    let error = Workspace::load(folder.path(), &compiler()).expect_err("too new");
    assert!(matches!(error, ScarbError::CairoVersion { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("^2.30.0") && message.contains("2.20.0"),
        "{message}"
    );
}

#[test]
fn bad_manifests_are_named_with_the_cause() {
    let folder = project(&[("Scarb.toml", "[package\nname = \"x\"\n")]);
    let error = Workspace::load(folder.path(), &compiler()).expect_err("bad TOML");
    assert!(matches!(error, ScarbError::Parse { .. }), "{error}");
    assert!(error.to_string().contains("Scarb.toml"), "{error}");

    let folder = project(&[(
        "Scarb.toml",
        "[package]\nname = \"x\"\nversion.workspace = true\n",
    )]);
    let error = Workspace::load(folder.path(), &compiler()).expect_err("nothing to inherit");
    assert!(
        error.to_string().contains("version.workspace = true"),
        "{error}"
    );

    let empty = tempfile::tempdir().expect("folder");
    let error = Workspace::load(empty.path(), &compiler()).expect_err("no manifest");
    assert!(matches!(error, ScarbError::NoManifest { .. }), "{error}");
}

#[test]
fn path_dependencies_in_a_cycle_are_refused() {
    let folder = project(&[
        ("Scarb.toml", "[workspace]\nmembers = [\"a\", \"b\"]\n"),
        (
            "a/Scarb.toml",
            "[package]\nname = \"a\"\n[dependencies]\nb = { path = \"../b\" }\n",
        ),
        (
            "b/Scarb.toml",
            "[package]\nname = \"b\"\n[dependencies]\na = { path = \"../a\" }\n",
        ),
    ]);
    let error = Workspace::load(folder.path(), &compiler()).expect_err("a cycle");
    assert!(error.to_string().contains("a -> b -> a"), "{error}");
}

#[test]
fn a_package_without_a_test_in_its_sources_has_no_unit_test_program() {
    let folder = project(&[
        ("Scarb.toml", "[package]\nname = \"plain\"\n"),
        (
            "src/lib.cairo",
            "pub fn f() -> u8 {\n    1\n}\n#[cfg(test)]\nmod helpers {}\n",
        ),
        ("tests/t.cairo", "#[test]\nfn t() {}\n"),
    ]);
    let workspace = Workspace::load(folder.path(), &compiler()).expect("loads");
    let selected = workspace.selected(None).expect("selects");
    let units = workspace
        .units(
            &selected,
            &[UnitKind::UnitTests, UnitKind::IntegrationTests],
            &UnitOptions::default(),
        )
        .expect("units");
    let kinds: Vec<UnitKind> = units.units.iter().map(|unit| unit.kind).collect();
    assert_eq!(kinds, [UnitKind::IntegrationTests]);
}

#[test]
fn cairo_settings_come_from_the_package_else_the_workspace_root() {
    let folder = project(&[
        (
            "Scarb.toml",
            "[workspace]\nmembers = [\"own\", \"inherits\"]\n\n[cairo]\ninlining-strategy = 40\n",
        ),
        (
            "own/Scarb.toml",
            "[package]\nname = \"own\"\n\n[cairo]\nenable-gas = false\nsierra-replace-ids = false\n\
             inlining-strategy = \"avoid\"\nallow-warnings = false\n",
        ),
        ("own/src/lib.cairo", "\n"),
        ("inherits/Scarb.toml", "[package]\nname = \"inherits\"\n"),
        ("inherits/src/lib.cairo", "\n"),
    ]);
    let workspace = Workspace::load(folder.path(), &compiler()).expect("loads");
    let selected = workspace.selected(None).expect("selects");
    let units = workspace
        .units(&selected, &[UnitKind::Lib], &UnitOptions::default())
        .expect("units");
    let own = &units.units[0];
    assert_eq!(
        own.cairo,
        cairn_scarb::CairoSettings {
            replace_ids: false,
            inlining: Some(0),
            enable_gas: false,
            allow_warnings: false,
        }
    );
    assert!(own.crates[0].cfg.contains(&cfg("gas", Some("disabled"))));
    let inherits = &units.units[1];
    assert_eq!(
        inherits.cairo,
        cairn_scarb::CairoSettings {
            replace_ids: true,
            inlining: Some(40),
            enable_gas: true,
            allow_warnings: true,
        }
    );
}

#[test]
fn an_executable_target_is_a_unit_with_the_executable_plugin() {
    let folder = project(&[
        (
            "Scarb.toml",
            "[package]\nname = \"runner\"\nversion = \"0.1.0\"\n\n[executable]\n\
             function = \"runner::main\"\n\n[dependencies]\ncairo_execute = \"2.20.0\"\n",
        ),
        ("src/lib.cairo", "#[executable]\nfn main() {}\n"),
    ]);
    let workspace = Workspace::load(folder.path(), &compiler()).expect("loads");
    let package = workspace.package("runner").expect("the package");
    assert_eq!(
        package.targets.executables,
        vec![("runner".to_owned(), Some("runner::main".to_owned()))]
    );
    assert!(
        !package.targets.lib,
        "an executable package has no library target"
    );
    let units = workspace
        .units(
            &[package],
            &[UnitKind::Lib, UnitKind::Executable],
            &UnitOptions::default(),
        )
        .expect("units");
    let [unit] = units.units.as_slice() else {
        panic!("one unit, got {:?}", units.units);
    };
    assert_eq!(unit.kind, UnitKind::Executable);
    assert!(unit.plugins.executable);
    assert!(unit.crates[0]
        .cfg
        .contains(&cfg("target", Some("executable"))));
}
