"""Cairn: run Cairo 0 programs on a Rust VM, with hints written in Python.

Hints that cairo-vm implements in Rust run in Rust; every other hint runs as Python in this
interpreter, with the names cairo-run gives it. A `Program` is read once and run by many
`CairoRunner`s. `ExecutableRunner` runs Cairo executables
(`#[executable]`) for provers, as `cairn execute` does.
"""

from ._cairn import (
    CairoRunner,
    ExecutableRunner,
    HintError,
    Memory,
    Program,
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
    "Program",
    "RelocatableValue",
    "Segments",
    "VmError",
    "run",
]
