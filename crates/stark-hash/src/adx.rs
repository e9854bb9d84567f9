//! Field multiplication and squaring in x86-64 assembly with `mulx`, `adcx` and `adox` (BMI2
//! and ADX), for processors that have them: each function takes an [`Adx`], which only
//! [`Adx::detect`] makes, after checking at run time.
//!
//! Why assembly: LLVM compiles the portable product (`field::product`) with `mul`, whose
//! fixed `rax`/`rdx` operands cost a move per partial product and spills (about 170
//! instructions for a multiplication), and it never emits `adcx`/`adox`, the two independent
//! carry chains that let a row of partial products be added as it is made. Here a
//! multiplication is 84 instructions (20 of them `mulx`), a squaring 71 (14), each with its
//! Montgomery reduction (27 instructions, two scratch registers: the prime's
//! shape is used further than in `field::reduce_lazy`, see `reduce_into_high_half`). Measured
//! (`examples/hash_timing`, minima): the Hades permutation 2.14 → 1.82–1.86 µs, Pedersen on
//! varied pairs 6.8 → 6.0–6.1 µs.

/// Proof that this processor has BMI2 (`mulx`) and ADX (`adcx`, `adox`): [`Adx::detect`] is
/// the only way to make one, so the assembly, which takes one, never runs where it would fault.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Adx(());

impl Adx {
    /// An `Adx` if this processor has both extensions. `std` caches the answer: a check is two
    /// loads and tests.
    #[inline(always)]
    pub(crate) fn detect() -> Option<Adx> {
        (std::arch::is_x86_feature_detected!("bmi2") && std::arch::is_x86_feature_detected!("adx"))
            .then_some(Adx(()))
    }
}

/// Montgomery reduction of the 512-bit value in `t0`…`t7` into `t4`…`t7`: what
/// `field::reduce_lazy` computes (below 2p for a value below p·2^256), in 27 instructions with
/// two scratch registers, `u` and `h` (and `rdx`).
///
/// With p = 1 + k·2^192 the multiplier is m = −t_low + t0·k·2^192 mod 2^256 and the result is
/// t_high + (m·k) / 2^64 + c3, where c3 is the carry out of limb 3 of t_low + m + lo(m0·k)·2^192
/// (the rest of that sum is zero by the choice of m):
/// - m0, m1, m2 = −(t0, t1, t2) as one 192-bit negation (`not` each, add 1); the carry out is
///   1 exactly when t0 = t1 = t2 = 0, the opposite of the borrow c that limb 3 takes.
/// - m3 = t0·k − t3 − c = ~t3 + u + (1 − c) with u = lo(t0·k): one `adc` on that carry. Since
///   t3 + c + ~t3 + (1 − c) = 2^64, limb 3's sum is 2^64 + u − w·2^64 + lo(m0·k) with w that
///   `adc`'s carry, and lo(m0·k) = −u mod 2^64: so c3 = 1 − w + [u ≠ 0], added to hi(m0·k)
///   (below 2^60, as k is: no overflow).
/// - m·k's limbs 1–4 summed on one carry chain (independent of t4…t7, so it runs while a
///   product's last row does), then added to t4…t7.
macro_rules! reduce_into_high_half {
    () => {
        concat!(
            "mov rdx, 0x0800000000000011\n",
            "mov {u}, {t0}\n",
            "imul {u}, rdx\n",
            "not {t0}\n",
            "not {t1}\n",
            "not {t2}\n",
            "add {t0}, 1\n",
            "adc {t1}, 0\n",
            "adc {t2}, 0\n",
            "not {t3}\n",
            "adc {t3}, {u}\n",
            "cmc\n",
            "mulx {h}, {t0}, {t0}\n",
            "adc {h}, 0\n",
            "neg {u}\n",
            "adc {h}, 0\n",
            "mulx {u}, {t1}, {t1}\n",
            "mulx {t0}, {t2}, {t2}\n",
            "mulx rdx, {t3}, {t3}\n",
            "add {t1}, {h}\n",
            "adc {t2}, {u}\n",
            "adc {t3}, {t0}\n",
            "adc rdx, 0\n",
            "add {t4}, {t1}\n",
            "adc {t5}, {t2}\n",
            "adc {t6}, {t3}\n",
            "adc {t7}, rdx\n",
        )
    };
}

