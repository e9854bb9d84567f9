//! `get_execution_info_syscall` natively (every version: v1, v2, v3), which every
//! `get_caller_address` makes: the answer is written straight into the boxes native code
//! reads, at offsets worked out once per program and type from values-abi's layouts, rather
//! than built as a `Value` and written through the type's shapes (which took a fifth of a
//! native ERC20 transfer).
//!
//! A type is first checked the general way: [`execution_info_value`] of a sample with one
//! element in every list must be a value of the type (`cairn_values_abi::json::check`). Only
//! then is its writer made, so every member the writer fills has the kind it writes.

use std::alloc::Layout;
use std::sync::{Arc, Mutex, PoisonError};

use cairn_starknet::{ExecutionInfo, ResourceBounds, SyscallHandler};
use cairn_values_abi::array::NativeArray;
use cairn_values_abi::layout::{layout_of, struct_layout};
use cairn_values_abi::{Registry, TypeShape, Value};
use cairo_lang_sierra::ids::ConcreteTypeId;
use starknet_types_core::felt::Felt;

use super::state_syscalls::{span_of_shape, FailureSlot, SyscallContext};
use super::syscalls::{answer, write_reason, SUCCESS};
use super::typed_syscalls::{out_of_memory, put, put_array, put_felt, put_felts};

/// `get_execution_info_syscall() -> Box<ExecutionInfo>`, of the corelib version `type_id`
/// names.
///
/// # Safety
/// `system` is null or the run's `SyscallContext`; `gas` is its counter; `output` is writable
/// for a box pointer and `failure` for an array; `type_id` is the output's type in the
/// running program.
pub(crate) unsafe extern "C" fn get_execution_info(
    system: *mut SyscallContext<'_>,
    gas: *mut u64,
    output: *mut *mut u8,
    type_id: u64,
    failure: *mut NativeArray,
) -> u64 {
    if system.is_null() {
        // SAFETY: `failure` is writable for an array (contract above).
        return unsafe { write_reason(failure, &[b"no syscall handler"]) };
    }
    let writer = {
        // SAFETY: `system` is the run's context (contract above); this reference ends before
        // `answer` takes the context again.
        let context = unsafe { &*system };
        let ty = ConcreteTypeId::new(type_id);
        match context.execution_info_writers {
            Some(writers) => writers.get(&ty, context.registry),
            None => ExecutionInfoWriter::new(&ty, context.registry).map(Arc::new),
        }
    };
    let writer = match writer {
        Ok(writer) => writer,
        // SAFETY: `failure` is writable for an array (contract above).
        Err(message) => return unsafe { FailureSlot::new(failure) }.internal(&message),
    };
    let call = |handler: &mut dyn SyscallHandler, gas: &mut u64| handler.get_execution_info(gas);
    // SAFETY: per the contract above; `output` is writable for a box pointer.
    unsafe {
        answer(system, gas, failure, call, |info| {
            output.write(writer.write(&info));
            SUCCESS
        })
    }
}

/// The writer of each execution-info type of one program, made at its first use.
#[derive(Default)]
pub(crate) struct ExecutionInfoWriters(Mutex<Vec<(u64, Arc<ExecutionInfoWriter>)>>);

impl ExecutionInfoWriters {
    /// The writer of `ty`, made (after checking the type) the first time.
    fn get(
        &self,
        ty: &ConcreteTypeId,
        registry: &Registry,
    ) -> Result<Arc<ExecutionInfoWriter>, String> {
        let lock = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, writer)) = lock().iter().find(|(id, _)| *id == ty.id) {
            return Ok(Arc::clone(writer));
        }
        let writer = Arc::new(ExecutionInfoWriter::new(ty, registry)?);
        lock().push((ty.id, Arc::clone(&writer)));
        Ok(writer)
    }
}

/// A struct's member offsets and size.
struct StructPlan {
    offsets: Vec<usize>,
    layout: Layout,
}

impl StructPlan {
    fn new(registry: &Registry, members: &[ConcreteTypeId]) -> Result<Self, String> {
        let (offsets, layout) =
            struct_layout(registry, members).map_err(|error| error.to_string())?;
        Ok(Self { offsets, layout })
    }

    fn offset(&self, member: usize) -> usize {
        self.offsets.get(member).copied().unwrap_or(0)
    }

    /// A fresh `malloc`ed box for the struct (aborting when memory runs out, as every
    /// runtime allocation does).
    fn allocate(&self) -> *mut u8 {
        // SAFETY: malloc has no preconditions; its memory is aligned for every layout here.
        let boxed = unsafe { libc::malloc(self.layout.size().max(1)) }.cast::<u8>();
        if boxed.is_null() {
            out_of_memory();
        }
        boxed
    }
}

/// How one execution-info type is written: the layouts of its structs, in the order of the
/// v3 corelib (each version's transaction info is a prefix of the next).
pub(crate) struct ExecutionInfoWriter {
    info: StructPlan,
    block: StructPlan,
    tx: StructPlan,
    /// `ResourceBounds` and its stride in an array (none before v2).
    bound: Option<(StructPlan, usize)>,
}

