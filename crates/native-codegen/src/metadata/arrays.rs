//! Shared, reference-counted array buffers and dictionaries in generated code, following
//! `cairn_values_abi::array` (the header, the view, the sharing rules) and
//! `cairn_values_abi::dict` (the dictionary's reference count).
//!
//! Copying an array or dictionary value takes a reference; dropping one releases it, and the
//! last release frees the buffer and what it owns. Appending to a shared, full buffer and
//! writing to a shared dictionary copy it first.

use cairn_values_abi::array::{header_fields, HEADER_SIZE};
use cairn_values_abi::dict::fields as dict_fields;
use cairo_lang_sierra::ids::ConcreteTypeId;
use melior::dialect::arith::{self, CmpiPredicate};
use melior::dialect::{cf, llvm};
use melior::ir::block::BlockLike;
use melior::ir::operation::OperationBuilder;
use melior::ir::{Attribute, Block, BlockRef, Identifier, Region, RegionLike, Value};

use crate::error::{NativeError, Result};
use crate::helper::{assume, const_int, load_at, push, store_at, CodegenContext};
use crate::metadata::values::{
    call, call_runtime, clone_value, drop_value, emit_function, emit_loop, extract, free,
    gep_bytes, insert, is_null, malloc, memcpy, realloc,
};
use crate::types::{has_heap_parts, layout};

/// Elements a buffer gets room for when it is first allocated.
const INITIAL_CAPACITY: usize = 8;

/// The size of one element of type `element`.
pub(crate) fn element_size(cx: &CodegenContext<'_, '_>, element: &ConcreteTypeId) -> Result<usize> {
    Ok(layout(cx.registry, element)?.size())
}

/// The address of element slot `index` (an i32) of the buffer at `ptr`.
pub(crate) fn element_address<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    ptr: Value<'c, '_>,
    index: Value<'c, '_>,
    element: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let location = cx.location();
    let i64_type = cx.int_type(64);
    let size = const_int(cx.context, block, i64_type, element_size(cx, element)?)?;
    let header = const_int(cx.context, block, i64_type, HEADER_SIZE)?;
    let index = push(block, arith::extui(index, i64_type, location))?;
    let offset = push(block, arith::muli(index, size, location))?;
    let offset = push(block, arith::addi(offset, header, location))?;
    gep_bytes(cx, block, ptr, offset)
}

/// Loads header field `field` (a u32, or the u64 reference count) of the buffer at `ptr`.
pub(crate) fn header_load<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    ptr: Value<'c, '_>,
    field: usize,
) -> Result<Value<'c, 'a>> {
    if field == header_fields::REFCOUNT {
        return load_live_refcount(cx, block, ptr, field);
    }
    load_at(cx.context, block, ptr, field, cx.int_type(32))
}

/// Loads the u64 reference count at `ptr + offset` of a live buffer or dictionary, telling
/// LLVM that it is positive (the caller's own reference is one of them).
///
/// Knowing that lets LLVM cancel a retain and the release that follows it — a snapshot or span
/// `dup`ed for one read (`*span[i]`, `span.len()`) and dropped — into nothing: without it the
/// release's "was that the last reference?" branch keeps both read-modify-writes of the count,
/// a store-to-load chain on every read of a shared array.
pub(crate) fn load_live_refcount<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    ptr: Value<'c, '_>,
    offset: usize,
) -> Result<Value<'c, 'a>> {
    let context = cx.context;
    let location = cx.location();
    let i64_type = cx.int_type(64);
    let count = load_at(context, block, ptr, offset, i64_type)?;
    let zero = const_int(context, block, i64_type, 0)?;
    let positive = push(
        block,
        arith::cmpi(context, CmpiPredicate::Sgt, count, zero, location),
    )?;
    assume(context, block, positive)?;
    Ok(count)
}

/// Takes one from the live reference count at `ptr + offset` and returns whether it reached
/// zero (an i1). The count is stored even then: the owner is freed after, the count unread.
fn decrement_refcount<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    ptr: Value<'c, '_>,
    offset: usize,
) -> Result<Value<'c, 'a>> {
    let context = cx.context;
    let location = cx.location();
    let i64_type = cx.int_type(64);
    let count = load_live_refcount(cx, block, ptr, offset)?;
    let one = const_int(context, block, i64_type, 1)?;
    let count = push(block, arith::subi(count, one, location))?;
    store_at(context, block, ptr, offset, count)?;
    let zero = const_int(context, block, i64_type, 0)?;
    push(
        block,
        arith::cmpi(context, CmpiPredicate::Eq, count, zero, location),
    )
}

