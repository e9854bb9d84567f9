//! Functions the code generator emits once per module and calls from libfuncs: clone and drop
//! of values that own heap memory (arrays and dictionaries are shared, see [`super::arrays`];
//! boxes are copied), the C allocator, the felt252 inverse (in the runtime) and integer square
//! roots.

use cairo_lang_sierra::extensions::core::CoreTypeConcrete;
use cairo_lang_sierra::ids::ConcreteTypeId;
use melior::dialect::arith::{self, CmpiPredicate};
use melior::dialect::{cf, func, llvm};
use melior::ir::attribute::{
    DenseI64ArrayAttribute, FlatSymbolRefAttribute, StringAttribute, TypeAttribute,
};
use melior::ir::block::BlockLike;
use melior::ir::operation::OperationBuilder;
use melior::ir::r#type::FunctionType;
use melior::ir::{
    Attribute, Block, BlockRef, Identifier, Region, RegionLike, Type, Value, ValueLike,
};

use crate::error::{NativeError, Result};
use crate::helper::{const_int, load_at, push, store_at, CodegenContext};
use crate::types::{concrete, has_heap_parts, layout, EnumLayout};

/// The field's prime, 2^251 + 17 * 2^192 + 1.
pub(crate) const PRIME: &str =
    "3618502788666131213697322783095070105623107215331596699973092056135872020481";

fn private() -> &'static str {
    "private"
}

/// Fills a generated function's body, given its region and entry block.
type HelperBody<'c, 'f> = dyn for<'r, 'b> Fn(&'r Region<'c>, BlockRef<'c, 'b>) -> Result<()> + 'f;

/// Adds `func.func private @name(inputs) -> outputs` if missing, with `body` filling its single
/// entry block (or a declaration when `body` is `None`).
pub(crate) fn emit_function<'c>(
    cx: &CodegenContext<'c, '_>,
    name: &str,
    inputs: &[Type<'c>],
    outputs: &[Type<'c>],
    body: Option<&HelperBody<'c, '_>>,
) -> Result<()> {
    if !cx.first_emission(name) {
        return Ok(());
    }
    let context = cx.context;
    let location = cx.location();
    let region = Region::new();
    if let Some(body) = body {
        let entry = region.append_block(Block::new(
            &inputs.iter().map(|ty| (*ty, location)).collect::<Vec<_>>(),
        ));
        body(&region, entry)?;
    }
    cx.module.body().append_operation(func::func(
        context,
        StringAttribute::new(context, name),
        TypeAttribute::new(FunctionType::new(context, inputs, outputs).into()),
        region,
        &[(
            Identifier::new(context, "sym_visibility"),
            StringAttribute::new(context, private()).into(),
        )],
        location,
    ));
    Ok(())
}

/// Calls `name` and returns its results.
pub(crate) fn call<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    name: &str,
    args: &[Value<'c, '_>],
    outputs: &[Type<'c>],
) -> Result<Vec<Value<'c, 'a>>> {
    let operation = block.append_operation(func::call(
        cx.context,
        FlatSymbolRefAttribute::new(cx.context, name),
        args,
        outputs,
        cx.location(),
    ));
    (0..outputs.len())
        .map(|index| Ok(operation.result(index)?.into()))
        .collect()
}

/// `malloc(bytes)`.
pub(crate) fn malloc<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    bytes: Value<'c, '_>,
) -> Result<Value<'c, 'a>> {
    let ptr = cx.ptr_type();
    emit_function(cx, "malloc", &[cx.int_type(64)], &[ptr], None)?;
    Ok(call(cx, block, "malloc", &[bytes], &[ptr])?.remove(0))
}

/// `realloc(ptr, bytes)`.
pub(crate) fn realloc<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    pointer: Value<'c, '_>,
    bytes: Value<'c, '_>,
) -> Result<Value<'c, 'a>> {
    let ptr = cx.ptr_type();
    emit_function(cx, "realloc", &[ptr, cx.int_type(64)], &[ptr], None)?;
    Ok(call(cx, block, "realloc", &[pointer, bytes], &[ptr])?.remove(0))
}

/// `free(ptr)`.
pub(crate) fn free<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    pointer: Value<'c, '_>,
) -> Result<()> {
    emit_function(cx, "free", &[cx.ptr_type()], &[], None)?;
    call(cx, block, "free", &[pointer], &[])?;
    Ok(())
}

