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
