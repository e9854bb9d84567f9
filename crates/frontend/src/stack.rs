//! The Cairo compiler recurses over the syntax and types of the program: deeply nested source
//! a user can write (thousands of chained `+`, nested blocks or types) overflows an 8 MiB main
//! thread. Every compilation runs on a thread with a large stack (reserved, committed only as
//! used), as native runs do.

use std::path::Path;

use crate::FrontendError;

/// The compiler thread's stack.
const COMPILER_STACK: usize = 1 << 30;

/// Runs `compile` on a thread with a large stack; a panic in the compiler becomes an error
/// naming `path`.
pub(crate) fn on_compiler_stack<T: Send>(
    path: &Path,
    compile: impl FnOnce() -> Result<T, FrontendError> + Send,
) -> Result<T, FrontendError> {
    let failed = |reason: &str| FrontendError::Compiler {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("cairo-compiler".to_owned())
            .stack_size(COMPILER_STACK)
            .spawn_scoped(scope, compile)
            .map_err(|error| failed(&format!("cannot start the compiler thread: {error}")))?
            .join()
            .map_err(|_| failed("the Cairo compiler crashed on this program"))?
    })
}
