//! Unsupported libfuncs: a strict compilation refuses the program naming the libfunc; a partial
//! one leaves out the functions that use it and their callers, and runs the rest. A program of
//! malformed structure is refused before either.

use cairn_native_codegen::{JitProgram, NativeError, NativeOutcome, OptLevel};
use cairn_values_abi::cairo_lang_sierra::ProgramParser;
use cairn_values_abi::{Felt, Value};

/// `hasher` emits a `trace` (a hint for the VM's tracer, which the native backend does not
/// compile); `caller` calls `hasher`; `seven` is independent.
const PROGRAM: &str = r#"
type felt252 = felt252;
type u64 = u64;
type GasBuiltin = GasBuiltin;
type System = System;
libfunc trace_it = trace<1>;
libfunc drop_u64 = drop<u64>;
libfunc seven_const = felt252_const<7>;
libfunc call_hasher = function_call<user@test::hasher>;

trace_it() -> ();
drop_u64([2]) -> ();
return([0], [1]);
seven_const() -> ([0]);
return([0]);
call_hasher([0], [1], [2]) -> ([3], [4]);
return([3], [4]);

test::hasher@0([0]: GasBuiltin, [1]: System, [2]: u64) -> (GasBuiltin, System);
test::seven@3() -> (felt252);
test::caller@5([0]: GasBuiltin, [1]: System, [2]: u64) -> (GasBuiltin, System);
"#;

#[test]
fn strict_compilation_names_the_unsupported_libfunc() {
    let program = ProgramParser::new()
        .parse(PROGRAM)
        .expect("test program parses");
    match JitProgram::compile(program, OptLevel::O0) {
        Err(NativeError::UnsupportedLibfunc { name, statement }) => {
            assert_eq!((name.as_str(), statement), ("trace<1>", 0));
        }
        Err(other) => panic!("unexpected error: {other}"),
        Ok(_) => panic!("compiled a program using trace<1>"),
    }
}

#[test]
fn partial_compilation_runs_what_it_compiled() -> anyhow::Result<()> {
    let program = ProgramParser::new().parse(PROGRAM)?;
    let jit = JitProgram::compile_partial(program, OptLevel::O0)?;
    let seven = jit.run("seven", &[], None)?;
    assert_eq!(
        seven.outcome,
        NativeOutcome::Success(vec![Value::Felt252(Felt::from(7))])
    );
    for name in ["hasher", "caller"] {
        match jit.run(name, &[], None) {
            Err(error @ NativeError::NotCompiled { .. }) => {
                assert!(
                    error.to_string().contains("unsupported libfunc trace<1>"),
                    "{error}"
                );
            }
            Err(other) => panic!("{name}: unexpected error: {other}"),
            Ok(result) => panic!("{name} ran: {result:?}"),
        }
    }
    Ok(())
}

/// Two functions over one body, as a malformed (or hostile) Sierra file can declare them.
const SHARED_BODY: &str = r#"
type felt252 = felt252;
libfunc seven_const = felt252_const<7>;
seven_const() -> ([0]);
return([0]);
test::first@0() -> (felt252);
test::second@0() -> (felt252);
"#;

/// A branch to a statement the program does not have.
const JUMP_OUT: &str = r#"
type felt252 = felt252;
libfunc jump = jump;
jump() { 9() };
test::main@0() -> (felt252);
"#;

#[test]
fn malformed_structure_is_refused_as_the_vm_refuses_it() {
    for (program, expected) in [
        (
            SHARED_BODY,
            "statement 0 belongs to two different functions",
        ),
        (JUMP_OUT, "Jump out of range"),
    ] {
        let program = ProgramParser::new()
            .parse(program)
            .expect("test program parses");
        match JitProgram::compile(program, OptLevel::O0) {
            Err(error @ NativeError::InvalidProgram(_)) => {
                assert!(error.to_string().contains(expected), "{error}");
            }
            Err(other) => panic!("unexpected error: {other}"),
            Ok(_) => panic!("compiled a malformed program"),
        }
    }
}

/// A program whose `main` returns a struct nested `depth` structs deep around a felt252.
fn nested_struct_program(depth: usize) -> String {
    let mut text = String::from("type T0 = felt252;\n");
    for level in 1..=depth {
        text += &format!("type T{level} = Struct<ut@Wrap{level}, T{}>;\n", level - 1);
    }
    text += "libfunc seven = felt252_const<7>;\n";
    for level in 1..=depth {
        text += &format!("libfunc wrap{level} = struct_construct<T{level}>;\n");
    }
    text += "seven() -> ([0]);\n";
    for level in 1..=depth {
        text += &format!("wrap{level}([{}]) -> ([{level}]);\n", level - 1);
    }
    text += &format!("return([{depth}]);\ntest::main@0() -> (T{depth});\n");
    text
}

#[test]
fn types_nested_past_the_native_limit_are_refused_at_once() {
    let deep = ProgramParser::new()
        .parse(&nested_struct_program(2_001))
        .expect("test program parses");
    match JitProgram::compile(deep, OptLevel::O0) {
        Err(NativeError::UnsupportedType(detail)) => {
            assert!(
                detail.contains("nests more than 2000 types deep"),
                "{detail}"
            );
        }
        Err(other) => panic!("unexpected error: {other}"),
        Ok(_) => panic!("a 2,001-deep type compiled"),
    }
    // At the limit (1,999 structs around a felt252: 2,000 types): compiled and run. Layouts and values of nested types are built recursively,
    // a few KiB of stack per level in a debug build, so this runs on a stack as large as the
    // CLI's would be for it (the CLI runs native code on 1 GiB).
    let within = ProgramParser::new()
        .parse(&nested_struct_program(1_999))
        .expect("test program parses");
    let values = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let jit = JitProgram::compile(within, OptLevel::O0).expect("compiles");
            let result = jit.run("test::main", &[], None).expect("runs");
            match result.outcome {
                NativeOutcome::Success(values) => values,
                other => panic!("unexpected outcome {other:?}"),
            }
        })
        .expect("thread starts")
        .join()
        .expect("compiled and ran");
    let mut inner = &values[0];
    for _ in 0..1_999 {
        let Value::Struct(fields) = inner else {
            panic!("not a struct: {inner:?}");
        };
        inner = &fields[0];
    }
    assert_eq!(inner, &Value::Felt252(Felt::from(7)));
}
