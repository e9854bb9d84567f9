"""The cairn Python module against StarkWare's cairo-run, on programs with Python hints."""

import importlib.util
import json
import sys
import threading
from pathlib import Path

import pytest

import cairn

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "cairo0"
sys.path.insert(0, str(FIXTURES / "py"))
from handlers import ToySyscallHandler  # noqa: E402

RECORDINGS = {r["run"]: r for r in json.loads((FIXTURES / "recordings.json").read_text())}
PYTHON_HINT_RUNS = sorted(
    name for name in RECORDINGS if name.startswith("py_") or name in ("program_input", "mixed_hints")
)


def program_json(run):
    return (FIXTURES / RECORDINGS[run]["program"]).read_text()


def hint_locals(run):
    flags = RECORDINGS[run]["flags"]
    locals_ = {"program_input": flags.get("program_input", {})}
    if flags.get("hint_locals") == "syscall_handler":
        locals_["syscall_handler"] = ToySyscallHandler()
    return locals_


def new_runner(run, **kwargs):
    flags = RECORDINGS[run]["flags"]
    runner = cairn.CairoRunner(program_json(run), layout=flags["layout"], **kwargs)
    runner.initialize(hint_locals=hint_locals(run), shared_scope=flags.get("shared_scope", False))
    return runner


@pytest.mark.parametrize("run", [r for r in PYTHON_HINT_RUNS if RECORDINGS[r]["cairo_run"]["exit_code"] == 0])
def test_output_matches_cairo_run(run, capfd):
    runner = new_runner(run)
    runner.run_until_end()
    assert runner.finished
    # What the hints print, then the output, as cairo-run prints them.
    printed = capfd.readouterr().out + runner.format_output()
    assert printed == RECORDINGS[run]["cairo_run"]["stdout"]


def test_a_raising_hint_gives_traceback_and_cairo_location():
    runner = new_runner("py_raise")
    with pytest.raises(cairn.HintError) as caught:
        runner.run_until_end()
    message = str(caught.value)
    # The same location and traceback frame cairo-run reports.
    assert "py_raise.cairo:3:5: Error at pc=0:0:" in message
    assert "py_raise.cairo:12:5: (pc=0:7)" in message
    assert "ValueError: x is too large: 12" in message
    assert "raise ValueError" in message, "the traceback shows the hint's source line"
    assert isinstance(caught.value.__cause__, ValueError)


def test_vm_errors_are_vm_errors():
    runner = cairn.CairoRunner((FIXTURES / "compiled/assert_fail.json").read_text(), layout="small")
    runner.initialize()
    with pytest.raises(cairn.VmError, match="An ASSERT_EQ instruction failed: 41 != 42"):
        runner.run_until_end()
    with pytest.raises(cairn.VmError, match="unknown layout"):
        cairn.CairoRunner(program_json("py_ids"), layout="huge")
    with pytest.raises(cairn.VmError, match="malformed program JSON"):
        cairn.CairoRunner("{}")


def test_step_limit():
    runner = cairn.CairoRunner((FIXTURES / "compiled/endless.json").read_text(), max_steps=100)
    runner.initialize()
    with pytest.raises(cairn.VmError, match="step limit of 100"):
        runner.run_until_end()


@pytest.mark.parametrize("k", [1, 7, 1000])
def test_pausing_and_resuming_ends_like_one_run(k):
    whole = new_runner("py_scopes")
    whole.run_until_end()
    paused = new_runner("py_scopes")
    pauses = 0
    while not paused.run_steps(k):
        pauses += 1
        assert paused.step_count == pauses * k
        assert not paused.finished
    assert paused.format_output() == whole.format_output()
    assert paused.step_count == whole.step_count
    assert (paused.pc, paused.ap, paused.fp) == (whole.pc, whole.ap, whole.fp)


def test_two_runners_in_one_interpreter_keep_their_own_memory():
    first = new_runner("py_memory")
    second = new_runner("py_ids")
    while not (first.run_steps(3) & second.run_steps(3)):
        pass
    first.run_until_end()
    second.run_until_end()
    assert first.output() == [41, cairn_prime() - 3, 38, 76]
    assert second.output() == [25, 7]


