//! Unsupported libfuncs: a strict compilation refuses the program naming the libfunc; a partial
//! one leaves out the functions that use it and their callers, and runs the rest. A program of
//! malformed structure is refused before either.

use cairn_native_codegen::{JitProgram, NativeError, NativeOutcome, OptLevel};
use cairn_values_abi::cairo_lang_sierra::ProgramParser;
use cairn_values_abi::{Felt, Value};

/// `hasher` asks for a block hash (a syscall that needs chain state, which the native backend
/// does not compile); `caller` calls `hasher`; `seven` is independent.
const PROGRAM: &str = r#"
type felt252 = felt252;
type u64 = u64;
type GasBuiltin = GasBuiltin;
type System = System;
type ArrFelt = Array<felt252>;
libfunc block_hash = get_block_hash_syscall;
libfunc drop_felt = drop<felt252>;
libfunc drop_arr = drop<ArrFelt>;
libfunc branch_align = branch_align;
libfunc seven_const = felt252_const<7>;
libfunc call_hasher = function_call<user@test::hasher>;

block_hash([0], [1], [2]) { fallthrough([3], [4], [5]) 4([3], [4], [6]) };
branch_align() -> ();
drop_felt([5]) -> ();
return([3], [4]);
branch_align() -> ();
drop_arr([6]) -> ();
return([3], [4]);
seven_const() -> ([0]);
return([0]);
call_hasher([0], [1], [2]) -> ([3], [4]);
return([3], [4]);

test::hasher@0([0]: GasBuiltin, [1]: System, [2]: u64) -> (GasBuiltin, System);
test::seven@7() -> (felt252);
test::caller@9([0]: GasBuiltin, [1]: System, [2]: u64) -> (GasBuiltin, System);
"#;

#[test]
fn strict_compilation_names_the_unsupported_libfunc() {
    let program = ProgramParser::new()
        .parse(PROGRAM)
        .expect("test program parses");
    match JitProgram::compile(program, OptLevel::O0) {
        Err(NativeError::UnsupportedLibfunc { name, statement }) => {
            assert_eq!((name.as_str(), statement), ("get_block_hash_syscall", 0));
        }
        Err(other) => panic!("unexpected error: {other}"),
        Ok(_) => panic!("compiled a program using get_block_hash_syscall"),
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
                    error
                        .to_string()
                        .contains("unsupported libfunc get_block_hash_syscall"),
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
