//! The VM is the oracle: every fixture call must give the same values, panic data, gas and
//! builtin instance counts on the native backend as on the VM backend. A program the native backend cannot compile is listed
//! with the reason (an unsupported libfunc or type) and fails the test.

#[allow(dead_code)]
#[path = "../crates/vm-core/tests/all/sierra_cases.rs"]
mod sierra_cases;

use std::collections::BTreeMap;
use std::path::PathBuf;

use cairn::native::{JitProgram, NativeError, NativeOutcome, OptLevel};
use cairn::vm::sierra::{SierraOutcome, SierraProgram};
use cairn::vm::values::json::args_from_json;

fn compiled(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cairo1/compiled")
        .join(format!("{name}.sierra.json"))
}

/// What both backends report, in one comparable form.
#[derive(Debug, PartialEq)]
struct Observed {
    outcome: String,
    remaining_gas: Option<u64>,
    gas_used: Option<u64>,
    /// Builtin instances used (`None`: the native code does not count them).
    builtins: Option<BTreeMap<&'static str, usize>>,
}

#[test]
fn native_matches_vm_on_every_fixture_call() -> anyhow::Result<()> {
    let cases = sierra_cases::cases();
    let mut by_program: BTreeMap<&str, Vec<&sierra_cases::Case>> = BTreeMap::new();
    for case in &cases {
        by_program.entry(case.program).or_default().push(case);
    }

    let mut compared_programs = 0;
    let mut compared_calls = 0;
    let mut skipped = Vec::new();
    let mut mismatches = Vec::new();
    for (name, program_cases) in &by_program {
        let sierra = cairn_frontend::load_sierra_json_file(&compiled(name))?;
        let vm_program = SierraProgram::new(sierra.clone())?;
        let native = match JitProgram::compile(sierra, OptLevel::default()) {
            Ok(native) => native,
            Err(
                error @ (NativeError::UnsupportedLibfunc { .. } | NativeError::UnsupportedType(_)),
            ) => {
                skipped.push(format!("{name}: {error}"));
                continue;
            }
            Err(error) => anyhow::bail!("{name}: native compilation failed: {error}"),
        };
        compared_programs += 1;
        for case in program_cases {
            let label = format!("{name}::{}({})", case.entry, case.args);
            let func = vm_program.function(case.entry)?;
            let json: serde_json::Value = serde_json::from_str(&case.args)?;
            let args = args_from_json(
                &json,
                &vm_program.user_param_types(func),
                vm_program.registry(),
            )?;

            let vm = vm_program.prepare(func, &args, case.gas)?.run_until_end()?;
            let vm = Observed {
                outcome: match vm.outcome {
                    SierraOutcome::Success(values) => format!("values {values:?}"),
                    SierraOutcome::Panic(data) => format!("panic {data:?}"),
                },
                remaining_gas: vm.remaining_gas,
                gas_used: vm.gas_used,
                builtins: Some(vm.builtins),
            };
            let native = native
                .run(case.entry, &args, case.gas)
                .map_err(|error| anyhow::anyhow!("{label}: native run failed: {error}"))?;
            let native = Observed {
                outcome: match native.outcome {
                    NativeOutcome::Success(values) => format!("values {values:?}"),
                    NativeOutcome::Panic(data) => format!("panic {data:?}"),
                },
                remaining_gas: native.remaining_gas,
                gas_used: native.gas_used,
                builtins: native.builtins,
            };
            compared_calls += 1;
            if vm != native {
                mismatches.push(format!("{label}:\n  vm:     {vm:?}\n  native: {native:?}"));
            }
        }
    }

    println!(
        "differential: {compared_calls} calls compared over {compared_programs} programs; {} programs skipped",
        skipped.len()
    );
    for reason in &skipped {
        println!("  skipped {reason}");
    }
    assert!(
        mismatches.is_empty(),
        "native differs from the VM:\n{}",
        mismatches.join("\n")
    );
    assert!(
        compared_programs >= 25,
        "only {compared_programs} programs compiled natively"
    );
    Ok(())
}

mod random_inputs {
    //! Property-based differential tests: the integer and felt252 libfuncs on random arguments
    //! (edges included) give the same results, panics, gas and builtin counts on both backends.

