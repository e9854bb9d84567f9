#!/usr/bin/env bash
# Recompiles the contracts of tests/fixtures/starknet/src/*.cairo to Sierra contract classes in
# tests/fixtures/starknet/compiled/ (CRATE_MODULE.contract_class.json, as Scarb names them),
# using Cairn's own compiler (`cairn compile --contracts`). Needs a corelib: --corelib DIR,
# $CAIRO_CORELIB_DIR, or the development corelib beside the project.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
ensure_corelib_variable
cd "$CAIRN_ROOT"
cargo build --quiet -p cairn-cli
cairn="$CARGO_TARGET_DIR/debug/cairn"
fixtures=tests/fixtures/starknet
mkdir -p "$fixtures/compiled"
for source in "$fixtures"/src/*.cairo; do
    "$cairn" compile --contracts "$source" -o "$fixtures/compiled" "$@"
done
