//! Errors about values and their types.

/// A value that does not fit its type, or a type Cairn cannot hold values of.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ValueError {
    /// The value is not of the expected kind (e.g. an array where a felt252 is expected).
    #[error("{path}: expected {expected}, got {found}")]
    Mismatch {
        /// Where in the argument the problem is, e.g. `arg 0.1[3]`.
        path: String,
        /// What the type wants.
        expected: String,
        /// What was given.
        found: String,
    },
    /// A number outside its type's range (a u8 of 300, a felt252 of P or more).
    #[error("{path}: {value} is out of range for {ty}")]
    OutOfRange {
        /// Where in the argument the problem is.
        path: String,
        /// The offending number, as given.
        value: String,
        /// The type whose range it misses.
        ty: String,
    },
    /// An enum variant index past the enum's last variant.
    #[error("{path}: variant {variant} does not exist, {ty} has {count} variants")]
    NoSuchVariant {
        /// Where in the argument the problem is.
        path: String,
        /// The variant index given.
        variant: usize,
        /// The number of variants.
        count: usize,
        /// The enum type.
        ty: String,
    },
    /// A struct or tuple given with the wrong number of members.
    #[error("{path}: {ty} has {expected} members, got {found}")]
    WrongMemberCount {
        /// Where in the argument the problem is.
        path: String,
        /// The struct type.
        ty: String,
        /// Members the type has.
        expected: usize,
        /// Members given.
        found: usize,
    },
    /// A function called with the wrong number of arguments.
    #[error("expected {expected} arguments, got {found}")]
    WrongArgumentCount {
        /// Parameters the function takes (builtins and gas excluded).
        expected: usize,
        /// Arguments given.
        found: usize,
    },
    /// A type whose values cannot be passed or read here.
    #[error("{path}: values of type {ty} are not supported here")]
    UnsupportedType {
        /// Where in the argument the problem is.
        path: String,
        /// The type.
        ty: String,
    },
    /// The type is not declared in the program.
    #[error("type {0} is not declared in the program")]
    UnknownType(String),
}