/// Stores header field `field` of the buffer at `ptr`.
pub(crate) fn header_store<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    ptr: Value<'c, '_>,
    field: usize,
    value: Value<'c, '_>,
) -> Result<()> {
    store_at(cx.context, block, ptr, field, value)
}

/// A fresh buffer for `capacity` (an i32) elements of `element`, with one reference and
/// `len` (an i32) elements counted as written.
pub(crate) fn allocate_buffer<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    capacity: Value<'c, '_>,
    len: Value<'c, '_>,
    element: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let context = cx.context;
    let location = cx.location();
    let i64_type = cx.int_type(64);
    let size = const_int(context, block, i64_type, element_size(cx, element)?)?;
    let header = const_int(context, block, i64_type, HEADER_SIZE)?;
    let capacity = push(block, arith::extui(capacity, i64_type, location))?;
    let bytes = push(block, arith::muli(capacity, size, location))?;
    let bytes = push(block, arith::addi(bytes, header, location))?;
    let buffer = malloc(cx, block, bytes)?;
    let one = const_int(context, block, i64_type, 1)?;
    let zero = const_int(context, block, cx.int_type(32), 0)?;
    header_store(cx, block, buffer, header_fields::REFCOUNT, one)?;
    header_store(cx, block, buffer, header_fields::FIRST, zero)?;
    header_store(cx, block, buffer, header_fields::LEN, len)?;
    Ok(buffer)
}

/// An array view `{buffer, start, end, capacity}` of the array MLIR type.
pub(crate) fn make_view<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    buffer: Value<'c, '_>,
    start: Value<'c, '_>,
    end: Value<'c, '_>,
    capacity: Value<'c, '_>,
) -> Result<Value<'c, 'a>> {
    let array_type = crate::types::array_type(cx.context);
    let view = push(block, llvm::undef(array_type, cx.location()))?;
    let view = insert(cx, block, view, 0, buffer)?;
    let view = insert(cx, block, view, 1, start)?;
    let view = insert(cx, block, view, 2, end)?;
    insert(cx, block, view, 3, capacity)
}

