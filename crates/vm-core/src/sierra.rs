//! Sierra programs on the VM: Sierra → CASM with gas metadata, the entry code that calls one
//! function with its builtins, and the run on a [`Runner`] with Cairo 1's hint processor.
//!
//! The pieces of `cairo-lang-runner` are reused (the CASM builder, its hint processor, the
//! builtin-costs segment); the run itself is a vm-core [`Runner`], so it pauses, resumes and
//! observes memory like any other.

mod args;
mod entry_cache;
mod entry_code;
mod param_hints;
mod prover;
mod prover_entry_code;
mod results;
mod secp_points;
mod syscalls;

use std::sync::{Arc, Mutex, OnceLock};

use cairo_lang_casm::hints::Hint;
use cairo_lang_runnable_utils::builder::{create_code_footer, RunnableBuilder};
use cairo_lang_runner::casm_run::format_next_item;
use cairo_lang_runner::{build_hints_dict, initialize_vm, token_gas_cost};
use cairo_lang_sierra::extensions::gas::{CostTokenType, GasBuiltinType};
use cairo_lang_sierra::extensions::NamedType;
use cairo_lang_sierra::ids::GenericTypeId;
use cairo_lang_sierra::program::{Function, Program as SierraProgramData};
use cairo_lang_sierra_to_casm::metadata::MetadataComputationConfig;
use cairo_lang_utils::unordered_hash_map::UnorderedHashMap;
use cairo_vm::serde::deserialize_program::{HintParams, ReferenceManager};
use cairo_vm::types::program::Program;
use cairo_vm::types::relocatable::MaybeRelocatable;
use cairo_vm::Felt252;

use cairn_values_abi::{Registry, Value};

use self::args::{ArgDict, ParamCell};

use crate::error::{Result, VmCoreError};
use crate::layout::Layout;
use crate::program::CairoProgram;
use crate::runner::{Ending, RunConfig, Runner};
use entry_cache::EntryCache;

pub use prover::{ProverArg, ProverRunConfig, ProverRunner};
pub use results::{SierraOutcome, SierraResult};

/// A Sierra program compiled to CASM, ready to run any of its functions.
pub struct SierraProgram {
    builder: RunnableBuilder,
    uses_gas: bool,
    /// The program each function is called through, by function id and argument dictionaries
    /// (the most recently called, within a budget of cells).
    entries: Mutex<EntryCache<(u64, usize), EntryProgram>>,
    /// The CASM program assembled without a header, once: every entry program is a header
    /// (position-independent code, like the program's) followed by these cells.
    body: OnceLock<AssembledBody>,
}

/// The whole CASM program assembled as it follows an entry program's header: its code, its
/// constants and the footer, with its hints (the program's own offsets) as cairo-vm takes them.
struct AssembledBody {
    data: Vec<MaybeRelocatable>,
    hints: Vec<(usize, Vec<HintParams>)>,
    string_to_hint: UnorderedHashMap<String, Hint>,
}

/// The cells of assembled entry programs a `SierraProgram` keeps (at about 50 bytes a cell,
/// some 200 MB): every entry point of a contract, the last few functions of a large test
/// program.
const ENTRY_PROGRAM_CELLS: usize = 4 << 20;

/// A function's entry code and the whole CASM program, as cairo-vm runs them.
struct EntryProgram {
    program: CairoProgram,
    string_to_hint: UnorderedHashMap<String, Hint>,
    data_len: usize,
    /// The VM steps of the entry code: each of its instructions runs once (it has no jumps),
    /// all but the final `ret` before the call.
    entry_steps: usize,
}

impl SierraProgram {
    /// Compiles `program` to CASM. Gas metadata is computed when the program counts gas (its
    /// code calls `withdraw_gas`), as cairo-run does when given `--available-gas`.
    pub fn new(program: SierraProgramData) -> Result<Self> {
        Self::with_function_costs(program, [])
    }

