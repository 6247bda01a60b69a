"""The WooCommerce simulator over real sockets: REST auth, filters and paging, and its signed webhooks."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from localdev.simulators.woocommerce import WooCommerceSimulator, WooDelivery
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder

KEY, SECRET, WEBHOOK_SECRET = "ck_test", "cs_test", "wc-webhook-secret"
CUSTOMER = ShopCustomer("Anna", "de Vries", "anna@example.nl")
START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def shop_order(order_id: int, created: datetime = START, **fields) -> ShopOrder:
    lines = (ShopLine("MUG-01", "Mok", 2, Decimal("12.50")), ShopLine("TEA-9", "Thee", 3, Decimal("4.99"), Decimal(9)))
    return ShopOrder(order_id, CUSTOMER, lines, created=created, **fields)


@pytest.fixture
def sim(receiver):
    with WooCommerceSimulator(
        consumer_key=KEY, consumer_secret=SECRET, webhook_secret=WEBHOOK_SECRET, webhook_url=receiver.url
    ) as running:
        yield running


@pytest.fixture
def api(sim):
    with httpx.Client(base_url=sim.api_base, auth=(KEY, SECRET), timeout=10) as client:
        yield client


def test_rest_needs_the_consumer_key_and_secret(sim):
    sim.place_order(shop_order(1001))
    url = f"{sim.api_base}/orders"

    anonymous = httpx.get(url)
    wrong = httpx.get(url, auth=(KEY, "cs_wrong"))
    basic = httpx.get(url, auth=(KEY, SECRET))
    query = httpx.get(url, params={"consumer_key": KEY, "consumer_secret": SECRET})

    for refused in (anonymous, wrong):
        assert refused.status_code == 401
        assert refused.json()["code"] == "woocommerce_rest_cannot_view"
        assert refused.json()["data"] == {"status": 401}
    assert [basic.status_code, query.status_code] == [200, 200]
    assert [order["id"] for order in query.json()] == [1001]


def test_single_order_and_unknown_id(sim, api):
    placed = sim.place_order(shop_order(1001))

    assert api.get("/orders/1001").json() == placed
    missing = api.get("/orders/999")
    assert missing.status_code == 404
    assert missing.json() == {
        "code": "woocommerce_rest_shop_order_invalid_id",
        "message": "Invalid ID.",
        "data": {"status": 404},
    }


def test_pages_with_total_headers_and_a_per_page_cap(sim, api):
    for n in range(23):
        sim.place_order(shop_order(2000 + n, START + timedelta(minutes=n)))

    pages = [api.get("/orders", params={"per_page": 10, "page": p, "orderby": "id", "order": "asc"}) for p in (1, 2, 3)]
    default = api.get("/orders")
    too_many = api.get("/orders", params={"per_page": 101})

    assert [(r.headers["X-WP-Total"], r.headers["X-WP-TotalPages"]) for r in pages] == [("23", "3")] * 3
    assert [o["id"] for r in pages for o in r.json()] == list(range(2000, 2023))
    assert 'rel="next"' in pages[0].headers["Link"]
    assert [o["id"] for o in default.json()] == list(range(2022, 2012, -1))
    assert too_many.status_code == 400
    assert too_many.json()["code"] == "rest_invalid_param"
    assert "per_page" in too_many.json()["data"]["params"]


def test_include_lists_only_those_orders_but_trashed_ones_and_fields_trims_each(sim, api):
    for n in range(5):
        sim.place_order(shop_order(4000 + n, START + timedelta(minutes=n)))
    sim.update_order(4003, status="trash")
    asked = {"include": "4001,4003 4004,9999", "per_page": 100, "_fields": "id,status,billing.city"}

    listed = api.get("/orders", params=asked)
    single = api.get("/orders/4001", params={"_fields": "status"})
    junk = api.get("/orders", params={"include": "4001,abc"})

    assert listed.json() == [
        {"id": 4004, "status": "processing", "billing": {"city": CUSTOMER.city}},
        {"id": 4001, "status": "processing", "billing": {"city": CUSTOMER.city}},
    ]
    assert listed.headers["X-WP-Total"] == "2"
    assert single.json() == {"status": "processing"}
    assert junk.status_code == 400
    assert junk.json()["code"] == "rest_invalid_param"
    assert "include" in junk.json()["data"]["params"]


def test_modified_after_in_utc_or_site_local_time(sim, api):
    for n in range(3):
        sim.place_order(shop_order(3000 + n, START + timedelta(hours=n)))
    before = sim.update_order(3000, status="completed")
    after = sim.update_order(3000, status="refunded")
    modified = datetime.fromisoformat(before["date_modified_gmt"])

    gmt = api.get("/orders", params={"modified_after": modified.isoformat(), "dates_are_gmt": "true"})
    local = api.get("/orders", params={"modified_after": (modified + timedelta(hours=1)).isoformat()})
    since_start = api.get("/orders", params={"modified_after": "2026-11-27T09:30:00", "dates_are_gmt": "1"})
    completed = api.get("/orders", params={"status": "pending,refunded"})

    assert datetime.fromisoformat(after["date_modified_gmt"]) >= modified + timedelta(seconds=1)
    assert [o["id"] for o in gmt.json()] == [o["id"] for o in local.json()] == [3000]
    assert sorted(o["id"] for o in since_start.json()) == [3000, 3001, 3002]
    assert [o["id"] for o in completed.json()] == [3000]
    assert api.get("/orders", params={"status": "shipped"}).status_code == 400


def test_webhooks_are_signed_over_the_raw_body_with_the_current_order(sim, receiver):
    placed = sim.place_order(shop_order(4001))
    updated = sim.update_order(4001, status="completed")

    created, changed = receiver.wait_for(2)
    for delivery, topic, expected in ((created, "order.created", placed), (changed, "order.updated", updated)):
        digest = hmac.new(WEBHOOK_SECRET.encode(), delivery.body, hashlib.sha256).digest()
        assert hmac.compare_digest(delivery.headers["x-wc-webhook-signature"], base64.b64encode(digest).decode())
        assert delivery.headers["x-wc-webhook-topic"] == topic
        assert delivery.headers["x-wc-webhook-resource"] == "order"
        assert delivery.headers["x-wc-webhook-event"] == topic.split(".")[1]
        assert delivery.headers["x-wc-webhook-source"] == f"{sim.url}/"
        assert delivery.headers["x-wc-webhook-id"] == "1"
        assert json.loads(delivery.body) == expected
    assert created.headers["x-wc-webhook-delivery-id"] != changed.headers["x-wc-webhook-delivery-id"]
    assert json.loads(changed.body)["status"] == "completed"
    assert sim.deliveries == [WooDelivery("order.created", 4001, 200), WooDelivery("order.updated", 4001, 200)]


def test_five_failed_deliveries_disable_the_webhook_until_it_is_enabled(sim, receiver):
    receiver.answer_with(500, 500, 404, 500, 503)
    for n in range(6):
        sim.place_order(shop_order(5000 + n))

    assert [d.outcome for d in sim.deliveries] == [500, 500, 404, 500, 503]
    assert len(receiver.received) == 5
    control = httpx.get(f"{sim.url}/_sim/webhook").json()
    assert (control["enabled"], control["failures"]) == (False, 5)

    httpx.post(f"{sim.url}/_sim/webhook", json={"enabled": True}).raise_for_status()
    sim.update_order(5005, status="completed")

    assert sim.deliveries[-1] == WooDelivery("order.updated", 5005, 200)
    assert len(receiver.received) == 6


def test_a_success_resets_the_failure_count_and_a_slow_receiver_times_out_without_retry(receiver):
    receiver.answer_with(500, 500, 500, 500, 200, 500)
    with WooCommerceSimulator(webhook_url=receiver.url, webhook_timeout_s=0.3) as sim:
        for n in range(6):
            sim.place_order(shop_order(6000 + n))
        receiver.delay_s = 1.0
        sim.update_order(6000, status="completed")

        assert [d.outcome for d in sim.deliveries] == [500, 500, 500, 500, 200, 500, "timeout"]
        assert httpx.get(f"{sim.url}/_sim/webhook").json()["enabled"] is True
        assert len(receiver.received) == 7


def test_order_totals_add_up_the_woocommerce_way(sim):
    order = sim.place_order(shop_order(7001, coupon_percent=Decimal(10)))

    lines = order["line_items"]
    line_totals = sum(Decimal(i["total"]) + Decimal(i["total_tax"]) for i in lines)
    shipping = Decimal(order["shipping_total"]) + Decimal(order["shipping_tax"])
    assert Decimal(order["total"]) == line_totals + shipping
    assert Decimal(order["cart_tax"]) == sum(Decimal(i["total_tax"]) for i in lines)
    assert Decimal(order["total_tax"]) == Decimal(order["cart_tax"]) + Decimal(order["shipping_tax"])
    assert Decimal(order["discount_total"]) == sum(Decimal(i["subtotal"]) - Decimal(i["total"]) for i in lines)
    assert Decimal(order["total"]) == Decimal("40.92")  # (25.00 + 14.97) less 10 %, plus 4.95 shipping
    assert [i["id"] for i in lines] == [700101, 700102]


def test_orders_can_be_placed_and_changed_over_the_control_api(sim, receiver, api):
    description = {
        "customer": {"first_name": "Bram", "last_name": "Jansen", "email": "bram@example.nl"},
        "lines": [{"sku": "MUG-01", "name": "Mok", "quantity": 1, "unit_price": "12.50"}],
        "status": "pending",
    }

    created = httpx.post(f"{sim.url}/_sim/orders", json=description)
    changed = httpx.patch(f"{sim.url}/_sim/orders/1001", json={"status": "processing"})
    invalid = httpx.post(f"{sim.url}/_sim/orders", json={"lines": []})

    assert created.status_code == 201
    assert created.json()["id"] == 1001
    assert changed.json()["status"] == api.get("/orders/1001").json()["status"] == "processing"
    assert invalid.status_code == 400
    assert [json.loads(r.body)["status"] for r in receiver.wait_for(2)] == ["pending", "processing"]
    assert httpx.get(f"{sim.url}/_sim/deliveries").json()[1] == {
        "topic": "order.updated",
        "order_id": 1001,
        "outcome": 200,
    }
