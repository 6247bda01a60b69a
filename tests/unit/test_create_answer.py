"""When can BC's answer to a sales order create be the stored document? Microsoft documents the answer only as
"a salesOrders object" (MicrosoftDocs/dynamics365smb-devitpro-pb, dev-itpro/api-reference/v2.0/api/
dynamics_salesOrder_create.md); the API page (microsoft/BCApps src/Apps/W1/APIV2/app/src/pages/
APIV2SalesOrders.Page.al) computes the header's totals in OnInsertRecord, before the nested lines go in."""

from decimal import Decimal

import pytest

from domain.models import BcSalesOrderLine
from domain.orders.rules.create_answer import incomplete_answer
from tests.fakes import draft_sales_order

COFFEE = BcSalesOrderLine(line_type="Item", quantity=Decimal(3), unit_price=Decimal("12.333"))
SHIPPING = BcSalesOrderLine(line_type="Account", quantity=Decimal(1), unit_price=Decimal("4.95"))
NOTE = BcSalesOrderLine(line_type="Comment", description="Customer reference: PO-7")


@pytest.mark.parametrize(
    "answer",
    [
        draft_sales_order("41.95", "8.81", "50.76", COFFEE, SHIPPING, NOTE),
        draft_sales_order("34.67", "7.28", "41.95", COFFEE, SHIPPING),
    ],
    ids=["prices excluding VAT", "prices including VAT"],
)
def test_an_answer_whose_totals_fit_its_lines_is_the_document(answer):
    assert incomplete_answer(answer, len(answer.lines)) == ""


def test_an_answer_without_the_lines_sent_is_not():
    assert incomplete_answer(draft_sales_order("0", "0", "0"), 2) == "its answer had 0 of the 2 lines sent"


def test_an_answer_with_totals_from_before_its_lines_is_not():
    assert incomplete_answer(draft_sales_order("0", "0", "0", COFFEE, SHIPPING), 2) == (
        "its answer's total 0 does not fit its lines"
    )


def test_totals_whose_parts_do_not_add_up_are_not_right():
    assert incomplete_answer(draft_sales_order("41.95", "0", "50.76", COFFEE, SHIPPING), 2)


def test_a_line_discount_counts_in_the_line_amount():
    discounted = COFFEE.model_copy(update={"discount_amount": Decimal("3.70")})
    assert incomplete_answer(draft_sales_order("38.25", "8.03", "46.28", discounted, SHIPPING), 2) == ""


def test_an_answer_in_a_currency_of_whole_units_is_the_document():
    """BC rounds each line amount to the currency's Amount Rounding Precision (a whole yen), which the API does not
    show; totals in whole units mean a line may be up to one unit off its quantity x unit price."""
    yen_coffee = COFFEE.model_copy(update={"unit_price": Decimal("1090.909")})
    yen_shipping = SHIPPING.model_copy(update={"unit_price": Decimal("454.545")})

    assert incomplete_answer(draft_sales_order("3728", "373", "4101", yen_coffee, yen_shipping), 2) == ""


def test_an_answer_in_whole_units_still_has_to_fit_its_lines():
    yen_coffee = COFFEE.model_copy(update={"unit_price": Decimal("1090.909")})

    assert incomplete_answer(draft_sales_order("3300", "330", "3630", yen_coffee), 1)
