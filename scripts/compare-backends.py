#!/usr/bin/env python3
"""Runs every Cairo program of a folder on both of Cairn's backends and tables what they do.

Usage: scripts/compare-backends.py FOLDER [--cairn PATH] [--allow-warnings] [--entries main,run_test]
                                   [--gas N] [--jobs N] [--json FILE] [--timeout SECONDS]

Each `*.cairo` file below FOLDER is compiled once with `cairn compile` (gas accounting in), then
each entry it has among --entries (default `main` and `run_test`) that takes no arguments runs with
`cairn run --json` on the VM and natively. The outputs are compared whole (stdout, stderr, exit
status), the VM-only step count aside. Every program falls in one class:

  agree               both backends print the same report (values or panic, gas)
  differ              both ran and disagree: a bug, listed with both outputs
  refused-native      the VM ran it, the native backend refused it (reason listed)
  refused-vm          the native backend ran it, the VM refused it (reason listed)
  both-refuse         neither ran it (both reasons listed when they differ)
  no-compile          the source does not compile (first line of the diagnostics)
  no-entry            no entry among --entries without parameters

The table and the reasons go to standard output; --json writes every result. The exit status
is 1 when any program is in `differ`. Nothing is fetched: point it at a checkout.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

CLASSES = ["agree", "differ", "refused-native", "refused-vm", "both-refuse", "no-compile", "no-entry"]


def run(command, timeout):
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        return done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {timeout} s"


def without_steps(stdout):
    """The --json report without `steps` (which only the VM has); other text as it is."""
    start = stdout.find("{")
    if start < 0:
        return stdout
    printed, report = stdout[:start], stdout[start:]
    try:
        parsed = json.loads(report)
    except ValueError:
        return stdout
    parsed.pop("steps", None)
    return printed + json.dumps(parsed, sort_keys=True)


def first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def compare_program(cairn, source, args):
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        sierra = Path(scratch) / "program.sierra.json"
        command = [cairn, "compile", str(source), "-o", str(sierra)]
        if args.allow_warnings:
            command.append("--allow-warnings")
        status, _, stderr = run(command, args.timeout)
        if status != 0:
            reason = [line for line in stderr.splitlines() if line.startswith("error")]
            return [{"program": str(source), "entry": None, "class": "no-compile",
                     "reason": " ".join(reason[1:2] or reason[:1]) or first_line(stderr)}]
        for entry in args.entries:
            outputs = {}
            for backend in ("vm", "native"):
                command = [cairn, "run", str(sierra), "--entry", entry, "--json",
                           "--available-gas", str(args.gas), "--backend", backend]
                outputs[backend] = run(command, args.timeout)
            vm_status, vm_out, vm_err = outputs["vm"]
            native_status, native_out, native_err = outputs["native"]
            missing = re.compile(r"no function named|expected \d+ argument|needs? \d+ argument")
            # No such entry, or one with parameters: either backend may be the one to say so
            # (the VM first compiles to CASM, which can fail before it looks for the entry).
            if any(status != 0 and not out and missing.search(err)
                   for status, out, err in outputs.values()):
                continue
            result = {"program": str(source), "entry": entry}
            vm_ran = vm_status is not None and vm_out.strip().endswith("}")
            native_ran = native_status is not None and native_out.strip().endswith("}")
            # Warnings (a function left out of native compilation) are not a difference.
            quiet = lambda text: "\n".join(
                line for line in text.splitlines() if not line.startswith("warning: "))
            same = (vm_status, without_steps(vm_out), quiet(vm_err)) == (
                native_status, without_steps(native_out), quiet(native_err))
            if same and vm_ran:
                result["class"] = "agree"
            elif vm_ran and native_ran:
                result["class"] = "differ"
                result["vm"] = without_steps(vm_out) + vm_err
                result["native"] = without_steps(native_out) + native_err
            elif vm_ran:
                result["class"] = "refused-native"
                result["reason"] = first_line(native_err)
            elif native_ran:
                result["class"] = "refused-vm"
                result["reason"] = first_line(vm_err)
            else:
                result["class"] = "both-refuse"
                result["reason"] = first_line(vm_err)
                if quiet(vm_err) != quiet(native_err):
                    result["reason"] += f" / native: {first_line(native_err)}"
            results.append(result)
    if not results:
        results.append({"program": str(source), "entry": None, "class": "no-entry"})
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--cairn", default=os.environ.get("CAIRN", "cairn"))
    parser.add_argument("--allow-warnings", action="store_true")
    parser.add_argument("--entries", default="main,run_test")
    parser.add_argument("--gas", type=int, default=10**12)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.entries = [entry for entry in args.entries.split(",") if entry]
    sources = sorted(args.folder.rglob("*.cairo"))
    if not sources:
        sys.exit(f"no .cairo files below {args.folder}")
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for found in pool.map(lambda source: compare_program(args.cairn, source, args), sources):
            results.extend(found)

    counts = {name: 0 for name in CLASSES}
    for result in results:
        counts[result["class"]] += 1
    print(f"{len(sources)} files below {args.folder}, {len(results)} entries or files classed\n")
    print("| class | count |")
    print("|---|---:|")
    for name in CLASSES:
        print(f"| {name} | {counts[name]} |")
    for name in ["differ", "refused-native", "refused-vm", "both-refuse", "no-compile"]:
        listed = [result for result in results if result["class"] == name]
        if not listed:
            continue
        print(f"\n## {name}\n")
        for result in listed:
            where = result["program"] + (f" ({result['entry']})" if result.get("entry") else "")
            print(f"- {where}: {result.get('reason', '')}")
            if name == "differ":
                print(f"  vm:     {result['vm'][:400]!r}")
                print(f"  native: {result['native'][:400]!r}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    sys.exit(1 if counts["differ"] else 0)


if __name__ == "__main__":
    main()
