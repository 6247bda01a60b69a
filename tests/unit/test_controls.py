"""Worked examples for each automated control and the release decision."""

from datetime import UTC, date, datetime
from decimal import Decimal

from domain.catalog.prices import CustomerPricing
from domain.models import (
    Address,
    BcCustomer,
    BcSalesOrder,
    BcSalesOrderLine,
    Order,
    OrderLine,
    Party,
    ResolvedSku,
    WebOrderKey,
)
from domain.orders.rules.controls import release_blockers, run_controls
from tests.fakes import CONTROLS as POLICY
from tests.unit.price_lines import price_line

SKUS = {
    "KOF-1001": ResolvedSku(item_id="i1", item_number="KOF-1001", unit_price=Decimal("20.62"), inventory=Decimal(10)),
    "KOF-1001-M": ResolvedSku(
        item_id="i1", item_number="KOF-1001", variant_id="v", unit_price=Decimal("20.62"), inventory=Decimal(10)
    ),
}


def _order(
    *,
    source="woocommerce",
    price="24.95",
    quantity=2,
    total="49.90",
    tax="8.66",
    country="NL",
    vat_number="",
    paid=True,
    method="ideal",
):
    party = Party(
        email="a@example.nl", billing=Address(country=country), shipping=Address(country=country), vat_number=vat_number
    )
    return Order(
        key=WebOrderKey(source=source, shop="shop-a", order_id="1"),
        number="1",
        status="processing",
        order_date=date(2026, 11, 29),
        modified_at=datetime(2026, 11, 29, tzinfo=UTC),
        currency="EUR",
        prices_include_tax=True,
        customer=party,
        lines=(OrderLine(sku="KOF-1001", quantity=Decimal(quantity), unit_price=Decimal(price) if price else None),),
        total=Decimal(total) if total else None,
        total_tax=Decimal(tax) if tax else None,
        paid=paid,
        payment_method=method,
    )


def _document(total="49.90", tax="8.66", tax_percent=21):
    return BcSalesOrder(
        id="d",
        number="S-ORD101001",
        status="Draft",
        customer_number="C1",
        external_document_number="1",
        total_excluding_tax=Decimal(total) - Decimal(tax),
        total_tax=Decimal(tax),
        total_including_tax=Decimal(total),
        lines=(
            BcSalesOrderLine(
                line_type="Item",
                item_id="i1",
                quantity=Decimal(2),
                unit_price=Decimal("24.95"),
                tax_percent=Decimal(tax_percent),
            ),
        ),
    )


def _results(order, document=None, customer=None, pricing=None):
    results = run_controls(order, document or _document(), SKUS, customer, POLICY, pricing=pricing)
    return {r.control: r for r in results}


def test_an_order_that_fits_passes_every_control_and_is_ready():
    results = run_controls(_order(), _document(), SKUS, None, POLICY)
    assert [(r.control, r.passed) for r in results] == [
        ("price", True),
        ("totals", True),
        ("vat", True),
        ("stock", True),
        ("payment", True),
    ]
    assert release_blockers(results) == []


def test_price_24_95_incl_21pct_is_20_62_excl_and_matches_bc():
    assert _results(_order(price="24.95"))["price"].passed


def test_a_price_more_than_the_tolerance_off_names_the_line_and_the_deviation():
    result = _results(_order(price="19.95"))["price"]
    assert not result.passed
    assert result.detail == "KOF-1001: web 16.49, BC 20.62 excl. VAT (-20.0%; item card)"


def test_portal_lines_take_bc_prices():
    assert _results(_order(source="portal", price="", total="", tax=""))["price"].detail == "BC prices used"


def test_totals_that_differ_fail_the_totals_control():
    result = _results(_order(), _document(total="52.00", tax="9.02"))["totals"]
    assert not result.passed
    assert "total incl. VAT: web 49.90, BC 52.00" in result.detail


def test_no_vat_on_a_domestic_order_fails():
    result = _results(_order(tax="0", country="NL"), _document(tax="0"))["vat"]
    assert not result.passed
    assert result.detail == "no VAT charged on a domestic (NL) order"


def test_reverse_charge_inside_the_eu_needs_a_vat_number_from_the_order_or_bc():
    assert not _results(_order(tax="0", country="BE"), _document(tax="0"))["vat"].passed
    assert _results(_order(tax="0", country="BE", vat_number="BE0123456789"), _document(tax="0"))["vat"].passed
    from_bc = BcCustomer(id="c", number="C1", tax_registration_number="BE0123456789")
    assert (
        _results(_order(tax="0", country="BE"), _document(tax="0"), from_bc)["vat"].detail
        == "reverse charge, VAT number BE0123456789"
    )


