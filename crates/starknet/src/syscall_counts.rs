//! Syscall counts: [`SyscallCounts`], a run's syscalls counted by kind and read by the names
//! cairo-lang-runner gives them, and [`SyscallCounter`], the handler wrapper that counts the
//! syscalls of a run for either backend.

use std::collections::BTreeMap;

use starknet_types_core::felt::Felt;

use crate::cheatcodes::CheatcodeError;
use crate::crypto::{Secp256Point, SecpCurve, U256};
use crate::gas::SyscallGasCosts;
use crate::syscalls::{ExecutionInfo, SyscallHandler, SyscallResult};

/// Declares [`SyscallKind`], one variant per syscall name cairo-lang-runner counts.
macro_rules! syscall_kinds {
    ($($kind:ident),* $(,)?) => {
        /// A syscall as cairo-lang-runner names it in its counts; the index of its counter.
        /// Declared in alphabetical order, so counts read in index order come sorted by name.
        #[derive(Clone, Copy, Debug)]
        enum SyscallKind {
            $($kind),*
        }

        impl SyscallKind {
            /// Every kind, in declaration (index) order.
            const ALL: &'static [SyscallKind] = &[$(SyscallKind::$kind),*];

            /// The name cairo-lang-runner gives it (`StorageRead`, `Secp256k1Mul`…).
            fn name(self) -> &'static str {
                match self {
                    $(SyscallKind::$kind => stringify!($kind)),*
                }
            }

            /// The kind named `name`, if any.
            fn named(name: &str) -> Option<SyscallKind> {
                match name {
                    $(stringify!($kind) => Some(SyscallKind::$kind),)*
                    _ => None,
                }
            }
        }
    };
}

syscall_kinds!(
    CallContract,
    Deploy,
    EmitEvent,
    GetBlockHash,
    GetClassHashAt,
    GetExecutionInfo,
    Keccak,
    LibraryCall,
    MetaTxV0,
    ReplaceClass,
    Secp256k1Add,
    Secp256k1GetPointFromX,
    Secp256k1GetXy,
    Secp256k1Mul,
    Secp256k1New,
    Secp256r1Add,
    Secp256r1GetPointFromX,
    Secp256r1GetXy,
    Secp256r1Mul,
    Secp256r1New,
    SendMessageToL1,
    Sha256ProcessBlock,
    Sha512ProcessBlock,
    StorageRead,
    StorageWrite,
);

/// Syscalls made, counted by kind and read by the name cairo-lang-runner gives each
/// (`StorageRead`, `Secp256k1Mul`…); syscalls never made count 0 and are left out of
/// [`SyscallCounts::iter`], the `Debug` form and the JSON form (a map, as cairo-lang-runner's).
///
/// An array rather than a map: every entry-point run makes one, and building, adding and
/// dropping a map of names took about 2% of a native ERC20 transfer.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct SyscallCounts([u64; SyscallKind::ALL.len()]);

impl SyscallCounts {
    /// Counts from `(name, count)` pairs (a name twice adds up); `None` if a name is not a
    /// syscall's.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, u64)>) -> Option<Self> {
        let mut counts = Self::default();
        for (name, count) in pairs {
            counts.0[SyscallKind::named(name)? as usize] += count;
        }
        Some(counts)
    }

    /// How many times the syscall `name` was made (0 for a name that is not a syscall's).
    pub fn get(&self, name: &str) -> u64 {
        SyscallKind::named(name).map_or(0, |kind| self.0[kind as usize])
    }

    /// The syscalls made, by name in alphabetical order, with their counts.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        SyscallKind::ALL
            .iter()
            .zip(self.0)
            .filter(|(_, count)| *count != 0)
            .map(|(kind, count)| (kind.name(), count))
    }

    /// Whether no syscall was made.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|count| *count == 0)
    }

    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &SyscallCounts) {
        for (count, more) in self.0.iter_mut().zip(other.0) {
            *count += more;
        }
    }

    /// The counts as a map by name (syscalls never made are absent).
    pub fn to_map(&self) -> BTreeMap<&'static str, u64> {
        self.iter().collect()
    }
}

impl std::fmt::Debug for SyscallCounts {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_map().entries(self.iter()).finish()
    }
}

impl serde::Serialize for SyscallCounts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// A handler that counts the syscalls it passes on to `inner`: what an executor wraps the
/// handler of a run in to report [`ExecutionResources::syscalls`].
///
/// Counts are an array indexed by kind, not a map by name: a counter is in the path of every
/// syscall (eight storage syscalls an ERC20 transfer), where a map's entries and string
/// comparisons took about 4% of a native transfer's profile.
pub struct SyscallCounter<'a> {
    inner: &'a mut dyn SyscallHandler,
    counts: SyscallCounts,
}

impl<'a> SyscallCounter<'a> {
    /// Counts the syscalls going to `inner`.
    pub fn new(inner: &'a mut dyn SyscallHandler) -> Self {
        Self {
            inner,
            counts: SyscallCounts::default(),
        }
    }

    /// The counts so far.
    pub fn into_counts(self) -> SyscallCounts {
        self.counts
    }

