//! A contract call's calldata and result written and read as felts: the same memory as
//! `Value::to_ptr` writes and `Value::from_ptr` reads, heap parts freed alike.

use bumpalo::Bump;
use cairn_values_abi::array::NativeArray;
use cairn_values_abi::cairo_lang_sierra::ProgramParser;
use cairn_values_abi::felt_arrays::{FeltArrayEnum, FeltArrayPath};
use cairn_values_abi::native::free_heap_parts;
use cairn_values_abi::{Felt, Registry, Value};
use cairo_lang_sierra::ids::ConcreteTypeId;
use proptest::prelude::*;

/// The types of a contract entry point's wrapper, and some that are not felt arrays.
const PROGRAM: &str = r#"
type felt252 = felt252;
type u8 = u8;
type Felts = Array<felt252>;
type FeltsSnapshot = Snapshot<Felts>;
type Span = Struct<ut@core::array::Span::<core::felt252>, FeltsSnapshot>;
type SpanTuple = Struct<ut@Tuple, Span>;
type Panic = Struct<ut@core::panics::Panic>;
type PanicData = Struct<ut@Tuple, Panic, Felts>;
type Result = Enum<ut@core::panics::PanicResult::<((core::array::Span::<core::felt252>,),)>, SpanTuple, PanicData>;
type Bytes = Array<u8>;
type Pair = Struct<ut@Pair, u8, Felts>;
type Mixed = Enum<ut@Mixed, SpanTuple, Pair>;

libfunc drop_u8 = drop<u8>;

drop_u8([0]) -> ();
return();

test::f@0([0]: u8) -> ();
"#;

fn registry() -> Registry {
    let program = ProgramParser::new()
        .parse(PROGRAM)
        .expect("test program parses");
    Registry::new(&program).expect("registry")
}

fn ty(name: &str) -> ConcreteTypeId {
    ConcreteTypeId::from_string(name)
}

fn felt_values(felts: &[Felt]) -> Value {
    Value::Array(felts.iter().copied().map(Value::Felt252).collect())
}

fn felts() -> impl Strategy<Value = Vec<Felt>> {
    prop::collection::vec(
        any::<[u8; 32]>().prop_map(|bytes| Felt::from_bytes_le(&bytes)),
        0..12,
    )
}

#[test]
fn only_felt_arrays_in_structs_of_empty_members_have_a_path() {
    let registry = registry();
    for name in ["Felts", "FeltsSnapshot", "Span", "SpanTuple", "PanicData"] {
        assert!(
            FeltArrayPath::of(&registry, &ty(name))
                .expect("shape")
                .is_some(),
            "{name}"
        );
    }
    // An array of other elements, a struct whose other member has bytes of its own.
    for name in ["Bytes", "Pair", "felt252", "Result"] {
        assert!(
            FeltArrayPath::of(&registry, &ty(name))
                .expect("shape")
                .is_none(),
            "{name}"
        );
    }
    assert!(FeltArrayEnum::of(&registry, &ty("Result"))
        .expect("shape")
        .is_some());
    assert!(FeltArrayEnum::of(&registry, &ty("Mixed"))
        .expect("shape")
        .is_none());
    assert!(FeltArrayEnum::of(&registry, &ty("SpanTuple"))
        .expect("shape")
        .is_none());
}

proptest! {
    #[test]
    fn calldata_written_as_felts_reads_back_as_the_span_value(felts in felts()) {
        let registry = registry();
        let span = ty("SpanTuple");
        let path = FeltArrayPath::of(&registry, &span).expect("shape").expect("a path");
        let arena = Bump::new();
        let ptr = path.write(&arena, &felts).expect("write");
        // SAFETY: `ptr` holds a `SpanTuple` just written, its heap parts alive.
        let back = unsafe { Value::from_ptr(ptr, &registry, &span) }.expect("from_ptr");
        // SAFETY: written above; not used afterwards.
        unsafe { free_heap_parts(ptr, &registry, &span) }.expect("free");
        prop_assert_eq!(back, Value::Struct(vec![Value::Struct(vec![felt_values(&felts)])]));
    }

    #[test]
    fn a_panic_result_read_as_felts_is_its_variant_and_array(
        felts in felts(),
        reverted in any::<bool>(),
    ) {
        let registry = registry();
        let result = ty("Result");
        let reader = FeltArrayEnum::of(&registry, &result).expect("shape").expect("a reader");
        let value = if reverted {
            Value::variant(1, Value::Struct(vec![Value::Struct(vec![]), felt_values(&felts)]))
        } else {
            Value::variant(0, Value::Struct(vec![Value::Struct(vec![felt_values(&felts)])]))
        };
        let arena = Bump::new();
        let ptr = value.to_ptr(&arena, &registry, &result).expect("to_ptr");
        // SAFETY: `ptr` holds a `Result` just written, whose heap parts are ours; `take`
        // frees them.
        let taken = unsafe { reader.take(ptr.as_ptr()) };
        prop_assert_eq!(taken, Some((usize::from(reverted), felts)));
    }
}

#[test]
fn taking_a_shared_array_gives_up_one_reference_and_keeps_the_buffer() {
    let registry = registry();
    let felts_type = ty("Felts");
    let path = FeltArrayPath::of(&registry, &felts_type)
        .expect("shape")
        .expect("a path");
    let felts = [Felt::ONE, Felt::TWO, Felt::THREE];
    let arena = Bump::new();
    let ptr = path.write(&arena, &felts).expect("write");
    // SAFETY: `ptr` holds the array view just written; a second reference stands for a
    // snapshot held elsewhere.
    let array = unsafe { ptr.as_ptr().cast::<NativeArray>().read_unaligned() };
    unsafe { (*array.header()).refcount += 1 };
    // SAFETY: the view's own reference is given up by `take`.
    let taken = unsafe { path.take(ptr.as_ptr()) };
    assert_eq!(taken, felts);
    // SAFETY: the buffer is still held by the other reference.
    assert_eq!(unsafe { (*array.header()).refcount }, 1);
    // SAFETY: the other reference, released: the buffer is freed (valgrind sees no leak).
    unsafe { free_heap_parts(ptr, &registry, &felts_type) }.expect("free");
}

#[test]
fn an_unknown_tag_reads_nothing() {
    let registry = registry();
    let result = ty("Result");
    let reader = FeltArrayEnum::of(&registry, &result)
        .expect("shape")
        .expect("a reader");
    // A tag of 2 in a two-variant enum, and an empty payload (nothing to free).
    let value = [2u8; 64];
    // SAFETY: 64 readable bytes; the tag names no variant, so nothing else is read.
    assert_eq!(unsafe { reader.take(value.as_ptr()) }, None);
}
