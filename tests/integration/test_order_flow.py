"""A WooCommerce order through the real endpoint, queue, worker and BC client, against Azurite and the BC simulator."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx

from localdev.stack import LocalStack
from tests.integration.support import (
    a_catalog_order,
    deliver,
    deliver_order,
    dossier,
    settled_dossier,
    sim_faults,
    sim_stats,
)
from tests.support.woocommerce import ShopLine, ShopOrder, order_payload, signed_delivery


def test_a_signed_order_becomes_one_bc_sales_order_and_a_dossier(stack: LocalStack):
    order = a_catalog_order(stack)
    accepted = deliver_order(stack, order)
    assert accepted.status_code == 202
    assert accepted.json()["eventId"].startswith("evt-")

    found = settled_dossier(stack, order.order_id)

    assert found["status"] == "in_bc"
    assert found["totals_agree"] is True
    assert found["web_order"]["number"] == str(order.order_id)
    assert found["events"][0]["status"] == "processed"
    in_bc = stack.bc_probe().sales_orders(str(order.order_id))
    assert len(in_bc) == 1
    assert in_bc[0]["number"] == found["bc_document"]["number"]
    assert in_bc[0]["status"] == "Draft"
    assert Decimal(str(in_bc[0]["totalAmountIncludingTax"])) == Decimal(order_payload(order)["total"])
    assert [line["lineType"] for line in in_bc[0]["salesOrderLines"]] == ["Item", "Item", "Account"]


def test_a_duplicate_delivered_in_sequence_gives_one_bc_order(stack: LocalStack):
    order = a_catalog_order(stack)
    payload = order_payload(order)
    assert deliver(stack, payload).status_code == 202
    settled_dossier(stack, order.order_id)

    again = deliver(stack, payload)

    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert len(stack.bc_probe().sales_orders(str(order.order_id))) == 1


def test_duplicates_delivered_concurrently_give_one_bc_order(stack: LocalStack):
    order = a_catalog_order(stack)
    body, headers = signed_delivery(order_payload(order), stack.shop_secrets["shop-a"])
    url = f"{stack.host_url}/api/webhooks/woocommerce/shop-a"

    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(lambda _: httpx.post(url, content=body, headers=headers, timeout=30).status_code, range(8))
        )

    assert sorted(statuses).count(202) == 1
    assert set(statuses) <= {200, 202}
    assert settled_dossier(stack, order.order_id)["status"] == "in_bc"
    assert len(stack.bc_probe().sales_orders(str(order.order_id))) == 1


def test_a_lost_response_gives_no_second_order(stack: LocalStack):
    order = a_catalog_order(stack)
    sim_faults(stack, next=[{"fault": "lost_response", "count": 1, "method": "POST", "path_contains": "salesOrders"}])

    deliver_order(stack, order)

    assert settled_dossier(stack, order.order_id)["status"] == "in_bc"
    assert len(stack.bc_probe().sales_orders(str(order.order_id))) == 1
    assert sim_stats(stack)["faults"]["lost_response"] >= 1


def test_a_burst_of_429s_still_ends_with_the_order_in_bc(stack: LocalStack):
    order = a_catalog_order(stack)
    sim_faults(stack, next=[{"fault": "429", "count": 6}])

    deliver_order(stack, order)

    found = settled_dossier(stack, order.order_id, timeout=60)
    assert found["status"] == "in_bc"
    assert len(stack.bc_probe().sales_orders(str(order.order_id))) == 1
    assert sim_stats(stack)["faults"]["429"] >= 6


def test_an_unknown_sku_is_parked_with_its_reason_and_creates_nothing(stack: LocalStack):
    order = a_catalog_order(stack, sku="NO-SUCH-SKU")
    before = sim_stats(stack)["by_method"].get("POST", 0)

    deliver_order(stack, order)

    found = settled_dossier(stack, order.order_id)
    assert found["status"] == "needs_attention"
    assert "Unknown SKU 'NO-SUCH-SKU'" in found["problem"]
    assert found["events"][0]["status"] == "parked"
    assert stack.bc_probe().sales_orders(str(order.order_id)) == []
    assert sim_stats(stack)["by_method"].get("POST", 0) == before


def _nothing_stored_for(stack: LocalStack, order_id: int) -> bool:
    return dossier(stack, order_id).status_code == 404


def test_a_bad_signature_is_refused_with_401_and_leaves_nothing(stack: LocalStack):
    order = a_catalog_order(stack)
    body, headers = signed_delivery(order_payload(order), "not-the-secret")
    response = httpx.post(f"{stack.host_url}/api/webhooks/woocommerce/shop-a", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert _nothing_stored_for(stack, order.order_id)


def test_a_malformed_body_is_refused_with_400_and_leaves_nothing(stack: LocalStack):
    order = a_catalog_order(stack)
    payload = order_payload(order)
    payload["line_items"][0]["quantity"] = "two"
    response = deliver(stack, payload)
    assert response.status_code == 400
    assert "quantity" in response.json()["error"]["message"]
    assert _nothing_stored_for(stack, order.order_id)


def test_an_oversize_body_is_refused_with_413_and_leaves_nothing(stack: LocalStack):
    order = a_catalog_order(stack)
    payload = order_payload(order)
    payload["customer_note"] = "x" * 70_000
    response = deliver(stack, payload)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert _nothing_stored_for(stack, order.order_id)


def test_an_unknown_shop_is_404_and_the_creation_ping_is_200(stack: LocalStack):
    unknown = httpx.post(f"{stack.host_url}/api/webhooks/woocommerce/nope", content=b"{}")
    assert unknown.status_code == 404
    assert "nope" in unknown.json()["error"]["message"]
    ping = httpx.post(
        f"{stack.host_url}/api/webhooks/woocommerce/shop-a",
        content=b"webhook_id=12",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert ping.status_code == 200


def test_an_unknown_order_has_no_dossier(stack: LocalStack):
    response = dossier(stack, 987654321)
    assert response.status_code == 404
    assert json.loads(response.text)["error"]["code"] == "not_found"


def test_an_order_that_passes_every_control_is_released_and_an_unpaid_one_is_held(stack: LocalStack):
    probe = stack.bc_probe()
    stocked = [i for i in probe.all("items", **{"$top": "60"}) if not i["blocked"] and i["inventory"] >= 5]
    vat_groups = probe.vat_groups()
    basket = a_catalog_order(stack)
    lines = (
        tuple(
            ShopLine(
                item["number"],
                item["displayName"],
                1,
                (Decimal(str(item["unitPrice"])) * Decimal("1.21")).quantize(Decimal("0.01")),
            )
            for item in stocked[:2]
            if vat_groups[item["number"]] == "HOOG"
        )
        or basket.lines
    )
    paid = ShopOrder(basket.order_id, basket.customer, lines, created=basket.created)
    unpaid = ShopOrder(basket.order_id + 1, basket.customer, lines, created=basket.created, status="on-hold")

    deliver_order(stack, paid)
    deliver_order(stack, unpaid)

    released = settled_dossier(stack, paid.order_id)
    assert {c["control"]: c["passed"] for c in released["controls"]} == {
        "price": True,
        "totals": True,
        "vat": True,
        "stock": True,
        "payment": True,
    }
    assert released["release"] == "released"
    assert probe.sales_orders(str(paid.order_id))[0]["status"] == "Open"
    held = settled_dossier(stack, unpaid.order_id)
    assert held["status"] == "in_bc"
    assert held["release"] == "held by payment: a person decides in BC"
    assert held["problem"] == "payment: prepayment required and not received yet"
    assert probe.sales_orders(str(unpaid.order_id))[0]["status"] == "Draft"
