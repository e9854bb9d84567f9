//! Times the public `cairo-native` crate on one Sierra program, for Cairn's peer report.
//!
//! ```text
//! cairn-peer-cairo-native PROGRAM.sierra.json ENTRY N [--runs R] [--gas G]
//! ```
//! compiles `PROGRAM` (whose function `…::ENTRY` takes one `u64` and returns a `felt252`) once for
//! the JIT and once as a shared library (AOT), runs the entry `R` times on each with the argument
//! `N`, and prints one JSON object: compile times, the median run times and the result (as a
//! decimal felt, or `panic`), so the caller can check it against Cairn's before comparing times.
//!
//! `cairn-peer-cairo-native contract …` times a contract workload instead (see `contract.rs`).

mod contract;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use cairo_lang_sierra::program::{Program, VersionedProgram};
use cairo_native::context::NativeContext;
use cairo_native::executor::{AotNativeExecutor, JitNativeExecutor};
use cairo_native::{OptLevel, Value};

struct Options {
    program: String,
    entry: String,
    argument: u64,
    runs: usize,
    gas: u64,
}

fn parse_options() -> Result<Options, String> {
    let mut positional = Vec::new();
    let mut runs = 5;
    let mut gas = 1u64 << 60;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or(format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--runs" => runs = value("--runs")? as usize,
            "--gas" => gas = value("--gas")?,
            _ => positional.push(arg),
        }
    }
    let [program, entry, argument] = <[String; 3]>::try_from(positional).map_err(|_| {
        "usage: cairn-peer-cairo-native PROGRAM.sierra.json ENTRY N [--runs R] [--gas G]"
            .to_string()
    })?;
    let argument = argument
        .parse()
        .map_err(|_| format!("N must be a u64, got {argument}"))?;
    Ok(Options {
        program,
        entry,
        argument,
        runs: runs.max(1),
        gas,
    })
}

fn load(path: &str) -> Result<Program, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let versioned: VersionedProgram =
        serde_json::from_str(&text).map_err(|e| format!("{path}: not Sierra JSON: {e}"))?;
    Ok(versioned
        .into_v1()
        .map_err(|e| format!("{path}: {e}"))?
        .program)
}

/// The single felt252 the entry returns, unwrapped from the panic result.
fn describe(value: &Value) -> String {
    match value {
        Value::Enum { tag: 0, value, .. } => match value.as_ref() {
            Value::Struct { fields, .. } if fields.len() == 1 => describe(&fields[0]),
            other => format!("{other:?}"),
        },
        Value::Enum { .. } => "panic".to_string(),
        Value::Felt252(felt) => felt.to_string(),
        other => format!("{other:?}"),
    }
}

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64()
}

fn run() -> Result<String, String> {
    let options = parse_options()?;
    let program = load(&options.program)?;
    let function = program
        .funcs
        .iter()
        .find(|f| {
            f.id.debug_name
                .as_ref()
                .is_some_and(|name| name.ends_with(&format!("::{}", options.entry)))
        })
        .ok_or(format!("no function named {}", options.entry))?
        .id
        .clone();
    let args = [Value::Uint64(options.argument)];
    let context = NativeContext::new();

    let start = Instant::now();
    let module = context
        .compile(&program, false, Some(Default::default()), None)
        .map_err(|e| format!("compile: {e}"))?;
    let jit = JitNativeExecutor::from_native_module(module, OptLevel::Aggressive)
        .map_err(|e| format!("JIT: {e}"))?;
    let jit_compile = start.elapsed();

    let start = Instant::now();
    let module = context
        .compile(&program, false, Some(Default::default()), None)
        .map_err(|e| format!("compile: {e}"))?;
    let aot = AotNativeExecutor::from_native_module(module, OptLevel::Aggressive)
        .map_err(|e| format!("AOT: {e}"))?;
    let aot_compile = start.elapsed();

    let mut result = String::new();
    let mut jit_times = Vec::new();
    let mut aot_times = Vec::new();
    for _ in 0..options.runs {
        let start = Instant::now();
        let outcome = jit
            .invoke_dynamic(&function, &args, Some(options.gas))
            .map_err(|e| format!("JIT run: {e}"))?;
        jit_times.push(start.elapsed());
        result = describe(&outcome.return_value);

        let start = Instant::now();
        let outcome = aot
            .invoke_dynamic(&function, &args, Some(options.gas))
            .map_err(|e| format!("AOT run: {e}"))?;
        aot_times.push(start.elapsed());
        let aot_result = describe(&outcome.return_value);
        if aot_result != result {
            return Err(format!("JIT gave {result}, AOT gave {aot_result}"));
        }
    }
    Ok(serde_json::json!({
        "result": result,
        "jit_compile_s": jit_compile.as_secs_f64(),
        "aot_compile_s": aot_compile.as_secs_f64(),
        "jit_run_s": median(jit_times),
        "aot_run_s": median(aot_times),
    })
    .to_string())
}

fn main() -> ExitCode {
    // Cairo recursion nests natively (deep_recursion goes 100,000 calls deep): the same 1 GiB
    // stack Cairn's runs get.
    let outcome = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(|| {
            let args: Vec<String> = std::env::args().skip(1).collect();
            if args.first().is_some_and(|arg| arg == "contract") {
                contract::run(&args[1..])
            } else {
                run()
            }
        })
        .map_err(|e| format!("cannot start the run thread: {e}"))
        .and_then(|thread| thread.join().map_err(|_| "the run crashed".to_string()))
        .and_then(|result| result);
    match outcome {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
