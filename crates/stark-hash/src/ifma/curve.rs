//! Pedersen's sums on AVX-512 IFMA: four running Jacobian sums, one a lane, each taking every
//! fourth table point by a mixed addition, added together at the end.
//!
//! Why: a Pedersen hash is up to 52 mixed additions into one sum, each waiting on the last,
//! and in the general-purpose registers a multiplication's time is set by its carry chains
//! (about 35 cycles, however many are independent). Four sums are four independent chains, and
//! one IFMA instruction works on all four: eleven multiplications of four elements take about
//! the time of eleven of one.
//!
//! Domain: a value is x·2^260 (what the Montgomery products by 2^260 keep), below 16p, in
//! normalised digits. An `Fp`'s limbs, x·2^256 below p, times 16 give it (a shift: no
//! multiplication), and a product by 2^256 mod p takes it back.
//!
//! The lanes start at the shift point P0 and at G, 2G and −3G, which sum to infinity, so the
//! four sums add up to P0 plus every point added. A mixed addition is only correct when the
//! sum is not ± the point added (H ≠ 0); the formula's Z3 = 2·Z1·H then keeps Z at zero in that
//! lane from then on, so one test of the four Z at the end tells whether any lane met such a
//! case (which takes inputs that solve a discrete logarithm), and the caller computes the
//! hash the other way if one did.

use std::arch::x86_64::{
    __mmask8, _mm256_add_epi64, _mm256_mask_blend_epi64, _mm256_slli_epi64, _mm256_sub_epi64,
};
use std::sync::OnceLock;

use super::{
    lane_limbs, load, multiply, normalise, square, store, Ifma, LaneDigits, Lanes, DIGIT_MASK,
};
use crate::curve::{Affine, Jacobian};
use crate::field::{Fp, P};

/// Four Jacobian sums, one a lane, in the lanes' domain (x·2^260, each coordinate below 16p,
/// normalised digits).
#[derive(Clone, Copy, Debug)]
pub(crate) struct LaneSums {
    x: LaneDigits,
    y: LaneDigits,
    z: LaneDigits,
}

/// Up to four affine points, one a lane, in the lanes' domain; lanes past `count` hold a copy
/// of lane 0's point and keep their sums unchanged.
struct Quad {
    x: LaneDigits,
    y: LaneDigits,
    count: usize,
}

/// The constants the additions read.
struct Constants {
    /// 4p, 6p and 16p in every lane: what keeps differences positive.
    four_p: LaneDigits,
    six_p: LaneDigits,
    sixteen_p: LaneDigits,
    /// 2^256 mod p in every lane: a product by it takes a value back to Montgomery limbs.
    to_montgomery: LaneDigits,
    /// G, 2G and −3G in the lanes' domain (Z = 1), for lanes 1–3's start.
    starts: [Affine; 3],
}

/// The digits of 16 times a value below 2^256 given as limbs: bits 0–47 of the value make
/// digit 0's bits 4–51, and so on.
fn digits_times_16(limbs: [u64; 4]) -> [u64; 5] {
    let [l0, l1, l2, l3] = limbs;
    [
        (l0 << 4) & DIGIT_MASK,
        ((l0 >> 48) | (l1 << 16)) & DIGIT_MASK,
        ((l1 >> 36) | (l2 << 28)) & DIGIT_MASK,
        ((l2 >> 24) | (l3 << 40)) & DIGIT_MASK,
        l3 >> 12,
    ]
}

/// Four elements (below p) in the lanes' domain.
fn lanes_of(values: [Fp; 4]) -> LaneDigits {
    super::transpose(values.map(|value| digits_times_16(value.to_montgomery())))
}

/// One value's digits in every lane.
fn broadcast(digits: [u64; 5]) -> LaneDigits {
    digits.map(|digit| [digit; 4])
}

fn constants() -> &'static Constants {
    static CONSTANTS: OnceLock<Constants> = OnceLock::new();
    CONSTANTS.get_or_init(|| {
        let generator = &crate::pedersen::generator();
        let multiple_of_p = |k: u64| broadcast(super::digits_of([k, 0, 0, k * P[3]]));
        let g = Jacobian::from(*generator);
        let two_g = g.double();
        let three_g = two_g.add_affine(generator);
        // The multiples of a generator of a prime-order group are never at infinity.
        let [two_g, three_g] =
            [two_g, three_g].map(|point| point.to_affine().unwrap_or(*generator));
        Constants {
            four_p: multiple_of_p(4),
            six_p: multiple_of_p(6),
            sixteen_p: multiple_of_p(16),
            to_montgomery: broadcast(super::digits_of(Fp::ONE.to_montgomery())),
            starts: [
                *generator,
                two_g,
                Affine {
                    x: three_g.x,
                    y: three_g.y.neg(),
                },
            ],
        }
    })
}

impl LaneSums {
    /// `shift` in lane 0, and in lanes 1–3 three multiples of the curve's generator that sum
    /// to infinity.
    pub(crate) fn start(shift: &Affine) -> LaneSums {
        let [g, two_g, minus_three_g] = constants().starts;
        let points = [*shift, g, two_g, minus_three_g];
        LaneSums {
            x: lanes_of(points.map(|point| point.x)),
            y: lanes_of(points.map(|point| point.y)),
            z: lanes_of([Fp::ONE; 4]),
        }
    }

