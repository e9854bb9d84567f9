//! The Starknet syscalls that have no state outside the call: Keccak, SHA-256/512 block
//! compression and secp256k1/r1 point operations, answered by the run's [`SyscallHandler`]
//! (whose defaults are `cairn_starknet::crypto`'s; a run given no handler has a standalone
//! Starknet state, so these defaults).
//!
//! Every function takes the run's `System` pointer (its `SyscallContext`), the gas
//! counter by pointer (the syscall deducts its cost), one pointer per input slot, one per output
//! slot and the slot of the failure's revert reason, an `Array<felt252>` it allocates. It
//! returns [`SUCCESS`], [`FAILURE`] or, for syscalls that return an `Option`, [`SUCCESS_NONE`].
//!
//! Points are `[u128; 4]` (x low, x high, y low, y high), `(0, 0)` being the point at infinity —
//! the coordinates the VM reports for it. u256 values are `[u128; 2]` (low, high).

use cairn_starknet::crypto::{Secp256Point, SecpCurve, U256};
use cairn_starknet::{SyscallHandler, SyscallResult};
use cairn_values_abi::array::NativeArray;

use super::state_syscalls::{felts_reason, SyscallContext};

/// The syscall succeeded (with `Some`, for syscalls returning an `Option`).
pub(crate) const SUCCESS: u64 = 0;
/// The syscall failed; the revert reason is in the failure slot.
pub(crate) const FAILURE: u64 = 1;
/// The syscall succeeded with `None`.
pub(crate) const SUCCESS_NONE: u64 = 2;

/// Writes `words` (each a felt's big-endian bytes, at most 32: short strings) as a new
/// `Array<felt252>` into `slot`; returns [`FAILURE`].
///
/// # Safety
/// `slot` is valid for writing an array.
pub(crate) unsafe fn write_reason(slot: *mut NativeArray, words: &[&[u8]]) -> u64 {
    let count = u32::try_from(words.len()).unwrap_or(u32::MAX);
    let Some(mut array) = NativeArray::allocate(32, count.max(1)) else {
        eprintln!("cairn: out of memory in a syscall");
        std::process::abort();
    };
    for (index, word) in (0..count).zip(words) {
        let mut felt = [0u8; 32];
        for (byte, value) in felt.iter_mut().zip(word.iter().rev()) {
            *byte = *value;
        }
        // SAFETY: the fresh buffer has room for `words.len()` felts; each is written in full
        // before it is counted.
        unsafe { std::ptr::copy_nonoverlapping(felt.as_ptr(), array.slot(index, 32), 32) };
    }
    // SAFETY: the array is ours until handed over; `slot` is writable per the caller.
    unsafe {
        (*array.header()).len = count;
        array.end = count;
        slot.write(array);
    }
    FAILURE
}

/// Answers one syscall with `call` on the run's handler (a panic of the handler is kept for
/// the executor and fails the syscall); `write` stores a success's outputs and says which
/// success it was.
///
/// # Safety
/// `system` is null or the run's `SyscallContext`; `gas` is its counter; `failure` is writable
/// for an array.
pub(crate) unsafe fn answer<T>(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    failure: *mut NativeArray,
    call: impl FnOnce(&mut dyn SyscallHandler, &mut u64) -> SyscallResult<T>,
    write: impl FnOnce(T) -> u64,
) -> u64 {
    if system.is_null() {
        // SAFETY: `failure` is writable for an array (contract above).
        return unsafe { write_reason(failure, &[b"no syscall handler"]) };
    }
    // SAFETY: per the contract above, `system` is the run's context and `gas` its counter.
    let (context, gas) = unsafe { (&mut *system, &mut *gas) };
    match context.with_handler(|handler| call(handler, gas)) {
        Some(Ok(outputs)) => write(outputs),
        // SAFETY: `failure` is writable for an array (contract above).
        Some(Err(reason)) => unsafe { felts_reason(failure, &reason) },
        // SAFETY: as above.
        None => unsafe { write_reason(failure, &[b"syscall handler panicked"]) },
    }
}

