//! Ahead-of-time shared libraries: the JIT's object code linked with the system C compiler
//! into a `.so` that carries its own Sierra program, so it runs later without recompiling.

use std::path::Path;
use std::process::Command;

use cairn_values_abi::{Felt, Value};
use cairo_lang_sierra::program::Program;
use libloading::Library;

use super::invoke::{run_by_name, NativeResult};
use super::jit::Engine;
use super::{elf_check, seal};
use crate::compile::{
    compile_module, library_stamp, new_context, Embedded, Excluded, OptLevel, EMBEDDED_PROGRAM,
    EMBEDDED_PROGRAM_LEN, LIBRARY_STAMP,
};
use crate::error::{NativeError, Result};
use crate::program::ProgramInfo;

/// A Sierra program loaded from a shared library written by [`AotProgram::write`].
pub struct AotProgram {
    library: Library,
    info: ProgramInfo,
    excluded: Excluded,
}

fn library_error(path: &Path, detail: impl std::fmt::Display) -> NativeError {
    NativeError::SharedLibrary {
        path: path.display().to_string(),
        detail: detail.to_string(),
    }
}

/// The identity a class-cache library carries: the caller's name for the program and the
/// digest of its shape ([`crate::compile::program_shape`]).
fn identity_with_shape(identity: &str, program: &Program) -> String {
    format!(
        "{identity} (shape {})",
        crate::compile::program_shape(program)
    )
}

impl AotProgram {
    /// Compiles `program` at `opt_level` into the shared library `output`.
    pub fn write(program: Program, opt_level: OptLevel, output: &Path) -> Result<()> {
        Self::write_module(program, opt_level, output, false, None).map(|_| ())
    }

    /// Like [`AotProgram::write`], for a caller that keeps `program` itself (a class cache):
    /// the library carries `identity` instead of the program, so it is smaller and loads
    /// without parsing it; [`AotProgram::load_identified`] loads it with the program back.
    pub fn write_identified(
        program: Program,
        opt_level: OptLevel,
        output: &Path,
        identity: &str,
    ) -> Result<()> {
        let identity = identity_with_shape(identity, &program);
        Self::write_module(program, opt_level, output, false, Some(&identity)).map(|_| ())
    }

    /// Compiles what can be compiled of `program` (as [`crate::JitProgram::compile_partial`])
    /// into the shared library `output`; returns the functions left out, which the library
    /// refuses to run with the reason.
    pub fn write_partial(
        program: Program,
        opt_level: OptLevel,
        output: &Path,
    ) -> Result<Vec<crate::LeftOut>> {
        Self::write_module(program, opt_level, output, true, None)
    }

    fn write_module(
        program: Program,
        opt_level: OptLevel,
        output: &Path,
        partial: bool,
        identity: Option<&str>,
    ) -> Result<Vec<crate::LeftOut>> {
        let info = ProgramInfo::new(program)?;
        let context = new_context();
        let (module, excluded) = compile_module(&context, &info, partial, identity)?;
        let engine = Engine::new(&module, opt_level, true)?;
        // Looking a symbol up makes the JIT compile the module, which fills its object cache.
        engine
            .lookup(EMBEDDED_PROGRAM_LEN)
            .ok_or_else(|| library_error(output, "the compiled module lacks its program"))?;
        let scratch = tempfile::tempdir().map_err(|error| library_error(output, error))?;
        let object = scratch.path().join("program.o");
        let object_text = object
            .to_str()
            .ok_or_else(|| library_error(output, "temporary path is not UTF-8"))?;
        engine.dump_object(object_text);
        if !object.exists() {
            return Err(library_error(output, "LLVM wrote no object code"));
        }
        let compiler = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
        let status = Command::new(&compiler)
            .arg("-shared")
            .arg("-o")
            .arg(output)
            .arg(&object)
            .status()
            .map_err(|error| library_error(output, format!("running {compiler}: {error}")))?;
        if !status.success() {
            return Err(library_error(
                output,
                format!("{compiler} failed ({status})"),
            ));
        }
        seal::seal(output).map_err(|error| library_error(output, format!("sealing: {error}")))?;
        Ok(crate::compile::left_out(&info, &excluded))
    }

