//! Starknet contract workloads: ERC20 transfers, a storage-heavy loop and nested calls, each run
//! as transactions on an in-memory [`StarknetState`] on the VM and natively (classes from a disk
//! cache, as a node would keep them), after checking that both give the same records and storage.
//!
//! Per workload the report gives the time of one operation on each backend, the native
//! compile time of its classes (cache cold) and the time to load its main class from the cache
//! (cache warm).

use std::rc::Rc;
use std::time::{Duration, Instant};

use cairn_native_codegen::contract::NativeExecutor;
use cairn_native_codegen::OptLevel;
use cairn_vm_core::contract::VmExecutor;
use cairn_vm_core::starknet::{
    selector, CallRecord, ContractClass, EntryPointExecutor, Felt, StarknetState,
};

use crate::suite::format_seconds;

/// Gas given to each operation.
const GAS: u64 = 1_000_000_000;

/// Why a contract workload could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum ContractBenchError {
    /// A class did not load, or a deployment or call failed to run.
    #[error("{workload}: {detail}")]
    Run {
        /// The workload.
        workload: &'static str,
        /// What failed.
        detail: String,
    },
    /// The backends disagree: nothing is timed.
    #[error("{workload}: native gives {native}, the VM gives {vm}")]
    Mismatch {
        /// The workload.
        workload: &'static str,
        /// The VM's record or storage.
        vm: String,
        /// The native backend's.
        native: String,
    },
    /// The cache folder could not be made.
    #[error("{0}: cannot make the class cache folder: {1}")]
    Io(&'static str, #[source] std::io::Error),
}

/// The classes the workloads deploy.
const ERC20_CLASS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/starknet/compiled/erc20_ERC20.contract_class.json"
));
const WORKLOADS_CLASS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../benches/programs/compiled/contracts/workloads_Workloads.contract_class.json"
));

/// One operation a workload repeats: a call from `caller` to `address`.
#[derive(Clone, Debug)]
struct Operation {
    caller: Felt,
    address: Felt,
    selector: Felt,
    calldata: Vec<Felt>,
}

/// A workload: how to set a state up, and the operations it then repeats in turn.
pub struct ContractWorkload {
    /// Short name.
    pub name: &'static str,
    /// What one operation does.
    pub description: &'static str,
    /// Operations per timed sample.
    pub operations: usize,
    /// Operations per sample in quick mode.
    pub quick_operations: usize,
    /// The source of its classes, as (name, class JSON); the first is the one whose warm load
    /// is timed.
    classes: &'static [(&'static str, &'static str)],
    /// Deploys what it needs; returns the operations to cycle through.
    setup: fn(&mut StarknetState, &[Felt]) -> Result<Vec<Operation>, String>,
}

/// Every contract workload, in report order.
pub static CONTRACT_WORKLOADS: [ContractWorkload; 4] = [
    ContractWorkload {
        name: "erc20_transfer",
        description: "one ERC20 `transfer` (2 storage reads, 2 writes, an event)",
        operations: 1000,
        quick_operations: 4,
        classes: &[("ERC20", ERC20_CLASS)],
        setup: erc20_setup,
    },
    ContractWorkload {
        name: "erc20_many_holders",
        description: "one ERC20 `transfer` along a ring of 256 holders at full-size addresses",
        operations: 1000,
        quick_operations: 4,
        classes: &[("ERC20", ERC20_CLASS)],
        setup: erc20_many_holders_setup,
    },
    ContractWorkload {
        name: "storage_loop",
        description: "one call writing 100 map entries, then reading them back",
        operations: 50,
        quick_operations: 2,
        classes: &[("Workloads", WORKLOADS_CLASS)],
        setup: storage_setup,
    },
    ContractWorkload {
        name: "nested_calls",
        description: "one call making 20 calls to another contract (each a storage write)",
        operations: 50,
        quick_operations: 2,
        classes: &[("Workloads", WORKLOADS_CLASS)],
        setup: nested_setup,
    },
];

