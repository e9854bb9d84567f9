"""Cairn: run Cairo 0 programs on a Rust VM, with hints written in Python.

Hints that cairo-vm implements in Rust run in Rust; every other hint runs as Python in this
interpreter, with the names cairo-run gives it. `ExecutableRunner` runs Cairo executables
(`#[executable]`) for provers, as `cairn execute` does.
"""

from ._cairn import (
    CairoRunner,
    ExecutableRunner,
    HintError,
    Memory,
    RelocatableValue,
    Segments,
    VmError,
    run,
)

__all__ = [
    "CairoRunner",
    "ExecutableRunner",
    "HintError",
    "Memory",
    "RelocatableValue",
    "Segments",
    "VmError",
    "run",
]