/// `memcpy(destination, source, bytes)`.
pub(crate) fn memcpy<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    destination: Value<'c, '_>,
    source: Value<'c, '_>,
    bytes: Value<'c, '_>,
) -> Result<()> {
    let is_volatile = Attribute::parse(cx.context, "false")
        .ok_or_else(|| NativeError::Mlir("bool attribute".to_owned()))?;
    block.append_operation(
        OperationBuilder::new("llvm.intr.memcpy", cx.location())
            .add_operands(&[destination, source, bytes])
            .add_attributes(&[(Identifier::new(cx.context, "isVolatile"), is_volatile)])
            .build()?,
    );
    Ok(())
}

/// A copy of `value` (of type `ty`) that owns its own heap parts.
pub(crate) fn clone_value<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    value: Value<'c, 'a>,
    ty: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    if !has_heap_parts(cx.registry, ty)? {
        return Ok(value);
    }
    if let Some(copy) = clone_in_line(cx, block, value, ty)? {
        return Ok(copy);
    }
    let name = format!("cairn_clone_{}", ty.id);
    let mlir_type = cx.ty(ty)?;
    if cx.first_emission(&format!("{name}.requested")) {
        emit_function(
            cx,
            &name,
            &[mlir_type],
            &[mlir_type],
            Some(&|region, entry| {
                let input: Value = entry.argument(0)?.into();
                let output = build_clone(cx, region, entry, input, ty)?;
                entry_return(cx, region, output)
            }),
        )?;
    }
    Ok(call(cx, block, &name, &[value], &[mlir_type])?.remove(0))
}

/// Releases the heap parts of `value` (of type `ty`).
pub(crate) fn drop_value<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    value: Value<'c, 'a>,
    ty: &ConcreteTypeId,
) -> Result<()> {
    if !has_heap_parts(cx.registry, ty)? {
        return Ok(());
    }
    if drop_in_line(cx, block, value, ty)? {
        return Ok(());
    }
    let name = format!("cairn_drop_{}", ty.id);
    let mlir_type = cx.ty(ty)?;
    if cx.first_emission(&format!("{name}.requested")) {
        emit_function(
            cx,
            &name,
            &[mlir_type],
            &[],
            Some(&|region, entry| {
                let input: Value = entry.argument(0)?.into();
                build_drop(cx, region, entry, input, ty)?;
                entry_return_void(cx, region)
            }),
        )?;
    }
    call(cx, block, &name, &[value], &[])?;
    Ok(())
}

// Arrays, spans, snapshots of them and structs of those are copied and dropped in the caller's
// block, down to a call on the buffer pointer alone. Through a helper taking the whole value,
// LLVM would see the pointer as `extractvalue (extractvalue %span, 0), 0` after inlining, which
// it never folds into the caller's `extractvalue %span, 0, 0` (MLIR folds that chain): two
// names for one buffer, so a `dup`'s retain and the release of the copy that follows could not
// cancel (see `arrays::load_live_refcount`).

/// [`clone_value`] without a helper when `ty` needs no control flow; `None` otherwise.
fn clone_in_line<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    value: Value<'c, 'a>,
    ty: &ConcreteTypeId,
) -> Result<Option<Value<'c, 'a>>> {
    match concrete(cx.registry, ty)? {
        CoreTypeConcrete::Array(_) | CoreTypeConcrete::Span(_) => {
            let pointer = extract(cx, block, value, 0, cx.ptr_type())?;
            super::arrays::retain(cx, block, pointer)?;
            Ok(Some(value))
        }
        CoreTypeConcrete::Snapshot(inner) | CoreTypeConcrete::NonZero(inner)
            if is_in_line(cx, &inner.ty)? =>
        {
            clone_in_line(cx, block, value, &inner.ty)
        }
        CoreTypeConcrete::Struct(info) if is_in_line(cx, ty)? => {
            let mut result = value;
            for (position, member) in info.members.iter().enumerate() {
                if has_heap_parts(cx.registry, member)? {
                    let item = extract(cx, block, result, position, cx.ty(member)?)?;
                    let copy = clone_value(cx, block, item, member)?;
                    result = insert(cx, block, result, position, copy)?;
                }
            }
            Ok(Some(result))
        }
        _ => Ok(None),
    }
}