impl ExecutionInfoWriter {
    /// The writer of the `Box<ExecutionInfo>` type `ty`, after checking that a sample's value
    /// is of that type.
    fn new(ty: &ConcreteTypeId, registry: &Registry) -> Result<Self, String> {
        let sample = execution_info_value(&sample_execution_info(), ty, registry)?;
        cairn_values_abi::json::check(&sample, ty, registry, "execution info")
            .map_err(|error| error.to_string())?;
        let info_shape = struct_shape(ty, registry)?;
        let info_members = members_of(&info_shape);
        let [block_ty, tx_ty, ..] = info_members else {
            return Err("ExecutionInfo has fewer members than expected".to_owned());
        };
        let block_shape = struct_shape(block_ty, registry)?;
        let tx_shape = struct_shape(tx_ty, registry)?;
        let tx_members = members_of(&tx_shape);
        let bound = match tx_members.get(TX_RESOURCE_BOUNDS) {
            Some(span) => {
                let element = span_element(span, registry)?;
                let stride = layout_of(registry, &element)
                    .map_err(|error| error.to_string())?
                    .pad_to_align()
                    .size();
                let shape = struct_shape(&element, registry)?;
                Some((StructPlan::new(registry, members_of(&shape))?, stride))
            }
            None => None,
        };
        Ok(Self {
            info: StructPlan::new(registry, info_members)?,
            block: StructPlan::new(registry, members_of(&block_shape))?,
            tx: StructPlan::new(registry, tx_members)?,
            bound,
        })
    }

    /// `info` in fresh boxes, as native code owns them: the outer box's address.
    fn write(&self, info: &ExecutionInfo) -> *mut u8 {
        let block_info = &info.block_info;
        let block = self.block.allocate();
        // SAFETY (each `put` below): the offsets are inside the freshly allocated structs,
        // and the member there has the kind written (the type was checked with a sample of
        // the same shape, see `new`).
        unsafe {
            put(
                block,
                self.block.offset(0),
                &block_info.block_number.to_le_bytes(),
            );
            put(
                block,
                self.block.offset(1),
                &block_info.block_timestamp.to_le_bytes(),
            );
            put_felt(block, self.block.offset(2), &block_info.sequencer_address);
        }
        let tx_info = &info.tx_info;
        let tx = self.tx.allocate();
        for (member, &offset) in self.tx.offsets.iter().enumerate() {
            // SAFETY: as above.
            unsafe {
                match member {
                    0 => put_felt(tx, offset, &tx_info.version),
                    1 => put_felt(tx, offset, &tx_info.account_contract_address),
                    2 => put(tx, offset, &tx_info.max_fee.to_le_bytes()),
                    3 => put_felts(tx, offset, &tx_info.signature),
                    4 => put_felt(tx, offset, &tx_info.transaction_hash),
                    5 => put_felt(tx, offset, &tx_info.chain_id),
                    6 => put_felt(tx, offset, &tx_info.nonce),
                    TX_RESOURCE_BOUNDS => self.put_bounds(tx, offset, &tx_info.resource_bounds),
                    8 => put(tx, offset, &tx_info.tip.to_le_bytes()),
                    9 => put_felts(tx, offset, &tx_info.paymaster_data),
                    10 => put(
                        tx,
                        offset,
                        &tx_info.nonce_data_availability_mode.to_le_bytes(),
                    ),
                    11 => put(
                        tx,
                        offset,
                        &tx_info.fee_data_availability_mode.to_le_bytes(),
                    ),
                    12 => put_felts(tx, offset, &tx_info.account_deployment_data),
                    // The check refuses a type with more members than `execution_info_value`
                    // fills, so this is the last.
                    _ => put_felts(tx, offset, &tx_info.proof_facts),
                }
            }
        }
        let outer = self.info.allocate();
        // SAFETY: as above.
        unsafe {
            put(outer, self.info.offset(0), &(block as usize).to_le_bytes());
            put(outer, self.info.offset(1), &(tx as usize).to_le_bytes());
            put_felt(outer, self.info.offset(2), &info.caller_address);
            put_felt(outer, self.info.offset(3), &info.contract_address);
            put_felt(outer, self.info.offset(4), &info.entry_point_selector);
        }
        outer
    }

    /// The resource bounds as an array of `ResourceBounds` at `base + offset`.
    ///
    /// # Safety
    /// As [`put`], for an array.
    unsafe fn put_bounds(&self, base: *mut u8, offset: usize, bounds: &[ResourceBounds]) {
        let Some((plan, stride)) = &self.bound else {
            return;
        };
        // SAFETY: forwarded; each element slot holds a `ResourceBounds` (checked type).
        unsafe {
            put_array(base, offset, *stride, bounds.len(), |slot, index| {
                let bound = &bounds[index];
                put_felt(slot, plan.offset(0), &bound.resource);
                put(slot, plan.offset(1), &bound.max_amount.to_le_bytes());
                put(
                    slot,
                    plan.offset(2),
                    &bound.max_price_per_unit.to_le_bytes(),
                );
            })
        }
    }
}

