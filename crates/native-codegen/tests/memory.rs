//! Native code releases what it allocates: dropping 100,000 dictionaries, or taking 100,000
//! snapshots of a 10,000-element array, does not grow the process by 50 MiB.

use std::path::PathBuf;

use cairn_native_codegen::{JitProgram, NativeOutcome, OptLevel};
use cairn_values_abi::{Felt, Value};

const LIMIT: u64 = 50 << 20;

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("resident pages");
    pages * 4096
}

/// Compiles fixture `name`, runs `entry(args)` once to warm up (loops are recursive Sierra
/// functions: their stack is touched once before measuring, so only heap growth counts), then
/// again; returns the second run's result and how much the process grew during it.
fn growth_of_second_run(
    name: &str,
    entry: &'static str,
    args: Vec<Value>,
) -> anyhow::Result<(NativeOutcome, u64)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../../tests/fixtures/cairo1/compiled/{name}.sierra.json"
    ));
    let program = cairn_frontend::load_sierra_json_file(&path)?;
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || -> anyhow::Result<(NativeOutcome, u64)> {
            let jit = JitProgram::compile(program, OptLevel::O2)?;
            let run = || jit.run(entry, &args, Some(1 << 50));
            run()?;
            let before = resident_bytes();
            let result = run()?;
            let after = resident_bytes();
            Ok((result.outcome, after.saturating_sub(before)))
        })?
        .join()
        .map_err(|_| anyhow::anyhow!("the run crashed"))?
}

#[test]
fn dropping_dictionaries_releases_their_memory() -> anyhow::Result<()> {
    let n: u64 = 100_000;
    let (outcome, growth) =
        growth_of_second_run("bench_loops", "dict_churn", vec![Value::U32(n as u32)])?;
    let expected = Felt::from(3 * n + n * (n - 1) / 2);
    assert_eq!(
        outcome,
        NativeOutcome::Success(vec![Value::Felt252(expected)])
    );
    println!(
        "resident growth over 100,000 dictionaries: {} KiB",
        growth / 1024
    );
    assert!(growth < LIMIT, "grew by {} MiB", growth >> 20);
    Ok(())
}

#[test]
fn snapshots_of_an_array_share_its_buffer() -> anyhow::Result<()> {
    // 100,000 snapshots of 10,000 felts: copies would move 32 GB and, if not freed, keep it.
    let (size, rounds) = (10_000u64, 100_000u64);
    let (outcome, growth) = growth_of_second_run(
        "shared_arrays",
        "snapshot_churn",
        vec![Value::U32(size as u32), Value::U32(rounds as u32)],
    )?;
    // Each pass reads 1 + … + size; there are rounds / size passes.
    let expected = Felt::from(rounds / size * (size * (size + 1) / 2));
    assert_eq!(
        outcome,
        NativeOutcome::Success(vec![Value::Felt252(expected)])
    );
    println!(
        "resident growth over 100,000 snapshots: {} KiB",
        growth / 1024
    );
    assert!(growth < LIMIT, "grew by {} MiB", growth >> 20);
    Ok(())
}
