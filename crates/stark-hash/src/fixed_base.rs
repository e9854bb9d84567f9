//! Fixed-base tables: multiples of one point, window by window, and the bits of a scalar that
//! pick them. Pedersen's bases use them with 10-bit windows; the curve's generator with 6-bit
//! ones, for the `z·G` of every ECDSA verification (`ec_state_add_mul` by the generator).
//!
//! Why a table for the generator: a scalar multiplication by an arbitrary point is about 250
//! doublings and 63 additions (`Jacobian::mul`), and in ECDSA verification (three of them, two
//! square roots, inversions) the doublings were 42% of the time. With the table, `z·G` is at
//! most 43 mixed additions and no doubling. Six-bit signed windows keep the table small (1,376
//! points, 88 KiB, built in well under a millisecond on first use), so that a program verifying
//! a handful of signatures does not pay for a large table: wider windows would save a few
//! additions a verification and cost a larger table's build.

use std::sync::OnceLock;

use crate::curve::{batch_to_affine, Affine, Jacobian};

/// The `count` bits of `value` from bit `start` on (zero beyond bit 255).
#[inline(always)]
pub(crate) fn bits(value: &[u64; 4], start: usize, count: usize) -> u64 {
    let (limb, shift) = (start / 64, start % 64);
    if limb >= 4 {
        return 0;
    }
    let mut word = value[limb] >> shift;
    if shift + count > 64 && limb + 1 < 4 {
        word |= value[limb + 1] << (64 - shift);
    }
    word & ((1 << count) - 1)
}

/// The table point of a window's signed digit: a window's bits plus the carry into it, `raw`,
/// above half the window's range (2^(bits − 1)) stand for the negative digit raw − 2^bits and
/// carry one into the next window. Returns the point (`None` for digit zero) from the window's
/// `1·B … 2^(bits − 1)·B` in `window_points`, negated for a negative digit, and the carry out.
#[inline(always)]
pub(crate) fn signed_window_point(
    window_points: &[Affine],
    window_bits: usize,
    raw: u64,
) -> (Option<Affine>, u64) {
    let half = 1u64 << (window_bits - 1);
    let (digit, negative, carry) = if raw > half {
        ((1 << window_bits) - raw, true, 1)
    } else {
        (raw, false, 0)
    };
    let point = (digit != 0).then(|| {
        let point = window_points[digit as usize - 1];
        if negative {
            Affine {
                x: point.x,
                y: point.y.neg(),
            }
        } else {
            point
        }
    });
    (point, carry)
}

/// `1·base … count·base` for each of `windows` windows, each window's base 2^`window_bits`
/// times the last one's: window `j`, digit `d` at `j·count + d − 1`.
pub(crate) fn window_table(
    base: Affine,
    window_bits: usize,
    windows: usize,
    count: usize,
) -> Vec<Affine> {
    let mut points = Vec::with_capacity(windows * count);
    let mut window_base = base;
    for _ in 0..windows {
        let mut multiples = Vec::with_capacity(count);
        let mut sum = Jacobian::from(window_base);
        multiples.push(sum);
        for _ in 1..count {
            sum = sum.add_affine(&window_base);
            multiples.push(sum);
        }
        // A multiple below the group's order is never at infinity.
        points.extend(batch_to_affine(&multiples).unwrap_or_default());
        let mut next = Jacobian::from(window_base);
        for _ in 0..window_bits {
            next = next.double();
        }
        window_base = next.to_affine().unwrap_or(window_base);
    }
    points
}

/// Bits per window of the generator's table.
const WINDOW: usize = 6;
/// Points per window: digits 1…32 (their negations give −1…−31).
const PER_WINDOW: usize = 1 << (WINDOW - 1);
/// Windows of a scalar below 2^252, and one more for the last window's carry.
const WINDOWS: usize = 253_usize.div_ceil(WINDOW);

