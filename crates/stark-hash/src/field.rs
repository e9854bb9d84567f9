//! The Stark field, p = 2^251 + 17·2^192 + 1, in Montgomery form with R = 2^256 over four
//! little-endian 64-bit limbs — the representation `starknet-types-core`'s `Felt` holds, so
//! crossing that boundary costs nothing.
//!
//! The prime's shape makes Montgomery reduction cheap: p = 1 + k·2^192 with k its top limb,
//! so p⁻¹ ≡ 1 − k·2^192 modulo 2^256 and the whole reduction is one step of five
//! multiplications by k (see `reduce_lazy`), where a generic reduction takes four rounds of
//! four. Carries are written as pairs of overflowing additions, which LLVM compiles to single
//! `adc`/`sbb` instructions.

/// p's limbs, least significant first.
pub(crate) const P: [u64; 4] = [1, 0, 0, 0x0800_0000_0000_0011];

/// A field element, in Montgomery form (`value · 2^256 mod p`), always below p.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Fp([u64; 4]);

/// `a + b + carry`: the sum and the carry out, for a carry of 0 or 1 or a `b` of 0 (at most
/// one of the two additions can overflow then: the squaring adds whole high words that way). Written as two overflowing
/// additions, the form LLVM turns into one `adc`; through `u128` it keeps the carry in a
/// register and spends several instructions per limb.
#[inline(always)]
const fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let (sum, first) = a.overflowing_add(b);
    let (sum, second) = sum.overflowing_add(carry);
    (sum, (first | second) as u64)
}

/// `a − b − borrow` (borrow 0 or 1): the difference and the borrow out, as one `sbb`.
#[inline(always)]
const fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let (difference, first) = a.overflowing_sub(b);
    let (difference, second) = difference.overflowing_sub(borrow);
    (difference, (first | second) as u64)
}

/// `a + b·c + carry`: the low word and the high word.
#[inline(always)]
const fn mac(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let sum = a as u128 + (b as u128) * (c as u128) + carry as u128;
    (sum as u64, (sum >> 64) as u64)
}

/// `value − p` when `value ≥ p` (with `high` the bit above the four limbs), else `value`.
#[inline(always)]
const fn subtract_p_if_above(value: [u64; 4], high: u64) -> [u64; 4] {
    let (r0, borrow) = sbb(value[0], P[0], 0);
    let (r1, borrow) = sbb(value[1], P[1], borrow);
    let (r2, borrow) = sbb(value[2], P[2], borrow);
    let (r3, borrow) = sbb(value[3], P[3], borrow);
    let (_, borrow) = sbb(high, 0, borrow);
    // Without a branch: whether the value is above p is a coin toss for random values, which
    // a branch predictor loses half the time.
    let keep = 0u64.wrapping_sub(borrow);
    [
        (value[0] & keep) | (r0 & !keep),
        (value[1] & keep) | (r1 & !keep),
        (value[2] & keep) | (r2 & !keep),
        (value[3] & keep) | (r3 & !keep),
    ]
}

/// [`subtract_p_if_above`] with a branch: cheaper where the comparison is decided by the top
/// limb almost always (a product's result is far more often below p than not).
#[inline(always)]
const fn subtract_p_if_above_branching(value: [u64; 4]) -> [u64; 4] {
    if value[3] < P[3] {
        return value;
    }
    subtract_p_if_above(value, 0)
}

/// `(a − b) mod p` on canonical or Montgomery limbs alike (both below p).
#[inline(always)]
const fn sub_limbs(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let (d0, borrow) = sbb(a[0], b[0], 0);
    let (d1, borrow) = sbb(a[1], b[1], borrow);
    let (d2, borrow) = sbb(a[2], b[2], borrow);
    let (d3, borrow) = sbb(a[3], b[3], borrow);
    // Below zero: add p back (masked: for varied values the borrow is a coin toss).
    let mask = 0u64.wrapping_sub(borrow);
    let (s0, carry) = adc(d0, P[0] & mask, 0);
    let (s1, carry) = adc(d1, P[1] & mask, carry);
    let (s2, carry) = adc(d2, P[2] & mask, carry);
    let (s3, _) = adc(d3, P[3] & mask, carry);
    [s0, s1, s2, s3]
}

