import json
from decimal import Decimal

from domain.models import BcCustomer, ResolvedSku
from domain.orders.mapping import business_central, woocommerce
from domain.orders.mapping.business_central import ChargeAccounts
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload

ACCOUNTS = ChargeAccounts(shipping="8090", fee="8091")
CUSTOMER = BcCustomer(id="cust-guid", number="C10000")
SKUS = {
    "KOF-1001": ResolvedSku(item_id="item-1", item_number="KOF-1001"),
    "TEX-2001-M": ResolvedSku(item_id="item-2", item_number="TEX-2001", variant_id="var-1", variant_code="M"),
}


def _order(**changes):
    customer = ShopCustomer(
        "Anna", "de Vries", "anna@example.nl", customer_id=12, address_1="Lange Nieuwstraat " + "9" * 120
    )
    lines = (
        ShopLine("KOF-1001", "Koffiebonen " + "x" * 150, 2, Decimal("24.95")),
        ShopLine("TEX-2001-M", "Shirt M", 1, Decimal(20)),
    )
    payload = order_payload(ShopOrder(1001, customer, lines, **changes))
    return woocommerce.to_order("shop-a", woocommerce.parse(json.dumps(payload).encode()))


def test_sales_order_is_a_deep_insert_keyed_by_the_web_order_number():
    payload = business_central.sales_order(_order(), "1001", CUSTOMER, SKUS, accounts=ACCOUNTS, local_currency="EUR")

    assert payload["externalDocumentNumber"] == "1001"
    assert payload["customerId"] == "cust-guid"
    assert payload["pricesIncludeTax"] is True
    assert "currencyCode" not in payload
    lines = payload["salesOrderLines"]
    assert [line["lineType"] for line in lines] == ["Item", "Item", "Account"]
    assert lines[0] == {
        "lineType": "Item",
        "itemId": "item-1",
        "description": lines[0]["description"],
        "quantity": 2.0,
        "unitPrice": 24.95,
        "discountAmount": 0.0,
    }
    assert len(lines[0]["description"]) == business_central.MAX_DESCRIPTION
    assert lines[1]["itemVariantId"] == "var-1"
    assert lines[2] == {
        "lineType": "Account",
        "lineObjectNumber": "8090",
        "description": "PostNL",
        "quantity": 1,
        "unitPrice": 4.95,
        "discountAmount": 0.0,
    }


def test_every_priced_line_names_its_discount_after_everything_that_makes_bc_price_it_again():
    """BC's price calculation sets Line Discount % when item, variant, unit or quantity are validated, and a new
    unitPrice keeps it (Base App SalesLine.Table.al, "Unit Price" OnValidate; StefanMaron/MSDyn365BC.Code.History).
    discountAmount replaces it, so it rides with every unitPrice, last (APIV2SalesOrderLines.Page.al, BCApps)."""
    payload = business_central.sales_order(_order(), "1001", CUSTOMER, SKUS, accounts=ACCOUNTS, local_currency="EUR")

    for line in payload["salesOrderLines"]:
        assert list(line)[-2:] == ["unitPrice", "discountAmount"], line
    assert list(payload["salesOrderLines"][1])[:3] == ["lineType", "itemId", "itemVariantId"]


def test_a_line_bc_prices_carries_neither_price_nor_discount():
    order = _order()
    unpriced = order.model_copy(
        update={"lines": tuple(line.model_copy(update={"unit_price": None}) for line in order.lines)}
    )

    payload = business_central.sales_order(unpriced, "1001", CUSTOMER, SKUS, accounts=ACCOUNTS, local_currency="EUR")

    assert not {"unitPrice", "discountAmount"} & set(payload["salesOrderLines"][0])


def test_long_address_fields_are_cut_to_bc_field_lengths():
    payload = business_central.sales_order(_order(), "1001", CUSTOMER, SKUS, accounts=ACCOUNTS, local_currency="EUR")
    assert len(payload["shipToAddressLine1"]) == business_central.MAX_ADDRESS
    assert payload["shipToCountry"] == "NL"


def test_a_foreign_currency_is_named_and_the_local_one_left_blank():
    payload = business_central.sales_order(
        _order(currency="USD"), "1001", CUSTOMER, SKUS, accounts=ACCOUNTS, local_currency="EUR"
    )
    assert payload["currencyCode"] == "USD"


def test_a_coupon_discount_lands_on_the_line():
    payload = business_central.sales_order(
        _order(coupon_percent=Decimal(10)), "1001", CUSTOMER, SKUS, accounts=ACCOUNTS, local_currency="EUR"
    )
    line = payload["salesOrderLines"][0]
    assert Decimal(str(line["quantity"])) * Decimal(str(line["unitPrice"])) - Decimal(
        str(line["discountAmount"])
    ) == Decimal("44.91")


def test_a_new_business_customer_carries_its_vat_number():
    order = _order()
    party = order.customer.model_copy(update={"vat_number": "BE0123456789"})
    body = business_central.customer(party)
    assert body["type"] == "Company"
    assert body["taxRegistrationNumber"] == "BE0123456789"
    assert body["email"] == "anna@example.nl"
