//! The `starknet::testing` cheatcodes on `StarknetState`, as `cairo-test` answers them: the
//! execution info they set, events and messages popped per contract (and put back when the
//! call that popped them reverts), and refusals naming the cheatcode.

use std::rc::Rc;
use std::sync::Arc;

use cairn_starknet::{
    selector, short_string, CheatcodeError, ContractClass, EntryPoint, EntryPointExecutor,
    EntryPointRun, ExecutionResources, Felt, StarknetError, StarknetState, SyscallHandler,
};

/// `pop_and_fail(address)`: pops `address`'s oldest event, then reverts.
struct PopsThenFails;

impl EntryPointExecutor for PopsThenFails {
    fn execute(
        &self,
        _: Felt,
        _: &ContractClass,
        _: &EntryPoint,
        calldata: &[Felt],
        _: &mut u64,
        handler: &mut dyn SyscallHandler,
    ) -> Result<EntryPointRun, StarknetError> {
        let popped = handler
            .cheatcode(short_string("pop_log"), &calldata[..1])
            .map_err(|error| StarknetError::Execution(error.to_string()))?;
        assert!(!popped.is_empty(), "the event was there to pop");
        Ok(EntryPointRun {
            outcome: cairn_starknet::CallOutcome::Revert(vec![short_string("after a pop")]),
            resources: ExecutionResources::default(),
        })
    }
}

const CLASS: Felt = Felt::from_hex_unchecked("0x7e57");
const GAS: u64 = 10_000_000;

/// A contract of a "test program" (the counter fixture's program; the executor never runs it).
fn test_class() -> ContractClass {
    let fixture = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/starknet/compiled/basics_Counter.contract_class.json"
    ))
    .expect("fixture");
    let program = Arc::clone(
        ContractClass::from_json(&fixture)
            .expect("class")
            .shared_sierra(),
    );
    let entry = EntryPoint {
        selector: selector("pop_and_fail"),
        function_idx: 0,
    };
    ContractClass::in_test_program(CLASS, program, vec![entry], vec![], None).expect("class")
}

fn cheat(state: &mut StarknetState, name: &str, input: &[Felt]) -> Vec<Felt> {
    state
        .cheatcode(short_string(name), input)
        .unwrap_or_else(|error| panic!("{name}: {error}"))
}

#[test]
fn cheatcodes_set_the_execution_info() {
    let mut state = StarknetState::standalone();
    let felt = |value: u64| Felt::from(value);
    cheat(&mut state, "set_block_number", &[felt(12)]);
    cheat(&mut state, "set_block_timestamp", &[felt(34)]);
    cheat(&mut state, "set_sequencer_address", &[felt(5)]);
    cheat(&mut state, "set_caller_address", &[felt(6)]);
    cheat(&mut state, "set_contract_address", &[felt(7)]);
    cheat(&mut state, "set_version", &[felt(3)]);
    cheat(&mut state, "set_account_contract_address", &[felt(8)]);
    cheat(&mut state, "set_max_fee", &[felt(9)]);
    cheat(&mut state, "set_transaction_hash", &[felt(10)]);
    cheat(&mut state, "set_chain_id", &[felt(11)]);
    cheat(&mut state, "set_nonce", &[felt(13)]);
    cheat(&mut state, "set_signature", &[felt(1), felt(2), felt(3)]);
    cheat(&mut state, "set_block_hash", &[felt(4), felt(0xabc)]);
    let mut gas = GAS;
    let info = state.get_execution_info(&mut gas).expect("info");
    assert_eq!(info.block_info.block_number, 12);
    assert_eq!(info.block_info.block_timestamp, 34);
    assert_eq!(info.block_info.sequencer_address, felt(5));
    assert_eq!(info.caller_address, felt(6));
    assert_eq!(info.contract_address, felt(7));
    assert_eq!(info.tx_info.version, felt(3));
    assert_eq!(info.tx_info.account_contract_address, felt(8));
    assert_eq!(info.tx_info.max_fee, 9);
    assert_eq!(info.tx_info.transaction_hash, felt(10));
    assert_eq!(info.tx_info.chain_id, felt(11));
    assert_eq!(info.tx_info.nonce, felt(13));
    assert_eq!(info.tx_info.signature, vec![felt(1), felt(2), felt(3)]);
    assert_eq!(state.get_block_hash(4, &mut gas), Ok(felt(0xabc)));
}

