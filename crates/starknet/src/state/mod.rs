//! An in-memory Starknet: classes, contracts, storage, events, messages, nested calls, revert.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use starknet_types_core::felt::{Felt, NonZeroFelt};
use starknet_types_core::hash::{Pedersen, StarkHash};

use crate::class::{ContractClass, EntryPointType};
use crate::error::StarknetError;
use crate::gas::SyscallGasCosts;
use crate::resources::{EntryPointRun, ExecutionResources};
use crate::short_string;
use crate::syscalls::{
    CallOutcome, EntryPointExecutor, ExecutionInfo, SyscallHandler, SyscallResult,
};

mod cheatcodes;
mod syscalls;

/// The state's maps hash with foldhash (seeded per process) rather than SipHash: a storage
/// access hashes a (contract, key) pair of felts, 64 bytes, and SipHash took 5% of a native
/// ERC20 transfer.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
mod transactions;

pub use transactions::{InvokeRecord, InvokeTransaction};

/// An event a contract emitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The contract that emitted it.
    pub from_address: Felt,
    /// Its keys (the first is the event's selector).
    pub keys: Vec<Felt>,
    /// Its data.
    pub data: Vec<Felt>,
}

/// A message a contract sent to L1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct L2ToL1Message {
    /// The contract that sent it.
    pub from_address: Felt,
    /// The L1 address it is for.
    pub to_address: Felt,
    /// What it says.
    pub payload: Vec<Felt>,
}

/// What a call from outside (a transaction's call, a deployment) did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRecord {
    /// How it ended; a revert left the state as it was before the call.
    pub outcome: CallOutcome,
    /// The gas left of what it was given.
    pub remaining_gas: u64,
    /// The events it emitted (none when it reverted).
    pub events: Vec<Event>,
    /// The messages it sent (none when it reverted).
    pub messages: Vec<L2ToL1Message>,
    /// What it used, its nested calls (reverted ones too) included: syscalls and builtins on
    /// every backend, VM steps when every run was on the VM.
    pub resources: ExecutionResources,
}

impl CallRecord {
    /// The record without what only the VM counts (steps): what every backend must give
    /// alike.
    pub fn backend_neutral(&self) -> CallRecord {
        let mut record = self.clone();
        record.resources.vm_steps = None;
        record
    }
}

/// A call from outside: which entry point of which contract, from whom, with what.
#[derive(Clone, Copy)]
struct TopLevelCall<'a> {
    kind: EntryPointType,
    caller_address: Felt,
    address: Felt,
    selector: Felt,
    calldata: &'a [Felt],
}

/// What a write changed, to undo it when a call reverts.
#[derive(Clone, Debug)]
enum Undo {
    Storage {
        contract: Felt,
        key: Felt,
        previous: Option<Felt>,
    },
    Deployment {
        address: Felt,
        previous: Option<Felt>,
    },
    /// A cheatcode popped an event or a message of `address`.
    Pop {
        address: Felt,
        kind: cheatcodes::Popped,
    },
}

/// Where the journal, the events and the messages stood when a call began.
#[derive(Clone, Copy)]
struct Checkpoint {
    journal: usize,
    events: usize,
    messages: usize,
}

/// An in-memory Starknet that runs contracts' syscalls: every call a contract makes runs on the
/// executor it was given, with this state as the callee's handler.
pub struct StarknetState {
    executor: Rc<dyn EntryPointExecutor>,
    costs: SyscallGasCosts,
    classes: FastMap<Felt, Arc<ContractClass>>,
    contracts: FastMap<Felt, Felt>,
    storage: FastMap<(Felt, Felt), Felt>,
    block_hashes: FastMap<u64, Felt>,
    events: Vec<Event>,
    messages: Vec<L2ToL1Message>,
    /// How many of each contract's events and messages the `pop_log` and
    /// `pop_l2_to_l1_message` cheatcodes consumed.
    popped: FastMap<(Felt, cheatcodes::Popped), usize>,
    journal: Vec<Undo>,
    /// Each account's next transaction nonce (0 when it has sent none).
    nonces: FastMap<Felt, Felt>,
    /// How many call frames are running (0 between transactions).
    frames: usize,
    /// The running call's context; the block and transaction parts are the caller's to set.
    context: ExecutionInfo,
    /// What the entry points run since the current top-level call began used (`None`
    /// outside a top-level call, as in a standalone state's plain program).
    used: Option<ExecutionResources>,
}

