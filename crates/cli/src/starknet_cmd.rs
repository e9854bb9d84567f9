//! `cairn declare`, `cairn deploy`, `cairn call`: Starknet contracts against a state kept in a
//! JSON file between commands (classes, contracts, storage, block), on either backend.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{bail, Context, Result};
use cairn_vm_core::contract::VmExecutor;
use cairn_vm_core::starknet::{
    selector, CallOutcome, CallRecord, ContractClass, EntryPointExecutor, Felt, StarknetState,
};
use clap::Args;
use serde::{Deserialize, Serialize};

use crate::run::Backend;

/// Where the state lives and which backend runs it.
#[derive(Args)]
pub struct StateArgs {
    /// The state file (created when missing): declared classes, deployed contracts, storage and
    /// the block, kept between commands.
    #[arg(long, value_name = "FILE", default_value = "cairn-state.json")]
    state: PathBuf,

    /// Run on the interpreted VM or natively.
    #[arg(long, value_enum, default_value_t = Backend::Vm)]
    backend: Backend,

    /// Gas given to the transaction.
    #[arg(long, value_name = "N", default_value_t = 1_000_000_000)]
    gas: u64,

    /// Print the result as JSON.
    #[arg(long)]
    json: bool,

    /// Where `--backend native` keeps compiled classes between runs (default:
    /// `$CAIRN_CACHE/classes`, else `~/.cache/cairn/classes`).
    #[arg(long, value_name = "DIR")]
    class_cache: Option<PathBuf>,

    /// Compile classes in memory for this run only.
    #[arg(long, conflicts_with = "class_cache")]
    no_class_cache: bool,
}

impl StateArgs {
    /// The class cache folder, unless turned off.
    fn class_cache(&self) -> Option<PathBuf> {
        if self.no_class_cache {
            return None;
        }
        self.class_cache
            .clone()
            .or_else(|| crate::cache::folder("classes"))
    }
}

/// `cairn declare`.
#[derive(Args)]
pub struct DeclareArgs {
    /// A Sierra contract class (`*.contract_class.json`).
    class: PathBuf,

    #[command(flatten)]
    state: StateArgs,
}

/// `cairn deploy`.
#[derive(Args)]
pub struct DeployArgs {
    /// The class: its hash (declared before) or its file (declared now).
    class: String,

    /// The constructor's calldata: a JSON array of felts (numbers or strings).
    #[arg(long, value_name = "JSON", default_value = "[]")]
    calldata: String,

    /// The deployment's salt.
    #[arg(long, value_name = "FELT", default_value = "0")]
    salt: String,

    /// Who deploys (the address is computed from it, as Starknet does).
    #[arg(long, value_name = "FELT", default_value = "0")]
    deployer: String,

    #[command(flatten)]
    state: StateArgs,
}

/// `cairn call`.
#[derive(Args)]
pub struct CallArgs {
    /// The contract's address, or a class file (the state's one contract of that class, deployed
    /// now without constructor arguments when there is none).
    contract: String,

    /// The entry point's name.
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with = "selector",
        required_unless_present = "selector"
    )]
    function: Option<String>,

    /// The entry point's selector.
    #[arg(long, value_name = "FELT")]
    selector: Option<String>,

    /// The calldata: a JSON array of felts (numbers or strings).
    #[arg(long, value_name = "JSON", default_value = "[]")]
    calldata: String,

    /// The caller's address (0: a transaction's first call).
    #[arg(long, value_name = "FELT", default_value = "0")]
    caller: String,

    /// Deliver a message from this L1 address: runs the L1 handler named by --function or
    /// --selector with the sender, then --calldata (the message's payload), as its calldata.
    #[arg(long, value_name = "FELT", conflicts_with = "caller")]
    from_l1: Option<String>,

    /// The block number the contract sees.
    #[arg(long, value_name = "N")]
    block_number: Option<u64>,

    /// The block timestamp the contract sees.
    #[arg(long, value_name = "N")]
    block_timestamp: Option<u64>,

    #[command(flatten)]
    state: StateArgs,
}

/// The state file.
#[derive(Default, Serialize, Deserialize)]
struct StateFile {
    /// Class hash → class file (relative paths are relative to the state file).
    #[serde(default)]
    classes: BTreeMap<String, PathBuf>,
    /// Contract address → class hash.
    #[serde(default)]
    contracts: BTreeMap<String, String>,
    /// Contract address → key → value.
    #[serde(default)]
    storage: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    block: BlockFile,
}

