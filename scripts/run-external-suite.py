#!/usr/bin/env python3
"""Runs a Cairo test crate (an external suite such as the Cairo repository's
`tests/bug_samples` or `crates/cairo-lang-starknet/cairo_level_tests` at tag v2.20.0, checked out
by the developer: this script fetches nothing) with `cairn test` on each backend, and with the
reference `cairo-test --starknet` when it is installed (scripts/install-cairo-test.sh), then
compares every test's status and gas with the reference's.

    scripts/run-external-suite.py PATH [--cairn BIN] [--reference BIN] [--corelib DIR]

Prints one line per backend (passed / failed / ignored, wall time) and every difference; exits 1
when a test's status or gas differs between a backend and the reference, or between backends.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_LINE = re.compile(r"^test (\S+) \.\.\. (ok|fail|failed to run|ignored)(?: \(gas usage est\.: (\d+)\))?")


def default_cairn():
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    return str(Path(target) / "release" / "cairn")


def default_reference():
    peers = os.environ.get("CAIRN_PEERS", str(Path.home() / ".cache/cairn/peers"))
    binary = Path(peers) / "target/release/cairo-test"
    return str(binary) if binary.exists() else None


def run_cairn(cairn, path, backend, corelib):
    command = [cairn, "test", str(path), "--backend", backend, "--json"]
    if corelib:
        command += ["--corelib", corelib]
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if not done.stdout.strip():
        sys.exit(f"cairn test ({backend}) printed no report:\n{done.stderr}")
    report = json.loads(done.stdout)
    tests = {}
    for test in report["tests"]:
        run = test["runs"].get(backend, {})
        tests[test["name"]] = (test["status"], run.get("gas"))
    return report, tests, elapsed


def run_reference(reference, path, corelib):
    # The compiler finds its corelib as `corelib/` beside the current folder.
    with tempfile.TemporaryDirectory() as folder:
        if corelib:
            os.symlink(os.path.abspath(corelib), os.path.join(folder, "corelib"))
        start = time.monotonic()
        done = subprocess.run([reference, "--starknet", os.path.abspath(path)],
                              capture_output=True, text=True, cwd=folder)
        elapsed = time.monotonic() - start
    tests = {}
    for line in done.stdout.splitlines():
        match = REFERENCE_LINE.match(line)
        if match:
            name, status, gas = match.groups()
            status = {"ok": "ok", "ignored": "ignored"}.get(status, "failed")
            tests[name] = (status, int(gas) if gas else None)
    return tests, elapsed


def counts(tests):
    statuses = [status for status, _ in tests.values()]
    return (statuses.count("ok"), statuses.count("failed"), statuses.count("ignored"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--cairn", default=default_cairn())
    parser.add_argument("--reference", default=default_reference(),
                        help="cairo-test 2.20.0 (default: the one install-cairo-test.sh built)")
    parser.add_argument("--corelib", default=os.environ.get("CAIRO_CORELIB_DIR"))
    parser.add_argument("--backends", default="vm,native")
    args = parser.parse_args()

    results = {}
    print(f"suite {args.path}")
    for backend in args.backends.split(","):
        _, tests, elapsed = run_cairn(args.cairn, args.path, backend, args.corelib)
        results[backend] = tests
        passed, failed, ignored = counts(tests)
        print(f"  cairn {backend:<7} {passed} passed; {failed} failed; {ignored} ignored; {elapsed:.1f} s")
    if args.reference:
        tests, elapsed = run_reference(args.reference, args.path, args.corelib)
        results["cairo-test"] = tests
        passed, failed, ignored = counts(tests)
        print(f"  cairo-test    {passed} passed; {failed} failed; {ignored} ignored; {elapsed:.1f} s")
    else:
        print("  (no reference cairo-test: run scripts/install-cairo-test.sh to compare with it)")

    differences = []
    names = sorted(set().union(*(tests.keys() for tests in results.values())))
    baseline = "cairo-test" if "cairo-test" in results else next(iter(results))
    for name in names:
        expected = results[baseline].get(name)
        for source, tests in results.items():
            got = tests.get(name)
            if source != baseline and got != expected:
                differences.append(f"  {name}: {baseline} {expected}, {source} {got}")
    if differences:
        print(f"{len(differences)} differences (status, gas):")
        print("\n".join(differences))
        sys.exit(1)
    print(f"  every test's status and gas agree across {', '.join(results)}")


if __name__ == "__main__":
    main()
