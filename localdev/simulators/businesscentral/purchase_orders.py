"""purchaseOrders and their lines, as the seeds and the test control place them: amounts per line and totals, what is
still to receive.

Koppel reads purchase orders to promise stock that is on its way ((quantity - receivedQuantity) in the line's unit
of measure, by expectedReceiptDate); it never writes them, so the simulator builds them only in the seeds and the
/_sim/purchaseOrders control. What `received` says was received was posted before: it is not booked here.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from localdev.simulators.businesscentral.pricing import VAT_RATES, cents, dec
from localdev.simulators.businesscentral.sales_orders import SEQUENCE_STEP
from localdev.simulators.businesscentral.schema import EMPTY_DATE, EMPTY_GUID
from localdev.simulators.businesscentral.store import Record, Store

_VENDOR_NAMESPACE = uuid.UUID("0c5b8f3e-2b7d-4a61-8f0e-6a9d4c2e7b10")


@dataclass(frozen=True)
class Vendor:
    id: str
    number: str
    name: str
    address: str
    city: str
    post_code: str
    country: str


VENDORS = {
    number: Vendor(str(uuid.uuid5(_VENDOR_NAMESPACE, number)), number, name, street, city, postcode, "NL")
    for number, name, street, city, postcode in (
        ("V10000", "Koffiebranderij Zuid B.V.", "Stationsplein 3", "Eindhoven", "5611 AB"),
        ("V20000", "Servies Groothandel Oost B.V.", "Ceintuurbaan 40", "Zwolle", "8024 AA"),
    )
}
"""The demo company's vendors by number (API v2.0 vendors are not served): the same id wherever an order names one."""


@dataclass(frozen=True)
class PurchaseLine:
    """An item line: `quantity` and `received` in `unit` (blank: the item's base unit)."""

    id: str
    item: Record
    quantity: float
    expected: date
    location_id: str
    received: float = 0.0
    variant_id: str = EMPTY_GUID
    unit: str = ""


@dataclass(frozen=True)
class OtherLine:
    """A G/L account line (`account`, e.g. freight) or, without one, a comment line."""

    id: str
    description: str
    account: Record | None = None
    quantity: float = 0.0
    cost: float = 0.0


def add_purchase_order(
    store: Store,
    order_id: str,
    vendor: Vendor,
    *,
    order_date: date,
    status: str,
    lines: Sequence[PurchaseLine | OtherLine],
) -> Record:
    """A purchase order with its lines; totals follow the lines, VAT by the items' tax groups."""
    units = {unit["code"]: unit["id"] for unit in store.units_of_measure.values()}
    built = [_line(order_id, SEQUENCE_STEP * (index + 1), order_date, line, units) for index, line in enumerate(lines)]
    address = {"AddressLine1": vendor.address, "AddressLine2": "", "City": vendor.city, "Country": vendor.country}
    address |= {"State": "", "PostCode": vendor.post_code}
    order: Record = {
        "id": order_id,
        "number": store.purchase_numbers.next(),
        "orderDate": order_date.isoformat(),
        "postingDate": order_date.isoformat(),
        "vendorId": vendor.id,
        "vendorNumber": vendor.number,
        "vendorName": vendor.name,
        "payToName": vendor.name,
        "payToVendorId": vendor.id,
        "payToVendorNumber": vendor.number,
        "shipToName": "",
        "shipToContact": "",
        **{f"buyFrom{k}": v for k, v in address.items()},
        **{f"payTo{k}": v for k, v in address.items()},
        **{f"shipTo{k}": "" for k in address},
        "shortcutDimension1Code": "",
        "shortcutDimension2Code": "",
        "currencyId": EMPTY_GUID,
        "currencyCode": "EUR",
        "pricesIncludeTax": False,
        "paymentTermsId": EMPTY_GUID,
        "shipmentMethodId": EMPTY_GUID,
        "purchaser": "",
        "requestedReceiptDate": EMPTY_DATE,
        "discountAmount": 0.0,
        "discountAppliedBeforeTax": True,
        "totalAmountExcludingTax": _total(built, "netAmount"),
        "totalTaxAmount": _total(built, "netTaxAmount"),
        "totalAmountIncludingTax": _total(built, "netAmountIncludingTax"),
        "fullyReceived": all(line["receivedQuantity"] >= line["quantity"] for line in built),
        "status": status,
    }
    stored = store.purchase_orders.add(order)
    table = store.purchase_lines_of(order_id)
    for line in built:
        table.add(line)
    return stored


