"""The lines of the BC credit memo for one shop refund: what the shop gave back, priced from the order's posted
invoice lines.

- First a comment line, the record's marker (how the credit memo is found again), then one naming the invoice.
- Each refunded item: an Item line for the units given back, at the invoice line's unit price, with the invoice
  line's discount for those units (pro rata), at its location. So the goods come back into BC's stock where they left
  it when the credit memo is posted (not at the customer's location, which BC would take for a line without one).
- Units refunded without being taken back (Shopify's restock type NO_RESTOCK), with a refunded-not-returned account
  set: an Account line on it instead, at the same price and discount, at the invoice line's VAT: BC serves a line's
  taxCode as its VAT Identifier and takes a written one as a VAT Prod. Posting Group, so the group sent is the one
  whose VAT Posting Setup, in the business group Koppel is configured with, has that identifier at that VAT %.
- Shipping and fees: an Account line on the G/L account orders book them on, at what the shop refunded.
- Prices follow the credit memo's pricesIncludeTax (BC takes it from the customer; it may differ from the order's):
  an invoice price is converted with its line's VAT %, a shop amount taken with or without its tax.

Simplifications, each sent to a person rather than guessed: a refund of an amount alone (no items, shipping or
fees: the shop's automatic "Order fully refunded", or an amount typed in) has nothing to price a line from; units
refunded without a quantity, or without being taken back when no account is set for them; an item
is found on the order's posted invoices by its BC item and variant (its lines on several invoices, from partial
shipments, taken as one), so one item at two prices or VAT rates, or taken back from two locations, is ambiguous; so
is a VAT Identifier at one VAT % that no product group, or two, have. What
the shop refunded for an item is not checked line by line: the run compares the credit memo's total with the refund.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from domain.models import ResolvedSku
from domain.orders.mapping.business_central import MAX_DESCRIPTION, ChargeAccounts
from domain.refunds.shop_origin_ports import (
    BcDocumentLine,
    RefundedCharge,
    RefundedItem,
    ShopRefundDetail,
    VatPostingSetup,
)

SEQUENCE_STEP = 10000
CENT = Decimal("0.01")
UNIT_PRICE_PLACES = Decimal("0.00001")
"""BC keeps unit prices to 5 decimals (Unit-Amount Rounding Precision): a converted price is not cut to cents."""
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Priced:
    """Where the credit memo's prices come from."""

    invoice_number: str
    """The posted invoices' numbers, as the credit memo's second comment line names them."""
    invoice_lines: Sequence[BcDocumentLine]
    """The lines of the order's posted invoices, in their prices' basis (`invoice_prices_include_tax`)."""
    invoice_prices_include_tax: bool
    memo_prices_include_tax: bool
    skus: Mapping[str, ResolvedSku]
    accounts: ChargeAccounts
    vat_setup: Sequence[VatPostingSetup] = ()
    """The VAT Posting Setup of Koppel's VAT business group: read only for a refund with units the customer keeps."""


class CannotCredit(Exception):
    """The refund cannot be put on credit memo lines without a person: the reason says why."""


def credit_memo_lines(refund: ShopRefundDetail, marker: str, priced: Priced) -> list[BcDocumentLine]:
    """Every line of the credit memo, numbered 10000, 20000, ... CannotCredit when one cannot be made."""
    if not refund.items and not refund.charges:
        raise CannotCredit(
            f"the shop refunded {refund.amount} without naming items, shipping or fees: nothing to price a credit "
            "memo line from; make the credit memo in BC"
        )
    comments = [_comment(marker), _comment(f"Invoice {priced.invoice_number}")]
    lines = comments + [_item_line(item, priced) for item in refund.items]
    lines += [_charge_line(charge, priced) for charge in refund.charges]
    return [line.model_copy(update={"sequence": SEQUENCE_STEP * (at + 1)}) for at, line in enumerate(lines)]


def _comment(text: str) -> BcDocumentLine:
    return BcDocumentLine(sequence=0, line_type="Comment", description=text[:MAX_DESCRIPTION])


def _item_line(item: RefundedItem, priced: Priced) -> BcDocumentLine:
    if item.quantity <= 0:
        raise CannotCredit(f"the shop refunded an amount for SKU {item.sku or '(none)'} without a quantity")
    kept = item.kept_by_customer
    if kept and not priced.accounts.refunded_not_returned:
        raise CannotCredit(
            f"the shop refunded {item.quantity} of SKU {item.sku or '(none)'} without taking them back: an item line "
            "would put them back in BC's stock; credit them on a G/L account (or set one for them: "
            "REFUNDED_NOT_RETURNED_ACCOUNT)"
        )
    resolved = priced.skus.get(item.sku)
    if resolved is None:
        raise CannotCredit(f"SKU {item.sku or '(none)'} of the refund is no item in BC")
    invoiced = _invoice_line_of(resolved, priced.invoice_lines)
    if invoiced is None:
        raise CannotCredit(f"item {resolved.item_number} of the refund is on no posted invoice of the order")
    if item.quantity > invoiced.quantity:
        raise CannotCredit(
            f"the shop refunded {item.quantity} of item {resolved.item_number}, the invoice has {invoiced.quantity}"
        )
    discount = (invoiced.discount_amount * item.quantity / invoiced.quantity).quantize(CENT, ROUND_HALF_UP)
    bases = {"with_tax": priced.invoice_prices_include_tax, "wanted_with_tax": priced.memo_prices_include_tax}
    line = invoiced.model_copy(
        update={
            "id": "",
            "etag": "",
            "quantity": item.quantity,
            "unit_price": in_basis(invoiced.unit_price, invoiced.tax_percent, UNIT_PRICE_PLACES, **bases),
            "discount_amount": in_basis(discount, invoiced.tax_percent, CENT, **bases),
            "tax_code": "",
        }
    )
    if kept:
        return _not_returned(line, invoiced, priced)
    return line.model_copy(update={"location_id": _one_location(resolved, priced.invoice_lines)})


