"""`make demo`, after the orders: a few of them shipped in BC, the shops told, the parcels followed to delivery.

Ships five of the day's released orders through the BC simulator's /_sim/ controls: a WooCommerce order in two
parts, a WooCommerce order out for delivery, a Shopify order posted without a tracking number that BC gets later
("Update Document"), a Shopify order the carrier cannot deliver, and a portal order without a carrier. Runs
`bc-shipments` and `shop-shipments` now (the shipment timer runs both), then has the Sendcloud simulator send its
signed parcel_status_changed webhooks. Prints each order's status answer and what its shop got, and returns what did
not end as expected.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from localdev.bc_shipping import post_shipment, update_shipment
from localdev.stack import LocalStack

IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, UNABLE_TO_DELIVER = 91, 92, 11, 80
"""Sendcloud's status ids (localdev/simulators/sendcloud/CATALOG.md)."""
SHIPMENT_RUNS = ("bc-shipments", "shop-shipments")
CARRIER_EVENT_RUN = "shop-carrier-events"
"""Run on the shipment timer after shop-shipments; the demo runs it once the parcels' events are in, when the app
has it."""
LAST_SHOPIFY_EVENT = {"delivered": "DELIVERED", "exception": "FAILURE", "out_for_delivery": "OUT_FOR_DELIVERY"}
"""The FulfillmentEventStatus Shopify last gets for an order that ends so."""


class DayOrder(Protocol):
    """An order of the day as demo.py played it."""

    channel: str
    dossier_path: str
    bc_number: str
    dossier: dict[str, Any]


@dataclass
class Shipping:
    """One order of the day as the demo ships it in two rounds, and how it should end."""

    order: DayOrder
    sales_order: dict[str, Any]
    story: str
    expected: str
    first: dict[str, Any]
    """Round one: the body of POST /_sim/salesOrders/{id}/shipments."""
    later: dict[str, Any] | None = None
    """Round two: a second part (another such body), or {"update": {...}} on the first shipment."""
    parcels: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Sendcloud's statuses per tracking number, in the order the carrier sends them."""
    shipment_ids: list[str] = field(default_factory=list)
    answer: dict[str, Any] = field(default_factory=dict)
    shop_got: str = ""

    @property
    def status_path(self) -> str:
        return f"/api/orders/{self.order.dossier_path}/status"

    @property
    def shop_order_id(self) -> str:
        return self.order.dossier_path.rsplit("/", 1)[1]


def _items(sales_order: dict[str, Any]) -> list[dict[str, Any]]:
    return [line for line in sales_order["salesOrderLines"] if line["lineType"] == "Item"]


def _released(stack: LocalStack, orders: Sequence[DayOrder], channel: str) -> list[tuple[DayOrder, dict[str, Any]]]:
    probe = stack.bc_probe()
    released = [order for order in orders if order.channel == channel and order.dossier.get("release") == "released"]
    return [(order, probe.sales_orders(order.bc_number)[0]) for order in released]


def _tracking(order: DayOrder, part: str = "") -> str:
    return f"3SKOP{order.bc_number.lstrip('#')}{part}"


def _two_parts(order: DayOrder, sales_order: dict[str, Any]) -> Shipping:
    """The first item line now (all but one when it is the only one), the rest in a second shipment."""
    first = _items(sales_order)[0]
    quantity = first["quantity"] if len(_items(sales_order)) > 1 else first["quantity"] - 1
    one, two = _tracking(order, "A"), _tracking(order, "B")
    return Shipping(
        order,
        sales_order,
        "two parts, both delivered",
        "delivered",
        {"shippingAgentCode": "POSTNL", "packageTrackingNumber": one, "lines": [_line(first, quantity)]},
        later={"shippingAgentCode": "POSTNL", "packageTrackingNumber": two},
        parcels={one: (IN_TRANSIT, DELIVERED), two: (IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED)},
    )


def _line(line: dict[str, Any], quantity: float) -> dict[str, Any]:
    return {"sequence": line["sequence"], "quantity": quantity}


def _can_go_in_two(sales_order: dict[str, Any]) -> bool:
    items = _items(sales_order)
    return len(items) > 1 or (len(items) == 1 and items[0]["quantity"] >= 2)


