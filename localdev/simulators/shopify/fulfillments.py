"""The shop's fulfillment orders and fulfillments, with the rules `fulfillmentCreate` and
`fulfillmentTrackingInfoUpdate` apply (the GraphQL side is fulfillment_api.py).

An order's fulfillment orders are made the first time they are asked for: one at the shop's first location holding
every line that requires shipping and has a current quantity. A merchant may move lines to another location
(`move`, as `fulfillmentOrderMove` does): they leave their fulfillment order for a new one there. A cancelled order's
fulfillment orders that are not closed read CANCELLED.

Messages marked (unconfirmed) are the simulator's words, not seen from Shopify; "Invalid fulfillment order line item
quantity requested." is the one seen in the wild (REST, nozzlegear/ShopifySharp issue #948).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from localdev.simulators.shopify.catalog import Location, gid, now_stamp, utc_stamp
from localdev.simulators.shopify.gql_errors import UserError

QUANTITY_TOO_HIGH = "Invalid fulfillment order line item quantity requested."
LINE_NOT_ON_ORDER = "Fulfillment order line item {id} does not belong to fulfillment order {order}."  # unconfirmed
NOT_FULFILLABLE = "Fulfillment order {id} has an unfulfillable status= {status}."  # unconfirmed
UNKNOWN_ORDER = "Fulfillment order does not exist."  # unconfirmed
OTHER_LOCATION = "All fulfillment orders must be assigned to the same location."  # unconfirmed
NO_LINES = "Line items by fulfillment order can't be blank."  # unconfirmed
QUANTITY_NOT_POSITIVE = "Quantity must be greater than 0."  # unconfirmed
UNKNOWN_FULFILLMENT = "Fulfillment does not exist."  # unconfirmed
FULFILLMENT_CANCELLED = "The fulfillment is cancelled."  # unconfirmed
TRACKING_RULES = {
    "number and numbers": "Provide either number or numbers, not both.",  # unconfirmed
    "url and urls": "Provide either url or urls, not both.",  # unconfirmed
    "url without number": "A tracking url needs a tracking number.",  # unconfirmed
}
FULFILLABLE = frozenset({"OPEN", "IN_PROGRESS"})


@dataclass
class FulfillmentOrderLine:
    id: str
    line_item: dict[str, Any]
    """The order's REST line item (`id`, `sku`, `name` ...), read as GraphQL's LineItem."""
    total_quantity: int
    remaining_quantity: int

    @property
    def sku(self) -> str | None:
        sku: str | None = self.line_item.get("sku")
        return sku


@dataclass
class FulfillmentOrder:
    id: str
    order_id: int
    location: Location
    line_items: list[FulfillmentOrderLine]
    status: str = "OPEN"
    request_status: str = "UNSUBMITTED"

    @property
    def assigned_location(self) -> dict[str, Any]:
        return {"name": self.location.name, "location": self.location}

    def line(self, line_id: str) -> FulfillmentOrderLine | None:
        return next((line for line in self.line_items if line.id == line_id), None)


@dataclass
class Fulfillment:
    id: str
    order_id: int
    location: Location
    line_items: list[dict[str, Any]]
    """`{"id", "quantity", "lineItem"}` per fulfilled line."""
    tracking_info: list[dict[str, str | None]]
    notify_customer: bool
    status: str = "SUCCESS"
    created_at: str = field(default_factory=now_stamp)
    updated_at: str = field(default_factory=now_stamp)
    events: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        lines = [
            {"id": line["id"], "quantity": line["quantity"], "sku": line["lineItem"].get("sku")}
            for line in self.line_items
        ]
        return {
            "id": self.id,
            "status": self.status,
            "location": self.location.id,
            "trackingInfo": self.tracking_info,
            "notifyCustomer": self.notify_customer,
            "lineItems": lines,
            "events": self.events,
            "createdAt": self.created_at,
        }


@dataclass(frozen=True)
class Outcome:
    fulfillment: Fulfillment | None
    errors: list[UserError]


class FulfillmentDesk:
    """Fulfillment state of every order; `orders` is the order store's dict (set by the shop)."""

    def __init__(self, locations: Callable[[], Sequence[Location]]) -> None:
        self._locations = locations
        self.orders: Mapping[int, dict[str, Any]] = {}
        self.fulfillment_orders: dict[str, FulfillmentOrder] = {}
        self.fulfillments: dict[str, Fulfillment] = {}
        self._by_order: dict[int, list[str]] = {}
        self._numbers = count(1_000_001)

    def order_gid(self, order_id: int) -> str:
        return gid("Order", order_id)

    def order_of(self, order_gid: str) -> int | None:
        """The order's number for its global id; None when the shop has no such order."""
        number = order_gid.rsplit("/", 1)[-1]
        return int(number) if number.isdigit() and int(number) in self.orders else None

    def of_order(self, order_id: int) -> list[FulfillmentOrder]:
        if order_id not in self._by_order:
            self._open_first(order_id)
        found = [self.fulfillment_orders[fo_id] for fo_id in self._by_order[order_id]]
        if self.orders[order_id].get("cancelled_at"):
            for fulfillment_order in found:
                if fulfillment_order.status != "CLOSED":
                    fulfillment_order.status = "CANCELLED"
        return found

    def fulfillments_of(self, order_id: int) -> list[Fulfillment]:
        return [f for f in self.fulfillments.values() if f.order_id == order_id]

    def _open_first(self, order_id: int) -> None:
        lines = [
            FulfillmentOrderLine(
                self._gid("FulfillmentOrderLineItem"), item, item["current_quantity"], item["current_quantity"]
            )
            for item in self.orders[order_id]["line_items"]
            if item.get("requires_shipping", True) and item.get("current_quantity", 0) > 0
        ]
        self._by_order[order_id] = []
        self._add(FulfillmentOrder(self._gid("FulfillmentOrder"), order_id, self._locations()[0], lines))

    def _add(self, fulfillment_order: FulfillmentOrder) -> None:
        self.fulfillment_orders[fulfillment_order.id] = fulfillment_order
        self._by_order[fulfillment_order.order_id].append(fulfillment_order.id)

    def _gid(self, kind: str) -> str:
        return gid(kind, next(self._numbers))

    def move(self, fulfillment_order_id: str, line_ids: Sequence[str], location: Location) -> FulfillmentOrder:
        """Move these lines' remaining quantities to a new fulfillment order at `location`; KeyError or ValueError
        when the fulfillment order or a line is unknown, or nothing remains of a line."""
        source = self.fulfillment_orders[fulfillment_order_id]
        moved: list[FulfillmentOrderLine] = []
        for line_id in line_ids:
            line = source.line(line_id)
            if line is None or line.remaining_quantity == 0:
                raise ValueError(f"{line_id} has nothing to move on {fulfillment_order_id}")
            moved.append(
                FulfillmentOrderLine(
                    self._gid("FulfillmentOrderLineItem"),
                    line.line_item,
                    line.remaining_quantity,
                    line.remaining_quantity,
                )
            )
            line.total_quantity -= line.remaining_quantity
            line.remaining_quantity = 0
        source.line_items = [line for line in source.line_items if line.total_quantity > 0]
        _settle(source)
        target = FulfillmentOrder(self._gid("FulfillmentOrder"), source.order_id, location, moved)
        self._add(target)
        return target

    def create(self, fulfillment: Mapping[str, Any]) -> Outcome:
        """`fulfillmentCreate`: all or nothing."""
        groups = fulfillment["lineItemsByFulfillmentOrder"]
        errors = _tracking_errors(fulfillment.get("trackingInfo"), ("fulfillment", "trackingInfo"))
        if not groups:
            errors.append(UserError(("fulfillment", "lineItemsByFulfillmentOrder"), NO_LINES, None))
        taken: list[tuple[FulfillmentOrderLine, int]] = []
        orders: list[FulfillmentOrder] = []
        for index, group in enumerate(groups):
            path = ("fulfillment", "lineItemsByFulfillmentOrder", str(index))
            errors += self._take_group(group, path, orders, taken)
        if errors:
            return Outcome(None, errors)
        return Outcome(self._fulfil(orders, taken, fulfillment), [])

    def _take_group(
        self,
        group: Mapping[str, Any],
        path: tuple[str, ...],
        orders: list[FulfillmentOrder],
        taken: list[tuple[FulfillmentOrderLine, int]],
    ) -> list[UserError]:
        fulfillment_order = self.fulfillment_orders.get(group["fulfillmentOrderId"])
        if fulfillment_order is None:
            return [UserError((*path, "fulfillmentOrderId"), UNKNOWN_ORDER, None)]
        self.of_order(fulfillment_order.order_id)
        if fulfillment_order.status not in FULFILLABLE:
            message = NOT_FULFILLABLE.format(id=fulfillment_order.id, status=fulfillment_order.status.lower())
            return [UserError((*path, "fulfillmentOrderId"), message, None)]
        if orders and (
            orders[0].location.id != fulfillment_order.location.id or orders[0].order_id != fulfillment_order.order_id
        ):
            return [UserError((*path, "fulfillmentOrderId"), OTHER_LOCATION, None)]
        orders.append(fulfillment_order)
        wanted = group.get("fulfillmentOrderLineItems")
        if not wanted:
            taken += [
                (line, line.remaining_quantity) for line in fulfillment_order.line_items if line.remaining_quantity
            ]
            return []
        return _take_lines(fulfillment_order, wanted, path, taken)

    def _fulfil(
        self, orders: list[FulfillmentOrder], taken: list[tuple[FulfillmentOrderLine, int]], given: Mapping[str, Any]
    ) -> Fulfillment:
        for line, quantity in taken:
            line.remaining_quantity -= quantity
        for fulfillment_order in orders:
            _settle(fulfillment_order)
        lines = [
            {"id": self._gid("FulfillmentLineItem"), "quantity": quantity, "lineItem": line.line_item}
            for line, quantity in taken
        ]
        made = Fulfillment(
            self._gid("Fulfillment"),
            orders[0].order_id,
            orders[0].location,
            lines,
            tracking_entries(given.get("trackingInfo")),
            bool(given.get("notifyCustomer")),
        )
        self.fulfillments[made.id] = made
        return made

    def update_tracking(self, fulfillment_id: str, tracking: Mapping[str, Any], notify: bool | None) -> Outcome:
        """`fulfillmentTrackingInfoUpdate`: the tracking given replaces the fulfillment's."""
        found = self.fulfillments.get(fulfillment_id)
        if found is None:
            return Outcome(None, [UserError(("fulfillmentId",), UNKNOWN_FULFILLMENT, None)])
        errors = _tracking_errors(tracking, ("trackingInfoInput",))
        if found.status == "CANCELLED":
            errors.append(UserError(("fulfillmentId",), FULFILLMENT_CANCELLED, None))
        if errors:
            return Outcome(None, errors)
        found.tracking_info = tracking_entries(tracking)
        found.notify_customer = bool(notify)
        found.updated_at = now_stamp()
        return Outcome(found, [])

    def add_event(self, event: Mapping[str, Any]) -> tuple[dict[str, Any] | None, list[UserError]]:
        """`fulfillmentEventCreate`."""
        found = self.fulfillments.get(event["fulfillmentId"])
        if found is None or found.status == "CANCELLED":
            words = UNKNOWN_FULFILLMENT if found is None else FULFILLMENT_CANCELLED
            return None, [UserError(("fulfillmentEvent", "fulfillmentId"), words, None)]
        stamps = {name: utc_stamp(event.get(name)) for name in ("happenedAt", "estimatedDeliveryAt")}
        bad = [name for name, stamp in stamps.items() if stamp == "" and event.get(name)]
        if bad:
            return None, [UserError(("fulfillmentEvent", name), f"{name} is not a date and time", None) for name in bad]
        recorded = {
            "id": self._gid("FulfillmentEvent"),
            "status": event["status"],
            "happenedAt": stamps["happenedAt"] or now_stamp(),
            "estimatedDeliveryAt": stamps["estimatedDeliveryAt"] or None,
            "message": event.get("message"),
            "createdAt": now_stamp(),
        }
        found.events.append(recorded)
        return recorded, []


