"""The shop's orders as Shopify JSON, newest first, and the merchant actions that change them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from itertools import count
from typing import Any

from localdev.simulators.shopify.ids import ShopifyIds
from localdev.simulators.shopify.orders import OrderDraft, build_order

UPDATABLE = frozenset({"financial_status", "fulfillment_status", "tags", "note", "note_attributes", "email", "phone"})
ONE_SECOND = timedelta(seconds=1)


class OrderStore:
    """`zone` is the shop's time zone: Shopify writes its timestamps with the shop's offset."""

    def __init__(self, zone: timezone) -> None:
        self.zone = zone
        self.ids = ShopifyIds()
        self.orders: dict[int, dict[str, Any]] = {}
        self._numbers = count(1001)

    def place(self, draft: OrderDraft, created: datetime) -> dict[str, Any]:
        order = build_order(draft, self.ids, next(self._numbers), self._stamp(created))
        self.orders[order["id"]] = order
        return order

    def get(self, order_id: int) -> dict[str, Any]:
        """The order; KeyError when there is none."""
        return self.orders[order_id]

    def newest_first(self) -> list[dict[str, Any]]:
        return sorted(self.orders.values(), key=lambda order: order["id"], reverse=True)

    def update(self, order_id: int, changes: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        """Change the fields a merchant or an app may change; money and ids stay as the checkout made them."""
        unknown = set(changes) - UPDATABLE
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))}; changeable: {', '.join(sorted(UPDATABLE))}")
        order = self.get(order_id)
        order.update(changes)
        self._touch(order, now)
        return order

    def cancel(self, order_id: int, reason: str, now: datetime) -> dict[str, Any]:
        order = self.get(order_id)
        if order["cancelled_at"] is not None:
            raise ValueError(f"order {order_id} is already cancelled")
        paid = order["financial_status"] in ("paid", "partially_paid", "partially_refunded")
        order["financial_status"] = "refunded" if paid else "voided"
        order["cancel_reason"] = reason
        self._touch(order, now)
        order["cancelled_at"] = order["closed_at"] = order["updated_at"]
        return order

    def _touch(self, order: dict[str, Any], now: datetime) -> None:
        """`updated_at` moves to now, and at least one second on."""
        previous = datetime.fromisoformat(order["updated_at"])
        order["updated_at"] = self._stamp(max(now.replace(microsecond=0), previous + ONE_SECOND)).isoformat(
            timespec="seconds"
        )

    def _stamp(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone).replace(microsecond=0)
