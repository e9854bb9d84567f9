//! `cairn.Program`: a compiled Cairo 0 program read once and run by any number of runners, on
//! any thread, as cairo-lang scripts load a `Program` once and make a `CairoRunner` per input.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use cairn_vm_core::{CairoProgram, VmCoreError};
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyPermissionError, PyTypeError};
use pyo3::prelude::*;
use rustc_hash::FxHashMap;

use crate::VmError;

/// A compiled Cairo 0 program (cairo-compile's JSON), parsed once per entrypoint and shared by
/// the runners made from it.
#[pyclass(module = "cairn", name = "Program", frozen)]
pub struct PyProgram {
    json: Vec<u8>,
    /// cairo-vm resolves the entrypoint while it parses, so a program is parsed once for each
    /// entrypoint a runner asks for; runners share that parse (its data is reference-counted).
    by_entrypoint: Mutex<FxHashMap<String, Arc<CairoProgram>>>,
}

impl PyProgram {
    /// Reads a program from what a user passes where a program goes: a path (a str or any
    /// os.PathLike), the JSON text, or its bytes. The program is parsed here, so that a
    /// malformed one fails now rather than at its first run.
    pub(crate) fn read(py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<Self> {
        let json = program_json(source)?;
        let program = Self {
            json,
            by_entrypoint: Mutex::default(),
        };
        match py.detach(|| program.parsed("main")) {
            // A program without `main` (a library run through another entrypoint) is whole.
            Ok(_) | Err(VmCoreError::EntrypointNotFound(_)) => Ok(program),
            Err(error) => Err(VmError::new_err(error.to_string())),
        }
    }

    /// The program's compiled JSON.
    pub(crate) fn json(&self) -> &[u8] {
        &self.json
    }

    /// The program resolved against `entrypoint`, parsed on the first request for it.
    pub(crate) fn parsed(&self, entrypoint: &str) -> Result<Arc<CairoProgram>, VmCoreError> {
        let mut parsed = self
            .by_entrypoint
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(program) = parsed.get(entrypoint) {
            return Ok(program.clone());
        }
        let program = Arc::new(CairoProgram::from_bytes(&self.json, entrypoint)?);
        parsed.insert(entrypoint.to_owned(), program.clone());
        Ok(program)
    }
}

#[pymethods]
impl PyProgram {
    /// Reads a compiled program: `source` is a path (a str or os.PathLike), the JSON text or
    /// its bytes. A missing file is FileNotFoundError; a malformed program is VmError.
    #[new]
    fn new(py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::read(py, source)
    }

    /// `Program(source)`, under the name cairo-lang's `Program.load` has.
    #[staticmethod]
    fn load(py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::read(py, source)
    }

    fn __repr__(&self) -> String {
        format!("<cairn.Program, {} bytes of JSON>", self.json.len())
    }
}

/// A program's JSON from a path (str or os.PathLike), its text or its bytes.
pub(crate) fn program_json(source: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(bytes) = source.extract::<&[u8]>() {
        return Ok(bytes.to_vec());
    }
    match source.extract::<String>() {
        Ok(text) if text.trim_start().starts_with('{') => Ok(text.into_bytes()),
        Ok(path) => read_program(Path::new(&path)),
        Err(_) => {
            let path: std::path::PathBuf = source.extract().map_err(|_| {
                PyTypeError::new_err(
                    "a program is a path (str or os.PathLike), its JSON text or bytes, or a \
                     cairn.Program",
                )
            })?;
            read_program(&path)
        }
    }
}

/// A program file's bytes; a missing file is FileNotFoundError, as `open` raises it.
fn read_program(path: &Path) -> PyResult<Vec<u8>> {
    std::fs::read(path).map_err(|error| {
        let message = format!("cannot read {}: {error}", path.display());
        match error.kind() {
            std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(message),
            std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(message),
            _ => PyOSError::new_err(message),
        }
    })
}
