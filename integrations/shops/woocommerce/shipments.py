"""A WooCommerce shop told of BC shipments (ShopShipments): the order's status, customer notes and Shipment Tracking.

What one notice does, in this order (tracking first: the extension prints it in the Completed e-mail):
1. Tracking, when the shop has the Shipment Tracking extension (setting TRACKING) and BC has a number: added to the
   order's trackings unless it is there; a number Koppel added earlier for the shipment (its internal note says
   which) and BC since changed is deleted first (the extension has no update route). Koppel then adds an internal
   note naming the number, unless a note of its own already carries it.
2. A customer note (WooCommerce e-mails it): a partial shipment, with its items and tracking; without the extension,
   the tracking of a shipment (on the shipment itself, or when BC gets the number later). Not added when one of
   Koppel's notes on the shipment already says it (shipment_notes.py: the marker).
3. The whole order shipped (POSTED or LINES, order_fully_shipped): the status set (SHIPPED_STATUS, default
   `completed`, which sends the Completed e-mail), after reading it: already so, nothing; cancelled, refunded,
   failed or trashed, or not paid yet (pending, on-hold: completing it would mark it paid), left as it is and said
   in words for a person.
Each step reads before it writes, so a notice sent again after a lost answer adds nothing twice. The notes are not
read for a notice of a shipment the shop was never told of (POSTED) and never sent before (`may_be_told` False): no
note of Koppel's on it can be there. The trackings and the status are read all the same (the status perhaps by
`prepare`): they decide whether to write at all.

`prepare` reads the orders' statuses in one list call per hundred orders (`include`, `_fields=id,status`); each
order's `tell` takes its status from there once (after that it reads it itself). An order the list leaves out
(deleted, trashed) is not prepared: its `tell` reads it and answers as without `prepare`.

WooCommerce refusing with its error body (4xx) -> its words (a person looks), except 401, 403, 408, 409, 423 and 429,
which a retry or a changed key can mend: RetryableError, as for 5xx and no answer (client.py).
zorem's Advanced Shipment Tracking registers the same route with other fields and side effects: not supported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.models import WebOrderKey
from domain.shipments.models import Shipment, tracking_key
from domain.shipments.ports import ShipmentNotice
from domain.shipments.recorded import ShipmentChange
from integrations.per_shop_settings import names, shop_setting, shop_value
from integrations.shops.woocommerce import shipment_notes
from integrations.shops.woocommerce.client import WooCommerceClient, WooCommerceRefused

TRACKING_PATH = "/wp-json/wc-shipment-tracking/v3/orders"
SHIPMENT_TRACKING = "shipment-tracking"
RETRIED_STATUSES = frozenset({401, 403, 408, 409, 423, 429})
"""4xx answers a retry (or a person changing the REST key's permissions) can mend: not a refusal of the shipment."""
CLOSED_STATUSES = frozenset({"cancelled", "refunded", "failed", "trash"})
UNPAID_STATUSES = frozenset({"pending", "on-hold"})
"""Not paid yet: WooCommerce sets the paid date when such an order becomes completed (WC_Order::maybe_set_date_paid),
so Koppel does not complete it: a person decides."""
_TELLING = frozenset({ShipmentChange.POSTED, ShipmentChange.TRACKING})
_SHIPPING = frozenset({ShipmentChange.POSTED, ShipmentChange.LINES})
LIST_PAGE = 100
"""Orders a list call answers at most (`per_page` 1..100, WC_REST_CRUD_Controller::get_collection_params)."""


@dataclass(frozen=True)
class WooShipmentSettings:
    """One shop's choices (KOPPEL_WOOCOMMERCE_SHIPPED_STATUS_, _TRACKING_, _TRACKING_PROVIDERS_<SHOP>)."""

    shipped_status: str = "completed"
    """"" leaves the status alone."""
    shipment_tracking: bool = False
    providers: Mapping[str, str] = field(default_factory=dict)
    """BC shipping agent code (upper case) -> the provider's name in the shop's Shipment Tracking list."""

    @classmethod
    def for_shop(cls, shop: str) -> WooShipmentSettings:
        """The shop's settings; ValueError naming the setting when one is not understood."""
        tracking = shop_value("woocommerce", "TRACKING", shop).strip().lower()
        if tracking not in ("", SHIPMENT_TRACKING):
            name = shop_setting("woocommerce", "TRACKING", shop)
            raise ValueError(
                f"{name} must be empty or {SHIPMENT_TRACKING!r} (Advanced Shipment Tracking is not supported)"
            )
        status = shop_value("woocommerce", "SHIPPED_STATUS", shop).strip().lower().removeprefix("wc-")
        return cls(status, tracking == SHIPMENT_TRACKING, _providers(shop))

    def carrier(self, agent: str) -> str:
        """What the customer reads as the carrier: the mapped provider name, else BC's agent code."""
        return self.providers.get(agent.strip().upper(), agent.strip())


def _providers(shop: str) -> dict[str, str]:
    setting = shop_setting("woocommerce", "TRACKING_PROVIDERS", shop)
    providers: dict[str, str] = {}
    for pair in names(shop_value("woocommerce", "TRACKING_PROVIDERS", shop)):
        agent, equals, provider = pair.partition("=")
        if not equals or not agent.strip() or not provider.strip():
            raise ValueError(f"{setting}: {pair!r} is not AGENT=Provider name")
        providers[agent.strip().upper()] = provider.strip()
    return providers


class WooCommerceShipments:
    """ShopShipments for one WooCommerce shop."""

    def __init__(self, client: WooCommerceClient, settings: WooShipmentSettings) -> None:
        self._client = client
        self._settings = settings
        self._statuses: dict[str, str] = {}
        """Order id -> its status as `prepare` read it, until the order's next `tell` takes it."""

    def prepare(self, orders: Sequence[WebOrderKey]) -> None:
        """The orders' statuses, a hundred orders a call; what an earlier `prepare` read and no `tell` took is
        dropped. Nothing to read when the shop's status is left alone."""
        self._statuses = {}
        if not self._settings.shipped_status:
            return
        ids = list(dict.fromkeys(key.order_id for key in orders if key.order_id.isdigit()))
        for start in range(0, len(ids), LIST_PAGE):
            self._statuses.update(self._read_statuses(ids[start : start + LIST_PAGE]))

    def _read_statuses(self, ids: list[str]) -> dict[str, str]:
        """Only the ids asked for are kept (a shop that ignored `include` would answer its latest orders)."""
        params = {"include": ",".join(ids), "per_page": str(LIST_PAGE), "_fields": "id,status"}
        listed = self._client.get(self._client.url("orders"), params, "the orders' statuses")
        orders = [order for order in listed if isinstance(order, dict)]
        statuses = {str(order.get("id")): str(order.get("status") or "") for order in orders}
        return {order_id: statuses[order_id] for order_id in ids if statuses.get(order_id)}

    def tell(self, notice: ShipmentNotice) -> str:
        try:
            return self._tell(notice, self._statuses.pop(notice.key.order_id, None))
        except WooCommerceRefused as refusal:
            if refusal.status in RETRIED_STATUSES:
                raise
            if refusal.code == "rest_no_route":
                return f"{refusal} (is WooCommerce Shipment Tracking installed and active? see the shop's TRACKING)"
            return str(refusal)

    def _tell(self, notice: ShipmentNotice, prepared_status: str | None) -> str:
        self._tell_tracking(notice)
        if notice.order_fully_shipped and notice.changes & _SHIPPING and self._settings.shipped_status:
            return self._set_status(notice.key.order_id, self._settings.shipped_status, prepared_status)
        return ""

    def _tell_tracking(self, notice: ShipmentNotice) -> None:
        """Steps 1 and 2: the order's notes are read only when Koppel may write one or change a tracking."""
        order_id, shipment = notice.key.order_id, notice.shipment
        syncing = self._settings.shipment_tracking and (
            bool(shipment.tracking_number and notice.changes & _TELLING) or ShipmentChange.TRACKING in notice.changes
        )
        note = self._customer_note(notice)
        if note is None and not syncing:
            return
        notes_url = self._client.url(f"orders/{order_id}/notes")
        mine = self._koppel_notes(notice, notes_url)
        if syncing:
            self._sync_tracking(order_id, shipment, shipment_notes.numbers_told(mine))
        if note is not None and not _told(mine, shipment, customer=True):
            mine.append(self._client.post(notes_url, {"note": note, "customer_note": True}))
        if syncing and shipment.tracking_number and not _told(mine, shipment):
            self._client.post(notes_url, {"note": shipment_notes.ledger_note(shipment), "customer_note": False})

    def _koppel_notes(self, notice: ShipmentNotice, notes_url: str) -> list[Mapping[str, Any]]:
        """Koppel's notes on the shipment; none without reading when the shop never heard of it from Koppel."""
        if ShipmentChange.POSTED in notice.changes and not notice.may_be_told:
            return []
        notes = self._client.get(notes_url, {"type": "any"}, "the order's notes")
        return shipment_notes.koppel_notes(notes, notice.shipment)

    def _customer_note(self, notice: ShipmentNotice) -> str | None:
        shipment = notice.shipment
        carrier = self._settings.carrier(shipment.shipping_agent)
        if not notice.order_fully_shipped and ShipmentChange.POSTED in notice.changes:
            return shipment_notes.partial_note(shipment, carrier)
        if self._settings.shipment_tracking or not shipment.tracking_number or not notice.changes & _TELLING:
            return None
        whole_order = notice.order_fully_shipped and ShipmentChange.POSTED in notice.changes
        return shipment_notes.tracking_note(shipment, carrier, whole_order)

    def _sync_tracking(self, order_id: str, shipment: Shipment, numbers_told: set[str]) -> None:
        """The shipment's number in the order's trackings; numbers Koppel added for it before, and BC replaced, out."""
        url = self._client.site_url(f"{TRACKING_PATH}/{order_id}/shipment-trackings")
        current = tracking_key(shipment.tracking_number)
        entries: list[dict[str, Any]] = self._client.get(url, {}, "the order's shipment trackings")
        for entry in entries:
            number = tracking_key(str(entry.get("tracking_number") or ""))
            if number in numbers_told and number != current:
                self._client.delete(f"{url}/{entry['tracking_id']}")
        present = {tracking_key(str(entry.get("tracking_number") or "")) for entry in entries}
        if current and current not in present:
            self._client.post(url, self._tracking_body(shipment))

    def _tracking_body(self, shipment: Shipment) -> dict[str, str]:
        """A provider the shop lists (it builds the link), else a custom one with BC's link."""
        body = {"tracking_number": shipment.tracking_number, "date_shipped": shipment.posting_date.isoformat()}
        provider = self._settings.providers.get(shipment.shipping_agent.strip().upper())
        if provider:
            return body | {"tracking_provider": provider}
        custom = shipment.shipping_agent.strip() or "Carrier"
        return body | {"custom_tracking_provider": custom, "custom_tracking_link": shipment.tracking_url}

    def _set_status(self, order_id: str, status: str, prepared: str | None) -> str:
        """Set after reading it (`prepared`: as `prepare` read it)."""
        url = self._client.url(f"orders/{order_id}")
        current = prepared or str(self._client.get(url, {}, "the order").get("status") or "")
        if current == status:
            return ""
        if current in CLOSED_STATUSES:
            return f"WooCommerce order {order_id} is {current}: Koppel did not set it to {status}"
        if current in UNPAID_STATUSES:
            return f"WooCommerce order {order_id} is {current} (not paid): Koppel did not set it to {status}"
        self._client.put(url, {"status": status})
        return ""


def _told(notes: list[Mapping[str, Any]], shipment: Shipment, customer: bool = False) -> bool:
    """One of Koppel's notes on the shipment (a customer note, if `customer`) carries its tracking number, or, for
    a shipment without one, exists."""
    relevant = [note for note in notes if note.get("customer_note") or not customer]
    if not shipment.tracking_number:
        return bool(relevant)
    return tracking_key(shipment.tracking_number) in shipment_notes.numbers_told(relevant)
