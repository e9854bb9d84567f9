//! The Starknet syscalls that have no state outside the call: Keccak, SHA-256/512 block
//! compression and secp256k1/r1 point operations, with the VM's gas costs and failure reasons.
//!
//! Every function takes the gas counter by pointer (it deducts the syscall's cost, as the VM's
//! syscall handler does), one pointer per input slot, one per output slot and the slot of the
//! failure's revert reason, an `Array<felt252>` it allocates. It returns [`SUCCESS`], [`FAILURE`]
//! or, for syscalls that return an `Option`, [`SUCCESS_NONE`].
//!
//! Points are `[u128; 4]` (x low, x high, y low, y high), `(0, 0)` being the point at infinity —
//! the coordinates the VM reports for it. u256 values are `[u128; 2]` (low, high). The point
//! operations are generic over the curve; `runtime::functions` takes each curve's instance.

use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInteger, PrimeField};
use cairn_values_abi::array::NativeArray;
use num_bigint::BigUint;

/// The syscall succeeded (with `Some`, for syscalls returning an `Option`).
pub(crate) const SUCCESS: u64 = 0;
/// The syscall failed; the revert reason is in the failure slot.
pub(crate) const FAILURE: u64 = 1;
/// The syscall succeeded with `None`.
pub(crate) const SUCCESS_NONE: u64 = 2;

/// Gas each syscall costs beyond what the compiler charged statically: the Starknet OS costs
/// (blockifier's constants, which cairo-lang-runner's test handler uses too).
mod cost {
    const STEP: u64 = 100;
    const RANGE_CHECK: u64 = 70;
    const BITWISE: u64 = 594;
    pub const KECCAK_ROUND: u64 = 180_000;
    pub const SHA256_PROCESS_BLOCK: u64 = 1852 * STEP + 65 * RANGE_CHECK + 1115 * BITWISE;
    pub const SHA512_PROCESS_BLOCK: u64 = 4733 * STEP + 65 * RANGE_CHECK + 3320 * BITWISE;
    pub const SECP_ADD: u64 = 254 * STEP + 29 * RANGE_CHECK;
    pub const SECP_GET_POINT_FROM_X: u64 = 260 * STEP + 29 * RANGE_CHECK;
    pub const SECP_GET_XY: u64 = 24 * STEP + 9 * RANGE_CHECK;
    pub const SECP_MUL: u64 = 121_810 * STEP + 10_739 * RANGE_CHECK;
    pub const SECP_NEW: u64 = 340 * STEP + 36 * RANGE_CHECK;
}

/// Writes `[reason]` (a short string) as a new `Array<felt252>` into `slot`.
///
/// # Safety
/// `slot` is valid for writing an array.
unsafe fn fail(slot: *mut NativeArray, reason: &[u8]) -> u64 {
    // SAFETY: forwarded from the caller.
    unsafe { write_reason(slot, &[reason]) }
}

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

/// Takes `amount` from the counter, or says why not.
fn deduct(gas: &mut u64, amount: u64) -> Result<(), &'static [u8]> {
    *gas = gas
        .checked_sub(amount)
        .ok_or(b"Syscall out of gas".as_slice())?;
    Ok(())
}

/// Runs `body` with the gas counter; a refusal becomes the failure slot's reason.
///
/// # Safety
/// `gas` is a valid counter and `failure` is writable.
unsafe fn syscall(
    gas: *mut u64,
    failure: *mut NativeArray,
    body: impl FnOnce(&mut u64) -> Result<u64, &'static [u8]>,
) -> u64 {
    // SAFETY: per the caller.
    unsafe {
        match body(&mut *gas) {
            Ok(status) => status,
            Err(reason) => fail(failure, reason),
        }
    }
}

fn u256_of(halves: &[u128; 2]) -> BigUint {
    (BigUint::from(halves[1]) << 128) | BigUint::from(halves[0])
}

fn halves_of(value: &BigUint) -> [u128; 2] {
    let mut bytes = value.to_bytes_le();
    bytes.resize(32, 0);
    let low = bytes[..16].try_into().map(u128::from_le_bytes).unwrap_or(0);
    let high = bytes[16..32]
        .try_into()
        .map(u128::from_le_bytes)
        .unwrap_or(0);
    [low, high]
}

fn point_of<C: SWCurveConfig>(point: &[u128; 4]) -> Affine<C>
where
    C::BaseField: PrimeField,
{
    if point.iter().all(|half| *half == 0) {
        return Affine::identity();
    }
    let x = C::BaseField::from(u256_of(&[point[0], point[1]]));
    let y = C::BaseField::from(u256_of(&[point[2], point[3]]));
    Affine::new_unchecked(x, y)
}