#[test]
fn events_and_messages_pop_oldest_first_per_contract() {
    let mut state = StarknetState::standalone();
    let mut gas = GAS;
    let (a, b) = (Felt::from(0xa), Felt::from(0xb));
    cheat(&mut state, "set_contract_address", &[a]);
    state
        .emit_event(&[Felt::ONE], &[Felt::TWO, Felt::THREE], &mut gas)
        .expect("emit");
    state
        .send_message_to_l1(Felt::from(0x11), &[Felt::ONE], &mut gas)
        .expect("send");
    cheat(&mut state, "set_contract_address", &[b]);
    state.emit_event(&[Felt::TWO], &[], &mut gas).expect("emit");
    state
        .emit_event(&[Felt::THREE], &[], &mut gas)
        .expect("emit");

    // keys' count, keys, data's count, data.
    let event = |key: u64, data: &[u64]| {
        let mut answer = vec![Felt::ONE, Felt::from(key), Felt::from(data.len())];
        answer.extend(data.iter().map(|value| Felt::from(*value)));
        answer
    };
    assert_eq!(cheat(&mut state, "pop_log", &[b]), event(2, &[]));
    assert_eq!(cheat(&mut state, "pop_log", &[a]), event(1, &[2, 3]));
    assert_eq!(cheat(&mut state, "pop_log", &[b]), event(3, &[]));
    assert_eq!(cheat(&mut state, "pop_log", &[b]), Vec::<Felt>::new());
    assert_eq!(
        cheat(&mut state, "pop_l2_to_l1_message", &[a]),
        vec![Felt::from(0x11), Felt::ONE, Felt::ONE]
    );
    assert_eq!(
        cheat(&mut state, "pop_l2_to_l1_message", &[a]),
        Vec::<Felt>::new()
    );
}

#[test]
fn a_drained_log_leaves_the_state_and_pops_start_after_it() {
    let mut state = StarknetState::standalone();
    let mut gas = GAS;
    let b = Felt::from(0xb);
    cheat(&mut state, "set_contract_address", &[b]);
    state.emit_event(&[Felt::ONE], &[], &mut gas).expect("emit");
    state.emit_event(&[Felt::TWO], &[], &mut gas).expect("emit");
    state
        .send_message_to_l1(Felt::from(0x11), &[Felt::ONE], &mut gas)
        .expect("send");
    // One event popped before the drain: the count of pops goes with the log.
    assert_eq!(
        cheat(&mut state, "pop_log", &[b]),
        vec![Felt::ONE, Felt::ONE, Felt::ZERO]
    );

    let (events, messages) = state.take_log();
    assert_eq!(
        events
            .iter()
            .map(|event| event.keys.clone())
            .collect::<Vec<_>>(),
        vec![vec![Felt::ONE], vec![Felt::TWO]]
    );
    assert_eq!(messages.len(), 1);
    assert!(state.events().is_empty() && state.messages().is_empty());
    assert_eq!(cheat(&mut state, "pop_log", &[b]), Vec::<Felt>::new());

    state
        .emit_event(&[Felt::THREE], &[Felt::TWO], &mut gas)
        .expect("emit");
    assert_eq!(
        cheat(&mut state, "pop_log", &[b]),
        vec![Felt::ONE, Felt::THREE, Felt::ONE, Felt::TWO]
    );
    assert_eq!(state.take_log().0.len(), 1);
}

#[test]
fn a_pop_in_a_reverted_call_is_undone() {
    let mut state = StarknetState::new(Rc::new(PopsThenFails));
    state.declare(CLASS, test_class());
    let (contract, _) = state
        .deploy(CLASS, Felt::ONE, &[], Felt::ZERO, GAS)
        .expect("deploy");
    let emitter = Felt::from(0xe);
    let mut gas = GAS;
    cheat(&mut state, "set_contract_address", &[emitter]);
    state.emit_event(&[Felt::ONE], &[], &mut gas).expect("emit");
    let record = state
        .call(
            Felt::ZERO,
            contract,
            selector("pop_and_fail"),
            &[emitter],
            GAS,
        )
        .expect("call");
    assert!(!record.outcome.is_success());
    // The call popped the event and reverted: it is still there.
    assert_eq!(
        cheat(&mut state, "pop_log", &[emitter]),
        vec![Felt::ONE, Felt::ONE, Felt::ZERO]
    );
    assert_eq!(cheat(&mut state, "pop_log", &[emitter]), Vec::<Felt>::new());
}

