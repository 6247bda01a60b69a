"""The chaos run's shipment path: proof that every BC shipment reaches its shop exactly once, with its tracking
number, and every delivered parcel shows its order delivered, while BC and the shops fail and Sendcloud repeats
itself.

After the order path (localdev/chaos.py) every web order that is in BC is shipped in the BC simulator: most in one
shipment with a tracking number, some in two parts, some posted without a number that BC gets later ("Update
Document"). The shipment timer (every few seconds) polls BC and tells the shops while BC answers 429 and 503 and the
shops answer 429, 503 or lose the answer after doing the work. Sendcloud reports each parcel en route right away (it
may come before Koppel has recorded the shipment) and, once Koppel shows the shipment, delivered; some parcels' webhooks
come twice, some parcels' last two events come in reverse order; some parcels carry no order number and are matched by
their tracking number alone. Then, with the faults switched off, the shops and the status answers are checked:
Shopify holds one fulfillment per shipment with its tracking number and a DELIVERED event, no event twice; WooCommerce
has each tracking number in exactly one customer note, one Completed e-mail per order; every order's status answer
says delivered.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from localdev.bc_shipping import post_shipment, update_shipment
from localdev.proof import Tally
from localdev.stack import LocalStack

EN_ROUTE, OUT_FOR_DELIVERY, DELIVERED = 91, 92, 11
"""Sendcloud's status ids (localdev/simulators/sendcloud/CATALOG.md)."""
AGENTS = ("POSTNL", "DHL", "DPD")
SETTINGS = {"KOPPEL_SHIPMENTS_SCHEDULE": "*/4 * * * * *", "KOPPEL_BC_SHIPPING_API": "koppel/shipping/v1.0"}
"""The host's settings for the shipment path: the shipment timer (poll BC, tell the shops, tell them the carrier
events) every few seconds; Koppel's shipment page published in BC (its tracking numbers)."""
CHECKS_PER_ROUND = 40


