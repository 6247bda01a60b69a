"""Each timed run names its four counts for what they count; summaries keep them in the same four places."""

import logging
from datetime import UTC, datetime

import pytest

from domain.runs import PORTAL_CATALOG_COUNTS, RunTally
from functions.run_log import log_run
from tests.fakes import a_booking_run

STARTED = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


def test_the_booking_run_logs_invoices_filed_not_changed(caplog: pytest.LogCaptureFixture) -> None:
    run = a_booking_run("payments-bc", STARTED)

    with caplog.at_level(logging.INFO, logger="koppel.runs"):
        log_run(run, past_due=False)

    assert caplog.messages == ["payments-bc: looked at 5, invoices filed 2, booked 3, parked 1 in 0.0 s"]


def test_a_tally_leaves_its_counts_named_and_its_summary_json_as_before() -> None:
    tally = RunTally(PORTAL_CATALOG_COUNTS, read=4, changed=2, pushed=2)

    run = tally.summary("portal-catalog", STARTED, STARTED, completed=True)

    assert run.counts == {"read": 4, "changed": 2, "stored": 2, "failed": 0}
    assert set(run.model_dump()) == {
        "name",
        "started_at",
        "finished_at",
        "full",
        "read",
        "changed",
        "pushed",
        "failed",
        "completed",
        "problems",
    }
