#!/usr/bin/env bash
# The main job: set up what is missing, build the `cairn` CLI, and run an example program.
#   scripts/demo.sh                      runs the Fibonacci example
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
example=tests/fixtures/cairo0/compiled/fib.json
echo "\$ cairn run $example --layout small --print-output"
"$cairn" run "$example" --layout small --print-output