class PlacedOrder(Protocol):
    """A web order of the order path (localdev/chaos.py WebOrder)."""

    @property
    def source(self) -> str: ...
    @property
    def order_id(self) -> int: ...
    @property
    def number(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def dossier_path(self) -> str: ...


@dataclass(frozen=True)
class ShipmentChaosPlan:
    two_parts_share: float = 0.2
    tracking_later_share: float = 0.1
    tracking_only_share: float = 0.3
    """Parcels without an order number: Koppel matches them by tracking number."""
    duplicate_share: float = 0.3
    reordered_share: float = 0.1
    """Parcels whose out-for-delivery and delivered webhooks arrive newest first."""
    rate_429: float = 0.10
    rate_503: float = 0.05
    rate_lost_answer: float = 0.02
    """At BC (which loses only the answers to writes, and Koppel only reads shipments) and at both shops."""
    settle_timeout_s: float = 240.0
    seed: int = 20261207
    orders: int | None = None
    """How many of the orders in BC are shipped (all when None)."""


@dataclass
class Shipping:
    """One web order as the run ships it."""

    order: PlacedOrder
    sales_order_id: str
    parts: list[dict[str, Any]]
    """The bodies of POST /_sim/salesOrders/{id}/shipments, one per shipment."""
    tracking_later: str = ""
    """The number BC gets after posting (the only shipment was posted without one)."""
    shipment_ids: list[str] = field(default_factory=list)

    @property
    def numbers(self) -> list[str]:
        posted = [str(part["packageTrackingNumber"]) for part in self.parts if part.get("packageTrackingNumber")]
        return posted + ([self.tracking_later] if self.tracking_later else [])

    @property
    def status_path(self) -> str:
        return f"{self.order.dossier_path}/status"


@dataclass
class ShipmentChaosReport:
    plan: ShipmentChaosPlan
    orders: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    faults: dict[str, dict[str, int]] = field(default_factory=dict)
    not_delivered: list[str] = field(default_factory=list)
    shopify_wrong: list[str] = field(default_factory=list)
    woocommerce_wrong: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    settle_s: float = 0.0

    @property
    def held(self) -> bool:
        broken = (self.not_delivered, self.shopify_wrong, self.woocommerce_wrong, self.doubled, self.attention)
        return self.orders > 0 and not any(broken)

    def lines(self) -> list[str]:
        c = self.counts
        faults = ", ".join(f"{where} {drawn}" for where, drawn in self.faults.items()) or "none"
        return [
            f"shipment path: {self.orders} web orders shipped in {c['shipments']} BC shipments ({c['two_parts']} in "
            f"two parts, {c['tracking_later']} with the tracking number added after posting); settled in "
            f"{self.settle_s:.1f} s",
            f"  carrier events:      {c['parcels']} parcels ({c['tracking_only']} without an order number), "
            f"{c['webhooks']} status changes, {c['redelivered']} sent again, {c['reordered']} parcels' last two "
            "events newest first",
            f"  faults drawn:        {faults}",
            f"  not delivered:       {len(self.not_delivered)}   Shopify wrong: {len(self.shopify_wrong)}   "
            f"WooCommerce wrong: {len(self.woocommerce_wrong)}   doubled: {len(self.doubled)}   on the attention "
            f"list: {len(self.attention)}",
            *[f"    {entry}" for entry in (self.not_delivered + self.shopify_wrong + self.woocommerce_wrong)[:10]],
            *[f"    {entry}" for entry in (self.doubled + self.attention)[:10]],
            f"  shipment invariants: {'HELD' if self.held else 'BROKEN'}",
        ]


def ship_and_follow(
    stack: LocalStack, orders: Sequence[PlacedOrder], plan: ShipmentChaosPlan, say: Callable[[str], None]
) -> ShipmentChaosReport:
    """Ship every order BC holds (the stack's shipment timer runs on SHIPMENT_SCHEDULE), follow the parcels to
    delivery, check the shops and the status answers."""
    with httpx.Client(timeout=30) as http:
        return _ShipmentRun(stack, http, plan, say).execute(orders)


class _ShipmentRun:
    def __init__(
        self, stack: LocalStack, http: httpx.Client, plan: ShipmentChaosPlan, say: Callable[[str], None]
    ) -> None:
        assert stack.bc is not None
        assert stack.shopify is not None
        assert stack.woocommerce is not None
        assert stack.sendcloud is not None
        self.stack, self.http, self.plan, self.say = stack, http, plan, say
        self.bc, self.shopify, self.woo, self.sendcloud = stack.bc, stack.shopify, stack.woocommerce, stack.sendcloud
        self.rng = random.Random(plan.seed)
        self.report = ShipmentChaosReport(plan)
        self.tally = Tally(self.report.counts)
        self.parcels: dict[str, int] = {}

    def execute(self, orders: Sequence[PlacedOrder]) -> ShipmentChaosReport:
        shipping = self._plan(orders)
        self.report.orders = len(shipping)
        self._faults(on=True)
        started = time.monotonic()
        for each in shipping:
            self._post(each, each.parts[0])
        self._send_en_route(shipping)
        self.say(f"shipped {len(shipping)} orders (first parts); waiting for Koppel to record them")
        self._wait(shipping, self._recorded_first, started + self.plan.settle_timeout_s / 3)
        for each in shipping:
            self._round_two(each)
        self._send_en_route(shipping)
        self._wait(shipping, self._recorded_all, started + self.plan.settle_timeout_s / 2)
        self._deliver(shipping)
        self._wait(shipping, self._settled, started + self.plan.settle_timeout_s)
        self.report.settle_s = time.monotonic() - started
        self._faults(on=False)
        self._verify(shipping)
        return self.report

    # -- shipping in BC ------------------------------------------------------------------------------------------

    def _plan(self, orders: Sequence[PlacedOrder]) -> list[Shipping]:
        by_number = {
            str(row.get("externalDocumentNumber")): row for row in list(self.bc.store.sales_orders.rows.values())
        }
        shipping: list[Shipping] = []
        for order in orders[: self.plan.orders]:
            sales_order = by_number.get(order.number)
            if sales_order is not None:
                shipping.append(self._shipping(order, sales_order))
        return shipping

    def _shipping(self, order: PlacedOrder, sales_order: dict[str, Any]) -> Shipping:
        agent = self.rng.choice(AGENTS)
        number = f"3SCHAOS{order.order_id}"
        items = [line for line in self.bc.store.lines_of(sales_order["id"]).values() if line["lineType"] == "Item"]
        roll = self.rng.random()
        plan = self.plan
        if roll < plan.two_parts_share and _can_go_in_two(items):
            self.tally.add("two_parts")
            first = items[0]
            quantity = first["quantity"] if len(items) > 1 else first["quantity"] - 1
            parts: list[dict[str, Any]] = [
                {
                    "shippingAgentCode": agent,
                    "packageTrackingNumber": f"{number}A",
                    "lines": [{"sequence": first["sequence"], "quantity": quantity}],
                },
                {"shippingAgentCode": agent, "packageTrackingNumber": f"{number}B"},
            ]
            return Shipping(order, sales_order["id"], parts)
        if roll < plan.two_parts_share + plan.tracking_later_share:
            self.tally.add("tracking_later")
            return Shipping(order, sales_order["id"], [{"shippingAgentCode": agent}], tracking_later=number)
        return Shipping(order, sales_order["id"], [{"shippingAgentCode": agent, "packageTrackingNumber": number}])

    def _post(self, shipping: Shipping, body: dict[str, Any]) -> None:
        shipping.shipment_ids.append(post_shipment(self.http, self.bc.url, shipping.sales_order_id, body))
        self.tally.add("shipments")

    def _round_two(self, shipping: Shipping) -> None:
        if len(shipping.parts) > 1:
            self._post(shipping, shipping.parts[1])
        elif shipping.tracking_later:
            tracking = {"packageTrackingNumber": shipping.tracking_later}
            update_shipment(self.http, self.bc.url, shipping.shipment_ids[0], tracking)

    # -- Sendcloud -----------------------------------------------------------------------------------------------

    def _send_en_route(self, shipping: Sequence[Shipping]) -> None:
        """Each parcel not seen yet, en route: as the carrier scans it, before or after Koppel polled BC."""
        for each in shipping:
            for number in each.numbers:
                if number not in self.parcels:
                    self.parcels[number] = self._parcel(each, number)
                    self._status(self.parcels[number], EN_ROUTE)

    def _parcel(self, shipping: Shipping, number: str) -> int:
        tracking_only = self.rng.random() < self.plan.tracking_only_share
        self.tally.add("parcels")
        self.tally.add("tracking_only", tracking_only)
        body = {"order_number": "" if tracking_only else shipping.order.number, "tracking_number": number}
        parcel_id: int = self.http.post(f"{self.sendcloud.url}/_sim/parcels", json=body).raise_for_status().json()["id"]
        return parcel_id

    def _status(self, parcel_id: int, status: int) -> None:
        url = f"{self.sendcloud.url}/_sim/parcels/{parcel_id}"
        self.http.post(f"{url}/status", json={"id": status}).raise_for_status()
        self.tally.add("webhooks")
        if self.rng.random() < self.plan.duplicate_share:
            copies = self.rng.randint(1, 2)
            self.http.post(f"{url}/redeliver", json={"copies": copies}).raise_for_status()
            self.tally.add("redelivered", copies)

    def _deliver(self, shipping: Sequence[Shipping]) -> None:
        """Out for delivery now and then, then delivered; the reordered parcels' two webhooks newest first."""
        parcels = [self.parcels[number] for each in shipping for number in each.numbers]
        reordered = [parcel for parcel in parcels if self.rng.random() < self.plan.reordered_share]
        in_order = [parcel for parcel in parcels if parcel not in reordered]
        for parcel in in_order:
            if self.rng.random() < 0.3:
                self._status(parcel, OUT_FOR_DELIVERY)
            self._status(parcel, DELIVERED)
        self.http.post(f"{self.sendcloud.url}/_sim/webhooks/hold").raise_for_status()
        for parcel in reordered:
            self._status(parcel, OUT_FOR_DELIVERY)
            time.sleep(0.002)  # the two status changes' timestamps (milliseconds) differ
            self._status(parcel, DELIVERED)
        self.http.post(f"{self.sendcloud.url}/_sim/webhooks/release", json={"order": "reverse"}).raise_for_status()
        self.tally.add("reordered", len(reordered))

    # -- waiting -------------------------------------------------------------------------------------------------

    def _wait(self, shipping: Sequence[Shipping], done: Callable[[Shipping], bool], deadline: float) -> None:
        """Until `done` holds for every order (a few looked at per round) or the deadline passes."""
        pending = list(shipping)
        while pending and time.monotonic() < deadline:
            looked_at, rest = pending[:CHECKS_PER_ROUND], pending[CHECKS_PER_ROUND:]
            pending = rest + [each for each in looked_at if not done(each)]
            time.sleep(0.5 if pending else 0)

    def _answer(self, shipping: Shipping) -> dict[str, Any]:
        response = self.http.get(f"{self.stack.host_url}{shipping.status_path}")
        return response.json() if response.status_code == 200 else {}

    def _recorded_first(self, shipping: Shipping) -> bool:
        return any(s.get("shipmentNumber") for s in self._answer(shipping).get("shipments", []))

    def _recorded_all(self, shipping: Shipping) -> bool:
        shipments = [s for s in self._answer(shipping).get("shipments", []) if s.get("shipmentNumber")]
        shown = {s.get("trackingNumber") for s in shipments}
        return all(number in shown for number in shipping.numbers)

    def _settled(self, shipping: Shipping) -> bool:
        if self._answer(shipping).get("status") != "delivered":
            return False
        if shipping.order.source == "shopify":
            return not self._shopify_wrong(shipping)
        return not self._woocommerce_wrong(shipping, self._woo_notes(shipping))

    # -- the shops -----------------------------------------------------------------------------------------------

    def _faults(self, *, on: bool) -> None:
        """BC's and the shops' faults on, or off and what was drawn read back."""
        plan = self.plan
        rates = {
            "rate_429": plan.rate_429 if on else 0.0,
            "rate_503": plan.rate_503 if on else 0.0,
            "rate_lost_answer": plan.rate_lost_answer if on else 0.0,
            "seed": plan.seed,
            "retry_after": 0,
        }
        self.http.post(f"{self.shopify.url}/_sim/graphql/faults", json=rates).raise_for_status()
        self.http.post(f"{self.woo.url}/_sim/faults/fulfilment", json={"rates": rates}).raise_for_status()
        if on:
            bc = {"rate_429": plan.rate_429, "rate_503": plan.rate_503, "rate_lost_response": plan.rate_lost_answer}
            self.http.post(f"{self.bc.url}/_sim/faults", json=bc).raise_for_status()
            self.http.post(f"{self.bc.url}/_sim/stats/reset").raise_for_status()
            return
        self.http.delete(f"{self.bc.url}/_sim/faults").raise_for_status()
        bc_stats = self.http.get(f"{self.bc.url}/_sim/stats").raise_for_status().json()
        shopify = self.http.get(f"{self.shopify.url}/_sim/graphql/stats").raise_for_status().json()
        woo = self.http.get(f"{self.woo.url}/_sim/faults/fulfilment").raise_for_status().json()
        self.report.faults = {
            f"BC ({bc_stats['requests']} requests)": dict(bc_stats["faults"]),
            "Shopify": dict(shopify["faults"]),
            "WooCommerce": dict(woo.get("drawn", {})),
        }

    def _fulfillments(self, shipping: Shipping) -> list[dict[str, Any]]:
        url = f"{self.shopify.url}/_sim/orders/{shipping.order.order_id}/fulfillments"
        found: list[dict[str, Any]] = self.http.get(url).raise_for_status().json()["fulfillments"]
        return found

    def _shopify_wrong(self, shipping: Shipping) -> list[str]:
        """One fulfillment per shipment, each tracking number once, each ending with a DELIVERED event."""
        made = self._fulfillments(shipping)
        numbers = sorted(info.get("number") or "" for each in made for info in each["trackingInfo"])
        wrong = []
        if len(made) != len(shipping.shipment_ids) or numbers != sorted(shipping.numbers):
            wrong.append(
                f"{shipping.order.key}: {len(made)} fulfillments tracking {numbers}, expected "
                f"{len(shipping.shipment_ids)} tracking {sorted(shipping.numbers)}"
            )
        for each in made:
            if [event["status"] for event in each["events"]][-1:] != ["DELIVERED"]:
                wrong.append(f"{shipping.order.key}: fulfillment {each['id']} events {each['events']}")
        return wrong

    def _woo_get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        """A read of the shop's REST API with its key (the shop's faults may answer it)."""
        auth = (self.woo.consumer_key, self.woo.consumer_secret)
        return self.http.get(f"{self.woo.api_base}/{path}", params=params, auth=auth)

    def _woo_notes(self, shipping: Shipping) -> list[dict[str, Any]]:
        response = self._woo_get(f"orders/{shipping.order.order_id}/notes", {"type": "customer"})
        return response.json() if response.status_code == 200 else []

    def _woocommerce_wrong(self, shipping: Shipping, notes: list[dict[str, Any]]) -> list[str]:
        """Each tracking number in exactly one customer note; the order completed."""
        response = self._woo_get(f"orders/{shipping.order.order_id}")
        status = response.json().get("status") if response.status_code == 200 else f"not read ({response.status_code})"
        wrong = [] if status == "completed" else [f"{shipping.order.key}: {status}, not completed"]
        for number in shipping.numbers:
            carrying = sum(1 for note in notes if f"Tracking number: {number}" in note["note"])
            if carrying != 1:
                wrong.append(f"{shipping.order.key}: {carrying} customer notes carry {number}")
        return wrong

    # -- checking ------------------------------------------------------------------------------------------------

    def _verify(self, shipping: Sequence[Shipping]) -> None:
        report = self.report
        completed = Counter(
            str(email["order_id"])
            for email in self.http.get(f"{self.woo.url}/_sim/emails").raise_for_status().json()
            if email["kind"] == "customer_completed_order"
        )
        for each in shipping:
            answer = self._answer(each)
            if answer.get("status") != "delivered":
                report.not_delivered.append(f"{each.order.key}: {answer.get('status', 'no answer')}")
            if each.order.source == "shopify":
                made = self._fulfillments(each)
                report.shopify_wrong += self._shopify_wrong(each)
                report.doubled += _events_doubled(each, made)
            else:
                report.woocommerce_wrong += self._woocommerce_wrong(each, self._woo_notes(each))
                if completed[str(each.order.order_id)] != 1:
                    report.doubled.append(f"{each.order.key}: {completed[str(each.order.order_id)]} Completed e-mails")
        keys = {each.order.key for each in shipping}
        entries = self.http.get(f"{self.stack.host_url}/api/ops/attention").raise_for_status().json()["orders"]
        report.attention = [f"{e['key']}: {e['problem']}" for e in entries if e.get("key") in keys]


def _can_go_in_two(items: list[dict[str, Any]]) -> bool:
    return len(items) > 1 or (len(items) == 1 and items[0]["quantity"] >= 2)


def _events_doubled(shipping: Shipping, made: list[dict[str, Any]]) -> list[str]:
    """A fulfillment event of one status told twice (lost answers must not double them)."""
    doubled = []
    for each in made:
        told = Counter(event["status"] for event in each["events"])
        doubled += [f"{shipping.order.key}: {status} told {n} times" for status, n in told.items() if n > 1]
    return doubled