/// The workload called `name`.
pub fn find_workload(name: &str) -> Option<&'static ContractWorkload> {
    CONTRACT_WORKLOADS
        .iter()
        .find(|workload| workload.name == name)
}

fn deploy(state: &mut StarknetState, class_hash: Felt, calldata: &[Felt]) -> Result<Felt, String> {
    let (address, record) = state
        .deploy(class_hash, Felt::ONE, calldata, Felt::ZERO, GAS)
        .map_err(|error| error.to_string())?;
    if !record.outcome.is_success() {
        return Err(format!("deployment reverted: {:?}", record.outcome));
    }
    Ok(address)
}

/// A token with a supply of 10^9 at 0x111; transfers of 1 go back and forth to 0x222.
fn erc20_setup(state: &mut StarknetState, classes: &[Felt]) -> Result<Vec<Operation>, String> {
    let (alice, bob) = (Felt::from(0x111), Felt::from(0x222));
    // name "Token", symbol "TKN" (ByteArrays), supply (u256), recipient.
    let constructor = [0u64, 0x546f6b656e, 5, 0, 0x544b4e, 3, 1_000_000_000, 0]
        .map(Felt::from)
        .into_iter()
        .chain([alice])
        .collect::<Vec<_>>();
    let token = deploy(state, classes[0], &constructor)?;
    let transfer = |from: Felt, to: Felt| Operation {
        caller: from,
        address: token,
        selector: selector("transfer"),
        calldata: vec![to, Felt::ONE, Felt::ZERO],
    };
    Ok(vec![transfer(alice, bob), transfer(bob, alice)])
}

/// Holders of a token as chains have them: full-size addresses (below 2^250, as every contract
/// address is below 2^251), none near another.
fn holder_address(index: u64) -> Felt {
    let spread = Felt::from_hex_unchecked(
        "0x3d937c035c878245caf64531a5756109c53068da139362728feb561405371cb",
    ) * Felt::from(index + 1);
    let mut bytes = spread.to_bytes_be();
    bytes[0] &= 0x03;
    Felt::from_bytes_be(&bytes)
}

/// Holders in a ring, the token's supply at the first: transfer `i` sends 1 from holder `i` to
/// holder `i + 1`, so each holder has received its unit before it sends it on, and no two
/// consecutive transfers touch the same pair of balances (unlike `erc20_transfer`'s two small
/// addresses, which a benchmark could flatter by remembering their storage addresses).
fn erc20_many_holders_setup(
    state: &mut StarknetState,
    classes: &[Felt],
) -> Result<Vec<Operation>, String> {
    const HOLDERS: u64 = 256;
    let holders: Vec<Felt> = (0..HOLDERS).map(holder_address).collect();
    let constructor = [0u64, 0x546f6b656e, 5, 0, 0x544b4e, 3, 1_000_000_000, 0]
        .map(Felt::from)
        .into_iter()
        .chain([holders[0]])
        .collect::<Vec<_>>();
    let token = deploy(state, classes[0], &constructor)?;
    Ok(holders
        .iter()
        .zip(holders.iter().cycle().skip(1))
        .map(|(from, to)| Operation {
            caller: *from,
            address: token,
            selector: selector("transfer"),
            calldata: vec![*to, Felt::ONE, Felt::ZERO],
        })
        .collect())
}

fn storage_setup(state: &mut StarknetState, classes: &[Felt]) -> Result<Vec<Operation>, String> {
    let contract = deploy(state, classes[0], &[])?;
    Ok(vec![Operation {
        caller: Felt::ZERO,
        address: contract,
        selector: selector("fill"),
        calldata: vec![Felt::from(100)],
    }])
}

fn nested_setup(state: &mut StarknetState, classes: &[Felt]) -> Result<Vec<Operation>, String> {
    let caller = deploy(state, classes[0], &[])?;
    // A second instance (another salt) is the callee.
    let (callee, _) = state
        .deploy(classes[0], Felt::TWO, &[], Felt::ZERO, GAS)
        .map_err(|error| error.to_string())?;
    Ok(vec![Operation {
        caller: Felt::ZERO,
        address: caller,
        selector: selector("ping"),
        calldata: vec![callee, Felt::from(20)],
    }])
}

