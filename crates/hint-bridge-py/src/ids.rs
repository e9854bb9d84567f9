//! `ids`: the Cairo references a hint may use, with struct members and typed pointers.

use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;
use std::sync::Arc;

use cairn_vm_core::cairo_vm::hint_processor::hint_processor_definition::HintReference;
use cairn_vm_core::cairo_vm::hint_processor::hint_processor_utils::{
    compute_addr_from_reference, get_maybe_relocatable_from_reference,
};
use cairn_vm_core::cairo_vm::serde::deserialize_program::ApTracking;
use cairn_vm_core::cairo_vm::vm::vm_core::VirtualMachine;
use cairn_vm_core::{MaybeRelocatable, Relocatable};
use pyo3::exceptions::{PyAttributeError, PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::relocatable::RelocatableValue;
use crate::state::HintState;
use crate::thread_bound::ThreadBound;
use crate::types::{kind, Identifier, Kind, Structs};
use crate::values::{maybe_relocatable, to_python};

/// The references of one hint: `ids.x`, `ids.x = v`, `ids.s.member`, `ids.p.member`,
/// `ids.s.address_`.
#[pyclass(module = "cairn")]
pub struct Ids {
    pub(crate) state: ThreadBound<Rc<HintState>>,
    pub(crate) structs: ThreadBound<Rc<Structs>>,
    /// What the hint's code refers to, made once per hint (a hint may run every step).
    pub(crate) hint: Arc<HintContext>,
}

/// A hint's references and the scopes it sees, as the program gives them.
pub(crate) struct HintContext {
    pub(crate) references: HashMap<String, HintReference>,
    pub(crate) ap_tracking: ApTracking,
    /// The scopes the hint's code sees (innermost last): constants, struct types and
    /// namespaces are found through them, as cairo-run finds them.
    pub(crate) accessible_scopes: Vec<String>,
}

/// A struct type named through `ids` (`ids.Point`): `SIZE`, and each member's offset.
#[pyclass(module = "cairn", frozen)]
pub struct StructType {
    name: String,
    size: usize,
    offsets: HashMap<String, usize>,
}

#[pymethods]
impl StructType {
    fn __getattr__(&self, name: &str) -> PyResult<usize> {
        if name == "SIZE" {
            return Ok(self.size);
        }
        self.offsets.get(name).copied().ok_or_else(|| {
            PyAttributeError::new_err(format!("'{name}' is not a member of '{}'", self.name))
        })
    }

    fn __repr__(&self) -> String {
        format!("<struct {} of size {}>", self.name, self.size)
    }
}

/// A namespace, function or module named through `ids` (`ids.module.CONSTANT`).
#[pyclass(module = "cairn")]
pub struct IdsScope {
    structs: ThreadBound<Rc<Structs>>,
    path: String,
}

#[pymethods]
impl IdsScope {
    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let structs = self.structs.get()?;
        let full = format!("{}.{name}", self.path);
        match structs.identifier(&full) {
            Some(identifier) => present_identifier(py, structs, identifier),
            None => Err(PyAttributeError::new_err(format!(
                "unknown identifier '{full}'"
            ))),
        }
    }

    fn __repr__(&self) -> String {
        format!("<scope {}>", self.path)
    }
}