    fn count(&mut self, kind: SyscallKind) -> &mut dyn SyscallHandler {
        self.counts.0[kind as usize] += 1;
        &mut *self.inner
    }
}

fn secp_kind(curve: SecpCurve, k1: SyscallKind, r1: SyscallKind) -> SyscallKind {
    match curve {
        SecpCurve::K1 => k1,
        SecpCurve::R1 => r1,
    }
}

impl SyscallHandler for SyscallCounter<'_> {
    fn gas_costs(&self) -> &SyscallGasCosts {
        self.inner.gas_costs()
    }

    fn get_block_hash(&mut self, block_number: u64, gas: &mut u64) -> SyscallResult<Felt> {
        self.count(SyscallKind::GetBlockHash)
            .get_block_hash(block_number, gas)
    }

    fn get_execution_info(&mut self, gas: &mut u64) -> SyscallResult<ExecutionInfo> {
        self.count(SyscallKind::GetExecutionInfo)
            .get_execution_info(gas)
    }

    fn deploy(
        &mut self,
        class_hash: Felt,
        contract_address_salt: Felt,
        calldata: &[Felt],
        deploy_from_zero: bool,
        gas: &mut u64,
    ) -> SyscallResult<(Felt, Vec<Felt>)> {
        self.count(SyscallKind::Deploy).deploy(
            class_hash,
            contract_address_salt,
            calldata,
            deploy_from_zero,
            gas,
        )
    }

    fn replace_class(&mut self, class_hash: Felt, gas: &mut u64) -> SyscallResult<()> {
        self.count(SyscallKind::ReplaceClass)
            .replace_class(class_hash, gas)
    }

    fn library_call(
        &mut self,
        class_hash: Felt,
        selector: Felt,
        calldata: &[Felt],
        gas: &mut u64,
    ) -> SyscallResult<Vec<Felt>> {
        self.count(SyscallKind::LibraryCall)
            .library_call(class_hash, selector, calldata, gas)
    }

    fn call_contract(
        &mut self,
        address: Felt,
        selector: Felt,
        calldata: &[Felt],
        gas: &mut u64,
    ) -> SyscallResult<Vec<Felt>> {
        self.count(SyscallKind::CallContract)
            .call_contract(address, selector, calldata, gas)
    }

    fn storage_read(&mut self, domain: u32, key: Felt, gas: &mut u64) -> SyscallResult<Felt> {
        self.count(SyscallKind::StorageRead)
            .storage_read(domain, key, gas)
    }

    fn storage_write(
        &mut self,
        domain: u32,
        key: Felt,
        value: Felt,
        gas: &mut u64,
    ) -> SyscallResult<()> {
        self.count(SyscallKind::StorageWrite)
            .storage_write(domain, key, value, gas)
    }

    fn emit_event(&mut self, keys: &[Felt], data: &[Felt], gas: &mut u64) -> SyscallResult<()> {
        self.count(SyscallKind::EmitEvent)
            .emit_event(keys, data, gas)
    }

    fn send_message_to_l1(
        &mut self,
        to_address: Felt,
        payload: &[Felt],
        gas: &mut u64,
    ) -> SyscallResult<()> {
        self.count(SyscallKind::SendMessageToL1)
            .send_message_to_l1(to_address, payload, gas)
    }

    fn get_class_hash_at(&mut self, address: Felt, gas: &mut u64) -> SyscallResult<Felt> {
        self.count(SyscallKind::GetClassHashAt)
            .get_class_hash_at(address, gas)
    }

    fn meta_tx_v0(
        &mut self,
        address: Felt,
        selector: Felt,
        calldata: &[Felt],
        signature: &[Felt],
        gas: &mut u64,
    ) -> SyscallResult<Vec<Felt>> {
        self.count(SyscallKind::MetaTxV0)
            .meta_tx_v0(address, selector, calldata, signature, gas)
    }

    fn keccak(&mut self, input: &[u64], gas: &mut u64) -> SyscallResult<U256> {
        self.count(SyscallKind::Keccak).keccak(input, gas)
    }

    fn sha256_process_block(
        &mut self,
        state: &[u32; 8],
        block: &[u32; 16],
        gas: &mut u64,
    ) -> SyscallResult<[u32; 8]> {
        self.count(SyscallKind::Sha256ProcessBlock)
            .sha256_process_block(state, block, gas)
    }

    fn sha512_process_block(
        &mut self,
        state: &[u64; 8],
        block: &[u64; 16],
        gas: &mut u64,
    ) -> SyscallResult<[u64; 8]> {
        self.count(SyscallKind::Sha512ProcessBlock)
            .sha512_process_block(state, block, gas)
    }

    fn secp256_new(
        &mut self,
        curve: SecpCurve,
        x: U256,
        y: U256,
        gas: &mut u64,
    ) -> SyscallResult<Option<Secp256Point>> {
        self.count(secp_kind(
            curve,
            SyscallKind::Secp256k1New,
            SyscallKind::Secp256r1New,
        ))
        .secp256_new(curve, x, y, gas)
    }

    fn secp256_add(
        &mut self,
        curve: SecpCurve,
        p: Secp256Point,
        q: Secp256Point,
        gas: &mut u64,
    ) -> SyscallResult<Secp256Point> {
        self.count(secp_kind(
            curve,
            SyscallKind::Secp256k1Add,
            SyscallKind::Secp256r1Add,
        ))
        .secp256_add(curve, p, q, gas)
    }

    fn secp256_mul(
        &mut self,
        curve: SecpCurve,
        p: Secp256Point,
        scalar: U256,
        gas: &mut u64,
    ) -> SyscallResult<Secp256Point> {
        self.count(secp_kind(
            curve,
            SyscallKind::Secp256k1Mul,
            SyscallKind::Secp256r1Mul,
        ))
        .secp256_mul(curve, p, scalar, gas)
    }

    fn secp256_get_point_from_x(
        &mut self,
        curve: SecpCurve,
        x: U256,
        y_parity: bool,
        gas: &mut u64,
    ) -> SyscallResult<Option<Secp256Point>> {
        self.count(secp_kind(
            curve,
            SyscallKind::Secp256k1GetPointFromX,
            SyscallKind::Secp256r1GetPointFromX,
        ))
        .secp256_get_point_from_x(curve, x, y_parity, gas)
    }

    fn secp256_get_xy(
        &mut self,
        curve: SecpCurve,
        p: Secp256Point,
        gas: &mut u64,
    ) -> SyscallResult<(U256, U256)> {
        self.count(secp_kind(
            curve,
            SyscallKind::Secp256k1GetXy,
            SyscallKind::Secp256r1GetXy,
        ))
        .secp256_get_xy(curve, p, gas)
    }

    fn cheatcode(&mut self, selector: Felt, input: &[Felt]) -> Result<Vec<Felt>, CheatcodeError> {
        // Cheatcodes are not syscalls: cairo-lang-runner does not count them.
        self.inner.cheatcode(selector, input)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::rc::Rc;

    use starknet_types_core::felt::Felt;

    use super::{SyscallCounter, SyscallCounts, SyscallKind};
    use crate::crypto::{SecpCurve, U256};
    use crate::syscalls::{EntryPointExecutor, SyscallHandler};
    use crate::{ContractClass, EntryPoint, EntryPointRun, StarknetError, StarknetState};

    /// Runs nothing: the counted syscalls below never call a contract.
    struct NoExecutor;

    impl EntryPointExecutor for NoExecutor {
        fn execute(
            &self,
            _: Felt,
            _: &ContractClass,
            _: &EntryPoint,
            _: &[Felt],
            _: &mut u64,
            _: &mut dyn SyscallHandler,
        ) -> Result<EntryPointRun, StarknetError> {
            Err(StarknetError::Execution("no executor".to_owned()))
        }
    }

    #[test]
    fn counts_each_syscall_under_cairo_lang_runners_name_and_omits_those_never_made() {
        let mut state = StarknetState::new(Rc::new(NoExecutor));
        let mut counter = SyscallCounter::new(&mut state);
        let mut gas = 10_000_000;
        for _ in 0..2 {
            assert!(counter.storage_read(0, Felt::ONE, &mut gas).is_ok());
        }
        assert!(counter.keccak(&[0; 17], &mut gas).is_ok());
        let zero = U256 { low: 0, high: 0 };
        // Not a point of the curve (`Ok(None)`), but a syscall made all the same.
        assert!(counter
            .secp256_new(SecpCurve::R1, zero, zero, &mut gas)
            .is_ok());
        let expected: BTreeMap<&str, u64> =
            [("StorageRead", 2), ("Keccak", 1), ("Secp256r1New", 1)].into();
        let counts = counter.into_counts();
        assert_eq!(counts.to_map(), expected);
        assert_eq!(counts.get("Keccak"), 1);
        assert_eq!(counts.get("StorageWrite"), 0);
        assert_eq!(counts.get("NoSuchSyscall"), 0);
        assert_eq!(
            format!("{counts:?}"),
            r#"{"Keccak": 1, "Secp256r1New": 1, "StorageRead": 2}"#
        );
        assert_eq!(
            serde_json::to_string(&counts).expect("serialises"),
            r#"{"Keccak":1,"Secp256r1New":1,"StorageRead":2}"#
        );
        assert!(!counts.is_empty());
        assert!(SyscallCounts::default().is_empty());
    }

    #[test]
    fn syscall_kinds_are_declared_in_name_order_and_names_read_back() {
        let names: Vec<&str> = SyscallKind::ALL.iter().map(|kind| kind.name()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        for kind in SyscallKind::ALL {
            assert_eq!(
                SyscallKind::named(kind.name()).map(|k| k as usize),
                Some(*kind as usize)
            );
        }
        assert_eq!(
            SyscallCounts::from_pairs([("Deploy", 1), ("Deploy", 2)]).map(|c| c.get("Deploy")),
            Some(3)
        );
        assert_eq!(SyscallCounts::from_pairs([("deploy", 1)]), None);
    }
}
