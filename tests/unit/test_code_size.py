"""Production code stays in pieces a reader takes in at once: no module over 350 lines, no function over 60.

A file that outgrows this is doing more than one thing: split it by concern (as domain/orders/ is), not by line
count alone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = ("domain", "integrations", "functions")
MAX_MODULE_LINES = 350
MAX_FUNCTION_LINES = 60


def production_modules() -> list[Path]:
    modules = [ROOT / "function_app.py"]
    for folder in PRODUCTION:
        modules.extend(sorted((ROOT / folder).rglob("*.py")))
    return modules


def long_functions(source: str) -> list[tuple[str, int]]:
    """Each function or method longer than the limit, with its length in lines (decorators excluded)."""
    too_long = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                too_long.append((node.name, length))
    return too_long


@pytest.mark.parametrize("module", production_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_a_production_module_is_short(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module.relative_to(ROOT)} has {lines} lines (limit {MAX_MODULE_LINES})"


@pytest.mark.parametrize("module", production_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_a_production_function_is_short(module: Path) -> None:
    assert long_functions(module.read_text(encoding="utf-8")) == []


def test_a_long_function_is_reported_with_its_length() -> None:
    body = "\n".join(f"    x{n} = {n}" for n in range(MAX_FUNCTION_LINES))
    source = f"def short() -> None:\n    pass\n\n\ndef long() -> None:\n{body}\n"

    assert long_functions(source) == [("long", MAX_FUNCTION_LINES + 1)]
