//! Native code and deep Cairo recursion run on a thread with a large stack (reserved, committed
//! only as used). Native recursion deeper than that stack used to abort the process with Rust's
//! "fatal runtime error: stack overflow"; a thread started here ends the process with a clear
//! one-line error and exit status 1 instead. (The JIT's frames have no unwind tables, so there
//! is no way back into Rust from the overflowing frame: ending the process is the only option,
//! and the CLI, which owns the process, is where that choice belongs.)

use std::cell::Cell;
use std::sync::Once;

use anyhow::Result;

/// The stack of native and deep runs, unless `CAIRN_STACK_MIB` says otherwise.
const DEFAULT_STACK_MIB: usize = 1024;

/// What the process prints when a run overflows its stack. Static: a signal handler cannot
/// allocate.
const OVERFLOW_MESSAGE: &[u8] = b"error: the run overflowed its stack: Cairo recursion too deep \
for native code (raise the stack with CAIRN_STACK_MIB, or run it with --backend vm)\n";

thread_local! {
    /// The lowest address of this thread's usable stack, if it was started by
    /// [`run_on_large_stack`]; a fault just below it is a stack overflow.
    static STACK_LOW: Cell<usize> = const { Cell::new(0) };
}

/// The largest stack `CAIRN_STACK_MIB` may ask for (1 TiB: well inside a 64-bit address
/// space, and reserved address space costs nothing until used).
const MAX_STACK_MIB: usize = 1 << 20;

/// The stack size in mebibytes: `CAIRN_STACK_MIB`, or 1 GiB when it is unset. A value that is
/// not a whole number from 1 to [`MAX_STACK_MIB`] is an error rather than silently the default.
fn stack_mib() -> Result<usize> {
    let Some(text) = std::env::var_os("CAIRN_STACK_MIB") else {
        return Ok(DEFAULT_STACK_MIB);
    };
    let text = text.to_string_lossy();
    match text.trim().parse::<usize>() {
        Ok(mib) if (1..=MAX_STACK_MIB).contains(&mib) => Ok(mib),
        _ => anyhow::bail!(
            "CAIRN_STACK_MIB={text:?} is not a stack size: give a whole number of MiB from 1 to \
             {MAX_STACK_MIB} (the default is {DEFAULT_STACK_MIB})"
        ),
    }
}

/// Runs `body` on a new thread named `name` with a large stack; a stack overflow in it ends the
/// process with a clear error.
pub fn run_on_large_stack<T: Send>(
    name: &str,
    body: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    let mib = stack_mib()?;
    install_overflow_handler();
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name(name.to_owned())
            .stack_size(mib << 20)
            .spawn_scoped(scope, || {
                record_stack_low();
                body()
            })
            .map_err(|error| {
                anyhow::anyhow!("cannot start a thread with a {mib} MiB stack: {error}")
            })?
            .join()
            .map_err(|_| anyhow::anyhow!("{name}: the run crashed"))?
    })
}

/// Runs `main` on this thread while `count` worker threads with large stacks each run `worker`
/// (a stack overflow in one ends the process with a clear error, as on the first thread);
/// returns once every worker has finished.
pub fn with_workers<R>(
    count: usize,
    worker: impl Fn() + Sync,
    main: impl FnOnce() -> R,
) -> Result<R> {
    let mib = stack_mib()?;
    install_overflow_handler();
    std::thread::scope(|scope| {
        let mut handles = Vec::with_capacity(count);
        for index in 0..count {
            let worker = &worker;
            let handle = std::thread::Builder::new()
                .name(format!("cairn-worker-{index}"))
                .stack_size(mib << 20)
                .spawn_scoped(scope, move || {
                    record_stack_low();
                    worker()
                })
                .map_err(|error| {
                    anyhow::anyhow!("cannot start a thread with a {mib} MiB stack: {error}")
                })?;
            handles.push(handle);
        }
        let result = main();
        for handle in handles {
            handle
                .join()
                .map_err(|_| anyhow::anyhow!("a worker thread crashed"))?;
        }
        Ok(result)
    })
}

/// Notes the current thread's lowest stack address for the overflow handler.
fn record_stack_low() {
    // SAFETY: `attributes` is initialised by `pthread_getattr_np` before it is read and
    // destroyed once; the out-pointers are valid locals.
    let low = unsafe {
        let mut attributes: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attributes) != 0 {
            return;
        }
        let mut address: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let found = libc::pthread_attr_getstack(&attributes, &mut address, &mut size);
        libc::pthread_attr_destroy(&mut attributes);
        if found != 0 {
            return;
        }
        address as usize
    };
    STACK_LOW.with(|cell| cell.set(low));
}

/// The handlers in place before ours, restored for any fault that is not an overflow.
static mut PREVIOUS_SEGV: Option<libc::sigaction> = None;
static mut PREVIOUS_BUS: Option<libc::sigaction> = None;

/// Installs [`on_fault`] for SIGSEGV and SIGBUS, once per process.
fn install_overflow_handler() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // SAFETY: `action` is fully initialised before use; the previous actions are written
        // once, here, before any thread this module starts can fault and read them.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_fault as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGSEGV, &action, &mut previous) == 0 {
                PREVIOUS_SEGV = Some(previous);
            }
            let mut previous: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGBUS, &action, &mut previous) == 0 {
                PREVIOUS_BUS = Some(previous);
            }
        }
    });
}

/// A fault within this much below a recorded stack's low end is an overflow: the guard page
/// and a large frame's reach past it.
const OVERFLOW_WINDOW: usize = 1 << 20;
/// How far above the recorded low end a fault still counts (glibc has counted the guard page
/// inside the stack it reports).
const GUARD_REACH: usize = 1 << 16;

/// The SIGSEGV/SIGBUS handler: on a stack overflow of a thread started by
/// [`run_on_large_stack`], prints [`OVERFLOW_MESSAGE`] and exits with status 1; otherwise puts
/// the previous handler back and returns, so the faulting instruction runs again under it.
extern "C" fn on_fault(
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    _context: *mut libc::c_void,
) {
    // SAFETY: the kernel passes a valid `siginfo_t`; `si_addr` is the faulting address. Only
    // async-signal-safe calls follow (a const thread-local read, write, _exit, sigaction).
    unsafe {
        let fault = (*info).si_addr() as usize;
        let low = STACK_LOW.with(Cell::get);
        if low != 0
            && fault < low.saturating_add(GUARD_REACH)
            && fault >= low.saturating_sub(OVERFLOW_WINDOW)
        {
            libc::write(
                libc::STDERR_FILENO,
                OVERFLOW_MESSAGE.as_ptr().cast(),
                OVERFLOW_MESSAGE.len(),
            );
            libc::_exit(1);
        }
        let previous = if signal == libc::SIGBUS {
            (*std::ptr::addr_of!(PREVIOUS_BUS)).as_ref()
        } else {
            (*std::ptr::addr_of!(PREVIOUS_SEGV)).as_ref()
        };
        match previous {
            Some(previous) => {
                libc::sigaction(signal, previous, std::ptr::null_mut());
            }
            None => {
                libc::signal(signal, libc::SIG_DFL);
            }
        }
    }
}