/// One workload measured on both backends.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ContractReport {
    /// The workload's name.
    pub workload: &'static str,
    /// What one operation does.
    pub description: &'static str,
    /// Operations per sample.
    pub operations: usize,
    /// Gas one operation uses (the first; every backend uses the same).
    pub gas_per_operation: u64,
    /// Median seconds per operation on the VM.
    pub vm_s: f64,
    /// Median seconds per operation natively (classes loaded from the cache).
    pub native_s: f64,
    /// Seconds to compile the workload's classes natively into an empty cache.
    pub native_compile_s: f64,
    /// Seconds to load the main class from a warm cache, ready to call.
    pub native_load_s: f64,
    /// Samples per backend.
    pub samples: usize,
}

impl ContractReport {
    /// How many times faster native is than the VM per operation.
    pub fn speedup(&self) -> f64 {
        self.vm_s / self.native_s
    }
}

/// A state on `executor` with the workload's classes declared and its setup done.
fn prepare_state(
    workload: &'static ContractWorkload,
    executor: Rc<dyn EntryPointExecutor>,
    classes: &[ContractClass],
) -> Result<(StarknetState, Vec<Operation>), ContractBenchError> {
    let error = |detail: String| ContractBenchError::Run {
        workload: workload.name,
        detail,
    };
    let mut state = StarknetState::new(executor);
    let hashes = classes
        .iter()
        .map(|class| state.declare_class(class.clone()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| error(e.to_string()))?;
    let operations = (workload.setup)(&mut state, &hashes).map_err(error)?;
    Ok((state, operations))
}

/// Runs operations `first..first + count` (cycling through the list); the first one's record.
fn run_operations(
    workload: &'static ContractWorkload,
    state: &mut StarknetState,
    operations: &[Operation],
    first: usize,
    count: usize,
) -> Result<Option<CallRecord>, ContractBenchError> {
    let mut first_record = None;
    for index in first..first + count {
        let operation = &operations[index % operations.len()];
        let record = state
            .call(
                operation.caller,
                operation.address,
                operation.selector,
                &operation.calldata,
                GAS,
            )
            .map_err(|error| ContractBenchError::Run {
                workload: workload.name,
                detail: error.to_string(),
            })?;
        if !record.outcome.is_success() {
            return Err(ContractBenchError::Run {
                workload: workload.name,
                detail: format!("operation {index} reverted: {:?}", record.outcome),
            });
        }
        first_record.get_or_insert(record);
    }
    Ok(first_record)
}

/// Checks that the VM and native give the same record and storage on `workload`, then times
/// `samples` rounds of its operations on each (alternating), and native compile and load.
pub fn measure_contract(
    workload: &'static ContractWorkload,
    quick: bool,
    samples: usize,
    opt_level: OptLevel,
) -> Result<ContractReport, ContractBenchError> {
    let classes = workload
        .classes
        .iter()
        .map(|(name, json)| {
            ContractClass::from_json(json).map_err(|error| ContractBenchError::Run {
                workload: workload.name,
                detail: format!("class {name}: {error}"),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let hashes = classes
        .iter()
        .map(|class| class.class_hash())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| ContractBenchError::Run {
            workload: workload.name,
            detail: error.to_string(),
        })?;
    let cache =
        tempfile::tempdir().map_err(|error| ContractBenchError::Io(workload.name, error))?;

    // Cache cold: compile every class into the folder.
    let cold = NativeExecutor::with_cache(opt_level, cache.path());
    let start = Instant::now();
    for (hash, class) in hashes.iter().zip(&classes) {
        cold.prepare(*hash, class)
            .map_err(|error| ContractBenchError::Run {
                workload: workload.name,
                detail: error.to_string(),
            })?;
    }
    let native_compile = start.elapsed();
    drop(cold);

    // Cache warm: a new executor (as a new process would) loads the main class.
    let warm = Rc::new(NativeExecutor::with_cache(opt_level, cache.path()));
    let start = Instant::now();
    warm.prepare(hashes[0], &classes[0])
        .map_err(|error| ContractBenchError::Run {
            workload: workload.name,
            detail: error.to_string(),
        })?;
    let native_load = start.elapsed();

    let (mut vm_state, operations) = prepare_state(workload, Rc::new(VmExecutor::new()), &classes)?;
    let (mut native_state, _) = prepare_state(workload, warm, &classes)?;

    // The same operation on both, then the same storage.
    let vm_record = run_operations(workload, &mut vm_state, &operations, 0, 1)?;
    let native_record = run_operations(workload, &mut native_state, &operations, 0, 1)?;
    let neutral = |record: &Option<CallRecord>| record.as_ref().map(CallRecord::backend_neutral);
    if neutral(&vm_record) != neutral(&native_record) {
        return Err(ContractBenchError::Mismatch {
            workload: workload.name,
            vm: format!("{vm_record:?}"),
            native: format!("{native_record:?}"),
        });
    }
    let gas_per_operation = vm_record.map_or(0, |record| GAS - record.remaining_gas);

    let count = if quick {
        workload.quick_operations
    } else {
        workload.operations
    };
    let samples = samples.max(1);
    let mut vm_times = Vec::with_capacity(samples);
    let mut native_times = Vec::with_capacity(samples);
    let mut next = 1;
    for _ in 0..samples {
        let start = Instant::now();
        run_operations(workload, &mut vm_state, &operations, next, count)?;
        vm_times.push(start.elapsed());
        let start = Instant::now();
        run_operations(workload, &mut native_state, &operations, next, count)?;
        native_times.push(start.elapsed());
        next += count;
    }
    let (vm_storage, native_storage) = (vm_state.sorted_storage(), native_state.sorted_storage());
    if vm_storage != native_storage {
        return Err(ContractBenchError::Mismatch {
            workload: workload.name,
            vm: format!("storage {vm_storage:?}"),
            native: format!("storage {native_storage:?}"),
        });
    }
    let per_operation = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2].as_secs_f64() / count as f64
    };
    Ok(ContractReport {
        workload: workload.name,
        description: workload.description,
        operations: count,
        gas_per_operation,
        vm_s: per_operation(vm_times),
        native_s: per_operation(native_times),
        native_compile_s: native_compile.as_secs_f64(),
        native_load_s: native_load.as_secs_f64(),
        samples,
    })
}

/// A Markdown table of contract reports: time per operation on each backend, operations per
/// second natively, the speed-up, and native compile (cache cold) and load (cache warm) times.
pub fn render_contract_table(reports: &[ContractReport]) -> String {
    let mut lines = vec![
        "| workload | gas / op | vm / op | native / op | native ops/s | native vs vm | compile (cold cache) | load (warm cache) |".to_string(),
        "|---|---|---|---|---|---|---|---|".to_string(),
    ];
    for report in reports {
        lines.push(format!(
            "| {} | {} | {} | {} | {:.0} | {:.0}× | {} | {} |",
            report.workload,
            report.gas_per_operation,
            format_seconds(report.vm_s),
            format_seconds(report.native_s),
            1.0 / report.native_s,
            report.speedup(),
            format_seconds(report.native_compile_s),
            format_seconds(report.native_load_s),
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_have_distinct_full_size_contract_addresses() {
        let holders: Vec<Felt> = (0..256).map(holder_address).collect();
        let distinct: std::collections::BTreeSet<_> = holders.iter().collect();
        assert_eq!(distinct.len(), holders.len());
        let two_to_250 = Felt::TWO.pow(250u32);
        for holder in &holders {
            assert!(*holder < two_to_250, "{holder:#x}");
            // Full-size: each needs more than 200 bits (so the keys hash as real ones do).
            assert!(holder.bits() > 200, "{holder:#x}");
        }
    }
}
