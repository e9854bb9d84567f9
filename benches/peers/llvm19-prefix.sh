#!/usr/bin/env bash
# Makes (once) a private LLVM/MLIR 19 prefix for the cairo-native peer and prints its path.
# Debian's libmlir-19-dev conflicts with the libmlir-22-dev Cairn builds with, so the MLIR 19
# packages are unpacked into a cache folder instead of installed; LLVM 19 itself (llvm-19-dev,
# clang-19, libclang-19-dev) installs beside LLVM 22 without conflict.
set -euo pipefail
source "$(dirname "$0")/../../scripts/setup.sh"
ensure_apt_packages llvm-19-dev libclang-19-dev clang-19
prefix="${CAIRN_CACHE:-$HOME/.cache/cairn}/peers/llvm-19"
if [ ! -f "$prefix/.complete" ]; then
    say "unpacking MLIR 19 into $prefix"
    rm -rf "$prefix" "$prefix.debs"
    mkdir -p "$prefix.debs" "$prefix/bin" "$prefix/lib" "$prefix/include"
    (cd "$prefix.debs" && apt-get download libmlir-19 libmlir-19-dev mlir-19-tools >/dev/null)
    for deb in "$prefix.debs"/*.deb; do dpkg-deb -x "$deb" "$prefix.debs/root"; done
    unpacked="$prefix.debs/root/usr/lib/llvm-19"
    # llvm-config locates its prefix from its own (resolved) path, so it is copied, not linked.
    cp /usr/lib/llvm-19/bin/llvm-config "$prefix/bin/"
    for dir in bin lib include; do
        for entry in "$unpacked/$dir"/* /usr/lib/llvm-19/"$dir"/*; do
            [ -e "$entry" ] || continue
            target="$prefix/$dir/$(basename "$entry")"
            [ -e "$target" ] || [ -L "$target" ] || ln -s "$entry" "$target"
        done
    done
    touch "$prefix/.complete"
fi
echo "$prefix"
