//! Syscalls answered by a [`SyscallHandler`]: the VM side of the syscall ABI.
//!
//! A syscall hint points at the system buffer: the syscall's selector (its name as a short
//! string), the gas counter, then the request's cells. The answer follows the request: the gas
//! left, a failure flag, then the response's cells, or on failure the revert reason as an array
//! (start, end). The layouts are those of cairo-lang-runner 2.20.0, which the corelib's syscall
//! libfuncs read. A secp256 point crosses the VM as a handle, an index into the run's
//! [`SecpPoints`]; the handler sees its coordinates.

use cairn_starknet::{ExecutionInfo, Secp256Point, SecpCurve, SyscallHandler, SyscallResult, U256};
use cairo_lang_casm::operand::CellRef;
use cairo_lang_runner::casm_run::cell_ref_to_relocatable;
use cairo_vm::types::exec_scope::ExecutionScopes;
use cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};
use cairo_vm::vm::errors::hint_errors::HintError;
use cairo_vm::vm::vm_core::VirtualMachine;
use cairo_vm::Felt252;
use num_traits::ToPrimitive;

/// The secp256 points a run's syscalls made, by curve; a point's handle is its index. Kept in
/// the run's execution scopes, where the result reader finds them too.
#[derive(Default)]
pub(crate) struct SecpPoints {
    k1: Vec<Secp256Point>,
    r1: Vec<Secp256Point>,
}

/// A point's coordinates as the VM's `get_xy` answers them: (x low, x high, y low, y high).
fn coordinate_halves(x: U256, y: U256) -> [Felt252; 4] {
    [x.low, x.high, y.low, y.high].map(Felt252::from)
}

/// The name of the run's [`SecpPoints`] in its execution scopes.
const SECP_POINTS: &str = "cairn_secp_points";

impl SecpPoints {
    /// The run's points (made empty on first use).
    pub(crate) fn of_run(scopes: &mut ExecutionScopes) -> Result<&mut SecpPoints, HintError> {
        if scopes.get_ref::<SecpPoints>(SECP_POINTS).is_err() {
            scopes.assign_or_update_variable(SECP_POINTS, Box::new(SecpPoints::default()));
        }
        scopes.get_mut_ref::<SecpPoints>(SECP_POINTS)
    }

    /// `(x low, x high, y low, y high)` of a point a handler made in this run, if the run had
    /// a handler.
    pub(crate) fn coordinates_in_run(
        scopes: &ExecutionScopes,
        curve: SecpCurve,
        handle: usize,
    ) -> Option<Option<[Felt252; 4]>> {
        let points = scopes.get_ref::<SecpPoints>(SECP_POINTS).ok()?;
        Some(
            points
                .of(curve)
                .get(handle)
                .map(|point| coordinate_halves(point.x, point.y)),
        )
    }

    fn of(&self, curve: SecpCurve) -> &Vec<Secp256Point> {
        match curve {
            SecpCurve::K1 => &self.k1,
            SecpCurve::R1 => &self.r1,
        }
    }

    fn get(&self, curve: SecpCurve, handle: Felt252) -> Result<Secp256Point, HintError> {
        let points = self.of(curve);
        handle
            .to_usize()
            .and_then(|index| points.get(index).copied())
            .ok_or_else(|| custom(&format!("no secp256 point with handle {handle}")))
    }

    /// Keeps `point`; its handle.
    fn keep(&mut self, curve: SecpCurve, point: Secp256Point) -> Felt252 {
        let points = match curve {
            SecpCurve::K1 => &mut self.k1,
            SecpCurve::R1 => &mut self.r1,
        };
        points.push(point);
        Felt252::from(points.len() - 1)
    }
}

/// The curve and operation of a secp256 syscall's name (`Secp256k1Mul`: K1, `Mul`).
fn secp_syscall(name: &str) -> Option<(SecpCurve, &str)> {
    if let Some(operation) = name.strip_prefix("Secp256k1") {
        Some((SecpCurve::K1, operation))
    } else {
        name.strip_prefix("Secp256r1")
            .map(|operation| (SecpCurve::R1, operation))
    }
}

