//! Checking and timing a bench program on several backends, and the report of it.

use std::time::{Duration, Instant};

use cairn_native_codegen::{NativeError, OptLevel};

use crate::backend::{Backend, Prepared};
use crate::programs::BenchProgram;

/// Why a bench could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The program's Sierra did not load or compile for the VM.
    #[error("{0}: cannot load the program: {1}")]
    Load(&'static str, String),
    /// The native backend failed to compile or run it.
    #[error("{0}: native backend: {1}")]
    Native(&'static str, #[source] NativeError),
    /// The VM failed to run it.
    #[error("{0}: VM backend: {1}")]
    Vm(&'static str, String),
    /// A temporary file for a shared library could not be made.
    #[error("{0}: {1}")]
    Io(&'static str, #[source] std::io::Error),
    /// The program panicked (bench programs never should).
    #[error("{0} panicked on {1}: {2}")]
    Panicked(&'static str, Backend, String),
    /// The program returned something other than one felt252.
    #[error("{0} on {1} returned {2}, not one felt252")]
    UnexpectedResult(&'static str, Backend, String),
    /// Two backends disagree: nothing is timed.
    #[error("{program}: {backend} gives {got}, the Rust baseline gives {expected}")]
    Mismatch {
        /// The bench program.
        program: &'static str,
        /// The backend that disagrees.
        backend: Backend,
        /// The baseline's result.
        expected: String,
        /// The backend's result.
        got: String,
    },
    /// A run on a backend that was not prepared.
    #[error("{0}: backend {1} was not prepared")]
    NotPrepared(&'static str, Backend),
}

/// How to measure.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Small sizes (smoke runs) instead of the real ones.
    pub quick: bool,
    /// Timed runs per backend; the median is reported.
    pub samples: usize,
    /// LLVM optimisation level for the native backends.
    pub opt_level: OptLevel,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            quick: false,
            samples: 5,
            opt_level: OptLevel::O3,
        }
    }
}

/// What the suite is doing, for progress displays.
#[derive(Clone, Copy, Debug)]
pub enum Progress {
    /// Compiling the program for the native backends.
    Compiling,
    /// Running each backend once and comparing results.
    Checking,
    /// Timed run `sample` (from 1) on `backend`.
    Timing {
        /// The backend being timed.
        backend: Backend,
        /// Which sample.
        sample: usize,
    },
}

/// The time of one backend on one program.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Timing {
    /// The backend.
    pub backend: Backend,
    /// Median of the samples, in seconds.
    pub median_s: f64,
    /// Fastest sample, in seconds.
    pub min_s: f64,
    /// Number of samples.
    pub samples: usize,
}

/// One program measured on several backends.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ProgramReport {
    /// The program's name.
    pub program: &'static str,
    /// What it exercises.
    pub description: &'static str,
    /// The argument `n` it ran with.
    pub size: u64,
    /// Cairo VM steps of one run, when the VM was measured.
    pub vm_steps: Option<usize>,
    /// The result every backend gave (a decimal felt).
    pub result: String,
    /// JIT compile time in seconds, when measured.
    pub jit_compile_s: Option<f64>,
    /// Shared-library compile + link + load time in seconds, when measured.
    pub aot_compile_s: Option<f64>,
    /// One entry per backend, in the order asked for.
    pub timings: Vec<Timing>,
}

impl ProgramReport {
    /// The median time of `backend`, if it was measured.
    pub fn median(&self, backend: Backend) -> Option<f64> {
        self.timings
            .iter()
            .find(|timing| timing.backend == backend)
            .map(|timing| timing.median_s)
    }

    /// How many times faster `fast` is than `slow` (both medians), if both were measured.
    pub fn ratio(&self, slow: Backend, fast: Backend) -> Option<f64> {
        Some(self.median(slow)? / self.median(fast)?)
    }
}

/// Checks that every backend in `backends` gives the Rust baseline's result on `program` with
/// argument `size`, then times `options.samples` runs of each, alternating backends so that
/// machine load affects all (each timed native run right after an untimed one of its own).
pub fn measure_program(
    program: &'static BenchProgram,
    size: u64,
    backends: &[Backend],
    options: Options,
    progress: &mut dyn FnMut(Progress),
) -> Result<ProgramReport, BenchError> {
    progress(Progress::Compiling);
    let prepared = Prepared::new(program, backends, options.opt_level)?;

    progress(Progress::Checking);
    let expected = (program.baseline)(size);
    let mut vm_steps = None;
    for &backend in backends {
        let run = prepared.run(backend, size)?;
        if run.value != expected {
            return Err(BenchError::Mismatch {
                program: program.name,
                backend,
                expected: expected.to_string(),
                got: run.value.to_string(),
            });
        }
        vm_steps = vm_steps.or(run.steps);
    }

    let samples = options.samples.max(1);
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(samples); backends.len()];
    for sample in 1..=samples {
        for (index, &backend) in backends.iter().enumerate() {
            progress(Progress::Timing { backend, sample });
            // A run right after another backend's finds caches and the heap in that backend's
            // state (after the VM's: cold, and trimmed), and is up to 3× slower for it. An
            // untimed run of the same backend first puts every backend on an equal footing;
            // the VM's runs and compile-and-run ones are long enough not to need one.
            if !matches!(backend, Backend::Vm | Backend::AotWithCompile) {
                prepared.run(backend, size)?;
            }
            let start = Instant::now();
            prepared.run(backend, size)?;
            times[index].push(start.elapsed());
        }
    }
    let timings = backends
        .iter()
        .zip(times)
        .map(|(&backend, mut samples)| {
            samples.sort();
            Timing {
                backend,
                median_s: samples[samples.len() / 2].as_secs_f64(),
                min_s: samples[0].as_secs_f64(),
                samples: samples.len(),
            }
        })
        .collect();
    Ok(ProgramReport {
        program: program.name,
        description: program.description,
        size,
        vm_steps,
        result: expected.to_string(),
        jit_compile_s: prepared.jit_compile.map(|time| time.as_secs_f64()),
        aot_compile_s: prepared.aot_compile.map(|time| time.as_secs_f64()),
        timings,
    })
}

