//! `cairn run` on a Cairo 1 function for a prover (any of the prover's flags given): the run
//! cairo-vm's `cairo1-run` makes, with its trace, memory, AIR inputs and Cairo PIE.

use anyhow::Result;
use cairn_frontend::Program;
use cairn_vm_core::output::render_program_output;
use cairn_vm_core::sierra::{ProverRunConfig, SierraOutcome, SierraProgram};

use crate::run::RunArgs;
use crate::run_sierra::{parse_args, print_json_report};

pub fn run(run: &RunArgs, program: Program) -> Result<()> {
    let prover = &run.prover;
    if run.sierra.available_gas.is_some() {
        anyhow::bail!(
            "--available-gas does not apply to a prover's run: as in cairo1-run, a function \
             that takes a gas counter starts with a fixed amount and source is compiled without \
             gas accounting"
        );
    }
    let program = SierraProgram::new(program)?;
    let func = program.function(&run.entry)?;
    let values = parse_args(
        &run.sierra,
        &program.user_param_types(func),
        program.registry(),
    )?;
    let args = program.prover_args(func, &values)?;
    let config = ProverRunConfig {
        layout: prover.layout()?,
        proof_mode: prover.proof_mode,
        append_return_values: prover.append_return_values,
        trace: prover.needs_trace(),
        relocate_memory: prover.needs_relocated_memory(),
        finalize_builtins: prover.air_public_input.is_some() || prover.cairo_pie_output.is_some(),
        max_steps: run.step_limit(),
        max_memory_cells: run.memory_cell_limit(),
    };
    let mut runner = program.prepare_for_prover(func, &args, config)?;
    let result = runner
        .run_until_end()
        .map_err(|error| run.explain_default_limit(error.into()))?;

    if run.sierra.json {
        let (values, panic) = match &result.outcome {
            SierraOutcome::Success(values) => (Some(values), None),
            SierraOutcome::Panic(data) => (None, Some(data.as_slice())),
        };
        print_json_report(
            values,
            panic,
            None,
            None,
            Some(result.steps),
            Some(&result.builtins),
        )?;
    } else {
        println!("{}", result.summary_line());
    }
    if prover.print_output {
        print!("{}", render_program_output(&runner.runner().output()));
    }
    prover.write_files(runner.runner())?;
    match result.outcome {
        SierraOutcome::Success(_) => Ok(()),
        SierraOutcome::Panic(_) => Err(crate::ExitQuietly.into()),
    }
}
