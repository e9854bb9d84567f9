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
    # Run the tests against the installed wheel, not the source tree's package.
    if (cd "$out" && "$venv/bin/python" -m pytest -q -p no:cacheprovider \
            "$CAIRN_ROOT/crates/hint-bridge-py/tests" > "$out/pytest-$version.log" 2>&1); then
        echo "python$version: $(tail -n 1 "$out/pytest-$version.log")"
    else
        echo "python$version: FAILED"
        tail -n 20 "$out/pytest-$version.log"
        status=1
    fi
    # The stubs and py.typed shipped in the wheel, as a user's type checker reads them.
    if (cd "$out" && "$venv/bin/mypy" --strict --cache-dir "$out/mypy-cache-$version" \
            "$CAIRN_ROOT/crates/hint-bridge-py/tests/typed_usage.py" > "$out/mypy-$version.log" 2>&1); then
        echo "python$version: mypy --strict: $(tail -n 1 "$out/mypy-$version.log")"
    else
        echo "python$version: mypy --strict FAILED"
        tail -n 20 "$out/mypy-$version.log"
        status=1
    fi
done
if [ "$found" -eq 0 ]; then
    echo "no CPython of ${versions[*]} found: the wheel was built but not tested"
fi
exit $status
