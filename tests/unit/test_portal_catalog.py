"""Worked examples: what the portal keeps of an item, and what it answers a customer from that alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.catalog.availability import (
    DisplayMode,
    ExpectedReceipt,
    ItemKey,
    ItemSubstitution,
    StockFacts,
    StockPolicy,
    StockStatus,
)
from domain.catalog.listing import CatalogItem, CatalogVariant
from domain.catalog.prices import PriceListLine
from domain.portal.catalog import ItemQuote, PortalCustomer, PortalItem, PortalPolicy, portal_item, quote
from tests.fakes import PORTAL_POLICY
from tests.unit.price_lines import price_line

TODAY = date(2026, 11, 29)
KOFFIE = CatalogItem(
    number="KOF-1001",
    name="Koffiebonen Espresso",
    unit_price=Decimal("10.00"),
    base_unit_of_measure="STUK",
    vat_percent=Decimal(0),
)
HUISBLEND = CatalogItem(
    number="KOF-1005", name="Koffiebonen Huisblend", unit_price=Decimal("9.00"), vat_percent=Decimal(0)
)
DECAF = CatalogItem(number="KOF-1021", name="Decaf", unit_price=Decimal("11.00"), vat_percent=Decimal(0))
PORTAL = PORTAL_POLICY
ANYONE = PortalCustomer(number="C10000")
ZWAAN = PortalCustomer(number="C10300", customer_price_group="HORECA")


def _stored(
    *,
    item: CatalogItem = KOFFIE,
    lines: tuple[PriceListLine, ...] = (),
    on_hand: int = 20,
    receipts: tuple[ExpectedReceipt, ...] = (),
    substitutions: tuple[ItemSubstitution, ...] = (),
    policy: PortalPolicy = PORTAL,
) -> PortalItem:
    key = ItemKey(item_number=item.number)
    facts = StockFacts(item=key, on_hand={"HOOFD": Decimal(on_hand)}, receipts=receipts)
    return portal_item(item, lines, {key: facts}, substitutions, policy=policy.stock, today=TODAY)


def _quote(
    item: PortalItem,
    customer: PortalCustomer = ANYONE,
    *,
    quantity: str = "1",
    policy: PortalPolicy = PORTAL,
    known: tuple[PortalItem, ...] = (),
    on: date = TODAY,
    variant_code: str = "",
) -> ItemQuote:
    return quote(
        item,
        customer,
        variant_code=variant_code,
        quantity=Decimal(quantity),
        order_date=on,
        policy=policy,
        known={found.number: found for found in (item, *known)},
    )


def _net(found: ItemQuote) -> Decimal:
    assert found.price is not None
    return found.price.net_unit_price


# what is kept


def test_only_lines_that_can_price_a_sale_are_kept_in_bcs_order():
    lines = (
        price_line(20, "All Customers", price="9.00"),
        price_line(10, "Customer", "C10300", price="8.00"),
        price_line(30, "All Customers", price="7.00", status="Draft"),
    )
    assert [line.line_number for line in _stored(lines=lines).price_lines] == [10, 20]


def test_the_item_and_each_variant_have_their_availability_a_variant_without_stock_none():
    shirt = CatalogItem(
        number="TEX-1001",
        name="Schort",
        unit_price=Decimal(30),
        vat_percent=Decimal(0),
        variants=(CatalogVariant(code="M"), CatalogVariant(code="XL")),
    )
    medium = ItemKey(item_number="TEX-1001", variant_code="M")
    stored = portal_item(
        shirt,
        (),
        {medium: StockFacts(item=medium, on_hand={"HOOFD": Decimal(4)})},
        (),
        policy=PORTAL.stock,
        today=TODAY,
    )
    assert [(found.item.variant_code, found.available_now) for found in stored.stock] == [
        ("", Decimal(0)),
        ("M", Decimal(4)),
        ("XL", Decimal(0)),
    ]
    assert stored.availability("XXL").available_now == 0


def test_the_fingerprint_moves_with_a_price_or_the_stock():
    stored = _stored(lines=(price_line(1, "All Customers", price="9.00"),))
    assert _stored(lines=(price_line(1, "All Customers", price="9.00"),)).fingerprint() == stored.fingerprint()
    assert _stored(lines=(price_line(1, "All Customers", price="8.95"),)).fingerprint() != stored.fingerprint()
    assert _stored(lines=(price_line(1, "All Customers", price="9.00"),), on_hand=19).fingerprint() != (
        stored.fingerprint()
    )


# prices, resolved for the customer when asked


def test_without_a_price_line_the_item_card_price_applies():
    assert _net(_quote(_stored())) == Decimal("10.00")


def test_a_customer_specific_price_beats_the_all_customers_price_for_that_customer_only():
    """All customers 9.00, Koffiehuis De Zwaan 8.00: Zwaan pays 8.00, anyone else 9.00."""
    item = _stored(
        lines=(price_line(1, "All Customers", price="9.00"), price_line(2, "Customer", "C10300", price="8.00"))
    )
    assert _net(_quote(item, ZWAAN)) == Decimal("8.00")
    assert _net(_quote(item, ANYONE)) == Decimal("9.00")


def test_a_price_group_price_is_for_customers_in_the_group():
    """HORECA 8.50 against all customers 9.00."""
    item = _stored(
        lines=(
            price_line(1, "All Customers", price="9.00"),
            price_line(2, "Customer Price Group", "HORECA", price="8.50"),
        )
    )
    assert _net(_quote(item, ZWAAN)) == Decimal("8.50")
    assert _net(_quote(item, ANYONE)) == Decimal("9.00")


def test_quantity_breaks_and_the_price_at_the_quantity_asked():
    """All customers 10.00, from 10 pieces 9.50, from 50 pieces 9.00; 12 pieces cost 9.50 each."""
    item = _stored(
        lines=(
            price_line(1, "All Customers", price="10.00"),
            price_line(2, "All Customers", price="9.50", minimum_quantity=Decimal(10)),
            price_line(3, "All Customers", price="9.00", minimum_quantity=Decimal(50)),
        )
    )
    found = _quote(item, quantity="12")

    assert _net(found) == Decimal("9.50")
    assert [(step.minimum_quantity, step.price.net_unit_price) for step in found.quantity_breaks] == [
        (Decimal(0), Decimal("10.00")),
        (Decimal(10), Decimal("9.50")),
        (Decimal(50), Decimal("9.00")),
    ]


def test_a_discount_from_20_pieces_shows_as_a_line_discount_and_a_net_price():
    """28.00 each; all customers get 10 % from 20 pieces: 25.20 net."""
    item = _stored(
        item=KOFFIE.model_copy(update={"unit_price": Decimal("28.00")}),
        lines=(price_line(1, "All Customers", discount="10", amount_type="Discount", minimum_quantity=Decimal(20)),),
    )
    found = _quote(item, quantity="20")

    assert found.price is not None
    assert (found.price.unit_price, found.price.line_discount_percent, found.price.net_unit_price) == (
        Decimal("28.00"),
        Decimal(10),
        Decimal("25.20"),
    )
    assert [step.minimum_quantity for step in found.quantity_breaks] == [0, 20]


def test_a_campaign_the_portal_runs_gives_its_price_while_it_lasts():
    """Campaign CP1001 7.50 from 22 November to 20 December, against 10.00 on the item card."""
    item = _stored(
        lines=(
            price_line(
                1,
                "Campaign",
                "CP1001",
                price="7.50",
                starting_date=date(2026, 11, 22),
                ending_date=date(2026, 12, 20),
            ),
        )
    )
    running = PORTAL.model_copy(update={"campaigns": frozenset({"CP1001"})})

    assert _net(_quote(item, policy=running)) == Decimal("7.50")
    assert _net(_quote(item, policy=running, on=date(2026, 12, 21))) == Decimal("10.00")
    assert _net(_quote(item)) == Decimal("10.00")


def test_prices_including_vat_when_the_portal_shows_them():
    item = _stored(item=KOFFIE.model_copy(update={"vat_percent": Decimal(9)}))
    including = PORTAL.model_copy(update={"prices_include_vat": True})
    assert _net(_quote(item, policy=including)) == Decimal("10.90")


def test_a_variant_line_prices_that_variant():
    item = _stored(
        lines=(
            price_line(1, "All Customers", price="30.00"),
            price_line(2, "All Customers", price="32.00", variant_code="XL"),
        )
    )
    assert _net(_quote(item, variant_code="XL")) == Decimal("32.00")
    assert _net(_quote(item, variant_code="M")) == Decimal("30.00")


def test_a_foreign_currency_customer_gets_only_prices_bc_has_in_that_currency():
    """USD 11.50 from the export list; an item priced only in EUR would need an exchange rate: no price."""
    american = PortalCustomer(number="C20000", currency_code="USD")
    export = _stored(lines=(price_line(1, "All Customers", price="11.50", currency_code="USD"),))

    assert _net(_quote(export, american)) == Decimal("11.50")
    only_eur = _quote(_stored(), american)
    assert only_eur.price is None
    assert only_eur.quantity_breaks == ()


# availability and alternatives


def test_availability_is_presented_by_the_portals_display_mode():
    item = _stored(on_hand=185)
    assert _quote(item).stock.model_dump() == {
        "status": StockStatus.IN_STOCK,
        "shown": True,
        "quantity": 185,
        "expected_on": None,
        "expected_quantity": None,
    }
    yes_or_no = PORTAL.model_copy(update={"stock": StockPolicy(display=DisplayMode.IN_STOCK_OR_NOT)})
    assert _quote(item, policy=yes_or_no).stock.quantity is None


def test_out_of_stock_with_a_purchase_order_on_the_way_shows_when_and_how_many():
    receipt = ExpectedReceipt(location_code="HOOFD", quantity=Decimal(60), expected_date=date(2026, 12, 4))
    found = _quote(_stored(on_hand=0, receipts=(receipt,)))
    assert (found.stock.status, found.stock.expected_on, found.stock.expected_quantity) == (
        StockStatus.ON_BACKORDER,
        date(2026, 12, 4),
        Decimal(60),
    )


def test_an_unavailable_item_offers_its_substitutes_in_stock_with_their_names():
    """Espresso is sold out; Huisblend (interchangeable) has 30, Decaf none: only Huisblend is offered."""
    espresso = ItemKey(item_number="KOF-1001")
    entries = (
        ItemSubstitution(item=espresso, substitute=ItemKey(item_number="KOF-1005"), interchangeable=True),
        ItemSubstitution(item=espresso, substitute=ItemKey(item_number="KOF-1021")),
    )
    found = _quote(
        _stored(on_hand=0, substitutions=entries),
        known=(_stored(item=HUISBLEND, on_hand=30), _stored(item=DECAF, on_hand=0)),
    )

    assert [(offer.substitute.item_number, offer.name, offer.interchangeable) for offer in found.alternatives] == [
        ("KOF-1005", "Koffiebonen Huisblend", True)
    ]
    assert found.alternatives[0].stock.quantity == 30


def test_no_alternatives_for_an_item_in_stock_nor_a_blocked_or_unknown_substitute():
    espresso = ItemKey(item_number="KOF-1001")
    entries = (
        ItemSubstitution(item=espresso, substitute=ItemKey(item_number="KOF-1005")),
        ItemSubstitution(item=espresso, substitute=ItemKey(item_number="KOF-9999")),
    )
    blocked = _stored(item=HUISBLEND.model_copy(update={"blocked": True}), on_hand=30)

    assert _quote(_stored(on_hand=5, substitutions=entries), known=(_stored(item=HUISBLEND),)).alternatives == ()
    assert _quote(_stored(on_hand=0, substitutions=entries), known=(blocked,)).alternatives == ()