/// [`drop_value`] without a helper when `ty` needs no control flow; false otherwise.
fn drop_in_line<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    value: Value<'c, 'a>,
    ty: &ConcreteTypeId,
) -> Result<bool> {
    match concrete(cx.registry, ty)? {
        CoreTypeConcrete::Array(inner) | CoreTypeConcrete::Span(inner) => {
            let pointer = extract(cx, block, value, 0, cx.ptr_type())?;
            super::arrays::release(cx, block, pointer, &inner.ty)?;
            Ok(true)
        }
        CoreTypeConcrete::Snapshot(inner) | CoreTypeConcrete::NonZero(inner)
            if is_in_line(cx, &inner.ty)? =>
        {
            drop_in_line(cx, block, value, &inner.ty)
        }
        CoreTypeConcrete::Struct(info) if is_in_line(cx, ty)? => {
            for (position, member) in info.members.iter().enumerate() {
                if has_heap_parts(cx.registry, member)? {
                    let item = extract(cx, block, value, position, cx.ty(member)?)?;
                    drop_value(cx, block, item, member)?;
                }
            }
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Whether every heap part of `ty` is an array reference reached through structs and
/// snapshots (so copying or dropping it is straight-line code).
fn is_in_line(cx: &CodegenContext<'_, '_>, ty: &ConcreteTypeId) -> Result<bool> {
    Ok(match concrete(cx.registry, ty)? {
        CoreTypeConcrete::Array(_) | CoreTypeConcrete::Span(_) => true,
        CoreTypeConcrete::Snapshot(inner) | CoreTypeConcrete::NonZero(inner) => {
            is_in_line(cx, &inner.ty)?
        }
        CoreTypeConcrete::Struct(info) => {
            for member in &info.members {
                if has_heap_parts(cx.registry, member)? && !is_in_line(cx, member)? {
                    return Ok(false);
                }
            }
            true
        }
        _ => !has_heap_parts(cx.registry, ty)?,
    })
}

// Generated bodies end in the region's last block: builders that branch append blocks and
// leave the continuation last, so the return goes there.
fn last_block<'c, 'a>(region: &'a Region<'c>) -> Result<BlockRef<'c, 'a>> {
    let mut block = region
        .first_block()
        .ok_or_else(|| NativeError::Mlir("empty helper".to_owned()))?;
    while let Some(next) = block.next_in_region() {
        block = next;
    }
    Ok(block)
}

fn entry_return<'c>(
    cx: &CodegenContext<'c, '_>,
    region: &Region<'c>,
    value: Value<'c, '_>,
) -> Result<()> {
    let block = last_block(region)?;
    block.append_operation(func::r#return(&[value], cx.location()));
    Ok(())
}

fn entry_return_void<'c>(cx: &CodegenContext<'c, '_>, region: &Region<'c>) -> Result<()> {
    let block = last_block(region)?;
    block.append_operation(func::r#return(&[], cx.location()));
    Ok(())
}

/// `for index in start..end { body(block, index) }`; returns the block after the loop.
pub(crate) fn emit_loop<'c: 'a, 'a>(
    cx: &CodegenContext<'c, '_>,
    region: &'a Region<'c>,
    block: BlockRef<'c, 'a>,
    start: Value<'c, 'a>,
    end: Value<'c, 'a>,
    body: &dyn Fn(BlockRef<'c, 'a>, Value<'c, 'a>) -> Result<()>,
) -> Result<BlockRef<'c, 'a>> {
    let location = cx.location();
    let index_type = start.r#type();
    let header = region.append_block(Block::new(&[(index_type, location)]));
    let body_block = region.append_block(Block::new(&[]));
    let exit = region.append_block(Block::new(&[]));
    block.append_operation(cf::br(&header, &[start], location));
    let index: Value = header.argument(0)?.into();
    let more = push(
        &header,
        arith::cmpi(cx.context, CmpiPredicate::Ult, index, end, location),
    )?;
    header.append_operation(cf::cond_br(
        cx.context,
        more,
        &body_block,
        &exit,
        &[],
        &[],
        location,
    ));
    body(body_block, index)?;
    let one = const_int(cx.context, &body_block, index_type, 1)?;
    let next = push(&body_block, arith::addi(index, one, location))?;
    body_block.append_operation(cf::br(&header, &[next], location));
    Ok(exit)
}

fn build_clone<'c: 'a, 'a>(
    cx: &CodegenContext<'c, '_>,
    region: &'a Region<'c>,
    block: BlockRef<'c, 'a>,
    value: Value<'c, 'a>,
    ty: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let context = cx.context;
    let location = cx.location();
    let mlir_type = cx.ty(ty)?;
    let i64_type = cx.int_type(64);
    match concrete(cx.registry, ty)? {
        // Arrays and dictionaries are shared: a copy is one more reference.
        CoreTypeConcrete::Array(_) | CoreTypeConcrete::Span(_) => {
            let pointer = extract(cx, &block, value, 0, cx.ptr_type())?;
            super::arrays::retain(cx, &block, pointer)?;
            Ok(value)
        }
        CoreTypeConcrete::Felt252Dict(_) | CoreTypeConcrete::SquashedFelt252Dict(_) => {
            super::arrays::retain_dict(cx, &block, value)?;
            Ok(value)
        }
        CoreTypeConcrete::Box(inner) => {
            let copy = clone_boxed(cx, &block, value, &inner.ty)?;
            Ok(copy)
        }
        // Circuit outputs: a copy of the values buffer (its size is the circuit's).
        CoreTypeConcrete::Circuit(_) => {
            let info = crate::types::circuit::info_of_generic(cx.registry, ty)?;
            let bytes =
                crate::types::circuit::value_count(info) * crate::types::circuit::VALUE_BYTES;
            let bytes = const_int(context, &block, i64_type, bytes)?;
            let buffer = extract(cx, &block, value, 0, cx.ptr_type())?;
            let fresh = malloc(cx, &block, bytes)?;
            memcpy(cx, &block, fresh, buffer, bytes)?;
            insert(cx, &block, value, 0, fresh)
        }
        CoreTypeConcrete::Nullable(inner) => {
            let null = push(&block, llvm::zero(cx.ptr_type(), location))?;
            let is_null = push(&block, llvm_icmp_eq_ptr(cx, value, null)?)?;
            let some = region.append_block(Block::new(&[]));
            let join = region.append_block(Block::new(&[(cx.ptr_type(), location)]));
            block.append_operation(cf::cond_br(
                context,
                is_null,
                &join,
                &some,
                &[null],
                &[],
                location,
            ));
            let copy = clone_boxed(cx, &some, value, &inner.ty)?;
            some.append_operation(cf::br(&join, &[copy], location));
            Ok(join.argument(0)?.into())
        }
        CoreTypeConcrete::Struct(info) => {
            let mut result = value;
            for (position, member) in info.members.iter().enumerate() {
                if has_heap_parts(cx.registry, member)? {
                    let member_type = cx.ty(member)?;
                    let item = extract(cx, &block, result, position, member_type)?;
                    let copy = clone_value(cx, &block, item, member)?;
                    result = insert(cx, &block, result, position, copy)?;
                }
            }
            Ok(result)
        }
        CoreTypeConcrete::Enum(info) => {
            let layout = EnumLayout::of(context, cx.registry, &info.variants)?;
            let slot = stack_slot(cx, &block, mlir_type, ty)?;
            store_at(context, &block, slot, 0, value)?;
            let join = per_variant(
                cx,
                region,
                block,
                slot,
                &layout,
                info.variants.len(),
                &|variant_block, index| {
                    let variant = &info.variants[index];
                    if has_heap_parts(cx.registry, variant)? {
                        let variant_type = cx.ty(variant)?;
                        let payload = load_at(
                            context,
                            &variant_block,
                            slot,
                            layout.payload_offset,
                            variant_type,
                        )?;
                        let copy = clone_value(cx, &variant_block, payload, variant)?;
                        store_at(context, &variant_block, slot, layout.payload_offset, copy)?;
                    }
                    Ok(())
                },
            )?;
            load_at(context, &join, slot, 0, mlir_type)
        }
        CoreTypeConcrete::Snapshot(inner) | CoreTypeConcrete::NonZero(inner) => {
            build_clone(cx, region, block, value, &inner.ty)
        }
        _ => Err(NativeError::UnsupportedType(format!(
            "copying {}",
            crate::types::type_name(ty)
        ))),
    }
}

fn build_drop<'c: 'a, 'a>(
    cx: &CodegenContext<'c, '_>,
    region: &'a Region<'c>,
    block: BlockRef<'c, 'a>,
    value: Value<'c, 'a>,
    ty: &ConcreteTypeId,
) -> Result<()> {
    let context = cx.context;
    let location = cx.location();
    let i64_type = cx.int_type(64);
    match concrete(cx.registry, ty)? {
        CoreTypeConcrete::Array(inner) | CoreTypeConcrete::Span(inner) => {
            let pointer = extract(cx, &block, value, 0, cx.ptr_type())?;
            super::arrays::release(cx, &block, pointer, &inner.ty)
        }
        CoreTypeConcrete::Box(inner) => drop_boxed(cx, &block, value, &inner.ty),
        // Circuit values that own the values buffer hold it first.
        CoreTypeConcrete::Circuit(_) => {
            let buffer = extract(cx, &block, value, 0, cx.ptr_type())?;
            free(cx, &block, buffer)
        }
        CoreTypeConcrete::Felt252Dict(inner) | CoreTypeConcrete::SquashedFelt252Dict(inner) => {
            // The last reference frees the dictionary and what its values own.
            let element = &inner.ty;
            let (last, other) = super::arrays::release_dict(cx, region, block, value)?;
            let mut after = last;
            if has_heap_parts(cx.registry, element)? {
                // Entries are `NativeDict::entries[0..len]`, the value 32 bytes into each.
                let stride = cairn_values_abi::dict::entry_stride(layout(cx.registry, element)?);
                let entries = load_at(context, &last, value, 0, cx.ptr_type())?;
                let len = load_at(context, &last, value, 8, i64_type)?;
                let zero = const_int(context, &last, i64_type, 0)?;
                let stride = const_int(context, &last, i64_type, stride)?;
                let element_type = cx.ty(element)?;
                after = emit_loop(cx, region, last, zero, len, &|body, index| {
                    let offset = push(&body, arith::muli(index, stride, location))?;
                    let entry = gep_bytes(cx, &body, entries, offset)?;
                    let item = load_at(
                        context,
                        &body,
                        entry,
                        cairn_values_abi::dict::KEY_SIZE,
                        element_type,
                    )?;
                    drop_value(cx, &body, item, element)
                })?;
            }
            call_runtime(cx, &after, "dict_release", &[value], None)?;
            let join = region.append_block(Block::new(&[]));
            after.append_operation(cf::br(&join, &[], location));
            other.append_operation(cf::br(&join, &[], location));
            Ok(())
        }
        CoreTypeConcrete::Nullable(inner) => {
            let null = push(&block, llvm::zero(cx.ptr_type(), location))?;
            let is_null = push(&block, llvm_icmp_eq_ptr(cx, value, null)?)?;
            let some = region.append_block(Block::new(&[]));
            let join = region.append_block(Block::new(&[]));
            block.append_operation(cf::cond_br(
                context,
                is_null,
                &join,
                &some,
                &[],
                &[],
                location,
            ));
            drop_boxed(cx, &some, value, &inner.ty)?;
            some.append_operation(cf::br(&join, &[], location));
            Ok(())
        }
        CoreTypeConcrete::Struct(info) => {
            for (position, member) in info.members.iter().enumerate() {
                if has_heap_parts(cx.registry, member)? {
                    let member_type = cx.ty(member)?;
                    let item = extract(cx, &block, value, position, member_type)?;
                    drop_value(cx, &block, item, member)?;
                }
            }
            Ok(())
        }
        CoreTypeConcrete::Enum(info) => {
            let mlir_type = cx.ty(ty)?;
            let layout = EnumLayout::of(context, cx.registry, &info.variants)?;
            let slot = stack_slot(cx, &block, mlir_type, ty)?;
            store_at(context, &block, slot, 0, value)?;
            per_variant(
                cx,
                region,
                block,
                slot,
                &layout,
                info.variants.len(),
                &|variant_block, index| {
                    let variant = &info.variants[index];
                    if has_heap_parts(cx.registry, variant)? {
                        let variant_type = cx.ty(variant)?;
                        let payload = load_at(
                            context,
                            &variant_block,
                            slot,
                            layout.payload_offset,
                            variant_type,
                        )?;
                        drop_value(cx, &variant_block, payload, variant)?;
                    }
                    Ok(())
                },
            )?;
            Ok(())
        }
        CoreTypeConcrete::Snapshot(inner) | CoreTypeConcrete::NonZero(inner) => {
            build_drop(cx, region, block, value, &inner.ty)
        }
        _ => Err(NativeError::UnsupportedType(format!(
            "dropping {}",
            crate::types::type_name(ty)
        ))),
    }
}