/// The syscall's name at the head of the system buffer at `system`.
pub(crate) fn syscall_name(vm: &VirtualMachine, system: Relocatable) -> Result<String, HintError> {
    let selector = vm.get_integer(system)?.to_bytes_be();
    let name = std::str::from_utf8(&selector)
        .map_err(|_| custom("a syscall selector that is not a short string"))?;
    Ok(name.trim_start_matches('\0').to_owned())
}

/// Answers the `cheatcode` hint with `handler`: the input span's felts in, the answer written
/// to a new segment whose start and end go to the output cells. A cheatcode the handler does not
/// know stops the run, naming it.
pub(crate) fn answer_cheatcode(
    vm: &mut VirtualMachine,
    selector: Felt252,
    (input_start, input_end): (Relocatable, Relocatable),
    (output_start, output_end): (CellRef, CellRef),
    handler: &mut dyn SyscallHandler,
) -> Result<(), HintError> {
    let length = (input_end - input_start)?;
    let input: Vec<Felt252> = vm
        .get_integer_range(input_start, length)?
        .into_iter()
        .map(|felt| *felt)
        .collect();
    let answer = handler
        .cheatcode(selector, &input)
        .map_err(|error| custom(&error.to_string()))?;
    let start = vm.add_memory_segment();
    let values: Vec<MaybeRelocatable> = answer.into_iter().map(MaybeRelocatable::from).collect();
    let end = vm.load_data(start, &values)?;
    vm.insert_value(cell_ref_to_relocatable(&output_start, vm), start)?;
    vm.insert_value(cell_ref_to_relocatable(&output_end, vm), end)?;
    Ok(())
}

