//! Compiled test programs kept between runs: a [`TestSuite`] as JSON (the Sierra program as
//! Sierra JSON, and the tests, contracts and entry costs beside it), and the key a Scarb unit's
//! suite is kept under.

use cairo_lang_sierra::ids::FunctionId;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use starknet_types_core::felt::Felt;

use crate::scarb::CompilationUnit;
use crate::{Expectation, FrontendError, TestCase, TestContract, TestSuite};

/// Bumped whenever the stored form changes, so older files are compiled again.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct StoredSuite {
    format: u32,
    program: Value,
    tests: Vec<StoredTest>,
    contracts: Vec<StoredContract>,
    function_costs: Vec<(FunctionId, i32)>,
    warnings: String,
}

#[derive(Serialize, Deserialize)]
struct StoredTest {
    name: String,
    available_gas: Option<u64>,
    /// `null` for success, `"any"`, or the exact panic data as hex felts.
    panic: Option<Value>,
    ignored: bool,
}

#[derive(Serialize, Deserialize)]
struct StoredContract {
    class_hash: String,
    external: Vec<(String, usize)>,
    l1_handler: Vec<(String, usize)>,
    constructor: Option<usize>,
}

fn hex(felt: &Felt) -> String {
    format!("{felt:#x}")
}

fn felt(text: &str) -> Result<Felt, FrontendError> {
    Felt::from_hex(text)
        .map_err(|_| FrontendError::MalformedSierra(format!("{text:?} is not a hex felt")))
}

fn entry_points(list: &[(Felt, usize)]) -> Vec<(String, usize)> {
    list.iter()
        .map(|(selector, index)| (hex(selector), *index))
        .collect()
}

fn read_entry_points(list: &[(String, usize)]) -> Result<Vec<(Felt, usize)>, FrontendError> {
    list.iter()
        .map(|(selector, index)| Ok((felt(selector)?, *index)))
        .collect()
}

impl TestSuite {
    /// The suite as the JSON [`TestSuite::from_cache_json`] reads back.
    pub fn to_cache_json(&self) -> String {
        let program =
            serde_json::from_str(&crate::sierra_to_json(&self.program)).unwrap_or(Value::Null);
        let tests = self
            .tests
            .iter()
            .map(|test| StoredTest {
                name: test.name.clone(),
                available_gas: test.available_gas,
                panic: match &test.expectation {
                    Expectation::Success => None,
                    Expectation::PanicAny => Some(Value::from("any")),
                    Expectation::Panic(data) => {
                        Some(Value::from(data.iter().map(hex).collect::<Vec<_>>()))
                    }
                },
                ignored: test.ignored,
            })
            .collect();
        let contracts = self
            .contracts
            .iter()
            .map(|contract| StoredContract {
                class_hash: hex(&contract.class_hash),
                external: entry_points(&contract.external),
                l1_handler: entry_points(&contract.l1_handler),
                constructor: contract.constructor,
            })
            .collect();
        let stored = StoredSuite {
            format: FORMAT,
            program,
            tests,
            contracts,
            function_costs: self.function_costs.clone(),
            warnings: self.warnings.clone(),
        };
        // Plain data: serialising cannot fail.
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// Reads a suite [`TestSuite::to_cache_json`] wrote; any other text is an error.
    pub fn from_cache_json(text: &str) -> Result<Self, FrontendError> {
        let malformed =
            |what: &str| FrontendError::MalformedSierra(format!("stored suite: {what}"));
        let stored: StoredSuite =
            serde_json::from_str(text).map_err(|error| malformed(&error.to_string()))?;
        if stored.format != FORMAT {
            return Err(malformed("written by another Cairn"));
        }
        let program = crate::load_sierra_json(stored.program.to_string().as_bytes())?;
        let tests = stored
            .tests
            .into_iter()
            .map(|test| {
                let expectation = match test.panic {
                    None => Expectation::Success,
                    Some(Value::String(any)) if any == "any" => Expectation::PanicAny,
                    Some(Value::Array(data)) => Expectation::Panic(
                        data.iter()
                            .map(|item| felt(item.as_str().unwrap_or_default()))
                            .collect::<Result<_, _>>()?,
                    ),
                    Some(_) => return Err(malformed("a test's expectation")),
                };
                Ok(TestCase {
                    name: test.name,
                    available_gas: test.available_gas,
                    expectation,
                    ignored: test.ignored,
                })
            })
            .collect::<Result<_, FrontendError>>()?;
        let contracts = stored
            .contracts
            .into_iter()
            .map(|contract| {
                Ok(TestContract {
                    class_hash: felt(&contract.class_hash)?,
                    external: read_entry_points(&contract.external)?,
                    l1_handler: read_entry_points(&contract.l1_handler)?,
                    constructor: contract.constructor,
                })
            })
            .collect::<Result<_, FrontendError>>()?;
        Ok(Self {
            program,
            tests,
            contracts,
            function_costs: stored.function_costs,
            warnings: stored.warnings,
        })
    }
}

/// The key a unit's compiled tests are kept under: the unit's fingerprint (settings and
/// sources), `corelib_digest` ([`crate::Corelib::fingerprint`], computed once by the caller for all
/// its units), the compiler's version, whether warnings were allowed, and `build` (what
/// identifies the Cairn that compiled it).
pub fn test_suite_cache_key(
    unit: &CompilationUnit,
    corelib_digest: &str,
    allow_warnings: bool,
    build: &str,
) -> Result<String, FrontendError> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hasher.update(unit.fingerprint()?.as_bytes());
    hasher.update(corelib_digest.as_bytes());
    hasher.update(crate::COMPILER_VERSION.as_bytes());
    hasher.update([u8::from(allow_warnings)]);
    hasher.update(build.as_bytes());
    Ok(hasher
        .finalize()
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect())
}