/// Ends `block` with a jump to `blocks[tag]`, the tag read from the enum stored at `slot`.
pub(crate) fn jump_to_variant<'c: 'a, 'a>(
    cx: &CodegenContext<'c, '_>,
    block: BlockRef<'c, 'a>,
    slot: Value<'c, 'a>,
    layout: &EnumLayout<'c>,
    blocks: &[BlockRef<'c, 'a>],
) -> Result<()> {
    let location = cx.location();
    match (layout.tag, blocks.split_last()) {
        (Some(tag_type), Some((last, rest))) => {
            let tag = load_at(cx.context, &block, slot, 0, tag_type)?;
            let cases: Vec<(&Block, &[Value])> = rest
                .iter()
                .map(|variant| (variant as &Block, &[] as &[Value]))
                .collect();
            let values: Vec<i64> = (0..rest.len() as i64).collect();
            block.append_operation(cf::switch(
                cx.context,
                &values,
                tag,
                tag_type,
                (last, &[]),
                &cases,
                location,
            )?);
        }
        (None, Some((only, _))) => {
            block.append_operation(cf::br(only, &[], location));
        }
        (_, None) => {
            block.append_operation(llvm::unreachable(location));
        }
    }
    Ok(())
}

/// Runs `body` in a block per variant of the enum stored at `slot`, then jumps to `join`.
#[allow(clippy::too_many_arguments)]
fn per_variant<'c: 'a, 'a>(
    cx: &CodegenContext<'c, '_>,
    region: &'a Region<'c>,
    block: BlockRef<'c, 'a>,
    slot: Value<'c, 'a>,
    layout: &EnumLayout<'c>,
    variants: usize,
    body: &dyn Fn(BlockRef<'c, 'a>, usize) -> Result<()>,
) -> Result<BlockRef<'c, 'a>> {
    let location = cx.location();
    let blocks: Vec<_> = (0..variants)
        .map(|_| region.append_block(Block::new(&[])))
        .collect();
    let join = region.append_block(Block::new(&[]));
    for (index, variant_block) in blocks.iter().enumerate() {
        body(*variant_block, index)?;
        variant_block.append_operation(cf::br(&join, &[], location));
    }
    jump_to_variant(cx, block, slot, layout, &blocks)?;
    Ok(join)
}