fn halves_of_point<C: SWCurveConfig>(point: Affine<C>) -> [u128; 4]
where
    C::BaseField: PrimeField,
{
    let (x, y) = point.xy().unwrap_or_default();
    let [x0, x1] = halves_of(&BigUint::from_bytes_le(&x.into_bigint().to_bytes_le()));
    let [y0, y1] = halves_of(&BigUint::from_bytes_le(&y.into_bigint().to_bytes_le()));
    [x0, x1, y0, y1]
}

fn base_modulus<C: SWCurveConfig>() -> BigUint
where
    C::BaseField: PrimeField,
{
    BigUint::from_bytes_le(&C::BaseField::MODULUS.to_bytes_le())
}

/// `keccak_syscall(Span<u64>) -> u256`: Keccak-f[1600] over 17-word (136-byte) blocks.
///
/// # Safety
/// Slots as described in the module documentation; `input` holds a valid span of u64.
pub(crate) unsafe extern "C" fn keccak(
    gas: *mut u64,
    input: *const NativeArray,
    output: *mut [u128; 2],
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above; the span's elements `start..end` are initialised u64s.
    unsafe {
        let input = &*input;
        let length = input.end.saturating_sub(input.start) as usize;
        // An empty array may have no buffer at all (a null pointer no slice may hold).
        let words: &[u64] = if length == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(input.slot(input.start, 8).cast::<u64>(), length)
        };
        syscall(gas, failure, |gas| {
            if words.len() % 17 != 0 {
                return Err(b"Invalid keccak input size");
            }
            let mut state = [0u64; 25];
            let keccak = keccak::Keccak::new();
            for block in words.chunks(17) {
                deduct(gas, cost::KECCAK_ROUND)?;
                for (lane, word) in state.iter_mut().zip(block) {
                    *lane ^= word;
                }
                keccak.with_f1600(|f1600| f1600(&mut state));
            }
            output.write([
                u128::from(state[0]) | (u128::from(state[1]) << 64),
                u128::from(state[2]) | (u128::from(state[3]) << 64),
            ]);
            Ok(SUCCESS)
        })
    }
}

/// `sha256_process_block_syscall(state, Box<[u32; 16]>) -> state` (the caller frees the box).
///
/// # Safety
/// Slots as described in the module documentation; `block` holds a pointer to 16 words.
pub(crate) unsafe extern "C" fn sha256_process_block(
    gas: *mut u64,
    state: *const [u32; 8],
    block: *const *const [u32; 16],
    output: *mut [u32; 8],
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above.
    unsafe {
        let words = **block;
        syscall(gas, failure, |gas| {
            deduct(gas, cost::SHA256_PROCESS_BLOCK)?;
            let mut bytes = [0u8; 64];
            for (chunk, word) in bytes.chunks_exact_mut(4).zip(words) {
                chunk.copy_from_slice(&word.to_be_bytes());
            }
            let mut next = *state;
            sha2::block_api::compress256(&mut next, &[bytes]);
            output.write(next);
            Ok(SUCCESS)
        })
    }
}

/// `sha512_process_block_syscall(state, Box<[u64; 16]>) -> state` (the caller frees the box).
///
/// # Safety
/// As [`sha256_process_block`], with 64-bit words.
pub(crate) unsafe extern "C" fn sha512_process_block(
    gas: *mut u64,
    state: *const [u64; 8],
    block: *const *const [u64; 16],
    output: *mut [u64; 8],
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above.
    unsafe {
        let words = **block;
        syscall(gas, failure, |gas| {
            deduct(gas, cost::SHA512_PROCESS_BLOCK)?;
            let mut bytes = [0u8; 128];
            for (chunk, word) in bytes.chunks_exact_mut(8).zip(words) {
                chunk.copy_from_slice(&word.to_be_bytes());
            }
            let mut next = *state;
            sha2::block_api::compress512(&mut next, &[bytes]);
            output.write(next);
            Ok(SUCCESS)
        })
    }
}