def test_an_export_outside_the_eu_needs_no_vat():
    assert _results(_order(tax="0", country="CH"), _document(tax="0"))["vat"].detail == "export to CH"


def test_more_ordered_than_in_stock_fails_with_the_figures():
    result = _results(_order(quantity=12, total="299.40", tax="51.96"), _document(total="299.40", tax="51.96"))["stock"]
    assert not result.passed
    assert result.detail == "KOF-1001: 12 ordered, 10 in stock (no expected receipt known)"


def test_an_unpaid_prepayment_order_is_held_but_cash_on_delivery_is_not():
    unpaid = run_controls(_order(paid=False), _document(), SKUS, None, POLICY)
    assert release_blockers(unpaid) == ["payment"]
    assert _results(_order(paid=False, method="cod"))["payment"].passed
    assert _results(_order(source="portal", paid=None, price="", total="", tax=""))["payment"].detail == "on account"


def test_the_price_group_price_is_what_the_customer_pays():
    """HORECA pays 16.50 excl. VAT: a web price of 19.97 incl. 21% (16.50 excl.) passes; the item card's 20.62 fails."""
    pricing = CustomerPricing(
        customer_price_group="HORECA", lines=(price_line(10000, "Customer Price Group", "HORECA", price="16.50"),)
    )
    passed = _results(_order(price="19.97", total="39.94", tax="6.93"), _document("39.94", "6.93"), pricing=pricing)[
        "price"
    ]
    card = _results(_order(price="24.95"), pricing=pricing)["price"]

    assert passed.passed
    assert passed.detail == "every line within the tolerance of BC's price lists for this customer"
    assert not card.passed
    assert card.detail == "KOF-1001: web 20.62, BC 16.50 excl. VAT (+25.0%; price list S-TEST line 10000)"


def test_a_price_list_for_another_group_leaves_the_item_card_price():
    pricing = CustomerPricing(
        customer_price_group="RETAIL", lines=(price_line(10000, "Customer Price Group", "HORECA", price="16.50"),)
    )
    assert _results(_order(price="24.95"), pricing=pricing)["price"].passed


def test_a_line_discount_counts_in_the_net_price():
    """All customers 20.62 less 10% from the customer's own discount line: 18.558 net, so a web 20.62 is 11.1% off."""
    pricing = CustomerPricing(
        lines=(
            price_line(10000, "All Customers", price="20.62"),
            price_line(20000, "Customer", "C1", discount="10", amount_type="Discount"),
        )
    )
    result = _results(_order(price="24.95"), pricing=pricing)["price"]

    assert not result.passed
    assert result.detail == (
        "KOF-1001: web 20.62, BC 18.56 excl. VAT (+11.1%; price list S-TEST line 10000, less 10% from S-TEST)"
    )


def test_prices_are_those_of_the_bill_to_customer():
    """BC prices a sales line for the header's Bill-to Customer No. (codeunit 7020's source list in microsoft/BCApps
    src/Layers/W1/BaseApp/Sales/Pricing/SalesLinePrice.Codeunit.al, AddSources); salesOrders serves it as
    billToCustomerNumber. A price line for the sell-to customer C1 does not apply when the order is billed to C2."""
    pricing = CustomerPricing(
        lines=(
            price_line(10000, "All Customers", price="20.62"),
            price_line(20000, "Customer", "C1", discount="10", amount_type="Discount"),
            price_line(30000, "Customer", "C2", discount="10", amount_type="Discount"),
        )
    )
    billed_elsewhere = _document().model_copy(update={"bill_to_customer_number": "C3"})
    billed_to_c2 = _document().model_copy(update={"customer_number": "C3", "bill_to_customer_number": "C2"})

    assert _results(_order(price="24.95"), billed_elsewhere, pricing=pricing)["price"].passed
    assert not _results(_order(price="24.95"), billed_to_c2, pricing=pricing)["price"].passed


def test_prices_in_a_foreign_currency_are_not_checked_against_lcy():
    order = _order(price="99.00").model_copy(update={"currency": "USD"})
    result = _results(order)["price"]
    assert result.passed
    assert result.detail == "not checked: prices in USD, BC's are in LCY"
