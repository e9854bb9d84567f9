//! A pausable run of one program.

use std::collections::HashMap;
use std::io::Write;

use std::sync::OnceLock;

use cairo_vm::air_public_input::PublicInput;
use cairo_vm::cairo_run::write_encoded_memory;
use cairo_vm::hint_processor::hint_processor_definition::HintProcessorLogic;
use cairo_vm::types::builtin_name::BuiltinName;
use cairo_vm::types::errors::math_errors::MathError;
use cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};
use cairo_vm::vm::errors::vm_errors::VirtualMachineError;
use cairo_vm::vm::errors::vm_exception::VmException;
use cairo_vm::vm::runners::builtin_runner::BuiltinRunner;
use cairo_vm::vm::runners::cairo_pie::CairoPie;
use cairo_vm::vm::runners::cairo_runner::{CairoRunner, ExecutionResources, RunnerMode};
use cairo_vm::vm::security::verify_secure_runner;
use cairo_vm::vm::trace::trace_entry::{relocate_trace_register, RelocatedTraceEntry, TraceEntry};
use cairo_vm::vm::vm_core::VirtualMachine;

use crate::error::{Result, VmCoreError};
use crate::hints::{HintDispatcher, HintExtension, SharedExtension, StepBudget};
use crate::layout::Layout;
use crate::program::CairoProgram;
use crate::stepping::ExtensionSteps;

/// How a program is run. The defaults match `cairo-run` without flags.
#[derive(Clone, Debug, Default)]
pub struct RunConfig {
    /// The layout, which decides the builtins available and their ratios.
    pub layout: Layout,
    /// Run as for a proof: the program's `__start__` wrapper, trace padding, segment finalisation.
    pub proof_mode: bool,
    /// Record the execution trace (needed for trace files and the AIR private input).
    pub trace: bool,
    /// Relocate memory when the run ends (needed for memory files and the AIR inputs).
    pub relocate_memory: bool,
    /// Fail with [`VmCoreError::StepLimitReached`] if the program needs more steps than this.
    pub max_steps: Option<usize>,
    /// Fail with [`VmCoreError::MemoryLimitReached`] once the run's memory segments hold more
    /// cells than this (checked every [`MEMORY_CHECK_STEPS`] steps).
    pub max_memory_cells: Option<usize>,
    /// Check memory accesses after the run; defaults to on outside proof mode, as in cairo-run.
    pub secure_run: Option<bool>,
    /// Accept programs using builtins the layout lacks; defaults to on in proof mode.
    pub allow_missing_builtins: Option<bool>,
    /// In proof mode, leave the step count as it is rather than padding the trace to the
    /// layout's builtin ratios (builtin segments are still padded to a power of two).
    pub disable_trace_padding: bool,
    /// Fill the holes of the builtin segments at the end, as provers need (`cairo-execute`'s
    /// standalone runs do).
    pub fill_holes: bool,
}

impl RunConfig {
    fn secure_run(&self) -> bool {
        self.secure_run.unwrap_or(!self.proof_mode)
    }

    fn allow_missing_builtins(&self) -> bool {
        self.allow_missing_builtins.unwrap_or(self.proof_mode)
    }
}

/// How many steps run between two checks of [`RunConfig::max_memory_cells`]: a run writes at
/// most a few cells a step, so a run stops within a few million cells of its limit, and the
/// check (one length per segment) costs nothing measurable.
pub const MEMORY_CHECK_STEPS: usize = 1 << 20;

/// How a run ends once `pc` reaches the end: Cairo 0 programs as cairo-run ends them, Sierra
/// entry code as cairo-lang-runner does (no return-value or security checks, whose builtin
/// pointers the test entry code does not return).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    CairoRun,
    SierraEntryCode,
    /// A plain Cairo 1 function run for a prover, ended as cairo-vm's `cairo1-run` ends it: in
    /// Cairo 1 proof mode (no canonical `[fp - 2]` frame), without return-value or security
    /// checks, the builtins' stop pointers set from the stack when the run needs them (AIR
    /// public input, Cairo PIE).
    ProverEntryCode {
        builtin_stops: Option<BuiltinStops>,
    },
    /// A function called from its entrypoint with arguments, ended as cairo-lang's
    /// `run_from_entrypoint` ends it: its return values are not builtin pointers to read, and
    /// the security check leaves the builtins out.
    EntryCall,
}

