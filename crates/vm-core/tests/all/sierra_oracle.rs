//! The VM backend against cairo-lang-runner's own `SierraCasmRunner` (what the Cairo
//! compiler's `cairo-run` uses): the same flat result, panic data, remaining gas and steps.

use cairn_vm_core::sierra::SierraOutcome;
use cairn_vm_core::values::json::args_from_json;
use cairo_lang_runner::{RunResultValue, SierraCasmRunner, StarknetState};
use cairo_lang_sierra_to_casm::metadata::MetadataComputationConfig;

use crate::sierra_cases::cases;
use crate::sierra_values::run_case;
use crate::support::sierra_program;

#[test]
fn every_case_matches_cairo_lang_runner() {
    let mut without_oracle = Vec::new();
    for case in cases() {
        let name = format!("{}::{}({})", case.program, case.entry, case.args);
        let program = sierra_program(case.program);
        let ours = run_case(&case, &program);

        let metadata = program.uses_gas().then(MetadataComputationConfig::default);
        let oracle =
            SierraCasmRunner::new(program.sierra().clone(), metadata, Default::default(), None)
                .expect("oracle builds");
        let func = program.function(case.entry).expect("entry");
        let json: serde_json::Value = serde_json::from_str(&case.args).expect("args");
        let values = args_from_json(&json, &program.user_param_types(func), program.registry())
            .expect("args fit");
        // cairo-lang-runner's arguments have no pointers (boxes, nullables, EC states) and no
        // dictionaries.
        let Ok(args) = program.runner_args(func, &values) else {
            assert!(
                ["pointer_args", "dict_args"].contains(&case.program),
                "{name}: no runner args"
            );
            without_oracle.push(name);
            continue;
        };
        let theirs = oracle
            .run_function_with_starknet_context(
                func,
                args,
                case.gas.map(|gas| gas as usize),
                StarknetState::default(),
            )
            .expect("oracle runs");

        match (&theirs.value, &ours.outcome) {
            // A fresh EcState holds the VM hint's random point: different in every run.
            (RunResultValue::Success(flat), SierraOutcome::Success(_))
                if case.entry == "fresh_state" =>
            {
                assert_eq!(ours.flat.len(), flat.len(), "{name}: flat result size")
            }
            (RunResultValue::Success(flat), SierraOutcome::Success(_)) => {
                assert_eq!(&ours.flat, flat, "{name}: flat result")
            }
            (RunResultValue::Panic(data), SierraOutcome::Panic(ours_data)) => {
                assert_eq!(ours_data, data, "{name}: panic data")
            }
            (theirs, ours) => panic!("{name}: oracle {theirs:?}, Cairn {ours:?}"),
        }
        let their_gas = theirs
            .gas_counter
            .map(|gas| u64::try_from(gas).expect("gas fits u64"));
        assert_eq!(ours.remaining_gas, their_gas, "{name}: remaining gas");
        assert_eq!(
            ours.steps, theirs.used_resources.basic_resources.n_steps,
            "{name}: steps"
        );
    }
    // Exactly the calls passing pointers (sum_boxes, nested, both add_point calls) or
    // dictionaries (every dict_args call but main's).
    assert_eq!(without_oracle.len(), 4 + 9, "{without_oracle:?}");
}
