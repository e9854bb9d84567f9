#!/usr/bin/env bash
# Records cairo-run's (cairo-lang 0.14.0.1) Cairo PIEs of a few committed Cairo 0 fixtures, to
# tests/fixtures/cairo0/recorded/NAME.pie.zip, which the CLI's tests compare `cairn run
# --cairo-pie-output` with, entry by entry. Needs the cairo-lang venv (scripts/cairo-lang-venv.sh
# makes it); tests never do.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$("$root/scripts/cairo-lang-venv.sh")"
cd "$root/tests/fixtures/cairo0"
# name:layout, as the test runs them.
for run in pedersen:small output:small hints_in_loop:starknet; do
    name=${run%%:*}
    layout=${run##*:}
    "$venv/bin/cairo-run" --program "compiled/$name.json" --layout "$layout" \
        --cairo_pie_output "recorded/$name.pie.zip" > /dev/null
    echo "recorded/$name.pie.zip"
done
