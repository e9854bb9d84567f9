//! The ways Cairn runs a bench program, and a program prepared for each of them.

use std::fmt;
use std::time::{Duration, Instant};

use cairn_native_codegen::{AotProgram, JitProgram, NativeOutcome, OptLevel};
use cairn_vm_core::sierra::{SierraOutcome, SierraProgram};
use cairn_vm_core::values::Value;
use starknet_types_core::felt::Felt;

use crate::programs::{BenchProgram, ENTRY};
use crate::suite::BenchError;

/// Gas enough for every bench program at its full size.
const GAS: u64 = 1 << 60;

/// One way to run a bench program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// Cairn's interpreted backend: Sierra → CASM on cairo-vm.
    Vm,
    /// Cairn native, JIT-compiled in process (compile time excluded).
    Jit,
    /// Cairn native, from a shared library compiled beforehand (compile time excluded).
    Aot,
    /// Cairn native: compile to a shared library, load it and run, all timed.
    AotWithCompile,
    /// The loop written by hand in Rust.
    Rust,
}

impl Backend {
    /// Every backend, in report order.
    pub const ALL: [Backend; 5] = [
        Backend::Vm,
        Backend::Jit,
        Backend::Aot,
        Backend::AotWithCompile,
        Backend::Rust,
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Vm => "vm",
            Backend::Jit => "jit",
            Backend::Aot => "aot",
            Backend::AotWithCompile => "aot+compile",
            Backend::Rust => "rust",
        }
    }

    /// The backend called `name` (as [`Backend::name`] prints it; `native` is the JIT).
    pub fn parse(name: &str) -> Option<Backend> {
        if name == "native" {
            return Some(Backend::Jit);
        }
        Backend::ALL
            .into_iter()
            .find(|backend| backend.name() == name)
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What one run gives: the result felt and, on the VM, the steps it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunResult {
    /// The felt252 the entry returned.
    pub value: Felt,
    /// Cairo VM steps, for VM runs.
    pub steps: Option<usize>,
}

/// A bench program loaded for the backends asked for: compiled once, run many times.
pub struct Prepared {
    program: &'static BenchProgram,
    sierra: cairn_frontend::Program,
    opt_level: OptLevel,
    vm: Option<SierraProgram>,
    jit: Option<JitProgram>,
    aot: Option<(AotProgram, tempfile::TempDir)>,
    /// How long the JIT compile took, when the JIT was prepared.
    pub jit_compile: Option<Duration>,
    /// How long compiling, linking and loading the shared library took, when AOT was prepared.
    pub aot_compile: Option<Duration>,
}

impl Prepared {
    /// Loads `program` and compiles it for every backend in `backends` that needs it.
    pub fn new(
        program: &'static BenchProgram,
        backends: &[Backend],
        opt_level: OptLevel,
    ) -> Result<Self, BenchError> {
        let sierra = cairn_frontend::load_sierra_json(program.sierra_json.as_bytes())
            .map_err(|error| BenchError::Load(program.name, error.to_string()))?;
        let mut prepared = Prepared {
            program,
            sierra,
            opt_level,
            vm: None,
            jit: None,
            aot: None,
            jit_compile: None,
            aot_compile: None,
        };
        if backends.contains(&Backend::Vm) {
            prepared.vm = Some(
                SierraProgram::new(prepared.sierra.clone())
                    .map_err(|error| BenchError::Load(program.name, error.to_string()))?,
            );
        }
        if backends.contains(&Backend::Jit) {
            let start = Instant::now();
            prepared.jit = Some(
                JitProgram::compile(prepared.sierra.clone(), opt_level)
                    .map_err(|error| BenchError::Native(program.name, error))?,
            );
            prepared.jit_compile = Some(start.elapsed());
        }
        if backends.contains(&Backend::Aot) || backends.contains(&Backend::AotWithCompile) {
            let start = Instant::now();
            let aot = prepared.compile_library()?;
            prepared.aot_compile = Some(start.elapsed());
            prepared.aot = Some(aot);
        }
        Ok(prepared)
    }

    /// The program this was prepared from.
    pub fn program(&self) -> &'static BenchProgram {
        self.program
    }

    fn compile_library(&self) -> Result<(AotProgram, tempfile::TempDir), BenchError> {
        let name = self.program.name;
        let dir = tempfile::tempdir().map_err(|error| BenchError::Io(name, error))?;
        let path = dir.path().join(format!("{name}.so"));
        AotProgram::write(self.sierra.clone(), self.opt_level, &path)
            .map_err(|error| BenchError::Native(name, error))?;
        let library = AotProgram::load(&path).map_err(|error| BenchError::Native(name, error))?;
        Ok((library, dir))
    }

    /// Runs the program once on `backend` with size `n`.
    pub fn run(&self, backend: Backend, n: u64) -> Result<RunResult, BenchError> {
        let name = self.program.name;
        let not_prepared = || BenchError::NotPrepared(name, backend);
        let args = [Value::U64(n)];
        let values = match backend {
            Backend::Rust => {
                return Ok(RunResult {
                    value: (self.program.baseline)(n),
                    steps: None,
                })
            }
            Backend::Vm => {
                let vm = self.vm.as_ref().ok_or_else(not_prepared)?;
                let result = vm
                    .function(ENTRY)
                    .and_then(|function| vm.prepare(function, &args, Some(GAS)))
                    .and_then(|mut runner| runner.run_until_end())
                    .map_err(|error| BenchError::Vm(name, error.to_string()))?;
                let steps = Some(result.steps);
                let values = match result.outcome {
                    SierraOutcome::Success(values) => values,
                    SierraOutcome::Panic(data) => {
                        return Err(BenchError::Panicked(name, backend, format!("{data:?}")))
                    }
                };
                return Ok(RunResult {
                    value: single_felt(name, backend, values)?,
                    steps,
                });
            }
            Backend::Jit => {
                let jit = self.jit.as_ref().ok_or_else(not_prepared)?;
                jit.run(ENTRY, &args, Some(GAS))
            }
            Backend::Aot => {
                let (aot, _) = self.aot.as_ref().ok_or_else(not_prepared)?;
                aot.run(ENTRY, &args, Some(GAS))
            }
            Backend::AotWithCompile => {
                let (aot, _dir) = self.compile_library()?;
                aot.run(ENTRY, &args, Some(GAS))
            }
        }
        .map_err(|error| BenchError::Native(name, error))?;
        match values.outcome {
            NativeOutcome::Success(values) => Ok(RunResult {
                value: single_felt(name, backend, values)?,
                steps: None,
            }),
            NativeOutcome::Panic(data) => {
                Err(BenchError::Panicked(name, backend, format!("{data:?}")))
            }
        }
    }
}

fn single_felt(
    program: &'static str,
    backend: Backend,
    values: Vec<Value>,
) -> Result<Felt, BenchError> {
    match values.as_slice() {
        [Value::Felt252(felt)] => Ok(*felt),
        _ => Err(BenchError::UnexpectedResult(
            program,
            backend,
            format!("{values:?}"),
        )),
    }
}
