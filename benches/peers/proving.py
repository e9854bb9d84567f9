#!/usr/bin/env python3
"""Proof-mode runs: `cairn execute` against the reference `cairo-execute` 2.20.0.

Runs the committed fib executable (tests/fixtures/executables/compiled/fib.executable.json)
on both, in standalone proof mode with the trace and memory files written, and in bootloader
mode with a Cairo PIE written; checks the files are the same, and prints the median wall
times and steps per second (steps: the trace's entries, padding included) as JSON, or with
--markdown as a table.

Usage: benches/peers/proving.py CAIRN CAIRO_EXECUTE [--samples N] [--n N] [--markdown]
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


def timed(command: list) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cairn")
    parser.add_argument("cairo_execute")
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
            if mode.startswith("standalone"):
                for suffix in ("trace", "memory"):
                    if not filecmp.cmp(scratch / f"cairn.{suffix}",
                                       scratch / f"cairo-execute.{suffix}", shallow=False):
                        sys.exit(f"the {suffix} files differ")
                steps = (scratch / "cairn.trace").stat().st_size // 24
            rows.append({"mode": mode, "n": options.n, "cairn_s": times["cairn"],
                         "cairo_execute_s": times["cairo-execute"]})
        for row in rows:
            row["steps"] = steps if row["mode"].startswith("standalone") else None
    if options.markdown:
        print("| run | n | trace steps | Cairn | cairo-execute | Cairn / cairo-execute |")
        print("|---|---:|---:|---:|---:|---:|")
        for row in rows:
            steps = f"{row['steps']:,}" if row["steps"] else "–"
            print(f"| {row['mode']} | {row['n']:,} | {steps} | {row['cairn_s']:.2f} s | "
                  f"{row['cairo_execute_s']:.2f} s | "
                  f"{row['cairo_execute_s'] / row['cairn_s']:.2f}× |")
    else:
        print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
