//! Plain Cairo 1 functions run for a prover, as cairo-vm's `cairo1-run` runs them: in Cairo 1
//! proof mode the function returns an `Array<felt252>` (in a `PanicResult` or not), which the
//! entry code copies to the output builtin after the panic flag, followed by the input array;
//! outside proof mode the function returns any values, and the run can become a Cairo PIE.
//! Either way the trace, memory, AIR inputs and Cairo PIE come from the vm-core [`Runner`].

use cairo_lang_runner::Arg;
use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_lang_sierra::program::Function;
use cairo_vm::types::builtin_name::BuiltinName;
use cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};
use cairo_vm::Felt252;

use cairn_values_abi::{TypeShape, Value};

use super::prover_entry_code::{prover_entry_code, ProverSignature};
use super::results::{self, SierraOutcome, SierraResult};
use super::SierraProgram;
use crate::error::{Result, VmCoreError};
use crate::layout::Layout;
use crate::program::CairoProgram;
use crate::runner::{BuiltinStops, Ending, RunConfig, Runner};

/// An argument of a prover run, as `cairo1-run` takes them: one felt (any one-cell value), or
/// an array of felts (a pointer pair to a segment of its own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProverArg {
    /// One cell.
    Felt(Felt252),
    /// An `Array<felt252>` or `Span<felt252>`.
    Array(Vec<Felt252>),
}

impl ProverArg {
    fn cells(&self) -> usize {
        match self {
            Self::Felt(_) => 1,
            Self::Array(_) => 2,
        }
    }
}

/// How a prover run is made; the defaults are `cairo1-run`'s without flags.
#[derive(Clone, Debug, Default)]
pub struct ProverRunConfig {
    /// The layout (`cairo1-run` defaults to `plain`).
    pub layout: Layout,
    /// Cairo 1 proof mode: the function takes at most an `Array<felt252>` and returns one,
    /// which goes to the output builtin; the run ends in `jmp rel 0`, padded for a prover.
    pub proof_mode: bool,
    /// Outside proof mode, copy the returned and input arrays to the output builtin all the
    /// same (`cairo1-run --append_return_values`).
    pub append_return_values: bool,
    /// Record the trace (trace file, AIR inputs).
    pub trace: bool,
    /// Relocate memory at the end (memory file, AIR inputs).
    pub relocate_memory: bool,
    /// Set the builtins' stop pointers at the end (and finalise the segments in proof mode):
    /// needed for the AIR public input and for a Cairo PIE.
    pub finalize_builtins: bool,
    /// Fail once the run takes more steps than this.
    pub max_steps: Option<usize>,
    /// Fail once the run's memory holds more cells than this.
    pub max_memory_cells: Option<usize>,
}

impl ProverRunConfig {
    fn copy_to_output(&self) -> bool {
        self.proof_mode || self.append_return_values
    }
}

impl SierraProgram {
    /// Prepares a prover run of `func` with `args`. In proof mode (or when appending return
    /// values) the function must take nothing or one `Array<felt252>` besides its builtins, and
    /// return an `Array<felt252>`, possibly in a `PanicResult`.
    pub fn prepare_for_prover(
        &self,
        func: &Function,
        args: &[ProverArg],
        config: ProverRunConfig,
    ) -> Result<ProverRunner<'_>> {
        let copy_to_output = config.copy_to_output();
        let user_params = self.user_param_types(func);
        let return_type = self.user_return_type(func);
        if copy_to_output {
            self.check_array_of_felts_io(&user_params, return_type)?;
        }
        let params = self
            .builder
            .generic_id_and_size_from_concrete(&func.signature.param_types);
        let returns = self
            .builder
            .generic_id_and_size_from_concrete(&func.signature.ret_types);
        let code_offset = self.code_offset(func)?;
        let signature = ProverSignature {
            params: &params,
            returns: &returns,
            returns_panic_result: return_type.is_some_and(|ty| self.is_panic_result(ty)),
            code_offset,
        };
        let args_size = args.iter().map(ProverArg::cells).sum();
        let entry = prover_entry_code(&signature, copy_to_output, config.proof_mode, args_size)
            .map_err(VmCoreError::Arguments)?;

        let builtins = entry.builtins.clone();
        // In proof mode the program ends at the entry code's `jmp rel 0` (two words).
        let proof_end = config.proof_mode.then(|| entry.size - 2);
        let (program, string_to_hint, _) =
            self.assemble_with_header(&entry.instructions, builtins.clone(), proof_end)?;

