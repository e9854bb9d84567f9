//! `segments`: adding segments and writing arguments, as cairo-lang's segment manager.

use std::rc::Rc;

use cairn_vm_core::cairo_vm::vm::vm_core::VirtualMachine;
use cairn_vm_core::{MaybeRelocatable, Relocatable};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::relocatable::RelocatableValue;
use crate::state::HintState;
use crate::thread_bound::ThreadBound;
use crate::values::{address, maybe_relocatable, to_python};

/// The VM's segments as hints see them.
#[pyclass(module = "cairn")]
pub struct Segments {
    pub(crate) state: ThreadBound<Rc<HintState>>,
}

/// A Python value as memory: lists and tuples become new segments holding their elements.
fn gen_arg(
    state: &HintState,
    vm: &mut VirtualMachine,
    value: &Bound<'_, PyAny>,
) -> PyResult<MaybeRelocatable> {
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let base = vm.add_memory_segment();
        write_arg(state, vm, base, value)?;
        return Ok(MaybeRelocatable::RelocatableValue(base));
    }
    maybe_relocatable(value)
}

/// Writes the elements of `values` from `at` on; returns the address after the last one.
fn write_arg(
    state: &HintState,
    vm: &mut VirtualMachine,
    at: Relocatable,
    values: &Bound<'_, PyAny>,
) -> PyResult<Relocatable> {
    let mut cursor = at;
    for item in values.try_iter()? {
        let value = gen_arg(state, vm, &item?)?;
        state.write(vm, cursor, value)?;
        cursor = (cursor + 1usize).map_err(|error| PyValueError::new_err(error.to_string()))?;
    }
    Ok(cursor)
}

#[pymethods]
impl Segments {
    /// Adds a new segment and returns its base.
    fn add(&self) -> PyResult<RelocatableValue> {
        self.state
            .get()?
            .with_vm(|vm| vm.add_memory_segment().into())
    }

    /// Adds a temporary segment (negative index), to be relocated later.
    fn add_temporary_segment(&self) -> PyResult<RelocatableValue> {
        self.state
            .get()?
            .with_vm(|vm| vm.segments.add_temporary_segment().into())
    }

    /// cairo-lang's name for [`Segments::add_temporary_segment`].
    fn add_temp_segment(&self) -> PyResult<RelocatableValue> {
        self.add_temporary_segment()
    }

    /// Writes `data` (ints and addresses) from `ptr` on; returns the address after the last.
    fn load_data(
        &self,
        ptr: &Bound<'_, PyAny>,
        data: &Bound<'_, PyAny>,
    ) -> PyResult<RelocatableValue> {
        let start = address(ptr)?;
        let values = data
            .try_iter()?
            .map(|item| maybe_relocatable(&item?))
            .collect::<PyResult<Vec<_>>>()?;
        let state = self.state.get()?;
        state
            .with_vm(|vm| -> PyResult<Relocatable> {
                let mut cursor = start;
                for value in values {
                    state.write(vm, cursor, value)?;
                    cursor = (cursor + 1usize)
                        .map_err(|error| PyValueError::new_err(error.to_string()))?;
                }
                Ok(cursor)
            })?
            .map(Into::into)
    }

    /// Writes a list (nested lists become segments of their own) from `ptr` on; returns the
    /// address after the last element. (Integers are always taken modulo the prime.)
    #[pyo3(signature = (ptr, arg, apply_modulo_to_args=true))]
    fn write_arg(
        &self,
        ptr: &Bound<'_, PyAny>,
        arg: &Bound<'_, PyAny>,
        apply_modulo_to_args: bool,
    ) -> PyResult<RelocatableValue> {
        let _ = apply_modulo_to_args;
        let at = address(ptr)?;
        let state = self.state.get()?;
        state
            .with_vm(|vm| write_arg(state, vm, at, arg))?
            .map(Into::into)
    }

    /// A Python value as a memory value: an int, an address, or a list written to a new segment.
    /// (Integers are always taken modulo the prime.)
    #[pyo3(signature = (arg, apply_modulo_to_args=true))]
    fn gen_arg<'py>(
        &self,
        py: Python<'py>,
        arg: &Bound<'py, PyAny>,
        apply_modulo_to_args: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let _ = apply_modulo_to_args;
        let state = self.state.get()?;
        let value = state.with_vm(|vm| gen_arg(state, vm, arg))??;
        to_python(py, &value)
    }

    /// The number of cells used in each segment so far.
    fn get_segments_used_sizes(&self) -> PyResult<Vec<usize>> {
        self.state.get()?.with_vm(cairn_vm_core::segment_used_sizes)
    }

    /// The number of cells used in one segment so far.
    fn get_segment_used_size(&self, segment_index: usize) -> PyResult<usize> {
        let sizes = self
            .state
            .get()?
            .with_vm(cairn_vm_core::segment_used_sizes)?;
        sizes
            .get(segment_index)
            .copied()
            .ok_or_else(|| PyValueError::new_err(format!("no segment {segment_index}")))
    }

    /// The number of segments.
    #[getter]
    fn n_segments(&self) -> PyResult<usize> {
        self.state.get()?.with_vm(|vm| vm.segments.num_segments())
    }
}
