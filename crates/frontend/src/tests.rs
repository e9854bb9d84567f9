//! Cairo 1 test crates: the `#[test]` functions of a crate (and their `#[should_panic]`,
//! `#[ignore]` and `#[available_gas]` attributes), compiled into one Sierra program with the
//! Cairo compiler's test plugin and its Starknet plugin, as `cairo-test --starknet` compiles
//! them: the crate's `#[starknet::contract]` modules are in the same program, each known by the
//! test class hash the compiler gives it (`TEST_CLASS_HASH`), with its entry points' functions.

use std::collections::HashMap;
use std::path::Path;

use cairo_lang_sierra::extensions::gas::CostTokenType;
use cairo_lang_sierra::ids::FunctionId;
use cairo_lang_sierra::program::Program;
use cairo_lang_test_plugin::test_config::{PanicExpectation, TestExpectation};
use cairo_lang_test_plugin::{compile_test_prepared_db, TestsCompilationConfig};
use cairo_lang_utils::ordered_hash_map::OrderedHashMap;
use starknet_types_core::felt::Felt;

use crate::project::{Project, Purpose};
use crate::{Corelib, FrontendError};

/// Whether `path` is a project (`cairo_project.toml`) whose crates include `core`: the
/// corelib's own tests. The corelib also has a `Scarb.toml`, but is tested as a project.
pub fn tests_the_corelib(path: &Path) -> bool {
    path.is_dir()
        && cairo_lang_project::ProjectConfig::from_directory(path).is_ok_and(|config| {
            config
                .content
                .crate_roots
                .keys()
                .any(|name| String::from(name.clone()) == "core")
        })
}

/// What a test must do to pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// Return without panicking.
    Success,
    /// Panic, with any data.
    PanicAny,
    /// Panic with exactly this data.
    Panic(Vec<Felt>),
}

/// One `#[test]` function.
#[derive(Clone, Debug)]
pub struct TestCase {
    /// The function's full path, e.g. `my_crate::tests::adds`.
    pub name: String,
    /// Gas from `#[available_gas(N)]` (the test plugin's default without the attribute is
    /// `u32::MAX`, so that endless loops run out); `None` for `#[available_gas(static)]`: the
    /// test's own static cost only, so it starts with 0 gas.
    pub available_gas: Option<u64>,
    /// `#[should_panic]` or not.
    pub expectation: Expectation,
    /// `#[ignore]`.
    pub ignored: bool,
}

/// A contract of a test crate: its entry points are functions of the test program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestContract {
    /// The test class hash the compiler gave it (its module's `TEST_CLASS_HASH`).
    pub class_hash: Felt,
    /// The external entry points: (selector, function index in the test program).
    pub external: Vec<(Felt, usize)>,
    /// The L1 handlers: (selector, function index).
    pub l1_handler: Vec<(Felt, usize)>,
    /// The constructor's function index, if it has one.
    pub constructor: Option<usize>,
}

/// A test crate compiled: the program and its tests, in source order.
#[derive(Clone, Debug)]
pub struct TestSuite {
    /// The Sierra program holding every test function and every contract's entry points.
    pub program: Program,
    /// The tests.
    pub tests: Vec<TestCase>,
    /// The crate's contracts (and those of the crates it depends on), as tests deploy them.
    pub contracts: Vec<TestContract>,
    /// Functions whose up-front gas cost is set rather than computed (constant gas): each
    /// contract entry point's `ENTRY_POINT_COST`, as `cairo-test` compiles them. Both backends
    /// take these costs.
    pub function_costs: Vec<(FunctionId, i32)>,
    /// The compiler's warnings, as it prints them (empty when there were none).
    pub warnings: String,
}

/// Compiles the tests of a `.cairo` file (a crate of its own) or of a folder with a
/// `cairo_project.toml`, with `cfg(test)` on and gas accounting compiled in. A warning is an
/// error unless `allow_warnings` (as with `cairo-test`).
pub fn compile_tests(
    path: &Path,
    corelib: &Corelib,
    allow_warnings: bool,
) -> Result<TestSuite, FrontendError> {
    compile_project_tests(Project::Path(path), corelib, allow_warnings)
}

/// Compiles the tests of a project: a path as [`compile_tests`] does, or a Scarb test unit
/// (unit tests or the `tests/` crate), whose tests are its main crate's.
pub fn compile_project_tests(
    project: Project<'_>,
    corelib: &Corelib,
    allow_warnings: bool,
) -> Result<TestSuite, FrontendError> {
    crate::stack::on_compiler_stack(&project.path(), || {
        compile(project, corelib, allow_warnings)
    })
}

