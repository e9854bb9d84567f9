//! The bench programs. Each Cairo 1 program has an entry `run(n: u64) -> felt252`, so one
//! driver runs them all and results compare as one felt.

use starknet_types_core::felt::Felt;

use crate::baseline;

/// One bench program: its Sierra, its sizes and its Rust twin.
#[derive(Debug)]
pub struct BenchProgram {
    /// Short name, also the file name under `benches/programs/`.
    pub name: &'static str,
    /// What the loop exercises.
    pub description: &'static str,
    /// The compiled program (Sierra JSON, with gas accounting).
    pub sierra_json: &'static str,
    /// The size used for real measurements.
    pub size: u64,
    /// A small size for smoke runs (CI, `cargo test`).
    pub quick_size: u64,
    /// The same computation written by hand in Rust.
    pub baseline: fn(u64) -> Felt,
}

impl BenchProgram {
    /// The size for a run: `size`, or `quick_size` in quick mode.
    pub fn size_for(&self, quick: bool) -> u64 {
        if quick {
            self.quick_size
        } else {
            self.size
        }
    }
}

/// The entry every bench program exports.
pub const ENTRY: &str = "run";

macro_rules! sierra {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../benches/programs/compiled/",
            $name,
            ".sierra.json"
        ))
    };
}

/// Every bench program, in report order.
pub const PROGRAMS: &[BenchProgram] = &[
    BenchProgram {
        name: "fib",
        description: "felt252 Fibonacci loop",
        sierra_json: sierra!("fib"),
        size: 1_000_000,
        quick_size: 1_000,
        baseline: baseline::fib,
    },
    BenchProgram {
        name: "factorial",
        description: "felt252 factorial loop (multiplications mod P)",
        sierra_json: sierra!("factorial"),
        size: 300_000,
        quick_size: 300,
        baseline: baseline::factorial,
    },
    BenchProgram {
        name: "int_maths",
        description: "u64/u128 division, remainder, xor-shift loop",
        sierra_json: sierra!("int_maths"),
        size: 300_000,
        quick_size: 300,
        baseline: baseline::int_maths,
    },
    BenchProgram {
        name: "array_sum",
        description: "build an Array<u64>, then sum it through a span",
        sierra_json: sierra!("array_sum"),
        size: 100_000,
        quick_size: 100,
        baseline: baseline::array_sum,
    },
    BenchProgram {
        name: "dict_loop",
        description: "Felt252Dict read-modify-write over 1024 keys, then read back",
        sierra_json: sierra!("dict_loop"),
        size: 100_000,
        quick_size: 2_000,
        baseline: baseline::dict_loop,
    },
    BenchProgram {
        name: "enum_struct",
        description: "structs and enums built, matched and taken apart",
        sierra_json: sierra!("enum_struct"),
        size: 300_000,
        quick_size: 300,
        baseline: baseline::enum_struct,
    },
    BenchProgram {
        name: "deep_recursion",
        description: "non-tail recursion n frames deep",
        sierra_json: sierra!("deep_recursion"),
        size: 100_000,
        quick_size: 100,
        baseline: baseline::deep_recursion,
    },
    BenchProgram {
        name: "pedersen",
        description: "Pedersen hash chain",
        sierra_json: sierra!("pedersen"),
        size: 10_000,
        quick_size: 10,
        baseline: baseline::pedersen,
    },
    BenchProgram {
        name: "poseidon",
        description: "Poseidon (Hades) permutation chain",
        sierra_json: sierra!("poseidon"),
        size: 10_000,
        quick_size: 10,
        baseline: baseline::poseidon,
    },
];

/// The program called `name`, if there is one.
pub fn find(name: &str) -> Option<&'static BenchProgram> {
    PROGRAMS.iter().find(|program| program.name == name)
}
