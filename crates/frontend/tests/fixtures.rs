//! Every Cairo 1 fixture's committed Sierra is what its source compiles to today, so the tests
//! that run the committed Sierra speak for the sources. Needs a corelib; says so without one.

use std::path::PathBuf;

use cairn_frontend::{compile_cairo, locate_corelib, sierra_to_json, CompileOptions};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/cairo1")
}

fn corelib_dir() -> Option<PathBuf> {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/cairo-corelib-2.20.0/corelib");
    std::env::var_os("CAIRO_CORELIB_DIR")
        .map(PathBuf::from)
        .or_else(|| shared.is_dir().then_some(shared))
}

#[test]
fn committed_sierra_is_what_each_source_compiles_to() {
    let Some(dir) = corelib_dir() else {
        println!("skipped: no corelib found (set CAIRO_CORELIB_DIR to compile Cairo source)");
        return;
    };
    let corelib = locate_corelib(Some(&dir)).expect("the development corelib matches the compiler");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(fixtures().join("src"))
        .expect("sources")
        .map(|entry| entry.expect("entry").path())
        .collect();
    sources.sort();
    assert!(sources.len() >= 40, "only {} sources", sources.len());
    // Two workers: compiling is CPU-bound and CI has two cores.
    let (first, second) = sources.split_at(sources.len() / 2);
    std::thread::scope(|scope| {
        for half in [first, second] {
            let corelib = &corelib;
            scope.spawn(move || {
                for source in half {
                    let name = source
                        .file_stem()
                        .and_then(|stem| stem.to_str())
                        .expect("name");
                    let program = compile_cairo(source, corelib, &CompileOptions::default())
                        .unwrap_or_else(|error| panic!("{name}: {error}"));
                    let committed = std::fs::read_to_string(
                        fixtures().join(format!("compiled/{name}.sierra.json")),
                    )
                    .unwrap_or_else(|error| panic!("{name}: {error}"));
                    assert_eq!(
                        sierra_to_json(&program) + "\n",
                        committed,
                        "{name}: run scripts/regen-cairo1-fixtures.sh"
                    );
                }
            });
        }
    });
}

#[test]
fn a_file_that_does_not_compile_shows_its_diagnostics() {
    let Some(dir) = corelib_dir() else {
        println!("skipped: no corelib found (set CAIRO_CORELIB_DIR to compile Cairo source)");
        return;
    };
    let corelib = locate_corelib(Some(&dir)).expect("corelib");
    let temp = tempfile::tempdir().expect("temp dir");
    let source = temp.path().join("broken.cairo");
    std::fs::write(
        &source,
        "fn main() -> u8 {\n    let x: felt252 = 1;\n    x\n}\n",
    )
    .expect("write");
    let error =
        compile_cairo(&source, &corelib, &CompileOptions::default()).expect_err("type error");
    let message = error.to_string();
    assert!(message.contains("does not compile"), "{message}");
    assert!(
        message.contains("broken.cairo:3:5"),
        "the diagnostic points at the line: {message}"
    );
}
