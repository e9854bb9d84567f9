//! The memory rules cairo-run lets hints add:
//! - `vm_add_validation_rule(segment_index, rule, *args)`: `rule(memory, addr, *args)` runs when
//!   a cell of the segment is written and returns the set of addresses it validated (cairo-lang's
//!   `ValidatedMemoryDict`). cairo-vm runs validation rules itself, one Rust function per
//!   segment: Cairn installs one per segment that calls the segment's Python rules in order.
//! - `vm_add_auto_deduction_rule(segment_index, rule, *args)`: `rule(vm, addr, *args)` returns
//!   the value of a cell of the segment, or None. As in cairo-lang's `compute_operands`, an
//!   instruction's unknown op0 and op1 are asked of the rules before the VM deduces them from
//!   the instruction, and when the run ends every known cell of the segment is checked against
//!   them (`verify_auto_deductions`).
//!
//! A rule that raises stops the run with a `VmError` whose `__cause__` is the rule's exception.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::ptr::NonNull;
use std::rc::Rc;

use cairn_vm_core::cairo_vm::types::instruction::{Op1Addr, Register};
use cairn_vm_core::cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};
use cairn_vm_core::cairo_vm::vm::decoding::decoder::decode_instruction;
use cairn_vm_core::cairo_vm::vm::errors::memory_errors::MemoryError;
use cairn_vm_core::cairo_vm::vm::runners::builtin_runner::BuiltinRunner;
use cairn_vm_core::cairo_vm::vm::vm_core::VirtualMachine;
use cairn_vm_core::cairo_vm::vm::vm_memory::memory::{Memory as VmMemory, ValidationRule};
use cairn_vm_core::{segment_used_sizes, Felt252};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::memory::{item, item_or, Memory};
use crate::relocatable::RelocatableValue;
use crate::segments::Segments;
use crate::state::HintState;
use crate::thread_bound::ThreadBound;
use crate::values::{address, maybe_relocatable, to_python};
use crate::VmError;

/// A rule as a hint added it: the callable and its extra arguments.
struct Rule {
    function: Py<PyAny>,
    args: Py<PyTuple>,
}

impl Rule {
    fn call<'py>(
        &self,
        py: Python<'py>,
        first: &Bound<'py, PyAny>,
        addr: Relocatable,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut args = vec![
            first.clone(),
            RelocatableValue::from(addr).into_pyobject(py)?.into_any(),
        ];
        args.extend(self.args.bind(py).iter());
        self.function.bind(py).call1(PyTuple::new(py, args)?)
    }
}

/// Python rules by segment, in the order they were added.
type RulesBySegment<K> = RefCell<BTreeMap<K, Vec<Rc<Rule>>>>;

/// A run's memory rules.
pub(crate) struct MemoryRules {
    state: Rc<HintState>,
    /// The objects an auto-deduction rule's `vm` argument offers.
    memory: Py<Memory>,
    segments: Py<Segments>,
    validations: Rc<RulesBySegment<usize>>,
    deductions: RulesBySegment<isize>,
}

impl MemoryRules {
    pub(crate) fn new(state: Rc<HintState>, memory: Py<Memory>, segments: Py<Segments>) -> Self {
        Self {
            state,
            memory,
            segments,
            validations: Rc::default(),
            deductions: RefCell::default(),
        }
    }

    /// Whether the run has auto-deduction rules to apply before instructions.
    pub(crate) fn deducing(&self) -> bool {
        !self.deductions.borrow().is_empty()
    }

    /// The rules of `segment`, copied out so that a rule may add rules while it runs.
    fn deductions_of(&self, segment: isize) -> Vec<Rc<Rule>> {
        self.deductions
            .borrow()
            .get(&segment)
            .cloned()
            .unwrap_or_default()
    }

    /// Asks the rules for the instruction at pc's unknown op0 and op1, as cairo-lang's
    /// `compute_operands` does before deducing them from the instruction.
    pub(crate) fn deduce_operands(&self, py: Python<'_>, vm: &mut VirtualMachine) -> PyResult<()> {
        let Some((op0_addr, op1_addr)) = operand_addresses(vm) else {
            // Not an instruction cairo-vm can run, or an op1 that needs an unknown op0:
            // cairo-vm reports it, as cairo-lang fails there before asking any rule.
            return Ok(());
        };
        let ruled = |at: &Relocatable| self.deductions.borrow().contains_key(&at.segment_index);
        if !ruled(&op0_addr) && !op1_addr.as_ref().is_some_and(ruled) {
            return Ok(());
        }
        self.state.lend_vm(vm, || {
            let vm_view = self.vm_view(py)?;
            for at in [Some(op0_addr), op1_addr].into_iter().flatten() {
                if self.state.with_vm(|vm| vm.get_maybe(&at).is_none())? {
                    self.deduce_cell(py, &vm_view, at)?;
                }
            }
            Ok(())
        })
    }

