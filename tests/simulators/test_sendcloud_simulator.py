"""The Sendcloud simulator: parcels with statuses from the list, signed parcel_status_changed webhooks shaped as
documented, retries on a non-2xx answer, duplicates and out-of-order deliveries on demand."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from localdev.simulators.sendcloud import SendcloudSimulator
from tests.simulators.shop_support import Receiver

SECRET = "sim-secret"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def sim(receiver: Receiver) -> Iterator[SendcloudSimulator]:
    simulator = SendcloudSimulator(webhook_url=receiver.url, secret=SECRET, time_scale=0.0001, delivery_timeout_s=2)
    with simulator:
        yield simulator


def _parcel(sim: SendcloudSimulator, **fields: Any) -> dict[str, Any]:
    created = httpx.post(f"{sim.url}/_sim/parcels", json={"order_number": "1001"} | fields, timeout=5)
    assert created.status_code == 201
    parcel: dict[str, Any] = created.json()
    return parcel


def _status(sim: SendcloudSimulator, parcel_id: int, status_id: int) -> httpx.Response:
    return httpx.post(f"{sim.url}/_sim/parcels/{parcel_id}/status", json={"id": status_id}, timeout=5)


def test_a_status_change_sends_a_signed_webhook_shaped_as_documented(sim: SendcloudSimulator, receiver: Receiver):
    parcel = _parcel(sim)
    assert _status(sim, parcel["id"], 3).status_code == 200
    [received] = receiver.wait_for(1)
    expected = hmac.new(SECRET.encode(), received.body, hashlib.sha256).hexdigest()
    assert received.headers["sendcloud-signature"] == expected
    webhook = json.loads(received.body)
    assert webhook["action"] == "parcel_status_changed"
    assert webhook["timestamp"] > 10**12, "milliseconds by default"
    assert webhook["parcel"]["status"] == {"id": 3, "message": "En route to sorting center"}
    assert webhook["parcel"]["order_number"] == "1001"
    assert "tracking_url" not in webhook["parcel"], "not in the documented webhook"
    assert "carrier" not in webhook["parcel"]


def test_the_parcel_objects_extras_are_sent_when_asked(sim: SendcloudSimulator, receiver: Receiver):
    parcel = _parcel(sim, extras=True)
    _status(sim, parcel["id"], 11)
    webhook = json.loads(receiver.wait_for(1)[0].body)
    assert webhook["parcel"]["carrier"] == {"code": "postnl"}
    assert webhook["parcel"]["tracking_url"].endswith(parcel["tracking_number"])


def test_a_status_not_on_the_list_is_refused(sim: SendcloudSimulator, receiver: Receiver):
    parcel = _parcel(sim)
    assert _status(sim, parcel["id"], 62992).status_code == 422
    assert _status(sim, 1, 11).status_code == 404
    assert receiver.received == []


def test_a_non_2xx_answer_is_retried_until_accepted(sim: SendcloudSimulator, receiver: Receiver):
    receiver.answer_with(500, 401)
    parcel = _parcel(sim)
    _status(sim, parcel["id"], 80)
    sim.wait_for_deliveries()
    assert [delivery.outcome for delivery in sim.deliveries] == [500, 401, 200]
    bodies = {received.body for received in receiver.received}
    assert len(bodies) == 1, "every attempt carries the same bytes"


def test_a_webhook_is_sent_again_on_demand_as_a_duplicate(sim: SendcloudSimulator, receiver: Receiver):
    parcel = _parcel(sim)
    _status(sim, parcel["id"], 92)
    receiver.wait_for(1)
    answer = httpx.post(f"{sim.url}/_sim/parcels/{parcel['id']}/redeliver", json={"copies": 2}, timeout=5)
    assert answer.json() == {"sent": 2}
    received = receiver.wait_for(3)
    assert len({(each.body, each.headers["sendcloud-signature"]) for each in received}) == 1


def test_held_webhooks_are_released_out_of_order(sim: SendcloudSimulator, receiver: Receiver):
    parcel = _parcel(sim)
    httpx.post(f"{sim.url}/_sim/webhooks/hold", timeout=5)
    for status_id in (3, 92, 11):
        _status(sim, parcel["id"], status_id)
    assert receiver.received == []
    assert httpx.post(f"{sim.url}/_sim/webhooks/release", json={"order": "reverse"}, timeout=5).json() == {
        "released": 3
    }
    sim.wait_for_deliveries()
    received = receiver.wait_for(3)
    assert [json.loads(each.body)["parcel"]["status"]["id"] for each in received] == [11, 92, 3], "newest first"
