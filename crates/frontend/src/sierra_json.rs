//! Sierra programs as JSON: the `VersionedProgram` form Scarb and `cairn compile` write.

use std::path::Path;

use cairo_lang_sierra::extensions::core::{CoreLibfunc, CoreType};
use cairo_lang_sierra::program::{Program, ProgramArtifact, VersionedProgram};
use cairo_lang_sierra::program_registry::ProgramRegistry;

use crate::FrontendError;

/// Parses Sierra JSON and checks that this Cairo version knows every type and libfunc in it.
pub fn load_sierra_json(json: &[u8]) -> Result<Program, FrontendError> {
    let versioned: VersionedProgram = serde_json::from_slice(json)
        .map_err(|error| FrontendError::MalformedSierra(error.to_string()))?;
    let program = versioned
        .into_v1()
        .map_err(|error| FrontendError::MalformedSierra(error.to_string()))?
        .program;
    ProgramRegistry::<CoreType, CoreLibfunc>::new(&program)
        .map_err(|error| FrontendError::InvalidSierra(error.to_string()))?;
    Ok(program)
}

/// Reads and checks a Sierra JSON file.
pub fn load_sierra_json_file(path: &Path) -> Result<Program, FrontendError> {
    let json = std::fs::read(path).map_err(|cause| FrontendError::Io {
        path: path.to_owned(),
        cause,
    })?;
    load_sierra_json(&json)
}

/// The program as Sierra JSON (the `VersionedProgram` form, with debug names kept).
pub fn sierra_to_json(program: &Program) -> String {
    let versioned = VersionedProgram::v1(ProgramArtifact::stripped(program.clone()));
    // Serialising a program of plain data cannot fail.
    serde_json::to_string(&versioned).unwrap_or_default()
}
