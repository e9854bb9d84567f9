//! Running Cairo steps with the GIL released.

use pyo3::Python;

/// Runs `steps` on `runner` with the GIL released, so other Python threads run meanwhile.
///
/// A runner is not `Send` (its Python hints hold Python objects, its hint processor is a
/// trait object), but `detach` runs the closure on the calling thread, and the hints
/// re-attach before touching Python.
pub(crate) fn run_detached<T, R: Send>(
    py: Python<'_>,
    runner: &mut T,
    steps: impl FnOnce(&mut T) -> R + Send,
) -> R {
    struct OnThisThread<T>(T);
    // SAFETY: `detach` runs its closure on this thread; the wrapped runner never leaves it.
    unsafe impl<T> Send for OnThisThread<T> {}
    impl<T> OnThisThread<T> {
        // A method call moves the whole wrapper into the closure (a pattern would capture only
        // the field, which is not `Send`).
        fn into_inner(self) -> T {
            self.0
        }
    }
    let runner = OnThisThread(runner);
    py.detach(move || steps(runner.into_inner()))
}
