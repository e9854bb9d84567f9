//! Transactions and the syscalls that change code: an account's invoke (`__validate__` checking a
//! real STARK signature, then `__execute__` running its calls), `library_call` and
//! `replace_class` through a proxy, and messages from L1 to an L1 handler
//! (tests/fixtures/starknet/src/flows.cairo). Each scenario runs on every backend and must leave
//! the same records and storage on each.

use std::fmt::Debug;

use cairn::starknet::{
    selector, short_string, CallOutcome, CallRecord, Event, Felt, InvokeRecord, InvokeTransaction,
    L2ToL1Message, StarknetError, StarknetState,
};

use crate::support::{backends, class, felts, success, Executor, GAS};

/// Runs `scenario` on every backend; what it returns must be the VM's on each.
fn same_on_every_backend<T: PartialEq + Debug>(scenario: impl Fn(&str, Executor) -> T) {
    let results: Vec<(&str, T)> = backends()
        .into_iter()
        .map(|(backend, executor)| (backend, scenario(backend, executor)))
        .collect();
    #[cfg(feature = "native")]
    assert_eq!(results.len(), 2, "both backends ran");
    let (_, vm) = &results[0];
    for (backend, result) in &results[1..] {
        assert_eq!(vm, result, "{backend} differs from the VM");
    }
}

fn revert_reason(outcome: &CallOutcome) -> &[Felt] {
    match outcome {
        CallOutcome::Revert(reason) => reason,
        CallOutcome::Success(retdata) => panic!("expected a revert, got {retdata:?}"),
    }
}

/// A storage key of a `Map` member: `pedersen(sn_keccak(name), key)`.
fn map_key(name: &str, key: Felt) -> Felt {
    use starknet_types_core_hash::hash::{Pedersen, StarkHash};
    Pedersen::hash(&selector(name), &key)
}

// --- The account ------------------------------------------------------------------------------

const PRIVATE_KEY: Felt = Felt::from_hex_unchecked("0x5eed5eed5eed");

/// `__validate__`'s and `__execute__`'s calldata: `Array<Call>` serialised.
fn account_calls(calls: &[(Felt, &str, Vec<Felt>)]) -> Vec<Felt> {
    let mut calldata = vec![Felt::from(calls.len())];
    for (to, name, arguments) in calls {
        calldata.extend([*to, selector(name), Felt::from(arguments.len())]);
        calldata.extend(arguments);
    }
    calldata
}

/// An invoke from `account` signed by `key` over `transaction_hash`.
fn signed(
    account: Felt,
    calldata: Vec<Felt>,
    transaction_hash: Felt,
    key: Felt,
) -> InvokeTransaction {
    let k = starknet_crypto::rfc6979_generate_k(&transaction_hash, &key, None);
    let signature = starknet_crypto::sign(&key, &transaction_hash, &k).expect("signs");
    InvokeTransaction {
        sender_address: account,
        calldata,
        signature: vec![signature.r, signature.s],
        transaction_hash,
    }
}

