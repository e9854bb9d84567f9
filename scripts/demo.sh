#!/usr/bin/env bash
# The main job: set up what is missing, build the `cairn` CLI, and run an example program.
#   scripts/demo.sh                      runs the example programs
#   scripts/demo.sh run PROGRAM.json …   passes its arguments to `cairn` instead
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cairn_setup
cd "$CAIRN_ROOT"
cargo build --release --quiet -p cairn-cli
cairn="$CARGO_TARGET_DIR/release/cairn"
if [ $# -gt 0 ]; then
    exec "$cairn" "$@"
fi
show() {
    echo "\$ cairn $*"
    "$cairn" "$@"
    echo
}
# A Cairo 0 program on the VM, a Cairo 1 (Sierra) program with gas on the VM and natively (JIT,
# then compiled once to a shared library and run from it), and a Cairo 0 program whose hint is
# Python.
show run tests/fixtures/cairo0/compiled/fib.json --layout small --print-output
show run tests/fixtures/cairo1/compiled/fib.sierra.json --available-gas 1000000
show run tests/fixtures/cairo1/compiled/fib.sierra.json --available-gas 1000000 --backend native
library="$CARGO_TARGET_DIR/fib.so"
show compile tests/fixtures/cairo1/compiled/fib.sierra.json --native -o "$library"
show run "$library" --available-gas 1000000
show run tests/fixtures/cairo0/compiled/py_import.json --layout small --print-output --python-hints
