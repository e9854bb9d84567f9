#!/usr/bin/env bash
# Runs the bridge's tests with cairo-lang's `starkware` modules importable (from the venv
# scripts/cairo-lang-venv.sh installs, outside the workspace), so that the tests of
# `python_hints="all"` run every Cairo 0 fixture with every hint as cairo-lang's own Python
# and compare with cairo-run's recordings. Needs the module built into Cairn's venv first
# (scripts/test.sh does it).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cairn_setup
venv="$("$CAIRN_ROOT/scripts/cairo-lang-venv.sh")"
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
PYTHONPATH="$site" "$CAIRN_VENV/bin/python" -m pytest -q "$CAIRN_ROOT/crates/hint-bridge-py/tests" \
    -k "every_hint_in_python" "$@"
