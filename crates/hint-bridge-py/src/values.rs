//! Felts and addresses between Rust and Python.

use cairn_vm_core::{Felt252, MaybeRelocatable, Relocatable};
use num_bigint::{BigInt, BigUint, Sign};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyInt;

use crate::relocatable::RelocatableValue;

/// A Python int as a felt, reduced modulo P as cairo-run does for memory writes.
pub(crate) fn felt_from_int(value: &BigInt) -> Felt252 {
    let prime = BigInt::from_biguint(Sign::Plus, Felt252::prime());
    let reduced = ((value % &prime) + &prime) % &prime;
    Felt252::from(reduced)
}

pub(crate) fn int_of_felt(felt: &Felt252) -> BigUint {
    felt.to_biguint()
}

/// A Python value (int or RelocatableValue) as a memory value.
pub(crate) fn maybe_relocatable(value: &Bound<'_, PyAny>) -> PyResult<MaybeRelocatable> {
    // Ints first: the common case, and asking an int for an address's attributes raises.
    if value.is_instance_of::<PyInt>() {
        return Ok(MaybeRelocatable::Int(felt_from_int(
            &value.extract::<BigInt>()?,
        )));
    }
    if let Some(address) = any_relocatable(value)? {
        return Ok(MaybeRelocatable::RelocatableValue(address));
    }
    if let Ok(number) = value.extract::<BigInt>() {
        return Ok(MaybeRelocatable::Int(felt_from_int(&number)));
    }
    Err(PyTypeError::new_err(format!(
        "expected an int or a RelocatableValue, got {}",
        value.get_type().name()?
    )))
}

/// A memory value as Python sees it.
pub(crate) fn to_python<'py>(
    py: Python<'py>,
    value: &MaybeRelocatable,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        MaybeRelocatable::Int(felt) => int_of_felt(felt).into_pyobject(py)?.into_any(),
        MaybeRelocatable::RelocatableValue(address) => {
            Bound::new(py, RelocatableValue::from(*address))?.into_any()
        }
    })
}

/// An address given from Python.
pub(crate) fn address(value: &Bound<'_, PyAny>) -> PyResult<Relocatable> {
    any_relocatable(value)?
        .ok_or_else(|| PyValueError::new_err("memory addresses are RelocatableValues"))
}

/// Cairn's `RelocatableValue`, or any object with integer `segment_index` and `offset`
/// attributes: cairo-lang's own `RelocatableValue`, which scripts written for cairo-run pass.
fn any_relocatable(value: &Bound<'_, PyAny>) -> PyResult<Option<Relocatable>> {
    // A cast, unlike an extraction, makes no Python exception when it fails.
    if let Ok(address) = value.cast::<RelocatableValue>() {
        return Ok(Some((*address.borrow()).into()));
    }
    let (Ok(segment), Ok(offset)) = (value.getattr("segment_index"), value.getattr("offset"))
    else {
        return Ok(None);
    };
    let (Ok(segment), Ok(offset)) = (segment.extract::<isize>(), offset.extract::<usize>()) else {
        return Ok(None);
    };
    Ok(Some(Relocatable::from((segment, offset))))
}
