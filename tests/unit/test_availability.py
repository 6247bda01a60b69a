from datetime import date
from decimal import Decimal

from domain.catalog.availability import (
    Alternative,
    Availability,
    ChannelStock,
    DisplayMode,
    ExpectedReceipt,
    ItemKey,
    ItemSubstitution,
    NextAvailability,
    SalesDemand,
    StockFacts,
    StockPolicy,
    StockStatus,
    alternatives,
    availability,
    presented,
)

TODAY = date(2026, 12, 1)
BOLT = ItemKey(item_number="1000")
ALL_LOCATIONS = StockPolicy(display=DisplayMode.EXACT_QUANTITY)


def _demand(quantity: str, location: str = "MAIN", ships: date = TODAY) -> SalesDemand:
    return SalesDemand(location_code=location, quantity=Decimal(quantity), shipment_date=ships)


def _receipt(quantity: str, expected: date, location: str = "MAIN") -> ExpectedReceipt:
    return ExpectedReceipt(location_code=location, quantity=Decimal(quantity), expected_date=expected)


def _facts(
    on_hand: dict[str, str],
    demand: tuple[SalesDemand, ...] = (),
    receipts: tuple[ExpectedReceipt, ...] = (),
    item: ItemKey = BOLT,
) -> StockFacts:
    return StockFacts(
        item=item,
        on_hand={location: Decimal(quantity) for location, quantity in on_hand.items()},
        demand=demand,
        receipts=receipts,
    )


def _available(item: ItemKey, now: str, later: NextAvailability | None = None) -> Availability:
    return Availability(item=item, available_now=Decimal(now), next_available=later)


# available now


def test_outstanding_demand_reduces_what_is_available_now():
    facts = _facts({"MAIN": "10"}, demand=(_demand("3"),))
    assert availability(facts, ALL_LOCATIONS, TODAY) == Availability(item=BOLT, available_now=Decimal(7))


def test_all_outstanding_demand_counts_whatever_its_shipment_date():
    facts = _facts({"MAIN": "10"}, demand=(_demand("2"), _demand("3", ships=date(2027, 2, 1))))
    assert availability(facts, ALL_LOCATIONS, TODAY).available_now == Decimal(5)


def test_a_channel_counts_only_stock_and_demand_in_its_locations():
    facts = _facts(
        {"MAIN": "10", "SHOP": "4", "WEST": "6"},
        demand=(_demand("2", location="MAIN"), _demand("5", location="WEST")),
    )
    policy = StockPolicy(display=DisplayMode.EXACT_QUANTITY, locations=frozenset({"MAIN", "SHOP"}))
    assert availability(facts, policy, TODAY).available_now == Decimal(12)  # 10 + 4 - 2


def test_no_locations_means_every_location_the_blank_one_included():
    facts = _facts({"": "1", "MAIN": "10", "WEST": "6"}, demand=(_demand("5", location="WEST"),))
    assert availability(facts, ALL_LOCATIONS, TODAY).available_now == Decimal(12)  # 1 + 10 + 6 - 5


def test_safety_stock_is_held_back():
    facts = _facts({"MAIN": "10"}, demand=(_demand("3"),))
    policy = StockPolicy(display=DisplayMode.EXACT_QUANTITY, safety_stock=Decimal(4))
    assert availability(facts, policy, TODAY).available_now == Decimal(3)  # 10 - 3 - 4


def test_available_now_is_never_negative():
    facts = _facts({"MAIN": "2"}, demand=(_demand("5"),))
    policy = StockPolicy(display=DisplayMode.EXACT_QUANTITY, safety_stock=Decimal(1))
    assert availability(facts, policy, TODAY) == Availability(item=BOLT, available_now=Decimal(0))


def test_negative_inventory_at_a_location_is_a_deficit():
    facts = _facts({"MAIN": "8", "WEST": "-3"})
    assert availability(facts, ALL_LOCATIONS, TODAY).available_now == Decimal(5)