/// One row of `mul_lazy`'s product after the first: `b · a_i` (`a_i` in the register named
/// first, `b` behind `x4`) added into the limbs named next, the row's low words on the carry
/// chain (`adcx`) and its high words on the overflow chain (`adox`); the last limb named is
/// new, the row's top word plus both chains' carries (which cannot overflow: the product so
/// far is below 2^(64·(i+5))).
macro_rules! row_of_products {
    ($a_i:literal, $t0:literal, $t1:literal, $t2:literal, $t3:literal, $top:literal) => {
        concat!(
            "mov rdx, {",
            $a_i,
            "}\n",
            "xor {u:e}, {u:e}\n",
            "mulx {h}, {u}, qword ptr [{x4}]\n",
            "adcx {",
            $t0,
            "}, {u}\n",
            "adox {",
            $t1,
            "}, {h}\n",
            "mulx {h}, {u}, qword ptr [{x4} + 8]\n",
            "adcx {",
            $t1,
            "}, {u}\n",
            "adox {",
            $t2,
            "}, {h}\n",
            "mulx {h}, {u}, qword ptr [{x4} + 16]\n",
            "adcx {",
            $t2,
            "}, {u}\n",
            "adox {",
            $t3,
            "}, {h}\n",
            "mulx {",
            $top,
            "}, {u}, qword ptr [{x4} + 24]\n",
            "adcx {",
            $t3,
            "}, {u}\n",
            "mov {u:e}, 0\n",
            "adox {",
            $top,
            "}, {u}\n",
            "adcx {",
            $top,
            "}, {u}\n",
        )
    };
}

