//! Contracts calling contracts: the in-memory state runs the fixture contracts
//! (tests/fixtures/starknet/src/basics.cairo) with storage, events, nested calls, a reverted
//! inner call, deployment from a contract, recursion, execution info and L1 messages — on the
//! VM, and natively when the `native` feature is on, where every call must also give exactly
//! what the VM gives (outcome, gas, events, messages, final storage).

use cairn::starknet::{
    selector, short_string, CallOutcome, Event, Felt, L2ToL1Message, StarknetState,
};

use crate::support::{
    assert_backends_agree, backends, class, felts, success, Executor, Report, GAS,
};

const COUNTER_HASH: Felt = Felt::from_hex_unchecked("0xc0417e5");
const CALLER_HASH: Felt = Felt::from_hex_unchecked("0xca11e5");

fn state_on(executor: Executor) -> StarknetState {
    let mut state = StarknetState::new(executor);
    state.declare(COUNTER_HASH, class("basics_Counter"));
    state.declare(CALLER_HASH, class("basics_Caller"));
    state
}

/// The storage key of a contract's `value` member: `sn_keccak("value")`.
fn value_key() -> Felt {
    selector("value")
}

#[test]
fn a_counter_keeps_its_value_and_emits_events() {
    for (backend, executor) in backends() {
        let _ = backend;
        let mut state = state_on(executor);
        let (counter, deployed) = state
            .deploy(COUNTER_HASH, Felt::from(7), &felts(&[5]), Felt::ZERO, GAS)
            .expect("deploy");
        assert_eq!(success(&deployed.outcome), &[] as &[Felt]);
        assert_eq!(
            counter,
            StarknetState::contract_address(Felt::from(7), COUNTER_HASH, &felts(&[5]), Felt::ZERO)
        );
        assert_eq!(state.storage(counter, value_key()), Felt::from(5));

        let record = state
            .call(
                Felt::ZERO,
                counter,
                selector("increment"),
                &felts(&[3]),
                GAS,
            )
            .expect("call");
        assert_eq!(success(&record.outcome), felts(&[8]));
        assert!(record.remaining_gas < GAS);
        assert_eq!(
            record.events,
            vec![Event {
                from_address: counter,
                keys: vec![selector("Incremented"), Felt::from(3)],
                data: felts(&[8]),
            }]
        );
        let get = state
            .call(Felt::ZERO, counter, selector("get"), &[], GAS)
            .expect("call");
        assert_eq!(success(&get.outcome), felts(&[8]));
    }
}

#[test]
fn a_failed_call_leaves_the_state_as_it_was() {
    for (backend, executor) in backends() {
        let _ = backend;
        let mut state = state_on(executor);
        let (counter, _) = state
            .deploy(COUNTER_HASH, Felt::ONE, &felts(&[5]), Felt::ZERO, GAS)
            .expect("deploy");
        // From outside: the write and the event are undone.
        let record = state
            .call(
                Felt::ZERO,
                counter,
                selector("fail_after_write"),
                &felts(&[4]),
                GAS,
            )
            .expect("call");
        let CallOutcome::Revert(reason) = &record.outcome else {
            panic!("expected a revert, got {:?}", record.outcome);
        };
        // panic!("counter refused {}", 4) is a ByteArray panic: its magic, then the bytes.
        assert_eq!(
            reason[0],
            Felt::from_hex_unchecked(
                "0x46a6158a16a947e5916b2a2ca68501a45e93d7110e81aa2d6438b1c57c879a3"
            )
        );
        assert!(record.events.is_empty());
        assert_eq!(state.storage(counter, value_key()), Felt::from(5));
        assert!(state.events().is_empty());

        // From a contract that catches the failure: it sees the reason, and the counter's value.
        let (caller, _) = state
            .deploy(CALLER_HASH, Felt::ONE, &[], Felt::ZERO, GAS)
            .expect("deploy");
        let record = state
            .call(
                Felt::ZERO,
                caller,
                selector("call_failing"),
                &[counter, Felt::from(4)],
                GAS,
            )
            .expect("call");
        let retdata = success(&record.outcome);
        // (true, reason span, value after).
        assert_eq!(retdata[0], Felt::ONE);
        let length = usize::try_from(retdata[1].to_biguint()).expect("length");
        assert_eq!(
            retdata[2..2 + length].last(),
            Some(&short_string("ENTRYPOINT_FAILED"))
        );
        assert_eq!(retdata[2..2 + length][0], reason[0]);
        assert_eq!(retdata[2 + length], Felt::from(5));
        assert_eq!(retdata.len(), 3 + length);
        assert!(record.events.is_empty());
        assert_eq!(state.storage(counter, value_key()), Felt::from(5));
    }
}

#[test]
fn contracts_call_deploy_and_recurse() {
    for (backend, executor) in backends() {
        let _ = backend;
        let mut state = state_on(executor);
        let (counter, _) = state
            .deploy(COUNTER_HASH, Felt::ONE, &felts(&[10]), Felt::ZERO, GAS)
            .expect("deploy");
        let (caller, _) = state
            .deploy(CALLER_HASH, Felt::ONE, &[], Felt::ZERO, GAS)
            .expect("deploy");

        let record = state
            .call(
                Felt::ZERO,
                caller,
                selector("call_increment"),
                &[counter, Felt::from(2)],
                GAS,
            )
            .expect("call");
        assert_eq!(success(&record.outcome), felts(&[12]));
        assert_eq!(record.events.len(), 1);
        assert_eq!(record.events[0].from_address, counter);

        let record = state
            .call(
                Felt::ZERO,
                caller,
                selector("deploy_counter"),
                &[COUNTER_HASH, Felt::from(99), Felt::from(42)],
                GAS,
            )
            .expect("call");
        let deployed =
            StarknetState::contract_address(Felt::from(99), COUNTER_HASH, &felts(&[42]), caller);
        assert_eq!(success(&record.outcome), vec![deployed, Felt::from(42)]);
        assert_eq!(state.class_hash_at(deployed), Some(COUNTER_HASH));

        let record = state
            .call(Felt::ZERO, caller, selector("recurse"), &felts(&[6]), GAS)
            .expect("call");
        assert_eq!(success(&record.outcome), felts(&[6]));
    }
}

