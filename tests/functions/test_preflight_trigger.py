"""GET /api/ops/preflight: 200 with the checks, whether they pass or not; no secret in the answer."""

from __future__ import annotations

import azure.functions as func

from tests.functions.conftest import answer_body, trigger


def test_the_preflight_answers_its_checks_and_says_what_to_do(app_settings):
    request = func.HttpRequest("GET", "http://localhost/api/ops/preflight", body=b"")

    response: func.HttpResponse = trigger("preflight_checks")(request)

    assert response.status_code == 200
    answer = answer_body(response)
    assert answer["passed"] is False
    token = answer["checks"][0]
    assert token["name"] == "BC token (app registration) and BC company"  # BC not reached: either may be wrong
    assert token["passed"] is False
    assert "KOPPEL_BC_API_URL" in token["fix"]
    assert "unused" not in response.get_body().decode()
