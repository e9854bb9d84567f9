//! Values in native memory: layouts, and writing then reading back gives the same value.

mod common;

use std::alloc::Layout;

use bumpalo::Bump;
use cairn_values_abi::layout::layout_of;
use cairn_values_abi::native::free_heap_parts;
use cairn_values_abi::Value;
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
fn types_without_native_values_are_refused() {
    let arena = Bump::new();
    let dict = Value::Felt252Dict(Vec::new());
    let error = dict
        .to_ptr(&arena, &registry(), &ty("DictU64"))
        .expect_err("needs the runtime");
    assert!(error.to_string().contains("not supported"), "{error}");
}

#[test]
fn a_value_of_the_wrong_type_is_refused() {
    let arena = Bump::new();
    assert!(Value::U64(3)
        .to_ptr(&arena, &registry(), &ty("u8"))
        .is_err());
}

proptest! {
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
