"""What a timed run (a catalog push, the portal's catalog) counts as it goes, and the summary it leaves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.records import SyncRun

PROBLEMS_KEPT = 20
"""The first problems of a run are kept in its summary; the counts say how many there were."""


@dataclass
class RunTally:
    read: int = 0
    changed: int = 0
    pushed: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(text)

    def summary(
        self, name: str, started_at: datetime, finished_at: datetime, completed: bool, full: bool = True
    ) -> SyncRun:
        return SyncRun(
            name=name,
            started_at=started_at,
            finished_at=finished_at,
            full=full,
            read=self.read,
            changed=self.changed,
            pushed=self.pushed,
            failed=self.failed,
            completed=completed,
            problems=tuple(self.problems),
        )
