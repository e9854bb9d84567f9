//! [`Value`]s as the cells the entry code writes for a function's parameters.

use cairn_values_abi::{TypeShape, Value, ValueError};
use cairo_lang_runnable_utils::builder::RunnableBuilder;
use cairo_lang_runner::Arg;
use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_vm::Felt252;

use super::results::variant_selector;

/// What the entry code's `WriteRunParam` hint writes for one cell of a parameter: a felt, an
/// array as its two cells `[start, end)` over a new segment, a pointer (a box, a non-null
/// nullable, an `EcState`'s start point) as one cell to a new segment holding the pointee, or
/// the end of an argument dictionary's access log (by its index in the run's [`ArgDict`]s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ParamCell {
    Felt(Felt252),
    Array(Vec<ParamCell>),
    Pointer(Vec<ParamCell>),
    Dict(usize),
}

/// The most entries a dictionary argument whose values are pointers has on the VM: the runner's
/// hint that records each value reads it at a 16-bit offset from the dictionary's start.
pub(crate) const MAX_POINTER_DICT_ENTRIES: usize = (i16::MAX as usize - 2) / 3;

/// A dictionary passed as an argument: its entries, each value one cell.
pub(crate) type ArgDict = Vec<(Felt252, ParamCell)>;

impl ParamCell {
    /// The cells this takes where it is written.
    pub(crate) fn size(&self) -> usize {
        match self {
            ParamCell::Felt(_) | ParamCell::Pointer(_) | ParamCell::Dict(_) => 1,
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
            ParamCell::Pointer(_) | ParamCell::Dict(_) => return None,
        })
    }
}

/// The cells of `value` as a parameter of type `ty`; the dictionaries in it are added to
/// `dicts`, which its cells name by index.
pub(crate) fn to_param_cells(
    value: &Value,
    ty: &ConcreteTypeId,
    builder: &RunnableBuilder,
    path: &str,
    dicts: &mut Vec<ArgDict>,
) -> Result<Vec<ParamCell>, ValueError> {
    cairn_values_abi::json::check(value, ty, builder.registry(), path)?;
    let mut cells = Vec::new();
    CellWriter { builder, dicts }.push_cells(value, ty, path, &mut cells)?;
    Ok(cells)
}

/// Lays values out as cells, collecting the dictionaries it meets.
struct CellWriter<'a> {
    builder: &'a RunnableBuilder,
    dicts: &'a mut Vec<ArgDict>,
}

impl CellWriter<'_> {
    fn push_cells(
        &mut self,
        value: &Value,
        ty: &ConcreteTypeId,
        path: &str,
        cells: &mut Vec<ParamCell>,
    ) -> Result<(), ValueError> {
        let builder = self.builder;
        let shape = TypeShape::of(builder.registry(), ty)?;
        let unsupported = || ValueError::UnsupportedType {
            path: path.to_owned(),
            ty: ty.to_string(),
        };
        let felt = ParamCell::Felt;
        match (&shape, value) {
            // A dictionary is an access log in a segment of its own, registered with the segment
            // arena and the runner's dictionary manager by the entry code's hints; each value is
            // one cell (a felt, or a pointer for a nullable).
            (TypeShape::Felt252Dict(inner), Value::Felt252Dict(entries)) => {
                let mut dict = Vec::with_capacity(entries.len());
                for (key, item) in entries {
                    let mut value_cells = Vec::new();
                    self.push_cells(item, inner, &format!("{path}[{}]", key.0), &mut value_cells)?;
                    let [cell] =
                        <[ParamCell; 1]>::try_from(value_cells).map_err(|_| unsupported())?;
                    dict.push((key.0, cell));
                }
                if entries.len() > MAX_POINTER_DICT_ENTRIES
                    && dict
                        .iter()
                        .any(|(_, cell)| !matches!(cell, ParamCell::Felt(_)))
                {
                    return Err(ValueError::Mismatch {
                        path: path.to_owned(),
                        expected: format!(
                        "at most {MAX_POINTER_DICT_ENTRIES} entries in a dictionary of pointers \
                         on the VM backend"
                    ),
                        found: format!("{} entries", entries.len()),
                    });
                }
                self.dicts.push(dict);
                cells.push(ParamCell::Dict(self.dicts.len() - 1));
            }
            (TypeShape::Box(inner), value) => {
                let mut pointee = Vec::new();
                self.push_cells(value, inner, path, &mut pointee)?;
                cells.push(ParamCell::Pointer(pointee));
            }
            (TypeShape::Nullable(inner), Value::Nullable(Some(value))) => {
                let mut pointee = Vec::new();
                self.push_cells(value, inner, &format!("{path}.value"), &mut pointee)?;
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
                self.push_cells(value, inner, path, cells)?
            }
            (TypeShape::Struct { members, .. }, Value::Struct(items)) => {
                for (index, (item, member)) in items.iter().zip(members).enumerate() {
                    self.push_cells(item, member, &format!("{path}.{index}"), cells)?;
                }
            }
            (TypeShape::Enum { variants, .. }, Value::Enum { variant, value }) => {
                let payload_ty = &variants[*variant];
                let enum_size = usize::try_from(builder.type_size(ty)).unwrap_or(1);
                let payload_size = usize::try_from(builder.type_size(payload_ty)).unwrap_or(0);
                cells.push(felt(variant_selector(variants.len(), *variant).into()));
                let padding = enum_size.saturating_sub(1 + payload_size);
                cells.extend((0..padding).map(|_| felt(Felt252::ZERO)));
                self.push_cells(value, payload_ty, &format!("{path}.value"), cells)?;
            }
            (TypeShape::Array(element) | TypeShape::Span(element), Value::Array(items)) => {
                let mut elements = Vec::new();
                for (index, item) in items.iter().enumerate() {
                    self.push_cells(item, element, &format!("{path}[{index}]"), &mut elements)?;
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
}
