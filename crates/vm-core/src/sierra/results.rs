//! A function's return values, read back from VM memory as [`Value`]s.

use std::cell::RefCell;

use cairn_values_abi::{BuiltinKind, DictKey, IntWidth, TypeShape, U128Half, Value};
use cairo_lang_runnable_utils::builder::RunnableBuilder;
use cairo_lang_sierra::extensions::core::CoreTypeConcrete;
use cairo_lang_sierra::extensions::starknet::secp256::Secp256PointTypeConcrete;
use cairo_lang_sierra::extensions::starknet::StarknetTypeConcrete;
use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_lang_sierra::program::Function;
use cairo_vm::types::exec_scope::ExecutionScopes;
use cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};
use cairo_vm::Felt252;
use num_bigint::BigInt;
use num_traits::ToPrimitive;

use super::secp_points::point_coordinates;
use crate::error::{Result, VmCoreError};
use crate::runner::Runner;

/// How a function call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SierraOutcome {
    /// It returned these values (one per declared return value, panic wrapper removed).
    Success(Vec<Value>),
    /// It panicked with this data.
    Panic(Vec<Felt252>),
}

/// Everything a finished Sierra run reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SierraResult {
    /// Values or panic data.
    pub outcome: SierraOutcome,
    /// The flat felts cairo-run prints: the return value's cells (pointers relocated), or the
    /// panic data.
    pub flat: Vec<Felt252>,
    /// Gas left at the end, for functions that count gas.
    pub remaining_gas: Option<u64>,
    /// Gas used by a program that counts gas: the available gas minus what is left (the
    /// entry cost included).
    pub gas_used: Option<u64>,
    /// VM steps of the function itself (the entry code's excluded, as cairo-run counts).
    pub steps: usize,
    /// Builtin instances the run used, by builtin name (`range_check`, `pedersen`…); unused
    /// builtins are absent.
    pub builtins: std::collections::BTreeMap<&'static str, usize>,
}

impl SierraResult {
    /// The line the Cairo compiler's `cairo-run` prints for this result.
    pub fn summary_line(&self) -> String {
        match &self.outcome {
            SierraOutcome::Success(_) => {
                format!("Run completed successfully, returning {:?}", self.flat)
            }
            SierraOutcome::Panic(data) => super::format_panic(data),
        }
    }
}

/// The selector cell of an enum variant, as Sierra-to-CASM encodes it.
pub(crate) fn variant_selector(n_variants: usize, index: usize) -> usize {
    if n_variants <= 2 {
        index
    } else {
        (n_variants - index) * 2 - 1
    }
}

fn variant_index(n_variants: usize, selector: usize) -> Option<usize> {
    if n_variants <= 2 {
        (selector < n_variants).then_some(selector)
    } else {
        let index = n_variants.checked_sub(selector.checked_add(1)? / 2)?;
        (selector % 2 == 1 && index < n_variants).then_some(index)
    }
}

pub(crate) fn read_result(
    runner: &Runner,
    scopes: &mut ExecutionScopes,
    builder: &RunnableBuilder,
    func: &Function,
    available_gas: Option<u64>,
    initial_gas: Option<u64>,
) -> Result<SierraResult> {
    // The entry code leaves the function's return values just below the final ap.
    read_result_at(
        runner,
        scopes,
        builder,
        func,
        available_gas,
        initial_gas,
        runner.ap(),
    )
}

/// The result of a run whose entry code leaves `trailing` cells (the builtins' final pointers)
/// above the function's return values; no gas figures (a prover run's gas is not metered).
pub(crate) fn read_result_below(
    runner: &Runner,
    scopes: &mut ExecutionScopes,
    builder: &RunnableBuilder,
    func: &Function,
    trailing: usize,
) -> Result<SierraResult> {
    let end =
        (runner.ap() - trailing).map_err(|error| VmCoreError::ResultDecoding(error.to_string()))?;
    read_result_at(runner, scopes, builder, func, None, None, end)
}

/// Whether `ty` is `core::panics::PanicResult<T>`, recognised by its debug name as
/// cairo-lang-runner does: its user type id hashes the concrete instantiation, so there is no
/// name-free way to tell.
pub(crate) fn is_panic_result(builder: &RunnableBuilder, ty: &ConcreteTypeId) -> bool {
    let long_id = builder.type_long_id(ty);
    matches!(
        long_id.generic_args.first(),
        Some(cairo_lang_sierra::program::GenericArg::UserType(user))
            if user.debug_name.as_deref().is_some_and(|name| name.starts_with("core::panics::PanicResult::"))
    )
}