/// An argument of a function run from its entrypoint: a value, or an array written to a new
/// segment and passed as its address (arrays nest), as cairo-lang's `gen_arg` writes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryArg {
    /// A felt or an address.
    Value(MaybeRelocatable),
    /// The items of a new segment.
    Array(Vec<EntryArg>),
}

/// The cell that passes `arg`: the value, or the base of a new segment holding the array.
fn write_entry_arg(
    vm: &mut VirtualMachine,
    arg: &EntryArg,
) -> std::result::Result<MaybeRelocatable, cairo_vm::vm::errors::memory_errors::MemoryError> {
    match arg {
        EntryArg::Value(value) => Ok(value.clone()),
        EntryArg::Array(items) => {
            let cells = items
                .iter()
                .map(|item| write_entry_arg(vm, item))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            let base = vm.add_memory_segment();
            vm.load_data(base, &cells)?;
            Ok(base.into())
        }
    }
}

/// Where the builtins' final pointers are when a prover run of a Cairo 1 function ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BuiltinStops {
    /// On top of the stack, one per builtin in this order.
    TopOfStack(Vec<BuiltinName>),
    /// Among the function's return values, which end `trailing` cells below the top of the
    /// stack: each return value's size, and the builtin it is if it is one.
    ReturnValues {
        values: Vec<(Option<BuiltinName>, usize)>,
        trailing: usize,
    },
}

impl BuiltinStops {
    /// Each builtin's stack pointer (the address just past its final pointer), given the
    /// final `ap`.
    fn stack_pointers(
        &self,
        ap: Relocatable,
    ) -> std::result::Result<HashMap<BuiltinName, Relocatable>, MathError> {
        let mut pointers = HashMap::new();
        match self {
            Self::TopOfStack(builtins) => {
                for (index, builtin) in builtins.iter().enumerate() {
                    pointers.insert(*builtin, (ap - (builtins.len() - 1 - index))?);
                }
            }
            Self::ReturnValues { values, trailing } => {
                let total: usize = values.iter().map(|(_, size)| size).sum();
                let mut pointer = (ap - (total + trailing).saturating_sub(1))?;
                for (builtin, size) in values {
                    if let Some(builtin) = builtin {
                        pointers.insert(*builtin, pointer);
                    }
                    pointer = (pointer + *size)?;
                }
            }
        }
        Ok(pointers)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Running,
    Finished,
    Failed,
}

/// One program's run on cairo-vm, which can be advanced a few steps at a time.
///
/// Running `n` steps, then `m`, ends in exactly the state of running `n + m` at once: the pauses
/// happen between steps, and the run is finished (padding, return values, relocation) only once
/// the program reaches its end.
pub struct Runner<'h> {
    runner: CairoRunner,
    hints: StepBudget<'h>,
    /// The hint extension's own step loop, for runs that have one.
    extension_steps: Option<ExtensionSteps>,
    end_pc: Relocatable,
    config: RunConfig,
    ending: Ending,
    phase: Phase,
    /// Each segment's first address once relocated, set when a traced run finishes.
    relocation_table: Option<Vec<usize>>,
    /// The relocated trace, made on first use: a trace file is written straight from the
    /// relocatable trace, so a proof-mode run of millions of steps never holds two traces.
    relocated_trace: OnceLock<Vec<RelocatedTraceEntry>>,
}

