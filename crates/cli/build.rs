//! With Python hints, `cairn` embeds CPython: point the binary at libpython's folder, so it
//! runs without LD_LIBRARY_PATH when Python lives outside the system's library path (pyenv).
fn main() {
    #[cfg(feature = "python")]
    pyo3_build_config::add_libpython_rpath_link_args();
}
