//! The binary trace and memory files and the AIR inputs are byte-for-byte cairo-run's.

use std::collections::BTreeMap;

use cairn_vm_core::{Layout, RunConfig, Runner};

use crate::support::{fixtures_dir, program, recordings};

/// The (address, value) pairs of a binary memory file: 8-byte address, 32-byte value.
fn memory_cells(file: &[u8]) -> BTreeMap<u64, [u8; 32]> {
    file.chunks_exact(40)
        .map(|cell| {
            let address = u64::from_le_bytes(cell[..8].try_into().expect("8 bytes"));
            (address, cell[8..].try_into().expect("32 bytes"))
        })
        .collect()
}

#[test]
fn trace_and_memory_files_match_cairo_run() {
    let mut compared = 0;
    for recording in recordings()
        .into_iter()
        .filter(|r| r.files.get("trace").is_some())
    {
        let name = recording
            .program
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("name")
            .to_owned();
        let config = RunConfig {
            layout: Layout::named(&recording.layout).expect("layout"),
            proof_mode: recording.proof_mode,
            trace: true,
            relocate_memory: true,
            ..RunConfig::default()
        };
        let mut runner = Runner::new(&program(&name), config).expect("runner");
        runner.run_until_end().expect("run");

        let mut trace = Vec::new();
        runner.write_trace(&mut trace).expect("trace");
        let expected =
            std::fs::read(fixtures_dir().join(recording.files["trace"].as_str().expect("path")))
                .expect("recorded trace");
        assert!(
            trace == expected,
            "{}: trace differs from cairo-run's",
            recording.run
        );

        // cairo-run writes memory cells in the order they were first written, cairo-vm in address
        // order; the file is a map from address to value, so compare it as one.
        let mut memory = Vec::new();
        runner.write_memory(&mut memory).expect("memory");
        let expected =
            std::fs::read(fixtures_dir().join(recording.files["memory"].as_str().expect("path")))
                .expect("recorded memory");
        assert_eq!(
            memory.len(),
            expected.len(),
            "{}: memory size",
            recording.run
        );
        assert_eq!(
            memory_cells(&memory),
            memory_cells(&expected),
            "{}: memory",
            recording.run
        );

        if let Some(path) = recording.files.get("air_public_input") {
            let ours: serde_json::Value =
                serde_json::from_str(&runner.air_public_input().expect("public input"))
                    .expect("JSON");
            let theirs: serde_json::Value = serde_json::from_slice(
                &std::fs::read(fixtures_dir().join(path.as_str().expect("path")))
                    .expect("recorded"),
            )
            .expect("JSON");
            assert_eq!(ours, theirs, "{}: AIR public input", recording.run);
        }
        if let Some(path) = recording.files.get("air_private_input") {
            let ours: serde_json::Value =
                serde_json::from_str(&runner.air_private_input("T", "M").expect("private input"))
                    .expect("JSON");
            let mut theirs: serde_json::Value = serde_json::from_slice(
                &std::fs::read(fixtures_dir().join(path.as_str().expect("path")))
                    .expect("recorded"),
            )
            .expect("JSON");
            theirs["trace_path"] = "T".into();
            theirs["memory_path"] = "M".into();
            assert_eq!(ours, theirs, "{}: AIR private input", recording.run);
        }
        compared += 1;
    }
    assert!(compared >= 3, "only {compared} recordings had files");
}
