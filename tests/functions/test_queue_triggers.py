import base64
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import azure.functions as func
import pytest

from integrations.settings import settings
from integrations.storage.account import ORDERS_QUEUE, StorageAccount
from localdev.simulators.businesscentral import BusinessCentralSimulator
from tests.functions.conftest import SECRET, trigger, use_settings
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery


@pytest.fixture(scope="module")
def bc() -> Iterator[BusinessCentralSimulator]:
    with BusinessCentralSimulator(client_id="functions-test") as simulator:
        yield simulator


@pytest.fixture
def shop(app_settings: str, bc: BusinessCentralSimulator, monkeypatch: pytest.MonkeyPatch) -> str:
    values = {
        "KOPPEL_BC_TENANT_ID": bc.config.tenant,
        "KOPPEL_BC_COMPANY_ID": bc.company_id,
        "KOPPEL_BC_CLIENT_ID": bc.client_id,
        "KOPPEL_BC_CLIENT_SECRET": bc.client_secret,
        "KOPPEL_BC_API_URL": bc.url,
        "KOPPEL_BC_TOKEN_URL": bc.token_url,
    }
    use_settings(monkeypatch, values)
    return app_settings


def _accepted_message(shop: str, order: ShopOrder) -> func.QueueMessage:
    """Deliver the webhook through the HTTP trigger, then take its message off the queue as the host would."""
    body, headers = signed_delivery(order_payload(order), SECRET)
    request = func.HttpRequest("POST", "http://localhost/", headers=headers, route_params={"shop": shop}, body=body)
    event_id = json.loads(trigger("woocommerce_webhook")(request).get_body())["eventId"]
    queue = StorageAccount(settings().storage_connection.get_secret_value()).queue(ORDERS_QUEUE)
    for message in queue.receive_messages(max_messages=32):
        text = base64.b64decode(message.content)
        if event_id.encode() in text:
            queue.delete_message(message)
            return func.QueueMessage(id=message.id, body=text, pop_receipt=message.pop_receipt)
    raise AssertionError("the accepted webhook was not enqueued")


def _dossier(shop: str, order_id: int) -> dict[str, Any]:
    params = {"source": "woocommerce", "shop": shop, "orderId": str(order_id)}
    return json.loads(
        trigger("dossier")(func.HttpRequest("GET", "http://localhost/", route_params=params, body=b"")).get_body()
    )


def test_the_order_worker_puts_the_order_in_bc(shop: str, bc: BusinessCentralSimulator):
    order = ShopOrder(
        5001, ShopCustomer("Anna", "de Vries", "anna@example.nl"), (ShopLine("NOPE-1", "Koffie", 1, Decimal(5)),)
    )
    trigger("order_worker")(_accepted_message(shop, order))
    found = _dossier(shop, order.order_id)
    assert found["status"] == "needs_attention"
    assert "Unknown SKU 'NOPE-1'" in found["problem"]


def test_the_poison_trigger_marks_the_order_failed(shop: str):
    order = ShopOrder(
        5002, ShopCustomer("Anna", "de Vries", "anna@example.nl"), (ShopLine("KOF-1", "Koffie", 1, Decimal(5)),)
    )
    trigger("order_poison")(_accepted_message(shop, order))
    found = _dossier(shop, order.order_id)
    assert found["status"] == "failed"
    assert found["problem"].startswith("Gave up after 0 attempts")
    assert found["events"][0]["status"] == "failed"
