#!/usr/bin/env python3
"""Proof-mode runs: `cairn execute` against the reference `cairo-execute` 2.20.0, and `cairn run
--proof-mode` on a plain Cairo 1 function against cairo-vm's `cairo1-run`.

Runs the committed fib executable (tests/fixtures/executables/compiled/fib.executable.json)
on both, in standalone proof mode with the trace and memory files written, and in bootloader
mode with a Cairo PIE written; with --cairo1-run, the committed fib function
(tests/fixtures/prover/compiled/fib.sierra.json, its n terms copied to the output) in proof
mode with the trace and memory files. Checks the files are the same, and prints the median
wall times (steps: the trace's entries, padding included) as JSON, or with --markdown as a
table.

Usage: benches/peers/proving.py CAIRN CAIRO_EXECUTE [--cairo1-run CAIRO1_RUN] [--samples N]
       [--n N] [--markdown]
"""

import argparse
import filecmp
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXECUTABLE = ROOT / "tests" / "fixtures" / "executables" / "compiled" / "fib.executable.json"
FUNCTION = ROOT / "tests" / "fixtures" / "prover" / "compiled" / "fib.sierra.json"


def timed(command: list) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def same_files(scratch: Path, reference: str) -> None:
    for suffix in ("trace", "memory"):
        if not filecmp.cmp(scratch / f"cairn.{suffix}", scratch / f"{reference}.{suffix}",
                           shallow=False):
            sys.exit(f"the {suffix} files of cairn and {reference} differ")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cairn")
    parser.add_argument("cairo_execute")
    parser.add_argument("--cairo1-run", dest="cairo1_run")
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--markdown", action="store_true")
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        modes = {
            "standalone, trace and memory files": lambda tool: [
                "--standalone", "--trace-file", scratch / f"{tool}.trace",
                "--memory-file", scratch / f"{tool}.memory"],
            "bootloader, Cairo PIE": lambda tool: ["--output-path", scratch / f"{tool}.zip"],
        }
        for mode, files in modes.items():
            times = {}
            for tool, binary in [("cairn", options.cairn), ("cairo-execute", options.cairo_execute)]:
                command = [binary, "execute"] if tool == "cairn" else [binary]
                command += ["--prebuilt", EXECUTABLE, "--args", str(options.n), *files(tool)]
                timed(command)  # warm the page cache
                times[tool] = statistics.median(timed(command) for _ in range(options.samples))
            steps = None
            if mode.startswith("standalone"):
                same_files(scratch, "cairo-execute")
                steps = (scratch / "cairn.trace").stat().st_size // 24
            rows.append({"mode": mode, "reference": "cairo-execute", "n": options.n,
                         "steps": steps, "cairn_s": times["cairn"],
                         "reference_s": times["cairo-execute"]})
        if options.cairo1_run:
            files = lambda tool: [scratch / f"{tool}.trace", scratch / f"{tool}.memory"]
            commands = {
                "cairn": [options.cairn, "run", FUNCTION, "--proof-mode", "--layout", "all_cairo",
                          "--args", f"[[{options.n}]]", "--trace-file", files("cairn")[0],
                          "--memory-file", files("cairn")[1]],
                "cairo1-run": [options.cairo1_run, FUNCTION, "--proof_mode", "--layout",
                               "all_cairo", "--args", f"[{options.n}]",
                               "--trace_file", files("cairo1-run")[0],
                               "--memory_file", files("cairo1-run")[1]],
            }
            times = {}
            for tool, command in commands.items():
                timed(command)
                times[tool] = statistics.median(timed(command) for _ in range(options.samples))
            same_files(scratch, "cairo1-run")
            rows.append({"mode": "cairn run --proof-mode (Cairo 1 function), trace and memory files",
                         "reference": "cairo1-run", "n": options.n,
                         "steps": (scratch / "cairn.trace").stat().st_size // 24,
                         "cairn_s": times["cairn"], "reference_s": times["cairo1-run"]})
    if options.markdown:
        print("| run | n | trace steps | Cairn | reference | reference time | reference / Cairn |")
        print("|---|---:|---:|---:|---|---:|---:|")
        for row in rows:
            steps = f"{row['steps']:,}" if row["steps"] else "–"
            print(f"| {row['mode']} | {row['n']:,} | {steps} | {row['cairn_s']:.2f} s | "
                  f"{row['reference']} | {row['reference_s']:.2f} s | "
                  f"{row['reference_s'] / row['cairn_s']:.2f}× |")
    else:
        print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
