//! `#[executable]` functions compiled as `cairo-execute` compiles them: the executable plugin,
//! no gas, the function's wrapper compiled to CASM with its header and footer
//! (`cairo-lang-executable`), ready for a prover's VM run; and its Sierra, for the native
//! backend.

use cairo_lang_compiler::ensure_diagnostics;
use cairo_lang_compiler::get_sierra_program_for_functions;
use cairo_lang_executable::compile::{
    compile_executable_function_in_prepared_db, find_executable_functions,
    originating_function_path, ExecutableConfig,
};
use cairo_lang_executable::executable::Executable;
use cairo_lang_filesystem::ids::CrateInput;
use cairo_lang_sierra::program::Program;
use cairo_lang_sierra_generator::replace_ids::replace_sierra_ids_in_program;

use crate::compile::{compile_failure, reporter, with_dependency_errors};
use crate::project::{Project, Purpose};
use crate::{Corelib, FrontendError};

/// How to compile an executable; the defaults are `cairo-execute`'s.
#[derive(Clone, Debug, Default)]
pub struct ExecutableOptions {
    /// The executable's path (`crate::module::function`); needed when the project has several.
    pub executable: Option<String>,
    /// Compile despite warnings.
    pub allow_warnings: bool,
    /// Accept syscalls in the executable (a prover cannot prove them).
    pub allow_syscalls: bool,
    /// Replace the panic flow by an unprovable instruction: smaller code, harder debugging.
    pub unsafe_panic: bool,
}

/// A compiled `#[executable]` function.
#[derive(Debug)]
pub struct CompiledExecutable {
    /// The executable as `cairo-execute --build-only` writes it: CASM bytecode, hints and the
    /// standalone and bootloader entry points.
    pub executable: Executable,
    /// The function's path, as `--executable` names it.
    pub name: String,
    /// The Sierra program whose first function is the executable's wrapper
    /// (`fn(Span<felt252>, ref Array<felt252>)`), with readable ids.
    pub sierra: Program,
    /// The compiler's warnings (only with [`ExecutableOptions::allow_warnings`]).
    pub warnings: String,
}

/// Compiles the `#[executable]` function of a `.cairo` file or `cairo_project.toml` folder (or
/// a Scarb unit's main crate).
pub fn compile_executable(
    project: Project<'_>,
    corelib: &Corelib,
    options: &ExecutableOptions,
) -> Result<CompiledExecutable, FrontendError> {
    crate::stack::on_compiler_stack(&project.path(), || compile(project, corelib, options))
}

fn compile(
    project: Project<'_>,
    corelib: &Corelib,
    options: &ExecutableOptions,
) -> Result<CompiledExecutable, FrontendError> {
    let purpose = Purpose::Executable {
        unsafe_panic: options.unsafe_panic,
    };
    let (db, crates, all_crates) = crate::project::database(project, corelib, purpose)?;
    let path = project.path();
    let failed = |reason: String| FrontendError::Compiler {
        path: path.clone(),
        reason,
    };
    let mut diagnostics = String::new();
    let allow_warnings = project.allow_warnings(options.allow_warnings);
    let mut reporter = reporter(&mut diagnostics, &crates, allow_warnings);
    if let Err(error) = ensure_diagnostics(&db, &mut reporter) {
        drop(reporter);
        let diagnostics = with_dependency_errors(&db, diagnostics, &all_crates);
        return Err(compile_failure(&path, &diagnostics, &error));
    }
    drop(reporter);
    let crate_ids = CrateInput::into_crate_ids(&db, crates);
    let mut found = find_executable_functions(&db, crate_ids.clone(), None);
    let names: Vec<String> = found
        .iter()
        .map(|function| originating_function_path(&db, *function))
        .collect();
    if let Some(wanted) = &options.executable {
        found = find_executable_functions(&db, crate_ids, Some(wanted));
        if found.is_empty() {
            return Err(FrontendError::NoSuchExecutable {
                path,
                wanted: wanted.clone(),
                available: names,
            });
        }
    }
    let function = match found.as_slice() {
        [function] => *function,
        [] => return Err(FrontendError::NoExecutable { path }),
        _ => {
            return Err(FrontendError::SeveralExecutables {
                path,
                available: names,
            })
        }
    };
    let name = originating_function_path(&db, function);
    let config = ExecutableConfig {
        allow_syscalls: options.allow_syscalls,
        unsafe_panic: options.unsafe_panic,
        builtin_list: None,
    };
    let sierra = get_sierra_program_for_functions(&db, vec![function])
        .map_err(|error| failed(format!("{error:#}")))?;
    let sierra = replace_sierra_ids_in_program(&db, &sierra.program);
    let compiled = compile_executable_function_in_prepared_db(&db, function, config)
        .map_err(|error| failed(format!("{error:#}")))?;
    Ok(CompiledExecutable {
        executable: Executable::new(compiled.compiled_function),
        name,
        sierra,
        warnings: diagnostics.trim_end().to_owned(),
    })
}
