"""BC's posted shipments are recorded on their web orders once, and again as a new version when BC changes what the
customer sees; shipments of BC's other orders are passed by, and those Koppel cannot place are listed for a person."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain.errors import BusinessCentralRejected
from domain.models import OrderStatus, WebOrderKey
from domain.orders.dossier import order_dossier
from domain.records import OrderRecord
from domain.shipments.models import Shipment
from domain.shipments.recorded import ShipmentChange
from domain.shipments.track_shipments import JOB, SCOPE, ShipmentTracking, track_shipments
from tests.fakes import FixedClock, MemoryEvents, MemoryOrders, MemorySyncRuns, MemorySyncState, order_in_bc
from tests.shipment_support import POSTED_AT, MemoryPostedShipments, MemoryShipments, bc_shipment

ORDER = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001")


def shipped(
    number: str = "S-SHPT1",
    *,
    minutes: int = 0,
    tracking: str = "",
    agent: str = "",
    lines: tuple[tuple[int, str, str], ...] = ((10000, "1000", "2"),),
) -> Shipment:
    """A shipment of ORDER's BC order S-ORD1001 (order_in_bc)."""
    return bc_shipment(number, "S-ORD1001", "WEB1001", minutes=minutes, tracking=tracking, agent=agent, lines=lines)


def tracking(*posted: Shipment) -> ShipmentTracking:
    orders = MemoryOrders()
    order_in_bc(orders, ORDER, "WEB1001")
    return ShipmentTracking(
        posted=MemoryPostedShipments(*posted),
        orders=orders,
        shipments=MemoryShipments(),
        state=MemorySyncState(),
        runs=MemorySyncRuns(),
        clock=FixedClock(),
    )


def bc(track: ShipmentTracking) -> MemoryPostedShipments:
    assert isinstance(track.posted, MemoryPostedShipments)
    return track.posted


def store(track: ShipmentTracking) -> MemoryShipments:
    assert isinstance(track.shipments, MemoryShipments)
    return track.shipments


def test_a_new_shipment_is_recorded_once_on_its_web_order_as_version_one_to_push():
    track = tracking(shipped(tracking="3SKOP0001", agent="POSTNL"))

    run = track_shipments(track)
    again = track_shipments(track)

    [recorded] = track.shipments.for_order(ORDER)
    assert (recorded.shipment.number, recorded.version, recorded.to_push) == ("S-SHPT1", 1, True)
    assert recorded.changes_to_push() == {ShipmentChange.POSTED}
    assert recorded.shipment.shipped() == {"1000": Decimal(2)}
    assert (run.read, run.changed, run.pushed, run.failed) == (1, 1, 0, 0)
    assert (again.read, again.changed, again.pushed) == (1, 0, 0)
    assert store(track).writes == 1


def test_a_tracking_number_added_after_posting_is_recorded_as_a_new_version_with_what_changed():
    track = tracking(shipped())
    track_shipments(track)
    found = track.shipments.get(ORDER, "S-SHPT1")
    assert found is not None
    track.shipments.write(found[0].pushed(1), found[1])
    bc(track).shipments = [shipped(minutes=30, tracking="3SKOP0001", agent="POSTNL")]

    run = track_shipments(track)

    [recorded] = track.shipments.for_order(ORDER)
    assert (recorded.version, recorded.pushed_version, recorded.shipment.tracking_number) == (2, 1, "3SKOP0001")
    assert recorded.changes_to_push() == {ShipmentChange.TRACKING}
    assert [revision.changes for revision in recorded.history] == [
        (ShipmentChange.POSTED,),
        (ShipmentChange.TRACKING,),
    ]
    assert (run.changed, run.pushed) == (0, 1)


def test_an_older_state_of_a_shipment_never_replaces_the_newer_one_recorded():
    track = tracking(shipped(minutes=30, tracking="3SKOP0001"))
    track_shipments(track)
    bc(track).shipments = [shipped(minutes=10)]
    track.state.put(JOB, SCOPE, POSTED_AT.isoformat())

    track_shipments(track)

    [recorded] = track.shipments.for_order(ORDER)
    assert (recorded.version, recorded.shipment.tracking_number) == (1, "3SKOP0001")


def test_an_order_shipped_in_two_parts_has_two_shipments_each_with_its_own_lines():
    first = shipped("S-SHPT1", lines=((10000, "1000", "2"), (20000, "2000", "0")))
    second = shipped("S-SHPT2", minutes=60, lines=((10000, "1000", "0"), (20000, "2000", "1")))
    track = tracking(first, second)

    run = track_shipments(track)

    recorded = track.shipments.for_order(ORDER)
    assert [(each.shipment.number, each.shipment.shipped()) for each in recorded] == [
        ("S-SHPT1", {"1000": Decimal(2)}),
        ("S-SHPT2", {"2000": Decimal(1)}),
    ]
    assert run.changed == 2


def test_an_undone_shipment_line_is_recorded_as_a_change_of_lines():
    track = tracking(shipped())
    track_shipments(track)
    bc(track).shipments = [shipped(minutes=5, lines=((10000, "1000", "2"), (15000, "1000", "-2")))]

    track_shipments(track)

    [recorded] = track.shipments.for_order(ORDER)
    assert recorded.version == 2
    assert recorded.changes_to_push() == {ShipmentChange.POSTED, ShipmentChange.LINES}


