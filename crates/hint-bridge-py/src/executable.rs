//! `cairn.ExecutableRunner`: a Cairo executable (`#[executable]`, as `cairo-execute` and
//! `scarb build` write it) run for a prover from Python, with the files `cairn execute` writes.

use cairn_vm_core::executable::{
    ExecutableProgram, ExecutableRunner, ExecuteConfig, ExecutionMode,
};
use cairn_vm_core::{Layout, VmCoreError};
use num_bigint::{BigInt, BigUint};
use pyo3::prelude::*;

use crate::thread_bound::ThreadBound;
use crate::VmError;

/// A run of a Cairo executable.
///
/// `ExecutableRunner(executable_json, args)` runs the bootloader entry point (whose run becomes
/// a Cairo PIE); `standalone=True` runs the standalone one in proof mode (trace, memory, AIR
/// inputs). `args` are the function's serialized arguments. A panic raises `VmError` with
/// `Panicked with …`; `panic_data` then holds the data. It belongs to the thread that created
/// it; the GIL is released while it runs.
#[pyclass(module = "cairn", name = "ExecutableRunner")]
pub struct PyExecutableRunner {
    run: ThreadBound<ExecutableRunner>,
}

fn vm_error(error: VmCoreError) -> PyErr {
    VmError::new_err(error.to_string())
}

#[pymethods]
impl PyExecutableRunner {
    #[new]
    #[pyo3(signature = (executable_json, args=Vec::new(), *, standalone=false, layout="all_cairo_stwo", trace=false, max_steps=None, disable_trace_padding=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        executable_json: &str,
        args: Vec<BigInt>,
        standalone: bool,
        layout: &str,
        trace: bool,
        max_steps: Option<usize>,
        disable_trace_padding: bool,
    ) -> PyResult<Self> {
        let program = ExecutableProgram::from_json(executable_json.as_bytes()).map_err(vm_error)?;
        let config = ExecuteConfig {
            mode: if standalone {
                ExecutionMode::Standalone
            } else {
                ExecutionMode::Bootloader
            },
            layout: Layout::named(layout).map_err(vm_error)?,
            trace,
            relocate_memory: trace,
            disable_trace_padding,
            max_steps,
            ..ExecuteConfig::default()
        };
        let felts: Vec<_> = args.iter().map(crate::values::felt_from_int).collect();
        let runner = ExecutableRunner::new(&program, &felts, config).map_err(vm_error)?;
        Ok(Self {
            run: ThreadBound::new(runner),
        })
    }

    /// Runs at most `n` steps; returns True once the executable has finished.
    fn run_steps(&mut self, py: Python<'_>, n: usize) -> PyResult<bool> {
        let runner = self.run.get_mut()?;
        let outcome = crate::gil::run_detached(py, runner, |runner| runner.run_steps(n));
        outcome.or_else(|error| {
            let error = vm_error(error);
            let pc = crate::relocatable::RelocatableValue::from(runner.runner().pc());
            error.value(py).setattr("pc", pc)?;
            Err(error)
        })
    }

    /// Runs the executable to its end; Ctrl-C stops it with KeyboardInterrupt.
    fn run_until_end(&mut self, py: Python<'_>) -> PyResult<()> {
        while !self.run_steps(py, 1 << 20)? {
            py.check_signals()?;
        }
        Ok(())
    }

    /// Whether the executable has finished.
    #[getter]
    fn finished(&self) -> PyResult<bool> {
        Ok(self.run.get()?.runner().is_finished())
    }

    /// Steps executed so far (in standalone mode, the padding included once finished).
    #[getter]
    fn step_count(&self) -> PyResult<usize> {
        Ok(self.run.get()?.runner().step_count())
    }

    /// The output builtin's values, as field elements in [0, P).
    fn output(&self) -> PyResult<Vec<BigUint>> {
        let runner = self.run.get()?.runner();
        runner
            .output()
            .iter()
            .map(|value| match value {
                cairn_vm_core::MaybeRelocatable::Int(felt) => Ok(felt.to_biguint()),
                other => Err(VmError::new_err(format!(
                    "the output holds an address, {other}"
                ))),
            })
            .collect()
    }

    /// The output as `cairo-execute --print-outputs` prints it (one signed felt a line).
    fn format_output(&mut self) -> PyResult<String> {
        self.run.get_mut()?.output_text().map_err(vm_error)
    }

    /// The panic data, once the executable has panicked; else None.
    #[getter]
    fn panic_data(&self) -> PyResult<Option<Vec<BigUint>>> {
        Ok(self
            .run
            .get()?
            .panic_data()
            .map(|data| data.iter().map(|felt| felt.to_biguint()).collect()))
    }

    /// Writes the relocated trace (standalone, trace=True).
    fn write_trace(&self, path: &str) -> PyResult<()> {
        let runner = self.run.get()?.runner();
        crate::runner::write_file(path, |out| runner.write_trace(out).map_err(vm_error))
    }

    /// Writes the relocated memory (trace=True).
    fn write_memory(&self, path: &str) -> PyResult<()> {
        let runner = self.run.get()?.runner();
        crate::runner::write_file(path, |out| runner.write_memory(out).map_err(vm_error))
    }

    /// The AIR public input as JSON text (standalone, trace=True).
    fn air_public_input(&self) -> PyResult<String> {
        self.run
            .get()?
            .runner()
            .air_public_input()
            .map_err(vm_error)
    }

    /// The AIR private input as JSON text, naming the trace and memory files.
    fn air_private_input(&self, trace_path: &str, memory_path: &str) -> PyResult<String> {
        self.run
            .get()?
            .runner()
            .air_private_input(trace_path, memory_path)
            .map_err(vm_error)
    }

    /// Writes the run as a Cairo PIE (bootloader mode), as `cairn execute --output-path` and
    /// `cairo-execute` write it.
    fn write_cairo_pie(&self, path: &str) -> PyResult<()> {
        self.run
            .get()?
            .runner()
            .write_cairo_pie(std::path::Path::new(path), true)
            .map_err(vm_error)
    }
}
