//! Cairn's Python bridge: Cairo 0 hints written in Python, and the VM as a Python module.
//!
//! - [`PythonHints`] is a `cairn_vm_core::HintExtension`: every hint cairo-vm's Rust processor
//!   does not know runs as Python, in the same interpreter, with the locals cairo-run gives it
//!   (`memory`, `segments`, `ids`, `ap`, `fp`, `pc`, scopes, `PRIME`, `current_step`, the
//!   caller's `hint_locals` and `static_locals`). Rust hints and Python hints keep separate
//!   variables.
//! - The `cairn` Python module (built with maturin from this crate) exposes `Program` (read
//!   once, run by many runners), `CairoRunner`, `ExecutableRunner` (Cairo executables for
//!   provers), `run`, `RelocatableValue`, `HintError` and `VmError`. The GIL is released
//!   while Cairo steps run and re-taken for each Python hint.
//! - [`run_program`] lets a Rust program (the CLI's `--python-hints`) run a program with
//!   Python hints in an embedded interpreter.

mod embed;
mod executable;
mod gil;
mod hints;
mod ids;
mod injection;
mod loading;
mod memory;
mod program;
mod relocatable;
mod rules;
mod runner;
mod segments;
mod shared_scope;
mod state;
mod thread_bound;
mod types;
mod values;
mod vm_objects;

use pyo3::prelude::*;

pub use embed::{run_program, BridgeError, PythonHintOptions};
pub use hints::PythonHints;
pub use relocatable::RelocatableValue;

pyo3::create_exception!(
    cairn,
    VmError,
    pyo3::exceptions::PyException,
    "The VM stopped: a failed assertion, an unknown hint, a step limit, a bad program; `pc` is \
     where it stopped (None before the run started)."
);
pyo3::create_exception!(
    cairn,
    HintError,
    VmError,
    "A Python hint raised (a VmError): the message has the Cairo pc and location and the Python \
     traceback; the hint's own exception is the __cause__, `pc` the hint's pc."
);

/// The `cairn._cairn` extension module, re-exported by the `cairn` package.
#[pymodule]
#[pyo3(name = "_cairn")]
fn cairn_module(module: &Bound<'_, PyModule>) -> PyResult<()> {
    #[cfg(feature = "extension-module")]
    keep_freed_memory_for_reuse();
    let py = module.py();
    module.add_class::<program::PyProgram>()?;
    module.add_class::<runner::PyCairoRunner>()?;
    module.add_class::<executable::PyExecutableRunner>()?;
    module.add_class::<runner::ExecutionResources>()?;
    module.add_class::<RelocatableValue>()?;
    module.add_class::<memory::Memory>()?;
    module.add_class::<segments::Segments>()?;
    module.add_class::<ids::Ids>()?;
    module.add_class::<ids::StructView>()?;
    module.add_class::<ids::StructType>()?;
    module.add_class::<ids::IdsScope>()?;
    module.add_function(wrap_pyfunction!(runner::run, module)?)?;
    module.add("HintError", py.get_type::<HintError>())?;
    module.add("VmError", py.get_type::<VmError>())?;
    // Where the VM stopped; errors raised before a run has a pc keep this default.
    py.get_type::<VmError>().setattr("pc", py.None())?;
    Ok(())
}

/// The extension module's Rust allocations (cairo-vm's memory segments above all) come from
/// mimalloc, not the C library's malloc that Python's process has. A run's segments grow by
/// doubling to megabytes; glibc copies them as they grow, hands the freed blocks back to the
/// system when the run ends and takes fresh zeroed pages for the next run, which took a
/// quarter of a long run's time in the kernel. mimalloc keeps them for reuse. Python's own
/// objects keep Python's allocator; only memory Rust allocates and frees goes through here.
#[cfg(feature = "extension-module")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long mimalloc keeps memory freed by a run before handing it back to the system, in
/// milliseconds (mimalloc's default is 10).
#[cfg(feature = "extension-module")]
const FREED_MEMORY_KEPT_MS: std::ffi::c_long = 10_000;

/// Makes mimalloc keep freed memory for [`FREED_MEMORY_KEPT_MS`] instead of 10 ms, unless the
/// user chose a delay (`MIMALLOC_PURGE_DELAY`); and mimalloc is built without transparent huge
/// pages (the `no_thp` feature in Cargo.toml). Runners made one after another, or on threads
/// that end (a thread's freed pages are purged with its heap), otherwise fault in fresh zeroed
/// pages for every run, and with huge pages each fault zeroes 2 MiB. Measured on two cores,
/// seven rounds of one, two and four runners of py_heavy (n = 200,000) in one process, three
/// or four such processes each: mimalloc's defaults, 1.2 s of system time per process and four
/// runners at 1.46–1.81× one runner's throughput; the longer delay alone, 2,300 page faults
/// instead of 66,500 but the same system time (each a huge page); both, 0.25–0.4 s of system
/// time and 1.81–1.92×, a run of one runner 63–67 ms (90–96 ms with neither huge pages nor the
/// longer delay). Memory still goes back to the system after ten idle seconds.
#[cfg(feature = "extension-module")]
fn keep_freed_memory_for_reuse() {
    // mimalloc's `mi_option_purge_delay` (the same index in its v2 and v3 option lists).
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: `mi_option_set` only stores the value; it is called while the module is
        // imported, with the GIL held and before the module has started a thread of its own.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, FREED_MEMORY_KEPT_MS) };
    }
}
