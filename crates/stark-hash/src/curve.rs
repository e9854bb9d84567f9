//! The Stark curve, y² = x³ + x + β over the Stark field: affine points for tables and
//! Jacobian points (x = X/Z², y = Y/Z³) to add into, with mixed addition (7M + 4S) and one
//! inversion to come back.

use crate::field::{Fp, Multiplier};

/// A point in affine coordinates (never the point at infinity).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Affine {
    /// x.
    pub x: Fp,
    /// y.
    pub y: Fp,
}

/// A point in Jacobian coordinates; `z = 0` is the point at infinity.
#[derive(Clone, Copy, Debug)]
pub struct Jacobian {
    x: Fp,
    y: Fp,
    z: Fp,
}

impl From<Affine> for Jacobian {
    fn from(point: Affine) -> Self {
        Jacobian {
            x: point.x,
            y: point.y,
            z: Fp::ONE,
        }
    }
}

impl Jacobian {
    /// The point at infinity.
    pub const INFINITY: Jacobian = Jacobian {
        x: Fp::ONE,
        y: Fp::ONE,
        z: Fp::ZERO,
    };

    /// The point with these Jacobian coordinates (`z = 0` for infinity).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    pub(crate) fn new(x: Fp, y: Fp, z: Fp) -> Jacobian {
        Jacobian { x, y, z }
    }

    /// Whether this is the point at infinity.
    pub fn is_infinity(&self) -> bool {
        self.z.is_zero()
    }

    /// `2·self` (dbl-2007-bl, with the curve's a = 1).
    pub fn double(&self) -> Jacobian {
        with_fastest_multiplier!(|multiplier| self.double_with(multiplier))
    }

    /// [`Jacobian::double`] with one kind of multiplication: one round of
    /// [`Jacobian::double_times_with`], which holds the formulas.
    fn double_with<M: Multiplier>(&self, multiplier: M) -> Jacobian {
        self.double_times_with(multiplier, 1)
    }

    /// `2^count·self`: [`Jacobian::double`] `count` times, with each doubling's ZZ and ZZ²
    /// (which need only the Z before, itself ready early) computed while the one before
    /// finishes its M² and Y3.
    ///
    /// Why: the last two products of a doubling (M², then M·(S − X3)) have nothing of their own
    /// doubling beside them; the next doubling's first two can run there. Measured (a chain of
    /// doublings, `Jacobian::mul`'s pattern): 103.7 → 91 ns a doubling. Two independent chains
    /// of single doublings take 94 ns a doubling: a doubling is bound by the multiplications'
    /// throughput (about 35 cycles each on this Zen 4), not by their chain.
    pub fn double_times(&self, count: u32) -> Jacobian {
        with_fastest_multiplier!(|multiplier| self.double_times_with(multiplier, count))
    }

    /// [`Jacobian::double_times`] with one kind of multiplication (dbl-2007-bl with the curve's
    /// a = 1), reduced lazily: products below 2p, sums and differences offset by multiples of
    /// p, S and M reduced before they multiply, the coordinates reduced.
    fn double_times_with<M: Multiplier>(&self, multiplier: M, count: u32) -> Jacobian {
        if count == 0 {
            return *self;
        }
        let p = |k| Fp::multiple_of_p(k);
        let Jacobian {
            mut x,
            mut y,
            mut z,
        } = *self;
        let mut zz = multiplier.square_lazy(&z);
        let mut zzzz = multiplier.square_lazy(&zz);
        for round in 0..count {
            // The point at infinity (and a point with y = 0, of order two, which the Stark
            // curve's prime-order group has none of) doubles to infinity, which stays there.
            if z.is_zero() || y.is_zero() {
                return Jacobian::INFINITY;
            }
            let xx = multiplier.square_lazy(&x);
            let yy = multiplier.square_lazy(&y);
            let y_plus_z_squared = multiplier.square_lazy(&y.add_lazy(&z));
            let yyyy = multiplier.square_lazy(&yy);
            let x_plus_yy_squared = multiplier.square_lazy(&x.add_lazy(&yy));
            // M = 3·XX + ZZ², below 8p, reduced.
            let m = xx
                .add_lazy(&xx)
                .add_lazy(&xx)
                .add_lazy(&zzzz)
                .reduce_lazy_value();
            let mm = multiplier.square_lazy(&m);
            // S = 2·((X + YY)² − XX − YYYY), the inner value below 6p, reduced.
            let s = x_plus_yy_squared
                .add_lazy(&p(4))
                .sub_lazy(&xx)
                .sub_lazy(&yyyy)
                .reduce_lazy_value()
                .double_lazy();
            // Z3 = (Y + Z)² + 4p − YY − ZZ.
            z = y_plus_z_squared
                .add_lazy(&p(4))
                .sub_lazy(&yy)
                .sub_lazy(&zz)
                .reduce_lazy_value();
            // The next doubling's ZZ and ZZ², from Z3 alone (not after the last doubling).
            if round + 1 < count {
                zz = multiplier.square_lazy(&z);
                zzzz = multiplier.square_lazy(&zz);
            }
            // X3 = M² + 4p − 2S.
            x = mm
                .add_lazy(&p(4))
                .sub_lazy(&s.double_lazy())
                .reduce_lazy_value();
            // Y3 = M·(S + p − X3) + 16p − 8·YYYY.
            y = multiplier
                .mul_lazy(&m, &s.add_lazy(&p(1)).sub_lazy(&x))
                .add_lazy(&p(16))
                .sub_lazy(&yyyy.double_lazy().double_lazy().double_lazy())
                .reduce_lazy_value();
        }
        Jacobian { x, y, z }
    }

    /// `self + other` (madd-2007-bl), with the doubling and opposite cases handled.
    ///
    /// Intermediate values are reduced lazily (products below 2p, sums and differences
    /// offset by multiples of p to stay non-negative) and only H, r (tested for zero) and the
    /// three coordinates reduced fully.
    #[inline(always)]
    pub fn add_affine(&self, other: &Affine) -> Jacobian {
        with_fastest_multiplier!(|multiplier| self.add_affine_with(multiplier, other))
    }

    /// [`Jacobian::add_affine`] with one kind of multiplication (see `Multiplier`).
    #[inline(always)]
    pub(crate) fn add_affine_with<M: Multiplier>(&self, multiplier: M, other: &Affine) -> Jacobian {
        if self.is_infinity() {
            return Jacobian::from(*other);
        }
        let p = |k| Fp::multiple_of_p(k);
        let z1z1 = multiplier.square_lazy(&self.z);
        let u2 = multiplier.mul_lazy(&other.x, &z1z1);
        let s2 = multiplier.mul_lazy(&multiplier.mul_lazy(&other.y, &self.z), &z1z1);
        // u2 + p − x1 < 3p; s2 + p − y1 < 3p.
        let h = u2.add_lazy(&p(1)).sub_lazy(&self.x).reduce_lazy_value();
        let s2_minus_y1 = s2.add_lazy(&p(1)).sub_lazy(&self.y).reduce_lazy_value();
        if h.is_zero() {
            return if s2_minus_y1.is_zero() {
                self.double()
            } else {
                Jacobian::INFINITY
            };
        }
        let hh = multiplier.square_lazy(&h);
        // 4·HH < 8p: reduced before it multiplies.
        let i = hh
            .add_lazy(&hh)
            .add_lazy(&hh)
            .add_lazy(&hh)
            .reduce_lazy_value();
        let j = multiplier.mul_lazy(&h, &i);
        let r = s2_minus_y1.add_lazy(&s2_minus_y1);
        let v = multiplier.mul_lazy(&self.x, &i);
        // r² + 6p − J − 2V, each subtrahend below 2p.
        let x = multiplier
            .square_lazy(&r)
            .add_lazy(&p(6))
            .sub_lazy(&j)
            .sub_lazy(&v.add_lazy(&v))
            .reduce_lazy_value();
        // r·(V + p − X3) + 4p − 2·Y1·J.
        let y1_j = multiplier.mul_lazy(&self.y, &j);
        let y = multiplier
            .mul_lazy(&r, &v.add_lazy(&p(1)).sub_lazy(&x))
            .add_lazy(&p(4))
            .sub_lazy(&y1_j.add_lazy(&y1_j))
            .reduce_lazy_value();
        // (Z1 + H)² + 4p − Z1Z1 − HH.
        let z = multiplier
            .square_lazy(&self.z.add_lazy(&h))
            .add_lazy(&p(4))
            .sub_lazy(&z1z1)
            .sub_lazy(&hh)
            .reduce_lazy_value();
        Jacobian { x, y, z }
    }

    /// `self + other` for any two points (add-2007-bl, with infinity, the doubling and the
    /// opposite cases handled).
    pub fn add(&self, other: &Jacobian) -> Jacobian {
        with_fastest_multiplier!(|multiplier| self.add_with(multiplier, other))
    }

    /// [`Jacobian::add`] with one kind of multiplication, reduced lazily as
    /// [`Jacobian::add_affine_with`] is (H and s tested for zero, the coordinates reduced).
    fn add_with<M: Multiplier>(&self, multiplier: M, other: &Jacobian) -> Jacobian {
        if self.is_infinity() {
            return *other;
        }
        if other.is_infinity() {
            return *self;
        }
        let p = |k| Fp::multiple_of_p(k);
        let z1z1 = multiplier.square_lazy(&self.z);
        let z2z2 = multiplier.square_lazy(&other.z);
        let u1 = multiplier.mul_lazy(&self.x, &z2z2);
        let u2 = multiplier.mul_lazy(&other.x, &z1z1);
        let s1 = multiplier.mul_lazy(&multiplier.mul_lazy(&self.y, &other.z), &z2z2);
        let s2 = multiplier.mul_lazy(&multiplier.mul_lazy(&other.y, &self.z), &z1z1);
        // U2 + 2p − U1 and S2 + 2p − S1 below 4p, reduced (r = 2s).
        let h = u2.add_lazy(&p(2)).sub_lazy(&u1).reduce_lazy_value();
        let s = s2.add_lazy(&p(2)).sub_lazy(&s1).reduce_lazy_value();
        if h.is_zero() {
            return if s.is_zero() {
                self.double()
            } else {
                Jacobian::INFINITY
            };
        }
        let r = s.double_lazy();
        // I = (2H)², J = H·I, V = U1·I, each below 2p.
        let i = multiplier.square_lazy(&h.double_lazy());
        let j = multiplier.mul_lazy(&h, &i);
        let v = multiplier.mul_lazy(&u1, &i);
        // X3 = r² + 6p − J − 2V.
        let x = multiplier
            .square_lazy(&r)
            .add_lazy(&p(6))
            .sub_lazy(&j)
            .sub_lazy(&v.double_lazy())
            .reduce_lazy_value();
        // Y3 = r·(V + p − X3) + 4p − 2·S1·J.
        let s1_j = multiplier.mul_lazy(&s1, &j);
        let y = multiplier
            .mul_lazy(&r, &v.add_lazy(&p(1)).sub_lazy(&x))
            .add_lazy(&p(4))
            .sub_lazy(&s1_j.double_lazy())
            .reduce_lazy_value();
        // Z3 = (Z1 + Z2)² − Z1Z1 − Z2Z2 times H = 2·Z1·Z2·H.
        let z = multiplier
            .mul_lazy(&multiplier.mul_lazy(&self.z, &other.z), &h)
            .double_lazy()
            .reduce_lazy_value();
        Jacobian { x, y, z }
    }

    /// `scalar · self` for a scalar given as canonical limbs (its integer value, any 256 bits):
    /// 4-bit windows from the top, four doublings and one addition of a multiple 1·P…15·P
    /// each. Every case (infinity, a sum meeting its addend) goes through the general
    /// addition's and the doubling's own handling.
    pub fn mul(&self, scalar: &[u64; 4]) -> Jacobian {
        let mut multiples = [Jacobian::INFINITY; 16];
        for index in 1..16 {
            multiples[index] = multiples[index - 1].add(self);
        }
        let mut sum = Jacobian::INFINITY;
        let mut started = false;
        for window in (0..64).rev() {
            if started {
                sum = sum.double_times(4);
            }
            let digit = (scalar[window / 16] >> (4 * (window % 16))) & 0xf;
            if digit != 0 {
                sum = sum.add(&multiples[digit as usize]);
                started = true;
            }
        }
        sum
    }

    /// The affine point, `None` at infinity.
    pub fn to_affine(self) -> Option<Affine> {
        let z_inverse = self.z.inverse()?;
        let z_inverse_squared = z_inverse.square();
        Some(Affine {
            x: self.x.mul(&z_inverse_squared),
            y: self.y.mul(&z_inverse_squared).mul(&z_inverse),
        })
    }

    /// Only the affine x (one multiplication fewer), `None` at infinity.
    pub fn affine_x(&self) -> Option<Fp> {
        let z_inverse = self.z.inverse()?;
        Some(self.x.mul(&z_inverse.square()))
    }
}

