# Sourced by demo.sh and test.sh: installs what Cairn needs and is missing, and sets the
# environment. Idempotent: when everything is present it only checks, in about a second.
#
# What it provides:
#   - a Rust toolchain (checked; rustup is the only supported installer);
#   - Debian packages: a C compiler and pkg-config for -sys crates; LLVM/MLIR 22 for the native
#     backend (melior 0.27 / mlir-sys 220; .cargo/config.toml points the -sys crates at
#     /usr/lib/llvm-22) and the compression and XML libraries its static libraries link;
#   - Python headers, and a venv with maturin and pytest (for the Python bridge), in
#     $CAIRN_CACHE/venv;
#   - CARGO_TARGET_DIR in $CAIRN_CACHE/target, outside the clone, so clean clones reuse builds;
#   - CAIRO_CORELIB_DIR, when the development corelib is beside the project (../shared/...).

CAIRN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CAIRN_CACHE="${CAIRN_CACHE:-$HOME/.cache/cairn}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CAIRN_CACHE/target}"

APT_PACKAGES=(build-essential pkg-config python3-venv python3-dev
    llvm-22-dev libmlir-22-dev mlir-22-tools libclang-22-dev clang-22 libpolly-22-dev
    libzstd-dev zlib1g-dev libxml2-dev libz3-dev)
PYTHON_PACKAGES=(maturin==1.16.0 pytest==9.2.0)

say() { printf '[setup] %s\n' "$*" >&2; }

ensure_rust() {
    if ! command -v cargo >/dev/null 2>&1; then
        [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
    fi
    if ! command -v cargo >/dev/null 2>&1; then
        say "no Rust toolchain found: install one with rustup (https://rustup.rs), then re-run"
        return 1
    fi
}

ensure_apt_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        say "missing packages ${missing[*]}, and no apt-get to install them"
        return 1
    fi
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    say "installing ${missing[*]}"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}

ensure_python_venv() {
    local venv="$CAIRN_CACHE/venv"
    local stamp="$venv/.cairn-packages"
    if [ ! -x "$venv/bin/python" ]; then
        say "creating the Python venv in $venv"
        python3 -m venv "$venv" >&2
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" != "${PYTHON_PACKAGES[*]}" ]; then
        say "installing ${PYTHON_PACKAGES[*]} into $venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check "${PYTHON_PACKAGES[@]}" >&2
        echo "${PYTHON_PACKAGES[*]}" > "$stamp"
    fi
    export CAIRN_VENV="$venv"
}

ensure_corelib_variable() {
    local corelib="$CAIRN_ROOT/../shared/cairo-corelib-2.20.0/corelib"
    if [ -z "${CAIRO_CORELIB_DIR:-}" ] && [ -d "$corelib" ]; then
        CAIRO_CORELIB_DIR="$(cd "$corelib" && pwd)"
        export CAIRO_CORELIB_DIR
    fi
}

# Test binaries bake in their crate's path (env!("CARGO_MANIFEST_DIR")) to find fixtures, and
# cargo keys artifacts by path relative to the workspace, so a target folder shared by two clones
# can hand one clone binaries that read the other's files (or a deleted folder). When the clone
# using the target folder changes, Cairn's own crates are rebuilt; dependencies are kept.
ensure_target_matches_clone() {
    local stamp="$CARGO_TARGET_DIR/.cairn-clone"
    [ "$(cat "$stamp" 2>/dev/null)" = "$CAIRN_ROOT" ] && return 0
    if [ -d "$CARGO_TARGET_DIR/debug" ] || [ -d "$CARGO_TARGET_DIR/release" ]; then
        say "the target folder was last used by $(cat "$stamp" 2>/dev/null || echo "an unknown clone"): rebuilding Cairn's crates"
        # Every workspace member, read from cargo (a hand-written list missed new crates).
        local members
        members=$(cd "$CAIRN_ROOT" && cargo metadata --no-deps --format-version 1 \
            | python3 -c 'import json, sys; print(" ".join("-p " + p["name"] for p in json.load(sys.stdin)["packages"]))')
        # shellcheck disable=SC2086 # one word per flag
        (cd "$CAIRN_ROOT" && cargo clean --quiet $members) >&2
    fi
    mkdir -p "$CARGO_TARGET_DIR"
    echo "$CAIRN_ROOT" > "$stamp"
}

cairn_setup() {
    ensure_rust
    ensure_apt_packages "${APT_PACKAGES[@]}"
    ensure_python_venv
    ensure_corelib_variable
    ensure_target_matches_clone
}
