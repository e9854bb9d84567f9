#!/usr/bin/env bash
# Builds the Python module's release wheel (abi3, stripped) and installs it into a fresh venv
# for each CPython it finds (python3.9 … python3.13 on PATH, or under pyenv; or only the
# versions given as arguments), then runs the bridge's tests against each: what a user gets from
# `pip install`, and checks with `mypy --strict` a script typed against the wheel's stubs
# (tests/typed_usage.py). Prints the wheel's size and each version's result. scripts/test.sh runs it for
# the oldest and newest versions the stable ABI covers here (3.9 and 3.13).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cairn_setup
cd "$CAIRN_ROOT/crates/hint-bridge-py"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$CAIRN_VENV/bin/maturin" build --quiet --out "$out/wheels" >&2
wheel="$(ls "$out"/wheels/*.whl)"
echo "wheel: $(basename "$wheel") ($(du -h "$wheel" | cut -f1))"
status=0
# check LABEL LOG COMMAND…: runs COMMAND in $out, its output to LOG; prints LABEL and the last
# line of LOG, or FAILED and the end of LOG (and the script will fail).
check() {
    local label="$1" log="$2"
    shift 2
    if (cd "$out" && "$@" > "$log" 2>&1); then
        echo "$label: $(tail -n 1 "$log")"
    else
        echo "$label: FAILED"
        tail -n 20 "$log"
        status=1
    fi
}
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(3.9 3.10 3.11 3.12 3.13)
found=0
for version in "${versions[@]}"; do
    python=""
    # pyenv's installs first (its shims on PATH fail for versions not selected), then PATH.
    for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/python \
        "$(command -v "python$version" || true)"; do
        if [ -n "$candidate" ] && "$candidate" --version > /dev/null 2>&1; then
            python="$candidate"
            break
        fi
    done
    if [ -z "$python" ]; then
        echo "python$version: not found, skipped"
        continue
    fi
    found=$((found + 1))
    venv="$out/venv-$version"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet "$wheel" pytest mypy >&2
    # Run the tests against the installed wheel, not the source tree's package (from $out),
    # then type-check a script with the stubs and py.typed shipped in the wheel, as a user's
    # type checker reads them.
    check "python$version" "$out/pytest-$version.log" \
        "$venv/bin/python" -m pytest -q -p no:cacheprovider "$CAIRN_ROOT/crates/hint-bridge-py/tests"
    check "python$version: mypy --strict" "$out/mypy-$version.log" \
        "$venv/bin/mypy" --strict --cache-dir "$out/mypy-cache-$version" \
        "$CAIRN_ROOT/crates/hint-bridge-py/tests/typed_usage.py"
done
if [ "$found" -eq 0 ]; then
    echo "no CPython of ${versions[*]} found: the wheel was built but not tested"
fi
exit $status
