import json
from decimal import Decimal

import azure.functions as func
import pytest

from functions.container import container
from integrations.settings import settings
from integrations.storage.account import ORDERS_QUEUE
from tests.functions.conftest import SECRET, queued_mentioning, trigger
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery

ORDER = ShopOrder(
    3001, ShopCustomer("Anna", "de Vries", "anna@example.nl"), (ShopLine("KOF-1001", "Koffie", 1, Decimal(10)),)
)


def _post(shop: str, body: bytes, headers: dict[str, str]) -> func.HttpResponse:
    request = func.HttpRequest(
        "POST",
        f"http://localhost/api/webhooks/woocommerce/{shop}",
        headers=headers,
        route_params={"shop": shop},
        body=body,
    )
    response: func.HttpResponse = trigger("woocommerce_webhook")(request)
    return response


def _dossier(shop: str, order_id: int | str) -> func.HttpResponse:
    params = {"source": "woocommerce", "shop": shop, "orderId": str(order_id)}
    request = func.HttpRequest("GET", "http://localhost/api/orders", route_params=params, body=b"")
    response: func.HttpResponse = trigger("dossier")(request)
    return response


def test_an_accepted_webhook_answers_202_and_appears_in_the_dossier(app_settings, azurite):
    body, headers = signed_delivery(order_payload(ORDER), SECRET)

    response = _post(app_settings, body, headers)

    assert response.status_code == 202
    assert response.mimetype == "application/json"
    event_id = json.loads(response.get_body())["eventId"]
    dossier = json.loads(_dossier(app_settings, ORDER.order_id).get_body())
    assert dossier["status"] == "received"
    assert [e["event_id"] for e in dossier["events"]] == [event_id]
    assert queued_mentioning(azurite, ORDERS_QUEUE, event_id)


def test_a_second_copy_answers_200_as_a_duplicate(app_settings):
    body, headers = signed_delivery(order_payload(ORDER), SECRET)
    assert _post(app_settings, body, headers).status_code == 202
    again = _post(app_settings, body, headers)
    assert again.status_code == 200
    assert json.loads(again.get_body())["duplicate"] is True


@pytest.mark.parametrize(
    ("mutate", "status", "code"),
    [
        (lambda body, headers: (body, {**headers, "X-WC-Webhook-Signature": "AAAA"}), 401, "unauthenticated"),
        (lambda body, headers: (body[:-5], headers), 401, "unauthenticated"),
        (lambda body, headers: (body + b" " * 70_000, headers), 413, "too_large"),
    ],
)
def test_refusals_are_json_errors_with_no_side_effect(app_settings, mutate, status, code):
    body, headers = mutate(*signed_delivery(order_payload(ORDER), SECRET))
    response = _post(app_settings, body, headers)
    assert response.status_code == status
    assert json.loads(response.get_body())["error"]["code"] == code
    assert _dossier(app_settings, ORDER.order_id).status_code == 404


def test_an_unknown_shop_is_404(app_settings):
    response = _post("not-configured", b"{}", {})
    assert response.status_code == 404
    assert "not-configured" in json.loads(response.get_body())["error"]["message"]


def test_storage_down_answers_503_so_the_sender_retries(app_settings, monkeypatch):
    monkeypatch.setenv(
        "AzureWebJobsStorage",
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
        "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;"
        "TableEndpoint=http://127.0.0.1:9/devstoreaccount1;",
    )
    settings.cache_clear()
    container.cache_clear()
    body, headers = signed_delivery(order_payload(ORDER), SECRET)

    response = _post(app_settings, body, headers)

    assert response.status_code == 503
    assert json.loads(response.get_body())["error"]["code"] == "storage_unavailable"


@pytest.mark.parametrize("order_id", ["#1", "a?b", "back\\slash"])
def test_a_dossier_key_storage_cannot_hold_is_refused_with_400(app_settings, order_id):
    response = _dossier(app_settings, order_id)
    assert response.status_code == 400
    assert json.loads(response.get_body())["error"]["message"] == "not a web order key: order_id"
