#!/usr/bin/env bash
# Recompiles tests/fixtures/cairo0/src/*.cairo with cairo-lang and re-records cairo-run's output;
# with run names as arguments (e.g. `py_ids_casts`), only those, keeping the other recordings.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$("$here/cairo-lang-venv.sh")"
"$venv/bin/python" "$here/regen_cairo0_fixtures.py" "$venv" "$@"
