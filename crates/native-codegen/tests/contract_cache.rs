//! Compiled classes kept on disk by `NativeExecutor::with_cache`: written once, loaded by later
//! executors (the same calls give the same records), rewritten when damaged, and whole when two
//! threads compile the same class at once.

use std::path::Path;
use std::rc::Rc;
use std::time::Instant;

use cairn_native_codegen::contract::NativeExecutor;
use cairn_native_codegen::{AotProgram, OptLevel};
use cairn_starknet::{selector, CallRecord, ContractClass, Felt, StarknetState};

fn counter() -> ContractClass {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/starknet/compiled/basics_Counter.contract_class.json");
    ContractClass::from_json(&std::fs::read_to_string(path).expect("fixture")).expect("class")
}

/// Deploys a counter and increments it on `executor`; the records.
fn transactions(executor: NativeExecutor) -> Vec<CallRecord> {
    let mut state = StarknetState::new(Rc::new(executor));
    let hash = state.declare_class(counter()).expect("class hash");
    let (address, deployed) = state
        .deploy(hash, Felt::ONE, &[Felt::from(5)], Felt::ZERO, 100_000_000)
        .expect("deploy");
    let incremented = state
        .call(
            Felt::ZERO,
            address,
            selector("increment"),
            &[Felt::from(3)],
            100_000_000,
        )
        .expect("call");
    vec![deployed, incremented]
}

#[test]
fn a_cached_class_is_written_once_and_loaded_after() {
    let folder = tempfile::tempdir().expect("temp dir");
    let cold = transactions(NativeExecutor::with_cache(OptLevel::O1, folder.path()));
    let library = NativeExecutor::new(OptLevel::O1)
        .cached_library_path(folder.path(), &counter())
        .expect("a class hash");
    let written = std::fs::metadata(&library)
        .expect("library written")
        .modified()
        .ok();

    let started = Instant::now();
    let warm = transactions(NativeExecutor::with_cache(OptLevel::O1, folder.path()));
    println!("warm run (load + 2 calls): {:?}", started.elapsed());
    assert_eq!(warm, cold);
    assert_eq!(
        std::fs::metadata(&library).expect("kept").modified().ok(),
        written,
        "not rewritten"
    );
    // The same as compiling in memory.
    assert_eq!(transactions(NativeExecutor::new(OptLevel::O1)), cold);

    // The library names its class instead of carrying the program: it loads only with the
    // program given back under the class's name.
    let error = AotProgram::load(&library)
        .err()
        .expect("no program of its own");
    assert!(error.to_string().contains("carries no program"), "{error}");
    let class = counter();
    let hash = class.class_hash().expect("hash");
    let error = AotProgram::load_identified(&library, class.sierra().clone(), "class 0x1")
        .err()
        .expect("another class");
    assert!(
        error.to_string().contains("compiled for class 0x"),
        "{error}"
    );
    // Under the right name but with another program, the library is refused too: its code
    // would read the other program's values as its own.
    let erc20_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/starknet/compiled/erc20_ERC20.contract_class.json");
    let erc20 = ContractClass::from_json(&std::fs::read_to_string(erc20_path).expect("fixture"))
        .expect("class");
    let error = AotProgram::load_identified(
        &library,
        erc20.sierra().clone(),
        &format!("class {hash:#066x}"),
    )
    .err()
    .expect("another program under the class's name");
    assert!(
        error.to_string().contains("compiled for class 0x"),
        "{error}"
    );
    let loaded = AotProgram::load_identified(
        &library,
        class.sierra().clone(),
        &format!("class {hash:#066x}"),
    )
    .expect("its own class");
    assert_eq!(loaded.info().program(), class.sierra());
    // Unloaded before the file is damaged below (a mapped library must not shrink).
    drop(loaded);

    // A damaged library is compiled again.
    let bytes = std::fs::read(&library).expect("read");
    std::fs::write(&library, &bytes[..bytes.len() / 2]).expect("truncate");
    assert_eq!(
        transactions(NativeExecutor::with_cache(OptLevel::O1, folder.path())),
        cold
    );
    assert_eq!(
        std::fs::read(&library).expect("rewritten").len(),
        bytes.len()
    );
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(folder.path())
        .expect("folder")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn two_threads_compiling_one_class_leave_one_whole_library() {
    let folder = tempfile::tempdir().expect("temp dir");
    let records: Vec<Vec<CallRecord>> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..2)
            .map(|_| {
                scope
                    .spawn(|| transactions(NativeExecutor::with_cache(OptLevel::O0, folder.path())))
            })
            .collect();
        threads
            .into_iter()
            .map(|thread| thread.join().expect("thread"))
            .collect()
    });
    assert_eq!(records[0], records[1]);
    assert_eq!(
        transactions(NativeExecutor::with_cache(OptLevel::O0, folder.path())),
        records[0]
    );
    let libraries = std::fs::read_dir(folder.path()).expect("folder").count();
    assert_eq!(libraries, 1);
}
