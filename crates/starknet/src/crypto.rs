//! The state-free syscalls: Keccak, SHA-256/512 block compression and secp256k1/r1 point
//! operations, with cairo-lang-runner 2.20.0's gas costs and failure reasons.
//!
//! They are the defaults of [`SyscallHandler`](crate::SyscallHandler)'s methods of the same
//! names, and what a backend runs when a program has no handler at all. Points cross as their
//! affine coordinates ([`Secp256Point`]); the point at infinity is `(0, 0)`, the coordinates
//! the VM reports for it.

use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInteger, PrimeField};
use num_bigint::BigUint;

use crate::gas::{charge, SecpGasCosts, SyscallGasCosts};
use crate::short_string;
use crate::syscalls::SyscallResult;

/// A 256-bit integer as Cairo's `u256` holds it: two 128-bit halves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct U256 {
    /// The low 128 bits.
    pub low: u128,
    /// The high 128 bits.
    pub high: u128,
}

impl U256 {
    /// The integer as a `BigUint`.
    pub fn to_biguint(self) -> BigUint {
        (BigUint::from(self.high) << 128) | BigUint::from(self.low)
    }

    /// The low 256 bits of `value`.
    pub fn from_biguint(value: &BigUint) -> Self {
        let mut bytes = value.to_bytes_le();
        bytes.resize(32, 0);
        let mut low = [0u8; 16];
        let mut high = [0u8; 16];
        low.copy_from_slice(&bytes[..16]);
        high.copy_from_slice(&bytes[16..32]);
        Self {
            low: u128::from_le_bytes(low),
            high: u128::from_le_bytes(high),
        }
    }
}

/// A point of a secp256 curve by its affine coordinates; `(0, 0)` is the point at infinity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Secp256Point {
    /// The x coordinate.
    pub x: U256,
    /// The y coordinate.
    pub y: U256,
}

/// The two curves of the secp256 syscalls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecpCurve {
    /// secp256k1 (Bitcoin's and Ethereum's curve).
    K1,
    /// secp256r1 (NIST P-256).
    R1,
}

impl std::fmt::Display for SecpCurve {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecpCurve::K1 => "secp256k1",
            SecpCurve::R1 => "secp256r1",
        })
    }
}

impl SecpCurve {
    fn costs(self, costs: &SyscallGasCosts) -> &SecpGasCosts {
        match self {
            SecpCurve::K1 => &costs.secp256k1,
            SecpCurve::R1 => &costs.secp256r1,
        }
    }
}

/// `keccak_syscall`: Keccak-f[1600] absorbing `input` in 17-word (136-byte) blocks; the first
/// 256 bits of the state as a little-endian u256.
pub fn keccak(
    costs: &SyscallGasCosts,
    input: &[u64],
    remaining_gas: &mut u64,
) -> SyscallResult<U256> {
    charge(remaining_gas, costs.keccak)?;
    if !input.len().is_multiple_of(17) {
        return Err(vec![short_string("Invalid keccak input size")]);
    }
    let mut state = [0u64; 25];
    let keccak = keccak::Keccak::new();
    for block in input.chunks(17) {
        charge(remaining_gas, costs.keccak_round)?;
        for (lane, word) in state.iter_mut().zip(block) {
            *lane ^= word;
        }
        keccak.with_f1600(|f1600| f1600(&mut state));
    }
    Ok(U256 {
        low: u128::from(state[0]) | (u128::from(state[1]) << 64),
        high: u128::from(state[2]) | (u128::from(state[3]) << 64),
    })
}

/// `sha256_process_block_syscall`: SHA-256's compression of one 16-word block into `state`.
pub fn sha256_process_block(
    costs: &SyscallGasCosts,
    state: &[u32; 8],
    block: &[u32; 16],
    remaining_gas: &mut u64,
) -> SyscallResult<[u32; 8]> {
    charge(remaining_gas, costs.sha256_process_block)?;
    let mut bytes = [0u8; 64];
    for (chunk, word) in bytes.chunks_exact_mut(4).zip(block) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    let mut next = *state;
    sha2::block_api::compress256(&mut next, &[bytes]);
    Ok(next)
}

/// `sha512_process_block_syscall`: SHA-512's compression of one 16-word block into `state`.
pub fn sha512_process_block(
    costs: &SyscallGasCosts,
    state: &[u64; 8],
    block: &[u64; 16],
    remaining_gas: &mut u64,
) -> SyscallResult<[u64; 8]> {
    charge(remaining_gas, costs.sha512_process_block)?;
    let mut bytes = [0u8; 128];
    for (chunk, word) in bytes.chunks_exact_mut(8).zip(block) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    let mut next = *state;
    sha2::block_api::compress512(&mut next, &[bytes]);
    Ok(next)
}

