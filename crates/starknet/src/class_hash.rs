//! The class hash Starknet gives a Sierra contract class.
//!
//! Poseidon over: `'CONTRACT_CLASS_V0.1.0'`, the hash of each kind of entry point (external,
//! L1 handler, constructor; each the Poseidon hash of its `(selector, function_idx)` pairs),
//! `sn_keccak` of the ABI as JSON, and the Poseidon hash of the Sierra program's felts: what
//! cairo-lang's `compute_class_hash` computes. The ABI's JSON is the one cairo-lang hashes:
//! Python's `json.dumps` form (`", "` and `": "` separators, non-ASCII escaped) of the ABI as the
//! compiler writes it.

use cairo_lang_starknet_classes::contract_class::{
    ContractClass as CompiledClass, ContractEntryPoint,
};
use serde::Serialize;
use starknet_types_core::felt::Felt;
use starknet_types_core::hash::{Poseidon, StarkHash};

use crate::error::StarknetError;

/// The class hash of `class`, as Starknet computes it.
pub fn class_hash(class: &CompiledClass) -> Result<Felt, StarknetError> {
    let invalid = |reason: String| StarknetError::InvalidClass(reason);
    if class.contract_class_version != "0.1.0" {
        return Err(invalid(format!(
            "contract class version {:?}: only 0.1.0 has a class hash defined",
            class.contract_class_version
        )));
    }
    let abi = class
        .abi
        .as_ref()
        .ok_or_else(|| invalid("the class has no ABI, which its hash covers".to_owned()))?;
    let abi_json = pythonic_json(abi).map_err(|error| invalid(error.to_string()))?;
    let entry_points = |list: &[ContractEntryPoint]| {
        let felts: Vec<Felt> = list
            .iter()
            .flat_map(|entry| [Felt::from(&entry.selector), Felt::from(entry.function_idx)])
            .collect();
        Poseidon::hash_array(&felts)
    };
    let by_type = &class.entry_points_by_type;
    let program: Vec<Felt> = class
        .sierra_program
        .iter()
        .map(|felt| Felt::from(&felt.value))
        .collect();
    Ok(Poseidon::hash_array(&[
        crate::short_string("CONTRACT_CLASS_V0.1.0"),
        entry_points(&by_type.external),
        entry_points(&by_type.l1_handler),
        entry_points(&by_type.constructor),
        Felt::from(&cairo_lang_starknet_classes::keccak::starknet_keccak(
            abi_json.as_bytes(),
        )),
        Poseidon::hash_array(&program),
    ]))
}

/// `value` as Python's `json.dumps` writes it by default.
fn pythonic_json(value: &impl Serialize) -> Result<String, serde_json::Error> {
    let mut bytes = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, PythonFormatter);
    value.serialize(&mut serializer)?;
    // The formatter writes only ASCII.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// serde_json's compact form with Python's separators and `ensure_ascii`.
struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        separate(writer, first)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        separate(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        for character in fragment.chars() {
            if character.is_ascii() {
                writer.write_all(&[character as u8])?;
            } else {
                let mut units = [0u16; 2];
                for unit in character.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

/// Python's item separator, before every item but the first.
fn separate<W: ?Sized + std::io::Write>(writer: &mut W, first: bool) -> std::io::Result<()> {
    if first {
        Ok(())
    } else {
        writer.write_all(b", ")
    }
}