impl Runner<'static> {
    /// Prepares a run of `program`: segments, builtins and the entrypoint's frame.
    pub fn new(program: &CairoProgram, config: RunConfig) -> Result<Self> {
        Self::build(
            program,
            config,
            Box::new(HintDispatcher::new(None)),
            Ending::CairoRun,
            |_| Ok(()),
        )
    }

    /// Like [`Runner::new`], calling the entrypoint with `args` as cairo-run's
    /// `run_from_entrypoint` does; with `builtins_first` they follow the builtins' pointers (in
    /// the program's builtin order, as `main` takes them as implicit arguments). The run ends as
    /// `run_from_entrypoint` ends it (no builtin pointers read back from the return values);
    /// `extension` runs the hints cairo-vm does not know.
    pub fn with_entry_args(
        program: &CairoProgram,
        config: RunConfig,
        extension: Option<Box<dyn HintExtension>>,
        args: &[EntryArg],
        builtins_first: bool,
    ) -> Result<Self> {
        let extension = extension.map(share);
        let hints = Box::new(HintDispatcher::new(extension.clone()));
        let runner = Self::build_with_args(program, config, hints, args, builtins_first)?;
        Ok(runner.stepping_with(program, extension))
    }

    /// Like [`Runner::new`], with every hint run by `extension`, those cairo-vm implements in
    /// Rust included (cairo-run's compatibility mode for Python hints).
    pub fn with_hint_extension_only(
        program: &CairoProgram,
        config: RunConfig,
        extension: Box<dyn HintExtension>,
    ) -> Result<Self> {
        let extension = share(extension);
        let hints = Box::new(HintDispatcher::extension_only(extension.clone()));
        let runner = Self::build(program, config, hints, Ending::CairoRun, |_| Ok(()))?;
        Ok(runner.stepping_with(program, Some(extension)))
    }

    /// Like [`Runner::new`], with an extension that runs the hints cairo-vm does not know.
    pub fn with_hint_extension(
        program: &CairoProgram,
        config: RunConfig,
        extension: Box<dyn HintExtension>,
    ) -> Result<Self> {
        let extension = share(extension);
        let hints = Box::new(HintDispatcher::new(Some(extension.clone())));
        let runner = Self::build(program, config, hints, Ending::CairoRun, |_| Ok(()))?;
        Ok(runner.stepping_with(program, Some(extension)))
    }

    /// Steps the run through `extension`'s loop (see [`ExtensionSteps`]).
    fn stepping_with(mut self, program: &CairoProgram, extension: Option<SharedExtension>) -> Self {
        self.extension_steps = extension
            .map(|extension| ExtensionSteps::new(extension, program.as_cairo_vm().clone()));
        self
    }
}

fn share(extension: Box<dyn HintExtension>) -> SharedExtension {
    std::rc::Rc::new(std::cell::RefCell::new(extension))
}

impl<'h> Runner<'h> {
    /// Prepares a run with any hint processor; `prepare` may fill memory before the first step.
    pub(crate) fn build(
        program: &CairoProgram,
        config: RunConfig,
        hints: Box<dyn HintProcessorLogic + 'h>,
        ending: Ending,
        prepare: impl FnOnce(&mut VirtualMachine) -> Result<()>,
    ) -> Result<Self> {
        let mut runner = match ending {
            // Cairo 1 proof mode lays out the first frame as its entry code expects.
            Ending::ProverEntryCode { .. } if config.proof_mode => CairoRunner::new_v2(
                program.as_cairo_vm(),
                config.layout.cairo_vm_name(),
                config.layout.dynamic_params()?,
                RunnerMode::ProofModeCairo1,
                config.trace,
                config.disable_trace_padding,
            ),
            _ => CairoRunner::new(
                program.as_cairo_vm(),
                config.layout.cairo_vm_name(),
                config.layout.dynamic_params()?,
                config.proof_mode,
                config.trace,
                config.disable_trace_padding,
            ),
        }
        .map_err(|error| VmCoreError::Initialization(error.to_string()))?;
        let end_pc = runner
            .initialize(config.allow_missing_builtins())
            .map_err(|error| VmCoreError::Initialization(error.to_string()))?;
        Self::from_initialized(runner, config, hints, ending, end_pc, prepare)
    }

    /// Like [`Runner::build`], with the entrypoint called with `args` (after the builtins'
    /// pointers with `builtins_first`), as cairo-run's `run_from_entrypoint`; not in proof mode.
    fn build_with_args(
        program: &CairoProgram,
        config: RunConfig,
        hints: Box<dyn HintProcessorLogic + 'h>,
        args: &[EntryArg],
        builtins_first: bool,
    ) -> Result<Self> {
        let failed = |error: &dyn std::fmt::Display| VmCoreError::Initialization(error.to_string());
        if config.proof_mode {
            return Err(VmCoreError::Initialization(
                "arguments are given to a function run outside proof mode (proof mode starts at \
                 the program's __start__)"
                    .to_owned(),
            ));
        }
        let entrypoint = program.entrypoint();
        let pc = program
            .as_cairo_vm()
            .get_identifier(&format!("__main__.{entrypoint}"))
            .and_then(|identifier| identifier.pc)
            .ok_or_else(|| VmCoreError::EntrypointNotFound(entrypoint.to_owned()))?;
        let mut runner = CairoRunner::new(
            program.as_cairo_vm(),
            config.layout.cairo_vm_name(),
            config.layout.dynamic_params()?,
            false,
            config.trace,
            false,
        )
        .map_err(|error| failed(&error))?;
        // cairo-vm's `initialize`, with the arguments after the builtins' pointers.
        runner
            .initialize_builtins(config.allow_missing_builtins())
            .map_err(|error| failed(&error))?;
        runner.initialize_segments(None);
        let mut stack = Vec::new();
        for name in program.builtins().filter(|_| builtins_first) {
            match runner.vm.builtin_runners.iter().find(|b| b.name() == name) {
                Some(builtin) => stack.extend(builtin.initial_stack()),
                None => stack.push(MaybeRelocatable::from(0)),
            }
        }
        for arg in args {
            stack.push(write_entry_arg(&mut runner.vm, arg).map_err(|error| failed(&error))?);
        }
        let return_fp = runner.vm.add_memory_segment();
        let end_pc = runner
            .initialize_function_entrypoint(pc, stack, return_fp.into())
            .map_err(|error| failed(&error))?;
        for builtin in runner.vm.builtin_runners.iter_mut() {
            if let BuiltinRunner::Mod(modular) = builtin {
                modular.initialize_zero_segment(&mut runner.vm.segments);
            }
        }
        runner.initialize_vm().map_err(|error| failed(&error))?;
        Self::from_initialized(runner, config, hints, Ending::EntryCall, end_pc, |_| Ok(()))
    }

