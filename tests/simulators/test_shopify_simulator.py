"""The Shopify simulator over real sockets: Admin REST auth, filters, cursors and rate limit; signed webhooks."""

import base64
import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from localdev.simulators.shopify import ShopifyDelivery, ShopifySimulator
from tests.simulators.shop_support import Receiver
from tests.support.woocommerce import ShopCustomer, ShopLine

TOKEN, CLIENT_SECRET = "shpat_test", "shopify-client-secret"
CUSTOMER = ShopCustomer("Anna", "de Vries", "anna@example.nl", company="De Vries BV")
LINES = (ShopLine("MUG-01", "Mok", 2, Decimal("12.50")), ShopLine("TEA-9", "Thee", 3, Decimal("4.99"), Decimal(9)))
PAST = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def simulator(receiver: Receiver | None = None, **options) -> ShopifySimulator:
    return ShopifySimulator(
        access_token=TOKEN,
        client_secret=CLIENT_SECRET,
        webhook_url=receiver.url if receiver else None,
        retry_delays_s=(0.05, 0.1),
        **options,
    )


@pytest.fixture
def sim(receiver):
    with simulator(receiver) as running:
        yield running


@pytest.fixture
def api(sim):
    with httpx.Client(base_url=sim.api_base, headers={"X-Shopify-Access-Token": TOKEN}, timeout=10) as client:
        yield client


def signature(body: bytes) -> str:
    return base64.b64encode(hmac.new(CLIENT_SECRET.encode(), body, hashlib.sha256).digest()).decode()


def test_admin_api_needs_the_access_token_and_shows_the_call_limit(sim, api):
    order = sim.place_order(LINES, CUSTOMER)

    for headers in ({}, {"X-Shopify-Access-Token": "shpat_wrong"}):
        refused = httpx.get(f"{sim.api_base}/orders.json", headers=headers)
        assert refused.status_code == 401
        assert refused.json()["errors"].startswith("[API] Invalid API key or access token")
    one = api.get(f"/orders/{order['id']}.json")
    missing = api.get("/orders/5790000000000000999.json")

    assert one.status_code == 200
    assert one.headers["X-Shopify-Shop-Api-Call-Limit"].endswith("/40")
    assert one.headers["X-Shopify-API-Version"] == "2025-10"
    assert (missing.status_code, missing.json()) == (404, {"errors": "Not Found"})
    assert "X-Shopify-Shop-Api-Call-Limit" in missing.headers


def test_int64_ids_above_2_to_the_53_arrive_exact(sim, api, receiver):
    order = sim.place_order(LINES, CUSTOMER)
    sim.wait_for_deliveries(5)

    raw = api.get(f"/orders/{order['id']}.json").content
    fetched = json.loads(raw)["order"]
    delivered = json.loads(receiver.received[0].body)

    ids = [order["id"], order["customer"]["id"], order["shipping_lines"][0]["id"]]
    ids += [value for item in order["line_items"] for value in (item["id"], item["variant_id"], item["product_id"])]
    assert all(value > 2**53 and float(value) != value for value in ids)
    assert str(order["id"]).encode() in raw
    for copy in (fetched, delivered):
        assert copy["id"] == order["id"]
        assert [i["variant_id"] for i in copy["line_items"]] == [i["variant_id"] for i in order["line_items"]]
        assert [i["id"] for i in copy["line_items"]] == [i["id"] for i in order["line_items"]]
    assert order["name"] == "#1001"
    assert order["order_number"] == 1001


def test_updated_at_min_status_and_cancel(sim, api):
    first, second, third = (sim.place_order(LINES, CUSTOMER, created_at=PAST + timedelta(hours=n)) for n in range(3))
    changed = sim.update_order(second["id"], fulfillment_status="fulfilled", tags="shipped")
    cancelled = sim.cancel_order(third["id"])

    since = api.get("/orders.json", params={"status": "any", "updated_at_min": changed["updated_at"]}).json()
    local = api.get("/orders.json", params={"status": "any", "updated_at_min": "2026-11-27T10:30:00"}).json()
    open_orders = api.get("/orders.json").json()
    only_cancelled = api.get("/orders.json", params={"status": "cancelled"}).json()

    assert sorted(o["id"] for o in since["orders"]) == sorted([second["id"], third["id"]])
    assert [o["id"] for o in local["orders"]] == [third["id"], second["id"]]
    assert [o["id"] for o in open_orders["orders"]] == [second["id"], first["id"]]
    assert [o["id"] for o in only_cancelled["orders"]] == [third["id"]]
    assert datetime.fromisoformat(changed["updated_at"]) >= datetime.fromisoformat(second["updated_at"]) + timedelta(
        seconds=1
    )
    assert changed["updated_at"].endswith("+01:00")
    assert (cancelled["cancel_reason"], cancelled["financial_status"]) == ("customer", "refunded")
    assert cancelled["cancelled_at"] is not None


