"""The shops are told of their orders' shipments: each shipment once, each later change the customer sees once more,
a refusal recorded and put before a person, a shop that is down waits for the next run while the others go on."""

from __future__ import annotations

from dataclasses import replace

from domain.models import OrderStatus, WebOrderKey
from domain.records import AttentionItem, OrderRecord
from domain.shipments.models import Shipment
from domain.shipments.ports import ShipmentNotice, ShopShipments
from domain.shipments.push_shipments import SHOP_REFUSAL, ShipmentPush, push_shipments
from domain.shipments.recorded import RecordedShipment, ShipmentChange, first_version
from domain.shipments.shop_failures import Shop
from tests.fakes import FixedClock, MemoryAttention, MemoryOrders, MemorySyncRuns
from tests.shipment_support import SHIPPING_LINE, MemoryShipments, bc_shipment, chairs_and_table
from tests.shop_shipment_support import RecordingShop

WOO_ORDER = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001")
SHOPIFY_ORDER = WebOrderKey(source="shopify", shop="shop-s", order_id="5001")
PORTAL_ORDER = WebOrderKey(source="portal", shop="b2b", order_id="P-7")
CHAIRS_AND_TABLE = ((10000, "CHAIR", "2"), (20000, "TABLE", "1"))


def bc_order(key: WebOrderKey) -> OrderRecord:
    """The web order in BC as S-ORD<id>: 2 chairs, 1 table and shipping costs."""
    document = chairs_and_table(key.order_id, more=(SHIPPING_LINE,))
    return OrderRecord(key=key, status=OrderStatus.IN_BC, web_number=key.order_id, bc=document)


def shipped(
    key: WebOrderKey,
    number: str = "S-SHPT1",
    *,
    lines: tuple[tuple[int, str, str], ...] = CHAIRS_AND_TABLE,
    tracking: str = "",
    minutes: int = 0,
) -> Shipment:
    return bc_shipment(
        number, f"S-ORD{key.order_id}", f"WEB{key.order_id}", lines=lines, tracking=tracking, minutes=minutes
    )


def pushing(shops: dict[Shop, ShopShipments], limit: int = 300) -> ShipmentPush:
    orders = MemoryOrders()
    for key in (WOO_ORDER, SHOPIFY_ORDER, PORTAL_ORDER):
        orders.create(bc_order(key))
    return ShipmentPush(
        shipments=MemoryShipments(),
        shops=shops,
        orders=orders,
        attention=MemoryAttention(),
        runs=MemorySyncRuns(),
        clock=FixedClock(),
        limit=limit,
    )


def record(push: ShipmentPush, key: WebOrderKey, shipment: Shipment) -> None:
    """As the shipment poll records it: version 1, or the next version of the one recorded."""
    found = push.shipments.get(key, shipment.number)
    now = push.clock.now()
    if found is None:
        push.shipments.write(first_version(key, shipment, now), None)
        return
    changed = found[0].updated(shipment, now)
    assert changed is not None
    push.shipments.write(changed, found[1])


def stored(push: ShipmentPush, key: WebOrderKey, number: str = "S-SHPT1") -> RecordedShipment:
    found = push.shipments.get(key, number)
    assert found is not None
    return found[0]


def test_a_new_shipment_is_told_to_its_shop_once():
    shop = RecordingShop()
    push = pushing({("woocommerce", "shop-a"): shop})
    record(push, WOO_ORDER, shipped(WOO_ORDER, tracking="3SKOP0001"))

    run = push_shipments(push)
    again = push_shipments(push)

    [notice] = shop.notices
    assert (notice.key, notice.shipment.number, notice.version) == (WOO_ORDER, "S-SHPT1", 1)
    assert notice.changes == {ShipmentChange.POSTED}
    assert (stored(push, WOO_ORDER).pushed_version, stored(push, WOO_ORDER).to_push) == (1, False)
    assert (run.name, run.read, run.pushed, run.failed, run.completed) == ("shop-shipments", 1, 1, 0, True)
    assert (again.read, again.pushed) == (0, 0)


def test_a_shipment_whose_answer_was_lost_is_told_again_next_run_and_the_shop_gets_it_once():
    shop = RecordingShop()
    shop.lose_next_answer = True
    push = pushing({("woocommerce", "shop-a"): shop})
    record(push, WOO_ORDER, shipped(WOO_ORDER))

    lost = push_shipments(push)
    assert stored(push, WOO_ORDER).pushed_version == 0
    push_shipments(push)
    push_shipments(push)

    assert shop.calls == 2
    assert shop.created == 1
    assert stored(push, WOO_ORDER).pushed_version == 1
    assert not lost.completed
    assert any("woocommerce shop shop-a could not be told" in problem for problem in lost.problems)


def test_a_shipment_never_sent_is_told_so_and_once_its_answer_was_lost_the_shop_is_told_it_may_have_it():
    shop = RecordingShop()
    shop.lose_next_answer = True
    push = pushing({("woocommerce", "shop-a"): shop})
    record(push, WOO_ORDER, shipped(WOO_ORDER))

    push_shipments(push)
    push_shipments(push)
    record(push, WOO_ORDER, shipped(WOO_ORDER, tracking="3SKOP0001", minutes=30))
    push_shipments(push)

    assert [notice.may_be_told for notice in shop.notices] == [False, True, False]
    assert (shop.created, stored(push, WOO_ORDER).tried_version) == (1, 2)


