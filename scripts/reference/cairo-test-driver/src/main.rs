//! `cairo-test` of the Cairo compiler 2.20.0, as its own `crates/bin/cairo-test` builds it: the
//! reference that `scripts/run-external-suite.sh` checks `cairn test` against. The corelib is
//! found as the compiler finds it (a `corelib/` beside the current folder or above it).

use std::path::PathBuf;

use cairo_lang_compiler::project::check_compiler_path;
use cairo_lang_test_runner::{TestRunConfig, TestRunner};
use clap::Parser;

/// Compiles a Cairo project and runs its `#[test]` functions.
#[derive(Parser, Debug)]
struct Args {
    /// The Cairo project (a folder with `cairo_project.toml`) or file.
    path: PathBuf,
    /// The path is a single file.
    #[arg(short, long)]
    single_file: bool,
    /// Compile despite warnings.
    #[arg(long)]
    allow_warnings: bool,
    /// Run only the tests whose name contains this.
    #[arg(short, long, default_value_t = String::default())]
    filter: String,
    /// Run ignored tests too.
    #[arg(long)]
    include_ignored: bool,
    /// Add the Starknet plugin.
    #[arg(long)]
    starknet: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    check_compiler_path(args.single_file, &args.path)?;
    let config = TestRunConfig {
        filter: args.filter,
        ignored: false,
        include_ignored: args.include_ignored,
        profiler_config: None,
        gas_enabled: true,
        print_resource_usage: false,
    };
    TestRunner::new(&args.path, args.starknet, args.allow_warnings, config)?.run()?;
    Ok(())
}
