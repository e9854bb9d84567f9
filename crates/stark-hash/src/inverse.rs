//! Modular inversion by Bernstein and Yang's divsteps ("Fast constant-time gcd computation and
//! modular inversion", 2019), in the variable-time form libsecp256k1 uses (its
//! `doc/safegcd_implementation.md` explains every step; this is written from that description,
//! for p only, in variable time, as nothing hashed is secret).
//!
//! Numbers are held as five signed 62-bit limbs. Each round runs 62 divsteps on the low 64 bits
//! of `f` and `g` alone (their outcome depends on nothing else), skipping a run of zero bits of
//! `g` in one shift and cancelling up to six low bits of `g` with one multiplication, and
//! records them as a 2×2 matrix of integers below 2^62, which then updates the full-size `f, g`
//! and the Bézout coefficients `d, e` (kept modulo p, each division by 2^62 made exact by adding
//! a multiple of p). When `g` reaches zero, `f` is ±1 and `±d` the inverse.

use crate::field::P;

pub(crate) const M62: u64 = u64::MAX >> 2;
/// p = 1 + 17·2^192 + 2^251 as signed 62-bit limbs: 2^192 is bit 6 of limb 3, 2^251 bit 3 of
/// limb 4.
pub(crate) const MODULUS: [i64; 5] = [1, 0, 0, 17 << 6, 1 << 3];
/// p⁻¹ modulo 2^62: p ≡ 1 (mod 2^192).
const MODULUS_INVERSE_62: u64 = 1;
/// Rounds of 62 divsteps: 590 divsteps always suffice for 256-bit inputs; past this many rounds
/// something is wrong and the caller falls back to another method.
const MAX_ROUNDS: usize = 16;

/// The matrix of 62 divsteps: `[f', g'] = [[u, v], [q, r]] · [f, g] / 2^62`.
#[derive(Clone, Copy)]
pub(crate) struct Transition {
    pub(crate) u: i64,
    pub(crate) v: i64,
    pub(crate) q: i64,
    pub(crate) r: i64,
}

/// 62 divsteps on the low bits of `f` (odd) and `g`, from `eta` (−δ); the new `eta`.
///
/// `POSITIVE` selects the posdivsteps of `legendre`: the swap does not negate, so `f` and `g`
/// stay non-negative, and bit 0 of `jacobi` follows the Jacobi symbol's sign changes (dividing
/// g by an odd power of two flips it when f ≡ 3 or 5 (mod 8), swapping when both are 3
/// (mod 4)); `f0`, `g0` then need their low 64 bits, for the residues of the last steps.
/// Without it (inversion) `jacobi` is left alone.
#[inline(always)]
pub(crate) fn divsteps_62<const POSITIVE: bool>(
    mut eta: i64,
    f0: u64,
    g0: u64,
    jacobi: &mut u64,
) -> (i64, Transition) {
    let (mut u, mut v, mut q, mut r) = (1u64, 0u64, 0u64, 1u64);
    let (mut f, mut g) = (f0, g0);
    let mut left = 62u32;
    loop {
        // The zero bits at the bottom of g (at most `left`, by a sentinel bit) are as many
        // divsteps that only halve g.
        let zeros = (g | (u64::MAX << left)).trailing_zeros();
        g >>= zeros;
        u <<= zeros;
        v <<= zeros;
        eta -= i64::from(zeros);
        left -= zeros;
        if POSITIVE {
            // (2 | f) = −1 for f ≡ 3, 5 (mod 8): an odd number of halvings flips the sign.
            *jacobi ^= u64::from(zeros) & ((f >> 1) ^ (f >> 2));
        }
        if left == 0 {
            break;
        }
        // g is odd now. (A branch-free form of what follows, with masks, measured slower.)
        let swapped = eta < 0;
        if swapped {
            eta = -eta;
            if POSITIVE {
                // f, g = g, f, by reciprocity flipping the sign when both are 3 (mod 4).
                std::mem::swap(&mut f, &mut g);
                std::mem::swap(&mut u, &mut q);
                std::mem::swap(&mut v, &mut r);
                *jacobi ^= (f & g) >> 1;
            } else {
                // f, g = g, −f (and the matrix rows likewise).
                let old_f = f;
                f = g;
                g = old_f.wrapping_neg();
                let old_u = u;
                u = q;
                q = old_u.wrapping_neg();
                let old_v = v;
                v = r;
                r = old_v.wrapping_neg();
            }
        }
        let w = cancelling_multiple(swapped, eta, left, f, g);
        g = g.wrapping_add(f.wrapping_mul(w));
        q = q.wrapping_add(u.wrapping_mul(w));
        r = r.wrapping_add(v.wrapping_mul(w));
    }
    let transition = Transition {
        u: u as i64,
        v: v as i64,
        q: q as i64,
        r: r as i64,
    };
    (eta, transition)
}

