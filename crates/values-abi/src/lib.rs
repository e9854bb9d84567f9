//! Not built yet. This crate will hold the one description of Sierra values that every Cairn
//! backend shares: the `Value` enum, type layouts computed from Sierra types, conversion to and
//! from native memory, and the calling-convention packing for x86_64 and aarch64.
