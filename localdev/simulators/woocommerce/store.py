"""The shop's orders, each kept as a ShopOrder plus its modification time, rendered on demand."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from localdev.simulators.woocommerce.refunds import RefundLedger
from tests.support.woocommerce import ShopOrder, order_payload

ONE_SECOND = timedelta(seconds=1)


@dataclass
class StoredOrder:
    order: ShopOrder
    modified: datetime

    @property
    def order_id(self) -> int:
        return self.order.order_id


class OrderBook:
    """Orders by id; `site_offset` is the shop's time zone, used for the dates without `_gmt`."""

    def __init__(self, site_offset: timedelta) -> None:
        self.site_offset = site_offset
        self.orders: dict[int, StoredOrder] = {}
        self.deleted_skus: set[str] = set()
        """SKUs of products deleted since they were ordered: their order lines now show `sku: null`."""
        self.refunds = RefundLedger()
        self.fees: dict[int, list[dict[str, Any]]] = {}
        """Fee lines added to an order after it was placed (`POST /_sim/orders/{id}/fees`), as its REST body shows
        them but for their ids."""

    def delete_product(self, sku: str) -> None:
        """WooCommerce reads a line's SKU from its product when the order is rendered, `null` once the product is
        gone (woocommerce/woocommerce plugins/woocommerce/includes/rest-api/Controllers/Version2/
        class-wc-rest-orders-v2-controller.php, get_order_item_data); the order itself is not modified."""
        self.deleted_skus.add(sku)

    def next_id(self) -> int:
        return max(self.orders, default=1000) + 1

    def place(self, order: ShopOrder) -> StoredOrder:
        if order.order_id in self.orders:
            raise ValueError(f"order {order.order_id} already exists")
        stored = StoredOrder(order, order.created.astimezone(UTC).replace(microsecond=0))
        self.orders[order.order_id] = stored
        return stored

    def get(self, order_id: int) -> StoredOrder:
        """The order; KeyError when there is none."""
        return self.orders[order_id]

    def update(self, order_id: int, changes: Mapping[str, Any], now: datetime) -> StoredOrder:
        """Apply ShopOrder field changes; `date_modified` moves to now, and at least one second on."""
        stored = self.get(order_id)
        stored.order = dataclasses.replace(stored.order, **changes)
        stored.modified = max(now.astimezone(UTC).replace(microsecond=0), stored.modified + ONE_SECOND)
        return stored

    def local(self, moment: datetime) -> datetime:
        """A UTC moment as a naive site-local time, the way WooCommerce stores `date_*`."""
        return (moment.astimezone(UTC) + self.site_offset).replace(tzinfo=None)

    def payload(self, stored: StoredOrder) -> dict[str, Any]:
        """The REST (and webhook) body, with stable line item ids and site-local dates."""
        body = order_payload(stored.order, stored.modified)
        body["date_created"] = self.local(stored.order.created).isoformat(timespec="seconds")
        body["date_modified"] = self.local(stored.modified).isoformat(timespec="seconds")
        for index, item in enumerate(body["line_items"], start=1):
            item["id"] = stored.order_id * 100 + index
            if item["sku"] in self.deleted_skus:
                item["sku"] = None
        self._add_fees(stored.order_id, body)
        charges = [*body["shipping_lines"], *body["fee_lines"]]
        for index, charge in enumerate(charges, start=len(body["line_items"]) + 1):
            charge["id"] = stored.order_id * 100 + index
        body["refunds"] = self.refunds.summaries(stored.order_id)
        return body

    def _add_fees(self, order_id: int, body: dict[str, Any]) -> None:
        """The order's fees in its `fee_lines`, their amounts in its `total` and `total_tax`."""
        fees = [dict(fee) for fee in self.fees.get(order_id, [])]
        body["fee_lines"] = fees
        if fees:
            tax = sum((Decimal(fee["total_tax"]) for fee in fees), Decimal(0))
            total = sum((Decimal(fee["total"]) for fee in fees), tax)
            body["total"] = f"{Decimal(body['total']) + total:.2f}"
            body["total_tax"] = f"{Decimal(body['total_tax']) + tax:.2f}"
