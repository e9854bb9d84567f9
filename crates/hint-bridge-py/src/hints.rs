//! [`PythonHints`]: runs the hints cairo-vm does not know as Python, as cairo-run does.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use cairn_vm_core::cairo_vm::types::relocatable::Relocatable;
use cairn_vm_core::cairo_vm::vm::errors::hint_errors::HintError;
use cairn_vm_core::cairo_vm::vm::vm_core::VirtualMachine;
use cairn_vm_core::{CairoProgram, HintData, HintExtension, LoadedProgram, ScopeStack};
use pyo3::exceptions::{PyAssertionError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString};

use crate::ids::{HintContext, Ids};
use crate::injection::{Injection, NameAnalysis};
use crate::loading::{LoadedPrograms, LoadedRegion};
use crate::memory::Memory;
use crate::relocatable::RelocatableValue;
use crate::rules::MemoryRules;
use crate::segments::Segments;
use crate::shared_scope::SharedScope;
use crate::state::{HintState, ScopeChange};
use crate::thread_bound::ThreadBound;
use crate::types::Structs;
use crate::values::int_of_felt;
use crate::vm_objects::VmObjects;

/// `vm_enter_scope` and `vm_exit_scope` for Python hints.
#[pyclass(module = "cairn")]
pub struct Scopes {
    state: ThreadBound<Rc<HintState>>,
}

#[pymethods]
impl Scopes {
    /// Opens a scope holding a copy of `new_scope_locals`; it takes effect from the next hint.
    #[pyo3(signature = (new_scope_locals=None))]
    fn enter(&self, py: Python<'_>, new_scope_locals: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
        let scope = match new_scope_locals {
            Some(locals) => locals.copy()?,
            None => PyDict::new(py),
        };
        let state = self.state.get()?;
        state.scopes.borrow_mut().push(scope.unbind());
        state.scope_changes.borrow_mut().push(ScopeChange::Enter);
        Ok(())
    }

    /// Closes the innermost scope.
    fn exit(&self) -> PyResult<()> {
        let state = self.state.get()?;
        let mut scopes = state.scopes.borrow_mut();
        if scopes.len() <= 1 {
            return Err(PyAssertionError::new_err("Cannot exit main scope."));
        }
        scopes.pop();
        state.scope_changes.borrow_mut().push(ScopeChange::Exit);
        Ok(())
    }
}

fn hint_error(error: HintError) -> PyErr {
    PyAssertionError::new_err(error.to_string())
}

/// `PRIME` and the field helpers cairo-run gives every hint (`fadd`, `fsub`, `fmul`, `fdiv`,
/// `fpow`, `fis_quad_residue`, `fsqrt`, `safe_div`, `to_felt_or_relocatable`).
/// Made once per process (running their source took a good part of a runner's set-up); each
/// runner gets its own copy of the dict, the functions in it shared.
fn cairo_run_static_locals(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    static STATIC_LOCALS: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
    let template = STATIC_LOCALS.get_or_try_init(py, || {
        let namespace = PyDict::new(py);
        namespace.set_item("PRIME", int_of_felt(&cairn_vm_core::Felt252::MAX) + 1u8)?;
        namespace.set_item("RelocatableValue", py.get_type::<RelocatableValue>())?;
        python_module_function(
            py,
            include_str!("static_locals.py"),
            "STATIC_LOCALS",
            Some(namespace),
        )?
        .cast_into::<PyDict>()
        .map(Bound::unbind)
        .map_err(PyErr::from)
    })?;
    template.bind(py).copy()
}

/// Runs the embedded Python `source` in `namespace` (or a fresh one) and returns the object
/// it binds to `name`.
pub(crate) fn python_module_function<'py>(
    py: Python<'py>,
    source: &str,
    name: &str,
    namespace: Option<Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let code =
        std::ffi::CString::new(source).map_err(|error| PyValueError::new_err(error.to_string()))?;
    let namespace = namespace.unwrap_or_else(|| PyDict::new(py));
    py.run(&code, Some(&namespace), None)?;
    namespace
        .get_item(name)?
        .ok_or_else(|| PyValueError::new_err(format!("the embedded Python defines {name}")))
}

/// A hint compiled on its first run: its code object, what its `ids` refer to, and which of
/// the names cairo-run gives every hint it is given.
struct CompiledHint {
    code: Py<PyAny>,
    context: Arc<HintContext>,
    injection: Rc<Injection>,
}