def test_fractional_quantities_stay_exact():
    facts = _facts({"MAIN": "2.5"}, demand=(_demand("0.75"),))
    assert availability(facts, ALL_LOCATIONS, TODAY).available_now == Decimal("1.75")


# next available


def test_an_item_in_stock_has_no_next_availability():
    facts = _facts({"MAIN": "5"}, receipts=(_receipt("10", date(2026, 12, 10)),))
    assert availability(facts, ALL_LOCATIONS, TODAY).next_available is None


def test_receipts_are_walked_in_date_order_whatever_the_order_listed():
    facts = _facts({}, receipts=(_receipt("5", date(2026, 12, 20)), _receipt("3", date(2026, 12, 10))))
    assert availability(facts, ALL_LOCATIONS, TODAY) == Availability(
        item=BOLT,
        available_now=Decimal(0),
        next_available=NextAvailability(on=date(2026, 12, 10), quantity=Decimal(3)),
    )


def test_receipts_on_the_same_date_add_up():
    facts = _facts({}, receipts=(_receipt("2", date(2026, 12, 10)), _receipt("3", date(2026, 12, 10))))
    assert availability(facts, ALL_LOCATIONS, TODAY).next_available == NextAvailability(
        on=date(2026, 12, 10), quantity=Decimal(5)
    )


def test_demand_beyond_stock_is_covered_by_receipts_first():
    facts = _facts(
        {"MAIN": "2"},
        demand=(_demand("8"),),
        receipts=(
            _receipt("4", date(2026, 12, 10)),
            _receipt("5", date(2026, 12, 20)),
            _receipt("9", date(2027, 1, 5)),
        ),
    )
    # 2 - 8 = -6; +4 on 10 Dec gives -2; +5 on 20 Dec gives 3
    assert availability(facts, ALL_LOCATIONS, TODAY).next_available == NextAvailability(
        on=date(2026, 12, 20), quantity=Decimal(3)
    )


def test_safety_stock_is_restored_before_a_receipt_is_promised():
    facts = _facts({}, receipts=(_receipt("3", date(2026, 12, 10)), _receipt("4", date(2026, 12, 20))))
    policy = StockPolicy(display=DisplayMode.QUANTITY_WITH_DATE, safety_stock=Decimal(5))
    # -5; +3 gives -2; +4 gives 2
    assert availability(facts, policy, TODAY).next_available == NextAvailability(
        on=date(2026, 12, 20), quantity=Decimal(2)
    )


def test_receipts_at_locations_the_channel_does_not_sell_from_are_not_promised():
    facts = _facts({}, receipts=(_receipt("5", date(2026, 12, 10), location="WEST"), _receipt("2", date(2026, 12, 20))))
    policy = StockPolicy(display=DisplayMode.QUANTITY_WITH_DATE, locations=frozenset({"MAIN"}))
    assert availability(facts, policy, TODAY).next_available == NextAvailability(
        on=date(2026, 12, 20), quantity=Decimal(2)
    )


def test_a_receipt_beyond_the_horizon_is_not_promised():
    facts = _facts(
        {},
        demand=(_demand("4"),),
        receipts=(_receipt("3", date(2026, 12, 31)), _receipt("5", date(2027, 1, 1))),
    )
    within_30_days = StockPolicy(display=DisplayMode.QUANTITY_WITH_DATE, receipt_horizon_days=30)
    assert availability(facts, within_30_days, TODAY).next_available is None  # -4 + 3; 1 Jan is day 31
    unlimited = StockPolicy(display=DisplayMode.QUANTITY_WITH_DATE)
    assert availability(facts, unlimited, TODAY).next_available == NextAvailability(
        on=date(2027, 1, 1), quantity=Decimal(4)
    )


