"""The portal asks what a customer pays for some items and whether they are available: answered from the portal's
catalog in storage, never from BC."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.portal.catalog import CustomerQuote, PortalItem, PortalPolicy, currency, quote
from domain.portal.ports import PortalCatalog
from domain.portal.price_inquiry import PriceInquiry, PriceInquiryLine
from domain.ports import Clock


@dataclass(frozen=True)
class PortalPrices:
    catalog: PortalCatalog
    policy: PortalPolicy
    clock: Clock


def quote_prices(portal: PortalPrices, customer_number: str, inquiry: PriceInquiry) -> CustomerQuote | None:
    """Each line priced for the customer, in the order asked; None when the portal does not know the customer."""
    customer = portal.catalog.customer(customer_number)
    if customer is None:
        return None
    asked = portal.catalog.items({line.item_number for line in inquiry.lines})
    known = asked | portal.catalog.items(_substitutes(inquiry.lines, asked) - asked.keys())
    order_date = inquiry.order_date or portal.clock.now().date()
    return CustomerQuote(
        customer_number=customer.number,
        currency_code=currency(customer, portal.policy),
        prices_include_vat=portal.policy.prices_include_vat,
        order_date=order_date,
        items=tuple(
            quote(
                asked[line.item_number],
                customer,
                variant_code=line.variant_code,
                quantity=line.quantity,
                order_date=order_date,
                policy=portal.policy,
                known=known,
            )
            for line in inquiry.lines
            if line.item_number in asked
        ),
        not_found=tuple(dict.fromkeys(line.item_number for line in inquiry.lines if line.item_number not in asked)),
    )


def _substitutes(lines: Iterable[PriceInquiryLine], asked: dict[str, PortalItem]) -> set[str]:
    """The substitutes of the items asked for that are not in stock: only those are offered."""
    return {
        entry.substitute.item_number
        for line in lines
        if (item := asked.get(line.item_number)) is not None and not item.availability(line.variant_code).in_stock
        for entry in item.substitutions
        if entry.item.variant_code == line.variant_code
    }