    use cairn::native::{JitProgram, NativeOutcome, OptLevel};
    use cairn::vm::sierra::{SierraOutcome, SierraProgram};
    use cairn::vm::values::json::args_from_json;
    use cairn::vm::Felt252;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestCaseError, TestRunner};

    struct Backends {
        vm: SierraProgram,
        native: JitProgram,
    }

    impl Backends {
        fn load() -> Self {
            let sierra = cairn_frontend::load_sierra_json_file(&super::compiled("prop_ints"))
                .expect("prop_ints fixture");
            Self {
                vm: SierraProgram::new(sierra.clone()).expect("VM program"),
                native: JitProgram::compile(sierra, OptLevel::default()).expect("native program"),
            }
        }

        /// Runs `entry(a, b)` on both backends and compares everything they report.
        fn compare(&self, entry: &str, a: String, b: String) -> Result<(), TestCaseError> {
            let func = self.vm.function(entry).expect("entry");
            let json = serde_json::json!([a, b]);
            let args = args_from_json(&json, &self.vm.user_param_types(func), self.vm.registry())
                .expect("arguments fit");
            let gas = Some(100_000_000);
            let vm = self
                .vm
                .prepare(func, &args, gas)
                .and_then(|mut runner| runner.run_until_end())
                .expect("VM run");
            let native = self.native.run(entry, &args, gas).expect("native run");
            let vm_outcome = match vm.outcome {
                SierraOutcome::Success(values) => format!("values {values:?}"),
                SierraOutcome::Panic(data) => format!("panic {data:?}"),
            };
            let native_outcome = match native.outcome {
                NativeOutcome::Success(values) => format!("values {values:?}"),
                NativeOutcome::Panic(data) => format!("panic {data:?}"),
            };
            prop_assert_eq!(
                vm_outcome,
                native_outcome,
                "{}({}, {})",
                entry,
                json[0],
                json[1]
            );
            prop_assert_eq!(vm.remaining_gas, native.remaining_gas, "gas of {}", entry);
            prop_assert_eq!(
                Some(vm.builtins),
                native.builtins,
                "builtins of {}({}, {})",
                entry,
                json[0],
                json[1]
            );
            Ok(())
        }
    }

    fn felt() -> impl Strategy<Value = String> + Clone {
        prop_oneof![
            Just("0".to_owned()),
            Just("1".to_owned()),
            Just((Felt252::ZERO - Felt252::ONE).to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            any::<[u8; 32]>().prop_map(|bytes| Felt252::from_bytes_be(&bytes).to_string()),
        ]
    }

    macro_rules! int {
        ($ty:ty) => {
            prop_oneof![
                Just(<$ty>::MIN.to_string()),
                Just(<$ty>::MAX.to_string()),
                Just(0.to_string()),
                any::<$ty>().prop_map(|n| n.to_string()),
            ]
        };
    }

    fn check<S: Strategy<Value = String> + Clone>(backends: &Backends, entry: &str, values: S) {
        let config = Config {
            cases: 48,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        runner
            .run(&(values.clone(), values), |(a, b)| {
                backends.compare(entry, a, b)
            })
            .unwrap_or_else(|failure| panic!("{entry}: {failure}"));
    }

    /// Operands for the felt multiplication test: uniform felts and felts near the values its
    /// reduction turns on (0, P, 2^251, 2^192, (P − 1)/2), offset by up to 2^70 either way.
    fn felt_operand() -> impl Strategy<Value = Felt252> {
        let near = |base: Felt252| {
            (any::<u64>(), any::<u8>(), any::<bool>()).prop_map(move |(low, high, up)| {
                let offset = Felt252::from(low)
                    + Felt252::from(u64::from(high % 64)) * Felt252::TWO.pow(64u32);
                if up {
                    base + offset
                } else {
                    base - offset
                }
            })
        };
        prop_oneof![
            any::<[u8; 32]>().prop_map(|bytes| Felt252::from_bytes_be(&bytes)),
            near(Felt252::ZERO),
            near(Felt252::TWO.pow(251u32)),
            near(Felt252::TWO.pow(192u32)),
            near(Felt252::ZERO - Felt252::ONE),
            near(Felt252::MAX.field_div(&Felt252::TWO.try_into().expect("non-zero"))),
        ]
    }

    /// Native felt multiplication (a series for the quotient by P, see `libfuncs/felt252.rs`)
    /// against `starknet-types-core` on random operands: `products(a, b)` of `felt_arith` gives
    /// a·b, a², b², −a and a 64-step chain x ← x² + a, so each case checks 68 products.
    /// 3,000 cases by default; `PROPTEST_CASES=N` for more (a million runs in about a minute).
    #[test]
    fn felt_multiplication_matches_starknet_types_core() {
        let sierra = cairn_frontend::load_sierra_json_file(&super::compiled("felt_arith"))
            .expect("felt_arith fixture");
        let vm = SierraProgram::new(sierra.clone()).expect("VM program");
        let native = JitProgram::compile(sierra, OptLevel::default()).expect("native program");
        let func = vm.function("products").expect("entry");
        let param_types = vm.user_param_types(func);
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(3000);
        let config = Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        runner
            .run(&(felt_operand(), felt_operand()), |(a, b)| {
                let json = serde_json::json!([format!("{a:#x}"), format!("{b:#x}")]);
                let args =
                    args_from_json(&json, &param_types, vm.registry()).expect("arguments fit");
                let run = native
                    .run("products", &args, Some(100_000_000))
                    .expect("native run");
                let mut x = b;
                for _ in 0..64 {
                    x = x * x + a;
                }
                let expected: Vec<cairn::vm::values::Value> = [a * b, a * a, b * b, -a, x]
                    .into_iter()
                    .map(cairn::vm::values::Value::Felt252)
                    .collect();
                match run.outcome {
                    NativeOutcome::Success(values) => prop_assert_eq!(
                        values,
                        vec![cairn::vm::values::Value::Array(expected)],
                        "products({:#x}, {:#x})",
                        a,
                        b
                    ),
                    NativeOutcome::Panic(data) => {
                        return Err(TestCaseError::fail(format!("panicked: {data:?}")))
                    }
                }
                Ok(())
            })
            .unwrap_or_else(|failure| panic!("{failure}"));
    }

    #[test]
    fn integer_and_felt_libfuncs_agree_on_random_inputs() {
        let backends = Backends::load();
        check(&backends, "felt_ops", felt());
        check(&backends, "u8_ops", int!(u8));
        check(&backends, "u16_ops", int!(u16));
        check(&backends, "u32_ops", int!(u32));
        check(&backends, "u64_ops", int!(u64));
        check(&backends, "u128_ops", int!(u128));
        check(&backends, "i8_ops", int!(i8));
        check(&backends, "i16_ops", int!(i16));
        check(&backends, "i32_ops", int!(i32));
        check(&backends, "i64_ops", int!(i64));
        check(&backends, "i128_ops", int!(i128));
        check(&backends, "u32_panicking", int!(u32));
        check(&backends, "i32_panicking", int!(i32));
    }
}
