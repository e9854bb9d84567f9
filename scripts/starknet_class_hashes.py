#!/usr/bin/env python3
"""Records the class hash of every committed contract class, computed by StarkWare's cairo-lang
(`compute_class_hash`, the reference the Starknet OS follows), in
tests/fixtures/starknet/compiled/class_hashes.json: the oracle of Cairn's own class hash.

Usage: "$(scripts/cairo-lang-venv.sh)/bin/python" scripts/starknet_class_hashes.py
"""
import json
from pathlib import Path

from starkware.starknet.core.os.contract_class.class_hash import compute_class_hash
from starkware.starknet.services.api.contract_class.contract_class_utils import (
    load_sierra_from_dict,
)

compiled = Path(__file__).resolve().parent.parent / "tests/fixtures/starknet/compiled"
hashes = {}
for path in sorted(compiled.glob("*.contract_class.json")):
    sierra = json.loads(path.read_text())
    hashes[path.name] = hex(compute_class_hash(load_sierra_from_dict(sierra=sierra)))
(compiled / "class_hashes.json").write_text(json.dumps(hashes, indent=2) + "\n")
print(json.dumps(hashes, indent=2))
