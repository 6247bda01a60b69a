from datetime import date
from decimal import Decimal
from typing import Any

from domain.catalog.price_calculation import best_price, quantity_breaks
from domain.catalog.prices import (
    PriceAmountType,
    PriceAssetType,
    PriceListLine,
    PriceRequest,
    PriceSourceType,
    PriceStatus,
    PriceType,
    ResolvedPrice,
)

ORDER_DATE = date(2026, 6, 15)
ALL = PriceSourceType.ALL_CUSTOMERS
CUSTOMER = PriceSourceType.CUSTOMER
PRICE_GROUP = PriceSourceType.CUSTOMER_PRICE_GROUP
DISC_GROUP = PriceSourceType.CUSTOMER_DISC_GROUP
CAMPAIGN = PriceSourceType.CAMPAIGN
PRICE = PriceAmountType.PRICE
DISCOUNT = PriceAmountType.DISCOUNT
ANY = PriceAmountType.ANY


def _line(
    line_number: int,
    source_type: PriceSourceType = ALL,
    source_number: str = "",
    amount_type: PriceAmountType = PRICE,
    *,
    unit_price: str = "0",
    discount: str = "0",
    **fields: Any,
) -> PriceListLine:
    values: dict[str, Any] = {
        "price_list_code": "S00001",
        "line_number": line_number,
        "price_type": PriceType.SALE,
        "status": PriceStatus.ACTIVE,
        "source_type": source_type,
        "source_number": source_number,
        "asset_number": "1000",
        "amount_type": amount_type,
        "unit_price": Decimal(unit_price),
        "line_discount_percent": Decimal(discount),
        "allow_line_discount": amount_type is not DISCOUNT,
        "price_includes_vat": False,
    }
    return PriceListLine(**(values | fields))


def _price(
    line_number: int, unit_price: str, source_type: PriceSourceType = ALL, source_number: str = "", **fields: Any
) -> PriceListLine:
    return _line(line_number, source_type, source_number, PRICE, unit_price=unit_price, **fields)


def _discount(
    line_number: int, discount: str, source_type: PriceSourceType = ALL, source_number: str = "", **fields: Any
) -> PriceListLine:
    return _line(line_number, source_type, source_number, DISCOUNT, discount=discount, **fields)


def _request(**fields: Any) -> PriceRequest:
    values: dict[str, Any] = {
        "customer_number": "C10000",
        "customer_price_group": "RETAIL",
        "customer_discount_group": "DG-A",
        "active_campaigns": frozenset({"CP1001"}),
        "item_number": "1000",
        "unit_of_measure_code": "PCS",
        "quantity": Decimal(1),
        "order_date": ORDER_DATE,
        "item_unit_price": Decimal(100),
    }
    return PriceRequest(**(values | fields))


def _resolved(lines: list[PriceListLine], **request: Any) -> tuple[Decimal, Decimal, Decimal]:
    found = best_price(lines, _request(**request))
    return found.unit_price, found.line_discount_percent, found.net_unit_price


def test_no_lines_item_card_100_applies():
    found = best_price([], _request())

    assert found == ResolvedPrice(
        unit_price=Decimal(100),
        line_discount_percent=Decimal(0),
        net_unit_price=Decimal(100),
        price_line=None,
        discount_line=None,
    )


def test_all_customers_line_90_beats_item_card_100():
    line = _price(10000, "90")

    found = best_price([line], _request())

    assert (found.unit_price, found.price_line) == (Decimal(90), line)


def test_customer_line_85_is_for_that_customer_only_not_the_70_of_another():
    lines = [_price(10000, "85", CUSTOMER, "C10000"), _price(20000, "70", CUSTOMER, "C20000")]

    assert _resolved(lines)[0] == Decimal(85)


