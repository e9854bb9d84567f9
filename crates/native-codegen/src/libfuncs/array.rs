//! Arrays and spans: `{ptr, start, end, capacity}` views of shared, reference-counted buffers
//! (`cairn_values_abi::array`, `crate::metadata::arrays`). Snapshots, spans and slices share the
//! buffer; reading an element of a snapshot clones it (taking references to what it holds);
//! popping the front of an array moves the element out when the array is the buffer's only
//! holder, and clones it otherwise.

use cairo_lang_sierra::extensions::array::ArrayConcreteLibfunc;
use cairo_lang_sierra::ids::ConcreteTypeId;
use melior::dialect::arith::{self, CmpiPredicate};
use melior::dialect::{cf, llvm};
use melior::ir::block::BlockLike;
use melior::ir::{BlockRef, Value};

use crate::error::{NativeError, Result};
use crate::helper::{load_at, push, store_at, Invocation};
use crate::metadata::arrays::{
    buffer_from_elements, destroy_buffer_if, element_address, element_size, header_load,
    header_store, make_room, unref_buffer,
};
use crate::metadata::values::{clone_value, drop_value, extract, insert};
use crate::types::{concrete, has_heap_parts};
use cairn_values_abi::array::header_fields;

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
            // Fast path: room left and this view ends where the buffer's elements do (always
            // so for an owned array), so the new slot is seen by no other view.
            let element = element_type(invocation, invocation.param_type(0)?)?;
            let array = invocation.input(0)?;
            let value = invocation.input(1)?;
            let p = parts(invocation, block, array)?;
            let has_room = invocation.push(arith::cmpi(
                context,
                CmpiPredicate::Ult,
                p.end,
                p.capacity,
                location,
            ))?;
            let array_type = crate::types::array_type(context);
            let check_tail = invocation.append_block(&[]);
            let slow = invocation.append_block(&[]);
            let store = invocation.append_block(&[array_type]);
            block.append_operation(cf::cond_br(
                context,
                has_room,
                &check_tail,
                &slow,
                &[],
                &[],
                location,
            ));
            let len = header_load(cx, &check_tail, p.ptr, header_fields::LEN)?;
            let at_tail = push(
                &check_tail,
                arith::cmpi(context, CmpiPredicate::Eq, len, p.end, location),
            )?;
            check_tail.append_operation(cf::cond_br(
                context,
                at_tail,
                &store,
                &slow,
                &[array],
                &[],
                location,
            ));
            let roomy = make_room(cx, &slow, array, &element)?;
            slow.append_operation(cf::br(&store, &[roomy], location));

            let array: Value = store.argument(0)?.into();
            let ptr = extract(cx, &store, array, 0, cx.ptr_type())?;
            let end = extract(cx, &store, array, 2, u32_type)?;
            let slot = element_address(cx, &store, ptr, end, &element)?;
            store_at(context, &store, slot, 0, value)?;
            let one = crate::helper::const_int(context, &store, u32_type, 1)?;
            let end = push(&store, arith::addi(end, one, location))?;
            header_store(cx, &store, ptr, header_fields::LEN, end)?;
            let array = insert(cx, &store, array, 2, end)?;
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
            let address = element_address(cx, &item_block, p.ptr, index, &element)?;
            let item = load_at(context, &item_block, address, 0, cx.ty(&element)?)?;
            let owned = matches!(
                selector,
                ArrayConcreteLibfunc::PopFront(_) | ArrayConcreteLibfunc::PopFrontConsume(_)
            );
            let (after, item) = if owned {
                take_front(invocation, item_block, p.ptr, p.start, item, &element)?
            } else {
                // A snapshot's element stays in the buffer: the box holds a clone.
                let copy = clone_value(cx, &item_block, item, &element)?;
                (item_block, copy)
            };
            let box_ptr = store_in_box(invocation, &after, item, &element)?;
            invocation.br(&after, 0, &[rest, box_ptr])
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
            // The view's reference is given up first and the buffer destroyed (when that was
            // the last reference) once the element is cloned: see `unref_buffer`.
            let was_last = unref_buffer(cx, block, p.ptr)?;
            let (item_block, out_block) = split(invocation, inside);
            let out_done = destroy_if(invocation, out_block, was_last, p.ptr, &element)?;
            invocation.br(&out_done, 1, &[range_check])?;
            let position = push(&item_block, arith::addi(p.start, index, location))?;
            let address = element_address(cx, &item_block, p.ptr, position, &element)?;
            let item = load_at(context, &item_block, address, 0, cx.ty(&element)?)?;
            let copy = clone_value(cx, &item_block, item, &element)?;
            let box_ptr = store_in_box(invocation, &item_block, copy, &element)?;
            let item_done = destroy_if(invocation, item_block, was_last, p.ptr, &element)?;
            invocation.br(&item_done, 0, &[range_check, box_ptr])
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
            // A boxed tuple of n T is laid out as n T one after another: they move into a new
            // buffer, and the box is freed.
            let element = element_type(invocation, invocation.result_type(0, 0)?)?;
            let count = tuple_len(invocation, &info.ty)?;
            let boxed = invocation.input(0)?;
            let array = buffer_from_elements(cx, block, boxed, count, &element)?;
            crate::metadata::values::free(cx, block, boxed)?;
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
            drop_value(cx, &fits, array, array_ty)?;
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

