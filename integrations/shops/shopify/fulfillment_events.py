"""The ShopCarrierEvents port over Shopify's Admin GraphQL API: a carrier event becomes a `fulfillmentEventCreate`
on each of the order's standing fulfillments that carries the event's tracking number (one BC shipment from several
locations is several fulfillments with one number), with the carrier's time, words and expected delivery.

`fulfillmentEventCreate` is not documented as idempotent: before creating, the fulfillment's events are read, and an
event with the same status that happened at the same second is not made again (a lost answer, then the next run).
Shopify's userErrors, and an order without a fulfillment carrying the number, are answered as words (refused);
throttling, a shop out of reach or failing is RetryableError (client.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from domain.shipments.models import tracking_key
from domain.shipments.ports import CarrierEventNotice
from integrations.shops.shopify.client import GraphQLRefused, ShopifyClient
from integrations.shops.shopify.fulfillment_plan import NOT_STANDING
from integrations.shops.shopify.fulfillments import FULFILLMENTS_PAGE, PAGE_INFO

EVENTS_PAGE = 50
FULFILLMENTS = f"""
query KoppelEventFulfillments($id: ID!) {{
  order(id: $id) {{ fulfillments(first: {FULFILLMENTS_PAGE + 1}) {{ id status trackingInfo {{ number }} }} }}
}}"""
EVENTS = f"""
query KoppelFulfillmentEvents($id: ID!, $after: String) {{
  fulfillment(id: $id) {{ events(first: {EVENTS_PAGE}, after: $after) {{ {PAGE_INFO} nodes {{ status happenedAt }} }} }}
}}"""
CREATE_EVENT = """
mutation KoppelFulfillmentEvent($event: FulfillmentEventInput!) {
  fulfillmentEventCreate(fulfillmentEvent: $event) { fulfillmentEvent { id } userErrors { field message } }
}"""
EXPECTED_AT_HOUR = "T12:00:00Z"
"""The carrier gives a date; Shopify takes a DateTime: noon UTC is that date in every shop's time zone from UTC-11
to UTC+11."""


def event_input(fulfillment_id: str, notice: CarrierEventNotice) -> dict[str, Any]:
    """FulfillmentEventInput: the status, when it happened (UTC, seconds), the carrier's words and expected date."""
    event = notice.event
    given: dict[str, Any] = {
        "fulfillmentId": fulfillment_id,
        "status": notice.status.value,
        "happenedAt": _stamp(event.happened_at),
    }
    if event.status_message:
        given["message"] = event.status_message
    if event.expected_delivery is not None:
        given["estimatedDeliveryAt"] = event.expected_delivery.isoformat() + EXPECTED_AT_HOUR
    return given


class ShopifyFulfillmentEvents:
    def __init__(self, client: ShopifyClient) -> None:
        self._client = client

    def tell(self, notice: CarrierEventNotice) -> str:
        try:
            carrying = self._fulfillments_carrying(notice)
            if isinstance(carrying, str):
                return carrying
            for fulfillment_id in carrying:
                if self._has(fulfillment_id, notice):
                    continue
                variables = {"event": event_input(fulfillment_id, notice)}
                answer = self._client.graphql(CREATE_EVENT, variables)["fulfillmentEventCreate"]
                if answer["userErrors"]:
                    return "; ".join(str(error["message"]) for error in answer["userErrors"])
            return ""
        except GraphQLRefused as refused:
            return f"Shopify refused the call: {refused}"

    def _fulfillments_carrying(self, notice: CarrierEventNotice) -> list[str] | str:
        """The ids of the order's standing fulfillments with the event's tracking number; else why there are none."""
        order_id, number = notice.key.order_id, notice.event.tracking_number
        order = self._client.graphql(FULFILLMENTS, {"id": f"gid://shopify/Order/{order_id}"})["order"]
        if order is None:
            return f"Shopify has no order {order_id}"
        if len(order["fulfillments"]) > FULFILLMENTS_PAGE:
            return (
                f"Shopify's order {order_id} has more than {FULFILLMENTS_PAGE} fulfillments: Koppel tells it no events"
            )
        carrying = [
            fulfillment["id"]
            for fulfillment in order["fulfillments"]
            if fulfillment["status"] not in NOT_STANDING and _carries(fulfillment, number)
        ]
        return carrying or f"Shopify's order {order_id} has no fulfillment with tracking number {number}"

    def _has(self, fulfillment_id: str, notice: CarrierEventNotice) -> bool:
        """Whether the fulfillment has an event of this status that happened at the same second already."""
        wanted = (notice.status.value, _second(notice.event.happened_at))
        after: str | None = None
        while True:
            found = self._client.graphql(EVENTS, {"id": fulfillment_id, "after": after})["fulfillment"]
            if found is None:
                return False
            page = found["events"]
            if any((node["status"], _parsed(node["happenedAt"])) == wanted for node in page["nodes"]):
                return True
            if not page["pageInfo"]["hasNextPage"]:
                return False
            after = page["pageInfo"]["endCursor"]


def _carries(fulfillment: Mapping[str, Any], number: str) -> bool:
    wanted = tracking_key(number)
    return any(tracking_key(info["number"] or "") == wanted for info in fulfillment["trackingInfo"])


def _second(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def _stamp(moment: datetime) -> str:
    """Shopify's DateTime: UTC, seconds, `Z`."""
    return _second(moment).isoformat().replace("+00:00", "Z")


def _parsed(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        return _second(datetime.fromisoformat(stamp))
    except ValueError:
        return None
