#!/usr/bin/env bash
# Recompiles the bench programs: cairo1/*.cairo to Sierra JSON with Cairn's compiler (needs a
# corelib: $CAIRO_CORELIB_DIR or the development corelib beside the project), contracts/*.cairo to
# contract classes in compiled/contracts/, and cairo0/*.cairo
# with StarkWare's cairo-compile (installed into a venv by scripts/cairo-lang-venv.sh), into
# compiled/. Benches and `cairn bench` read only compiled/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../scripts/setup.sh"
ensure_corelib_variable
cd "$CAIRN_ROOT"
cargo build --quiet -p cairn-cli
cairn="$CARGO_TARGET_DIR/debug/cairn"
venv="$("$CAIRN_ROOT/scripts/cairo-lang-venv.sh")"
mkdir -p "$here/compiled"
for source in "$here"/cairo1/*.cairo; do
    "$cairn" compile "$source" -o "$here/compiled/$(basename "$source" .cairo).sierra.json"
done
mkdir -p "$here/compiled/contracts"
for source in "$here"/contracts/*.cairo; do
    "$cairn" compile --contracts "$source" -o "$here/compiled/contracts"
done
for source in "$here"/cairo0/*.cairo; do
    "$venv/bin/cairo-compile" "$source" --output "$here/compiled/$(basename "$source" .cairo).cairo0.json"
done
