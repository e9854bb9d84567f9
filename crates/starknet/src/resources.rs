//! What an entry point's run used besides gas: syscalls by kind, builtin instances, and on the
//! VM its steps.

use std::collections::BTreeMap;

use crate::syscall_counts::SyscallCounts;
use crate::syscalls::CallOutcome;

/// An entry point's run: how it ended and what it used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryPointRun {
    /// Its return data or revert reason.
    pub outcome: CallOutcome,
    /// What it used, its nested calls excluded (each reports its own).
    pub resources: ExecutionResources,
}

/// What one or more entry point runs used besides gas.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecutionResources {
    /// Syscalls made, by the name cairo-lang-runner gives them (`StorageRead`, `Keccak`,
    /// `Secp256k1Mul`…).
    pub syscalls: SyscallCounts,
    /// Builtin instances used, by builtin name (`range_check`, `pedersen`…; builtins no run
    /// used are absent), counted alike on both backends; `None` when a run could not count
    /// them (native code an older Cairn compiled).
    pub builtins: Option<BTreeMap<&'static str, usize>>,
    /// VM steps of the entry points themselves (their entry code excluded, as
    /// cairo-lang-runner counts them): the VM's runs only, so `None` when any run was native.
    pub vm_steps: Option<u64>,
}

impl ExecutionResources {
    /// Nothing counted yet, ready to add runs of either backend to.
    pub fn zero() -> Self {
        Self {
            syscalls: SyscallCounts::default(),
            builtins: Some(BTreeMap::new()),
            vm_steps: Some(0),
        }
    }

    /// What a VM run used: its syscalls, its builtin instances by name, its steps.
    pub fn of_vm_run(
        syscalls: SyscallCounts,
        builtins: BTreeMap<&'static str, usize>,
        steps: usize,
    ) -> Self {
        Self {
            syscalls,
            builtins: Some(builtins),
            vm_steps: Some(steps as u64),
        }
    }

    /// What a native run used: its syscalls and its builtin instances by name (`None` when its
    /// code does not count them); native code has no steps.
    pub fn of_native_run(
        syscalls: SyscallCounts,
        builtins: Option<BTreeMap<&'static str, usize>>,
    ) -> Self {
        Self {
            syscalls,
            builtins,
            vm_steps: None,
        }
    }

    /// Adds `other`'s counts to these, taking its maps when nothing was counted here yet (a
    /// transaction's first run, often its only one: no map is built again, no name cloned).
    pub fn add_owned(&mut self, other: ExecutionResources) {
        let nothing_counted = self.syscalls.is_empty()
            && self.builtins.as_ref().is_some_and(BTreeMap::is_empty)
            && self.vm_steps == Some(0);
        if nothing_counted {
            *self = other;
        } else {
            self.add(&other);
        }
    }

    /// Adds `other`'s counts to these; builtin counts and steps survive only when both have
    /// them.
    pub fn add(&mut self, other: &ExecutionResources) {
        self.syscalls.add(&other.syscalls);
        self.builtins = match (self.builtins.take(), &other.builtins) {
            (Some(mut ours), Some(theirs)) => {
                for (name, count) in theirs {
                    *ours.entry(name).or_default() += count;
                }
                Some(ours)
            }
            _ => None,
        };
        self.vm_steps = self.vm_steps.zip(other.vm_steps).map(|(a, b)| a + b);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::ExecutionResources;
    use crate::syscall_counts::SyscallCounts;

    #[test]
    fn adding_an_owned_run_counts_as_adding_a_borrowed_one() {
        let counts = |pairs: &[(&str, u64)]| {
            SyscallCounts::from_pairs(pairs.iter().copied()).expect("syscall names")
        };
        let vm_run = ExecutionResources::of_vm_run(
            counts(&[("StorageRead", 2), ("EmitEvent", 1)]),
            BTreeMap::from([("range_check", 7)]),
            120,
        );
        let native_run = ExecutionResources::of_native_run(
            counts(&[("StorageRead", 1), ("StorageWrite", 3)]),
            Some(BTreeMap::from([("range_check", 2), ("pedersen", 4)])),
        );
        let uncounted_run = ExecutionResources::of_native_run(SyscallCounts::default(), None);
        for runs in [
            vec![&vm_run],
            vec![&native_run],
            vec![&vm_run, &native_run],
            vec![&native_run, &vm_run, &native_run],
            vec![&uncounted_run, &vm_run],
            vec![&vm_run, &uncounted_run],
        ] {
            let (mut borrowed, mut owned) =
                (ExecutionResources::zero(), ExecutionResources::zero());
            for run in runs {
                borrowed.add(run);
                owned.add_owned(run.clone());
            }
            assert_eq!(owned, borrowed);
        }
        let mut total = ExecutionResources::zero();
        total.add_owned(vm_run.clone());
        total.add_owned(native_run.clone());
        assert_eq!(total.syscalls.get("StorageRead"), 3);
        assert_eq!(
            total
                .builtins
                .as_ref()
                .map(|builtins| builtins["range_check"]),
            Some(9)
        );
        assert_eq!(total.vm_steps, None);
    }
}
