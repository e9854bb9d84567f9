#!/usr/bin/env bash
# Builds the reference `cairo1-run` (cairo-vm 3.2.0's runner for plain Cairo 1 functions, not
# published on crates.io) into Cairn's peer cache, outside the workspace; prints the binary's
# path. Cairn's tests never need it: scripts/regen-prover-fixtures.py uses it to record the
# trace, memory, AIR inputs and Cairo PIEs that the tests compare `cairn run`'s with.
#
# The source is cairo-vm's repository at tag v3.2.0: cloned from GitHub, or taken from a git
# directory given as CAIRO_VM_GIT (a mirror). It is built with Rust 1.89 (its pinned toolchain:
# a dependency of it no longer compiles on newer compilers), which rustup installs if missing,
# with its `mod_builtin` feature (add_mod and mul_mod, which Cairn's cairo-vm has too).
# About 10 minutes on 2 cores, once.
set -euo pipefail
root="${CAIRN_PEERS:-$HOME/.cache/cairn/peers}/cairo1-run"
binary="$root/bin/cairo1-run"
if [[ ! -x "$binary" ]]; then
    source_dir="$(mktemp -d)"
    trap 'rm -rf "$source_dir"' EXIT
    if [[ -n "${CAIRO_VM_GIT:-}" ]]; then
        git -C "$CAIRO_VM_GIT" archive v3.2.0 | tar -x -C "$source_dir"
    else
        git clone --quiet --depth 1 --branch v3.2.0 https://github.com/lambdaclass/cairo-vm \
            "$source_dir" >&2
    fi
    rustup toolchain install 1.89.0 --profile minimal >&2
    # The pinned toolchain file asks for components this build does not need.
    rm -f "$source_dir/rust-toolchain" "$source_dir/rust-toolchain.toml"
    (cd "$source_dir" && CARGO_TARGET_DIR="$root/target" cargo +1.89.0 build --release \
        --locked --quiet -p cairo1-run --features mod_builtin >&2)
    mkdir -p "$root/bin"
    cp "$root/target/release/cairo1-run" "$binary"
    rm -rf "$root/target"
fi
echo "$binary"
