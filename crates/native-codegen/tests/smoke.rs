//! A first end-to-end check: fib compiled natively returns the right numbers.

use std::path::PathBuf;

use cairn_native_codegen::{JitProgram, NativeOutcome, OptLevel};
use cairn_values_abi::{Felt, Value};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/cairo1/compiled")
        .join(format!("{name}.sierra.json"))
}

#[test]
fn fib_runs_natively() -> anyhow::Result<()> {
    let program = cairn_frontend::load_sierra_json_file(&fixture("fib"))?;
    let jit = JitProgram::compile(program, OptLevel::O0)?;
    let result = jit.run("main", &[], Some(1_000_000))?;
    assert_eq!(
        result.outcome,
        NativeOutcome::Success(vec![Value::Struct(vec![
            Value::Felt252(Felt::from(2880067194370816120u64)),
            Value::U128(354224848179261915075),
        ])])
    );
    Ok(())
}

/// Sierra loops are self-recursive functions; natively, a tail call of the function itself is a
/// jump, so a loop's depth does not depend on the stack. 200,000 iterations of a loop carrying a
/// dictionary would need tens of megabytes of stack as calls; here they run on 256 KiB.
#[test]
fn loops_run_in_constant_stack() -> anyhow::Result<()> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../benches/programs/compiled/dict_loop.sierra.json");
    let program = cairn_frontend::load_sierra_json_file(&path)?;
    let n: u64 = 200_000;
    let outcome = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || -> anyhow::Result<NativeOutcome> {
            let jit = JitProgram::compile(program, OptLevel::O0)?;
            Ok(jit.run("run", &[Value::U64(n)], Some(1 << 40))?.outcome)
        })?
        .join()
        .map_err(|_| anyhow::anyhow!("the loop thread crashed"))??;
    // Every i lands in one of the 1024 counters, so the counters add up to 0 + 1 + … + (n - 1).
    assert_eq!(
        outcome,
        NativeOutcome::Success(vec![Value::Felt252(Felt::from(n * (n - 1) / 2))])
    );
    Ok(())
}