/// `(a + b) mod p` on canonical or Montgomery limbs alike (both below p).
#[inline(always)]
const fn add_limbs(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let (s0, carry) = adc(a[0], b[0], 0);
    let (s1, carry) = adc(a[1], b[1], carry);
    let (s2, carry) = adc(a[2], b[2], carry);
    let (s3, _) = adc(a[3], b[3], carry);
    // Below 2p < 2^253: no carry out.
    subtract_p_if_above([s0, s1, s2, s3], 0)
}

/// 2^256 mod p, and 2^512 mod p: doubling 1 modulo p, 256 and 512 times.
const fn power_of_two_mod_p(exponent: u32) -> [u64; 4] {
    let mut value = [1, 0, 0, 0];
    let mut step = 0;
    while step < exponent {
        value = add_limbs(&value, &value);
        step += 1;
    }
    value
}

/// R mod p: one in Montgomery form.
const R: [u64; 4] = power_of_two_mod_p(256);
/// R² mod p: what a canonical value is multiplied by to enter Montgomery form.
const R2: [u64; 4] = power_of_two_mod_p(512);

impl Fp {
    /// Zero.
    pub const ZERO: Fp = Fp([0; 4]);
    /// One.
    pub const ONE: Fp = Fp(R);

    /// The element with these Montgomery limbs (least significant first), if they are below p.
    pub fn from_montgomery(limbs: [u64; 4]) -> Option<Fp> {
        (subtract_p_if_above(limbs, 0) == limbs).then_some(Fp(limbs))
    }

    /// The Montgomery limbs, least significant first.
    pub const fn to_montgomery(self) -> [u64; 4] {
        self.0
    }

    /// The element whose value is `limbs` (least significant first), if they are below p.
    pub fn from_canonical(limbs: [u64; 4]) -> Option<Fp> {
        Fp::from_montgomery(limbs).map(|value| value.mul(&Fp(R2)))
    }

    /// The value as canonical limbs, least significant first: a Montgomery reduction of the
    /// limbs alone (a multiplication by one without the multiplication).
    pub fn to_canonical(self) -> [u64; 4] {
        let [l0, l1, l2, l3] = self.0;
        subtract_p_if_above_branching(reduce_lazy([l0, l1, l2, l3, 0, 0, 0, 0]))
    }

    /// The element whose value is `limbs` (least significant first) modulo p: any 256-bit
    /// value, reduced as `Felt::from_bytes_le` reduces it.
    pub fn from_canonical_reduced(limbs: [u64; 4]) -> Fp {
        Fp(reduce_below_p(limbs)).mul(&Fp(R2))
    }

    /// A small integer.
    pub fn from_u64(value: u64) -> Fp {
        Fp([value, 0, 0, 0]).mul(&Fp(R2))
    }

    /// Whether this is zero.
    pub fn is_zero(&self) -> bool {
        self.0 == [0; 4]
    }

    /// `self + other`.
    #[inline(always)]
    pub fn add(&self, other: &Fp) -> Fp {
        Fp(add_limbs(&self.0, &other.0))
    }

    /// `2·self`.
    #[inline(always)]
    pub fn double(&self) -> Fp {
        self.add(self)
    }

    /// `self / 2`: in Montgomery form as in the plain one, an even representative halved by a
    /// shift, an odd one made even by adding p first (below 2^253, no overflow).
    #[inline(always)]
    pub fn halve(&self) -> Fp {
        let odd = self.0[0] & 1;
        let (l0, carry) = adc(self.0[0], odd, 0);
        let (l1, carry) = adc(self.0[1], 0, carry);
        let (l2, carry) = adc(self.0[2], 0, carry);
        let (l3, _) = adc(self.0[3], odd * P[3], carry);
        Fp([
            (l0 >> 1) | (l1 << 63),
            (l1 >> 1) | (l2 << 63),
            (l2 >> 1) | (l3 << 63),
            l3 >> 1,
        ])
    }

