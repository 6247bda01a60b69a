"""purchaseOrders and their lines, as the seed places them: amounts per line and totals, what is still to receive.

Koppel reads purchase orders to promise stock that is on its way (quantity - receivedQuantity by
expectedReceiptDate); it never writes them, so the simulator only builds them in the seed and in test controls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from localdev.simulators.businesscentral.pricing import VAT_RATES, cents, dec
from localdev.simulators.businesscentral.sales_orders import SEQUENCE_STEP
from localdev.simulators.businesscentral.schema import EMPTY_DATE, EMPTY_GUID
from localdev.simulators.businesscentral.store import Record, Store


@dataclass(frozen=True)
class Vendor:
    id: str
    number: str
    name: str
    address: str
    city: str
    post_code: str
    country: str


@dataclass(frozen=True)
class PurchaseLine:
    id: str
    item: Record
    quantity: float
    expected: date
    location_id: str
    received: float = 0.0
    variant_id: str = EMPTY_GUID


def add_purchase_order(
    store: Store, order_id: str, vendor: Vendor, *, order_date: date, status: str, lines: Sequence[PurchaseLine]
) -> Record:
    """A purchase order with its lines; totals follow the lines, VAT by the items' tax groups."""
    built = [_line(order_id, SEQUENCE_STEP * (index + 1), line) for index, line in enumerate(lines)]
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


def _line(order_id: str, sequence: int, line: PurchaseLine) -> Record:
    item = line.item
    cost = dec(item["unitCost"])
    rate = VAT_RATES.get(item["taxGroupCode"], dec(0))
    net = cents(dec(line.quantity) * cost)
    tax = cents(net * rate / 100)
    return {
        "id": line.id,
        "documentId": order_id,
        "sequence": sequence,
        "itemId": item["id"],
        "accountId": EMPTY_GUID,
        "lineType": "Item",
        "lineObjectNumber": item["number"],
        "description": item["displayName"],
        "unitOfMeasureId": item["baseUnitOfMeasureId"],
        "unitOfMeasureCode": item["baseUnitOfMeasureCode"],
        "quantity": line.quantity,
        "directUnitCost": float(cost),
        "discountAmount": 0.0,
        "discountPercent": 0.0,
        "discountAppliedBeforeTax": True,
        "amountExcludingTax": float(net),
        "taxCode": item["taxGroupCode"],
        "taxPercent": float(rate),
        "totalTaxAmount": float(tax),
        "amountIncludingTax": float(net + tax),
        "invoiceDiscountAllocation": 0.0,
        "netAmount": float(net),
        "netTaxAmount": float(tax),
        "netAmountIncludingTax": float(net + tax),
        "expectedReceiptDate": line.expected.isoformat(),
        "receivedQuantity": line.received,
        "invoicedQuantity": line.received,
        "invoiceQuantity": 0.0,
        "receiveQuantity": line.quantity - line.received,
        "itemVariantId": line.variant_id,
        "locationId": line.location_id,
    }


def _total(lines: list[Record], name: str) -> float:
    return float(sum((dec(line[name]) for line in lines), dec(0)))
