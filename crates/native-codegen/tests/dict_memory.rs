//! Dictionaries release their memory when dropped: creating and dropping 100,000 of them does
//! not grow the process by 50 MiB.

use std::path::PathBuf;

use cairn_native_codegen::{JitProgram, NativeOutcome, OptLevel};
use cairn_values_abi::{Felt, Value};

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("resident pages");
    pages * 4096
}

#[test]
fn dropping_dictionaries_releases_their_memory() -> anyhow::Result<()> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/cairo1/compiled/bench_loops.sierra.json");
    let program = cairn_frontend::load_sierra_json_file(&path)?;
    // The loop is a recursive Sierra function: give it room, and touch that room once before
    // measuring, so that only heap growth is measured.
    let growth = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || -> anyhow::Result<u64> {
            let jit = JitProgram::compile(program, OptLevel::O2)?;
            let churn = |n: u32| jit.run("dict_churn", &[Value::U32(n)], Some(1 << 50));
            let n: u64 = 100_000;
            churn(n as u32)?;
            let before = resident_bytes();
            let result = churn(n as u32)?;
            let after = resident_bytes();
            let expected = Felt::from(3 * n + n * (n - 1) / 2);
            assert_eq!(
                result.outcome,
                NativeOutcome::Success(vec![Value::Felt252(expected)])
            );
            Ok(after.saturating_sub(before))
        })?
        .join()
        .map_err(|_| anyhow::anyhow!("the run crashed"))??;
    println!(
        "resident growth over 100,000 dictionaries: {} KiB",
        growth / 1024
    );
    assert!(growth < 50 << 20, "grew by {} MiB", growth >> 20);
    Ok(())
}
