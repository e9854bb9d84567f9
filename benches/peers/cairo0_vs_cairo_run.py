#!/usr/bin/env python3
"""Cairo 0 bench programs on Cairn's VM (through its Python module) and on cairo-run's Python VM.

Usage: cairo0_vs_cairo_run.py CAIRO_LANG_PYTHON OUT.json [--repeat N]

Both are timed in process (load excluded, runner set-up and run included) on the same compiled
programs (benches/programs/compiled/*.cairo0.json), with the starknet_with_keccak layout; the two must agree
on the step count and the program output before their times are compared. Writes one JSON object
per program.
"""
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import cairn

COMPILED = Path(__file__).resolve().parents[1] / "programs" / "compiled"
PRIME = 2**251 + 17 * 2**192 + 1

CAIRO_LANG_TIMER = r"""
import json, sys, time
from starkware.cairo.lang.compiler.program import Program
from starkware.cairo.lang.vm.cairo_runner import CairoRunner
program = Program.load(data=json.load(open(sys.argv[1])))
repeat = int(sys.argv[2])
times = []
for _ in range(repeat):
    start = time.perf_counter()
    runner = CairoRunner(program=program, layout="starknet_with_keccak", proof_mode=False)
    runner.initialize_segments()
    end = runner.initialize_main_entrypoint()
    runner.initialize_vm(hint_locals={})
    runner.run_until_pc(end)
    times.append(time.perf_counter() - start)
output_base = runner.builtin_runners["output_builtin"].base
print(json.dumps({
    "seconds": sorted(times)[len(times) // 2],
    "steps": runner.vm.current_step,
    "output": str(runner.vm_memory[output_base] % program.prime),
}))
"""


def cairn_run(program_json):
    start = time.perf_counter()
    runner = cairn.CairoRunner(program_json, layout="starknet_with_keccak")
    runner.initialize()
    runner.run_until_end()
    seconds = time.perf_counter() - start
    return seconds, runner.step_count, str(int(runner.output()[0]) % PRIME)


def main():
    cairo_lang_python, out = sys.argv[1], Path(sys.argv[2])
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    rows = []
    for path in sorted(COMPILED.glob("*.cairo0.json")):
        name = path.name.removesuffix(".cairo0.json")
        print(f"cairo0 {name}: cairn", file=sys.stderr)
        runs = [cairn_run(path.read_text()) for _ in range(repeat)]
        row = {
            "program": name,
            "cairn_vm_s": statistics.median(run[0] for run in runs),
            "steps": runs[0][1],
            "output": runs[0][2],
        }
        print(f"cairo0 {name}: cairo-run", file=sys.stderr)
        done = subprocess.run(
            [cairo_lang_python, "-c", CAIRO_LANG_TIMER, str(path), str(repeat)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            row["cairo_run_error"] = done.stderr.strip().splitlines()[-1:] or ["failed"]
        else:
            lang = json.loads(done.stdout)
            if (lang["steps"], lang["output"]) != (row["steps"], row["output"]):
                row["cairo_run_error"] = [
                    f"disagrees: {lang['steps']} steps, output {lang['output']}"
                ]
            else:
                row["cairo_run_s"] = lang["seconds"]
        rows.append(row)
    out.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
