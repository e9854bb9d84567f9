//! Computes `CAIRN_CODEGEN_FINGERPRINT`: a digest of the sources that decide what generated code
//! expects of the process that runs it (this crate's code generator and runtime functions, and
//! values-abi's layouts). Libraries stamped with it are refused by a Cairn built from other
//! sources, and class caches name their files with it, so a stale library is compiled again
//! rather than called with another signature.

use std::path::{Path, PathBuf};

use sha2::Digest;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let roots = [
        manifest.join("src"),
        manifest.join("../values-abi/src"),
        manifest.join("../starknet/src"),
    ];
    let mut files = Vec::new();
    for root in &roots {
        println!("cargo:rerun-if-changed={}", root.display());
        collect(root, &mut files);
    }
    files.sort();
    let mut hasher = sha2::Sha256::new();
    for file in &files {
        let relative = file.strip_prefix(&manifest).unwrap_or(file);
        hasher.update(relative.to_string_lossy().as_bytes());
        // An unreadable file counts as empty: the digest still changes with its name.
        hasher.update(std::fs::read(file).unwrap_or_default());
    }
    let digest = hasher.finalize();
    let hex: String = digest[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    println!("cargo:rustc-env=CAIRN_CODEGEN_FINGERPRINT={hex}");
}

/// Every `.rs` file under `dir` (none when it does not exist, as in a packaged crate).
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
}