#[derive(Default, Serialize, Deserialize)]
struct BlockFile {
    number: u64,
    timestamp: u64,
}

/// A state loaded from its file.
struct Loaded {
    state: StarknetState,
    file: StateFile,
    path: PathBuf,
}

fn felt(text: &str, what: &str) -> Result<Felt> {
    let text = text.trim();
    let parsed = if let Some(hex) = text.strip_prefix("0x") {
        Felt::from_hex(&format!("0x{hex}")).ok()
    } else {
        Felt::from_dec_str(text).ok()
    };
    parsed.with_context(|| format!("{what} `{text}` is not a felt (a decimal or 0x-hex number)"))
}

fn calldata(json: &str, flag: &str) -> Result<Vec<Felt>> {
    let value: serde_json::Value =
        serde_json::from_str(json).with_context(|| format!("{flag} is not valid JSON"))?;
    let items = value
        .as_array()
        .with_context(|| format!("{flag} must be a JSON array of felts"))?;
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let text = match item {
                serde_json::Value::Number(number) => number.to_string(),
                serde_json::Value::String(text) => text.clone(),
                other => bail!("{flag}[{index}]: {other} is not a felt"),
            };
            felt(&text, &format!("{flag}[{index}]"))
        })
        .collect()
}

fn executor(args: &StateArgs) -> Result<Rc<dyn EntryPointExecutor>> {
    Ok(match args.backend {
        Backend::Vm => Rc::new(VmExecutor::new()),
        Backend::Native => native_executor(args.class_cache())?,
    })
}

#[cfg(feature = "native")]
fn native_executor(cache: Option<PathBuf>) -> Result<Rc<dyn EntryPointExecutor>> {
    use cairn_native_codegen::contract::NativeExecutor;
    let level = cairn_native_codegen::OptLevel::default();
    Ok(match cache {
        Some(folder) => Rc::new(NativeExecutor::with_cache(level, folder)),
        None => Rc::new(NativeExecutor::new(level)),
    })
}

#[cfg(not(feature = "native"))]
fn native_executor(_: Option<PathBuf>) -> Result<Rc<dyn EntryPointExecutor>> {
    bail!("this cairn was built without the `native` feature")
}

fn read_class(path: &Path) -> Result<ContractClass> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    ContractClass::from_json(&text).with_context(|| format!("{}", path.display()))
}

impl Loaded {
    fn open(args: &StateArgs) -> Result<Self> {
        let path = args.state.clone();
        let file: StateFile = if path.exists() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{} is not a Cairn state file", path.display()))?
        } else {
            StateFile::default()
        };
        let mut state = StarknetState::new(executor(args)?);
        let base = path.parent().map(Path::to_owned).unwrap_or_default();
        for (hash, class_path) in &file.classes {
            let class = read_class(&base.join(class_path))?;
            state.declare(felt(hash, "a class hash in the state file")?, class);
        }
        for (address, hash) in &file.contracts {
            state.set_contract(
                felt(address, "a contract address in the state file")?,
                felt(hash, "a class hash in the state file")?,
            );
        }
        for (address, cells) in &file.storage {
            let address = felt(address, "a contract address in the state file")?;
            for (key, value) in cells {
                state.set_storage(
                    address,
                    felt(key, "a storage key in the state file")?,
                    felt(value, "a storage value in the state file")?,
                );
            }
        }
        state.execution_info_mut().block_info.block_number = file.block.number;
        state.execution_info_mut().block_info.block_timestamp = file.block.timestamp;
        Ok(Self { state, file, path })
    }

    /// Declares the class in `path` (its hash computed as Starknet does); returns the hash.
    fn declare(&mut self, path: &Path) -> Result<Felt> {
        let class = read_class(path)?;
        let hash = class
            .class_hash()
            .with_context(|| format!("cannot compute the class hash of {}", path.display()))?;
        let absolute = path
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", path.display()))?;
        self.state.declare(hash, class);
        self.file.classes.insert(format!("{hash:#x}"), absolute);
        Ok(hash)
    }

    fn save(&mut self) -> Result<()> {
        self.file.contracts = self
            .state
            .contracts()
            .map(|(address, hash)| (format!("{address:#x}"), format!("{hash:#x}")))
            .collect();
        let mut storage: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for ((address, key), value) in self.state.storage_cells() {
            storage
                .entry(format!("{address:#x}"))
                .or_default()
                .insert(format!("{key:#x}"), format!("{value:#x}"));
        }
        self.file.storage = storage;
        let block = &self.state.execution_info().block_info;
        self.file.block = BlockFile {
            number: block.block_number,
            timestamp: block.block_timestamp,
        };
        let json = serde_json::to_string_pretty(&self.file)?;
        // Written beside and renamed, so a failed write leaves the old state whole.
        let temporary = self.path.with_extension("json.tmp");
        std::fs::write(&temporary, json + "\n")
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        std::fs::rename(&temporary, &self.path)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }

    fn storage_snapshot(&self) -> BTreeMap<(Felt, Felt), Felt> {
        self.state
            .storage_cells()
            .map(|(key, value)| (*key, *value))
            .collect()
    }
}