fn clone_boxed<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    pointer: Value<'c, 'a>,
    inner: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let inner_type = cx.ty(inner)?;
    let size = const_int(
        cx.context,
        block,
        cx.int_type(64),
        layout(cx.registry, inner)?.size().max(1),
    )?;
    let fresh = malloc(cx, block, size)?;
    let item = load_at(cx.context, block, pointer, 0, inner_type)?;
    let copy = clone_value(cx, block, item, inner)?;
    store_at(cx.context, block, fresh, 0, copy)?;
    Ok(fresh)
}

fn drop_boxed<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    pointer: Value<'c, 'a>,
    inner: &ConcreteTypeId,
) -> Result<()> {
    if has_heap_parts(cx.registry, inner)? {
        let item = load_at(cx.context, block, pointer, 0, cx.ty(inner)?)?;
        drop_value(cx, block, item, inner)?;
    }
    free(cx, block, pointer)
}

fn llvm_icmp_eq_ptr<'c>(
    cx: &CodegenContext<'c, '_>,
    lhs: Value<'c, '_>,
    rhs: Value<'c, '_>,
) -> Result<melior::ir::Operation<'c>> {
    let predicate = Attribute::parse(cx.context, "0 : i64")
        .ok_or_else(|| NativeError::Mlir("predicate".to_owned()))?;
    Ok(OperationBuilder::new("llvm.icmp", cx.location())
        .add_attributes(&[(Identifier::new(cx.context, "predicate"), predicate)])
        .add_operands(&[lhs, rhs])
        .add_results(&[cx.int_type(1)])
        .build()?)
}

