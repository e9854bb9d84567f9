//! Contract entry points on the VM with Cairn's syscall handler against cairo-lang-runner's
//! `SierraCasmRunner` with its own `StarknetState` (what `cairo-test` runs contracts with): the
//! same result cells, panic data, remaining gas and steps, for entry points whose syscalls both
//! answer alike from an empty state (storage, events, messages, execution info).

use std::rc::Rc;

use cairn_vm_core::contract::VmExecutor;
use cairn_vm_core::sierra::{SierraOutcome, SierraProgram};
use cairn_vm_core::starknet::{selector, ContractClass, EntryPointType, Felt, StarknetState};
use cairn_vm_core::values::Value;
use cairo_lang_runner::{Arg, RunResultValue, SierraCasmRunner, StarknetState as RunnerState};
use cairo_lang_sierra_to_casm::metadata::MetadataComputationConfig;

use crate::support::fixtures_root;

fn class(name: &str) -> ContractClass {
    let path = fixtures_root().join(format!(
        "starknet/compiled/basics_{name}.contract_class.json"
    ));
    ContractClass::from_json(&std::fs::read_to_string(path).expect("fixture")).expect("class")
}

#[test]
fn entry_points_match_cairo_lang_runner() {
    let gas = 10_000_000u64;
    let calls: [(&str, EntryPointType, &str, Vec<u64>); 7] = [
        (
            "Counter",
            EntryPointType::Constructor,
            "constructor",
            vec![5],
        ),
        ("Counter", EntryPointType::External, "increment", vec![3]),
        ("Counter", EntryPointType::External, "get", vec![]),
        (
            "Counter",
            EntryPointType::External,
            "fail_after_write",
            vec![4],
        ),
        ("Caller", EntryPointType::External, "info", vec![]),
        (
            "Caller",
            EntryPointType::External,
            "send",
            vec![0x1e, 2, 7, 8],
        ),
        // Too short calldata: the wrapper's own deserialisation panics.
        ("Caller", EntryPointType::External, "send", vec![0x1e, 3, 7]),
    ];
    for (contract, kind, name, calldata) in calls {
        let label = format!("{contract}.{name}({calldata:?})");
        let class = class(contract);
        let entry = class
            .entry_point(kind, selector(name))
            .expect("entry point");
        let program = SierraProgram::new(class.sierra().clone()).expect("compiles");
        let func = &program.sierra().funcs[entry.function_idx];

        let felts: Vec<Value> = calldata
            .iter()
            .map(|n| Value::Felt252(Felt::from(*n)))
            .collect();
        let mut state = StarknetState::new(Rc::new(VmExecutor::new()));
        let ours = program
            .prepare_with_syscalls(
                func,
                &[Value::Struct(vec![Value::Array(felts)])],
                Some(gas),
                &mut state,
            )
            .expect("prepare")
            .run_until_end()
            .expect("run");

        let oracle = SierraCasmRunner::new(
            class.sierra().clone(),
            Some(MetadataComputationConfig::default()),
            Default::default(),
            None,
        )
        .expect("oracle builds");
        let args = vec![Arg::Array(
            calldata
                .iter()
                .map(|n| Arg::Value(Felt::from(*n)))
                .collect(),
        )];
        let theirs = oracle
            .run_function_with_starknet_context(
                func,
                args,
                Some(gas as usize),
                RunnerState::default(),
            )
            .expect("oracle runs");

        match (&theirs.value, &ours.outcome) {
            (RunResultValue::Success(flat), SierraOutcome::Success(_)) => {
                assert_eq!(&ours.flat, flat, "{label}: result cells")
            }
            (RunResultValue::Panic(data), SierraOutcome::Panic(ours_data)) => {
                assert_eq!(ours_data, data, "{label}: panic data")
            }
            (theirs, ours) => panic!("{label}: oracle {theirs:?}, Cairn {ours:?}"),
        }
        let their_gas = theirs
            .gas_counter
            .map(|gas| u64::try_from(gas).expect("gas fits"));
        assert_eq!(ours.remaining_gas, their_gas, "{label}: remaining gas");
        assert_eq!(
            ours.steps, theirs.used_resources.basic_resources.n_steps,
            "{label}: steps"
        );
    }
}
