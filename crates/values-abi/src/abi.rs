//! Arguments packed for a call into native code, for the x86_64 (System V) and aarch64 (AAPCS64)
//! calling conventions.
//!
//! An argument buffer is a list of little-endian 8-byte words: the first
//! [`CallingConvention::REGISTER_WORDS`] go into the integer argument registers, the rest onto
//! the stack in order. Packing is plain code, tested on any host for both conventions; only
//! the trampoline that loads the words and calls belongs to the host (native-codegen).
//!
//! Rules (both conventions): values up to 64 bits take one word, zero- or sign-extended;
//! 128-bit integers take two words and felts four, never split between registers and stack
//! (the registers they do not fit in are skipped) and 16-byte aligned on the stack; on aarch64
//! they also start at an even register. Pointers take one word; values of complex types are
//! passed as a pointer to them ([`ValueWithType`]).

use std::marker::PhantomData;
use std::ptr::NonNull;

use bumpalo::Bump;
use cairo_lang_sierra::ids::ConcreteTypeId;
use starknet_types_core::felt::Felt;

use crate::shape::TypeShape;
use crate::{Registry, Value, ValueError};

/// A calling convention's rules for placing multi-word integers.
pub trait CallingConvention {
    /// Words passed in registers.
    const REGISTER_WORDS: usize;
    /// Whether a 16-byte-aligned value must start at an even register.
    const EVEN_REGISTER_PAIRS: bool;
}

/// System V AMD64: six integer argument registers.
pub struct X86_64;

/// AAPCS64: eight integer argument registers, 128-bit values in even/odd pairs.
pub struct Aarch64;

impl CallingConvention for X86_64 {
    const REGISTER_WORDS: usize = 6;
    const EVEN_REGISTER_PAIRS: bool = false;
}

impl CallingConvention for Aarch64 {
    const REGISTER_WORDS: usize = 8;
    const EVEN_REGISTER_PAIRS: bool = true;
}

/// A value that knows how to append itself to an argument buffer for convention `C`.
pub trait AbiArgument<C: CallingConvention> {
    /// Appends the argument's words (and any padding its placement needs) to `buffer`.
    fn to_bytes(&self, buffer: &mut Vec<u8>);
}

fn words(buffer: &[u8]) -> usize {
    buffer.len() / 8
}

fn pad_word(buffer: &mut Vec<u8>) {
    buffer.extend_from_slice(&0u64.to_le_bytes());
}

/// Places a 16-byte-aligned value of `count` words (2 or 4) by the rules above.
fn push_wide<C: CallingConvention>(buffer: &mut Vec<u8>, value_words: &[u64]) {
    let count = value_words.len();
    let used = words(buffer);
    if used < C::REGISTER_WORDS {
        if C::EVEN_REGISTER_PAIRS && used % 2 == 1 {
            pad_word(buffer);
        }
        if words(buffer) + count > C::REGISTER_WORDS {
            while words(buffer) < C::REGISTER_WORDS {
                pad_word(buffer);
            }
        }
    }
    if words(buffer) >= C::REGISTER_WORDS && (words(buffer) - C::REGISTER_WORDS) % 2 == 1 {
        pad_word(buffer);
    }
    for word in value_words {
        buffer.extend_from_slice(&word.to_le_bytes());
    }
}

macro_rules! one_word {
    ($($ty:ty => $as_word:expr),* $(,)?) => {$(
        impl<C: CallingConvention> AbiArgument<C> for $ty {
            fn to_bytes(&self, buffer: &mut Vec<u8>) {
                let word: u64 = $as_word(*self);
                buffer.extend_from_slice(&word.to_le_bytes());
            }
        }
    )*};
}

one_word! {
    bool => |v: bool| u64::from(v),
    u8 => u64::from,
    u16 => u64::from,
    u32 => u64::from,
    u64 => |v: u64| v,
    usize => |v: usize| v as u64,
    i8 => |v: i8| i64::from(v) as u64,
    i16 => |v: i16| i64::from(v) as u64,
    i32 => |v: i32| i64::from(v) as u64,
    i64 => |v: i64| v as u64,
}

