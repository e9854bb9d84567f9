//! The cairo-run-compatible shared scope (opt-in): variables Python hints set are seen by Rust
//! hints and the reverse, as under cairo-run where every hint runs in one Python scope (a
//! Python hint sets `initial_dict`, the library's `dict_new`, in Rust, reads it).
//!
//! Values cross as copies, before and after each Python hint, when both sides can hold them:
//! integers (a felt, or a big integer where cairo-vm's hints read one), booleans, addresses,
//! and dicts of those. Other values (a `DictManager`, Python objects) stay on their side.

use std::any::Any;
use std::collections::{HashMap, HashSet};

use cairn_vm_core::{Felt252, MaybeRelocatable, Relocatable};
use num_bigint::{BigInt, Sign};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt};

use crate::relocatable::RelocatableValue;
use crate::values::{maybe_relocatable, python_int_of_felt, to_python};

/// Variables cairo-vm's hints read as big integers (the secp and EC hints' `x`, `value`…): an
/// int a Python hint sets under one of these names crosses as a `BigInt`, any other as a felt.
const BIG_INTEGER_NAMES: [&str; 13] = [
    "x", "y", "value", "slope", "new_x", "new_y", "SECP_P", "res", "p", "x_inv", "k", "N", "ALPHA",
];

/// Variables cairo-vm's hints read as `u64`.
const U64_NAMES: [&str; 1] = ["usort_max_size"];

type RustScope = HashMap<String, Box<dyn Any>>;

/// The names copied between the two sides so far, to tell a deletion on one side.
#[derive(Default)]
pub(crate) struct SharedScope {
    shared: HashSet<String>,
}

impl SharedScope {
    /// Before a Python hint: the Rust hints' variables into the Python scope.
    pub(crate) fn copy_to_python(
        &mut self,
        py: Python<'_>,
        rust: &RustScope,
        python: &Bound<'_, PyDict>,
    ) -> PyResult<()> {
        for (name, value) in rust {
            if let Some(value) = python_of(py, value.as_ref())? {
                python.set_item(name, value)?;
                self.shared.insert(name.clone());
            }
        }
        // Deleted by a Rust hint since it was shared.
        let gone: Vec<String> = self
            .shared
            .iter()
            .filter(|name| !rust.contains_key(*name))
            .cloned()
            .collect();
        for name in gone {
            if python.contains(&name)? {
                python.del_item(&name)?;
            }
            self.shared.remove(&name);
        }
        Ok(())
    }

    /// After a Python hint (its injected names removed): the Python scope's variables into the
    /// Rust hints' scope.
    pub(crate) fn copy_to_rust(&mut self, python: &Bound<'_, PyDict>, rust: &mut RustScope) {
        let mut present = HashSet::new();
        for (name, value) in python.iter() {
            let Ok(name) = name.extract::<String>() else {
                continue;
            };
            present.insert(name.clone());
            let existing = rust.get(&name).map(|value| value.as_ref());
            if let Some(value) = rust_of(&name, &value, existing) {
                rust.insert(name.clone(), value);
                self.shared.insert(name);
            }
        }
        // Deleted by the Python hint since it was shared.
        let gone: Vec<String> = self
            .shared
            .iter()
            .filter(|name| !present.contains(*name))
            .cloned()
            .collect();
        for name in gone {
            rust.remove(&name);
            self.shared.remove(&name);
        }
    }
}

/// A Rust hint's variable as Python holds it, if it is of a kind both sides hold.
fn python_of<'py>(py: Python<'py>, value: &dyn Any) -> PyResult<Option<Bound<'py, PyAny>>> {
    macro_rules! integer {
        ($($ty:ty),*) => {
            $(if let Some(number) = value.downcast_ref::<$ty>() {
                return Ok(Some(number.into_pyobject(py)?.into_any()));
            })*
        };
    }
    if let Some(felt) = value.downcast_ref::<Felt252>() {
        return python_int_of_felt(py, felt).map(Some);
    }
    integer!(BigInt, u64, usize, u32, i64, i32, u8);
    if let Some(flag) = value.downcast_ref::<bool>() {
        return Ok(Some(PyBool::new(py, *flag).to_owned().into_any()));
    }
    if let Some(address) = value.downcast_ref::<Relocatable>() {
        return Ok(Some(
            Bound::new(py, RelocatableValue::from(*address))?.into_any(),
        ));
    }
    if let Some(cell) = value.downcast_ref::<MaybeRelocatable>() {
        return to_python(py, cell).map(Some);
    }
    if let Some(map) = value.downcast_ref::<HashMap<MaybeRelocatable, MaybeRelocatable>>() {
        let dict = PyDict::new(py);
        for (key, value) in map {
            dict.set_item(to_python(py, key)?, to_python(py, value)?)?;
        }
        return Ok(Some(dict.into_any()));
    }
    Ok(None)
}

