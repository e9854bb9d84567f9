//! The backends `cairn test` runs a test on: the test program compiled once per backend, each
//! test run against a fresh Starknet state that holds the crate's contracts (declared under
//! their test class hashes, their entry points running on the same compiled program), with the
//! state answering the test's syscalls and cheatcodes, as `cairo-test --starknet` runs them.

use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use cairn_frontend::{TestCase, TestContract, TestSuite};
use cairn_vm_core::contract::VmExecutor;
use cairn_vm_core::sierra::{SierraOutcome, SierraProgram};
use cairn_vm_core::starknet::{
    ContractClass, EntryPoint, EntryPointExecutor, ExecutionResources, Felt, StarknetState,
    SyscallCounter,
};
use cairn_vm_core::Felt252;

/// How one test run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ran {
    Returned,
    Panicked(Vec<Felt252>),
    /// The run itself failed (not a panic of the test): why.
    Failed(String),
}

/// One test's run.
#[derive(Clone, Debug)]
pub struct TestRun {
    pub ran: Ran,
    /// Gas left at the end (for programs that count gas).
    pub remaining_gas: Option<u64>,
    /// What the run used, its contracts' included: syscalls and builtins (VM steps on the VM).
    pub resources: ExecutionResources,
    pub time: Duration,
}

impl TestRun {
    /// A test that could not be run at all.
    pub fn failed(reason: String) -> Self {
        Self {
            ran: Ran::Failed(reason),
            remaining_gas: None,
            resources: ExecutionResources::default(),
            time: Duration::ZERO,
        }
    }
}

/// A backend loaded with the test program.
pub trait TestBackend {
    /// Runs `test` from `gas` (its available gas) against a fresh state.
    fn run(&self, test: &TestCase, gas: u64) -> TestRun;

    /// The gas a test without `#[available_gas]` starts with: its own static cost.
    fn entry_cost(&self, test: &TestCase) -> Result<u64>;

    /// This backend, if tests may run on it from several threads at once.
    fn shareable(&self) -> Option<&(dyn TestBackend + Sync)> {
        None
    }
}

/// The crate's contracts as classes of the test program, to declare in each test's state.
struct TestClasses(Vec<(Felt, ContractClass)>);

impl TestClasses {
    fn new(contracts: &[TestContract], program: &Arc<cairn_frontend::Program>) -> Result<Self> {
        let entry_points = |entries: &[(Felt, usize)]| {
            entries
                .iter()
                .map(|(selector, function_idx)| EntryPoint {
                    selector: *selector,
                    function_idx: *function_idx,
                })
                .collect()
        };
        let classes = contracts
            .iter()
            .map(|contract| {
                let constructor = contract.constructor.map(|function_idx| EntryPoint {
                    // A constructor is called by deployment, not by selector.
                    selector: cairn_vm_core::starknet::selector("constructor"),
                    function_idx,
                });
                let class = ContractClass::in_test_program(
                    contract.class_hash,
                    Arc::clone(program),
                    entry_points(&contract.external),
                    entry_points(&contract.l1_handler),
                    constructor,
                )?;
                Ok((contract.class_hash, class))
            })
            .collect::<Result<_>>()?;
        Ok(Self(classes))
    }

    /// A fresh state for one test: the contracts declared, nothing deployed, the execution
    /// info zero (as `cairo-test` starts each test).
    fn fresh_state(&self, executor: Rc<dyn EntryPointExecutor>) -> StarknetState {
        let mut state = StarknetState::new(executor);
        for (class_hash, class) in &self.0 {
            state.declare(*class_hash, class.clone());
        }
        state
    }
}