def test_a_shipment_recorded_before_its_sending_was_kept_may_have_been_told():
    shop = RecordingShop()
    push = pushing({("woocommerce", "shop-a"): shop})
    recorded = first_version(WOO_ORDER, shipped(WOO_ORDER), push.clock.now()).model_copy(update={"tried_version": None})
    push.shipments.write(recorded, None)

    push_shipments(push)

    assert [notice.may_be_told for notice in shop.notices] == [True]


def test_the_orders_due_are_given_to_their_shop_to_prepare_before_they_are_told():
    woo, shopify = RecordingShop(), RecordingShop()
    push = pushing({("woocommerce", "shop-a"): woo, ("shopify", "shop-s"): shopify})
    record(push, WOO_ORDER, shipped(WOO_ORDER))
    record(push, WOO_ORDER, shipped(WOO_ORDER, "S-SHPT2"))
    record(push, SHOPIFY_ORDER, shipped(SHOPIFY_ORDER))

    run = push_shipments(push)

    assert (woo.prepared, shopify.prepared) == ([[str(WOO_ORDER)]], [[str(SHOPIFY_ORDER)]])
    assert run.pushed == 3


def test_a_shop_that_cannot_prepare_is_told_all_the_same():
    shop = RecordingShop()
    shop.prepare_fails = True
    push = pushing({("woocommerce", "shop-a"): shop})
    record(push, WOO_ORDER, shipped(WOO_ORDER))

    run = push_shipments(push)

    assert (len(shop.prepared), shop.created, run.pushed, run.completed) == (1, 1, 1, True)


def test_a_tracking_number_added_after_posting_is_told_once_more_with_only_the_tracking_change():
    shop = RecordingShop()
    push = pushing({("shopify", "shop-s"): shop})
    record(push, SHOPIFY_ORDER, shipped(SHOPIFY_ORDER))
    push_shipments(push)
    record(push, SHOPIFY_ORDER, shipped(SHOPIFY_ORDER, tracking="3SKOP0001", minutes=30))

    push_shipments(push)
    push_shipments(push)

    first, later = shop.notices
    assert (first.changes, later.changes) == (frozenset({ShipmentChange.POSTED}), frozenset({ShipmentChange.TRACKING}))
    assert (later.version, later.shipment.tracking_number) == (2, "3SKOP0001")
    assert shop.created == 1
    assert stored(push, SHOPIFY_ORDER).pushed_version == 2


def test_a_refusal_is_recorded_with_the_shops_words_put_on_the_attention_list_and_not_sent_again():
    words = "Line item is already fulfilled"
    shop = RecordingShop(refusal=words)
    push = pushing({("shopify", "shop-s"): shop})
    record(push, SHOPIFY_ORDER, shipped(SHOPIFY_ORDER))

    run = push_shipments(push)
    push_shipments(push)

    assert len(shop.notices) == 1
    recorded = stored(push, SHOPIFY_ORDER)
    assert (recorded.refusal, recorded.refused_version, recorded.to_push) == (words, 1, False)
    [item] = push.attention.all()
    assert item.key == SHOPIFY_ORDER
    assert item.problem.startswith(SHOP_REFUSAL)
    assert words in item.problem
    assert (run.failed, run.pushed) == (1, 0)


def test_a_refusal_of_an_order_already_on_the_attention_list_is_added_to_its_entry():
    shop = RecordingShop(refusal="Fulfillment order is closed")
    push = pushing({("shopify", "shop-s"): shop})
    earlier = AttentionItem(
        key=SHOPIFY_ORDER,
        status=OrderStatus.IN_BC,
        problem="carrier exception: sendcloud parcel 9: Returned to sender",
        web_number="5001",
        since=push.clock.now().replace(hour=8),
    )
    push.attention.flag(earlier)
    record(push, SHOPIFY_ORDER, shipped(SHOPIFY_ORDER))

    push_shipments(push)

    [item] = push.attention.all()
    assert item.problem.startswith(earlier.problem)
    assert "Fulfillment order is closed" in item.problem
    assert item.since == earlier.since


def test_a_shop_that_is_down_waits_for_the_next_run_while_the_other_shops_are_told():
    shopify, woocommerce = RecordingShop(), RecordingShop()
    shopify.down = True
    push = pushing({("shopify", "shop-s"): shopify, ("woocommerce", "shop-a"): woocommerce})
    record(push, SHOPIFY_ORDER, shipped(SHOPIFY_ORDER, "S-SHPT1", lines=((10000, "CHAIR", "2"),)))
    record(push, WOO_ORDER, shipped(WOO_ORDER))
    record(push, SHOPIFY_ORDER, shipped(SHOPIFY_ORDER, "S-SHPT2", lines=((20000, "TABLE", "1"),)))

    down = push_shipments(push)

    assert shopify.calls == 2
    assert len(woocommerce.notices) == 1
    assert [each.pushed_version for each in push.shipments.for_order(SHOPIFY_ORDER)] == [0, 0]
    assert not down.completed
    assert "shopify shop shop-s could not be told (the shop answered 503): 2 shipments wait" in " ".join(down.problems)

    shopify.down = False
    back = push_shipments(push)

    assert len(shopify.notices) == 2
    assert (back.pushed, back.completed) == (2, True)


