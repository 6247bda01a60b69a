import json
from datetime import datetime, timedelta
from decimal import Decimal

from domain.errors import RetryableError
from domain.intake.ingest_webhook import Delivery, receive_woocommerce
from domain.orders.recover_orders import JOB, OVERLAP, OrderRecovery, recover_missed_orders
from domain.orders.sync_order import sync_order
from tests.fakes import MemorySyncState, memory_intake, memory_sync
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery

SHOP = ("woocommerce", "shop-a")


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
    return json.dumps(order_payload(ShopOrder(order_id, ShopCustomer("A", "B", "a@example.nl"), (line,)))).encode()


def _setup():
    intake, *_ = memory_intake()
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
