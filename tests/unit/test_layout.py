"""The layout keeps its promises: core modules stay small enough to read in one
sitting (about 300 lines), no file grows past 400, and the core never imports the
UI, Reflex or Celery (it must run in the worker and in tests without them)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support import ROOT

CORE_LIMIT = 300
ANY_LIMIT = 400
SOURCES = sorted(
    path
    for folder in ("rehome", "worker", "bench")
    for path in (ROOT / folder).rglob("*.py")
    if ".web" not in path.parts
)


def _lines(path: Path) -> int:
    return len(path.read_text().splitlines())


def test_no_core_module_is_over_the_limit() -> None:
    core = [p for p in SOURCES if "core" in p.relative_to(ROOT).parts]
    too_long = {str(p.relative_to(ROOT)): _lines(p) for p in core if _lines(p) > CORE_LIMIT}
    assert too_long == {}


def test_no_file_is_over_the_limit() -> None:
    too_long = {str(p.relative_to(ROOT)): _lines(p) for p in SOURCES if _lines(p) > ANY_LIMIT}
    assert too_long == {}


@pytest.mark.parametrize("forbidden", ["reflex", "rehome.ui", "rehome.api", "celery", "worker"])
def test_the_core_imports_no_outer_layer(forbidden: str) -> None:
    found = []
    for path in (ROOT / "rehome" / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            found += [
                f"{path.relative_to(ROOT)}: {n}"
                for n in names
                if n == forbidden or n.startswith(forbidden + ".")
            ]
    assert found == []
