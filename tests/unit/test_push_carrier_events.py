"""The shops are told of their orders' carrier events: each event once, only once its shipment's fulfillment is in
the shop, the events of a parcel in the order they happened, a late older one not after a newer one, a lost answer
not doubled, a refusal kept and not sent again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import RetryableError
from domain.models import WebOrderKey
from domain.shipments.models import CarrierEvent, CarrierPhase, RecordedCarrierEvent, ShopTelling
from domain.shipments.ports import CarrierEventNotice, ShopCarrierEvents
from domain.shipments.push_carrier_events import CarrierEventPush, push_carrier_events
from domain.shipments.recorded import first_version
from domain.shipments.shop_event_status import ShopEventStatus, shop_status
from domain.shipments.shop_failures import Shop
from tests.fakes import FixedClock, MemorySyncRuns
from tests.shipment_support import MemoryShipments, bc_shipment

SHOPIFY_ORDER = WebOrderKey(source="shopify", shop="shop-s", order_id="5001")
WOO_ORDER = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001")
TRACKING = "3SKOP0001"
PICKED_UP_AT = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


class MemoryEventsToTell:
    def __init__(self) -> None:
        self.rows: dict[str, RecordedCarrierEvent] = {}

    def add(self, recorded: RecordedCarrierEvent) -> None:
        self.rows[recorded.event_id] = recorded

    def to_tell(self) -> Iterator[RecordedCarrierEvent]:
        return iter([each for each in self.rows.values() if each.to_tell])

    def for_parcel(self, platform: str, account: str, parcel_id: str) -> list[RecordedCarrierEvent]:
        found = [each for each in self.rows.values() if each.event.parcel_id == parcel_id]
        return sorted(found, key=lambda each: (each.event.happened_at, each.event_id))

    def settle(self, recorded: RecordedCarrierEvent) -> None:
        self.rows[recorded.event_id] = recorded


class RecordingEventShop:
    """A ShopCarrierEvents that, like the adapter, does not make an event it has again (`created` counts those it
    made); `refusal` answers every notice, `down` makes it unreachable, `lose_next_answer` makes the next event and
    loses the answer."""

    def __init__(self, refusal: str = "") -> None:
        self.refusal = refusal
        self.down = False
        self.lose_next_answer = False
        self.notices: list[CarrierEventNotice] = []
        self.events: set[tuple[str, ShopEventStatus, datetime]] = set()
        self.created = 0
        self.attempts = 0

    def tell(self, notice: CarrierEventNotice) -> str:
        self.attempts += 1
        if self.down:
            raise RetryableError("the shop answered 503")
        self.notices.append(notice)
        if self.refusal:
            return self.refusal
        made = (str(notice.key), notice.status, notice.event.happened_at)
        if made not in self.events:
            self.events.add(made)
            self.created += 1
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise RetryableError("the shop's answer was lost")
        return ""


def carrier_event(
    event_id: str,
    status_id: int,
    phase: CarrierPhase,
    minutes: int = 0,
    key: WebOrderKey = SHOPIFY_ORDER,
    *,
    parcel: str = "77",
) -> RecordedCarrierEvent:
    event = CarrierEvent(
        platform="sendcloud",
        account="main",
        parcel_id=parcel,
        status_id=status_id,
        status_message=f"status {status_id}",
        phase=phase,
        happened_at=PICKED_UP_AT + timedelta(minutes=minutes),
        tracking_number=TRACKING,
    )
    return RecordedCarrierEvent(event_id=event_id, event=event, order=key)


def pushing(shops: dict[Shop, ShopCarrierEvents], limit: int = 500) -> CarrierEventPush:
    return CarrierEventPush(
        events=MemoryEventsToTell(),
        shipments=MemoryShipments(),
        shops=shops,
        runs=MemorySyncRuns(),
        clock=FixedClock(),
        limit=limit,
    )


def ship(push: CarrierEventPush, key: WebOrderKey = SHOPIFY_ORDER, *, told: bool = True) -> None:
    """The order's shipment with TRACKING recorded, and taken by its shop when `told`."""
    shipment = bc_shipment("S-SHPT1", f"S-ORD{key.order_id}", f"WEB{key.order_id}", tracking=TRACKING)
    recorded = first_version(key, shipment, PICKED_UP_AT)
    found = push.shipments.get(key, "S-SHPT1")
    push.shipments.write(recorded.pushed(1) if told else recorded, found[1] if found else None)