/// Answers the syscall at `system` with `handler`; secp256 points are kept in `points`.
pub(crate) fn answer(
    vm: &mut VirtualMachine,
    system: Relocatable,
    name: &str,
    handler: &mut dyn SyscallHandler,
    points: &mut SecpPoints,
) -> Result<(), HintError> {
    let mut buffer = SystemBuffer { vm, at: system };
    buffer.next()?; // The selector.
    let mut gas = buffer.next_u64("the gas counter")?;
    let response: SyscallResult<Vec<MaybeRelocatable>> = match name {
        "StorageRead" => {
            let domain = buffer.next_u32("an address domain")?;
            let key = buffer.next_felt()?;
            handler
                .storage_read(domain, key, &mut gas)
                .map(|value| vec![value.into()])
        }
        "StorageWrite" => {
            let domain = buffer.next_u32("an address domain")?;
            let key = buffer.next_felt()?;
            let value = buffer.next_felt()?;
            handler
                .storage_write(domain, key, value, &mut gas)
                .map(|()| Vec::new())
        }
        "GetBlockHash" => {
            let block_number = buffer.next_u64("a block number")?;
            handler
                .get_block_hash(block_number, &mut gas)
                .map(|hash| vec![hash.into()])
        }
        "GetExecutionInfo" => match handler.get_execution_info(&mut gas) {
            Ok(info) => Ok(vec![write_execution_info(buffer.vm, &info)?.into()]),
            Err(reason) => Err(reason),
        },
        "EmitEvent" => {
            let keys = buffer.next_array()?;
            let data = buffer.next_array()?;
            handler
                .emit_event(&keys, &data, &mut gas)
                .map(|()| Vec::new())
        }
        "SendMessageToL1" => {
            let to_address = buffer.next_felt()?;
            let payload = buffer.next_array()?;
            handler
                .send_message_to_l1(to_address, &payload, &mut gas)
                .map(|()| Vec::new())
        }
        "Deploy" => {
            let class_hash = buffer.next_felt()?;
            let salt = buffer.next_felt()?;
            let calldata = buffer.next_array()?;
            let deploy_from_zero = buffer.next_felt()? != Felt252::ZERO;
            match handler.deploy(class_hash, salt, &calldata, deploy_from_zero, &mut gas) {
                Ok((address, retdata)) => {
                    let (start, end) = new_array(buffer.vm, &retdata)?;
                    Ok(vec![address.into(), start.into(), end.into()])
                }
                Err(reason) => Err(reason),
            }
        }
        "CallContract" | "LibraryCall" => {
            let target = buffer.next_felt()?;
            let selector = buffer.next_felt()?;
            let calldata = buffer.next_array()?;
            let result = if name == "CallContract" {
                handler.call_contract(target, selector, &calldata, &mut gas)
            } else {
                handler.library_call(target, selector, &calldata, &mut gas)
            };
            match result {
                Ok(retdata) => {
                    let (start, end) = new_array(buffer.vm, &retdata)?;
                    Ok(vec![start.into(), end.into()])
                }
                Err(reason) => Err(reason),
            }
        }
        "ReplaceClass" => {
            let class_hash = buffer.next_felt()?;
            handler
                .replace_class(class_hash, &mut gas)
                .map(|()| Vec::new())
        }
        "GetClassHashAt" => {
            let address = buffer.next_felt()?;
            handler
                .get_class_hash_at(address, &mut gas)
                .map(|hash| vec![hash.into()])
        }
        "MetaTxV0" => {
            let address = buffer.next_felt()?;
            let selector = buffer.next_felt()?;
            let calldata = buffer.next_array()?;
            let signature = buffer.next_array()?;
            match handler.meta_tx_v0(address, selector, &calldata, &signature, &mut gas) {
                Ok(retdata) => {
                    let (start, end) = new_array(buffer.vm, &retdata)?;
                    Ok(vec![start.into(), end.into()])
                }
                Err(reason) => Err(reason),
            }
        }
        "Keccak" => {
            let words = buffer
                .next_array()?
                .iter()
                .map(|word| {
                    word.to_u64()
                        .ok_or_else(|| custom(&format!("a keccak word past u64: {word}")))
                })
                .collect::<Result<Vec<u64>, HintError>>()?;
            handler.keccak(&words, &mut gas).map(|hash| {
                vec![
                    Felt252::from(hash.low).into(),
                    Felt252::from(hash.high).into(),
                ]
            })
        }
        "Sha256ProcessBlock" => {
            let state: [u32; 8] = buffer.next_words()?;
            let block: [u32; 16] = buffer.next_words()?;
            match handler.sha256_process_block(&state, &block, &mut gas) {
                Ok(next) => Ok(vec![new_words(buffer.vm, &next)?.into()]),
                Err(reason) => Err(reason),
            }
        }
        "Sha512ProcessBlock" => {
            let state: [u64; 8] = buffer.next_words()?;
            let block: [u64; 16] = buffer.next_words()?;
            match handler.sha512_process_block(&state, &block, &mut gas) {
                Ok(next) => Ok(vec![new_words(buffer.vm, &next)?.into()]),
                Err(reason) => Err(reason),
            }
        }
        secp => {
            let Some((curve, operation)) = secp_syscall(secp) else {
                return Err(custom(&format!("unknown syscall {secp}")));
            };
            let optional = |point: Option<Secp256Point>, points: &mut SecpPoints| match point {
                Some(point) => vec![Felt252::ZERO.into(), points.keep(curve, point).into()],
                None => vec![Felt252::ONE.into(), Felt252::ZERO.into()],
            };
            match operation {
                "New" => {
                    let x = buffer.next_u256()?;
                    let y = buffer.next_u256()?;
                    handler
                        .secp256_new(curve, x, y, &mut gas)
                        .map(|point| optional(point, points))
                }
                "Add" => {
                    let p = points.get(curve, buffer.next_felt()?)?;
                    let q = points.get(curve, buffer.next_felt()?)?;
                    handler
                        .secp256_add(curve, p, q, &mut gas)
                        .map(|sum| vec![points.keep(curve, sum).into()])
                }
                "Mul" => {
                    let p = points.get(curve, buffer.next_felt()?)?;
                    let scalar = buffer.next_u256()?;
                    handler
                        .secp256_mul(curve, p, scalar, &mut gas)
                        .map(|product| vec![points.keep(curve, product).into()])
                }
                "GetPointFromX" => {
                    let x = buffer.next_u256()?;
                    let odd = buffer.next_felt()? != Felt252::ZERO;
                    handler
                        .secp256_get_point_from_x(curve, x, odd, &mut gas)
                        .map(|point| optional(point, points))
                }
                "GetXy" => {
                    let p = points.get(curve, buffer.next_felt()?)?;
                    handler
                        .secp256_get_xy(curve, p, &mut gas)
                        .map(|(x, y)| coordinate_halves(x, y).map(MaybeRelocatable::from).to_vec())
                }
                _ => return Err(custom(&format!("unknown syscall {secp}"))),
            }
        }
    };
    buffer.write(Felt252::from(gas).into())?;
    match response {
        Ok(values) => {
            buffer.write(Felt252::ZERO.into())?;
            for value in values {
                buffer.write(value)?;
            }
        }
        Err(reason) => {
            buffer.write(Felt252::ONE.into())?;
            let (start, end) = new_array(buffer.vm, &reason)?;
            buffer.write(start.into())?;
            buffer.write(end.into())?;
        }
    }
    Ok(())
}