/// The multiple w of `f` (odd) whose addition cancels low bits of `g` (odd), as a round of
/// divsteps takes it: up to six bits right after a swap (f·(f² −
/// 2) is −f⁻¹ modulo 64), else up to four, with a cheaper inverse of f modulo 16 (eta tends to
/// be small there, which limits the bits anyway); never more than `left` (the round's divsteps
/// left) or eta + 1 (eta's sign flips after those).
#[inline(always)]
fn cancelling_multiple(swapped: bool, eta: i64, left: u32, f: u64, g: u64) -> u64 {
    let (mask_bits, w) = if swapped {
        (
            63u64,
            f.wrapping_mul(g)
                .wrapping_mul(f.wrapping_mul(f).wrapping_sub(2)),
        )
    } else {
        let f_inverse = f.wrapping_add(((f.wrapping_add(1)) & 4) << 1);
        (15u64, f_inverse.wrapping_neg().wrapping_mul(g))
    };
    let limit = ((eta + 1) as u32).min(left);
    w & (u64::MAX >> (64 - limit)) & mask_bits
}

/// `[d, e] = t · [d, e] / 2^62 (mod p)`, for `d, e` in (−2p, p); the results stay in it.
fn update_de(d: &mut [i64; 5], e: &mut [i64; 5], t: Transition) {
    let Transition { u, v, q, r } = t;
    let (sign_d, sign_e) = (d[4] >> 63, e[4] >> 63);
    // Multiples of p to add: [u, q] if d is negative, [v, r] if e is, then adjusted so that the
    // low 62 bits of t·[d, e] + p·[md, me] are zero.
    let mut md = (u & sign_d) + (v & sign_e);
    let mut me = (q & sign_d) + (r & sign_e);
    let mut cd = i128::from(u) * i128::from(d[0]) + i128::from(v) * i128::from(e[0]);
    let mut ce = i128::from(q) * i128::from(d[0]) + i128::from(r) * i128::from(e[0]);
    md -= (MODULUS_INVERSE_62
        .wrapping_mul(cd as u64)
        .wrapping_add(md as u64)
        & M62) as i64;
    me -= (MODULUS_INVERSE_62
        .wrapping_mul(ce as u64)
        .wrapping_add(me as u64)
        & M62) as i64;
    cd += i128::from(MODULUS[0]) * i128::from(md);
    ce += i128::from(MODULUS[0]) * i128::from(me);
    debug_assert_eq!(cd as u64 & M62, 0);
    debug_assert_eq!(ce as u64 & M62, 0);
    cd >>= 62;
    ce >>= 62;
    for limb in 1..5 {
        cd += i128::from(u) * i128::from(d[limb]) + i128::from(v) * i128::from(e[limb]);
        ce += i128::from(q) * i128::from(d[limb]) + i128::from(r) * i128::from(e[limb]);
        // Limbs 1 and 2 of p are zero.
        if MODULUS[limb] != 0 {
            cd += i128::from(MODULUS[limb]) * i128::from(md);
            ce += i128::from(MODULUS[limb]) * i128::from(me);
        }
        d[limb - 1] = (cd as u64 & M62) as i64;
        e[limb - 1] = (ce as u64 & M62) as i64;
        cd >>= 62;
        ce >>= 62;
    }
    d[4] = cd as i64;
    e[4] = ce as i64;
}

/// `[f, g] = t · [f, g] / 2^62` (exact), on their low `length` limbs.
pub(crate) fn update_fg(length: usize, f: &mut [i64; 5], g: &mut [i64; 5], t: Transition) {
    let Transition { u, v, q, r } = t;
    let mut cf = i128::from(u) * i128::from(f[0]) + i128::from(v) * i128::from(g[0]);
    let mut cg = i128::from(q) * i128::from(f[0]) + i128::from(r) * i128::from(g[0]);
    debug_assert_eq!(cf as u64 & M62, 0);
    debug_assert_eq!(cg as u64 & M62, 0);
    cf >>= 62;
    cg >>= 62;
    for limb in 1..length {
        cf += i128::from(u) * i128::from(f[limb]) + i128::from(v) * i128::from(g[limb]);
        cg += i128::from(q) * i128::from(f[limb]) + i128::from(r) * i128::from(g[limb]);
        f[limb - 1] = (cf as u64 & M62) as i64;
        g[limb - 1] = (cg as u64 & M62) as i64;
        cf >>= 62;
        cg >>= 62;
    }
    f[length - 1] = cf as i64;
    g[length - 1] = cg as i64;
}

