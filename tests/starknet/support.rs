//! What the Starknet tests share: the fixture classes, each backend's executor, small helpers.

use std::rc::Rc;

use cairn::starknet::{
    CallOutcome, CallRecord, ContractClass, EntryPointExecutor, Felt, VmExecutor,
};

/// Gas for a call that should not run out.
pub const GAS: u64 = 1_000_000_000;

/// A committed fixture class, by file stem (`basics_Counter`).
pub fn class(stem: &str) -> ContractClass {
    let path = format!(
        "{}/tests/fixtures/starknet/compiled/{stem}.contract_class.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture class");
    ContractClass::from_json(&text).expect("class loads")
}

/// A backend's executor for nested calls.
pub type Executor = Rc<dyn EntryPointExecutor>;

/// Each backend's executor, by name.
pub fn backends() -> Vec<(&'static str, Executor)> {
    let mut backends: Vec<(&'static str, Executor)> = vec![("vm", Rc::new(VmExecutor::new()))];
    #[cfg(feature = "native")]
    backends.push((
        "native",
        Rc::new(cairn::starknet::NativeExecutor::new(
            cairn::native::OptLevel::default(),
        )),
    ));
    backends
}

pub fn felts(values: &[u64]) -> Vec<Felt> {
    values.iter().copied().map(Felt::from).collect()
}

/// The return data of a call that must have succeeded.
pub fn success(outcome: &CallOutcome) -> &[Felt] {
    match outcome {
        CallOutcome::Success(retdata) => retdata,
        CallOutcome::Revert(reason) => panic!("reverted: {reason:?}"),
    }
}

/// A backend's name, its call records and its final storage as ((contract, key), value).
pub type Report = (&'static str, Vec<CallRecord>, Vec<((Felt, Felt), Felt)>);

/// Every backend after the first (the VM) gave the VM's records, call by call, and its final
/// storage; with the `native` feature, both backends ran.
pub fn assert_backends_agree(reports: &[Report]) {
    #[cfg(feature = "native")]
    assert_eq!(reports.len(), 2, "both backends ran");
    let (_, vm_records, vm_storage) = &reports[0];
    for (backend, records, storage) in &reports[1..] {
        for (index, (vm, other)) in vm_records.iter().zip(records).enumerate() {
            assert_eq!(
                vm.backend_neutral(),
                other.backend_neutral(),
                "{backend}: call {index}"
            );
        }
        assert_eq!(vm_storage, storage, "{backend}: final storage");
    }
}
