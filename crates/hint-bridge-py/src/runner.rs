//! `cairn.CairoRunner` and `cairn.run`: the vm-core runner driven from Python.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use cairn_vm_core::output::render_program_output;
use cairn_vm_core::{CairoProgram, EntryArg, Layout, RunConfig, Runner, VmCoreError};
use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError, PySystemExit, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::hints::PythonHints;
use crate::memory::Memory;
use crate::program::{program_json, PyProgram};
use crate::relocatable::RelocatableValue;
use crate::rules::rule_failure_message;
use crate::segments::Segments;
use crate::state::HintState;
use crate::thread_bound::ThreadBound;
use crate::{HintError, VmError};

/// A run of a Cairo 0 program whose hints may be Python.
///
/// Create it, `initialize()` it (with `hint_locals` such as `{"program_input": ...}`), then
/// `run_steps(n)` as often as you like or `run_until_end()`. It belongs to the thread that
/// created it.
#[pyclass(module = "cairn", name = "CairoRunner")]
pub struct PyCairoRunner {
    program: Arc<CairoProgram>,
    config: RunConfig,
    run: ThreadBound<Option<Initialized>>,
}

struct Initialized {
    runner: Runner<'static>,
    state: Rc<HintState>,
    memory: Py<Memory>,
    segments: Py<Segments>,
    failure: Rc<RefCell<Option<PyErr>>>,
}

impl Drop for Initialized {
    fn drop(&mut self) {
        // Python objects may outlive the runner; they must not reach a freed VM.
        self.state.take_back_vm();
    }
}

fn vm_error(error: VmCoreError) -> PyErr {
    VmError::new_err(error.to_string())
}

impl PyCairoRunner {
    fn initialized(&self) -> PyResult<&Initialized> {
        self.run
            .get()?
            .as_ref()
            .ok_or_else(|| PyRuntimeError::new_err("call initialize() first"))
    }

    fn initialized_mut(&mut self) -> PyResult<&mut Initialized> {
        self.run
            .get_mut()?
            .as_mut()
            .ok_or_else(|| PyRuntimeError::new_err("call initialize() first"))
    }
}

#[pymethods]
impl PyCairoRunner {
    /// A runner of `program`: a `cairn.Program` (read once, shared by its runners), a path
    /// (a str or os.PathLike), or the JSON text or its bytes (read for this runner alone).
    #[new]
    #[pyo3(signature = (program, *, entrypoint="main", layout="plain", proof_mode=false, max_steps=None, trace=false))]
    fn new(
        py: Python<'_>,
        program: &Bound<'_, PyAny>,
        entrypoint: &str,
        layout: &str,
        proof_mode: bool,
        max_steps: Option<usize>,
        trace: bool,
    ) -> PyResult<Self> {
        let program = match program.cast::<PyProgram>() {
            Ok(shared) => {
                let shared = shared.get();
                py.detach(|| shared.parsed(entrypoint))
            }
            Err(_) => {
                let json = program_json(program)?;
                py.detach(|| CairoProgram::from_bytes(&json, entrypoint).map(Arc::new))
            }
        }
        .map_err(vm_error)?;
        let config = RunConfig {
            layout: Layout::named(layout).map_err(vm_error)?,
            proof_mode,
            trace,
            relocate_memory: trace,
            max_steps,
            ..RunConfig::default()
        };
        Ok(Self {
            program,
            config,
            run: ThreadBound::new(None),
        })
    }