    /// `self − other`.
    #[inline(always)]
    pub fn sub(&self, other: &Fp) -> Fp {
        Fp(sub_limbs(&self.0, &other.0))
    }

    /// `−self`.
    #[inline(always)]
    pub fn neg(&self) -> Fp {
        Fp::ZERO.sub(self)
    }

    /// `self · other`: the 512-bit product, its Montgomery reduction (below 2p) and at most one
    /// subtraction, rarely made (the result is below p + p/16 for reduced factors).
    #[inline(always)]
    pub fn mul(&self, other: &Fp) -> Fp {
        Fp(subtract_p_if_above_branching(self.mul_lazy(other).0))
    }

    /// `self²`.
    #[inline(always)]
    pub fn square(&self) -> Fp {
        Fp(subtract_p_if_above_branching(self.square_lazy().0))
    }

    // Lazily reduced arithmetic, for Poseidon's partial rounds: values that may exceed p (each
    // function states its bounds), passed straight to a multiplication or to
    // `reduce_below_8p`. Such a value is not a valid `Fp` for anything else.

    /// Montgomery limbs as a lazily reduced value (any 256 bits), for the lazy functions or
    /// `reduce_lazy_value`.
    #[inline(always)]
    pub(crate) const fn from_montgomery_lazy(limbs: [u64; 4]) -> Fp {
        Fp(limbs)
    }

    /// `self + other` without reduction (the sum must stay below 2^256: below 32p it will).
    #[inline(always)]
    pub(crate) fn add_lazy(&self, other: &Fp) -> Fp {
        let (s0, carry) = adc(self.0[0], other.0[0], 0);
        let (s1, carry) = adc(self.0[1], other.0[1], carry);
        let (s2, carry) = adc(self.0[2], other.0[2], carry);
        let (s3, _) = adc(self.0[3], other.0[3], carry);
        Fp([s0, s1, s2, s3])
    }

    /// `2·self` without reduction, by a shift (for a value below 2^255): unlike an addition,
    /// no carry runs from limb to limb.
    #[inline(always)]
    pub(crate) fn double_lazy(&self) -> Fp {
        let [l0, l1, l2, l3] = self.0;
        Fp([
            l0 << 1,
            (l1 << 1) | (l0 >> 63),
            (l2 << 1) | (l1 >> 63),
            (l3 << 1) | (l2 >> 63),
        ])
    }

    /// `self − other` without reduction, for `self ≥ other`.
    #[inline(always)]
    pub(crate) fn sub_lazy(&self, other: &Fp) -> Fp {
        let (d0, borrow) = sbb(self.0[0], other.0[0], 0);
        let (d1, borrow) = sbb(self.0[1], other.0[1], borrow);
        let (d2, borrow) = sbb(self.0[2], other.0[2], borrow);
        let (d3, _) = sbb(self.0[3], other.0[3], borrow);
        Fp([d0, d1, d2, d3])
    }

    /// `self · other` for factors whose product is below p·2^256 (both below 4p, or one below
    /// 2p and the other below 16p), left below 2p (no final subtraction).
    #[inline(always)]
    pub(crate) fn mul_lazy(&self, other: &Fp) -> Fp {
        with_fastest_multiplier!(|multiplier| multiplier.mul_lazy(self, other))
    }

    /// `self²` for a value below 5p (25p² < p·2^256 as 25p < 2^256), left below 2p.
    #[inline(always)]
    pub(crate) fn square_lazy(&self) -> Fp {
        with_fastest_multiplier!(|multiplier| multiplier.square_lazy(self))
    }

    /// Any 256-bit value brought below p (see [`reduce_below_p`]).
    #[inline(always)]
    pub(crate) fn reduce_lazy_value(&self) -> Fp {
        Fp(reduce_below_p(self.0))
    }

    /// `k·p` for a small `k`, as an unreduced value to add before a subtraction.
    pub(crate) const fn multiple_of_p(k: u64) -> Fp {
        Fp([k, 0, 0, k * P[3]])
    }