    /// Loads a library written by [`AotProgram::write`].
    pub fn load(path: &Path) -> Result<Self> {
        Self::load_checked(path, None)
    }

    /// Loads a library written by [`AotProgram::write_identified`] with `identity`, giving it
    /// back `program`, the one it was compiled from: the caller named the program by
    /// `identity` (as a class hash names a class), and the library checks that `program` has
    /// the declarations and signatures its code was generated for.
    pub fn load_identified(path: &Path, program: Program, identity: &str) -> Result<Self> {
        let identity = identity_with_shape(identity, &program);
        Self::load_checked(path, Some((program, &identity)))
    }

    fn load_checked(path: &Path, identified: Option<(Program, &str)>) -> Result<Self> {
        // The dynamic loader searches its library path for a bare name (`x.so`): hand it the
        // file the user named.
        let resolved = std::path::absolute(path).map_err(|error| library_error(path, error))?;
        if !resolved.is_file() {
            return Err(library_error(path, "no such file"));
        }
        // The dynamic loader trusts the ELF headers: a truncated file dies of SIGBUS inside
        // `dlopen`, so the headers are checked against the file first.
        let bytes = std::fs::read(&resolved).map_err(|error| library_error(path, error))?;
        elf_check::check(&bytes).map_err(|reason| {
            library_error(path, format!("not a library Cairn can load: {reason}"))
        })?;
        seal::verify(&bytes).map_err(|reason| library_error(path, reason))?;
        drop(bytes);
        // SAFETY: loading runs the library's initialisers; the seal proves the file is one
        // `write` produced, byte for byte, and those have none beyond the C runtime's.
        let library =
            unsafe { Library::new(&resolved) }.map_err(|error| library_error(path, error))?;
        // SAFETY: both symbols are data the code generator emitted: the length as an i64 and
        // that many bytes of JSON.
        let json = unsafe {
            let length = library
                .get::<*const i64>(EMBEDDED_PROGRAM_LEN.as_bytes())
                .map_err(|_| library_error(path, "not a Cairn library (no embedded program)"))?;
            let length = usize::try_from(**length).map_err(|error| library_error(path, error))?;
            let bytes = library
                .get::<*const u8>(EMBEDDED_PROGRAM.as_bytes())
                .map_err(|_| library_error(path, "not a Cairn library (no embedded program)"))?;
            std::slice::from_raw_parts(*bytes, length).to_vec()
        };
        // SAFETY: the stamp is a NUL-terminated array the code generator emitted; a library
        // without it is refused before anything reads past the symbol.
        let stamp = unsafe {
            let stamp = library
                .get::<*const std::ffi::c_char>(LIBRARY_STAMP.as_bytes())
                .map_err(|_| {
                    library_error(
                        path,
                        "not a Cairn library (no stamp), or one from an older Cairn: recompile it",
                    )
                })?;
            std::ffi::CStr::from_ptr(*stamp)
                .to_string_lossy()
                .into_owned()
        };
        let expected = library_stamp(&json);
        if stamp != expected {
            return Err(library_error(
                path,
                format!(
                    "its code does not match the program it carries, or another Cairn wrote it \
                     (stamp `{stamp}`, expected `{expected}`): recompile it"
                ),
            ));
        }
        let embedded: Embedded = serde_json::from_slice(&json)
            .map_err(|error| library_error(path, format!("embedded program: {error}")))?;
        let program = match (embedded.program, embedded.identity, identified) {
            (Some(program), _, None) => program,
            (None, Some(carried), Some((program, identity))) if carried == identity => program,
            (None, Some(carried), Some((_, identity))) => {
                return Err(library_error(
                    path,
                    format!("it was compiled for {carried}, not {identity}"),
                ))
            }
            (None, Some(carried), None) => {
                return Err(library_error(
                    path,
                    format!(
                        "it carries no program (a class cache's library, for {carried}): \
                         load it through the executor that wrote it"
                    ),
                ))
            }
            (Some(_), _, Some(_)) => {
                return Err(library_error(
                    path,
                    "it carries its own program: load it with AotProgram::load",
                ))
            }
            (None, None, _) => return Err(library_error(path, "embedded program: missing")),
        };
        let mut info = match embedded.gas {
            Some((uses_gas, entry_costs)) => {
                ProgramInfo::with_entry_costs(program, entry_costs.into_iter().collect(), uses_gas)?
            }
            None => ProgramInfo::new(program)?,
        };
        // What the library's code does, not what code compiled now would do.
        info.set_counts_builtins(embedded.counts_builtins);
        // SAFETY: the library's `cairn_rt_*` symbols are the pointer-sized globals the code
        // generator declares; nothing runs the library's code yet.
        unsafe {
            crate::runtime::bind(|name| {
                library
                    .get::<*mut ()>(name.as_bytes())
                    .ok()
                    .map(|symbol| *symbol)
            })
        };
        Ok(Self {
            library,
            info,
            excluded: embedded.left_out,
        })
    }