/// The affine points of `points` with one inversion for all (Montgomery's trick); `None` if
/// any is at infinity.
pub fn batch_to_affine(points: &[Jacobian]) -> Option<Vec<Affine>> {
    // prefix[i] = z_0 · … · z_{i−1}.
    let mut prefix = Vec::with_capacity(points.len());
    let mut running = Fp::ONE;
    for point in points {
        if point.is_infinity() {
            return None;
        }
        prefix.push(running);
        running = running.mul(&point.z);
    }
    let mut inverse = running.inverse()?;
    let mut affine = vec![
        Affine {
            x: Fp::ZERO,
            y: Fp::ZERO
        };
        points.len()
    ];
    for index in (0..points.len()).rev() {
        // inverse = (z_0 · … · z_index)⁻¹ here.
        let z_inverse = inverse.mul(&prefix[index]);
        inverse = inverse.mul(&points[index].z);
        let z_inverse_squared = z_inverse.square();
        affine[index] = Affine {
            x: points[index].x.mul(&z_inverse_squared),
            y: points[index].y.mul(&z_inverse_squared).mul(&z_inverse),
        };
    }
    Some(affine)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// k·G in Jacobian coordinates with a Z other than one (through a doubling).
    fn multiple(k: u64) -> Jacobian {
        let g = crate::pedersen::generator();
        let mut sum = Jacobian::from(g).double();
        for _ in 2..k {
            sum = sum.add_affine(&g);
        }
        if k == 1 {
            Jacobian::from(g)
        } else {
            sum
        }
    }

    #[test]
    fn the_general_addition_agrees_with_the_mixed_one() {
        for (a, b) in [(1, 2), (3, 5), (7, 7), (2, 9), (10, 1)] {
            let expected = multiple(a + b).to_affine();
            assert_eq!(
                multiple(a).add(&multiple(b)).to_affine(),
                expected,
                "{a} + {b}"
            );
        }
    }

    #[test]
    fn the_general_addition_gives_the_same_limbs_with_either_multiplication() {
        for (a, b) in [(1, 2), (3, 5), (7, 7), (2, 9)] {
            let (first, second) = (multiple(a), multiple(b));
            let portable = first.add_with(crate::field::Portable, &second);
            let fastest = first.add(&second);
            assert_eq!(
                [portable.x, portable.y, portable.z],
                [fastest.x, fastest.y, fastest.z],
                "{a} + {b}"
            );
        }
    }

    #[test]
    fn the_doubling_gives_the_same_limbs_with_either_multiplication() {
        for k in [1, 2, 3, 7, 100] {
            let point = multiple(k);
            let portable = point.double_with(crate::field::Portable);
            let fastest = point.double();
            assert_eq!(
                [portable.x, portable.y, portable.z],
                [fastest.x, fastest.y, fastest.z],
                "2·{k}G"
            );
            assert_eq!(fastest.to_affine(), multiple(2 * k).to_affine(), "2·{k}G");
        }
    }

    #[test]
    fn repeated_doublings_give_the_limbs_of_single_ones() {
        for k in [1, 2, 3, 7, 100] {
            for count in 0..7 {
                let mut expected = multiple(k);
                for _ in 0..count {
                    expected = expected.double();
                }
                let portable = multiple(k).double_times_with(crate::field::Portable, count);
                let fastest = multiple(k).double_times(count);
                assert_eq!(
                    [fastest.x, fastest.y, fastest.z],
                    [expected.x, expected.y, expected.z],
                    "2^{count}·{k}G"
                );
                assert_eq!(
                    [portable.x, portable.y, portable.z],
                    [expected.x, expected.y, expected.z],
                    "2^{count}·{k}G"
                );
            }
        }
        assert!(Jacobian::INFINITY.double_times(4).is_infinity());
    }

    #[test]
    fn the_general_addition_handles_infinity_and_opposites() {
        let three = multiple(3);
        assert_eq!(
            Jacobian::INFINITY.add(&three).to_affine(),
            three.to_affine()
        );
        assert_eq!(
            three.add(&Jacobian::INFINITY).to_affine(),
            three.to_affine()
        );
        let minus_three = Jacobian {
            y: three.y.neg(),
            ..three
        };
        assert!(three.add(&minus_three).is_infinity());
        assert_eq!(three.add(&three).to_affine(), multiple(6).to_affine());
    }
}
