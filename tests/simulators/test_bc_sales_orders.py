"""salesOrders and salesOrderLines of the BC simulator: deep insert, amounts, validation, ETags."""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
import pytest

from localdev.simulators.businesscentral.seed import SHIPPING_ACCOUNT_NUMBER, WEBSHOP_CUSTOMER_NUMBER
from tests.simulators.conftest import BC

ZERO_GUID = "00000000-0000-0000-0000-000000000000"


def money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def first_item(bc: BC, vat_group: str, skip: int = 0) -> dict[str, Any]:
    """An unblocked inventory item of the VAT Prod. Posting Group (not on API v2.0 items: page 31 has it), as API
    v2.0 serves it."""
    numbers = [
        row["number"]
        for row in bc.sim.store.items.values()
        if row["vatProductPostingGroup"] == vat_group and not row["blocked"] and row["type"] == "Inventory"
    ]
    return bc.one("items", f"number eq '{numbers[skip]}'")


def create_order(bc: BC, body: object, expand: bool = True) -> httpx.Response:
    return bc.post("salesOrders", body, {"$expand": "salesOrderLines"} if expand else None)


def test_deep_insert_numbers_the_order_and_computes_vat_per_line_and_totals(bc):
    low, high = first_item(bc, "LAAG"), first_item(bc, "HOOG")
    body = {
        "externalDocumentNumber": "WEB-DEEP-1",
        "customerNumber": WEBSHOP_CUSTOMER_NUMBER,
        "salesOrderLines": [
            {"lineType": "Item", "lineObjectNumber": low["number"], "quantity": 3},
            {"itemId": high["id"], "quantity": 2, "discountPercent": 10},
            {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 4.95},
            {"lineType": "Comment", "description": "Bezorgen na 17:00"},
        ],
    }

    response = create_order(bc, body)

    assert response.status_code == 201, response.text
    order = response.json()
    assert re.fullmatch(r"S-ORD\d{6}", order["number"])
    assert order["status"] == "Draft"
    assert order["customerName"] == "Webshop Consumenten"
    assert order["currencyCode"] == ""
    assert order["pricesIncludeTax"] is False
    assert order["@odata.etag"].startswith('W/"')
    assert response.headers["Location"].endswith(f"salesOrders({order['id']})")
    lines = order["salesOrderLines"]
    assert [line["sequence"] for line in lines] == [10000, 20000, 30000, 40000]
    assert [line["lineType"] for line in lines] == ["Item", "Item", "Account", "Comment"]
    assert lines[0]["unitPrice"] == low["unitPrice"]
    assert lines[0]["taxPercent"] == 9
    assert lines[1]["lineObjectNumber"] == high["number"]
    assert lines[1]["taxPercent"] == 21
    assert lines[2]["taxPercent"] == 21

    low_net = money(Decimal(str(low["unitPrice"])) * 3)
    high_gross = money(Decimal(str(high["unitPrice"])) * 2)
    high_net = high_gross - money(high_gross * Decimal("0.10"))
    assert money(lines[1]["discountAmount"]) == high_gross - high_net
    assert money(lines[1]["amountExcludingTax"]) == high_net
    assert money(lines[3]["amountIncludingTax"]) == 0
    excl = low_net + high_net + Decimal("4.95")
    tax = money(low_net * Decimal("0.09")) + money((high_net + Decimal("4.95")) * Decimal("0.21"))
    assert money(order["totalAmountExcludingTax"]) == excl
    assert money(order["totalTaxAmount"]) == tax
    assert money(order["totalAmountIncludingTax"]) == excl + tax
    assert sum(money(line["netTaxAmount"]) for line in lines) == tax

    second = create_order(bc, {"customerNumber": WEBSHOP_CUSTOMER_NUMBER}).json()
    assert int(second["number"][5:]) == int(order["number"][5:]) + 1


