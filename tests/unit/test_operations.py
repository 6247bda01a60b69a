from datetime import timedelta
from decimal import Decimal

from domain.intake.ingest_webhook import Delivery, receive_woocommerce
from domain.models import OrderStatus, WebOrderKey
from domain.orders.operations import Replayed, ReplayRefused, orders_needing_attention, replay_order
from domain.orders.sync_order import sync_order
from domain.records import EventStatus
from tests.fakes import FakeBusinessCentral, memory_intake, memory_sync
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery

SECRET = "s"


def _parked_order(intake, sync, sku="NOPE-1"):
    order = ShopOrder(
        7001, ShopCustomer("Anna", "de Vries", "anna@example.nl", customer_id=3), (ShopLine(sku, "X", 1, Decimal(5)),)
    )
    body, headers = signed_delivery(order_payload(order), SECRET)
    receive_woocommerce(intake, Delivery("shop-a", SECRET, headers, body), 1 << 20)
    message = _last_message(intake)
    return message, sync_order(sync, message, "m1")


def _last_message(intake):
    return intake.queue.messages[-1]


def test_a_parked_order_is_listed_with_its_reason_and_age():
    intake, *_ = memory_intake()
    sync = memory_sync(intake)
    message, record = _parked_order(intake, sync)
    assert record.status is OrderStatus.NEEDS_ATTENTION

    listed = orders_needing_attention(sync.attention, intake.clock.now() + timedelta(minutes=5))

    assert [entry.key for entry in listed] == [str(message.stream)]
    assert listed[0].problem.startswith("Unknown SKU 'NOPE-1'")
    assert listed[0].age_seconds == 300


def test_replay_after_the_fix_imports_the_order_and_clears_the_list():
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    sync = memory_sync(intake, bc)
    message, _ = _parked_order(intake, sync)
    bc.skus["NOPE-1"] = bc.skus["KOF-1001"]

    outcome = replay_order(sync.orders, sync.events, sync.queue, WebOrderKey.of_stream(message.stream))

    assert outcome == Replayed(message.event_id)
    event = intake.events.get(message.stream, message.event_id)
    assert event is not None
    assert event.status is EventStatus.RECEIVED
    record = sync_order(sync, _last_message(intake), "m2")
    assert record.status is OrderStatus.IN_BC
    assert orders_needing_attention(sync.attention, intake.clock.now()) == []


def test_replay_is_refused_for_an_order_in_bc_and_unknown_for_a_stranger():
    intake, *_ = memory_intake()
    sync = memory_sync(intake)
    message, _ = _parked_order(intake, sync, sku="KOF-1001")
    order = WebOrderKey.of_stream(message.stream)
    refused = replay_order(sync.orders, sync.events, sync.queue, order)
    assert isinstance(refused, ReplayRefused)
    assert "in BC already as S-ORD101001" in refused.reason
    stranger = order.model_copy(update={"order_id": "404"})
    assert replay_order(sync.orders, sync.events, sync.queue, stranger) is None
