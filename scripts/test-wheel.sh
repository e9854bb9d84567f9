#!/usr/bin/env bash
# Builds the Python module's release wheel (abi3, stripped) and installs it into a fresh venv
# for each CPython it finds (python3.9 … python3.13 on PATH, or under pyenv), then runs the
# bridge's tests against each: what a user gets from `pip install`. Prints the wheel's size and
# each version's result. Not part of scripts/test.sh (a release build takes minutes).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cairn_setup
cd "$CAIRN_ROOT/crates/hint-bridge-py"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$CAIRN_VENV/bin/maturin" build --release --quiet --out "$out/wheels" >&2
wheel="$(ls "$out"/wheels/*.whl)"
echo "wheel: $(basename "$wheel") ($(du -h "$wheel" | cut -f1))"
status=0
for version in 3.9 3.10 3.11 3.12 3.13; do
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
    venv="$out/venv-$version"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet "$wheel" pytest >&2
    # Run the tests against the installed wheel, not the source tree's package.
    if (cd "$out" && "$venv/bin/python" -m pytest -q -p no:cacheprovider \
            "$CAIRN_ROOT/crates/hint-bridge-py/tests" > "$out/pytest-$version.log" 2>&1); then
        echo "python$version: $(tail -n 1 "$out/pytest-$version.log")"
    else
        echo "python$version: FAILED"
        tail -n 20 "$out/pytest-$version.log"
        status=1
    fi
done
exit $status
