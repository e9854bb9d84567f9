//! Helpers the CLI's test binaries share (each uses some of them).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// A process's output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The corelib's folder: `CAIRO_CORELIB_DIR`, or the development corelib beside the project.
pub fn corelib_dir() -> Option<PathBuf> {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/cairo-corelib-2.20.0/corelib");
    std::env::var_os("CAIRO_CORELIB_DIR")
        .map(PathBuf::from)
        .or_else(|| shared.is_dir().then_some(shared))
}

/// The corelib's folder as an argument; `None` (the test is skipped, and says so) without one.
pub fn corelib() -> Option<String> {
    corelib_dir()
        .map(|path| path.to_str().expect("UTF-8 path").to_owned())
        .or_else(|| {
            println!("skipped: no Cairo corelib (set CAIRO_CORELIB_DIR)");
            None
        })
}

/// A file's bytes; a missing file fails the test naming it.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// A JSON file, parsed.
pub fn json(path: &Path) -> Value {
    serde_json::from_slice(&read(path))
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// A file's SHA-256 and size, as the regeneration scripts record large reference files.
pub fn digest(path: &Path) -> Value {
    let data = read(path);
    serde_json::json!({
        "sha256": Sha256::digest(&data)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect::<String>(),
        "bytes": data.len(),
    })
}

/// A path as a command-line argument.
pub fn path_arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}