    /// The first value a rule of the cell's segment gives, written to memory.
    fn deduce_cell(
        &self,
        py: Python<'_>,
        vm_view: &Bound<'_, PyAny>,
        at: Relocatable,
    ) -> PyResult<()> {
        for rule in self.deductions_of(at.segment_index) {
            let value = call_deduction(py, vm_view, &rule, at)?;
            if value.is_none() {
                continue;
            }
            let value = maybe_relocatable(&value)?;
            return self.state.with_vm(|vm| self.state.write(vm, at, value))?;
        }
        Ok(())
    }

    /// What an auto-deduction rule gets as `vm`: cairo-lang's `VirtualMachine` members rules
    /// use (`validated_memory`, `run_context` with `ap`, `fp`, `pc` and `memory`, `prime`,
    /// `segments`).
    fn vm_view<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (ap, fp, pc) = self
            .state
            .with_vm(|vm| (vm.get_ap(), vm.get_fp(), vm.get_pc()))?;
        let namespace = py.import("types")?.getattr("SimpleNamespace")?;
        let context = PyDict::new(py);
        context.set_item("ap", RelocatableValue::from(ap))?;
        context.set_item("fp", RelocatableValue::from(fp))?;
        context.set_item("pc", RelocatableValue::from(pc))?;
        context.set_item("memory", self.memory.bind(py))?;
        let members = PyDict::new(py);
        members.set_item("run_context", namespace.call((), Some(&context))?)?;
        members.set_item("validated_memory", self.memory.bind(py))?;
        members.set_item("segments", self.segments.bind(py))?;
        members.set_item("prime", Felt252::prime())?;
        namespace.call((), Some(&members))
    }

    /// cairo-lang's `verify_auto_deductions`, run as the run ends: every known cell of a
    /// segment with rules must equal what its rules deduce.
    pub(crate) fn verify(&self, py: Python<'_>, vm: &mut VirtualMachine) -> PyResult<()> {
        let segments: Vec<isize> = self.deductions.borrow().keys().copied().collect();
        if segments.is_empty() {
            return Ok(());
        }
        let sizes = segment_used_sizes(vm);
        self.state.lend_vm(vm, || {
            let vm_view = self.vm_view(py)?;
            for segment in segments {
                // cairo-vm tells no temporary segment's size: only segments are checked.
                let Ok(index) = usize::try_from(segment) else {
                    continue;
                };
                let size = sizes.get(index).copied().unwrap_or(0);
                for offset in 0..size {
                    let at = Relocatable::from((segment, offset));
                    let Some(current) = self.state.with_vm(|vm| vm.get_maybe(&at))? else {
                        continue;
                    };
                    for rule in self.deductions_of(segment) {
                        let value = call_deduction(py, &vm_view, &rule, at)?;
                        if value.is_none() {
                            continue;
                        }
                        let deduced = maybe_relocatable(&value)?;
                        if deduced != current {
                            return Err(VmError::new_err(format!(
                                "Inconsistent auto deduction rule at address {at}. {} != {}.",
                                to_python(py, &current)?,
                                to_python(py, &deduced)?
                            )));
                        }
                    }
                }
            }
            Ok(())
        })
    }
}

/// Asks `rule` for the cell at `at`, giving it `vm_view` as `vm`.
fn call_deduction<'py>(
    py: Python<'py>,
    vm_view: &Bound<'py, PyAny>,
    rule: &Rule,
    at: Relocatable,
) -> PyResult<Bound<'py, PyAny>> {
    rule.call(py, vm_view, at)
        .map_err(|error| rule_failed(py, "auto-deduction", at, error))
}

/// `base + offset` for an instruction's 16-bit signed offset.
fn offset(base: Relocatable, offset: isize) -> Option<Relocatable> {
    (base + i32::try_from(offset).ok()?).ok()
}

