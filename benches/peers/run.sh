#!/usr/bin/env bash
# Regenerates the benchmark report: target/bench-report/report.md and report.png.
#
#   benches/peers/run.sh [--samples N] [--quick]
#
# Runs `cairn bench` (release build) on every bench program and `cairn bench --contracts` on the
# contract workloads, then the same on the peers,
# installed from the package registries into $CAIRN_CACHE/peers (outside the clone):
#   - the public cairo-native crate, through the driver in benches/peers/cairo-native-driver (its
#     own Cargo workspace on LLVM/MLIR 19, see llvm19-prefix.sh);
#   - StarkWare's cairo-lang (PyPI): its Python VM (cairo-run's) on the Cairo 0 bench programs,
#     against Cairn's VM through Cairn's Python module; and the Python bridge bench.
# A peer that fails to install or run is reported as failed in the report, not left out.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../scripts/setup.sh"
cairn_setup
samples=5
quick=()
while [ $# -gt 0 ]; do
    case "$1" in
        --samples) samples="$2"; shift 2 ;;
        --quick) quick=(--quick); shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
out="$CAIRN_ROOT/target/bench-report"
mkdir -p "$out"
peers="$CAIRN_CACHE/peers"
mkdir -p "$peers"
rm -f "$out"/*.json "$out"/*.log

say "building cairn (release)"
(cd "$CAIRN_ROOT" && cargo build --release --quiet -p cairn-cli)
say "cairn bench (samples: $samples)"
"$CARGO_TARGET_DIR/release/cairn" bench --json --samples "$samples" "${quick[@]}" > "$out/cairn.json"
say "cairn bench --contracts"
"$CARGO_TARGET_DIR/release/cairn" bench --contracts --json --samples "$samples" "${quick[@]}" \
    > "$out/contracts.json" 2> "$out/contracts.log" || echo "[]" > "$out/contracts.json"
say "hashes: cairn-stark-hash against starknet-types-core (criterion)"
if (cd "$CAIRN_ROOT" && cargo bench --quiet -p cairn-stark-hash --bench hashes -- "pedersen|hades" \
        --warm-up-time 1 --measurement-time 3) > "$out/hashes.log" 2>&1; then
    # criterion's median estimate (ns) of each hash on each implementation.
    python3 - "$CARGO_TARGET_DIR/criterion" > "$out/hashes.json" <<'PY'
import json, sys
from pathlib import Path
root = Path(sys.argv[1])
rows = []
for group, name in (("pedersen", "pedersen"), ("hades_permutation", "hades_permutation")):
    def median(function):
        estimates = json.loads((root / group / function / "new" / "estimates.json").read_text())
        return estimates["median"]["point_estimate"] * 1e-9
    rows.append({"hash": name, "cairn_s": median("cairn-stark-hash"), "starknet_types_core_s": median("starknet-types-core")})
print(json.dumps(rows))
PY
else
    echo "[]" > "$out/hashes.json"
fi

say "cairo-native: LLVM 19 prefix and driver"
driver_status=ok
if prefix="$("$here/llvm19-prefix.sh" 2> "$out/cairo-native-install.log")" \
    && (cd "$here/cairo-native-driver" \
        && MLIR_SYS_190_PREFIX="$prefix" LLVM_SYS_191_PREFIX="$prefix" TABLEGEN_190_PREFIX="$prefix" \
           LIBCLANG_PATH=/usr/lib/llvm-19/lib CARGO_TARGET_DIR="$peers/target" \
           cargo build --release --quiet >> "$out/cairo-native-install.log" 2>&1); then
    driver="$peers/target/release/cairn-peer-cairo-native"
    python3 - "$out/cairn.json" > "$out/sizes.txt" <<'PY'
import json, sys
for report in json.load(open(sys.argv[1])):
    print(report["program"], report["size"])
PY
    echo "[" > "$out/cairo-native.json"
    first=1
    while read -r program size; do
        say "cairo-native: $program($size)"
        [ $first -eq 1 ] || echo "," >> "$out/cairo-native.json"
        first=0
        if line="$(LD_LIBRARY_PATH="$prefix/lib" "$driver" \
            "$CAIRN_ROOT/benches/programs/compiled/$program.sierra.json" run "$size" \
            --runs "$samples" 2>> "$out/cairo-native-run.log")"; then
            echo "{\"program\": \"$program\", \"size\": $size, \"measured\": $line}" >> "$out/cairo-native.json"
        else
            error="$(tail -n 1 "$out/cairo-native-run.log" | sed 's/\\/\\\\/g; s/"/\\"/g')"
            echo "{\"program\": \"$program\", \"size\": $size, \"error\": \"$error\"}" >> "$out/cairo-native.json"
        fi
    done < "$out/sizes.txt"
    echo "]" >> "$out/cairo-native.json"
    # The contract workloads, with as many operations per sample as Cairn's.
    python3 - "$out/contracts.json" > "$out/workloads.txt" <<'PY'
import json, sys
erc20 = "tests/fixtures/starknet/compiled/erc20_ERC20.contract_class.json"
classes = {"erc20_transfer": erc20, "erc20_many_holders": erc20}
default = "benches/programs/compiled/contracts/workloads_Workloads.contract_class.json"
for report in json.load(open(sys.argv[1])):
    print(report["workload"], classes.get(report["workload"], default), report["operations"])
PY
    echo "[" > "$out/cairo-native-contracts.json"
    first=1
    while read -r workload class operations; do
        say "cairo-native: contract $workload"
        [ $first -eq 1 ] || echo "," >> "$out/cairo-native-contracts.json"
        first=0
        if line="$(LD_LIBRARY_PATH="$prefix/lib" "$driver" contract "$workload" "$CAIRN_ROOT/$class" \
            --ops "$operations" --runs "$samples" 2>> "$out/cairo-native-run.log")"; then
            echo "$line" >> "$out/cairo-native-contracts.json"
        else
            error="$(tail -n 1 "$out/cairo-native-run.log" | sed 's/\\/\\\\/g; s/"/\\"/g')"
            echo "{\"workload\": \"$workload\", \"error\": \"$error\"}" >> "$out/cairo-native-contracts.json"
        fi
    done < "$out/workloads.txt"
    echo "]" >> "$out/cairo-native-contracts.json"
else
    driver_status="failed to install (see cairo-native-install.log)"
    echo "{\"install_error\": \"$driver_status\"}" > "$out/cairo-native.json"
fi

say "cairo-lang: Cairo 0 programs on both VMs, and the Python bridge bench"
(cd "$CAIRN_ROOT/crates/hint-bridge-py" && VIRTUAL_ENV="$CAIRN_VENV" "$CAIRN_VENV/bin/maturin" develop --quiet)
if cairo_lang="$("$CAIRN_ROOT/scripts/cairo-lang-venv.sh" 2> "$out/cairo-lang-install.log")"; then
    "$CAIRN_VENV/bin/python" "$here/cairo0_vs_cairo_run.py" "$cairo_lang/bin/python" "$out/cairo0.json" \
        || echo "{\"error\": \"cairo0_vs_cairo_run.py failed\"}" > "$out/cairo0.json"
    "$CAIRN_VENV/bin/python" "$CAIRN_ROOT/benches/python_bridge/bench_bridge.py" "$cairo_lang/bin/python" \
        "$CARGO_TARGET_DIR/release/cairn" > "$out/python-bridge.md" || echo "the Python bridge bench failed" > "$out/python-bridge.md"
else
    echo "{\"install_error\": \"cairo-lang failed to install (see cairo-lang-install.log)\"}" > "$out/cairo0.json"
    echo "cairo-lang failed to install" > "$out/python-bridge.md"
fi

say "proving: cairn execute against cairo-execute 2.20.0, cairn run --proof-mode against cairo1-run"
cairo1_run_flag=()
if cairo1_run="$("$CAIRN_ROOT/scripts/install-cairo1-run.sh" 2> "$out/cairo1-run-install.log")"; then
    cairo1_run_flag=(--cairo1-run "$cairo1_run")
else
    say "cairo1-run failed to install (see cairo1-run-install.log): its row is left out"
fi
if cairo_execute="$("$CAIRN_ROOT/scripts/install-cairo-execute.sh" 2> "$out/cairo-execute-install.log")"; then
    python3 "$here/proving.py" "$CARGO_TARGET_DIR/release/cairn" "$cairo_execute" \
        "${cairo1_run_flag[@]}" --samples "$samples" --markdown > "$out/proving.md" \
        || echo "proving.py failed" > "$out/proving.md"
else
    echo "cairo-execute failed to install (see cairo-execute-install.log)" > "$out/proving.md"
fi

say "report"
"$CAIRN_VENV/bin/pip" install --quiet 'matplotlib==3.10.*' >&2 || say "matplotlib failed to install: no plot"
"$CAIRN_VENV/bin/python" "$here/report.py" "$out"
say "wrote $out/report.md and $out/report.png"