def test_an_overdue_receipt_is_expected_today_not_on_hand():
    facts = _facts({}, receipts=(_receipt("6", date(2026, 11, 20)), _receipt("4", date(2026, 12, 1))))
    assert availability(facts, ALL_LOCATIONS, TODAY) == Availability(
        item=BOLT,
        available_now=Decimal(0),
        next_available=NextAvailability(on=TODAY, quantity=Decimal(10)),
    )


def test_an_overdue_receipt_is_within_any_horizon():
    facts = _facts(
        {}, demand=(_demand("1"),), receipts=(_receipt("3", date(2026, 10, 1)), _receipt("5", date(2026, 12, 2)))
    )
    today_only = StockPolicy(display=DisplayMode.QUANTITY_WITH_DATE, receipt_horizon_days=0)
    assert availability(facts, today_only, TODAY).next_available == NextAvailability(on=TODAY, quantity=Decimal(2))


def test_without_a_covering_receipt_there_is_no_next_availability():
    facts = _facts({"MAIN": "1"}, demand=(_demand("10"),), receipts=(_receipt("4", date(2026, 12, 10)),))
    assert availability(facts, ALL_LOCATIONS, TODAY) == Availability(item=BOLT, available_now=Decimal(0))


def test_variants_are_independent():
    red, blue = ItemKey(item_number="1000", variant_code="RED"), ItemKey(item_number="1000", variant_code="BLUE")
    red_facts = _facts({"MAIN": "6"}, demand=(_demand("2"),), item=red)
    blue_facts = _facts({"MAIN": "1"}, demand=(_demand("3"),), receipts=(_receipt("7", date(2026, 12, 8)),), item=blue)
    assert availability(red_facts, ALL_LOCATIONS, TODAY) == Availability(item=red, available_now=Decimal(4))
    assert availability(blue_facts, ALL_LOCATIONS, TODAY) == Availability(
        item=blue,
        available_now=Decimal(0),
        next_available=NextAvailability(on=date(2026, 12, 8), quantity=Decimal(5)),
    )


# presented


EXPECTED = NextAvailability(on=date(2026, 12, 20), quantity=Decimal(3))


def test_hidden_shows_nothing_and_keeps_the_item_orderable():
    policy = StockPolicy(display=DisplayMode.HIDDEN)
    hidden = ChannelStock(status=StockStatus.IN_STOCK, shown=False)
    assert presented(_available(BOLT, "7"), policy) == hidden
    assert presented(_available(BOLT, "0", EXPECTED), policy) == hidden
    assert presented(_available(BOLT, "0"), policy) == hidden


def test_in_stock_or_not_shows_the_status_only():
    policy = StockPolicy(display=DisplayMode.IN_STOCK_OR_NOT)
    assert presented(_available(BOLT, "7"), policy) == ChannelStock(status=StockStatus.IN_STOCK)
    assert presented(_available(BOLT, "0", EXPECTED), policy) == ChannelStock(status=StockStatus.OUT_OF_STOCK)


def test_exact_quantity_shows_the_quantity_without_a_date():
    policy = StockPolicy(display=DisplayMode.EXACT_QUANTITY)
    assert presented(_available(BOLT, "7"), policy) == ChannelStock(status=StockStatus.IN_STOCK, quantity=Decimal(7))
    assert presented(_available(BOLT, "0", EXPECTED), policy) == ChannelStock(
        status=StockStatus.OUT_OF_STOCK, quantity=Decimal(0)
    )


def test_quantity_with_date_shows_a_backorder_with_the_expected_date_and_quantity():
    policy = StockPolicy(display=DisplayMode.QUANTITY_WITH_DATE)
    assert presented(_available(BOLT, "7"), policy) == ChannelStock(status=StockStatus.IN_STOCK, quantity=Decimal(7))
    assert presented(_available(BOLT, "0", EXPECTED), policy) == ChannelStock(
        status=StockStatus.ON_BACKORDER,
        quantity=Decimal(0),
        expected_on=date(2026, 12, 20),
        expected_quantity=Decimal(3),
    )


