"""GET /api/ops/sync/{name}: a run's summaries keep their four counts and add them under the run's own names."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import azure.functions as func

from functions.container import container
from tests.fakes import a_booking_run
from tests.functions.conftest import answer_body, trigger


def test_a_booking_run_is_answered_with_invoices_filed_named(app_settings: str) -> None:
    name = f"payments-bc-{uuid.uuid4().hex[:8]}"
    moment = datetime(2026, 12, 7, 6, tzinfo=UTC)
    run = a_booking_run(name, moment)
    container().sync_runs.record(run)
    request = func.HttpRequest("GET", f"http://localhost/api/ops/sync/{name}", route_params={"name": name}, body=b"")

    [answered] = answer_body(trigger("sync_runs")(request))["runs"]

    assert (answered["read"], answered["changed"], answered["pushed"], answered["failed"]) == (5, 2, 3, 1)
    assert answered["counts"] == {"looked at": 5, "invoices filed": 2, "booked": 3, "parked": 1}
