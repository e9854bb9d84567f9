//! Cairo executables (`#[executable]` functions, as `cairo-execute` and `scarb build` write them)
//! run for a prover: the standalone entry point in proof mode, whose trace, memory and AIR
//! inputs go to a prover, or the bootloader entry point, whose run becomes a Cairo PIE.
//!
//! The program and its hints come from the executable as `cairo-execute` builds them
//! (`cairo-lang-execute-utils`), the hints run on `cairo-lang-runner`'s processor, and the run
//! is a vm-core [`Runner`] ended as `cairo-vm`'s `cairo_run_program` ends it, so that the
//! files a run writes are the reference tool's, byte for byte.

use std::any::Any;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use cairo_lang_executable::executable::{EntryPointKind, Executable};
use cairo_lang_execute_utils::program_and_hints_from_executable;
use cairo_lang_runner::casm_run::format_for_panic;
use cairo_lang_runner::{Arg, CairoHintProcessor};
use cairo_vm::hint_processor::hint_processor_definition::{HintProcessorLogic, HintReference};
use cairo_vm::serde::deserialize_program::ApTracking;
use cairo_vm::types::builtin_name::BuiltinName;
use cairo_vm::types::exec_scope::ExecutionScopes;
use cairo_vm::vm::errors::hint_errors::HintError;
use cairo_vm::vm::errors::vm_errors::VirtualMachineError;
use cairo_vm::vm::vm_core::VirtualMachine;
use cairo_vm::Felt252;

use crate::error::{Result, VmCoreError};
use crate::layout::Layout;
use crate::program::CairoProgram;
use crate::runner::{Ending, RunConfig, Runner};

pub use cairo_lang_executable::executable::Executable as ExecutableJson;

/// Which of an executable's entry points a run starts at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExecutionMode {
    /// In proof mode, from the standalone entry point: the run a prover proves on its own
    /// (trace, memory, AIR public and private inputs).
    Standalone,
    /// From the bootloader entry point, not in proof mode: the run a bootloader embeds, saved as
    /// a Cairo PIE.
    #[default]
    Bootloader,
}

impl ExecutionMode {
    fn entry_point_kind(self) -> EntryPointKind {
        match self {
            Self::Standalone => EntryPointKind::Standalone,
            Self::Bootloader => EntryPointKind::Bootloader,
        }
    }

    /// The mode's name, as errors print it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Standalone => "standalone",
            Self::Bootloader => "bootloader",
        }
    }
}

/// A Cairo executable, checked and ready to run.
#[derive(Clone, Debug)]
pub struct ExecutableProgram {
    executable: Executable,
}

impl ExecutableProgram {
    /// Wraps an executable compiled in memory.
    pub fn new(executable: Executable) -> Self {
        Self { executable }
    }

    /// Parses the JSON of an executable (`cairo-execute --build-only`, `scarb build`).
    pub fn from_json(json: &[u8]) -> Result<Self> {
        Self::parse(json).map_err(VmCoreError::MalformedProgram)
    }

    /// Reads and parses an executable's JSON file; errors name the file.
    pub fn from_file(path: &Path) -> Result<Self> {
        let json = std::fs::read(path).map_err(|cause| VmCoreError::Io {
            path: path.to_owned(),
            cause,
        })?;
        Self::parse(&json).map_err(|reason| {
            VmCoreError::MalformedProgram(format!("{}: {reason}", path.display()))
        })
    }

    fn parse(json: &[u8]) -> std::result::Result<Self, String> {
        serde_json::from_slice(json)
            .map(|executable| Self { executable })
            .map_err(|error| format!("not a Cairo executable: {error}"))
    }

    /// The executable as its JSON holds it.
    pub fn executable(&self) -> &Executable {
        &self.executable
    }

    /// The builtins the entry point of `mode` takes, in order.
    pub fn builtins(&self, mode: ExecutionMode) -> Result<&[BuiltinName]> {
        self.entry_point(mode)
            .map(|entry| entry.builtins.as_slice())
    }