fn u256(halves: [u128; 2]) -> U256 {
    U256 {
        low: halves[0],
        high: halves[1],
    }
}

fn halves(value: U256) -> [u128; 2] {
    [value.low, value.high]
}

fn point(halves: [u128; 4]) -> Secp256Point {
    Secp256Point {
        x: u256([halves[0], halves[1]]),
        y: u256([halves[2], halves[3]]),
    }
}

fn point_halves(point: Secp256Point) -> [u128; 4] {
    [point.x.low, point.x.high, point.y.low, point.y.high]
}

/// The curve a runtime function instance is for.
const fn curve<const R1: bool>() -> SecpCurve {
    if R1 {
        SecpCurve::R1
    } else {
        SecpCurve::K1
    }
}

/// `keccak_syscall(Span<u64>) -> u256`: Keccak-f[1600] over 17-word (136-byte) blocks.
///
/// # Safety
/// Slots as described in the module documentation; `input` holds a valid span of u64.
pub(crate) unsafe extern "C" fn keccak(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    input: *const NativeArray,
    output: *mut [u128; 2],
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above; the span's elements `start..end` are initialised u64s.
    let words: &[u64] = unsafe {
        let input = &*input;
        let length = input.end.saturating_sub(input.start) as usize;
        // An empty array may have no buffer at all (a null pointer no slice may hold).
        if length == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(input.slot(input.start, 8).cast::<u64>(), length)
        }
    };
    let call = |handler: &mut dyn SyscallHandler, gas: &mut u64| handler.keccak(words, gas);
    // SAFETY: per the contract above.
    unsafe {
        answer(system, gas, failure, call, |hash| {
            output.write(halves(hash));
            SUCCESS
        })
    }
}

/// `sha256_process_block_syscall(state, Box<[u32; 16]>) -> state` (the caller frees the box).
///
/// # Safety
/// Slots as described in the module documentation; `block` holds a pointer to 16 words.
pub(crate) unsafe extern "C" fn sha256_process_block(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    state: *const [u32; 8],
    block: *const *const [u32; 16],
    output: *mut [u32; 8],
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above.
    let (state, block) = unsafe { (*state, **block) };
    let call = |handler: &mut dyn SyscallHandler, gas: &mut u64| {
        handler.sha256_process_block(&state, &block, gas)
    };
    // SAFETY: per the contract above.
    unsafe {
        answer(system, gas, failure, call, |next| {
            output.write(next);
            SUCCESS
        })
    }
}

/// `sha512_process_block_syscall(state, Box<[u64; 16]>) -> state` (the caller frees the box).
///
/// # Safety
/// As [`sha256_process_block`], with 64-bit words.
pub(crate) unsafe extern "C" fn sha512_process_block(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    state: *const [u64; 8],
    block: *const *const [u64; 16],
    output: *mut [u64; 8],
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above.
    let (state, block) = unsafe { (*state, **block) };
    let call = |handler: &mut dyn SyscallHandler, gas: &mut u64| {
        handler.sha512_process_block(&state, &block, gas)
    };
    // SAFETY: per the contract above.
    unsafe {
        answer(system, gas, failure, call, |next| {
            output.write(next);
            SUCCESS
        })
    }
}

/// Writes an optional point: its coordinates for `Some`, [`SUCCESS_NONE`] for `None`.
///
/// # Safety
/// `output` is writable for a point.
unsafe fn write_optional_point(output: *mut [u128; 4], point: Option<Secp256Point>) -> u64 {
    match point {
        Some(point) => {
            // SAFETY: per the contract above.
            unsafe { output.write(point_halves(point)) };
            SUCCESS
        }
        None => SUCCESS_NONE,
    }
}

