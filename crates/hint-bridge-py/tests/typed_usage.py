"""A script written against the module's type stubs, as a user writes one: `mypy --strict`
accepts it (scripts/test-wheel.sh checks that against the installed wheel), and
test_bridge.py runs it."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import cairn

COMPILED = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "cairo0" / "compiled"


def run_hint_loop() -> list[int | cairn.RelocatableValue]:
    """py_hint_loop's main: 100 iterations with a Python hint each, 100 without."""
    program = cairn.Program.load(COMPILED / "py_hint_loop.json")
    runner = cairn.CairoRunner(program, layout="small")
    runner.initialize(hint_locals={"program_input": {}})
    finished = runner.run_steps(100)
    while not finished:
        finished = runner.run_steps(1000)
    # The end: the return address of main, in a segment of its own, as under cairo-run.
    end: cairn.RelocatableValue = runner.pc
    assert end.segment_index > 0 and end.offset == 0
    resources = runner.get_execution_resources()
    assert resources.n_steps == runner.step_count
    return runner.output()


def stop_reason() -> Optional[str]:
    """A bad entrypoint is a VmError, with no pc: no run started."""
    try:
        cairn.CairoRunner(cairn.Program(COMPILED / "py_hint_loop.json"), entrypoint="nowhere")
    except cairn.VmError as error:
        where: Optional[cairn.RelocatableValue] = error.pc
        assert where is None
        return str(error)
    return None


def main() -> None:
    assert run_hint_loop() == [100, 100]
    assert "nowhere" in (stop_reason() or "")


if __name__ == "__main__":
    main()