impl<C: CallingConvention> AbiArgument<C> for u128 {
    fn to_bytes(&self, buffer: &mut Vec<u8>) {
        push_wide::<C>(buffer, &[*self as u64, (*self >> 64) as u64]);
    }
}

impl<C: CallingConvention> AbiArgument<C> for i128 {
    fn to_bytes(&self, buffer: &mut Vec<u8>) {
        AbiArgument::<C>::to_bytes(&(*self as u128), buffer)
    }
}

/// A felt as four little-endian words.
fn felt_words(felt: &Felt) -> [u64; 4] {
    let bytes = felt.to_bytes_le();
    let mut words = [0u64; 4];
    for (word, chunk) in words.iter_mut().zip(bytes.chunks_exact(8)) {
        *word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
    }
    words
}

impl<C: CallingConvention> AbiArgument<C> for Felt {
    fn to_bytes(&self, buffer: &mut Vec<u8>) {
        push_wide::<C>(buffer, &felt_words(self));
    }
}

impl<C: CallingConvention, T> AbiArgument<C> for *const T {
    fn to_bytes(&self, buffer: &mut Vec<u8>) {
        buffer.extend_from_slice(&(*self as usize as u64).to_le_bytes());
    }
}

impl<C: CallingConvention, T> AbiArgument<C> for *mut T {
    fn to_bytes(&self, buffer: &mut Vec<u8>) {
        AbiArgument::<C>::to_bytes(&(self.cast_const()), buffer)
    }
}

impl<C: CallingConvention, T> AbiArgument<C> for NonNull<T> {
    fn to_bytes(&self, buffer: &mut Vec<u8>) {
        AbiArgument::<C>::to_bytes(&self.as_ptr().cast_const(), buffer)
    }
}

/// A [`Value`] with its Sierra type, ready to pass: felts and integers by value, everything
/// else as a pointer to it in an arena.
pub struct ValueWithType<C> {
    passed: Passed,
    convention: PhantomData<C>,
}

enum Passed {
    Words(Vec<u64>, bool),
    Pointer(NonNull<u8>),
}

impl<C: CallingConvention> ValueWithType<C> {
    /// Checks `value` against `ty` and prepares it (complex values are written into `arena`,
    /// which must outlive the call).
    pub fn new(
        value: &Value,
        ty: &ConcreteTypeId,
        registry: &Registry,
        arena: &Bump,
    ) -> Result<Self, ValueError> {
        crate::json::check(value, ty, registry, "argument")?;
        let direct = |word: u64| Passed::Words(vec![word], false);
        let passed = match (TypeShape::of(registry, ty)?, value) {
            (_, Value::Felt252(felt) | Value::Bytes31(felt)) => {
                Passed::Words(felt_words(felt).to_vec(), true)
            }
            (_, Value::U8(v)) => direct(u64::from(*v)),
            (_, Value::U16(v)) => direct(u64::from(*v)),
            (_, Value::U32(v)) => direct(u64::from(*v)),
            (_, Value::U64(v)) => direct(*v),
            (_, Value::I8(v)) => direct(i64::from(*v) as u64),
            (_, Value::I16(v)) => direct(i64::from(*v) as u64),
            (_, Value::I32(v)) => direct(i64::from(*v) as u64),
            (_, Value::I64(v)) => direct(*v as u64),
            (_, Value::U128(v)) => Passed::Words(vec![*v as u64, (*v >> 64) as u64], true),
            (_, Value::I128(v)) => Passed::Words(vec![*v as u64, (*v as u128 >> 64) as u64], true),
            _ => Passed::Pointer(value.to_ptr(arena, registry, ty)?),
        };
        Ok(Self {
            passed,
            convention: PhantomData,
        })
    }
}

