//! The syscalls contracts make most — storage reads and writes, events — each with a runtime
//! function of its own: a domain crosses as a `u32`, keys and values as felts (32 little-endian
//! bytes) and spans as the arrays native code holds, so a call builds no `Value` and looks up
//! no type, unlike the general [`state_syscall`](super::state_syscalls::state_syscall) path
//! (which took half of a native ERC20 transfer). Slots and results as in
//! [`syscalls`](super::syscalls).

use cairn_starknet::SyscallHandler;
use cairn_values_abi::array::NativeArray;
use starknet_types_core::felt::Felt;

use super::state_syscalls::SyscallContext;
use super::syscalls::{answer, SUCCESS};

/// `storage_read_syscall(address_domain: u32, address: StorageAddress) -> felt252`.
///
/// # Safety
/// `system` is null or the run's `SyscallContext`; `gas` is its counter; `domain` and `key`
/// hold the inputs; `output` is writable for a felt and `failure` for an array.
pub(crate) unsafe extern "C" fn storage_read(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    domain: *const u32,
    key: *const [u8; 32],
    output: *mut [u8; 32],
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above.
    let (domain, key) = unsafe { (*domain, Felt::from_bytes_le(&*key)) };
    let call =
        |handler: &mut dyn SyscallHandler, gas: &mut u64| handler.storage_read(domain, key, gas);
    // SAFETY: per the contract above.
    unsafe {
        answer(system, gas, failure, call, |value| {
            output.write(value.to_bytes_le());
            SUCCESS
        })
    }
}

/// `storage_write_syscall(address_domain: u32, address: StorageAddress, value: felt252)`.
///
/// # Safety
/// As [`storage_read`], with `value` holding the felt to write and no output.
pub(crate) unsafe extern "C" fn storage_write(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    domain: *const u32,
    key: *const [u8; 32],
    value: *const [u8; 32],
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above.
    let (domain, key, value) = unsafe {
        (
            *domain,
            Felt::from_bytes_le(&*key),
            Felt::from_bytes_le(&*value),
        )
    };
    let call = |handler: &mut dyn SyscallHandler, gas: &mut u64| {
        handler.storage_write(domain, key, value, gas)
    };
    // SAFETY: per the contract above.
    unsafe { answer(system, gas, failure, call, |()| SUCCESS) }
}

/// The felts of a `Span<felt252>` as native code holds it (an array view).
///
/// # Safety
/// `span` holds a valid view of a felt252 array: elements `start..end` initialised.
unsafe fn span_felts(span: *const NativeArray) -> Vec<Felt> {
    // SAFETY: per the contract above.
    unsafe {
        let span = &*span;
        (span.start..span.end)
            .map(|index| Felt::from_bytes_le(&*span.slot(index, 32).cast::<[u8; 32]>()))
            .collect()
    }
}

/// `emit_event_syscall(keys: Span<felt252>, data: Span<felt252>)`; the caller drops the spans.
///
/// # Safety
/// As [`storage_read`], with `keys` and `data` holding valid spans of felts and no output.
pub(crate) unsafe extern "C" fn emit_event(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    keys: *const NativeArray,
    data: *const NativeArray,
    failure: *mut NativeArray,
) -> u64 {
    // SAFETY: per the contract above.
    let (keys, data) = unsafe { (span_felts(keys), span_felts(data)) };
    let call =
        |handler: &mut dyn SyscallHandler, gas: &mut u64| handler.emit_event(&keys, &data, gas);
    // SAFETY: per the contract above.
    unsafe { answer(system, gas, failure, call, |()| SUCCESS) }
}
