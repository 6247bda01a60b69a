"""BC's webhook endpoint and queue through the real triggers and Azurite: the validation handshake, notifications
refused with a JSON error or logged and queued to `bc-notifications` before the 202, the poison handler."""

from __future__ import annotations

import json
import uuid

import azure.functions as func
import pytest
from azure.functions.timer import TimerRequest

from domain.models import StreamKey
from domain.records import EventStatus, StreamMessage
from functions.container import container
from integrations.settings import settings
from integrations.storage.account import BC_NOTIFICATIONS_QUEUE, StorageAccount
from integrations.storage.event_log import TableEventLog
from localdev.azurite import Azurite
from tests.functions.conftest import answer_body, queued_mentioning, trigger

CLIENT_STATE = "bc-client-state-for-tests"
COMPANY = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def bc_webhooks(app_settings: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KOPPEL_BC_WEBHOOK_CLIENT_STATE", CLIENT_STATE)
    settings.cache_clear()
    container.cache_clear()
    return app_settings


def _post(body: bytes, params: dict[str, str] | None = None) -> func.HttpResponse:
    request = func.HttpRequest(
        "POST",
        "http://localhost/api/webhooks/businesscentral",
        headers={"Content-Type": "application/json"},
        params=params or {},
        body=body,
    )
    response: func.HttpResponse = trigger("bc_notification")(request)
    return response


def _notification(client_state: str = CLIENT_STATE) -> bytes:
    """A batch naming one invoice, unique per call (BC's retries of one batch are the same bytes)."""
    entry = {
        "subscriptionId": uuid.uuid4().hex,
        "clientState": client_state,
        "expirationDateTime": "2026-12-02T12:00:00Z",
        "resource": f"api/v2.0/companies({COMPANY})/salesInvoices({uuid.uuid4()})",
        "changeType": "created",
        "lastModifiedDateTime": "2026-11-29T11:59:30Z",
    }
    return json.dumps({"value": [entry]}).encode()


def test_the_validation_handshake_is_answered_with_exactly_the_token_as_text(bc_webhooks: str):
    response = _post(b"", {"validationToken": "0a1b2c3d4e5f-token"})

    assert response.status_code == 200
    assert response.get_body() == b"0a1b2c3d4e5f-token"
    assert response.mimetype == "text/plain"


def test_a_notification_is_logged_and_queued_before_it_is_answered_202(bc_webhooks: str, azurite: Azurite):
    raw = _notification()

    first, again = _post(raw), _post(raw)

    assert (first.status_code, again.status_code) == (202, 200)
    answer = answer_body(first)
    assert (answer["duplicate"], answer_body(again)["duplicate"]) == (False, True)
    key = StreamKey.parse(answer["log"])
    assert (key.source, key.scope) == ("businesscentral", "notifications")
    log = TableEventLog(StorageAccount(azurite.connection_string))
    event = log.get(key, answer["eventId"])
    assert event is not None
    assert (event.topic, event.status) == ("businesscentral.notification", EventStatus.RECEIVED)
    stored = log.body(key, answer["eventId"])
    assert stored is not None
    assert json.loads(stored)["value"][0]["resource"] == json.loads(raw)["value"][0]["resource"]
    assert CLIENT_STATE.encode() not in stored
    assert len(queued_mentioning(azurite, BC_NOTIFICATIONS_QUEUE, answer["eventId"])) >= 1


def test_a_wrong_client_state_is_refused_401_and_nothing_is_stored(bc_webhooks: str, azurite: Azurite):
    raw = _notification(client_state="someone-guessing")

    response = _post(raw)

    assert response.status_code == 401
    assert answer_body(response)["error"]["code"] == "unauthenticated"
    subscription_id = json.loads(raw)["value"][0]["subscriptionId"]
    assert queued_mentioning(azurite, BC_NOTIFICATIONS_QUEUE, subscription_id) == []


@pytest.mark.parametrize("raw", [b"{not json", b'{"value": [{"resource": "x"}]}', b"[]"])
def test_a_malformed_body_is_refused_400_with_a_json_error(bc_webhooks: str, raw: bytes):
    response = _post(raw)

    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert answer_body(response)["error"]["code"] == "malformed"


def test_a_body_over_the_intake_limit_is_answered_503_never_413(bc_webhooks: str, monkeypatch: pytest.MonkeyPatch):
    """BC retries a notification only on 408, 429 and 5xx; any other answer makes it delete the subscription
    ("Working with webhooks", MicrosoftDocs/dynamics365smb-devitpro-pb dev-itpro/api-reference/v2.0/
    dynamics-subscriptions.md). A body Koppel will not take is answered 503: BC retries, the subscription stays, and
    the invoice poll files what the body named."""
    monkeypatch.setenv("KOPPEL_MAX_WEBHOOK_BYTES", "1024")
    settings.cache_clear()
    container.cache_clear()
    entries = json.loads(_notification())["value"] * 10

    response = _post(json.dumps({"value": entries}).encode())

    assert response.status_code == 503
    assert answer_body(response)["error"]["code"] == "too_large"


def test_without_a_client_state_setting_notifications_are_refused(app_settings: str):
    response = _post(_notification())

    assert response.status_code == 404
    assert answer_body(response)["error"]["code"] == "unknown_source"


def test_the_poison_handler_marks_the_notification_failed(bc_webhooks: str, azurite: Azurite):
    answer = answer_body(_post(_notification()))
    key = StreamKey.parse(answer["log"])
    message = StreamMessage(stream=key, event_id=answer["eventId"])

    trigger("bc_notification_poison")(func.QueueMessage(id="m1", body=message.model_dump_json().encode()))

    event = TableEventLog(StorageAccount(azurite.connection_string)).get(key, answer["eventId"])
    assert event is not None
    assert event.status is EventStatus.FAILED
    assert "gave up" in event.note


def test_without_a_notification_url_no_subscription_is_kept_and_the_timer_does_nothing(bc_webhooks: str):
    trigger("bc_subscriptions")(TimerRequest(past_due=False))

    assert container().subscription_keeping is None
    assert "bc-subscriptions" not in container().named_runs()


def test_with_a_notification_url_the_keeper_is_a_named_run(bc_webhooks: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KOPPEL_BC_NOTIFICATION_URL", "https://koppel.example.net/api/webhooks/businesscentral?code=k")
    settings.cache_clear()
    container.cache_clear()

    keeping = container().subscription_keeping

    assert keeping is not None
    assert keeping.resource("salesInvoices") == f"/api/v2.0/companies({COMPANY})/salesInvoices"
    assert "bc-subscriptions" in container().named_runs()