def test_a_shop_failing_three_times_in_a_row_is_told_nothing_more_this_run():
    shop = RecordingShop()
    shop.down = True
    push = pushing({("woocommerce", "shop-a"): shop})
    for number in ("S-SHPT1", "S-SHPT2", "S-SHPT3", "S-SHPT4", "S-SHPT5"):
        record(push, WOO_ORDER, shipped(WOO_ORDER, number))

    down = push_shipments(push)

    assert shop.calls == 3
    assert "after 3 in a row it was told nothing more, 2 more wait" in " ".join(down.problems)


def test_the_order_is_fully_shipped_only_with_the_shipment_that_ships_its_last_item():
    shop = RecordingShop()
    push = pushing({("woocommerce", "shop-a"): shop})
    record(push, WOO_ORDER, shipped(WOO_ORDER, "S-SHPT1", lines=((10000, "CHAIR", "2"), (20000, "TABLE", "0"))))
    push_shipments(push)
    record(push, WOO_ORDER, shipped(WOO_ORDER, "S-SHPT2", lines=((10000, "CHAIR", "0"), (20000, "TABLE", "1"))))

    push_shipments(push)

    assert [(each.shipment.number, each.order_fully_shipped) for each in shop.notices] == [
        ("S-SHPT1", False),
        ("S-SHPT2", True),
    ]


def test_an_untracked_shipment_after_one_of_the_same_items_tells_the_shop_one_was_told_alike():
    shop = RecordingShop()
    push = pushing({("woocommerce", "shop-a"): shop})
    one_chair = ((10000, "CHAIR", "1"), (20000, "TABLE", "0"))
    record(push, WOO_ORDER, shipped(WOO_ORDER, "S-SHPT1", lines=one_chair))
    push_shipments(push)
    record(push, WOO_ORDER, shipped(WOO_ORDER, "S-SHPT2", lines=one_chair))
    record(push, WOO_ORDER, shipped(WOO_ORDER, "S-SHPT3", lines=one_chair, tracking="3SKOP9"))

    push_shipments(push)

    assert [(each.shipment.number, each.told_alike) for each in shop.notices] == [
        ("S-SHPT1", 0),
        ("S-SHPT2", 1),
        ("S-SHPT3", 0),
    ]


def test_a_portal_orders_shipment_has_no_shop_to_tell_and_is_not_tried_again():
    push = pushing({})
    record(push, PORTAL_ORDER, shipped(PORTAL_ORDER))

    run = push_shipments(push)
    again = push_shipments(push)

    assert stored(push, PORTAL_ORDER).pushed_version == 1
    assert (run.changed, run.pushed, run.problems) == (1, 0, ())
    assert again.read == 0


def test_a_shop_koppel_cannot_reach_is_named_once_in_the_runs_problems():
    push = pushing({})
    record(push, WOO_ORDER, shipped(WOO_ORDER, "S-SHPT1"))
    record(push, WOO_ORDER, shipped(WOO_ORDER, "S-SHPT2"))

    run = push_shipments(push)

    assert run.changed == 2
    assert run.problems == ("woocommerce shop shop-a: Koppel has no API access to tell it of shipments",)


def test_a_run_tells_at_most_its_limit_and_the_next_run_the_rest():
    shop = RecordingShop()
    push = pushing({("woocommerce", "shop-a"): shop}, limit=2)
    for number in ("S-SHPT1", "S-SHPT2", "S-SHPT3"):
        record(push, WOO_ORDER, shipped(WOO_ORDER, number))

    first = push_shipments(push)
    second = push_shipments(push)

    assert (first.pushed, first.completed) == (2, False)
    assert (second.pushed, second.completed) == (1, True)
    assert shop.created == 3


def test_a_shipment_recorded_anew_while_its_shop_was_told_is_told_again_with_what_it_has_not_taken():
    push = pushing({})

    class TrackedMeanwhile(RecordingShop):
        def tell(self, notice: ShipmentNotice) -> str:
            answer = super().tell(notice)
            if notice.version == 1:
                record(push, WOO_ORDER, shipped(WOO_ORDER, tracking="3SKOP0001", minutes=30))
            return answer

    shop = TrackedMeanwhile()
    push = replace(push, shops={("woocommerce", "shop-a"): shop})
    record(push, WOO_ORDER, shipped(WOO_ORDER))

    run = push_shipments(push)
    push_shipments(push)

    assert [notice.changes for notice in shop.notices] == [
        {ShipmentChange.POSTED},
        {ShipmentChange.POSTED, ShipmentChange.TRACKING},
    ]
    assert shop.created == 1
    assert stored(push, WOO_ORDER).pushed_version == 2
    assert any("told again next run" in problem for problem in run.problems)
