//! Arithmetic circuits modulo a u384 (`core::circuit`): the inputs go into a `malloc`ed buffer
//! of values, `eval_circuit` fills the rest in the runtime (`runtime/circuit.rs`), outputs are
//! read back with the guarantee that they are below the modulus. Guarantees carry the limbs they
//! compare, so their verification takes the branches the VM's does (and costs the same gas).
//! The AddMod/MulMod/RangeCheck96 builtins are counters passed through.

use cairo_lang_sierra::extensions::circuit::{CircuitConcreteLibfunc, CircuitInfo};
use melior::dialect::{arith, llvm};
use melior::ir::{Type, Value};

use crate::error::{NativeError, Result};
use crate::helper::{load_at, store_at, Invocation};
use crate::metadata::values::{call_runtime, drop_value, extract, gep_bytes, insert, malloc};
use crate::types::circuit::{info, value_count, VALUE_BYTES};

/// Builds one circuit libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &CircuitConcreteLibfunc) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    let limb = cx.int_type(128);
    match selector {
        CircuitConcreteLibfunc::InitCircuitData(libfunc) => {
            // (rc96) -> (rc96, accumulator): a buffer with the constant 1 and room for the rest.
            let info = info(cx.registry, &libfunc.ty)?;
            let bytes = invocation.constant(cx.int_type(64), value_count(info) * VALUE_BYTES)?;
            let buffer = malloc(cx, block, bytes)?;
            let one = invocation.constant(limb, 1)?;
            let zero = invocation.constant(limb, 0)?;
            for (index, value) in [one, zero, zero, zero].into_iter().enumerate() {
                store_at(cx.context, block, buffer, 16 * index, value)?;
            }
            let accumulator_type = cx.ty(invocation.result_type(0, 1)?)?;
            let accumulator = invocation.push(llvm::undef(accumulator_type, location))?;
            let accumulator = insert(cx, block, accumulator, 0, buffer)?;
            let count = invocation.constant(cx.int_type(64), 0)?;
            let accumulator = insert(cx, block, accumulator, 1, count)?;
            invocation.br(block, 0, &[invocation.input(0)?, accumulator])
        }
        CircuitConcreteLibfunc::AddInput(libfunc) => {
            // (accumulator, (u96 guarantee × 4)) -> data when it was the last input,
            // else the accumulator with one more.
            let info = info(cx.registry, &libfunc.ty)?;
            let i64_type = cx.int_type(64);
            let accumulator = invocation.input(0)?;
            let buffer = extract(cx, block, accumulator, 0, cx.ptr_type())?;
            let count = extract(cx, block, accumulator, 1, i64_type)?;
            let one = invocation.constant(i64_type, 1)?;
            let next = invocation.push(arith::addi(count, one, location))?;
            let value_bytes = invocation.constant(i64_type, VALUE_BYTES)?;
            let offset = invocation.push(arith::muli(next, value_bytes, location))?;
            let slot = gep_bytes(cx, block, buffer, offset)?;
            let input = invocation.input(1)?;
            for index in 0..4 {
                let limb_value = extract(cx, block, input, index, limb)?;
                store_at(cx.context, block, slot, 16 * index, limb_value)?;
            }
            let inputs = invocation.constant(i64_type, info.n_inputs)?;
            let done = invocation.push(arith::cmpi(
                cx.context,
                arith::CmpiPredicate::Eq,
                next,
                inputs,
                location,
            ))?;
            let data_type = cx.ty(invocation.result_type(0, 0)?)?;
            let data = invocation.push(llvm::undef(data_type, location))?;
            let data = insert(cx, block, data, 0, buffer)?;
            let more = insert(cx, block, accumulator, 1, next)?;
            invocation.cond_br(block, done, (0, &[data]), (1, &[more]))
        }
        CircuitConcreteLibfunc::GetDescriptor(_) => {
            let descriptor_type = cx.ty(invocation.result_type(0, 0)?)?;
            let descriptor = invocation.push(llvm::undef(descriptor_type, location))?;
            invocation.br(block, 0, &[descriptor])
        }
        CircuitConcreteLibfunc::Eval(libfunc) => eval(invocation, info(cx.registry, &libfunc.ty)?),
        CircuitConcreteLibfunc::GetOutput(libfunc) => {
            // (outputs) -> (u384, guarantee that it is below the modulus)
            let info = info(cx.registry, &libfunc.circuit_ty)?;
            let position = *info.values.get(&libfunc.output_ty).ok_or_else(|| {
                NativeError::InvalidProgram(format!(
                    "{} is not an output of {}",
                    libfunc.output_ty, libfunc.circuit_ty
                ))
            })?;
            let outputs = invocation.input(0)?;
            let buffer = extract(cx, block, outputs, 0, cx.ptr_type())?;
            let modulus = extract(cx, block, outputs, 1, limbs_type(invocation, 4))?;
            let offset = invocation.constant(cx.int_type(64), position * VALUE_BYTES)?;
            let slot = gep_bytes(cx, block, buffer, offset)?;
            let mut value_limbs = Vec::with_capacity(4);
            for index in 0..4 {
                value_limbs.push(load_at(cx.context, block, slot, 16 * index, limb)?);
            }
            let mut modulus_limbs = Vec::with_capacity(4);
            for index in 0..4 {
                modulus_limbs.push(extract(cx, block, modulus, index, limb)?);
            }
            drop_value(cx, block, outputs, invocation.param_type(0)?)?;
            let value = limbs_struct(
                invocation,
                cx.ty(invocation.result_type(0, 0)?)?,
                &value_limbs,
            )?;
            let guarantee = limbs_struct(
                invocation,
                cx.ty(invocation.result_type(0, 1)?)?,
                &[value_limbs, modulus_limbs].concat(),
            )?;
            invocation.br(block, 0, &[value, guarantee])
        }
        CircuitConcreteLibfunc::TryIntoCircuitModulus(_) => {
            // A modulus is at least 2.
            let value = invocation.input(0)?;
            let mut high = invocation.constant(limb, 0)?;
            for index in 1..4 {
                let part = extract(cx, block, value, index, limb)?;
                high = invocation.push(arith::ori(high, part, location))?;
            }
            let low = extract(cx, block, value, 0, limb)?;
            let zero = invocation.constant(limb, 0)?;
            let two = invocation.constant(limb, 2)?;
            let high_set = invocation.push(arith::cmpi(
                cx.context,
                arith::CmpiPredicate::Ne,
                high,
                zero,
                location,
            ))?;
            let low_big = invocation.push(arith::cmpi(
                cx.context,
                arith::CmpiPredicate::Uge,
                low,
                two,
                location,
            ))?;
            let valid = invocation.push(arith::ori(high_set, low_big, location))?;
            invocation.cond_br(block, valid, (0, &[value]), (1, &[]))
        }
        CircuitConcreteLibfunc::FailureGuaranteeVerify(_) => {
            // (rc96, mul_mod, (nullifier, modulus), zero, one) -> (rc96, mul_mod, nullifier < modulus)
            invocation.br(
                block,
                0,
                &[
                    invocation.input(0)?,
                    invocation.input(1)?,
                    invocation.input(2)?,
                ],
            )
        }
        CircuitConcreteLibfunc::IntoU96Guarantee(_) => {
            let wide = crate::libfuncs::wide::to_wide(
                cx,
                block,
                invocation.input(0)?,
                invocation.param_type(0)?,
            )?;
            let value = invocation.push(arith::trunci(wide, limb, location))?;
            invocation.br(block, 0, &[value])
        }
        CircuitConcreteLibfunc::U96GuaranteeVerify(_) => {
            invocation.br(block, 0, &[invocation.input(0)?])
        }
        CircuitConcreteLibfunc::U96LimbsLessThanGuaranteeVerify(libfunc) => {
            // Equal top limbs: the guarantee on the limbs below; else the top limbs' difference.
            let count = libfunc.limb_count;
            let guarantee = invocation.input(0)?;
            let mut limbs = Vec::with_capacity(2 * count);
            for index in 0..2 * count {
                limbs.push(extract(cx, block, guarantee, index, limb)?);
            }
            let (value_top, modulus_top) = (limbs[count - 1], limbs[2 * count - 1]);
            let equal = invocation.push(arith::cmpi(
                cx.context,
                arith::CmpiPredicate::Eq,
                value_top,
                modulus_top,
                location,
            ))?;
            let lower: Vec<_> = limbs[..count - 1]
                .iter()
                .chain(&limbs[count..2 * count - 1])
                .copied()
                .collect();
            let smaller = limbs_struct(invocation, cx.ty(invocation.result_type(0, 0)?)?, &lower)?;
            let difference = invocation.push(arith::subi(modulus_top, value_top, location))?;
            invocation.cond_br(block, equal, (0, &[smaller]), (1, &[difference]))
        }
        CircuitConcreteLibfunc::U96SingleLimbLessThanGuaranteeVerify(_) => {
            let guarantee = invocation.input(0)?;
            let value = extract(cx, block, guarantee, 0, limb)?;
            let modulus = extract(cx, block, guarantee, 1, limb)?;
            let difference = invocation.push(arith::subi(modulus, value, location))?;
            invocation.br(block, 0, &[difference])
        }
    }
}

