"""`make package`: dist/koppel.zip, the files `func azure functionapp publish` uploads for a remote build.

Core Tools walks the project folder, always leaves out the folders .git and .vscode and the files .funcignore,
.gitignore, local.settings.json and project.lock.json, and leaves out what .funcignore (gitignore syntax) matches.
The remote build on Flex Consumption then installs requirements.txt (which reads constraints.txt) on Azure, so the
package holds source only. azd packs a Functions service the same way, by its .funcignore.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pathspec

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dist" / "koppel.zip"
ALWAYS_LEFT_OUT_FOLDERS = frozenset({".git", ".vscode"})
ALWAYS_LEFT_OUT_FILES = frozenset({".funcignore", ".gitignore", "local.settings.json", "project.lock.json"})


def funcignore(root: Path) -> pathspec.GitIgnoreSpec:
    """The project's .funcignore, read as .gitignore syntax."""
    return pathspec.GitIgnoreSpec.from_lines((root / ".funcignore").read_text(encoding="utf-8").splitlines())


def packaged_files(root: Path) -> list[str]:
    """Every file the package holds, relative to root with forward slashes, sorted."""
    ignored = funcignore(root)
    found: list[str] = []
    for folder, folders, files in os.walk(root):
        relative = Path(folder).relative_to(root)
        folders[:] = [
            name
            for name in folders
            if name.lower() not in ALWAYS_LEFT_OUT_FOLDERS
            and not ignored.match_file(f"{(relative / name).as_posix()}/")
        ]
        for name in files:
            path = (relative / name).as_posix()
            if name.lower() not in ALWAYS_LEFT_OUT_FILES and not ignored.match_file(path):
                found.append(path)
    return sorted(found)


def build(root: Path, target: Path) -> list[str]:
    """Write the package of the project at root to target; returns the files it holds."""
    files = packaged_files(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for path in files:
            package.write(root / path, arcname=path)
    partial.replace(target)
    return files


def main() -> None:
    files = build(ROOT, PACKAGE)
    print(f"{PACKAGE.relative_to(ROOT)}: {len(files)} files")


if __name__ == "__main__":
    main()
