#!/usr/bin/env bash
# Builds the reference `cairo-test` (cairo-lang-test-runner 2.20.0, the compiler's own test
# runner) from scripts/reference/cairo-test-driver into Cairn's peer cache, outside the
# workspace; prints the binary's path. Cairn's tests never need it: run-external-suite.py uses it
# when it is there, to check `cairn test` against it. About 7 minutes on 2 cores, once.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="${CAIRN_PEERS:-$HOME/.cache/cairn/peers}/target"
binary="$target/release/cairo-test"
if [[ ! -x "$binary" || "$here/reference/cairo-test-driver/Cargo.lock" -nt "$binary" ]]; then
    (cd "$here/reference/cairo-test-driver" \
        && CARGO_TARGET_DIR="$target" cargo build --release --quiet --locked) >&2
fi
echo "$binary"
