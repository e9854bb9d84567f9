//! Contract entry points on the VM with Cairn's syscall handler against cairo-lang-runner's
//! `SierraCasmRunner` with its own `StarknetState` (what `cairo-test` runs contracts with): the
//! same result cells, panic data, remaining gas and steps, for entry points whose syscalls both
//! answer alike from an empty state (storage, events, messages, execution info) and for the
//! state-free ones (Keccak, SHA-256/512, secp256k1/r1), which Cairn's handler answers with
//! its defaults and the runner with its own implementations.

use std::collections::BTreeMap;
use std::rc::Rc;

use cairn_vm_core::contract::VmExecutor;
use cairn_vm_core::sierra::{SierraOutcome, SierraProgram};
use cairn_vm_core::starknet::{
    selector, ContractClass, EntryPointType, Felt, StarknetState, SyscallCounter,
};
use cairn_vm_core::values::Value;
use cairo_lang_runner::{Arg, RunResultValue, SierraCasmRunner, StarknetState as RunnerState};
use cairo_lang_sierra_to_casm::metadata::MetadataComputationConfig;

use crate::support::fixtures_root;

/// A fixture class by file stem (`basics_Counter`).
fn class(stem: &str) -> ContractClass {
    let path = fixtures_root().join(format!("starknet/compiled/{stem}.contract_class.json"));
    ContractClass::from_json(&std::fs::read_to_string(path).expect("fixture")).expect("class")
}

#[test]
fn entry_points_match_cairo_lang_runner() {
    let gas = 10_000_000u64;
    let felts = |values: &[u64]| values.iter().copied().map(Felt::from).collect::<Vec<_>>();
    let hex = |text: &str| Felt::from_hex(text).expect("hex");
    // secp256k1's generator: x low, x high, y low, y high.
    let g = [
        hex("0x029bfcdb2dce28d959f2815b16f81798"),
        hex("0x79be667ef9dcbbac55a06295ce870b07"),
        hex("0xfd17b448a68554199c47d08ffb10d4b8"),
        hex("0x483ada7726a3c4655da4fbfc0e1108a8"),
    ];
    let abc = vec![Felt::ZERO, hex("0x616263"), Felt::from(3)];
    let calls: Vec<(&str, EntryPointType, &str, Vec<Felt>)> = vec![
        (
            "basics_Counter",
            EntryPointType::Constructor,
            "constructor",
            felts(&[5]),
        ),
        (
            "basics_Counter",
            EntryPointType::External,
            "increment",
            felts(&[3]),
        ),
        ("basics_Counter", EntryPointType::External, "get", vec![]),
        (
            "basics_Counter",
            EntryPointType::External,
            "fail_after_write",
            felts(&[4]),
        ),
        ("basics_Caller", EntryPointType::External, "info", vec![]),
        (
            "basics_Caller",
            EntryPointType::External,
            "send",
            felts(&[0x1e, 2, 7, 8]),
        ),
        // Too short calldata: the wrapper's own deserialisation panics.
        (
            "basics_Caller",
            EntryPointType::External,
            "send",
            felts(&[0x1e, 3, 7]),
        ),
        // The state-free syscalls: Cairn's handler (its defaults) against the runner's own.
        (
            "crypto_Crypto",
            EntryPointType::External,
            "keccak_bytes",
            abc.clone(),
        ),
        (
            "crypto_Crypto",
            EntryPointType::External,
            "keccak_words",
            felts(&[3, 1, 2, 3]),
        ),
        (
            "crypto_Crypto",
            EntryPointType::External,
            "sha256",
            abc.clone(),
        ),
        ("crypto_Crypto", EntryPointType::External, "sha512", abc),
        (
            "crypto_Crypto",
            EntryPointType::External,
            "k1_public_key",
            vec![hex("0x1234567890abcdef"), Felt::from(99)],
        ),
        (
            "crypto_Crypto",
            EntryPointType::External,
            "r1_public_key_plus_generator",
            felts(&[5, 7]),
        ),
        (
            "crypto_Crypto",
            EntryPointType::External,
            "k1_point_from_x",
            vec![g[0], g[1], Felt::ONE],
        ),
        (
            "crypto_Crypto",
            EntryPointType::External,
            "k1_point_from_x",
            felts(&[5, 0, 0]),
        ),
        (
            "crypto_Crypto",
            EntryPointType::External,
            "k1_new",
            g.to_vec(),
        ),
        (
            "crypto_Crypto",
            EntryPointType::External,
            "k1_new",
            felts(&[1, 0, 1, 0]),
        ),
        (
            "crypto_Crypto",
            EntryPointType::External,
            "eth_address_of_signer",
            vec![
                hex("0xabcdef"),
                Felt::ZERO,
                g[0],
                g[1],
                Felt::from(12345),
                Felt::ZERO,
                Felt::ONE,
            ],
        ),
    ];
    for (contract, kind, name, calldata) in calls {
        let label = format!("{contract}.{name}({calldata:?})");
        let class = class(contract);
        let entry = class
            .entry_point(kind, selector(name))
            .expect("entry point");
        let program = SierraProgram::new(class.sierra().clone()).expect("compiles");
        let func = &program.sierra().funcs[entry.function_idx];

        let felts: Vec<Value> = calldata.iter().map(|felt| Value::Felt252(*felt)).collect();
        let mut state = StarknetState::new(Rc::new(VmExecutor::new()));
        let mut counter = SyscallCounter::new(&mut state);
        let ours = program
            .prepare_with_syscalls(
                func,
                &[Value::Struct(vec![Value::Array(felts)])],
                Some(gas),
                &mut counter,
            )
            .expect("prepare")
            .run_until_end()
            .expect("run");
        let our_syscalls: BTreeMap<String, usize> = counter
            .into_counts()
            .iter()
            .map(|(name, count)| (name.to_owned(), count as usize))
            .collect();

        let oracle = SierraCasmRunner::new(
            class.sierra().clone(),
            Some(MetadataComputationConfig::default()),
            Default::default(),
            None,
        )
        .expect("oracle builds");
        let args = vec![Arg::Array(
            calldata.iter().map(|felt| Arg::Value(*felt)).collect(),
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
        let their_builtins: BTreeMap<&str, usize> = theirs
            .used_resources
            .basic_resources
            .builtin_instance_counter
            .iter()
            .filter(|(_, used)| **used > 0)
            .map(|(name, used)| (name.to_str(), *used))
            .collect();
        assert_eq!(ours.builtins, their_builtins, "{label}: builtins");
        let their_syscalls: BTreeMap<String, usize> = theirs
            .used_resources
            .syscalls
            .iter()
            .map(|(name, count)| (name.clone(), *count))
            .collect();
        assert_eq!(our_syscalls, their_syscalls, "{label}: syscalls");
    }
}
