//! The facade crate: a user depending only on `cairn` runs a program through `cairn::vm`.

use std::path::PathBuf;

use cairn::vm::{CairoProgram, Layout, MaybeRelocatable, RunConfig, Runner, VmCoreError};

fn fib() -> CairoProgram {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cairo0/compiled/fib.json");
    CairoProgram::from_file(&path, "main").expect("fixture")
}

#[test]
fn the_vm_backend_is_reachable_through_the_facade() {
    let config = RunConfig {
        layout: Layout::named("small").expect("layout"),
        ..RunConfig::default()
    };
    let mut runner = Runner::new(&fib(), config).expect("runner");
    runner.run_until_end().expect("run");
    assert_eq!(runner.output()[2], MaybeRelocatable::from(55));
}

#[test]
fn memory_is_write_once_and_segments_grow() {
    let config = RunConfig {
        layout: Layout::named("small").expect("layout"),
        ..RunConfig::default()
    };
    let mut runner = Runner::new(&fib(), config).expect("runner");
    let before = runner.segment_count();
    let base = runner.add_segment();
    assert_eq!(runner.segment_count(), before + 1);
    runner
        .memory_set(base, MaybeRelocatable::from(7))
        .expect("first write");
    runner
        .memory_set(base, MaybeRelocatable::from(7))
        .expect("the same value again is fine");
    let error = runner
        .memory_set(base, MaybeRelocatable::from(8))
        .expect_err("write-once");
    assert!(matches!(error, VmCoreError::Memory(_)), "{error:?}");
    assert_eq!(runner.memory_get(base), Some(MaybeRelocatable::from(7)));
    assert_eq!(runner.memory_get((base + 1usize).expect("address")), None);
}