#[test]
fn an_account_checks_its_signature_then_runs_its_calls() {
    same_on_every_backend(|backend, executor| {
        let mut state = StarknetState::new(executor);
        let account_hash = state
            .declare_class(class("flows_Account"))
            .expect("class hash");
        let counter_hash = state
            .declare_class(class("basics_Counter"))
            .expect("class hash");
        let public_key = starknet_crypto::get_public_key(&PRIVATE_KEY);
        let (account, _) = state
            .deploy(account_hash, Felt::ONE, &[public_key], Felt::ZERO, GAS)
            .expect("deploy");
        let (counter, _) = state
            .deploy(counter_hash, Felt::ONE, &felts(&[5]), Felt::ZERO, GAS)
            .expect("deploy");
        state.execution_info_mut().tx_info.chain_id = short_string("SN_SEPOLIA");
        let mut records: Vec<InvokeRecord> = Vec::new();

        // Two calls in one transaction: both run, in order, with the account as their caller.
        let calls = account_calls(&[
            (counter, "increment", felts(&[2])),
            (counter, "increment", felts(&[3])),
        ]);
        let record = state
            .invoke(&signed(account, calls, Felt::from(0x7a1), PRIVATE_KEY), GAS)
            .expect("invoke");
        assert_eq!(
            success(&record.validation.outcome),
            [short_string("VALID")],
            "{backend}"
        );
        let execution = record.execution.as_ref().expect("validated");
        // Array<Span<felt252>>: two spans of one value each.
        assert_eq!(success(&execution.outcome), felts(&[2, 1, 7, 1, 10]));
        assert_eq!(execution.events.len(), 2);
        assert!(record.succeeded());
        assert_eq!(state.nonce(account), Felt::ONE);
        // The transaction's fields were the account's to read only while it ran.
        assert_eq!(state.execution_info().tx_info.signature, Vec::<Felt>::new());
        assert_eq!(
            state.execution_info().tx_info.chain_id,
            short_string("SN_SEPOLIA")
        );
        records.push(record);

        // Signed by another key: rejected, nothing runs, the nonce stays.
        let calls = account_calls(&[(counter, "increment", felts(&[100]))]);
        let record = state
            .invoke(
                &signed(account, calls, Felt::from(0x7a2), Felt::from(666)),
                GAS,
            )
            .expect("invoke");
        assert!(revert_reason(&record.validation.outcome)
            .contains(&short_string("Account: invalid signature")));
        assert_eq!(record.execution, None);
        assert_eq!(state.nonce(account), Felt::ONE);
        records.push(record);

        // A failing call fails the whole execution: the first call's write is undone too, but
        // the transaction used its nonce.
        let calls = account_calls(&[
            (counter, "increment", felts(&[1])),
            (counter, "fail_after_write", felts(&[1])),
        ]);
        let record = state
            .invoke(&signed(account, calls, Felt::from(0x7a3), PRIVATE_KEY), GAS)
            .expect("invoke");
        let execution = record.execution.as_ref().expect("validated");
        assert!(
            revert_reason(&execution.outcome).contains(&short_string("ENTRYPOINT_FAILED")),
            "{execution:?}"
        );
        assert!(execution.events.is_empty());
        assert!(!record.succeeded());
        assert_eq!(state.nonce(account), Felt::TWO);
        records.push(record);

        // Anyone but the protocol calling `__execute__` is refused.
        let calls = account_calls(&[(counter, "increment", felts(&[1]))]);
        let direct = state
            .call(counter, account, selector("__execute__"), &calls, GAS)
            .expect("call");
        assert!(revert_reason(&direct.outcome).contains(&short_string("Account: invalid caller")));

        let get = state
            .call(Felt::ZERO, counter, selector("get"), &[], GAS)
            .expect("call");
        assert_eq!(success(&get.outcome), felts(&[10]));
        let records: Vec<InvokeRecord> =
            records.iter().map(InvokeRecord::backend_neutral).collect();
        (records, direct.backend_neutral(), state.sorted_storage())
    });
}

// --- library_call and replace_class -----------------------------------------------------------

#[test]
fn a_proxy_runs_library_code_on_its_own_storage_and_replaces_its_class() {
    same_on_every_backend(|_, executor| {
        let mut state = StarknetState::new(executor);
        let counter_hash = state
            .declare_class(class("basics_Counter"))
            .expect("class hash");
        let proxy_hash = state
            .declare_class(class("flows_Proxy"))
            .expect("class hash");
        let v2_hash = state
            .declare_class(class("flows_ProxyV2"))
            .expect("class hash");
        let (counter, _) = state
            .deploy(counter_hash, Felt::ONE, &felts(&[5]), Felt::ZERO, GAS)
            .expect("deploy");
        let (proxy, _) = state
            .deploy(proxy_hash, Felt::ONE, &[], Felt::ZERO, GAS)
            .expect("deploy");
        let mut records: Vec<CallRecord> = Vec::new();
        let mut call = |state: &mut StarknetState, name: &str, calldata: &[Felt]| {
            let record = state
                .call(Felt::ZERO, proxy, selector(name), calldata, GAS)
                .expect("call");
            records.push(record.clone());
            record
        };

        // The counter's code on the proxy's storage: the proxy's value moves, the counter's
        // does not, and the event is the proxy's.
        let record = call(&mut state, "increment_with", &[counter_hash, Felt::from(4)]);
        assert_eq!(success(&record.outcome), felts(&[4]));
        assert_eq!(
            record.events,
            vec![Event {
                from_address: proxy,
                keys: vec![selector("Incremented"), Felt::from(4)],
                data: felts(&[4]),
            }]
        );
        assert_eq!(state.storage(proxy, selector("value")), Felt::from(4));
        assert_eq!(state.storage(counter, selector("value")), Felt::from(5));
        let record = call(
            &mut state,
            "increment_with",
            &[Felt::from(0xbad), Felt::ONE],
        );
        assert!(revert_reason(&record.outcome).contains(&short_string("CLASS_HASH_NOT_DECLARED")));

        // An upgrade whose call fails leaves the class as it was.
        let record = call(&mut state, "upgrade_and_fail", &[v2_hash]);
        revert_reason(&record.outcome);
        assert_eq!(state.class_hash_at(proxy), Some(proxy_hash));
        let record = call(&mut state, "version", &[]);
        assert_eq!(success(&record.outcome), felts(&[1]));

        // The upgrading call finishes on the old code (1); a call it makes to itself
        // afterwards already runs the new one (2).
        let record = call(&mut state, "upgrade", &[v2_hash]);
        assert_eq!(success(&record.outcome), felts(&[102]));
        assert_eq!(state.class_hash_at(proxy), Some(v2_hash));
        let record = call(&mut state, "version", &[]);
        assert_eq!(success(&record.outcome), felts(&[2]));
        let record = call(&mut state, "stored", &[]);
        assert_eq!(success(&record.outcome), felts(&[4]));
        let record = call(&mut state, "upgrade", &[proxy_hash]);
        revert_reason(&record.outcome);
        let records: Vec<CallRecord> = records.iter().map(CallRecord::backend_neutral).collect();
        (records, state.sorted_storage())
    });
}