/// `a · b` below 2p, for factors whose product is below p·2^256 (`field::reduce_lazy`'s
/// bounds): the 512-bit product row by row, each row's low words on the carry chain (`adcx`),
/// its high words on the overflow chain (`adox`), then the reduction
/// (`reduce_into_high_half`). `a` is in registers (a0–a2's then hold t5–t7), `b` is read from
/// memory by the `mulx`es. Thirteen registers.
#[inline(always)]
pub(crate) fn mul_lazy(_: Adx, a: [u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let (r0, r1, r2, r3): (u64, u64, u64, u64);
    // SAFETY: an `Adx` exists, so the processor has BMI2 and ADX; the block reads the four limbs
    // behind `b` (a live reference), writes only its declared registers and does not touch the
    // stack.
    unsafe {
        std::arch::asm!(
            // Row 0: a0·b.
            "mov rdx, {t5}",
            "mulx {t1}, {t0}, qword ptr [{x4}]",
            "mulx {t2}, {u}, qword ptr [{x4} + 8]",
            "add {t1}, {u}",
            "mulx {t3}, {u}, qword ptr [{x4} + 16]",
            "adc {t2}, {u}",
            "mulx {t4}, {u}, qword ptr [{x4} + 24]",
            "adc {t3}, {u}",
            "adc {t4}, 0",
            // Rows 1–3, each added as it is made.
            row_of_products!("t6", "t1", "t2", "t3", "t4", "t5"),
            row_of_products!("t7", "t2", "t3", "t4", "t5", "t6"),
            row_of_products!("x3", "t3", "t4", "t5", "t6", "t7"),
            reduce_into_high_half!(),
            // a0, a1, a2 come in the registers that hold t5, t6, t7 from rows 1, 2, 3 on;
            // a3 and `b`'s address in registers of their own.
            t5 = inout(reg) a[0] => r1,
            t6 = inout(reg) a[1] => r2,
            t7 = inout(reg) a[2] => r3,
            x3 = in(reg) a[3],
            x4 = in(reg) b.as_ptr(),
            t0 = out(reg) _,
            t1 = out(reg) _,
            t2 = out(reg) _,
            t3 = out(reg) _,
            t4 = out(reg) r0,
            u = out(reg) _,
            h = out(reg) _,
            out("rdx") _,
            options(pure, readonly, nostack),
        );
    }
    [r0, r1, r2, r3]
}

/// `a²` below 2p, for `a` below 5p: the six products of distinct limbs once, doubled, plus the
/// four squares, then the reduction (`reduce_into_high_half`). `a` is in registers, not read
/// from memory: on Poseidon's chain of S-boxes the input is the previous round's result, and a
/// round trip through memory added a store and a load to every round (Hades 1.97 → 1.87 µs
/// without it; a cube in one block, reading `x` from memory for both products, took 2.10 µs).
/// Thirteen registers: `a`'s limbs, each reused once its last product is made
/// (a0's for t0, a1's and a2's as the reduction's scratch, a3's as a diagonal square's low
/// word), t1–t7 (t7's is the off-diagonal rows' scratch until the doubling creates t7), and
/// one more scratch.
#[inline(always)]
pub(crate) fn square_lazy(_: Adx, a: [u64; 4]) -> [u64; 4] {
    let (r0, r1, r2, r3): (u64, u64, u64, u64);
    // SAFETY: an `Adx` exists, so the processor has BMI2 and ADX; the block reads and writes only
    // its declared registers and touches no memory.
    unsafe {
        std::arch::asm!(
            "mov rdx, {t0}",
            "mulx {t2}, {t1}, {u}",
            "mulx {t3}, {t7}, {h}",
            "add {t2}, {t7}",
            "mulx {t4}, {t7}, {a3}",
            "adc {t3}, {t7}",
            "adc {t4}, 0",
            "mov rdx, {u}",
            "xor {t7:e}, {t7:e}",
            "mulx {hi}, {t7}, {h}",
            "adcx {t3}, {t7}",
            "adox {t4}, {hi}",
            "mulx {t5}, {t7}, {a3}",
            "adcx {t4}, {t7}",
            "mov {t7:e}, 0",
            "adox {t5}, {t7}",
            "adcx {t5}, {t7}",
            "mov rdx, {h}",
            "mulx {t6}, {t7}, {a3}",
            "add {t5}, {t7}",
            "adc {t6}, 0",
            "xor {t7:e}, {t7:e}",
            "add {t1}, {t1}",
            "adc {t2}, {t2}",
            "adc {t3}, {t3}",
            "adc {t4}, {t4}",
            "adc {t5}, {t5}",
            "adc {t6}, {t6}",
            "adc {t7}, {t7}",
            "mov rdx, {t0}",
            "mulx {hi}, {t0}, rdx",
            "add {t1}, {hi}",
            "mov rdx, {u}",
            "mulx {hi}, {u}, rdx",
            "adc {t2}, {u}",
            "adc {t3}, {hi}",
            "mov rdx, {h}",
            "mulx {hi}, {h}, rdx",
            "adc {t4}, {h}",
            "adc {t5}, {hi}",
            "mov rdx, {a3}",
            "mulx {hi}, {a3}, rdx",
            "adc {t6}, {a3}",
            "adc {t7}, {hi}",
            reduce_into_high_half!(),
            t0 = inout(reg) a[0] => _,
            u = inout(reg) a[1] => _,
            h = inout(reg) a[2] => _,
            a3 = inout(reg) a[3] => _,
            t1 = out(reg) _,
            t2 = out(reg) _,
            t3 = out(reg) _,
            t4 = out(reg) r0,
            t5 = out(reg) r1,
            t6 = out(reg) r2,
            t7 = out(reg) r3,
            hi = out(reg) _,
            out("rdx") _,
            options(pure, nomem, nostack),
        );
    }
    [r0, r1, r2, r3]
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::field;

    /// Limbs that stress the carry chains: all ones, zero, one, the top bit alone, alternating.
    const EDGES: [[u64; 4]; 5] = [
        [u64::MAX; 4],
        [0; 4],
        [1, 0, 0, 0],
        [0, 0, 0, 1 << 63],
        [u64::MAX, 0, u64::MAX, 0],
    ];

    /// What the portable arithmetic computes for `a · b` and `a²`.
    fn portable(a: [u64; 4], b: [u64; 4]) -> ([u64; 4], [u64; 4]) {
        (
            field::reduce_lazy(field::product(&a, &b)),
            field::reduce_lazy(field::square_product(&a)),
        )
    }

    #[test]
    fn the_assembly_gives_the_portable_results_on_edge_limbs() {
        let Some(adx) = super::Adx::detect() else {
            eprintln!("no BMI2/ADX here: only the portable arithmetic runs");
            return;
        };
        // Any limbs, not only factors within the bounds: both sides compute modulo 2^256 alike.
        for a in EDGES {
            for b in EDGES {
                let ours = (super::mul_lazy(adx, a, &b), super::square_lazy(adx, a));
                assert_eq!(ours, portable(a, b), "{a:x?}, {b:x?}");
            }
        }
    }

    proptest! {
        #[test]
        fn the_assembly_gives_the_portable_results(a: [u64; 4], b: [u64; 4]) {
            // Without BMI2/ADX (valgrind's virtual CPU has neither) there is nothing to compare.
            if let Some(adx) = super::Adx::detect() {
                let ours = (super::mul_lazy(adx, a, &b), super::square_lazy(adx, a));
                prop_assert_eq!(ours, portable(a, b));
            }
        }
    }
}
