//! Cairo 1 source to Sierra, with `cairo-lang-compiler`.

use std::path::Path;

use cairo_lang_compiler::diagnostics::DiagnosticsReporter;
use cairo_lang_compiler::{compile_prepared_db_program, CompilerConfig};
use cairo_lang_filesystem::ids::CrateInput;
use cairo_lang_sierra::program::Program;

use crate::project::{Project, Purpose};
use crate::{Corelib, FrontendError};

/// How to compile.
#[derive(Clone, Debug)]
pub struct CompileOptions {
    /// Insert `withdraw_gas` calls and compile gas accounting in (as with
    /// `cairo-run --available-gas`); off compiles with `cfg(gas: "disabled")`.
    pub gas: bool,
    /// Compile despite warnings (as `cairo-run --allow-warnings`); by default a warning is an
    /// error, as with the Cairo compiler's own tools.
    pub allow_warnings: bool,
}

impl Default for CompileOptions {
    fn default() -> Self {
        Self {
            gas: true,
            allow_warnings: false,
        }
    }
}

/// A compiled program and the warnings its compilation reported (empty when there were none;
/// only with [`CompileOptions::allow_warnings`] can there be any).
#[derive(Debug)]
pub struct Compiled {
    /// The Sierra program.
    pub program: Program,
    /// The compiler's warnings, as it prints them.
    pub warnings: String,
}

/// Compiles a `.cairo` file (a crate of its own) or a folder with a `cairo_project.toml`.
pub fn compile_cairo(
    path: &Path,
    corelib: &Corelib,
    options: &CompileOptions,
) -> Result<Program, FrontendError> {
    compile_cairo_with_warnings(path, corelib, options).map(|compiled| compiled.program)
}

/// [`compile_cairo`], also returning the warnings (for a caller that shows them).
pub fn compile_cairo_with_warnings(
    path: &Path,
    corelib: &Corelib,
    options: &CompileOptions,
) -> Result<Compiled, FrontendError> {
    compile_project(Project::Path(path), corelib, options)
}

/// Compiles a project: a path as [`compile_cairo`] does, or a Scarb compilation unit's main
/// crate (whose `[cairo]` settings add to `options`: its `enable-gas = false` turns gas off,
/// its `allow-warnings` allows them).
pub fn compile_project(
    project: Project<'_>,
    corelib: &Corelib,
    options: &CompileOptions,
) -> Result<Compiled, FrontendError> {
    crate::stack::on_compiler_stack(&project.path(), || compile(project, corelib, options))
}

fn compile(
    project: Project<'_>,
    corelib: &Corelib,
    options: &CompileOptions,
) -> Result<Compiled, FrontendError> {
    let purpose = Purpose::Program { gas: options.gas };
    let (db, crates, all_crates) = crate::project::database(project, corelib, purpose)?;
    let mut diagnostics = String::new();
    let allow_warnings = project.allow_warnings(options.allow_warnings);
    let reporter = reporter(&mut diagnostics, &crates, allow_warnings);
    let config = CompilerConfig {
        diagnostics_reporter: reporter,
        replace_ids: project.replace_ids(),
        ..CompilerConfig::default()
    };
    let result = compile_prepared_db_program(&db, CrateInput::into_crate_ids(&db, crates), config);
    match result {
        Ok(program) => Ok(Compiled {
            program,
            warnings: diagnostics.trim_end().to_owned(),
        }),
        Err(error) => {
            let diagnostics = with_dependency_errors(&db, diagnostics, &all_crates);
            Err(compile_failure(&project.path(), &diagnostics, &error))
        }
    }
}

/// The reporter of a compilation's diagnostics: written into `diagnostics`, for `crates`, with
/// warnings allowed or not.
pub(crate) fn reporter<'a>(
    diagnostics: &'a mut String,
    crates: &[CrateInput],
    allow_warnings: bool,
) -> DiagnosticsReporter<'a> {
    let reporter = DiagnosticsReporter::write_to_string(diagnostics).with_crates(crates);
    if allow_warnings {
        reporter.allow_warnings()
    } else {
        reporter
    }
}

/// The diagnostics of a failed compilation: the compiled crates' own, or when they have none
/// (a Scarb unit checks its main crate only, as Scarb does, so that shared dependencies are
/// not analysed whole for every package), the errors of every crate it reaches.
pub(crate) fn with_dependency_errors(
    db: &dyn salsa::Database,
    diagnostics: String,
    all_crates: &[CrateInput],
) -> String {
    if !diagnostics.trim().is_empty() {
        return diagnostics;
    }
    let mut everything = String::new();
    DiagnosticsReporter::write_to_string(&mut everything)
        .with_crates(all_crates)
        .ignore_all_warnings()
        .check(db);
    everything
}

/// A failed compilation as the user sees it: the compiler's diagnostics when it reported any,
/// else its error.
pub(crate) fn compile_failure(
    path: &Path,
    diagnostics: &str,
    error: &impl std::fmt::Display,
) -> FrontendError {
    if diagnostics.trim().is_empty() {
        FrontendError::Compiler {
            path: path.to_owned(),
            reason: format!("{error:#}"),
        }
    } else {
        FrontendError::Diagnostics {
            path: path.to_owned(),
            diagnostics: diagnostics.trim_end().to_owned(),
        }
    }
}