    /// `self^(2^count)`.
    #[inline(always)]
    pub(crate) fn square_times(&self, count: u32) -> Fp {
        // A chain of lazy squares (each below 2p, a valid input to the next) reduced once, on
        // one multiplication kind: a full reduction per square is a branch taken about half
        // the time, at random, on the chain.
        with_fastest_multiplier!(|multiplier| {
            let mut value = *self;
            for _ in 0..count {
                value = multiplier.square_lazy(&value);
            }
            value.reduce_lazy_value()
        })
    }

    /// `self⁻¹`, or `None` for zero: by Bernstein and Yang's divsteps (`crate::inverse`),
    /// about twice as fast as Fermat's little theorem, which stays as the fallback.
    pub fn inverse(&self) -> Option<Fp> {
        if self.is_zero() {
            return None;
        }
        match crate::inverse::inverse(&self.to_canonical()) {
            Some(inverse) => Some(Fp(inverse).mul(&Fp(R2))),
            None => self.inverse_by_fermat(),
        }
    }

    /// `self⁻¹`, or `None` for zero: `self^(p−2)` by an addition chain (p − 2 = 2^251 + 2^196
    /// + 2^192 − 1: 251 squarings and 11 multiplications).
    pub fn inverse_by_fermat(&self) -> Option<Fp> {
        if self.is_zero() {
            return None;
        }
        // x_k = self^(2^k − 1), doubling k each time: x_{2k} = x_k^(2^k) · x_k.
        let x1 = *self;
        let x2 = x1.square_times(1).mul(&x1);
        let x3 = x2.square_times(1).mul(&x1);
        let x6 = x3.square_times(3).mul(&x3);
        let x12 = x6.square_times(6).mul(&x6);
        let x24 = x12.square_times(12).mul(&x12);
        let x48 = x24.square_times(24).mul(&x24);
        let x96 = x48.square_times(48).mul(&x48);
        let x192 = x96.square_times(96).mul(&x96);
        // self^(2^192) = x192 · self; then ^(2^4) gives self^(2^196), ^(2^59) more self^(2^251).
        let power_192 = x192.mul(&x1);
        let power_196 = power_192.square_times(4);
        let power_251 = power_196.square_times(55);
        Some(power_251.mul(&power_196).mul(&x192))
    }
}

/// Any 256-bit value (canonical or Montgomery limbs alike) modulo p: `⌊value / 2^251⌋` (at
/// most 31) estimates the multiple of p to take away (p = 2^251 + δ with δ below 2^197), which
/// takes at most one p too many, almost never.
#[inline(always)]
pub(crate) const fn reduce_below_p(value: [u64; 4]) -> [u64; 4] {
    let multiple = value[3] >> 59;
    let (d0, borrow) = sbb(value[0], multiple, 0);
    let (d1, borrow) = sbb(value[1], 0, borrow);
    let (d2, borrow) = sbb(value[2], 0, borrow);
    let (d3, borrow) = sbb(value[3], multiple * P[3], borrow);
    if borrow == 0 {
        return [d0, d1, d2, d3];
    }
    let (s0, carry) = adc(d0, P[0], 0);
    let (s1, carry) = adc(d1, P[1], carry);
    let (s2, carry) = adc(d2, P[2], carry);
    let (s3, _) = adc(d3, P[3], carry);
    [s0, s1, s2, s3]
}

/// The 512-bit product `a · b`, row by row.
#[inline(always)]
pub(crate) fn product(a: &[u64; 4], b: &[u64; 4]) -> [u64; 8] {
    let (t0, carry) = mac(0, a[0], b[0], 0);
    let (t1, carry) = mac(0, a[0], b[1], carry);
    let (t2, carry) = mac(0, a[0], b[2], carry);
    let (t3, t4) = mac(0, a[0], b[3], carry);

    let (t1, carry) = mac(t1, a[1], b[0], 0);
    let (t2, carry) = mac(t2, a[1], b[1], carry);
    let (t3, carry) = mac(t3, a[1], b[2], carry);
    let (t4, t5) = mac(t4, a[1], b[3], carry);

    let (t2, carry) = mac(t2, a[2], b[0], 0);
    let (t3, carry) = mac(t3, a[2], b[1], carry);
    let (t4, carry) = mac(t4, a[2], b[2], carry);
    let (t5, t6) = mac(t5, a[2], b[3], carry);

    let (t3, carry) = mac(t3, a[3], b[0], 0);
    let (t4, carry) = mac(t4, a[3], b[1], carry);
    let (t5, carry) = mac(t5, a[3], b[2], carry);
    let (t6, t7) = mac(t6, a[3], b[3], carry);
    [t0, t1, t2, t3, t4, t5, t6, t7]
}