/// `secp256*_new_syscall(x, y) -> Option<point>`: `None` off the curve or its subgroup.
///
/// # Safety
/// Slots as described in the module documentation.
pub(crate) unsafe extern "C" fn secp_new<const R1: bool>(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    x: *const [u128; 2],
    y: *const [u128; 2],
    output: *mut [u128; 4],
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above.
    let (x, y) = unsafe { (u256(*x), u256(*y)) };
    let curve = curve::<R1>();
    let call =
        |handler: &mut dyn SyscallHandler, gas: &mut u64| handler.secp256_new(curve, x, y, gas);
    // SAFETY: per the contract above.
    unsafe {
        answer(system, gas, failure, call, |point| {
            write_optional_point(output, point)
        })
    }
}

/// `secp256*_add_syscall(p, q) -> p + q`.
///
/// # Safety
/// Slots as described in the module documentation.
pub(crate) unsafe extern "C" fn secp_add<const R1: bool>(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    p: *const [u128; 4],
    q: *const [u128; 4],
    output: *mut [u128; 4],
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above.
    let (p, q) = unsafe { (point(*p), point(*q)) };
    let curve = curve::<R1>();
    let call =
        |handler: &mut dyn SyscallHandler, gas: &mut u64| handler.secp256_add(curve, p, q, gas);
    // SAFETY: per the contract above.
    unsafe {
        answer(system, gas, failure, call, |sum| {
            output.write(point_halves(sum));
            SUCCESS
        })
    }
}

/// `secp256*_mul_syscall(p, scalar) -> scalar · p` (the scalar taken modulo the group order).
///
/// # Safety
/// Slots as described in the module documentation.
pub(crate) unsafe extern "C" fn secp_mul<const R1: bool>(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    p: *const [u128; 4],
    scalar: *const [u128; 2],
    output: *mut [u128; 4],
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above.
    let (p, scalar) = unsafe { (point(*p), u256(*scalar)) };
    let curve = curve::<R1>();
    let call = |handler: &mut dyn SyscallHandler, gas: &mut u64| {
        handler.secp256_mul(curve, p, scalar, gas)
    };
    // SAFETY: per the contract above.
    unsafe {
        answer(system, gas, failure, call, |product| {
            output.write(point_halves(product));
            SUCCESS
        })
    }
}

/// `secp256*_get_point_from_x_syscall(x, y_parity) -> Option<point>`: the point with that x and
/// a y of that parity, if it is on the curve and in its subgroup.
///
/// # Safety
/// Slots as described in the module documentation; `odd` holds a `bool` (a 0/1 byte).
pub(crate) unsafe extern "C" fn secp_get_point_from_x<const R1: bool>(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    x: *const [u128; 2],
    odd: *const u8,
    output: *mut [u128; 4],
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above.
    let (x, odd) = unsafe { (u256(*x), *odd != 0) };
    let curve = curve::<R1>();
    let call = |handler: &mut dyn SyscallHandler, gas: &mut u64| {
        handler.secp256_get_point_from_x(curve, x, odd, gas)
    };
    // SAFETY: per the contract above.
    unsafe {
        answer(system, gas, failure, call, |point| {
            write_optional_point(output, point)
        })
    }
}

/// `secp256*_get_xy_syscall(p) -> (x, y)`.
///
/// # Safety
/// Slots as described in the module documentation.
pub(crate) unsafe extern "C" fn secp_get_xy<const R1: bool>(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    p: *const [u128; 4],
    x: *mut [u128; 2],
    y: *mut [u128; 2],
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above.
    let p = unsafe { point(*p) };
    let curve = curve::<R1>();
    let call =
        |handler: &mut dyn SyscallHandler, gas: &mut u64| handler.secp256_get_xy(curve, p, gas);
    // SAFETY: per the contract above.
    unsafe {
        answer(system, gas, failure, call, |(px, py)| {
            x.write(halves(px));
            y.write(halves(py));
            SUCCESS
        })
    }
}