/// Writes `info` in a new segment as the corelib's `ExecutionInfo` (v2) and its parts; returns
/// where the `ExecutionInfo` struct starts.
fn write_execution_info(
    vm: &mut VirtualMachine,
    info: &ExecutionInfo,
) -> Result<Relocatable, HintError> {
    let tx = &info.tx_info;
    let block = &info.block_info;
    let mut cells: Vec<MaybeRelocatable> = Vec::new();
    let segment = vm.add_memory_segment();
    // Arrays first, each remembered as (start, end) offsets in the segment.
    let array = |cells: &mut Vec<MaybeRelocatable>, items: Vec<Felt252>| {
        let start = cells.len();
        cells.extend(items.into_iter().map(MaybeRelocatable::from));
        (start, cells.len())
    };
    let signature = array(&mut cells, tx.signature.clone());
    let resource_bounds = array(
        &mut cells,
        tx.resource_bounds
            .iter()
            .flat_map(|bound| {
                [
                    bound.resource,
                    Felt252::from(bound.max_amount),
                    Felt252::from(bound.max_price_per_unit),
                ]
            })
            .collect(),
    );
    let paymaster_data = array(&mut cells, tx.paymaster_data.clone());
    let account_deployment_data = array(&mut cells, tx.account_deployment_data.clone());
    let proof_facts = array(&mut cells, tx.proof_facts.clone());
    let pointer =
        |offset: usize| -> Result<MaybeRelocatable, HintError> { Ok((segment + offset)?.into()) };
    let tx_info_at = cells.len();
    let tx_cells = [
        tx.version.into(),
        tx.account_contract_address.into(),
        Felt252::from(tx.max_fee).into(),
        pointer(signature.0)?,
        pointer(signature.1)?,
        tx.transaction_hash.into(),
        tx.chain_id.into(),
        tx.nonce.into(),
        pointer(resource_bounds.0)?,
        pointer(resource_bounds.1)?,
        Felt252::from(tx.tip).into(),
        pointer(paymaster_data.0)?,
        pointer(paymaster_data.1)?,
        Felt252::from(tx.nonce_data_availability_mode).into(),
        Felt252::from(tx.fee_data_availability_mode).into(),
        pointer(account_deployment_data.0)?,
        pointer(account_deployment_data.1)?,
        pointer(proof_facts.0)?,
        pointer(proof_facts.1)?,
    ];
    cells.extend(tx_cells);
    let block_info_at = cells.len();
    cells.extend([
        Felt252::from(block.block_number).into(),
        Felt252::from(block.block_timestamp).into(),
        block.sequencer_address.into(),
    ]);
    let execution_info_at = cells.len();
    let info_cells = [
        pointer(block_info_at)?,
        pointer(tx_info_at)?,
        info.caller_address.into(),
        info.contract_address.into(),
        info.entry_point_selector.into(),
    ];
    cells.extend(info_cells);
    vm.load_data(segment, &cells)?;
    Ok((segment + execution_info_at)?)
}

