//! `StarknetState` with a scripted executor (no backend): gas charging, call frames, nested
//! reverts and deployment rules, checked without compiling any Cairo.

use std::rc::Rc;

use cairn_starknet::{
    selector, short_string, CallOutcome, ContractClass, EntryPoint, EntryPointExecutor,
    EntryPointRun, ExecutionResources, Felt, InvokeTransaction, StarknetError, StarknetState,
    SyscallCounter, SyscallCounts, SyscallGasCosts, SyscallHandler,
};

/// Each entry point's behaviour, chosen by selector: writes its calldata[0] at key 1, then
/// `"call"` calls calldata[1] with the rest, `"fail"` reverts after writing, `"caller"` returns
/// the execution info's caller and contract. Each run reports 10 steps and 2 range checks, as
/// if on the VM, and its syscalls.
struct Scripted;

impl EntryPointExecutor for Scripted {
    fn execute(
        &self,
        _: Felt,
        _: &ContractClass,
        entry_point: &EntryPoint,
        calldata: &[Felt],
        gas: &mut u64,
        handler: &mut dyn SyscallHandler,
    ) -> Result<EntryPointRun, StarknetError> {
        let mut counter = SyscallCounter::new(handler);
        let handler: &mut dyn SyscallHandler = &mut counter;
        let write = |handler: &mut dyn SyscallHandler, gas: &mut u64| {
            handler.storage_write(0, Felt::ONE, calldata[0], gas)
        };
        let result = if entry_point.selector == selector("write") {
            write(handler, gas).map(|()| vec![])
        } else if entry_point.selector == selector("fail") {
            match write(handler, gas) {
                Ok(()) => Err(vec![short_string("scripted failure")]),
                Err(reason) => Err(reason),
            }
        } else if entry_point.selector == selector("call") {
            write(handler, gas).and_then(|()| {
                handler.emit_event(&[Felt::from(7)], &[], gas)?;
                match handler.call_contract(calldata[1], calldata[2], &calldata[3..], gas) {
                    Ok(retdata) => Ok(retdata),
                    // The caller catches the failure and reports it.
                    Err(reason) => Ok(reason),
                }
            })
        } else if entry_point.selector == selector("__validate__") {
            // Writes, then answers what it was given ('VALID' or not).
            write(handler, gas).map(|()| calldata.to_vec())
        } else if entry_point.selector == selector("__execute__") {
            write(handler, gas).and_then(|()| {
                handler
                    .get_execution_info(gas)
                    .map(|info| vec![info.tx_info.nonce, info.tx_info.transaction_hash])
            })
        } else if entry_point.selector == selector("caller") {
            handler.get_execution_info(gas).map(|info| {
                vec![
                    info.caller_address,
                    info.contract_address,
                    info.entry_point_selector,
                ]
            })
        } else {
            return Err(StarknetError::Execution("no such script".to_owned()));
        };
        let outcome = match result {
            Ok(retdata) => CallOutcome::Success(retdata),
            Err(reason) => CallOutcome::Revert(reason),
        };
        Ok(EntryPointRun {
            outcome,
            resources: ExecutionResources {
                syscalls: counter.into_counts(),
                builtins: Some([("range_check", 2)].into()),
                vm_steps: Some(10),
            },
        })
    }
}

/// A class whose external entry points are the scripts above (the Sierra program is empty:
/// the scripted executor never runs it).
fn scripted_class() -> ContractClass {
    let entry = |name: &str, index: usize| serde_json::json!({"selector": format!("{:#x}", selector(name)), "function_idx": index});
    // A minimal Sierra program with four (empty) function slots cannot be written by hand
    // easily; the counter fixture's program has enough functions for the indices used here.
    let fixture = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/starknet/compiled/basics_Counter.contract_class.json"
    ))
    .expect("fixture");
    let mut class: serde_json::Value = serde_json::from_str(&fixture).expect("json");
    class["entry_points_by_type"] = serde_json::json!({
        "EXTERNAL": [entry("write", 0), entry("fail", 1), entry("call", 2), entry("caller", 3), entry("__validate__", 4), entry("__execute__", 5)],
        "L1_HANDLER": [],
        "CONSTRUCTOR": [],
    });
    ContractClass::from_json(&class.to_string()).expect("class")
}

