//! vm-core's integration tests, in one binary to keep link time down.

mod contract_oracle;
mod errors;
mod executables;
mod extension;
mod files;
mod layouts;
mod pause_resume;
mod prover_runs;
mod sierra_cases;
mod sierra_oracle;
mod sierra_runs;
mod sierra_values;
mod support;
mod threads;