/// One more reference to the buffer at `ptr` (null for none).
pub(crate) fn retain<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    ptr: Value<'c, '_>,
) -> Result<()> {
    let name = "cairn_array_retain";
    emit_function(
        cx,
        name,
        &[cx.ptr_type()],
        &[],
        Some(&|region, entry| {
            let location = cx.location();
            let ptr: Value = entry.argument(0)?.into();
            let bump = region.append_block(Block::new(&[]));
            let done = region.append_block(Block::new(&[]));
            let null = is_null(cx, &entry, ptr)?;
            entry.append_operation(cf::cond_br(
                cx.context,
                null,
                &done,
                &bump,
                &[],
                &[],
                location,
            ));
            let count = header_load(cx, &bump, ptr, header_fields::REFCOUNT)?;
            let one = const_int(cx.context, &bump, cx.int_type(64), 1)?;
            let count = push(&bump, arith::addi(count, one, location))?;
            header_store(cx, &bump, ptr, header_fields::REFCOUNT, count)?;
            bump.append_operation(cf::br(&done, &[], location));
            done.append_operation(melior::dialect::func::r#return(&[], location));
            Ok(())
        }),
    )?;
    call(cx, block, name, &[ptr], &[])?;
    Ok(())
}

/// Gives up one reference to the buffer at `ptr` (null for none) of `element`s; the last one
/// drops the elements the buffer owns and frees it.
pub(crate) fn release<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    ptr: Value<'c, '_>,
    element: &ConcreteTypeId,
) -> Result<()> {
    let name = format!("cairn_array_release_{}", element.id);
    emit_function(
        cx,
        &name,
        &[cx.ptr_type()],
        &[],
        Some(&|region, entry| {
            let ptr: Value = entry.argument(0)?.into();
            let was_last = unref_buffer(cx, &entry, ptr)?;
            let destroy = region.append_block(Block::new(&[]));
            let done = region.append_block(Block::new(&[]));
            destroy_buffer_if(cx, entry, destroy, done, was_last, ptr, element)?;
            done.append_operation(melior::dialect::func::r#return(&[], cx.location()));
            Ok(())
        }),
    )?;
    call(cx, block, &name, &[ptr], &[])?;
    Ok(())
}

/// Gives up one reference to the buffer at `ptr` (null for none) and returns whether it was
/// the last one (an i1), leaving the buffer in place: the caller then destroys it with
/// [`destroy_buffer_if`], after reading from it what it needs.
///
/// A libfunc that reads an element of a view and drops the view (`array_get`) gives up the
/// reference *before* its bounds check: the decrement then sits in the same block as the
/// increment of the `dup` that made the view, and LLVM cancels the two (see
/// [`load_live_refcount`]); released in each branch, both stayed.
pub(crate) fn unref_buffer<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    ptr: Value<'c, '_>,
) -> Result<Value<'c, 'a>> {
    let name = "cairn_array_unref";
    let bool_type = cx.int_type(1);
    emit_function(
        cx,
        name,
        &[cx.ptr_type()],
        &[bool_type],
        Some(&|region, entry| {
            let context = cx.context;
            let location = cx.location();
            let ptr: Value = entry.argument(0)?.into();
            let decrement = region.append_block(Block::new(&[]));
            let done = region.append_block(Block::new(&[(bool_type, location)]));
            let null = is_null(cx, &entry, ptr)?;
            let no = const_int(context, &entry, bool_type, 0)?;
            entry.append_operation(cf::cond_br(
                context,
                null,
                &done,
                &decrement,
                &[no],
                &[],
                location,
            ));
            let was_last = decrement_refcount(cx, &decrement, ptr, header_fields::REFCOUNT)?;
            decrement.append_operation(cf::br(&done, &[was_last], location));
            let result: Value = done.argument(0)?.into();
            done.append_operation(melior::dialect::func::r#return(&[result], location));
            Ok(())
        }),
    )?;
    let results = call(cx, block, name, &[ptr], &[bool_type])?;
    results
        .into_iter()
        .next()
        .ok_or_else(|| NativeError::Mlir("cairn_array_unref returned nothing".to_owned()))
}

/// Ends `block` with `if was_last { destroy } ; done`: `destroy` (an empty block of the same
/// region) drops the elements the buffer at `ptr` owns and frees it, then goes on to `done`.
pub(crate) fn destroy_buffer_if<'c: 'a, 'a>(
    cx: &CodegenContext<'c, '_>,
    block: BlockRef<'c, 'a>,
    destroy: BlockRef<'c, 'a>,
    done: BlockRef<'c, 'a>,
    was_last: Value<'c, 'a>,
    ptr: Value<'c, 'a>,
    element: &ConcreteTypeId,
) -> Result<()> {
    let location = cx.location();
    block.append_operation(cf::cond_br(
        cx.context,
        was_last,
        &destroy,
        &done,
        &[],
        &[],
        location,
    ));
    let name = format!("cairn_array_destroy_{}", element.id);
    emit_function(
        cx,
        &name,
        &[cx.ptr_type()],
        &[],
        Some(&|region, entry| {
            let ptr: Value = entry.argument(0)?.into();
            let mut after = entry;
            if has_heap_parts(cx.registry, element)? {
                let first = header_load(cx, &entry, ptr, header_fields::FIRST)?;
                let len = header_load(cx, &entry, ptr, header_fields::LEN)?;
                after = drop_elements(cx, region, entry, ptr, first, len, element)?;
            }
            free(cx, &after, ptr)?;
            after.append_operation(melior::dialect::func::r#return(&[], cx.location()));
            Ok(())
        }),
    )?;
    call(cx, &destroy, &name, &[ptr], &[])?;
    destroy.append_operation(cf::br(&done, &[], location));
    Ok(())
}

/// Drops elements `from..to` (i32s) of the buffer at `ptr`; returns the block after.
fn drop_elements<'c: 'a, 'a>(
    cx: &CodegenContext<'c, '_>,
    region: &'a Region<'c>,
    block: BlockRef<'c, 'a>,
    ptr: Value<'c, 'a>,
    from: Value<'c, 'a>,
    to: Value<'c, 'a>,
    element: &ConcreteTypeId,
) -> Result<BlockRef<'c, 'a>> {
    for_each_element(cx, region, block, ptr, from, to, element, &|body, item| {
        drop_value(cx, &body, item, element)
    })
}