/// `secp256*_new_syscall`: the point `(x, y)`, `None` when it is off the curve or its subgroup;
/// coordinates past the field fail the syscall.
pub fn secp256_new(
    costs: &SyscallGasCosts,
    curve: SecpCurve,
    x: U256,
    y: U256,
    remaining_gas: &mut u64,
) -> SyscallResult<Option<Secp256Point>> {
    charge(remaining_gas, curve.costs(costs).new)?;
    match curve {
        SecpCurve::K1 => new_point::<ark_secp256k1::Config>(x, y),
        SecpCurve::R1 => new_point::<ark_secp256r1::Config>(x, y),
    }
}

/// `secp256*_add_syscall`: `p + q`.
pub fn secp256_add(
    costs: &SyscallGasCosts,
    curve: SecpCurve,
    p: Secp256Point,
    q: Secp256Point,
    remaining_gas: &mut u64,
) -> SyscallResult<Secp256Point> {
    charge(remaining_gas, curve.costs(costs).add)?;
    Ok(match curve {
        SecpCurve::K1 => add::<ark_secp256k1::Config>(p, q),
        SecpCurve::R1 => add::<ark_secp256r1::Config>(p, q),
    })
}

/// `secp256*_mul_syscall`: `scalar · p`, the scalar taken modulo the group's order.
pub fn secp256_mul(
    costs: &SyscallGasCosts,
    curve: SecpCurve,
    p: Secp256Point,
    scalar: U256,
    remaining_gas: &mut u64,
) -> SyscallResult<Secp256Point> {
    charge(remaining_gas, curve.costs(costs).mul)?;
    Ok(match curve {
        SecpCurve::K1 => mul::<ark_secp256k1::Config>(p, scalar),
        SecpCurve::R1 => mul::<ark_secp256r1::Config>(p, scalar),
    })
}

/// `secp256*_get_point_from_x_syscall`: the point with abscissa `x` whose ordinate is odd when
/// `y_parity` is set, `None` when there is none in the curve's subgroup.
pub fn secp256_get_point_from_x(
    costs: &SyscallGasCosts,
    curve: SecpCurve,
    x: U256,
    y_parity: bool,
    remaining_gas: &mut u64,
) -> SyscallResult<Option<Secp256Point>> {
    charge(remaining_gas, curve.costs(costs).get_point_from_x)?;
    match curve {
        SecpCurve::K1 => point_from_x::<ark_secp256k1::Config>(x, y_parity),
        SecpCurve::R1 => point_from_x::<ark_secp256r1::Config>(x, y_parity),
    }
}

/// `secp256*_get_xy_syscall`: the point's coordinates.
pub fn secp256_get_xy(
    costs: &SyscallGasCosts,
    curve: SecpCurve,
    p: Secp256Point,
    remaining_gas: &mut u64,
) -> SyscallResult<(U256, U256)> {
    charge(remaining_gas, curve.costs(costs).get_xy)?;
    Ok((p.x, p.y))
}

fn out_of_range() -> Vec<starknet_types_core::felt::Felt> {
    vec![short_string("Coordinates out of range")]
}

fn base_modulus<C: SWCurveConfig>() -> BigUint
where
    C::BaseField: PrimeField,
{
    BigUint::from_bytes_le(&C::BaseField::MODULUS.to_bytes_le())
}

fn affine<C: SWCurveConfig>(point: Secp256Point) -> Affine<C>
where
    C::BaseField: PrimeField,
{
    if point == Secp256Point::default() {
        return Affine::identity();
    }
    let x = C::BaseField::from(point.x.to_biguint());
    let y = C::BaseField::from(point.y.to_biguint());
    Affine::new_unchecked(x, y)
}

fn coordinates<C: SWCurveConfig>(point: Affine<C>) -> Secp256Point
where
    C::BaseField: PrimeField,
{
    let (x, y) = point.xy().unwrap_or_default();
    let coordinate = |value: C::BaseField| {
        U256::from_biguint(&BigUint::from_bytes_le(&value.into_bigint().to_bytes_le()))
    };
    Secp256Point {
        x: coordinate(x),
        y: coordinate(y),
    }
}

fn new_point<C: SWCurveConfig>(x: U256, y: U256) -> SyscallResult<Option<Secp256Point>>
where
    C::BaseField: PrimeField,
{
    let modulus = base_modulus::<C>();
    if x.to_biguint() >= modulus || y.to_biguint() >= modulus {
        return Err(out_of_range());
    }
    let point = Secp256Point { x, y };
    let on_curve = affine::<C>(point);
    Ok(
        (on_curve.is_on_curve() && on_curve.is_in_correct_subgroup_assuming_on_curve())
            .then_some(point),
    )
}