        let builtin_stops = config.finalize_builtins.then(|| {
            if copy_to_output {
                BuiltinStops::TopOfStack(builtins.clone())
            } else {
                BuiltinStops::ReturnValues {
                    values: returns
                        .iter()
                        .map(|(generic, size)| {
                            (
                                super::prover_entry_code::builtin_of(generic),
                                usize::try_from(*size).unwrap_or(0),
                            )
                        })
                        .collect(),
                    trailing: builtins.len(),
                }
            }
        });
        let run_config = RunConfig {
            layout: config.layout,
            proof_mode: config.proof_mode,
            trace: config.trace,
            relocate_memory: config.relocate_memory,
            max_steps: config.max_steps,
            max_memory_cells: config.max_memory_cells,
            secure_run: Some(false),
            allow_missing_builtins: Some(config.proof_mode),
            ..RunConfig::default()
        };
        // With the output copied, the entry code checks that the dictionaries' segments follow
        // one another, placing the temporary ones; otherwise each has a segment of its own.
        let hints = if copy_to_output {
            super::param_hints::runner_hint_processor_with_temporary_segments(string_to_hint)
        } else {
            super::param_hints::runner_hint_processor(string_to_hint)
        };
        let cells_before_args = entry.cells_before_args;
        let runner = Runner::build(
            &CairoProgram::from_cairo_vm(program, "prover entry code"),
            run_config,
            Box::new(hints),
            Ending::ProverEntryCode { builtin_stops },
            |vm| {
                // The arguments go past the cells the entry code writes itself.
                let mut address = (vm.get_ap() + cells_before_args).map_err(memory_error)?;
                for arg in args {
                    match arg {
                        ProverArg::Felt(felt) => {
                            vm.insert_value(address, *felt).map_err(memory_error)?;
                        }
                        ProverArg::Array(felts) => {
                            let start = vm.add_memory_segment();
                            let cells: Vec<MaybeRelocatable> =
                                felts.iter().map(MaybeRelocatable::from).collect();
                            let end = vm.load_data(start, &cells).map_err(memory_error)?;
                            vm.insert_value(address, start).map_err(memory_error)?;
                            address = (address + 1usize).map_err(memory_error)?;
                            vm.insert_value(address, end).map_err(memory_error)?;
                        }
                    }
                    address = (address + 1usize).map_err(memory_error)?;
                }
                Ok(())
            },
        )?;
        Ok(ProverRunner {
            program: self,
            func: func.clone(),
            runner,
            copy_to_output,
            builtin_count: builtins.len(),
            returns_panic_result: signature.returns_panic_result,
        })
    }

    /// The arguments of a prover run from one [`Value`] per user parameter: each felt-like cell
    /// one argument, each array of felts one (what `cairo1-run` can pass; a struct is its
    /// cells).
    pub fn prover_args(&self, func: &Function, args: &[Value]) -> Result<Vec<ProverArg>> {
        let unsupported = || {
            VmCoreError::Arguments(
                "a prover run takes felts, integers and arrays of them (as cairo1-run does), \
                 not nested arrays"
                    .to_owned(),
            )
        };
        self.runner_args(func, args)?
            .into_iter()
            .map(|arg| match arg {
                Arg::Value(felt) => Ok(ProverArg::Felt(felt)),
                Arg::Array(items) => items
                    .into_iter()
                    .map(|item| match item {
                        Arg::Value(felt) => Ok(felt),
                        Arg::Array(_) => Err(unsupported()),
                    })
                    .collect::<Result<Vec<_>>>()
                    .map(ProverArg::Array),
            })
            .collect()
    }

    /// The function's last return value when it is the user's (not a builtin's).
    fn user_return_type<'f>(&self, func: &'f Function) -> Option<&'f ConcreteTypeId> {
        func.signature.ret_types.last().filter(|ty| {
            self.builder
                .is_user_arg_type(&self.builder.type_long_id(ty).generic_id)
        })
    }

    /// `PanicResult<T>`, recognised by its debug name as `cairo1-run` does.
    fn is_panic_result(&self, ty: &ConcreteTypeId) -> bool {
        results::is_panic_result(&self.builder, ty)
    }

    /// Proof mode's signature: at most one `Array<felt252>` in, an `Array<felt252>` out.
    fn check_array_of_felts_io(
        &self,
        user_params: &[ConcreteTypeId],
        return_type: Option<&ConcreteTypeId>,
    ) -> Result<()> {
        let registry = self.builder.registry();
        let is_array_of_felts = |ty: &ConcreteTypeId| match TypeShape::of(registry, ty) {
            Ok(TypeShape::Array(item)) => {
                matches!(TypeShape::of(registry, &item), Ok(TypeShape::Felt252))
            }
            _ => false,
        };
        if user_params.len() > 1 || !user_params.iter().all(is_array_of_felts) {
            return Err(VmCoreError::Arguments(
                "in proof mode (and with --append-return-values) the function takes nothing or \
                 one Array<felt252>, as cairo1-run requires"
                    .to_owned(),
            ));
        }
        let inner = return_type.map(|ty| {
            if self.is_panic_result(ty) {
                results::panic_result_ok_type(&self.builder, ty).unwrap_or_else(|| ty.clone())
            } else {
                ty.clone()
            }
        });
        if !inner.as_ref().is_some_and(is_array_of_felts) {
            return Err(VmCoreError::Arguments(
                "in proof mode (and with --append-return-values) the function returns an \
                 Array<felt252>, as cairo1-run requires"
                    .to_owned(),
            ));
        }
        Ok(())
    }
}