pub fn declare(args: DeclareArgs) -> Result<()> {
    let mut loaded = Loaded::open(&args.state)?;
    let hash = loaded.declare(&args.class)?;
    loaded.save()?;
    if args.state.json {
        println!(
            "{}",
            serde_json::json!({ "class_hash": format!("{hash:#x}") })
        );
    } else {
        println!("class hash: {hash:#x}");
    }
    Ok(())
}

pub fn deploy(args: DeployArgs) -> Result<()> {
    let mut loaded = Loaded::open(&args.state)?;
    let class_hash = class_argument(&mut loaded, &args.class)?;
    let calldata = calldata(&args.calldata, "--calldata")?;
    let salt = felt(&args.salt, "--salt")?;
    let deployer = felt(&args.deployer, "--deployer")?;
    let before = loaded.storage_snapshot();
    let (address, record) =
        loaded
            .state
            .deploy(class_hash, salt, &calldata, deployer, args.state.gas)?;
    report(&loaded, Some(address), &record, &before, &args.state)?;
    loaded.save()?;
    outcome_status(&record)
}

pub fn call(args: CallArgs) -> Result<()> {
    let mut loaded = Loaded::open(&args.state)?;
    let address = if args.contract.ends_with(".json") {
        let class_hash = loaded.declare(Path::new(&args.contract))?;
        let existing: Vec<Felt> = loaded
            .state
            .contracts()
            .filter(|(_, hash)| *hash == class_hash)
            .map(|(address, _)| address)
            .collect();
        match existing.as_slice() {
            [address] => *address,
            [] => {
                let (address, record) =
                    loaded
                        .state
                        .deploy(class_hash, Felt::ZERO, &[], Felt::ZERO, args.state.gas)?;
                if let CallOutcome::Revert(reason) = &record.outcome {
                    bail!(
                        "deploying {} without constructor arguments failed: {}",
                        args.contract,
                        reason_text(reason)
                    );
                }
                address
            }
            _ => bail!(
                "the state has {} contracts of class {class_hash:#x}: call one by its address",
                existing.len()
            ),
        }
    } else {
        felt(&args.contract, "the contract address")?
    };
    let selector = match (&args.function, &args.selector) {
        (Some(name), _) => selector(name),
        (None, Some(text)) => felt(text, "--selector")?,
        (None, None) => bail!("give --function NAME or --selector FELT"),
    };
    let calldata = calldata(&args.calldata, "--calldata")?;
    let caller = felt(&args.caller, "--caller")?;
    if let Some(number) = args.block_number {
        loaded.state.execution_info_mut().block_info.block_number = number;
    }
    if let Some(timestamp) = args.block_timestamp {
        loaded.state.execution_info_mut().block_info.block_timestamp = timestamp;
    }
    let before = loaded.storage_snapshot();
    let record = match &args.from_l1 {
        Some(sender) => loaded.state.l1_handler(
            felt(sender, "--from-l1")?,
            address,
            selector,
            &calldata,
            args.state.gas,
        )?,
        None => loaded
            .state
            .call(caller, address, selector, &calldata, args.state.gas)?,
    };
    report(&loaded, None, &record, &before, &args.state)?;
    loaded.save()?;
    outcome_status(&record)
}

/// A class hash, or a class file declared now.
fn class_argument(loaded: &mut Loaded, text: &str) -> Result<Felt> {
    if text.ends_with(".json") {
        return loaded.declare(Path::new(text));
    }
    let hash = felt(text, "the class hash")?;
    if loaded.state.class(hash).is_none() {
        bail!(
            "no class is declared with hash {hash:#x} in the state (declare it, or give its file)"
        );
    }
    Ok(hash)
}