    /// Sets up segments, builtins and hint variables; `hint_locals` seed the main scope,
    /// `static_locals` are visible in every hint. With `shared_scope`, Python and Rust hints
    /// share their variables as under cairo-run (ints, booleans, addresses and dicts of them
    /// cross); by default they are kept apart.
    ///
    /// `args` calls the entrypoint with these arguments (as cairo-run's
    /// `run_from_entrypoint`): ints, addresses, and lists (written to new segments, nested
    /// lists nesting, as `segments.gen_arg` writes them); with `builtins_first` (the default)
    /// they follow the builtins' pointers, which a function taking the program's builtins as
    /// implicit arguments (as `main` does) expects first.
    ///
    /// `python_hints="all"` runs every hint as Python, the common library's too (which
    /// cairo-vm otherwise runs in Rust): cairo-lang's own hint code on Cairn's hint objects,
    /// as cairo-run runs it (its `starkware` modules must be importable).
    #[pyo3(signature = (hint_locals=None, static_locals=None, *, shared_scope=false, args=None, builtins_first=true, python_hints="unknown"))]
    #[allow(clippy::too_many_arguments)]
    fn initialize(
        &mut self,
        py: Python<'_>,
        hint_locals: Option<&Bound<'_, PyDict>>,
        static_locals: Option<&Bound<'_, PyDict>>,
        shared_scope: bool,
        args: Option<&Bound<'_, PyAny>>,
        builtins_first: bool,
        python_hints: &str,
    ) -> PyResult<()> {
        let all_in_python = match python_hints {
            "unknown" => false,
            "all" => true,
            other => {
                return Err(PyValueError::new_err(format!(
                    "python_hints is \"unknown\" (the hints cairo-vm does not know) or \"all\", \
                     not {other:?}"
                )))
            }
        };
        if all_in_python && args.is_some() {
            return Err(PyValueError::new_err(
                "python_hints=\"all\" runs from main: leave out args",
            ));
        }
        if all_in_python {
            crate::ids::register_struct_views_as_cairo_lang_references(py);
        }
        let args = args
            .map(|args| {
                args.try_iter()?
                    .map(|arg| entry_arg(&arg?))
                    .collect::<PyResult<Vec<_>>>()
            })
            .transpose()?;
        if self.run.get()?.is_some() {
            return Err(PyRuntimeError::new_err("the runner is already initialized"));
        }
        let mut hints = PythonHints::new(py, &self.program, hint_locals, static_locals)?;
        if shared_scope {
            hints.share_scope_with_rust_hints();
        }
        let state = hints.state.clone();
        let memory = hints.memory(py);
        let segments = hints.segments(py);
        let failure = hints.failure_slot();
        let runner = match &args {
            Some(args) => Runner::with_entry_args(
                &self.program,
                self.config.clone(),
                Some(Box::new(hints)),
                args,
                builtins_first,
            ),
            None if all_in_python => Runner::with_hint_extension_only(
                &self.program,
                self.config.clone(),
                Box::new(hints),
            ),
            None => {
                Runner::with_hint_extension(&self.program, self.config.clone(), Box::new(hints))
            }
        }
        .map_err(vm_error)?;
        let run = self.run.get_mut()?.insert(Initialized {
            runner,
            state,
            memory,
            segments,
            failure,
        });
        // SAFETY: the runner lives in `self.run` and is never moved out while initialized;
        // `run_steps` takes the VM back before running, and `Initialized::drop` takes it back
        // before the runner is freed.
        unsafe { run.state.lend_vm_until_taken_back(run.runner.vm_mut()) };
        Ok(())
    }

    /// Runs at most `n` steps; returns True once the program has finished.
    fn run_steps(&mut self, py: Python<'_>, n: usize) -> PyResult<bool> {
        let run = self.initialized_mut()?;
        run.state.take_back_vm();
        let outcome = crate::gil::run_detached(py, &mut run.runner, |runner| runner.run_steps(n));
        // SAFETY: as in `initialize`.
        unsafe { run.state.lend_vm_until_taken_back(run.runner.vm_mut()) };
        let error = match outcome {
            Ok(finished) => return Ok(finished),
            Err(error) => error,
        };
        if let Some(failure) = run.state.take_rule_failure() {
            // A memory rule raised: a VmError with the rule's message, caused by what it raised.
            let message = rule_failure_message(py, &error.to_string(), &failure);
            let error = VmError::new_err(message);
            error.set_cause(py, failure.cause(py));
            error
                .value(py)
                .setattr("pc", RelocatableValue::from(run.runner.pc()))?;
            return Err(error);
        }
        let error = match run.failure.borrow_mut().take() {
            // Ctrl-C (or an exit) inside a hint stops the run as it stops Python.
            Some(cause)
                if cause.is_instance_of::<PyKeyboardInterrupt>(py)
                    || cause.is_instance_of::<PySystemExit>(py) =>
            {
                return Err(cause);
            }
            Some(cause) => {
                let error = HintError::new_err(error.to_string());
                error.set_cause(py, Some(cause));
                error
            }
            None => vm_error(error),
        };
        error
            .value(py)
            .setattr("pc", RelocatableValue::from(run.runner.pc()))?;
        Err(error)
    }

