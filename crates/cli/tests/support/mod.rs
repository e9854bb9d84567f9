//! Helpers the CLI's test binaries share (each uses some of them).
#![allow(dead_code)]

use std::path::PathBuf;

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
