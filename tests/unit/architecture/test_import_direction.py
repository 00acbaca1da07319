"""Dependencies point inward: the domain knows nothing of the world, services no adapter."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3] / "src" / "platewarden"
# For each layer: which first-party packages it may import.
ALLOWED = {
    "domain": {"domain"},
    "services": {"domain", "services"},
    "adapters": {"domain", "services", "adapters"},
    "recognition": {"domain", "recognition", "synth"},
    "synth": {"domain", "synth"},
    "camera": {"domain", "camera"},
    "ops": {"domain", "services", "adapters", "config", "bootstrap", "ops"},
    # Console pages call services through the API's access markers, never adapters.
    "web": {"domain", "services", "api", "web"},
}
DOMAIN_STDLIB_ONLY = {"__future__", "collections", "dataclasses", "datetime", "decimal",
                      "enum", "hashlib", "json", "math", "re", "typing", "itertools",
                      "functools", "abc", "types", "operator", "bisect", "heapq", "uuid",
                      "hmac"}


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def modules(layer: str) -> list[Path]:
    return sorted((SRC / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_inward(layer: str) -> None:
    assert modules(layer), f"no modules found in {layer}"
    for path in modules(layer):
        for name in imports_of(path):
            parts = name.split(".")
            if parts[0] != "platewarden" or len(parts) < 2:
                continue
            assert parts[1] in ALLOWED[layer], (
                f"{path.relative_to(SRC)} imports {name}: {layer} may not depend on {parts[1]}")


def test_domain_uses_the_standard_library_only() -> None:
    for path in modules("domain"):
        for name in imports_of(path):
            top = name.split(".")[0]
            assert top == "platewarden" or top in DOMAIN_STDLIB_ONLY, (
                f"{path.relative_to(SRC)} imports {name}: the domain has no I/O or frameworks")


def test_a_violation_would_be_caught(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from platewarden.adapters.db import tables\nimport sqlalchemy\n")
    assert "platewarden.adapters.db" in imports_of(bad)
    assert "sqlalchemy" in imports_of(bad)
