#!/usr/bin/env bash
# Benchmarks the Python bridge against cairo-run's Python VM. Builds the module as a wheel is built
# into Cairn's venv and installs cairo-lang into its own venv (both under ~/.cache/cairn).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../scripts/setup.sh"
cairn_setup
(cd "$CAIRN_ROOT/crates/hint-bridge-py" && VIRTUAL_ENV="$CAIRN_VENV" "$CAIRN_VENV/bin/maturin" develop --quiet)
cairo_lang="$("$CAIRN_ROOT/scripts/cairo-lang-venv.sh")"
cargo build --release --quiet -p cairn-cli
"$CAIRN_VENV/bin/python" "$here/bench_bridge.py" "$cairo_lang/bin/python" "$CARGO_TARGET_DIR/release/cairn"
