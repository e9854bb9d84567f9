//! Values in native memory: layouts, and writing then reading back gives the same value.

mod common;

use std::alloc::Layout;

use bumpalo::Bump;
use cairn_values_abi::dict::{entry_stride, NativeDict};
use cairn_values_abi::layout::layout_of;
use cairn_values_abi::native::free_heap_parts;
use cairn_values_abi::{CachedRegistry, DictKey, Felt, TypeShape, Value};
use common::{registry, ty, typed_value};
use proptest::prelude::*;

fn layout(name: &str) -> Layout {
    layout_of(&registry(), &ty(name)).expect("layout")
}

#[test]
fn layouts_follow_the_documented_rules() {
    assert_eq!(
        (layout("felt252").size(), layout("felt252").align()),
        (32, 16)
    );
    assert_eq!(
        (
            layout("u8").size(),
            layout("u64").size(),
            layout("u128").size()
        ),
        (1, 8, 16)
    );
    assert_eq!(layout("u128").align(), 16);
    // BoundedInt<-3, 10>: 14 values, offset from -3 in one byte.
    assert_eq!(layout("Small").size(), 1);
    // Pair { u8, felt252 }: the felt is 16-aligned after the byte.
    assert_eq!((layout("Pair").size(), layout("Pair").align()), (48, 16));
    // Shape { u64 | Pair | () }: a one-byte tag, the payload at 16.
    assert_eq!((layout("Shape").size(), layout("Shape").align()), (64, 16));
    // bool: two unit variants, a one-byte tag.
    assert_eq!(layout("bool").size(), 1);
    assert_eq!((layout("ArrU8").size(), layout("ArrU8").align()), (24, 8));
    assert_eq!(layout("BoxArrU8").size(), 8);
    assert_eq!(layout("NzU64"), layout("u64"));
    assert_eq!(layout("Point").size(), 64);
}

#[test]
fn dictionaries_are_native_dicts_sorted_by_key_when_read() {
    let arena = Bump::new();
    let registry = registry();
    let dict_type = ty("DictU64");
    let entries = |keys: &[u64]| -> Vec<(DictKey, Value)> {
        keys.iter()
            .map(|&key| (DictKey(Felt::from(key)), Value::U64(key * 10)))
            .collect()
    };
    // Written in any order, found by key through the index, read back sorted.
    let value = Value::Felt252Dict(entries(&[300, 7, 1 << 40, 0]));
    let pointer = value
        .to_ptr(&arena, &registry, &dict_type)
        .expect("a dictionary");
    // SAFETY: `pointer` holds a dictionary of u64 written just above; it is freed once.
    unsafe {
        let dict = &mut **pointer.as_ptr().cast::<*mut NativeDict>();
        assert_eq!((dict.len, dict.accesses), (4, 4));
        let stride = entry_stride(Layout::new::<u64>());
        let slot = dict.entry(&Felt::from(7u64).to_bytes_le(), stride);
        assert_eq!(slot.cast::<u64>().read(), 70);
        let fresh = dict.entry(&Felt::from(8u64).to_bytes_le(), stride);
        assert_eq!(fresh.cast::<u64>().read(), 0, "a new key holds the default");
        let read = Value::from_ptr(pointer, &registry, &dict_type).expect("readable");
        let mut expected = entries(&[0, 7, 8, 300, 1 << 40]);
        expected[2].1 = Value::U64(0);
        assert_eq!(read, Value::Felt252Dict(expected));
        free_heap_parts(pointer, &registry, &dict_type).expect("freed");
    }
}

#[test]
fn a_value_of_the_wrong_type_is_refused() {
    let arena = Bump::new();
    assert!(Value::U64(3)
        .to_ptr(&arena, &registry(), &ty("u8"))
        .is_err());
}

