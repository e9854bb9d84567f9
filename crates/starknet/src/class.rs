//! Sierra contract classes as Scarb and `starknet-compile` write them.

use cairo_lang_sierra::program::{Function, GenericArg, Program};
use cairo_lang_starknet_classes::contract_class::{
    ContractClass as CompiledClass, ContractEntryPoint,
};
use std::sync::Arc;

use starknet_types_core::felt::Felt;

use crate::error::StarknetError;

/// Gives each struct's and enum's user type the name of the concrete type, which a class's debug
/// info keeps while its user types have only ids: runners recognise an entry point's
/// `core::panics::PanicResult` by that name (cairo-lang-runner requires it).
fn name_user_types(program: &mut Program) {
    for declaration in &mut program.type_declarations {
        let generic = declaration.long_id.generic_id.0.as_str();
        if generic != "Struct" && generic != "Enum" {
            continue;
        }
        let Some(name) = declaration.id.debug_name.clone() else {
            continue;
        };
        if let Some(GenericArg::UserType(user_type)) = declaration.long_id.generic_args.first_mut()
        {
            if user_type.debug_name.is_none() {
                user_type.debug_name = Some(name);
            }
        }
    }
}

/// The three kinds of entry points a class has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryPointType {
    /// Called by transactions and by other contracts.
    External,
    /// Called by the sequencer for a message from L1.
    L1Handler,
    /// Called once, when the contract is deployed.
    Constructor,
}

impl EntryPointType {
    /// As the class file spells it.
    pub fn name(self) -> &'static str {
        match self {
            EntryPointType::External => "EXTERNAL",
            EntryPointType::L1Handler => "L1_HANDLER",
            EntryPointType::Constructor => "CONSTRUCTOR",
        }
    }
}

/// An entry point: the selector callers name it by and the Sierra function it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryPoint {
    /// `sn_keccak` of the function's name.
    pub selector: Felt,
    /// The function's index in the class's Sierra program.
    pub function_idx: usize,
}

/// A Sierra contract class, decoded: its Sierra program and its entry points by kind.
///
/// A class comes from a class file ([`ContractClass::from_json`]), or is a contract of a test
/// crate ([`ContractClass::in_test_program`]): its entry points are functions of the one Sierra
/// program that holds the crate's tests and all its contracts, as `cairo-test` runs them.
#[derive(Clone, Debug)]
pub struct ContractClass {
    /// The class file's contents (none for a contract of a test program).
    compiled: Option<CompiledClass>,
    program: Arc<Program>,
    external: Vec<EntryPoint>,
    l1_handler: Vec<EntryPoint>,
    constructor: Vec<EntryPoint>,
    /// The class hash, once computed (Poseidon over the whole program: milliseconds).
    class_hash: std::sync::OnceLock<Felt>,
}

impl ContractClass {
    /// Reads a `*.contract_class.json`.
    pub fn from_json(text: &str) -> Result<Self, StarknetError> {
        let compiled: CompiledClass = serde_json::from_str(text)
            .map_err(|error| StarknetError::InvalidClass(error.to_string()))?;
        Self::new(compiled)
    }