// --- L1 handlers ------------------------------------------------------------------------------

const L1_BRIDGE: Felt = Felt::from_hex_unchecked("0xb41d6e");

#[test]
fn an_l1_handler_takes_messages_from_its_l1_bridge_only() {
    same_on_every_backend(|_, executor| {
        let mut state = StarknetState::new(executor);
        let bridge_hash = state
            .declare_class(class("flows_Bridge"))
            .expect("class hash");
        let (bridge, _) = state
            .deploy(bridge_hash, Felt::ONE, &[L1_BRIDGE], Felt::ZERO, GAS)
            .expect("deploy");
        let user = Felt::from(0x05e4);
        let balance = |state: &mut StarknetState| {
            let record = state
                .call(Felt::ZERO, bridge, selector("balance_of"), &[user], GAS)
                .expect("call");
            success(&record.outcome).to_vec()
        };
        let mut records: Vec<CallRecord> = Vec::new();

        let record = state
            .l1_handler(
                L1_BRIDGE,
                bridge,
                selector("deposit"),
                &[user, Felt::from(50)],
                GAS,
            )
            .expect("message");
        success(&record.outcome);
        assert_eq!(
            record.events,
            vec![Event {
                from_address: bridge,
                keys: vec![selector("Deposited"), user],
                data: felts(&[50]),
            }]
        );
        assert_eq!(balance(&mut state), felts(&[50]));
        assert_eq!(
            state.storage(bridge, map_key("balances", user)),
            Felt::from(50)
        );
        records.push(record);

        // From any other L1 address: refused, and nothing credited.
        let record = state
            .l1_handler(
                Felt::from(0xe71),
                bridge,
                selector("deposit"),
                &[user, Felt::from(9)],
                GAS,
            )
            .expect("message");
        assert!(revert_reason(&record.outcome).contains(&short_string("Bridge: unknown L1 sender")));
        assert_eq!(balance(&mut state), felts(&[50]));
        records.push(record);

        // An L1 handler is not an external entry point, and the other way round.
        let error = state
            .call(
                Felt::ZERO,
                bridge,
                selector("deposit"),
                &[L1_BRIDGE, user, Felt::ONE],
                GAS,
            )
            .expect_err("not external");
        assert!(
            matches!(
                error,
                StarknetError::NoSuchEntryPoint {
                    kind: "EXTERNAL",
                    ..
                }
            ),
            "{error}"
        );
        let error = state
            .l1_handler(L1_BRIDGE, bridge, selector("balance_of"), &[user], GAS)
            .expect_err("not an L1 handler");
        assert!(
            matches!(
                error,
                StarknetError::NoSuchEntryPoint {
                    kind: "L1_HANDLER",
                    ..
                }
            ),
            "{error}"
        );

        // Withdrawing messages L1 back.
        let record = state
            .call(
                user,
                bridge,
                selector("withdraw"),
                &[Felt::from(0x1f), Felt::from(20)],
                GAS,
            )
            .expect("call");
        success(&record.outcome);
        assert_eq!(
            record.messages,
            vec![L2ToL1Message {
                from_address: bridge,
                to_address: L1_BRIDGE,
                payload: felts(&[0x1f, 20]),
            }]
        );
        assert_eq!(balance(&mut state), felts(&[30]));
        records.push(record);
        let records: Vec<CallRecord> = records.iter().map(CallRecord::backend_neutral).collect();
        (records, state.sorted_storage())
    });
}