def plan(stack: LocalStack, orders: Sequence[DayOrder]) -> list[Shipping]:
    """Five released orders and what happens to each; fewer when the day has fewer released orders."""
    woo, shopify = _released(stack, orders, "WooCommerce"), _released(stack, orders, "Shopify")
    portal = _released(stack, orders, "Portal")
    split = next(((o, so) for o, so in woo if _can_go_in_two(so)), None)
    woo = [(o, so) for o, so in woo if split is None or o is not split[0]]
    plans = [_two_parts(*split)] if split else []
    for order, sales_order in woo[:1]:
        tracking = _tracking(order)
        agent = {"shippingAgentCode": "DPD", "packageTrackingNumber": tracking}
        plans.append(Shipping(order, sales_order, "one parcel, driver on the way", "out_for_delivery", agent))
        plans[-1].parcels = {tracking: (IN_TRANSIT, OUT_FOR_DELIVERY)}
    for (order, sales_order), late in zip(shopify[:2], (True, False), strict=False):
        tracking = _tracking(order)
        if late:
            story, expected, statuses = "tracking number added after posting", "delivered", (IN_TRANSIT, DELIVERED)
            first: dict[str, Any] = {"shippingAgentCode": "DHL"}
            later: dict[str, Any] | None = {"update": {"packageTrackingNumber": tracking}}
        else:
            story, expected, statuses = "carrier unable to deliver", "exception", (IN_TRANSIT, UNABLE_TO_DELIVER)
            first, later = {"shippingAgentCode": "POSTNL", "packageTrackingNumber": tracking}, None
        plans.append(Shipping(order, sales_order, story, expected, first, later, {tracking: statuses}))
    for order, sales_order in portal[:1]:
        plans.append(Shipping(order, sales_order, "own van, no carrier", "shipped", {"shippingAgentCode": "EIGEN"}))
    return plans


def _post_shipment(http: httpx.Client, stack: LocalStack, shipping: Shipping, body: dict[str, Any]) -> None:
    assert stack.bc is not None
    shipping.shipment_ids.append(post_shipment(http, stack.bc.url, shipping.sales_order["id"], body))


def _round_two(http: httpx.Client, stack: LocalStack, shipping: Shipping) -> None:
    assert stack.bc is not None
    if shipping.later is None:
        return
    if "update" in shipping.later:
        update_shipment(http, stack.bc.url, shipping.shipment_ids[0], shipping.later["update"])
    else:
        _post_shipment(http, stack, shipping, shipping.later)


def _has_run(http: httpx.Client, stack: LocalStack, name: str) -> bool:
    return http.get(f"{stack.host_url}/api/ops/sync/{name}").status_code != 404


def _run_now(http: httpx.Client, stack: LocalStack, names: tuple[str, ...] = SHIPMENT_RUNS) -> list[str]:
    """The runs named, one after the other as the timer runs them; what did not complete."""
    incomplete = []
    for name in names:
        response = http.post(f"{stack.host_url}/api/ops/sync/{name}/run", timeout=60)
        summary = response.raise_for_status().json()
        if summary.get("completed") is not True:
            incomplete.append(f"run {name} did not complete: {summary.get('problems') or summary}")
    return incomplete


def _woo_status(http: httpx.Client, stack: LocalStack, order_id: str) -> str:
    woo = stack.woocommerce
    assert woo is not None
    auth = (woo.consumer_key, woo.consumer_secret)
    status: str = http.get(f"{woo.api_base}/orders/{order_id}", auth=auth).raise_for_status().json()["status"]
    return status


def _after_round_one(http: httpx.Client, stack: LocalStack, plans: list[Shipping]) -> list[str]:
    """A part shipped leaves the WooCommerce order as it was and shows the order partly shipped."""
    surprises = []
    for shipping in plans:
        if shipping.later is None or "update" in shipping.later:
            continue
        answer = http.get(stack.host_url + shipping.status_path).raise_for_status().json()
        if answer["status"] != "partly_shipped":
            surprises.append(f"{shipping.order.bc_number}: after the first part {answer['status']}, not partly_shipped")
        if shipping.order.channel == "WooCommerce":
            status = _woo_status(http, stack, shipping.shop_order_id)
            shipping.shop_got = f"{status} after part 1; "
            if status == "completed":
                surprises.append(f"WooCommerce {shipping.order.bc_number}: completed after the first part")
    return surprises