/// `value` from (−2p, p) into [0, p), negated first if `sign` is negative.
fn normalize(value: &mut [i64; 5], sign: i64) {
    let add_modulus = |value: &mut [i64; 5]| {
        let negative = value[4] >> 63;
        for (limb, modulus) in value.iter_mut().zip(MODULUS) {
            *limb += modulus & negative;
        }
    };
    let carry_limbs = |value: &mut [i64; 5]| {
        for limb in 0..4 {
            value[limb + 1] += value[limb] >> 62;
            value[limb] &= M62 as i64;
        }
    };
    // (−2p, p) → (−p, p), then negated if asked.
    add_modulus(value);
    let negate = sign >> 63;
    for limb in value.iter_mut() {
        *limb = (*limb ^ negate) - negate;
    }
    carry_limbs(value);
    // (−p, p) → [0, p).
    add_modulus(value);
    carry_limbs(value);
}

pub(crate) fn to_signed_62(x: &[u64; 4]) -> [i64; 5] {
    [
        x[0] & M62,
        ((x[0] >> 62) | (x[1] << 2)) & M62,
        ((x[1] >> 60) | (x[2] << 4)) & M62,
        ((x[2] >> 58) | (x[3] << 6)) & M62,
        x[3] >> 56,
    ]
    .map(|limb| limb as i64)
}

/// Limbs of a value in [0, p), each in [0, 2^62).
fn from_signed_62(value: &[i64; 5]) -> [u64; 4] {
    let v = value.map(|limb| limb as u64);
    [
        v[0] | (v[1] << 62),
        (v[1] >> 2) | (v[2] << 60),
        (v[2] >> 4) | (v[3] << 58),
        (v[3] >> 6) | (v[4] << 56),
    ]
}

/// `x⁻¹ mod p` for canonical `x` in `[1, p)`, or `None` if the rounds ran out (the caller then
/// inverts another way).
pub(crate) fn inverse(x: &[u64; 4]) -> Option<[u64; 4]> {
    let (mut d, mut e) = ([0i64; 5], [1i64, 0, 0, 0, 0]);
    let (mut f, mut g) = (MODULUS, to_signed_62(x));
    let mut length = 5;
    let mut eta = -1;
    for _ in 0..MAX_ROUNDS {
        let (next_eta, transition) = divsteps_62::<false>(eta, f[0] as u64, g[0] as u64, &mut 0);
        eta = next_eta;
        update_de(&mut d, &mut e, transition);
        update_fg(length, &mut f, &mut g, transition);
        if g[..length].iter().all(|limb| *limb == 0) {
            // f = ±gcd(p, x) = ±1 for any x in [1, p).
            if f[..length - 1].iter().any(|limb| *limb != 0) || f[length - 1].abs() != 1 {
                return None;
            }
            normalize(&mut d, f[length - 1]);
            let inverse = from_signed_62(&d);
            return (inverse[3] < P[3] || inverse == [0, 0, 0, P[3]]).then_some(inverse);
        }
        // When the top limbs of f and g are both 0 or −1, fold them into the limb below.
        let (f_top, g_top) = (f[length - 1], g[length - 1]);
        if length > 1 && (f_top ^ (f_top >> 63)) | (g_top ^ (g_top >> 63)) == 0 {
            f[length - 2] |= ((f_top as u64) << 62) as i64;
            g[length - 2] |= ((g_top as u64) << 62) as i64;
            length -= 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Fp;

    #[test]
    fn the_modulus_limbs_are_p() {
        assert_eq!(from_signed_62(&MODULUS), P);
        assert_eq!(to_signed_62(&P), MODULUS);
    }

    #[test]
    fn divsteps_invert_without_falling_back() {
        let mut x = Fp::from_u64(3);
        let mut values = vec![
            [1, 0, 0, 0],
            [2, 0, 0, 0],
            [0, 0, 0, P[3]],
            [u64::MAX, u64::MAX, u64::MAX, P[3] - 1],
        ];
        for _ in 0..2000 {
            x = x.square().add(&Fp::from_u64(7));
            values.push(x.to_canonical());
        }
        for value in values {
            let inverse = inverse(&value).expect("converges");
            let product = Fp::from_canonical(value)
                .expect("below p")
                .mul(&Fp::from_canonical(inverse).expect("below p"));
            assert_eq!(product, Fp::ONE, "{value:x?}");
        }
        assert_eq!(inverse(&[0; 4]), None);
    }
}