impl<C: CallingConvention> AbiArgument<C> for ValueWithType<C> {
    fn to_bytes(&self, buffer: &mut Vec<u8>) {
        match &self.passed {
            Passed::Words(words, true) => push_wide::<C>(buffer, words),
            Passed::Words(words, false) => {
                for word in words {
                    buffer.extend_from_slice(&word.to_le_bytes());
                }
            }
            Passed::Pointer(pointer) => AbiArgument::<C>::to_bytes(pointer, buffer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack<C: CallingConvention>(args: &[&dyn AbiArgument<C>]) -> Vec<u64> {
        let mut buffer = Vec::new();
        for arg in args {
            arg.to_bytes(&mut buffer);
        }
        buffer
            .chunks_exact(8)
            .map(|chunk| u64::from_le_bytes(chunk.try_into().expect("8 bytes")))
            .collect()
    }

    const HIGH: u128 = (7 << 64) | 9;

    #[test]
    fn small_values_take_a_word_each_sign_extended() {
        assert_eq!(pack::<X86_64>(&[&1u8, &true, &-1i32]), [1, 1, u64::MAX]);
        assert_eq!(pack::<Aarch64>(&[&1u8, &true, &-1i32]), [1, 1, u64::MAX]);
    }

    #[test]
    fn x86_64_u128_never_splits_between_registers_and_stack() {
        // Four words, then a u128 still fits in registers 5 and 6.
        assert_eq!(
            pack::<X86_64>(&[&1u64, &2u64, &3u64, &4u64, &HIGH]),
            [1, 2, 3, 4, 9, 7]
        );
        // Five words: the last register is skipped, the u128 goes to the stack.
        assert_eq!(
            pack::<X86_64>(&[&1u64, &2u64, &3u64, &4u64, &5u64, &HIGH]),
            [1, 2, 3, 4, 5, 0, 9, 7]
        );
        // On the stack, it is 16-byte aligned.
        assert_eq!(
            pack::<X86_64>(&[&1u64, &2u64, &3u64, &4u64, &5u64, &6u64, &7u64, &HIGH]),
            [1, 2, 3, 4, 5, 6, 7, 0, 9, 7]
        );
        // No even-register rule on x86_64.
        assert_eq!(pack::<X86_64>(&[&1u64, &HIGH]), [1, 9, 7]);
    }

    #[test]
    fn aarch64_u128_takes_an_even_register_pair() {
        assert_eq!(pack::<Aarch64>(&[&1u64, &HIGH]), [1, 0, 9, 7]);
        assert_eq!(pack::<Aarch64>(&[&HIGH, &HIGH]), [9, 7, 9, 7]);
        // Seven words used: x7 is skipped, the u128 goes to the stack.
        let seven: [&dyn AbiArgument<Aarch64>; 8] =
            [&1u64, &2u64, &3u64, &4u64, &5u64, &6u64, &7u64, &HIGH];
        assert_eq!(pack::<Aarch64>(&seven), [1, 2, 3, 4, 5, 6, 7, 0, 9, 7]);
    }

    #[test]
    fn felts_take_four_words_little_endian() {
        let felt = Felt::from(5u8) + Felt::from(2u128 << 64);
        assert_eq!(pack::<X86_64>(&[&felt]), [5, 2, 0, 0]);
        // x86_64: two words used, four left: fits in registers.
        assert_eq!(pack::<X86_64>(&[&1u64, &2u64, &felt]), [1, 2, 5, 2, 0, 0]);
        // Three used, three left: to the stack, skipping them.
        assert_eq!(
            pack::<X86_64>(&[&1u64, &2u64, &3u64, &felt]),
            [1, 2, 3, 0, 0, 0, 5, 2, 0, 0]
        );
        // aarch64: even start, then registers x2..x5.
        assert_eq!(pack::<Aarch64>(&[&1u64, &felt]), [1, 0, 5, 2, 0, 0]);
        let max = Felt::MAX;
        let words = pack::<Aarch64>(&[&max]);
        assert_eq!(words.len(), 4);
        assert_eq!(words[3], 0x0800000000000011);
    }
}
