//! `const_as_immediate<Const<T, …>>` and `const_as_box`: compile-time constants of any
//! integer, struct, enum or non-zero type, built from their `Const` type description.

use cairo_lang_sierra::extensions::const_type::ConstConcreteLibfunc;
use cairo_lang_sierra::extensions::core::CoreTypeConcrete;
use cairo_lang_sierra::extensions::starknet::StarknetTypeConcrete;
use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_lang_sierra::program::GenericArg;
use melior::dialect::llvm;
use melior::ir::Value;

use super::enumeration;
use super::wide::{from_wide, wide_type};
use crate::error::{NativeError, Result};
use crate::helper::{store_at, Invocation};
use crate::metadata::values::{insert, malloc};
use crate::types::{concrete, layout, type_name};

/// Builds one const libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &ConstConcreteLibfunc) -> Result<()> {
    match selector {
        ConstConcreteLibfunc::AsImmediate(info) => {
            let value = constant(invocation, &info.const_type)?;
            invocation.br(&invocation.block, 0, &[value])
        }
        ConstConcreteLibfunc::AsBox(info) => {
            let value = constant(invocation, &info.const_type)?;
            let inner = const_inner(invocation, &info.const_type)?.0;
            let size = layout(invocation.registry(), &inner)?.size().max(1);
            let bytes = invocation.constant(invocation.cx.int_type(64), size)?;
            let boxed = malloc(invocation.cx, &invocation.block, bytes)?;
            store_at(invocation.context(), &invocation.block, boxed, 0, value)?;
            invocation.br(&invocation.block, 0, &[boxed])
        }
    }
}

fn const_inner(
    invocation: &Invocation<'_, '_, '_>,
    const_type: &ConcreteTypeId,
) -> Result<(ConcreteTypeId, Vec<GenericArg>)> {
    match concrete(invocation.registry(), const_type)? {
        CoreTypeConcrete::Const(info) => Ok((info.inner_ty.clone(), info.inner_data.clone())),
        _ => Err(NativeError::InvalidProgram(format!(
            "{} is not a Const type",
            type_name(const_type)
        ))),
    }
}

fn bad_const(ty: &ConcreteTypeId) -> NativeError {
    NativeError::InvalidProgram(format!("malformed constant of {}", type_name(ty)))
}

/// The value a `Const<…>` type describes.
fn constant<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    const_type: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let cx = invocation.cx;
    let (inner, data) = const_inner(invocation, const_type)?;
    match concrete(cx.registry, &inner)? {
        CoreTypeConcrete::Struct(info) => {
            let mut value = invocation.push(llvm::undef(cx.ty(&inner)?, invocation.location()))?;
            if data.len() != info.members.len() {
                return Err(bad_const(&inner));
            }
            for (position, member) in data.iter().enumerate() {
                let GenericArg::Type(member_const) = member else {
                    return Err(bad_const(&inner));
                };
                let member_value = constant(invocation, member_const)?;
                value = insert(cx, &invocation.block, value, position, member_value)?;
            }
            Ok(value)
        }
        CoreTypeConcrete::Enum(_) => {
            let (Some(GenericArg::Value(index)), Some(GenericArg::Type(payload_const))) =
                (data.first(), data.get(1))
            else {
                return Err(bad_const(&inner));
            };
            let index = usize::try_from(index).map_err(|_| bad_const(&inner))?;
            let payload = constant(invocation, payload_const)?;
            enumeration::init(invocation, &inner, index, Some(payload))
        }
        CoreTypeConcrete::NonZero(_) => {
            let Some(GenericArg::Type(inner_const)) = data.first() else {
                return Err(bad_const(&inner));
            };
            constant(invocation, inner_const)
        }
        CoreTypeConcrete::EcPoint(_) => {
            let (Some(GenericArg::Value(x)), Some(GenericArg::Value(y))) =
                (data.first(), data.get(1))
            else {
                return Err(bad_const(&inner));
            };
            let felt = cx.int_type(256);
            let mut point = invocation.push(llvm::undef(cx.ty(&inner)?, invocation.location()))?;
            for (position, coordinate) in [x, y].into_iter().enumerate() {
                let value = invocation.constant(felt, super::felt252::felt_constant(coordinate))?;
                point = insert(cx, &invocation.block, point, position, value)?;
            }
            Ok(point)
        }
        CoreTypeConcrete::Felt252(_)
        | CoreTypeConcrete::Bytes31(_)
        | CoreTypeConcrete::Starknet(
            StarknetTypeConcrete::ClassHash(_)
            | StarknetTypeConcrete::ContractAddress(_)
            | StarknetTypeConcrete::StorageBaseAddress(_)
            | StarknetTypeConcrete::StorageAddress(_),
        ) => {
            let Some(GenericArg::Value(number)) = data.first() else {
                return Err(bad_const(&inner));
            };
            invocation.constant(cx.int_type(256), super::felt252::felt_constant(number))
        }
        _ => {
            let Some(GenericArg::Value(number)) = data.first() else {
                return Err(bad_const(&inner));
            };
            let wide = invocation.constant(wide_type(cx), number)?;
            from_wide(cx, &invocation.block, wide, &inner)
        }
    }
}
