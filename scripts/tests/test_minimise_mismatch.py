"""scripts/minimise-mismatch.py: the search itself, and a whole run against a stand-in `cairn`
whose backends disagree exactly when two marked lines are both in the program."""
import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "minimise-mismatch.py"
spec = importlib.util.spec_from_file_location("minimise_mismatch", SCRIPT)
minimise_mismatch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(minimise_mismatch)


def test_ddmin_finds_the_two_parts_that_matter():
    parts = list(range(40))
    calls = []

    def still_fails(candidate):
        calls.append(candidate)
        return 7 in candidate and 31 in candidate

    assert minimise_mismatch.ddmin(parts, still_fails) == [7, 31]
    assert len(calls) < 200


def test_ddmin_keeps_everything_when_everything_matters():
    parts = ["a", "b", "c"]
    assert minimise_mismatch.ddmin(parts, lambda c: c == parts) == parts


def test_top_level_items_keep_attributes_and_bodies_together():
    source = textwrap.dedent("""\
        use core::dict::Felt252Dict;
        #[derive(Drop)]
        struct S {
            a: u8,
        }
        // a comment
        fn f() -> u8 {
            1
        }
        fn g() {}
        """)
    items = minimise_mismatch.top_level_items(source)
    assert items == [
        "use core::dict::Felt252Dict;\n",
        "#[derive(Drop)]\nstruct S {\n    a: u8,\n}\n",
        "// a comment\nfn f() -> u8 {\n    1\n}\n",
        "fn g() {}\n",
    ]
    assert "".join(items) == source


FAKE_CAIRN = """\
import json, shutil, sys
from pathlib import Path
args = sys.argv[1:]
if args[0] == "compile":
    source = Path(args[1]).read_text()
    if source.count("{") != source.count("}"):
        print("error: unbalanced", file=sys.stderr)
        sys.exit(1)
    shutil.copy(args[1], args[args.index("-o") + 1])
    sys.exit(0)
source = Path(args[1]).read_text()
backend = args[args.index("--backend") + 1]
buggy = "BUG_A" in source and "BUG_B" in source
value = 2 if buggy and backend == "native" else 1
print(json.dumps({"status": "success", "values": [value], "steps": 5 if backend == "vm" else None}))
"""


def test_a_whole_run_shrinks_to_the_lines_that_disagree(tmp_path):
    fake = tmp_path / "fake-cairn"
    fake.write_text(f"#!{sys.executable}\n" + FAKE_CAIRN)
    fake.chmod(0o755)
    filler = "".join(f"fn filler_{n}() -> u8 {{\n    {n}\n}}\n" for n in range(12))
    program = tmp_path / "fuzz_9.cairo"
    program.write_text(
        '// cairn-call: f0 [{"u8": 1}] 1000\n'
        + filler
        + "fn f0() {\n    let x = 1; // BUG_A\n    let y = 2;\n}\n"
        + filler.replace("filler_", "more_")
        + "const C: u8 = 3; // BUG_B\n"
    )
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(program), "--cairn", str(fake)],
        capture_output=True, text=True, check=True)
    minimised = (tmp_path / "fuzz_9.min.cairo").read_text()
    body = [line for line in minimised.splitlines() if not line.startswith("//")]
    # The braces stay: without them the stand-in compiler refuses the program.
    assert body == [
        "fn f0() {", "    let x = 1; // BUG_A", "}", "const C: u8 = 3; // BUG_B"], done.stdout
    assert minimised.startswith('// cairn-call: f0 [{"u8": 1}] 1000\n')
    assert '"values": [2]' in minimised and '"values": [1]' in minimised


def test_programs_the_backends_agree_on_are_refused(tmp_path):
    fake = tmp_path / "fake-cairn"
    fake.write_text(f"#!{sys.executable}\n" + FAKE_CAIRN)
    fake.chmod(0o755)
    program = tmp_path / "agree.cairo"
    program.write_text("// cairn-call: main [] 1000\nfn main() {}\n")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(program), "--cairn", str(fake)],
        capture_output=True, text=True)
    assert done.returncode != 0
    assert "the backends agree on this call" in done.stderr
    program.write_text("// cairn-call: main [] 1000\nfn main() {\n")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(program), "--cairn", str(fake)],
        capture_output=True, text=True)
    assert done.returncode != 0
    assert "does not compile" in done.stderr