/// `if was_last { destroy the buffer at ptr }` at the end of `block`; returns the block after.
fn destroy_if<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    block: BlockRef<'c, 'a>,
    was_last: Value<'c, 'a>,
    ptr: Value<'c, 'a>,
    element: &ConcreteTypeId,
) -> Result<BlockRef<'c, 'a>> {
    let destroy = invocation.append_block(&[]);
    let done = invocation.append_block(&[]);
    destroy_buffer_if(invocation.cx, block, destroy, done, was_last, ptr, element)?;
    Ok(done)
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

/// A new box holding clones of elements `from..from + count` of the buffer at `ptr`.
fn copy_out<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    block: &BlockRef<'c, 'a>,
    ptr: Value<'c, 'a>,
    from: Value<'c, 'a>,
    element: &ConcreteTypeId,
    count: usize,
) -> Result<Value<'c, 'a>> {
    let cx = invocation.cx;
    let size = element_size(cx, element)?;
    let bytes = crate::helper::const_int(cx.context, block, cx.int_type(64), size * count)?;
    let allocation =
        crate::helper::const_int(cx.context, block, cx.int_type(64), (size * count).max(1))?;
    let boxed = crate::metadata::values::malloc(cx, block, allocation)?;
    let source = element_address(cx, block, ptr, from, element)?;
    crate::metadata::values::memcpy(cx, block, boxed, source, bytes)?;
    if has_heap_parts(cx.registry, element)? {
        // Unrolled: tuples are small (the compiler's fixed-size arrays).
        let element_type = cx.ty(element)?;
        for index in 0..count {
            let item = load_at(cx.context, block, boxed, index * size, element_type)?;
            let copy = clone_value(cx, block, item, element)?;
            store_at(cx.context, block, boxed, index * size, copy)?;
        }
    }
    Ok(boxed)
}

/// Takes the front element `item` (at index `start`) out of an owned array: moved when the
/// array is its buffer's only holder and the buffer still owns that element (the buffer then
/// starts owning at `start + 1`), cloned otherwise. Returns the block to go on in and the
/// element to box.
fn take_front<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    block: BlockRef<'c, 'a>,
    ptr: Value<'c, 'a>,
    start: Value<'c, 'a>,
    item: Value<'c, 'a>,
    element: &ConcreteTypeId,
) -> Result<(BlockRef<'c, 'a>, Value<'c, 'a>)> {
    let cx = invocation.cx;
    if !has_heap_parts(cx.registry, element)? {
        // A bitwise copy is the element: nothing to own.
        return Ok((block, item));
    }
    let context = cx.context;
    let location = invocation.location();
    let count = header_load(cx, &block, ptr, header_fields::REFCOUNT)?;
    let first = header_load(cx, &block, ptr, header_fields::FIRST)?;
    let one = crate::helper::const_int(context, &block, cx.int_type(64), 1)?;
    let alone = push(
        &block,
        arith::cmpi(context, CmpiPredicate::Eq, count, one, location),
    )?;
    let owned = push(
        &block,
        arith::cmpi(context, CmpiPredicate::Eq, first, start, location),
    )?;
    let movable = push(&block, arith::andi(alone, owned, location))?;
    let element_type = cx.ty(element)?;
    let moving = invocation.append_block(&[]);
    let copying = invocation.append_block(&[]);
    let join = invocation.append_block(&[element_type]);
    block.append_operation(cf::cond_br(
        context,
        movable,
        &moving,
        &copying,
        &[],
        &[],
        location,
    ));
    let one32 = crate::helper::const_int(context, &moving, cx.int_type(32), 1)?;
    let next = push(&moving, arith::addi(start, one32, location))?;
    header_store(cx, &moving, ptr, header_fields::FIRST, next)?;
    moving.append_operation(cf::br(&join, &[item], location));
    let copy = clone_value(cx, &copying, item, element)?;
    copying.append_operation(cf::br(&join, &[copy], location));
    Ok((join, join.argument(0)?.into()))
}

fn store_in_box<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    block: &BlockRef<'c, 'a>,
    item: Value<'c, 'a>,
    element: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let size = element_size(invocation.cx, element)?.max(1);
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
