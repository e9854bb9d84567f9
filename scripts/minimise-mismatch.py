#!/usr/bin/env python3
"""Shrinks a Cairo program on which Cairn's backends disagree to the smallest that still does.

Usage: scripts/minimise-mismatch.py PROGRAM.cairo [--call 'ENTRY ARGS_JSON GAS'] [--cairn PATH]
                                    [-o OUT.cairo] [--timeout SECONDS]

PROGRAM.cairo is typically what the program fuzzer kept (`$TMPDIR/cairn-program-fuzz/fuzz_N.cairo`):
its `// cairn-call: ENTRY ARGS_JSON GAS` lines name the calls that differed, and the first is used
unless --call gives another. A candidate program is "still failing" when it compiles (gas
accounting in, warnings allowed) and the call gives different `cairn run --json` reports on the VM
and natively (the VM-only step count aside), with each backend running or refusing as it did on
the original.

The search is delta debugging (ddmin) over the program's top-level items (functions, structs,
enums…), then over its lines: chunks are removed while the mismatch stays, halving the chunk size
down to one line. The result goes to OUT.cairo (default: PROGRAM.min.cairo beside the input), with
the call line on top; commit it as a fixture under tests/fixtures/cairo1/src/ with a case in
crates/vm-core/tests/all/sierra_cases.rs (the values the VM gives, checked by hand).
"""
import argparse
import json
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

CALL_PREFIX = "// cairn-call: "


def parse_call(text):
    """ENTRY ARGS_JSON GAS, ARGS_JSON possibly with spaces."""
    entry, rest = text.strip().split(" ", 1)
    args, gas = rest.rsplit(" ", 1)
    json.loads(args)
    return entry, args, int(gas)


def without_steps(stdout):
    try:
        report = json.loads(stdout)
    except ValueError:
        return stdout
    report.pop("steps", None)
    return json.dumps(report, sort_keys=True)


class Oracle:
    """Compiles a candidate and runs the call on both backends."""

    def __init__(self, cairn, call, timeout, stem):
        self.cairn = cairn
        self.entry, self.args, self.gas = call
        self.timeout = timeout
        self.stem = stem
        self.tries = 0

    def observe(self, source):
        """(vm, native) as (ran, report or first error line), or None when it does not compile."""
        self.tries += 1
        with tempfile.TemporaryDirectory() as scratch:
            # The file's stem is the crate's name, which full entry names may mention.
            program = Path(scratch) / f"{self.stem}.cairo"
            program.write_text(source)
            sierra = Path(scratch) / "program.sierra.json"
            compiled = self.run([self.cairn, "compile", str(program), "-o", str(sierra),
                                 "--allow-warnings"])
            if compiled is None or compiled.returncode != 0:
                return None
            observed = []
            for backend in ("vm", "native"):
                done = self.run([self.cairn, "run", str(sierra), "--entry", self.entry,
                                 "--args", self.args, "--available-gas", str(self.gas),
                                 "--json", "--backend", backend])
                if done is None:
                    observed.append((False, "timed out"))
                elif done.stdout.strip().endswith("}"):
                    observed.append((True, without_steps(done.stdout)))
                else:
                    lines = [line for line in done.stderr.splitlines() if line.strip()]
                    observed.append((False, lines[0] if lines else f"status {done.returncode}"))
            return tuple(observed)

    def run(self, command):
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            return None


def mismatch_kind(observed):
    """Which backends ran, when they disagree; None when they agree or it does not compile."""
    if observed is None:
        return None
    (vm_ran, vm), (native_ran, native) = observed
    if (vm_ran, vm) == (native_ran, native):
        return None
    return (vm_ran, native_ran)


def ddmin(parts, still_fails):
    """The classic delta-debugging minimisation: the smallest sublist (1-minimal in chunks) of
    `parts` for which `still_fails(sublist)` holds, trying complements of ever smaller chunks."""
    chunks = 2
    while len(parts) >= 2:
        size = max(1, len(parts) // chunks)
        removed_any = False
        start = 0
        while start < len(parts):
            candidate = parts[:start] + parts[start + size:]
            if candidate and still_fails(candidate):
                parts = candidate
                removed_any = True
            else:
                start += size
        if removed_any:
            chunks = max(chunks - 1, 2)
        elif size == 1:
            break
        else:
            chunks = min(len(parts), chunks * 2)
    return parts


def top_level_items(source):
    """The source as top-level items: a line at column 0 that is not a closing brace or blank
    starts a new item; attributes and comments stay with the item they precede."""
    items, current = [], []
    for line in source.splitlines(keepends=True):
        starts_item = line[:1] not in ("", " ", "\t", "}", ")", "]", "\n")
        attached = current and all(l.startswith(("#[", "//")) for l in current)
        if starts_item and current and not attached:
            items.append("".join(current))
            current = []
        current.append(line)
    if current:
        items.append("".join(current))
    return items


def minimise(source, still_fails_source, log=print):
    """Items first, then lines."""
    items = ddmin(top_level_items(source), lambda parts: still_fails_source("".join(parts)))
    log(f"  {len(items)} top-level items left")
    lines = "".join(items).splitlines(keepends=True)
    lines = ddmin(lines, lambda parts: still_fails_source("".join(parts)))
    log(f"  {len(lines)} lines left")
    return "".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("program", type=Path)
    parser.add_argument("--call", help="ENTRY ARGS_JSON GAS (default: the file's first cairn-call)")
    parser.add_argument("--cairn", default="cairn", help="the cairn executable (default: on PATH)")
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()

    source = args.program.read_text()
    if args.call:
        call_text = args.call
    else:
        calls = [line[len(CALL_PREFIX):] for line in source.splitlines()
                 if line.startswith(CALL_PREFIX)]
        if not calls:
            sys.exit(f"{args.program}: no `{CALL_PREFIX.strip()}` line; give --call")
        call_text = calls[0]
    try:
        call = parse_call(call_text)
    except ValueError as error:
        sys.exit(f"the call `{call_text}` is not ENTRY ARGS_JSON GAS: {error}")
    # The comments are the fuzzer's notes; they are not part of the program.
    body = "".join(line for line in source.splitlines(keepends=True)
                   if not line.startswith("// "))
    oracle = Oracle(args.cairn, call, args.timeout, args.program.stem.split(".")[0])
    original = oracle.observe(body)
    if original is None:
        sys.exit(f"{args.program} does not compile with `{args.cairn} compile --allow-warnings`")
    kind = mismatch_kind(original)
    if kind is None:
        sys.exit(f"the backends agree on this call ({original[0][1][:200]}): nothing to minimise")
    print(f"mismatch: vm {original[0][1][:200]}\n      native {original[1][1][:200]}")

    def still_fails(candidate):
        return mismatch_kind(oracle.observe(candidate)) == kind

    smallest = minimise(body, still_fails)
    final = oracle.observe(smallest)
    output = args.output or args.program.with_suffix(".min.cairo")
    header = (f"{CALL_PREFIX}{call[0]} {call[1]} {call[2]}\n"
              f"// vm:     {final[0][1]}\n// native: {final[1][1]}\n")
    output.write_text(header + smallest)
    print(f"{len(body.splitlines())} lines -> {len(smallest.splitlines())} lines in "
          f"{oracle.tries} tries: {output}")
    print(f"rerun: {shlex.join([args.cairn, 'run', str(output), '--entry', call[0], '--args', call[1], '--available-gas', str(call[2]), '--json'])}")


if __name__ == "__main__":
    main()
