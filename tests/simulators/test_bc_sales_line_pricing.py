"""Sales lines priced like BC prices them when a line's item and quantity are validated.

Vendor sources (Base App, StefanMaron/MSDyn365BC.Code.History, BaseApp/Source/Base Application/Sales/Document/
SalesLine.Table.al): validating "No." or Quantity runs the price calculation (codeunit 7020 "Price Calculation Mgt."
with "Price Calculation - V16"), which sets Unit Price and Line Discount % from the price list lines for the
bill-to customer; "Unit Price" OnValidate only re-validates "Line Discount %" (the % is kept, the amount follows);
"Line Discount Amount" OnValidate derives the % from the amount. API v2.0 salesOrderLines (microsoft/BCApps
src/Apps/W1/APIV2/app/src/pages/APIV2SalesOrderLines.Page.al) writes unitPrice, discountAmount and discountPercent
to those fields.
"""

from __future__ import annotations

from typing import Any

from localdev.simulators.businesscentral.seed import WEBSHOP_CUSTOMER_NUMBER
from localdev.simulators.businesscentral.seed_catalog import SPECIAL_PRICE_CUSTOMER
from tests.simulators.conftest import BC

DISCOUNTED = "APP-1002"
"""Price list S00007 (all customers, Discount): 5 % from a quantity of 2."""


def _item(bc: BC, number: str) -> dict[str, Any]:
    return bc.one("items", f"number eq '{number}'")


def _line(bc: BC, line: dict[str, Any], customer: str = WEBSHOP_CUSTOMER_NUMBER) -> dict[str, Any]:
    response = bc.post(
        "salesOrders",
        {"customerNumber": customer, "salesOrderLines": [{"lineType": "Item", **line}]},
        {"$expand": "salesOrderLines"},
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()["salesOrderLines"][0]
    return created


def test_a_quantity_that_reaches_a_discount_line_gets_its_line_discount(bc: BC):
    item = _item(bc, DISCOUNTED)

    single = _line(bc, {"lineObjectNumber": DISCOUNTED, "quantity": 1})
    pair = _line(bc, {"lineObjectNumber": DISCOUNTED, "quantity": 2})

    assert (single["unitPrice"], single["discountPercent"]) == (item["unitPrice"], 0)
    assert (pair["unitPrice"], pair["discountPercent"]) == (item["unitPrice"], 5)
    assert pair["discountAmount"] == round(2 * item["unitPrice"] * 0.05, 2)


def test_a_written_unit_price_keeps_the_price_lists_discount_percent(bc: BC):
    line = _line(bc, {"lineObjectNumber": DISCOUNTED, "quantity": 2, "unitPrice": 100})

    assert (line["unitPrice"], line["discountPercent"], line["discountAmount"]) == (100, 5, 10)
    assert line["amountExcludingTax"] == 190


def test_a_discount_amount_sent_with_the_unit_price_replaces_the_price_lists_discount(bc: BC):
    none = _line(bc, {"lineObjectNumber": DISCOUNTED, "quantity": 2, "unitPrice": 100, "discountAmount": 0})
    coupon = _line(bc, {"lineObjectNumber": DISCOUNTED, "quantity": 2, "unitPrice": 100, "discountAmount": 30})

    assert (none["discountPercent"], none["amountExcludingTax"]) == (0, 200)
    assert (coupon["discountPercent"], coupon["amountExcludingTax"]) == (15, 170)


def test_the_bill_to_customers_price_agreement_sets_the_unit_price(bc: BC):
    customer = bc.one("customers", f"displayName eq '{SPECIAL_PRICE_CUSTOMER}'")
    card = _item(bc, "KOF-1001")["unitPrice"]

    line = _line(bc, {"lineObjectNumber": "KOF-1001", "quantity": 1}, customer=customer["number"])

    assert line["unitPrice"] == round(card * 0.80, 2)


def test_changing_the_quantity_prices_the_line_again(bc: BC):
    created = bc.post(
        "salesOrders",
        {
            "customerNumber": WEBSHOP_CUSTOMER_NUMBER,
            "salesOrderLines": [{"lineType": "Item", "lineObjectNumber": DISCOUNTED, "quantity": 1}],
        },
        {"$expand": "salesOrderLines"},
    ).json()
    line = created["salesOrderLines"][0]
    assert line["discountPercent"] == 0

    changed = bc.patch(f"salesOrders({created['id']})/salesOrderLines({line['id']})", {"quantity": 2}, "*")

    assert changed.status_code == 200, changed.text
    assert changed.json()["discountPercent"] == 5