def _line(
    order_id: str, sequence: int, order_date: date, line: PurchaseLine | OtherLine, units: dict[str, str]
) -> Record:
    """`units`: unitsOfMeasure ids by code."""
    if isinstance(line, OtherLine):
        return _other_line(order_id, sequence, order_date, line)
    item = line.item
    unit = line.unit or item["baseUnitOfMeasureCode"]
    return {
        **_blank(order_id, sequence, line.id, order_date),
        "itemId": item["id"],
        "lineType": "Item",
        "lineObjectNumber": item["number"],
        "description": item["displayName"],
        "unitOfMeasureId": units.get(unit, EMPTY_GUID),
        "unitOfMeasureCode": unit,
        "expectedReceiptDate": line.expected.isoformat(),
        "itemVariantId": line.variant_id,
        "locationId": line.location_id,
        **_quantities(line.quantity, line.received),
        **_amounts(line.quantity, dec(item["unitCost"]), item["vatProductPostingGroup"]),
    }


def _other_line(order_id: str, sequence: int, order_date: date, line: OtherLine) -> Record:
    row = {**_blank(order_id, sequence, line.id, order_date), "description": line.description}
    if line.account is None:
        return row
    return {
        **row,
        "accountId": line.account["id"],
        "lineType": "Account",
        "lineObjectNumber": line.account["number"],
        **_quantities(line.quantity, 0.0),
        **_amounts(line.quantity, dec(line.cost), line.account["vatProductPostingGroup"]),
    }


def _blank(order_id: str, sequence: int, line_id: str, order_date: date) -> Record:
    """A comment line: what every line starts from."""
    return {
        "id": line_id,
        "documentId": order_id,
        "sequence": sequence,
        "itemId": EMPTY_GUID,
        "accountId": EMPTY_GUID,
        "lineType": "Comment",
        "lineObjectNumber": "",
        "description": "",
        "unitOfMeasureId": EMPTY_GUID,
        "unitOfMeasureCode": "",
        "expectedReceiptDate": order_date.isoformat(),
        "itemVariantId": EMPTY_GUID,
        "locationId": EMPTY_GUID,
        **_quantities(0.0, 0.0),
        **_amounts(0.0, dec(0), ""),
    }


def _quantities(quantity: float, received: float) -> Record:
    return {
        "quantity": quantity,
        "receivedQuantity": received,
        "invoicedQuantity": received,
        "invoiceQuantity": 0.0,
        "receiveQuantity": quantity - received,
    }


def _amounts(quantity: float, cost: Decimal, tax_code: str) -> Record:
    rate = VAT_RATES.get(tax_code, dec(0))
    net = cents(dec(quantity) * cost)
    tax = cents(net * rate / 100)
    return {
        "directUnitCost": float(cost),
        "discountAmount": 0.0,
        "discountPercent": 0.0,
        "discountAppliedBeforeTax": True,
        "amountExcludingTax": float(net),
        "taxCode": tax_code,
        "taxPercent": float(rate),
        "totalTaxAmount": float(tax),
        "amountIncludingTax": float(net + tax),
        "invoiceDiscountAllocation": 0.0,
        "netAmount": float(net),
        "netTaxAmount": float(tax),
        "netAmountIncludingTax": float(net + tax),
    }


def _total(lines: list[Record], name: str) -> float:
    return float(sum((dec(line[name]) for line in lines), dec(0)))