/// `null == pointer`.
pub(crate) fn is_null<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    pointer: Value<'c, '_>,
) -> Result<Value<'c, 'a>> {
    let null = push(block, llvm::zero(cx.ptr_type(), cx.location()))?;
    push(block, llvm_icmp_eq_ptr(cx, pointer, null)?)
}

/// A stack slot inside a helper function (its entry block is its first).
fn stack_slot<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    mlir_type: Type<'c>,
    ty: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    aligned_slot(cx, block, mlir_type, layout(cx.registry, ty)?.align())
}

/// `pointer + bytes` for a dynamic byte count.
pub(crate) fn gep_bytes<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    pointer: Value<'c, '_>,
    bytes: Value<'c, '_>,
) -> Result<Value<'c, 'a>> {
    push(
        block,
        llvm::get_element_ptr_dynamic(
            cx.context,
            pointer,
            &[bytes],
            cx.int_type(8),
            cx.ptr_type(),
            cx.location(),
        ),
    )
}

/// Member `position` of an LLVM struct value.
pub(crate) fn extract<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    value: Value<'c, '_>,
    position: usize,
    ty: Type<'c>,
) -> Result<Value<'c, 'a>> {
    push(
        block,
        llvm::extract_value(
            cx.context,
            value,
            DenseI64ArrayAttribute::new(cx.context, &[position as i64]),
            ty,
            cx.location(),
        ),
    )
}

