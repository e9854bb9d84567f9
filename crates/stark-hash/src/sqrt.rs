//! Square roots in the Stark field by Cipolla's method.
//!
//! Why not Tonelli–Shanks (what `lambdaworks-math`, and so `starknet-types-core`, runs): p − 1 =
//! 2^192·(2^59 + 17), and Tonelli–Shanks' work grows with the square of that power of two (up to
//! about 18,000 squarings; a root took about 120 µs there). Cipolla's method raises t + √ω, in
//! the field extended by the root of a non-residue ω = t² − a, to the power (p + 1)/2 =
//! 2^250 + 2^195 + 2^191 + 1: 250 squarings and three multiplications in the extension, four
//! and three field multiplications each, reduced lazily. Finding t takes a Legendre symbol or
//! two, as does telling first whether `a` has a root: by divsteps (`legendre`, about 1.4 µs),
//! an exponentiation by (p − 1)/2 (as sparse: 250 squarings, about 2.1 µs) as the fallback.

use crate::field::{Fp, Multiplier};

/// An element u + v·√ω of the field extended by the square root of `ω`, each coordinate
/// reduced lazily (below 4p).
#[derive(Clone, Copy)]
struct Extended {
    u: Fp,
    v: Fp,
}

impl Extended {
    /// `self²` = (u² + ω·v²) + 2uv·√ω: products below 2p (factors below 4p: 16p² < p·2^256),
    /// so both coordinates stay below 4p.
    #[inline(always)]
    fn square<M: Multiplier>(&self, multiplier: M, omega: &Fp) -> Extended {
        let uu = multiplier.square_lazy(&self.u);
        let vv = multiplier.square_lazy(&self.v);
        let uv = multiplier.mul_lazy(&self.u, &self.v);
        Extended {
            u: uu.add_lazy(&multiplier.mul_lazy(omega, &vv)),
            v: uv.double_lazy(),
        }
    }

    /// `self · (t + √ω)` = (u·t + ω·v) + (u + v·t)·√ω, reduced below p (u + v·t is below 6p).
    #[inline(always)]
    fn times_base<M: Multiplier>(&self, multiplier: M, t: &Fp, omega: &Fp) -> Extended {
        Extended {
            u: multiplier
                .mul_lazy(&self.u, t)
                .add_lazy(&multiplier.mul_lazy(omega, &self.v))
                .reduce_lazy_value(),
            v: self
                .u
                .add_lazy(&multiplier.mul_lazy(&self.v, t))
                .reduce_lazy_value(),
        }
    }
}

/// Whether `value` is a square of a non-zero element: its Legendre symbol by divsteps
/// (`legendre`), on its Montgomery limbs (value·2^256, the same symbol as 2^256 is a square),
/// or, if those did not converge, by [`is_nonzero_square_by_exponentiation`].
fn is_nonzero_square(value: &Fp) -> bool {
    if value.is_zero() {
        return false;
    }
    crate::legendre::is_square(&value.to_montgomery())
        .unwrap_or_else(|| is_nonzero_square_by_exponentiation(value))
}

/// value^((p − 1)/2) = 1, with (p − 1)/2 = 2^250 + 17·2^191 = 2^191·(2^59 + 17).
pub(crate) fn is_nonzero_square_by_exponentiation(value: &Fp) -> bool {
    // value^17 = value^16 · value, then value^(2^59 + 17) = value^(2^59) · value^17.
    let power_17 = value.square_times(4).mul(value);
    let power = value.square_times(59).mul(&power_17);
    power.square_times(191) == Fp::ONE
}

/// A square root of `a`, `None` if `a` has none. Which of the two roots comes back is not
/// specified (callers that need one pick it, as `ec_point_from_x` picks the smaller).
pub(crate) fn sqrt(a: &Fp) -> Option<Fp> {
    if a.is_zero() {
        return Some(Fp::ZERO);
    }
    if !is_nonzero_square(a) {
        return None;
    }
    // t = 1, 2, …: about half of all t give a non-residue t² − a. Some a make the first t
    // residues for longer than any bound; past this one, Tonelli–Shanks finds the root.
    let Some((t, omega)) = (1..=64)
        .map(Fp::from_u64)
        .map(|t| (t, t.square().sub(a)))
        .find(|(_, omega)| !omega.is_zero() && !is_nonzero_square(omega))
    else {
        return sqrt_by_tonelli_shanks(a);
    };
    // (t + √ω)^(2^250 + 2^195 + 2^191 + 1), by squaring from the top bit, multiplying in the
    // base at bits 195, 191 and 0: for a square a it lies in the field and its square is a.
    // One multiplication kind for the whole chain, reduced lazily: a full reduction after each
    // product (a branch taken about half the time, at random) and a processor check per call
    // had doubled the root's time.
    let power = with_fastest_multiplier!(|multiplier| {
        let mut power = Extended { u: t, v: Fp::ONE };
        for bit in (0..250).rev() {
            power = power.square(multiplier, &omega);
            if matches!(bit, 195 | 191 | 0) {
                power = power.times_base(multiplier, &t, &omega);
            }
        }
        power
    });
    Some(power.u.reduce_lazy_value())
}

/// `starknet-types-core`'s root (Tonelli–Shanks), for the rare `a` whose search above fails.
fn sqrt_by_tonelli_shanks(a: &Fp) -> Option<Fp> {
    crate::to_felt(*a).sqrt().map(|root| crate::to_fp(&root))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::to_felt as felt;
    use proptest::prelude::*;

    /// Our answer and `starknet-types-core`'s agree: both none, or roots of the same value.
    fn agrees(a: Fp) {
        let ours = sqrt(&a);
        let theirs = felt(a).sqrt();
        match (ours, theirs) {
            (None, None) => {}
            (Some(root), Some(their_root)) => {
                assert_eq!(root.square(), a);
                let root = felt(root);
                assert_eq!(root.min(-root), their_root.min(-their_root), "{}", felt(a));
            }
            (ours, theirs) => panic!("sqrt({}): {ours:?} against {theirs:?}", felt(a)),
        }
    }

    #[test]
    fn edge_values_have_the_roots_starknet_types_core_finds() {
        for value in [0, 1, 2, 3, 4, 5, 9, 16, 17, 1 << 40] {
            agrees(Fp::from_u64(value));
            agrees(Fp::from_u64(value).neg());
        }
        // A square of a large element, and 2^251.
        let large = Fp::from_u64(0x1234_5678_9abc_def1).mul(&Fp::from_u64(u64::MAX));
        agrees(large.square());
        agrees(Fp::from_canonical_reduced([0, 0, 0, 1 << 59]));
    }

    #[test]
    fn the_fallback_finds_roots_and_refuses_a_non_square() {
        for value in [1, 4, 5, 9, 1 << 40] {
            let a = Fp::from_u64(value).square();
            let root = sqrt_by_tonelli_shanks(&a).expect("a square");
            assert_eq!(root.square(), a);
        }
        // The smallest non-square has no root either way.
        let non_square = (2..)
            .map(Fp::from_u64)
            .find(|value| !is_nonzero_square(value))
            .expect("half of all values are non-squares");
        assert_eq!(sqrt_by_tonelli_shanks(&non_square), None);
        assert_eq!(sqrt(&non_square), None);
    }

    proptest! {
        #[test]
        fn roots_agree_with_starknet_types_core(limbs: [u64; 4]) {
            let a = Fp::from_canonical_reduced(limbs);
            agrees(a);
            // And a certain square.
            agrees(a.square());
        }
    }
}
