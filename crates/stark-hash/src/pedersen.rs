//! Starknet's Pedersen hash: `H(a, b)` is the x of `P0 + a_low·P1 + a_high·P2 + b_low·P3 +
//! b_high·P4`, where `low` is a felt's 248 low bits and `high` its 4 high bits.
//!
//! Each scalar multiplication reads fixed-base tables with signed 10-bit windows: the low part
//! is recoded into 25 digits in [−511, 512], and for window `j` the table holds the affine
//! points `d·2^(10j)·P` (d = 1…512), a negative digit taking the point's negation. A hash is
//! then at most 52 mixed additions into one Jacobian sum, and one inversion. The tables (1.6 MiB)
//! are built once, on first use, from the base points `lambdaworks-crypto` publishes (the ones
//! `starknet-types-core` hashes with).
//!
//! Half of that sum, `P0 + a_low·P1 + a_high·P2`, depends on `a` alone, and `a` is the same
//! from hash to hash where contracts hash the most: a storage address is `H(base, key)` with
//! `base` the variable's selector, a nested map hashes the same inner result again. Each thread
//! keeps the last partial sums it computed (a small table indexed by `a`, compared in full), so
//! such a hash adds `b`'s half only: about 26 additions instead of 52. And a contract that
//! reads a storage variable and then writes it hashes the same pair twice: each thread also
//! keeps the last whole hashes (a few hundred). A miss in either costs a lookup and a copy.

use std::cell::RefCell;
use std::sync::OnceLock;

use lambdaworks_crypto::hash::pedersen::{Pedersen, PedersenStarkCurve};
use lambdaworks_math::elliptic_curve::short_weierstrass::curves::stark_curve::StarkCurve;
use lambdaworks_math::elliptic_curve::short_weierstrass::point::ShortWeierstrassProjectivePoint;
use lambdaworks_math::elliptic_curve::traits::IsEllipticCurve;
use lambdaworks_math::field::element::FieldElement;
use lambdaworks_math::field::fields::fft_friendly::stark_252_prime_field::Stark252PrimeField;

use crate::curve::{Affine, Jacobian};
use crate::field::{Fp, Multiplier};
use crate::fixed_base::{bits, signed_window_point, window_table};
use crate::memo::Recent;

/// Bits per window.
const WINDOW: usize = 10;
/// Points per window: digits 1…512 (their negations give −1…−511).
const PER_WINDOW: usize = 1 << (WINDOW - 1);
/// Windows of a 248-bit low part (the last one takes 8 bits and the carry).
const LOW_WINDOWS: usize = 248_usize.div_ceil(WINDOW);

/// The fixed-base tables of one hash.
struct Tables {
    shift: Affine,
    /// a_low's base (P1), b_low's (P3): window `j`, digit `d` at `j·512 + d − 1`.
    low: [Vec<Affine>; 2],
    /// a_high's base (P2), b_high's (P4): digit `d` (1…15) at `d − 1`.
    high: [Vec<Affine>; 2],
}

fn field(element: &FieldElement<Stark252PrimeField>) -> Fp {
    let mut limbs = element.value().limbs;
    limbs.reverse();
    // lambdaworks' elements are reduced; zero would only come from a broken constant.
    Fp::from_montgomery(limbs).unwrap_or(Fp::ZERO)
}

fn affine(point: &ShortWeierstrassProjectivePoint<StarkCurve>) -> Affine {
    let point = point.to_affine();
    Affine {
        x: field(point.x()),
        y: field(point.y()),
    }
}

/// lambdaworks' shift point and P1…P4 (the first entries of its tables), read through its
/// public `Pedersen` trait (the parameters' own trait is private there).
fn base_points<Parameters: Pedersen<EC = StarkCurve>>() -> [Affine; 5] {
    [
        affine(&Parameters::SHIFT_POINT),
        affine(&Parameters::POINTS_P1[0]),
        affine(&Parameters::POINTS_P2[0]),
        affine(&Parameters::POINTS_P3[0]),
        affine(&Parameters::POINTS_P4[0]),
    ]
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let [shift, p1, p2, p3, p4] = base_points::<PedersenStarkCurve>();
        Tables {
            shift,
            low: [
                window_table(p1, WINDOW, LOW_WINDOWS, PER_WINDOW),
                window_table(p3, WINDOW, LOW_WINDOWS, PER_WINDOW),
            ],
            high: [
                window_table(p2, WINDOW, 1, 15),
                window_table(p4, WINDOW, 1, 15),
            ],
        }
    })
}