def test_quantity_with_date_and_nothing_expected_is_out_of_stock():
    policy = StockPolicy(display=DisplayMode.QUANTITY_WITH_DATE)
    assert presented(_available(BOLT, "0"), policy) == ChannelStock(
        status=StockStatus.OUT_OF_STOCK, quantity=Decimal(0)
    )


# alternatives


NUT, WASHER, SCREW, PIN = (ItemKey(item_number=number) for number in ("2000", "3000", "4000", "5000"))


def _substitution(substitute: ItemKey, item: ItemKey = BOLT, interchangeable: bool = False) -> ItemSubstitution:
    return ItemSubstitution(item=item, substitute=substitute, interchangeable=interchangeable)


def test_an_item_out_of_stock_is_offered_its_substitutes_in_stock_most_available_first():
    substitutes = [_substitution(NUT), _substitution(WASHER, interchangeable=True), _substitution(SCREW)]
    availabilities = {
        BOLT: _available(BOLT, "0"),
        NUT: _available(NUT, "3"),
        WASHER: _available(WASHER, "8"),
        SCREW: _available(SCREW, "3"),
    }
    assert alternatives(BOLT, substitutes, availabilities, ALL_LOCATIONS) == [
        Alternative(
            substitute=WASHER,
            interchangeable=True,
            stock=ChannelStock(status=StockStatus.IN_STOCK, quantity=Decimal(8)),
        ),
        Alternative(
            substitute=NUT, interchangeable=False, stock=ChannelStock(status=StockStatus.IN_STOCK, quantity=Decimal(3))
        ),
        Alternative(
            substitute=SCREW,
            interchangeable=False,
            stock=ChannelStock(status=StockStatus.IN_STOCK, quantity=Decimal(3)),
        ),
    ]


def test_an_item_in_stock_is_offered_no_substitutes():
    availabilities = {BOLT: _available(BOLT, "1"), NUT: _available(NUT, "50")}
    assert alternatives(BOLT, [_substitution(NUT)], availabilities, ALL_LOCATIONS) == []


def test_substitutes_out_of_stock_or_of_unknown_availability_are_left_out():
    substitutes = [_substitution(NUT), _substitution(WASHER), _substitution(PIN)]
    availabilities = {
        BOLT: _available(BOLT, "0"),
        NUT: _available(NUT, "0", EXPECTED),
        WASHER: _available(WASHER, "2"),
    }
    offered = alternatives(BOLT, substitutes, availabilities, ALL_LOCATIONS)
    assert [alternative.substitute for alternative in offered] == [WASHER]


def test_substitutions_apply_to_exactly_the_item_and_variant_they_name():
    red_bolt = ItemKey(item_number="1000", variant_code="RED")
    substitutes = [_substitution(NUT), _substitution(WASHER, item=red_bolt), _substitution(SCREW, item=PIN)]
    availabilities = {
        BOLT: _available(BOLT, "0"),
        red_bolt: _available(red_bolt, "0"),
        NUT: _available(NUT, "4"),
        WASHER: _available(WASHER, "9"),
        SCREW: _available(SCREW, "6"),
    }
    assert [found.substitute for found in alternatives(red_bolt, substitutes, availabilities, ALL_LOCATIONS)] == [
        WASHER
    ]
    assert [found.substitute for found in alternatives(BOLT, substitutes, availabilities, ALL_LOCATIONS)] == [NUT]


def test_alternatives_are_presented_as_the_channel_shows_stock():
    availabilities = {BOLT: _available(BOLT, "0"), NUT: _available(NUT, "5")}
    status_only = StockPolicy(display=DisplayMode.IN_STOCK_OR_NOT)
    assert alternatives(BOLT, [_substitution(NUT)], availabilities, status_only) == [
        Alternative(substitute=NUT, interchangeable=False, stock=ChannelStock(status=StockStatus.IN_STOCK))
    ]
    assert alternatives(BOLT, [_substitution(NUT)], availabilities, StockPolicy(display=DisplayMode.HIDDEN)) == []
