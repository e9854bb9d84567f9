//! `cairn`: run Cairo programs on Cairn's backends.

#[cfg(feature = "native")]
mod bench_cmd;
mod compile;
mod run;
mod run_cairo0;
#[cfg(feature = "native")]
mod run_native;
mod run_sierra;
mod test_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Run Cairo programs on an interpreted VM, natively, and from Python.
#[derive(Parser)]
#[command(name = "cairn", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a compiled Cairo 0 program, a Sierra program, or Cairo 1 source.
    Run(Box<run::RunArgs>),
    /// Compile Cairo 1 source to Sierra JSON, or Sierra to a native shared library.
    Compile(compile::CompileArgs),
    /// Run the `#[test]` functions of a Cairo crate.
    Test(test_cmd::TestArgs),
    /// Time the bench programs on every backend (native JIT and AOT, VM, hand-written Rust).
    #[cfg(feature = "native")]
    Bench(bench_cmd::BenchArgs),
}

/// An error whose story has already been told on stdout (a panicking Cairo 1 run): exit 1
/// without another message.
#[derive(Debug)]
pub struct ExitQuietly;

impl std::fmt::Display for ExitQuietly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the run panicked")
    }
}

impl std::error::Error for ExitQuietly {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A panic here is a bug in Cairn, not in the user's input; report it in one line rather
    // than with a backtrace, and still exit non-zero.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error in cairn (please report it): {info}");
    }));
    let outcome = std::panic::catch_unwind(|| match cli.command {
        Command::Run(args) => run::run(*args),
        Command::Compile(args) => compile::compile(args),
        Command::Test(args) => test_cmd::test(args),
        #[cfg(feature = "native")]
        Command::Bench(args) => bench_cmd::bench(args),
    });
    match outcome {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(error)) if error.is::<ExitQuietly>() => ExitCode::FAILURE,
        Ok(Err(error)) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
        Err(_) => ExitCode::FAILURE,
    }
}