/// Where a hint's code is in the Cairo source.
#[derive(Clone, Debug)]
pub(crate) struct HintSource {
    /// The Cairo file, as the program names it.
    filename: String,
    /// The line of the hint's first code line (counting from 1).
    first_line: usize,
}

/// The source location of each pc's hint, for the pcs with exactly one hint (with several,
/// which one runs is not known here, and the hint keeps a `<hintN>` name).
pub(crate) fn hint_sources(program: &CairoProgram) -> HashMap<usize, HintSource> {
    let Some(locations) = program
        .as_cairo_vm()
        .get_relocated_instruction_locations(&[0])
    else {
        return HashMap::default();
    };
    locations
        .into_iter()
        .filter_map(|(pc, location)| {
            let [hint] = location.hints.as_slice() else {
                return None;
            };
            // cairo-run's line: start_line + n_prefix_newlines (the `%{` line is the start).
            let first_line = hint.location.start_line as usize + hint.n_prefix_newlines as usize;
            Some((
                pc,
                HintSource {
                    filename: hint.location.input_file.filename.clone(),
                    first_line: first_line.max(1),
                },
            ))
        })
        .collect()
}

/// Runs Python hints with the locals cairo-run gives them. Its variables live in Python dicts,
/// one per scope, apart from the Rust hints' variables.
pub struct PythonHints {
    pub(crate) state: Rc<HintState>,
    structs: Rc<Structs>,
    /// Code objects by hint pc, then source (looked up without allocating: a hint may run
    /// every step), compiled on first use.
    compiled: HashMap<Relocatable, HashMap<String, CompiledHint>>,
    /// Programs hints loaded (`vm_load_program`), whose hints run at their own addresses.
    loaded: Rc<LoadedPrograms>,
    /// How many hints have been compiled (names the `<hintN>` ones).
    compiled_count: usize,
    /// Where each hint is in the Cairo source, by pc: tracebacks name the Cairo file and line,
    /// as cairo-run's do.
    locations: HashMap<usize, HintSource>,
    /// The hint lines shown in tracebacks, by Cairo file, for files Python cannot read.
    shown_lines: HashMap<String, Vec<String>>,
    memory: Py<Memory>,
    segments: Py<Segments>,
    scopes: Py<Scopes>,
    static_locals: Py<PyDict>,
    /// `builtin_runners`, each `NAME_builtin`, `is_accessed` and cairo-run's other VM names.
    vm_objects: VmObjects,
    /// The validation and auto-deduction rules hints added.
    rules: Rc<MemoryRules>,
    /// What every hint gets and gives back unchanged (`memory`, the scope functions, the
    /// static locals, the VM names), in one dict made at the first hint, and its keys.
    injected: Option<Py<PyDict>>,
    injected_names: Vec<Py<PyString>>,
    /// Finds which of those names each hint's code looks up.
    name_analysis: NameAnalysis,
    /// Set once a hint has defined a function (which a later hint may call with the scope as
    /// its globals): from then on every hint is given every name.
    every_name: bool,
    /// With cairo-run's shared scope, what crosses between Python's and Rust's variables.
    shared_scope: Option<SharedScope>,
    exec: Py<PyAny>,
    compile: Py<PyAny>,
    linecache: Py<PyDict>,
    format_exception: Py<PyAny>,
    /// The Python exception of the hint that stopped the run, for the caller to re-raise.
    pub(crate) failure: Rc<RefCell<Option<PyErr>>>,
}

