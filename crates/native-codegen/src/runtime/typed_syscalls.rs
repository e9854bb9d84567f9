//! The syscalls contracts make most — storage reads and writes, events, calls to other
//! contracts and library calls — each with a runtime function of its own: a domain crosses as
//! a `u32`, keys and values as felts (32 little-endian bytes) and spans as the arrays native
//! code holds, so a call builds no `Value` and looks up no type, unlike the general
//! [`state_syscall`](super::state_syscalls::state_syscall) path (which took half of a native
//! ERC20 transfer). Slots and results as in [`syscalls`](super::syscalls); the writers of
//! values in place here are also the execution info's.

use cairn_starknet::{SyscallHandler, SyscallResult};
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

/// `call_contract_syscall(address, selector, calldata: Span<felt252>) -> Span<felt252>`.
///
/// # Safety
/// As [`storage_read`], with `address` and `selector` holding felts, `calldata` a valid span
/// of felts and `output` writable for an array view.
pub(crate) unsafe extern "C" fn call_contract(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    address: *const [u8; 32],
    selector: *const [u8; 32],
    calldata: *const NativeArray,
    output: *mut NativeArray,
    failure: *mut NativeArray,
) -> u64 {
    let slots = CallSlots {
        system,
        gas,
        target: address,
        selector,
        calldata,
        output,
        failure,
    };
    // SAFETY: forwarded from the caller.
    unsafe {
        slots.answer(|handler, target, selector, calldata, gas| {
            handler.call_contract(target, selector, calldata, gas)
        })
    }
}

/// `library_call_syscall(class_hash, selector, calldata: Span<felt252>) -> Span<felt252>`.
///
/// # Safety
/// As [`call_contract`], with `class_hash` in place of the address.
pub(crate) unsafe extern "C" fn library_call(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    class_hash: *const [u8; 32],
    selector: *const [u8; 32],
    calldata: *const NativeArray,
    output: *mut NativeArray,
    failure: *mut NativeArray,
) -> u64 {
    let slots = CallSlots {
        system,
        gas,
        target: class_hash,
        selector,
        calldata,
        output,
        failure,
    };
    // SAFETY: forwarded from the caller.
    unsafe {
        slots.answer(|handler, target, selector, calldata, gas| {
            handler.library_call(target, selector, calldata, gas)
        })
    }
}

/// The slots of a call syscall: its target (an address or a class hash), selector and
/// calldata in, its return data out.
struct CallSlots<'s> {
    system: *mut SyscallContext<'s>,
    gas: *mut u64,
    target: *const [u8; 32],
    selector: *const [u8; 32],
    calldata: *const NativeArray,
    output: *mut NativeArray,
    failure: *mut NativeArray,
}

impl CallSlots<'_> {
    /// Answers the call with `call` on the handler, the return data written as a new span.
    ///
    /// # Safety
    /// The slots are as [`call_contract`] describes.
    unsafe fn answer(
        self,
        call: impl FnOnce(
            &mut dyn SyscallHandler,
            Felt,
            Felt,
            &[Felt],
            &mut u64,
        ) -> SyscallResult<Vec<Felt>>,
    ) -> u64 {
        // SAFETY: per the contract above.
        let (target, selector, calldata) = unsafe {
            (
                Felt::from_bytes_le(&*self.target),
                Felt::from_bytes_le(&*self.selector),
                span_felts(self.calldata),
            )
        };
        let output = self.output;
        // SAFETY: per the contract above.
        unsafe {
            answer(
                self.system,
                self.gas,
                self.failure,
                |handler, gas| call(handler, target, selector, &calldata, gas),
                |retdata| put_retdata(output, &retdata),
            )
        }
    }
}

/// Writes a call's return data as a new span at `output`; [`SUCCESS`].
///
/// # Safety
/// `output` is writable for an array view.
unsafe fn put_retdata(output: *mut NativeArray, retdata: &[Felt]) -> u64 {
    // SAFETY: forwarded.
    unsafe { put_felts(output.cast(), 0, retdata) };
    SUCCESS
}

/// Copies `bytes` to `base + offset`.
///
/// # Safety
/// `base + offset` is writable for `bytes.len()` bytes.
pub(crate) unsafe fn put(base: *mut u8, offset: usize, bytes: &[u8]) {
    // SAFETY: per the contract above.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), base.add(offset), bytes.len()) };
}

/// # Safety
/// `base + offset` is writable for a felt (32 bytes).
pub(crate) unsafe fn put_felt(base: *mut u8, offset: usize, felt: &Felt) {
    // SAFETY: forwarded.
    unsafe { put(base, offset, &felt.to_bytes_le()) };
}

/// # Safety
/// `base + offset` is writable for an array view.
pub(crate) unsafe fn put_felts(base: *mut u8, offset: usize, felts: &[Felt]) {
    // SAFETY: forwarded; felts are 32 bytes apart.
    unsafe {
        put_array(base, offset, 32, felts.len(), |slot, index| {
            put_felt(slot, 0, &felts[index]);
        })
    }
}

/// A new array of `length` elements of `stride` bytes, each written by `write_element`, as an
/// array view at `base + offset` (no buffer when empty, as native code makes them).
///
/// # Safety
/// `base + offset` is writable for an array view; `write_element` writes one element within
/// `stride` bytes of the slot it is given.
pub(crate) unsafe fn put_array(
    base: *mut u8,
    offset: usize,
    stride: usize,
    length: usize,
    write_element: impl Fn(*mut u8, usize),
) {
    let mut array = NativeArray::EMPTY;
    if length > 0 {
        let count = u32::try_from(length).unwrap_or_else(|_| out_of_memory());
        array = NativeArray::allocate(stride, count).unwrap_or_else(|| out_of_memory());
        for index in 0..count {
            // SAFETY: the buffer has `count` slots of `stride` bytes.
            write_element(unsafe { array.slot(index, stride) }, index as usize);
        }
        // SAFETY: the fresh buffer's header is ours; every element is written.
        unsafe { (*array.header()).len = count };
        array.end = count;
    }
    // SAFETY: per the contract above (the view may sit unaligned in a packed struct).
    unsafe {
        base.add(offset)
            .cast::<NativeArray>()
            .write_unaligned(array)
    };
}

/// Ends the process: a runtime function cannot hand native code an allocation failure.
pub(crate) fn out_of_memory() -> ! {
    eprintln!("cairn: out of memory in a syscall");
    std::process::abort();
}