def test_price_group_line_80_is_for_the_customers_group_only_not_wholesale_60():
    lines = [_price(10000, "80", PRICE_GROUP, "RETAIL"), _price(20000, "60", PRICE_GROUP, "WHOLESALE")]

    assert _resolved(lines)[0] == Decimal(80)
    assert _resolved(lines, customer_price_group="")[0] == Decimal(100)


def test_campaign_line_75_applies_while_the_campaign_is_active_for_the_customer():
    lines = [_price(10000, "75", CAMPAIGN, "CP1001"), _price(20000, "50", CAMPAIGN, "CP2002")]

    assert _resolved(lines)[0] == Decimal(75)
    assert _resolved(lines, active_campaigns=frozenset())[0] == Decimal(100)


def test_contact_and_vendor_lines_are_ignored_item_card_100():
    lines = [
        _price(10000, "40", PriceSourceType.CONTACT, "CT000001"),
        _price(20000, "30", PriceSourceType.ALL_VENDORS),
    ]

    assert _resolved(lines)[0] == Decimal(100)


def test_lowest_price_wins_across_sources_customer_90_of_95_90_92_93():
    lines = [
        _price(10000, "95"),
        _price(20000, "90", CUSTOMER, "C10000"),
        _price(30000, "92", PRICE_GROUP, "RETAIL"),
        _price(40000, "93", CAMPAIGN, "CP1001"),
    ]

    found = best_price(lines, _request())

    assert (found.unit_price, found.price_line) == (Decimal(90), lines[1])


def test_price_group_any_line_gives_its_price_90_never_its_discount_10():
    line = _line(10000, PRICE_GROUP, "RETAIL", ANY, unit_price="90", discount="10")

    assert _resolved([line]) == (Decimal(90), Decimal(0), Decimal(90))


def test_discount_group_any_line_gives_its_discount_15_never_its_price_50():
    line = _line(10000, DISC_GROUP, "DG-A", ANY, unit_price="50", discount="15")

    assert _resolved([line]) == (Decimal(100), Decimal(15), Decimal(85))


def test_item_discount_group_line_gives_discount_12_to_items_of_the_group():
    line = _discount(10000, "12", asset_type=PriceAssetType.ITEM_DISCOUNT_GROUP, asset_number="FASTENERS")

    assert _resolved([line], item_discount_group="FASTENERS") == (Decimal(100), Decimal(12), Decimal(88))
    assert _resolved([line], item_discount_group="TOOLS")[1] == Decimal(0)


def test_lines_of_another_item_are_ignored():
    assert _resolved([_price(10000, "50", asset_number="2000")])[0] == Decimal(100)


def test_minimum_quantity_breaks_95_from_0_90_from_10_80_from_50():
    lines = [
        _price(10000, "95"),
        _price(20000, "90", minimum_quantity=Decimal(10)),
        _price(30000, "80", minimum_quantity=Decimal(50)),
    ]

    prices = [_resolved(lines, quantity=Decimal(quantity))[0] for quantity in ("9", "10", "49.5", "50")]

    assert prices == [Decimal(95), Decimal(90), Decimal(90), Decimal(80)]


def test_minimum_quantity_of_a_line_without_unit_counts_base_units_12_pieces_is_2_boxes_of_6():
    line = _price(10000, "8", unit_of_measure_code="", minimum_quantity=Decimal(12))
    boxes = {"unit_of_measure_code": "BOX", "qty_per_unit_of_measure": Decimal(6), "item_unit_price": Decimal(10)}

    assert _resolved([line], quantity=Decimal(1), **boxes)[0] == Decimal(60)
    assert _resolved([line], quantity=Decimal(2), **boxes)[0] == Decimal(48)


def test_dates_are_inclusive_june_1_to_30():
    line = _price(10000, "90", starting_date=date(2026, 6, 1), ending_date=date(2026, 6, 30))

    prices = [_resolved([line], order_date=date(2026, 6, day))[0] for day in (1, 30)]
    outside = [_resolved([line], order_date=day)[0] for day in (date(2026, 5, 31), date(2026, 7, 1))]

    assert prices == [Decimal(90), Decimal(90)]
    assert outside == [Decimal(100), Decimal(100)]


