#!/usr/bin/env bash
# Makes (once) a venv with StarkWare's cairo-lang, the Cairo 0 compiler and reference Python VM.
# Prints the venv's path. Used only to regenerate fixtures and for benchmarks against cairo-run:
# tests never need it.
set -euo pipefail
venv="${CAIRN_CAIRO_LANG_VENV:-$HOME/.cache/cairn/venv-cairo-lang}"
if [ ! -x "$venv/bin/cairo-run" ]; then
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet cairo-lang==0.14.0.1 >&2
fi
# cairo-lang 0.14.0.1 uses a mutable dataclass default that Python 3.11 rejects at import time;
# the one-line fix below is idempotent.
instances=$(find "$venv/lib" -path '*starkware/cairo/lang/instances.py' | head -n 1)
sed -i 's/field(default=CpuInstanceDef())/field(default_factory=CpuInstanceDef)/' "$instances"
echo "$venv"