def cairn_prime():
    return 2**251 + 17 * 2**192 + 1


def test_a_runner_stays_on_its_thread():
    runner = new_runner("py_nested")
    errors = []

    def use_elsewhere():
        try:
            runner.run_steps(1)
        except Exception as error:  # noqa: BLE001 - any error is what we expect
            errors.append(error)

    thread = threading.Thread(target=use_elsewhere)
    thread.start()
    thread.join()
    assert errors and isinstance(errors[0], RuntimeError), errors
    assert "belongs to the thread that created it" in str(errors[0])
    runner.run_until_end()
    assert runner.output() == [110]


def test_runners_on_several_threads():
    results = {}

    def work(n):
        runner = cairn.CairoRunner(program_json("py_heavy"), layout="small")
        runner.initialize(hint_locals={"program_input": {"n": n}})
        runner.run_until_end()
        results[n] = runner.output()

    threads = [threading.Thread(target=work, args=(n,)) for n in (1000, 2000, 3000)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n, output in results.items():
        a, b = 0, 1
        for _ in range(n):
            a, b = b, (a + b) % cairn_prime()
        assert output == [a, 1]


def test_memory_and_segments_from_the_runner():
    runner = new_runner("py_segments")
    runner.run_until_end()
    memory, segments = runner.memory, runner.segments
    fp = runner.fp
    assert isinstance(fp, cairn.RelocatableValue)
    assert fp + 2 - 2 == fp and (fp + 5) - fp == 5
    assert str(cairn.RelocatableValue(1, 4)) == "1:4"
    sizes = segments.get_segments_used_sizes()
    assert len(sizes) == segments.n_segments
    base = segments.add()
    memory[base] = -1
    memory[base + 1] = base
    assert memory[base] == cairn_prime() - 1
    assert memory[base + 1] == base
    assert memory.get(base + 2) is None and (base + 2) not in memory
    with pytest.raises(KeyError):
        memory[base + 2]
    with pytest.raises(ValueError):
        memory[base] = 5  # write-once
    assert segments.get_segment_used_size(base.segment_index) == 2


def test_python_variables_survive_a_rust_hint_scope():
    # memcpy's Rust hint opens and closes a scope between two Python hints; the second still
    # sees `counter` from the first, and Rust's `n` never shows up among Python's variables.
    runner = new_runner("py_scopes")
    runner.run_until_end()
    assert runner.output() == [101, 6, 9]


def test_static_locals_are_visible_to_every_hint_and_win_over_scope_variables():
    runner = cairn.CairoRunner(program_json("py_heavy"), layout="small")
    runner.initialize(hint_locals={"program_input": {"n": 1000}}, static_locals={"program_input": {"n": 10}})
    runner.run_until_end()
    # py_heavy reads ids.n from program_input: the static value (fib(10) = 55) is the one used.
    assert runner.output() == [55, 1]


def test_run_helper_prints_like_cairo_run(capfd):
    cairn.run(str(FIXTURES / "compiled/py_import.json"), layout="small", print_output=True)
    assert capfd.readouterr().out == RECORDINGS["py_import"]["cairo_run"]["stdout"]


def test_trace_and_memory_files_match_cairo_run(tmp_path):
    runner = cairn.CairoRunner((FIXTURES / "compiled/fib.json").read_text(), layout="small", trace=True)
    runner.initialize()
    runner.run_until_end()
    runner.write_trace(str(tmp_path / "trace"))
    runner.write_memory(str(tmp_path / "memory"))
    assert (tmp_path / "trace").read_bytes() == (FIXTURES / "recorded/fib.trace").read_bytes()

    def cells(data):
        return {data[i : i + 8]: data[i + 8 : i + 40] for i in range(0, len(data), 40)}

    ours = cells((tmp_path / "memory").read_bytes())
    assert ours == cells((FIXTURES / "recorded/fib.memory").read_bytes())


def test_air_inputs_match_cairo_run():
    runner = cairn.CairoRunner(program_json("fib_proof"), layout="small", proof_mode=True, trace=True)
    runner.initialize()
    runner.run_until_end()
    public = json.loads(runner.air_public_input())
    assert public == json.loads((FIXTURES / "recorded/fib_proof.air_public.json").read_text())
    private = json.loads(runner.air_private_input("run.trace", "run.memory"))
    recorded = json.loads((FIXTURES / "recorded/fib_proof.air_private.json").read_text())
    assert private == dict(recorded, trace_path="run.trace", memory_path="run.memory")
    with pytest.raises(cairn.VmError, match="outside proof mode"):
        runner.write_cairo_pie("never.zip")


def test_a_cairo_pie_has_the_runs_memory_and_resources(tmp_path):
    import zipfile

    runner = cairn.CairoRunner(program_json("pedersen"), layout="small")
    with pytest.raises(RuntimeError, match="initialize"):
        runner.write_cairo_pie(str(tmp_path / "early.zip"))
    runner.initialize()
    runner.run_until_end()
    runner.write_cairo_pie(str(tmp_path / "pie.zip"))
    with zipfile.ZipFile(tmp_path / "pie.zip") as pie:
        names = set(pie.namelist())
        assert {"metadata.json", "memory.bin", "execution_resources.json", "version.json"} <= names
        resources = json.loads(pie.read("execution_resources.json"))
        metadata = json.loads(pie.read("metadata.json"))
    assert resources["n_steps"] == runner.step_count
    assert resources["builtin_instance_counter"]["pedersen_builtin"] > 0
    assert [b for b in metadata["program"]["builtins"]] == ["output", "pedersen"]


def test_files_need_a_traced_finished_run(tmp_path):
    runner = cairn.CairoRunner((FIXTURES / "compiled/fib.json").read_text(), layout="small")
    runner.initialize()
    runner.run_until_end()
    with pytest.raises(cairn.VmError, match="tracing enabled"):
        runner.write_trace(str(tmp_path / "trace"))
    with pytest.raises(RuntimeError, match="initialize"):
        cairn.CairoRunner(program_json("py_ids")).run_steps(1)


EXECUTABLES = FIXTURES.parent / "executables"


def executable_json(name):
    return (EXECUTABLES / "compiled" / f"{name}.executable.json").read_text()


def test_an_executable_runs_as_cairo_execute_runs_it(tmp_path):
    runner = cairn.ExecutableRunner(executable_json("fib"), [10])
    runner.run_until_end()
    assert runner.finished
    assert runner.output() == [55, 10]
    assert runner.format_output() == (EXECUTABLES / "reference/fib_10/bootloader.out").read_text().removeprefix(
        "Program Output:\n"
    )
    runner.write_cairo_pie(str(tmp_path / "pie.zip"))
    assert (tmp_path / "pie.zip").read_bytes() == (EXECUTABLES / "reference/fib_10/cairo_pie.zip").read_bytes()


def test_a_standalone_executable_run_writes_the_prover_files(tmp_path):
    import hashlib

    runner = cairn.ExecutableRunner(executable_json("fib"), [10], standalone=True, trace=True)
    while not runner.run_steps(10_000):
        pass
    runner.write_trace(str(tmp_path / "trace"))
    runner.write_memory(str(tmp_path / "memory"))
    files = json.loads((EXECUTABLES / "reference/fib_10/files.json").read_text())
    for name in ("trace", "memory"):
        assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == files[name]["sha256"]
    public = json.loads(runner.air_public_input())
    assert public == json.loads((EXECUTABLES / "reference/fib_10/air_public_input.json").read_text())
    with pytest.raises(cairn.VmError, match="outside proof mode"):
        runner.write_cairo_pie(str(tmp_path / "never.zip"))


def test_an_executables_panic_is_a_vm_error_with_its_data():
    runner = cairn.ExecutableRunner(executable_json("panics"), [7, 0])
    with pytest.raises(cairn.VmError, match='Panicked with "division by zero"'):
        runner.run_until_end()
    assert runner.panic_data is not None and len(runner.panic_data) > 1
    with pytest.raises(cairn.VmError, match="not a Cairo executable"):
        cairn.ExecutableRunner("{}", [])


def test_hint_errors_are_vm_errors_with_the_pc():
    runner = new_runner("py_raise")
    with pytest.raises(cairn.VmError) as caught:
        runner.run_until_end()
    assert isinstance(caught.value, cairn.HintError)
    assert caught.value.pc == cairn.RelocatableValue(0, 0)
    failing = cairn.CairoRunner((FIXTURES / "compiled/assert_fail.json").read_text(), layout="small")
    failing.initialize()
    with pytest.raises(cairn.VmError) as stopped:
        failing.run_until_end()
    assert stopped.value.pc == failing.pc
    with pytest.raises(cairn.VmError) as early:
        cairn.CairoRunner("{}")
    assert early.value.pc is None


def test_keyboard_interrupt_in_a_hint_stops_the_run_as_it_stops_python():
    class Interrupting:
        def __getitem__(self, key):
            raise KeyboardInterrupt

    runner = cairn.CairoRunner(program_json("program_input"), layout="small")
    runner.initialize(hint_locals={"program_input": Interrupting()})
    with pytest.raises(KeyboardInterrupt):
        runner.run_until_end()


def test_run_takes_paths_and_a_step_limit(tmp_path):
    path = FIXTURES / RECORDINGS["output"]["program"]
    finished = cairn.run(path, layout="small")
    assert finished.format_output() == RECORDINGS["output"]["cairo_run"]["stdout"]
    assert cairn.run(str(path), layout="small").step_count == finished.step_count
    with pytest.raises(FileNotFoundError, match="missing.json"):
        cairn.run(tmp_path / "missing.json")
    with pytest.raises(cairn.VmError, match="step limit of 10"):
        cairn.run(FIXTURES / "compiled/endless.json", max_steps=10)
    with pytest.raises(TypeError, match="os.PathLike"):
        cairn.run(42)


def test_a_program_is_read_once_and_run_by_many_runners_on_many_threads():
    path = FIXTURES / RECORDINGS["py_heavy"]["program"]
    # Every form a program comes in, each read once.
    programs = [
        cairn.Program(path),
        cairn.Program(str(path)),
        cairn.Program(path.read_text()),
        cairn.Program.load(path.read_bytes()),
    ]
    results = {}

    def work(index, n):
        runner = cairn.CairoRunner(programs[index % len(programs)], layout="small")
        runner.initialize(hint_locals={"program_input": {"n": n}})
        runner.run_until_end()
        results[(index, n)] = runner.output()

    threads = [
        threading.Thread(target=work, args=(index, n))
        for index in range(4)
        for n in (500, 1500)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    for (_, n), output in results.items():
        alone = cairn.CairoRunner(path.read_text(), layout="small")
        alone.initialize(hint_locals={"program_input": {"n": n}})
        alone.run_until_end()
        assert output == alone.output()
    # cairn.run takes one too.
    assert cairn.run(programs[0], layout="small", hint_locals={"program_input": {"n": 500}}).output() == results[(0, 500)]


def test_a_program_runs_any_entrypoint_and_needs_no_main(tmp_path):
    program = json.loads((FIXTURES / RECORDINGS["py_hint_loop"]["program"]).read_text())
    # The same program without `main`: a library of functions, each run as an entrypoint.
    del program["identifiers"]["__main__.main"]
    library = cairn.Program(json.dumps(program))
    steps = {}
    for entrypoint in ("bench_with_hints", "bench_without_hints", "bench_with_hints"):
        runner = cairn.CairoRunner(library, entrypoint=entrypoint, layout="small")
        runner.initialize()
        runner.run_until_end()
        steps.setdefault(entrypoint, set()).add(runner.step_count)
    assert len(steps["bench_with_hints"]) == 1 and steps["bench_without_hints"]
    with pytest.raises(cairn.VmError, match="main"):
        cairn.CairoRunner(library, layout="small")


def test_the_typed_usage_script_runs():
    # The script scripts/test-wheel.sh gives mypy --strict, run as a user runs it.
    import typed_usage

    typed_usage.main()


def test_a_malformed_or_missing_program_fails_when_read(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.json"):
        cairn.Program(tmp_path / "missing.json")
    with pytest.raises(cairn.VmError):
        cairn.Program('{"prime": "0x11"}')
    with pytest.raises(TypeError, match="cairn.Program"):
        cairn.Program(42)


def test_ctrl_c_stops_a_long_run():
    import os
    import signal

    # A step limit, so that a missed interrupt fails the test instead of running forever.
    runner = cairn.CairoRunner(
        (FIXTURES / "compiled/endless.json").read_text(), max_steps=50_000_000
    )
    runner.initialize()
    # A process started in the background (`cmd &` in a script) inherits SIGINT ignored, and
    # Python then leaves it so: give it Python's own handler for this test, as a terminal has.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            runner.run_until_end()
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    assert runner.step_count > 0 and not runner.finished


def test_ints_of_every_size_are_written_modulo_the_prime():
    # Ints that fit a machine word take a shorter way into memory than big ones, and felts
    # below 2^64 a shorter way out: both must agree with plain modular arithmetic.
    runner = new_runner("py_segments")
    runner.run_until_end()
    prime = cairn_prime()
    values = [0, 1, -1, -5, 2**63 - 1, -(2**63), 2**63, 2**64 - 1, 2**64, -(2**64), prime - 1,
              prime, prime + 3, -prime - 2, 3 * prime + 7, 2**300 + 11, -(2**300)]
    base = runner.segments.add()
    for offset, value in enumerate(values):
        runner.memory[base + offset] = value
    for offset, value in enumerate(values):
        read = runner.memory[base + offset]
        assert read == value % prime, (value, read)
        assert type(read) is int


def test_memory_ranges_and_loading_data_as_cairo_lang_names_them():
    runner = new_runner("py_memory")
    runner.run_until_end()
    segments, memory = runner.segments, runner.memory
    base = segments.add()
    assert segments.load_data(base, [1, 2, base]) == base + 3
    assert memory.get_range(base, 3) == [1, 2, base]
    assert memory.get_range_as_ints(base, 2) == [1, 2]
    with pytest.raises(ValueError, match="holds an address"):
        memory.get_range_as_ints(base, 3)
    with pytest.raises(KeyError):
        memory.get_range(base, 4)
    assert memory.get(base) == 1
    assert memory.get(addr=base + 5, default_value=7) == 7
    ptr = segments.add()
    assert segments.write_arg(ptr, [5, [6]], apply_modulo_to_args=True) == ptr + 2
    assert memory[memory[ptr + 1]] == 6
    prime = 2**251 + 17 * 2**192 + 1
    assert segments.gen_arg(-1, apply_modulo_to_args=True) == prime - 1


def test_hint_tracebacks_name_the_cairo_file_and_line_as_cairo_run():
    runner = new_runner("py_raise")
    with pytest.raises(cairn.HintError) as caught:
        runner.run_until_end()
    expected = RECORDINGS["py_raise"]["cairo_run"]["stderr"]
    frame = '  File "py_raise.cairo", line 5, in <module>\n'
    assert frame in expected, "cairo-run's own traceback frame"
    assert frame in str(caught.value)
    assert "<hint" not in str(caught.value)


def test_addresses_from_cairo_lang_scripts_are_accepted():
    import dataclasses

    # The shape of cairo-lang's own RelocatableValue (a dataclass with these two fields).
    @dataclasses.dataclass(frozen=True)
    class ForeignRelocatable:
        segment_index: int
        offset: int

    runner = new_runner("py_memory")
    runner.run_until_end()
    base = runner.segments.add()
    foreign = ForeignRelocatable(base.segment_index, base.offset)
    runner.memory[foreign] = 7
    assert runner.memory[base] == 7
    runner.memory[base + 1] = foreign
    assert runner.memory[base + 1] == base
    with pytest.raises(ValueError, match="RelocatableValues"):
        runner.memory["nowhere"]


def test_a_runner_dropped_on_another_thread_is_freed():
    import gc
    import weakref

    class Marker:
        pass

    def runner_holding(marker):
        runner = cairn.CairoRunner(program_json("program_input"), layout="small")
        runner.initialize(hint_locals={"program_input": {"n": 3}, "marker": marker})
        runner.run_until_end()
        return runner

    # Made on a thread that has ended, dropped here.
    marker = Marker()
    alive = weakref.ref(marker)
    made = []
    worker = threading.Thread(target=lambda: made.append(runner_holding(marker)))
    worker.start()
    worker.join()
    del marker
    made.clear()
    gc.collect()
    assert alive() is None, "the runner of an ended thread is freed when dropped"

    # Made here, dropped on another thread: freed once this thread uses cairn again.
    marker = Marker()
    alive = weakref.ref(marker)
    box = [runner_holding(marker)]
    del marker
    dropper = threading.Thread(target=box.clear)
    dropper.start()
    dropper.join()
    gc.collect()
    runner_holding(Marker())
    assert alive() is None, "the owner frees what other threads dropped"


def test_execution_resources_are_cairo_runs():
    import zipfile

    runner = cairn.CairoRunner(program_json("pedersen"), layout="small")
    runner.initialize()
    with pytest.raises(cairn.VmError, match="finished"):
        runner.get_execution_resources()
    runner.run_until_end()
    resources = runner.get_execution_resources()
    # cairo-run's own count, from the Cairo PIE it wrote (scripts/regen-cairo0-pies.sh).
    with zipfile.ZipFile(FIXTURES / "recorded/pedersen.pie.zip") as pie:
        recorded = json.loads(pie.read("execution_resources.json"))
    assert resources.n_steps == recorded["n_steps"]
    assert resources.n_memory_holes == recorded["n_memory_holes"]
    counted = {name: n for name, n in resources.builtin_instance_counter.items() if n}
    assert counted == {name: n for name, n in recorded["builtin_instance_counter"].items() if n}
    assert "pedersen_builtin" in repr(resources)


def test_a_relocation_rule_moves_a_temporary_segment_at_the_end():
    seen = {}
    runner = cairn.CairoRunner(program_json("py_relocation"), layout="small")
    runner.initialize(hint_locals={"record": lambda temporary, destination: seen.update(at=destination)})
    runner.run_until_end()
    assert runner.format_output() == RECORDINGS["py_relocation"]["cairo_run"]["stdout"]
    assert runner.memory.get_range(seen["at"], 2) == [11, 22]


def test_the_shared_scope_lets_python_and_rust_hints_see_each_others_variables(capfd):
    # Apart (the default), the library's dict_new (in Rust) cannot see Python's initial_dict.
    apart = cairn.CairoRunner(program_json("py_shared_scope"), layout="small")
    apart.initialize()
    with pytest.raises(cairn.VmError, match="without an initial dict") as caught:
        apart.run_until_end()
    # The error says which variable a Python hint set and how to share it.
    assert "a Python hint set `initial_dict`" in str(caught.value)
    assert "shared_scope=True" in str(caught.value)
    capfd.readouterr()
    # Shared, as under cairo-run: Python's `initial_dict` reaches dict_new (in Rust), which
    # deletes it, and the Rust hints' counter reaches Python as it goes down.
    shared = new_runner("py_shared_scope")
    shared.run_until_end()
    printed = capfd.readouterr().out + shared.format_output()
    assert printed == RECORDINGS["py_shared_scope"]["cairo_run"]["stdout"]




def test_a_validation_rule_that_refuses_an_instructions_write_stops_the_run(capfd):
    recording = RECORDINGS["py_memory_rules_validation"]
    runner = new_runner("py_memory_rules_validation")
    with pytest.raises(cairn.VmError) as caught:
        runner.run_until_end()
    # Not a hint's failure: the rule's own error, at the instruction's pc, caused by what the
    # rule raised (cairo-run: "py_memory_rules.cairo:52:5: Error at pc=0:8:" and the message).
    assert not isinstance(caught.value, cairn.HintError)
    assert str(caught.value.pc) == "0:8"
    assert isinstance(caught.value.__cause__, AssertionError)
    assert recording["cairo_run"]["stderr"].splitlines()[1] == str(caught.value.__cause__)
    assert capfd.readouterr().out == recording["cairo_run"]["stdout"]


def test_a_deduction_rule_disagreeing_with_memory_fails_the_run_as_it_ends(capfd):
    recording = RECORDINGS["py_memory_rules_deduction"]
    runner = new_runner("py_memory_rules_deduction")
    with pytest.raises(cairn.VmError) as caught:
        runner.run_until_end()
    # cairo-run: InconsistentAutoDeductionError, with the same message.
    expected = recording["cairo_run"]["stderr"].splitlines()[-1].split(": ", 1)[1]
    assert str(caught.value) == expected
    assert not runner.finished
    assert capfd.readouterr().out == recording["cairo_run"]["stdout"]


def test_what_cairo_vm_cannot_validate_is_refused_and_a_rules_memory_lives_only_in_its_call(capfd):
    checked = {}

    def hook(vm_add_validation_rule, memory, segments, range_check_builtin):
        # cairo-vm keeps one validation rule per segment: the range check's is not replaced.
        with pytest.raises(ValueError, match="range_check builtin's"):
            vm_add_validation_rule(range_check_builtin.base.segment_index, lambda m, a: set())
        # cairo-vm validates only segments, not temporary ones.
        with pytest.raises(ValueError, match="temporary"):
            vm_add_validation_rule(segments.add_temp_segment().segment_index, lambda m, a: set())
        # The memory a rule is given is readable during its call only.
        kept = []

        def keep(mem, addr):
            kept.append((mem, mem[addr], addr in mem, mem.get(addr + 1, "none")))
            return set()

        segment = segments.add()
        vm_add_validation_rule(segment.segment_index, keep)
        memory[segment] = 41
        (mem, value, present, absent) = kept[0]
        checked["read in the call"] = (value, present, absent)
        with pytest.raises(RuntimeError, match="only while it runs"):
            mem[segment]
        checked["hook ran"] = True

    runner = cairn.CairoRunner(program_json("py_memory_rules"), layout="small")
    runner.initialize(hint_locals={**hint_locals("py_memory_rules"), "cairn_test_hook": hook})
    runner.run_until_end()
    assert checked == {"read in the call": (41, True, "none"), "hook ran": True}
    printed = capfd.readouterr().out + runner.format_output()
    assert printed == RECORDINGS["py_memory_rules"]["cairo_run"]["stdout"]


def test_a_hint_loads_a_program_given_as_cairn_program_and_bad_ones_are_refused(capfd):
    def hook(vm_load_program, task, code):
        with pytest.raises(TypeError, match="takes a Program"):
            vm_load_program(42, code)
        with pytest.raises(cairn.VmError, match="cannot load the program"):
            vm_load_program({"data": "not a program"}, code)
        with pytest.raises(ValueError, match="RelocatableValue"):
            vm_load_program(task, 7)
        vm_load_program(cairn.Program(json.dumps(task)), code)

    runner = cairn.CairoRunner(program_json("py_load_program"), layout="small")
    runner.initialize(hint_locals={**hint_locals("py_load_program"), "cairn_test_hook": hook})
    runner.run_until_end()
    # The loaded program's hint ran (its print) and its result is the output.
    printed = capfd.readouterr().out + runner.format_output()
    assert printed == RECORDINGS["py_load_program"]["cairo_run"]["stdout"]


def test_a_cairo_lang_script_switches_with_an_import(capsys, tmp_path):
    from cairn.compat import CairoRunner

    recording = RECORDINGS["py_heavy"]
    program = json.loads(program_json("py_heavy"))  # a dict, as Program.load reads it
    runner = CairoRunner(program, layout=recording["flags"]["layout"])
    runner.initialize_segments()
    end = runner.initialize_main_entrypoint()
    runner.initialize_vm(hint_locals=hint_locals("py_heavy"))
    assert runner.vm.run_context.pc.segment_index == 0
    runner.run_until_steps(10)
    assert runner.vm.current_step == 10
    runner.run_until_pc(end)
    runner.end_run()
    runner.read_return_values()
    runner.finalize_segments()
    runner.relocate()
    runner.print_output()
    assert capsys.readouterr().out == recording["cairo_run"]["stdout"]
    assert runner.get_execution_resources().n_steps == runner.vm.current_step
    assert runner.memory is not None and runner.segments is not None
    runner.write_binary_memory(tmp_path / "memory.bin")
    assert (tmp_path / "memory.bin").stat().st_size > 0

    # Calls out of order are clear errors.
    early = CairoRunner(program_json("py_heavy"), layout="small")
    with pytest.raises(RuntimeError, match="initialize_segments"):
        early.initialize_main_entrypoint()
    early.initialize()
    with pytest.raises(RuntimeError, match="has not reached its end"):
        early.end_run()


def test_a_function_runs_from_its_entrypoint_with_arguments():
    # with_hints(n, acc) takes no builtins: exactly the arguments given.
    runner = cairn.CairoRunner(program_json("py_hint_loop"), entrypoint="with_hints", layout="small")
    runner.initialize(args=[5, 100], builtins_first=False)
    runner.run_until_end()
    assert runner.memory[runner.ap - 1] == 105
    # A struct pointer made from nested lists, as segments.gen_arg writes them: the Segment
    # (start, end, label) and its label's cell in segments of their own.
    runner = cairn.CairoRunner(program_json("py_ids"), entrypoint="length_squared", layout="small")
    runner.initialize(args=[[3, 4, 6, 8, [7]]], builtins_first=False)
    runner.run_until_end()
    assert runner.memory[runner.ap - 1] == 25
    # A function taking the program's builtins first, as main does.
    runner = cairn.CairoRunner(program_json("py_hint_loop"), entrypoint="bench_with_hints", layout="small")
    runner.initialize(args=[])
    runner.run_until_end()
    assert runner.finished
    # cairo-lang's call, through the adapter.
    from cairn.compat import CairoRunner

    adapter = CairoRunner(program_json("py_hint_loop"), layout="small")
    adapter.run_from_entrypoint("with_hints", 3, 10)
    assert adapter.memory[adapter.vm.run_context.ap - 1] == 13
    with pytest.raises(cairn.VmError, match="arguments"):
        proof = cairn.CairoRunner(program_json("py_hint_loop"), layout="small", proof_mode=True)
        proof.initialize(args=[1])


HAS_CAIRO_LANG = importlib.util.find_spec("starkware") is not None
# Every recorded run whose hints need no object of the test's making.
EVERY_RUN = sorted(name for name, r in RECORDINGS.items() if not r["flags"].get("hint_locals"))


@pytest.mark.skipif(
    not HAS_CAIRO_LANG,
    reason="cairo-lang's starkware modules are not importable (scripts/test-python-hints-all.sh "
    "runs this with them)",
)
@pytest.mark.parametrize("run", EVERY_RUN)
def test_with_every_hint_in_python_each_fixture_gives_cairo_runs_output(run, capfd):
    recording = RECORDINGS[run]
    flags = recording["flags"]
    runner = cairn.CairoRunner(
        program_json(run), layout=flags["layout"], proof_mode=flags["proof_mode"]
    )
    runner.initialize(hint_locals=hint_locals(run), python_hints="all")
    expected = recording["cairo_run"]
    if expected["exit_code"] != 0:
        with pytest.raises(cairn.VmError):
            runner.run_until_end()
        return
    runner.run_until_end()
    assert capfd.readouterr().out + runner.format_output() == expected["stdout"]


def test_with_every_hint_in_python_the_librarys_hints_run_as_python():
    # math.cairo's assert_nn is a hint cairo-vm runs in Rust; here it runs as the library's
    # Python, which imports starkware.
    runner = cairn.CairoRunner(program_json("math"), layout="small")
    runner.initialize(python_hints="all")
    if HAS_CAIRO_LANG:
        runner.run_until_end()
        assert runner.format_output() == RECORDINGS["math"]["cairo_run"]["stdout"]
    else:
        with pytest.raises(cairn.HintError, match="No module named 'starkware'"):
            runner.run_until_end()
    with pytest.raises(ValueError, match="python_hints"):
        cairn.CairoRunner(program_json("math"), layout="small").initialize(python_hints="some")