impl PythonHints {
    /// Prepares Python hints for `program`: `hint_locals` seed the main scope (cairo-run's
    /// `program_input` is one), `static_locals` are visible in every hint.
    pub fn new(
        py: Python<'_>,
        program: &CairoProgram,
        hint_locals: Option<&Bound<'_, PyDict>>,
        static_locals: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let main_scope = match hint_locals {
            Some(locals) => locals.copy()?,
            None => PyDict::new(py),
        };
        let state = Rc::new(HintState::new(main_scope.unbind()));
        let memory = Py::new(
            py,
            Memory {
                state: ThreadBound::new(state.clone()),
            },
        )?;
        let segments = Py::new(
            py,
            Segments {
                state: ThreadBound::new(state.clone()),
            },
        )?;
        let scopes = Py::new(
            py,
            Scopes {
                state: ThreadBound::new(state.clone()),
            },
        )?;
        let statics = PyDict::new(py);
        statics.set_item("segments", segments.bind(py))?;
        if let Some(extra) = static_locals {
            statics.update(extra.as_mapping())?;
        }
        // As cairo-run, the field helpers go in after the caller's names (and win over them).
        statics.update(cairo_run_static_locals(py)?.as_mapping())?;
        let builtins = py.import("builtins")?;
        let linecache = py
            .import("linecache")?
            .getattr("cache")?
            .cast_into::<PyDict>()?;
        let rules = Rc::new(MemoryRules::new(
            state.clone(),
            memory.clone_ref(py),
            segments.clone_ref(py),
        ));
        let loaded = Rc::new(LoadedPrograms::default());
        let vm_objects = VmObjects::new(py, &state, &rules, &loaded)?;
        Ok(Self {
            state,
            vm_objects,
            rules,
            injected: None,
            injected_names: Vec::new(),
            name_analysis: NameAnalysis::new(py)?,
            every_name: false,
            shared_scope: None,
            structs: Rc::new(Structs::of(program.as_cairo_vm())),
            compiled: HashMap::default(),
            loaded,
            compiled_count: 0,
            locations: hint_sources(program),
            shown_lines: HashMap::default(),
            memory,
            segments,
            scopes,
            static_locals: statics.unbind(),
            exec: builtins.getattr("exec")?.unbind(),
            compile: builtins.getattr("compile")?.unbind(),
            linecache: linecache.unbind(),
            format_exception: py
                .import("traceback")?
                .getattr("format_exception")?
                .unbind(),
            failure: Rc::default(),
        })
    }

    /// Shares one scope between Python and Rust hints, as under cairo-run (by default their
    /// variables are kept apart): see [`SharedScope`].
    pub fn share_scope_with_rust_hints(&mut self) {
        self.shared_scope = Some(SharedScope::default());
    }

    /// The object hints see as `memory`.
    pub fn memory(&self, py: Python<'_>) -> Py<Memory> {
        self.memory.clone_ref(py)
    }

    /// The object hints see as `segments`.
    pub fn segments(&self, py: Python<'_>) -> Py<Segments> {
        self.segments.clone_ref(py)
    }

    /// What the run's Python objects share, for a caller that hands `self` to a runner and
    /// needs a memory rule's failure afterwards.
    pub(crate) fn state(&self) -> Rc<HintState> {
        self.state.clone()
    }

    /// A handle on the failure slot, for a caller that hands `self` to a runner.
    pub fn failure_slot(&self) -> Rc<RefCell<Option<PyErr>>> {
        self.failure.clone()
    }