/// The 512-bit square `a²`: the off-diagonal products once, doubled, then the squares.
#[inline(always)]
pub(crate) fn square_product(a: &[u64; 4]) -> [u64; 8] {
    let (t1, carry) = mac(0, a[0], a[1], 0);
    let (t2, carry) = mac(0, a[0], a[2], carry);
    let (t3, t4) = mac(0, a[0], a[3], carry);
    let (t3, carry) = mac(t3, a[1], a[2], 0);
    let (t4, t5) = mac(t4, a[1], a[3], carry);
    let (t5, t6) = mac(t5, a[2], a[3], 0);

    let t7 = t6 >> 63;
    let t6 = (t6 << 1) | (t5 >> 63);
    let t5 = (t5 << 1) | (t4 >> 63);
    let t4 = (t4 << 1) | (t3 >> 63);
    let t3 = (t3 << 1) | (t2 >> 63);
    let t2 = (t2 << 1) | (t1 >> 63);
    let t1 = t1 << 1;

    let (t0, carry) = mac(0, a[0], a[0], 0);
    let (t1, carry) = adc(t1, 0, carry);
    let (t2, carry) = mac(t2, a[1], a[1], carry);
    let (t3, carry) = adc(t3, 0, carry);
    let (t4, carry) = mac(t4, a[2], a[2], carry);
    let (t5, carry) = adc(t5, 0, carry);
    let (t6, carry) = mac(t6, a[3], a[3], carry);
    let (t7, _) = adc(t7, 0, carry);
    [t0, t1, t2, t3, t4, t5, t6, t7]
}

/// How a hash multiplies. The hashes choose once per call (`with_fastest_multiplier!`) and
/// run generic over the choice; `Fp::mul_lazy` and `Fp::square_lazy` choose per call, which
/// costs a multiplication chain about 1 ns a link (two loads of `std`'s cached answer and a
/// branch that keeps both kinds' code in every loop).
pub(crate) trait Multiplier: Copy {
    /// `a · b` with [`Fp::mul_lazy`]'s bounds.
    fn mul_lazy(self, a: &Fp, b: &Fp) -> Fp;
    /// `a²` with [`Fp::square_lazy`]'s bounds.
    fn square_lazy(self, a: &Fp) -> Fp;
    /// The Hades permutation's partial rounds on `state`, one constant per round: in portable
    /// Rust over this kind's multiplication unless the kind has its own.
    #[inline(always)]
    fn partial_rounds(self, state: &mut [Fp; 3], constants: &[Fp]) {
        crate::poseidon::partial_rounds(self, state, constants);
    }
}

/// Multiplication in portable Rust: `product` or `square_product`, then `reduce_lazy`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Portable;

impl Multiplier for Portable {
    #[inline(always)]
    fn mul_lazy(self, a: &Fp, b: &Fp) -> Fp {
        Fp(reduce_lazy(product(&a.0, &b.0)))
    }

    #[inline(always)]
    fn square_lazy(self, a: &Fp) -> Fp {
        Fp(reduce_lazy(square_product(&a.0)))
    }
}

/// Multiplication in `crate::adx`'s assembly (an `Adx` exists only where the processor has
/// BMI2 and ADX).
#[cfg(target_arch = "x86_64")]
impl Multiplier for crate::adx::Adx {
    #[inline(always)]
    fn mul_lazy(self, a: &Fp, b: &Fp) -> Fp {
        Fp(crate::adx::mul_lazy(self, a.0, &b.0))
    }

    #[inline(always)]
    fn square_lazy(self, a: &Fp) -> Fp {
        Fp(crate::adx::square_lazy(self, a.0))
    }

