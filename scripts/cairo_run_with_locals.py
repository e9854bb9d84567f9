#!/usr/bin/env python3
"""cairo-run for programs whose hints need objects in hint_locals (a syscall handler).

Usage: cairo_run_with_locals.py PROGRAM.json LAYOUT
Runs the program with cairo-lang's CairoRunner and hint_locals
{"syscall_handler": ToySyscallHandler(), "program_input": {}}, then prints the output as
`cairo-run --print_output` does.
"""
import json
import sys
from pathlib import Path

from starkware.cairo.lang.compiler.program import Program
from starkware.cairo.lang.vm.cairo_runner import CairoRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "cairo0" / "py"))
from handlers import ToySyscallHandler  # noqa: E402


def main() -> None:
    program = Program.load(data=json.loads(Path(sys.argv[1]).read_text()))
    runner = CairoRunner(program=program, layout=sys.argv[2], proof_mode=False)
    runner.initialize_segments()
    end = runner.initialize_main_entrypoint()
    runner.initialize_vm(hint_locals={"syscall_handler": ToySyscallHandler(), "program_input": {}})
    runner.run_until_pc(end)
    runner.end_run()
    runner.read_return_values()
    runner.print_output()


if __name__ == "__main__":
    main()
