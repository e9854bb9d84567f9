//! `cairn`: run Cairo programs on Cairn's backends.

mod run;

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
    /// Run a compiled Cairo 0 program (the JSON written by cairo-compile).
    Run(run::RunArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A panic here is a bug in Cairn, not in the user's input; report it in one line rather
    // than with a backtrace, and still exit non-zero.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error in cairn (please report it): {info}");
    }));
    let outcome = std::panic::catch_unwind(|| match cli.command {
        Command::Run(args) => run::run(args),
    });
    match outcome {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(error)) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
        Err(_) => ExitCode::FAILURE,
    }
}