def test_vat_rounding_is_carried_from_line_to_line_like_bc(bc):
    line = {"lineType": "Account", "lineObjectNumber": SHIPPING_ACCOUNT_NUMBER, "quantity": 1, "unitPrice": 0.07}
    order = create_order(bc, {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "salesOrderLines": [line] * 3}).json()

    assert [money(x["netTaxAmount"]) for x in order["salesOrderLines"]] == [
        Decimal("0.01"),
        Decimal("0.02"),
        Decimal("0.01"),
    ]
    assert money(order["totalTaxAmount"]) == Decimal("0.04")


def test_prices_including_tax(bc):
    item = first_item(bc, "HOOG")
    body = {
        "customerNumber": WEBSHOP_CUSTOMER_NUMBER,
        "pricesIncludeTax": True,
        "salesOrderLines": [
            {"lineObjectNumber": item["number"], "quantity": 1, "unitPrice": 12.10},
            {"lineObjectNumber": item["number"], "quantity": 1},
        ],
    }

    order = create_order(bc, body).json()

    first, second = order["salesOrderLines"]
    assert (money(first["amountIncludingTax"]), money(first["amountExcludingTax"])) == (
        Decimal("12.10"),
        Decimal("10.00"),
    )
    assert money(first["totalTaxAmount"]) == Decimal("2.10")
    assert money(second["unitPrice"]) == money(Decimal(str(item["unitPrice"])) * Decimal("1.21"))
    assert money(order["totalAmountIncludingTax"]) == money(first["unitPrice"]) + money(second["unitPrice"])
    total_excl = money(order["totalAmountExcludingTax"])
    assert total_excl + money(order["totalTaxAmount"]) == money(order["totalAmountIncludingTax"])


def test_customer_not_tax_liable_pays_no_vat(bc):
    customer = bc.get("customers", {"$filter": "country eq 'BE' and taxLiable eq false", "$top": "1"}).json()
    customer = customer["value"][0]
    assert customer["taxRegistrationNumber"].startswith("BE")
    item = first_item(bc, "HOOG")

    order = create_order(
        bc, {"customerId": customer["id"], "salesOrderLines": [{"itemId": item["id"], "quantity": 4}]}
    ).json()

    assert order["salesOrderLines"][0]["taxPercent"] == 0
    assert order["totalTaxAmount"] == 0
    assert order["totalAmountIncludingTax"] == order["totalAmountExcludingTax"] > 0


def test_header_invoice_discount_is_spread_over_the_lines(bc):
    item = first_item(bc, "HOOG")
    body = {
        "customerNumber": WEBSHOP_CUSTOMER_NUMBER,
        "discountAmount": 10,
        "salesOrderLines": [{"itemId": item["id"], "quantity": 2}, {"itemId": item["id"], "quantity": 1}],
    }

    order = create_order(bc, body).json()

    gross = money(Decimal(str(item["unitPrice"])) * 3)
    assert money(order["totalAmountExcludingTax"]) == gross - 10
    assert sum(money(x["invoiceDiscountAllocation"]) for x in order["salesOrderLines"]) == 10
    assert money(order["totalTaxAmount"]) == money((gross - 10) * Decimal("0.21"))


