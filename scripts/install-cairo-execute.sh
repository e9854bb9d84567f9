#!/usr/bin/env bash
# Installs the reference `cairo-execute` 2.20.0 (the compiler's runner for `#[executable]`
# functions, from crates.io) into Cairn's peer cache, outside the workspace; prints the binary's
# path. Cairn's tests never need it: scripts/regen-executable-fixtures.sh uses it to record the
# reference trace, memory, AIR inputs and Cairo PIEs that the tests compare with. About 8 minutes
# on 2 cores, once.
set -euo pipefail
root="${CAIRN_PEERS:-$HOME/.cache/cairn/peers}/cairo-execute"
binary="$root/bin/cairo-execute"
if [[ ! -x "$binary" ]]; then
    CARGO_TARGET_DIR="$root/target" cargo install cairo-execute --version 2.20.0 --locked \
        --root "$root" --quiet >&2
    rm -rf "$root/target"
fi
echo "$binary"
