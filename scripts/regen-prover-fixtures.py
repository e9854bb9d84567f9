#!/usr/bin/env python3
"""Records what the reference `cairo1-run` (cairo-vm 3.2.0) does with Cairn's prover fixtures.

Compiles tests/fixtures/prover/src/*.cairo without gas accounting (as `cairo1-run` compiles
source) to compiled/*.sierra.json with Cairn, then runs each case of cases.json with
`cairo1-run` on that Sierra (layout all_cairo) and keeps in reference/CASE/: what it printed
(`stdout`), and for a proof-mode case (`"mode": "proof"`) the SHA-256 and size of the trace and
memory files (`files.json`) and the AIR public and private inputs (JSON; the private input's
paths replaced by TRACE_FILE and MEMORY_FILE); for a Cairo PIE case (`"pie"`, or `"append"`
with --append_return_values) the trace and memory digests and the Cairo PIE (zip).

Usage: scripts/regen-prover-fixtures.py [CAIRO1_RUN]
(default: the binary scripts/install-cairo1-run.sh builds). Needs a corelib:
$CAIRO_CORELIB_DIR or the development corelib beside the project.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "prover"


def corelib() -> Path:
    found = os.environ.get("CAIRO_CORELIB_DIR")
    if found:
        return Path(found).resolve()
    beside = ROOT.parent / "shared" / "cairo-corelib-2.20.0" / "corelib"
    if beside.is_dir():
        return beside
    sys.exit("no corelib: set CAIRO_CORELIB_DIR")


def cairo1_run_args(args: list) -> str:
    """`cairo1-run --args`: felts by spaces, arrays in brackets."""
    def one(arg):
        if isinstance(arg, list):
            return "[" + " ".join(str(item) for item in arg) + "]"
        return str(arg)
    return " ".join(one(arg) for arg in args)


def digest(path: Path) -> dict:
    data = path.read_bytes()
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def main() -> None:
    if len(sys.argv) > 1:
        cairo1_run = sys.argv[1]
    else:
        cairo1_run = subprocess.run(
            [str(ROOT / "scripts" / "install-cairo1-run.sh")],
            check=True, capture_output=True, text=True).stdout.strip()
    env = dict(os.environ, CAIRO_CORELIB_DIR=str(corelib()))
    subprocess.run(["cargo", "build", "--quiet", "-p", "cairn-cli"], check=True, cwd=ROOT)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    cairn = target / "debug" / "cairn"
    compiled = FIXTURES / "compiled"
    compiled.mkdir(exist_ok=True)
    for source in sorted((FIXTURES / "src").glob("*.cairo")):
        subprocess.run([str(cairn), "compile", "--no-gas", str(source), "-o",
                        str(compiled / f"{source.stem}.sierra.json")], check=True, env=env)

    cases = json.loads((FIXTURES / "cases.json").read_text())
    reference = FIXTURES / "reference"
    shutil.rmtree(reference, ignore_errors=True)
    for case in cases:
        out = reference / case["name"]
        out.mkdir(parents=True)
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            trace, memory = scratch / "trace.bin", scratch / "memory.bin"
            command = [cairo1_run, str(compiled / f"{case['program']}.sierra.json"),
                       "--layout", "all_cairo", "--print_output",
                       "--trace_file", str(trace), "--memory_file", str(memory)]
            if case["args"]:
                command += ["--args", cairo1_run_args(case["args"])]
            mode = case["mode"]
            if mode == "proof":
                command += ["--proof_mode",
                            "--air_public_input", str(scratch / "public.json"),
                            "--air_private_input", str(scratch / "private.json")]
            else:
                command += ["--cairo_pie_output", str(scratch / "pie.zip")]
                if mode == "append":
                    command += ["--append_return_values"]
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0:
                sys.exit(f"{case['name']}: cairo1-run failed: {result.stderr}")
            (out / "stdout").write_text(result.stdout)
            if case.get("outputs_only"):
                print(f"recorded {case['name']} (outputs only)")
                continue
            if result.stdout.startswith("Run panicked with"):
                # cairo1-run writes no files for a run that panicked.
                print(f"recorded {case['name']} (a panic: no files)")
                continue
            files = {"trace": digest(trace), "memory": digest(memory)}
            (out / "files.json").write_text(json.dumps(files, indent=2) + "\n")
            if mode == "proof":
                shutil.copy(scratch / "public.json", out / "air_public_input.json")
                private = json.loads((scratch / "private.json").read_text())
                private["trace_path"] = "TRACE_FILE"
                private["memory_path"] = "MEMORY_FILE"
                (out / "air_private_input.json").write_text(json.dumps(private, indent=2) + "\n")
            else:
                shutil.copy(scratch / "pie.zip", out / "cairo_pie.zip")
        print(f"recorded {case['name']}")


if __name__ == "__main__":
    main()
