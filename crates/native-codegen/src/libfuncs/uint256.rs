//! u256 (`{low: u128, high: u128}`) and u512 (four u128 limbs, least significant first): zero
//! test, division with remainder, square root and inverse modulo n, computed on 256/512-bit
//! integers. The multiplication guarantees the VM's CASM needs carry nothing natively.

use cairo_lang_sierra::extensions::int::unsigned256::Uint256Concrete;
use cairo_lang_sierra::extensions::int::unsigned512::Uint512Concrete;
use melior::dialect::arith::{self, CmpiPredicate};
use melior::dialect::llvm;
use melior::ir::block::BlockLike;
use melior::ir::{Type, Value};

use crate::error::Result;
use crate::helper::{load_at, push, store_at, CodegenContext, Invocation};
use crate::metadata::values::{call_runtime, extract, insert, isqrt};

/// The limbs of a struct of u128s as one integer of `bits` bits.
fn join<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    value: Value<'c, 'a>,
    limbs: usize,
    bits: u32,
) -> Result<Value<'c, 'a>> {
    let location = cx.location();
    let wide = cx.int_type(bits);
    let mut joined = crate::helper::const_int(cx.context, block, wide, 0)?;
    for index in 0..limbs {
        let limb = extract(cx, block, value, index, cx.int_type(128))?;
        let limb = push(block, arith::extui(limb, wide, location))?;
        let shift = crate::helper::const_int(cx.context, block, wide, 128 * index)?;
        let limb = push(block, arith::shli(limb, shift, location))?;
        joined = push(block, arith::ori(joined, limb, location))?;
    }
    Ok(joined)
}

/// An integer as a struct of u128 limbs of type `ty`.
fn split<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    value: Value<'c, 'a>,
    limbs: usize,
    ty: Type<'c>,
) -> Result<Value<'c, 'a>> {
    let location = cx.location();
    let wide = value.r#type();
    let mut result = push(block, llvm::undef(ty, location))?;
    for index in 0..limbs {
        let shift = crate::helper::const_int(cx.context, block, wide, 128 * index)?;
        let shifted = push(block, arith::shrui(value, shift, location))?;
        let limb = push(block, arith::trunci(shifted, cx.int_type(128), location))?;
        result = insert(cx, block, result, index, limb)?;
    }
    Ok(result)
}

/// Undefined values for the trailing results (multiplication guarantees) of branch `branch`.
fn guarantees<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    branch: usize,
    from: usize,
) -> Result<Vec<Value<'c, 'a>>> {
    invocation.result_types[branch][from..]
        .iter()
        .map(|ty| invocation.push(llvm::undef(invocation.cx.ty(ty)?, invocation.location())))
        .collect()
}

use melior::ir::ValueLike;

