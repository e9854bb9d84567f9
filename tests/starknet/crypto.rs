//! The state-free syscalls (Keccak, SHA-256/512 blocks, secp256k1/r1) in a contract
//! (tests/fixtures/starknet/src/crypto.cairo): known answers on every backend, the same records
//! natively as on the VM, and a handler of one's own answering them on both.

use cairn::starknet::{
    selector, short_string, CallOutcome, EntryPointType, ExecutionInfo, Felt, Secp256Point,
    SecpCurve, StarknetState, SyscallHandler, SyscallResult, U256,
};

use crate::support::{backends, class, felts, success, GAS};

const CRYPTO_HASH: Felt = Felt::from_hex_unchecked("0xc5e7");

/// secp256k1's generator, as (x low, x high, y low, y high).
const K1_GENERATOR: [&str; 4] = [
    "0x029bfcdb2dce28d959f2815b16f81798",
    "0x79be667ef9dcbbac55a06295ce870b07",
    "0xfd17b448a68554199c47d08ffb10d4b8",
    "0x483ada7726a3c4655da4fbfc0e1108a8",
];

fn hex(text: &str) -> Felt {
    Felt::from_hex(text).expect("hex")
}

fn generator() -> Vec<Felt> {
    K1_GENERATOR.iter().map(|half| hex(half)).collect()
}

/// `abc` as a serialised ByteArray.
fn abc() -> Vec<Felt> {
    vec![Felt::ZERO, hex("0x616263"), Felt::from(3)]
}

