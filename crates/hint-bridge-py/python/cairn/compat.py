"""cairo-lang's `CairoRunner` API over Cairn's runner, so that a script written for cairo-run
switches with an import:

    # from starkware.cairo.lang.vm.cairo_runner import CairoRunner
    from cairn.compat import CairoRunner

    runner = CairoRunner(program, layout="small")
    runner.initialize_segments()
    end = runner.initialize_main_entrypoint()
    runner.initialize_vm(hint_locals={"program_input": {}})
    runner.run_until_pc(end)
    runner.end_run()
    runner.relocate()
    runner.print_output()

`program` is what cairo-lang's `Program.load` reads (a compiled program's JSON text, its
parsed dict, a path), cairo-lang's own `Program` object, or a `cairn.Program` (read once and
shared: the fastest way to make many runners of one program). Cairn finishes a run in one go when
the program reaches its end (padding, return values, segment finalisation, relocation), so
`end_run`, `read_return_values`, `finalize_segments` and `relocate` only check that the run has
ended. As cairo-lang's, the runner keeps the trace and relocates memory (for
`write_binary_trace` and `write_binary_memory`); `trace=False` runs faster without them.
"""

import json
import os

from . import _cairn

__all__ = ["CairoRunner", "RunContext"]


def _program(program):
    """A `cairn.Program`, from any of the forms cairo-lang scripts hold: read once, it is
    shared by every runner made from it (`run_from_entrypoint` makes one per call). Paths,
    JSON text and bytes go to `cairn.Program` as they are; a dict or cairo-lang's `Program`
    is written back to the JSON it was read from."""
    if isinstance(program, _cairn.Program):
        return program
    if isinstance(program, bytearray):
        program = bytes(program)
    if isinstance(program, (str, bytes, os.PathLike)):
        return _cairn.Program(program)
    if isinstance(program, dict):
        return _cairn.Program(json.dumps(program))
    # cairo-lang's Program (a marshmallow dataclass): its schema writes the JSON it reads.
    schema = getattr(program, "Schema", None)
    if schema is not None:
        return _cairn.Program(json.dumps(schema().dump(program)))
    raise TypeError(
        "program is a compiled program: JSON text, a dict, a path, or cairo-lang's Program"
    )


class _EndOfMain:
    """What `initialize_main_entrypoint` returns: where `main` returns to, which Cairn knows
    only once the VM is made (`initialize_vm`)."""

    def __repr__(self):
        return "<end of main>"


class RunContext:
    """`runner.vm.run_context`: the registers."""

    def __init__(self, runner):
        self._runner = runner

    @property
    def pc(self):
        return self._runner.pc

    @property
    def ap(self):
        return self._runner.ap

    @property
    def fp(self):
        return self._runner.fp


class _Vm:
    """`runner.vm`: the registers and the step count."""

    def __init__(self, runner):
        self.run_context = RunContext(runner)
        self._runner = runner

    @property
    def current_step(self):
        return self._runner.step_count