/// Builds one u256 libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &Uint256Concrete) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    match selector {
        Uint256Concrete::IsZero(_) => {
            let value = invocation.input(0)?;
            let joined = join(cx, block, value, 2, 256)?;
            let zero = invocation.constant(cx.int_type(256), 0)?;
            let is_zero = invocation.push(arith::cmpi(
                cx.context,
                CmpiPredicate::Eq,
                joined,
                zero,
                location,
            ))?;
            invocation.cond_br(block, is_zero, (0, &[]), (1, &[value]))
        }
        Uint256Concrete::Divmod(_) => {
            let lhs = join(cx, block, invocation.input(1)?, 2, 256)?;
            let rhs = join(cx, block, invocation.input(2)?, 2, 256)?;
            let (quotient, remainder) =
                runtime_divmod(invocation, "u256_divmod", lhs, rhs, (256, 256))?;
            let u256_type = cx.ty(invocation.result_type(0, 1)?)?;
            let mut results = vec![
                invocation.input(0)?,
                split(cx, block, quotient, 2, u256_type)?,
                split(cx, block, remainder, 2, u256_type)?,
            ];
            results.extend(guarantees(invocation, 0, 3)?);
            invocation.br(block, 0, &results)
        }
        Uint256Concrete::SquareRoot(_) => {
            let value = join(cx, block, invocation.input(1)?, 2, 256)?;
            let root = isqrt(cx, block, value, 256)?;
            let root = invocation.push(arith::trunci(root, cx.int_type(128), location))?;
            invocation.br(block, 0, &[invocation.input(0)?, root])
        }
        Uint256Concrete::InvModN(_) => {
            // Branch 0 with b⁻¹ mod n when it exists (and is not 0, i.e. n > 1), else branch 1.
            let u256 = cx.int_type(256);
            let value = join(cx, block, invocation.input(1)?, 2, 256)?;
            let modulus = join(cx, block, invocation.input(2)?, 2, 256)?;
            let slots = [
                invocation.alloca(u256, 16)?,
                invocation.alloca(u256, 16)?,
                invocation.alloca(u256, 16)?,
            ];
            store_at(cx.context, block, slots[0], 0, value)?;
            store_at(cx.context, block, slots[1], 0, modulus)?;
            let found = call_runtime(cx, block, "u256_inv_mod", &slots, Some(cx.int_type(64)))?
                .ok_or_else(|| crate::error::NativeError::Mlir("u256_inv_mod".to_owned()))?;
            let inverse = load_at(cx.context, block, slots[2], 0, u256)?;
            let zero64 = invocation.constant(cx.int_type(64), 0)?;
            let coprime = invocation.push(arith::cmpi(
                cx.context,
                CmpiPredicate::Ne,
                found,
                zero64,
                location,
            ))?;
            let zero = invocation.constant(u256, 0)?;
            let non_zero = invocation.push(arith::cmpi(
                cx.context,
                CmpiPredicate::Ne,
                inverse,
                zero,
                location,
            ))?;
            let invertible = invocation.push(arith::andi(coprime, non_zero, location))?;
            let u256_type = cx.ty(invocation.result_type(0, 1)?)?;
            let inverse = split(cx, block, inverse, 2, u256_type)?;
            let range_check = invocation.input(0)?;
            let mut found = vec![range_check, inverse];
            found.extend(guarantees(invocation, 0, 2)?);
            let mut missing = vec![range_check];
            missing.extend(guarantees(invocation, 1, 1)?);
            invocation.cond_br(block, invertible, (0, &found), (1, &missing))
        }
    }
}

/// `(lhs / rhs, lhs % rhs)` through runtime function `name` (see `crate::runtime::wide_div`):
/// `bits` are the widths of `lhs` (and the quotient) and of `rhs` (and the remainder).
fn runtime_divmod<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    name: &str,
    lhs: Value<'c, 'a>,
    rhs: Value<'c, 'a>,
    bits: (u32, u32),
) -> Result<(Value<'c, 'a>, Value<'c, 'a>)> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let (wide, narrow) = (cx.int_type(bits.0), cx.int_type(bits.1));
    let slots = [
        invocation.alloca(wide, 16)?,
        invocation.alloca(narrow, 16)?,
        invocation.alloca(wide, 16)?,
        invocation.alloca(narrow, 16)?,
    ];
    store_at(cx.context, block, slots[0], 0, lhs)?;
    store_at(cx.context, block, slots[1], 0, rhs)?;
    call_runtime(cx, block, name, &slots, None)?;
    Ok((
        load_at(cx.context, block, slots[2], 0, wide)?,
        load_at(cx.context, block, slots[3], 0, narrow)?,
    ))
}

/// Builds one u512 libfunc.
pub fn build_512(invocation: &Invocation<'_, '_, '_>, selector: &Uint512Concrete) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    match selector {
        Uint512Concrete::DivModU256(_) => {
            let lhs = join(cx, block, invocation.input(1)?, 4, 512)?;
            let rhs = join(cx, block, invocation.input(2)?, 2, 256)?;
            let (quotient, remainder) =
                runtime_divmod(invocation, "u512_divmod_u256", lhs, rhs, (512, 256))?;
            let mut results = vec![
                invocation.input(0)?,
                split(
                    cx,
                    block,
                    quotient,
                    4,
                    cx.ty(invocation.result_type(0, 1)?)?,
                )?,
                split(
                    cx,
                    block,
                    remainder,
                    2,
                    cx.ty(invocation.result_type(0, 2)?)?,
                )?,
            ];
            results.extend(guarantees(invocation, 0, 3)?);
            invocation.br(block, 0, &results)
        }
    }
}
