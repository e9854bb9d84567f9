//! Circuit types (see `cairn_values_abi::layout` for their memory layout): u384 values as four
//! `i128` limbs, the circuit's values in one `malloc`ed buffer of them, guarantees as the limbs
//! they compare.

use cairo_lang_sierra::extensions::circuit::{CircuitInfo, CircuitTypeConcrete};
use cairo_lang_sierra::extensions::core::CoreTypeConcrete;
use cairo_lang_sierra::extensions::ConcreteType;
use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_lang_sierra::program::GenericArg;
use melior::dialect::llvm;
use melior::ir::Type;
use melior::Context;

use super::{concrete, int, pointer};
use crate::error::{NativeError, Result};
use crate::Registry;

/// Bytes per circuit value in the values buffer: four 96-bit limbs in `u128`s.
pub const VALUE_BYTES: usize = 64;

fn limbs<'c>(context: &'c Context, count: usize) -> Type<'c> {
    llvm::r#type::r#struct(context, &vec![int::build(context, 128); count], false)
}

/// The MLIR type of a circuit type; `None` for the types that only describe a circuit (gates,
/// inputs, the circuit itself), which have no values.
pub fn build<'c>(context: &'c Context, circuit: &CircuitTypeConcrete) -> Option<Type<'c>> {
    let ptr = pointer::build(context);
    Some(match circuit {
        CircuitTypeConcrete::AddMod(_) | CircuitTypeConcrete::MulMod(_) => {
            super::builtin::build(context)
        }
        CircuitTypeConcrete::CircuitModulus(_) => limbs(context, 4),
        CircuitTypeConcrete::CircuitInputAccumulator(_) => {
            llvm::r#type::r#struct(context, &[ptr, int::build(context, 64)], false)
        }
        CircuitTypeConcrete::CircuitData(_) | CircuitTypeConcrete::CircuitPartialOutputs(_) => {
            llvm::r#type::r#struct(context, &[ptr], false)
        }
        CircuitTypeConcrete::CircuitOutputs(_) => {
            llvm::r#type::r#struct(context, &[ptr, limbs(context, 4)], false)
        }
        CircuitTypeConcrete::CircuitDescriptor(_) => llvm::r#type::r#struct(context, &[], false),
        CircuitTypeConcrete::CircuitFailureGuarantee(_) => limbs(context, 8),
        CircuitTypeConcrete::U96Guarantee(_) => int::build(context, 128),
        CircuitTypeConcrete::U96LimbsLessThanGuarantee(guarantee) => {
            limbs(context, 2 * guarantee.limb_count)
        }
        _ => return None,
    })
}

/// Whether a value of this circuit type owns the values buffer (freed on drop, copied on dup).
pub fn owns_values(circuit: &CircuitTypeConcrete) -> bool {
    matches!(
        circuit,
        CircuitTypeConcrete::CircuitInputAccumulator(_)
            | CircuitTypeConcrete::CircuitData(_)
            | CircuitTypeConcrete::CircuitOutputs(_)
            | CircuitTypeConcrete::CircuitPartialOutputs(_)
    )
}

/// The description of circuit `circuit` (a `Circuit<…>` type).
pub fn info<'r>(registry: &'r Registry, circuit: &ConcreteTypeId) -> Result<&'r CircuitInfo> {
    match concrete(registry, circuit)? {
        CoreTypeConcrete::Circuit(CircuitTypeConcrete::Circuit(info)) => Ok(&info.circuit_info),
        _ => Err(NativeError::InvalidProgram(format!(
            "{circuit} is not a circuit"
        ))),
    }
}

/// The description of the circuit a circuit-generic type (`CircuitOutputs<C>`, …) is about.
pub fn info_of_generic<'r>(registry: &'r Registry, ty: &ConcreteTypeId) -> Result<&'r CircuitInfo> {
    let long_id = &registry
        .get_type(ty)
        .map_err(|error| NativeError::InvalidProgram(error.to_string()))?
        .info()
        .long_id;
    match long_id.generic_args.first() {
        Some(GenericArg::Type(circuit)) => info(registry, circuit),
        _ => Err(NativeError::InvalidProgram(format!(
            "{ty} names no circuit"
        ))),
    }
}

/// How many values a circuit's buffer holds: the constant 1, the inputs as given, then every
/// reduced input and gate output.
pub fn value_count(info: &CircuitInfo) -> usize {
    1 + info.n_inputs + info.values.len()
}