const TYPE_NAMES: [&str; 12] = [
    "felt252", "u8", "u256", "Pair", "Shape", "ArrU8", "NullPair", "BoxPair", "DictU64", "Small",
    "ArrArrU8", "Nested",
];

#[test]
fn a_cached_registry_answers_what_the_registry_answers() {
    let plain = registry();
    let cached = CachedRegistry::new(registry());
    let answers = |registry: &cairn_values_abi::Registry| {
        TYPE_NAMES
            .iter()
            .map(|name| {
                let ty = ty(name);
                (
                    layout_of(registry, &ty).expect("layout"),
                    TypeShape::of(registry, &ty).expect("shape"),
                )
            })
            .collect::<Vec<_>>()
    };
    let expected = answers(&plain);
    // Twice inside: the second time from the memo.
    cached.with(|| {
        assert_eq!(answers(cached.registry()), expected);
        assert_eq!(answers(cached.registry()), expected);
        // Another registry's memo takes over inside, and this one's is back after.
        let other = CachedRegistry::new(registry());
        other.with(|| assert_eq!(answers(other.registry()), expected));
        assert_eq!(answers(cached.registry()), expected);
        // A registry without a memo is asked directly.
        assert_eq!(answers(&plain), expected);
    });
    assert_eq!(answers(cached.registry()), expected);

    // Preloaded: the same answers, with no lock taken for them.
    let mut preloaded = CachedRegistry::new(registry());
    let types: Vec<_> = TYPE_NAMES.iter().map(|name| ty(name)).collect();
    preloaded.preload(&types);
    preloaded.with(|| {
        assert_eq!(answers(preloaded.registry()), expected);
        for ty in &types {
            let shared = TypeShape::shared(preloaded.registry(), ty).expect("shape");
            assert_eq!(*shared, TypeShape::of(&plain, ty).expect("shape"));
        }
    });
}

proptest! {
    #[test]
    fn values_round_trip_through_a_cached_registry((value, type_name) in typed_value()) {
        let cached = CachedRegistry::new(registry());
        let ty = ty(type_name);
        let arena = Bump::new();
        let back = cached.with(|| {
            let registry = cached.registry();
            let ptr = value.to_ptr(&arena, registry, &ty).expect("to_ptr");
            // SAFETY: `ptr` holds a value of `ty` just written by `to_ptr`.
            let back = unsafe { Value::from_ptr(ptr, registry, &ty) }.expect("from_ptr");
            // SAFETY: the heap parts were made by `to_ptr` and are not used after this.
            unsafe { free_heap_parts(ptr, registry, &ty) }.expect("free");
            back
        });
        prop_assert_eq!(back, value);
    }

    #[test]
    fn from_ptr_of_to_ptr_is_the_value((value, type_name) in typed_value()) {
        let registry = registry();
        let ty = ty(type_name);
        let arena = Bump::new();
        let ptr = value.to_ptr(&arena, &registry, &ty).expect("to_ptr");
        // SAFETY: `ptr` holds a value of `ty` just written by `to_ptr`, its heap parts alive.
        let back = unsafe { Value::from_ptr(ptr, &registry, &ty) }.expect("from_ptr");
        // SAFETY: the heap parts were made by `to_ptr` and are not used after this.
        unsafe { free_heap_parts(ptr, &registry, &ty) }.expect("free");
        prop_assert_eq!(back, value);
    }
}

#[test]
fn an_enum_tag_is_the_smallest_storage_for_its_largest_variant() {
    use cairn_values_abi::layout::{enum_tag, Storage};
    use num_bigint::BigInt;
    let counts = [
        0,
        1,
        2,
        3,
        255,
        256,
        257,
        65_536,
        65_537,
        1 << 32,
        (1 << 32) + 1,
        usize::MAX,
    ];
    for count in counts {
        let largest = BigInt::from(count.saturating_sub(1));
        assert_eq!(
            enum_tag(count),
            Storage::for_max(&largest),
            "{count} variants"
        );
    }
}