fn memory_error(error: impl std::fmt::Display) -> VmCoreError {
    VmCoreError::Memory(error.to_string())
}

/// A prover run of one Cairo 1 function, which can be advanced a few steps at a time.
pub struct ProverRunner<'p> {
    program: &'p SierraProgram,
    func: Function,
    runner: Runner<'static>,
    copy_to_output: bool,
    builtin_count: usize,
    returns_panic_result: bool,
}

impl ProverRunner<'_> {
    /// Runs at most `max_steps` more VM steps; returns whether the run has finished.
    pub fn run_steps(&mut self, max_steps: usize) -> Result<bool> {
        self.runner.run_steps(max_steps)
    }

    /// Runs to the end and reads the result.
    pub fn run_until_end(&mut self) -> Result<SierraResult> {
        self.runner.run_until_end()?;
        self.result()
    }

    /// The run: memory, output, trace, the AIR inputs, the Cairo PIE.
    pub fn runner(&self) -> &Runner<'static> {
        &self.runner
    }

    /// The run, mutable.
    pub fn runner_mut(&mut self) -> &mut Runner<'static> {
        &mut self.runner
    }

    /// The function's result once the run has finished: from the output builtin when the
    /// return value was copied there (an `Array<felt252>`), else from the stack.
    pub fn result(&mut self) -> Result<SierraResult> {
        if !self.runner.is_finished() {
            return Err(VmCoreError::InvalidState("the run has not finished yet"));
        }
        let mut result = if self.copy_to_output {
            self.result_from_output()?
        } else {
            let mut scopes = std::mem::take(self.runner.exec_scopes_mut());
            let result = results::read_result_below(
                &self.runner,
                &mut scopes,
                &self.program.builder,
                &self.func,
                self.builtin_count,
            );
            *self.runner.exec_scopes_mut() = scopes;
            result?
        };
        result.builtins = self.runner.used_builtins()?;
        Ok(result)
    }

    /// The output segment holds `[panic flag,] length, items…, input length, inputs…`.
    fn result_from_output(&self) -> Result<SierraResult> {
        let corrupt = |detail: &str| VmCoreError::ResultDecoding(detail.to_owned());
        let base = self
            .runner
            .builtin_segments()
            .into_iter()
            .find(|(name, _)| *name == BuiltinName::output)
            .map(|(_, base)| base)
            .ok_or_else(|| corrupt("the run has no output builtin"))?;
        let felt_at = |offset: usize| -> Result<Felt252> {
            match self
                .runner
                .memory_get(Relocatable::from((base as isize, offset)))
            {
                Some(MaybeRelocatable::Int(felt)) => Ok(felt),
                _ => Err(corrupt("the output segment is not felts")),
            }
        };
        let mut offset = 0;
        let panicked = if self.returns_panic_result {
            offset += 1;
            felt_at(0)? != Felt252::ZERO
        } else {
            false
        };
        let length = usize::try_from(felt_at(offset)?)
            .map_err(|_| corrupt("the output array's length is not a size"))?;
        let items = (offset + 1..offset + 1 + length)
            .map(felt_at)
            .collect::<Result<Vec<_>>>()?;
        let outcome = if panicked {
            SierraOutcome::Panic(items.clone())
        } else {
            SierraOutcome::Success(vec![Value::Array(
                items.iter().copied().map(Value::Felt252).collect(),
            )])
        };
        Ok(SierraResult {
            outcome,
            flat: items,
            remaining_gas: None,
            gas_used: None,
            steps: self.runner.step_count(),
            builtins: Default::default(),
        })
    }
}