/// Runs `body` on each element `from..to` (i32s) of the buffer at `ptr`; returns the block
/// after the loop.
#[allow(clippy::too_many_arguments)]
fn for_each_element<'c: 'a, 'a>(
    cx: &CodegenContext<'c, '_>,
    region: &'a Region<'c>,
    block: BlockRef<'c, 'a>,
    ptr: Value<'c, 'a>,
    from: Value<'c, 'a>,
    to: Value<'c, 'a>,
    element: &ConcreteTypeId,
    body: &dyn Fn(BlockRef<'c, 'a>, Value<'c, 'a>) -> Result<()>,
) -> Result<BlockRef<'c, 'a>> {
    let element_type = cx.ty(element)?;
    emit_loop(cx, region, block, from, to, &|loop_body, index| {
        let slot = element_address(cx, &loop_body, ptr, index, element)?;
        let item = load_at(cx.context, &loop_body, slot, 0, element_type)?;
        body(loop_body, item)
    })
}

/// Clones elements `from..to` (i32s) of the buffer at `ptr` in place: each slot then holds a
/// value with references of its own (after a bitwise copy of a shared buffer).
fn clone_in_place<'c: 'a, 'a>(
    cx: &CodegenContext<'c, '_>,
    region: &'a Region<'c>,
    block: BlockRef<'c, 'a>,
    ptr: Value<'c, 'a>,
    from: Value<'c, 'a>,
    to: Value<'c, 'a>,
    element: &ConcreteTypeId,
) -> Result<BlockRef<'c, 'a>> {
    if !has_heap_parts(cx.registry, element)? {
        return Ok(block);
    }
    let element_type = cx.ty(element)?;
    emit_loop(cx, region, block, from, to, &|body, index| {
        let slot = element_address(cx, &body, ptr, index, element)?;
        let item = load_at(cx.context, &body, slot, 0, element_type)?;
        let copy = clone_value(cx, &body, item, element)?;
        store_at(cx.context, &body, slot, 0, copy)
    })
}

/// `llvm.intr.memmove(destination, source, bytes)`.
fn memmove<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    destination: Value<'c, '_>,
    source: Value<'c, '_>,
    bytes: Value<'c, '_>,
) -> Result<()> {
    let is_volatile = Attribute::parse(cx.context, "false")
        .ok_or_else(|| NativeError::Mlir("bool attribute".to_owned()))?;
    block.append_operation(
        OperationBuilder::new("llvm.intr.memmove", cx.location())
            .add_operands(&[destination, source, bytes])
            .add_attributes(&[(Identifier::new(cx.context, "isVolatile"), is_volatile)])
            .build()?,
    );
    Ok(())
}

/// An array view equal to `view` (an owned `Array<element>`) with room for one more element
/// at `end` in a buffer it may append to. Called by `array_append` when the buffer is full or
/// missing. A unique buffer is compacted (elements moved to the front; elements the view no
/// longer sees are dropped) and grown in place; a shared one is copied, the copy taking its
/// own references to what the elements hold.
pub(crate) fn make_room<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    view: Value<'c, 'a>,
    element: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let array_type = crate::types::array_type(cx.context);
    let name = format!("cairn_array_make_room_{}", element.id);
    emit_function(
        cx,
        &name,
        &[array_type],
        &[array_type],
        Some(&|region, entry| {
            let view: Value = entry.argument(0)?.into();
            build_make_room(cx, region, entry, view, element)
        }),
    )?;
    Ok(call(cx, block, &name, &[view], &[array_type])?.remove(0))
}

