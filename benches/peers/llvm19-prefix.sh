#!/usr/bin/env bash
# Makes (once) a private LLVM/MLIR 19 prefix for the cairo-native peer and prints its path.
# Debian's libmlir-19-dev conflicts with the libmlir-22-dev Cairn builds with, so the MLIR 19
# packages are unpacked into a cache folder instead of installed; LLVM 19 itself (llvm-19-dev,
# clang-19, libclang-19-dev) installs beside LLVM 22 without conflict.
set -euo pipefail
source "$(dirname "$0")/../../scripts/setup.sh"
ensure_apt_packages llvm-19-dev libclang-19-dev clang-19 libpolly-19-dev
prefix="${CAIRN_CACHE:-$HOME/.cache/cairn}/peers/llvm-19"
unpacked="$prefix.debs/root/usr/lib/llvm-19"
if [ ! -f "$prefix.debs/.complete" ]; then
    say "unpacking MLIR 19 into $prefix"
    rm -rf "$prefix" "$prefix.debs"
    mkdir -p "$prefix.debs"
    (cd "$prefix.debs" && apt-get download libmlir-19 libmlir-19-dev mlir-19-tools >/dev/null)
    for deb in "$prefix.debs"/*.deb; do dpkg-deb -x "$deb" "$prefix.debs/root"; done
    touch "$prefix.debs/.complete"
fi
mkdir -p "$prefix/bin" "$prefix/lib" "$prefix/include"
# llvm-config locates its prefix from its own (resolved) path, so it is copied, not linked.
[ -x "$prefix/bin/llvm-config" ] || cp /usr/lib/llvm-19/bin/llvm-config "$prefix/bin/"
# Linking is redone every time: packages installed later (Polly) appear in the prefix too.
for dir in bin lib include; do
    for entry in "$unpacked/$dir"/* /usr/lib/llvm-19/"$dir"/*; do
        [ -e "$entry" ] || continue
        target="$prefix/$dir/$(basename "$entry")"
        [ -e "$target" ] || [ -L "$target" ] || ln -s "$entry" "$target"
    done
done
echo "$prefix"
