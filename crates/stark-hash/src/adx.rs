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
//! varied pairs 6.8 → 6.0–6.1 µs. Poseidon's partial round is one block of its own
//! ([`partial_round`]), built from the same macros.

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

/// Montgomery reduction of the 512-bit value in the registers named `t0`…`t7` into `t4`…`t7`:
/// what `field::reduce_lazy` computes (below 2p for a value below p·2^256), in 27 instructions
/// with two scratch registers, named `u` and `h` (and `rdx`). The names are the operands' in the
/// calling block, so that each block can give the roles to the registers that are free there.
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
#[rustfmt::skip]
macro_rules! reduce_into_high_half {
    (
        $t0:literal,
        $t1:literal,
        $t2:literal,
        $t3:literal,
        $t4:literal,
        $t5:literal,
        $t6:literal,
        $t7:literal,
        $u:literal,
        $h:literal
    ) => {
        concat!(
            "mov rdx, 0x0800000000000011\n",
            "mov {", $u, "}, {", $t0, "}\n",
            "imul {", $u, "}, rdx\n",
            "not {", $t0, "}\n",
            "not {", $t1, "}\n",
            "not {", $t2, "}\n",
            "add {", $t0, "}, 1\n",
            "adc {", $t1, "}, 0\n",
            "adc {", $t2, "}, 0\n",
            "not {", $t3, "}\n",
            "adc {", $t3, "}, {", $u, "}\n",
            "cmc\n",
            "mulx {", $h, "}, {", $t0, "}, {", $t0, "}\n",
            "adc {", $h, "}, 0\n",
            "neg {", $u, "}\n",
            "adc {", $h, "}, 0\n",
            "mulx {", $u, "}, {", $t1, "}, {", $t1, "}\n",
            "mulx {", $t0, "}, {", $t2, "}, {", $t2, "}\n",
            "mulx rdx, {", $t3, "}, {", $t3, "}\n",
            "add {", $t1, "}, {", $h, "}\n",
            "adc {", $t2, "}, {", $u, "}\n",
            "adc {", $t3, "}, {", $t0, "}\n",
            "adc rdx, 0\n",
            "add {", $t4, "}, {", $t1, "}\n",
            "adc {", $t5, "}, {", $t2, "}\n",
            "adc {", $t6, "}, {", $t3, "}\n",
            "adc {", $t7, "}, rdx\n",
        )
    };
}

/// One row of `mul_lazy`'s product after the first: `b · a_i` (`a_i` in the register named
/// first, `b`'s limbs behind the address in the one named last, `u` and `h` scratch) added into
/// the limbs named next, the row's low words on the carry
/// chain (`adcx`) and its high words on the overflow chain (`adox`); the last limb named is
/// new, the row's top word plus both chains' carries (which cannot overflow: the product so
/// far is below 2^(64·(i+5))).
#[rustfmt::skip]
macro_rules! row_of_products {
    (
        $a_i:literal,
        $t0:literal,
        $t1:literal,
        $t2:literal,
        $t3:literal,
        $top:literal,
        $u:literal,
        $h:literal,
        $b:literal
    ) => {
        concat!(
            "mov rdx, {", $a_i, "}\n",
            "xor {", $u, ":e}, {", $u, ":e}\n",
            "mulx {", $h, "}, {", $u, "}, qword ptr [{", $b, "}]\n",
            "adcx {", $t0, "}, {", $u, "}\n",
            "adox {", $t1, "}, {", $h, "}\n",
            "mulx {", $h, "}, {", $u, "}, qword ptr [{", $b, "} + 8]\n",
            "adcx {", $t1, "}, {", $u, "}\n",
            "adox {", $t2, "}, {", $h, "}\n",
            "mulx {", $h, "}, {", $u, "}, qword ptr [{", $b, "} + 16]\n",
            "adcx {", $t2, "}, {", $u, "}\n",
            "adox {", $t3, "}, {", $h, "}\n",
            "mulx {", $top, "}, {", $u, "}, qword ptr [{", $b, "} + 24]\n",
            "adcx {", $t3, "}, {", $u, "}\n",
            "mov {", $u, ":e}, 0\n",
            "adox {", $top, "}, {", $u, "}\n",
            "adcx {", $top, "}, {", $u, "}\n",
        )
    };
}