    fn from_initialized(
        mut runner: CairoRunner,
        config: RunConfig,
        hints: Box<dyn HintProcessorLogic + 'h>,
        ending: Ending,
        end_pc: Relocatable,
        prepare: impl FnOnce(&mut VirtualMachine) -> Result<()>,
    ) -> Result<Self> {
        prepare(&mut runner.vm)?;
        Ok(Self {
            runner,
            hints: StepBudget {
                hints,
                remaining: None,
            },
            extension_steps: None,
            end_pc,
            config,
            ending,
            phase: Phase::Running,
            relocation_table: None,
            relocated_trace: OnceLock::new(),
        })
    }

    /// Runs at most `max_steps` more steps; returns whether the program has finished.
    ///
    /// When the program reaches its end the run is finished on the spot, so [`Runner::output`],
    /// the trace and the relocated memory are ready as soon as this returns `true`.
    pub fn run_steps(&mut self, max_steps: usize) -> Result<bool> {
        let Some(cell_limit) = self.config.max_memory_cells else {
            return self.run_steps_unchecked(max_steps);
        };
        let mut left = max_steps;
        loop {
            let chunk = left.min(MEMORY_CHECK_STEPS);
            if self.run_steps_unchecked(chunk)? {
                return Ok(true);
            }
            left -= chunk;
            let cells: usize = segment_used_sizes(&mut self.runner.vm).iter().sum();
            if cells > cell_limit {
                self.phase = Phase::Failed;
                return Err(VmCoreError::MemoryLimitReached {
                    limit: cell_limit,
                    used: cells,
                    pc: self.pc(),
                });
            }
            if left == 0 {
                return Ok(false);
            }
        }
    }

    /// [`Runner::run_steps`] without the memory check.
    fn run_steps_unchecked(&mut self, max_steps: usize) -> Result<bool> {
        match self.phase {
            Phase::Finished => return Ok(true),
            Phase::Failed => return Err(VmCoreError::InvalidState("the run has already failed")),
            Phase::Running => {}
        }
        let steps_left_under_limit = self
            .config
            .max_steps
            .map(|limit| limit.saturating_sub(self.step_count()));
        let budget = steps_left_under_limit.map_or(max_steps, |left| left.min(max_steps));
        self.hints.remaining = Some(budget);
        // cairo-vm trusts the program's hint references (their ap-tracking offsets) and panics
        // on inconsistent ones; such a panic ends this run with an error, not the process.
        let (runner, end_pc, hints) = (&mut self.runner, self.end_pc, &mut self.hints);
        let extension_steps = self.extension_steps.as_mut();
        let contained = cairn_values_abi::contained::contain(|| match extension_steps {
            Some(steps) => steps.run_until_pc(runner, end_pc, hints),
            None => runner.run_until_pc(end_pc, hints),
        });
        self.hints.remaining = None;
        let outcome = match contained {
            Ok(outcome) => outcome,
            Err(panic) => {
                self.phase = Phase::Failed;
                return Err(VmCoreError::Execution(format!(
                    "cairo-vm stopped on data it could not handle at pc={} (a malformed program: \
                     {panic})",
                    self.pc()
                )));
            }
        };
        match outcome {
            Ok(()) => self.finish().map(|()| true),
            Err(VirtualMachineError::UnfinishedExecution) => match self.config.max_steps {
                Some(limit) if self.step_count() >= limit => {
                    self.phase = Phase::Failed;
                    Err(VmCoreError::StepLimitReached {
                        limit,
                        pc: self.pc(),
                    })
                }
                _ => Ok(false),
            },
            Err(error) => {
                self.phase = Phase::Failed;
                let mut message = VmException::from_vm_error(&self.runner, error).to_string();
                let missing = self.missing_builtins();
                if !missing.is_empty() {
                    message = format!(
                        "{}\nnote: layout {} lacks builtins the program declares ({}), which \
                         runs allow in proof mode or with allow-missing-builtins, but their \
                         pointers start as 0, so using one fails: choose a layout that has them",
                        message.trim_end(),
                        self.config.layout.name(),
                        missing.join(", ")
                    );
                }
                Err(VmCoreError::Execution(message))
            }
        }
    }