const CLASS: Felt = Felt::from_hex_unchecked("0xc1a55");
const GAS: u64 = 10_000_000;

fn state() -> (StarknetState, Felt, Felt) {
    let mut state = StarknetState::new(Rc::new(Scripted));
    state.declare(CLASS, scripted_class());
    let (a, _) = state
        .deploy(CLASS, Felt::ONE, &[], Felt::ZERO, GAS)
        .expect("deploy a");
    let (b, _) = state
        .deploy(CLASS, Felt::TWO, &[], Felt::ZERO, GAS)
        .expect("deploy b");
    (state, a, b)
}

#[test]
fn an_inner_revert_undoes_only_the_inner_call() {
    let (mut state, a, b) = state();
    let record = state
        .call(
            Felt::ZERO,
            a,
            selector("call"),
            &[Felt::from(10), b, selector("fail"), Felt::from(20)],
            GAS,
        )
        .expect("call");
    // a caught b's failure: its reason, then the syscall's own.
    assert_eq!(
        record.outcome,
        CallOutcome::Success(vec![
            short_string("scripted failure"),
            short_string("ENTRYPOINT_FAILED")
        ])
    );
    assert_eq!(state.storage(a, Felt::ONE), Felt::from(10));
    assert_eq!(
        state.storage(b, Felt::ONE),
        Felt::ZERO,
        "b's write was undone"
    );
    assert_eq!(record.events.len(), 1, "a's event stays");
    // Gas: two writes, an event and a call contract, less the refunded entry budget.
    let costs = SyscallGasCosts::default();
    assert_eq!(
        GAS - record.remaining_gas,
        2 * costs.storage_write + costs.emit_event + costs.call_contract
            - costs.entry_point_initial_budget
    );
    // What both runs used, the reverted inner one included (its work was done all the same).
    assert_eq!(
        record.resources,
        ExecutionResources {
            syscalls: SyscallCounts::from_pairs([
                ("StorageWrite", 2),
                ("EmitEvent", 1),
                ("CallContract", 1)
            ])
            .expect("syscall names"),
            builtins: Some([("range_check", 4)].into()),
            vm_steps: Some(20),
        }
    );
}

#[test]
fn an_outer_revert_undoes_everything_below_it() {
    let (mut state, a, b) = state();
    state.set_storage(b, Felt::ONE, Felt::from(99));
    // a writes and calls b, which writes; then a transaction that fails at its top.
    state
        .call(
            Felt::ZERO,
            a,
            selector("call"),
            &[Felt::from(10), b, selector("write"), Felt::from(20)],
            GAS,
        )
        .expect("call");
    assert_eq!(state.storage(b, Felt::ONE), Felt::from(20));
    let record = state
        .call(Felt::ZERO, b, selector("fail"), &[Felt::from(30)], GAS)
        .expect("call");
    assert!(matches!(record.outcome, CallOutcome::Revert(_)));
    assert_eq!(
        state.storage(b, Felt::ONE),
        Felt::from(20),
        "a write back to a written cell is undone too"
    );
    assert_eq!(state.events().len(), 1);
}

#[test]
fn call_frames_have_their_own_caller_and_contract() {
    let (mut state, a, b) = state();
    let record = state
        .call(
            Felt::from(0xacc),
            a,
            selector("call"),
            &[Felt::ONE, b, selector("caller")],
            GAS,
        )
        .expect("call");
    assert_eq!(
        record.outcome,
        CallOutcome::Success(vec![a, b, selector("caller")])
    );
    let record = state
        .call(Felt::from(0xacc), a, selector("caller"), &[], GAS)
        .expect("call");
    assert_eq!(
        record.outcome,
        CallOutcome::Success(vec![Felt::from(0xacc), a, selector("caller")])
    );
}

