"""Worked examples: what a channel lists for a BC item, and which listings are pushed again."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal

from domain.catalog.availability import Availability, DisplayMode, ItemKey, StockPolicy, StockStatus
from domain.catalog.listing import (
    CatalogItem,
    CatalogVariant,
    ListedField,
    ListingChange,
    ListingPolicy,
    ListingStatus,
    PushedListing,
    change,
    change_batches,
    listing,
)
from tests.unit.price_lines import price_line

TODAY = date(2026, 11, 29)
KOFFIE = CatalogItem(number="KOF-1001", name="Koffiebonen", unit_price=Decimal("10.00"), vat_percent=Decimal(9))
POLICY = ListingPolicy(stock=StockPolicy(display=DisplayMode.EXACT_QUANTITY), prices_include_vat=True)


def stocked(quantity: int, by_variant: Mapping[str, int] | None = None) -> Callable[[ItemKey], Availability]:
    """Availability of `quantity` for the item, or per variant code when given."""

    def available(key: ItemKey) -> Availability:
        now = (by_variant or {}).get(key.variant_code, quantity)
        return Availability(item=key, available_now=Decimal(now))

    return available


IN_STOCK = stocked(12)


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
    sold_out = stocked(0)
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
    pushed = {"KOF-1001": PushedListing(sku="KOF-1001", fingerprint=first.fingerprint(), channel_id="41")}

    assert change(first, pushed) is None
    assert change(thee, pushed) == ListingChange(listing=thee, product_changed=True)
    assert change(cheaper, pushed) == ListingChange(
        listing=cheaper, product_changed=True, channel_ids={"KOF-1001": "41"}
    )


MOKKEN = CatalogItem(
    number="MOK-2001",
    name="Koffiemok",
    unit_price=Decimal("8.00"),
    vat_percent=Decimal(21),
    variants=(CatalogVariant(code="ROOD", description="Rood"), CatalogVariant(code="BLAUW")),
)


def test_each_variant_is_listed_under_item_dash_code_with_its_own_price_and_stock():
    """8.00 + 21% = 9.68 for red (no line of its own); blue has an all-customers line of 7.00 for variant BLAUW,
    8.47 incl. VAT. Red has 3 in stock, blue none; a variant without a description is named by its code."""
    blue_line = price_line(1, "All Customers", price="7.00", asset_number="MOK-2001", variant_code="BLAUW")

    listed = listing(MOKKEN, (blue_line,), stocked(0, {"ROOD": 3}), POLICY, TODAY)

    assert [(v.sku, v.option, v.regular_price, v.stock.quantity) for v in listed.variants] == [
        ("MOK-2001-ROOD", "Rood", Decimal("9.68"), Decimal(3)),
        ("MOK-2001-BLAUW", "BLAUW", Decimal("8.47"), Decimal(0)),
    ]


def test_a_product_with_variants_changes_with_its_options_not_with_its_variants_prices_or_stock():
    listed = listing(MOKKEN, (), stocked(5), POLICY, TODAY)
    restocked = listing(MOKKEN, (), stocked(5, {"ROOD": 4}), POLICY, TODAY)
    one_more = listing(
        MOKKEN.model_copy(update={"variants": (*MOKKEN.variants, CatalogVariant(code="GROEN"))}),
        (),
        stocked(5),
        POLICY,
        TODAY,
    )

    assert restocked.fingerprint() == listed.fingerprint()
    assert restocked.variants[0].fingerprint() != listed.variants[0].fingerprint()
    assert restocked.variants[1].fingerprint() == listed.variants[1].fingerprint()
    assert one_more.fingerprint() != listed.fingerprint()


def test_a_change_of_one_variant_sends_only_that_variant_with_the_ids_the_channel_gave():
    listed = listing(MOKKEN, (), stocked(5), POLICY, TODAY)
    pushed = {
        sku: PushedListing(sku=sku, fingerprint=fingerprint, channel_id=channel_id)
        for sku, fingerprint, channel_id in (
            ("MOK-2001", listed.fingerprint(), "50"),
            ("MOK-2001-ROOD", listed.variants[0].fingerprint(), "51"),
            ("MOK-2001-BLAUW", listed.variants[1].fingerprint(), "52"),
        )
    }
    restocked = listing(MOKKEN, (), stocked(5, {"BLAUW": 1}), POLICY, TODAY)

    found = change(restocked, pushed)

    assert change(listed, pushed) is None
    assert found is not None
    assert (found.product_changed, found.changed_variants) == (False, (restocked.variants[1],))
    assert (found.channel_id("MOK-2001"), found.channel_id("MOK-2001-BLAUW")) == ("50", "52")
    assert found.channel_id("MOK-2001-GROEN") == ""


def test_batches_hold_at_most_the_limit_of_products_and_of_items_whose_variants_changed():
    simple = listing(KOFFIE, (), IN_STOCK, POLICY, TODAY)
    variable = listing(MOKKEN, (), IN_STOCK, POLICY, TODAY)
    product_only = ListingChange(listing=simple, product_changed=True)
    variants_only = ListingChange(listing=variable, product_changed=False, changed_variants=variable.variants)
    both = variants_only.model_copy(update={"product_changed": True})

    assert [len(batch) for batch in change_batches([product_only] * 250, 100)] == [100, 100, 50]
    assert [len(batch) for batch in change_batches([product_only, variants_only] * 150, 100)] == [199, 101]
    assert [len(batch) for batch in change_batches([both] * 3, 2)] == [2, 1]
    assert list(change_batches([], 100)) == []


def test_a_price_for_a_box_does_not_set_the_price_of_a_piece():
    """All customers: 9.00 a piece (STUK), and a box of 6 (DOOS) at a number lower than a piece's; the shop sells
    pieces, so the box line is no price for it."""
    box = price_line(2, "All Customers", price="8.00", unit_of_measure_code="DOOS")
    piece = KOFFIE.model_copy(update={"base_unit_of_measure": "STUK"})
    assert listing(
        piece, (price_line(1, "All Customers", price="9.00"), box), IN_STOCK, POLICY, TODAY
    ).regular_price == Decimal("9.81")


def test_variants_sharing_a_description_are_told_apart_by_their_codes():
    mugs = MOKKEN.model_copy(
        update={
            "variants": (CatalogVariant(code="R1", description="Rood"), CatalogVariant(code="R2", description="Rood"))
        }
    )

    listed = listing(mugs, (), stocked(1), POLICY, TODAY)

    assert [variant.option for variant in listed.variants] == ["Rood (R1)", "Rood (R2)"]
