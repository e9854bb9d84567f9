//! The crate's own tests embed CPython: let them find libpython without LD_LIBRARY_PATH.
fn main() {
    pyo3_build_config::add_libpython_rpath_link_args();
}
