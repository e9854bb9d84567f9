//! What Python objects reach while a hint runs: the VM, and the Python side of the scopes.

use std::cell::{Cell, RefCell};
use std::ptr::NonNull;

use cairn_vm_core::cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};
use cairn_vm_core::cairo_vm::vm::vm_core::VirtualMachine;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A scope change a Python hint asked for; applied to the VM's scope stack after the hint,
/// since a new scope starts only with the next hint.
pub(crate) enum ScopeChange {
    Enter,
    Exit,
}

/// Shared by a run's Python objects (`memory`, `segments`, `ids`, scope functions).
pub(crate) struct HintState {
    /// The VM, when someone who holds it exclusively lends it: a running hint (for the hint's
    /// duration), or an idle `CairoRunner` (between runs).
    vm: Cell<Option<NonNull<VirtualMachine>>>,
    /// Python hints' variables, one dict per scope (the main scope first).
    pub(crate) scopes: RefCell<Vec<Py<PyDict>>>,
    pub(crate) scope_changes: RefCell<Vec<ScopeChange>>,
    /// The error of a memory rule (see `crate::rules`) that raised where cairo-vm could only
    /// be told that something failed: the run raises it instead (a `VmError` whose cause is
    /// the rule's exception), or a hint's write raises the rule's exception.
    rule_failure: RefCell<Option<PyErr>>,
}

impl HintState {
    pub(crate) fn new(main_scope: Py<PyDict>) -> Self {
        Self {
            vm: Cell::new(None),
            scopes: RefCell::new(vec![main_scope]),
            scope_changes: RefCell::new(Vec::new()),
            rule_failure: RefCell::new(None),
        }
    }

    /// Keeps the error of a memory rule that raised, for [`HintState::take_rule_failure`].
    pub(crate) fn fail_in_rule(&self, failure: PyErr) {
        *self.rule_failure.borrow_mut() = Some(failure);
    }

    /// The error of a memory rule that raised since the last call, if any.
    pub(crate) fn take_rule_failure(&self) -> Option<PyErr> {
        self.rule_failure.borrow_mut().take()
    }

    /// Writes `value` at `at` for a Python object (`memory[a] = v`, `ids.x = v`,
    /// `segments.write_arg`…). A refused write raises what a validation rule raised, as a
    /// hint's write raises it under cairo-run, else a `ValueError` saying why cairo-vm refused.
    pub(crate) fn write(
        &self,
        vm: &mut VirtualMachine,
        at: Relocatable,
        value: MaybeRelocatable,
    ) -> PyResult<()> {
        vm.insert_value(at, value).map_err(|error| {
            Python::attach(|py| match self.take_rule_failure() {
                Some(failure) => failure.cause(py).unwrap_or(failure),
                None => PyValueError::new_err(error.to_string()),
            })
        })
    }

    /// Lends `vm` to the Python objects while `body` runs.
    pub(crate) fn lend_vm<R>(&self, vm: &mut VirtualMachine, body: impl FnOnce() -> R) -> R {
        struct Restore<'a>(
            &'a Cell<Option<NonNull<VirtualMachine>>>,
            Option<NonNull<VirtualMachine>>,
        );
        impl Drop for Restore<'_> {
            fn drop(&mut self) {
                self.0.set(self.1);
            }
        }
        let previous = self.vm.replace(Some(NonNull::from(vm)));
        let _restore = Restore(&self.vm, previous);
        body()
    }

    /// Lends `vm` until [`HintState::take_back_vm`]: an idle runner's VM, reachable from
    /// `runner.memory` and `runner.segments` between runs.
    ///
    /// # Safety
    /// `vm` must stay valid and unaliased until `take_back_vm` is called.
    pub(crate) unsafe fn lend_vm_until_taken_back(&self, vm: &mut VirtualMachine) {
        self.vm.set(Some(NonNull::from(vm)));
    }

    /// Ends a lending started by [`HintState::lend_vm_until_taken_back`].
    pub(crate) fn take_back_vm(&self) {
        self.vm.set(None);
    }

    /// Runs `f` on the lent VM, or raises if none is lent (e.g. `memory` kept past its hint).
    pub(crate) fn with_vm<R>(&self, f: impl FnOnce(&mut VirtualMachine) -> R) -> PyResult<R> {
        let pointer = self.vm.get().ok_or_else(|| {
            PyRuntimeError::new_err(
                "the VM is only reachable while a hint runs or through its CairoRunner",
            )
        })?;
        // Take the pointer out while `f` runs, so that a nested access (a Python callback
        // re-entering) finds no VM instead of a second mutable reference.
        self.vm.set(None);
        struct Restore<'a>(
            &'a Cell<Option<NonNull<VirtualMachine>>>,
            NonNull<VirtualMachine>,
        );
        impl Drop for Restore<'_> {
            fn drop(&mut self) {
                self.0.set(Some(self.1));
            }
        }
        let _restore = Restore(&self.vm, pointer);
        // SAFETY: the pointer was lent either by `lend_vm`, from a `&mut VirtualMachine` that
        // outlives the `body` it runs (and the previous value is restored before it returns),
        // or by `lend_vm_until_taken_back`, whose caller keeps the VM valid and untouched until
        // it takes it back; either way the pointer is live here. The cell is emptied while `f` runs, so this is the only
        // reference made from it; all of this happens on the thread holding the GIL, and the
        // objects sharing this state are `unsendable`, so no other thread can reach it.
        let vm = unsafe { &mut *pointer.as_ptr() };
        Ok(f(vm))
    }
}
