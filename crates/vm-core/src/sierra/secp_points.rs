//! secp256k1/r1 points of a finished run, by the handle the program holds.
//!
//! On the VM a `Secp256k1Point` or `Secp256r1Point` is one cell: an index into a table that
//! `cairo-lang-runner`'s syscall hints keep in the run's execution scopes, under a type the
//! runner does not export. Rather than depend on that table's layout, the coordinates are asked
//! for as the program itself would: a `Secp256*GetXy` syscall, answered by the runner's own hint
//! over a scratch VM that holds only the request. A run with a syscall handler keeps its
//! points in Cairn's own table (`syscalls::SecpPoints`), read directly.

use cairn_starknet::SecpCurve;
use cairo_lang_casm::hints::{Hint, StarknetHint};
use cairo_lang_casm::operand::{CellRef, Register, ResOperand};
use cairo_vm::hint_processor::hint_processor_definition::HintProcessorLogic;
use cairo_vm::types::exec_scope::ExecutionScopes;
use cairo_vm::vm::vm_core::VirtualMachine;
use cairo_vm::Felt252;

use crate::error::{Result, VmCoreError};

/// The `get_xy` syscall's selector on `curve`.
fn get_xy_selector(curve: SecpCurve) -> &'static str {
    match curve {
        SecpCurve::K1 => "Secp256k1GetXy",
        SecpCurve::R1 => "Secp256r1GetXy",
    }
}

/// Gas for the one syscall (far above its cost, which is not the run's to pay).
const QUERY_GAS: u64 = 1 << 40;

/// The cells of a `Secp256*GetXy` request: selector, gas, point handle.
const REQUEST_CELLS: usize = 3;

/// `(x low, x high, y low, y high)` of the point `handle` names on `curve` (the point at
/// infinity is all zeros), from the run's execution scopes.
pub(crate) fn point_coordinates(
    scopes: &mut ExecutionScopes,
    curve: SecpCurve,
    handle: usize,
) -> Result<[Felt252; 4]> {
    let failed = |detail: String| {
        VmCoreError::ResultDecoding(format!(
            "reading {curve} point {handle} back from the run: {detail}"
        ))
    };
    // A run with a syscall handler keeps its points in a table of Cairn's.
    if let Some(point) = super::syscalls::SecpPoints::coordinates_in_run(scopes, curve, handle) {
        return point.ok_or_else(|| failed("no such point".to_owned()));
    }
    let mut vm = VirtualMachine::new(false, false);
    // Segment 0 (program) and 1 (execution, where ap points) as in any run; 2 holds the request.
    let _program = vm.add_memory_segment();
    let execution = vm.add_memory_segment();
    let request = vm.add_memory_segment();
    vm.set_ap(0);
    vm.set_fp(0);
    let selector = Felt252::from_bytes_be_slice(get_xy_selector(curve).as_bytes());
    let request_cells = [selector, Felt252::from(QUERY_GAS), Felt252::from(handle)].map(Into::into);
    vm.insert_value(execution, request)
        .and_then(|()| vm.load_data(request, &request_cells).map(|_| ()))
        .map_err(|error| failed(error.to_string()))?;

    let hint: Box<dyn std::any::Any> = Box::new(Hint::Starknet(StarknetHint::SystemCall {
        system: ResOperand::Deref(CellRef {
            register: Register::AP,
            offset: 0,
        }),
    }));
    let mut processor = super::param_hints::runner_hint_processor(Default::default());
    // The runner indexes its table without a bounds check: a handle the run never made would
    // panic there, so the call is contained and such a handle is an error.
    cairn_values_abi::contained::contain(|| processor.execute_hint(&mut vm, scopes, &hint))
        .map_err(|panic| failed(format!("no such point ({panic})")))?
        .map_err(|error| failed(error.to_string()))?;

    // The response follows the request: gas left, a failure flag, then x and y as u256s.
    let response = (request + REQUEST_CELLS).map_err(|error| failed(error.to_string()))?;
    let cells = vm
        .get_integer_range(response, 6)
        .map_err(|error| failed(error.to_string()))?;
    if *cells[1] != Felt252::ZERO {
        return Err(failed("the syscall failed".to_owned()));
    }
    Ok([*cells[2], *cells[3], *cells[4], *cells[5]])
}