/// `!llvm.struct<(i128 × count)>`.
fn limbs_type<'c>(invocation: &Invocation<'c, '_, '_>, count: usize) -> Type<'c> {
    let limb = invocation.cx.int_type(128);
    llvm::r#type::r#struct(invocation.context(), &vec![limb; count], false)
}

/// A struct of type `ty` whose members are `limbs`.
fn limbs_struct<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    ty: Type<'c>,
    limbs: &[Value<'c, 'a>],
) -> Result<Value<'c, 'a>> {
    let cx = invocation.cx;
    let mut value = invocation.push(llvm::undef(ty, invocation.location()))?;
    for (index, limb) in limbs.iter().enumerate() {
        value = insert(cx, &invocation.block, value, index, *limb)?;
    }
    Ok(value)
}

/// `eval_circuit(add_mod, mul_mod, descriptor, data, modulus, zero, one)`: success gives
/// `(add_mod, mul_mod, outputs)`, failure `(add_mod, mul_mod, partial outputs, (nullifier,
/// modulus))`.
fn eval(invocation: &Invocation<'_, '_, '_>, info: &CircuitInfo) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    let i64_type = cx.int_type(64);
    let (add_mod, mul_mod) = (invocation.input(0)?, invocation.input(1)?);
    let buffer = extract(cx, block, invocation.input(3)?, 0, cx.ptr_type())?;
    let modulus = invocation.input(4)?;
    let modulus_slot = invocation.alloca(limbs_type(invocation, 4), 16)?;
    store_at(cx.context, block, modulus_slot, 0, modulus)?;
    let add_offsets = offsets_slot(invocation, &info.add_offsets)?;
    let mul_offsets = offsets_slot(invocation, &info.mul_offsets)?;
    let (failure_slot, failure_type) = invocation.alloca_for(invocation.result_type(1, 3)?)?;
    let constant = |value: usize| invocation.constant(i64_type, value);
    let mul_gates = constant(info.mul_offsets.len())?;
    let computed_mul_gates = call_runtime(
        cx,
        block,
        "circuit_eval",
        &[
            buffer,
            constant(value_count(info))?,
            constant(1 + info.n_inputs)?,
            modulus_slot,
            add_offsets,
            constant(info.add_offsets.len())?,
            mul_offsets,
            mul_gates,
            failure_slot,
        ],
        Some(i64_type),
    )?
    .ok_or_else(|| NativeError::Mlir("circuit_eval returned nothing".to_owned()))?;
    let succeeded = invocation.push(arith::cmpi(
        cx.context,
        arith::CmpiPredicate::Eq,
        computed_mul_gates,
        mul_gates,
        location,
    ))?;
    // The VM fills a MulMod instance per gate computed, up to a failing one: the count depends
    // on the inputs, so it is added here (the AddMod instances, one per gate whatever happens,
    // are the branches' static use).
    let mul_mod = invocation.push(arith::addi(mul_mod, computed_mul_gates, location))?;

    let outputs_type = cx.ty(invocation.result_type(0, 2)?)?;
    let outputs = invocation.push(llvm::undef(outputs_type, location))?;
    let outputs = insert(cx, block, outputs, 0, buffer)?;
    let outputs = insert(cx, block, outputs, 1, modulus)?;
    let partial_type = cx.ty(invocation.result_type(1, 2)?)?;
    let partial = invocation.push(llvm::undef(partial_type, location))?;
    let partial = insert(cx, block, partial, 0, buffer)?;
    let failure = load_at(cx.context, block, failure_slot, 0, failure_type)?;
    invocation.cond_br(
        block,
        succeeded,
        (0, &[add_mod, mul_mod, outputs]),
        (1, &[add_mod, mul_mod, partial, failure]),
    )
}

/// A stack array of the gates' value offsets (three per gate), or null for no gates.
fn offsets_slot<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    gates: &[cairo_lang_sierra::extensions::circuit::GateOffsets],
) -> Result<Value<'c, 'a>> {
    let cx = invocation.cx;
    let i64_type = cx.int_type(64);
    if gates.is_empty() {
        return invocation.push(llvm::zero(cx.ptr_type(), invocation.location()));
    }
    let array = llvm::r#type::array(i64_type, (3 * gates.len()) as u32);
    let slot = invocation.alloca(array, 8)?;
    for (index, gate) in gates.iter().enumerate() {
        for (part, offset) in [gate.lhs, gate.rhs, gate.output].into_iter().enumerate() {
            let value = invocation.constant(i64_type, offset)?;
            store_at(
                cx.context,
                &invocation.block,
                slot,
                8 * (3 * index + part),
                value,
            )?;
        }
    }
    Ok(slot)
}
