//! Starknet contract entry points natively: the [`EntryPointExecutor`] a
//! [`cairn_starknet::StarknetState`] (or any handler) runs calls on.
//!
//! Each class is compiled once per executor: JIT-compiled in memory ([`NativeExecutor::new`]),
//! or written as a shared library into a cache folder and loaded from there by every later
//! executor, in this process or another ([`NativeExecutor::with_cache`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use cairn_starknet::{
    CallOutcome, ContractClass, EntryPoint, EntryPointExecutor, EntryPointRun, ExecutionResources,
    Felt, StarknetError, SyscallCounter, SyscallHandler,
};

use crate::compile::OptLevel;
use crate::error::NativeError;
use crate::executor::{AotProgram, JitProgram, NativeResult};

/// A class compiled in memory or loaded from the cache.
enum Compiled {
    /// Compiled in memory, possibly shared by several classes (a test program's contracts).
    Jit(Rc<JitProgram>),
    Aot(Box<AotProgram>),
}

impl Compiled {
    fn run(
        &self,
        index: usize,
        calldata: &[Felt],
        gas: u64,
        handler: &mut dyn SyscallHandler,
    ) -> crate::Result<NativeResult<CallOutcome>> {
        match self {
            Compiled::Jit(program) => program.run_entry_point(index, calldata, Some(gas), handler),
            Compiled::Aot(program) => program.run_entry_point(index, calldata, Some(gas), handler),
        }
    }
}

/// Runs entry points natively, compiling each class once. Compiled code stays on the thread
/// that compiled or loaded it (its programs are not `Send`): use one executor per thread.
pub struct NativeExecutor {
    opt_level: OptLevel,
    cache: Option<PathBuf>,
    /// Compiled classes by class hash, looked up on every call (foldhash: SipHash over the
    /// hash's 32 bytes showed in contract profiles).
    programs: RefCell<HashMap<Felt, Rc<Compiled>, foldhash::fast::RandomState>>,
}

impl NativeExecutor {
    /// An executor JIT-compiling classes at `opt_level`, in memory.
    pub fn new(opt_level: OptLevel) -> Self {
        Self {
            opt_level,
            cache: None,
            programs: RefCell::new(HashMap::default()),
        }
    }

    /// An executor keeping each compiled class as a shared library in `folder`, named after
    /// the class's Starknet class hash, Cairn's version and `opt_level`, and loading it from
    /// there when it is already there (another run, another process). A library is written
    /// under a temporary name and renamed into place, so a reader never sees part of one and
    /// two processes compiling one class both end with a whole, identical file. A file that
    /// does not load (damaged, another build) is compiled again. A class whose hash cannot be
    /// computed (no ABI) is compiled in memory.
    pub fn with_cache(opt_level: OptLevel, folder: impl Into<PathBuf>) -> Self {
        Self {
            opt_level,
            cache: Some(folder.into()),
            programs: RefCell::new(HashMap::default()),
        }
    }

    /// Where the library of `class` lives in `folder`, when its class hash can be computed.
    pub fn cached_library_path(&self, folder: &Path, class: &ContractClass) -> Option<PathBuf> {
        class.compiled()?;
        let hash = class.class_hash().ok()?;
        Some(self.library_path(folder, hash))
    }

    fn library_path(&self, folder: &Path, class_hash: Felt) -> PathBuf {
        folder.join(format!(
            "{class_hash:#066x}-cairn{}-{:?}.so",
            crate::compile::build_identity(),
            self.opt_level
        ))
    }

    /// Runs every entry point of the class declared under `class_hash` on `program`, compiled
    /// already: the test program of a test crate, whose contracts all share it (compiled with
    /// their entry points' costs, see [`JitProgram::compile_partial_with_costs`]).
    pub fn share_program(&self, class_hash: Felt, program: Rc<JitProgram>) {
        self.programs
            .borrow_mut()
            .insert(class_hash, Rc::new(Compiled::Jit(program)));
    }

    /// Compiles `class` now (or loads it from the cache), ahead of its first call; a class
    /// already prepared is not prepared again.
    pub fn prepare(&self, class_hash: Felt, class: &ContractClass) -> Result<(), StarknetError> {
        self.program(class_hash, class).map(drop)
    }

