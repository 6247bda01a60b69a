"""The ChannelCatalog port over WooCommerce REST API v3: listings written through `POST /products/batch`, at most
100 objects a call, each object answered on its own.

Only the fields BC owns in the channel are sent, so descriptions, images and SEO kept in the shop survive. A create
refused because the shop already has a product with the SKU (made by hand, or before Koppel) adopts that product:
its id is looked up by SKU and the listing sent again as an update, in the same push.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from domain.catalog.availability import ChannelStock, StockStatus
from domain.catalog.listing import ListedField, Listing, ListingStatus, PushOutcome
from domain.errors import RetryableError

BATCH_LIMIT = 100
DUPLICATE_SKU = "product_invalid_sku"
_STATUS = {ListingStatus.PUBLISHED: "publish", ListingStatus.DRAFT: "draft"}
_STOCK_STATUS = {
    StockStatus.IN_STOCK: "instock",
    StockStatus.OUT_OF_STOCK: "outofstock",
    StockStatus.ON_BACKORDER: "onbackorder",
}


class WooCommerceCatalog:
    def __init__(self, http: httpx.Client, site_url: str, consumer_key: str, consumer_secret: str) -> None:
        self._http = http
        self._products_url = site_url.rstrip("/") + "/wp-json/wc/v3/products"
        self._auth = httpx.BasicAuth(consumer_key, consumer_secret)

    @property
    def limit(self) -> int:
        return BATCH_LIMIT

    def push(self, listings: Sequence[tuple[Listing, str]]) -> list[PushOutcome]:
        creates = [found for found, channel_id in listings if not channel_id]
        updates = [(found, channel_id) for found, channel_id in listings if channel_id]
        answer = self._batch(
            {
                "create": [product(found, create=True) for found in creates],
                "update": [{"id": int(channel_id), **product(found)} for found, channel_id in updates],
            }
        )
        outcomes = [_outcome(found, item) for found, item in zip(creates, answer.get("create", []), strict=False)]
        outcomes += [_outcome(found, item) for (found, _), item in zip(updates, answer.get("update", []), strict=False)]
        return self._adopt_existing(outcomes, {found.sku: found for found in creates})

    def _adopt_existing(self, outcomes: list[PushOutcome], created: dict[str, Listing]) -> list[PushOutcome]:
        """Creates refused for a SKU the shop has already: update those products instead."""
        taken = [outcome.sku for outcome in outcomes if outcome.error.startswith(DUPLICATE_SKU)]
        if not taken:
            return outcomes
        ids = self._ids_by_sku(taken)
        found = [(created[sku], ids[sku]) for sku in taken if sku in ids]
        answer = self._batch({"update": [{"id": int(channel_id), **product(listing)} for listing, channel_id in found]})
        adopted = {
            outcome.sku: outcome
            for outcome in (
                _outcome(listing, item) for (listing, _), item in zip(found, answer.get("update", []), strict=False)
            )
        }
        return [adopted.get(outcome.sku, outcome) for outcome in outcomes]

    def _ids_by_sku(self, skus: Sequence[str]) -> dict[str, str]:
        params = {"sku": ",".join(skus), "per_page": str(BATCH_LIMIT), "_fields": "id,sku"}
        products = self._send("GET", self._products_url, params=params)
        return {row["sku"]: str(row["id"]) for row in products if row.get("sku") in skus}

    def _batch(self, body: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        answer: dict[str, Any] = self._send("POST", f"{self._products_url}/batch", json=body)
        return answer

    def _send(self, method: str, url: str, **options: Any) -> Any:
        try:
            response = self._http.request(method, url, auth=self._auth, **options)
        except httpx.TransportError as error:
            raise RetryableError(f"WooCommerce unreachable: {type(error).__name__}") from error
        if response.status_code >= 400:
            raise RetryableError(f"WooCommerce answered {response.status_code} to {method} {url.rsplit('/', 1)[-1]}")
        return response.json()


def product(found: Listing, create: bool = False) -> dict[str, Any]:
    """The product fields BC owns in this channel; a create also names the SKU and the product type."""
    body: dict[str, Any] = {"sku": found.sku, "type": "simple"} if create else {}
    if ListedField.NAME in found.owned:
        body["name"] = found.name
    if ListedField.STATUS in found.owned:
        body["status"] = _STATUS[found.status]
    if ListedField.PRICES in found.owned:
        body |= _prices(found)
    if ListedField.STOCK in found.owned:
        body |= _stock(found.stock)
    return body


def _prices(found: Listing) -> dict[str, Any]:
    return {
        "regular_price": f"{found.regular_price:f}",
        "sale_price": f"{found.sale_price:f}" if found.sale_price is not None else "",
        "date_on_sale_from": found.sale_from.isoformat() if found.sale_from else None,
        "date_on_sale_to": found.sale_to.isoformat() if found.sale_to else None,
    }


def _stock(stock: ChannelStock) -> dict[str, Any]:
    """A shown quantity is managed by the shop; otherwise only the status is set. An expected receipt rides in
    meta data (WooCommerce has no field for it), for the theme to show; empty when none is expected."""
    if stock.quantity is None:
        return {"manage_stock": False, "stock_status": _STOCK_STATUS[stock.status]}
    expected = stock.expected_on.isoformat() if stock.expected_on else ""
    return {
        "manage_stock": True,
        "stock_quantity": int(stock.quantity),
        "backorders": "notify" if stock.status is StockStatus.ON_BACKORDER else "no",
        "meta_data": [
            {"key": "koppel_expected_on", "value": expected},
            {"key": "koppel_expected_quantity", "value": f"{stock.expected_quantity or 0:f}" if expected else ""},
        ],
    }


def _outcome(found: Listing, item: dict[str, Any]) -> PushOutcome:
    error = item.get("error")
    if error:
        return PushOutcome(sku=found.sku, error=f"{error.get('code', 'error')}: {error.get('message', '')}")
    return PushOutcome(sku=found.sku, channel_id=str(item.get("id", "")))
