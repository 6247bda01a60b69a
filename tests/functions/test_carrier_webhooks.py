"""Sendcloud's webhooks through the real triggers and Azurite: stored raw and queued to `carrier-events` before the
202, refused with a JSON error otherwise; the worker records and matches each event; what matches no order is
listed for a person; an exception puts the order on the attention list; the simulator's webhooks are accepted."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import azure.functions as func
import httpx
import pytest

from domain.intake.signatures import hex_hmac_sha256
from domain.models import OrderStatus, StreamKey, WebOrderKey
from domain.records import OrderRecord
from functions.container import container
from integrations.settings import settings
from integrations.storage.account import CARRIER_EVENTS_QUEUE, StorageAccount
from localdev.azurite import Azurite
from localdev.simulators.sendcloud import SendcloudSimulator
from tests.functions.conftest import answer_body, trigger
from tests.simulators.shop_support import Receiver

SECRET = "sendcloud-functions-secret"
SECONDS = 1_796_637_600


@pytest.fixture
def account(app_settings: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A Sendcloud account of its own per test, so no test sees another's parcels."""
    name = f"sc-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("KOPPEL_SENDCLOUD_ACCOUNTS", name)
    monkeypatch.setenv(f"KOPPEL_SENDCLOUD_WEBHOOK_SECRET_{name.upper().replace('-', '_')}", SECRET)
    settings.cache_clear()
    container.cache_clear()
    return name


def _post(account: str, body: bytes, headers: dict[str, str]) -> func.HttpResponse:
    request = func.HttpRequest(
        "POST",
        f"http://localhost/api/webhooks/sendcloud/{account}",
        headers=headers,
        route_params={"account": account},
        body=body,
    )
    response: func.HttpResponse = trigger("sendcloud_webhook")(request)
    return response


def _signed(payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    return body, {"Content-Type": "application/json", "Sendcloud-Signature": hex_hmac_sha256(body, SECRET)}


def _status_changed(status_id: int, message: str, *, order: str, parcel: int = 5001, at: int = SECONDS) -> bytes:
    status = {"id": status_id, "message": message}
    fields = {"id": parcel, "tracking_number": "3STEST1", "order_number": order, "status": status}
    return json.dumps({"action": "parcel_status_changed", "timestamp": at * 1000, "parcel": fields}).encode()


def _deliver(account: str, body: bytes) -> func.HttpResponse:
    return _post(account, body, {"Sendcloud-Signature": hex_hmac_sha256(body, SECRET)})


def _work_off(azurite: Azurite, event_id: str) -> None:
    """Take the event's message off `carrier-events` and run the worker on it, as the host would."""
    queue = StorageAccount(azurite.connection_string).queue(CARRIER_EVENTS_QUEUE)
    for message in queue.receive_messages(max_messages=32):
        text = base64.b64decode(message.content)
        if event_id.encode() in text:
            queue.delete_message(message)
            trigger("carrier_event_worker")(func.QueueMessage(id=message.id, body=text))
            return
    raise AssertionError("the accepted webhook was not enqueued")


def _order_in_bc(shop: str, document_number: str) -> WebOrderKey:
    key = WebOrderKey(source="woocommerce", shop=shop, order_id=uuid.uuid4().hex[:10])
    orders = container().orders
    orders.create(OrderRecord(key=key, status=OrderStatus.IN_BC, web_number=document_number))
    orders.claim_document(document_number, key)
    return key


def _unmatched() -> dict[str, Any]:
    request = func.HttpRequest("GET", "http://localhost/api/ops/carrier-events/unmatched", body=b"")
    return answer_body(trigger("unmatched_carrier_events")(request))


def test_a_signed_delivery_is_accepted_once_and_stored_raw(account: str, azurite: Azurite):
    body = _status_changed(3, "En route to sorting center", order="X-1")
    first, again = _deliver(account, body), _deliver(account, body)
    assert (first.status_code, again.status_code) == (202, 200)
    assert answer_body(first)["parcel"] == f"sendcloud:{account}:5001"
    assert answer_body(again) == answer_body(first) | {"duplicate": True}
    stream = StreamKey(source="sendcloud", scope=account, subject="5001")
    assert [event.event_id for event in container().events.for_stream(stream)] == [answer_body(first)["eventId"]]
    assert container().events.body(stream, answer_body(first)["eventId"]) == body


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Sendcloud-Signature": "0" * 64}, 401), ({"Sendcloud-Signature": None}, 400)],
    ids=["unsigned", "forged", "malformed"],
)
def test_a_refused_delivery_answers_a_json_error_and_stores_nothing(
    account: str, headers: dict[str, str | None], status: int
):
    body = b"{not json" if status == 400 else _status_changed(80, "Unable to deliver", order="X-2", parcel=5002)
    sent = {name: value or hex_hmac_sha256(body, SECRET) for name, value in headers.items()}
    answer = _post(account, body, sent)
    assert answer.status_code == status
    assert set(answer_body(answer)["error"]) == {"code", "message"}
    stream = StreamKey(source="sendcloud", scope=account, subject="5002")
    assert container().events.for_stream(stream) == []