/// A struct type as `ids` shows it.
fn struct_type(structs: &Structs, name: &str) -> StructType {
    StructType {
        name: name.to_owned(),
        size: structs.size(name).unwrap_or_default(),
        offsets: structs
            .members(name)
            .map(|members| {
                members
                    .iter()
                    .map(|(member, info)| (member.clone(), info.offset))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// A constant, struct type or scope as Python sees it.
fn present_identifier<'py>(
    py: Python<'py>,
    structs: &Rc<Structs>,
    identifier: Identifier<'_>,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(match identifier {
        Identifier::Constant(value) => crate::values::int_of_felt(&value)
            .into_pyobject(py)?
            .into_any(),
        Identifier::Struct(name) => Bound::new(py, struct_type(structs, name))?.into_any(),
        Identifier::Scope(path) => Bound::new(
            py,
            IdsScope {
                structs: ThreadBound::new(structs.clone()),
                path,
            },
        )?
        .into_any(),
    })
}

/// A struct in memory: its members are read and written through attributes.
#[pyclass(module = "cairn")]
pub struct StructView {
    state: ThreadBound<Rc<HintState>>,
    structs: ThreadBound<Rc<Structs>>,
    address: Relocatable,
    cairo_type: String,
}

fn view<'py>(
    py: Python<'py>,
    state: &Rc<HintState>,
    structs: &Rc<Structs>,
    cairo_type: &str,
    address: Relocatable,
) -> PyResult<Bound<'py, PyAny>> {
    let view = StructView {
        state: ThreadBound::new(state.clone()),
        structs: ThreadBound::new(structs.clone()),
        address,
        cairo_type: cairo_type.to_owned(),
    };
    Ok(Bound::new(py, view)?.into_any())
}

/// What Python sees for a value of `cairo_type` named `name`: a struct becomes a view at its
/// `address`, a pointer to a struct a view at the pointed-to address, anything else its `value`.
fn present<'py>(
    py: Python<'py>,
    state: &Rc<HintState>,
    structs: &Rc<Structs>,
    cairo_type: &str,
    name: &str,
    address: impl FnOnce(&VirtualMachine) -> Option<Relocatable>,
    value: impl FnOnce(&VirtualMachine) -> Option<MaybeRelocatable>,
) -> PyResult<Bound<'py, PyAny>> {
    match kind(structs, cairo_type) {
        Kind::Struct(struct_name) => {
            let address = state.with_vm(|vm| address(vm))?.ok_or_else(|| {
                PyValueError::new_err(format!("cannot compute the address of {name}"))
            })?;
            view(py, state, structs, struct_name, address)
        }
        Kind::StructPointer(struct_name) => {
            let target = pointer(state.with_vm(|vm| value(vm))?, name)?;
            view(py, state, structs, struct_name, target)
        }
        Kind::Value => match state.with_vm(|vm| value(vm))? {
            Some(value) => to_python(py, &value),
            None => Err(PyValueError::new_err(format!("{name} is not set yet"))),
        },
    }
}

fn pointer(value: Option<MaybeRelocatable>, name: &str) -> PyResult<Relocatable> {
    match value {
        Some(MaybeRelocatable::RelocatableValue(address)) => Ok(address),
        Some(MaybeRelocatable::Int(felt)) => Err(PyTypeError::new_err(format!(
            "{name} is a pointer, but holds the number {felt}"
        ))),
        None => Err(PyValueError::new_err(format!("{name} is not set yet"))),
    }
}

impl Ids {
    fn reference(&self, name: &str) -> PyResult<&HintReference> {
        self.hint.references.get(name).ok_or_else(|| {
            PyAttributeError::new_err(format!("'ids' has no reference named '{name}'"))
        })
    }
}

#[pymethods]
impl Ids {
    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        if !self.hint.references.contains_key(name) {
            // Not a reference: a constant, struct type or scope the hint's scopes reach.
            let structs = self.structs.get()?;
            if let Some(identifier) = structs.resolve(&self.hint.accessible_scopes, name) {
                return present_identifier(py, structs, identifier);
            }
        }
        let reference = self.reference(name)?;
        let ap_tracking = &self.hint.ap_tracking;
        present(
            py,
            self.state.get()?,
            self.structs.get()?,
            reference.cairo_type.as_deref().unwrap_or("felt"),
            &format!("ids.{name}"),
            |vm| compute_addr_from_reference(reference, vm, ap_tracking),
            |vm| get_maybe_relocatable_from_reference(vm, reference, ap_tracking),
        )
    }

    fn __setattr__(&self, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let reference = self.reference(name)?;
        let cairo_type = reference.cairo_type.as_deref().unwrap_or("felt");
        if let Kind::Struct(_) = kind(self.structs.get()?, cairo_type) {
            return Err(PyTypeError::new_err(format!(
                "ids.{name} is a struct: assign its members instead"
            )));
        }
        let value = maybe_relocatable(value)?;
        let ap_tracking = &self.hint.ap_tracking;
        let state = self.state.get()?;
        state.with_vm(|vm| {
            let address =
                compute_addr_from_reference(reference, vm, ap_tracking).ok_or_else(|| {
                    PyValueError::new_err(format!("cannot compute the address of ids.{name}"))
                })?;
            state.write(vm, address, value)
        })?
    }
}

