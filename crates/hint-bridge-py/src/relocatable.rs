//! `RelocatableValue`: a memory address (segment, offset), as in cairo-lang.

use cairn_vm_core::Relocatable;
use pyo3::basic::CompareOp;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

/// An address in the VM's memory: a segment and an offset in it.
#[pyclass(frozen, module = "cairn", from_py_object)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RelocatableValue {
    /// The segment (negative for temporary segments).
    #[pyo3(get)]
    pub segment_index: isize,
    /// The offset in the segment.
    #[pyo3(get)]
    pub offset: usize,
}

impl From<Relocatable> for RelocatableValue {
    fn from(address: Relocatable) -> Self {
        Self {
            segment_index: address.segment_index,
            offset: address.offset,
        }
    }
}

impl From<RelocatableValue> for Relocatable {
    fn from(value: RelocatableValue) -> Self {
        Relocatable::from((value.segment_index, value.offset))
    }
}

impl RelocatableValue {
    fn shifted(&self, delta: i128) -> PyResult<Self> {
        let offset = i128::try_from(self.offset)
            .ok()
            .and_then(|offset| offset.checked_add(delta))
            .and_then(|offset| usize::try_from(offset).ok())
            .ok_or_else(|| {
                PyValueError::new_err(format!("offset out of range: {self} + {delta}"))
            })?;
        Ok(Self { offset, ..*self })
    }
}

impl std::fmt::Display for RelocatableValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.segment_index, self.offset)
    }
}

#[pymethods]
impl RelocatableValue {
    #[new]
    fn new(segment_index: isize, offset: usize) -> Self {
        Self {
            segment_index,
            offset,
        }
    }

    fn __add__(&self, other: i128) -> PyResult<Self> {
        self.shifted(other)
    }

    fn __radd__(&self, other: i128) -> PyResult<Self> {
        self.shifted(other)
    }

    /// `address - int` is an address; `address - address` (same segment) is an int.
    fn __sub__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        if let Ok(delta) = other.extract::<i128>() {
            return Ok(Bound::new(py, self.shifted(-delta)?)?.into_any().unbind());
        }
        let other = other
            .extract::<RelocatableValue>()
            .map_err(|_| PyTypeError::new_err("can only subtract an int or a RelocatableValue"))?;
        if other.segment_index != self.segment_index {
            return Err(PyTypeError::new_err(format!(
                "cannot subtract addresses of different segments: {self} - {other}"
            )));
        }
        let difference = self.offset as i128 - other.offset as i128;
        Ok(difference.into_pyobject(py)?.into_any().unbind())
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<bool> {
        let Ok(other) = other.extract::<RelocatableValue>() else {
            return match op {
                CompareOp::Eq => Ok(false),
                CompareOp::Ne => Ok(true),
                _ => Err(PyTypeError::new_err(
                    "cannot compare a RelocatableValue with that",
                )),
            };
        };
        let ordering = (self.segment_index, self.offset).cmp(&(other.segment_index, other.offset));
        if !matches!(op, CompareOp::Eq | CompareOp::Ne) && self.segment_index != other.segment_index
        {
            return Err(PyTypeError::new_err(format!(
                "cannot order addresses of different segments: {self}, {other}"
            )));
        }
        Ok(op.matches(ordering))
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.hash(&mut hasher);
        hasher.finish()
    }

    fn __repr__(&self) -> String {
        format!(
            "RelocatableValue(segment_index={}, offset={})",
            self.segment_index, self.offset
        )
    }

    fn __str__(&self) -> String {
        self.to_string()
    }
}