    /// Like [`SierraProgram::new`], with the up-front cost of some functions set rather than
    /// computed (in gas, constant tokens): how a contract's entry points are compiled, each
    /// charging `ENTRY_POINT_COST` on entry (`cairo-test` and Starknet's class compiler do the
    /// same). The native backend takes the same costs, so both charge alike.
    pub fn with_function_costs(
        program: SierraProgramData,
        costs: impl IntoIterator<Item = (cairo_lang_sierra::ids::FunctionId, i32)>,
    ) -> Result<Self> {
        let uses_gas = program.requires_gas_counter();
        let function_set_costs = costs
            .into_iter()
            .map(|(function, cost)| {
                let tokens = cairo_lang_sierra::extensions::gas::CostTokenMap::from_iter([(
                    cairo_lang_sierra::extensions::gas::CostTokenType::Const,
                    cost,
                )]);
                (function, tokens)
            })
            .collect();
        let metadata = uses_gas.then(|| MetadataComputationConfig {
            function_set_costs,
            ..MetadataComputationConfig::default()
        });
        let builder =
            cairn_values_abi::contained::contain(|| RunnableBuilder::new(program, metadata))
                .map_err(|panic| {
                    VmCoreError::SierraCompilation(format!(
                        "the Sierra-to-CASM compiler failed on this program: {panic}"
                    ))
                })?
                .map_err(|error| VmCoreError::SierraCompilation(error.to_string()))?;
        Ok(Self {
            builder,
            uses_gas,
            entries: Mutex::new(EntryCache::new(ENTRY_PROGRAM_CELLS)),
            body: OnceLock::new(),
        })
    }

    /// Whether the program counts gas, so runs need an amount of available gas.
    pub fn uses_gas(&self) -> bool {
        self.uses_gas
    }

    /// The program's type and libfunc registry.
    pub fn registry(&self) -> &Registry {
        self.builder.registry()
    }

    /// The Sierra program.
    pub fn sierra(&self) -> &SierraProgramData {
        self.builder.sierra_program()
    }

    /// Finds a function by its full name (`crate::module::name`) or by the last segments of
    /// exactly one function's name (`name`, `module::name`).
    pub fn function(&self, name: &str) -> Result<&Function> {
        let funcs = &self.builder.sierra_program().funcs;
        Ok(cairn_values_abi::find_function(funcs, name)?.1)
    }

    /// The types of the parameters a caller passes (builtins and gas excluded).
    pub fn user_param_types(&self, func: &Function) -> Vec<cairo_lang_sierra::ids::ConcreteTypeId> {
        func.signature
            .param_types
            .iter()
            .filter(|ty| {
                self.builder
                    .is_user_arg_type(&self.builder.type_long_id(ty).generic_id)
            })
            .cloned()
            .collect()
    }

    /// The arguments as `cairo-lang-runner`'s `SierraCasmRunner` takes them: each parameter's
    /// cells in order, arrays nested. Boxes and nullables holding a value are not among what it
    /// takes (Cairn's own runs pass them).
    pub fn runner_args(
        &self,
        func: &Function,
        args: &[Value],
    ) -> Result<Vec<cairo_lang_runner::Arg>> {
        self.cells_per_param(func, args)?
            .0
            .iter()
            .flatten()
            .map(|cell| {
                cell.to_runner_arg().ok_or_else(|| {
                    VmCoreError::Arguments(
                        "a box, non-null nullable or dictionary has no cairo-lang-runner argument"
                            .to_owned(),
                    )
                })
            })
            .collect()
    }

    /// Each user parameter's cells, checked against its type, and the dictionaries they name.
    fn cells_per_param(
        &self,
        func: &Function,
        args: &[Value],
    ) -> Result<(Vec<Vec<ParamCell>>, Vec<ArgDict>)> {
        let param_types = self.user_param_types(func);
        if args.len() != param_types.len() {
            return Err(VmCoreError::Arguments(format!(
                "expected {} arguments, got {}",
                param_types.len(),
                args.len()
            )));
        }
        let mut dicts = Vec::new();
        let cells = args
            .iter()
            .zip(&param_types)
            .enumerate()
            .map(|(index, (value, ty))| {
                let path = format!("arg {index}");
                args::to_param_cells(value, ty, &self.builder, &path, &mut dicts)
                    .map_err(|error| VmCoreError::Arguments(error.to_string()))
            })
            .collect::<Result<_>>()?;
        if dicts.len() > entry_code::MAX_ARG_DICTS {
            return Err(VmCoreError::Arguments(format!(
                "{} dictionaries as arguments: the VM backend takes at most {}",
                dicts.len(),
                entry_code::MAX_ARG_DICTS
            )));
        }
        Ok((cells, dicts))
    }

