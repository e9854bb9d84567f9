//! `vm_load_program(program, program_base)`: a hint loads another compiled program whose code
//! it has written (or will write) at `program_base`, as cairo-run's bootloaders do; from then
//! on that program's hints run when pc reaches `program_base` plus their offset, with `ids`
//! resolved against that program's references and types, and tracebacks naming its files.

use std::cell::RefCell;
use std::rc::Rc;

use cairn_vm_core::cairo_vm::types::relocatable::Relocatable;
use cairn_vm_core::{CairoProgram, LoadedProgram};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use rustc_hash::FxHashMap as HashMap;

use crate::hints::{hint_sources, HintSource};
use crate::program::{program_json, PyProgram};
use crate::thread_bound::ThreadBound;
use crate::types::Structs;
use crate::values::address;
use crate::VmError;

/// A loaded program as its hints need it: its types and its hints' source locations.
pub(crate) struct LoadedRegion {
    base: Relocatable,
    pub(crate) structs: Rc<Structs>,
    /// By offset from `base`.
    pub(crate) locations: HashMap<usize, HintSource>,
}

/// The programs a run's hints loaded: those the step loop has not taken yet, and where each
/// one lives.
#[derive(Default)]
pub(crate) struct LoadedPrograms {
    pending: RefCell<Vec<LoadedProgram>>,
    regions: RefCell<Vec<Rc<LoadedRegion>>>,
}

impl LoadedPrograms {
    /// Whether a program was loaded since the step loop last took them.
    pub(crate) fn any_pending(&self) -> bool {
        !self.pending.borrow().is_empty()
    }

    /// The programs loaded since the last call, for the step loop to compile their hints.
    pub(crate) fn take_pending(&self) -> Vec<LoadedProgram> {
        std::mem::take(&mut *self.pending.borrow_mut())
    }

    /// The loaded program whose code holds `pc` (the one loaded at the closest base below it
    /// in its segment); `None` for the run's own program.
    pub(crate) fn region_of(&self, pc: Relocatable) -> Option<Rc<LoadedRegion>> {
        if pc.segment_index == 0 {
            return None;
        }
        self.regions
            .borrow()
            .iter()
            .filter(|region| {
                region.base.segment_index == pc.segment_index && region.base.offset <= pc.offset
            })
            .max_by_key(|region| region.base.offset)
            .cloned()
    }

    fn load(&self, program: CairoProgram, base: Relocatable) {
        self.regions.borrow_mut().push(Rc::new(LoadedRegion {
            base,
            structs: Rc::new(Structs::of(program.as_cairo_vm())),
            locations: hint_sources(&program),
        }));
        self.pending
            .borrow_mut()
            .push(LoadedProgram { program, base });
    }
}

impl LoadedRegion {
    /// Where the hint at `pc` (in this program's code) is in its Cairo source.
    pub(crate) fn location(&self, pc: Relocatable) -> Option<&HintSource> {
        self.locations.get(&(pc.offset - self.base.offset))
    }
}

/// `vm_load_program(program, program_base)`.
#[pyclass(module = "cairn")]
pub struct LoadProgram {
    programs: ThreadBound<Rc<LoadedPrograms>>,
}

impl LoadProgram {
    pub(crate) fn new(programs: &Rc<LoadedPrograms>) -> Self {
        Self {
            programs: ThreadBound::new(programs.clone()),
        }
    }
}

#[pymethods]
impl LoadProgram {
    /// `program` is cairo-lang's `Program` (what cairo-run's hints pass), a `cairn.Program`,
    /// the compiled JSON as text, bytes or a dict, or a path.
    fn __call__(
        &self,
        py: Python<'_>,
        program: &Bound<'_, PyAny>,
        program_base: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let programs = self.programs.get()?;
        let base = address(program_base)?;
        let json = loadable_json(py, program)?;
        let program = py
            .detach(|| CairoProgram::loadable_from_bytes(&json))
            .map_err(|error| VmError::new_err(format!("cannot load the program: {error}")))?;
        programs.load(program, base);
        Ok(())
    }
}

/// The compiled JSON of a program as hints pass it.
fn loadable_json(py: Python<'_>, program: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(program) = program.cast::<PyProgram>() {
        return Ok(program.borrow().json().to_vec());
    }
    if program.is_instance_of::<PyString>()
        || program.is_instance_of::<PyBytes>()
        || program.hasattr("__fspath__")?
    {
        return program_json(program);
    }
    let json = py.import("json")?;
    if program.is_instance_of::<PyDict>() {
        return Ok(json
            .call_method1("dumps", (program,))?
            .extract::<String>()?
            .into_bytes());
    }
    // cairo-lang's Program, a marshmallow dataclass: its schema writes the compiled JSON.
    match program.getattr("Schema") {
        Ok(schema) => {
            let data = schema.call0()?.call_method1("dump", (program,))?;
            Ok(json
                .call_method1("dumps", (data,))?
                .extract::<String>()?
                .into_bytes())
        }
        Err(_) => Err(PyTypeError::new_err(format!(
            "vm_load_program takes a Program (cairo-lang's or cairn's) or its compiled JSON, \
             not {}",
            program.get_type().name()?
        ))),
    }
}