fn build_make_room<'c: 'a, 'a>(
    cx: &CodegenContext<'c, '_>,
    region: &'a Region<'c>,
    entry: BlockRef<'c, 'a>,
    view: Value<'c, 'a>,
    element: &ConcreteTypeId,
) -> Result<()> {
    let context = cx.context;
    let location = cx.location();
    let (i32_type, i64_type) = (cx.int_type(32), cx.int_type(64));
    let array_type = crate::types::array_type(context);
    let ptr = extract(cx, &entry, view, 0, cx.ptr_type())?;
    let start = extract(cx, &entry, view, 1, i32_type)?;
    let end = extract(cx, &entry, view, 2, i32_type)?;
    let capacity = extract(cx, &entry, view, 3, i32_type)?;
    let length = push(&entry, arith::subi(end, start, location))?;
    let size = const_int(context, &entry, i64_type, element_size(cx, element)?)?;
    let header = const_int(context, &entry, i64_type, HEADER_SIZE)?;
    let zero = const_int(context, &entry, i32_type, 0)?;
    let initial = const_int(context, &entry, i32_type, INITIAL_CAPACITY)?;
    let doubled = push(&entry, arith::addi(length, length, location))?;
    let grown = push(&entry, arith::maxui(doubled, initial, location))?;
    let length_bytes = push(&entry, arith::extui(length, i64_type, location))?;
    let length_bytes = push(&entry, arith::muli(length_bytes, size, location))?;

    let fresh = region.append_block(Block::new(&[]));
    let existing = region.append_block(Block::new(&[]));
    let unique = region.append_block(Block::new(&[]));
    let shared = region.append_block(Block::new(&[]));
    let null = is_null(cx, &entry, ptr)?;
    entry.append_operation(cf::cond_br(
        context,
        null,
        &fresh,
        &existing,
        &[],
        &[],
        location,
    ));

    // No buffer yet.
    let buffer = allocate_buffer(cx, &fresh, initial, zero, element)?;
    let fresh_view = make_view(cx, &fresh, buffer, zero, zero, initial)?;

    // A buffer: grow it in place when this view is its only holder, else copy.
    let count = header_load(cx, &existing, ptr, header_fields::REFCOUNT)?;
    let one = const_int(context, &existing, i64_type, 1)?;
    let alone = push(
        &existing,
        arith::cmpi(context, CmpiPredicate::Eq, count, one, location),
    )?;
    existing.append_operation(cf::cond_br(
        context,
        alone,
        &unique,
        &shared,
        &[],
        &[],
        location,
    ));

    // Unique: drop what the view no longer sees, move its elements to the front, grow if
    // that left no room.
    let mut unique_after = unique;
    if has_heap_parts(cx.registry, element)? {
        let first = header_load(cx, &unique, ptr, header_fields::FIRST)?;
        let len = header_load(cx, &unique, ptr, header_fields::LEN)?;
        unique_after = drop_elements(cx, region, unique, ptr, first, start, element)?;
        unique_after = for_each_element(
            cx,
            region,
            unique_after,
            ptr,
            end,
            len,
            element,
            &|b, item| drop_value(cx, &b, item, element),
        )?;
    }
    let block = unique_after;
    let target = gep_bytes(cx, &block, ptr, header)?;
    let source = element_address(cx, &block, ptr, start, element)?;
    memmove(cx, &block, target, source, length_bytes)?;
    let has_room = push(
        &block,
        arith::cmpi(context, CmpiPredicate::Ult, length, capacity, location),
    )?;
    let new_capacity = push(&block, arith::select(has_room, capacity, grown, location))?;
    let bytes = push(&block, arith::extui(new_capacity, i64_type, location))?;
    let bytes = push(&block, arith::muli(bytes, size, location))?;
    let bytes = push(&block, arith::addi(bytes, header, location))?;
    let moved = realloc(cx, &block, ptr, bytes)?;
    header_store(cx, &block, moved, header_fields::FIRST, zero)?;
    header_store(cx, &block, moved, header_fields::LEN, length)?;
    let unique_view = make_view(cx, &block, moved, zero, length, new_capacity)?;

    // Shared: a copy of the view's elements with references of their own; the old buffer
    // keeps its other holders.
    let copy = allocate_buffer(cx, &shared, grown, length, element)?;
    let target = gep_bytes(cx, &shared, copy, header)?;
    let source = element_address(cx, &shared, ptr, start, element)?;
    memcpy(cx, &shared, target, source, length_bytes)?;
    let remaining = push(&shared, arith::subi(count, one, location))?;
    header_store(cx, &shared, ptr, header_fields::REFCOUNT, remaining)?;
    let shared_after = clone_in_place(cx, region, shared, copy, zero, length, element)?;
    let shared_view = make_view(cx, &shared_after, copy, zero, length, grown)?;

    let exit = region.append_block(Block::new(&[(array_type, location)]));
    fresh.append_operation(cf::br(&exit, &[fresh_view], location));
    block.append_operation(cf::br(&exit, &[unique_view], location));
    shared_after.append_operation(cf::br(&exit, &[shared_view], location));
    let result: Value = exit.argument(0)?.into();
    exit.append_operation(melior::dialect::func::r#return(&[result], location));
    Ok(())
}

/// A new buffer holding `count` elements moved from `source` (with one reference), as a view.
pub(crate) fn buffer_from_elements<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    source: Value<'c, '_>,
    count: usize,
    element: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let i32_type = cx.int_type(32);
    let length = const_int(cx.context, block, i32_type, count)?;
    let zero = const_int(cx.context, block, i32_type, 0)?;
    let buffer = allocate_buffer(cx, block, length, length, element)?;
    let bytes = const_int(
        cx.context,
        block,
        cx.int_type(64),
        element_size(cx, element)? * count,
    )?;
    let target = element_address(cx, block, buffer, zero, element)?;
    memcpy(cx, block, target, source, bytes)?;
    make_view(cx, block, buffer, zero, length, length)
}