#[test]
fn syscalls_fail_as_cairo_lang_runner_fails_them() {
    let (mut state, a, _) = state();
    let mut gas = 10;
    assert_eq!(
        state.storage_read(0, Felt::ONE, &mut gas),
        Err(vec![short_string("Syscall out of gas")])
    );
    let mut gas = GAS;
    assert_eq!(
        state.storage_read(1, Felt::ONE, &mut gas),
        Err(vec![short_string("Unsupported address domain")])
    );
    assert_eq!(
        state.call_contract(Felt::from(0xdead), selector("write"), &[], &mut gas),
        Err(vec![
            short_string("CONTRACT_NOT_DEPLOYED"),
            short_string("ENTRYPOINT_FAILED")
        ])
    );
    assert_eq!(
        state.call_contract(a, selector("nope"), &[], &mut gas),
        Err(vec![
            short_string("ENTRYPOINT_NOT_FOUND"),
            short_string("ENTRYPOINT_FAILED")
        ])
    );
    assert_eq!(
        state.library_call(Felt::from(0xbad), selector("write"), &[], &mut gas),
        Err(vec![short_string("CLASS_HASH_NOT_DECLARED")])
    );
    assert_eq!(
        state.get_block_hash(5, &mut gas),
        Err(vec![short_string("GET_BLOCK_HASH_NOT_SET")])
    );
    state.set_block_hash(5, Felt::from(55));
    assert_eq!(state.get_block_hash(5, &mut gas), Ok(Felt::from(55)));
    assert_eq!(state.get_class_hash_at(a, &mut gas), Ok(CLASS));
    assert_eq!(
        state.get_class_hash_at(Felt::from(0xdead), &mut gas),
        Ok(Felt::ZERO)
    );
    // Deploying twice at one address (b was deployed from 0 with salt 2), and calldata for a
    // class that has no constructor.
    assert_eq!(
        SyscallHandler::deploy(&mut state, CLASS, Felt::TWO, &[], true, &mut gas),
        Err(vec![short_string("CONTRACT_ALREADY_DEPLOYED")])
    );
    assert_eq!(
        SyscallHandler::deploy(
            &mut state,
            CLASS,
            Felt::from(3),
            &[Felt::ONE],
            true,
            &mut gas
        ),
        Err(vec![short_string("INVALID_CALLDATA_LEN")])
    );
    let before = gas;
    let (address, retdata) =
        SyscallHandler::deploy(&mut state, CLASS, Felt::from(3), &[], false, &mut gas)
            .expect("deployed");
    assert!(retdata.is_empty());
    assert_eq!(state.class_hash_at(address), Some(CLASS));
    assert_eq!(
        before - gas,
        SyscallGasCosts::default().deploy,
        "no constructor, no refund"
    );
}

#[test]
fn an_invoke_is_rejected_unless_validate_says_valid() {
    let (mut state, a, _) = state();
    let transaction = |answer: &str, hash: u64| InvokeTransaction {
        sender_address: a,
        calldata: vec![short_string(answer)],
        signature: vec![Felt::from(5)],
        transaction_hash: Felt::from(hash),
    };
    // Validated: the nonce moves, execute runs with the transaction in tx_info.
    let record = state
        .invoke(&transaction("VALID", 0x71), GAS)
        .expect("invoke");
    assert!(record.succeeded());
    assert_eq!(
        record.execution.map(|execution| execution.outcome),
        Some(CallOutcome::Success(vec![Felt::ZERO, Felt::from(0x71)]))
    );
    assert_eq!(state.nonce(a), Felt::ONE);
    assert_eq!(state.storage(a, Felt::ONE), short_string("VALID"));

    // Returned, but not 'VALID': rejected, its write undone, the nonce unchanged.
    let record = state
        .invoke(&transaction("NOPE", 0x72), GAS)
        .expect("invoke");
    assert_eq!(
        record.validation.outcome,
        CallOutcome::Success(vec![short_string("NOPE")])
    );
    assert_eq!(record.execution, None);
    assert!(!record.succeeded());
    assert_eq!(state.nonce(a), Felt::ONE);
    assert_eq!(state.storage(a, Felt::ONE), short_string("VALID"));

    let record = state
        .invoke(&transaction("VALID", 0x73), GAS)
        .expect("invoke");
    assert_eq!(
        record.execution.map(|execution| execution.outcome),
        Some(CallOutcome::Success(vec![Felt::ONE, Felt::from(0x73)]))
    );
    // Outside the transaction, tx_info is the caller's again.
    assert_eq!(state.execution_info().tx_info.nonce, Felt::ZERO);
}
