"""The layer map in docs/architecture.md cannot go stale: every production module is named in it, every module it
names exists, and no import points outward (domain -> integrations / functions / I/O; integrations -> functions).

The map is the first fenced block under "## Layers". Each line names one folder (ending in `/`) or one module by
its path relative to the folder above it, two spaces deeper than that folder; a line indented further than that
carries on the description of the entry above it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
PRODUCTION_FOLDERS = ("domain", "integrations", "functions")
PRODUCTION_FILES = ("function_app.py",)
INDENT = 2

_NOT_DEPLOYED = ("localdev", "tests", "bench")
FORBIDDEN_IMPORTS: Mapping[str, tuple[str, ...]] = {
    "domain": (
        "integrations",
        "functions",
        "function_app",
        *_NOT_DEPLOYED,
        "azure",
        "httpx",
        "requests",
        "stripe",
        "pydantic_settings",
        "os",
        "socket",
        "time",
        "urllib.request",
        "http.client",
    ),
    "integrations": ("functions", "function_app", *_NOT_DEPLOYED),
    "functions": _NOT_DEPLOYED,
    "function_app": _NOT_DEPLOYED,
}
"""Per layer (the first part of a module's path), the modules it must not import."""

CLOCK_READS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today")}
"""Calls that read the clock; the domain gets the time from its Clock port."""

_ENTRY = re.compile(r"(?P<name>[\w.-]+(?:/|\.py))(?:\s{2,}(?P<text>\S.*))?")


class MapError(ValueError):
    """The layer map cannot be read."""


def map_block(markdown: str) -> list[str]:
    """The lines of the first fenced block under the "## Layers" heading."""
    after_heading = markdown.split("\n## Layers\n", 1)
    if len(after_heading) != 2:
        raise MapError('no "## Layers" heading')
    fences = after_heading[1].split("```")
    if len(fences) < 3:
        raise MapError('no fenced block under "## Layers"')
    return fences[1].split("\n")[1:]


def named_paths(lines: list[str]) -> list[str]:
    """Every folder and module the map names, as paths from the repository root (folders end in `/`)."""
    folders: list[str] = []
    paths: list[str] = []
    description_column = 0
    for number, line in enumerate(lines, start=1):
        indent = len(line) - len(line.lstrip(" "))
        if not line.strip() or (paths and indent >= description_column):
            continue  # carries on the description above
        entry = _ENTRY.fullmatch(line[indent:])
        if entry is None or indent % INDENT or indent > INDENT * len(folders):
            raise MapError(f"map line {number} names no folder/ or module.py at its level: {line.strip()!r}")
        del folders[indent // INDENT :]
        paths.append("".join(folders) + entry["name"])
        if entry["name"].endswith("/"):
            folders.append(entry["name"])
        description_column = indent + (entry.start("text") if entry["text"] else len(entry["name"]) + 2)
    return paths


def production_modules(root: Path) -> set[str]:
    """Every deployed Python module but packages' __init__.py, as paths from the repository root."""
    modules = {name for name in PRODUCTION_FILES if (root / name).is_file()}
    for folder in PRODUCTION_FOLDERS:
        modules |= {path.relative_to(root).as_posix() for path in (root / folder).rglob("*.py")}
    return {module for module in modules if not module.endswith("/__init__.py")}


def map_problems(named: list[str], modules: set[str], exists: set[str]) -> list[str]:
    """What is wrong between the map and the tree: modules left out, names of nothing, names given twice."""
    problems = [f"not in the layer map: {module}" for module in sorted(modules - set(named))]
    problems += [f"named in the layer map but not in the tree: {path}" for path in named if path not in exists]
    problems += [f"named twice in the layer map: {path}" for path in sorted({p for p in named if named.count(p) > 1})]
    return problems


def imported_modules(path: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """(line, dotted names) for every import in one file, relative ones resolved: `import a.b` gives [a.b],
    `from a import b, c` gives [a, a.b, a.c] (b may be a module)."""
    package = path.removesuffix(".py").split("/")[:-1]
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, [alias.name]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield node.lineno, [module, *(f"{module}.{alias.name}" for alias in node.names)]


def clock_reads(path: str, source: str) -> Iterator[tuple[int, str]]:
    """(line, call) for every `datetime.now()`-like call in one file."""
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            name = receiver.id if isinstance(receiver, ast.Name) else getattr(receiver, "attr", "")
            if (name, node.func.attr) in CLOCK_READS:
                yield node.lineno, f"{name}.{node.func.attr}()"


def _within(module: str, forbidden: str) -> bool:
    return module == forbidden or module.startswith(forbidden + ".")


def wrong_way_imports(sources: Mapping[str, str]) -> list[str]:
    """Every import that points outward, and every clock read in the domain, as `path:line: what`."""
    problems: list[str] = []
    for path, source in sorted(sources.items()):
        layer = path.removesuffix(".py").split("/")[0]
        forbidden = FORBIDDEN_IMPORTS.get(layer, ())
        for line, names in imported_modules(path, source):
            hit = next((name for name in names if any(_within(name, outward) for outward in forbidden)), None)
            if hit is not None:
                problems.append(f"{path}:{line}: imports {hit}, which {layer}/ must not")
        if layer == "domain":
            problems += [f"{path}:{line}: reads the clock: {call}" for line, call in clock_reads(path, source)]
    return problems


def _production_sources(root: Path) -> dict[str, str]:
    files = [root / name for name in PRODUCTION_FILES]
    files += [path for folder in PRODUCTION_FOLDERS for path in (root / folder).rglob("*.py")]
    return {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8") for path in files if path.is_file()}


def _existing(root: Path, named: list[str]) -> set[str]:
    return {path for path in named if (root / path).is_dir() == path.endswith("/") and (root / path).exists()}


def test_the_layer_map_names_every_production_module_and_only_those_that_exist() -> None:
    named = named_paths(map_block(ARCHITECTURE.read_text(encoding="utf-8")))
    problems = map_problems(named, production_modules(ROOT), _existing(ROOT, named))
    fix = "name each module left out on a line under its folder, and take out the names of modules that are gone"
    assert not problems, f"docs/architecture.md, Layers, is out of step with the tree ({fix}):\n" + "\n".join(problems)


def test_no_production_import_points_outward() -> None:
    problems = wrong_way_imports(_production_sources(ROOT))
    assert not problems, "imports against the layer rule (docs/architecture.md, Layers):\n" + "\n".join(problems)


FABRICATED_MAP = """# Architecture

## Layers

```
function_app.py        the app
domain/                pure
  models.py            the order;
                       payments.py is not a name here, it carries on a description
  orders/
    sync_order.py      the worker's use case
integrations/
  settings.py
```
"""


def test_the_map_is_read_as_paths_from_its_folders() -> None:
    assert named_paths(map_block(FABRICATED_MAP)) == [
        "function_app.py",
        "domain/",
        "domain/models.py",
        "domain/orders/",
        "domain/orders/sync_order.py",
        "integrations/",
        "integrations/settings.py",
    ]


def test_a_module_left_out_of_the_map_and_a_name_of_nothing_are_reported() -> None:
    named = named_paths(map_block(FABRICATED_MAP))
    modules = {"function_app.py", "domain/models.py", "domain/orders/customers.py", "integrations/settings.py"}
    exists = set(named) - {"domain/orders/sync_order.py"}

    assert map_problems(named, modules, exists) == [
        "not in the layer map: domain/orders/customers.py",
        "named in the layer map but not in the tree: domain/orders/sync_order.py",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "  orders.txt           not a module",
        "   models.py            off by one space",
        "    deeper/          two levels",
    ],
)
def test_a_map_line_that_names_nothing_readable_is_refused(line: str) -> None:
    with pytest.raises(MapError, match="map line 2"):
        named_paths(["domain/", line])


def test_imports_pointing_outward_are_reported_with_their_place() -> None:
    sources = {
        "domain/orders/sync_order.py": "from domain import models\nfrom integrations.storage import order_store\n",
        "domain/payments/record.py": "import os\nfrom datetime import datetime\nnow = datetime.now()\n",
        "domain/catalog/listing.py": "from ..models import Order\nfrom ...functions import container\n",
        "integrations/storage/order_store.py": "from domain import ports\nfrom functions.container import x\n",
        "functions/container.py": "from integrations.settings import Settings\nfrom domain.ports import Clock\n",
    }

    assert wrong_way_imports(sources) == [
        "domain/catalog/listing.py:2: imports functions, which domain/ must not",
        "domain/orders/sync_order.py:2: imports integrations.storage, which domain/ must not",
        "domain/payments/record.py:1: imports os, which domain/ must not",
        "domain/payments/record.py:3: reads the clock: datetime.now()",
        "integrations/storage/order_store.py:2: imports functions.container, which integrations/ must not",
    ]