class CairoRunner:
    """cairo-lang's `CairoRunner`, on Cairn's VM."""

    def __init__(
        self,
        program,
        layout="plain",
        memory=None,
        proof_mode=None,
        allow_missing_builtins=None,
        entrypoint="main",
        max_steps=None,
        trace=True,
    ):
        if memory is not None:
            raise ValueError("Cairn's runner makes its own memory: pass memory=None")
        self._program = _program(program)
        self._options = dict(layout=layout, proof_mode=bool(proof_mode), max_steps=max_steps,
                             trace=trace)
        self._runner = _cairn.CairoRunner(
            self._program,
            entrypoint=entrypoint,
            layout=layout,
            proof_mode=bool(proof_mode),
            max_steps=max_steps,
            trace=trace,
        )
        self._segments_initialized = False
        self._end = None
        self.vm = None

    # Initialisation, in cairo-lang's order.

    def initialize_segments(self):
        self._segments_initialized = True

    def initialize_main_entrypoint(self):
        if not self._segments_initialized:
            raise RuntimeError("initialize_segments() comes first")
        self._end = _EndOfMain()
        return self._end

    def initialize_vm(self, hint_locals=None, static_locals=None, vm_class=None):
        if vm_class is not None:
            raise ValueError("Cairn's VM cannot be replaced by a vm_class")
        if self._end is None:
            raise RuntimeError("initialize_main_entrypoint() comes first")
        self._runner.initialize(hint_locals=hint_locals, static_locals=static_locals)
        self.vm = _Vm(self._runner)

    def initialize(self, hint_locals=None, static_locals=None):
        """All three steps at once (Cairn's own order)."""
        self.initialize_segments()
        self.initialize_main_entrypoint()
        self.initialize_vm(hint_locals=hint_locals, static_locals=static_locals)

    # Running.

    def run_until_pc(self, addr, run_resources=None):
        """Runs until `pc` is `addr`; the address `initialize_main_entrypoint` returned is the
        end of the program, reached (and the run finished) in one go."""
        if run_resources is not None:
            raise ValueError("Cairn bounds a run by max_steps (given to the constructor)")
        if addr is self._end:
            self._runner.run_until_end()
            return
        while self._runner.pc != addr:
            if self._runner.run_steps(1):
                raise RuntimeError(f"the program ended before pc reached {addr}")

    def run_from_entrypoint(
        self,
        entrypoint,
        *args,
        hint_locals=None,
        static_locals=None,
        typed_args=False,
        verify_secure=None,
        apply_modulo_to_args=None,
    ):
        """Runs the function `entrypoint` (a name) with exactly `args` (ints, addresses,
        lists written to new segments), to its end, as cairo-lang's `run_from_entrypoint`."""
        if typed_args:
            raise ValueError("typed_args: pass the arguments' cells (ints, addresses, lists)")
        if not isinstance(entrypoint, str):
            raise TypeError("Cairn takes the entrypoint by name")
        self._runner = _cairn.CairoRunner(self._program, entrypoint=entrypoint, **self._options)
        self._runner.initialize(
            hint_locals=hint_locals,
            static_locals=static_locals,
            args=list(args),
            builtins_first=False,
        )
        self.vm = _Vm(self._runner)
        self._runner.run_until_end()

    def run_until_steps(self, steps):
        """Runs until the step count is `steps`."""
        left = steps - self._runner.step_count
        if left > 0:
            self._runner.run_steps(left)

    def run_for_steps(self, steps):
        self._runner.run_steps(steps)

    def run_until_next_power_of_2(self):
        """Proof mode pads the trace when the run ends; nothing is left to do here."""
        self._check_ended("run_until_next_power_of_2")

    # Ending: Cairn has done these when the program reached its end.

    def end_run(self, disable_trace_padding=True, disable_finalize_all=False):
        self._check_ended("end_run")

    def read_return_values(self, offset=0):
        self._check_ended("read_return_values")

    def finalize_segments(self):
        self._check_ended("finalize_segments")

    def relocate(self):
        self._check_ended("relocate")

    def _check_ended(self, call):
        if not self._runner.finished:
            raise RuntimeError(f"{call}(): the program has not reached its end yet")

    # What a run gives.

    @property
    def memory(self):
        return self._runner.memory

    @property
    def vm_memory(self):
        return self._runner.memory

    @property
    def segments(self):
        return self._runner.segments

    def get_output(self):
        """The output builtin's cells (ints, or addresses)."""
        return self._runner.output()

    def print_output(self, output_callback=None):
        """Prints `Program output:` and the cells, as cairo-run does."""
        text = self._runner.format_output()
        if output_callback is not None:
            for value in self._runner.output():
                output_callback(value)
            return
        print(text, end="")

    def get_execution_resources(self):
        return self._runner.get_execution_resources()

    def write_binary_trace(self, trace_file):
        self._runner.write_trace(_path(trace_file))

    def write_binary_memory(self, memory_file):
        self._runner.write_memory(_path(memory_file))

    def get_air_public_input(self):
        return json.loads(self._runner.air_public_input())

    @property
    def cairn_runner(self):
        """The underlying `cairn.CairoRunner`."""
        return self._runner


def _path(file):
    """A path from a path or an open file (cairo-lang's writers take files)."""
    if isinstance(file, (str, bytes, os.PathLike)):
        return os.fspath(file)
    return os.fspath(file.name)
