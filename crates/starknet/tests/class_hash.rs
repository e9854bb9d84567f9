//! Class hashes as Starknet computes them: every committed class against the hash StarkWare's
//! cairo-lang computes for it (recorded by scripts/starknet_class_hashes.py).

use cairn_starknet::ContractClass;

#[test]
fn committed_classes_hash_as_cairo_lang_hashes_them() {
    let compiled = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/starknet/compiled");
    let recorded: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(compiled.join("class_hashes.json")).expect("recorded hashes"),
    )
    .expect("JSON");
    let recorded = recorded.as_object().expect("an object");
    let mut checked = 0;
    for entry in std::fs::read_dir(&compiled).expect("folder") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default();
        if !name.ends_with(".contract_class.json") {
            continue;
        }
        let class = ContractClass::from_json(&std::fs::read_to_string(&path).expect("class"))
            .expect("loads");
        let expected = recorded[name].as_str().expect("recorded for every class");
        assert_eq!(
            format!("{:#x}", class.class_hash().expect("hash")),
            expected,
            "{name}"
        );
        checked += 1;
    }
    assert_eq!(checked, recorded.len());
}

#[test]
fn a_class_without_an_abi_has_no_hash() {
    let compiled = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/starknet/compiled/basics_Counter.contract_class.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(compiled).expect("class")).expect("JSON");
    json.as_object_mut().expect("object").remove("abi");
    let class = ContractClass::from_json(&json.to_string()).expect("loads");
    let error = class.class_hash().expect_err("no ABI");
    assert!(error.to_string().contains("has no ABI"), "{error}");
}
