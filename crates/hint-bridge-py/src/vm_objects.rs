//! The VM objects cairo-run gives every hint besides memory and scopes: `builtin_runners` (and
//! each runner as `NAME_builtin`), `is_accessed`, `vm_ecdsa_additional_data`, the memory rule
//! functions (`crate::rules`) and `vm_load_program` (`crate::loading`).

use std::rc::Rc;

use cairn_vm_core::cairo_vm::types::relocatable::Relocatable;
use cairn_vm_core::cairo_vm::vm::runners::builtin_runner::BuiltinRunner as VmBuiltinRunner;
use cairn_vm_core::cairo_vm::vm::vm_core::VirtualMachine;
use num_bigint::BigInt;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::loading::{LoadProgram, LoadedPrograms};
use crate::relocatable::RelocatableValue;
use crate::rules::{rule_functions, MemoryRules};
use crate::state::HintState;
use crate::thread_bound::ThreadBound;
use crate::values::{address, felt_from_int};

/// One of the run's builtin runners, as hints reach it (`ecdsa_builtin`,
/// `builtin_runners["output_builtin"]`…): its name, segment, and the calls cairo-lang's
/// runners offer hints (`add_signature`, `add_page`, `add_attribute`).
#[pyclass(module = "cairn")]
pub struct BuiltinRunner {
    state: ThreadBound<Rc<HintState>>,
    /// The index in the VM's builtin runners.
    index: usize,
    /// The builtin's name (`output`, `pedersen`…).
    #[pyo3(get)]
    name: String,
}

impl BuiltinRunner {
    fn with_runner<R>(&self, f: impl FnOnce(&mut VmBuiltinRunner) -> PyResult<R>) -> PyResult<R> {
        let index = self.index;
        self.state
            .get()?
            .with_vm(|vm| match vm.builtin_runners.get_mut(index) {
                Some(runner) => f(runner),
                None => Err(PyValueError::new_err("the builtin runner is gone")),
            })?
    }

    fn unsupported(&self, what: &str) -> PyErr {
        PyTypeError::new_err(format!("the {} builtin has no {what}", self.name))
    }
}

#[pymethods]
impl BuiltinRunner {
    /// The first address of the builtin's segment.
    #[getter]
    fn base(&self) -> PyResult<RelocatableValue> {
        self.with_runner(|runner| {
            Ok(RelocatableValue::from(Relocatable::from((
                runner.base() as isize,
                0,
            ))))
        })
    }

    /// A range check builtin's bound (2^128, or 2^96 for `range_check96`), which the common
    /// library's hints check values against.
    #[getter]
    fn bound(&self) -> PyResult<num_bigint::BigUint> {
        self.with_runner(|runner| match runner {
            VmBuiltinRunner::RangeCheck(range_check) => Ok(range_check.bound().to_biguint()),
            VmBuiltinRunner::RangeCheck96(range_check) => Ok(range_check.bound().to_biguint()),
            _ => Err(self.unsupported("bound")),
        })
    }

