#!/usr/bin/env bash
# Recompiles tests/fixtures/cairo1/src/*.cairo to Sierra JSON (with gas accounting) beside them in
# tests/fixtures/cairo1/compiled/, using Cairn's own compiler. Needs a corelib: --corelib DIR,
# $CAIRO_CORELIB_DIR, or the development corelib beside the project.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
ensure_corelib_variable
cd "$CAIRN_ROOT"
cargo build --quiet -p cairn-cli
cairn="$CARGO_TARGET_DIR/debug/cairn"
fixtures=tests/fixtures/cairo1
mkdir -p "$fixtures/compiled"
status=0
for source in "$fixtures"/src/*.cairo; do
    name=$(basename "$source" .cairo)
    if ! "$cairn" compile "$source" -o "$fixtures/compiled/$name.sierra.json" "$@"; then
        echo "failed: $source" >&2
        status=1
    fi
done
exit $status
