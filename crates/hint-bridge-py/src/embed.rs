//! Running a program with Python hints from Rust, in an embedded interpreter.

use cairn_vm_core::{CairoProgram, RunConfig, Runner, VmCoreError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::hints::PythonHints;
use crate::rules::rule_failure_message;

/// What can go wrong running with Python hints from Rust.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    /// The VM stopped (a Python hint's traceback is part of the message).
    #[error(transparent)]
    Vm(#[from] VmCoreError),
    /// Python itself failed before the run (e.g. the program input is not JSON).
    #[error("Python: {0}")]
    Python(String),
}

/// How a program's Python hints run from Rust.
#[derive(Clone, Copy, Debug, Default)]
pub struct PythonHintOptions<'a> {
    /// JSON text that hints see as `program_input`, as with cairo-run's `--program_input`.
    pub program_input: Option<&'a str>,
    /// Python and Rust hints share their variables as under cairo-run (by default they are
    /// kept apart).
    pub shared_scope: bool,
    /// Every hint runs as Python, the common library's too (which cairo-vm otherwise runs in
    /// Rust): cairo-lang's own hint code, whose `starkware` modules must be importable.
    pub all_hints_in_python: bool,
}

/// Runs `program` to its end with Python hints.
pub fn run_program(
    program: &CairoProgram,
    config: RunConfig,
    options: PythonHintOptions<'_>,
) -> Result<Runner<'static>, BridgeError> {
    let PythonHintOptions {
        program_input,
        shared_scope,
        all_hints_in_python,
    } = options;
    Python::initialize();
    Python::attach(|py| {
        let python = |error: PyErr| BridgeError::Python(error.to_string());
        let hint_locals = PyDict::new(py);
        let input = match program_input {
            Some(text) => py
                .import("json")
                .and_then(|json| json.getattr("loads")?.call1((text,)))
                .map_err(python)?,
            None => PyDict::new(py).into_any(),
        };
        hint_locals
            .set_item("program_input", input)
            .map_err(python)?;
        let mut hints = PythonHints::new(py, program, Some(&hint_locals), None).map_err(python)?;
        let state = hints.state();
        if shared_scope {
            hints.share_scope_with_rust_hints();
        }
        let mut runner = if all_hints_in_python {
            crate::ids::register_struct_views_as_cairo_lang_references(py);
            Runner::with_hint_extension_only(program, config, Box::new(hints))?
        } else {
            Runner::with_hint_extension(program, config, Box::new(hints))?
        };
        let outcome = crate::gil::run_detached(py, &mut runner, Runner::run_until_end);
        match (outcome, state.take_rule_failure()) {
            (Ok(()), _) => Ok(runner),
            (Err(error), Some(failure)) => Err(BridgeError::Vm(VmCoreError::Execution(
                rule_failure_message(py, &error.to_string(), &failure),
            ))),
            (Err(error), None) => Err(error.into()),
        }
    })
}
