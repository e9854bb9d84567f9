//! `cairn-peer-cairo-native contract WORKLOAD CLASS.contract_class.json [--ops N] [--runs R]`:
//! one of Cairn's contract workloads on cairo-native's `AotContractExecutor` with its own
//! `StubSyscallHandler` (storage, events, nested calls through an `AotNativeExecutor`), the
//! same operations `cairn bench --contracts` times. Prints one JSON object: compile time (cache
//! cold), load time from the compiled library (cache warm), median seconds per operation, and
//! the gas and return data of the first operation (so the caller can compare with Cairn's).

use std::sync::Arc;
use std::time::{Duration, Instant};

use cairo_lang_sierra::ids::FunctionId;
use cairo_lang_starknet::contract::ContractInfo;
use cairo_lang_starknet_classes::contract_class::ContractClass;
use cairo_lang_utils::ordered_hash_map::OrderedHashMap;
use cairo_native::context::NativeContext;
use cairo_native::executor::{AotContractExecutor, AotNativeExecutor};
use cairo_native::starknet_stub::StubSyscallHandler;
use cairo_native::OptLevel;
use starknet_types_core::felt::Felt;

const GAS: u64 = 1_000_000_000;

/// `sn_keccak` of an entry point's name.
fn selector(name: &str) -> Felt {
    Felt::from(&cairo_lang_starknet_classes::keccak::starknet_keccak(
        name.as_bytes(),
    ))
}

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64()
}

struct Options {
    workload: String,
    class: String,
    ops: usize,
    runs: usize,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let usage = "usage: cairn-peer-cairo-native contract WORKLOAD CLASS.contract_class.json [--ops N] [--runs R]";
    let mut positional = Vec::new();
    let (mut ops, mut runs) = (100, 5);
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut number = |name: &str| {
            iter.next()
                .and_then(|value| value.parse::<usize>().ok())
                .ok_or(format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--ops" => ops = number("--ops")?,
            "--runs" => runs = number("--runs")?,
            _ => positional.push(arg.clone()),
        }
    }
    let [workload, class] = <[String; 2]>::try_from(positional).map_err(|_| usage.to_string())?;
    Ok(Options {
        workload,
        class,
        ops: ops.max(1),
        runs: runs.max(1),
    })
}

/// Holder `index` of `erc20_many_holders`, as Cairn's bench makes it: a full-size address
/// below 2^250.
fn holder_address(index: u64) -> Felt {
    let spread = Felt::from_hex_unchecked(
        "0x3d937c035c878245caf64531a5756109c53068da139362728feb561405371cb",
    ) * Felt::from(index + 1);
    let mut bytes = spread.to_bytes_be();
    bytes[0] &= 0x03;
    Felt::from_bytes_be(&bytes)
}

/// One call: to `address`'s entry point `selector`, from `caller`.
struct Operation {
    caller: Felt,
    address: Felt,
    selector: Felt,
    calldata: Vec<Felt>,
}