fn outcome_status(record: &CallRecord) -> Result<()> {
    match record.outcome {
        CallOutcome::Success(_) => Ok(()),
        CallOutcome::Revert(_) => Err(crate::ExitQuietly.into()),
    }
}

/// A revert reason as Cairo tooling prints panic data: short strings quoted, a ByteArray as its
/// text.
fn reason_text(reason: &[Felt]) -> String {
    let data: Vec<cairn_vm_core::Felt252> = reason.to_vec();
    cairn_vm_core::sierra::format_panic(&data)
        .trim_start_matches("Run panicked with ")
        .trim_end_matches('.')
        .to_owned()
}

fn report(
    loaded: &Loaded,
    address: Option<Felt>,
    record: &CallRecord,
    before: &BTreeMap<(Felt, Felt), Felt>,
    args: &StateArgs,
) -> Result<()> {
    let after = loaded.storage_snapshot();
    let changes: Vec<(Felt, Felt, Felt, Felt)> = after
        .iter()
        // A cell never written reads 0: writing 0 there changes nothing.
        .filter(|(key, value)| before.get(key).copied().unwrap_or(Felt::ZERO) != **value)
        .map(|((contract, key), value)| {
            let old = before
                .get(&(*contract, *key))
                .copied()
                .unwrap_or(Felt::ZERO);
            (*contract, *key, old, *value)
        })
        .collect();
    let gas_used = args.gas.saturating_sub(record.remaining_gas);
    let hex = |felts: &[Felt]| {
        felts
            .iter()
            .map(|felt| format!("{felt:#x}"))
            .collect::<Vec<_>>()
    };
    if args.json {
        let (status, retdata, reason) = match &record.outcome {
            CallOutcome::Success(data) => ("success", Some(hex(data)), None),
            CallOutcome::Revert(reason) => ("reverted", None, Some(hex(reason))),
        };
        let report = serde_json::json!({
            "status": status,
            "contract_address": address.map(|address| format!("{address:#x}")),
            "retdata": retdata,
            "revert_reason": reason,
            "events": record.events.iter().map(|event| serde_json::json!({
                "from_address": format!("{:#x}", event.from_address),
                "keys": hex(&event.keys),
                "data": hex(&event.data),
            })).collect::<Vec<_>>(),
            "messages_to_l1": record.messages.iter().map(|message| serde_json::json!({
                "from_address": format!("{:#x}", message.from_address),
                "to_address": format!("{:#x}", message.to_address),
                "payload": hex(&message.payload),
            })).collect::<Vec<_>>(),
            "storage_changes": changes.iter().map(|(contract, key, old, new)| serde_json::json!({
                "contract_address": format!("{contract:#x}"),
                "key": format!("{key:#x}"),
                "old": format!("{old:#x}"),
                "new": format!("{new:#x}"),
            })).collect::<Vec<_>>(),
            "gas_used": gas_used,
            "remaining_gas": record.remaining_gas,
            "syscalls": record.resources.syscalls,
            // Builtin instances on both backends; VM steps on the VM (null natively).
            "builtins": record.resources.builtins,
            "steps": record.resources.vm_steps,
        });
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    if let Some(address) = address {
        println!("contract address: {address:#x}");
    }
    match &record.outcome {
        CallOutcome::Success(data) => {
            println!("status: success");
            println!("retdata: [{}]", hex(data).join(", "));
        }
        CallOutcome::Revert(reason) => {
            println!("status: reverted");
            println!("revert reason: {}", reason_text(reason));
        }
    }
    for event in &record.events {
        println!(
            "event from {:#x}: keys [{}] data [{}]",
            event.from_address,
            hex(&event.keys).join(", "),
            hex(&event.data).join(", ")
        );
    }
    for message in &record.messages {
        println!(
            "message from {:#x} to L1 {:#x}: [{}]",
            message.from_address,
            message.to_address,
            hex(&message.payload).join(", ")
        );
    }
    for (contract, key, old, new) in &changes {
        println!("storage {contract:#x} [{key:#x}]: {old:#x} -> {new:#x}");
    }
    if !record.resources.syscalls.is_empty() {
        let counts: Vec<String> = record
            .resources
            .syscalls
            .iter()
            .map(|(name, count)| format!("{name} {count}"))
            .collect();
        println!("syscalls: {}", counts.join(", "));
    }
    println!("gas used: {gas_used} (remaining {})", record.remaining_gas);
    Ok(())
}