#[test]
fn a_cheatcode_it_cannot_answer_is_refused_by_name() {
    let mut state = StarknetState::standalone();
    assert_eq!(
        state.cheatcode(short_string("warp_speed"), &[]),
        Err(CheatcodeError::Unknown("warp_speed".to_owned()))
    );
    let error = state
        .cheatcode(short_string("set_block_number"), &[])
        .expect_err("no value");
    assert_eq!(
        error.to_string(),
        "`set_block_number` cheatcode invalid args: pass span of an array with exactly one element"
    );
    let past_u64 = Felt::from(u128::from(u64::MAX) + 1);
    assert!(matches!(
        state.cheatcode(short_string("set_block_number"), &[past_u64]),
        Err(CheatcodeError::InvalidArgs {
            name: "set_block_number",
            ..
        })
    ));
    // A handler that knows no cheatcode refuses every one, by the same words.
    struct Bare;
    impl SyscallHandler for Bare {
        fn get_block_hash(&mut self, _: u64, _: &mut u64) -> cairn_starknet::SyscallResult<Felt> {
            Err(vec![])
        }
        fn get_execution_info(
            &mut self,
            _: &mut u64,
        ) -> cairn_starknet::SyscallResult<cairn_starknet::ExecutionInfo> {
            Err(vec![])
        }
        fn deploy(
            &mut self,
            _: Felt,
            _: Felt,
            _: &[Felt],
            _: bool,
            _: &mut u64,
        ) -> cairn_starknet::SyscallResult<(Felt, Vec<Felt>)> {
            Err(vec![])
        }
        fn replace_class(&mut self, _: Felt, _: &mut u64) -> cairn_starknet::SyscallResult<()> {
            Err(vec![])
        }
        fn library_call(
            &mut self,
            _: Felt,
            _: Felt,
            _: &[Felt],
            _: &mut u64,
        ) -> cairn_starknet::SyscallResult<Vec<Felt>> {
            Err(vec![])
        }
        fn call_contract(
            &mut self,
            _: Felt,
            _: Felt,
            _: &[Felt],
            _: &mut u64,
        ) -> cairn_starknet::SyscallResult<Vec<Felt>> {
            Err(vec![])
        }
        fn storage_read(
            &mut self,
            _: u32,
            _: Felt,
            _: &mut u64,
        ) -> cairn_starknet::SyscallResult<Felt> {
            Err(vec![])
        }
        fn storage_write(
            &mut self,
            _: u32,
            _: Felt,
            _: Felt,
            _: &mut u64,
        ) -> cairn_starknet::SyscallResult<()> {
            Err(vec![])
        }
        fn emit_event(
            &mut self,
            _: &[Felt],
            _: &[Felt],
            _: &mut u64,
        ) -> cairn_starknet::SyscallResult<()> {
            Err(vec![])
        }
        fn send_message_to_l1(
            &mut self,
            _: Felt,
            _: &[Felt],
            _: &mut u64,
        ) -> cairn_starknet::SyscallResult<()> {
            Err(vec![])
        }
        fn get_class_hash_at(
            &mut self,
            _: Felt,
            _: &mut u64,
        ) -> cairn_starknet::SyscallResult<Felt> {
            Err(vec![])
        }
    }
    assert_eq!(
        Bare.cheatcode(short_string("set_nonce"), &[Felt::ONE])
            .expect_err("refused")
            .to_string(),
        "Unknown cheatcode selector: set_nonce"
    );
}

#[test]
fn a_test_class_names_functions_of_its_program() {
    let program = Arc::clone(test_class().shared_sierra());
    let past_the_end = EntryPoint {
        selector: selector("nowhere"),
        function_idx: program.funcs.len(),
    };
    let error = ContractClass::in_test_program(CLASS, program, vec![past_the_end], vec![], None)
        .expect_err("no such function");
    assert!(
        matches!(error, StarknetError::NoSuchFunction { .. }),
        "{error}"
    );
    assert_eq!(test_class().class_hash().expect("hash"), CLASS);
    assert!(test_class().compiled().is_none());
}