    /// The bytecode's length in felts (`cairo-execute --print-bytecode-size`).
    pub fn bytecode_len(&self) -> usize {
        self.executable.program.bytecode.len()
    }

    fn entry_point(
        &self,
        mode: ExecutionMode,
    ) -> Result<&cairo_lang_executable::executable::ExecutableEntryPoint> {
        let kind = mode.entry_point_kind();
        self.executable
            .entrypoints
            .iter()
            .find(|entry| entry.kind == kind)
            .ok_or_else(|| {
                VmCoreError::MalformedProgram(format!(
                    "the executable has no {} entry point",
                    mode.name()
                ))
            })
    }
}

/// How an executable is run; the defaults are `cairo-execute`'s.
#[derive(Clone, Debug)]
pub struct ExecuteConfig {
    /// The entry point, and with it proof mode (standalone) or not (bootloader).
    pub mode: ExecutionMode,
    /// The layout (`cairo-execute` defaults to `all_cairo_stwo`).
    pub layout: Layout,
    /// Record the trace (for a trace file and the AIR inputs).
    pub trace: bool,
    /// Relocate memory at the end (for a memory file).
    pub relocate_memory: bool,
    /// In standalone mode, do not pad the trace to the layout's ratios.
    pub disable_trace_padding: bool,
    /// Check memory accesses at the end; defaults to on in bootloader mode.
    pub secure_run: Option<bool>,
    /// Accept builtins the layout lacks; defaults to on in standalone mode.
    pub allow_missing_builtins: Option<bool>,
    /// Fail once the run takes more steps than this.
    pub max_steps: Option<usize>,
}

impl Default for ExecuteConfig {
    fn default() -> Self {
        Self {
            mode: ExecutionMode::default(),
            layout: Layout::named("all_cairo_stwo").unwrap_or_default(),
            trace: false,
            relocate_memory: false,
            disable_trace_padding: false,
            secure_run: None,
            allow_missing_builtins: None,
            max_steps: None,
        }
    }
}

/// A run of an executable: a [`Runner`] with the executable's hints, and what the executable
/// panicked with if it did.
pub struct ExecutableRunner {
    runner: Runner<'static>,
    /// The last range the wrapper marked: its output, or its panic data just before it fails.
    marker: Arc<Mutex<Option<Vec<Felt252>>>>,
    /// The panic data, once the run has failed by panicking.
    panic: Option<Vec<Felt252>>,
}

impl ExecutableRunner {
    /// Prepares a run of `program` with `args`, the serialized arguments of the executable
    /// function (the felts its parameters deserialize from).
    pub fn new(
        program: &ExecutableProgram,
        args: &[Felt252],
        config: ExecuteConfig,
    ) -> Result<Self> {
        let entry = program.entry_point(config.mode)?;
        let (cairo_vm_program, string_to_hint) =
            program_and_hints_from_executable(&program.executable, entry)
                .map_err(|error| VmCoreError::MalformedProgram(format!("{error:#}")))?;
        let user_args = args.iter().cloned().map(Arg::Value).collect();
        let marker = Arc::new(Mutex::new(None));
        let hints = ExecutableHints {
            inner: CairoHintProcessor {
                runner: None,
                user_args: vec![vec![Arg::Array(user_args)]],
                string_to_hint,
                starknet_state: Default::default(),
                run_resources: Default::default(),
                syscalls_used_resources: Default::default(),
                no_temporary_segments: false,
                markers: Vec::new(),
                panic_traceback: Vec::new(),
            },
            marker: Arc::clone(&marker),
        };
        let proof_mode = config.mode == ExecutionMode::Standalone;
        let run_config = RunConfig {
            layout: config.layout,
            proof_mode,
            trace: config.trace,
            relocate_memory: config.relocate_memory,
            max_steps: config.max_steps,
            max_memory_cells: None,
            secure_run: config.secure_run,
            allow_missing_builtins: config.allow_missing_builtins,
            disable_trace_padding: config.disable_trace_padding,
            fill_holes: proof_mode,
        };
        let program = CairoProgram::from_cairo_vm(cairo_vm_program, "main");
        let runner = Runner::build(
            &program,
            run_config,
            Box::new(hints),
            Ending::CairoRun,
            |_| Ok(()),
        )?;
        Ok(Self {
            runner,
            marker,
            panic: None,
        })
    }