    /// The program and its types.
    pub fn info(&self) -> &ProgramInfo {
        &self.info
    }

    /// The functions left out when the library was compiled.
    pub fn left_out(&self) -> Vec<crate::LeftOut> {
        crate::compile::left_out(&self.info, &self.excluded)
    }

    /// Runs the function `name`, as [`crate::JitProgram::run`] does.
    pub fn run(
        &self,
        name: &str,
        args: &[Value],
        available_gas: Option<u64>,
    ) -> Result<NativeResult> {
        self.run_inner(name, args, available_gas, None)
    }

    /// Like [`AotProgram::run`], with the chain-state syscalls answered by `handler`.
    pub fn run_with_syscalls(
        &self,
        name: &str,
        args: &[Value],
        available_gas: Option<u64>,
        handler: &mut dyn cairn_starknet::SyscallHandler,
    ) -> Result<NativeResult> {
        self.run_inner(name, args, available_gas, Some(handler))
    }

    /// Runs the function at `index` in the program's functions (as a contract's entry point
    /// names it), its chain-state syscalls answered by `handler`.
    pub fn run_index_with_syscalls(
        &self,
        index: usize,
        args: &[Value],
        available_gas: Option<u64>,
        handler: &mut dyn cairn_starknet::SyscallHandler,
    ) -> Result<NativeResult> {
        super::invoke::run_by_index(
            &self.info,
            &self.excluded,
            index,
            super::invoke::Arguments::Values(args),
            super::invoke::GasSupply::Available(available_gas),
            Some(handler),
            |symbol| self.symbol(symbol),
        )
    }

    /// Runs the contract entry point at `index` in the program's functions with `calldata`
    /// (its `Span<felt252>` parameter), its chain-state syscalls answered by `handler`: the
    /// outcome is its retdata or revert reason, converted without building `Value`s (what a
    /// Starknet call needs, thousands of times a second).
    pub fn run_entry_point(
        &self,
        index: usize,
        calldata: &[Felt],
        available_gas: Option<u64>,
        handler: &mut dyn cairn_starknet::SyscallHandler,
    ) -> Result<NativeResult<cairn_starknet::CallOutcome>> {
        super::invoke::run_by_index(
            &self.info,
            &self.excluded,
            index,
            super::invoke::Arguments::Calldata(calldata),
            super::invoke::GasSupply::Available(available_gas),
            Some(handler),
            |symbol| self.symbol(symbol),
        )
    }

    /// The address of `symbol` in the library, if it has it.
    fn symbol(&self, symbol: &str) -> Option<*mut ()> {
        // SAFETY: only the symbol's address is taken; the caller calls it as the wrapper it is.
        unsafe { self.library.get::<*mut ()>(symbol.as_bytes()) }
            .ok()
            .map(|symbol| *symbol)
            .filter(|address: &*mut ()| !address.is_null())
    }

    fn run_inner(
        &self,
        name: &str,
        args: &[Value],
        available_gas: Option<u64>,
        handler: Option<&mut dyn cairn_starknet::SyscallHandler>,
    ) -> Result<NativeResult> {
        run_by_name(
            &self.info,
            &self.excluded,
            name,
            args,
            super::invoke::GasSupply::Available(available_gas),
            handler,
            |symbol| self.symbol(symbol),
        )
    }
}