    /// The names every hint gets that stay the same, made once the VM's builtins are known
    /// (cairo-run's order: `memory`, the scope functions, the static locals, the VM names).
    fn injected<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        if let Some(injected) = &self.injected {
            return Ok(injected.bind(py).clone());
        }
        let injected = PyDict::new(py);
        injected.set_item(intern!(py, "memory"), self.memory.bind(py))?;
        let scope_functions = self.scopes.bind(py);
        injected.set_item("vm_enter_scope", scope_functions.getattr("enter")?)?;
        injected.set_item("vm_exit_scope", scope_functions.getattr("exit")?)?;
        injected.update(self.static_locals.bind(py).as_mapping())?;
        injected.update(self.vm_objects.names.bind(py).as_mapping())?;
        self.injected_names = injected
            .keys()
            .iter()
            .map(|name| {
                name.cast_into::<PyString>()
                    .map(|name| PyString::intern(py, &name.to_string_lossy()).unbind())
                    .map_err(PyErr::from)
            })
            .collect::<PyResult<_>>()?;
        self.injected = Some(injected.clone().unbind());
        Ok(injected)
    }

    /// The hint's code object, references and names given, made on its first run.
    fn compiled<'py>(
        &mut self,
        py: Python<'py>,
        pc: Relocatable,
        region: Option<&LoadedRegion>,
        hint: &HintData,
        injected: &Bound<'py, PyDict>,
    ) -> PyResult<(Bound<'py, PyAny>, Arc<HintContext>, Rc<Injection>)> {
        let source = hint.code.as_str();
        if let Some(compiled) = self.compiled.get(&pc).and_then(|codes| codes.get(source)) {
            return Ok((
                compiled.code.bind(py).clone(),
                compiled.context.clone(),
                compiled.injection.clone(),
            ));
        }
        let location = match region {
            Some(region) => region.location(pc),
            None => self.locations.get(&pc.offset),
        };
        let code = match location.cloned() {
            // As cairo-run reports it: the Cairo file, and the hint's line in it. Blank lines
            // before the code make Python count lines from the hint's first line.
            Some(location) => {
                let padded = format!("{}{source}", "\n".repeat(location.first_line - 1));
                self.show_lines(py, &location, source)?;
                self.compile
                    .bind(py)
                    .call1((padded, &location.filename, "exec"))?
            }
            None => {
                let filename = format!("<hint{}>", self.compiled_count);
                let lines = PyList::new(py, source.split_inclusive('\n'))?;
                self.linecache
                    .bind(py)
                    .set_item(&filename, (source.len(), py.None(), lines, &filename))?;
                self.compile.bind(py).call1((source, &filename, "exec"))?
            }
        };
        let context = Arc::new(HintContext {
            references: hint
                .ids_data
                .iter()
                .map(|(name, reference)| (name.clone(), reference.clone()))
                .collect(),
            ap_tracking: hint.ap_tracking.clone(),
            accessible_scopes: hint.accessible_scopes.clone(),
        });
        let plan = self.name_analysis.plan(py, &code, source, injected)?;
        self.every_name |= plan.defines_functions;
        let injection = Rc::new(plan.injection);
        self.compiled.entry(pc).or_default().insert(
            source.to_owned(),
            CompiledHint {
                code: code.clone().unbind(),
                context: context.clone(),
                injection: injection.clone(),
            },
        );
        self.compiled_count += 1;
        Ok((code, context, injection))
    }

    /// Lets tracebacks show a hint's lines when its Cairo file cannot be read from here (the
    /// program was compiled elsewhere): its lines go to `linecache` under the file's name.
    fn show_lines(&mut self, py: Python<'_>, location: &HintSource, source: &str) -> PyResult<()> {
        if std::path::Path::new(&location.filename).is_file() {
            return Ok(());
        }
        let lines = self
            .shown_lines
            .entry(location.filename.clone())
            .or_default();
        for (offset, line) in source.split_inclusive('\n').enumerate() {
            let index = location.first_line - 1 + offset;
            if lines.len() <= index {
                lines.resize(index + 1, "\n".to_owned());
            }
            lines[index] = if line.ends_with('\n') {
                line.to_owned()
            } else {
                format!("{line}\n")
            };
        }
        let size: usize = lines.iter().map(String::len).sum();
        let entry = (
            size,
            py.None(),
            PyList::new(py, lines.iter())?,
            &location.filename,
        );
        self.linecache.bind(py).set_item(&location.filename, entry)
    }

    fn run_hint(
        &mut self,
        py: Python<'_>,
        vm: &mut VirtualMachine,
        scopes: &mut ScopeStack<'_>,
        hint: &HintData,
    ) -> PyResult<()> {
        let locals = {
            let mut python_scopes = self.state.scopes.borrow_mut();
            // Rust hints (memcpy's, dict's...) open and close scopes too; follow their depth.
            while python_scopes.len() < scopes.depth() {
                python_scopes.push(PyDict::new(py).unbind());
            }
            python_scopes.truncate(scopes.depth().max(1));
            python_scopes.last().map(|scope| scope.bind(py).clone())
        };
        let Some(locals) = locals else {
            return Ok(());
        };
        if let Some(shared) = &mut self.shared_scope {
            let rust = scopes.shared_variables().map_err(hint_error)?;
            shared.copy_to_python(py, rust, &locals)?;
        }
        if self.injected.is_none() {
            self.vm_objects.add_builtins(py, &self.state, vm)?;
        }
        let injected = self.injected(py)?;
        let pc = vm.get_pc();
        // A hint of a program another hint loaded: its own types and source locations.
        let region = self.loaded.region_of(pc);
        let structs = region
            .as_ref()
            .map_or_else(|| self.structs.clone(), |region| region.structs.clone());
        let (code, context, injection) =
            self.compiled(py, pc, region.as_deref(), hint, &injected)?;
        let ids = || {
            Bound::new(
                py,
                Ids {
                    state: ThreadBound::new(self.state.clone()),
                    structs: ThreadBound::new(structs.clone()),
                    hint: context.clone(),
                },
            )
        };
        // As cairo-run: the registers and the step stay in the scope after the hint (keys
        // interned: a hint may run every step); `ids` and the fixed names are taken out again.
        locals.set_item(intern!(py, "ap"), RelocatableValue::from(vm.get_ap()))?;
        locals.set_item(intern!(py, "fp"), RelocatableValue::from(vm.get_fp()))?;
        locals.set_item(intern!(py, "pc"), RelocatableValue::from(vm.get_pc()))?;
        locals.set_item(intern!(py, "current_step"), vm.get_current_step())?;
        let ids_name = intern!(py, "ids");
        // The names this hint is given: its own list, or (`None`) every one.
        let named = match &*injection {
            Injection::Named { ids, names } if !self.every_name => Some((*ids, names)),
            _ => None,
        };
        match named {
            Some((uses_ids, names)) => {
                if uses_ids {
                    locals.set_item(ids_name, ids()?)?;
                }
                for (name, value) in names {
                    locals.set_item(name.bind(py), value.bind(py))?;
                }
            }
            None => {
                locals.set_item(ids_name, ids()?)?;
                locals.update(injected.as_mapping())?;
            }
        }
        let outcome = self
            .state
            .lend_vm(vm, || self.exec.bind(py).call1((&code, &locals)).map(drop));
        // Out again; an error is a name the hint deleted itself: nothing to take out.
        match named {
            Some((uses_ids, names)) => {
                if uses_ids {
                    let _ = locals.del_item(ids_name);
                }
                for (name, _) in names {
                    let _ = locals.del_item(name.bind(py));
                }
            }
            None => {
                let _ = locals.del_item(ids_name);
                for name in &self.injected_names {
                    let _ = locals.del_item(name.bind(py));
                }
            }
        }
        if let Some(shared) = &mut self.shared_scope {
            let rust = scopes.shared_variables().map_err(hint_error)?;
            shared.copy_to_rust(&locals, rust);
        }
        for change in self.state.scope_changes.borrow_mut().drain(..) {
            match change {
                ScopeChange::Enter => scopes.enter(),
                ScopeChange::Exit => scopes
                    .exit()
                    .map_err(|error| PyAssertionError::new_err(error.to_string()))?,
            }
        }
        outcome
    }

    fn describe(&self, py: Python<'_>, error: &PyErr) -> String {
        let lines = self
            .format_exception
            .bind(py)
            .call1((error.get_type(py), error.value(py), error.traceback(py)))
            .and_then(|lines| lines.extract::<Vec<String>>());
        match lines {
            Ok(lines) => lines.concat().trim_end().to_owned(),
            Err(_) => error.to_string(),
        }
    }
}