def test_blank_dates_are_open_ended():
    line = _price(10000, "90")

    assert _resolved([line], order_date=date(1999, 1, 1))[0] == Decimal(90)
    assert _resolved([line], order_date=date(2099, 12, 31))[0] == Decimal(90)


def test_draft_inactive_and_purchase_lines_are_ignored():
    lines = [
        _price(10000, "50", status=PriceStatus.DRAFT),
        _price(20000, "60", status=PriceStatus.INACTIVE),
        _price(30000, "70", price_type=PriceType.PURCHASE),
    ]

    assert _resolved(lines)[0] == Decimal(100)


def test_variant_line_80_applies_to_variant_red_only():
    line = _price(10000, "80", variant_code="RED")

    assert _resolved([line], variant_code="RED")[0] == Decimal(80)
    assert _resolved([line], variant_code="BLUE")[0] == Decimal(100)
    assert _resolved([line])[0] == Decimal(100)


def test_blank_variant_line_90_applies_to_every_variant():
    assert _resolved([_price(10000, "90")], variant_code="RED")[0] == Decimal(90)


def test_variant_line_80_replaces_cheaper_blank_variant_line_70():
    """BC's PickBestLine: a line for the variant beats any line for all variants, whatever its price."""
    lines = [_price(10000, "70"), _price(20000, "80", variant_code="RED"), _price(30000, "60")]

    found = best_price(lines, _request(variant_code="RED"))

    assert (found.unit_price, found.price_line) == (Decimal(80), lines[1])


def test_variant_lines_compete_on_price_among_themselves_85_and_80():
    lines = [_price(10000, "85", variant_code="RED"), _price(20000, "80", variant_code="RED")]

    assert _resolved(lines, variant_code="RED")[0] == Decimal(80)


def test_variant_discount_5_replaces_higher_all_variants_discount_10():
    lines = [_discount(10000, "10"), _discount(20000, "5", variant_code="RED")]

    assert _resolved(lines, variant_code="RED") == (Decimal(100), Decimal(5), Decimal(95))


def test_lcy_line_90_at_factor_1_1_is_99_usd():
    assert _resolved([_price(10000, "90")], currency_code="USD", currency_factor=Decimal("1.1"))[0] == Decimal("99.0")


def test_item_card_100_lcy_at_factor_1_1_is_110_usd():
    assert _resolved([], currency_code="USD", currency_factor=Decimal("1.1"))[0] == Decimal(110)


def test_usd_line_15_beats_cheaper_lcy_line_10_at_factor_1_3_in_a_usd_document():
    """BC's test T062: the line in the document's currency wins over any line without currency."""
    lines = [_price(10000, "10"), _price(20000, "15", currency_code="USD")]

    found = best_price(lines, _request(currency_code="USD", currency_factor=Decimal("1.3")))

    assert (found.unit_price, found.price_line) == (Decimal(15), lines[1])


def test_lines_in_another_currency_are_ignored_eur_line_in_lcy_document():
    assert _resolved([_price(10000, "50", currency_code="EUR")])[0] == Decimal(100)


def test_lcy_variant_line_11_is_14_3_usd_and_beats_usd_line_15_for_all_variants():
    """BC's test T065: naming the currency and naming the variant weigh the same, so the price decides."""
    lines = [_price(10000, "10"), _price(20000, "15", currency_code="USD"), _price(30000, "11", variant_code="RED")]

    found = best_price(lines, _request(currency_code="USD", currency_factor=Decimal("1.3"), variant_code="RED"))

    assert (found.unit_price, found.price_line) == (Decimal("14.3"), lines[2])


