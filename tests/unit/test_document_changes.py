from decimal import Decimal

from domain.models import BcSalesOrder, BcSalesOrderLine
from domain.orders.rules.document_changes import change_plan


def _document(*lines: BcSalesOrderLine) -> BcSalesOrder:
    return BcSalesOrder(
        id="d",
        number="S-ORD1",
        status="Draft",
        customer_number="C1",
        external_document_number="1",
        total_excluding_tax=Decimal(0),
        total_tax=Decimal(0),
        total_including_tax=Decimal(0),
        lines=lines,
    )


COFFEE = BcSalesOrderLine(
    line_type="Item",
    id="l1",
    etag="e1",
    item_id="i1",
    description="Koffie",
    quantity=Decimal(2),
    unit_price=Decimal("24.95"),
)
SHIPPING = BcSalesOrderLine(
    line_type="Account",
    id="l2",
    etag="e2",
    object_number="8090",
    description="PostNL",
    quantity=Decimal(1),
    unit_price=Decimal("4.95"),
)


def _item(item_id="i1", quantity=2.0, price=24.95, **more):
    return {
        "lineType": "Item",
        "itemId": item_id,
        "description": "Koffie",
        "quantity": quantity,
        "unitPrice": price,
        **more,
    }


def _shipping(price=4.95):
    return {
        "lineType": "Account",
        "lineObjectNumber": "8090",
        "description": "PostNL",
        "quantity": 1,
        "unitPrice": price,
    }


def test_an_unchanged_order_needs_no_change():
    plan = change_plan(_document(COFFEE, SHIPPING), {"salesOrderLines": [_item(), _shipping()]})
    assert plan.empty


def test_a_new_quantity_and_coupon_change_the_line_in_place():
    plan = change_plan(
        _document(COFFEE, SHIPPING), {"salesOrderLines": [_item(quantity=3.0, discountAmount=7.49), _shipping()]}
    )
    assert [(u.line.id, u.changes) for u in plan.update] == [
        ("l1", {"quantity": 3.0, "unitPrice": 24.95, "discountAmount": 7.49})
    ]
    assert not plan.add
    assert not plan.remove


def test_a_line_bc_priced_keeps_bcs_price_and_discount():
    """Portal lines carry no price: BC's price list price and line discount stand, whatever the quantity."""
    discounted = COFFEE.model_copy(update={"discount_amount": Decimal("5.00")})
    unpriced = {k: v for k, v in _item(quantity=3.0).items() if k != "unitPrice"}

    plan = change_plan(_document(discounted, SHIPPING), {"salesOrderLines": [unpriced, _shipping()]})

    assert [u.changes for u in plan.update] == [{"quantity": 3.0}]


def test_a_new_price_on_a_discounted_line_sends_its_discount_again():
    """BC's Sales Line "Unit Price" OnValidate keeps the old Line Discount % (microsoft/BCApps
    src/Layers/W1/BaseApp/Sales/Document/SalesLine.Table.al, field 22): 10 -> 12 with 2.00 off would give 2.40 off."""
    discounted = COFFEE.model_copy(update={"unit_price": Decimal(10), "discount_amount": Decimal(2)})

    plan = change_plan(_document(discounted), {"salesOrderLines": [_item(price=12.0, discountAmount=2.0)]})

    assert [u.changes for u in plan.update] == [{"unitPrice": 12.0, "discountAmount": 2.0}]


def test_another_item_replaces_the_line_and_an_extra_line_is_added():
    plan = change_plan(
        _document(COFFEE, SHIPPING), {"salesOrderLines": [_item(item_id="i9"), _shipping(), _item(item_id="i3")]}
    )
    assert [line.id for line in plan.remove] == ["l1"]
    assert [body["itemId"] for body in plan.add] == ["i9", "i3"]
    assert plan.describe() == "2 line(s) added, 1 line(s) removed"


def test_a_dropped_line_is_removed_and_a_dropped_discount_set_to_zero():
    discounted = COFFEE.model_copy(update={"discount_amount": Decimal("5.00")})
    plan = change_plan(_document(discounted, SHIPPING), {"salesOrderLines": [_item(discountAmount=0)]})
    assert [u.changes for u in plan.update] == [{"unitPrice": 24.95, "discountAmount": 0}]
    assert [line.id for line in plan.remove] == ["l2"]


def test_the_ship_to_address_is_set_on_the_header():
    plan = change_plan(_document(COFFEE), {"shipToCity": "Gent", "customerId": "c", "salesOrderLines": [_item()]})
    assert plan.header == {"shipToCity": "Gent"}