/// One more reference to the dictionary at `dict`.
pub(crate) fn retain_dict<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    dict: Value<'c, '_>,
) -> Result<()> {
    let location = cx.location();
    let count = load_live_refcount(cx, block, dict, dict_fields::REFCOUNT)?;
    let one = const_int(cx.context, block, cx.int_type(64), 1)?;
    let count = push(block, arith::addi(count, one, location))?;
    store_at(cx.context, block, dict, dict_fields::REFCOUNT, count)
}

/// Releases one reference to the dictionary at `dict`; returns the block (appended to
/// `region`) reached when it was the last one, and the block reached otherwise: the caller
/// frees the dictionary in the first and joins both.
pub(crate) fn release_dict<'c: 'a, 'a>(
    cx: &CodegenContext<'c, '_>,
    region: &'a Region<'c>,
    block: BlockRef<'c, 'a>,
    dict: Value<'c, 'a>,
) -> Result<(BlockRef<'c, 'a>, BlockRef<'c, 'a>)> {
    let context = cx.context;
    let location = cx.location();
    let was_last = decrement_refcount(cx, &block, dict, dict_fields::REFCOUNT)?;
    let last = region.append_block(Block::new(&[]));
    let other = region.append_block(Block::new(&[]));
    block.append_operation(cf::cond_br(
        context,
        was_last,
        &last,
        &other,
        &[],
        &[],
        location,
    ));
    Ok((last, other))
}

/// The dictionary at `dict` (of values of type `value`, entries `stride` bytes) if the caller
/// holds its only reference, else a copy of it that does (the copy's values take references of
/// their own): what an operation that writes to a dictionary works on.
pub(crate) fn unshare_dict<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    dict: Value<'c, 'a>,
    value: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let ptr = cx.ptr_type();
    let name = format!("cairn_dict_unshare_{}", value.id);
    emit_function(
        cx,
        &name,
        &[ptr],
        &[ptr],
        Some(&|region, entry| {
            let context = cx.context;
            let location = cx.location();
            let i64_type = cx.int_type(64);
            let dict: Value = entry.argument(0)?.into();
            let count = load_live_refcount(cx, &entry, dict, dict_fields::REFCOUNT)?;
            let one = const_int(context, &entry, i64_type, 1)?;
            let alone = push(
                &entry,
                arith::cmpi(context, CmpiPredicate::Eq, count, one, location),
            )?;
            let copy_block = region.append_block(Block::new(&[]));
            let stride = cairn_values_abi::dict::entry_stride(layout(cx.registry, value)?);
            let stride_value = const_int(context, &copy_block, i64_type, stride)?;
            let copy = call_runtime(
                cx,
                &copy_block,
                "dict_unshare",
                &[dict, stride_value],
                Some(ptr),
            )?
            .ok_or_else(|| NativeError::Mlir("dict_unshare returned nothing".to_owned()))?;
            let mut after = copy_block;
            if has_heap_parts(cx.registry, value)? {
                let entries = load_at(context, &copy_block, copy, dict_fields::ENTRIES, ptr)?;
                let len = load_at(context, &copy_block, copy, dict_fields::LEN, i64_type)?;
                let zero = const_int(context, &copy_block, i64_type, 0)?;
                let value_type = cx.ty(value)?;
                after = emit_loop(cx, region, copy_block, zero, len, &|body, index| {
                    let offset = push(&body, arith::muli(index, stride_value, location))?;
                    let entry_ptr = gep_bytes(cx, &body, entries, offset)?;
                    let key_size = cairn_values_abi::dict::KEY_SIZE;
                    let item = load_at(context, &body, entry_ptr, key_size, value_type)?;
                    let item = clone_value(cx, &body, item, value)?;
                    store_at(context, &body, entry_ptr, key_size, item)
                })?;
            }
            let exit = region.append_block(Block::new(&[(ptr, location)]));
            entry.append_operation(cf::cond_br(
                context,
                alone,
                &exit,
                &copy_block,
                &[dict],
                &[],
                location,
            ));
            after.append_operation(cf::br(&exit, &[copy], location));
            let result: Value = exit.argument(0)?.into();
            exit.append_operation(melior::dialect::func::r#return(&[result], location));
            Ok(())
        }),
    )?;
    Ok(call(cx, block, &name, &[dict], &[ptr])?.remove(0))
}
