import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.intake.channels import PORTAL
from domain.models import BcCustomer, ResolvedSku
from domain.orders.mapping import business_central, portal
from domain.orders.mapping.business_central import ChargeAccounts
from localdev.schemas import PORTAL_ORDER_SCHEMA, portal_order_schema, render

ORDER = {
    "orderId": "PO-2026-0042",
    "customerNumber": "C10420",
    "purchaseOrderReference": "Inkoop 4711/B",
    "requestedDeliveryDate": "2026-12-03",
    "shipTo": {
        "name": "Koffiebranderij Antwerpen BV",
        "addressLine1": "Meir 12",
        "city": "Antwerpen",
        "postCode": "2000",
        "country": "BE",
    },
    "lines": [
        {"itemNumber": "KOF-1001", "quantity": 12},
        {"itemNumber": "TEX-2001", "variantCode": "m", "unitOfMeasure": "doos", "quantity": 2},
    ],
    "placedAt": "2026-11-29T10:15:00+01:00",
}


def _order(**changes):
    return portal.to_order(portal.SHOP, portal.parse(json.dumps(ORDER | changes).encode()))


def test_a_portal_order_names_its_customer_and_items_and_leaves_prices_to_bc():
    order = _order()
    assert str(order.key) == "portal:b2b:PO-2026-0042"
    assert order.customer.bc_customer_number == "C10420"
    assert order.modified_at == datetime(2026, 11, 29, 9, 15, tzinfo=UTC)
    assert order.requested_delivery_date == date(2026, 12, 3)
    assert [(line.sku, line.quantity, line.unit_price, line.unit_of_measure) for line in order.lines] == [
        ("KOF-1001", Decimal(12), None, ""),
        ("TEX-2001-M", Decimal(2), None, "DOOS"),
    ]
    assert order.total is None


def test_its_sales_order_carries_no_prices_and_the_customers_reference_as_a_comment():
    skus = {
        "KOF-1001": ResolvedSku(item_id="i1", item_number="KOF-1001"),
        "TEX-2001-M": ResolvedSku(item_id="i2", item_number="TEX-2001", variant_id="v1", variant_code="M"),
    }
    payload = business_central.sales_order(
        _order(),
        "PO-2026-0042",
        BcCustomer(id="c", number="C10420"),
        skus,
        accounts=ChargeAccounts(shipping="8090", fee="8090"),
        local_currency="EUR",
    )
    lines = payload["salesOrderLines"]
    assert lines[0] == {"lineType": "Comment", "description": "Customer reference: Inkoop 4711/B"}
    assert lines[1] == {"lineType": "Item", "itemId": "i1", "quantity": 12.0}
    assert lines[2] == {
        "lineType": "Item",
        "itemId": "i2",
        "quantity": 2.0,
        "unitOfMeasureCode": "DOOS",
        "itemVariantId": "v1",
    }
    assert payload["requestedDeliveryDate"] == "2026-12-03"
    assert payload["shipToCountry"] == "BE"
    assert "email" not in payload
    assert "currencyCode" not in payload


def test_without_a_ship_to_bc_keeps_the_customers_address():
    payload = business_central.sales_order(
        _order(shipTo=None),
        "X",
        BcCustomer(id="c", number="C1"),
        {
            "KOF-1001": ResolvedSku(item_id="i", item_number="KOF-1001"),
            "TEX-2001-M": ResolvedSku(item_id="i2", item_number="TEX-2001"),
        },
        accounts=ChargeAccounts(shipping="8090", fee="8090"),
        local_currency="EUR",
    )
    assert not any(name.startswith("shipTo") for name in payload)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"itemNumber": "A", "quantity": 0}]}, "quantity"),
        ({"lines": [{"itemNumber": "A' or 1 eq 1", "quantity": 1}]}, "itemNumber"),
        ({"customerNumber": ""}, "customerNumber"),
        ({"orderId": "../etc"}, "orderId"),
        ({"unitPrice": 1}, "unitPrice"),
        ({"placedAt": "gisteren"}, "placedAt"),
    ],
)
def test_what_does_not_fit_the_schema_is_refused_with_the_field_named(changes, field):
    with pytest.raises(ValueError, match=field):
        portal.parse(json.dumps(ORDER | changes).encode())


def test_the_webhook_id_is_the_dedup_key():
    body = json.dumps(ORDER).encode()
    assert PORTAL.identify(body, {"webhook-id": "msg_1"}) == ("PO-2026-0042", "msg_1")


def test_the_documented_schema_is_the_one_koppel_validates_with():
    assert PORTAL_ORDER_SCHEMA.read_text() == render(portal_order_schema()), "run: .venv/bin/python -m localdev.schemas"