    /// Prepares a run of `func` with `args` (one [`Value`] per user parameter).
    ///
    /// `available_gas` is required when the program counts gas; the function's own entry cost
    /// is taken from it first, as cairo-run does.
    pub fn prepare(
        &self,
        func: &Function,
        args: &[Value],
        available_gas: Option<u64>,
    ) -> Result<SierraRunner<'_>> {
        self.prepare_run(func, args, available_gas, None)
    }

    /// Like [`SierraProgram::prepare`], with the chain-state syscalls (storage, calls,
    /// deployments, events, messages, execution info…) answered by `handler`; the state-free
    /// ones (keccak, sha256/sha512, secp256k1/r1) are still the runner's.
    pub fn prepare_with_syscalls<'p>(
        &'p self,
        func: &Function,
        args: &[Value],
        available_gas: Option<u64>,
        handler: &'p mut dyn cairn_starknet::SyscallHandler,
    ) -> Result<SierraRunner<'p>> {
        self.prepare_run(func, args, available_gas, Some(handler))
    }

    fn prepare_run<'p>(
        &'p self,
        func: &Function,
        args: &[Value],
        available_gas: Option<u64>,
        handler: Option<&'p mut dyn cairn_starknet::SyscallHandler>,
    ) -> Result<SierraRunner<'p>> {
        let (param_cells, dicts) = self.cells_per_param(func, args)?;
        let mut user_args = Vec::new();
        let takes_gas = func
            .signature
            .param_types
            .iter()
            .any(|ty| self.builder.type_long_id(ty).generic_id == GasBuiltinType::ID);
        let mut initial_gas = None;
        if takes_gas {
            // A program that does not count gas gets a counter of 0, as in cairo-run: it never
            // withdraws, and what it shows at the end is only the refunds of its drops.
            let gas = match (available_gas, self.uses_gas) {
                (_, false) => 0,
                (None, true) => return Err(VmCoreError::GasRequired),
                (Some(available), true) => {
                    let cost = self.entry_cost(func);
                    let gas = available
                        .checked_sub(cost)
                        .ok_or(VmCoreError::NotEnoughGasToCall { available, cost })?;
                    initial_gas = Some(gas);
                    gas
                }
            };
            user_args.push(vec![ParamCell::Felt(Felt252::from(gas))]);
        }
        user_args.extend(param_cells);

        let param_types = self
            .builder
            .generic_id_and_size_from_concrete(&func.signature.param_types);
        let code_offset = self.code_offset(func)?;
        let entry = self.entry_program(func, &param_types, code_offset, dicts.len())?;
        // `WriteRunParam` is answered by `SierraHints` from `user_args`.
        let hints = param_hints::SierraHints::new(
            param_hints::runner_hint_processor(entry.string_to_hint.clone()),
            user_args,
            dicts,
            handler,
        );
        // No trace: the function's steps are the run's less the entry code's, known in
        // advance, and a trace would hold 24 bytes for every step of a long run.
        let config = RunConfig {
            layout: Layout::named("all_cairo")?,
            trace: false,
            relocate_memory: false,
            allow_missing_builtins: Some(true),
            ..RunConfig::default()
        };
        let data_len = entry.data_len;
        let entry_steps = entry.entry_steps;
        let runner = Runner::build(
            &entry.program,
            config,
            Box::new(hints),
            Ending::SierraEntryCode,
            |vm| {
                initialize_vm(vm, data_len)
                    .map_err(|error| VmCoreError::Initialization(error.to_string()))
            },
        )?;
        Ok(SierraRunner {
            program: self,
            func: func.clone(),
            runner,
            available_gas,
            initial_gas,
            entry_steps,
        })
    }

    /// Where `func`'s code starts in the CASM program.
    fn code_offset(&self, func: &Function) -> Result<usize> {
        self.builder
            .casm_program()
            .debug_info
            .sierra_statement_info
            .get(func.entry_point.0)
            .map(|info| info.start_offset)
            .ok_or_else(|| {
                VmCoreError::SierraCompilation(format!(
                    "the entry point of {} is past the program's statements",
                    func.id
                ))
            })
    }

    /// The program that calls `func` (at `code_offset`) through entry code taking `dicts`
    /// argument dictionaries: assembled once, then shared by every run (a contract's entry
    /// point is called again and again).
    fn entry_program(
        &self,
        func: &Function,
        param_types: &[(GenericTypeId, i16)],
        code_offset: usize,
        dicts: usize,
    ) -> Result<Arc<EntryProgram>> {
        let key = (func.id.id, dicts);
        if let Some(entry) = self.lock_entries().get(&key) {
            return Ok(entry);
        }
        let (header, builtins) = entry_code::entry_code(param_types, code_offset, dicts);
        let (program, string_to_hint, data_len) =
            self.assemble_with_header(&header, builtins, None)?;
        let entry = Arc::new(EntryProgram {
            program: CairoProgram::from_cairo_vm(program, "sierra entry code"),
            string_to_hint,
            data_len,
            entry_steps: header.len(),
        });
        self.lock_entries()
            .insert(key, Arc::clone(&entry), entry.data_len);
        Ok(entry)
    }

    /// The CASM program assembled without a header, made at its first use.
    fn assembled_body(&self) -> &AssembledBody {
        self.body.get_or_init(|| {
            let assembled = self
                .builder
                .casm_program()
                .assemble_ex(&[], &create_code_footer());
            let (hints, string_to_hint) = build_hints_dict(&assembled.hints);
            AssembledBody {
                data: assembled
                    .bytecode
                    .iter()
                    .map(|word| MaybeRelocatable::from(Felt252::from(word)))
                    .collect(),
                hints: hints.into_iter().collect(),
                string_to_hint,
            }
        })
    }

    /// The CASM program with `header` before it and the footer after, as cairo-vm runs it:
    /// from its start, or in proof mode from its start to `proof_end`; with the hints by their
    /// text (for cairo-lang-runner's processor) and the bytecode's length. Only the header is
    /// assembled here: the rest is the program's, assembled once ([`SierraProgram::assembled_body`]),
    /// its hints moved past the header.
    fn assemble_with_header(
        &self,
        header: &[cairo_lang_casm::instructions::Instruction],
        builtins: Vec<cairo_vm::types::builtin_name::BuiltinName>,
        proof_end: Option<usize>,
    ) -> Result<(Program, UnorderedHashMap<String, Hint>, usize)> {
        let body = self.assembled_body();
        let mut header_words = Vec::new();
        let mut header_hints = Vec::new();
        for instruction in header {
            if !instruction.hints.is_empty() {
                header_hints.push((header_words.len(), instruction.hints.clone()));
            }
            header_words.extend(instruction.assemble().encode());
        }
        let header_len = header_words.len();
        let mut data = Vec::with_capacity(header_len + body.data.len());
        data.extend(
            header_words
                .iter()
                .map(|word| MaybeRelocatable::from(Felt252::from(word))),
        );
        data.extend_from_slice(&body.data);
        let (mut hints_dict, mut string_to_hint) = build_hints_dict(&header_hints);
        for (offset, hints) in &body.hints {
            hints_dict.insert(header_len + offset, hints.clone());
        }
        // A hint's text names one hint, wherever it is: a duplicate is that same hint.
        string_to_hint.merge(&body.string_to_hint, |_, _| {});
        let data_len = data.len();
        let references = ReferenceManager {
            references: Vec::new(),
        };
        let program = match proof_end {
            Some(end) => Program::new_for_proof(
                builtins,
                data,
                0,
                end,
                hints_dict,
                references,
                Default::default(),
                Vec::new(),
                None,
            ),
            None => Program::new(
                builtins,
                data,
                Some(0),
                hints_dict,
                references,
                Default::default(),
                Vec::new(),
                None,
            ),
        }
        .map_err(|error| VmCoreError::SierraCompilation(error.to_string()))?;
        Ok((program, string_to_hint, data_len))
    }

    /// The assembled entry programs; a thread that panicked while holding them left nothing
    /// half-written (an insert is one step), so a poisoned lock is still good.
    fn lock_entries(&self) -> std::sync::MutexGuard<'_, EntryCache<(u64, usize), EntryProgram>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The gas a call to `func` costs up front (its own cost before its first withdraw).
    pub fn entry_cost(&self, func: &Function) -> u64 {
        let Some(costs) = self
            .builder
            .metadata()
            .gas_info
            .function_costs
            .get(&func.id)
        else {
            return 0;
        };
        costs
            .iter()
            .map(|(token, count)| {
                let per_token = match token {
                    CostTokenType::Step
                    | CostTokenType::Hole
                    | CostTokenType::RangeCheck
                    | CostTokenType::RangeCheck96 => 0,
                    other => token_gas_cost(*other) as u64,
                };
                u64::try_from(*count).unwrap_or(0) * per_token
            })
            .sum()
    }
}

