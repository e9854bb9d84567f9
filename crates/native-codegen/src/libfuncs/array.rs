//! Arrays and spans: `{ptr, start, end, capacity}` over a `malloc` buffer whose elements
//! `start..end` are owned by the value. Snapshots are deep copies (see `dup`), so a libfunc that
//! consumes a snapshot frees it.

use cairo_lang_sierra::extensions::array::ArrayConcreteLibfunc;
use cairo_lang_sierra::ids::ConcreteTypeId;
use melior::dialect::arith::{self, CmpiPredicate};
use melior::dialect::{cf, llvm};
use melior::ir::block::BlockLike;
use melior::ir::{BlockRef, Value};

use crate::error::{NativeError, Result};
use crate::helper::{load_at, push, store_at, Invocation};
use crate::metadata::values::{clone_value, drop_value, extract, gep_bytes, insert, realloc};
use crate::types::{concrete, layout};

/// The parts of an array value.
struct Parts<'c, 'a> {
    ptr: Value<'c, 'a>,
    start: Value<'c, 'a>,
    end: Value<'c, 'a>,
    capacity: Value<'c, 'a>,
}

fn parts<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    invocation: &Invocation<'c, 'a, '_>,
    block: &B,
    array: Value<'c, 'a>,
) -> Result<Parts<'c, 'a>> {
    let cx = invocation.cx;
    let u32_type = cx.int_type(32);
    Ok(Parts {
        ptr: extract(cx, block, array, 0, cx.ptr_type())?,
        start: extract(cx, block, array, 1, u32_type)?,
        end: extract(cx, block, array, 2, u32_type)?,
        capacity: extract(cx, block, array, 3, u32_type)?,
    })
}

/// The element type of `Array<T>`, `Span<T>` or a snapshot of either.
fn element_type(
    invocation: &Invocation<'_, '_, '_>,
    ty: &ConcreteTypeId,
) -> Result<ConcreteTypeId> {
    use cairo_lang_sierra::extensions::core::CoreTypeConcrete as T;
    match concrete(invocation.registry(), ty)? {
        T::Array(inner) | T::Span(inner) => Ok(inner.ty.clone()),
        T::Snapshot(inner) => element_type(invocation, &inner.ty),
        _ => Err(NativeError::InvalidProgram(
            "an array libfunc on a non-array".to_owned(),
        )),
    }
}

/// The address of element `index` (an i32).
fn element_address<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    invocation: &Invocation<'c, 'a, '_>,
    block: &B,
    ptr: Value<'c, 'a>,
    index: Value<'c, 'a>,
    element: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let cx = invocation.cx;
    let location = invocation.location();
    let i64_type = cx.int_type(64);
    let size = crate::helper::const_int(
        cx.context,
        block,
        i64_type,
        layout(cx.registry, element)?.size(),
    )?;
    let index = push(block, arith::extui(index, i64_type, location))?;
    let offset = push(block, arith::muli(index, size, location))?;
    gep_bytes(cx, block, ptr, offset)
}

fn with_start_end<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    invocation: &Invocation<'c, 'a, '_>,
    block: &B,
    array: Value<'c, 'a>,
    start: Option<Value<'c, 'a>>,
    end: Option<Value<'c, 'a>>,
) -> Result<Value<'c, 'a>> {
    let mut array = array;
    if let Some(start) = start {
        array = insert(invocation.cx, block, array, 1, start)?;
    }
    if let Some(end) = end {
        array = insert(invocation.cx, block, array, 2, end)?;
    }
    Ok(array)
}

/// Two fresh blocks and a jump to the first when `condition` holds.
fn split<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    condition: Value<'c, 'a>,
) -> (BlockRef<'c, 'a>, BlockRef<'c, 'a>) {
    let when_true = invocation.append_block(&[]);
    let when_false = invocation.append_block(&[]);
    invocation.block.append_operation(cf::cond_br(
        invocation.context(),
        condition,
        &when_true,
        &when_false,
        &[],
        &[],
        invocation.location(),
    ));
    (when_true, when_false)
}