fn compile(
    project: Project<'_>,
    corelib: &Corelib,
    allow_warnings: bool,
) -> Result<TestSuite, FrontendError> {
    let path = project.path();
    let failed = |reason: String| FrontendError::Compiler {
        path: path.clone(),
        reason,
    };
    // The Starknet plugin is on for every crate but the corelib itself, whose Starknet module
    // is written out already (the plugin would define its dispatchers a second time).
    let starknet = match project {
        Project::Path(path) => !tests_the_corelib(path),
        Project::Unit(_) => true,
    };
    let (db, crates, all_crates) =
        crate::project::database(project, corelib, Purpose::Tests { starknet })?;
    let allow_warnings = project.allow_warnings(allow_warnings);
    let mut diagnostics = String::new();
    let reporter = crate::compile::reporter(&mut diagnostics, &crates, allow_warnings);
    let config = TestsCompilationConfig {
        starknet,
        contract_declarations: None,
        contract_crate_ids: None,
        executable_crate_ids: None,
        add_statements_functions: false,
        add_statements_code_locations: false,
        add_functions_debug_info: false,
        add_type_names: false,
        replace_ids: project.replace_ids(),
    };
    let compiled = compile_test_prepared_db(&db, config, crates, reporter);
    let compiled = match compiled {
        Ok(compiled) => compiled,
        Err(error) => {
            let diagnostics = crate::compile::with_dependency_errors(&db, diagnostics, &all_crates);
            return Err(crate::compile::compile_failure(&path, &diagnostics, &error));
        }
    };
    let tests = compiled
        .metadata
        .named_tests
        .into_iter()
        .map(|(name, config)| TestCase {
            name,
            available_gas: config.available_gas.map(|gas| gas as u64),
            expectation: match config.expectation {
                TestExpectation::Success => Expectation::Success,
                TestExpectation::Panics(PanicExpectation::Any) => Expectation::PanicAny,
                TestExpectation::Panics(PanicExpectation::Exact(data)) => Expectation::Panic(data),
            },
            ignored: config.ignored,
        })
        .collect();
    let program = compiled.sierra_program.program;
    let index_of: HashMap<&FunctionId, usize> = program
        .funcs
        .iter()
        .enumerate()
        .map(|(index, function)| (&function.id, index))
        .collect();
    let missing = |function: &FunctionId| {
        failed(format!(
            "the compiler named entry point function {function}, which the test program lacks"
        ))
    };
    let entry_points = |entries: &OrderedHashMap<Felt, FunctionId>| {
        entries
            .iter()
            .map(|(selector, function)| {
                let index = index_of.get(function).ok_or_else(|| missing(function))?;
                Ok((*selector, *index))
            })
            .collect::<Result<Vec<_>, FrontendError>>()
    };
    let mut contracts = Vec::new();
    for (class_hash, info) in compiled.metadata.contracts_info.iter() {
        let constructor = match &info.constructor {
            Some(function) => Some(*index_of.get(function).ok_or_else(|| missing(function))?),
            None => None,
        };
        contracts.push(TestContract {
            class_hash: *class_hash,
            external: entry_points(&info.externals)?,
            l1_handler: entry_points(&info.l1_handlers)?,
            constructor,
        });
    }
    let function_costs = compiled
        .metadata
        .function_set_costs
        .iter()
        .map(|(function, costs)| {
            let constant = costs.get(&CostTokenType::Const).copied().unwrap_or(0);
            (function.clone(), constant)
        })
        .collect();
    Ok(TestSuite {
        program,
        tests,
        contracts,
        function_costs,
        warnings: diagnostics.trim_end().to_owned(),
    })
}

#[cfg(test)]
mod corelib_detection {
    use super::tests_the_corelib;

    fn project(roots: &str) -> tempfile::TempDir {
        let folder = tempfile::tempdir().expect("temporary folder");
        std::fs::write(
            folder.path().join("cairo_project.toml"),
            format!("[crate_roots]\n{roots}\n"),
        )
        .expect("project file");
        folder
    }

    #[test]
    fn only_a_project_of_the_core_crate_is_the_corelib() {
        assert!(tests_the_corelib(project("core = \"src\"").path()));
        assert!(!tests_the_corelib(project("my_crate = \"src\"").path()));
        // A single file, or a folder without a project file, is not the corelib.
        assert!(!tests_the_corelib(std::path::Path::new("lib.cairo")));
        assert!(!tests_the_corelib(
            tempfile::tempdir().expect("folder").path()
        ));
    }
}