/// The generator's table of multiples, built on the first multiple of the generator.
fn generator_table() -> &'static [Affine] {
    static TABLE: OnceLock<Vec<Affine>> = OnceLock::new();
    TABLE.get_or_init(|| window_table(crate::pedersen::generator(), WINDOW, WINDOWS, PER_WINDOW))
}

/// Whether the point with these canonical coordinates is the curve's generator (its limbs
/// kept apart from the table, so that a multiple of another point builds no table).
pub(crate) fn is_generator(coordinates: &[[u64; 4]; 2]) -> bool {
    static LIMBS: OnceLock<[[u64; 4]; 2]> = OnceLock::new();
    let limbs = LIMBS.get_or_init(|| {
        let generator = crate::pedersen::generator();
        [generator.x.to_canonical(), generator.y.to_canonical()]
    });
    limbs == coordinates
}

/// `sum + scalar·G` for a scalar below 2^252 (canonical limbs of a felt): its signed 6-bit
/// digits (in −31…32, a digit above 32 taken as its difference to 64 and a carry into the
/// next window) each pick a table point or its negation, added to `sum` by mixed additions,
/// which handle every case (infinity, a sum meeting ± its addend) exactly.
pub(crate) fn add_multiple_of_generator(sum: Jacobian, scalar: &[u64; 4]) -> Jacobian {
    let table = generator_table();
    let mut sum = sum;
    let mut carry = 0;
    for (window, window_points) in table.chunks_exact(PER_WINDOW).enumerate() {
        let raw = bits(scalar, window * WINDOW, WINDOW) + carry;
        let (point, carry_out) = signed_window_point(window_points, WINDOW, raw);
        carry = carry_out;
        if let Some(point) = point {
            sum = sum.add_affine(&point);
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Fp;

    fn affine_limbs(point: Jacobian) -> Option<[[u64; 4]; 2]> {
        point
            .to_affine()
            .map(|affine| [affine.x.to_canonical(), affine.y.to_canonical()])
    }

    #[test]
    fn the_table_gives_the_double_and_add_multiples() {
        let generator = crate::pedersen::generator();
        let p_minus_one = Fp::ZERO.sub(&Fp::ONE).to_canonical();
        let scalars = [
            [0, 0, 0, 0],
            [1, 0, 0, 0],
            [32, 0, 0, 0],
            [33, 0, 0, 0],
            [63, 0, 0, 0],
            [64, 0, 0, 0],
            [u64::MAX, u64::MAX, u64::MAX, (1 << 60) - 1],
            p_minus_one,
            [0x5555_5555_5555_5555; 4].map(|limb| limb & ((1 << 59) - 1)),
            [0, 0, 0, 1 << 59],
        ];
        let sums = [
            Jacobian::INFINITY,
            Jacobian::from(generator),
            Jacobian::from(generator).double().double(),
        ];
        for scalar in &scalars {
            for sum in &sums {
                let expected = sum.add(&Jacobian::from(generator).mul(scalar));
                assert_eq!(
                    affine_limbs(add_multiple_of_generator(*sum, scalar)),
                    affine_limbs(expected),
                    "scalar {scalar:x?}"
                );
            }
        }
    }

    #[test]
    fn the_generator_is_recognised_and_nothing_else() {
        let generator = crate::pedersen::generator();
        let limbs = [generator.x.to_canonical(), generator.y.to_canonical()];
        assert!(is_generator(&limbs));
        assert!(!is_generator(&[limbs[0], generator.y.neg().to_canonical()]));
        assert!(!is_generator(&[[0; 4], [0; 4]]));
    }

    #[test]
    fn bits_beyond_the_top_limb_are_zero() {
        let value = [u64::MAX; 4];
        assert_eq!(bits(&value, 252, 6), 0xf);
        assert_eq!(bits(&value, 256, 6), 0);
        assert_eq!(bits(&value, 60, 6), 0x3f);
    }
}
