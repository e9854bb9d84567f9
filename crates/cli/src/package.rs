//! Scarb packages and workspaces on the command line: the flags that choose packages and
//! features, loading, and reporting what was left out.

use std::path::Path;

use anyhow::Result;
use cairn_frontend::scarb::{LeftOut, Package, UnitKind, UnitOptions, Units, Workspace};
use clap::Args;

/// Flags for a Scarb package or workspace.
#[derive(Args, Clone, Debug, Default)]
pub struct PackageArgs {
    /// In a workspace, only this member (default: the member whose folder was given, else
    /// every member).
    #[arg(short, long, value_name = "NAME")]
    pub package: Option<String>,

    /// Features to turn on, comma separated (`[features]` of the selected packages).
    #[arg(short = 'F', long, value_delimiter = ',', value_name = "NAMES")]
    pub features: Vec<String>,

    /// Turn on every feature of the selected packages.
    #[arg(long, conflicts_with = "features")]
    pub all_features: bool,

    /// Leave the selected packages' `default` feature off.
    #[arg(long)]
    pub no_default_features: bool,

    /// Leave out (and report) what needs a dependency cairn cannot have — registry or Git
    /// dependencies, `snforge_std`, procedural macros — instead of failing.
    #[arg(long)]
    pub skip_unavailable: bool,
}

impl PackageArgs {
    /// Whether any flag was given (they apply to Scarb projects only).
    pub fn any(&self) -> bool {
        self.package.is_some()
            || !self.features.is_empty()
            || self.all_features
            || self.no_default_features
            || self.skip_unavailable
    }

    /// Fails when a flag was given for something that is not a Scarb project.
    pub fn reject_for(&self, path: &Path) -> Result<()> {
        if self.any() {
            anyhow::bail!(
                "--package, --features, --all-features, --no-default-features and \
                 --skip-unavailable apply to Scarb packages; {} has no Scarb.toml",
                path.display()
            );
        }
        Ok(())
    }

    fn unit_options(&self) -> UnitOptions {
        UnitOptions {
            features: self.features.clone(),
            all_features: self.all_features,
            no_default_features: self.no_default_features,
            skip_unavailable: self.skip_unavailable,
        }
    }
}

/// Whether `path` is a Scarb package or workspace.
pub fn is_scarb(path: &Path) -> bool {
    Workspace::is_project(path)
}

/// A workspace and the units of `kinds` of its selected members.
pub fn units(path: &Path, args: &PackageArgs, kinds: &[UnitKind]) -> Result<(Workspace, Units)> {
    let workspace = cairn_frontend::load_scarb_workspace(path)?;
    let selected: Vec<&Package> = workspace.selected(args.package.as_deref())?;
    let units = workspace.units(&selected, kinds, &args.unit_options())?;
    Ok((workspace, units))
}

/// Reports what was left out, on standard error.
pub fn print_left_out(left_out: &[LeftOut]) {
    for item in left_out {
        eprintln!("left out: {} {}: {}", item.package, item.what, item.reason);
    }
}