    /// Runs at most `max_steps` more steps; returns whether the executable has finished.
    ///
    /// A panic of the executable ends the run with [`VmCoreError::Panicked`], carrying the
    /// panic data.
    pub fn run_steps(&mut self, max_steps: usize) -> Result<bool> {
        self.runner
            .run_steps(max_steps)
            .map_err(|error| self.explain_failure(error))
    }

    /// Runs the executable to its end.
    pub fn run_until_end(&mut self) -> Result<()> {
        self.run_steps(usize::MAX).map(|_| ())
    }

    /// The run: registers, memory, output, trace, the AIR inputs, the Cairo PIE.
    pub fn runner(&self) -> &Runner<'static> {
        &self.runner
    }

    /// The run, mutable.
    pub fn runner_mut(&mut self) -> &mut Runner<'static> {
        &mut self.runner
    }

    /// The output as `cairo-execute --print-outputs` prints it (one decimal felt a line).
    pub fn output_text(&mut self) -> Result<String> {
        let mut text = String::new();
        self.runner
            .vm_mut()
            .write_output(&mut text)
            .map_err(|error| VmCoreError::Finalization(error.to_string()))?;
        Ok(text)
    }

    /// The panic data the executable panicked with, once the run has failed by panicking.
    pub fn panic_data(&self) -> Option<&[Felt252]> {
        self.panic.as_deref()
    }

    /// A failed run is a panic when the wrapper marked a range first: it marks its result
    /// (the output, or the panic data) and then, for a panic, fails on purpose. This is how
    /// `cairo-execute` tells a panic too.
    fn explain_failure(&mut self, error: VmCoreError) -> VmCoreError {
        let marked = self
            .marker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        match (marked, error) {
            (Some(data), VmCoreError::Execution(vm_error)) => {
                self.panic = Some(data.clone());
                VmCoreError::Panicked {
                    message: panic_message(&data),
                    data,
                    vm_error,
                }
            }
            (_, error) => error,
        }
    }
}

/// A panic as `cairo-execute` reports it: `Panicked with …`, the data as felts and short strings.
pub fn panic_message(data: &[Felt252]) -> String {
    format_for_panic(data.iter().cloned())
}

/// `cairo-lang-runner`'s hint processor, sharing the ranges it marks with the runner.
struct ExecutableHints {
    inner: CairoHintProcessor<'static>,
    marker: Arc<Mutex<Option<Vec<Felt252>>>>,
}

impl HintProcessorLogic for ExecutableHints {
    fn execute_hint(
        &mut self,
        vm: &mut VirtualMachine,
        exec_scopes: &mut ExecutionScopes,
        hint_data: &Box<dyn Any>,
    ) -> std::result::Result<(), HintError> {
        let markers = self.inner.markers.len();
        let result = self.inner.execute_hint(vm, exec_scopes, hint_data);
        if self.inner.markers.len() != markers {
            if let Some(data) = self.inner.markers.last() {
                *self.marker.lock().unwrap_or_else(PoisonError::into_inner) = Some(data.clone());
            }
        }
        result
    }

    fn compile_hint(
        &self,
        hint_code: &str,
        ap_tracking_data: &ApTracking,
        reference_ids: &HashMap<String, usize>,
        references: &[HintReference],
        accessible_scopes: &[String],
        constants: Arc<HashMap<String, Felt252>>,
    ) -> std::result::Result<Box<dyn Any>, VirtualMachineError> {
        self.inner.compile_hint(
            hint_code,
            ap_tracking_data,
            reference_ids,
            references,
            accessible_scopes,
            constants,
        )
    }
}