def test_cursor_pages_follow_the_link_header_and_limit_is_capped(sim, api):
    placed = [sim.place_order(LINES, CUSTOMER)["id"] for _ in range(7)]

    seen, url, pages = [], "/orders.json?limit=3&status=any", 0
    while url and pages < 5:
        response = api.get(url)
        assert response.status_code == 200
        seen += [o["id"] for o in response.json()["orders"]]
        link = response.headers.get("Link")
        url = link.split(">;")[0].lstrip("<") if link else ""
        assert not link or link.endswith('rel="next"')
        pages += 1

    assert pages == 3
    assert seen == placed[::-1]
    cursor = api.get("/orders.json?limit=3").headers["Link"].split("page_info=")[1].split(">")[0]
    mixed = api.get("/orders.json", params={"page_info": cursor, "status": "any"})
    assert mixed.status_code == 400
    assert api.get("/orders.json", params={"limit": 251}).status_code == 400
    assert api.get("/orders.json", params={"limit": 250}).status_code == 200


def test_leaky_bucket_answers_429_with_retry_after_when_full():
    with simulator() as sim, httpx.Client(headers={"X-Shopify-Access-Token": TOKEN}) as client:
        url = f"{sim.api_base}/orders.json"
        responses = [client.get(url) for _ in range(50)]
        time.sleep(1.1)
        later = client.get(url)

    assert all(r.status_code == 200 for r in responses[:40])
    throttled = [r for r in responses[40:] if r.status_code == 429]
    assert throttled
    assert throttled[0].headers["Retry-After"] == "2.0"
    assert throttled[0].headers["X-Shopify-Shop-Api-Call-Limit"] == "40/40"
    assert throttled[0].json()["errors"].startswith("Exceeded 2 calls per second")
    assert later.status_code == 200


def test_webhooks_are_signed_and_carry_shopify_headers(sim, receiver):
    order = sim.place_order(LINES, CUSTOMER)
    sim.cancel_order(order["id"])
    sim.wait_for_deliveries(5)

    received = receiver.wait_for(3)
    for delivery in received:
        assert hmac.compare_digest(delivery.headers["x-shopify-hmac-sha256"], signature(delivery.body))
        assert delivery.headers["x-shopify-shop-domain"] == "koppel-demo.myshopify.com"
        assert delivery.headers["x-shopify-api-version"] == "2025-10"
        assert uuid.UUID(delivery.headers["x-shopify-webhook-id"])
        assert datetime.fromisoformat(delivery.headers["x-shopify-triggered-at"]).tzinfo is not None
        assert json.loads(delivery.body)["id"] == order["id"]
    by_topic = {d.headers["x-shopify-topic"]: d.headers for d in received}
    assert set(by_topic) == {"orders/create", "orders/cancelled", "orders/updated"}
    assert by_topic["orders/cancelled"]["x-shopify-event-id"] == by_topic["orders/updated"]["x-shopify-event-id"]
    assert by_topic["orders/create"]["x-shopify-event-id"] != by_topic["orders/updated"]["x-shopify-event-id"]
    assert len({d.headers["x-shopify-webhook-id"] for d in received}) == 3


def test_a_failed_delivery_is_retried_with_the_same_webhook_id(sim, receiver):
    receiver.answer_with(500)
    order = sim.place_order(LINES, CUSTOMER)
    sim.wait_for_deliveries(5)

    first, retry = receiver.wait_for(2)
    webhook_id = first.headers["x-shopify-webhook-id"]
    assert retry.headers["x-shopify-webhook-id"] == webhook_id
    assert retry.body == first.body
    assert sim.deliveries == [
        ShopifyDelivery("orders/create", order["id"], webhook_id, 1, 500),
        ShopifyDelivery("orders/create", order["id"], webhook_id, 2, 200),
    ]


def test_no_answer_in_time_is_retried_then_given_up(receiver):
    receiver.delay_s = 0.5
    with simulator(receiver, delivery_timeout_s=0.15) as sim:
        sim.place_order(LINES, CUSTOMER)
        sim.wait_for_deliveries(5)

    assert [(d.attempt, d.outcome) for d in sim.deliveries] == [(1, "timeout"), (2, "timeout"), (3, "timeout")]
    assert len({d.webhook_id for d in sim.deliveries}) == 1


