//! `cairn`: run Cairo programs on Cairn's backends.

#[cfg(feature = "native")]
mod bench_cmd;
mod cache;
mod compile;
mod compile_packages;
mod execute;
mod large_stack;
mod output_file;
mod package;
mod prover_flags;
mod run;
mod run_cairo0;
#[cfg(feature = "native")]
mod run_native;
mod run_prover;
mod run_sierra;
mod starknet_cmd;
mod test_backends;
mod test_cmd;
mod test_packages;

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
    /// Build and run an `#[executable]` function as `cairo-execute` does: trace, memory, AIR
    /// inputs (standalone) or a Cairo PIE (bootloader).
    Execute(Box<execute::ExecuteArgs>),
    /// Run the `#[test]` functions of a Cairo crate.
    Test(test_cmd::TestArgs),
    /// Declare a Starknet contract class in a state file (its class hash computed as Starknet does).
    Declare(starknet_cmd::DeclareArgs),
    /// Deploy a contract (running its constructor) in a state file.
    Deploy(Box<starknet_cmd::DeployArgs>),
    /// Call a contract's entry point as a transaction against a state file.
    Call(Box<starknet_cmd::CallArgs>),
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

/// Shows the compiler's warnings (allowed with `--allow-warnings`) on standard error.
pub fn print_warnings(warnings: &str) {
    if !warnings.is_empty() {
        eprintln!("{warnings}");
    }
}

/// Writing into a closed pipe ends the process the usual way, by SIGPIPE (`cairn run … | head`
/// exits quietly); Rust starts programs with SIGPIPE ignored, which turns it into a write error.
fn die_on_closed_pipe() {
    // SAFETY: resetting a signal to its default disposition, before any thread starts.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
}

/// A failed write to standard output surfaces as a panic of `print!` (in Cairn or in a library
/// printing for a Cairo program). Ends the process as a failed write should: quietly by
/// SIGPIPE for a closed pipe (an embedded Python interpreter ignores SIGPIPE again), else with
/// one line naming the cause (`> /dev/full`). Returns for any other panic.
fn exit_on_output_error(info: &std::panic::PanicHookInfo<'_>) {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied());
    let Some(cause) = message.and_then(|message| message.strip_prefix("failed printing to std"))
    else {
        return;
    };
    if cause.contains("Broken pipe") {
        die_on_closed_pipe();
        // SAFETY: raising a signal whose default action ends the process.
        unsafe { libc::raise(libc::SIGPIPE) };
    }
    let cause = cause.split_once(": ").map_or(cause, |(_, cause)| cause);
    eprintln!("error: cannot write the output: {cause}");
    std::process::exit(1);
}

/// The command's Rust allocations come from mimalloc rather than the C library's malloc. A
/// Starknet state keeps every event while its calls allocate and free short-lived values
/// around them: glibc's heap then grew by 1.7 KiB per ERC20 transfer that it never reused,
/// fresh zeroed pages each time (a native transfer took 6.4 µs on glibc, 5.7 µs on mimalloc).
/// cairo-vm's segments, which grow by doubling, are kept for reuse too, as in the Python
/// module. Memory native code allocates and frees (array buffers, boxes) stays with the C
/// library's malloc, on both sides.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    die_on_closed_pipe();
    let cli = Cli::parse();
    // A panic here is a bug in Cairn, not in the user's input; report it in one line rather
    // than with a backtrace, and still exit non-zero.
    std::panic::set_hook(Box::new(|info| {
        exit_on_output_error(info);
        // A library's panic that vm-core turns into an error says nothing here.
        if cairn_vm_core::panic_is_contained() {
            return;
        }
        eprintln!("error: internal error in cairn (please report it): {info}");
    }));
    let outcome = std::panic::catch_unwind(|| match cli.command {
        Command::Run(args) => run::run(*args),
        Command::Compile(args) => compile::compile(args),
        Command::Execute(args) => execute::execute(*args),
        Command::Test(args) => test_cmd::test(args),
        Command::Declare(args) => starknet_cmd::declare(args),
        Command::Deploy(args) => starknet_cmd::deploy(*args),
        Command::Call(args) => starknet_cmd::call(*args),
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
