"""Worked examples: what a channel lists for a BC item, and which listings are pushed again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.catalog.availability import Availability, DisplayMode, ItemKey, StockPolicy, StockStatus
from domain.catalog.listing import CatalogItem, ListedField, ListingPolicy, ListingStatus, batches, changed, listing
from tests.unit.price_lines import price_line

TODAY = date(2026, 11, 29)
KOFFIE = CatalogItem(number="KOF-1001", name="Koffiebonen", unit_price=Decimal("10.00"), vat_percent=Decimal(9))
IN_STOCK = Availability(item=ItemKey(item_number="KOF-1001"), available_now=Decimal(12))
POLICY = ListingPolicy(stock=StockPolicy(display=DisplayMode.EXACT_QUANTITY))


def test_the_item_card_price_plus_vat_is_the_regular_price():
    """10.00 excl. 9% VAT: 10.90 in a shop that shows prices including VAT, 10.00 in one that does not."""
    assert listing(KOFFIE, (), IN_STOCK, POLICY, TODAY).regular_price == Decimal("10.90")
    excl = POLICY.model_copy(update={"prices_include_vat": False})
    assert listing(KOFFIE, (), IN_STOCK, excl, TODAY).regular_price == Decimal("10.00")


def test_the_all_customers_price_list_beats_the_item_card_and_other_customers_lines_do_not_count():
    lines = (
        price_line(1, "All Customers", price="9.00"),
        price_line(2, "Customer Price Group", "HORECA", price="7.00"),
    )
    assert listing(KOFFIE, lines, IN_STOCK, POLICY, TODAY).regular_price == Decimal("9.81")


def test_a_campaign_of_the_channel_is_a_sale_price_with_its_dates():
    """Regular 9.00 (9.81 incl.), the autumn campaign 7.50 (8.18 incl.) from 22 Nov to 20 Dec."""
    campaign = price_line(
        2, "Campaign", "NAJAAR", price="7.50", starting_date=date(2026, 11, 22), ending_date=date(2026, 12, 20)
    )
    policy = POLICY.model_copy(update={"campaigns": frozenset({"NAJAAR"})})

    listed = listing(KOFFIE, (price_line(1, "All Customers", price="9.00"), campaign), IN_STOCK, policy, TODAY)

    assert (listed.regular_price, listed.sale_price) == (Decimal("9.81"), Decimal("8.18"))
    assert (listed.sale_from, listed.sale_to) == (date(2026, 11, 22), date(2026, 12, 20))


def test_a_campaign_the_channel_does_not_run_gives_no_sale_price():
    campaign = price_line(2, "Campaign", "NAJAAR", price="7.50")
    listed = listing(KOFFIE, (price_line(1, "All Customers", price="9.00"), campaign), IN_STOCK, POLICY, TODAY)
    assert listed.sale_price is None


def test_a_blocked_item_is_a_draft_not_a_deletion():
    listed = listing(KOFFIE.model_copy(update={"blocked": True}), (), IN_STOCK, POLICY, TODAY)
    assert listed.status is ListingStatus.DRAFT
    assert listed.sku == "KOF-1001"


def test_stock_follows_the_channels_display_mode():
    sold_out = Availability(item=ItemKey(item_number="KOF-1001"), available_now=Decimal(0))
    hidden = POLICY.model_copy(update={"stock": StockPolicy(display=DisplayMode.IN_STOCK_OR_NOT)})
    assert listing(KOFFIE, (), IN_STOCK, POLICY, TODAY).stock.quantity == Decimal(12)
    listed = listing(KOFFIE, (), sold_out, hidden, TODAY)
    assert (listed.stock.status, listed.stock.quantity) == (StockStatus.OUT_OF_STOCK, None)


def test_the_fingerprint_moves_with_what_bc_owns_only():
    base = listing(KOFFIE, (), IN_STOCK, POLICY, TODAY)
    renamed = base.model_copy(update={"name": "Koffiebonen 1 kg"})
    restocked = base.model_copy(update={"stock": base.stock.model_copy(update={"quantity": Decimal(11)})})
    prices_only = base.model_copy(update={"owned": frozenset({ListedField.PRICES})})

    assert base.fingerprint() == listing(KOFFIE, (), IN_STOCK, POLICY, TODAY).fingerprint()
    assert renamed.fingerprint() != base.fingerprint()
    assert restocked.fingerprint() != base.fingerprint()
    assert prices_only.model_copy(update={"name": "other"}).fingerprint() == prices_only.fingerprint()
    assert prices_only.model_copy(update={"regular_price": Decimal(1)}).fingerprint() != prices_only.fingerprint()


def test_only_changed_or_never_pushed_listings_are_pushed_again():
    first = listing(KOFFIE, (), IN_STOCK, POLICY, TODAY)
    thee = listing(KOFFIE.model_copy(update={"number": "THE-1001"}), (), IN_STOCK, POLICY, TODAY)
    cheaper = listing(KOFFIE.model_copy(update={"unit_price": Decimal(9)}), (), IN_STOCK, POLICY, TODAY)
    pushed = {"KOF-1001": first.fingerprint()}

    assert list(changed([first, thee], pushed)) == [thee]
    assert list(changed([cheaper], pushed)) == [cheaper]


def test_batches_of_at_most_the_limit():
    assert [len(batch) for batch in batches(range(250), 100)] == [100, 100, 50]
    assert list(batches([], 100)) == []


def test_a_price_for_a_box_does_not_set_the_price_of_a_piece():
    """All customers: 9.00 a piece (STUK), and a box of 6 (DOOS) at a number lower than a piece's; the shop sells
    pieces, so the box line is no price for it."""
    box = price_line(2, "All Customers", price="8.00", unit_of_measure_code="DOOS")
    piece = KOFFIE.model_copy(update={"base_unit_of_measure": "STUK"})
    assert listing(
        piece, (price_line(1, "All Customers", price="9.00"), box), IN_STOCK, POLICY, TODAY
    ).regular_price == Decimal("9.81")
