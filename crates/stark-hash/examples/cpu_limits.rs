//! The processor's limits that bound the field multiplication, measured: what the assembly in
//! `src/adx.rs` is built from, each instruction timed alone and mixed. Times are given in
//! cycles of a chain of dependent additions (one cycle each on every x86-64 processor since
//! 2006), so no clock frequency needs to be known.
//!
//! `cargo run --release -p cairn-stark-hash --example cpu_limits` (x86-64 with BMI2 and ADX).
//!
//! What it showed on the 2-core AMD EPYC (Zen 4) these figures in the README come from: `mulx`
//! issues one a cycle; `adcx` and `adox` chains run in parallel; but an addition chain next to
//! independent `mulx`es takes 14 cycles for 8 additions (8 alone): the multiplier's micro-ops
//! take the ports the carry chains need, so in a Montgomery multiplication the carry chains,
//! not the multiplier, set the time, and independent multiplications barely overlap. `shld`
//! issues every other cycle, so shifts do not replace multiplications by the prime's limb.

#[cfg(target_arch = "x86_64")]
fn main() {
    if !(std::arch::is_x86_feature_detected!("bmi2") && std::arch::is_x86_feature_detected!("adx"))
    {
        println!("this processor has no BMI2/ADX: nothing to measure");
        return;
    }
    x86::report();
}

#[cfg(not(target_arch = "x86_64"))]
fn main() {
    println!("x86-64 only");
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::asm;
    use std::time::Instant;

    /// Loop iterations per timing.
    const ITERATIONS: u64 = 1_000_000;

    /// The fastest of 50 runs of `run`, in nanoseconds per iteration.
    fn fastest(run: impl Fn()) -> f64 {
        (0..50)
            .map(|_| {
                let start = Instant::now();
                run();
                start.elapsed().as_nanos() as f64 / ITERATIONS as f64
            })
            .fold(f64::MAX, f64::min)
    }

    macro_rules! eight {
        ($line:literal) => {
            concat!(
                $line, "\n", $line, "\n", $line, "\n", $line, "\n", $line, "\n", $line, "\n",
                $line, "\n", $line, "\n"
            )
        };
    }

    /// The fastest time of a loop of `ITERATIONS` over the instructions `$body` (eight or
    /// sixteen), with the operands that follow.
    macro_rules! timed {
        ($body:expr, $($operands:tt)*) => {
            fastest(|| {
                // SAFETY: `report`'s caller checked BMI2 and ADX; the block is register
                // arithmetic on its declared operands and a counted loop, with no memory or
                // stack access.
                unsafe {
                    asm!("2:", $body, "dec {n}", "jnz 2b", n = inout(reg) ITERATIONS => _,
                        $($operands)*, options(nomem, nostack))
                }
            })
        };
    }

    /// Times each case and prints it in cycles.
    #[rustfmt::skip]
    pub(super) fn report() {
        let cycle = timed!(eight!("add {a}, {b}"), a = inout(reg) 0u64 => _, b = in(reg) 3u64) / 8.0;
        let cases: [(&str, f64); 7] = [
            ("16 independent mulx", timed!(eight!("mulx {a}, {c}, {b}\nmulx {e}, {f}, {b}"),
                a = out(reg) _, b = in(reg) 3u64, c = out(reg) _, e = out(reg) _,
                f = out(reg) _, in("rdx") 7u64)),
            ("8 adc, one carry chain", timed!(eight!("adc {a}, {b}"),
                a = inout(reg) 0u64 => _, b = in(reg) 3u64)),
            ("8 adcx + 8 adox, two chains", timed!(eight!("adcx {a}, {b}\nadox {c}, {b}"),
                a = inout(reg) 0u64 => _, b = in(reg) 3u64, c = inout(reg) 0u64 => _)),
            ("2 chains of 8 add, alone", timed!(eight!("add {a}, {b}\nadd {c}, {b}"),
                a = inout(reg) 0u64 => _, b = in(reg) 3u64, c = inout(reg) 0u64 => _)),
            ("2 chains of 8 add + 8 independent mulx",
                timed!(eight!("mulx {g}, {h}, {b}\nadd {a}, {b}\nadd {c}, {b}"),
                a = inout(reg) 0u64 => _, b = in(reg) 3u64, c = inout(reg) 0u64 => _,
                g = out(reg) _, h = out(reg) _, in("rdx") 7u64)),
            ("8 independent shld", timed!(eight!("shld {a}, {b}, 4\nmov {c}, {b}"),
                a = out(reg) _, b = in(reg) 3u64, c = out(reg) _)),
            ("8 imul, one chain", timed!(eight!("imul {a}, {b}"),
                a = inout(reg) 1u64 => _, b = in(reg) 3u64)),
        ];
        println!("cycle (a dependent add): {cycle:.3} ns");
        for (name, time) in cases {
            println!("{name:42} {:6.2} cycles an iteration", time / cycle);
        }
    }
}
