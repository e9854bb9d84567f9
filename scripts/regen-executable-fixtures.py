#!/usr/bin/env python3
"""Records what the reference `cairo-execute` 2.20.0 does with Cairn's executable fixtures.

For each source in tests/fixtures/executables (and each `--executable` a case names) it writes
the executable's JSON (`cairo-execute --build-only`) to compiled/; for each case in cases.json
it runs the standalone entry point in proof mode (trace, memory, AIR public and private
inputs) and the bootloader entry point (a Cairo PIE, the outputs), and keeps in
reference/CASE/: the printed outputs or panic (`*.out`), the SHA-256 and size of the trace
and memory files (`files.json`: they are megabytes; of the memory's addresses only for a case
marked `random_memory`, whose EcState starts from a random point), the AIR inputs (JSON; the
private input's file paths replaced by TRACE_FILE and MEMORY_FILE) and the Cairo PIE (zip). For a
case marked `large` (over a million steps) the private input and the PIE are megabytes: their
digests go to files.json instead (the private input's of its canonical JSON: sorted keys, no
spaces).

Usage: scripts/regen-executable-fixtures.py [CAIRO_EXECUTE]
(default: the binary scripts/install-cairo-execute.sh installs). Needs a corelib:
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
FIXTURES = ROOT / "tests" / "fixtures" / "executables"


def corelib() -> Path:
    found = os.environ.get("CAIRO_CORELIB_DIR")
    if found:
        return Path(found).resolve()
    beside = ROOT.parent / "shared" / "cairo-corelib-2.20.0" / "corelib"
    if beside.is_dir():
        return beside
    sys.exit("no corelib: set CAIRO_CORELIB_DIR")


def compiled_name(case: dict) -> str:
    stem = Path(case["source"]).stem
    executable = case.get("executable")
    return f"{stem}_{executable.split('::')[-1]}" if executable else stem


def run(command: list, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, capture_output=True, text=True, cwd=FIXTURES)


def outcome(result: subprocess.CompletedProcess) -> str:
    """What a run printed: its output, or the first line of its error (a panic's message) and,
    for other failures, the cause `cairo-execute` gives under `Caused by:`."""
    if result.returncode == 0:
        return result.stdout
    lines = [line.strip() for line in result.stderr.strip().splitlines()]
    text = "error: " + (lines[0].removeprefix("Error: ") if lines else "") + "\n"
    if "Caused by:" in lines and not text.startswith("error: Panicked"):
        text += "cause: " + lines[lines.index("Caused by:") + 1] + "\n"
    return text


def digest(path: Path) -> dict:
    data = path.read_bytes()
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def addresses_digest(path: Path) -> dict:
    """The digest of a memory file's addresses only (each cell: an 8-byte address, then a
    32-byte value), for runs whose values differ from run to run."""
    data = path.read_bytes()
    addresses = b"".join(data[i:i + 8] for i in range(0, len(data), 40))
    return {"addresses_sha256": hashlib.sha256(addresses).hexdigest(), "bytes": len(data)}


def main() -> None:
    if len(sys.argv) > 1:
        cairo_execute = sys.argv[1]
    else:
        cairo_execute = subprocess.run(
            [ROOT / "scripts" / "install-cairo-execute.sh"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    # cairo-execute finds the corelib from CARGO_MANIFEST_DIR's parent.
    env = dict(os.environ, CARGO_MANIFEST_DIR=str(corelib()))
    cases = json.loads((FIXTURES / "cases.json").read_text())
    compiled = FIXTURES / "compiled"
    reference = FIXTURES / "reference"
    shutil.rmtree(reference, ignore_errors=True)
    compiled.mkdir(exist_ok=True)
    reference.mkdir()
    built = set()
    for case in cases:
        name = compiled_name(case)
        executable_json = compiled / f"{name}.executable.json"
        if name not in built:
            command = [cairo_execute, case["source"], "--build-only", "--output-path",
                       executable_json]
            if case["source"].endswith(".cairo"):
                command.append("--single-file")
            if "executable" in case:
                command += ["--executable", case["executable"]]
            command += case.get("build_flags", [])
            result = run(command, env)
            if result.returncode != 0:
                sys.exit(f"cannot build {case['source']}:\n{result.stderr}")
            built.add(name)
        out = reference / case["name"]
        out.mkdir()
        base = [cairo_execute, "--prebuilt", executable_json, "--args", case["args"],
                "--print-outputs", *case.get("flags", [])]
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            trace, memory = scratch / "trace.bin", scratch / "memory.bin"
            standalone = run(base + [
                "--standalone", "--trace-file", trace, "--memory-file", memory,
                "--air-public-input", out / "air_public_input.json",
                "--air-private-input", out / "air_private_input.json",
            ], env)
            (out / "standalone.out").write_text(outcome(standalone))
            if standalone.returncode == 0:
                # An EcState starts from a random point: such a run's memory values vary.
                memory_digest = (addresses_digest(memory) if case.get("random_memory")
                                 else digest(memory))
                (out / "files.json").write_text(
                    json.dumps({"trace": digest(trace), "memory": memory_digest}, indent=2)
                    + "\n")
                private = out / "air_private_input.json"
                text = private.read_text()
                text = text.replace(str(trace.resolve()), "TRACE_FILE")
                text = text.replace(str(memory.resolve()), "MEMORY_FILE")
                private.write_text(text)
                # cairo-execute writes maps in no fixed order: keep the files stable.
                for written in (private, out / "air_public_input.json"):
                    data = json.loads(written.read_text())
                    written.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
                if case.get("large"):
                    canonical = json.dumps(json.loads(private.read_text()), sort_keys=True,
                                           separators=(",", ":"))
                    files = json.loads((out / "files.json").read_text())
                    files["air_private_input"] = {
                        "canonical_sha256": hashlib.sha256(canonical.encode()).hexdigest()}
                    (out / "files.json").write_text(json.dumps(files, indent=2) + "\n")
                    private.unlink()
        bootloader = run(base + ["--output-path", out / "cairo_pie.zip"], env)
        (out / "bootloader.out").write_text(outcome(bootloader))
        if case.get("large") and bootloader.returncode == 0:
            files = json.loads((out / "files.json").read_text())
            files["cairo_pie"] = digest(out / "cairo_pie.zip")
            (out / "files.json").write_text(json.dumps(files, indent=2) + "\n")
            (out / "cairo_pie.zip").unlink()
        print(f"{case['name']}: standalone exit {standalone.returncode}, "
              f"bootloader exit {bootloader.returncode}")


if __name__ == "__main__":
    main()
