//! The native backend against the VM backend on the same Sierra programs and inputs: felt252
//! Fibonacci (a million iterations), felt252 factorial and an integer-maths loop.
//!
//! `cargo bench --features native --bench native_vs_vm` runs criterion (run time only: the
//! native compile is done once, outside the measurement; compile time is reported apart), then
//! prints a table of medians and speed-ups measured by alternating the backends. Under
//! `cargo test` every program runs once, small, as a smoke test.

// criterion_group! defines an undocumented public function.
#![allow(missing_docs)]

use std::time::{Duration, Instant};

use cairn::native::{JitProgram, NativeOutcome, OptLevel};
use cairn::vm::sierra::{SierraOutcome, SierraProgram};
use cairn::vm::values::Value;
use criterion::Criterion;

const PROGRAM: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/cairo1/compiled/bench_loops.sierra.json"
);

/// Gas enough for every loop here.
const GAS: u64 = 1 << 60;

struct Loop {
    entry: &'static str,
    size: u64,
}

fn loops(full: bool) -> Vec<Loop> {
    let scale = |size: u64| if full { size } else { size / 1000 };
    vec![
        Loop {
            entry: "fib",
            size: scale(1_000_000),
        },
        Loop {
            entry: "factorial",
            size: scale(300_000),
        },
        Loop {
            entry: "int_loop",
            size: scale(300_000),
        },
    ]
}

struct Backends {
    vm: SierraProgram,
    native: JitProgram,
    compile_time: Duration,
}

fn load() -> Backends {
    let sierra =
        cairn_frontend::load_sierra_json_file(PROGRAM.as_ref()).expect("bench_loops loads");
    let vm = SierraProgram::new(sierra.clone()).expect("VM program");
    let start = Instant::now();
    let native = JitProgram::compile(sierra, OptLevel::O3).expect("native compile");
    Backends {
        vm,
        native,
        compile_time: start.elapsed(),
    }
}

fn args(size: u64) -> Vec<Value> {
    vec![Value::U64(size)]
}

fn run_vm(backends: &Backends, entry: &str, size: u64) -> Vec<Value> {
    let func = backends.vm.function(entry).expect("entry");
    let result = backends
        .vm
        .prepare(func, &args(size), Some(GAS))
        .and_then(|mut runner| runner.run_until_end())
        .expect("VM run");
    match result.outcome {
        SierraOutcome::Success(values) => values,
        SierraOutcome::Panic(data) => panic!("{entry} panicked on the VM: {data:?}"),
    }
}

fn run_native(backends: &Backends, entry: &str, size: u64) -> Vec<Value> {
    match backends
        .native
        .run(entry, &args(size), Some(GAS))
        .expect("native run")
        .outcome
    {
        NativeOutcome::Success(values) => values,
        NativeOutcome::Panic(data) => panic!("{entry} panicked natively: {data:?}"),
    }
}

fn bench(criterion: &mut Criterion, backends: &Backends, full: bool) {
    for program in loops(full) {
        assert_eq!(
            run_vm(backends, program.entry, program.size),
            run_native(backends, program.entry, program.size),
            "{}: both backends agree",
            program.entry
        );
        let mut group = criterion.benchmark_group(format!("{}({})", program.entry, program.size));
        group.sample_size(10);
        group.bench_function("vm", |b| {
            b.iter(|| run_vm(backends, program.entry, program.size))
        });
        group.bench_function("native jit", |b| {
            b.iter(|| run_native(backends, program.entry, program.size))
        });
        group.finish();
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Alternates the backends on each program and prints medians and speed-ups.
fn report(backends: &Backends) {
    println!(
        "\nNative vs VM (median of alternating runs; native compile of the program: {:.0?})",
        backends.compile_time
    );
    println!("| program | size | VM | native JIT | speed-up |");
    println!("|---|---:|---:|---:|---:|");
    for program in loops(true) {
        let (mut vm, mut native) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            let start = Instant::now();
            run_vm(backends, program.entry, program.size);
            vm.push(start.elapsed());
            let start = Instant::now();
            run_native(backends, program.entry, program.size);
            native.push(start.elapsed());
        }
        let (vm, native) = (median(vm), median(native));
        println!(
            "| {} | {} | {:.1?} | {:.2?} | {:.0}x |",
            program.entry,
            program.size,
            vm,
            native,
            vm.as_secs_f64() / native.as_secs_f64()
        );
    }
}

fn main() {
    // Loops are recursive Sierra functions: a million iterations nest deeply on both backends.
    let worker = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(|| {
            let full = std::env::args().any(|arg| arg == "--bench");
            let backends = load();
            let mut criterion = Criterion::default().configure_from_args();
            bench(&mut criterion, &backends, full);
            criterion.final_summary();
            if full {
                report(&backends);
            }
        })
        .expect("bench thread");
    worker.join().expect("bench finished");
}
