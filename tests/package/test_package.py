"""The deployment package: what `make package` zips is what Azure runs, with only requirements.txt installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from localdev.package import ALWAYS_LEFT_OUT_FILES, ROOT, build, funcignore

# Prints the name of every function the app registers, one a line, as the Functions host indexes them.
LIST_FUNCTIONS = (
    "import function_app\n"
    "for function in function_app.app.get_functions():\n"
    "    print(function.get_function_name() or function.get_user_function().__name__)\n"
)
DEVELOPMENT_ONLY = ("localdev/", "tests/", "bench/", "docs/", "infra/", "bc-extension/", ".venv/", "node_modules/")


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package, built from this work tree and unpacked into a folder of its own."""
    target = tmp_path_factory.mktemp("package")
    build(ROOT, target / "koppel.zip")
    with zipfile.ZipFile(target / "koppel.zip") as archive:
        archive.extractall(target / "app")
    return target / "app"


@pytest.fixture(scope="module")
def production_python(package: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with only the package's requirements.txt (and its constraints) installed."""
    venv = tmp_path_factory.mktemp("production-venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)  # noqa: S603 - fixed argv, no shell
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "install", "--no-compile", "-r", "requirements.txt"], cwd=package, check=True)  # noqa: S603 - fixed argv
    return python


def registered_functions(python: Path, app_folder: Path) -> subprocess.CompletedProcess[str]:
    """Import function_app from app_folder with python (no PYTHON* variables, no user site, no .pyc written)."""
    command = [str(python), "-E", "-s", "-B", "-c", LIST_FUNCTIONS]
    return subprocess.run(  # noqa: S603 - fixed argv, no shell
        command, cwd=app_folder, capture_output=True, text=True, check=False, timeout=60
    )


def packaged(package: Path) -> set[str]:
    """The files in the zip the package folder was unpacked from."""
    with zipfile.ZipFile(package.parent / "koppel.zip") as archive:
        return set(archive.namelist())


@pytest.mark.timeout(300)
def test_the_package_imports_with_only_requirements_txt_and_registers_every_function(
    package: Path, production_python: Path
):
    in_production = registered_functions(production_python, package)
    in_development = registered_functions(Path(sys.executable), ROOT)

    assert in_production.returncode == 0, in_production.stderr
    assert in_development.returncode == 0, in_development.stderr
    print(in_production.stdout)
    assert in_production.stdout.split() == in_development.stdout.split()
    assert len(in_production.stdout.split()) > 10


@pytest.mark.timeout(300)
@pytest.mark.parametrize("development_import", ["pytest", "localdev.azurite", "tests.support.clocks"])
def test_a_production_import_of_a_development_only_package_fails(
    package: Path, production_python: Path, tmp_path: Path, development_import: str
):
    app = shutil.copytree(package, tmp_path / "app")
    function_app = app / "function_app.py"
    function_app.write_text(f"import {development_import}\n{function_app.read_text(encoding='utf-8')}", "utf-8")

    answer = registered_functions(production_python, app)

    assert answer.returncode != 0
    assert f"No module named '{development_import.split('.', maxsplit=1)[0]}'" in answer.stderr


def test_the_package_holds_no_development_file(package: Path):
    files = packaged(package)

    assert [path for path in files if path.startswith(DEVELOPMENT_ONLY)] == []
    assert [path for path in files if Path(path).name in ALWAYS_LEFT_OUT_FILES] == []
    assert [path for path in files if funcignore(ROOT).match_file(path)] == []
    assert {"function_app.py", "host.json", "requirements.txt", "constraints.txt"} <= files


def test_the_package_holds_every_tracked_file_funcignore_keeps(package: Path):
    listing = subprocess.run(
        ["git", "ls-files"],  # noqa: S607 - git from PATH, as CI has it
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    tracked = listing.stdout
    ignored = funcignore(ROOT)
    kept = {
        path
        for path in tracked.splitlines()
        if (ROOT / path).is_file() and Path(path).name not in ALWAYS_LEFT_OUT_FILES and not ignored.match_file(path)
    }

    assert kept - packaged(package) == set()


def core_tools_denies(funcignore_lines: list[str], path: str) -> bool:
    """Core Tools' reading of .funcignore (GitIgnoreParser.cs): each pattern a regex anchored at the path's start."""
    patterns = [line.strip() for line in funcignore_lines if line.strip() and not line.strip().startswith("#")]

    def regex(chosen: list[str]) -> re.Pattern[str]:
        escaped = (re.sub(r"[\-\[\]/{}()+?.\\^$|]", r"\\\g<0>", pattern.lstrip("/")) for pattern in chosen)
        alternatives = [text.replace("**", "(.+)").replace("*", "([^/]+)") for text in escaped]
        return re.compile("^((" + ")|(".join(alternatives) + "))") if alternatives else re.compile("$^")

    denied = regex([pattern for pattern in patterns if not pattern.startswith("!")])
    kept = regex([pattern[1:] for pattern in patterns if pattern.startswith("!")])
    return not kept.match(path) and bool(denied.match(path))


def work_tree_files() -> list[str]:
    """Every file Core Tools looks at (it skips .git and .vscode), but for the venv and node_modules."""
    found = []
    for folder, folders, files in os.walk(ROOT):
        folders[:] = [name for name in folders if name not in {".git", ".vscode", ".venv", "node_modules"}]
        found += [(Path(folder).relative_to(ROOT) / name).as_posix() for name in files]
    return found


def test_func_and_azd_read_funcignore_alike():
    """func publish reads .funcignore with its own parser, azd as .gitignore syntax: they leave out the same files."""
    lines = (ROOT / ".funcignore").read_text(encoding="utf-8").splitlines()
    ignored = funcignore(ROOT)

    files = work_tree_files()

    assert [path for path in files if core_tools_denies(lines, path) != ignored.match_file(path)] == []
    assert core_tools_denies(["tests"], "tests/unit/test_x.py")
    assert not core_tools_denies(["__pycache__"], "domain/__pycache__/models.cpython-311.pyc")
