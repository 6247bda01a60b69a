"""What a shop does after the sale, in memory: order notes, Shipment Tracking entries and the customer e-mails
WooCommerce sends (recorded instead of sent), with the faults a test can inject on those routes.

E-mails recorded: "Completed order" (`customer_completed_order`) when an order's status changes to `completed`,
"Customer note" (`customer_note`) for every note added with `customer_note: true` (WooCommerce does not deduplicate).
"Refunded order" (`customer_refunded_order`) for every refund (WC_Email_Customer_Refunded_Order, on
`woocommerce_order_fully_refunded` and `woocommerce_order_partially_refunded`).
A completed e-mail lists the order's Shipment Tracking numbers at that moment (the extension prints them in customer
e-mails), so a test can tell whether tracking was added before the status.

Faults on these routes: counted ones (the next N calls, `RouteFault`) and drawn ones (`RouteRates`, shares of every
call, one draw a call from a seeded generator)."""

from __future__ import annotations

import hashlib
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from localdev.simulators.rate_faults import FaultRates, RateFault
from localdev.simulators.woocommerce.catalog_faults import BatchFault

Route = Literal["status", "notes", "tracking", "refunds"]


@dataclass
class OrderNote:
    id: int
    order_id: int
    note: str
    customer_note: bool
    author: str
    created: datetime


@dataclass
class TrackingItem:
    """One entry of the extension's `_wc_shipment_tracking_items` order meta, as stored (unformatted)."""

    tracking_id: str
    tracking_provider: str
    custom_tracking_provider: str
    custom_tracking_link: str
    tracking_number: str
    date_shipped: datetime


@dataclass(frozen=True)
class SentEmail:
    kind: Literal["customer_completed_order", "customer_note", "customer_refunded_order"]
    order_id: int
    note: str = ""
    tracking_numbers: tuple[str, ...] = ()


class RouteFault(BatchFault):
    """Fail the next `count` calls to `route` (any of them when unset; `refunds`: refunds_api.py's) with `method`
    (any when unset); `after_commit`: the change is made and only the answer is lost."""

    model_config = ConfigDict(extra="forbid")

    route: Route | None = None
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] | None = None


class RouteRates(FaultRates):
    """Shares of all calls to these routes (summed at most 1): 429 as a host's rate limit (`Retry-After`:
    `retry_after` seconds) and 503 as its proxy, nothing done; a lost answer: the change is made, the answer lost.
    `seed` re-seeds the generator the draws come from."""

    model_config = ConfigDict(extra="forbid")

    retry_after: int = Field(1, ge=0)


class RouteFaults(BaseModel):
    """The body of `POST /_sim/faults/fulfilment`: `{"faults": [...], "rates": {...}}`; the faults are added to those
    waiting, the rates (when given) replace the rates."""

    model_config = ConfigDict(extra="forbid")

    faults: list[RouteFault] = Field(default_factory=list)
    rates: RouteRates | None = None


@dataclass
class Fulfilment:
    """Notes (one id sequence, as WordPress comments), tracking entries per order, e-mails sent, faults waiting."""

    tracking_installed: bool = False
    notes: dict[int, list[OrderNote]] = field(default_factory=dict)
    trackings: dict[int, list[TrackingItem]] = field(default_factory=dict)
    emails: list[SentEmail] = field(default_factory=list)
    faults: list[RouteFault] = field(default_factory=list)
    rates: RouteRates = field(default_factory=RouteRates)
    drawn: Counter[RateFault] = field(default_factory=Counter)
    _note_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(500))
    _draws: random.Random = field(default_factory=lambda: random.Random(0))

    def add_note(self, order_id: int, note: str, customer_note: bool, author: str = "system") -> OrderNote:
        added = OrderNote(next(self._note_ids), order_id, note, customer_note, author, datetime.now(UTC))
        self.notes.setdefault(order_id, []).append(added)
        if customer_note:
            self.emails.append(SentEmail("customer_note", order_id, note=note))
        return added

    def notes_of(self, order_id: int, kind: str) -> list[OrderNote]:
        """Newest first, as get_comments orders them; `kind` any, customer or internal."""
        notes = [
            note for note in self.notes.get(order_id, []) if kind == "any" or note.customer_note == (kind == "customer")
        ]
        return sorted(notes, key=lambda note: (note.created, note.id), reverse=True)

    def status_changed(self, order_id: int, before: str, after: str) -> None:
        """WooCommerce's status transition: an internal note, and the Completed e-mail on a change to completed."""
        self.add_note(order_id, f"Order status changed from {_label(before)} to {_label(after)}.", False)
        if after == "completed":
            numbers = tuple(item.tracking_number for item in self.trackings.get(order_id, []))
            self.emails.append(SentEmail("customer_completed_order", order_id, tracking_numbers=numbers))

    def add_tracking(self, order_id: int, item: TrackingItem) -> TrackingItem:
        self.trackings.setdefault(order_id, []).append(item)
        return item

    def delete_tracking(self, order_id: int, tracking_id: str) -> bool:
        items = self.trackings.get(order_id, [])
        kept = [item for item in items if item.tracking_id != tracking_id]
        self.trackings[order_id] = kept
        return len(kept) < len(items)

    def set_rates(self, rates: RouteRates) -> None:
        self.rates = rates
        if rates.seed is not None:
            self._draws.seed(rates.seed)

    def clear_faults(self) -> None:
        """No faults waiting, no rates, nothing drawn (the generator goes on)."""
        self.faults.clear()
        self.rates = RouteRates()
        self.drawn.clear()

    def draw_fault(self) -> RateFault | None:
        """This call's fault by the rates, counted in `drawn`: one draw when a rate is set, else none."""
        drawn = self.rates.draw(self._draws)
        if drawn is not None:
            self.drawn[drawn] += 1
        return drawn

    def next_fault(self, route: Route, method: str) -> RouteFault | None:
        """The fault for this call, if one waits for its route and method; it counts down."""
        for index, fault in enumerate(self.faults):
            if fault.route in (None, route) and fault.method in (None, method):
                fault.count -= 1
                if fault.count == 0:
                    self.faults.pop(index)
                return fault
        return None


def tracking_id(provider: str, number: str) -> str:
    """md5 of provider, number and the time, as the extension makes it (`add_tracking_item`)."""
    return hashlib.md5(f"{provider}-{number}{datetime.now(UTC).timestamp()}".encode()).hexdigest()  # noqa: S324


def _label(status: str) -> str:
    """wc_get_order_status_name for the core statuses."""
    return {"pending": "Pending payment", "on-hold": "On hold"}.get(status, status.capitalize())
