//! The VM is the oracle: every fixture call that the native backend compiles must give the same
//! values, panic data and gas as the VM backend. Programs the native backend cannot compile yet
//! are listed with the reason (an unsupported libfunc or type), never silently dropped.

#[allow(dead_code)]
#[path = "../crates/vm-core/tests/all/sierra_cases.rs"]
mod sierra_cases;

use std::collections::BTreeMap;
use std::path::PathBuf;

use cairn::native::{JitProgram, NativeError, NativeOutcome, OptLevel};
use cairn::vm::sierra::{SierraOutcome, SierraProgram};
use cairn::vm::values::json::args_from_json;

fn compiled(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cairo1/compiled")
        .join(format!("{name}.sierra.json"))
}

/// What both backends report, in one comparable form.
#[derive(Debug, PartialEq)]
struct Observed {
    outcome: String,
    remaining_gas: Option<u64>,
    gas_used: Option<u64>,
}

#[test]
fn native_matches_vm_on_every_fixture_call() -> anyhow::Result<()> {
    let cases = sierra_cases::cases();
    let mut by_program: BTreeMap<&str, Vec<&sierra_cases::Case>> = BTreeMap::new();
    for case in &cases {
        by_program.entry(case.program).or_default().push(case);
    }

    let mut compared_programs = 0;
    let mut compared_calls = 0;
    let mut skipped = Vec::new();
    let mut mismatches = Vec::new();
    for (name, program_cases) in &by_program {
        let sierra = cairn_frontend::load_sierra_json_file(&compiled(name))?;
        let vm_program = SierraProgram::new(sierra.clone())?;
        let native = match JitProgram::compile(sierra, OptLevel::default()) {
            Ok(native) => native,
            Err(
                error @ (NativeError::UnsupportedLibfunc { .. } | NativeError::UnsupportedType(_)),
            ) => {
                skipped.push(format!("{name}: {error}"));
                continue;
            }
            Err(error) => anyhow::bail!("{name}: native compilation failed: {error}"),
        };
        compared_programs += 1;
        for case in program_cases {
            let label = format!("{name}::{}({})", case.entry, case.args);
            let func = vm_program.function(case.entry)?;
            let json: serde_json::Value = serde_json::from_str(case.args)?;
            let args = args_from_json(
                &json,
                &vm_program.user_param_types(func),
                vm_program.registry(),
            )?;

            let vm = vm_program.prepare(func, &args, case.gas)?.run_until_end()?;
            let vm = Observed {
                outcome: match vm.outcome {
                    SierraOutcome::Success(values) => format!("values {values:?}"),
                    SierraOutcome::Panic(data) => format!("panic {data:?}"),
                },
                remaining_gas: vm.remaining_gas,
                gas_used: vm.gas_used,
            };
            let native = native
                .run(case.entry, &args, case.gas)
                .map_err(|error| anyhow::anyhow!("{label}: native run failed: {error}"))?;
            let native = Observed {
                outcome: match native.outcome {
                    NativeOutcome::Success(values) => format!("values {values:?}"),
                    NativeOutcome::Panic(data) => format!("panic {data:?}"),
                },
                remaining_gas: native.remaining_gas,
                gas_used: native.gas_used,
            };
            compared_calls += 1;
            if vm != native {
                mismatches.push(format!("{label}:\n  vm:     {vm:?}\n  native: {native:?}"));
            }
        }
    }

    println!(
        "differential: {compared_calls} calls compared over {compared_programs} programs; {} programs skipped",
        skipped.len()
    );
    for reason in &skipped {
        println!("  skipped {reason}");
    }
    assert!(
        mismatches.is_empty(),
        "native differs from the VM:\n{}",
        mismatches.join("\n")
    );
    assert!(
        compared_programs >= 25,
        "only {compared_programs} programs compiled natively"
    );
    Ok(())
}
