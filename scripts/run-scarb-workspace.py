#!/usr/bin/env python3
"""Runs `cairn test --skip-unavailable` on a Scarb workspace checked out by the developer (such
as keep-starknet-strange/alexandria; this script fetches nothing) on each backend, and prints
per package and test program the tests passed / failed / ignored, what was left out and why,
and every test whose status or gas differs between the backends.

    scripts/run-scarb-workspace.py PATH [--cairn BIN] [--corelib DIR] [--backends vm,native]

Exits 1 when a test fails on the VM or the backends differ.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_cairn():
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    return str(Path(target) / "release" / "cairn")


def run(cairn, path, backend, corelib):
    command = [cairn, "test", str(path), "--skip-unavailable", "--backend", backend, "--json"]
    if corelib:
        command += ["--corelib", corelib]
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        sys.exit(f"cairn test --backend {backend} printed no report:\n{done.stdout}\n{done.stderr}")
    return report, elapsed


def tests_of(report):
    """{test name: (status, gas)} over every unit."""
    found = {}
    for unit in report["units"]:
        for test in unit.get("tests", []):
            runs = test.get("runs", {})
            gas = next(iter(runs.values()), {}).get("gas") if runs else None
            found[test["name"]] = (test["status"], gas)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path")
    parser.add_argument("--cairn", default=default_cairn())
    parser.add_argument("--corelib", default=os.environ.get("CAIRO_CORELIB_DIR"))
    parser.add_argument("--backends", default="vm,native")
    args = parser.parse_args()

    reports = {}
    for backend in args.backends.split(","):
        report, elapsed = run(args.cairn, args.path, backend, args.corelib)
        reports[backend] = report
        print(f"== {backend}: {report['passed']} passed, {report['failed']} failed, "
              f"{report['ignored']} ignored, {report['did_not_compile']} test programs did not "
              f"compile, {elapsed:.1f} s")
        for unit in report["units"]:
            if "compile_error" in unit:
                first = unit["compile_error"].splitlines()[0]
                print(f"   {unit['package']:<28} {unit['kind']:<12} did not compile: {first}")
            else:
                print(f"   {unit['package']:<28} {unit['kind']:<12} {unit['passed']:>4} passed "
                      f"{unit['failed']:>3} failed {unit['ignored']:>3} ignored")
                for test in unit["tests"]:
                    if test["status"] == "failed":
                        print(f"      FAILED {test['name']}: {test['reason']}")
    first = next(iter(reports.values()))
    print("== left out")
    for item in first["left_out"]:
        print(f"   {item['package']} {item['what']}: {item['reason']}")

    bad = first["failed"] > 0 or first["did_not_compile"] > 0
    names = list(reports)
    for other in names[1:]:
        base, theirs = tests_of(reports[names[0]]), tests_of(reports[other])
        differences = [name for name in base if base[name] != theirs.get(name)]
        differences += [name for name in theirs if name not in base]
        print(f"== {names[0]} vs {other}: {len(base)} tests, {len(differences)} differ")
        for name in differences[:50]:
            print(f"   {name}: {base.get(name)} vs {theirs.get(name)}")
        bad |= bool(differences)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
