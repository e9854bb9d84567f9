//! Loading compiled Cairo 0 programs.

use std::path::Path;

use cairo_vm::types::builtin_name::BuiltinName;
use cairo_vm::types::errors::program_errors::ProgramError;
use cairo_vm::types::program::Program;
use cairo_vm::utils::PRIME_STR;

use crate::error::{Result, VmCoreError};

/// A compiled Cairo 0 program (the JSON `cairo-compile` writes), checked and ready to run.
///
/// Cloning is cheap: cairo-vm shares the program's data behind an `Arc`.
#[derive(Clone, Debug)]
pub struct CairoProgram {
    program: Program,
    entrypoint: String,
}

impl CairoProgram {
    /// Parses a compiled program and resolves `entrypoint` (a function of the main module).
    pub fn from_bytes(json: &[u8], entrypoint: &str) -> Result<Self> {
        Self::parse(json, Some(entrypoint))
    }

    /// Parses a compiled program that is not run from an entrypoint of its own: one a hint
    /// loads into a run (cairo-run's `vm_load_program`), whose code the run calls into.
    pub fn loadable_from_bytes(json: &[u8]) -> Result<Self> {
        Self::parse(json, None)
    }

    fn parse(json: &[u8], entrypoint: Option<&str>) -> Result<Self> {
        // cairo-vm's reader panics on some malformed values (an odd-length "hex" string with a
        // multi-byte character early on, for one): such a program is malformed, not a crash.
        let program =
            cairn_values_abi::contained::contain(|| Program::from_bytes(json, entrypoint))
                .map_err(|panic| {
                    VmCoreError::MalformedProgram(format!("a value cairo-vm cannot read ({panic})"))
                })?
                .map_err(|error| explain_load_error(error, json))?;
        Ok(Self {
            program,
            entrypoint: entrypoint.unwrap_or_default().to_owned(),
        })
    }

    /// Reads and parses a compiled program from a file.
    pub fn from_file(path: &Path, entrypoint: &str) -> Result<Self> {
        let json = std::fs::read(path).map_err(|cause| VmCoreError::Io {
            path: path.to_owned(),
            cause,
        })?;
        Self::from_bytes(&json, entrypoint)
    }

    /// Wraps a program built in memory (such as the entry code of a Sierra function).
    pub(crate) fn from_cairo_vm(program: Program, entrypoint: &str) -> Self {
        Self {
            program,
            entrypoint: entrypoint.to_owned(),
        }
    }

    /// The entrypoint the program was resolved against (empty for a loadable program).
    pub fn entrypoint(&self) -> &str {
        &self.entrypoint
    }

    /// The builtins the program declares, in the order its `main` receives them.
    pub fn builtins(&self) -> impl Iterator<Item = BuiltinName> + '_ {
        self.program.iter_builtins().copied()
    }

    /// The underlying cairo-vm program.
    pub fn as_cairo_vm(&self) -> &Program {
        &self.program
    }
}

/// Turns cairo-vm's load errors into ones that name the cause.
///
/// serde's message for an unknown builtin or a bad field is accurate but buried; when parsing
/// fails we take a second, cheap look at the JSON to name the offending part directly.
fn explain_load_error(error: ProgramError, json: &[u8]) -> VmCoreError {
    match error {
        ProgramError::PrimeDiffers(found) => VmCoreError::WrongPrime {
            found,
            expected: PRIME_STR,
        },
        ProgramError::EntrypointNotFound(name) => VmCoreError::EntrypointNotFound(name),
        ProgramError::Parse(parse_error) => diagnose_json(json)
            .unwrap_or_else(|| VmCoreError::MalformedProgram(parse_error.to_string())),
        other => VmCoreError::MalformedProgram(other.to_string()),
    }
}

fn diagnose_json(json: &[u8]) -> Option<VmCoreError> {
    let value: serde_json::Value = match serde_json::from_slice(json) {
        Ok(value) => value,
        Err(error) => return Some(VmCoreError::MalformedProgram(error.to_string())),
    };
    let object = match value.as_object() {
        Some(object) => object,
        None => {
            return Some(VmCoreError::MalformedProgram(
                "expected a JSON object at the top level".to_owned(),
            ))
        }
    };
    if let Some(prime) = object.get("prime").and_then(|prime| prime.as_str()) {
        if prime != PRIME_STR {
            return Some(VmCoreError::WrongPrime {
                found: prime.to_owned(),
                expected: PRIME_STR,
            });
        }
    }
    let unknown_builtin = object
        .get("builtins")?
        .as_array()?
        .iter()
        .filter_map(|name| name.as_str())
        .find(|name| BuiltinName::from_str(name).is_none())?;
    Some(VmCoreError::UnknownBuiltin(unknown_builtin.to_owned()))
}
