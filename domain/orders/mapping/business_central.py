"""Canonical order and party -> Business Central API v2.0 payloads (salesOrders deep insert, customers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.models import Address, BcCustomer, ChargeLine, Order, OrderLine, Party, ResolvedSku

# Field lengths of the BC tables behind the API; BC rejects a longer value instead of cutting it.
MAX_DESCRIPTION = 100
MAX_NAME = 100
MAX_ADDRESS = 100
MAX_ADDRESS_2 = 50
MAX_CITY = 30
MAX_POST_CODE = 20
MAX_STATE = 30
MAX_COUNTRY = 10
MAX_EMAIL = 80
MAX_PHONE = 30
MAX_EXTERNAL_DOCUMENT_NUMBER = 35


class ChargeAccounts(BaseModel):
    """The G/L accounts that shipping and fee lines are booked on, and two that only the credit memos of shop refunds
    use ("" for none)."""

    model_config = ConfigDict(frozen=True)

    shipping: str
    fee: str
    rounding: str = ""
    """0 % VAT: the line that brings a credit memo a cent or so to the shop's refund."""
    refunded_not_returned: str = ""
    """A sales allowance: units refunded without being taken back, at the invoice line's price and VAT."""

    def for_charge(self, charge: ChargeLine) -> str:
        return self.shipping if charge.kind == "shipping" else self.fee


def external_document_number(text: str) -> str:
    """The web order number as BC keeps it (a Code field: upper case, 35 characters); orders are looked up by it."""
    return text.upper()[:MAX_EXTERNAL_DOCUMENT_NUMBER]


def sales_order(
    order: Order,
    document_number: str,
    customer: BcCustomer,
    skus: dict[str, ResolvedSku],
    *,
    accounts: ChargeAccounts,
    local_currency: str,
) -> dict[str, Any]:
    """A salesOrders POST body with its salesOrderLines deep-inserted."""
    party = order.customer
    payload: dict[str, Any] = {
        "externalDocumentNumber": document_number,
        "orderDate": order.order_date.isoformat(),
        "customerId": customer.id,
        "pricesIncludeTax": order.prices_include_tax,
        "salesOrderLines": _reference_lines(order)
        + [_item_line(line, skus[line.sku]) for line in order.lines]
        + [_charge_line(charge, accounts) for charge in order.charges],
    }
    contact = {"email": party.email[:MAX_EMAIL], "phoneNumber": party.phone[:MAX_PHONE]}
    payload |= {name: value for name, value in contact.items() if value}
    if party.shipping.line1:
        payload |= _ship_to(party.shipping)
    if order.requested_delivery_date:
        payload["requestedDeliveryDate"] = order.requested_delivery_date.isoformat()
    if order.currency and order.currency != local_currency.upper():
        payload["currencyCode"] = order.currency
    return payload


def customer(party: Party) -> dict[str, Any]:
    """A customers POST body for a buyer BC does not know yet."""
    billing = party.billing
    payload: dict[str, Any] = {
        "displayName": (billing.company or billing.name or party.email)[:MAX_NAME],
        "type": "Company" if party.is_business else "Person",
        "addressLine1": billing.line1[:MAX_ADDRESS],
        "addressLine2": billing.line2[:MAX_ADDRESS_2],
        "city": billing.city[:MAX_CITY],
        "state": billing.state[:MAX_STATE],
        "country": billing.country[:MAX_COUNTRY],
        "postalCode": billing.postcode[:MAX_POST_CODE],
        "phoneNumber": party.phone[:MAX_PHONE],
        "email": party.email[:MAX_EMAIL],
    }
    if party.vat_number:
        payload["taxRegistrationNumber"] = party.vat_number[:20]
    return payload


def _ship_to(address: Address) -> dict[str, str]:
    return {
        "shipToName": (address.company or address.name)[:MAX_NAME],
        "shipToContact": address.name[:MAX_NAME],
        "shipToAddressLine1": address.line1[:MAX_ADDRESS],
        "shipToAddressLine2": address.line2[:MAX_ADDRESS_2],
        "shipToCity": address.city[:MAX_CITY],
        "shipToState": address.state[:MAX_STATE],
        "shipToCountry": address.country[:MAX_COUNTRY],
        "shipToPostCode": address.postcode[:MAX_POST_CODE],
    }


def _reference_lines(order: Order) -> list[dict[str, Any]]:
    """The customer's own reference (a purchase order number) as a comment line: salesOrders has no field for it."""
    if not order.customer_reference:
        return []
    return [{"lineType": "Comment", "description": f"Customer reference: {order.customer_reference}"[:MAX_DESCRIPTION]}]


def _item_line(line: OrderLine, sku: ResolvedSku) -> dict[str, Any]:
    """Only what the order says: without a price or description, BC fills in its own (price and line discount from
    its price lists). Item, variant, unit and quantity come before the price: validating each of them makes BC
    price the line again; a line the shop priced also carries its discount, so BC's own line discount % (which a new
    unitPrice keeps) cannot come on top of the shop's final price."""
    body: dict[str, Any] = {"lineType": "Item", "itemId": sku.item_id}
    if sku.variant_id:
        body["itemVariantId"] = sku.variant_id
    if line.unit_of_measure:
        body["unitOfMeasureCode"] = line.unit_of_measure
    if line.description:
        body["description"] = line.description[:MAX_DESCRIPTION]
    body["quantity"] = _number(line.quantity)
    if line.unit_price is not None:
        body |= _priced(line.unit_price, line.discount_amount)
    return body


def _charge_line(charge: ChargeLine, accounts: ChargeAccounts) -> dict[str, Any]:
    return {
        "lineType": "Account",
        "lineObjectNumber": accounts.for_charge(charge),
        "description": charge.description[:MAX_DESCRIPTION],
        "quantity": 1,
        **_priced(charge.amount, Decimal(0)),
    }


def _priced(unit_price: Decimal, discount_amount: Decimal) -> dict[str, float]:
    """The shop's price and its discount on the line, together: a unitPrice alone keeps the Line Discount % BC's
    price calculation set (Sales Line "Unit Price" OnValidate re-validates "Line Discount %"), and discountAmount
    replaces it (0 when the shop gave none)."""
    return {"unitPrice": _number(unit_price), "discountAmount": _number(discount_amount)}


def _number(value: Decimal) -> float:
    """JSON has no decimal type; a value with at most five decimals reads back as the same decimal."""
    return float(value)
