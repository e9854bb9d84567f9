//! Independent runners on several threads at once, each with its own program and input.

use cairn_vm_core::{Felt252, Runner};

use crate::extension::ToyHints;
use crate::support::{config, felt, printed_output, program, recorded_output, recording};

fn fib(n: u64) -> Felt252 {
    let (mut a, mut b) = (Felt252::ZERO, Felt252::ONE);
    for _ in 0..n {
        (a, b) = (b, a + b);
    }
    a
}

#[test]
fn eight_runners_on_eight_threads() {
    let handles: Vec<_> = (0..8u64)
        .map(|index| {
            std::thread::spawn(move || {
                if index % 2 == 0 {
                    // Half run fib(n) for their own n through the hint extension...
                    let n = 100 + 37 * index;
                    let mut runner = Runner::with_hint_extension(
                        &program("program_input"),
                        config("small"),
                        Box::new(ToyHints::new(n)),
                    )
                    .expect("runner");
                    while !runner.run_steps(50 + index as usize).expect("run") {}
                    let output: Vec<Felt252> = runner.output().iter().map(felt).collect();
                    assert_eq!(output, [Felt252::from(n), fib(n)], "thread {index}");
                } else {
                    // ...and half run other programs, compared with cairo-run's output.
                    let (name, layout) = [
                        ("uint256", "small"),
                        ("usort", "small"),
                        ("pedersen", "small"),
                        ("poseidon", "recursive_with_poseidon"),
                    ][(index / 2) as usize];
                    let mut runner = Runner::new(&program(name), config(layout)).expect("runner");
                    runner.run_until_end().expect("run");
                    assert_eq!(
                        printed_output(&runner),
                        recorded_output(&recording(name)),
                        "{name}"
                    );
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("no thread panicked");
    }
}
