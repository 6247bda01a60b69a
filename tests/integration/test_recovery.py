"""Missed-webhook recovery: with intake switched off, the recovery timer still brings every order into BC."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from localdev.azurite import ROOT
from localdev.stack import LocalStack
from tests.integration.conftest import FAST_QUEUES
from tests.integration.support import a_catalog_order, settled_dossier


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    """A stack whose recovery timer runs every two seconds."""
    host_json = json.loads((ROOT / "host.json").read_text())
    host_json["extensions"]["queues"] = FAST_QUEUES
    with LocalStack(host_json=host_json, extra_settings={"KOPPEL_RECOVERY_SCHEDULE": "*/2 * * * * *"}) as running:
        yield running


def test_orders_placed_while_webhooks_fail_reach_bc_through_recovery(stack: LocalStack):
    woo = stack.woocommerce
    assert woo is not None
    httpx.post(f"{woo.url}/_sim/webhook", json={"enabled": False}).raise_for_status()
    missed = [woo.place_order(a_catalog_order(stack)) for _ in range(3)]
    httpx.post(f"{woo.url}/_sim/webhook", json={"enabled": True}).raise_for_status()
    delivered = woo.place_order(a_catalog_order(stack))

    for order in [*missed, delivered]:
        assert settled_dossier(stack, order["id"], timeout=60)["status"] == "in_bc"
        assert len(stack.bc_probe().sales_orders(order["number"])) == 1
    recovered_topics = {event["topic"] for order in missed for event in settled_dossier(stack, order["id"])["events"]}
    assert recovered_topics == {"order.recovered"}
    assert not any(d.order_id in {o["id"] for o in missed} for d in woo.deliveries)


def test_an_order_whose_webhook_arrived_is_not_taken_in_twice(stack: LocalStack):
    woo = stack.woocommerce
    assert woo is not None
    order = woo.place_order(a_catalog_order(stack))
    first = settled_dossier(stack, order["id"], timeout=60)

    time.sleep(4)
    again = settled_dossier(stack, order["id"])
    assert [e["topic"] for e in again["events"]] == [e["topic"] for e in first["events"]] == ["order.created"]
