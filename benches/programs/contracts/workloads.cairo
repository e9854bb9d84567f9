// Contract workloads for the bench report: a storage-heavy loop (writes then reads back a map)
// and nested calls (one contract calling another in a loop). ERC20 transfers use the test
// fixture's token (tests/fixtures/starknet/src/erc20.cairo).
use starknet::ContractAddress;

#[starknet::interface]
pub trait IWorkloads<TContractState> {
    fn fill(ref self: TContractState, n: u64) -> felt252;
    fn ping(ref self: TContractState, target: ContractAddress, n: u64) -> felt252;
    fn pong(ref self: TContractState, x: felt252) -> felt252;
}

#[starknet::contract]
pub mod Workloads {
    use starknet::ContractAddress;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use super::{IWorkloadsDispatcher, IWorkloadsDispatcherTrait};

    #[storage]
    struct Storage {
        cells: Map<u64, felt252>,
        pongs: u64,
    }

    #[abi(embed_v0)]
    impl WorkloadsImpl of super::IWorkloads<ContractState> {
        // n storage writes, then n reads summed.
        fn fill(ref self: ContractState, n: u64) -> felt252 {
            for i in 0..n {
                self.cells.write(i, (i * 3).into());
            }
            let mut sum = 0;
            for i in 0..n {
                sum += self.cells.read(i);
            }
            sum
        }

        // n calls to `target`, each feeding the last answer back.
        fn ping(ref self: ContractState, target: ContractAddress, n: u64) -> felt252 {
            let other = IWorkloadsDispatcher { contract_address: target };
            let mut answer = 0;
            for i in 0..n {
                answer = other.pong(answer + i.into());
            }
            answer
        }

        fn pong(ref self: ContractState, x: felt252) -> felt252 {
            self.pongs.write(self.pongs.read() + 1);
            x + 1
        }
    }
}