/// Builds one array libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &ArrayConcreteLibfunc) -> Result<()> {
    let cx = invocation.cx;
    let context = cx.context;
    let location = invocation.location();
    let block = &invocation.block;
    let u32_type = cx.int_type(32);
    match selector {
        ArrayConcreteLibfunc::New(_) => {
            let array_type = cx.ty(invocation.result_type(0, 0)?)?;
            let array = invocation.push(llvm::zero(array_type, location))?;
            invocation.br(block, 0, &[array])
        }
        ArrayConcreteLibfunc::Append(_) => {
            let array_ty = invocation.param_type(0)?;
            let element = element_type(invocation, array_ty)?;
            let array = invocation.input(0)?;
            let value = invocation.input(1)?;
            let p = parts(invocation, block, array)?;
            let full = invocation.push(arith::cmpi(
                context,
                CmpiPredicate::Eq,
                p.end,
                p.capacity,
                location,
            ))?;
            let ptr_type = cx.ptr_type();
            let grow = invocation.append_block(&[]);
            let store = invocation.append_block(&[ptr_type, u32_type]);
            block.append_operation(cf::cond_br(
                context,
                full,
                &grow,
                &store,
                &[],
                &[p.ptr, p.capacity],
                location,
            ));

            let zero = push(
                &grow,
                arith::constant(
                    context,
                    melior::ir::attribute::IntegerAttribute::new(u32_type, 0).into(),
                    location,
                ),
            )?;
            let initial = push(
                &grow,
                arith::constant(
                    context,
                    melior::ir::attribute::IntegerAttribute::new(u32_type, 8).into(),
                    location,
                ),
            )?;
            let doubled = push(&grow, arith::addi(p.capacity, p.capacity, location))?;
            let empty = push(
                &grow,
                arith::cmpi(context, CmpiPredicate::Eq, p.capacity, zero, location),
            )?;
            let capacity = push(&grow, arith::select(empty, initial, doubled, location))?;
            let i64_type = cx.int_type(64);
            let size = crate::helper::const_int(
                context,
                &grow,
                i64_type,
                layout(cx.registry, &element)?.size(),
            )?;
            let wide_capacity = push(&grow, arith::extui(capacity, i64_type, location))?;
            let bytes = push(&grow, arith::muli(wide_capacity, size, location))?;
            let grown = realloc(cx, &grow, p.ptr, bytes)?;
            grow.append_operation(cf::br(&store, &[grown, capacity], location));

            let ptr: Value = store.argument(0)?.into();
            let capacity: Value = store.argument(1)?.into();
            let slot = element_address(invocation, &store, ptr, p.end, &element)?;
            store_at(context, &store, slot, 0, value)?;
            let one = crate::helper::const_int(context, &store, u32_type, 1)?;
            let end = push(&store, arith::addi(p.end, one, location))?;
            let array = insert(cx, &store, array, 0, ptr)?;
            let array = insert(cx, &store, array, 2, end)?;
            let array = insert(cx, &store, array, 3, capacity)?;
            invocation.br(&store, 0, &[array])
        }
        ArrayConcreteLibfunc::Len(_) => {
            let array = invocation.input(0)?;
            let p = parts(invocation, block, array)?;
            let length = invocation.push(arith::subi(p.end, p.start, location))?;
            drop_value(cx, block, array, invocation.param_type(0)?)?;
            invocation.br(block, 0, &[length])
        }
        ArrayConcreteLibfunc::PopFront(_)
        | ArrayConcreteLibfunc::PopFrontConsume(_)
        | ArrayConcreteLibfunc::SnapshotPopFront(_)
        | ArrayConcreteLibfunc::SnapshotPopBack(_) => {
            let array_ty = invocation.param_type(0)?;
            let element = element_type(invocation, array_ty)?;
            let array = invocation.input(0)?;
            let p = parts(invocation, block, array)?;
            let empty = invocation.push(arith::cmpi(
                context,
                CmpiPredicate::Uge,
                p.start,
                p.end,
                location,
            ))?;
            let (empty_block, item_block) = split(invocation, empty);
            if matches!(selector, ArrayConcreteLibfunc::PopFrontConsume(_)) {
                drop_value(cx, &empty_block, array, array_ty)?;
                invocation.br(&empty_block, 1, &[])?;
            } else {
                invocation.br(&empty_block, 1, &[array])?;
            }
            let one = crate::helper::const_int(context, &item_block, u32_type, 1)?;
            let (index, rest) = if matches!(selector, ArrayConcreteLibfunc::SnapshotPopBack(_)) {
                let last = push(&item_block, arith::subi(p.end, one, location))?;
                (
                    last,
                    with_start_end(invocation, &item_block, array, None, Some(last))?,
                )
            } else {
                let next = push(&item_block, arith::addi(p.start, one, location))?;
                (
                    p.start,
                    with_start_end(invocation, &item_block, array, Some(next), None)?,
                )
            };
            let address = element_address(invocation, &item_block, p.ptr, index, &element)?;
            // The element moves out of the buffer into its box.
            let box_ptr = move_into_box(invocation, &item_block, address, &element)?;
            invocation.br(&item_block, 0, &[rest, box_ptr])
        }
        ArrayConcreteLibfunc::Get(_) => {
            let range_check = invocation.input(0)?;
            let array = invocation.input(1)?;
            let index = invocation.input(2)?;
            let array_ty = invocation.param_type(1)?;
            let element = element_type(invocation, array_ty)?;
            let p = parts(invocation, block, array)?;
            let length = invocation.push(arith::subi(p.end, p.start, location))?;
            let inside = invocation.push(arith::cmpi(
                context,
                CmpiPredicate::Ult,
                index,
                length,
                location,
            ))?;
            let (item_block, out_block) = split(invocation, inside);
            drop_value(cx, &out_block, array, array_ty)?;
            invocation.br(&out_block, 1, &[range_check])?;
            let position = push(&item_block, arith::addi(p.start, index, location))?;
            let address = element_address(invocation, &item_block, p.ptr, position, &element)?;
            let item = load_at(context, &item_block, address, 0, cx.ty(&element)?)?;
            let copy = clone_value(cx, &item_block, item, &element)?;
            let box_ptr = store_in_box(invocation, &item_block, copy, &element)?;
            drop_value(cx, &item_block, array, array_ty)?;
            invocation.br(&item_block, 0, &[range_check, box_ptr])
        }
        ArrayConcreteLibfunc::Slice(_) => {
            let range_check = invocation.input(0)?;
            let array = invocation.input(1)?;
            let from = invocation.input(2)?;
            let count = invocation.input(3)?;
            let array_ty = invocation.param_type(1)?;
            let p = parts(invocation, block, array)?;
            let length = invocation.push(arith::subi(p.end, p.start, location))?;
            // from + count <= length, without overflowing u32.
            let from_ok = invocation.push(arith::cmpi(
                context,
                CmpiPredicate::Ule,
                from,
                length,
                location,
            ))?;
            let room = invocation.push(arith::subi(length, from, location))?;
            let count_ok = invocation.push(arith::cmpi(
                context,
                CmpiPredicate::Ule,
                count,
                room,
                location,
            ))?;
            let fits = invocation.push(arith::andi(from_ok, count_ok, location))?;
            let (inside, outside) = split(invocation, fits);
            drop_value(cx, &outside, array, array_ty)?;
            invocation.br(&outside, 1, &[range_check])?;
            let start = push(&inside, arith::addi(p.start, from, location))?;
            let end = push(&inside, arith::addi(start, count, location))?;
            let sliced = with_start_end(invocation, &inside, array, Some(start), Some(end))?;
            invocation.br(&inside, 0, &[range_check, sliced])
        }
        ArrayConcreteLibfunc::SpanFromTuple(info) => {
            // A boxed tuple of n T is laid out as n T one after another: the box becomes the
            // span's buffer.
            let count = tuple_len(invocation, &info.ty)?;
            let count = invocation.constant(u32_type, count)?;
            let array_type = cx.ty(invocation.result_type(0, 0)?)?;
            let array = invocation.push(llvm::undef(array_type, location))?;
            let zero = invocation.constant(u32_type, 0)?;
            let array = insert(cx, block, array, 0, invocation.input(0)?)?;
            let array = insert(cx, block, array, 1, zero)?;
            let array = insert(cx, block, array, 2, count)?;
            let array = insert(cx, block, array, 3, count)?;
            invocation.br(block, 0, &[array])
        }
        ArrayConcreteLibfunc::TupleFromSpan(info) => {
            // Branch 0 with the elements moved into a boxed tuple when there are exactly n.
            let array = invocation.input(0)?;
            let array_ty = invocation.param_type(0)?;
            let element = element_type(invocation, array_ty)?;
            let count = tuple_len(invocation, &info.ty)?;
            let p = parts(invocation, block, array)?;
            let length = invocation.push(arith::subi(p.end, p.start, location))?;
            let expected = invocation.constant(u32_type, count)?;
            let exact = invocation.push(arith::cmpi(
                context,
                CmpiPredicate::Eq,
                length,
                expected,
                location,
            ))?;
            let (fits, other) = split(invocation, exact);
            drop_value(cx, &other, array, array_ty)?;
            invocation.br(&other, 1, &[])?;
            let boxed = copy_out(invocation, &fits, p.ptr, p.start, &element, count)?;
            crate::metadata::values::free(cx, &fits, p.ptr)?;
            invocation.br(&fits, 0, &[boxed])
        }
        ArrayConcreteLibfunc::SnapshotMultiPopFront(info)
        | ArrayConcreteLibfunc::SnapshotMultiPopBack(info) => {
            // (rc, @arr): branch 0 with the first (last) n elements moved into a boxed tuple
            // when there are that many, else branch 1.
            let range_check = invocation.input(0)?;
            let array = invocation.input(1)?;
            let element = element_type(invocation, invocation.param_type(1)?)?;
            let count = tuple_len(invocation, &info.popped_ty)?;
            let p = parts(invocation, block, array)?;
            let length = invocation.push(arith::subi(p.end, p.start, location))?;
            let wanted = invocation.constant(u32_type, count)?;
            let enough = invocation.push(arith::cmpi(
                context,
                CmpiPredicate::Uge,
                length,
                wanted,
                location,
            ))?;
            let (pop, short) = split(invocation, enough);
            invocation.br(&short, 1, &[range_check, array])?;
            let (from, rest) = if matches!(selector, ArrayConcreteLibfunc::SnapshotMultiPopFront(_))
            {
                let start = push(&pop, arith::addi(p.start, wanted, location))?;
                (
                    p.start,
                    with_start_end(invocation, &pop, array, Some(start), None)?,
                )
            } else {
                let end = push(&pop, arith::subi(p.end, wanted, location))?;
                (
                    end,
                    with_start_end(invocation, &pop, array, None, Some(end))?,
                )
            };
            let boxed = copy_out(invocation, &pop, p.ptr, from, &element, count)?;
            invocation.br(&pop, 0, &[range_check, rest, boxed])
        }
    }
}