/// Points of one scalar's sum: at most a point a low window and one for the top bits.
type Gathered = [Affine; LOW_WINDOWS + 1];

/// The table points whose sum is `scalar`'s multiple of a base, into `points`, and how many:
/// its 248 low bits, recoded into signed 10-bit digits, through `low`; its top 4 bits (below
/// 16: a felt is below 2^252) through `high`.
///
/// The table points are gathered before the first addition: each is a random read of tables
/// larger than a core's L2 cache, which the additions (a thousand instructions each) would
/// otherwise reach one at a time, while gathered up front the reads overlap.
#[inline(always)]
fn gather(scalar: &[u64; 4], low: &[Affine], high: &[Affine], points: &mut Gathered) -> usize {
    let mut count = 0;
    let mut carry = 0;
    for window in 0..LOW_WINDOWS {
        let start = window * WINDOW;
        let width = WINDOW.min(248 - start);
        let raw = bits(scalar, start, width) + carry;
        // Digits above 512 become negative with a carry into the next window; the last
        // window (8 bits and a carry, at most 256) never carries out.
        let window_points = &low[window * PER_WINDOW..(window + 1) * PER_WINDOW];
        let (point, carry_out) = signed_window_point(window_points, WINDOW, raw);
        carry = carry_out;
        if let Some(point) = point {
            points[count] = point;
            count += 1;
        }
    }
    let top = (scalar[3] >> 56) as usize;
    if top != 0 {
        points[count] = high[top - 1];
        count += 1;
    }
    count
}

/// No points yet.
const NO_POINTS: Gathered = [Affine {
    x: Fp::ZERO,
    y: Fp::ZERO,
}; LOW_WINDOWS + 1];

/// Adds `scalar`'s multiple of a base to `sum` (see [`gather`]).
#[inline(always)]
fn accumulate<M: Multiplier>(
    multiplier: M,
    sum: &mut Jacobian,
    scalar: &[u64; 4],
    low: &[Affine],
    high: &[Affine],
) {
    let mut points = NO_POINTS;
    let count = gather(scalar, low, high, &mut points);
    for point in &points[..count] {
        *sum = sum.add_affine_with(multiplier, point);
    }
}

/// First operands whose partial sums each thread keeps.
const FIRST_OPERAND_SLOTS: usize = 64;
/// Whole hashes each thread keeps: enough for the storage addresses one transaction reads and
/// then writes (a read-modify-write hashes the same pair twice).
const RESULT_SLOTS: usize = 256;

thread_local! {
    /// A first operand's canonical limbs and `P0 + a_low·P1 + a_high·P2`.
    static FIRST_OPERAND_SUMS: RefCell<Recent<[u64; 4], Jacobian, FIRST_OPERAND_SLOTS>> =
        const { RefCell::new(Recent::new()) };
    /// Both operands' canonical limbs (below p) and the hash.
    static RESULTS: RefCell<Recent<[u64; 8], Fp, RESULT_SLOTS>> =
        const { RefCell::new(Recent::new()) };
}

/// `P0 + a_low·P1 + a_high·P2`, from this thread's memo when `a` was hashed lately.
fn first_operand_sum<M: Multiplier>(multiplier: M, tables: &Tables, a: &[u64; 4]) -> Jacobian {
    let compute = || {
        let mut sum = Jacobian::from(tables.shift);
        accumulate(multiplier, &mut sum, a, &tables.low[0], &tables.high[0]);
        sum
    };
    // A thread being torn down has no memo left: compute without it.
    FIRST_OPERAND_SUMS
        .try_with(|sums| sums.borrow_mut().get_or_insert_with(*a, compute))
        .unwrap_or_else(|_| compute())
}

/// The hash of canonical limbs (below p), computed: on AVX-512 IFMA in four lanes
/// (`ifma::curve`), unless a lane meets a case its additions leave out; else in the
/// general-purpose registers.
fn compute(a: &[u64; 4], b: &[u64; 4]) -> Fp {
    #[cfg(target_arch = "x86_64")]
    if let Some(ifma) = crate::ifma::Ifma::detect() {
        if let Some(hash) = compute_with_ifma(ifma, a, b) {
            return hash;
        }
    }
    with_fastest_multiplier!(|multiplier| compute_with(multiplier, a, b))
}