/// The `T` of a `PanicResult<(T,)>`: its `Ok` variant holds a one-member tuple.
pub(crate) fn panic_result_ok_type(
    builder: &RunnableBuilder,
    ty: &ConcreteTypeId,
) -> Option<ConcreteTypeId> {
    let type_arg =
        |args: &[cairo_lang_sierra::program::GenericArg], index: usize| match args.get(index) {
            Some(cairo_lang_sierra::program::GenericArg::Type(inner)) => Some(inner.clone()),
            _ => None,
        };
    let ok_tuple = type_arg(&builder.type_long_id(ty).generic_args, 1)?;
    let tuple_args = &builder.type_long_id(&ok_tuple).generic_args;
    match tuple_args.len() {
        2 => type_arg(tuple_args, 1),
        _ => None,
    }
}

fn read_result_at(
    runner: &Runner,
    scopes: &mut ExecutionScopes,
    builder: &RunnableBuilder,
    func: &Function,
    available_gas: Option<u64>,
    initial_gas: Option<u64>,
    end: Relocatable,
) -> Result<SierraResult> {
    let reader = Reader {
        runner,
        builder,
        scopes: RefCell::new(scopes),
    };
    let ret_types = &func.signature.ret_types;
    let total: usize = ret_types.iter().map(|ty| reader.size(ty)).sum();
    let start = (end - total).map_err(|error| reader.corrupt(error.to_string()))?;

    let mut remaining_gas = None;
    let mut user_values = Vec::new();
    let mut user_cells = Vec::new();
    let mut address = start;
    for ty in ret_types {
        let size = reader.size(ty);
        let cells = reader.cells(address, size)?;
        address = (address + size).map_err(|error| reader.corrupt(error.to_string()))?;
        match TypeShape::of(builder.registry(), ty)
            .map_err(|error| reader.corrupt(error.to_string()))?
        {
            TypeShape::Builtin(BuiltinKind::Gas) => {
                remaining_gas = Some(reader.u64_of(&cells[0])?);
            }
            TypeShape::Builtin(_) => {}
            _ => {
                user_values.push((ty.clone(), cells.clone()));
                user_cells.extend(cells);
            }
        }
    }

    let (outcome, flat) = match user_values.as_slice() {
        [(ty, cells)] if reader.is_panic_result(ty) => reader.unwrap_panic_result(ty, cells)?,
        values => {
            let decoded = values
                .iter()
                .map(|(ty, cells)| reader.value(ty, cells))
                .collect::<Result<Vec<_>>>()?;
            let flat = reader.relocate_all(&user_cells)?;
            (SierraOutcome::Success(decoded), flat)
        }
    };

    let steps = reader.function_steps();
    let gas_used = match (available_gas, remaining_gas, initial_gas) {
        (Some(available), Some(remaining), Some(_)) => available.checked_sub(remaining),
        _ => None,
    };
    Ok(SierraResult {
        outcome,
        flat,
        remaining_gas,
        gas_used,
        steps,
        builtins: Default::default(),
    })
}

struct Reader<'a> {
    runner: &'a Runner<'a>,
    builder: &'a RunnableBuilder,
    /// The run's execution scopes (taken out of the runner while it is read), where the
    /// syscall hints keep secp256 points.
    scopes: RefCell<&'a mut ExecutionScopes>,
}