/// The first row of a product, `b · a0` (`a0` in the register named first, `b`'s limbs behind
/// the address in the one named last), into the five limbs named next, with `u` as scratch.
#[rustfmt::skip]
macro_rules! first_row_of_products {
    (
        $a0:literal,
        $t0:literal,
        $t1:literal,
        $t2:literal,
        $t3:literal,
        $t4:literal,
        $u:literal,
        $b:literal
    ) => {
        concat!(
            "mov rdx, {", $a0, "}\n",
            "mulx {", $t1, "}, {", $t0, "}, qword ptr [{", $b, "}]\n",
            "mulx {", $t2, "}, {", $u, "}, qword ptr [{", $b, "} + 8]\n",
            "add {", $t1, "}, {", $u, "}\n",
            "mulx {", $t3, "}, {", $u, "}, qword ptr [{", $b, "} + 16]\n",
            "adc {", $t2, "}, {", $u, "}\n",
            "mulx {", $t4, "}, {", $u, "}, qword ptr [{", $b, "} + 24]\n",
            "adc {", $t3, "}, {", $u, "}\n",
            "adc {", $t4, "}, 0\n",
        )
    };
}

/// The 512-bit square of the value in `a0`, `a1`, `a2` (registers) and `a3` (an operand as
/// written: a register's `{name}` or a memory reference) into `a0` (the low limb), `t1`…`t7`:
/// the six products of distinct limbs once, doubled, plus the four squares. `a3_low` is the
/// register that takes a3²'s low word (free by then), `hi` a scratch; a1 and a2 are scratch
/// from their squares on.
#[rustfmt::skip]
macro_rules! square_product {
    (
        $a0:literal,
        $a1:literal,
        $a2:literal,
        $a3:literal,
        $a3_low:literal,
        $t1:literal,
        $t2:literal,
        $t3:literal,
        $t4:literal,
        $t5:literal,
        $t6:literal,
        $t7:literal,
        $hi:literal
    ) => {
        concat!(
            "mov rdx, {", $a0, "}\n",
            "mulx {", $t2, "}, {", $t1, "}, {", $a1, "}\n",
            "mulx {", $t3, "}, {", $t7, "}, {", $a2, "}\n",
            "add {", $t2, "}, {", $t7, "}\n",
            "mulx {", $t4, "}, {", $t7, "}, ", $a3, "\n",
            "adc {", $t3, "}, {", $t7, "}\n",
            "adc {", $t4, "}, 0\n",
            "mov rdx, {", $a1, "}\n",
            "xor {", $t7, ":e}, {", $t7, ":e}\n",
            "mulx {", $hi, "}, {", $t7, "}, {", $a2, "}\n",
            "adcx {", $t3, "}, {", $t7, "}\n",
            "adox {", $t4, "}, {", $hi, "}\n",
            "mulx {", $t5, "}, {", $t7, "}, ", $a3, "\n",
            "adcx {", $t4, "}, {", $t7, "}\n",
            "mov {", $t7, ":e}, 0\n",
            "adox {", $t5, "}, {", $t7, "}\n",
            "adcx {", $t5, "}, {", $t7, "}\n",
            "mov rdx, {", $a2, "}\n",
            "mulx {", $t6, "}, {", $t7, "}, ", $a3, "\n",
            "add {", $t5, "}, {", $t7, "}\n",
            "adc {", $t6, "}, 0\n",
            "xor {", $t7, ":e}, {", $t7, ":e}\n",
            "add {", $t1, "}, {", $t1, "}\n",
            "adc {", $t2, "}, {", $t2, "}\n",
            "adc {", $t3, "}, {", $t3, "}\n",
            "adc {", $t4, "}, {", $t4, "}\n",
            "adc {", $t5, "}, {", $t5, "}\n",
            "adc {", $t6, "}, {", $t6, "}\n",
            "adc {", $t7, "}, {", $t7, "}\n",
            "mov rdx, {", $a0, "}\n",
            "mulx {", $hi, "}, {", $a0, "}, rdx\n",
            "add {", $t1, "}, {", $hi, "}\n",
            "mov rdx, {", $a1, "}\n",
            "mulx {", $hi, "}, {", $a1, "}, rdx\n",
            "adc {", $t2, "}, {", $a1, "}\n",
            "adc {", $t3, "}, {", $hi, "}\n",
            "mov rdx, {", $a2, "}\n",
            "mulx {", $hi, "}, {", $a2, "}, rdx\n",
            "adc {", $t4, "}, {", $a2, "}\n",
            "adc {", $t5, "}, {", $hi, "}\n",
            "mov rdx, ", $a3, "\n",
            "mulx {", $hi, "}, {", $a3_low, "}, rdx\n",
            "adc {", $t6, "}, {", $a3_low, "}\n",
            "adc {", $t7, "}, {", $hi, "}\n",
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
            first_row_of_products!("t5", "t0", "t1", "t2", "t3", "t4", "u", "x4"),
            // Rows 1–3, each added as it is made.
            row_of_products!("t6", "t1", "t2", "t3", "t4", "t5", "u", "h", "x4"),
            row_of_products!("t7", "t2", "t3", "t4", "t5", "t6", "u", "h", "x4"),
            row_of_products!("x3", "t3", "t4", "t5", "t6", "t7", "u", "h", "x4"),
            reduce_into_high_half!("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "u", "h"),
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
            square_product!("t0", "u", "h", "{a3}", "a3", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "hi"),
            reduce_into_high_half!("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "u", "h"),
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

/// Poseidon's partial-round state between rounds, in memory, where one register reaches all of
/// it (`partial_round` needs every other register for its products).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PartialRounds {
    /// The round's S-box input, stored at its start: the multiplication reads it from here, and
    /// so does the square for its top limb.
    x: [u64; 4],
    /// u = s0 + s1, below p.
    u: [u64; 4],
    /// d = s0 − s1, below 2p.
    d: [u64; 4],
    /// (u + the next round's constant) brought below p, plus 4p: the next S-box input less
    /// twice this round's S-box output.
    base: [u64; 4],
}

impl PartialRounds {
    /// The state before the first partial round: u = s0 + s1 and d = s0 − s1 (Montgomery
    /// limbs, u below p, d below 2p).
    pub(crate) fn new(u: [u64; 4], d: [u64; 4]) -> PartialRounds {
        PartialRounds {
            u,
            d,
            ..PartialRounds::default()
        }
    }

    /// u (below p) and d (below 2p) as the rounds left them.
    pub(crate) fn sum_and_difference(&self) -> ([u64; 4], [u64; 4]) {
        (self.u, self.d)
    }
}

/// One partial round of the Hades permutation in one block: `x` (the S-box input, below 5p) →
/// y = x³ (below 2p) → the next S-box input `base − 2y` (returned, below 5p), with u and d
/// (see [`PartialRounds`]) carried forward: u' = 2(u + d + y) brought below p, d' = 2u.
///
/// Why one block: with the square and the multiplication as blocks of their own, LLVM moved
/// and spilled values between them (a round was about 310 instructions, 87 of them touching
/// the stack); here a round is about 245, none on the stack. Measured (`hash_timing`, same
/// runs): the Hades permutation 2.67 → 2.43 µs; with everything off the S-box chain left out
/// (wrong results, for the measurement only) it would be 2.36 µs, so the rounds now wait on
/// the chain of multiplications alone. Tried and slower: x3 kept in `rbx` (saved and restored)
/// instead of read back from memory (2.52 µs), and the next input taken as (base − 2Q) − 2T
/// with Q the reduction's quotient part, which comes last, not first (2.63 µs).
///
/// Thirteen registers: x's limbs in `a0`, `a1`, `a2`, `t7` (the square reads the top one back
/// from memory, as t7 is its scratch), the constant's address in `t1` (scratch once base is
/// made), six more, and `st`, the state's address.
#[inline(always)]
pub(crate) fn partial_round(
    _: Adx,
    x: [u64; 4],
    state: &mut PartialRounds,
    next_constant: &[u64; 4],
) -> [u64; 4] {
    let (r0, r1, r2, r3): (u64, u64, u64, u64);
    // SAFETY: an `Adx` exists, so the processor has BMI2 and ADX; the block reads and writes
    // only the 128 bytes of `*state` (a live exclusive reference, `repr(C)`: x, u, d, base at
    // offsets 0, 32, 64, 96) and reads the 32 behind `next_constant`; it writes only its
    // declared registers and does not touch the stack.
    unsafe {
        std::arch::asm!(
            // base = reduce(u + c) + 4p, the multiple of p taken away estimated from the top
            // bits (`field::reduce_below_p`) and one p added back if it was one too many.
            "mov {t2}, qword ptr [{st} + 32]",
            "mov {t3}, qword ptr [{st} + 40]",
            "mov {t4}, qword ptr [{st} + 48]",
            "mov {t5}, qword ptr [{st} + 56]",
            "add {t2}, qword ptr [{t1}]",
            "adc {t3}, qword ptr [{t1} + 8]",
            "adc {t4}, qword ptr [{t1} + 16]",
            "adc {t5}, qword ptr [{t1} + 24]",
            "mov {t6}, {t5}",
            "shr {t6}, 59",
            "mov rdx, 0x0800000000000011",
            "imul rdx, {t6}",
            "sub {t2}, {t6}",
            "sbb {t3}, 0",
            "sbb {t4}, 0",
            "sbb {t5}, rdx",
            "sbb {hi}, {hi}",
            "mov {t6}, 4",
            "sub {t6}, {hi}",
            "mov rdx, 0x0800000000000011",
            "imul rdx, {t6}",
            "add {t2}, {t6}",
            "adc {t3}, 0",
            "adc {t4}, 0",
            "adc {t5}, rdx",
            "mov qword ptr [{st} + 96], {t2}",
            "mov qword ptr [{st} + 104], {t3}",
            "mov qword ptr [{st} + 112], {t4}",
            "mov qword ptr [{st} + 120], {t5}",
            // x to memory, for the multiplication and the square's top limb.
            "mov qword ptr [{st}], {a0}",
            "mov qword ptr [{st} + 8], {a1}",
            "mov qword ptr [{st} + 16], {a2}",
            "mov qword ptr [{st} + 24], {t7}",
            // x²: `square_lazy`'s products with x3 read from memory.
            square_product!(
                "a0", "a1", "a2", "qword ptr [{st} + 24]", "a2",
                "t1", "t2", "t3", "t4", "t5", "t6", "t7", "hi"
            ),
            reduce_into_high_half!("a0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "a1", "a2"),
            // y = x² · x: `mul_lazy` with x² in t4…t7 and x in memory; y in hi, t4, t5, t6.
            first_row_of_products!("t4", "a0", "t1", "t2", "t3", "hi", "a1", "st"),
            row_of_products!("t5", "t1", "t2", "t3", "hi", "t4", "a1", "a2", "st"),
            row_of_products!("t6", "t2", "t3", "hi", "t4", "t5", "a1", "a2", "st"),
            row_of_products!("t7", "t3", "hi", "t4", "t5", "t6", "a1", "a2", "st"),
            reduce_into_high_half!("a0", "t1", "t2", "t3", "hi", "t4", "t5", "t6", "a1", "a2"),
            // W = u + d + y in a0, a1, a2, t1; then d' = 2u.
            "mov {a0}, qword ptr [{st} + 32]",
            "mov {a1}, qword ptr [{st} + 40]",
            "mov {a2}, qword ptr [{st} + 48]",
            "mov {t1}, qword ptr [{st} + 56]",
            "add {a0}, qword ptr [{st} + 64]",
            "adc {a1}, qword ptr [{st} + 72]",
            "adc {a2}, qword ptr [{st} + 80]",
            "adc {t1}, qword ptr [{st} + 88]",
            "mov {t2}, qword ptr [{st} + 32]",
            "mov {t3}, qword ptr [{st} + 40]",
            "mov {t7}, qword ptr [{st} + 48]",
            "mov rdx, qword ptr [{st} + 56]",
            "add {t2}, {t2}",
            "adc {t3}, {t3}",
            "adc {t7}, {t7}",
            "adc rdx, rdx",
            "mov qword ptr [{st} + 64], {t2}",
            "mov qword ptr [{st} + 72], {t3}",
            "mov qword ptr [{st} + 80], {t7}",
            "mov qword ptr [{st} + 88], rdx",
            "add {a0}, {hi}",
            "adc {a1}, {t4}",
            "adc {a2}, {t5}",
            "adc {t1}, {t6}",
            // u' = 2W (below 10p) brought below p, as base was.
            "add {a0}, {a0}",
            "adc {a1}, {a1}",
            "adc {a2}, {a2}",
            "adc {t1}, {t1}",
            "mov {t2}, {t1}",
            "shr {t2}, 59",
            "mov rdx, 0x0800000000000011",
            "imul rdx, {t2}",
            "sub {a0}, {t2}",
            "sbb {a1}, 0",
            "sbb {a2}, 0",
            "sbb {t1}, rdx",
            "sbb {t3}, {t3}",
            "mov rdx, 0x0800000000000011",
            "and rdx, {t3}",
            "neg {t3}",
            "add {a0}, {t3}",
            "adc {a1}, 0",
            "adc {a2}, 0",
            "adc {t1}, rdx",
            "mov qword ptr [{st} + 32], {a0}",
            "mov qword ptr [{st} + 40], {a1}",
            "mov qword ptr [{st} + 48], {a2}",
            "mov qword ptr [{st} + 56], {t1}",
            // The next S-box input: base − 2y (2y by shifts: no carry runs between limbs).
            "shld {t6}, {t5}, 1",
            "shld {t5}, {t4}, 1",
            "shld {t4}, {hi}, 1",
            "shl {hi}, 1",
            "mov {a0}, qword ptr [{st} + 96]",
            "mov {a1}, qword ptr [{st} + 104]",
            "mov {a2}, qword ptr [{st} + 112]",
            "mov {t7}, qword ptr [{st} + 120]",
            "sub {a0}, {hi}",
            "sbb {a1}, {t4}",
            "sbb {a2}, {t5}",
            "sbb {t7}, {t6}",
            a0 = inout(reg) x[0] => r0,
            a1 = inout(reg) x[1] => r1,
            a2 = inout(reg) x[2] => r2,
            t7 = inout(reg) x[3] => r3,
            t1 = inout(reg) next_constant.as_ptr() => _,
            st = in(reg) std::ptr::from_mut(state),
            t2 = out(reg) _,
            t3 = out(reg) _,
            t4 = out(reg) _,
            t5 = out(reg) _,
            t6 = out(reg) _,
            hi = out(reg) _,
            out("rdx") _,
            options(nostack),
        );
    }
    [r0, r1, r2, r3]
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::field::{self, Fp};

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

    /// Montgomery limbs as an unreduced value.
    fn lazy(limbs: [u64; 4]) -> Fp {
        Fp::from_montgomery_lazy(limbs)
    }

    /// What `partial_round` must leave, exactly (not only modulo p: the next round relies on
    /// the bounds): the next S-box input, u' and d'.
    fn reference_round(x: [u64; 4], u: [u64; 4], d: [u64; 4], c: [u64; 4]) -> [[u64; 4]; 3] {
        let base = lazy(field::reduce_below_p(
            lazy(u).add_lazy(&lazy(c)).to_montgomery(),
        ))
        .add_lazy(&Fp::multiple_of_p(4));
        let square = field::reduce_lazy(field::square_product(&x));
        let y = lazy(field::reduce_lazy(field::product(&square, &x)));
        let sum = lazy(u).add_lazy(&lazy(d)).add_lazy(&y).double_lazy();
        [
            base.sub_lazy(&y.double_lazy()).to_montgomery(),
            field::reduce_below_p(sum.to_montgomery()),
            lazy(u).double_lazy().to_montgomery(),
        ]
    }

    /// `partial_round` on x, u, d and c, and what it leaves: the next input, u' and d'.
    fn assembly_round(
        adx: super::Adx,
        x: [u64; 4],
        u: [u64; 4],
        d: [u64; 4],
        c: [u64; 4],
    ) -> [[u64; 4]; 3] {
        let mut state = super::PartialRounds::new(u, d);
        let next = super::partial_round(adx, x, &mut state, &c);
        let (u, d) = state.sum_and_difference();
        [next, u, d]
    }

    /// `k·p + value` for a value below p.
    fn plus_multiple_of_p(value: [u64; 4], k: u64) -> [u64; 4] {
        lazy(value).add_lazy(&Fp::multiple_of_p(k)).to_montgomery()
    }

    #[test]
    fn a_partial_round_in_one_block_gives_exactly_the_portable_values_on_edges() {
        let Some(adx) = super::Adx::detect() else {
            eprintln!("no BMI2/ADX here: only the portable arithmetic runs");
            return;
        };
        let minus_one = [0, 0, 0, field::P[3]];
        let constant = [7, 0, 3, 1 << 58];
        // u + c = 2^251 + 5, in [2^251, p): the multiple of p estimated from the top bits is one
        // too many, and one p is added back.
        let borrowing_u = lazy([5, 0, 0, 1 << 59])
            .sub_lazy(&lazy(constant))
            .to_montgomery();
        assert_eq!(field::reduce_below_p(borrowing_u), borrowing_u, "u below p");
        let values = [
            [0; 4],
            [1, 0, 0, 0],
            minus_one,
            [u64::MAX, u64::MAX, 3, 7],
            borrowing_u,
        ];
        for x in values {
            for k in 0..5 {
                let x = plus_multiple_of_p(x, k);
                for u in values {
                    for d in [[0; 4], minus_one, plus_multiple_of_p(minus_one, 1)] {
                        for c in [[0; 4], minus_one, constant] {
                            assert_eq!(
                                assembly_round(adx, x, u, d, c),
                                reference_round(x, u, d, c),
                                "x {x:x?}, u {u:x?}, d {d:x?}, c {c:x?}"
                            );
                        }
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn a_partial_round_in_one_block_gives_exactly_the_portable_values(
            x: [u64; 4],
            k in 0u64..5,
            u: [u64; 4],
            d: [u64; 4],
            d_above_p: bool,
            c: [u64; 4],
        ) {
            if let Some(adx) = super::Adx::detect() {
                let x = plus_multiple_of_p(field::reduce_below_p(x), k);
                let u = field::reduce_below_p(u);
                let d = plus_multiple_of_p(field::reduce_below_p(d), u64::from(d_above_p));
                let c = field::reduce_below_p(c);
                prop_assert_eq!(assembly_round(adx, x, u, d, c), reference_round(x, u, d, c));
            }
        }

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