    #[inline(always)]
    fn partial_rounds(self, state: &mut [Fp; 3], constants: &[Fp]) {
        crate::poseidon::partial_rounds_adx(self, state, constants);
    }
}

/// Montgomery reduction without the final subtraction: `value · 2^−256 mod p`, below 2p for a
/// value below p·2^256 (the product of factors below 4p: 16p² < p·2^256 as p < 2^252).
///
/// In one step of 256 bits rather than four of 64: p = 1 + k·2^192 (k = p's top limb), so
/// p⁻¹ ≡ 1 − k·2^192 (mod 2^256) and the multiplier m = −value·p⁻¹ mod 2^256 is the negated
/// low half plus `value₀·k` in its top limb: one multiplication, no carry chain through the
/// rounds. Then `value + m·p = value + m + m·k·2^192`, whose low half is zero by the choice of
/// m: the four products `mᵢ·k` are independent, which is what makes this shorter than the
/// word-by-word reduction (a field multiplication's latency is what Poseidon waits on).
#[inline(always)]
pub(crate) fn reduce_lazy(t: [u64; 8]) -> [u64; 4] {
    let k = P[3];
    let (m0, borrow) = sbb(0, t[0], 0);
    let (m1, borrow) = sbb(0, t[1], borrow);
    let (m2, borrow) = sbb(0, t[2], borrow);
    let (m3, _) = sbb(0, t[3], borrow);
    let m3 = m3.wrapping_add(t[0].wrapping_mul(k));
    // Limbs 0–2 of value + m: m's are the negation of value's, so they sum to 2^192 unless
    // all three are zero.
    let carry = ((t[0] | t[1] | t[2]) != 0) as u128;
    // Limb 3 of value + m + m·k·2^192 is zero by the choice of m; its carry (at most 2) joins
    // m·k's next limb, where the 128-bit sum has room for it.
    let (q0, high) = mac(0, m0, k, 0);
    let limb3 = t[3] as u128 + m3 as u128 + q0 as u128 + carry;
    debug_assert_eq!(limb3 as u64, 0, "m clears the low half");
    let (q1, high) = mac(high, m1, k, (limb3 >> 64) as u64);
    let (q2, high) = mac(high, m2, k, 0);
    let (q3, q4) = mac(high, m3, k, 0);
    let (r0, carry) = adc(t[4], q1, 0);
    let (r1, carry) = adc(t[5], q2, carry);
    let (r2, carry) = adc(t[6], q3, carry);
    // Below 2p < 2^253: nothing is carried out of the top limb.
    let (r3, _) = adc(t[7], q4, carry);
    [r0, r1, r2, r3]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halving_then_doubling_gives_the_value_back() {
        let minus_one = Fp::from_canonical([0, 0, 0, P[3]]).expect("below p");
        for value in [
            Fp::ZERO,
            Fp::ONE,
            minus_one,
            Fp::from_u64(7),
            Fp::from_u64(8).neg(),
        ] {
            assert_eq!(value.halve().double(), value, "{value:?}");
            assert!(
                Fp::from_montgomery(value.halve().to_montgomery()).is_some(),
                "below p"
            );
        }
        let two = Fp::from_u64(2);
        assert_eq!(two.halve(), Fp::ONE);
        assert_eq!(Fp::ONE.halve().mul(&two), Fp::ONE);
    }

    #[test]
    fn one_is_the_multiplicative_identity_and_inverses_multiply_to_it() {
        let seven = Fp::from_u64(7);
        assert_eq!(seven.mul(&Fp::ONE), seven);
        assert_eq!(seven.to_canonical(), [7, 0, 0, 0]);
        let inverse = seven.inverse().expect("non-zero");
        assert_eq!(inverse.mul(&seven), Fp::ONE);
        assert_eq!(Fp::ZERO.inverse(), None);
        // p − 1 = −1.
        let minus_one = Fp::from_canonical([0, 0, 0, P[3]]).expect("below p");
        assert_eq!(minus_one, Fp::ONE.neg());
        assert_eq!(minus_one.square(), Fp::ONE);
        assert_eq!(Fp::from_canonical(P), None);
    }
}
