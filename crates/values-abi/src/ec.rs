//! `EcState` values in one canonical form for both backends.
//!
//! An `EcState` is an accumulator of STARK-curve points. The VM keeps it as (sum + R, R) for a
//! random point R that its hint draws at `ec_state_init` (so the CASM additions never meet the
//! identity), natively it is (sum, identity). The two representations of one state differ, and
//! the VM's even differs from run to run; what a program means by a state is its sum. So every
//! backend reads a state back as `Value::EcState { x, y, x0: 0, y0: 0 }` with `(x, y)` the sum,
//! and takes any `(x, y, x0, y0)` an argument gives as the state whose sum is
//! `(x, y) - (x0, y0)`. Points cross as `(x, y)` with `(0, 0)` for the identity, as elsewhere.

use starknet_types_core::curve::ProjectivePoint;
use starknet_types_core::felt::Felt;

use crate::ValueError;

/// The STARK curve's `beta` (`y^2 = x^3 + x + beta`).
pub fn stark_curve_beta() -> Felt {
    Felt::from_hex_unchecked("0x6f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89")
}

/// The point `(x, y)`, or the identity for `(0, 0)`; `None` when it is not on the curve.
fn point(x: Felt, y: Felt) -> Option<ProjectivePoint> {
    if x == Felt::ZERO && y == Felt::ZERO {
        return Some(ProjectivePoint::identity());
    }
    ProjectivePoint::from_affine(x, y).ok()
}

fn coordinates(point: &ProjectivePoint) -> (Felt, Felt) {
    match point.to_affine() {
        Ok(affine) => (affine.x(), affine.y()),
        Err(_) => (Felt::ZERO, Felt::ZERO),
    }
}

/// The sum accumulated by the state `(x, y, x0, y0)`: `(x, y) - (x0, y0)`.
///
/// `path` names the value in the error when a pair is not a point of the curve.
pub fn ec_state_sum([x, y, x0, y0]: [Felt; 4], path: &str) -> Result<(Felt, Felt), ValueError> {
    let not_a_point = |found: String| ValueError::Mismatch {
        path: path.to_owned(),
        expected: "an EcState of two curve points ((0, 0) for the identity)".to_owned(),
        found,
    };
    let current = point(x, y).ok_or_else(|| not_a_point(format!("({x}, {y}) off the curve")))?;
    let start = point(x0, y0).ok_or_else(|| not_a_point(format!("({x0}, {y0}) off the curve")))?;
    Ok(coordinates(&(current - start)))
}

/// `(x, y, x0, y0)` for the VM: a state with sum `(x, y)` that starts at a point other than the
/// identity. The VM's additions fail on two points with one abscissa, which is why its own
/// states start at a random point; this start is as unlikely to meet a program's points but the
/// same in every run: the first curve point whose abscissa is at least the short string
/// `'Cairn EcState start'` (and with which the current point is not the identity).
pub fn ec_state_for_vm(sum_x: Felt, sum_y: Felt) -> Result<[Felt; 4], ValueError> {
    let sum = point(sum_x, sum_y).ok_or_else(|| ValueError::Mismatch {
        path: "EcState".to_owned(),
        expected: "a curve point ((0, 0) for the identity)".to_owned(),
        found: format!("({sum_x}, {sum_y})"),
    })?;
    let beta = stark_curve_beta();
    let mut x0 = Felt::from_bytes_be_slice(b"Cairn EcState start");
    loop {
        if let Some(y0) = (x0 * x0 * x0 + x0 + beta).sqrt() {
            let start = ProjectivePoint::from_affine_unchecked(x0, y0);
            let (x, y) = coordinates(&(&sum + &start));
            if (x, y) != (Felt::ZERO, Felt::ZERO) {
                return Ok([x, y, x0, y0]);
            }
        }
        x0 += Felt::ONE;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generator() -> (Felt, Felt) {
        let generator = starknet_types_core::curve::AffinePoint::generator();
        (generator.x(), generator.y())
    }

    #[test]
    fn a_vm_state_reads_back_as_its_sum() {
        let (gx, gy) = generator();
        let [x, y, x0, y0] = ec_state_for_vm(gx, gy).expect("the generator");
        assert_ne!((x0, y0), (Felt::ZERO, Felt::ZERO));
        assert_eq!(
            ec_state_sum([x, y, x0, y0], "s").expect("a state"),
            (gx, gy)
        );
    }

    #[test]
    fn the_identity_sum_starts_elsewhere_on_the_vm() {
        let [x, y, x0, y0] = ec_state_for_vm(Felt::ZERO, Felt::ZERO).expect("the identity");
        assert_eq!((x, y), (x0, y0));
        assert_eq!(
            ec_state_sum([x, y, x0, y0], "s").expect("a state"),
            (Felt::ZERO, Felt::ZERO)
        );
    }

    #[test]
    fn points_off_the_curve_are_refused_with_the_path() {
        let error = ec_state_sum([Felt::ONE, Felt::ONE, Felt::ZERO, Felt::ZERO], "arg 0")
            .expect_err("off the curve")
            .to_string();
        assert!(error.starts_with("arg 0: expected an EcState"), "{error}");
        assert!(ec_state_for_vm(Felt::ONE, Felt::TWO).is_err());
    }
}