/// A run of one Sierra function, which can be advanced a few steps at a time.
pub struct SierraRunner<'p> {
    program: &'p SierraProgram,
    func: Function,
    runner: Runner<'p>,
    available_gas: Option<u64>,
    initial_gas: Option<u64>,
    /// VM steps of the entry code, which the function's step count leaves out.
    entry_steps: usize,
}

impl<'p> SierraRunner<'p> {
    /// Runs at most `max_steps` more VM steps; returns whether the function has returned.
    pub fn run_steps(&mut self, max_steps: usize) -> Result<bool> {
        self.runner.run_steps(max_steps)
    }

    /// Fails the run with [`VmCoreError::StepLimitReached`] past `max_steps` VM steps (the entry
    /// code's included).
    pub fn set_max_steps(&mut self, max_steps: Option<usize>) {
        self.runner.set_max_steps(max_steps);
    }

    /// Fails the run with [`VmCoreError::MemoryLimitReached`] once its memory holds more than
    /// `max_memory_cells` cells.
    pub fn set_max_memory_cells(&mut self, max_memory_cells: Option<usize>) {
        self.runner.set_max_memory_cells(max_memory_cells);
    }

    /// Runs the function to its end.
    pub fn run_until_end(&mut self) -> Result<SierraResult> {
        self.runner.run_until_end()?;
        self.result()
    }