    /// Builtins the program declares that the layout lacks (allowed in proof mode): their
    /// pointers start as 0, so a program that uses one fails, and its error says why.
    fn missing_builtins(&self) -> Vec<&'static str> {
        let present = &self.runner.vm.builtin_runners;
        self.runner
            .get_program_builtins()
            .iter()
            .filter(|declared| !present.iter().any(|runner| runner.name() == **declared))
            .map(|missing| missing.to_str())
            .collect()
    }

    /// Runs the program to its end (or to the step limit).
    pub fn run_until_end(&mut self) -> Result<()> {
        self.run_steps(usize::MAX).map(|_| ())
    }

    /// Ends the run as cairo-run does once `pc` reaches the end.
    fn finish(&mut self) -> Result<()> {
        let result = self.finish_inner();
        self.phase = if result.is_ok() {
            Phase::Finished
        } else {
            Phase::Failed
        };
        result
    }

    fn finish_inner(&mut self) -> Result<()> {
        if let Some(steps) = &self.extension_steps {
            steps
                .extension
                .borrow_mut()
                .at_end(&mut self.runner.vm)
                .map_err(|error| VmCoreError::Execution(error.to_string()))?;
        }
        let failed = |error: &dyn std::fmt::Display| VmCoreError::Finalization(error.to_string());
        match &self.ending {
            Ending::SierraEntryCode => {
                self.runner
                    .end_run(true, false, &mut self.hints, false)
                    .map_err(|error| failed(&error))?;
                return self.relocate();
            }
            Ending::ProverEntryCode { builtin_stops } => {
                let builtin_stops = builtin_stops.clone();
                return self.finish_prover_run(builtin_stops.as_ref());
            }
            Ending::EntryCall => {
                self.runner
                    .end_run(true, false, &mut self.hints, false)
                    .map_err(|error| failed(&error))?;
                if self.config.secure_run() {
                    verify_secure_runner(&self.runner, false, None)
                        .map_err(|error| failed(&error))?;
                }
                return self.relocate();
            }
            Ending::CairoRun => {}
        }
        let proof_mode = self.config.proof_mode;
        self.end_run(self.config.fill_holes)?;
        self.runner
            .read_return_values(self.config.allow_missing_builtins())
            .map_err(|error| failed(&error))?;
        if proof_mode {
            self.runner
                .finalize_segments()
                .map_err(|error| failed(&error))?;
        }
        if self.config.secure_run() {
            verify_secure_runner(&self.runner, true, None).map_err(|error| failed(&error))?;
        }
        self.relocate()
    }

    /// Ends a prover run of a Cairo 1 function as `cairo1-run` does: the `jmp rel 0` step, the
    /// padding, the builtins' stop pointers and segment finalisation when they are wanted.
    fn finish_prover_run(&mut self, builtin_stops: Option<&BuiltinStops>) -> Result<()> {
        let failed = |error: &dyn std::fmt::Display| VmCoreError::Finalization(error.to_string());
        let proof_mode = self.config.proof_mode;
        self.end_run(proof_mode)?;
        if let Some(stops) = builtin_stops {
            let pointers = stops
                .stack_pointers(self.runner.vm.get_ap())
                .map_err(|error| failed(&error))?;
            self.runner
                .vm
                .builtins_final_stack_from_stack_pointer_dict(&pointers, false)
                .map_err(|error| failed(&error))?;
            if proof_mode {
                self.runner
                    .finalize_segments()
                    .map_err(|error| failed(&error))?;
            }
        }
        self.relocate()
    }

    /// cairo-vm's `end_run` (trace padding in proof mode, holes filled if asked), after the
    /// step that makes a proof-mode program's final `jmp rel 0` the last one run.
    fn end_run(&mut self, fill_holes: bool) -> Result<()> {
        let failed = |error: &dyn std::fmt::Display| VmCoreError::Finalization(error.to_string());
        if self.config.proof_mode {
            self.runner
                .run_for_steps(1, &mut self.hints)
                .map_err(|error| failed(&error))?;
        }
        self.runner
            .end_run(
                self.config.disable_trace_padding,
                false,
                &mut self.hints,
                fill_holes,
            )
            .map_err(|error| failed(&error))
    }

    /// Relocates memory if asked, and keeps the relocation table of a traced run (the trace
    /// itself is relocated when first needed).
    fn relocate(&mut self) -> Result<()> {
        let failed = |error: &dyn std::fmt::Display| VmCoreError::Finalization(error.to_string());
        self.runner
            .relocate(self.config.relocate_memory, false)
            .map_err(|error| failed(&error))?;
        if self.runner.get_relocatable_trace().is_ok() {
            let table = self
                .runner
                .vm
                .segments
                .relocate_segments()
                .map_err(|error| failed(&error))?;
            self.relocation_table = Some(table);
        }
        Ok(())
    }

    /// A trace entry relocated: `pc` by the table, `ap` and `fp` into the execution segment.
    fn relocate_entry(entry: &TraceEntry, table: &[usize]) -> Result<RelocatedTraceEntry> {
        let execution_base = table.get(1).copied().ok_or(VmCoreError::InvalidState(
            "the run has no execution segment to relocate its trace into",
        ))?;
        let pc = relocate_trace_register(entry.pc, table)
            .map_err(|error| VmCoreError::Finalization(error.to_string()))?;
        Ok(RelocatedTraceEntry {
            pc,
            ap: entry.ap + execution_base,
            fp: entry.fp + execution_base,
        })
    }

    /// Whether the program has reached its end and the run has been finished.
    pub fn is_finished(&self) -> bool {
        self.phase == Phase::Finished
    }

    /// Steps executed so far (in proof mode, after the end, including the padding).
    pub fn step_count(&self) -> usize {
        self.runner.vm.get_current_step()
    }

    /// The program counter.
    pub fn pc(&self) -> Relocatable {
        self.runner.vm.get_pc()
    }

    /// The allocation pointer.
    pub fn ap(&self) -> Relocatable {
        self.runner.vm.get_ap()
    }

    /// The frame pointer.
    pub fn fp(&self) -> Relocatable {
        self.runner.vm.get_fp()
    }

    /// The value at `address`, if that cell has been written.
    pub fn memory_get(&self, address: Relocatable) -> Option<MaybeRelocatable> {
        self.runner.vm.get_maybe(&address)
    }

    /// Writes a cell. Cairo memory is write-once: writing another value to a set cell fails.
    pub fn memory_set(&mut self, address: Relocatable, value: MaybeRelocatable) -> Result<()> {
        self.runner
            .vm
            .insert_value(address, value)
            .map_err(|error| VmCoreError::Memory(error.to_string()))
    }

    /// Adds a new memory segment and returns its base.
    pub fn add_segment(&mut self) -> Relocatable {
        self.runner.vm.add_memory_segment()
    }

    /// The number of (non-temporary) segments.
    pub fn segment_count(&self) -> usize {
        self.runner.vm.segments.num_segments()
    }

    /// Every segment's cells, as cairo-vm holds them before relocation.
    pub fn memory_segments(&self) -> Vec<Vec<Option<MaybeRelocatable>>> {
        self.runner.get_relocatable_memory()
    }

    /// The segment each builtin of the run writes to.
    pub fn builtin_segments(&self) -> Vec<(BuiltinName, usize)> {
        self.runner
            .vm
            .builtin_runners
            .iter()
            .map(|builtin| (builtin.name(), builtin.base()))
            .collect()
    }

    /// How many instances of each builtin the run has used so far (cells written to its
    /// segment over cells per instance), by builtin name.
    pub fn builtin_instances(&mut self) -> Result<Vec<(BuiltinName, usize)>> {
        let vm = &mut self.runner.vm;
        vm.segments.compute_effective_sizes();
        vm.builtin_runners
            .iter()
            .map(|builtin| {
                builtin
                    .get_used_instances(&vm.segments)
                    .map(|used| (builtin.name(), used))
                    .map_err(|error| VmCoreError::Memory(error.to_string()))
            })
            .collect()
    }

    /// The builtins the run has used, by name, with their instance counts (builtins with no
    /// instance used are absent): what a Sierra run reports.
    pub fn used_builtins(&mut self) -> Result<std::collections::BTreeMap<&'static str, usize>> {
        Ok(self
            .builtin_instances()?
            .into_iter()
            .filter(|(_, used)| *used > 0)
            .map(|(name, used)| (name.to_str(), used))
            .collect())
    }

    /// The values the program has written to the output builtin, in order.
    ///
    /// Before the end of the run this is the output written so far, up to the first unwritten
    /// cell; a program without the output builtin has an empty output.
    pub fn output(&self) -> Vec<MaybeRelocatable> {
        let Some(segment) = self
            .builtin_segments()
            .into_iter()
            .find_map(|(name, base)| (name == BuiltinName::output).then_some(base))
        else {
            return Vec::new();
        };
        let used = self.runner.vm.segments.get_segment_used_size(segment);
        (0..)
            .map(|offset| Relocatable::from((segment as isize, offset)))
            .take(used.unwrap_or(usize::MAX))
            .map_while(|address| self.runner.vm.get_maybe(&address))
            .collect()
    }

    /// The execution trace so far, in relocatable form (empty unless tracing is on).
    pub fn trace(&self) -> &[TraceEntry] {
        self.runner.get_relocatable_trace().unwrap_or(&[])
    }

    /// The relocated trace, once the run has finished with tracing on (relocated on the first
    /// call).
    pub fn relocated_trace(&self) -> Option<&[RelocatedTraceEntry]> {
        let table = self.relocation_table.as_deref()?;
        if let Some(trace) = self.relocated_trace.get() {
            return Some(trace);
        }
        let trace = self
            .trace()
            .iter()
            .map(|entry| Self::relocate_entry(entry, table))
            .collect::<Result<Vec<_>>>()
            .ok()?;
        Some(self.relocated_trace.get_or_init(|| trace))
    }

    /// The relocated memory (address → value, address 0 unused), once the run has finished with
    /// [`RunConfig::relocate_memory`] on.
    pub fn relocated_memory(&self) -> Option<&[Option<cairo_vm::Felt252>]> {
        let memory = &self.runner.relocated_memory;
        (self.is_finished() && !memory.is_empty()).then_some(memory.as_slice())
    }

    /// Writes the relocated trace in cairo-run's binary format (`ap`, `fp`, `pc` of each step
    /// as little-endian u64s), relocating entry by entry as it writes.
    pub fn write_trace(&self, out: &mut impl Write) -> Result<()> {
        let table = self
            .relocation_table
            .as_deref()
            .ok_or(VmCoreError::InvalidState(
                "the trace is written after a finished run with tracing enabled",
            ))?;
        let io = |error: std::io::Error| VmCoreError::Finalization(error.to_string());
        for entry in self.trace() {
            let entry = Self::relocate_entry(entry, table)?;
            let mut cells = [0u8; 24];
            cells[..8].copy_from_slice(&(entry.ap as u64).to_le_bytes());
            cells[8..16].copy_from_slice(&(entry.fp as u64).to_le_bytes());
            cells[16..].copy_from_slice(&(entry.pc as u64).to_le_bytes());
            out.write_all(&cells).map_err(io)?;
        }
        Ok(())
    }

    /// Writes the relocated memory in cairo-run's binary format.
    pub fn write_memory(&self, out: &mut impl Write) -> Result<()> {
        let memory = self.relocated_memory().ok_or(VmCoreError::InvalidState(
            "the memory is written after a finished run with memory relocation enabled",
        ))?;
        write_encoded_memory(memory, out)
            .map_err(|error| VmCoreError::Finalization(error.to_string()))
    }

    /// The AIR public input as JSON, for a finished proof-mode run with trace and relocated memory.
    pub fn air_public_input(&self) -> Result<String> {
        let error = |reason: String| VmCoreError::AirInput {
            kind: "public",
            reason,
        };
        if !self.config.proof_mode || !self.is_finished() {
            return Err(error("it needs a finished run in proof mode".to_owned()));
        }
        // cairo-vm's `get_air_public_input` reads a trace it relocated whole; the input needs
        // only the first and last steps and the count, so those are relocated here.
        let (Some(table), Some(first), Some(last)) = (
            self.relocation_table.as_deref(),
            self.trace().first(),
            self.trace().last(),
        ) else {
            return Err(error("it needs the trace (run with tracing on)".to_owned()));
        };
        let ends = [
            Self::relocate_entry(first, table)?,
            Self::relocate_entry(last, table)?,
        ];
        let runner = &self.runner;
        let public_memory = runner
            .vm
            .get_public_memory_addresses()
            .map_err(|reason| error(reason.to_string()))?;
        let segments = runner
            .get_memory_segment_addresses()
            .map_err(|reason| error(reason.to_string()))?;
        let range_check_limits = runner
            .get_perm_range_check_limits()
            .ok_or_else(|| error("the run has no range-check limits".to_owned()))?;
        let mut input = PublicInput::new(
            &runner.relocated_memory,
            self.config.layout.name(),
            &public_memory,
            segments,
            &ends,
            range_check_limits,
        )
        .map_err(|reason| error(reason.to_string()))?;
        input.n_steps = self.trace().len();
        input
            .serialize_json()
            .map_err(|reason| error(reason.to_string()))
    }

    /// The AIR private input as JSON, naming the trace and memory files it refers to.
    pub fn air_private_input(&self, trace_path: &str, memory_path: &str) -> Result<String> {
        let error = |reason: String| VmCoreError::AirInput {
            kind: "private",
            reason,
        };
        if !self.config.proof_mode || !self.is_finished() {
            return Err(error("it needs a finished run in proof mode".to_owned()));
        }
        self.runner
            .get_air_private_input()
            .to_serializable(trace_path.to_owned(), memory_path.to_owned())
            .serialize_json()
            .map_err(|reason| error(reason.to_string()))
    }

    /// The resources a finished run used, as cairo-run reports them: steps, memory holes and
    /// each builtin's instances.
    pub fn execution_resources(&self) -> Result<ExecutionResources> {
        if !self.is_finished() {
            return Err(VmCoreError::InvalidState(
                "execution resources are counted once the run has finished",
            ));
        }
        self.runner
            .get_execution_resources()
            .map_err(|error| VmCoreError::Finalization(error.to_string()))
    }

    /// The run as a Cairo PIE (a finished run outside proof mode, such as an executable's
    /// bootloader run or a Cairo 0 program's).
    pub fn cairo_pie(&self) -> Result<CairoPie> {
        if self.config.proof_mode || !self.is_finished() {
            return Err(VmCoreError::CairoPie(
                "it needs a finished run outside proof mode".to_owned(),
            ));
        }
        self.runner
            .get_cairo_pie()
            .map_err(|error| VmCoreError::CairoPie(error.to_string()))
    }

    /// Writes the run's Cairo PIE as a zip file; `merge_extra_segments` merges the segments
    /// the run added into one (as `cairo-execute` writes them; cairo-run keeps them apart).
    pub fn write_cairo_pie(
        &self,
        path: &std::path::Path,
        merge_extra_segments: bool,
    ) -> Result<()> {
        self.cairo_pie()?
            .write_zip_file(path, merge_extra_segments)
            .map_err(|error| VmCoreError::CairoPie(format!("{}: {error}", path.display())))
    }

    /// Changes the step limit (counted from the start of the run).
    pub fn set_max_steps(&mut self, max_steps: Option<usize>) {
        self.config.max_steps = max_steps;
    }

    /// Sets or lifts the memory limit ([`RunConfig::max_memory_cells`]), also mid-run.
    pub fn set_max_memory_cells(&mut self, max_memory_cells: Option<usize>) {
        self.config.max_memory_cells = max_memory_cells;
    }

    /// The configuration the run was started with.
    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    /// cairo-vm's virtual machine, for what this type does not wrap.
    pub fn vm(&self) -> &VirtualMachine {
        &self.runner.vm
    }

    /// cairo-vm's virtual machine, mutable.
    pub fn vm_mut(&mut self) -> &mut VirtualMachine {
        &mut self.runner.vm
    }

    /// The run's execution scopes, where hints keep what outlives one hint.
    pub(crate) fn exec_scopes_mut(&mut self) -> &mut cairo_vm::types::exec_scope::ExecutionScopes {
        &mut self.runner.exec_scopes
    }

    /// cairo-vm's runner, for what this type does not wrap.
    pub fn cairo_runner(&self) -> &CairoRunner {
        &self.runner
    }
}

/// The number of cells used in each segment so far, also in the middle of a run.
///
/// cairo-vm caches segment sizes once computed, which must only happen when a run ends; this
/// computes them without leaving a cache behind.
pub fn segment_used_sizes(vm: &mut VirtualMachine) -> Vec<usize> {
    let cached = vm.segments.segment_used_sizes.take();
    let sizes = vm.segments.compute_effective_sizes().clone();
    vm.segments.segment_used_sizes = cached;
    sizes
}