    /// Decodes a class the Cairo compiler's crates produced.
    pub fn new(compiled: CompiledClass) -> Result<Self, StarknetError> {
        let mut program = compiled
            .extract_sierra_program(true)
            .map_err(|error| StarknetError::InvalidSierra(error.to_string()))?
            .program;
        name_user_types(&mut program);
        let count = program.funcs.len();
        let entry_points = |kind: EntryPointType, list: &[ContractEntryPoint]| {
            list.iter()
                .map(|entry| {
                    if entry.function_idx >= count {
                        return Err(StarknetError::NoSuchFunction {
                            kind: kind.name(),
                            selector: entry.selector.clone(),
                            index: entry.function_idx,
                            count,
                        });
                    }
                    Ok(EntryPoint {
                        selector: Felt::from(&entry.selector),
                        function_idx: entry.function_idx,
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let by_type = &compiled.entry_points_by_type;
        let external = entry_points(EntryPointType::External, &by_type.external)?;
        let l1_handler = entry_points(EntryPointType::L1Handler, &by_type.l1_handler)?;
        let constructor = entry_points(EntryPointType::Constructor, &by_type.constructor)?;
        Ok(Self {
            compiled: Some(compiled),
            program: Arc::new(program),
            external,
            l1_handler,
            constructor,
            class_hash: std::sync::OnceLock::new(),
        })
    }

    /// A contract of a test crate, known by the test class hash the compiler gave it: its entry
    /// points are functions of `program`, the crate's test program, shared by every contract
    /// of the crate (so a backend compiles it once). Each entry point's function index must be
    /// one of `program`'s functions.
    pub fn in_test_program(
        class_hash: Felt,
        program: Arc<Program>,
        external: Vec<EntryPoint>,
        l1_handler: Vec<EntryPoint>,
        constructor: Option<EntryPoint>,
    ) -> Result<Self, StarknetError> {
        let count = program.funcs.len();
        let kinds = [
            (EntryPointType::External, external.as_slice()),
            (EntryPointType::L1Handler, l1_handler.as_slice()),
            (EntryPointType::Constructor, constructor.as_slice()),
        ];
        for (kind, entries) in kinds {
            if let Some(entry) = entries.iter().find(|entry| entry.function_idx >= count) {
                return Err(StarknetError::NoSuchFunction {
                    kind: kind.name(),
                    selector: entry.selector.to_biguint(),
                    index: entry.function_idx,
                    count,
                });
            }
        }
        Ok(Self {
            compiled: None,
            program,
            external,
            l1_handler,
            constructor: constructor.into_iter().collect(),
            class_hash: std::sync::OnceLock::from(class_hash),
        })
    }

    /// The class hash Starknet gives this class (see [`crate::class_hash`]), or the test class
    /// hash of a contract of a test program.
    pub fn class_hash(&self) -> Result<Felt, StarknetError> {
        if let Some(hash) = self.class_hash.get() {
            return Ok(*hash);
        }
        let compiled = self.compiled.as_ref().ok_or_else(|| {
            StarknetError::InvalidClass("a class of a test program has no class file".to_owned())
        })?;
        let hash = crate::class_hash(compiled)?;
        Ok(*self.class_hash.get_or_init(|| hash))
    }

    /// The class as its file holds it (none for a contract of a test program).
    pub fn compiled(&self) -> Option<&CompiledClass> {
        self.compiled.as_ref()
    }

    /// The class's Sierra program, shared.
    pub fn shared_sierra(&self) -> &Arc<Program> {
        &self.program
    }

    /// The class's Sierra program (with debug names when the file has them).
    pub fn sierra(&self) -> &Program {
        &self.program
    }

    /// The entry points of one kind.
    pub fn entry_points(&self, kind: EntryPointType) -> &[EntryPoint] {
        match kind {
            EntryPointType::External => &self.external,
            EntryPointType::L1Handler => &self.l1_handler,
            EntryPointType::Constructor => &self.constructor,
        }
    }

    /// The entry point of `kind` with `selector`.
    pub fn entry_point(
        &self,
        kind: EntryPointType,
        selector: Felt,
    ) -> Result<&EntryPoint, StarknetError> {
        self.entry_points(kind)
            .iter()
            .find(|entry| entry.selector == selector)
            .ok_or(StarknetError::NoSuchEntryPoint {
                kind: kind.name(),
                selector,
            })
    }

    /// The class's constructor, if it has one.
    pub fn constructor(&self) -> Option<&EntryPoint> {
        self.constructor.first()
    }

    /// The Sierra function an entry point runs (its index was checked when the class loaded).
    pub fn function(&self, entry: &EntryPoint) -> &Function {
        &self.program.funcs[entry.function_idx]
    }
}