    /// The underlying VM run (memory, registers, trace).
    pub fn runner(&self) -> &Runner<'p> {
        &self.runner
    }

    /// The function's result, once it has returned.
    pub fn result(&mut self) -> Result<SierraResult> {
        if !self.runner.is_finished() {
            return Err(VmCoreError::InvalidState(
                "the function has not returned yet",
            ));
        }
        // secp256 points are read through the run's execution scopes, held apart from the
        // runner (whose memory is read at the same time) and put back afterwards.
        let mut scopes = std::mem::take(self.runner.exec_scopes_mut());
        let result = results::read_result(
            &self.runner,
            &mut scopes,
            &self.program.builder,
            &self.func,
            self.available_gas,
            self.initial_gas,
        );
        *self.runner.exec_scopes_mut() = scopes;
        let mut result = result?;
        // The function's own steps, as cairo-lang-runner counts them.
        result.steps = self.runner.step_count().saturating_sub(self.entry_steps);
        result.builtins = self.runner.used_builtins()?;
        Ok(result)
    }
}

/// Formats panic data as the Cairo compiler's runner prints it: short strings quoted,
/// `Run panicked with [1, 'abc', ...].`.
pub fn format_panic(data: &[Felt252]) -> String {
    let mut felts = data.iter().copied();
    let mut items = Vec::new();
    while let Some(item) = format_next_item(&mut felts) {
        items.push(item.quote_if_string());
    }
    format!("Run panicked with [{}].", items.join(", "))
}