    /// Runs to the end of the program; Ctrl-C (a pending signal) stops it with
    /// KeyboardInterrupt.
    fn run_until_end(&mut self, py: Python<'_>) -> PyResult<()> {
        // About 0.1 s of steps between two looks at the signals.
        while !self.run_steps(py, 1 << 20)? {
            py.check_signals()?;
        }
        Ok(())
    }

    /// Whether the program has finished.
    #[getter]
    fn finished(&self) -> PyResult<bool> {
        Ok(self.initialized()?.runner.is_finished())
    }

    /// Steps executed so far.
    #[getter]
    fn step_count(&self) -> PyResult<usize> {
        Ok(self.initialized()?.runner.step_count())
    }

    /// The program counter.
    #[getter]
    fn pc(&self) -> PyResult<RelocatableValue> {
        Ok(self.initialized()?.runner.pc().into())
    }

    /// The allocation pointer.
    #[getter]
    fn ap(&self) -> PyResult<RelocatableValue> {
        Ok(self.initialized()?.runner.ap().into())
    }

    /// The frame pointer.
    #[getter]
    fn fp(&self) -> PyResult<RelocatableValue> {
        Ok(self.initialized()?.runner.fp().into())
    }

    /// The output builtin's values so far, as field elements in [0, P).
    fn output<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.initialized()?
            .runner
            .output()
            .iter()
            .map(|value| crate::values::to_python(py, value))
            .collect()
    }

    /// The output as cairo-run prints it with --print_output.
    fn format_output(&self) -> PyResult<String> {
        Ok(render_program_output(&self.initialized()?.runner.output()))
    }

    /// The VM's memory.
    #[getter]
    fn memory(&self, py: Python<'_>) -> PyResult<Py<Memory>> {
        Ok(self.initialized()?.memory.clone_ref(py))
    }

    /// The VM's segments.
    #[getter]
    fn segments(&self, py: Python<'_>) -> PyResult<Py<Segments>> {
        Ok(self.initialized()?.segments.clone_ref(py))
    }

    /// Writes the relocated trace (the runner must be created with trace=True).
    fn write_trace(&self, path: &str) -> PyResult<()> {
        write_file(path, |out| {
            self.initialized()?
                .runner
                .write_trace(out)
                .map_err(vm_error)
        })
    }

    /// Writes the relocated memory (the runner must be created with trace=True).
    fn write_memory(&self, path: &str) -> PyResult<()> {
        write_file(path, |out| {
            self.initialized()?
                .runner
                .write_memory(out)
                .map_err(vm_error)
        })
    }

    /// The resources the finished run used, as cairo-run's `get_execution_resources()`:
    /// `n_steps`, `n_memory_holes`, `builtin_instance_counter` (by cairo-lang's builtin names,
    /// `pedersen_builtin`…).
    fn get_execution_resources(&self) -> PyResult<ExecutionResources> {
        let resources = self
            .initialized()?
            .runner
            .execution_resources()
            .map_err(vm_error)?;
        Ok(ExecutionResources {
            n_steps: resources.n_steps,
            n_memory_holes: resources.n_memory_holes,
            builtin_instance_counter: resources
                .builtin_instance_counter
                .iter()
                .map(|(name, count)| (name.to_str_with_suffix().to_owned(), *count))
                .collect(),
        })
    }

    /// The AIR public input as JSON text (a finished proof-mode run with trace=True).
    fn air_public_input(&self) -> PyResult<String> {
        self.initialized()?
            .runner
            .air_public_input()
            .map_err(vm_error)
    }

    /// The AIR private input as JSON text, naming the trace and memory files the run wrote
    /// (a finished proof-mode run with trace=True).
    fn air_private_input(&self, trace_path: &str, memory_path: &str) -> PyResult<String> {
        self.initialized()?
            .runner
            .air_private_input(trace_path, memory_path)
            .map_err(vm_error)
    }

    /// Writes the finished run as a Cairo PIE (a zip file), as cairo-run's
    /// `--cairo_pie_output` does; not for proof-mode runs.
    #[pyo3(signature = (path, *, merge_extra_segments=false))]
    fn write_cairo_pie(&self, path: &str, merge_extra_segments: bool) -> PyResult<()> {
        self.initialized()?
            .runner
            .write_cairo_pie(std::path::Path::new(path), merge_extra_segments)
            .map_err(vm_error)
    }
}