def test_usd_red_line_20_beats_all_less_specific_lines():
    """BC's test T066."""
    lines = [
        _price(10000, "10"),
        _price(20000, "15", currency_code="USD"),
        _price(30000, "14", variant_code="RED"),
        _price(40000, "20", currency_code="USD", variant_code="RED"),
    ]

    found = best_price(lines, _request(currency_code="USD", currency_factor=Decimal("1.3"), variant_code="RED"))

    assert (found.unit_price, found.price_line) == (Decimal(20), lines[3])


def test_box_line_50_applies_to_boxes_only():
    line = _price(10000, "50", unit_of_measure_code="BOX")

    assert _resolved([line], unit_of_measure_code="BOX", qty_per_unit_of_measure=Decimal(6))[0] == Decimal(50)
    assert _resolved([line])[0] == Decimal(100)


def test_line_without_unit_9_per_piece_is_54_per_box_of_6_and_beats_box_line_55():
    lines = [_price(10000, "55", unit_of_measure_code="BOX"), _price(20000, "9", unit_of_measure_code="")]

    found = best_price(lines, _request(unit_of_measure_code="BOX", qty_per_unit_of_measure=Decimal(6)))

    assert (found.unit_price, found.price_line) == (Decimal(54), lines[1])


def test_line_including_vat_121_is_100_excluding_21_percent_vat():
    line = _price(10000, "121", price_includes_vat=True)

    assert _resolved([line], vat_percent=Decimal(21))[0] == Decimal(100)


def test_line_excluding_vat_100_is_121_in_a_document_including_21_percent_vat():
    line = _price(10000, "100")

    assert _resolved([line], vat_percent=Decimal(21), prices_include_vat=True)[0] == Decimal(121)


def test_line_including_vat_121_stays_121_in_a_document_including_vat():
    line = _price(10000, "121", price_includes_vat=True)

    assert _resolved([line], vat_percent=Decimal(21), prices_include_vat=True)[0] == Decimal(121)


def test_item_card_121_including_vat_is_100_excluding_21_percent_vat():
    request = {"item_unit_price": Decimal(121), "item_price_includes_vat": True, "vat_percent": Decimal(21)}

    assert _resolved([], **request)[0] == Decimal(100)


def test_vat_then_unit_then_currency_then_rounded_121_incl_vat_per_piece_box_of_6_factor_1_234567():
    """(121 / 1.21) x 6 x 1.234567 = 740.7402."""
    line = _price(10000, "121", unit_of_measure_code="", price_includes_vat=True)
    request = {
        "vat_percent": Decimal(21),
        "unit_of_measure_code": "BOX",
        "qty_per_unit_of_measure": Decimal(6),
        "currency_code": "USD",
        "currency_factor": Decimal("1.234567"),
    }

    assert _resolved([line], **request)[0] == Decimal("740.74020")


def test_unit_price_rounds_to_unit_amount_precision_half_up():
    """10 x 1.0987665 = 10.987665: 10.98767 at 0.00001 (half even would give 10.98766), 10.99 at 0.01."""
    usd = {"currency_code": "USD", "currency_factor": Decimal("1.0987665")}

    assert _resolved([_price(10000, "10")], **usd)[0] == Decimal("10.98767")
    assert _resolved([_price(10000, "10")], unit_amount_rounding_precision=Decimal("0.01"), **usd)[0] == Decimal(
        "10.99"
    )


def test_highest_discount_wins_customer_10_of_5_10_8():
    lines = [
        _discount(10000, "5"),
        _discount(20000, "10", CUSTOMER, "C10000"),
        _discount(30000, "8", DISC_GROUP, "DG-A"),
    ]

    found = best_price(lines, _request())

    assert (found.line_discount_percent, found.net_unit_price, found.discount_line) == (
        Decimal(10),
        Decimal(90),
        lines[1],
    )


def test_net_unit_price_33_33_less_15_percent_rounds_to_28_33_at_0_01():
    lines = [_price(10000, "33.33"), _discount(20000, "15")]

    assert _resolved(lines, unit_amount_rounding_precision=Decimal("0.01"))[2] == Decimal("28.33")


