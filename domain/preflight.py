"""Preflight: the read-only checks of an installation, each passed or failed with what to do about it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, model_validator


class Check(BaseModel):
    """One check: `detail` says what was seen; a failed check's `fix` says what to do (empty when passed)."""

    model_config = ConfigDict(frozen=True)

    name: str
    passed: bool
    detail: str
    fix: str = ""

    @model_validator(mode="after")
    def _failed_says_what_to_do(self) -> Check:
        if not self.passed and not self.fix:
            raise ValueError(f"failed check {self.name} names no fix")
        return self


def passed(name: str, detail: str) -> Check:
    return Check(name=name, passed=True, detail=detail)


def failed(name: str, detail: str, fix: str) -> Check:
    return Check(name=name, passed=False, detail=detail, fix=fix)


class PreflightChecks(Protocol):
    """The checks of one remote (BC, the shops, the payment providers, storage), run when iterated."""

    what: str
    """The remote, as a person names it ("Business Central")."""

    def checks(self) -> Iterable[Check]: ...


def preflight(remotes: Iterable[PreflightChecks]) -> dict[str, Any]:
    """The answer of the remotes' checks, run one after the other."""
    return answer([check for remote in remotes for check in remote.checks()])


def answer(checks: Iterable[Check]) -> dict[str, Any]:
    """Whether every check passed, how many failed, and the checks in the order given."""
    listed = [check.model_dump(mode="json") for check in checks]
    failures = sum(1 for check in listed if not check["passed"])
    return {"passed": failures == 0, "failed": failures, "checks": listed}