impl StructView {
    fn member(&self, name: &str) -> PyResult<crate::types::Member> {
        self.structs
            .get()?
            .members(&self.cairo_type)
            .and_then(|members| members.get(name))
            .cloned()
            .ok_or_else(|| {
                PyAttributeError::new_err(format!(
                    "struct {} has no member '{name}'",
                    self.cairo_type
                ))
            })
    }

    fn member_address(&self, offset: usize) -> PyResult<Relocatable> {
        (self.address + offset).map_err(|error| PyValueError::new_err(error.to_string()))
    }
}

#[pymethods]
impl StructView {
    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        if name == "address_" {
            return Ok(Bound::new(py, RelocatableValue::from(self.address))?.into_any());
        }
        if name == "type_" {
            let structs = self.structs.get()?;
            return Ok(Bound::new(py, struct_type(structs, &self.cairo_type))?.into_any());
        }
        let member = self.member(name)?;
        let address = self.member_address(member.offset)?;
        present(
            py,
            self.state.get()?,
            self.structs.get()?,
            &member.cairo_type,
            &format!("member {name}"),
            |_| Some(address),
            |vm| vm.get_maybe(&address),
        )
    }

    fn __setattr__(&self, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let member = self.member(name)?;
        if let Kind::Struct(_) = kind(self.structs.get()?, &member.cairo_type) {
            return Err(PyTypeError::new_err(format!(
                "member {name} is a struct: assign its members"
            )));
        }
        let address = self.member_address(member.offset)?;
        let value = maybe_relocatable(value)?;
        let state = self.state.get()?;
        state.with_vm(|vm| state.write(vm, address, value))?
    }

    /// `view[i]`: the `i`-th struct of this type from this one's address on, as a typed
    /// pointer is indexed in cairo-run (`ids.points[2].x`).
    fn __getitem__<'py>(&self, py: Python<'py>, index: isize) -> PyResult<Bound<'py, PyAny>> {
        let structs = self.structs.get()?;
        let size = structs.size(&self.cairo_type).unwrap_or_default() as isize;
        let offset = index
            .checked_mul(size)
            .ok_or_else(|| PyValueError::new_err("index out of range"))?;
        let address = if offset >= 0 {
            self.address + offset.unsigned_abs()
        } else {
            self.address - offset.unsigned_abs()
        }
        .map_err(|error| PyValueError::new_err(error.to_string()))?;
        view(py, self.state.get()?, structs, &self.cairo_type, address)
    }

    fn __repr__(&self) -> String {
        format!("<{} at {}>", self.cairo_type, self.address)
    }
}

/// The common library's Python code tells a typed reference by `isinstance(x,
/// VmConstsReference)` (then takes its `address_`): cairo-lang's class is an abstract base
/// class, so Cairn's struct views are registered as virtual subclasses of it. Without
/// cairo-lang installed there is nothing to register (and no library code to run).
pub(crate) fn register_struct_views_as_cairo_lang_references(py: Python<'_>) {
    if let Ok(module) = py.import("starkware.cairo.lang.vm.vm_consts") {
        if let Ok(reference) = module.getattr("VmConstsReference") {
            // A failed registration leaves the library's checks as they are; its hints then
            // fail with their own error, which names the cause.
            let _ = reference.call_method1("register", (py.get_type::<StructView>(),));
        }
    }
}