def test_a_shipment_of_a_bc_order_koppel_did_not_make_is_passed_by():
    track = tracking(bc_shipment("S-SHPT9", "S-ORD77", "PO-4711"), bc_shipment("S-SHPT8", "S-ORD78", ""))

    run = track_shipments(track)

    assert (run.read, run.changed, run.failed) == (2, 0, 0)
    assert store(track).listed == {}
    assert store(track).rows == {}


def test_a_shipment_carrying_a_web_orders_number_of_another_bc_order_is_listed_for_a_person_once():
    track = tracking(bc_shipment("S-SHPT9", "S-ORD999", "WEB1001"))

    run = track_shipments(track)
    again = track_shipments(track)

    assert list(store(track).listed) == ["S-SHPT9"]
    assert "S-ORD1001" in store(track).listed["S-SHPT9"].reason
    assert (run.failed, run.problems) == (1, ("shipment S-SHPT9 of BC order S-ORD999 (WEB1001) listed for a person",))
    assert (again.read, again.failed, again.problems) == (1, 0, ())
    assert track.shipments.for_order(ORDER) == []


def test_a_listed_shipment_is_recorded_once_its_web_order_has_its_bc_order():
    """A web order whose create answer was lost holds its number but has no BC order until recovery links it."""
    parked = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1002")
    track = tracking(bc_shipment("S-SHPT5", "S-ORD1002", "WEB1002"))
    track.orders.create(OrderRecord(key=parked, status=OrderStatus.NEEDS_ATTENTION))
    track.orders.claim_document("WEB1002", parked)
    track_shipments(track)
    assert list(store(track).listed) == ["S-SHPT5"]
    order_in_bc_later(track, parked)

    run = track_shipments(track)

    assert [each.shipment.number for each in track.shipments.for_order(parked)] == ["S-SHPT5"]
    assert store(track).listed == {}
    assert run.changed == 1


def order_in_bc_later(track: ShipmentTracking, key: WebOrderKey) -> None:
    scratch = MemoryOrders()
    order_in_bc(scratch, key, "WEB1002")
    made = scratch.get(key)
    found = track.orders.get(key)
    assert made is not None
    assert found is not None
    track.orders.replace(made[0], found[1])


def test_the_first_poll_looks_back_a_week_and_the_next_from_the_last_shipment_recorded_less_a_margin():
    track = tracking(shipped(minutes=20))
    first_at = track.clock.now()

    track_shipments(track)
    track_shipments(track)

    stamp = POSTED_AT + timedelta(minutes=20)
    assert bc(track).asked == [first_at - timedelta(days=7), stamp - timedelta(minutes=5)]
    assert track.state.get(JOB, SCOPE) == stamp.isoformat()


def test_a_run_that_stops_moves_the_watermark_only_past_the_shipments_it_recorded():
    track = tracking(shipped("S-SHPT1", minutes=1), shipped("S-SHPT2", minutes=2), shipped("S-SHPT3", minutes=3))
    bc(track).fail_after = 2

    run = track_shipments(track)

    assert run.completed is False
    assert run.problems == ("stopped, the next run goes on: BC answered 503",)
    assert track.state.get(JOB, SCOPE) == (POSTED_AT + timedelta(minutes=2)).isoformat()
    assert [each.shipment.number for each in track.shipments.for_order(ORDER)] == ["S-SHPT1", "S-SHPT2"]


def test_the_watermark_stays_when_bc_has_nothing_new():
    track = tracking()
    track.state.put(JOB, SCOPE, POSTED_AT.isoformat())

    track_shipments(track)

    assert track.state.get(JOB, SCOPE) == POSTED_AT.isoformat()


def test_every_run_is_recorded_under_its_name():
    track = tracking(shipped())

    run = track_shipments(track)

    assert track.runs.latest("bc-shipments", 1) == [run]
    assert run.counts == {"shipments read": 1, "new shipments": 1, "shipment changes": 0, "listed for a person": 0}


def test_the_dossier_shows_the_orders_shipments_with_their_versions():
    track = tracking(shipped())
    track_shipments(track)
    bc(track).shipments = [shipped(minutes=30, tracking="3SKOP0001")]
    track_shipments(track)

    dossier = order_dossier(track.orders, MemoryEvents(), ORDER, shipments=track.shipments)

    assert dossier is not None
    [shown] = dossier.shipments
    assert [(revision.version, revision.tracking_number) for revision in shown.history] == [(1, ""), (2, "3SKOP0001")]


def test_a_read_bc_refuses_stops_the_run_and_says_why():
    track = tracking(shipped())
    bc(track).refusal = BusinessCentralRejected(400, "BadRequest", "Data required by the API was not set up.")

    run = track_shipments(track)

    assert run.completed is False
    assert run.problems == (
        "BC refused the read, the next run tries again: 400 BadRequest: Data required by the API was not set up.",
    )
    assert track.state.get(JOB, SCOPE) is None