#[test]
fn contracts_read_the_execution_info_and_message_l1() {
    for (backend, executor) in backends() {
        let _ = backend;
        let mut state = state_on(executor);
        let (caller, _) = state
            .deploy(CALLER_HASH, Felt::ONE, &[], Felt::ZERO, GAS)
            .expect("deploy");
        state.execution_info_mut().block_info.block_number = 1234;
        state.execution_info_mut().block_info.block_timestamp = 1_700_000_000;
        let account = Felt::from(0xacc);
        let record = state
            .call(account, caller, selector("info"), &[], GAS)
            .expect("call");
        assert_eq!(
            success(&record.outcome),
            vec![
                account,
                caller,
                selector("info"),
                Felt::from(1234),
                Felt::from(1_700_000_000u64)
            ]
        );

        let record = state
            .call(
                Felt::ZERO,
                caller,
                selector("send"),
                &felts(&[0x1e, 2, 7, 8]),
                GAS,
            )
            .expect("call");
        success(&record.outcome);
        assert_eq!(
            record.messages,
            vec![L2ToL1Message {
                from_address: caller,
                to_address: Felt::from(0x1e),
                payload: felts(&[7, 8]),
            }]
        );
    }
}

#[test]
fn scarce_gas_is_a_revert_and_unknown_targets_are_errors() {
    for (backend, executor) in backends() {
        let _ = backend;
        let mut state = state_on(executor);
        let (counter, _) = state
            .deploy(COUNTER_HASH, Felt::ONE, &felts(&[1]), Felt::ZERO, GAS)
            .expect("deploy");
        let record = state
            .call(
                Felt::ZERO,
                counter,
                selector("increment"),
                &felts(&[1]),
                20_000,
            )
            .expect("call");
        let CallOutcome::Revert(reason) = &record.outcome else {
            panic!("expected out of gas, got {:?}", record.outcome);
        };
        assert!(
            reason.contains(&short_string("Out of gas"))
                || reason.contains(&short_string("Syscall out of gas")),
            "{reason:?}"
        );
        assert_eq!(state.storage(counter, value_key()), Felt::ONE);

        let error = state
            .call(Felt::ZERO, Felt::from(0xdead), selector("get"), &[], GAS)
            .expect_err("nothing deployed there");
        assert!(
            error
                .to_string()
                .contains("no contract is deployed at 0xdead"),
            "{error}"
        );
        let error = state
            .call(Felt::ZERO, counter, selector("nope"), &[], GAS)
            .expect_err("no such entry point");
        assert!(
            error.to_string().contains("no EXTERNAL entry point"),
            "{error}"
        );
    }
}

/// The same transactions on each backend: every record and the final storage are the VM's.
#[test]
fn every_backend_gives_what_the_vm_gives() {
    let mut reports: Vec<Report> = Vec::new();
    for (backend, executor) in backends() {
        let mut state = state_on(executor);
        state.execution_info_mut().block_info.block_number = 77;
        let mut records = Vec::new();
        let (counter, record) = state
            .deploy(COUNTER_HASH, Felt::ONE, &felts(&[5]), Felt::ZERO, GAS)
            .expect("deploy");
        records.push(record);
        let (caller, record) = state
            .deploy(CALLER_HASH, Felt::ONE, &[], Felt::ZERO, GAS)
            .expect("deploy");
        records.push(record);
        let calls: Vec<(Felt, &str, Vec<Felt>, u64)> = vec![
            (counter, "increment", felts(&[3]), GAS),
            (caller, "call_increment", vec![counter, Felt::from(4)], GAS),
            (caller, "call_failing", vec![counter, Felt::from(9)], GAS),
            (counter, "fail_after_write", felts(&[1]), GAS),
            (
                caller,
                "deploy_counter",
                vec![COUNTER_HASH, Felt::from(3), Felt::from(8)],
                GAS,
            ),
            (caller, "recurse", felts(&[4]), GAS),
            (caller, "info", vec![], GAS),
            (caller, "send", felts(&[5, 1, 6]), GAS),
            // Scarce gas, at several depths of a nested call.
            (
                caller,
                "call_increment",
                vec![counter, Felt::from(1)],
                80_000,
            ),
            (caller, "recurse", felts(&[3]), 150_000),
            (counter, "increment", felts(&[1]), 15_000),
        ];
        for (address, name, calldata, gas) in calls {
            records.push(
                state
                    .call(Felt::from(0x5e4d), address, selector(name), &calldata, gas)
                    .unwrap_or_else(|error| panic!("{backend}: {name}: {error}")),
            );
        }
        reports.push((backend, records, state.sorted_storage()));
    }
    let (_, vm_records, _) = &reports[0];
    // The scarce-gas calls do run out, at different depths: reverts, not errors.
    let reverts = vm_records
        .iter()
        .filter(|record| matches!(record.outcome, CallOutcome::Revert(_)))
        .count();
    assert_eq!(reverts, 4, "{vm_records:#?}");
    assert_backends_agree(&reports);
}