fn add<C: SWCurveConfig>(p: Secp256Point, q: Secp256Point) -> Secp256Point
where
    C::BaseField: PrimeField,
{
    coordinates((affine::<C>(p) + affine::<C>(q)).into_affine())
}

fn mul<C: SWCurveConfig>(p: Secp256Point, scalar: U256) -> Secp256Point
where
    C::BaseField: PrimeField,
    C::ScalarField: PrimeField,
{
    let scalar = C::ScalarField::from(scalar.to_biguint());
    coordinates((affine::<C>(p) * scalar).into_affine())
}

fn point_from_x<C: SWCurveConfig>(x: U256, odd: bool) -> SyscallResult<Option<Secp256Point>>
where
    C::BaseField: PrimeField,
{
    let x = x.to_biguint();
    if x >= base_modulus::<C>() {
        return Err(out_of_range());
    }
    let x = C::BaseField::from(x);
    Ok(Affine::<C>::get_ys_from_x_unchecked(x)
        .map(|(smaller, greater)| {
            let y = if smaller.into_bigint().is_odd() == odd {
                smaller
            } else {
                greater
            };
            Affine::<C>::new_unchecked(x, y)
        })
        .filter(|point| point.is_in_correct_subgroup_assuming_on_curve())
        .map(coordinates))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// secp256k1's generator.
    fn generator() -> Secp256Point {
        let x = BigUint::parse_bytes(
            b"79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798",
            16,
        )
        .expect("hex");
        let y = BigUint::parse_bytes(
            b"483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8",
            16,
        )
        .expect("hex");
        Secp256Point {
            x: U256::from_biguint(&x),
            y: U256::from_biguint(&y),
        }
    }

    #[test]
    fn the_generator_doubles_as_it_adds_to_itself() {
        let costs = SyscallGasCosts::STARKNET;
        let mut gas = u64::MAX;
        let g = generator();
        let k1 = SecpCurve::K1;
        assert_eq!(secp256_new(&costs, k1, g.x, g.y, &mut gas), Ok(Some(g)));
        let doubled = secp256_add(&costs, k1, g, g, &mut gas).expect("adds");
        let two = U256 { low: 2, high: 0 };
        assert_eq!(secp256_mul(&costs, k1, g, two, &mut gas), Ok(doubled));
        // The even ordinate is G's own; the odd one is −G's.
        assert_eq!(
            secp256_get_point_from_x(&costs, k1, g.x, false, &mut gas),
            Ok(Some(g))
        );
        // G + (−G) is the point at infinity, (0, 0).
        let minus_g = secp256_get_point_from_x(&costs, k1, g.x, true, &mut gas)
            .expect("answers")
            .expect("on the curve");
        assert_eq!(
            secp256_add(&costs, k1, g, minus_g, &mut gas),
            Ok(Secp256Point::default())
        );
        let off_curve = U256 { low: 1, high: 0 };
        assert_eq!(
            secp256_new(&costs, k1, off_curve, off_curve, &mut gas),
            Ok(None)
        );
        let too_big = U256 {
            low: u128::MAX,
            high: u128::MAX,
        };
        assert!(secp256_new(&costs, k1, too_big, g.y, &mut gas).is_err());
    }

    #[test]
    fn keccak_of_one_padded_empty_block_is_keccak256_of_nothing() {
        // keccak256("") with Keccak's padding spelt out: 0x01 … 0x80 over 136 bytes.
        let mut block = [0u64; 17];
        block[0] = 1;
        block[16] = 0x8000_0000_0000_0000;
        let mut gas = 1_000_000;
        let hash = keccak(&SyscallGasCosts::STARKNET, &block, &mut gas).expect("hashes");
        let mut bytes = hash.low.to_le_bytes().to_vec();
        bytes.extend(hash.high.to_le_bytes());
        let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(
            hex,
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
        assert_eq!(gas, 1_000_000 - 180_000);
        assert!(keccak(&SyscallGasCosts::STARKNET, &block[..16], &mut gas).is_err());
        let mut little = 10;
        assert_eq!(
            keccak(&SyscallGasCosts::STARKNET, &block, &mut little),
            Err(vec![short_string("Syscall out of gas")])
        );
    }

    #[test]
    fn sha256_compresses_the_padded_empty_message() {
        const IV: [u32; 8] = [
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
            0x5be0cd19,
        ];
        let mut block = [0u32; 16];
        block[0] = 0x8000_0000;
        let mut gas = u64::MAX;
        let digest =
            sha256_process_block(&SyscallGasCosts::STARKNET, &IV, &block, &mut gas).expect("ok");
        assert_eq!(digest[0], 0xe3b0c442);
        assert_eq!(digest[7], 0x7852b855);
    }
}
