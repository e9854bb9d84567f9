//! Felts and addresses between Rust and Python.

use std::sync::OnceLock;

use cairn_vm_core::{Felt252, MaybeRelocatable, Relocatable};
use num_bigint::{BigInt, BigUint, Sign};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyInt;

use crate::relocatable::RelocatableValue;

/// A Python int as a felt, reduced modulo P as cairo-run does for memory writes.
pub(crate) fn felt_from_int(value: &BigInt) -> Felt252 {
    static PRIME: OnceLock<BigInt> = OnceLock::new();
    let prime = PRIME.get_or_init(|| BigInt::from_biguint(Sign::Plus, Felt252::prime()));
    let mut reduced = value % prime;
    if reduced.sign() == Sign::Minus {
        reduced += prime;
    }
    Felt252::from(reduced)
}

/// A Python int (the caller has checked it is one) as a felt: small ones, most of what hints
/// write, straight from a machine word (no big integer made, no division).
fn felt_from_python_int(value: &Bound<'_, PyAny>) -> PyResult<Felt252> {
    let mut overflow = 0;
    // SAFETY: `value` is a live object (the GIL is held through `Bound`), which
    // PyLong_AsLongLongAndOverflow accepts of any type; it reports a value out of range in
    // `overflow`, a valid pointer, instead of raising.
    let word = unsafe { pyo3::ffi::PyLong_AsLongLongAndOverflow(value.as_ptr(), &mut overflow) };
    if overflow == 0 {
        // −1 is also how it reports an error (an int subclass whose conversion failed).
        if word != -1 || PyErr::take(value.py()).is_none() {
            return Ok(Felt252::from(word));
        }
    }
    Ok(felt_from_int(&value.extract::<BigInt>()?))
}

pub(crate) fn int_of_felt(felt: &Felt252) -> BigUint {
    felt.to_biguint()
}

/// A felt as a Python int: one below 2^64 straight from its word.
pub(crate) fn python_int_of_felt<'py>(
    py: Python<'py>,
    felt: &Felt252,
) -> PyResult<Bound<'py, PyAny>> {
    match u64::try_from(*felt) {
        Ok(word) => Ok(word.into_pyobject(py)?.into_any()),
        Err(_) => Ok(int_of_felt(felt).into_pyobject(py)?.into_any()),
    }
}

/// A Python value (int or RelocatableValue) as a memory value.
pub(crate) fn maybe_relocatable(value: &Bound<'_, PyAny>) -> PyResult<MaybeRelocatable> {
    // Ints first: the common case, and asking an int for an address's attributes raises.
    if value.is_instance_of::<PyInt>() {
        return Ok(MaybeRelocatable::Int(felt_from_python_int(value)?));
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
        MaybeRelocatable::Int(felt) => python_int_of_felt(py, felt)?,
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
