//! [`Value`]s as the cells the entry code writes for a function's parameters.

use cairn_values_abi::{TypeShape, Value, ValueError};
use cairo_lang_runnable_utils::builder::RunnableBuilder;
use cairo_lang_runner::Arg;
use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_vm::Felt252;

use super::results::variant_selector;

/// What the entry code's `WriteRunParam` hint writes for one cell of a parameter: a felt, an
/// array as its two cells `[start, end)` over a new segment, or a pointer (a box, a non-null
/// nullable, an `EcState`'s start point) as one cell to a new segment holding the pointee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ParamCell {
    Felt(Felt252),
    Array(Vec<ParamCell>),
    Pointer(Vec<ParamCell>),
}

impl ParamCell {
    /// The cells this takes where it is written.
    pub(crate) fn size(&self) -> usize {
        match self {
            ParamCell::Felt(_) | ParamCell::Pointer(_) => 1,
            ParamCell::Array(_) => 2,
        }
    }

    /// As `cairo-lang-runner` takes arguments, which have no pointers.
    pub(crate) fn to_runner_arg(&self) -> Option<Arg> {
        Some(match self {
            ParamCell::Felt(felt) => Arg::Value(*felt),
            ParamCell::Array(items) => Arg::Array(
                items
                    .iter()
                    .map(ParamCell::to_runner_arg)
                    .collect::<Option<_>>()?,
            ),
            ParamCell::Pointer(_) => return None,
        })
    }
}

/// The cells of `value` as a parameter of type `ty`.
pub(crate) fn to_param_cells(
    value: &Value,
    ty: &ConcreteTypeId,
    builder: &RunnableBuilder,
    path: &str,
) -> Result<Vec<ParamCell>, ValueError> {
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
    cells: &mut Vec<ParamCell>,
) -> Result<(), ValueError> {
    let shape = TypeShape::of(builder.registry(), ty)?;
    let unsupported = || ValueError::UnsupportedType {
        path: path.to_owned(),
        ty: ty.to_string(),
    };
    let felt = ParamCell::Felt;
    match (&shape, value) {
        // Dictionaries live in the segment arena, whose dictionaries the runner's hints own.
        (TypeShape::Felt252Dict(_) | TypeShape::SquashedFelt252Dict(_), _) => {
            return Err(ValueError::UnsupportedType {
                path: path.to_owned(),
                ty: format!("{ty} (as an argument on the VM backend)"),
            })
        }
        (TypeShape::Box(inner), value) => {
            let mut pointee = Vec::new();
            push_cells(value, inner, builder, path, &mut pointee)?;
            cells.push(ParamCell::Pointer(pointee));
        }
        (TypeShape::Nullable(inner), Value::Nullable(Some(value))) => {
            let mut pointee = Vec::new();
            push_cells(
                value,
                inner,
                builder,
                &format!("{path}.value"),
                &mut pointee,
            )?;
            cells.push(ParamCell::Pointer(pointee));
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
            cells.push(ParamCell::Array(elements));
        }
        (TypeShape::Nullable(_), Value::Nullable(None)) => cells.push(felt(Felt252::ZERO)),
        (TypeShape::EcPoint, Value::EcPoint { x, y }) => cells.extend([felt(*x), felt(*y)]),
        (TypeShape::EcState, Value::EcState { x, y, x0, y0 }) => {
            // (current point, a pointer to the start point), the start never the identity.
            let (sum_x, sum_y) = cairn_values_abi::ec_state_sum([*x, *y, *x0, *y0], path)?;
            let [x, y, x0, y0] = cairn_values_abi::ec_state_for_vm(sum_x, sum_y)?;
            cells.extend([
                felt(x),
                felt(y),
                ParamCell::Pointer(vec![felt(x0), felt(y0)]),
            ]);
        }
        _ => return Err(unsupported()),
    }
    Ok(())
}