def test_price_line_refusing_line_discount_withholds_discount_10():
    lines = [_price(10000, "90", allow_line_discount=False), _discount(20000, "10")]

    found = best_price(lines, _request())

    assert found == ResolvedPrice(
        unit_price=Decimal(90),
        line_discount_percent=Decimal(0),
        net_unit_price=Decimal(90),
        price_line=lines[0],
        discount_line=None,
    )


def test_item_card_price_keeps_the_discount_10():
    assert _resolved([_discount(10000, "10")]) == (Decimal(100), Decimal(10), Decimal(90))


def test_dearer_line_95_allowing_discount_10_beats_line_90_refusing_it_net_85_5_vs_90():
    """BC compares prices net of the discount already found (IsBetterPrice)."""
    lines = [_price(10000, "95"), _price(20000, "90", allow_line_discount=False), _discount(30000, "10")]

    found = best_price(lines, _request())

    assert (found.unit_price, found.line_discount_percent, found.net_unit_price) == (
        Decimal(95),
        Decimal(10),
        Decimal("85.5"),
    )
    assert found.price_line == lines[0]


def test_discount_below_its_minimum_quantity_is_not_granted():
    line = _discount(10000, "10", minimum_quantity=Decimal(5))

    assert _resolved([line], quantity=Decimal(4))[1] == Decimal(0)
    assert _resolved([line], quantity=Decimal(5))[1] == Decimal(10)


def test_quantity_breaks_95_from_0_90_from_10_80_less_5_percent_from_50_dropping_20():
    lines = [
        _price(10000, "95"),
        _price(20000, "90", minimum_quantity=Decimal(10)),
        _price(30000, "91", minimum_quantity=Decimal(20)),
        _price(40000, "80", minimum_quantity=Decimal(50)),
        _discount(50000, "5", minimum_quantity=Decimal(50)),
    ]

    breaks = quantity_breaks(lines, _request(quantity=Decimal(7)))

    assert [
        (b.minimum_quantity, b.price.unit_price, b.price.line_discount_percent, b.price.net_unit_price) for b in breaks
    ] == [
        (Decimal(0), Decimal(95), Decimal(0), Decimal(95)),
        (Decimal(10), Decimal(90), Decimal(0), Decimal(90)),
        (Decimal(50), Decimal(80), Decimal(5), Decimal(76)),
    ]
    assert breaks[2].price.price_line == lines[3]
    assert breaks[2].price.discount_line == lines[4]


def test_quantity_breaks_start_with_item_card_100_below_the_first_minimum_5():
    breaks = quantity_breaks([_price(10000, "90", minimum_quantity=Decimal(5))], _request())

    assert [(b.minimum_quantity, b.price.unit_price) for b in breaks] == [
        (Decimal(0), Decimal(100)),
        (Decimal(5), Decimal(90)),
    ]


def test_quantity_break_of_10_pieces_is_1_66667_boxes_of_6():
    line = _price(10000, "8", unit_of_measure_code="", minimum_quantity=Decimal(10))
    request = _request(unit_of_measure_code="BOX", qty_per_unit_of_measure=Decimal(6), item_unit_price=Decimal(10))

    breaks = quantity_breaks([line], request)

    assert [(b.minimum_quantity, b.price.unit_price) for b in breaks] == [
        (Decimal(0), Decimal(60)),
        (Decimal("1.66667"), Decimal(48)),
    ]


def test_quantity_breaks_ignore_lines_for_other_customers_and_variants():
    lines = [
        _price(10000, "90", CUSTOMER, "C20000", minimum_quantity=Decimal(10)),
        _price(20000, "85", variant_code="RED", minimum_quantity=Decimal(20)),
    ]

    breaks = quantity_breaks(lines, _request(variant_code="BLUE"))

    assert [(b.minimum_quantity, b.price.unit_price) for b in breaks] == [(Decimal(0), Decimal(100))]