def test_duplicates_keep_their_webhook_id(sim, receiver):
    httpx.post(f"{sim.url}/_sim/faults", json={"duplicate_rate": 1.0}).raise_for_status()
    for _ in range(4):
        sim.place_order(LINES, CUSTOMER)
    sim.wait_for_deliveries(5)

    webhook_ids = [d.headers["x-shopify-webhook-id"] for d in receiver.wait_for(8)]
    assert len(webhook_ids) == 8
    assert all(webhook_ids.count(webhook_id) == 2 for webhook_id in webhook_ids)
    assert httpx.delete(f"{sim.url}/_sim/faults").json()["duplicate_rate"] == 0


def test_reorder_delivers_newer_versions_first(sim, receiver):
    httpx.post(f"{sim.url}/_sim/faults", json={"reorder": True, "reorder_window_s": 0.3}).raise_for_status()
    order = sim.place_order(LINES, CUSTOMER)
    sim.update_order(order["id"], tags="vip")
    sim.wait_for_deliveries(5)

    updated, created = (json.loads(d.body) for d in receiver.wait_for(2))
    assert [d.headers["x-shopify-topic"] for d in receiver.received] == ["orders/updated", "orders/create"]
    assert datetime.fromisoformat(updated["updated_at"]) > datetime.fromisoformat(created["updated_at"])
    assert (updated["tags"], created["tags"]) == ("vip", "")


@pytest.mark.parametrize(
    ("taxes_included", "total", "tax"),
    [(True, "40.92", "5.87"), (False, "47.90", "6.98")],
)
def test_money_adds_up_with_and_without_taxes_included(sim, taxes_included, total, tax):
    order = sim.place_order(LINES, CUSTOMER, taxes_included=taxes_included, discount_percent=10)

    items = order["line_items"]
    gross = sum(Decimal(i["price"]) * i["quantity"] for i in items)
    allocated = sum(Decimal(a["amount"]) for i in items for a in i["discount_allocations"])
    line_tax = sum(Decimal(t["price"]) for i in items for t in i["tax_lines"])
    shipping = order["shipping_lines"][0]
    shipping_tax = sum(Decimal(t["price"]) for t in shipping["tax_lines"])
    added_tax = Decimal(0) if taxes_included else line_tax + shipping_tax

    assert Decimal(order["total_discounts"]) == allocated == Decimal("4.00")
    assert Decimal(order["subtotal_price"]) == gross - allocated
    assert Decimal(order["total_tax"]) == line_tax + shipping_tax == Decimal(tax)
    assert Decimal(order["total_price"]) == gross - allocated + Decimal(shipping["price"]) + added_tax
    assert order["total_price"] == order["total_price_set"]["shop_money"]["amount"] == total
    assert order["total_shipping_price_set"]["presentment_money"] == {"amount": "4.95", "currency_code": "EUR"}
    assert [t["rate"] for i in items for t in i["tax_lines"]] == [0.21, 0.09]
    assert order["discount_applications"][0]["value"] == "10.0"


def test_control_api_places_changes_and_cancels_orders(sim, receiver):
    description = {
        "lines": [{"sku": "MUG-01", "name": "Mok", "quantity": 1, "unit_price": "12.50"}],
        "customer": {"first_name": "Bram", "last_name": "Jansen", "email": "bram@example.nl"},
        "note_attributes": {"po_number": "PO-7"},
    }

    created = httpx.post(f"{sim.url}/_sim/orders", json=description)
    order_id = created.json()["id"]
    changed = httpx.patch(f"{sim.url}/_sim/orders/{order_id}", json={"fulfillment_status": "fulfilled"})
    refused = httpx.patch(f"{sim.url}/_sim/orders/{order_id}", json={"total_price": "0.00"})
    cancelled = httpx.post(f"{sim.url}/_sim/orders/{order_id}/cancel", json={"reason": "inventory"})
    sim.wait_for_deliveries(5)

    assert created.status_code == 201
    assert created.json()["note_attributes"] == [{"name": "po_number", "value": "PO-7"}]
    assert changed.json()["fulfillment_status"] == "fulfilled"
    assert refused.status_code == 422
    assert cancelled.json()["cancel_reason"] == "inventory"
    topics = [d["topic"] for d in httpx.get(f"{sim.url}/_sim/deliveries").json()]
    assert topics.count("orders/updated") == 2
    assert {"orders/create", "orders/cancelled"} <= set(topics)
