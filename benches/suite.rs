//! The bench suite under criterion: every program of `cairn_bench::PROGRAMS` on the VM backend,
//! the native JIT, a native shared library (compile time excluded, then included) and the
//! hand-written Rust loop, on the same input, after checking that all give the same result.
//!
//! `cargo bench --features native --bench suite` measures at full sizes (`cairn bench` prints
//! the same suite as one table; the everyday patterns run at n, 2n and 4n). Under `cargo test`
//! (no `--bench` argument) every program runs at its quick sizes with the fewest samples
//! criterion allows, as a smoke test.

// criterion_group! defines an undocumented public function.
#![allow(missing_docs)]

use std::time::Duration;

use cairn::native::OptLevel;
use cairn_bench::{Backend, Prepared, PROGRAMS};
use criterion::Criterion;

fn bench(criterion: &mut Criterion, full: bool) {
    for program in PROGRAMS {
        let prepared =
            Prepared::new(program, &Backend::ALL, OptLevel::O3).expect("program prepares");
        // The everyday patterns at n, 2n and 4n: their growth shows in the group names.
        for size in program.sizes_for(!full) {
            let expected = (program.baseline)(size);
            for backend in Backend::ALL {
                let run = prepared.run(backend, size).expect("program runs");
                assert_eq!(run.value, expected, "{}({size}) on {backend}", program.name);
            }
            let mut group = criterion.benchmark_group(format!("{}({size})", program.name));
            group.sample_size(10);
            if !full {
                group.warm_up_time(Duration::from_millis(1));
                group.measurement_time(Duration::from_millis(10));
            }
            for backend in Backend::ALL {
                group.bench_function(backend.name(), |b| {
                    b.iter(|| prepared.run(backend, size).expect("program runs"))
                });
            }
            group.finish();
        }
    }
}

fn main() {
    // Deep recursion (on every backend) and native code need a large stack.
    let worker = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(|| {
            let full = std::env::args().any(|arg| arg == "--bench");
            let mut criterion = Criterion::default().configure_from_args();
            bench(&mut criterion, full);
            criterion.final_summary();
        })
        .expect("bench thread");
    worker.join().expect("bench finished");
}