def telling(push: CarrierEventPush, event_id: str) -> ShopTelling:
    events = push.events
    assert isinstance(events, MemoryEventsToTell)
    return events.rows[event_id].shop_telling


def add(push: CarrierEventPush, *recorded: RecordedCarrierEvent) -> None:
    events = push.events
    assert isinstance(events, MemoryEventsToTell)
    for each in recorded:
        events.add(each)


def test_an_event_is_told_to_the_shop_once_with_its_status():
    shop = RecordingEventShop()
    push = pushing({("shopify", "shop-s"): shop})
    ship(push)
    add(push, carrier_event("e1", 3, CarrierPhase.IN_TRANSIT))

    run = push_carrier_events(push)
    again = push_carrier_events(push)

    [notice] = shop.notices
    assert (notice.key, notice.status, notice.event.status_id) == (SHOPIFY_ORDER, ShopEventStatus.IN_TRANSIT, 3)
    assert telling(push, "e1") is ShopTelling.TOLD
    assert (run.name, run.read, run.pushed, run.completed) == ("shop-carrier-events", 1, 1, True)
    assert (again.read, again.pushed) == (0, 0)


def test_an_event_waits_until_its_shipment_is_told_to_the_shop():
    shop = RecordingEventShop()
    push = pushing({("shopify", "shop-s"): shop})
    ship(push, told=False)
    add(push, carrier_event("e1", 92, CarrierPhase.OUT_FOR_DELIVERY))

    waiting = push_carrier_events(push)
    assert (shop.notices, telling(push, "e1")) == ([], ShopTelling.PENDING)
    assert any("wait for the shop to have their shipment's fulfillment" in problem for problem in waiting.problems)
    ship(push, told=True)
    push_carrier_events(push)

    assert [notice.status for notice in shop.notices] == [ShopEventStatus.OUT_FOR_DELIVERY]


def test_an_event_whose_fulfillment_never_comes_is_passed_after_two_weeks():
    push = pushing({("shopify", "shop-s"): RecordingEventShop()})
    add(push, carrier_event("e1", 3, CarrierPhase.IN_TRANSIT))
    clock = push.clock
    assert isinstance(clock, FixedClock)
    clock.moment = PICKED_UP_AT + timedelta(days=15)

    run = push_carrier_events(push)

    assert (telling(push, "e1"), run.changed) == (ShopTelling.PASSED, 1)


@pytest.mark.parametrize(
    ("status_id", "phase", "expected"),
    [
        (3, CarrierPhase.IN_TRANSIT, ShopEventStatus.IN_TRANSIT),
        (4, CarrierPhase.IN_TRANSIT, ShopEventStatus.DELAYED),
        (8, CarrierPhase.IN_TRANSIT, ShopEventStatus.ATTEMPTED_DELIVERY),
        (12, CarrierPhase.OUT_FOR_DELIVERY, ShopEventStatus.READY_FOR_PICKUP),
        (22, CarrierPhase.IN_TRANSIT, ShopEventStatus.CARRIER_PICKED_UP),
        (92, CarrierPhase.OUT_FOR_DELIVERY, ShopEventStatus.OUT_FOR_DELIVERY),
        (11, CarrierPhase.DELIVERED, ShopEventStatus.DELIVERED),
        (80, CarrierPhase.EXCEPTION, ShopEventStatus.FAILURE),
        (1002, CarrierPhase.EXCEPTION, None),
        (1000, CarrierPhase.ANNOUNCED, None),
        (2000, CarrierPhase.CANCELLED, None),
        (1337, CarrierPhase.UNKNOWN, None),
    ],
)
def test_a_carrier_status_is_told_as_the_shop_status_that_says_it(status_id, phase, expected):
    assert shop_status(carrier_event("e", status_id, phase).event) is expected


def test_an_event_the_shop_has_no_status_for_is_passed_without_a_call():
    shop = RecordingEventShop()
    push = pushing({("shopify", "shop-s"): shop})
    ship(push)
    add(push, carrier_event("e1", 1000, CarrierPhase.ANNOUNCED))

    run = push_carrier_events(push)

    assert (shop.notices, telling(push, "e1"), run.changed) == ([], ShopTelling.PASSED, 1)