def _send_parcels(http: httpx.Client, stack: LocalStack, plans: list[Shipping], timeout: float = 20.0) -> list[str]:
    """Sendcloud's parcels for the tracking numbers, each through its statuses (a signed webhook each): a parcel's
    next status once Koppel recorded the one before, as a carrier's events come minutes apart; what did not arrive."""
    assert stack.sendcloud is not None
    url = f"{stack.sendcloud.url}/_sim/parcels"
    parcels = [
        (shipping, http.post(url, json={"order_number": shipping.order.bc_number, "tracking_number": number}), ids)
        for shipping in plans
        for number, ids in shipping.parcels.items()
    ]
    sent: dict[str, int] = {}
    for step in range(max((len(ids) for _, _, ids in parcels), default=0)):
        for shipping, parcel, ids in (each for each in parcels if step < len(each[2])):
            parcel_id = parcel.raise_for_status().json()["id"]
            http.post(f"{url}/{parcel_id}/status", json={"id": ids[step]}).raise_for_status()
            sent[shipping.order.dossier_path] = sent.get(shipping.order.dossier_path, 0) + 1
        if not _recorded(http, stack, sent, time.monotonic() + timeout):
            return [f"Koppel did not record the carrier's events within {timeout:.0f} s (step {step + 1})"]
    return []


def _recorded(http: httpx.Client, stack: LocalStack, sent: dict[str, int], deadline: float) -> bool:
    """Whether each order's dossier lists as many carrier events as were sent for it, by the deadline."""
    waiting = dict(sent)
    while waiting and time.monotonic() < deadline:
        for path, count in list(waiting.items()):
            if len(http.get(f"{stack.host_url}/api/orders/{path}").json().get("carrier_events", [])) >= count:
                del waiting[path]
        time.sleep(0.1 if waiting else 0)
    return not waiting


def _follow(http: httpx.Client, stack: LocalStack, plans: list[Shipping], timeout: float = 30.0) -> None:
    """Read each status answer until it says what is expected (or the deadline passes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for shipping in plans:
            if shipping.answer.get("status") != shipping.expected:
                shipping.answer = http.get(stack.host_url + shipping.status_path).raise_for_status().json()
        if all(shipping.answer.get("status") == shipping.expected for shipping in plans):
            return
        time.sleep(0.3)


def _shopify_got(http: httpx.Client, stack: LocalStack, shipping: Shipping, events_told: bool) -> list[str]:
    """One fulfillment per shipment, each with its tracking number; when the shop is told of carrier events, the
    last of them as the order ended."""
    assert stack.shopify is not None
    url = f"{stack.shopify.url}/_sim/orders/{shipping.shop_order_id}/fulfillments"
    fulfillments = http.get(url).raise_for_status().json()["fulfillments"]
    numbers = sorted(info.get("number") or "" for each in fulfillments for info in each["trackingInfo"])
    told = [event["status"] for each in fulfillments for event in each["events"]]
    events = ", ".join(status.lower() for status in told) or "none"
    shipping.shop_got = f"{len(fulfillments)} fulfillment(s), tracking {', '.join(numbers) or '-'}; events: {events}"
    wanted = sorted(shipping.parcels)
    surprises = []
    if len(fulfillments) != len(shipping.shipment_ids) or numbers != wanted:
        surprises.append(f"Shopify {shipping.order.bc_number}: {shipping.shop_got}; expected one per shipment")
    last_event = LAST_SHOPIFY_EVENT.get(shipping.expected)
    if events_told and last_event and told[-1:] != [last_event]:
        surprises.append(f"Shopify {shipping.order.bc_number}: events {events}, the last not {last_event.lower()}")
    return surprises


def _woo_got(http: httpx.Client, stack: LocalStack, shipping: Shipping) -> list[str]:
    """Completed once fully shipped, the tracking numbers in customer notes."""
    woo = stack.woocommerce
    assert woo is not None
    status = _woo_status(http, stack, shipping.shop_order_id)
    notes_url = f"{woo.api_base}/orders/{shipping.shop_order_id}/notes"
    auth = (woo.consumer_key, woo.consumer_secret)
    notes = http.get(notes_url, params={"type": "customer"}, auth=auth).raise_for_status().json()
    shipping.shop_got += f"{status}, {len(notes)} customer note(s)"
    missing = [n for n in shipping.parcels if not any(n in note["note"] for note in notes)]
    surprises = [f"WooCommerce {shipping.order.bc_number}: no customer note names {n}" for n in missing]
    if status != "completed":
        surprises.append(f"WooCommerce {shipping.order.bc_number}: {status} when fully shipped, not completed")
    return surprises


def _attention(http: httpx.Client, stack: LocalStack, plans: list[Shipping]) -> tuple[list[str], list[str]]:
    """The attention list's carrier exceptions of these orders (shown), and the exceptions missing from it."""
    entries = http.get(f"{stack.host_url}/api/ops/attention").raise_for_status().json()["orders"]
    shown, missing = [], []
    for shipping in (each for each in plans if each.expected == "exception"):
        problems = [e["problem"] for e in entries if any(n in e["problem"] for n in shipping.parcels)]
        shown += [f"{shipping.order.channel} {shipping.order.bc_number}: {problem}" for problem in problems]
        if not any("Unable to deliver" in problem for problem in problems):
            missing.append(f"{shipping.order.bc_number}: no carrier exception on the attention list")
    return shown, missing


