"""What a channel may sell of an item: stock on hand less what is promised, plus what purchase orders bring.

Quantities are in the item's base unit of measure. Everything here is computed from BC's facts as given,
with `today` passed in, so the same facts always give the same answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from domain.models import Frozen


class ItemKey(Frozen):
    """A BC item, or one variant of it; variant code "" is the item without variant."""

    item_number: str
    variant_code: str = ""


class SalesDemand(Frozen):
    """The quantity of a sales order line not yet shipped."""

    location_code: str
    quantity: Decimal = Field(ge=0)
    shipment_date: date


class ExpectedReceipt(Frozen):
    """The quantity of a purchase order line not yet received."""

    location_code: str
    quantity: Decimal = Field(ge=0)
    expected_date: date


class StockFacts(Frozen):
    """What BC knows of one item or variant; `on_hand` maps a location code ("" = no location) to its inventory,
    which BC lets go negative where negative inventory is allowed."""

    item: ItemKey
    on_hand: dict[str, Decimal] = {}
    demand: tuple[SalesDemand, ...] = ()
    receipts: tuple[ExpectedReceipt, ...] = ()


class DisplayMode(StrEnum):
    """How much of its stock a channel shows: a commercial choice."""

    HIDDEN = "hidden"
    IN_STOCK_OR_NOT = "in_stock_or_not"
    EXACT_QUANTITY = "exact_quantity"
    QUANTITY_WITH_DATE = "quantity_with_date"


class StockPolicy(Frozen):
    """A channel's stock rules; `locations` empty sells from every location, the blank one included."""

    display: DisplayMode
    locations: frozenset[str] = frozenset()
    safety_stock: Decimal = Field(default=Decimal(0), ge=0)
    """Held back from the channel for every item, now and in the projection."""
    receipt_horizon_days: int | None = Field(default=None, ge=0)
    """Receipts expected later than this many days from today are not promised; None promises every receipt."""

    def sells_from(self, location_code: str) -> bool:
        return not self.locations or location_code in self.locations


class NextAvailability(Frozen):
    """The first date receipts bring the channel's projected quantity above zero, and that quantity."""

    on: date
    quantity: Decimal


class Availability(Frozen):
    item: ItemKey
    available_now: Decimal
    next_available: NextAvailability | None = None
    """Only while nothing is available now."""

    @property
    def in_stock(self) -> bool:
        return self.available_now > 0


def availability(facts: StockFacts, policy: StockPolicy, today: date) -> Availability:
    """On hand less all outstanding sales demand (whatever its shipment date) less the safety stock, in the
    channel's locations; out of stock, the first receipt that covers that deficit says when and how many."""
    projected = _on_hand(facts, policy) - _demand(facts, policy) - policy.safety_stock
    if projected > 0:
        return Availability(item=facts.item, available_now=projected)
    return Availability(
        item=facts.item,
        available_now=Decimal(0),
        next_available=_next_availability(projected, _receipts_by_date(facts, policy, today)),
    )


def _on_hand(facts: StockFacts, policy: StockPolicy) -> Decimal:
    return sum((quantity for location, quantity in facts.on_hand.items() if policy.sells_from(location)), Decimal(0))


def _demand(facts: StockFacts, policy: StockPolicy) -> Decimal:
    """All of it: stock a later shipment needs is not sold again, even if a receipt might arrive in between."""
    return sum((line.quantity for line in facts.demand if policy.sells_from(line.location_code)), Decimal(0))


def _receipts_by_date(facts: StockFacts, policy: StockPolicy, today: date) -> dict[date, Decimal]:
    """The promised receipts per date, earliest first; an overdue receipt (BC keeps the line outstanding) is
    expected today, and so always within the horizon."""
    horizon = None if policy.receipt_horizon_days is None else today + timedelta(days=policy.receipt_horizon_days)
    by_date: dict[date, Decimal] = defaultdict(Decimal)
    for receipt in facts.receipts:
        expected = max(receipt.expected_date, today)
        if policy.sells_from(receipt.location_code) and (horizon is None or expected <= horizon):
            by_date[expected] += receipt.quantity
    return dict(sorted(by_date.items()))


def _next_availability(projected: Decimal, receipts: Mapping[date, Decimal]) -> NextAvailability | None:
    for expected, quantity in receipts.items():
        projected += quantity
        if projected > 0:
            return NextAvailability(on=expected, quantity=projected)
    return None


class StockStatus(StrEnum):
    IN_STOCK = "in_stock"
    OUT_OF_STOCK = "out_of_stock"
    ON_BACKORDER = "on_backorder"
    """Nothing now, but orderable: the expected date and quantity say when."""


class ChannelStock(Frozen):
    """What a channel is told of an item's stock.

    `shown` False (display mode hidden): the channel keeps no stock and shows none (WooCommerce manage_stock
    off, Shopify inventory not tracked), and the item is always orderable; its status is then in stock."""

    status: StockStatus
    shown: bool = True
    quantity: Decimal | None = None
    expected_on: date | None = None
    expected_quantity: Decimal | None = None


def presented(availability: Availability, policy: StockPolicy) -> ChannelStock:
    """The availability as the channel's display mode lets it be shown."""
    match policy.display:
        case DisplayMode.HIDDEN:
            return ChannelStock(status=StockStatus.IN_STOCK, shown=False)
        case DisplayMode.IN_STOCK_OR_NOT:
            return ChannelStock(status=_in_or_out(availability))
        case DisplayMode.EXACT_QUANTITY:
            return ChannelStock(status=_in_or_out(availability), quantity=availability.available_now)
        case DisplayMode.QUANTITY_WITH_DATE:
            return _with_date(availability)


def _in_or_out(availability: Availability) -> StockStatus:
    return StockStatus.IN_STOCK if availability.in_stock else StockStatus.OUT_OF_STOCK


def _with_date(availability: Availability) -> ChannelStock:
    later = availability.next_available
    if later is None:
        return ChannelStock(status=_in_or_out(availability), quantity=availability.available_now)
    return ChannelStock(
        status=StockStatus.ON_BACKORDER,
        quantity=availability.available_now,
        expected_on=later.on,
        expected_quantity=later.quantity,
    )


class ItemSubstitution(Frozen):
    """A BC item substitution entry; BC itself adds the reverse entry of an interchangeable one."""

    item: ItemKey
    substitute: ItemKey
    interchangeable: bool = False


class Alternative(Frozen):
    substitute: ItemKey
    interchangeable: bool
    stock: ChannelStock


def alternatives(
    item: ItemKey,
    substitutes: Sequence[ItemSubstitution],
    availabilities: Mapping[ItemKey, Availability],
    policy: StockPolicy,
) -> list[Alternative]:
    """For an item out of stock, its substitutes (entries for exactly this item and variant) that are in stock,
    most available first, then as listed. Nothing for an item in stock, an item whose availability is not
    given, or a channel that hides stock; a substitute whose availability is not given is left out."""
    own = availabilities.get(item)
    if own is None or own.in_stock or policy.display is DisplayMode.HIDDEN:
        return []
    in_stock = [
        (entry, found)
        for entry in substitutes
        if entry.item == item and (found := availabilities.get(entry.substitute)) is not None and found.in_stock
    ]
    return [
        Alternative(substitute=entry.substitute, interchangeable=entry.interchangeable, stock=presented(found, policy))
        for entry, found in sorted(in_stock, key=lambda pair: -pair[1].available_now)
    ]