/// The addresses of the op0 and op1 operands of the instruction at pc, as cairo-lang computes
/// them before any deduction (op1's from op0's value when op1 is `[op0 + off2]`); `None` when
/// the instruction cannot be decoded or its op1 needs an op0 that is not known yet.
fn operand_addresses(vm: &VirtualMachine) -> Option<(Relocatable, Option<Relocatable>)> {
    let pc = vm.get_pc();
    let encoded = match vm.get_maybe(&pc)? {
        MaybeRelocatable::Int(felt) => u128::try_from(felt).ok()?,
        MaybeRelocatable::RelocatableValue(_) => return None,
    };
    let instruction = decode_instruction(encoded).ok()?;
    let register = |register: Register| match register {
        Register::AP => vm.get_ap(),
        Register::FP => vm.get_fp(),
    };
    let op0_addr = offset(register(instruction.op0_register), instruction.off1)?;
    let op1_base = match instruction.op1_addr {
        Op1Addr::Imm => pc,
        Op1Addr::AP => vm.get_ap(),
        Op1Addr::FP => vm.get_fp(),
        Op1Addr::Op0 => match vm.get_maybe(&op0_addr)? {
            MaybeRelocatable::RelocatableValue(base) => base,
            MaybeRelocatable::Int(_) => return Some((op0_addr, None)),
        },
    };
    Some((op0_addr, offset(op1_base, instruction.off2)))
}

/// The error a rule's exception becomes: a `VmError` naming the rule's kind and the address,
/// with the exception as its cause.
fn rule_failed(py: Python<'_>, kind: &str, at: Relocatable, error: PyErr) -> PyErr {
    let failure = VmError::new_err(format!("the {kind} rule for {at} raised: {error}"));
    failure.set_cause(py, Some(error));
    failure
}

/// The message of a run stopped by a memory rule: the rule's error, after the VM's line that
/// names where it stopped (`file:line:col: Error at pc=…:`, as cairo-run prints it), if any;
/// the rest of the VM's message only says that something failed.
pub(crate) fn rule_failure_message(py: Python<'_>, vm_message: &str, failure: &PyErr) -> String {
    let rule_message = failure
        .value(py)
        .str()
        .map_or_else(|_| failure.to_string(), |text| text.to_string());
    match vm_message.lines().next() {
        Some(location) if location.contains("Error at pc=") => {
            format!("{location}\n{rule_message}")
        }
        _ => rule_message,
    }
}

/// `memory` as a validation rule gets it: cairo-vm's memory, readable while the rule runs.
#[pyclass(module = "cairn")]
pub struct RuleMemory {
    memory: ThreadBound<Cell<Option<NonNull<VmMemory>>>>,
}

impl RuleMemory {
    fn read<R>(&self, f: impl FnOnce(&VmMemory) -> R) -> PyResult<R> {
        let pointer = self.memory.get()?.get().ok_or_else(|| {
            PyRuntimeError::new_err("a validation rule's memory is readable only while it runs")
        })?;
        // SAFETY: the pointer is set by `validate` from the `&Memory` cairo-vm hands the rule,
        // only for the duration of the rule's Python call, and cleared before `validate`
        // returns; the object is bound to this thread, so nothing reads it after.
        Ok(f(unsafe { pointer.as_ref() }))
    }
}

#[pymethods]
impl RuleMemory {
    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let at = address(key)?;
        item(
            py,
            at,
            self.read(|memory| memory.get_maybe_relocatable(at).ok())?,
        )
    }

    fn __contains__(&self, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        let at = address(key)?;
        self.read(|memory| memory.get_maybe_relocatable(at).is_ok())
    }

    /// `memory.get(addr, default_value=None)`.
    #[pyo3(signature = (addr, default_value=None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        addr: &Bound<'py, PyAny>,
        default_value: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let at = address(addr)?;
        let value = self.read(|memory| memory.get_maybe_relocatable(at).ok())?;
        item_or(py, value, default_value)
    }
}

/// Calls `segment`'s validation rules on `at`; the union of the addresses they validated.
fn validate(
    py: Python<'_>,
    rules: &RulesBySegment<usize>,
    segment: usize,
    memory: &VmMemory,
    at: Relocatable,
) -> PyResult<Vec<Relocatable>> {
    let rules = rules.borrow().get(&segment).cloned().unwrap_or_default();
    let view = Bound::new(
        py,
        RuleMemory {
            memory: ThreadBound::new(Cell::new(Some(NonNull::from(memory)))),
        },
    )?;
    let outcome = (|| {
        let mut validated = Vec::new();
        for rule in rules {
            let addresses = rule
                .call(py, view.as_any(), at)
                .map_err(|error| rule_failed(py, "validation", at, error))?;
            for item in addresses.try_iter()? {
                validated.push(address(&item?)?);
            }
        }
        Ok(validated)
    })();
    view.borrow().memory.get()?.set(None);
    outcome
}

