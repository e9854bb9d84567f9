//! A workspace: the root manifest, its members (globs expanded), and every package they reach
//! through path dependencies, in dependency order.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::manifest::{CairoSection, Manifest};
use crate::package::{DependencySource, Package, WorkspaceContext};
use crate::ScarbError;

/// A workspace (or a lone package, which is a workspace of one).
#[derive(Clone, Debug)]
pub struct Workspace {
    /// The folder of the root manifest.
    pub root: PathBuf,
    /// The members' names, each after the members it depends on.
    pub members: Vec<String>,
    /// Every package the members reach through path dependencies (members included), by name.
    pub packages: BTreeMap<String, Package>,
    /// The member whose folder was given, when it was a member's rather than the root's.
    pub current: Option<String>,
    /// The root manifest's `[cairo]`, which members without their own inherit.
    pub root_cairo: CairoSection,
}

fn read_manifest(path: &Path) -> Result<Manifest, ScarbError> {
    let text = std::fs::read_to_string(path).map_err(|cause| ScarbError::Io {
        path: path.to_owned(),
        cause,
    })?;
    toml::from_str(&text).map_err(|error| ScarbError::Parse {
        path: path.to_owned(),
        message: error.to_string().trim_end().to_owned(),
    })
}

fn canonical(path: &Path) -> Result<PathBuf, ScarbError> {
    path.canonicalize().map_err(|cause| ScarbError::Io {
        path: path.to_owned(),
        cause,
    })
}

/// The manifest in `folder`, or `folder` itself when it names a `Scarb.toml`.
fn manifest_path(path: &Path) -> Result<PathBuf, ScarbError> {
    let manifest = if path.is_dir() {
        path.join("Scarb.toml")
    } else {
        path.to_owned()
    };
    if manifest.is_file() {
        canonical(&manifest)
    } else {
        Err(ScarbError::NoManifest {
            path: path.to_owned(),
        })
    }
}

/// Whether `path` is a Scarb package or workspace (a folder with a `Scarb.toml`, or the file).
pub(crate) fn is_scarb_project(path: &Path) -> bool {
    if path.is_dir() {
        path.join("Scarb.toml").is_file()
    } else {
        path.file_name().is_some_and(|name| name == "Scarb.toml")
    }
}

/// A workspace root's member folders, globs expanded, in the order written.
fn member_folders(root: &Path, manifest: &Manifest) -> Result<Vec<PathBuf>, ScarbError> {
    let Some(workspace) = &manifest.workspace else {
        return Ok(Vec::new());
    };
    let mut folders = Vec::new();
    for pattern in &workspace.members {
        let full = root.join(pattern);
        let text = full.to_string_lossy();
        let invalid = |message: String| ScarbError::Invalid {
            path: root.join("Scarb.toml"),
            message,
        };
        let matches = glob::glob(&text)
            .map_err(|error| invalid(format!("member {pattern:?} is not a valid glob: {error}")))?;
        let mut found = false;
        for entry in matches {
            let folder = entry.map_err(|error| invalid(format!("member {pattern:?}: {error}")))?;
            if folder.join("Scarb.toml").is_file() {
                folders.push(canonical(&folder)?);
                found = true;
            }
        }
        if !found {
            return Err(invalid(format!(
                "member {pattern:?} matches no folder with a Scarb.toml"
            )));
        }
    }
    Ok(folders)
}

/// The nearest folder above `folder` whose manifest is a workspace listing `folder`.
fn enclosing_workspace(folder: &Path) -> Result<Option<(PathBuf, Manifest)>, ScarbError> {
    for ancestor in folder.ancestors().skip(1) {
        let candidate = ancestor.join("Scarb.toml");
        if !candidate.is_file() {
            continue;
        }
        let manifest = read_manifest(&candidate)?;
        if manifest.workspace.is_some() {
            let members = member_folders(ancestor, &manifest)?;
            if members.iter().any(|member| member == folder) {
                return Ok(Some((ancestor.to_owned(), manifest)));
            }
        }
    }
    Ok(None)
}

impl Workspace {
    /// Reads the package or workspace at `path` (a folder with a `Scarb.toml`, or the file):
    /// a member's folder reads its whole workspace with that member current. Every package
    /// must accept `compiler` in its `cairo-version`.
    pub fn load(path: &Path, compiler: &semver::Version) -> Result<Self, ScarbError> {
        let manifest_path = manifest_path(path)?;
        let folder = manifest_path
            .parent()
            .map(Path::to_owned)
            .unwrap_or_default();
        let manifest = read_manifest(&manifest_path)?;
        let (root, root_manifest, current) = if manifest.workspace.is_some() {
            (folder, manifest, None)
        } else {
            let name = manifest
                .package
                .as_ref()
                .map(|package| package.name.clone())
                .ok_or_else(|| ScarbError::Invalid {
                    path: manifest_path.clone(),
                    message: "it has neither [package] nor [workspace]".to_owned(),
                })?;
            match enclosing_workspace(&folder)? {
                Some((root, root_manifest)) => (root, root_manifest, Some(name)),
                None => (folder, manifest, None),
            }
        };

        let mut member_roots = Vec::new();
        if root_manifest.package.is_some() {
            member_roots.push(root.clone());
        }
        member_roots.extend(member_folders(&root, &root_manifest)?);

        let mut loader = Loader {
            workspace_root: &root,
            workspace: &root_manifest,
            packages: BTreeMap::new(),
            folders: BTreeMap::new(),
        };
        let mut member_names = Vec::new();
        for member in &member_roots {
            member_names.push(loader.load(member)?);
        }
        let packages = loader.packages;
        for package in packages.values() {
            package.check_cairo_version(compiler)?;
        }
        let members = dependency_order(&member_names, &packages)?;
        Ok(Self {
            root,
            members,
            packages,
            current,
            root_cairo: root_manifest.cairo.clone(),
        })
    }