/// Index of the resource bounds among the transaction info's members.
const TX_RESOURCE_BOUNDS: usize = 7;

/// An execution info with one element in each of its lists, so that a check of its value
/// covers every element type.
fn sample_execution_info() -> ExecutionInfo {
    let mut info = ExecutionInfo::default();
    let tx = &mut info.tx_info;
    tx.signature = vec![Felt::ONE];
    tx.resource_bounds = vec![Default::default()];
    tx.paymaster_data = vec![Felt::ONE];
    tx.account_deployment_data = vec![Felt::ONE];
    tx.proof_facts = vec![Felt::ONE];
    info
}

/// The struct type `ty` (through boxes): its shape, whose members the caller reads.
fn struct_shape(ty: &ConcreteTypeId, registry: &Registry) -> Result<Arc<TypeShape>, String> {
    let shape = TypeShape::shared(registry, ty).map_err(|error| error.to_string())?;
    match &*shape {
        TypeShape::Box(inner) => struct_shape(inner, registry),
        TypeShape::Struct { .. } => Ok(shape),
        other => Err(format!("expected a struct, found {other:?}")),
    }
}

/// The members of a shape [`struct_shape`] gave.
fn members_of(shape: &TypeShape) -> &[ConcreteTypeId] {
    match shape {
        TypeShape::Struct { members, .. } => members,
        _ => &[],
    }
}

/// The element type of a span type: the corelib's `Span` struct (around a snapshot of an
/// array) or a bare array.
fn span_element(ty: &ConcreteTypeId, registry: &Registry) -> Result<ConcreteTypeId, String> {
    match &*TypeShape::shared(registry, ty).map_err(|error| error.to_string())? {
        TypeShape::Struct { members, .. } if members.len() == 1 => {
            span_element(&members[0], registry)
        }
        TypeShape::Snapshot(inner) => span_element(inner, registry),
        TypeShape::Array(element) | TypeShape::Span(element) => Ok(element.clone()),
        other => Err(format!("expected a span, found {other:?}")),
    }
}

/// `info` as a value of the corelib's `Box<ExecutionInfo>` type `ty`, whichever version: each
/// version's transaction info is a prefix of the next, so the members the type has are taken.
fn execution_info_value(
    info: &ExecutionInfo,
    ty: &ConcreteTypeId,
    registry: &Registry,
) -> Result<Value, String> {
    let shape = struct_shape(ty, registry)?;
    let [block_ty, tx_ty, ..] = members_of(&shape) else {
        return Err("ExecutionInfo has fewer members than expected".to_owned());
    };
    let block = &info.block_info;
    let block_value = Value::Struct(vec![
        Value::U64(block.block_number),
        Value::U64(block.block_timestamp),
        Value::Felt252(block.sequencer_address),
    ]);
    let block_members = members_of(&*struct_shape(block_ty, registry)?).len();
    let tx_shape = struct_shape(tx_ty, registry)?;
    let tx_members = members_of(&tx_shape);
    let tx = &info.tx_info;
    let felts = |items: &[Felt]| Value::Array(items.iter().copied().map(Value::Felt252).collect());
    let bounds = Value::Array(
        tx.resource_bounds
            .iter()
            .map(|bound| {
                Value::Struct(vec![
                    Value::Felt252(bound.resource),
                    Value::U64(bound.max_amount),
                    Value::U128(bound.max_price_per_unit),
                ])
            })
            .collect(),
    );
    // The v3 transaction info in order; a span's array is wrapped to its member's type below.
    let all: Vec<(Value, bool)> = vec![
        (Value::Felt252(tx.version), false),
        (Value::Felt252(tx.account_contract_address), false),
        (Value::U128(tx.max_fee), false),
        (felts(&tx.signature), true),
        (Value::Felt252(tx.transaction_hash), false),
        (Value::Felt252(tx.chain_id), false),
        (Value::Felt252(tx.nonce), false),
        (bounds, true),
        (Value::U128(tx.tip), false),
        (felts(&tx.paymaster_data), true),
        (Value::U32(tx.nonce_data_availability_mode), false),
        (Value::U32(tx.fee_data_availability_mode), false),
        (felts(&tx.account_deployment_data), true),
        (felts(&tx.proof_facts), true),
    ];
    if tx_members.len() > all.len() || block_members != 3 {
        return Err(format!(
            "an ExecutionInfo of {} transaction members and {block_members} block members",
            tx_members.len()
        ));
    }
    let tx_value = Value::Struct(
        all.into_iter()
            .zip(tx_members)
            .map(|((value, is_span), member)| {
                if is_span {
                    span_of_shape(value, member, registry)
                } else {
                    Ok(value)
                }
            })
            .collect::<Result<_, String>>()?,
    );
    Ok(Value::Struct(vec![
        block_value,
        tx_value,
        Value::Felt252(info.caller_address),
        Value::Felt252(info.contract_address),
        Value::Felt252(info.entry_point_selector),
    ]))
}