def test_an_unknown_account_is_404(account: str):
    answer = _deliver(f"{account}-other", _status_changed(11, "Delivered", order="X-3"))
    assert answer.status_code == 404
    assert answer_body(answer)["error"]["code"] == "unknown_source"


def test_another_action_is_acknowledged(account: str):
    body, headers = _signed({"action": "integration_updated", "timestamp": SECONDS, "integration": {"id": 4}})
    answer = _post(account, body, headers)
    assert answer.status_code == 200
    assert answer_body(answer)["status"] == "ignored"


def test_the_worker_records_the_event_on_the_order_of_its_bc_document_number(
    account: str, app_settings: str, azurite: Azurite
):
    order = _order_in_bc(app_settings, f"SC-{uuid.uuid4().hex[:6]}".upper())
    accepted = _deliver(account, _status_changed(92, "Driver en route", order=order_number(order)))
    _work_off(azurite, answer_body(accepted)["eventId"])
    [recorded] = container().carrier_events.for_order(order)
    assert (recorded.event.status_id, recorded.event.phase.value) == (92, "out_for_delivery")
    assert recorded.event.happened_at.timestamp() == SECONDS, "a millisecond timestamp read as such"


def test_an_exception_puts_the_order_on_the_attention_list(account: str, app_settings: str, azurite: Azurite):
    order = _order_in_bc(app_settings, f"SC-{uuid.uuid4().hex[:6]}".upper())
    body = _status_changed(80, "Unable to deliver", order=order_number(order), parcel=5003)
    _work_off(azurite, answer_body(_deliver(account, body))["eventId"])
    [item] = [item for item in container().attention.all() if item.key == order]
    assert item.problem == "carrier exception: sendcloud parcel 5003: Unable to deliver (tracking number 3STEST1)"


def test_an_event_matching_no_order_is_listed_for_a_person(account: str, azurite: Azurite):
    body = _status_changed(3, "En route to sorting center", order=f"NONE-{uuid.uuid4().hex[:6]}", parcel=5004)
    event_id = answer_body(_deliver(account, body))["eventId"]
    _work_off(azurite, event_id)
    listed = [each for each in _unmatched()["events"] if each["event_id"] == event_id]
    assert [(each["account"], each["parcel_id"], each["status"]) for each in listed] == [(account, "5004", "parked")]
    assert listed[0]["event"]["tracking_number"] == "3STEST1"


def test_the_simulators_webhooks_are_accepted(account: str):
    with Receiver() as receiver, SendcloudSimulator(webhook_url=receiver.url, secret=SECRET) as sim:
        parcel = httpx.post(f"{sim.url}/_sim/parcels", json={"order_number": "1001"}, timeout=5).json()
        httpx.post(f"{sim.url}/_sim/parcels/{parcel['id']}/status", json={"id": 22}, timeout=5)
        [received] = receiver.wait_for(1)
    answer = _post(account, received.body, received.headers)
    assert answer.status_code == 202
    assert answer_body(answer)["parcel"] == f"sendcloud:{account}:{parcel['id']}"


def order_number(order: WebOrderKey) -> str:
    found = container().orders.get(order)
    assert found is not None
    return found[0].web_number