def _take_lines(
    fulfillment_order: FulfillmentOrder,
    wanted: Sequence[Mapping[str, Any]],
    path: tuple[str, ...],
    taken: list[tuple[FulfillmentOrderLine, int]],
) -> list[UserError]:
    errors: list[UserError] = []
    for index, item in enumerate(wanted):
        where = (*path, "fulfillmentOrderLineItems", str(index))
        line = fulfillment_order.line(item["id"])
        if line is None:
            message = LINE_NOT_ON_ORDER.format(id=item["id"], order=fulfillment_order.id)
            errors.append(UserError((*where, "id"), message, None))
        elif item["quantity"] <= 0:
            errors.append(UserError((*where, "quantity"), QUANTITY_NOT_POSITIVE, None))
        elif item["quantity"] + sum(q for seen, q in taken if seen is line) > line.remaining_quantity:
            errors.append(UserError((*where, "quantity"), QUANTITY_TOO_HIGH, None))
        else:
            taken.append((line, item["quantity"]))
    return errors


def _settle(fulfillment_order: FulfillmentOrder) -> None:
    """CLOSED once nothing remains; IN_PROGRESS once something of it was fulfilled."""
    if all(line.remaining_quantity == 0 for line in fulfillment_order.line_items):
        fulfillment_order.status = "CLOSED"
    elif any(line.remaining_quantity < line.total_quantity for line in fulfillment_order.line_items):
        fulfillment_order.status = "IN_PROGRESS"