def test_an_event_of_an_order_whose_shop_takes_no_carrier_events_is_passed():
    shop = RecordingEventShop()
    push = pushing({("shopify", "shop-s"): shop})
    ship(push, WOO_ORDER)
    add(push, carrier_event("e1", 11, CarrierPhase.DELIVERED, key=WOO_ORDER))

    push_carrier_events(push)

    assert (shop.notices, telling(push, "e1")) == ([], ShopTelling.PASSED)


def test_a_lost_answer_is_told_again_next_run_and_the_shop_has_the_event_once():
    shop = RecordingEventShop()
    shop.lose_next_answer = True
    push = pushing({("shopify", "shop-s"): shop})
    ship(push)
    add(push, carrier_event("e1", 11, CarrierPhase.DELIVERED))

    lost = push_carrier_events(push)
    assert (telling(push, "e1"), lost.completed) == (ShopTelling.PENDING, False)
    push_carrier_events(push)

    assert (len(shop.notices), shop.created, telling(push, "e1")) == (2, 1, ShopTelling.TOLD)


def test_a_parcels_events_are_told_as_they_happened_and_a_late_older_one_is_passed():
    shop = RecordingEventShop()
    push = pushing({("shopify", "shop-s"): shop})
    ship(push)
    add(push, carrier_event("late", 92, CarrierPhase.OUT_FOR_DELIVERY, minutes=60))
    add(push, carrier_event("early", 3, CarrierPhase.IN_TRANSIT, minutes=0))
    push_carrier_events(push)
    add(push, carrier_event("older", 5, CarrierPhase.IN_TRANSIT, minutes=30))

    push_carrier_events(push)

    assert [notice.event.status_id for notice in shop.notices] == [3, 92]
    assert telling(push, "older") is ShopTelling.PASSED


def test_a_refused_event_keeps_the_shops_words_and_is_not_sent_again():
    shop = RecordingEventShop(refusal="Fulfillment does not exist.")
    push = pushing({("shopify", "shop-s"): shop})
    ship(push)
    add(push, carrier_event("e1", 80, CarrierPhase.EXCEPTION))

    run = push_carrier_events(push)
    push_carrier_events(push)

    events = push.events
    assert isinstance(events, MemoryEventsToTell)
    assert (events.rows["e1"].shop_telling, events.rows["e1"].shop_words) == (
        ShopTelling.REFUSED,
        "Fulfillment does not exist.",
    )
    assert (len(shop.notices), run.failed) == (1, 1)
    assert "Fulfillment does not exist." in run.problems[0]


def test_a_shop_that_is_down_waits_for_the_next_run():
    shop = RecordingEventShop()
    shop.down = True
    push = pushing({("shopify", "shop-s"): shop})
    ship(push)
    add(push, carrier_event("e1", 3, CarrierPhase.IN_TRANSIT), carrier_event("e2", 11, CarrierPhase.DELIVERED, 5))

    run = push_carrier_events(push)

    assert (run.completed, telling(push, "e1"), telling(push, "e2")) == (
        False,
        ShopTelling.PENDING,
        ShopTelling.PENDING,
    )
    assert "shopify shop shop-s could not be told (the shop answered 503): 1 carrier events wait" in run.problems[0]


def test_a_lost_answer_leaves_the_parcels_later_events_for_the_next_run_too():
    shop = RecordingEventShop()
    shop.lose_next_answer = True
    push = pushing({("shopify", "shop-s"): shop})
    ship(push)
    add(push, carrier_event("e1", 3, CarrierPhase.IN_TRANSIT), carrier_event("e2", 11, CarrierPhase.DELIVERED, 5))

    push_carrier_events(push)
    assert (len(shop.notices), telling(push, "e2")) == (1, ShopTelling.PENDING)
    push_carrier_events(push)

    assert [notice.event.status_id for notice in shop.notices] == [3, 3, 11]
    assert (telling(push, "e1"), telling(push, "e2"), shop.created) == (ShopTelling.TOLD, ShopTelling.TOLD, 2)


def test_a_shop_failing_three_times_in_a_row_is_told_nothing_more_this_run():
    shop = RecordingEventShop()
    shop.down = True
    push = pushing({("shopify", "shop-s"): shop})
    ship(push)
    add(push, *(carrier_event(f"e{n}", 3, CarrierPhase.IN_TRANSIT, parcel=f"p{n}") for n in range(4)))

    run = push_carrier_events(push)

    assert shop.attempts == 3
    assert "after 3 in a row it was told nothing more, 1 more wait" in run.problems[0]