/// A duration in seconds, printed with a unit that keeps three significant digits or so.
pub fn format_seconds(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{:.1} µs", seconds * 1e6)
    }
}

/// A Markdown table of `reports`: per program, the steps on the VM, the median time of each
/// backend, the native JIT's speed-up over the VM and its distance to hand-written Rust, and the
/// compile times.
pub fn render_table(reports: &[ProgramReport], backends: &[Backend]) -> String {
    let mut header = vec![
        "program".to_string(),
        "n".to_string(),
        "VM steps".to_string(),
    ];
    header.extend(backends.iter().map(|backend| backend.name().to_string()));
    let with_vm = backends.contains(&Backend::Vm);
    let with_jit = backends.contains(&Backend::Jit);
    let with_rust = backends.contains(&Backend::Rust);
    if with_vm && with_jit {
        header.push("jit vs vm".to_string());
    }
    if with_rust && with_jit {
        header.push("jit / rust".to_string());
    }
    header.push("JIT compile".to_string());
    header.push("AOT compile".to_string());

    let mut lines = vec![
        format!("| {} |", header.join(" | ")),
        format!("|{}", "---|".repeat(header.len())),
    ];
    for report in reports {
        let mut cells = vec![
            report.program.to_string(),
            report.size.to_string(),
            report
                .vm_steps
                .map_or("–".to_string(), |steps| steps.to_string()),
        ];
        cells.extend(backends.iter().map(|&backend| {
            report
                .median(backend)
                .map_or("–".to_string(), format_seconds)
        }));
        if with_vm && with_jit {
            cells.push(
                report
                    .ratio(Backend::Vm, Backend::Jit)
                    .map_or("–".to_string(), |r| format!("{r:.0}×")),
            );
        }
        if with_rust && with_jit {
            cells.push(
                report
                    .ratio(Backend::Jit, Backend::Rust)
                    .map_or("–".to_string(), |r| format!("{r:.2}×")),
            );
        }
        cells.push(report.jit_compile_s.map_or("–".to_string(), format_seconds));
        cells.push(report.aot_compile_s.map_or("–".to_string(), format_seconds));
        lines.push(format!("| {} |", cells.join(" | ")));
    }
    lines.join("\n")
}
