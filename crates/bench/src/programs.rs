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
    /// An everyday pattern whose cost must grow linearly: measured at n, 2n and 4n, and the
    /// report prints the growth factors.
    pub scaling: bool,
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

    /// Every size to measure: the size for the mode, and for a scaling program also twice and
    /// four times it.
    pub fn sizes_for(&self, quick: bool) -> Vec<u64> {
        let size = self.size_for(quick);
        if self.scaling {
            vec![size, 2 * size, 4 * size]
        } else {
            vec![size]
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
        scaling: false,
        baseline: baseline::fib,
    },
    BenchProgram {
        name: "factorial",
        description: "felt252 factorial loop (multiplications mod P)",
        sierra_json: sierra!("factorial"),
        size: 300_000,
        quick_size: 300,
        scaling: false,
        baseline: baseline::factorial,
    },
    BenchProgram {
        name: "int_maths",
        description: "u64/u128 division, remainder, xor-shift loop",
        sierra_json: sierra!("int_maths"),
        size: 300_000,
        quick_size: 300,
        scaling: false,
        baseline: baseline::int_maths,
    },
    BenchProgram {
        name: "array_sum",
        description: "build an Array<u64>, then sum it through a span",
        sierra_json: sierra!("array_sum"),
        size: 100_000,
        quick_size: 100,
        scaling: false,
        baseline: baseline::array_sum,
    },
    BenchProgram {
        name: "dict_loop",
        description: "Felt252Dict read-modify-write over 1024 keys, then read back",
        sierra_json: sierra!("dict_loop"),
        size: 100_000,
        quick_size: 2_000,
        scaling: false,
        baseline: baseline::dict_loop,
    },
    BenchProgram {
        name: "enum_struct",
        description: "structs and enums built, matched and taken apart",
        sierra_json: sierra!("enum_struct"),
        size: 300_000,
        quick_size: 300,
        scaling: false,
        baseline: baseline::enum_struct,
    },
    BenchProgram {
        name: "deep_recursion",
        description: "non-tail recursion n frames deep",
        sierra_json: sierra!("deep_recursion"),
        size: 100_000,
        quick_size: 100,
        scaling: false,
        baseline: baseline::deep_recursion,
    },
    BenchProgram {
        name: "pedersen",
        description: "Pedersen hash chain",
        sierra_json: sierra!("pedersen"),
        size: 10_000,
        quick_size: 10,
        scaling: false,
        baseline: baseline::pedersen,
    },
    BenchProgram {
        name: "poseidon",
        description: "Poseidon (Hades) permutation chain",
        sierra_json: sierra!("poseidon"),
        size: 10_000,
        quick_size: 10,
        scaling: false,
        baseline: baseline::poseidon,
    },
    BenchProgram {
        name: "array_index",
        description: "index an Array<felt252> in a loop: `at`, `[]`, `get`",
        sierra_json: sierra!("array_index"),
        size: 10_000,
        quick_size: 100,
        scaling: true,
        baseline: baseline::array_index,
    },
    BenchProgram {
        name: "span_read",
        description: "read an array through a span: `at`, `[]`, then `pop_front`",
        sierra_json: sierra!("span_read"),
        size: 10_000,
        quick_size: 100,
        scaling: true,
        baseline: baseline::span_read,
    },
    BenchProgram {
        name: "pass_snapshot",
        description: "pass `@arr` and `arr.span()` to a function every iteration",
        sierra_json: sierra!("pass_snapshot"),
        size: 10_000,
        quick_size: 100,
        scaling: true,
        baseline: baseline::pass_snapshot,
    },
    BenchProgram {
        name: "array_of_structs",
        description: "an array of structs read member by member",
        sierra_json: sierra!("array_of_structs"),
        size: 10_000,
        quick_size: 100,
        scaling: true,
        baseline: baseline::array_of_structs,
    },
    BenchProgram {
        name: "array_of_arrays",
        description: "an array of arrays (rows of 16) read through a snapshot",
        sierra_json: sierra!("array_of_arrays"),
        size: 10_000,
        quick_size: 100,
        scaling: true,
        baseline: baseline::array_of_arrays,
    },
    BenchProgram {
        name: "byte_array",
        description: "a ByteArray built and read byte by byte",
        sierra_json: sierra!("byte_array"),
        size: 10_000,
        quick_size: 100,
        scaling: true,
        baseline: baseline::byte_array,
    },
    BenchProgram {
        name: "dict_of_arrays",
        description: "a Felt252Dict of 64 arrays appended to through entries",
        sierra_json: sierra!("dict_of_arrays"),
        size: 10_000,
        quick_size: 100,
        scaling: true,
        baseline: baseline::dict_of_arrays,
    },
    BenchProgram {
        name: "merge_sort",
        description: "merge sort through spans: slices, `[]` reads, an array built per merge",
        sierra_json: sierra!("merge_sort"),
        size: 10_000,
        quick_size: 300,
        scaling: true,
        baseline: baseline::merge_sort_blocks,
    },
    BenchProgram {
        name: "linear_search",
        description: "linear search for felts in a span (`==` on felts in a loop)",
        sierra_json: sierra!("linear_search"),
        size: 500,
        quick_size: 20,
        scaling: true,
        baseline: baseline::linear_search,
    },
    BenchProgram {
        name: "ec_circuit",
        description: "BN254 point additions through arithmetic circuits (`core::circuit`)",
        sierra_json: sierra!("ec_circuit"),
        size: 20_000,
        quick_size: 100,
        scaling: false,
        baseline: baseline::ec_circuit,
    },
    BenchProgram {
        name: "u256_maths",
        description: "u256 multiply-add-modulo recurrence",
        sierra_json: sierra!("u256_maths"),
        size: 10_000,
        quick_size: 100,
        scaling: true,
        baseline: baseline::u256_maths,
    },
];

/// The program called `name`, if there is one.
pub fn find(name: &str) -> Option<&'static BenchProgram> {
    PROGRAMS.iter().find(|program| program.name == name)
}
