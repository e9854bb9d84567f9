#!/usr/bin/env python3
"""Compiles the Cairo 0 fixtures and records what StarkWare's cairo-run does with each.

Run through `scripts/regen-cairo0-fixtures.sh`, which provides cairo-lang. Writes, under
tests/fixtures/cairo0/: compiled/<name>.json, and recordings.json with, per run, the flags,
the exit code, stdout and stderr of cairo-run; binary trace and memory files go to
recorded/<run>.trace / .memory, AIR inputs to recorded/<run>.air_public.json / .air_private.json.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import starkware

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "cairo0"
SRC, COMPILED, RECORDED = ROOT / "src", ROOT / "compiled", ROOT / "recorded"

# Each run: the program (by source name), its layout, and what else cairo-run is asked for.
# `files` also records the relocated trace and memory (and, in proof mode, the AIR inputs).
RUNS = [
    dict(name="fib", layout="small", files=True),
    dict(name="fib", run="fib_proof", layout="small", proof=True, files=True),
    dict(name="output", layout="small"),
    dict(name="pedersen", layout="small", files=True),
    dict(name="range_check", layout="small"),
    dict(name="bitwise", layout="recursive"),
    dict(name="ec_op", layout="starknet"),
    dict(name="poseidon", layout="recursive_with_poseidon"),
    dict(name="keccak", layout="starknet_with_keccak"),
    dict(name="signature", layout="small"),
    dict(name="math", layout="small"),
    dict(name="math_cmp", layout="small"),
    dict(name="dict", layout="small"),
    dict(name="default_dict", layout="small"),
    dict(name="squash_dict", layout="small"),
    dict(name="alloc", layout="small"),
    dict(name="uint256", layout="small"),
    dict(name="usort", layout="small"),
    dict(name="find_element", layout="small"),
    dict(name="memcpy", layout="small"),
    dict(name="memset", layout="small"),
    dict(name="set", layout="small"),
    dict(name="hints_in_loop", layout="starknet", files=True),
    dict(name="program_input", layout="small", program_input={"n": 23}),
    dict(name="mixed_hints", layout="small"),
    dict(name="py_memory", layout="small"),
    dict(name="py_ids", layout="small"),
    dict(name="py_segments", layout="small"),
    dict(name="py_scopes", layout="small"),
    dict(name="py_hint_names", layout="small"),
    dict(name="py_import", layout="small"),
    dict(name="py_nested", layout="small"),
    dict(name="py_raise", layout="small"),
    dict(name="py_syscall", layout="small", syscall_handler=True),
    dict(name="py_heavy", layout="small", program_input={"n": 100000}),
    dict(name="py_hint_loop", layout="small"),
    dict(name="py_static_locals", layout="small"),
    dict(name="py_ids_identifiers", layout="small"),
    dict(name="py_relocation", layout="small"),
    dict(name="py_vm_objects", layout="small"),
    dict(name="py_ids_casts", layout="small"),
    dict(name="py_memory_api", layout="small"),
    dict(name="py_memory_rules", layout="small", program_input={}),
    # Its program input is the compiled py_loaded_task, which its hint loads and calls.
    dict(name="py_load_program", layout="small", loads="py_loaded_task"),
    dict(name="py_memory_rules", run="py_memory_rules_validation", layout="small",
         program_input={"break": "validation"}),
    dict(name="py_memory_rules", run="py_memory_rules_deduction", layout="small",
         program_input={"break": "deduction"}),
    # Cairn runs it with its shared scope (cairo-run always shares one scope).
    dict(name="py_shared_scope", layout="small", shared_scope=True),
    dict(name="assert_fail", layout="small"),
    dict(name="hint_fail", layout="small"),
    dict(name="long_loop", layout="small"),
]
# Compiled but not run by cairo-run (it would never stop).
COMPILE_ONLY = ["endless"]


def run(cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def compile_program(venv: Path, name: str, proof: bool) -> Path:
    out = COMPILED / (f"{name}_proof.json" if proof else f"{name}.json")
    cmd = [str(venv / "bin" / "cairo-compile"), str(SRC / f"{name}.cairo"), "--output", str(out)]
    if proof:
        cmd.append("--proof_mode")
    # Relative paths in debug info keep the JSON the same on every machine.
    result = run(cmd + ["--cairo_path", str(SRC)], cwd=SRC)
    if result.returncode != 0:
        sys.exit(f"cairo-compile failed for {name}:\n{result.stderr}")
    # Debug info names source files by absolute path; keep the committed JSON free of this
    # machine's paths (fixture sources by file name, the common library from `starkware/`).
    site_packages = Path(starkware.__file__).resolve().parent.parent
    text = out.read_text()
    text = text.replace(f"{SRC}/", "").replace(f"{site_packages}/", "")
    out.write_text(text)
    return out


def main() -> None:
    venv = Path(sys.argv[1])
    # Names after the venv re-record only those runs, keeping the others' recordings.
    only = set(sys.argv[2:])
    kept = []
    if only:
        kept = [r for r in json.loads((ROOT / "recordings.json").read_text())
                if r["run"] not in only]
    COMPILED.mkdir(parents=True, exist_ok=True)
    RECORDED.mkdir(parents=True, exist_ok=True)
    for name in COMPILE_ONLY:
        if not only:
            compile_program(venv, name, proof=False)
    recordings = []
    for spec in RUNS:
        if only and spec.get("run", spec["name"]) not in only:
            continue
        proof = spec.get("proof", False)
        name, run_name = spec["name"], spec.get("run", spec["name"])
        program = compile_program(venv, name, proof)
        cmd = [
            str(venv / "bin" / "cairo-run"),
            "--program", str(program.relative_to(ROOT)),
            "--layout", spec["layout"],
            "--print_output",
        ]
        if "loads" in spec:
            task = compile_program(venv, spec["loads"], proof=False)
            spec = dict(spec, program_input={"task": json.loads(task.read_text())})
        flags = {"layout": spec["layout"], "proof_mode": proof}
        if spec.get("shared_scope"):
            flags["shared_scope"] = True
        if proof:
            cmd.append("--proof_mode")
        if "program_input" in spec:
            input_file = RECORDED / f"{run_name}.input.json"
            input_file.write_text(json.dumps(spec["program_input"]) + "\n")
            cmd += ["--program_input", str(input_file.relative_to(ROOT))]
            flags["program_input"] = spec["program_input"]
        files = {}
        if spec.get("files"):
            files["trace"] = f"recorded/{run_name}.trace"
            files["memory"] = f"recorded/{run_name}.memory"
            cmd += ["--trace_file", files["trace"], "--memory_file", files["memory"]]
            if proof:
                files["air_public_input"] = f"recorded/{run_name}.air_public.json"
                files["air_private_input"] = f"recorded/{run_name}.air_private.json"
                cmd += ["--air_public_input", files["air_public_input"]]
                cmd += ["--air_private_input", files["air_private_input"]]
        if spec.get("syscall_handler"):
            # cairo-run's command line cannot pass objects to hints: use its Python API.
            helper = Path(__file__).resolve().parent / "cairo_run_with_locals.py"
            cmd = [str(venv / "bin" / "python"), str(helper), str(program.relative_to(ROOT)), spec["layout"]]
            flags["hint_locals"] = "syscall_handler"
        result = run(cmd, cwd=ROOT)
        recordings.append(
            dict(
                run=run_name,
                program=str(program.relative_to(ROOT)),
                source=f"src/{name}.cairo",
                flags=flags,
                files=files,
                cairo_run=dict(
                    exit_code=result.returncode, stdout=result.stdout, stderr=result.stderr
                ),
            )
        )
        status = "ok" if result.returncode == 0 else f"exit {result.returncode}"
        print(f"{run_name:16} {status}")
    if only:
        order = [spec.get("run", spec["name"]) for spec in RUNS]
        recordings = sorted(kept + recordings, key=lambda r: order.index(r["run"]))
    (ROOT / "recordings.json").write_text(json.dumps(recordings, indent=2) + "\n")


if __name__ == "__main__":
    main()
