//! `memory`: the VM's memory, indexed by address.

use std::rc::Rc;

use cairn_vm_core::cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};

use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;

use crate::state::HintState;
use crate::thread_bound::ThreadBound;
use crate::values::{address, maybe_relocatable, to_python};

/// The VM's memory as hints see it: `memory[addr]`, `memory[addr] = value`, `memory.get(addr)`.
/// Cells are write-once, as in Cairo.
#[pyclass(module = "cairn")]
pub struct Memory {
    pub(crate) state: ThreadBound<Rc<HintState>>,
}

#[pymethods]
impl Memory {
    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let at = address(key)?;
        item(py, at, self.state.get()?.with_vm(|vm| vm.get_maybe(&at))?)
    }

    fn __setitem__(&self, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let at = address(key)?;
        let value = maybe_relocatable(value)?;
        let state = self.state.get()?;
        state.with_vm(|vm| state.write(vm, at, value))?
    }

    fn __contains__(&self, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        let at = address(key)?;
        self.state.get()?.with_vm(|vm| vm.get_maybe(&at).is_some())
    }

    /// `memory.get(addr, default_value=None)`, as cairo-lang's `MemoryDict.get`.
    #[pyo3(signature = (addr, default_value=None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        addr: &Bound<'py, PyAny>,
        default_value: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let at = address(addr)?;
        item_or(
            py,
            self.state.get()?.with_vm(|vm| vm.get_maybe(&at))?,
            default_value,
        )
    }

    /// `memory.add_relocation_rule(src_ptr, dest_ptr)`: the temporary segment starting at
    /// `src_ptr` is moved to `dest_ptr` when the run ends, as cairo-run's `MemoryDict` does.
    fn add_relocation_rule(
        &self,
        src_ptr: &Bound<'_, PyAny>,
        dest_ptr: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let (source, destination) = (address(src_ptr)?, address(dest_ptr)?);
        self.state
            .get()?
            .with_vm(|vm| vm.add_relocation_rule(source, destination))?
            .map_err(|error| PyValueError::new_err(error.to_string()))
    }

    /// `memory.get_range(addr, size)`: the `size` cells from `addr` on (each must be set).
    fn get_range<'py>(
        &self,
        py: Python<'py>,
        addr: &Bound<'py, PyAny>,
        size: usize,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let start = address(addr)?;
        let cells = self.state.get()?.with_vm(|vm| {
            (0..size)
                .map(|offset| {
                    let at = (start + offset)
                        .map_err(|error| PyValueError::new_err(error.to_string()))?;
                    vm.get_maybe(&at).ok_or_else(|| {
                        PyKeyError::new_err(format!(
                            "unknown value for memory cell at address {at}"
                        ))
                    })
                })
                .collect::<PyResult<Vec<_>>>()
        })??;
        cells.iter().map(|value| to_python(py, value)).collect()
    }

    /// `memory.get_range_as_ints(addr, size)`: [`Memory::get_range`], every cell an int.
    fn get_range_as_ints<'py>(
        &self,
        py: Python<'py>,
        addr: &Bound<'py, PyAny>,
        size: usize,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let cells = self.get_range(py, addr, size)?;
        if let Some(address) = cells
            .iter()
            .find(|cell| cell.is_instance_of::<crate::relocatable::RelocatableValue>())
        {
            return Err(PyValueError::new_err(format!(
                "get_range_as_ints: the range holds an address, {address}"
            )));
        }
        Ok(cells)
    }
}

/// `memory[addr]` of a cell whose value is `value`: the value, or the KeyError cairo-lang's
/// `MemoryDict` raises for an unknown cell.
pub(crate) fn item<'py>(
    py: Python<'py>,
    at: Relocatable,
    value: Option<MaybeRelocatable>,
) -> PyResult<Bound<'py, PyAny>> {
    match value {
        Some(value) => to_python(py, &value),
        None => Err(PyKeyError::new_err(format!(
            "unknown value for memory cell at address {at}"
        ))),
    }
}

/// `memory.get(addr, default_value)` of a cell whose value is `value`.
pub(crate) fn item_or<'py>(
    py: Python<'py>,
    value: Option<MaybeRelocatable>,
    default_value: Option<Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    match value {
        Some(value) => to_python(py, &value).map(Some),
        None => Ok(default_value),
    }
}
