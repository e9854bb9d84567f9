//! Sierra runs behave like any vm-core run: they pause and resume to the same end, and bad
//! calls are typed errors.

use cairn_vm_core::sierra::SierraOutcome;
use cairn_vm_core::values::{DictKey, Value};
use cairn_vm_core::{Felt252, VmCoreError};

use crate::support::sierra_program;

#[test]
fn a_paused_sierra_run_ends_like_an_uninterrupted_one() {
    let program = sierra_program("recursion");
    let func = program.function("main").expect("main");
    let mut whole = program
        .prepare(func, &[], Some(10_000_000))
        .expect("prepare");
    let expected = whole.run_until_end().expect("run");
    for k in [1, 7, 1000] {
        let mut paused = program
            .prepare(func, &[], Some(10_000_000))
            .expect("prepare");
        let mut pauses = 0;
        while !paused.run_steps(k).expect("run") {
            pauses += 1;
        }
        assert!(pauses > 0);
        assert_eq!(
            paused.result().expect("result"),
            expected,
            "paused every {k} steps"
        );
        assert_eq!(
            paused.runner().memory_segments(),
            whole.runner().memory_segments(),
            "memory, paused every {k} steps"
        );
    }
}

#[test]
fn a_sierra_run_counts_its_steps_without_holding_a_trace() {
    // The steps are the run's less the entry code's (cairo-lang-runner's count, which the
    // oracle tests compare): no trace is kept for it, which a long run would pay for per step.
    let program = sierra_program("recursion");
    let func = program.function("main").expect("main");
    let mut runner = program
        .prepare(func, &[], Some(10_000_000))
        .expect("prepare");
    let result = runner.run_until_end().expect("run");
    assert!(runner.runner().trace().is_empty());
    assert!(result.steps > 0);
    assert!(result.steps < runner.runner().step_count());
}

#[test]
fn results_are_refused_before_the_function_returns() {
    let program = sierra_program("loops");
    let func = program.function("main").expect("main");
    let mut runner = program
        .prepare(func, &[], Some(10_000_000))
        .expect("prepare");
    assert!(!runner.run_steps(10).expect("ten steps"));
    assert!(matches!(runner.result(), Err(VmCoreError::InvalidState(_))));
}

#[test]
fn functions_are_found_by_short_or_full_name() {
    let program = sierra_program("enums");
    assert!(program.function("pick").is_ok());
    assert!(program.function("enums::pick").is_ok());
    let error = program
        .function("enums::nope")
        .expect_err("no such function");
    let message = error.to_string();
    assert!(
        message.contains("no function named `enums::nope`"),
        "{message}"
    );
    assert!(
        message.contains("enums::main"),
        "lists the functions: {message}"
    );
}

#[test]
fn bad_calls_are_typed_errors() {
    let program = sierra_program("u8_overflow");
    let func = program.function("main").expect("main");
    let error = program
        .prepare(func, &[Value::U8(1)], None)
        .err()
        .expect("one argument short");
    assert!(
        matches!(&error, VmCoreError::Arguments(m) if m.contains("expected 2 arguments, got 1")),
        "{error:?}"
    );
    let error = program
        .prepare(func, &[Value::U8(1), Value::U64(2)], None)
        .err()
        .expect("wrong type");
    assert!(
        matches!(&error, VmCoreError::Arguments(m) if m.contains("arg 1")),
        "{error:?}"
    );

    let program = sierra_program("fib");
    let func = program.function("main").expect("main");
    assert!(matches!(
        program.prepare(func, &[], None),
        Err(VmCoreError::GasRequired)
    ));
    let error = program
        .prepare(func, &[], Some(10))
        .err()
        .expect("not enough gas");
    assert!(
        matches!(error, VmCoreError::NotEnoughGasToCall { available: 10, cost } if cost > 10),
        "{error:?}"
    );
}

#[test]
fn out_of_gas_is_a_panic_not_an_error() {
    let program = sierra_program("gas_exhaustion");
    let func = program.function("main").expect("main");
    let mut runner = program
        .prepare(func, &[Value::U64(1_000_000)], Some(50_000))
        .expect("prepare");
    let result = runner.run_until_end().expect("the run ends");
    assert_eq!(
        result.outcome,
        SierraOutcome::Panic(vec![crate::sierra_cases::short("Out of gas")])
    );
    assert!(result.remaining_gas.expect("gas") < 50_000);
    assert_eq!(
        result.summary_line(),
        "Run panicked with [0x4f7574206f6620676173 ('Out of gas')]."
    );
}

#[test]
fn boxed_and_dictionary_arguments_are_made_by_the_entry_code() {
    let program = sierra_program("nullables");
    let func = program.function("value_or").expect("value_or");
    for (nullable, expected) in [
        (Value::Nullable(Some(Box::new(Value::U64(1)))), 1),
        (Value::Nullable(None), 2),
    ] {
        let result = program
            .prepare(func, &[nullable, Value::U64(2)], Some(1_000_000))
            .expect("prepare")
            .run_until_end()
            .expect("run");
        assert_eq!(
            result.outcome,
            SierraOutcome::Success(vec![Value::U64(expected)])
        );
    }
    // A dictionary is made in the segment arena by the entry code, run in steps like any run.
    let program = sierra_program("pointer_args");
    let func = program.function("dict_get").expect("dict_get");
    let dict = Value::Felt252Dict(vec![(DictKey(Felt252::from(3)), Value::U64(30))]);
    let mut runner = program
        .prepare(
            func,
            &[dict, Value::Felt252(Felt252::from(3))],
            Some(1_000_000),
        )
        .expect("prepare");
    while !runner.run_steps(7).expect("steps") {}
    assert_eq!(
        runner.result().expect("result").outcome,
        SierraOutcome::Success(vec![Value::U64(30)])
    );
    // A value that does not fit the dictionary's value type is named by its key.
    let dict = Value::Felt252Dict(vec![(DictKey(Felt252::from(3)), Value::U8(1))]);
    let error = program
        .prepare(
            func,
            &[dict, Value::Felt252(Felt252::ZERO)],
            Some(1_000_000),
        )
        .err()
        .expect("refused");
    assert!(error.to_string().contains("arg 0"), "{error}");
}

/// An identity `downcast<u128, u128>` (which Cairo 2.20 source can produce) trips an internal
/// assertion of the Sierra-to-CASM compiler: a typed error, not a panic.
const IDENTITY_DOWNCAST: &str = r#"
type RangeCheck = RangeCheck;
type u128 = u128;
libfunc downcast_u128 = downcast<u128, u128>;
libfunc branch_align = branch_align;
libfunc drop_u128 = drop<u128>;
downcast_u128([0], [1]) { fallthrough([2], [3]) 4([4]) };
branch_align() -> ();
drop_u128([3]) -> ();
return([2]);
branch_align() -> ();
return([4]);
test::main@0([0]: RangeCheck, [1]: u128) -> (RangeCheck);
"#;

#[test]
fn a_casm_compiler_panic_is_an_error() {
    let program = cairn_vm_core::values::cairo_lang_sierra::ProgramParser::new()
        .parse(IDENTITY_DOWNCAST)
        .expect("test program parses");
    match cairn_vm_core::sierra::SierraProgram::new(program) {
        Err(VmCoreError::SierraCompilation(message)) => {
            assert!(
                message.contains("Wrong ap changes for downcast_u128"),
                "{message}"
            );
            assert!(!cairn_vm_core::panic_is_contained());
        }
        Err(other) => panic!("unexpected error: {other}"),
        Ok(_) => panic!("the CASM compiler accepted an identity downcast"),
    }
}