/// `secp256*_new_syscall(x, y) -> Option<point>`: `None` off the curve or its subgroup.
///
/// # Safety
/// Slots as described in the module documentation.
pub(crate) unsafe extern "C" fn secp_new<C: SWCurveConfig>(
    gas: *mut u64,
    x: *const [u128; 2],
    y: *const [u128; 2],
    output: *mut [u128; 4],
    failure: *mut NativeArray,
) -> u64
where
    C::BaseField: PrimeField,
{
    // SAFETY: per the contract above.
    unsafe {
        let (x, y) = (*x, *y);
        syscall(gas, failure, |gas| {
            deduct(gas, cost::SECP_NEW)?;
            let modulus = base_modulus::<C>();
            if u256_of(&x) >= modulus || u256_of(&y) >= modulus {
                return Err(b"Coordinates out of range");
            }
            let point = point_of::<C>(&[x[0], x[1], y[0], y[1]]);
            if !(point.is_on_curve() && point.is_in_correct_subgroup_assuming_on_curve()) {
                return Ok(SUCCESS_NONE);
            }
            output.write([x[0], x[1], y[0], y[1]]);
            Ok(SUCCESS)
        })
    }
}

/// `secp256*_add_syscall(p, q) -> p + q`.
///
/// # Safety
/// Slots as described in the module documentation.
pub(crate) unsafe extern "C" fn secp_add<C: SWCurveConfig>(
    gas: *mut u64,
    p: *const [u128; 4],
    q: *const [u128; 4],
    output: *mut [u128; 4],
    failure: *mut NativeArray,
) -> u64
where
    C::BaseField: PrimeField,
{
    // SAFETY: per the contract above.
    unsafe {
        let (p, q) = (point_of::<C>(&*p), point_of::<C>(&*q));
        syscall(gas, failure, |gas| {
            deduct(gas, cost::SECP_ADD)?;
            output.write(halves_of_point((p + q).into_affine()));
            Ok(SUCCESS)
        })
    }
}

/// `secp256*_mul_syscall(p, scalar) -> scalar · p` (the scalar taken modulo the group order).
///
/// # Safety
/// Slots as described in the module documentation.
pub(crate) unsafe extern "C" fn secp_mul<C: SWCurveConfig>(
    gas: *mut u64,
    p: *const [u128; 4],
    scalar: *const [u128; 2],
    output: *mut [u128; 4],
    failure: *mut NativeArray,
) -> u64
where
    C::BaseField: PrimeField,
    C::ScalarField: PrimeField,
{
    // SAFETY: per the contract above.
    unsafe {
        let p = point_of::<C>(&*p);
        let scalar = C::ScalarField::from(u256_of(&*scalar));
        syscall(gas, failure, |gas| {
            deduct(gas, cost::SECP_MUL)?;
            output.write(halves_of_point((p * scalar).into_affine()));
            Ok(SUCCESS)
        })
    }
}

/// `secp256*_get_point_from_x_syscall(x, y_parity) -> Option<point>`: the point with that x and
/// a y of that parity, if it is on the curve and in its subgroup.
///
/// # Safety
/// Slots as described in the module documentation; `odd` holds a `bool` (a 0/1 byte).
pub(crate) unsafe extern "C" fn secp_get_point_from_x<C: SWCurveConfig>(
    gas: *mut u64,
    x: *const [u128; 2],
    odd: *const u8,
    output: *mut [u128; 4],
    failure: *mut NativeArray,
) -> u64
where
    C::BaseField: PrimeField,
{
    // SAFETY: per the contract above.
    unsafe {
        let (x, odd) = (u256_of(&*x), *odd != 0);
        syscall(gas, failure, |gas| {
            deduct(gas, cost::SECP_GET_POINT_FROM_X)?;
            if x >= base_modulus::<C>() {
                return Err(b"Coordinates out of range");
            }
            let x = C::BaseField::from(x);
            let point = Affine::<C>::get_ys_from_x_unchecked(x)
                .map(|(smaller, greater)| {
                    let y = if smaller.into_bigint().is_odd() == odd {
                        smaller
                    } else {
                        greater
                    };
                    Affine::<C>::new_unchecked(x, y)
                })
                .filter(|point| point.is_in_correct_subgroup_assuming_on_curve());
            match point {
                Some(point) => {
                    output.write(halves_of_point(point));
                    Ok(SUCCESS)
                }
                None => Ok(SUCCESS_NONE),
            }
        })
    }
}

/// `secp256*_get_xy_syscall(p) -> (x, y)`.
///
/// # Safety
/// Slots as described in the module documentation.
pub(crate) unsafe extern "C" fn secp_get_xy(
    gas: *mut u64,
    p: *const [u128; 4],
    x: *mut [u128; 2],
    y: *mut [u128; 2],
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above.
    unsafe {
        let p = *p;
        syscall(gas, failure, |gas| {
            deduct(gas, cost::SECP_GET_XY)?;
            x.write([p[0], p[1]]);
            y.write([p[2], p[3]]);
            Ok(SUCCESS)
        })
    }
}
