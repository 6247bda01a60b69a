import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.errors import RetryableError, StorageUnavailable
from domain.intake.ingest_webhook import Delivery, receive_woocommerce
from domain.models import OrderStatus
from domain.orders.recover_orders import JOB, OVERLAP, QUEUE_GRACE, OrderRecovery, recover_missed_orders
from domain.orders.sync_order import sync_order
from domain.records import StreamMessage
from tests.fakes import FixedClock, MemorySyncState, memory_intake, memory_sync
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery

SHOP = ("woocommerce", "shop-a")
MODIFIED = datetime(2026, 11, 29, 11, 59, 50, tzinfo=UTC)
"""When the test orders were placed (and last modified): ten seconds before the recovery's clock starts."""


class Feed:
    """A shop's order list; remembers what it was asked."""

    def __init__(self, *bodies: bytes) -> None:
        self.bodies = list(bodies)
        self.asked: list[datetime] = []

    def modified_since(self, since: datetime) -> list[bytes]:
        self.asked.append(since)
        return self.bodies


def _body(order_id: int) -> bytes:
    line = ShopLine("KOF-1001", "Koffie", 1, Decimal(10))
    order = ShopOrder(order_id, ShopCustomer("A", "B", "a@example.nl"), (line,), created=MODIFIED)
    return json.dumps(order_payload(order)).encode()


def _setup():
    clock = FixedClock()
    clock.moment = MODIFIED + timedelta(seconds=10)
    intake = replace(memory_intake()[0], clock=clock)
    sync = memory_sync(intake)
    recovery = OrderRecovery(
        intake=intake, orders=sync.orders, state=MemorySyncState(), first_lookback=timedelta(days=1)
    )
    return intake, sync, recovery


def test_an_order_koppel_never_heard_of_is_taken_in_and_queued():
    intake, _, recovery = _setup()
    [report] = recover_missed_orders(recovery, {SHOP: Feed(_body(1), b"{not json")})
    assert report.recovered == ["1"]
    assert report.seen == 2
    assert report.unreadable == 1
    assert [m.stream.subject for m in intake.queue.messages] == ["1"]


def test_an_order_whose_webhook_came_in_is_left_alone_queued_or_imported():
    intake, sync, recovery = _setup()
    body = _body(2)
    webhook_body, headers = signed_delivery(json.loads(body), "s")
    receive_woocommerce(intake, Delivery("shop-a", "s", headers, webhook_body), 1 << 20)
    assert recover_missed_orders(recovery, {SHOP: Feed(body)})[0].recovered == []
    sync_order(sync, intake.queue.messages[0], "m1")
    assert recover_missed_orders(recovery, {SHOP: Feed(body)})[0].recovered == []


def test_the_watermark_is_the_start_of_the_previous_run_read_with_some_overlap():
    intake, _, recovery = _setup()
    feed = Feed()
    recover_missed_orders(recovery, {SHOP: feed})
    first_start = intake.clock.now()
    assert feed.asked == [first_start - recovery.first_lookback]
    assert recovery.state.get(JOB, "woocommerce:shop-a") == first_start.isoformat()
    intake.clock.moment += timedelta(minutes=5)
    recover_missed_orders(recovery, {SHOP: feed})
    assert feed.asked[1] == first_start - OVERLAP


def test_a_shop_that_cannot_be_read_does_not_stop_the_others():
    class Down(Feed):
        def modified_since(self, since):
            raise RetryableError("WooCommerce answered 401 to the order list")

    _, _, recovery = _setup()
    reports = recover_missed_orders(recovery, {("woocommerce", "down"): Down(), SHOP: Feed(_body(3))})
    assert reports[0].error == "WooCommerce answered 401 to the order list"
    assert recovery.state.get(JOB, "woocommerce:down") is None
    assert reports[1].recovered == ["3"]


class QueueDown:
    """The queue gone between the event's store and its enqueue (Azurite restarted, or the host killed)."""

    def send(self, message: StreamMessage, delay: timedelta | None = None) -> None:
        raise StorageUnavailable("storage unreachable: ServiceRequestError")


def test_a_webhook_stored_but_never_queued_is_taken_in_once_its_version_is_past_the_grace():
    intake, sync, recovery = _setup()
    body = _body(4)
    webhook_body, headers = signed_delivery(json.loads(body), "s")
    with pytest.raises(StorageUnavailable):
        receive_woocommerce(replace(intake, queue=QueueDown()), Delivery("shop-a", "s", headers, webhook_body), 1 << 20)
    assert intake.queue.messages == []
    assert recover_missed_orders(recovery, {SHOP: Feed(body)})[0].recovered == [], "within the grace: on its way"

    intake.clock.moment = MODIFIED + QUEUE_GRACE
    assert recover_missed_orders(recovery, {SHOP: Feed(body)})[0].recovered == ["4"]
    assert [m.stream.subject for m in intake.queue.messages] == ["4"]
    assert sync_order(sync, intake.queue.messages[0], "m1").status is OrderStatus.IN_BC
    assert recover_missed_orders(recovery, {SHOP: Feed(body)})[0].recovered == []


def test_a_webhook_queued_but_not_yet_taken_past_the_grace_is_queued_once_more_and_imported_once():
    intake, sync, recovery = _setup()
    body = _body(5)
    webhook_body, headers = signed_delivery(json.loads(body), "s")
    receive_woocommerce(intake, Delivery("shop-a", "s", headers, webhook_body), 1 << 20)
    intake.clock.moment = MODIFIED + QUEUE_GRACE
    assert recover_missed_orders(recovery, {SHOP: Feed(body)})[0].recovered == ["5"]
    first, second = intake.queue.messages
    sync_order(sync, first, "m1")
    sync_order(sync, second, "m2")
    assert len(sync.bc.orders) == 1