    /// Whether `path` is a Scarb package or workspace.
    pub fn is_project(path: &Path) -> bool {
        is_scarb_project(path)
    }

    /// The members to build: `name`'s, else the current member, else all in dependency order.
    pub fn selected(&self, name: Option<&str>) -> Result<Vec<&Package>, ScarbError> {
        let names: Vec<&str> = match name.or(self.current.as_deref()) {
            Some(name) => {
                if !self.members.iter().any(|member| member == name) {
                    return Err(ScarbError::UnknownPackage {
                        name: name.to_owned(),
                        root: self.root.clone(),
                        members: self.members.join(", "),
                    });
                }
                vec![name]
            }
            None => self.members.iter().map(String::as_str).collect(),
        };
        Ok(names
            .into_iter()
            .filter_map(|name| self.packages.get(name))
            .collect())
    }

    /// A package by name.
    pub fn package(&self, name: &str) -> Option<&Package> {
        self.packages.get(name)
    }
}

/// Reads packages once each, following path dependencies.
struct Loader<'a> {
    workspace_root: &'a Path,
    workspace: &'a Manifest,
    /// By name.
    packages: BTreeMap<String, Package>,
    /// Folder → name, so a package reached twice is read once.
    folders: BTreeMap<PathBuf, String>,
}

impl Loader<'_> {
    /// Reads the package in `folder` and those it reaches; its name.
    fn load(&mut self, folder: &Path) -> Result<String, ScarbError> {
        let folder = canonical(folder)?;
        if let Some(name) = self.folders.get(&folder) {
            return Ok(name.clone());
        }
        let manifest_path = folder.join("Scarb.toml");
        if !manifest_path.is_file() {
            return Err(ScarbError::NoManifest { path: folder });
        }
        let manifest = read_manifest(&manifest_path)?;
        // A package inside this workspace's folder inherits from it; one outside, from its
        // own workspace if it has one.
        let outer;
        let context = if folder.starts_with(self.workspace_root) {
            self.workspace
                .workspace
                .as_ref()
                .map(|section| WorkspaceContext {
                    root: self.workspace_root,
                    section,
                })
        } else {
            outer = enclosing_workspace(&folder)?;
            outer.as_ref().and_then(|(root, manifest)| {
                manifest.workspace.as_ref().map(|section| WorkspaceContext {
                    root: root.as_path(),
                    section,
                })
            })
        };
        let package = Package::from_manifest(&manifest_path, &manifest, context)?;
        if let Some(other) = self.packages.get(&package.name) {
            return Err(ScarbError::Invalid {
                path: manifest_path,
                message: format!(
                    "package {} is also at {}: two packages of one name",
                    package.name,
                    other.root.display()
                ),
            });
        }
        let name = package.name.clone();
        self.folders.insert(folder, name.clone());
        let paths: Vec<PathBuf> = package
            .dependencies
            .iter()
            .chain(&package.dev_dependencies)
            .filter_map(|dependency| match &dependency.source {
                DependencySource::Path(path) => Some(path.clone()),
                _ => None,
            })
            .collect();
        self.packages.insert(name.clone(), package);
        for path in paths {
            if !path.join("Scarb.toml").is_file() {
                return Err(ScarbError::Invalid {
                    path: manifest_path.clone(),
                    message: format!("path dependency {} has no Scarb.toml", path.display()),
                });
            }
            self.load(&path)?;
        }
        Ok(name)
    }
}

/// `members` ordered so that each comes after the members it depends on (by `[dependencies]`).
fn dependency_order(
    members: &[String],
    packages: &BTreeMap<String, Package>,
) -> Result<Vec<String>, ScarbError> {
    let member_set: BTreeSet<&str> = members.iter().map(String::as_str).collect();
    let mut ordered = Vec::new();
    let mut done = BTreeSet::new();
    fn visit<'a>(
        name: &'a str,
        packages: &'a BTreeMap<String, Package>,
        members: &BTreeSet<&str>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        ordered: &mut Vec<String>,
    ) -> Result<(), ScarbError> {
        if done.contains(name) {
            return Ok(());
        }
        if path.contains(&name) {
            let mut cycle: Vec<&str> = path.clone();
            cycle.push(name);
            return Err(ScarbError::DependencyCycle(cycle.join(" -> ")));
        }
        path.push(name);
        if let Some(package) = packages.get(name) {
            for dependency in &package.dependencies {
                if matches!(dependency.source, DependencySource::Path(_)) {
                    visit(&dependency.name, packages, members, path, done, ordered)?;
                }
            }
        }
        path.pop();
        done.insert(name);
        if members.contains(name) {
            ordered.push(name.to_owned());
        }
        Ok(())
    }
    for member in members {
        visit(
            member,
            packages,
            &member_set,
            &mut Vec::new(),
            &mut done,
            &mut ordered,
        )?;
    }
    Ok(ordered)
}
