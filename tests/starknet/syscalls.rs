//! The syscalls native code answers through typed runtime functions (storage reads and writes,
//! events) and the execution info written without a check per call, on the inputs that take
//! their rarer paths (tests/fixtures/starknet/src/syscalls.cairo): every backend must give
//! what the VM gives, and the VM what Starknet defines.

use cairn::starknet::{
    selector, short_string, CallOutcome, CallRecord, Event, Felt, ResourceBounds, StarknetState,
};

use crate::support::{assert_backends_agree, backends, class, felts, success, Report, GAS};

const PROBE_HASH: Felt = Felt::from_hex_unchecked("0x960be");

/// Each call's record, after a probe is deployed on a state whose transaction has a signature,
/// two resource bounds, paymaster and account deployment data.
fn probe_records(state: &mut StarknetState) -> Vec<CallRecord> {
    state.declare(PROBE_HASH, class("syscalls_Probe"));
    let (probe, _) = state
        .deploy(PROBE_HASH, Felt::ONE, &[], Felt::ZERO, GAS)
        .expect("deploy");
    let tx = &mut state.execution_info_mut().tx_info;
    tx.nonce = Felt::from(41);
    tx.transaction_hash = Felt::from(0x7a5);
    tx.signature = felts(&[11, 12, 13]);
    tx.resource_bounds = vec![
        ResourceBounds {
            resource: short_string("L1_GAS"),
            max_amount: 5,
            max_price_per_unit: 6,
        },
        ResourceBounds {
            resource: short_string("L2_GAS"),
            max_amount: u64::MAX,
            max_price_per_unit: u128::MAX,
        },
    ];
    tx.paymaster_data = felts(&[21]);
    tx.account_deployment_data = felts(&[31, 32]);
    tx.fee_data_availability_mode = 1;
    let keys: Vec<Felt> = (1..=40).map(Felt::from).collect();
    let data: Vec<Felt> = (0..100)
        .map(|index| Felt::MAX - Felt::from(index))
        .collect();
    let span = |items: &[Felt]| {
        let mut calldata = vec![Felt::from(items.len())];
        calldata.extend_from_slice(items);
        calldata
    };
    let calls: Vec<(&str, Vec<Felt>)> = vec![
        (
            "write_then_read",
            vec![Felt::ZERO, Felt::from(7), Felt::MAX],
        ),
        ("write_then_read", felts(&[1, 7, 5])),
        ("emit_raw", [span(&[]), span(&[])].concat()),
        ("emit_raw", [span(&keys), span(&data)].concat()),
        ("tx", vec![]),
        ("tx_v1", vec![]),
    ];
    calls
        .into_iter()
        .map(|(name, calldata)| {
            state
                .call(Felt::from(0xacc), probe, selector(name), &calldata, GAS)
                .unwrap_or_else(|error| panic!("{name}: {error}"))
        })
        .collect()
}

#[test]
fn typed_syscalls_and_the_execution_info_give_what_the_vm_gives() {
    let mut reports: Vec<Report> = Vec::new();
    for (backend, executor) in backends() {
        let mut state = StarknetState::new(executor);
        let records = probe_records(&mut state);
        reports.push((backend, records, state.sorted_storage()));
    }
    let (_, vm, _) = &reports[0];

    // What Starknet defines, on the VM.
    assert_eq!(success(&vm[0].outcome), [Felt::MAX]);
    let CallOutcome::Revert(reason) = &vm[1].outcome else {
        panic!("another address domain must fail: {:?}", vm[1].outcome);
    };
    assert!(
        reason.contains(&short_string("Unsupported address domain")),
        "{reason:?}"
    );
    let events: Vec<&Event> = vm[2].events.iter().chain(&vm[3].events).collect();
    assert_eq!(events.len(), 2);
    assert!(events[0].keys.is_empty() && events[0].data.is_empty());
    assert_eq!(events[1].keys.len(), 40);
    assert_eq!(events[1].data[99], Felt::MAX - Felt::from(99));
    assert_eq!(
        success(&vm[4].outcome),
        [
            felts(&[41, 3, 11, 12, 13]),
            vec![Felt::from(u64::MAX), Felt::from(u128::MAX)],
            felts(&[1, 21, 2, 31, 32, 1]),
        ]
        .concat()
    );
    assert_eq!(
        success(&vm[5].outcome),
        [felts(&[0x7a5, 3, 11, 12, 13]), vec![selector("tx_v1")]].concat()
    );

    assert_backends_agree(&reports);
}
