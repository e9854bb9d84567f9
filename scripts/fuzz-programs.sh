#!/usr/bin/env bash
# The differential program fuzzer on any range of seeds, in release:
#   scripts/fuzz-programs.sh START END      (e.g. scripts/fuzz-programs.sh 0 500)
# Each seed is a random well-typed Cairo program (tests/program_fuzz/generator.rs), compiled once
# with the corelib and run on both backends; a program that differs is kept in
# $TMPDIR/cairn-program-fuzz/ with the calls that differ (`// cairn-call:` lines), which
# scripts/minimise-mismatch.py shrinks into a fixture. CI runs seeds 0..3 in the test suite.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cairn_setup
cd "$CAIRN_ROOT"
start=${1:-0}
end=${2:-100}
CAIRN_FUZZ_SEEDS="$start..$end" cargo test --release --features cairn/native \
    --test program_fuzz -- --nocapture