def test_blocked_customer_is_rejected_and_nothing_is_created(bc):
    blocked = bc.get("customers", {"$filter": "blocked eq 'All'", "$top": "1"}).json()["value"][0]
    before = bc.get("salesOrders", {"$count": "true", "$top": "0"}).json()["@odata.count"]

    response = create_order(bc, {"externalDocumentNumber": "WEB-BLOCKED", "customerNumber": blocked["number"]})

    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert f"Customer {blocked['number']} is blocked with type All" in message
    assert bc.get("salesOrders", {"$count": "true", "$top": "0"}).json()["@odata.count"] == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"customerNumber": "C99999"}, "Customer does not exist"),
        ({"customerId": ZERO_GUID}, "Customer does not exist"),
        ({}, "Sell-to Customer No. must have a value"),
        ({"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "salesOrderLines": [{"lineObjectNumber": "NOPE-1"}]}, "Item"),
        (
            {
                "customerNumber": WEBSHOP_CUSTOMER_NUMBER,
                "salesOrderLines": [{"lineType": "Account", "lineObjectNumber": "1100"}],
            },
            "Direct Posting",
        ),
        ({"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "salesOrderLines": [{"lineObjectNumber": "KOF-1037"}]}, "Blocked"),
        ({"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "currencyCode": "USD"}, "Currency"),
        ({"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "salesOrderLines": {"quantity": 1}}, "array"),
    ],
)
def test_unresolvable_references_are_400(bc, body, expected):
    response = create_order(bc, body)

    assert response.status_code == 400
    assert expected in response.json()["error"]["message"]


def test_item_variant_must_belong_to_the_item(bc):
    variant = bc.get("itemVariants", {"$top": "1"}).json()["value"][0]
    other = bc.get("itemVariants", {"$filter": f"itemId ne {variant['itemId']}", "$top": "1"}).json()["value"][0]
    line = {"itemId": variant["itemId"], "quantity": 1}

    good = create_order(
        bc, {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "salesOrderLines": [{**line, "itemVariantId": variant["id"]}]}
    )
    wrong = create_order(
        bc, {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "salesOrderLines": [{**line, "itemVariantId": other["id"]}]}
    )

    assert good.status_code == 201
    assert good.json()["salesOrderLines"][0]["itemVariantId"] == variant["id"]
    assert wrong.status_code == 400


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"foo": 1}, "The property 'foo' does not exist on type 'Microsoft.NAV.salesOrder'."),
        ({"salesOrderLines": [{"colour": "red"}]}, "does not exist on type 'Microsoft.NAV.salesOrderLine'"),
        ({"number": "S-ORD999"}, "read-only"),
        ({"totalAmountIncludingTax": 1}, "read-only"),
        ({"status": "Open"}, "read-only"),
        ({"salesOrderLines": [{"amountIncludingTax": 5}]}, "read-only"),
        ({"pricesIncludeTax": "yes"}, "Edm.Boolean"),
        ({"orderDate": "29-11-2024"}, "Edm.Date"),
        ({"discountAmount": "ten"}, "Edm.Decimal"),
        ({"externalDocumentNumber": "X" * 36}, "less than or equal to 35"),
    ],
)
def test_unknown_read_only_and_mistyped_properties_are_400(bc, body, message):
    response = create_order(bc, {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, **body})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BadRequest"
    assert message in response.json()["error"]["message"]


def test_patch_and_delete_need_a_current_etag(bc):
    order = create_order(bc, {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "externalDocumentNumber": "WEB-ETAG"}).json()
    path = f"salesOrders({order['id']})"

    missing = bc.patch(path, {"externalDocumentNumber": "WEB-ETAG-2"}, None)
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "BadRequest_InvalidToken"
    assert "concurrency token" in missing.json()["error"]["message"]

    good = bc.patch(path, {"externalDocumentNumber": "WEB-ETAG-2"}, order["@odata.etag"])
    assert good.status_code == 200
    assert good.json()["externalDocumentNumber"] == "WEB-ETAG-2"
    assert good.json()["@odata.etag"] != order["@odata.etag"]

    stale = bc.patch(path, {"externalDocumentNumber": "WEB-ETAG-3"}, order["@odata.etag"])
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "Request_EntityChanged"

    star = bc.patch(path, {"shipToName": "Receptie"}, "*")
    assert star.status_code == 200

    deep = bc.patch(path, {"salesOrderLines": []}, "*")
    assert deep.status_code == 400

    assert bc.delete(path, None).status_code == 400
    assert bc.delete(path, good.json()["@odata.etag"]).status_code == 409
    assert bc.delete(path, star.json()["@odata.etag"]).status_code == 204
    assert bc.get(path).status_code == 404


def test_lines_can_be_added_changed_and_removed_and_totals_follow(bc):
    item = first_item(bc, "HOOG")
    order = create_order(
        bc, {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "salesOrderLines": [{"itemId": item["id"], "quantity": 1}]}
    ).json()
    lines_path = f"salesOrders({order['id']})/salesOrderLines"
    price = money(item["unitPrice"])

    added = bc.post(lines_path, {"lineObjectNumber": item["number"], "quantity": 2})
    assert added.status_code == 201
    assert added.json()["sequence"] == 20000
    after_add = bc.get(f"salesOrders({order['id']})").json()
    assert money(after_add["totalAmountExcludingTax"]) == price * 3
    assert after_add["@odata.etag"] != order["@odata.etag"]

    line = added.json()
    changed = bc.patch(f"{lines_path}({line['id']})", {"quantity": 5, "discountAmount": 1}, line["@odata.etag"])
    assert changed.status_code == 200
    assert money(changed.json()["amountExcludingTax"]) == price * 5 - 1
    assert changed.json()["discountPercent"] > 0
    assert bc.patch(f"{lines_path}({line['id']})", {"quantity": 6}, line["@odata.etag"]).status_code == 409

    assert bc.delete(f"{lines_path}({line['id']})", "*").status_code == 204
    final = bc.get(f"salesOrders({order['id']})", {"$expand": "salesOrderLines"}).json()
    assert len(final["salesOrderLines"]) == 1
    assert money(final["totalAmountExcludingTax"]) == price


def test_changing_prices_include_tax_converts_unit_prices(bc):
    item = first_item(bc, "LAAG")
    order = create_order(
        bc, {"customerNumber": WEBSHOP_CUSTOMER_NUMBER, "salesOrderLines": [{"itemId": item["id"], "quantity": 1}]}
    ).json()

    updated = bc.patch(f"salesOrders({order['id']})", {"pricesIncludeTax": True}, order["@odata.etag"]).json()

    assert money(updated["totalAmountIncludingTax"]) == money(order["totalAmountIncludingTax"])
    assert updated["pricesIncludeTax"] is True


def test_customers_can_be_created_and_changed(bc):
    created = bc.post(
        "customers",
        {"displayName": "Koffiebar De Bonenstaak", "type": "Company", "country": "NL", "email": "inkoop@example.nl"},
    )
    assert created.status_code == 201
    customer = created.json()
    assert re.fullmatch(r"C\d{5}", customer["number"])
    assert customer["blocked"] == "_x0020_"  # the blank member, XML-encoded as API v2.0 serves every enum

    changed = bc.patch(f"customers({customer['id']})", {"blocked": "All"}, customer["@odata.etag"])
    assert changed.status_code == 200
    assert changed.json()["blocked"] == "All"
    unblocked = bc.patch(f"customers({customer['id']})", {"blocked": "_x0020_"}, "*")
    assert unblocked.json()["blocked"] == "_x0020_"
    assert bc.patch(f"customers({customer['id']})", {"blocked": "All"}, "*").status_code == 200
    assert bc.patch(f"customers({customer['id']})", {"blocked": "Maybe"}, "*").status_code == 400
    assert bc.delete(f"customers({customer['id']})", "*").status_code == 405
    assert create_order(bc, {"customerId": customer["id"]}).status_code == 400


def test_code_fields_are_stored_in_upper_case_and_found_regardless_of_case(bc):
    created = create_order(
        bc, {"customerNumber": WEBSHOP_CUSTOMER_NUMBER.lower(), "externalDocumentNumber": "web-lower-1"}
    )

    assert created.status_code == 201
    assert created.json()["externalDocumentNumber"] == "WEB-LOWER-1"
    assert bc.one("salesOrders", "externalDocumentNumber eq 'web-lower-1'")["id"] == created.json()["id"]


@pytest.mark.parametrize("raw", [b"NaN", b"Infinity", b"1e400", b"1e13"])
def test_non_finite_or_absurd_amounts_are_400(bc, raw):
    body = b'{"customerNumber": "C10000", "discountAmount": ' + raw + b"}"

    response = bc.http.post(
        bc.url("salesOrders"), content=body, headers={**bc.headers, "Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert "Edm.Decimal" in response.json()["error"]["message"]
