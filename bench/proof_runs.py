"""What the refund proofs' benchmarks share: a fresh working folder under .localdev/, the run, its report printed
with up to 20 of each broken invariant, and exit status 1 when an invariant broke."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from localdev.azurite import ROOT


class ProofReport(Protocol):
    @property
    def broken(self) -> Mapping[str, Sequence[object]]: ...

    @property
    def held(self) -> bool: ...

    def lines(self) -> list[str]: ...


Say = Callable[[str], None]


def run_proof(name: str, plan: object, run: Callable[[Path, Say], ProofReport]) -> None:
    """Run the proof `name` in .localdev/<name>/ (emptied first; Azurite's data and the host log stay there)."""
    workdir = ROOT / ".localdev" / name
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    print(f"# {name}: {plan}", flush=True)
    report = run(workdir, lambda line: print(line, flush=True))
    print("\n".join(report.lines()))
    for broken, entries in report.broken.items():
        for entry in entries[:20]:
            print(f"  {broken}: {entry}")
    print(f"host log: {workdir / 'host.log'}")
    if not report.held:
        sys.exit(1)
