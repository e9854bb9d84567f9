#!/usr/bin/env bash
# The whole test suite: set up what is missing, check formatting and lints, run every test.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cairn_setup
cd "$CAIRN_ROOT"
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --features cairn/native --quiet -- -D warnings
echo "== cargo test"
# --all-targets also runs each criterion bench once, so benches cannot rot; cairn/native turns
# on the facade's native backend, for the differential tests and the native bench. (Not
# --all-features: the Python bridge's `extension-module` feature must stay off for binaries.)
cargo test --workspace --all-targets --features cairn/native
cargo test --workspace --features cairn/native --doc
# The path of the test binary `cargo test ARGS` builds (the last one it names).
test_executable() {
    cargo test "$@" --no-run --message-format=json 2>/dev/null \
        | python3 -c 'import json, sys; print([m["executable"] for m in map(json.loads, sys.stdin) if m.get("executable")][-1])'
}
if command -v valgrind >/dev/null 2>&1; then
    echo "== values in native memory under valgrind (invalid accesses, leaks)"
    for values_test in "--test native" "--test felt_arrays" "--lib"; do
        # shellcheck disable=SC2086 # two words: the selector and the test's name
        values_tests=$(test_executable -p cairn-values-abi $values_test)
        PROPTEST_CASES=64 valgrind --quiet --leak-check=full --show-possibly-lost=no \
            --errors-for-leak-kinds=definite \
            --error-exitcode=7 "$values_tests" --quiet
    done
    echo "== native code under valgrind: every fixture call JIT-compiled, run and freed"
    # valgrind cannot read the DWARF 5 of Debian's LLVM libraries: run a copy without debug info.
    differential=$(test_executable --features cairn/native --test differential)
    stripped="$CARGO_TARGET_DIR/differential-no-debug"
    objcopy --strip-debug "$differential" "$stripped"
    valgrind --quiet --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite \
        --error-exitcode=7 "$stripped" native_matches_vm_on_every_fixture_call --quiet
    echo "== contracts' typed syscalls under valgrind: storage, events, execution info, natively"
    starknet=$(test_executable --features cairn/native --test starknet)
    objcopy --strip-debug "$starknet" "$CARGO_TARGET_DIR/starknet-no-debug"
    valgrind --quiet --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite \
        --error-exitcode=7 "$CARGO_TARGET_DIR/starknet-no-debug" syscalls:: --quiet
fi
echo "== scripts: pytest"
"$CAIRN_VENV/bin/python" -m pytest -q scripts/tests
echo "== Python bridge: maturin develop (the wheel profile, which the wheel build below reuses), then pytest"
# A module built before the switch to abi3 (`_cairn.cpython-3XX-….so`) would shadow the new
# `_cairn.abi3.so` at import: remove every earlier build first.
rm -f crates/hint-bridge-py/python/cairn/_cairn.*.so
(cd crates/hint-bridge-py && VIRTUAL_ENV="$CAIRN_VENV" "$CAIRN_VENV/bin/maturin" develop --quiet)
"$CAIRN_VENV/bin/python" -m pytest -q crates/hint-bridge-py/tests
echo "== Python wheel: built, installed in fresh venvs, the bridge's tests against it"
scripts/test-wheel.sh 3.9 3.13
