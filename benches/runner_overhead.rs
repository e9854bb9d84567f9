//! What Cairn's runner costs on top of calling cairo-vm directly, on a million-step program.
//!
//! `cargo bench --bench runner_overhead` runs criterion, then measures the ratio the issue's
//! target is about (runner / direct, target under 1.03) by alternating the two many times, so
//! that both see the same machine load.

// criterion_group! defines an undocumented public function.
#![allow(missing_docs)]

use std::time::{Duration, Instant};

use cairn::vm::{CairoProgram, Layout, RunConfig, Runner};
use cairo_vm::cairo_run::{cairo_run_program, CairoRunConfig};
use cairo_vm::hint_processor::builtin_hint_processor::builtin_hint_processor_definition::BuiltinHintProcessor;
use cairo_vm::types::layout_name::LayoutName;
use criterion::{criterion_group, BatchSize, Criterion};

const PROGRAM: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/cairo0/compiled/long_loop.json"
);

fn load() -> CairoProgram {
    CairoProgram::from_file(PROGRAM.as_ref(), "main").expect("long_loop.json loads")
}

fn run_direct(program: &CairoProgram) -> usize {
    let config = CairoRunConfig {
        layout: LayoutName::small,
        ..CairoRunConfig::default()
    };
    let mut hints = BuiltinHintProcessor::new_empty();
    let runner = cairo_run_program(program.as_cairo_vm(), &config, &mut hints).expect("direct run");
    runner.vm.get_current_step()
}

fn run_cairn(program: &CairoProgram, pause_every: Option<usize>) -> usize {
    let config = RunConfig {
        layout: Layout::named("small").expect("layout"),
        ..RunConfig::default()
    };
    let mut runner = Runner::new(program, config).expect("runner");
    match pause_every {
        None => runner.run_until_end().expect("run"),
        Some(steps) => while !runner.run_steps(steps).expect("run") {},
    }
    runner.step_count()
}

fn bench(c: &mut Criterion) {
    let program = load();
    let steps = run_direct(&program);
    assert_eq!(
        run_cairn(&program, None),
        steps,
        "both runs execute the same steps"
    );
    let mut group = c.benchmark_group(format!("long_loop ({steps} steps)"));
    group.sample_size(10);
    group.bench_function("cairo-vm direct", |b| {
        b.iter_batched(|| (), |()| run_direct(&program), BatchSize::PerIteration)
    });
    group.bench_function("cairn Runner", |b| {
        b.iter_batched(
            || (),
            |()| run_cairn(&program, None),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("cairn Runner, paused every 10k steps", |b| {
        b.iter_batched(
            || (),
            |()| run_cairn(&program, Some(10_000)),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Alternates direct and runner runs and reports the median of each and their ratio.
fn report_overhead() {
    let program = load();
    let rounds = 15;
    let (mut direct, mut cairn) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let start = Instant::now();
        run_direct(&program);
        direct.push(start.elapsed());
        let start = Instant::now();
        run_cairn(&program, None);
        cairn.push(start.elapsed());
    }
    let (direct, cairn) = (median(direct), median(cairn));
    let overhead = (cairn.as_secs_f64() / direct.as_secs_f64() - 1.0) * 100.0;
    println!("\nRunner overhead over cairo-vm (median of {rounds} alternating runs):");
    println!("  cairo-vm direct  {direct:>10.2?}");
    println!("  cairn Runner     {cairn:>10.2?}");
    println!("  overhead         {overhead:>+9.2}%  (target: under 3%)");
}

criterion_group!(benches, bench);

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
    // `cargo test` runs benches once as a smoke test; the ratio is only worth measuring for real.
    if std::env::args().any(|arg| arg == "--bench") {
        report_overhead();
    }
}