    /// Adds `points` to the sums, the i-th to lane i mod 4.
    pub(crate) fn add(&mut self, _: Ifma, points: &[Affine]) {
        const QUADS: usize = 8;
        let constants = constants();
        for group in points.chunks(4 * QUADS) {
            let mut quads: [Quad; QUADS] = std::array::from_fn(|_| Quad {
                x: [[0; 4]; 5],
                y: [[0; 4]; 5],
                count: 0,
            });
            let mut used = 0;
            for (quad, four) in quads.iter_mut().zip(group.chunks(4)) {
                let point = |lane: usize| four.get(lane).unwrap_or(&four[0]);
                quad.x = lanes_of(std::array::from_fn(|lane| point(lane).x));
                quad.y = lanes_of(std::array::from_fn(|lane| point(lane).y));
                quad.count = four.len();
                used += 1;
            }
            // SAFETY: an `Ifma` exists, so the processor has AVX-512F, VL and IFMA, the features
            // the function is compiled for.
            unsafe { add_quads(self, &quads[..used], constants) };
        }
    }

    /// The four sums added together, or `None` if a lane met a case its mixed additions do not
    /// handle (a zero Z).
    pub(crate) fn total(&self, _: Ifma) -> Option<Jacobian> {
        let constants = constants();
        let mut out = [[[0u64; 4]; 5]; 3];
        // SAFETY: an `Ifma` exists, so the processor has AVX-512F, VL and IFMA, the features the
        // function is compiled for.
        unsafe { to_montgomery(self, constants, &mut out) };
        let coordinate = |which: usize, lane: usize| {
            Fp::from_montgomery_lazy(lane_limbs(&out[which], lane)).reduce_lazy_value()
        };
        let lanes: [Jacobian; 4] = std::array::from_fn(|lane| {
            Jacobian::new(
                coordinate(0, lane),
                coordinate(1, lane),
                coordinate(2, lane),
            )
        });
        if lanes.iter().any(Jacobian::is_infinity) {
            return None;
        }
        Some(lanes[0].add(&lanes[1]).add(&lanes[2].add(&lanes[3])))
    }
}

/// `a + b`, digit by digit (not normalised).
#[target_feature(enable = "avx512f,avx512vl,avx512ifma")]
#[inline]
fn sum(a: &Lanes, b: &Lanes) -> Lanes {
    std::array::from_fn(|k| _mm256_add_epi64(a[k], b[k]))
}

/// `a − b`, digit by digit (digits may turn negative: `normalise` takes signed digits).
#[target_feature(enable = "avx512f,avx512vl,avx512ifma")]
#[inline]
fn difference(a: &Lanes, b: &Lanes) -> Lanes {
    std::array::from_fn(|k| _mm256_sub_epi64(a[k], b[k]))
}

/// `2^SHIFT · a`, digit by digit.
#[target_feature(enable = "avx512f,avx512vl,avx512ifma")]
#[inline]
fn times_power_of_two<const SHIFT: i32>(a: &Lanes) -> Lanes {
    std::array::from_fn(|k| _mm256_slli_epi64::<SHIFT>(a[k]))
}

/// Each quad's points added to the sums (madd-2007-bl with r = 2s and Z3 = 2·Z1·H, bounds in
/// the comments; products below p·2^260 come out below 2p).
#[target_feature(enable = "avx512f,avx512vl,avx512ifma")]
fn add_quads(sums: &mut LaneSums, quads: &[Quad], constants: &Constants) {
    let (four_p, six_p, sixteen_p) = (
        load(&constants.four_p),
        load(&constants.six_p),
        load(&constants.sixteen_p),
    );
    // X1, Y1, Z1 below 16p.
    let (mut x1, mut y1, mut z1) = (load(&sums.x), load(&sums.y), load(&sums.z));
    for quad in quads {
        // X2, Y2 below 16p.
        let (x2, y2) = (load(&quad.x), load(&quad.y));
        let z1z1 = square(&z1);
        let u2 = multiply(&x2, &z1z1);
        let s2 = multiply(&multiply(&y2, &z1), &z1z1);
        // H = U2 + 16p − X1 and s = S2 + 16p − Y1, below 18p (r = 2s).
        let h = normalise(difference(&sum(&u2, &sixteen_p), &x1));
        let s = normalise(difference(&sum(&s2, &sixteen_p), &y1));
        let hh = square(&h);
        // I = 4·HH below 8p.
        let i = normalise(times_power_of_two::<2>(&hh));
        let j = multiply(&h, &i);
        let v = multiply(&x1, &i);
        let ss = square(&s);
        let z1h = multiply(&z1, &h);
        // X3 = r² − J − 2V = 4s² + 6p − J − 2V, below 14p.
        let x3 = normalise(difference(
            &sum(&times_power_of_two::<2>(&ss), &six_p),
            &sum(&j, &times_power_of_two::<1>(&v)),
        ));
        // Y3 = r·(V − X3) − 2·Y1·J = 2s·(V + 16p − X3) + 4p − 2·Y1·J, below 8p.
        let w = normalise(difference(&sum(&v, &sixteen_p), &x3));
        let sw = multiply(&s, &w);
        let y1j = multiply(&y1, &j);
        let y3 = normalise(difference(
            &sum(&times_power_of_two::<1>(&sw), &four_p),
            &times_power_of_two::<1>(&y1j),
        ));
        // Z3 = (Z1 + H)² − Z1Z1 − HH = 2·Z1·H, below 4p.
        let z3 = normalise(times_power_of_two::<1>(&z1h));
        // Lanes past the quad's count keep their sums.
        let taken: __mmask8 = (1u8 << quad.count) - 1;
        let keep = |old: &Lanes, new: &Lanes| -> Lanes {
            std::array::from_fn(|k| _mm256_mask_blend_epi64(taken, old[k], new[k]))
        };
        (x1, y1, z1) = (keep(&x1, &x3), keep(&y1, &y3), keep(&z1, &z3));
    }
    store(&x1, &mut sums.x);
    store(&y1, &mut sums.y);
    store(&z1, &mut sums.z);
}