/// `vm_add_validation_rule(segment_index, rule, *args)`.
#[pyclass(module = "cairn")]
pub struct AddValidationRule {
    rules: ThreadBound<Rc<MemoryRules>>,
}

#[pymethods]
impl AddValidationRule {
    #[pyo3(signature = (segment_index, rule, *args))]
    fn __call__(&self, segment_index: isize, rule: Py<PyAny>, args: Py<PyTuple>) -> PyResult<()> {
        let rules = self.rules.get()?;
        let segment = usize::try_from(segment_index).map_err(|_| {
            PyValueError::new_err(format!(
                "validation rules apply to segments, and {segment_index} is a temporary one \
                 (cairo-vm validates only segments)"
            ))
        })?;
        let first_for_segment = !rules.validations.borrow().contains_key(&segment);
        if first_for_segment {
            rules
                .state
                .with_vm(|vm| install_validation(vm, rules, segment))??;
        }
        rules
            .validations
            .borrow_mut()
            .entry(segment)
            .or_default()
            .push(Rc::new(Rule {
                function: rule,
                args,
            }));
        Ok(())
    }
}

/// Puts the Rust rule that calls `segment`'s Python rules into cairo-vm's memory; a builtin's
/// own rule is not replaced (cairo-vm keeps one rule per segment).
fn install_validation(
    vm: &mut VirtualMachine,
    rules: &MemoryRules,
    segment: usize,
) -> PyResult<()> {
    let validating_builtin = vm.builtin_runners.iter().find(|builtin| {
        builtin.base() == segment
            && matches!(
                builtin,
                BuiltinRunner::RangeCheck(_)
                    | BuiltinRunner::RangeCheck96(_)
                    | BuiltinRunner::Signature(_)
            )
    });
    if let Some(builtin) = validating_builtin {
        return Err(PyValueError::new_err(format!(
            "segment {segment} is the {} builtin's, whose own validation rule cairo-vm would \
             drop for this one (it keeps one rule per segment)",
            builtin.name().to_str()
        )));
    }
    let validations = rules.validations.clone();
    let state = rules.state.clone();
    let rule = move |memory: &VmMemory, at: Relocatable| {
        Python::attach(|py| {
            validate(py, &validations, segment, memory, at).map_err(|failure| {
                let message = failure.to_string();
                state.fail_in_rule(failure);
                MemoryError::ErrorRetrievingMessage(message.into_boxed_str())
            })
        })
    };
    vm.segments
        .memory
        .add_validation_rule(segment, ValidationRule(Box::new(rule)));
    Ok(())
}

/// `vm_add_auto_deduction_rule(segment_index, rule, *args)`.
#[pyclass(module = "cairn")]
pub struct AddAutoDeductionRule {
    rules: ThreadBound<Rc<MemoryRules>>,
}

#[pymethods]
impl AddAutoDeductionRule {
    #[pyo3(signature = (segment_index, rule, *args))]
    fn __call__(&self, segment_index: isize, rule: Py<PyAny>, args: Py<PyTuple>) -> PyResult<()> {
        let rules = self.rules.get()?;
        rules
            .deductions
            .borrow_mut()
            .entry(segment_index)
            .or_default()
            .push(Rc::new(Rule {
                function: rule,
                args,
            }));
        Ok(())
    }
}

/// The two functions hints call, by their cairo-run names.
pub(crate) fn rule_functions(
    py: Python<'_>,
    rules: &Rc<MemoryRules>,
) -> PyResult<[(&'static str, Py<PyAny>); 2]> {
    Ok([
        (
            "vm_add_validation_rule",
            Py::new(
                py,
                AddValidationRule {
                    rules: ThreadBound::new(rules.clone()),
                },
            )?
            .into_any(),
        ),
        (
            "vm_add_auto_deduction_rule",
            Py::new(
                py,
                AddAutoDeductionRule {
                    rules: ThreadBound::new(rules.clone()),
                },
            )?
            .into_any(),
        ),
    ])
}