pub fn run(args: &[String]) -> Result<String, String> {
    let options = parse(args)?;
    let text =
        std::fs::read_to_string(&options.class).map_err(|e| format!("{}: {e}", options.class))?;
    let class: ContractClass =
        serde_json::from_str(&text).map_err(|e| format!("{}: not a contract class: {e}", options.class))?;
    let extracted = class
        .extract_sierra_program(false)
        .map_err(|e| format!("{}: {e}", options.class))?;
    let program = extracted.program;

    // Cache cold: compile into a library; cache warm: load it again.
    let folder = tempfile::tempdir().map_err(|e| e.to_string())?;
    let library = folder.path().join("class.so");
    let start = Instant::now();
    AotContractExecutor::new_into(
        &program,
        &class.entry_points_by_type,
        extracted.sierra_version,
        &library,
        OptLevel::Aggressive,
        None,
    )
    .map_err(|e| format!("compile: {e}"))?
    .ok_or("the library is locked")?;
    let compile = start.elapsed();
    let start = Instant::now();
    let executor = AotContractExecutor::from_path(&library)
        .map_err(|e| format!("load: {e}"))?
        .ok_or("the library is locked")?;
    let load = start.elapsed();

    let mut handler = StubSyscallHandler::default();
    let class_hash = Felt::from(0xc1a55);
    let operations = match options.workload.as_str() {
        "erc20_transfer" | "erc20_many_holders" => {
            let token = Felt::from(0x70c3);
            // As Cairn's bench (crates/bench/src/contracts.rs): two small addresses sending 1
            // back and forth, or a ring of 256 holders at full-size addresses.
            let holders: Vec<Felt> = if options.workload == "erc20_transfer" {
                vec![Felt::from(0x111), Felt::from(0x222)]
            } else {
                (0..256).map(holder_address).collect()
            };
            let constructor = [0u64, 0x546f6b656e, 5, 0, 0x544b4e, 3, 1_000_000_000, 0]
                .map(Felt::from)
                .into_iter()
                .chain([holders[0]])
                .collect::<Vec<_>>();
            handler.execution_info.contract_address = token;
            let result = executor
                .run(selector("constructor"), &constructor, GAS, None, &mut handler)
                .map_err(|e| format!("constructor: {e}"))?;
            if result.failure_flag {
                return Err(format!("constructor failed: {:?}", result.return_values));
            }
            holders
                .iter()
                .zip(holders.iter().cycle().skip(1))
                .map(|(from, to)| Operation {
                    caller: *from,
                    address: token,
                    selector: selector("transfer"),
                    calldata: vec![*to, Felt::ONE, Felt::ZERO],
                })
                .collect::<Vec<_>>()
        }
        "storage_loop" => vec![Operation {
            caller: Felt::ZERO,
            address: Felt::from(0xf111),
            selector: selector("fill"),
            calldata: vec![Felt::from(100)],
        }],
        "nested_calls" => {
            // The stub runs nested calls on an AotNativeExecutor of the class's program, by
            // the Sierra function of each external entry point.
            let (caller, callee) = (Felt::from(0xca11), Felt::from(0xca11ee));
            let context = NativeContext::new();
            let module = context
                .compile(&program, false, Some(Default::default()), None)
                .map_err(|e| format!("compile for nested calls: {e}"))?;
            let nested = AotNativeExecutor::from_native_module(module, OptLevel::Aggressive)
                .map_err(|e| format!("AOT for nested calls: {e}"))?;
            handler.executor = Some(Arc::new(nested));
            let function = |index: usize| -> FunctionId { program.funcs[index].id.clone() };
            let externals: OrderedHashMap<_, _> = class
                .entry_points_by_type
                .external
                .iter()
                .map(|entry| (Felt::from(&entry.selector), function(entry.function_idx)))
                .collect();
            handler.contracts_info.insert(
                class_hash,
                ContractInfo {
                    constructor: None,
                    externals,
                    l1_handlers: Default::default(),
                },
            );
            handler.deployed_contracts.insert(caller, class_hash);
            handler.deployed_contracts.insert(callee, class_hash);
            vec![Operation {
                caller: Felt::ZERO,
                address: caller,
                selector: selector("ping"),
                calldata: vec![callee, Felt::from(20)],
            }]
        }
        other => return Err(format!("unknown workload {other}")),
    };

    let mut call = |index: usize, handler: &mut StubSyscallHandler| {
        let operation = &operations[index % operations.len()];
        handler.execution_info.caller_address = operation.caller;
        handler.execution_info.contract_address = operation.address;
        let result = executor
            .run(operation.selector, &operation.calldata, GAS, None, &mut *handler)
            .map_err(|e| format!("operation {index}: {e}"))?;
        if result.failure_flag {
            return Err(format!(
                "operation {index} failed: {:?} {:?}",
                result.return_values, result.error_msg
            ));
        }
        Ok(result)
    };
    let first = call(0, &mut handler)?;
    let mut next = 1;
    let mut times = Vec::new();
    for _ in 0..options.runs {
        let start = Instant::now();
        for index in next..next + options.ops {
            call(index, &mut handler)?;
        }
        times.push(start.elapsed() / options.ops as u32);
        next += options.ops;
    }
    Ok(serde_json::json!({
        "workload": options.workload,
        "compile_s": compile.as_secs_f64(),
        "load_s": load.as_secs_f64(),
        "run_s": median(times),
        "gas_per_operation": GAS - first.remaining_gas,
        "retdata": first.return_values.iter().map(|felt| felt.to_string()).collect::<Vec<_>>(),
    })
    .to_string())
}