/// A first operand's half of the sum, `P0 + a_low·P1 + a_high·P2`, as the IFMA path keeps it:
/// the four lanes' sums after its points, and (once a hash needed it) the lanes added up.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug)]
struct FirstOperandLanes {
    lanes: crate::ifma::curve::LaneSums,
    total: Option<Jacobian>,
}

#[cfg(target_arch = "x86_64")]
thread_local! {
    /// A first operand's canonical limbs and its half of the sum.
    static FIRST_OPERAND_LANES: RefCell<Recent<[u64; 4], FirstOperandLanes, FIRST_OPERAND_SLOTS>> =
        const { RefCell::new(Recent::new()) };
}

/// From how many second-operand points on the IFMA path adds them in the lanes: adding the
/// lanes up costs about six mixed additions in the general-purpose registers, and four lanes
/// take four points in about one and a half mixed additions' time, so fewer points are added
/// to the first operand's total one by one (a storage address with a small key: a few).
#[cfg(target_arch = "x86_64")]
const LANES_FROM: usize = 10;

/// [`compute`] on AVX-512 IFMA, `None` if a lane met a case its additions leave out (see
/// `ifma::curve`).
#[cfg(target_arch = "x86_64")]
pub(crate) fn compute_with_ifma(ifma: crate::ifma::Ifma, a: &[u64; 4], b: &[u64; 4]) -> Option<Fp> {
    use crate::ifma::curve::LaneSums;
    let tables = tables();
    let first = || {
        let mut lanes = LaneSums::start(&tables.shift);
        let mut points = NO_POINTS;
        let count = gather(a, &tables.low[0], &tables.high[0], &mut points);
        lanes.add(ifma, &points[..count]);
        FirstOperandLanes { lanes, total: None }
    };
    // A thread being torn down has no memo left: compute without it.
    let first = FIRST_OPERAND_LANES
        .try_with(|memo| memo.borrow_mut().get_or_insert_with(*a, first))
        .unwrap_or_else(|_| first());
    let mut points = NO_POINTS;
    let count = gather(b, &tables.low[1], &tables.high[1], &mut points);
    let sum = if count >= LANES_FROM {
        let mut lanes = first.lanes;
        lanes.add(ifma, &points[..count]);
        lanes.total(ifma)?
    } else {
        let mut sum = match first.total {
            Some(total) => total,
            None => {
                let total = first.lanes.total(ifma)?;
                let kept = FirstOperandLanes {
                    total: Some(total),
                    ..first
                };
                // Without a memo (a thread being torn down) there is nothing to keep.
                let _ = FIRST_OPERAND_LANES.try_with(|memo| memo.borrow_mut().insert(*a, kept));
                total
            }
        };
        with_fastest_multiplier!(|multiplier| {
            for point in &points[..count] {
                sum = sum.add_affine_with(multiplier, point);
            }
        });
        sum
    };
    // The sum is at infinity only for inputs that solve a discrete logarithm.
    Some(sum.affine_x().unwrap_or(Fp::ZERO))
}

/// [`compute`] with one kind of multiplication (see `Multiplier`).
pub(crate) fn compute_with<M: Multiplier>(multiplier: M, a: &[u64; 4], b: &[u64; 4]) -> Fp {
    let tables = tables();
    let mut sum = first_operand_sum(multiplier, tables, a);
    accumulate(multiplier, &mut sum, b, &tables.low[1], &tables.high[1]);
    // The sum is at infinity only for inputs that solve a discrete logarithm.
    sum.affine_x().unwrap_or(Fp::ZERO)
}

/// The Pedersen hash of `a` and `b`, given as canonical limbs below p (the scalars the sum
/// takes, so no conversion into the field comes before the tables), from this thread's memo
/// when the pair was hashed lately.
pub fn hash(a: &[u64; 4], b: &[u64; 4]) -> Fp {
    let key = [a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]];
    RESULTS
        .try_with(|results| {
            results
                .borrow_mut()
                .get_or_insert_with(key, || compute(a, b))
        })
        .unwrap_or_else(|_| compute(a, b))
}

/// The Stark curve's generator (the IFMA sums start three lanes at its multiples; ECDSA's
/// `z·G` reads `fixed_base`'s table of its multiples).
pub(crate) fn generator() -> Affine {
    affine(&StarkCurve::generator())
}