/// A Python hint's variable as the Rust hints hold it: of the type the Rust side already holds
/// under that name, or of the type cairo-vm's hints read it as; `None` when it cannot cross.
fn rust_of(
    name: &str,
    value: &Bound<'_, PyAny>,
    existing: Option<&dyn Any>,
) -> Option<Box<dyn Any>> {
    let integer = || -> Option<BigInt> {
        (value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>())
            .then(|| value.extract::<BigInt>().ok())
            .flatten()
    };
    if let Some(existing) = existing {
        macro_rules! same_type {
            ($($ty:ty),*) => {
                $(if existing.is::<$ty>() {
                    return integer().and_then(|number| <$ty>::try_from(number).ok())
                        .map(|number| Box::new(number) as Box<dyn Any>);
                })*
            };
        }
        if existing.is::<Felt252>() {
            return integer()
                .and_then(|number| felt_in_range(&number))
                .map(boxed);
        }
        if existing.is::<BigInt>() {
            return integer().map(boxed);
        }
        same_type!(u64, usize, u32, i64, i32, u8);
        if existing.is::<bool>() {
            return value.extract::<bool>().ok().map(boxed);
        }
        if existing.is::<Relocatable>() {
            return relocatable(value).map(boxed);
        }
        if existing.is::<MaybeRelocatable>() {
            return maybe_relocatable(value).ok().map(boxed);
        }
        if existing.is::<HashMap<MaybeRelocatable, MaybeRelocatable>>() {
            return cell_map(value).map(boxed);
        }
        // A Rust object of its own (a dictionary manager…): Python's value does not replace it.
        return None;
    }
    if value.is_instance_of::<PyBool>() {
        return value.extract::<bool>().ok().map(boxed);
    }
    if let Some(number) = integer() {
        if BIG_INTEGER_NAMES.contains(&name) {
            return Some(boxed(number));
        }
        if U64_NAMES.contains(&name) {
            return u64::try_from(number).ok().map(boxed);
        }
        return Some(match felt_in_range(&number) {
            Some(felt) => boxed(felt),
            None => boxed(number),
        });
    }
    if let Some(address) = relocatable(value) {
        return Some(boxed(address));
    }
    cell_map(value).map(boxed)
}

fn boxed<T: Any>(value: T) -> Box<dyn Any> {
    Box::new(value)
}

/// An int in `[0, P)` as a felt.
fn felt_in_range(number: &BigInt) -> Option<Felt252> {
    let prime = BigInt::from_biguint(Sign::Plus, Felt252::prime());
    (number.sign() != Sign::Minus && *number < prime).then(|| Felt252::from(number.clone()))
}

fn relocatable(value: &Bound<'_, PyAny>) -> Option<Relocatable> {
    match maybe_relocatable(value) {
        Ok(MaybeRelocatable::RelocatableValue(address)) if !value.is_instance_of::<PyInt>() => {
            Some(address)
        }
        _ => None,
    }
}

/// A dict whose keys and values are ints or addresses, as the dictionary hints' maps.
fn cell_map(value: &Bound<'_, PyAny>) -> Option<HashMap<MaybeRelocatable, MaybeRelocatable>> {
    let dict = value.cast::<PyDict>().ok()?;
    dict.iter()
        .map(|(key, value)| {
            Some((
                maybe_relocatable(&key).ok()?,
                maybe_relocatable(&value).ok()?,
            ))
        })
        .collect()
}
