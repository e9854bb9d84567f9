//! [`Value`]s as the cells the entry code writes for a function's parameters.

use cairn_values_abi::{TypeShape, Value, ValueError};
use cairo_lang_runnable_utils::builder::RunnableBuilder;
use cairo_lang_runner::Arg;
use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_vm::Felt252;

use super::results::variant_selector;

/// The cells of `value` as a parameter of type `ty`: felts, with arrays as nested [`Arg::Array`]
/// (the entry code allocates their segments).
pub(crate) fn to_runner_args(
    value: &Value,
    ty: &ConcreteTypeId,
    builder: &RunnableBuilder,
    path: &str,
) -> Result<Vec<Arg>, ValueError> {
    cairn_values_abi::json::check(value, ty, builder.registry(), path)?;
    let mut cells = Vec::new();
    push_cells(value, ty, builder, path, &mut cells)?;
    Ok(cells)
}

fn push_cells(
    value: &Value,
    ty: &ConcreteTypeId,
    builder: &RunnableBuilder,
    path: &str,
    cells: &mut Vec<Arg>,
) -> Result<(), ValueError> {
    let shape = TypeShape::of(builder.registry(), ty)?;
    let unsupported = || ValueError::UnsupportedType {
        path: path.to_owned(),
        ty: ty.to_string(),
    };
    let felt = |felt: Felt252| Arg::Value(felt);
    match (&shape, value) {
        // Boxes, non-null nullables and dictionaries live in segments that the runner's entry
        // code cannot allocate for arguments (a box holding a felt must not pass as the felt).
        (TypeShape::Box(_), _)
        | (TypeShape::Nullable(_), Value::Nullable(Some(_)))
        | (TypeShape::Felt252Dict(_) | TypeShape::SquashedFelt252Dict(_), _) => {
            return Err(ValueError::UnsupportedType {
                path: path.to_owned(),
                ty: format!("{ty} (as an argument on the VM backend)"),
            })
        }
        (_, Value::Felt252(v) | Value::Bytes31(v)) => cells.push(felt(*v)),
        (_, Value::U8(v)) => cells.push(felt((*v).into())),
        (_, Value::U16(v)) => cells.push(felt((*v).into())),
        (_, Value::U32(v)) => cells.push(felt((*v).into())),
        (_, Value::U64(v)) => cells.push(felt((*v).into())),
        (_, Value::U128(v)) => cells.push(felt((*v).into())),
        (_, Value::I8(v)) => cells.push(felt((*v).into())),
        (_, Value::I16(v)) => cells.push(felt((*v).into())),
        (_, Value::I32(v)) => cells.push(felt((*v).into())),
        (_, Value::I64(v)) => cells.push(felt((*v).into())),
        (_, Value::I128(v)) => cells.push(felt((*v).into())),
        (_, Value::BoundedInt(v)) => cells.push(felt(Felt252::from(v))),
        (TypeShape::Snapshot(inner) | TypeShape::NonZero(inner), value) => {
            push_cells(value, inner, builder, path, cells)?
        }
        (TypeShape::Struct { members, .. }, Value::Struct(items)) => {
            for (index, (item, member)) in items.iter().zip(members).enumerate() {
                push_cells(item, member, builder, &format!("{path}.{index}"), cells)?;
            }
        }
        (TypeShape::Enum { variants, .. }, Value::Enum { variant, value }) => {
            let payload_ty = &variants[*variant];
            let enum_size = usize::try_from(builder.type_size(ty)).unwrap_or(1);
            let payload_size = usize::try_from(builder.type_size(payload_ty)).unwrap_or(0);
            cells.push(felt(variant_selector(variants.len(), *variant).into()));
            let padding = enum_size.saturating_sub(1 + payload_size);
            cells.extend((0..padding).map(|_| felt(Felt252::ZERO)));
            push_cells(value, payload_ty, builder, &format!("{path}.value"), cells)?;
        }
        (TypeShape::Array(element) | TypeShape::Span(element), Value::Array(items)) => {
            let mut elements = Vec::new();
            for (index, item) in items.iter().enumerate() {
                push_cells(
                    item,
                    element,
                    builder,
                    &format!("{path}[{index}]"),
                    &mut elements,
                )?;
            }
            cells.push(Arg::Array(elements));
        }
        (TypeShape::Nullable(_), Value::Nullable(None)) => cells.push(felt(Felt252::ZERO)),
        (TypeShape::EcPoint, Value::EcPoint { x, y }) => cells.extend([felt(*x), felt(*y)]),
        (TypeShape::EcState, Value::EcState { x, y, x0, y0 }) => {
            cells.extend([felt(*x), felt(*y), felt(*x0), felt(*y0)])
        }
        _ => return Err(unsupported()),
    }
    Ok(())
}
