"""The preflight's answer: every check {name, passed, detail, fix}, a failed one always with a fix."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from pydantic import ValidationError

from domain.preflight import Check, failed, passed, preflight


class _Remote:
    what = "a remote"

    def __init__(self, *checks: Check) -> None:
        self._checks = checks

    def checks(self) -> Iterable[Check]:
        return self._checks


def test_the_answer_lists_every_check_in_order_and_counts_the_failed():
    bc = _Remote(passed("BC token", "token obtained"), failed("BC company", "404", "set KOPPEL_BC_COMPANY_ID"))
    keys = _Remote(passed("Mollie account a: API key", "the key is accepted"))

    answer = preflight([bc, keys])

    assert answer == {
        "passed": False,
        "failed": 1,
        "checks": [
            {"name": "BC token", "passed": True, "detail": "token obtained", "fix": ""},
            {"name": "BC company", "passed": False, "detail": "404", "fix": "set KOPPEL_BC_COMPANY_ID"},
            {"name": "Mollie account a: API key", "passed": True, "detail": "the key is accepted", "fix": ""},
        ],
    }


def test_all_passed_and_nothing_to_check_pass():
    assert preflight([_Remote(passed("BC token", "token obtained"))])["passed"] is True
    assert preflight([]) == {"passed": True, "failed": 0, "checks": []}


def test_a_failed_check_must_say_what_to_do():
    with pytest.raises(ValidationError, match="names no fix"):
        Check(name="BC company", passed=False, detail="404")
