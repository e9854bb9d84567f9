//! Work generated code hands to Rust: the Pedersen hash and the Poseidon permutation (on
//! `cairn-stark-hash`), STARK curve arithmetic (on `starknet-types-core`), the state-free Starknet
//! syscalls ([`syscalls`]), `print` ([`print`]), and dictionaries, on
//! `cairn_values_abi::dict` (so values written and read by that crate and by native code are
//! the same).
//!
//! Generated code reaches each function through a global pointer `cairn_rt_<name>` that the
//! loader fills in once the code is loaded (see [`bind`]), for the JIT and for shared libraries
//! alike: a library needs no symbol from the process that loads it. Felts cross as pointers to
//! 32 little-endian bytes.

pub(crate) mod cheatcode;
pub(crate) mod circuit;
pub(crate) mod execution_info;
pub(crate) mod print;
pub mod state_syscalls;
pub(crate) mod syscalls;
pub(crate) mod typed_syscalls;
pub(crate) mod wide_div;

use cairn_values_abi::dict::NativeDict;
use starknet_types_core::curve::AffinePoint;
use starknet_types_core::felt::Felt;
use starknet_types_core::qm31::QM31;

/// The runtime functions: the suffix of their global's name, and their address.
fn functions() -> [(&'static str, *const ()); 41] {
    [
        ("state_syscall", state_syscalls::state_syscall as *const ()),
        ("storage_read", typed_syscalls::storage_read as *const ()),
        ("storage_write", typed_syscalls::storage_write as *const ()),
        ("emit_event", typed_syscalls::emit_event as *const ()),
        ("call_contract", typed_syscalls::call_contract as *const ()),
        ("library_call", typed_syscalls::library_call as *const ()),
        (
            "get_execution_info",
            execution_info::get_execution_info as *const (),
        ),
        ("cheatcode", cheatcode::cheatcode as *const ()),
        ("blake2s_compress", blake2s_compress as *const ()),
        ("qm31_binary", qm31_binary as *const ()),
        ("dict_new", dict_new as *const ()),
        ("dict_entry", dict_entry as *const ()),
        ("dict_squash", dict_squash as *const ()),
        (
            "dict_squash_range_checks",
            dict_squash_range_checks as *const (),
        ),
        ("dict_release", dict_release as *const ()),
        ("dict_unshare", dict_unshare as *const ()),
        ("print", print::print as *const ()),
        ("u256_divmod", wide_div::u256_divmod as *const ()),
        ("u512_divmod_u256", wide_div::u512_divmod_u256 as *const ()),
        ("u256_inv_mod", wide_div::u256_inv_mod as *const ()),
        ("felt_inverse", felt_inverse as *const ()),
        ("pedersen", pedersen as *const ()),
        ("hades_permutation", hades_permutation as *const ()),
        ("ec_point_from_x", ec_point_from_x as *const ()),
        ("ec_point_on_curve", ec_point_on_curve as *const ()),
        ("ec_state_add", ec_state_add as *const ()),
        ("ec_state_add_mul", ec_state_add_mul as *const ()),
        ("circuit_eval", circuit::circuit_eval as *const ()),
        ("keccak", syscalls::keccak as *const ()),
        (
            "sha256_process_block",
            syscalls::sha256_process_block as *const (),
        ),
        (
            "sha512_process_block",
            syscalls::sha512_process_block as *const (),
        ),
        ("secp256k1_new", syscalls::secp_new::<false> as *const ()),
        ("secp256k1_add", syscalls::secp_add::<false> as *const ()),
        ("secp256k1_mul", syscalls::secp_mul::<false> as *const ()),
        (
            "secp256k1_get_point_from_x",
            syscalls::secp_get_point_from_x::<false> as *const (),
        ),
        (
            "secp256k1_get_xy",
            syscalls::secp_get_xy::<false> as *const (),
        ),
        ("secp256r1_new", syscalls::secp_new::<true> as *const ()),
        ("secp256r1_add", syscalls::secp_add::<true> as *const ()),
        ("secp256r1_mul", syscalls::secp_mul::<true> as *const ()),
        (
            "secp256r1_get_point_from_x",
            syscalls::secp_get_point_from_x::<true> as *const (),
        ),
        (
            "secp256r1_get_xy",
            syscalls::secp_get_xy::<true> as *const (),
        ),
    ]
}

/// The name of the global holding runtime function `name`'s address.
pub(crate) fn global_name(name: &str) -> String {
    format!("cairn_rt_{name}")
}

/// Points every runtime global that `lookup` finds in loaded code at its function.
///
/// # Safety
/// `lookup` must return, for a global's name, the address of that pointer-sized global in the
/// loaded code (or `None`), and nothing may run that code concurrently.
pub(crate) unsafe fn bind(lookup: impl Fn(&str) -> Option<*mut ()>) {
    for (name, address) in functions() {
        if let Some(global) = lookup(&global_name(name)) {
            // SAFETY: per the caller, `global` is the address of a pointer-sized global.
            unsafe { global.cast::<*const ()>().write(address) };
        }
    }
}

/// # Safety
/// Each pointer must be valid for 32 bytes holding a felt below P (`out` for writing).
unsafe extern "C" fn pedersen(out: *mut [u8; 32], lhs: *const [u8; 32], rhs: *const [u8; 32]) {
    // SAFETY: per the contract above.
    unsafe { out.write(cairn_stark_hash::pedersen_hash_le(&*lhs, &*rhs)) }
}

/// # Safety
/// `state` must be valid for reading and writing three felts (96 bytes).
unsafe extern "C" fn hades_permutation(state: *mut [[u8; 32]; 3]) {
    // SAFETY: per the contract above.
    unsafe { cairn_stark_hash::hades_permutation_le(&mut *state) }
}

fn felt_at(word: &[u8; 32]) -> Felt {
    Felt::from_bytes_le(word)
}

/// Writes the point with abscissa `x` and the smaller of its two ordinates (the VM's hint picks
/// `min(y, -y)`); returns 0 if `x` is on no point of the curve.
///
/// # Safety
/// `point` must be valid for writing two felts, `x` for reading one.
unsafe extern "C" fn ec_point_from_x(point: *mut [[u8; 32]; 2], x: *const [u8; 32]) -> u64 {
    // SAFETY: per the contract above.
    unsafe {
        let x = felt_at(&*x);
        let y_squared = x * x * x + x + cairn_values_abi::stark_curve_beta();
        // The smaller root, by Cipolla's method (`starknet-types-core`'s Tonelli–Shanks took
        // about ten times as long: p − 1 has the factor 2^192).
        let Some(y) = cairn_stark_hash::felt_sqrt_le(&y_squared.to_bytes_le()) else {
            return 0;
        };
        (*point)[0] = x.to_bytes_le();
        (*point)[1] = y;
        1
    }
}

/// Returns 1 if `(x, y)` is on the curve.
///
/// # Safety
/// Both pointers must be valid for reading one felt.
unsafe extern "C" fn ec_point_on_curve(x: *const [u8; 32], y: *const [u8; 32]) -> u64 {
    // SAFETY: per the contract above.
    unsafe { u64::from(AffinePoint::new(felt_at(&*x), felt_at(&*y)).is_ok()) }
}

/// `state.sum += point`, the sum in the state's first two felts (points cross as `[x, y]`, the
/// identity as `(0, 0)`, not on the curve as `beta != 0`), on `cairn-stark-hash`'s curve
/// arithmetic (one inversion by divsteps; `starknet-types-core`'s took about 6% of an ECDSA
/// verification).
///
/// # Safety
/// `state` must be valid for reading and writing four felts, `point` for reading two.
unsafe extern "C" fn ec_state_add(state: *mut [[u8; 32]; 4], point: *const [[u8; 32]; 2]) {
    // SAFETY: per the contract above.
    unsafe {
        let state = &mut *state;
        let [x, y] = cairn_stark_hash::ec_add_le(&[state[0], state[1]], &*point);
        state[0] = x;
        state[1] = y;
    }
}

/// `state.sum += scalar * point`.
///
/// # Safety
/// As for [`ec_state_add`], and `scalar` valid for reading one felt.
unsafe extern "C" fn ec_state_add_mul(
    state: *mut [[u8; 32]; 4],
    scalar: *const [u8; 32],
    point: *const [[u8; 32]; 2],
) {
    // SAFETY: per the contract above.
    unsafe {
        let state = &mut *state;
        // On `cairn-stark-hash`'s curve arithmetic: 4-bit windows over Jacobian points (about
        // a third of `starknet-types-core`'s time).
        let [x, y] = cairn_stark_hash::ec_add_mul_le(&[state[0], state[1]], &*scalar, &*point);
        state[0] = x;
        state[1] = y;
    }
}

/// `out = value⁻¹ mod P` for a non-zero felt (0 for 0, which the Sierra types rule out).
///
/// # Safety
/// `value` is valid for 32 bytes, `out` for writing 32.
unsafe extern "C" fn felt_inverse(value: *const [u8; 32], out: *mut [u8; 32]) {
    // SAFETY: per the contract above.
    unsafe { out.write(cairn_stark_hash::felt_inverse_le(&*value).unwrap_or([0; 32])) }
}

/// A new empty dictionary.
extern "C" fn dict_new() -> *mut NativeDict {
    NativeDict::allocate()
}

/// The value slot of `key`, zeroed if new.
///
/// # Safety
/// `dict` is a live dictionary whose entries are `stride` bytes; `key` is valid for 32 bytes.
unsafe extern "C" fn dict_entry(
    dict: *mut NativeDict,
    key: *const [u8; 32],
    stride: u64,
) -> *mut u8 {
    // SAFETY: per the contract above.
    unsafe { (*dict).entry(&*key, stride as usize) }
}

/// Sorts the dictionary into its squashed form; returns the accesses beyond the first of each
/// key, for which the VM refunds gas.
///
/// # Safety
/// As [`dict_entry`].
unsafe extern "C" fn dict_squash(dict: *mut NativeDict, stride: u64) -> u64 {
    // SAFETY: per the contract above.
    unsafe {
        (*dict).sort_by_key(stride as usize);
        (*dict).accesses.saturating_sub((*dict).len)
    }
}

/// The range checks the VM's squash of the dictionary uses (see
/// [`NativeDict::squash_range_checks`]), after [`dict_squash`].
///
/// # Safety
/// As [`dict_entry`].
unsafe extern "C" fn dict_squash_range_checks(dict: *const NativeDict, stride: u64) -> u64 {
    // SAFETY: per the contract above.
    unsafe { (*dict).squash_range_checks(stride as usize) }
}

/// A copy, with one reference, of a dictionary shared with a snapshot; the original loses the
/// caller's reference. Values are copied bitwise: the caller takes references to their heap
/// parts.
///
/// # Safety
/// As [`dict_entry`], and the dictionary has at least one other reference.
unsafe extern "C" fn dict_unshare(dict: *mut NativeDict, stride: u64) -> *mut NativeDict {
    // SAFETY: per the contract above.
    unsafe { NativeDict::unshare(dict, stride as usize) }
}

/// Frees a dictionary whose values' heap parts are already released.
///
/// # Safety
/// `dict` is a live dictionary, not used afterwards.
unsafe extern "C" fn dict_release(dict: *mut NativeDict) {
    // SAFETY: per the contract above.
    unsafe { NativeDict::release(dict) }
}

/// The M31 prime, 2^31 - 1.
const M31_PRIME: u32 = 0x7fff_ffff;

/// `out = a op b` in QM31 (op: 0 add, 1 sub, 2 mul, 3 div by a non-zero `b`); M31 values are
/// QM31 values with three zero coordinates.
///
/// # Safety
/// Each pointer must be valid for four u32 coordinates below 2^31 - 1 (`out` for writing).
unsafe extern "C" fn qm31_binary(
    out: *mut [u32; 4],
    a: *const [u32; 4],
    b: *const [u32; 4],
    op: u64,
) {
    // SAFETY: per the contract above.
    unsafe {
        let element = |c: &[u32; 4]| QM31::from_coefficients(c[0], c[1], c[2], c[3]);
        let (a, b) = (element(&*a), element(&*b));
        let result = match op {
            0 => a + b,
            1 => a - b,
            2 => a * b,
            // The divisor is a NonZero; an impossible zero gives zero rather than unwinding.
            _ => b
                .inverse()
                .map(|inverse| a * inverse)
                .unwrap_or(QM31::from_coefficients(0, 0, 0, 0)),
        };
        // Coefficients come back in [0, p]; p is 0 (the VM canonicalizes the same way).
        let (w0, w1, w2, w3) = result.to_coefficients();
        out.write([w0, w1, w2, w3].map(|coordinate| coordinate % M31_PRIME));
    }
}

/// BLAKE2s's initialisation vector (RFC 7693).
const BLAKE2S_IV: [u32; 8] = [
    0x6A09_E667,
    0xBB67_AE85,
    0x3C6E_F372,
    0xA54F_F53A,
    0x510E_527F,
    0x9B05_688C,
    0x1F83_D9AB,
    0x5BE0_CD19,
];

/// BLAKE2s's message schedule (RFC 7693).
const BLAKE2S_SIGMA: [[usize; 16]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

/// The BLAKE2s compression function on `state` with message block `message`, `byte_count`
/// bytes hashed so far, and the final-block flag.
fn blake2s(state: &mut [u32; 8], message: &[u32; 16], byte_count: u32, last: bool) {
    let mut v = [0u32; 16];
    v[..8].copy_from_slice(state);
    v[8..].copy_from_slice(&BLAKE2S_IV);
    v[12] ^= byte_count;
    if last {
        v[14] = !v[14];
    }
    let mut mix = |a: usize, b: usize, c: usize, d: usize, x: u32, y: u32| {
        v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
        v[d] = (v[d] ^ v[a]).rotate_right(16);
        v[c] = v[c].wrapping_add(v[d]);
        v[b] = (v[b] ^ v[c]).rotate_right(12);
        v[a] = v[a].wrapping_add(v[b]).wrapping_add(y);
        v[d] = (v[d] ^ v[a]).rotate_right(8);
        v[c] = v[c].wrapping_add(v[d]);
        v[b] = (v[b] ^ v[c]).rotate_right(7);
    };
    for sigma in &BLAKE2S_SIGMA {
        let m = |index: usize| message[sigma[index]];
        mix(0, 4, 8, 12, m(0), m(1));
        mix(1, 5, 9, 13, m(2), m(3));
        mix(2, 6, 10, 14, m(4), m(5));
        mix(3, 7, 11, 15, m(6), m(7));
        mix(0, 5, 10, 15, m(8), m(9));
        mix(1, 6, 11, 12, m(10), m(11));
        mix(2, 7, 8, 13, m(12), m(13));
        mix(3, 4, 9, 14, m(14), m(15));
    }
    for (index, word) in state.iter_mut().enumerate() {
        *word ^= v[index] ^ v[index + 8];
    }
}

/// `blake2s_compress` / `blake2s_finalize`: compresses `message` into `state` in place.
///
/// # Safety
/// `state` must be valid for reading and writing eight u32s, `message` for reading sixteen.
unsafe extern "C" fn blake2s_compress(
    state: *mut [u32; 8],
    message: *const [u32; 16],
    byte_count: u64,
    last: u64,
) {
    // SAFETY: per the contract above.
    unsafe { blake2s(&mut *state, &*message, byte_count as u32, last != 0) }
}