/// An entry point, its calldata and the known answer when there is one.
type Case = (&'static str, Vec<Felt>, Option<Vec<Felt>>);

fn calls() -> Vec<Case> {
    let g = generator();
    let padded_empty_block = {
        let mut words = vec![Felt::from(17), Felt::ONE];
        words.extend(std::iter::repeat_n(Felt::ZERO, 15));
        words.push(hex("0x8000000000000000"));
        words
    };
    vec![
        // keccak256("") from one hand-padded block, as a little-endian u256.
        (
            "keccak_words",
            padded_empty_block,
            Some(vec![
                hex("0xc003c7dcb27d7e923c23f7860146d2c5"),
                hex("0x70a4855d04d8fa7b3b2782ca53b600e5"),
            ]),
        ),
        // A block count that is no multiple of 17 words fails the syscall.
        ("keccak_words", felts(&[3, 1, 2, 3]), None),
        // keccak256("abc") and sha256("abc"), the published digests.
        (
            "keccak_bytes",
            abc(),
            Some(vec![
                hex("0x67d6c826a87bd4c74fa945ea7a65034e"),
                hex("0x456c2da18ff544ec36a0643ae3e6d1c0"),
            ]),
        ),
        (
            "sha256",
            abc(),
            Some(felts(&[
                0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223, 0xb00361a3, 0x96177a9c, 0xb410ff61,
                0xf20015ad,
            ])),
        ),
        (
            "sha512",
            abc(),
            Some(felts(&[
                0xddaf35a193617aba,
                0xcc417349ae204131,
                0x12e6fa4e89a97ea2,
                0x0a9eeee64b55d39a,
                0x2192992a274fc1a8,
                0x36ba3c23a3feebbd,
                0x454d4423643ce80e,
                0x2a9ac94fa54ca49f,
            ])),
        ),
        // 1·G is G.
        ("k1_public_key", felts(&[1, 0]), Some(g.clone())),
        (
            "k1_public_key",
            vec![hex("0x1234567890abcdef"), Felt::from(99)],
            None,
        ),
        ("r1_public_key_plus_generator", felts(&[5, 7]), None),
        // G's even ordinate is its own: Some(G).
        (
            "k1_point_from_x",
            vec![g[0], g[1], Felt::ZERO],
            Some([vec![Felt::ZERO], g.clone()].concat()),
        ),
        ("k1_point_from_x", vec![g[0], g[1], Felt::ONE], None),
        ("k1_point_from_x", felts(&[5, 0, 0]), None),
        (
            "k1_new",
            g.clone(),
            Some([vec![Felt::ZERO], g.clone()].concat()),
        ),
        // Off the curve: None.
        ("k1_new", felts(&[1, 0, 1, 0]), Some(felts(&[1]))),
        // Past the field: the syscall fails.
        (
            "k1_new",
            vec![
                hex("0xffffffffffffffffffffffffffffffff"),
                hex("0xffffffffffffffffffffffffffffffff"),
                g[2],
                g[3],
            ],
            None,
        ),
        (
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
            None,
        ),
    ]
}

#[test]
fn state_free_syscalls_answer_alike_on_every_backend() {
    let mut reports = Vec::new();
    for (backend, executor) in backends() {
        let mut state = StarknetState::new(executor);
        state.declare(CRYPTO_HASH, class("crypto_Crypto"));
        let (crypto, _) = state
            .deploy(CRYPTO_HASH, Felt::ONE, &[], Felt::ZERO, GAS)
            .expect("deploy");
        let mut records = Vec::new();
        for (name, calldata, known) in calls() {
            let record = state
                .call(Felt::ZERO, crypto, selector(name), &calldata, GAS)
                .unwrap_or_else(|error| panic!("{backend}: {name}: {error}"));
            if let Some(known) = known {
                assert_eq!(success(&record.outcome), known, "{backend}: {name}");
            }
            records.push(record);
        }
        reports.push((backend, records));
    }
    let (_, vm_records) = &reports[0];
    match &vm_records[1].outcome {
        CallOutcome::Revert(reason) => {
            assert_eq!(
                reason.first(),
                Some(&short_string("Invalid keccak input size"))
            )
        }
        other => panic!("a short keccak input succeeded: {other:?}"),
    }
    for (backend, records) in &reports[1..] {
        for (index, (vm, other)) in vm_records.iter().zip(records).enumerate() {
            assert_eq!(
                vm.backend_neutral(),
                other.backend_neutral(),
                "{backend}: call {index}"
            );
        }
    }
}

/// A handler of one's own: no chain state, a Keccak that answers a fixed hash and counts its
/// calls, and secp256k1 left to the defaults.
#[derive(Default)]
struct FixedKeccak {
    keccak_calls: usize,
}

const FIXED_HASH: U256 = U256 {
    low: 0x1111,
    high: 0x2222,
};

fn no_state<T>() -> SyscallResult<T> {
    Err(vec![short_string("no chain state here")])
}

impl SyscallHandler for FixedKeccak {
    fn get_block_hash(&mut self, _: u64, _: &mut u64) -> SyscallResult<Felt> {
        no_state()
    }
    fn get_execution_info(&mut self, _: &mut u64) -> SyscallResult<ExecutionInfo> {
        no_state()
    }
    fn deploy(
        &mut self,
        _: Felt,
        _: Felt,
        _: &[Felt],
        _: bool,
        _: &mut u64,
    ) -> SyscallResult<(Felt, Vec<Felt>)> {
        no_state()
    }
    fn replace_class(&mut self, _: Felt, _: &mut u64) -> SyscallResult<()> {
        no_state()
    }
    fn library_call(
        &mut self,
        _: Felt,
        _: Felt,
        _: &[Felt],
        _: &mut u64,
    ) -> SyscallResult<Vec<Felt>> {
        no_state()
    }
    fn call_contract(
        &mut self,
        _: Felt,
        _: Felt,
        _: &[Felt],
        _: &mut u64,
    ) -> SyscallResult<Vec<Felt>> {
        no_state()
    }
    fn storage_read(&mut self, _: u32, _: Felt, _: &mut u64) -> SyscallResult<Felt> {
        no_state()
    }
    fn storage_write(&mut self, _: u32, _: Felt, _: Felt, _: &mut u64) -> SyscallResult<()> {
        no_state()
    }
    fn emit_event(&mut self, _: &[Felt], _: &[Felt], _: &mut u64) -> SyscallResult<()> {
        no_state()
    }
    fn send_message_to_l1(&mut self, _: Felt, _: &[Felt], _: &mut u64) -> SyscallResult<()> {
        no_state()
    }
    fn get_class_hash_at(&mut self, _: Felt, _: &mut u64) -> SyscallResult<Felt> {
        no_state()
    }

    fn keccak(&mut self, input: &[u64], remaining_gas: &mut u64) -> SyscallResult<U256> {
        self.keccak_calls += 1;
        *remaining_gas -= 1000 * (input.len() as u64 / 17);
        Ok(FIXED_HASH)
    }

    fn secp256_get_xy(
        &mut self,
        curve: SecpCurve,
        p: Secp256Point,
        remaining_gas: &mut u64,
    ) -> SyscallResult<(U256, U256)> {
        assert_eq!(curve, SecpCurve::K1);
        // The default's answer, through the public implementation.
        cairn::starknet::crypto::secp256_get_xy(self.gas_costs(), curve, p, remaining_gas)
    }
}

#[test]
fn a_handler_of_ones_own_answers_the_state_free_syscalls() {
    let crypto = class("crypto_Crypto");
    let mut answers = Vec::new();
    for (backend, executor) in backends() {
        let mut handler = FixedKeccak::default();
        let mut run = |name: &str, calldata: &[Felt]| {
            let entry = crypto
                .entry_point(EntryPointType::External, selector(name))
                .expect("entry point");
            let mut gas = GAS;
            let run = executor
                .execute(
                    CRYPTO_HASH,
                    &crypto,
                    entry,
                    calldata,
                    &mut gas,
                    &mut handler,
                )
                .unwrap_or_else(|error| panic!("{backend}: {name}: {error}"));
            (run.outcome, gas, run.resources.syscalls)
        };
        // Three blocks of "abc" padded to one: one syscall, the handler's hash.
        let keccak = run("keccak_bytes", &abc());
        assert_eq!(
            success(&keccak.0),
            [Felt::from(0x1111), Felt::from(0x2222)],
            "{backend}"
        );
        assert_eq!(keccak.2.get("Keccak"), 1, "{backend}");
        let public_key = run("k1_public_key", &felts(&[1, 0]));
        assert_eq!(success(&public_key.0), generator(), "{backend}");
        // G·1 then its coordinates: the executor counts each syscall by name.
        assert_eq!(
            public_key.2.iter().collect::<Vec<_>>(),
            [
                ("Secp256k1GetXy", 1),
                ("Secp256k1Mul", 1),
                ("Secp256k1New", 1)
            ],
            "{backend}"
        );
        // SHA-256 is left to the default.
        let sha256 = run("sha256", &abc());
        assert_eq!(handler.keccak_calls, 1, "{backend}");
        answers.push((keccak, public_key, sha256));
    }
    for answer in &answers[1..] {
        assert_eq!(answer, &answers[0]);
    }
}