def _status_surprises(shipping: Shipping) -> list[str]:
    answer, wanted = shipping.answer, len(shipping.shipment_ids)
    if answer.get("status") != shipping.expected or len(answer.get("shipments", [])) != wanted:
        return [
            f"{shipping.order.channel} {shipping.order.bc_number}: expected {shipping.expected} with {wanted} "
            f"shipment(s), got {answer.get('status', 'nothing')} with {len(answer.get('shipments', []))}"
        ]
    return []


def _parcels_shown(answer: dict[str, Any]) -> str:
    shipments = answer.get("shipments", [])
    return ", ".join(f"{s.get('trackingNumber') or '(no tracking)'} {s['status']}" for s in shipments) or "-"


def print_table(plans: list[Shipping], attention: list[str]) -> None:
    columns: list[tuple[str, int, Callable[[Shipping], str]]] = [
        ("channel", 11, lambda s: s.order.channel),
        ("web order", 9, lambda s: s.order.bc_number),
        ("story", 35, lambda s: s.story),
        ("status", 16, lambda s: s.answer.get("status", "missing")),
        ("shipments (tracking, status)", 52, lambda s: _parcels_shown(s.answer)),
        ("the shop got", 0, lambda s: s.shop_got or "- (no shop: the portal reads the status answer)"),
    ]
    print("  ".join(f"{title:<{width}}" for title, width, _ in columns))
    print("-" * 150)
    for shipping in plans:
        print("  ".join(f"{show(shipping)[: width or 200]:<{width}}" for _, width, show in columns))
    for entry in attention:
        print(f"attention list: {entry}")


def ship_and_follow(stack: LocalStack, orders: Sequence[DayOrder]) -> list[str]:
    """Ship, tell the shops, follow the parcels; print the outcome; return what did not end as expected."""
    plans = plan(stack, orders)
    if len(plans) < 5:
        return [f"only {len(plans)} of the 5 orders to ship were released in BC"]
    with httpx.Client(timeout=30) as http:
        for shipping in plans:
            _post_shipment(http, stack, shipping, shipping.first)
        surprises = _run_now(http, stack) + _after_round_one(http, stack, plans)
        for shipping in plans:
            _round_two(http, stack, shipping)
        surprises += _run_now(http, stack)
        surprises += _send_parcels(http, stack, plans)
        _follow(http, stack, plans)
        events_told = _has_run(http, stack, CARRIER_EVENT_RUN)
        surprises += _run_now(http, stack, (CARRIER_EVENT_RUN,)) if events_told else []
        for shipping in plans:
            surprises += _status_surprises(shipping)
            if shipping.order.channel == "WooCommerce":
                surprises += _woo_got(http, stack, shipping)
            elif shipping.order.channel == "Shopify":
                surprises += _shopify_got(http, stack, shipping, events_told)
        attention, missing = _attention(http, stack, plans)
    print_table(plans, attention)
    return surprises + missing
