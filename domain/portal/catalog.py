"""The B2B portal's copy of BC's catalog: per item everything needed to price it for any customer and show its
stock, per customer the terms BC prices its orders with, so that the portal is answered without asking BC.

A run stores each item's price list lines of every source and its availability (`portal_item`); when the portal
asks, `quote` resolves the price for that customer, quantity and date with BC's rules
(domain/catalog/price_calculation.py), presents the availability by the portal's display mode and offers in-stock
substitutes for an unavailable item.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from pydantic import Field

from domain.catalog.availability import (
    Alternative,
    Availability,
    ChannelStock,
    ItemKey,
    ItemSubstitution,
    StockFacts,
    StockPolicy,
    alternatives,
    availability,
    presented,
)
from domain.catalog.listing import CatalogItem
from domain.catalog.price_calculation import best_price, quantity_breaks
from domain.catalog.prices import (
    PriceListLine,
    PriceRequest,
    PriceStatus,
    PriceType,
    QuantityBreak,
    ResolvedPrice,
)
from domain.models import Frozen, canonical_json, fingerprint_of


class PortalPolicy(Frozen):
    """The portal's commercial choices (their defaults are the settings')."""

    stock: StockPolicy
    prices_include_vat: bool
    """Whether portal prices include VAT (business customers usually see them without)."""
    campaigns: frozenset[str] = frozenset()
    """BC campaigns whose prices every portal customer gets (which customers BC targets is not published)."""
    local_currency: str
    """The company's local currency (LCY), in which a customer without a currency code is priced."""


class PortalItem(Frozen):
    """A BC item as the portal keeps it."""

    item: CatalogItem
    price_lines: tuple[PriceListLine, ...] = ()
    """Its active sales lines for every source (customers, groups, campaigns, all customers), in BC's order."""
    stock: tuple[Availability, ...]
    """Its own availability and each variant's, by the portal's stock policy, as of the run."""
    substitutions: tuple[ItemSubstitution, ...] = ()

    @property
    def number(self) -> str:
        return self.item.number

    def availability(self, variant_code: str = "") -> Availability:
        """An unknown variant has none available."""
        key = ItemKey(item_number=self.number, variant_code=variant_code)
        return next(
            (found for found in self.stock if found.item == key), Availability(item=key, available_now=Decimal(0))
        )

    def fingerprint(self) -> str:
        return _fingerprint(self)


class PortalCustomer(Frozen):
    """What BC prices a customer's orders with besides the price lists."""

    number: str = Field(min_length=1)
    customer_price_group: str = ""
    customer_discount_group: str = ""
    currency_code: str = ""
    """Blank: the local currency."""

    def fingerprint(self) -> str:
        return _fingerprint(self)


def _fingerprint(stored: Frozen) -> str:
    """Changes exactly when what is stored changes."""
    return fingerprint_of(canonical_json(stored))


def portal_item(
    item: CatalogItem,
    lines: Iterable[PriceListLine],
    stock: Mapping[ItemKey, StockFacts],
    substitutions: Iterable[ItemSubstitution],
    *,
    policy: StockPolicy,
    today: date,
) -> PortalItem:
    """The item with the lines that can price a sale (not draft, inactive or purchase lines), the availability of
    the item and of each of its variants, and its substitution entries."""
    keys = [ItemKey(item_number=item.number)]
    keys += [ItemKey(item_number=item.number, variant_code=variant.code) for variant in item.variants]
    return PortalItem(
        item=item,
        price_lines=tuple(
            sorted(
                (line for line in lines if line.price_type is PriceType.SALE and line.status is PriceStatus.ACTIVE),
                key=lambda line: (line.price_list_code, line.line_number),
            )
        ),
        stock=tuple(availability(stock.get(key, StockFacts(item=key)), policy, today) for key in keys),
        substitutions=tuple(
            sorted(
                substitutions,
                key=lambda entry: (
                    entry.item.variant_code,
                    entry.substitute.item_number,
                    entry.substitute.variant_code,
                ),
            )
        ),
    )


class NamedAlternative(Alternative):
    """An alternative with the substitute's name, for the portal to show."""

    name: str


class ItemQuote(Frozen):
    """One item for one customer: its price at the quantity asked, its quantity breaks, stock and alternatives."""

    item: CatalogItem
    variant_code: str
    quantity: Decimal
    """In the item's base unit of measure."""
    price: ResolvedPrice | None
    """None when BC would convert a local-currency price into the customer's currency at an exchange rate, which
    Koppel does not read."""
    quantity_breaks: tuple[QuantityBreak, ...]
    """Only those priced in the customer's currency."""
    stock: ChannelStock
    alternatives: tuple[NamedAlternative, ...] = ()


class CustomerQuote(Frozen):
    customer_number: str
    currency_code: str
    prices_include_vat: bool
    order_date: date
    items: tuple[ItemQuote, ...]
    not_found: tuple[str, ...] = ()
    """Item numbers asked for that the portal's catalog does not hold."""


def currency(customer: PortalCustomer, policy: PortalPolicy) -> str:
    """The currency the customer is priced in."""
    return customer.currency_code or policy.local_currency


def quote(
    item: PortalItem,
    customer: PortalCustomer,
    *,
    variant_code: str,
    quantity: Decimal,
    order_date: date,
    policy: PortalPolicy,
    known: Mapping[str, PortalItem],
) -> ItemQuote:
    """BC's price for the customer on `order_date`, in the item's base unit; `known` holds the item's substitutes
    (any of them missing is not offered)."""
    priced_in = currency(customer, policy)
    foreign = "" if priced_in == policy.local_currency else priced_in
    request = PriceRequest(
        customer_number=customer.number,
        customer_price_group=customer.customer_price_group,
        customer_discount_group=customer.customer_discount_group,
        active_campaigns=policy.campaigns,
        item_number=item.number,
        variant_code=variant_code,
        unit_of_measure_code=item.item.base_unit_of_measure,
        quantity=quantity,
        order_date=order_date,
        currency_code=foreign,
        item_unit_price=item.item.unit_price,
        item_price_includes_vat=item.item.price_includes_vat,
        prices_include_vat=policy.prices_include_vat,
        vat_percent=item.item.known_vat_percent(),
    )
    price = best_price(item.price_lines, request)
    return ItemQuote(
        item=item.item,
        variant_code=variant_code,
        quantity=quantity,
        price=price if _priced_in(foreign, price) else None,
        quantity_breaks=tuple(
            found for found in quantity_breaks(item.price_lines, request) if _priced_in(foreign, found.price)
        ),
        stock=presented(item.availability(variant_code), policy.stock),
        alternatives=_alternatives(item, variant_code, policy.stock, known),
    )


def _priced_in(foreign: str, price: ResolvedPrice) -> bool:
    """A price needs no exchange rate in local currency, or when it comes from a line in the foreign currency."""
    return not foreign or (price.price_line is not None and price.price_line.currency_code == foreign)


def _alternatives(
    item: PortalItem, variant_code: str, policy: StockPolicy, known: Mapping[str, PortalItem]
) -> tuple[NamedAlternative, ...]:
    """The item's substitutes in stock, when it is not; a blocked substitute is never offered."""
    own = item.availability(variant_code)
    sellable = {stocked.item: stocked for other in known.values() if not other.item.blocked for stocked in other.stock}
    offered = alternatives(own.item, item.substitutions, sellable | {own.item: own}, policy)
    return tuple(
        NamedAlternative(
            substitute=alternative.substitute,
            interchangeable=alternative.interchangeable,
            stock=alternative.stock,
            name=known[alternative.substitute.item_number].item.name,
        )
        for alternative in offered
    )