/// The executor of [`StarknetState::standalone`]: it has no class, so it is never reached.
struct NoNestedCalls;

impl EntryPointExecutor for NoNestedCalls {
    fn execute(
        &self,
        class_hash: Felt,
        _: &ContractClass,
        _: &crate::class::EntryPoint,
        _: &[Felt],
        _: &mut u64,
        _: &mut dyn SyscallHandler,
    ) -> Result<EntryPointRun, StarknetError> {
        Err(StarknetError::UndeclaredClass(class_hash))
    }
}

/// 2^251 - 256: contract addresses are reduced below it.
const ADDRESS_BOUND: Felt =
    Felt::from_hex_unchecked("0x7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00");

impl StarknetState {
    /// An empty state whose contracts run on `executor`, charging the default syscall costs.
    pub fn new(executor: Rc<dyn EntryPointExecutor>) -> Self {
        Self {
            executor,
            costs: SyscallGasCosts::default(),
            classes: FastMap::default(),
            contracts: FastMap::default(),
            storage: FastMap::default(),
            block_hashes: FastMap::default(),
            events: Vec::new(),
            messages: Vec::new(),
            popped: FastMap::default(),
            journal: Vec::new(),
            nonces: FastMap::default(),
            frames: 0,
            context: ExecutionInfo::default(),
            used: None,
        }
    }

    /// A state for a single run with no contracts of its own to call: storage, events and
    /// messages live in it, and a call, library call or deployment fails as it would for an
    /// address or class that does not exist (what cairo-lang-runner's own state does).
    pub fn standalone() -> Self {
        Self::new(Rc::new(NoNestedCalls))
    }

    /// Charges `costs` for syscalls from now on.
    pub fn set_gas_costs(&mut self, costs: SyscallGasCosts) {
        self.costs = costs;
    }

    /// Declares `class` under the class hash Starknet gives it; returns the hash.
    pub fn declare_class(&mut self, class: ContractClass) -> Result<Felt, StarknetError> {
        let class_hash = class.class_hash()?;
        self.declare(class_hash, class);
        Ok(class_hash)
    }

    /// Declares `class` under `class_hash` (any hash the caller chooses).
    pub fn declare(&mut self, class_hash: Felt, class: ContractClass) {
        self.classes.insert(class_hash, Arc::new(class));
    }

    /// The class declared under `class_hash`.
    pub fn class(&self, class_hash: Felt) -> Option<&ContractClass> {
        self.classes.get(&class_hash).map(Arc::as_ref)
    }

    /// The class hash of the contract at `address`.
    pub fn class_hash_at(&self, address: Felt) -> Option<Felt> {
        self.contracts.get(&address).copied()
    }