def _one_location(resolved: ResolvedSku, lines: Sequence[BcDocumentLine]) -> str:
    """The location the item was invoiced from, where the units taken back come back; CannotCredit for two."""
    locations = {line.location_id for line in lines if line.is_item(resolved.item_number, resolved.variant_id)}
    if len(locations) > 1:
        raise CannotCredit(
            f"item {resolved.item_number} was invoiced from {len(locations)} locations: to which did the refunded "
            "units come back?"
        )
    return locations.pop()


def _not_returned(line: BcDocumentLine, invoiced: BcDocumentLine, priced: Priced) -> BcDocumentLine:
    """Units the customer keeps: the item line's quantity, price and discount on the account, at the invoice line's
    VAT, so the VAT credited is the item's and no unit comes back into stock."""
    return line.model_copy(
        update={
            "line_type": "Account",
            "object_number": priced.accounts.refunded_not_returned,
            "variant_id": "",
            "location_id": "",
            "unit_of_measure": "",
            "description": f"Not returned: {invoiced.description}"[:MAX_DESCRIPTION],
            "tax_code": _vat_group(invoiced, priced.vat_setup),
        }
    )


def _vat_group(invoiced: BcDocumentLine, setups: Sequence[VatPostingSetup]) -> str:
    """The VAT Prod. Posting Group whose setup has the invoice line's VAT Identifier (its taxCode as BC serves it) at
    the line's VAT %; CannotCredit for none or two."""
    groups = sorted(
        {
            setup.product_group
            for setup in setups
            if setup.identifier == invoiced.tax_code and setup.percent == invoiced.tax_percent
        }
    )
    if len(groups) == 1:
        return groups[0]
    found = (
        f"{len(groups)} VAT Prod. Posting Groups ({', '.join(groups)}) have" if groups else "no VAT Posting Setup has"
    )
    raise CannotCredit(
        f"item {invoiced.object_number} was invoiced at VAT Identifier {invoiced.tax_code or '(none)'}, "
        f"{invoiced.tax_percent} %: {found} it in Koppel's VAT business group (KOPPEL_BC_VAT_BUSINESS_GROUP, page 472 "
        "published as KOPPEL_BC_VAT_SETUP_SERVICE), so the units not taken back cannot be given its VAT; credit "
        "them in BC"
    )


def _invoice_line_of(resolved: ResolvedSku, lines: Sequence[BcDocumentLine]) -> BcDocumentLine | None:
    """The Item line of the item and variant; its lines on several invoices (partial shipments) at one price and
    location as one line; CannotCredit when they differ in either."""
    found = [line for line in lines if line.is_item(resolved.item_number, resolved.variant_id)]
    if not found:
        return None
    prices = {
        (line.unit_price, line.discount_amount / line.quantity if line.quantity else Decimal(0), line.tax_percent)
        for line in found
    }
    if len(prices) > 1:
        raise CannotCredit(
            f"item {resolved.item_number} is on {len(found)} invoice lines: at which price and VAT was it refunded?"
        )
    quantity = sum((line.quantity for line in found), Decimal(0))
    discount = sum((line.discount_amount for line in found), Decimal(0))
    return found[0].model_copy(update={"quantity": quantity, "discount_amount": discount})


def in_basis(
    amount: Decimal, tax_percent: Decimal, places: Decimal, *, with_tax: bool, wanted_with_tax: bool
) -> Decimal:
    """An amount with VAT or without (`with_tax`) in the basis wanted, at `tax_percent`, to `places` when converted."""
    if with_tax == wanted_with_tax:
        return amount
    factor = 1 + tax_percent / HUNDRED
    converted = amount * factor if wanted_with_tax else amount / factor
    return converted.quantize(places, ROUND_HALF_UP)


def _charge_line(charge: RefundedCharge, priced: Priced) -> BcDocumentLine:
    account = priced.accounts.shipping if charge.kind == "shipping" else priced.accounts.fee
    amount = charge.amount + charge.tax if priced.memo_prices_include_tax else charge.amount
    return BcDocumentLine(
        sequence=0,
        line_type="Account",
        object_number=account,
        description=(charge.description or charge.kind.capitalize())[:MAX_DESCRIPTION],
        quantity=Decimal(1),
        unit_price=amount,
    )