/// Runs `test` against a fresh state from `classes` with `run`, which gets the state (wrapped
/// to count the test's own syscalls) and returns how the test ended, the gas left and the
/// test's own resources.
fn run_with_state(
    classes: &TestClasses,
    executor: Rc<dyn EntryPointExecutor>,
    run: impl FnOnce(&mut SyscallCounter<'_>) -> (Ran, Option<u64>, ExecutionResources),
) -> TestRun {
    let start = Instant::now();
    let mut state = classes.fresh_state(executor);
    state.track_resources();
    let mut counter = SyscallCounter::new(&mut state);
    let (ran, remaining_gas, mut resources) = run(&mut counter);
    resources.syscalls = counter.into_counts();
    if let Some(nested) = state.take_tracked_resources() {
        resources.add(&nested);
    }
    TestRun {
        ran,
        remaining_gas,
        resources,
        time: start.elapsed(),
    }
}

/// The VM: the test program compiled to CASM once, shared by every thread running tests.
pub struct VmTests {
    program: Arc<SierraProgram>,
    /// The test class hashes, each run on `program`.
    class_hashes: Vec<Felt>,
    classes: TestClasses,
}

impl VmTests {
    pub fn new(suite: &TestSuite) -> Result<Self> {
        let program = Arc::new(SierraProgram::with_function_costs(
            suite.program.clone(),
            suite.function_costs.iter().cloned(),
        )?);
        let classes = TestClasses::new(&suite.contracts, &Arc::new(suite.program.clone()))?;
        Ok(Self {
            program,
            class_hashes: suite
                .contracts
                .iter()
                .map(|contract| contract.class_hash)
                .collect(),
            classes,
        })
    }

    /// An executor running the test program's contracts (one per test: executors are not
    /// shared between threads, their compiled program is).
    fn executor(&self) -> Result<Rc<VmExecutor>> {
        let executor = Rc::new(VmExecutor::new());
        for class_hash in &self.class_hashes {
            executor.share_program(*class_hash, Arc::clone(&self.program))?;
        }
        Ok(executor)
    }
}

impl TestBackend for VmTests {
    fn run(&self, test: &TestCase, gas: u64) -> TestRun {
        let executor = match self.executor() {
            Ok(executor) => executor,
            Err(error) => return TestRun::failed(error.to_string()),
        };
        run_with_state(&self.classes, executor, |handler| {
            let outcome = self.program.function(&test.name).and_then(|function| {
                self.program
                    .prepare_with_syscalls(function, &[], Some(gas), handler)?
                    .run_until_end()
            });
            match outcome {
                Ok(result) => {
                    let ran = match result.outcome {
                        SierraOutcome::Success(_) => Ran::Returned,
                        SierraOutcome::Panic(data) => Ran::Panicked(data),
                    };
                    let resources = ExecutionResources::of_vm_run(
                        Default::default(),
                        result.builtins,
                        result.steps,
                    );
                    (ran, result.remaining_gas, resources)
                }
                Err(error) => (
                    Ran::Failed(error.to_string()),
                    None,
                    ExecutionResources::zero(),
                ),
            }
        })
    }

    fn entry_cost(&self, test: &TestCase) -> Result<u64> {
        let function = self.program.function(&test.name)?;
        Ok(self.program.entry_cost(function))
    }

    fn shareable(&self) -> Option<&(dyn TestBackend + Sync)> {
        Some(self)
    }
}

/// Native code: the test program JIT-compiled once (what cannot be compiled left out, so that
/// one test's unsupported libfunc fails that test alone).
#[cfg(feature = "native")]
pub struct NativeTests {
    program: Rc<cairn_native_codegen::JitProgram>,
    executor: Rc<cairn_native_codegen::contract::NativeExecutor>,
    classes: TestClasses,
}

#[cfg(feature = "native")]
impl NativeTests {
    pub fn new(suite: &TestSuite, opt_level: u8) -> Result<Self> {
        use cairn_native_codegen::contract::NativeExecutor;
        use cairn_native_codegen::{JitProgram, OptLevel};
        let level = OptLevel::from_number(opt_level)
            .ok_or_else(|| anyhow::anyhow!("--opt-level takes 0 to 3"))?;
        let program = Rc::new(JitProgram::compile_partial_with_costs(
            suite.program.clone(),
            level,
            &suite.function_costs,
        )?);
        let executor = Rc::new(NativeExecutor::new(level));
        for contract in &suite.contracts {
            executor.share_program(contract.class_hash, Rc::clone(&program));
        }
        let classes = TestClasses::new(&suite.contracts, &Arc::new(suite.program.clone()))?;
        Ok(Self {
            program,
            executor,
            classes,
        })
    }
}

#[cfg(feature = "native")]
impl TestBackend for NativeTests {
    fn run(&self, test: &TestCase, gas: u64) -> TestRun {
        use cairn_native_codegen::NativeOutcome;
        run_with_state(&self.classes, self.executor.clone(), |handler| {
            match self
                .program
                .run_with_syscalls(&test.name, &[], Some(gas), handler)
            {
                Ok(result) => {
                    let ran = match result.outcome {
                        NativeOutcome::Success(_) => Ran::Returned,
                        NativeOutcome::Panic(data) => Ran::Panicked(data),
                    };
                    let resources =
                        ExecutionResources::of_native_run(Default::default(), result.builtins);
                    (ran, result.remaining_gas, resources)
                }
                Err(error) => (
                    Ran::Failed(error.to_string()),
                    None,
                    ExecutionResources::default(),
                ),
            }
        })
    }

    fn entry_cost(&self, test: &TestCase) -> Result<u64> {
        let (_, function) = self.program.info().function(&test.name)?;
        Ok(self.program.info().entry_cost(function))
    }
}