    fn program(
        &self,
        class_hash: Felt,
        class: &ContractClass,
    ) -> Result<Rc<Compiled>, StarknetError> {
        if let Some(program) = self.programs.borrow().get(&class_hash) {
            return Ok(Rc::clone(program));
        }
        let failed = |error: NativeError| {
            StarknetError::Execution(format!(
                "class {class_hash:#x} does not compile natively: {error}"
            ))
        };
        // Only a class from a class file is cached: its hash covers its program, while a test
        // class hash names a contract of one test program only.
        let cached = self.cache.as_deref().and_then(|folder| {
            class.compiled()?;
            let hash = class.class_hash().ok()?;
            Some((self.library_path(folder, hash), hash))
        });
        let program = match cached {
            Some((path, hash)) => Compiled::Aot(Box::new(
                self.load_or_write(&path, hash, class).map_err(failed)?,
            )),
            None => Compiled::Jit(Rc::new(
                JitProgram::compile(class.sierra().clone(), self.opt_level).map_err(failed)?,
            )),
        };
        let program = Rc::new(program);
        self.programs
            .borrow_mut()
            .insert(class_hash, Rc::clone(&program));
        Ok(program)
    }

    fn load_or_write(
        &self,
        path: &Path,
        class_hash: Felt,
        class: &ContractClass,
    ) -> crate::Result<AotProgram> {
        // The library carries the class hash rather than the program: the class at hand has
        // the program, and its hash names it (the hash covers the whole Sierra program).
        let identity = format!("class {class_hash:#066x}");
        if path.is_file() {
            if let Ok(program) =
                AotProgram::load_identified(path, class.sierra().clone(), &identity)
            {
                return Ok(program);
            }
        }
        let folder = path.parent().unwrap_or(Path::new("."));
        let cache_error = |detail: String| NativeError::SharedLibrary {
            path: path.display().to_string(),
            detail,
        };
        std::fs::create_dir_all(folder)
            .map_err(|error| cache_error(format!("cannot create the cache folder: {error}")))?;
        // A name no other writer uses, in the same folder so that the rename is atomic.
        let temporary = tempfile::Builder::new()
            .prefix(".class-")
            .suffix(".so.tmp")
            .tempfile_in(folder)
            .map_err(|error| cache_error(format!("cannot create a file in the cache: {error}")))?
            .into_temp_path();
        AotProgram::write_identified(
            class.sierra().clone(),
            self.opt_level,
            &temporary,
            &identity,
        )?;
        temporary
            .persist(path)
            .map_err(|error| cache_error(format!("cannot move the library into place: {error}")))?;
        AotProgram::load_identified(path, class.sierra().clone(), &identity)
    }
}

impl EntryPointExecutor for NativeExecutor {
    fn execute(
        &self,
        class_hash: Felt,
        class: &ContractClass,
        entry_point: &EntryPoint,
        calldata: &[Felt],
        remaining_gas: &mut u64,
        handler: &mut dyn SyscallHandler,
    ) -> Result<EntryPointRun, StarknetError> {
        let program = self.program(class_hash, class)?;
        let mut counter = SyscallCounter::new(handler);
        let result = match program.run(
            entry_point.function_idx,
            calldata,
            *remaining_gas,
            &mut counter,
        ) {
            Ok(result) => result,
            // Too little gas to enter is the callee's failure, not the run's (as on the VM).
            Err(NativeError::NotEnoughGasToCall { .. }) => {
                return Ok(EntryPointRun {
                    outcome: CallOutcome::Revert(vec![cairn_starknet::short_string("Out of gas")]),
                    // Nothing ran: no builtin used, and no VM steps to count.
                    resources: ExecutionResources {
                        vm_steps: None,
                        ..ExecutionResources::zero()
                    },
                });
            }
            Err(error) => return Err(StarknetError::Execution(error.to_string())),
        };
        *remaining_gas = result.remaining_gas.unwrap_or(0);
        Ok(EntryPointRun {
            outcome: result.outcome,
            resources: ExecutionResources::of_native_run(counter.into_counts(), result.builtins),
        })
    }
}