def _tracking_errors(tracking: Mapping[str, Any] | None, path: tuple[str, ...]) -> list[UserError]:
    """FulfillmentTrackingInput's rules: `number` or `numbers`, `url` or `urls`, a url only with a number."""
    if not tracking:
        return []
    broken = []
    if tracking.get("number") and tracking.get("numbers"):
        broken.append("number and numbers")
    if tracking.get("url") and tracking.get("urls"):
        broken.append("url and urls")
    if (tracking.get("url") or tracking.get("urls")) and not (tracking.get("number") or tracking.get("numbers")):
        broken.append("url without number")
    return [UserError(path, TRACKING_RULES[rule], None) for rule in broken]


def tracking_entries(tracking: Mapping[str, Any] | None) -> list[dict[str, str | None]]:
    """FulfillmentTrackingInfo entries: one per number, each with the url at its position and the company."""
    if not tracking:
        return []
    numbers = [tracking["number"]] if tracking.get("number") else list(tracking.get("numbers") or [])
    urls = [tracking["url"]] if tracking.get("url") else list(tracking.get("urls") or [])
    company = tracking.get("company")
    if not numbers:
        return [{"company": company, "number": None, "url": None}] if company else []
    return [
        {"company": company, "number": number, "url": urls[index] if index < len(urls) else None}
        for index, number in enumerate(numbers)
    ]
