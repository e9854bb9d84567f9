//! Unsupported libfuncs: a strict compilation refuses the program naming the libfunc; a partial
//! one leaves out the functions that use it and their callers, and runs the rest.

use cairn_native_codegen::{JitProgram, NativeError, NativeOutcome, OptLevel};
use cairn_values_abi::cairo_lang_sierra::ProgramParser;
use cairn_values_abi::{Felt, Value};

/// `printer` uses `print` (debug output), which the native backend does not compile; `caller`
/// calls `printer`; `seven` is independent.
const PROGRAM: &str = r#"
type felt252 = felt252;
type ArrFelt = Array<felt252>;
libfunc new_array = array_new<felt252>;
libfunc print = print;
libfunc seven_const = felt252_const<7>;
libfunc call_printer = function_call<user@test::printer>;

new_array() -> ([0]);
print([0]) -> ();
return();
seven_const() -> ([0]);
return([0]);
call_printer() -> ();
return();

test::printer@0() -> ();
test::seven@3() -> (felt252);
test::caller@5() -> ();
"#;

#[test]
fn strict_compilation_names_the_unsupported_libfunc() {
    let program = ProgramParser::new()
        .parse(PROGRAM)
        .expect("test program parses");
    match JitProgram::compile(program, OptLevel::O0) {
        Err(NativeError::UnsupportedLibfunc { name, statement }) => {
            assert_eq!((name.as_str(), statement), ("print", 1));
        }
        Err(other) => panic!("unexpected error: {other}"),
        Ok(_) => panic!("compiled a program using print"),
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
    for name in ["printer", "caller"] {
        match jit.run(name, &[], None) {
            Err(error @ NativeError::NotCompiled { .. }) => {
                assert!(
                    error.to_string().contains("unsupported libfunc print"),
                    "{error}"
                );
            }
            Err(other) => panic!("{name}: unexpected error: {other}"),
            Ok(result) => panic!("{name} ran: {result:?}"),
        }
    }
    Ok(())
}
