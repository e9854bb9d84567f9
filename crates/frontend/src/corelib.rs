//! Finding the Cairo corelib, and checking its version.

use std::path::{Path, PathBuf};

use crate::FrontendError;

/// The version of the Cairo compiler Cairn links, which the corelib must match.
pub const COMPILER_VERSION: &str = cairo_lang_filesystem::db::CORELIB_VERSION;

/// A corelib whose version matches the compiler's.
#[derive(Clone, Debug)]
pub struct Corelib {
    /// Its `src/` folder, which the compiler loads.
    pub src: PathBuf,
}

impl Corelib {
    /// A digest of the corelib's sources (each `.cairo` file's path and content).
    pub fn fingerprint(&self) -> Result<String, FrontendError> {
        Ok(cairn_scarb::cairo_sources_digest(&self.src)?)
    }
}

/// Finds the corelib: `explicit` first, then `CAIRO_CORELIB_DIR`, then the compiler's own
/// detection. `explicit` and the variable may name the `corelib/` folder or its `src/`.
pub fn locate_corelib(explicit: Option<&Path>) -> Result<Corelib, FrontendError> {
    if let Some(path) = explicit {
        return check(path);
    }
    if let Some(path) = std::env::var_os("CAIRO_CORELIB_DIR").filter(|path| !path.is_empty()) {
        return check(Path::new(&path));
    }
    match cairo_lang_filesystem::detect::detect_corelib() {
        Some(src) => check(&src),
        None => Err(FrontendError::CorelibNotFound),
    }
}

fn check(path: &Path) -> Result<Corelib, FrontendError> {
    let bad = |problem: &str| FrontendError::BadCorelib {
        path: path.to_owned(),
        problem: problem.to_owned(),
    };
    let (root, src) = if path.join("src").join("lib.cairo").is_file() {
        (path.to_owned(), path.join("src"))
    } else if path.join("lib.cairo").is_file() {
        let root = path.parent().map(Path::to_owned).unwrap_or_default();
        (root, path.to_owned())
    } else {
        return Err(bad("has no src/lib.cairo"));
    };
    let manifest = root.join("Scarb.toml");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|_| bad("has no Scarb.toml to read its version from"))?;
    let version = text
        .lines()
        .map(str::trim)
        .find_map(|line| line.strip_prefix("version"))
        .and_then(|rest| rest.trim_start().strip_prefix('='))
        .map(|value| value.trim().trim_matches('"').to_owned())
        .ok_or_else(|| bad("has no version in its Scarb.toml"))?;
    if version != COMPILER_VERSION {
        return Err(bad(&format!("is version {version}")));
    }
    Ok(Corelib { src })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_corelib(version: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("src")).expect("src");
        std::fs::write(dir.path().join("src/lib.cairo"), "").expect("lib.cairo");
        std::fs::write(
            dir.path().join("Scarb.toml"),
            format!("[package]\nname = \"core\"\nversion = \"{version}\"\n"),
        )
        .expect("Scarb.toml");
        dir
    }

    #[test]
    fn accepts_the_folder_or_its_src() {
        let dir = fake_corelib(COMPILER_VERSION);
        let found = locate_corelib(Some(dir.path())).expect("matching corelib");
        assert_eq!(found.src, dir.path().join("src"));
        let found = locate_corelib(Some(&dir.path().join("src"))).expect("src works too");
        assert_eq!(found.src, dir.path().join("src"));
    }

    #[test]
    fn rejects_another_version_naming_both() {
        let dir = fake_corelib("2.11.4");
        let message = locate_corelib(Some(dir.path()))
            .expect_err("mismatch")
            .to_string();
        assert!(message.contains("is version 2.11.4"), "{message}");
        assert!(message.contains(COMPILER_VERSION), "{message}");
    }

    #[test]
    fn rejects_a_folder_that_is_no_corelib() {
        let dir = tempfile::tempdir().expect("temp dir");
        let message = locate_corelib(Some(dir.path()))
            .expect_err("empty")
            .to_string();
        assert!(message.contains("has no src/lib.cairo"), "{message}");
    }
}