/// The LLVM struct `value` with member `position` replaced.
pub(crate) fn insert<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    value: Value<'c, '_>,
    position: usize,
    member: Value<'c, '_>,
) -> Result<Value<'c, 'a>> {
    push(
        block,
        llvm::insert_value(
            cx.context,
            value,
            DenseI64ArrayAttribute::new(cx.context, &[position as i64]),
            member,
            cx.location(),
        ),
    )
}

/// The inverse of a non-zero felt modulo P, through the runtime's `felt_inverse` (a helper
/// function holds the stack slots it passes).
pub(crate) fn felt_inverse<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    value: Value<'c, 'a>,
) -> Result<Value<'c, 'a>> {
    let felt = cx.int_type(256);
    let name = "cairn_felt_inverse";
    emit_function(
        cx,
        name,
        &[felt],
        &[felt],
        Some(&|_region, entry| {
            let input: Value = entry.argument(0)?.into();
            let slots = [
                aligned_slot(cx, &entry, felt, 16)?,
                aligned_slot(cx, &entry, felt, 16)?,
            ];
            store_at(cx.context, &entry, slots[0], 0, input)?;
            call_runtime(cx, &entry, "felt_inverse", &slots, None)?;
            let inverse = load_at(cx.context, &entry, slots[1], 0, felt)?;
            entry.append_operation(func::r#return(&[inverse], cx.location()));
            Ok(())
        }),
    )?;
    Ok(call(cx, block, name, &[value], &[felt])?.remove(0))
}

/// A stack slot for one `mlir_type` aligned to `align` bytes.
fn aligned_slot<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    mlir_type: Type<'c>,
    align: usize,
) -> Result<Value<'c, 'a>> {
    let context = cx.context;
    let one = const_int(context, block, cx.int_type(64), 1)?;
    push(
        block,
        llvm::alloca(
            context,
            one,
            cx.ptr_type(),
            cx.location(),
            llvm::AllocaOptions::new()
                .elem_type(Some(TypeAttribute::new(mlir_type)))
                .align(Some(melior::ir::attribute::IntegerAttribute::new(
                    cx.int_type(64),
                    align as i64,
                ))),
        ),
    )
}

