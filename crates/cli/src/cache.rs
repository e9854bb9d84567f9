//! Cairn's cache folder (`$CAIRN_CACHE`, else `~/.cache/cairn`), shared by the native class
//! cache and the compiled test programs of Scarb packages.

use std::path::{Path, PathBuf};

/// `$CAIRN_CACHE/SUB`, else `~/.cache/cairn/SUB`; `None` without a home folder.
pub fn folder(sub: &str) -> Option<PathBuf> {
    std::env::var_os("CAIRN_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/cairn")))
        .map(|cache| cache.join(sub))
}

/// What tells this `cairn` apart from another build: its version, and its executable's size
/// and modification time (a rebuilt `cairn` does not reuse what an older one compiled).
pub fn build_identity() -> String {
    let executable = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|metadata| {
            let modified = metadata
                .modified()
                .ok()
                .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |since| since.as_nanos());
            format!("{} {modified}", metadata.len())
        })
        .unwrap_or_default();
    format!("cairn {} {executable}", env!("CARGO_PKG_VERSION"))
}

/// Writes `text` to `path` whole or not at all: into a file of its own beside it, then
/// renamed over it, so that a reader (another `cairn` on the same cache) never sees half.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}
