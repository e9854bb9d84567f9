//! Data computed once per compilation and consulted by the libfunc builders.

pub(crate) mod arrays;
pub(crate) mod builtin_usage;
pub mod gas;
pub(crate) mod values;