/// Calls `cairn_isqrt_iN(x)`: the integer square root of an unsigned `bits`-bit integer, digit
/// by digit.
pub(crate) fn isqrt<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    value: Value<'c, '_>,
    bits: u32,
) -> Result<Value<'c, 'a>> {
    let int = cx.int_type(bits);
    let name = format!("cairn_isqrt_i{bits}");
    emit_function(
        cx,
        &name,
        &[int],
        &[int],
        Some(&|region, entry| {
            let context = cx.context;
            let location = cx.location();
            let input: Value = entry.argument(0)?.into();
            let zero = const_int(context, &entry, int, 0)?;
            let top_bit = num_bigint::BigUint::from(1u8) << (bits - 2);
            let top = const_int(context, &entry, int, top_bit)?;
            let one = const_int(context, &entry, int, 1)?;
            let two = const_int(context, &entry, int, 2)?;
            // Loop state: (remainder, root, bit).
            let header = region.append_block(Block::new(&[(int, location); 3]));
            let body = region.append_block(Block::new(&[]));
            let exit = region.append_block(Block::new(&[]));
            entry.append_operation(cf::br(&header, &[input, zero, top], location));
            let rest: Value = header.argument(0)?.into();
            let root: Value = header.argument(1)?.into();
            let bit: Value = header.argument(2)?.into();
            let done = push(
                &header,
                arith::cmpi(context, CmpiPredicate::Eq, bit, zero, location),
            )?;
            header.append_operation(cf::cond_br(context, done, &exit, &body, &[], &[], location));
            let candidate = push(&body, arith::addi(root, bit, location))?;
            let fits = push(
                &body,
                arith::cmpi(context, CmpiPredicate::Uge, rest, candidate, location),
            )?;
            let reduced = push(&body, arith::subi(rest, candidate, location))?;
            let next_rest = push(&body, arith::select(fits, reduced, rest, location))?;
            let half = push(&body, arith::shrui(root, one, location))?;
            let with_bit = push(&body, arith::addi(half, bit, location))?;
            let next_root = push(&body, arith::select(fits, with_bit, half, location))?;
            let next_bit = push(&body, arith::shrui(bit, two, location))?;
            body.append_operation(cf::br(&header, &[next_rest, next_root, next_bit], location));
            exit.append_operation(func::r#return(&[root], location));
            Ok(())
        }),
    )?;
    Ok(call(cx, block, &name, &[value], &[int])?.remove(0))
}

/// Calls runtime function `name` (see `crate::runtime`) through its global pointer, declaring
/// the global on first use. Large results come back through pointer arguments; `result` is the
/// type of a returned integer, if any.
pub(crate) fn call_runtime<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    name: &str,
    args: &[Value<'c, 'a>],
    result: Option<Type<'c>>,
) -> Result<Option<Value<'c, 'a>>> {
    let context = cx.context;
    let location = cx.location();
    let ptr = cx.ptr_type();
    let global = crate::runtime::global_name(name);
    if cx.first_emission(&global) {
        let initializer = Region::new();
        let body = initializer.append_block(Block::new(&[]));
        let null = push(&body, llvm::zero(ptr, location))?;
        body.append_operation(llvm::r#return(Some(null), location));
        let linkage = Attribute::parse(context, "#llvm.linkage<external>")
            .ok_or_else(|| NativeError::Mlir("linkage attribute".to_owned()))?;
        cx.module.body().append_operation(
            OperationBuilder::new("llvm.mlir.global", location)
                .add_attributes(&[
                    (
                        Identifier::new(context, "sym_name"),
                        StringAttribute::new(context, &global).into(),
                    ),
                    (
                        Identifier::new(context, "global_type"),
                        TypeAttribute::new(ptr).into(),
                    ),
                    (Identifier::new(context, "linkage"), linkage),
                ])
                .add_regions([initializer])
                .build()?,
        );
    }
    let address = push(
        block,
        OperationBuilder::new("llvm.mlir.addressof", location)
            .add_attributes(&[(
                Identifier::new(context, "global_name"),
                FlatSymbolRefAttribute::new(context, &global).into(),
            )])
            .add_results(&[ptr])
            .build()?,
    )?;
    let function = load_at(context, block, address, 0, ptr)?;
    let mut operands = vec![function];
    operands.extend_from_slice(args);
    let call = block.append_operation(
        OperationBuilder::new("llvm.call", location)
            .add_attributes(&[
                (
                    Identifier::new(context, "operandSegmentSizes"),
                    melior::ir::attribute::DenseI32ArrayAttribute::new(
                        context,
                        &[operands.len() as i32, 0],
                    )
                    .into(),
                ),
                (
                    Identifier::new(context, "op_bundle_sizes"),
                    melior::ir::attribute::DenseI32ArrayAttribute::new(context, &[]).into(),
                ),
            ])
            .add_operands(&operands)
            .add_results(&result.into_iter().collect::<Vec<_>>())
            .build()?,
    );
    Ok(match result {
        Some(_) => Some(call.result(0)?.into()),
        None => None,
    })
}