impl Reader<'_> {
    fn corrupt(&self, detail: String) -> VmCoreError {
        VmCoreError::ResultDecoding(detail)
    }

    fn size(&self, ty: &ConcreteTypeId) -> usize {
        usize::try_from(self.builder.type_size(ty)).unwrap_or(0)
    }

    fn cells(&self, address: Relocatable, size: usize) -> Result<Vec<MaybeRelocatable>> {
        (0..size)
            .map(|offset| {
                let cell = (address + offset).map_err(|error| self.corrupt(error.to_string()))?;
                self.runner
                    .memory_get(cell)
                    .ok_or_else(|| self.corrupt(format!("no value at {cell}")))
            })
            .collect()
    }

    fn felt_of(&self, cell: &MaybeRelocatable) -> Result<Felt252> {
        match cell {
            MaybeRelocatable::Int(felt) => Ok(*felt),
            MaybeRelocatable::RelocatableValue(address) => {
                Err(self.corrupt(format!("expected a number, found the address {address}")))
            }
        }
    }

    fn pointer_of(&self, cell: &MaybeRelocatable) -> Result<Relocatable> {
        match cell {
            MaybeRelocatable::RelocatableValue(address) => Ok(*address),
            MaybeRelocatable::Int(felt) => {
                Err(self.corrupt(format!("expected an address, found the number {felt}")))
            }
        }
    }

    fn u64_of(&self, cell: &MaybeRelocatable) -> Result<u64> {
        let felt = self.felt_of(cell)?;
        u64::try_from(felt).map_err(|_| self.corrupt(format!("{felt} does not fit a u64")))
    }

    fn is_panic_result(&self, ty: &ConcreteTypeId) -> bool {
        is_panic_result(self.builder, ty)
    }

    /// `PanicResult<T>` is `Ok(T)` (variant 0) or `Err((Panic, Array<felt252>))` (variant 1).
    fn unwrap_panic_result(
        &self,
        ty: &ConcreteTypeId,
        cells: &[MaybeRelocatable],
    ) -> Result<(SierraOutcome, Vec<Felt252>)> {
        let Value::Enum { variant, value } = self.value(ty, cells)? else {
            return Err(self.corrupt("a panic result that is not an enum".to_owned()));
        };
        let TypeShape::Enum { variants, .. } = self.shape(ty)? else {
            return Err(self.corrupt("a panic result that is not an enum".to_owned()));
        };
        if variant == 0 {
            let inner_size = self.size(&variants[0]);
            let flat = self.relocate_all(&cells[cells.len() - inner_size..])?;
            let values = match *value {
                // The inner type is the tuple of the function's return values.
                Value::Struct(members) => members,
                other => vec![other],
            };
            return Ok((SierraOutcome::Success(values), flat));
        }
        // The panic payload is a struct (Panic, Array<felt252>); the array is its last member.
        let data = match *value {
            Value::Struct(members) => match members.last() {
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|item| match item {
                        Value::Felt252(felt) => Ok(*felt),
                        other => Err(self.corrupt(format!("panic data item {other:?}"))),
                    })
                    .collect::<Result<Vec<_>>>()?,
                _ => return Err(self.corrupt("panic data is not an array".to_owned())),
            },
            _ => return Err(self.corrupt("panic payload is not a struct".to_owned())),
        };
        Ok((SierraOutcome::Panic(data.clone()), data))
    }

    fn relocate_all(&self, cells: &[MaybeRelocatable]) -> Result<Vec<Felt252>> {
        let table = self
            .runner
            .vm()
            .segments
            .relocate_segments()
            .map_err(|error| self.corrupt(error.to_string()))?;
        cells
            .iter()
            .map(|cell| match cell {
                MaybeRelocatable::Int(felt) => Ok(*felt),
                MaybeRelocatable::RelocatableValue(address) => {
                    let segment = usize::try_from(address.segment_index)
                        .map_err(|_| self.corrupt(format!("temporary address {address}")))?;
                    let base = table
                        .get(segment)
                        .ok_or_else(|| self.corrupt(format!("unknown segment in {address}")))?;
                    Ok(Felt252::from(base + address.offset))
                }
            })
            .collect()
    }

    /// Steps of the function proper: cairo-lang-runner drops the entry code's steps before
    /// the call and after the return (its last trace entry is the entry code's `ret`). From
    /// the trace of a traced run (a prover's); a plain Sierra run, untraced, knows its entry
    /// code's steps instead (`SierraRunner::result`).
    fn function_steps(&self) -> usize {
        let trace = self.runner.trace();
        let Some(last) = trace.last() else {
            return self.runner.step_count();
        };
        let header_end = last.pc.offset;
        let in_function = |pc: &Relocatable| pc.offset > header_end;
        let before = trace
            .iter()
            .position(|entry| in_function(&entry.pc))
            .unwrap_or(trace.len());
        let after = trace
            .iter()
            .rev()
            .position(|entry| in_function(&entry.pc))
            .unwrap_or(0);
        self.runner.step_count().saturating_sub(before + after)
    }

    fn shape(&self, ty: &ConcreteTypeId) -> Result<TypeShape> {
        TypeShape::of(self.builder.registry(), ty).map_err(|error| self.corrupt(error.to_string()))
    }

    /// Decodes the value of type `ty` held in `cells` (exactly the type's size).
    fn value(&self, ty: &ConcreteTypeId, cells: &[MaybeRelocatable]) -> Result<Value> {
        let shape = self.shape(ty)?;
        let first = || {
            cells
                .first()
                .ok_or_else(|| self.corrupt(format!("no cells for a value of type {ty}")))
        };
        Ok(match shape {
            TypeShape::Felt252 => Value::Felt252(self.felt_of(first()?)?),
            TypeShape::Bytes31 => Value::Bytes31(self.felt_of(first()?)?),
            TypeShape::Int(width) => self.int(width, self.felt_of(first()?)?)?,
            TypeShape::BoundedInt { .. } => Value::BoundedInt(signed(self.felt_of(first()?)?)),
            TypeShape::Struct { members, .. } => {
                let mut offset = 0;
                let mut values = Vec::with_capacity(members.len());
                for member in &members {
                    let size = self.size(member);
                    let slice = cells
                        .get(offset..offset + size)
                        .ok_or_else(|| self.corrupt(format!("struct {ty} is short of cells")))?;
                    values.push(self.value(member, slice)?);
                    offset += size;
                }
                Value::Struct(values)
            }
            TypeShape::Enum { variants, .. } => {
                let selector = usize::try_from(self.felt_of(first()?)?)
                    .map_err(|_| self.corrupt(format!("bad selector for {ty}")))?;
                let variant = variant_index(variants.len(), selector)
                    .ok_or_else(|| self.corrupt(format!("selector {selector} for {ty}")))?;
                let payload_size = self.size(&variants[variant]);
                let payload = &cells[cells.len() - payload_size..];
                Value::variant(variant, self.value(&variants[variant], payload)?)
            }
            TypeShape::Array(element) | TypeShape::Span(element) => {
                let start = self.pointer_of(first()?)?;
                let end = self.pointer_of(
                    cells
                        .get(1)
                        .ok_or_else(|| self.corrupt("array end".to_owned()))?,
                )?;
                let size = self.size(&element);
                let length = (end - start).map_err(|error| self.corrupt(error.to_string()))?;
                let items = self.cells(start, length)?;
                if size == 0 {
                    Value::Array(Vec::new())
                } else {
                    items
                        .chunks(size)
                        .map(|chunk| self.value(&element, chunk))
                        .collect::<Result<Vec<_>>>()
                        .map(Value::Array)?
                }
            }
            TypeShape::Snapshot(inner) | TypeShape::NonZero(inner) => self.value(&inner, cells)?,
            TypeShape::Box(inner) => {
                let address = self.pointer_of(first()?)?;
                self.value(&inner, &self.cells(address, self.size(&inner))?)?
            }
            TypeShape::Nullable(inner) => match first()? {
                MaybeRelocatable::Int(felt) if *felt == Felt252::ZERO => Value::Nullable(None),
                cell => {
                    let address = self.pointer_of(cell)?;
                    let value = self.value(&inner, &self.cells(address, self.size(&inner))?)?;
                    Value::Nullable(Some(Box::new(value)))
                }
            },
            TypeShape::Felt252Dict(inner) => {
                // The dict's pointer is the end of its access log, which starts its segment.
                let end = self.pointer_of(first()?)?;
                let start = Relocatable::from((end.segment_index, 0));
                Value::Felt252Dict(self.dict_entries(&inner, start, end)?)
            }
            TypeShape::SquashedFelt252Dict(inner) => {
                let start = self.pointer_of(first()?)?;
                let end = self.pointer_of(
                    cells
                        .get(1)
                        .ok_or_else(|| self.corrupt("dict end".to_owned()))?,
                )?;
                Value::SquashedFelt252Dict(self.dict_entries(&inner, start, end)?)
            }
            TypeShape::EcPoint => {
                let [x, y] = self.felts::<2>(cells)?;
                Value::EcPoint { x, y }
            }
            TypeShape::EcState => {
                // (x, y, a pointer to the random point the state started from).
                let [x, y] = self.felts::<2>(cells)?;
                let start = cells
                    .get(2)
                    .ok_or_else(|| self.corrupt(format!("{ty} is short of cells")))?;
                let [x0, y0] = self.felts::<2>(&self.cells(self.pointer_of(start)?, 2)?)?;
                // The VM's start point is random: a state reads back as its sum alone.
                let (x, y) = cairn_values_abi::ec_state_sum([x, y, x0, y0], "EcState")
                    .map_err(|error| self.corrupt(error.to_string()))?;
                Value::EcState {
                    x,
                    y,
                    x0: Felt252::ZERO,
                    y0: Felt252::ZERO,
                }
            }
            TypeShape::Qm31 => {
                // Four M31 coordinates packed in one felt, each in a 36-bit part.
                let packed = self.felt_of(first()?)?.to_biguint();
                let part = |index: usize| -> Result<u32> {
                    let mask = (num_bigint::BigUint::from(1u8) << 36usize) - 1u8;
                    u32::try_from((&packed >> (36 * index)) & mask)
                        .map_err(|_| self.corrupt(format!("a {ty} coordinate beyond 32 bits")))
                };
                Value::Qm31([part(0)?, part(1)?, part(2)?, part(3)?])
            }
            TypeShape::Builtin(BuiltinKind::Gas) => Value::Gas(self.u64_of(first()?)?),
            TypeShape::Builtin(_) => Value::Builtin,
            TypeShape::Secp256Point => {
                let handle = self
                    .felt_of(first()?)?
                    .to_usize()
                    .ok_or_else(|| self.corrupt(format!("a {ty} handle past usize")))?;
                let curve = match self.builder.registry().get_type(ty) {
                    Ok(CoreTypeConcrete::Starknet(StarknetTypeConcrete::Secp256Point(
                        Secp256PointTypeConcrete::K1(_),
                    ))) => cairn_starknet::SecpCurve::K1,
                    _ => cairn_starknet::SecpCurve::R1,
                };
                let [x_low, x_high, y_low, y_high] =
                    point_coordinates(&mut self.scopes.borrow_mut(), curve, handle)?
                        .map(|half| half.to_u128().map(U128Half));
                let half = |half: Option<U128Half>| {
                    half.ok_or_else(|| self.corrupt(format!("a {ty} coordinate past 128 bits")))
                };
                Value::Secp256Point {
                    x: (half(x_low)?, half(x_high)?),
                    y: (half(y_low)?, half(y_high)?),
                }
            }
            TypeShape::Opaque(_) => {
                return Err(VmCoreError::ResultDecoding(format!(
                    "values of type {ty} cannot be read back yet"
                )))
            }
        })
    }

    fn felts<const N: usize>(&self, cells: &[MaybeRelocatable]) -> Result<[Felt252; N]> {
        let felts = cells
            .iter()
            .take(N)
            .map(|cell| self.felt_of(cell))
            .collect::<Result<Vec<_>>>()?;
        felts
            .try_into()
            .map_err(|_| self.corrupt(format!("expected {N} cells")))
    }

    /// The last value written to each key in an access log of (key, previous, new) triples.
    fn dict_entries(
        &self,
        value_ty: &ConcreteTypeId,
        start: Relocatable,
        end: Relocatable,
    ) -> Result<Vec<(DictKey, Value)>> {
        let length = (end - start).map_err(|error| self.corrupt(error.to_string()))?;
        let cells = self.cells(start, length)?;
        let mut entries = std::collections::BTreeMap::new();
        for access in cells.chunks(3) {
            let [key, _, new] = access else {
                return Err(self.corrupt("a dict access log of partial entries".to_owned()));
            };
            let key = DictKey(self.felt_of(key)?);
            entries.insert(key, self.value(value_ty, std::slice::from_ref(new))?);
        }
        Ok(entries.into_iter().collect())
    }

    fn int(&self, width: IntWidth, felt: Felt252) -> Result<Value> {
        let number = signed(felt);
        width
            .value(&number)
            .ok_or_else(|| self.corrupt(format!("{number} does not fit {}", width.name())))
    }
}

/// A felt as the signed integer in (-P/2, P/2] it stands for.
fn signed(felt: Felt252) -> BigInt {
    let negated = -felt;
    if negated < felt {
        -negated.to_bigint()
    } else {
        felt.to_bigint()
    }
}