impl HintExtension for PythonHints {
    fn execute(
        &mut self,
        vm: &mut VirtualMachine,
        scopes: &mut ScopeStack<'_>,
        hint: &HintData,
    ) -> Result<(), HintError> {
        Python::attach(|py| match self.run_hint(py, vm, scopes, hint) {
            Ok(()) => Ok(()),
            Err(error) => {
                let message = self.describe(py, &error);
                *self.failure.borrow_mut() = Some(error);
                Err(HintError::CustomHint(message.into_boxed_str()))
            }
        })
    }

    fn checks_instructions(&self) -> bool {
        self.rules.deducing() || self.loaded.any_pending()
    }

    fn take_loaded_programs(&mut self) -> Vec<LoadedProgram> {
        self.loaded.take_pending()
    }

    fn before_instruction(&mut self, vm: &mut VirtualMachine) -> Result<(), HintError> {
        Python::attach(|py| {
            let outcome = self.rules.deduce_operands(py, vm);
            self.rule_outcome(outcome)
        })
    }

    fn at_end(&mut self, vm: &mut VirtualMachine) -> Result<(), HintError> {
        Python::attach(|py| {
            let outcome = self.rules.verify(py, vm);
            self.rule_outcome(outcome)
        })
    }

    fn note_on_missing_variable(&self, scope_depth: usize, name: &str) -> Option<String> {
        if self.shared_scope.is_some() {
            return None;
        }
        let set_by_python = Python::attach(|py| {
            let scopes = self.state.scopes.borrow();
            let scope = scope_depth
                .checked_sub(1)
                .and_then(|index| scopes.get(index))?;
            scope.bind(py).contains(name).ok()
        });
        set_by_python.unwrap_or(false).then(|| {
            format!(
                "a Python hint set `{name}`, but Python and Rust hints keep their variables \
                 apart unless the run shares one scope as cairo-run does (`--shared-scope`, or \
                 `shared_scope=True` from Python)"
            )
        })
    }
}

impl PythonHints {
    /// A memory rule's error, kept for the runner to raise (cairo-vm takes only its text).
    fn rule_outcome(&self, outcome: PyResult<()>) -> Result<(), HintError> {
        outcome.map_err(|failure| {
            let message = failure.to_string();
            self.state.fail_in_rule(failure);
            HintError::CustomHint(message.into_boxed_str())
        })
    }
}
