"""Fuzzing the Python side's inputs: mutated program JSON, odd constructor arguments, and odd
keys and values for memory and segments. Any Python exception is an acceptable answer; a Rust
panic (pyo3's PanicException, which is not an Exception) or a crash is not. Seeded, so a failure
names the seed that reproduces it; CAIRN_PY_FUZZ_CASES runs more cases."""

import copy
import json
import os
import random
from pathlib import Path

import pytest

import cairn

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "cairo0"
PROGRAMS = sorted((FIXTURES / "compiled").glob("*.json"))
CASES = int(os.environ.get("CAIRN_PY_FUZZ_CASES", "150"))

HOSTILE = [None, True, 0, -1, 2**64, 2**300, -(2**300), 1.5, "", "0x", "-0x1", [], {}, [[[]]], "\x00"]


def mutate(node, rng):
    """Changes one node of a JSON document, walking down from the root."""
    if isinstance(node, list) and node and rng.random() < 0.85:
        i = rng.randrange(len(node))
        choice = rng.randrange(5)
        if choice == 0:
            del node[i]
        elif choice == 1:
            node.insert(i, copy.deepcopy(node[i]))
        else:
            node[i] = mutate(node[i], rng)
        return node
    if isinstance(node, dict) and node and rng.random() < 0.85:
        key = rng.choice(sorted(node))
        choice = rng.randrange(5)
        if choice == 0:
            del node[key]
        elif choice == 1:
            node[key + "_extra"] = rng.choice(HOSTILE)
        else:
            node[key] = mutate(node[key], rng)
        return node
    return copy.deepcopy(rng.choice(HOSTILE))


def attempt(action):
    """Runs `action`; a Python exception is an answer, a panic is not."""
    try:
        return action()
    except Exception:  # noqa: BLE001 - every ordinary error is acceptable here
        return None


@pytest.mark.parametrize("seed", range(CASES))
def test_mutated_programs_and_arguments_raise_python_errors(seed):
    rng = random.Random(seed)
    source = json.loads(rng.choice(PROGRAMS).read_text())
    for _ in range(rng.randrange(1, 4)):
        source = mutate(source, rng)
    text = json.dumps(source) if rng.random() < 0.9 else json.dumps(source)[: rng.randrange(50)]
    layout = rng.choice(["plain", "small", "all_cairo", "dynamic", "", "huge", "\x00"])
    entrypoint = rng.choice(["main", "", "nope", "__main__.main", "a" * 1000])
    max_steps = rng.choice([None, 0, 1, 10_000])
    runner = attempt(
        lambda: cairn.CairoRunner(
            text, entrypoint=entrypoint, layout=layout, proof_mode=rng.random() < 0.2, max_steps=max_steps
        )
    )
    if runner is None:
        return
    attempt(lambda: runner.initialize(hint_locals={"program_input": rng.choice(HOSTILE)}))
    attempt(lambda: runner.run_steps(rng.choice([0, 1, 5000])))
    for read in (
        lambda: runner.output(),
        lambda: runner.format_output(),
        lambda: (runner.pc, runner.ap, runner.fp, runner.step_count, runner.finished),
    ):
        attempt(read)


@pytest.mark.parametrize("seed", range(CASES // 3))
def test_memory_and_segments_take_odd_keys_and_values(seed):
    rng = random.Random(seed)
    runner = cairn.CairoRunner((FIXTURES / "compiled/fib.json").read_text(), layout="small")
    runner.initialize()
    runner.run_steps(10)
    memory, segments = runner.memory, runner.segments
    odd_address = attempt(lambda: cairn.RelocatableValue(rng.randrange(-3, 8), rng.randrange(-5, 2**70)))
    keys = [odd_address, rng.choice(HOSTILE), runner.fp + rng.randrange(0, 50)]
    for _ in range(20):
        key = rng.choice(keys)
        value = rng.choice(HOSTILE + [runner.fp, 7])
        choice = rng.randrange(6)
        if choice == 0:
            attempt(lambda: memory.__setitem__(key, value))
        elif choice == 1:
            attempt(lambda: memory[key])
        elif choice == 2:
            attempt(lambda: memory.get(key))
        elif choice == 3:
            attempt(lambda: segments.get_segment_used_size(rng.choice(HOSTILE + [0, 99])))
        elif choice == 4:
            attempt(lambda: cairn.RelocatableValue(rng.choice(HOSTILE), rng.choice(HOSTILE)))
        else:
            attempt(lambda: runner.fp + rng.choice(HOSTILE))
    attempt(lambda: runner.run_until_end())
