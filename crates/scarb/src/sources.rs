//! What the source files of a package hold, as far as putting crates together needs: the
//! files of `tests/`, and which files name a crate.

use std::path::{Path, PathBuf};

use crate::ScarbError;

/// The `.cairo` files directly in `folder` but its `lib.cairo`, by name: the modules Scarb
/// declares in the root it makes for a `tests/` folder without one.
pub(crate) fn module_files(folder: &Path) -> Result<Vec<PathBuf>, ScarbError> {
    let io = |cause| ScarbError::Io {
        path: folder.to_owned(),
        cause,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let is_module = path.is_file()
            && path
                .extension()
                .is_some_and(|extension| extension == "cairo")
            && path.file_stem().is_some_and(|stem| stem != "lib");
        if is_module {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Every `.cairo` file under `folder`, by path.
pub(crate) fn cairo_files(folder: &Path) -> Result<Vec<PathBuf>, ScarbError> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_owned()];
    while let Some(current) = folders.pop() {
        let io = |cause| ScarbError::Io {
            path: current.clone(),
            cause,
        };
        for entry in std::fs::read_dir(&current).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path
                .extension()
                .is_some_and(|extension| extension == "cairo")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Feeds every `.cairo` file under `folder` (its path, length and content, in path order) to
/// `hasher`.
pub(crate) fn hash_cairo_files(folder: &Path, hasher: &mut sha2::Sha256) -> Result<(), ScarbError> {
    use sha2::Digest;
    for file in cairo_files(folder)? {
        let content = std::fs::read(&file).map_err(|cause| ScarbError::Io {
            path: file.clone(),
            cause,
        })?;
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update((content.len() as u64).to_le_bytes());
        hasher.update(&content);
    }
    Ok(())
}

/// A hex digest of the Cairo sources under `folder` (each file's path and content): equal
/// digests, equal sources.
pub fn cairo_sources_digest(folder: &Path) -> Result<String, ScarbError> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hash_cairo_files(folder, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

/// Bytes as lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Whether any `.cairo` file under `folder` holds `text` (a missing folder holds nothing).
pub(crate) fn any_file_contains(folder: &Path, text: &str) -> Result<bool, ScarbError> {
    if !folder.is_dir() {
        return Ok(false);
    }
    for file in cairo_files(folder)? {
        let content = std::fs::read_to_string(&file).map_err(|cause| ScarbError::Io {
            path: file.clone(),
            cause,
        })?;
        if content.contains(text) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether the Cairo source `text` names the crate `name` outside comments (`name::…`,
/// `use name`, `name!`…): a whole identifier, not part of a longer one.
pub(crate) fn names_crate(text: &str, name: &str) -> bool {
    let is_identifier = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.lines().any(|line| {
        let code = line.split("//").next().unwrap_or_default();
        code.match_indices(name).any(|(start, _)| {
            let before = code[..start].chars().next_back();
            let after = code[start + name.len()..].chars().next();
            !before.is_some_and(is_identifier) && !after.is_some_and(is_identifier)
        })
    })
}

/// Whether `file`, under the crate root `root`, holds only tests by its name: a file or
/// folder on its path named `test`, `tests`, or ending or starting with `test_`/`_test`.
pub(crate) fn is_test_file(root: &Path, file: &Path) -> bool {
    let Ok(relative) = file.strip_prefix(root) else {
        return false;
    };
    relative.iter().any(|part| {
        let part = part.to_string_lossy();
        let stem = part.strip_suffix(".cairo").unwrap_or(&part);
        stem == "test"
            || stem == "tests"
            || stem.starts_with("test_")
            || stem.ends_with("_test")
            || stem.ends_with("_tests")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_is_named_only_as_a_whole_identifier_outside_comments() {
        assert!(names_crate("use snforge_std::declare;", "snforge_std"));
        assert!(names_crate(
            "    let x = snforge_std::foo();",
            "snforge_std"
        ));
        assert!(!names_crate("use my_snforge_std_helpers;", "snforge_std"));
        assert!(!names_crate("// use snforge_std::declare;", "snforge_std"));
        assert!(!names_crate("let snforge_std_x = 1;", "snforge_std"));
    }

    #[test]
    fn test_files_are_known_by_their_path() {
        let root = Path::new("/p/src");
        assert!(is_test_file(root, Path::new("/p/src/tests.cairo")));
        assert!(is_test_file(root, Path::new("/p/src/tests/list.cairo")));
        assert!(is_test_file(root, Path::new("/p/src/math_test.cairo")));
        assert!(!is_test_file(root, Path::new("/p/src/math.cairo")));
        assert!(!is_test_file(root, Path::new("/p/src/contest.cairo")));
    }
}