    /// Every deployed contract, as (address, class hash).
    pub fn contracts(&self) -> impl Iterator<Item = (Felt, Felt)> + '_ {
        self.contracts
            .iter()
            .map(|(address, hash)| (*address, *hash))
    }

    /// Counts what the entry points run from now on use (syscalls and builtins; VM steps when
    /// all run on the VM), outside any top-level call: for a program run with this state as its
    /// handler (a test), whose calls to contracts are nested calls. A top-level call starts a
    /// count of its own.
    pub fn track_resources(&mut self) {
        self.used = Some(ExecutionResources::zero());
    }

    /// What was counted since [`StarknetState::track_resources`], ending the count.
    pub fn take_tracked_resources(&mut self) -> Option<ExecutionResources> {
        self.used.take()
    }

    /// Puts a contract of `class_hash` at `address` without running a constructor (to set a
    /// state up, or load one).
    pub fn set_contract(&mut self, address: Felt, class_hash: Felt) {
        self.contracts.insert(address, class_hash);
    }

    /// A storage cell of the contract at `address` (0 when never written).
    pub fn storage(&self, address: Felt, key: Felt) -> Felt {
        self.storage
            .get(&(address, key))
            .copied()
            .unwrap_or(Felt::ZERO)
    }

    /// Every storage cell written so far, as (contract, key) → value.
    pub fn storage_cells(&self) -> impl ExactSizeIterator<Item = (&(Felt, Felt), &Felt)> {
        self.storage.iter()
    }

    /// Every storage cell written so far as ((contract, key), value), sorted: the form in which
    /// two states' storage compare.
    pub fn sorted_storage(&self) -> Vec<((Felt, Felt), Felt)> {
        let mut cells: Vec<_> = self
            .storage
            .iter()
            .map(|(key, value)| (*key, *value))
            .collect();
        cells.sort_unstable();
        cells
    }

    /// Writes a storage cell directly (to set a state up).
    pub fn set_storage(&mut self, address: Felt, key: Felt, value: Felt) {
        self.storage.insert((address, key), value);
    }

    /// Every event emitted by calls that did not revert, since the state was made or last
    /// drained ([`StarknetState::take_log`]).
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Every message sent by calls that did not revert, since the state was made or last
    /// drained ([`StarknetState::take_log`]).
    pub fn messages(&self) -> &[L2ToL1Message] {
        &self.messages
    }

    /// Takes out the events and messages emitted since the state was made or last drained, as
    /// a node does after each transaction or block: a state that keeps every event grows
    /// without bound (over 300,000 transfers, zeroing its new pages took 14% of a native
    /// profile). The `pop_log` and `pop_l2_to_l1_message` cheatcodes then see only later ones.
    /// Only callable between calls (a running call's executor sees the state as a
    /// `dyn SyscallHandler`), so nothing a revert could still undo is taken.
    pub fn take_log(&mut self) -> (Vec<Event>, Vec<L2ToL1Message>) {
        debug_assert_eq!(self.frames, 0, "no call is running");
        // Outside every call nothing can be undone any more, pops included.
        self.journal.clear();
        self.popped.clear();
        (
            std::mem::take(&mut self.events),
            std::mem::take(&mut self.messages),
        )
    }

    /// The execution info contracts read (the block and transaction the caller set).
    pub fn execution_info(&self) -> &ExecutionInfo {
        &self.context
    }

    /// The execution info contracts read: set the block and transaction parts here (the
    /// caller, contract and selector are the running call's).
    pub fn execution_info_mut(&mut self) -> &mut ExecutionInfo {
        &mut self.context
    }

    /// Sets the hash `get_block_hash` gives for `block_number`.
    pub fn set_block_hash(&mut self, block_number: u64, hash: Felt) {
        self.block_hashes.insert(block_number, hash);
    }

    /// The address a deployment gets, as Starknet computes it.
    pub fn contract_address(
        salt: Felt,
        class_hash: Felt,
        constructor_calldata: &[Felt],
        deployer_address: Felt,
    ) -> Felt {
        let calldata_hash = Pedersen::hash_array(constructor_calldata);
        let address = Pedersen::hash_array(&[
            short_string("STARKNET_CONTRACT_ADDRESS"),
            deployer_address,
            salt,
            class_hash,
            calldata_hash,
        ]);
        address.mod_floor(&NonZeroFelt::from_felt_unchecked(ADDRESS_BOUND))
    }

    /// Calls the external entry point `selector` of the contract at `address` from outside (as
    /// a transaction from `caller_address`); a revert leaves the state as it was.
    pub fn call(
        &mut self,
        caller_address: Felt,
        address: Felt,
        selector: Felt,
        calldata: &[Felt],
        gas: u64,
    ) -> Result<CallRecord, StarknetError> {
        let call = TopLevelCall {
            kind: EntryPointType::External,
            caller_address,
            address,
            selector,
            calldata,
        };
        self.run_top_level(call, gas, CallOutcome::is_success)
    }

    /// Runs `call` from outside: kept only when `keep` accepts its outcome, else undone.
    fn run_top_level(
        &mut self,
        call: TopLevelCall<'_>,
        gas: u64,
        keep: fn(&CallOutcome) -> bool,
    ) -> Result<CallRecord, StarknetError> {
        let class_hash = self
            .class_hash_at(call.address)
            .ok_or(StarknetError::NotDeployed(call.address))?;
        let class = self.class_arc(class_hash)?;
        let entry_point = class.entry_point(call.kind, call.selector)?.clone();
        self.record(
            |state, gas| {
                state.in_context(call.caller_address, call.address, call.selector, |state| {
                    state.run_entry(class_hash, &class, &entry_point, call.calldata, gas)
                })
            },
            gas,
            keep,
        )
    }

    /// Deploys `class_hash` from outside (as the deploy-account flow or a UDC deployment from
    /// `deployer_address` would), running its constructor; returns the address and the record.
    pub fn deploy(
        &mut self,
        class_hash: Felt,
        salt: Felt,
        calldata: &[Felt],
        deployer_address: Felt,
        gas: u64,
    ) -> Result<(Felt, CallRecord), StarknetError> {
        let class = self.class_arc(class_hash)?;
        let address = Self::contract_address(salt, class_hash, calldata, deployer_address);
        let record = self.record(
            |state, gas| {
                state.deploy_at(address, class_hash, &class, calldata, deployer_address, gas)
            },
            gas,
            CallOutcome::is_success,
        )?;
        Ok((address, record))
    }

    fn class_arc(&self, class_hash: Felt) -> Result<Arc<ContractClass>, StarknetError> {
        self.classes
            .get(&class_hash)
            .cloned()
            .ok_or(StarknetError::UndeclaredClass(class_hash))
    }

    /// Runs `call` from a checkpoint: unless `keep` accepts its outcome, everything it did is
    /// undone; the events and messages it left are returned.
    fn record(
        &mut self,
        call: impl FnOnce(&mut Self, &mut u64) -> Result<CallOutcome, StarknetError>,
        mut gas: u64,
        keep: fn(&CallOutcome) -> bool,
    ) -> Result<CallRecord, StarknetError> {
        let checkpoint = self.checkpoint();
        // Top-level calls do not nest: the count starts here and ends with the call.
        self.used = Some(ExecutionResources::zero());
        let outcome = call(self, &mut gas);
        let resources = self.used.take().unwrap_or_default();
        if !outcome.as_ref().is_ok_and(keep) {
            self.revert_to(checkpoint);
        }
        // Outside every call nothing can be undone any more: the journal would only grow.
        if self.frames == 0 {
            self.journal.clear();
        }
        let outcome = outcome?;
        Ok(CallRecord {
            outcome,
            remaining_gas: gas,
            events: self.events[checkpoint.events..].to_vec(),
            messages: self.messages[checkpoint.messages..].to_vec(),
            resources,
        })
    }

    /// Runs one entry point on the state's executor, its syscalls coming back here; what it
    /// used is added to the running call's count.
    fn run_entry(
        &mut self,
        class_hash: Felt,
        class: &ContractClass,
        entry_point: &crate::class::EntryPoint,
        calldata: &[Felt],
        gas: &mut u64,
    ) -> Result<CallOutcome, StarknetError> {
        let executor = Rc::clone(&self.executor);
        let run = executor.execute(class_hash, class, entry_point, calldata, gas, self)?;
        if let Some(used) = &mut self.used {
            used.add_owned(run.resources);
        }
        Ok(run.outcome)
    }

    /// Registers the contract and runs its constructor (if any) in its own context.
    fn deploy_at(
        &mut self,
        address: Felt,
        class_hash: Felt,
        class: &ContractClass,
        calldata: &[Felt],
        deployer_address: Felt,
        gas: &mut u64,
    ) -> Result<CallOutcome, StarknetError> {
        let previous = self.contracts.insert(address, class_hash);
        self.journal.push(Undo::Deployment { address, previous });
        if previous.is_some() {
            return Ok(CallOutcome::Revert(vec![short_string(
                "CONTRACT_ALREADY_DEPLOYED",
            )]));
        }
        match class.constructor() {
            Some(constructor) => {
                let constructor = constructor.clone();
                self.in_context(deployer_address, address, constructor.selector, |state| {
                    state.run_entry(class_hash, class, &constructor, calldata, gas)
                })
            }
            None if calldata.is_empty() => Ok(CallOutcome::Success(Vec::new())),
            None => Ok(CallOutcome::Revert(vec![short_string(
                "INVALID_CALLDATA_LEN",
            )])),
        }
    }

    /// Runs `call` with the caller, contract and selector of a new call frame.
    fn in_context<T>(
        &mut self,
        caller_address: Felt,
        contract_address: Felt,
        selector: Felt,
        call: impl FnOnce(&mut Self) -> T,
    ) -> T {
        let saved = (
            std::mem::replace(&mut self.context.caller_address, caller_address),
            std::mem::replace(&mut self.context.contract_address, contract_address),
            std::mem::replace(&mut self.context.entry_point_selector, selector),
        );
        self.frames += 1;
        let result = call(self);
        self.frames -= 1;
        (
            self.context.caller_address,
            self.context.contract_address,
            self.context.entry_point_selector,
        ) = saved;
        result
    }

    fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            journal: self.journal.len(),
            events: self.events.len(),
            messages: self.messages.len(),
        }
    }

    fn revert_to(&mut self, checkpoint: Checkpoint) {
        while self.journal.len() > checkpoint.journal {
            match self.journal.pop() {
                Some(Undo::Storage {
                    contract,
                    key,
                    previous,
                }) => match previous {
                    Some(value) => {
                        self.storage.insert((contract, key), value);
                    }
                    None => {
                        self.storage.remove(&(contract, key));
                    }
                },
                Some(Undo::Deployment { address, previous }) => match previous {
                    Some(class_hash) => {
                        self.contracts.insert(address, class_hash);
                    }
                    None => {
                        self.contracts.remove(&address);
                    }
                },
                Some(Undo::Pop { address, kind }) => self.unpop(address, kind),
                None => break,
            }
        }
        self.events.truncate(checkpoint.events);
        self.messages.truncate(checkpoint.messages);
    }

    /// A nested call from a contract: charged, given the entry budget back, reverted on
    /// failure with `failure` appended to the callee's reason.
    fn nested_call(
        &mut self,
        class_hash: Felt,
        kind: EntryPointType,
        selector: Felt,
        calldata: &[Felt],
        remaining_gas: &mut u64,
        context: Option<(Felt, Felt)>,
    ) -> SyscallResult<Vec<Felt>> {
        let Some(class) = self.classes.get(&class_hash).cloned() else {
            return Err(vec![short_string("CLASS_HASH_NOT_DECLARED")]);
        };
        let Ok(entry_point) = class.entry_point(kind, selector).cloned() else {
            return Err(vec![
                short_string("ENTRYPOINT_NOT_FOUND"),
                short_string("ENTRYPOINT_FAILED"),
            ]);
        };
        // The syscall's cost included the callee's entry budget, which its entry charges again.
        *remaining_gas += self.costs.entry_point_initial_budget;
        let checkpoint = self.checkpoint();
        let mut run = |state: &mut Self| {
            state.run_entry(class_hash, &class, &entry_point, calldata, remaining_gas)
        };
        let outcome = match context {
            Some((caller, contract)) => self.in_context(caller, contract, selector, run),
            None => run(self),
        };
        self.settle(checkpoint, outcome, "ENTRYPOINT_FAILED")
    }

    /// A nested call's answer to its caller: its return data, or, undone back to `checkpoint`,
    /// its revert reason (or the backend's error as text) followed by `failure`.
    fn settle(
        &mut self,
        checkpoint: Checkpoint,
        outcome: Result<CallOutcome, StarknetError>,
        failure: &str,
    ) -> SyscallResult<Vec<Felt>> {
        let mut reason = match outcome {
            Ok(CallOutcome::Success(retdata)) => return Ok(retdata),
            Ok(CallOutcome::Revert(reason)) => reason,
            // The error's text in short strings of 31 bytes.
            Err(error) => error
                .to_string()
                .as_bytes()
                .chunks(31)
                .map(Felt::from_bytes_be_slice)
                .collect(),
        };
        self.revert_to(checkpoint);
        reason.push(short_string(failure));
        Err(reason)
    }
}
