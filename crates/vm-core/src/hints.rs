//! Where hints run: cairo-vm's Rust processor first, an extension for everything else.
//!
//! cairo-vm's `BuiltinHintProcessor` implements the common library's hints in Rust. A hint it does
//! not know (for instance arbitrary Python) goes to a [`HintExtension`]. The two keep separate
//! variables: Rust hints keep theirs in cairo-vm's `ExecutionScopes`, an extension keeps its own and
//! sees only the depth of the scope stack, so that `vm_enter_scope`/`vm_exit_scope` stay in step.

use std::any::Any;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use cairo_vm::hint_processor::builtin_hint_processor::builtin_hint_processor_definition::{
    BuiltinHintProcessor, HintProcessorData,
};
use cairo_vm::hint_processor::builtin_hint_processor::hint_code;
use cairo_vm::hint_processor::hint_processor_definition::{HintProcessorLogic, HintReference};
use cairo_vm::serde::deserialize_program::ApTracking;
use cairo_vm::types::exec_scope::ExecutionScopes;
use cairo_vm::vm::errors::hint_errors::HintError;
use cairo_vm::vm::errors::vm_errors::VirtualMachineError;
use cairo_vm::vm::runners::cairo_runner::ResourceTracker;
use cairo_vm::vm::vm_core::VirtualMachine;
use cairo_vm::Felt252;

/// A compiled hint as cairo-vm hands it over: its code, the `ids` it may reference, its ap tracking.
pub type HintData = HintProcessorData;

/// Runs the hints cairo-vm's Rust processor does not know.
pub trait HintExtension {
    /// Executes one hint. Return [`HintError::UnknownHint`] for code the extension does not
    /// handle either; any other error stops the run and is reported at the hint's pc.
    fn execute(
        &mut self,
        vm: &mut VirtualMachine,
        scopes: &mut ScopeStack<'_>,
        hint: &HintData,
    ) -> Result<(), HintError>;

    /// Whether [`HintExtension::before_instruction`] has work to do. Asked before every
    /// instruction, so it must be cheap; an extension that never checks instructions keeps the
    /// default.
    fn checks_instructions(&self) -> bool {
        false
    }

    /// Runs before each instruction, after the hints at its pc, while
    /// [`HintExtension::checks_instructions`] says so (cairo-run's auto-deduction rules fill an
    /// instruction's unknown operands here, before the VM deduces them from the instruction).
    /// An error stops the run at this pc.
    fn before_instruction(&mut self, _vm: &mut VirtualMachine) -> Result<(), HintError> {
        Ok(())
    }

    /// Programs hints loaded since the last call (cairo-run's `vm_load_program`), asked after
    /// the hints of each step while [`HintExtension::checks_instructions`] says so: from then
    /// on, a loaded program's hints run when pc reaches its base plus their offset.
    fn take_loaded_programs(&mut self) -> Vec<LoadedProgram> {
        Vec::new()
    }

    /// Runs once the program reaches its end, before the run is finished (cairo-run's `end_run`
    /// verifies the memory against the auto-deduction rules here). An error fails the run.
    fn at_end(&mut self, _vm: &mut VirtualMachine) -> Result<(), HintError> {
        Ok(())
    }

    /// A note for the error of a Rust hint that looked for the variable `name` in the scope at
    /// `scope_depth` (1: the main scope) and did not find it, or `None`. An extension whose
    /// hints keep variables apart from the Rust hints' says here that one of its hints set it
    /// (a Python hint's `initial_dict`, which the library's `dict_new`, in Rust, reads).
    fn note_on_missing_variable(&self, _scope_depth: usize, _name: &str) -> Option<String> {
        None
    }
}

/// A program a hint loaded into the run, its code at `base` (cairo-run's `vm_load_program`).
pub struct LoadedProgram {
    /// The program, parsed (with [`crate::CairoProgram::loadable_from_bytes`]).
    pub program: crate::CairoProgram,
    /// Where its first instruction is in memory.
    pub base: cairo_vm::types::relocatable::Relocatable,
}

/// An extension shared by the hint dispatcher (which runs its hints) and the run's step loop
/// (which calls it before instructions and at the end).
pub(crate) type SharedExtension = Rc<RefCell<Box<dyn HintExtension>>>;

/// The part of the VM's scope stack an extension may touch: its depth, and (only for the
/// cairo-run-compatible shared scope, which an extension opts into) the Rust hints' variables
/// of the innermost scope.
pub struct ScopeStack<'a> {
    scopes: &'a mut ExecutionScopes,
}

impl ScopeStack<'_> {
    /// How many scopes are open, the main scope included (so at least 1).
    pub fn depth(&self) -> usize {
        self.scopes.data.len()
    }

    /// Opens a new scope, as `vm_enter_scope()` does.
    pub fn enter(&mut self) {
        self.scopes.enter_scope(HashMap::new());
    }

    /// Closes the innermost scope, as `vm_exit_scope()` does; the main scope cannot be closed.
    pub fn exit(&mut self) -> Result<(), HintError> {
        self.scopes.exit_scope().map_err(HintError::FromScopeError)
    }

    /// The Rust hints' variables in the innermost scope, for an extension that shares one
    /// scope between its hints and Rust's as cairo-run does (where every hint sees the same
    /// variables). Keeping them apart is the default; an extension reaching here opts out.
    pub fn shared_variables(&mut self) -> Result<&mut HashMap<String, Box<dyn Any>>, HintError> {
        self.scopes.get_local_variables_mut()
    }
}