/// What a run used, as cairo-lang's `ExecutionResources`.
#[pyclass(module = "cairn", get_all, frozen)]
pub struct ExecutionResources {
    /// Steps run.
    n_steps: usize,
    /// Memory cells skipped (holes) in the segments.
    n_memory_holes: usize,
    /// Instances of each builtin, by cairo-lang's name (`pedersen_builtin`…).
    builtin_instance_counter: std::collections::BTreeMap<String, usize>,
}

#[pymethods]
impl ExecutionResources {
    fn __repr__(&self) -> String {
        format!(
            "ExecutionResources(n_steps={}, builtin_instance_counter={:?}, n_memory_holes={})",
            self.n_steps, self.builtin_instance_counter, self.n_memory_holes
        )
    }
}

pub(crate) fn write_file(
    path: &str,
    write: impl FnOnce(&mut Vec<u8>) -> PyResult<()>,
) -> PyResult<()> {
    let mut out = Vec::new();
    write(&mut out)?;
    std::fs::write(path, out).map_err(|error| PyValueError::new_err(format!("{path}: {error}")))
}

/// Loads, initialises and runs a program to its end; `path_or_json` is a file path (a str or
/// any os.PathLike), the program's JSON text or bytes, or a `cairn.Program`; `max_steps`
/// bounds the run.
#[pyfunction]
#[pyo3(signature = (path_or_json, *, layout="plain", entrypoint="main", hint_locals=None, static_locals=None, print_output=false, proof_mode=false, max_steps=None, shared_scope=false, python_hints="unknown"))]
#[allow(clippy::too_many_arguments)]
pub fn run(
    py: Python<'_>,
    path_or_json: &Bound<'_, PyAny>,
    layout: &str,
    entrypoint: &str,
    hint_locals: Option<&Bound<'_, PyDict>>,
    static_locals: Option<&Bound<'_, PyDict>>,
    print_output: bool,
    proof_mode: bool,
    max_steps: Option<usize>,
    shared_scope: bool,
    python_hints: &str,
) -> PyResult<Py<PyCairoRunner>> {
    let mut runner = PyCairoRunner::new(
        py,
        path_or_json,
        entrypoint,
        layout,
        proof_mode,
        max_steps,
        false,
    )?;
    runner.initialize(
        py,
        hint_locals,
        static_locals,
        shared_scope,
        None,
        true,
        python_hints,
    )?;
    runner.run_until_end(py)?;
    if print_output {
        print!("{}", runner.format_output()?);
    }
    Py::new(py, runner)
}

/// An entrypoint argument from Python: an int or address, or a list or tuple of them (nested).
fn entry_arg(value: &Bound<'_, PyAny>) -> PyResult<EntryArg> {
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        return value
            .try_iter()?
            .map(|item| entry_arg(&item?))
            .collect::<PyResult<Vec<_>>>()
            .map(EntryArg::Array);
    }
    crate::values::maybe_relocatable(value).map(EntryArg::Value)
}