    /// `instance_def.batch_size` of a modular builtin (what `run_mod_p_circuit`'s hint asks).
    #[getter]
    fn instance_def<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let batch_size = self.with_runner(|runner| match runner {
            VmBuiltinRunner::Mod(modular) => Ok(Some(modular.batch_size())),
            _ => Ok(None),
        })?;
        let fields = PyDict::new(py);
        if let Some(batch_size) = batch_size {
            fields.set_item("batch_size", batch_size)?;
        }
        py.import("types")?
            .getattr("SimpleNamespace")?
            .call((), Some(&fields))
    }

    /// ECDSA: records the signature `(r, s)` of the message at `addr`, which the builtin checks
    /// once the public key and message are written.
    fn add_signature(&self, addr: &Bound<'_, PyAny>, signature: (BigInt, BigInt)) -> PyResult<()> {
        let at = address(addr)?;
        let (r, s) = (felt_from_int(&signature.0), felt_from_int(&signature.1));
        self.with_runner(|runner| match runner {
            VmBuiltinRunner::Signature(ecdsa) => ecdsa
                .add_signature(at, &(r, s))
                .map_err(|error| PyValueError::new_err(error.to_string())),
            _ => Err(self.unsupported("add_signature")),
        })
    }

    /// Output: marks `page_size` cells from `page_start` as page `page_id` (for fact topologies).
    fn add_page(
        &self,
        page_id: usize,
        page_start: &Bound<'_, PyAny>,
        page_size: usize,
    ) -> PyResult<()> {
        let start = address(page_start)?;
        self.with_runner(|runner| match runner {
            VmBuiltinRunner::Output(output) => output
                .add_page(page_id, start, page_size)
                .map_err(|error| PyValueError::new_err(error.to_string())),
            _ => Err(self.unsupported("add_page")),
        })
    }

    /// Output: sets an attribute of the output (e.g. `gps_fact_topology`).
    fn add_attribute(&self, name: String, value: Vec<usize>) -> PyResult<()> {
        self.with_runner(|runner| match runner {
            VmBuiltinRunner::Output(output) => {
                output.add_attribute(name, value);
                Ok(())
            }
            _ => Err(self.unsupported("add_attribute")),
        })
    }

    fn __repr__(&self) -> String {
        format!("<{} builtin runner>", self.name)
    }
}

/// `is_accessed(addr)`: whether the program has accessed the cell.
#[pyclass(module = "cairn")]
pub struct IsAccessed {
    state: ThreadBound<Rc<HintState>>,
}

#[pymethods]
impl IsAccessed {
    fn __call__(&self, addr: &Bound<'_, PyAny>) -> PyResult<bool> {
        let at = address(addr)?;
        // An address of no segment was never accessed (as cairo-lang's set lookup says).
        self.state
            .get()?
            .with_vm(|vm| vm.is_accessed(&at).unwrap_or(false))
    }
}

/// The run's VM objects, made once per run and put into every hint's locals.
pub(crate) struct VmObjects {
    /// Name to object: `builtin_runners`, each `NAME_builtin`, `is_accessed`,
    /// `vm_ecdsa_additional_data`, `vm_load_program` and the memory rule functions.
    pub(crate) names: Py<PyDict>,
}

impl VmObjects {
    pub(crate) fn new(
        py: Python<'_>,
        state: &Rc<HintState>,
        rules: &Rc<MemoryRules>,
        loaded: &Rc<LoadedPrograms>,
    ) -> PyResult<Self> {
        let names = PyDict::new(py);
        names.set_item("vm_load_program", Py::new(py, LoadProgram::new(loaded))?)?;
        for (name, function) in rule_functions(py, rules)? {
            names.set_item(name, function)?;
        }
        names.set_item("vm_ecdsa_additional_data", PyDict::new(py))?;
        names.set_item(
            "is_accessed",
            Py::new(
                py,
                IsAccessed {
                    state: ThreadBound::new(state.clone()),
                },
            )?,
        )?;
        Ok(Self {
            names: names.unbind(),
        })
    }

    /// Adds the builtin runners of `vm` (once the runner is initialised: they do not change
    /// during a run).
    pub(crate) fn add_builtins(
        &self,
        py: Python<'_>,
        state: &Rc<HintState>,
        vm: &VirtualMachine,
    ) -> PyResult<()> {
        let names = self.names.bind(py);
        if names.contains("builtin_runners")? {
            return Ok(());
        }
        let runners = PyDict::new(py);
        for (index, runner) in vm.builtin_runners.iter().enumerate() {
            let name = runner.name().to_str().to_owned();
            let key = format!("{name}_builtin");
            let object = Py::new(
                py,
                BuiltinRunner {
                    state: ThreadBound::new(state.clone()),
                    index,
                    name,
                },
            )?;
            runners.set_item(&key, &object)?;
            names.set_item(&key, object)?;
        }
        names.set_item("builtin_runners", runners)?;
        Ok(())
    }
}
