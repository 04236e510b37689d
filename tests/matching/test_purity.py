"""matching/ is a pure library: stdlib, numpy, scipy, scikit-learn and networkx only."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

MATCHING = Path(__file__).resolve().parents[2] / "matching"
ALLOWED_THIRD_PARTY = {"numpy", "scipy", "sklearn", "networkx"}
FORBIDDEN = {"fastapi", "sqlmodel", "sqlalchemy", "starlette", "convene", "api", "web"}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


SOURCES = sorted(MATCHING.rglob("*.py"))


def test_sources_found() -> None:
    assert MATCHING / "__init__.py" in SOURCES


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_imports_only_allowed_modules(path: Path) -> None:
    roots = _imported_roots(path)
    allowed = set(sys.stdlib_module_names) | ALLOWED_THIRD_PARTY | {"matching", "__future__"}
    assert roots - allowed == set()
    assert roots & FORBIDDEN == set()


def test_importing_matching_loads_no_app_code() -> None:
    code = (
        "import json, sys, matching, matching.evaluation, matching._synthetic;"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=MATCHING.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(json.loads(out.stdout))
    assert loaded & FORBIDDEN == set()