/// The number of members of the tuple type `ty`.
fn tuple_len(invocation: &Invocation<'_, '_, '_>, ty: &ConcreteTypeId) -> Result<usize> {
    use cairo_lang_sierra::extensions::core::CoreTypeConcrete as T;
    match concrete(invocation.registry(), ty)? {
        T::Struct(info) => Ok(info.members.len()),
        T::Snapshot(inner) | T::Box(inner) => tuple_len(invocation, &inner.ty),
        _ => Err(NativeError::InvalidProgram(
            "expected a tuple type".to_owned(),
        )),
    }
}

/// A new box holding elements `from..from + count` of the buffer at `ptr`, moved (copied
/// bitwise; the buffer no longer owns them).
fn copy_out<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    block: &BlockRef<'c, 'a>,
    ptr: Value<'c, 'a>,
    from: Value<'c, 'a>,
    element: &ConcreteTypeId,
    count: usize,
) -> Result<Value<'c, 'a>> {
    let cx = invocation.cx;
    let size = layout(cx.registry, element)?.size() * count;
    let bytes = crate::helper::const_int(cx.context, block, cx.int_type(64), size)?;
    let allocation = crate::helper::const_int(cx.context, block, cx.int_type(64), size.max(1))?;
    let boxed = crate::metadata::values::malloc(cx, block, allocation)?;
    let source = element_address(invocation, block, ptr, from, element)?;
    crate::metadata::values::memcpy(cx, block, boxed, source, bytes)?;
    Ok(boxed)
}

fn move_into_box<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    block: &BlockRef<'c, 'a>,
    address: Value<'c, 'a>,
    element: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let item = load_at(
        invocation.context(),
        block,
        address,
        0,
        invocation.cx.ty(element)?,
    )?;
    store_in_box(invocation, block, item, element)
}

fn store_in_box<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    block: &BlockRef<'c, 'a>,
    item: Value<'c, 'a>,
    element: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let size = layout(invocation.registry(), element)?.size().max(1);
    let bytes = crate::helper::const_int(
        invocation.context(),
        block,
        invocation.cx.int_type(64),
        size,
    )?;
    let pointer = crate::metadata::values::malloc(invocation.cx, block, bytes)?;
    store_at(invocation.context(), block, pointer, 0, item)?;
    Ok(pointer)
}