/// The sums' coordinates as Montgomery limbs (below 2p), X, Y and Z.
#[target_feature(enable = "avx512f,avx512vl,avx512ifma")]
fn to_montgomery(sums: &LaneSums, constants: &Constants, out: &mut [LaneDigits; 3]) {
    let factor = load(&constants.to_montgomery);
    for (coordinate, digits) in out.iter_mut().zip([&sums.x, &sums.y, &sums.z]) {
        store(&multiply(&load(digits), &factor), coordinate);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generator() -> Affine {
        crate::pedersen::generator()
    }

    /// k·G for k = 1, 2, …: points whose sums are known.
    fn multiples(count: usize) -> Vec<Affine> {
        let g = generator();
        let mut point = Jacobian::from(g);
        let mut points = Vec::new();
        for _ in 0..count {
            points.push(point.to_affine().expect("finite"));
            point = point.add_affine(&g);
        }
        points
    }

    /// `shift` plus `points`, one mixed addition at a time in the general-purpose registers.
    fn scalar_sum(shift: &Affine, points: &[Affine]) -> Option<Affine> {
        let mut sum = Jacobian::from(*shift);
        for point in points {
            sum = sum.add_affine(point);
        }
        sum.to_affine()
    }

    fn lane_sum(shift: &Affine, points: &[Affine]) -> Option<Option<Affine>> {
        let ifma = Ifma::detect()?;
        let mut sums = LaneSums::start(shift);
        // In two calls, as a hash adds its two operands' points.
        let half = points.len() / 2;
        sums.add(ifma, &points[..half]);
        sums.add(ifma, &points[half..]);
        Some(sums.total(ifma).and_then(Jacobian::to_affine))
    }

    #[test]
    fn four_lanes_sum_as_one_chain_of_mixed_additions() {
        // A shift point no small multiple of G equals: 1000·G.
        let shift = multiples(1000)[999];
        let points = multiples(80);
        // Every count from none to several rounds of four lanes and a partial last round,
        // and more points than one batch of quads takes.
        for count in (0..=13).chain([31, 32, 33, 80]) {
            // Points k·G taken with large gaps, so that no lane's sum meets its next point.
            let chosen: Vec<Affine> = points.iter().rev().take(count).copied().collect();
            if let Some(lanes) = lane_sum(&shift, &chosen) {
                assert_eq!(lanes, scalar_sum(&shift, &chosen), "{count} points");
            }
        }
    }

    #[test]
    fn a_lane_meeting_its_own_point_or_its_negation_is_reported() {
        let [g, two_g] = [multiples(2)[0], multiples(2)[1]];
        let shift = multiples(1000)[999];
        // Lane 1 starts at G and takes the second point: G itself (a doubling), then −G (the
        // point at infinity); lane 2 starts at 2G and takes the third point.
        for second in [
            g,
            Affine {
                x: g.x,
                y: g.y.neg(),
            },
        ] {
            let points = [two_g, second, g];
            if let Some(ifma) = Ifma::detect() {
                let mut sums = LaneSums::start(&shift);
                sums.add(ifma, &points);
                assert!(sums.total(ifma).is_none());
            }
        }
    }

    #[test]
    fn sixteen_times_a_value_in_digits() {
        for limbs in [
            [u64::MAX, 1, u64::MAX, 0x0fff_ffff_ffff_ffff],
            [1, 0, 0, 0],
            [0; 4],
        ] {
            let digits = digits_times_16(limbs);
            let mut expected = super::super::digits_of([
                limbs[0] << 4,
                (limbs[1] << 4) | (limbs[0] >> 60),
                (limbs[2] << 4) | (limbs[1] >> 60),
                (limbs[3] << 4) | (limbs[2] >> 60),
            ]);
            // digits_of takes 256 bits: the top four bits of 16·value go to digit 4's top.
            expected[4] |= (limbs[3] >> 60) << 48;
            assert_eq!(digits, expected, "{limbs:x?}");
        }
    }
}