/// `words` in a new segment; where they start (a SHA state's pointer).
fn new_words<W: Copy + Into<Felt252>>(
    vm: &mut VirtualMachine,
    words: &[W],
) -> Result<Relocatable, HintError> {
    let start = vm.add_memory_segment();
    let cells: Vec<MaybeRelocatable> = words
        .iter()
        .map(|word| MaybeRelocatable::from((*word).into()))
        .collect();
    vm.load_data(start, &cells)?;
    Ok(start)
}

/// `items` in a new segment, as an array's (start, end).
fn new_array(
    vm: &mut VirtualMachine,
    items: &[Felt252],
) -> Result<(Relocatable, Relocatable), HintError> {
    let start = vm.add_memory_segment();
    let cells: Vec<MaybeRelocatable> = items.iter().map(MaybeRelocatable::from).collect();
    let end = vm.load_data(start, &cells)?;
    Ok((start, end))
}

fn custom(message: &str) -> HintError {
    HintError::CustomHint(message.to_owned().into_boxed_str())
}

/// A cursor over the system buffer.
struct SystemBuffer<'a> {
    vm: &'a mut VirtualMachine,
    at: Relocatable,
}

impl SystemBuffer<'_> {
    fn next(&mut self) -> Result<Relocatable, HintError> {
        let here = self.at;
        self.at = (self.at + 1usize)?;
        Ok(here)
    }

    fn next_felt(&mut self) -> Result<Felt252, HintError> {
        let at = self.next()?;
        Ok(*self.vm.get_integer(at)?)
    }

    fn next_u64(&mut self, what: &str) -> Result<u64, HintError> {
        let felt = self.next_felt()?;
        felt.to_u64()
            .ok_or_else(|| custom(&format!("{what} past u64 in a syscall: {felt}")))
    }

    fn next_u32(&mut self, what: &str) -> Result<u32, HintError> {
        let felt = self.next_felt()?;
        felt.to_u32()
            .ok_or_else(|| custom(&format!("{what} past u32 in a syscall: {felt}")))
    }

    /// An array given as (start, end) pointers.
    fn next_array(&mut self) -> Result<Vec<Felt252>, HintError> {
        let start_at = self.next()?;
        let end_at = self.next()?;
        let start = self.vm.get_relocatable(start_at)?;
        let end = self.vm.get_relocatable(end_at)?;
        let length = (end - start)?;
        self.vm
            .get_integer_range(start, length)?
            .into_iter()
            .map(|felt| Ok(*felt))
            .collect()
    }

    /// A u256 as its (low, high) halves.
    fn next_u256(&mut self) -> Result<U256, HintError> {
        let mut half = || -> Result<u128, HintError> {
            let felt = self.next_felt()?;
            felt.to_u128()
                .ok_or_else(|| custom(&format!("a u256 half past u128 in a syscall: {felt}")))
        };
        let low = half()?;
        let high = half()?;
        Ok(U256 { low, high })
    }

    /// `N` words behind a pointer (a SHA state or block).
    fn next_words<W: TryFrom<u64> + Copy + Default, const N: usize>(
        &mut self,
    ) -> Result<[W; N], HintError> {
        let at = self.next()?;
        let start = self.vm.get_relocatable(at)?;
        let mut words = [W::default(); N];
        for (word, felt) in words.iter_mut().zip(self.vm.get_integer_range(start, N)?) {
            *word = felt
                .to_u64()
                .and_then(|value| W::try_from(value).ok())
                .ok_or_else(|| custom(&format!("a SHA word out of range: {felt}")))?;
        }
        Ok(words)
    }

    fn write(&mut self, value: MaybeRelocatable) -> Result<(), HintError> {
        let at = self.next()?;
        self.vm.insert_value(at, value)?;
        Ok(())
    }
}