/// The hint processor for Cairo 0 programs: cairo-vm's Rust hints, then the extension.
pub(crate) struct HintDispatcher {
    builtin: BuiltinHintProcessor,
    extension: Option<SharedExtension>,
    /// Every hint goes to the extension, those cairo-vm knows included (cairo-run's
    /// compatibility mode: the common library's hints run as the Python they are written in).
    extension_only: bool,
    /// Hint codes the Rust processor turned down once, so they go straight to the extension.
    extension_codes: HashSet<String>,
}

impl HintDispatcher {
    pub(crate) fn new(extension: Option<SharedExtension>) -> Self {
        Self {
            builtin: BuiltinHintProcessor::new_empty(),
            extension,
            extension_only: false,
            extension_codes: HashSet::new(),
        }
    }

    /// A dispatcher that gives every hint to `extension`.
    pub(crate) fn extension_only(extension: SharedExtension) -> Self {
        Self {
            extension_only: true,
            ..Self::new(Some(extension))
        }
    }

    /// `error` with the extension's note when it says a Rust hint missed a variable that the
    /// extension's hints set (their variables being kept apart).
    fn with_missing_variable_note(&self, error: HintError, scopes: &ExecutionScopes) -> HintError {
        let name = match &error {
            HintError::VariableNotInScopeError(name) => name.as_ref(),
            HintError::NoInitialDict => "initial_dict",
            _ => return error,
        };
        let note = self.extension.as_ref().and_then(|extension| {
            extension
                .borrow()
                .note_on_missing_variable(scopes.data.len(), name)
        });
        match note {
            Some(note) => HintError::CustomHint(format!("{error}; {note}").into_boxed_str()),
            None => error,
        }
    }
}

impl HintProcessorLogic for HintDispatcher {
    fn execute_hint(
        &mut self,
        vm: &mut VirtualMachine,
        exec_scopes: &mut ExecutionScopes,
        hint_data: &Box<dyn Any>,
    ) -> Result<(), HintError> {
        let hint = hint_data
            .downcast_ref::<HintProcessorData>()
            .ok_or(HintError::WrongHintData)?;
        if !self.extension_only && !self.extension_codes.contains(&hint.code) {
            // The Rust processor matches on the code before touching the VM, so an unknown hint
            // leaves no trace and can safely be retried by the extension.
            match self.builtin.execute_hint(vm, exec_scopes, hint_data) {
                Err(HintError::UnknownHint(_)) if self.extension.is_some() => {
                    self.extension_codes.insert(hint.code.clone());
                }
                Ok(()) if hint.code == hint_code::DICT_NEW => {
                    // The library's hint ends with `del initial_dict`, which cairo-vm leaves
                    // out: a later `dict_new` would reuse it, and a shared scope would show it.
                    exec_scopes
                        .get_local_variables_mut()?
                        .remove("initial_dict");
                    return Ok(());
                }
                Err(error) => return Err(self.with_missing_variable_note(error, exec_scopes)),
                result => return result,
            }
        }
        match &mut self.extension {
            Some(extension) => extension.borrow_mut().execute(
                vm,
                &mut ScopeStack {
                    scopes: exec_scopes,
                },
                hint,
            ),
            None => Err(HintError::UnknownHint(hint.code.clone().into_boxed_str())),
        }
    }
}

/// Wraps a run's hint processor and hands control back to the [`crate::Runner`] after a
/// number of steps: cairo-vm stops `run_until_pc` as soon as its tracker says it is consumed.
pub(crate) struct StepBudget<'h> {
    pub(crate) hints: Box<dyn HintProcessorLogic + 'h>,
    /// Steps cairo-vm may still take; `None` is unbounded.
    pub(crate) remaining: Option<usize>,
}

impl HintProcessorLogic for StepBudget<'_> {
    fn execute_hint(
        &mut self,
        vm: &mut VirtualMachine,
        exec_scopes: &mut ExecutionScopes,
        hint_data: &Box<dyn Any>,
    ) -> Result<(), HintError> {
        self.hints.execute_hint(vm, exec_scopes, hint_data)
    }

    fn compile_hint(
        &self,
        hint_code: &str,
        ap_tracking_data: &ApTracking,
        reference_ids: &HashMap<String, usize>,
        references: &[HintReference],
        accessible_scopes: &[String],
        constants: Arc<HashMap<String, Felt252>>,
    ) -> Result<Box<dyn Any>, VirtualMachineError> {
        self.hints.compile_hint(
            hint_code,
            ap_tracking_data,
            reference_ids,
            references,
            accessible_scopes,
            constants,
        )
    }
}

impl ResourceTracker for StepBudget<'_> {
    fn consumed(&self) -> bool {
        self.remaining == Some(0)
    }

    fn consume_step(&mut self) {
        if let Some(remaining) = &mut self.remaining {
            *remaining = remaining.saturating_sub(1);
        }
    }
}
