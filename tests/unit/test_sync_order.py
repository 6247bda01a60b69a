from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.errors import AmbiguousWriteError, BusinessCentralRejected, ConcurrencyConflict, RetryableError
from domain.models import BcSalesOrder, OrderStatus
from domain.records import EventStatus, OrderMessage, OrderRecord
from domain.services.ingest_webhook import Accepted, Delivery, receive_woocommerce
from domain.services.sync_order import give_up, sync_order
from localdev.shop.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery
from tests.fakes import FakeBusinessCentral, MemoryOrders, memory_intake, memory_sync

SECRET = "s"
ANNA = ShopCustomer("Anna", "de Vries", "anna@example.nl", customer_id=12)


def _event_status(intake, message: OrderMessage) -> EventStatus:
    event = intake.events.get(message.order_key, message.event_id)
    assert event is not None
    return event.status


def _receive(intake, order: ShopOrder) -> OrderMessage:
    body, headers = signed_delivery(order_payload(order), SECRET)
    delivery = Delivery("shop-a", SECRET, headers, body)
    accepted = receive_woocommerce(intake, delivery, 1 << 20)
    assert isinstance(accepted, Accepted)
    return _last_message(intake)


def _last_message(intake) -> OrderMessage:
    return intake.queue.messages[-1]


def _last_delay(intake) -> timedelta:
    return intake.queue.delays[-1]


def _advance(intake, by: timedelta) -> None:
    intake.clock.moment += by


def _order(order_id=1001, customer=ANNA, sku="KOF-1001", **changes) -> ShopOrder:
    return ShopOrder(order_id, customer, (ShopLine(sku, "Koffiebonen", 2, Decimal("12.50")),), **changes)


def test_an_order_becomes_one_bc_sales_order():
    intake, *_ = memory_intake()
    sync = memory_sync(intake)
    message = _receive(intake, _order())

    record = sync_order(sync, message, worker="m1")

    assert record.status is OrderStatus.IN_BC
    assert record.bc is not None
    assert record.bc.number == "S-ORD101001"
    assert record.bc_customer_number == "C10000"
    assert record.totals_agree is True
    assert record.claim_owner == ""
    assert _event_status(intake, message) is EventStatus.PROCESSED


def test_a_message_without_its_body_is_read_from_the_event_log():
    intake, *_ = memory_intake()
    message = _receive(intake, _order())
    assert message.body is not None

    record = sync_order(memory_sync(intake), message.model_copy(update={"body": None}), worker="m1")

    assert record.status is OrderStatus.IN_BC
    assert record.web_number == "1001"


def test_a_copy_that_said_waiting_after_the_import_leaves_the_event_processed():
    """Copy m2 deferred while m1 imported, and its "waiting" note landed after m1 marked the event processed."""
    intake, *_ = memory_intake()
    sync = memory_sync(intake)
    message = _receive(intake, _order())
    record = sync_order(sync, message, worker="m1")
    intake.events.mark(message.order_key, message.event_id, EventStatus.RECEIVED, "waiting: another worker")

    sync_order(sync, message, worker="m2")

    assert record.bc is not None
    event = intake.events.get(message.order_key, message.event_id)
    assert event is not None
    assert (event.status, event.note) == (EventStatus.PROCESSED, f"in BC as {record.bc.number}")


def test_a_processed_copy_keeps_its_note():
    intake, *_ = memory_intake()
    sync = memory_sync(intake)
    message = _receive(intake, _order())
    sync_order(sync, message, worker="m1")
    noted = intake.events.get(message.order_key, message.event_id)

    sync_order(sync, message, worker="m2")

    assert intake.events.get(message.order_key, message.event_id) == noted


def test_the_same_message_twice_creates_one_order():
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    sync = memory_sync(intake, bc)
    message = _receive(intake, _order())
    sync_order(sync, message, worker="m1")
    sync_order(sync, message, worker="m2")
    assert len(bc.payloads) == 1


def test_a_redelivered_copy_leaves_the_importing_event_processed():
    intake, *_ = memory_intake()
    sync = memory_sync(intake)
    message = _receive(intake, _order())
    sync_order(sync, message, worker="m1")
    sync_order(sync, message, worker="m2")
    assert _event_status(intake, message) is EventStatus.PROCESSED


def test_a_bc_refusal_parks_the_order_with_bcs_words():
    class Refuses(FakeBusinessCentral):
        def find_sales_orders(self, external_document_number):
            raise BusinessCentralRejected(400, "BadRequest", "The filter is not valid")

    intake, *_ = memory_intake()
    record = sync_order(memory_sync(intake, Refuses()), _receive(intake, _order()), worker="m1")
    assert record.status is OrderStatus.NEEDS_ATTENTION
    assert record.problem == "BC refused: The filter is not valid"


def test_an_unexpected_error_is_kept_on_the_record_and_raised_for_retry():
    class Broken(FakeBusinessCentral):
        def resolve_skus(self, skus):
            raise KeyError("number")

    intake, *_ = memory_intake()
    sync = memory_sync(intake, Broken())
    message = _receive(intake, _order())
    with pytest.raises(KeyError):
        sync_order(sync, message, worker="m1")
    found = sync.orders.get(message.order_key)
    assert found is not None
    assert found[0].problem == "Retrying after: 'number'"
    assert found[0].last_error == "'number'"
    assert found[0].claim_owner == ""


def test_an_order_already_in_bc_is_found_not_created_again():
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    first = memory_sync(intake, bc)
    message = _receive(intake, _order())
    sync_order(first, message, worker="m1")
    fresh_records = memory_sync(intake, bc)

    record = sync_order(fresh_records, message, worker="m2")

    assert len(bc.payloads) == 1
    assert record.bc is not None


def test_a_lost_response_is_looked_up_instead_of_sent_twice():
    class LosesReply(FakeBusinessCentral):
        def create_sales_order(self, payload):
            super().create_sales_order(payload)
            raise AmbiguousWriteError("connection dropped")

    intake, *_ = memory_intake()
    bc = LosesReply()
    record = sync_order(memory_sync(intake, bc), _receive(intake, _order()), worker="m1")
    assert record.status is OrderStatus.IN_BC
    assert len(bc.payloads) == 1


def test_an_unknown_sku_parks_the_order_and_creates_nothing():
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    message = _receive(intake, _order(sku="NOPE-42"))
    record = sync_order(memory_sync(intake, bc), message, worker="m1")
    assert record.status is OrderStatus.NEEDS_ATTENTION
    assert "Unknown SKU 'NOPE-42'" in record.problem
    assert not bc.payloads
    assert _event_status(intake, message) is EventStatus.PARKED


@pytest.mark.parametrize(
    ("customer", "sku", "problem"),
    [
        (
            ShopCustomer("B", "Locked", "blocked@example.nl", customer_id=5),
            "KOF-1001",
            "Customer C10001 is blocked (All)",
        ),
        (ANNA, "OLD-0001", "Item OLD-0001 (SKU 'OLD-0001', line 1) is blocked"),
    ],
)
def test_blocked_customer_or_item_parks_the_order(customer, sku, problem):
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    record = sync_order(memory_sync(intake, bc), _receive(intake, _order(customer=customer, sku=sku)), worker="m1")
    assert record.status is OrderStatus.NEEDS_ATTENTION
    assert problem in record.problem
    assert not bc.payloads


def test_a_new_guest_becomes_a_bc_customer_once():
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    sync = memory_sync(intake, bc)
    guest = ShopCustomer("Piet", "Bakker", "piet@example.nl")
    sync_order(sync, _receive(intake, _order(1, guest)), worker="m1")
    sync_order(sync, _receive(intake, _order(2, guest)), worker="m2")
    assert len(bc.created_customers) == 1
    assert bc.payloads[0]["customerId"] == bc.payloads[1]["customerId"]


def test_a_variant_sku_is_sent_with_its_variant():
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    sync_order(memory_sync(intake, bc), _receive(intake, _order(sku="TEX-2001-M")), worker="m1")
    assert bc.payloads[0]["salesOrderLines"][0]["itemVariantId"] == "v-1"


def test_an_unpaid_order_waits_and_is_imported_once_processing():
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    sync = memory_sync(intake, bc)
    waiting = sync_order(sync, _receive(intake, _order(status="pending")), worker="m1")
    assert waiting.status is OrderStatus.NOT_IMPORTED
    assert not bc.payloads

    paid = _order()
    later = order_payload(paid, modified=paid.created + timedelta(minutes=5))
    body, headers = signed_delivery(later, SECRET, topic="order.updated")
    receive_woocommerce(intake, Delivery("shop-a", SECRET, headers, body), 1 << 20)
    imported = sync_order(sync, _last_message(intake), worker="m2")
    assert imported.status is OrderStatus.IN_BC


def test_a_record_claimed_by_another_worker_is_looked_at_again_later():
    intake, *_ = memory_intake()
    sync = memory_sync(intake)
    message = _receive(intake, _order())
    sync.orders.create(
        OrderRecord(
            key=message.order_key, claim_owner="other", claim_expires_at=intake.clock.now() + sync.policy.claim_lease
        )
    )
    waiting = sync_order(sync, message, worker="m1")

    assert waiting.claim_owner == "other"
    assert _last_message(intake) == message
    assert _last_delay(intake) == sync.policy.recheck_after
    assert _event_status(intake, message) is EventStatus.RECEIVED


def test_giving_up_marks_the_order_failed_with_the_last_error():
    class Unavailable(FakeBusinessCentral):
        def find_sales_orders(self, external_document_number):
            raise RetryableError("BC did not accept GET after 6 attempts")

    intake, *_ = memory_intake()
    sync = memory_sync(intake, Unavailable())
    message = _receive(intake, _order())
    for _ in range(2):
        with pytest.raises(RetryableError):
            sync_order(sync, message, worker="m1")

    give_up(sync, message)

    found = sync.orders.get(message.order_key)
    assert found is not None
    record, _ = found
    assert record.status is OrderStatus.FAILED
    assert "Gave up after 2 attempts" in record.problem
    assert record.problem.endswith("last error: BC did not accept GET after 6 attempts")
    assert _event_status(intake, message) is EventStatus.FAILED


def test_an_unknown_sku_creates_no_customer_either():
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    sync_order(
        memory_sync(intake, bc),
        _receive(intake, _order(customer=ShopCustomer("N", "Ew", "new@example.nl"), sku="X")),
        "m1",
    )
    assert not bc.created_customers
    assert not bc.payloads


def test_guests_without_e_mail_are_never_taken_for_one_another():
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    sync = memory_sync(intake, bc)
    sync_order(sync, _receive(intake, _order(1, ShopCustomer("Bob", "A", ""))), "m1")
    sync_order(sync, _receive(intake, _order(2, ShopCustomer("Eva", "B", ""))), "m2")
    assert len(bc.created_customers) == 2
    assert bc.payloads[0]["customerId"] != bc.payloads[1]["customerId"]


def test_an_unanswered_create_is_never_sent_again_while_it_may_still_land():
    class SlowToShow(FakeBusinessCentral):
        """Takes the first create but shows it only later; answers none."""

        def __init__(self):
            super().__init__()
            self.hidden: dict[str, BcSalesOrder] = {}

        def create_sales_order(self, payload):
            created = super().create_sales_order(payload)
            self.hidden[created.external_document_number] = self.orders.pop(created.external_document_number)
            raise AmbiguousWriteError("read timeout")

    intake, *_ = memory_intake()
    bc = SlowToShow()
    sync = memory_sync(intake, bc)
    message = _receive(intake, _order())

    waiting = sync_order(sync, message, worker="m1")
    assert waiting.claim_owner == "m1"
    deferred = _last_message(intake)
    assert sync_order(sync, deferred, worker="m2").claim_owner == "m1"
    assert len(bc.payloads) == 1

    bc.orders.update(bc.hidden)
    _advance(intake, sync.policy.claim_lease)
    record = sync_order(sync, _last_message(intake), worker="m3")

    assert record.status is OrderStatus.IN_BC
    assert len(bc.payloads) == 1


def test_a_bc_order_with_the_same_number_but_another_total_is_not_adopted():
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    sync_order(memory_sync(intake, bc), _receive(intake, _order(1001)), "m1")
    other_shop = ShopOrder(1001, ANNA, (ShopLine("TEX-2001-M", "Shirt", 1, Decimal("30.00")),))

    record = sync_order(memory_sync(intake, bc), _receive(intake, other_shop), "m2")

    assert record.status is OrderStatus.NEEDS_ATTENTION
    assert "give this shop a document prefix" in record.problem
    assert len(bc.payloads) == 1


def test_a_shop_prefix_keeps_order_numbers_of_shops_apart():
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    sync = memory_sync(intake, bc)
    sync = replace(sync, policy=replace(sync.policy, document_prefixes={"woocommerce:shop-a": "wa-"}))
    sync_order(sync, _receive(intake, _order(1001)), "m1")
    assert bc.payloads[0]["externalDocumentNumber"] == "WA-1001"


def test_vat_that_differs_from_bc_is_flagged_even_when_the_totals_agree():
    class NoVat(FakeBusinessCentral):
        def create_sales_order(self, payload):
            created = super().create_sales_order(payload)
            return created.model_copy(update={"total_tax": Decimal(0)})

    intake, *_ = memory_intake()
    record = sync_order(memory_sync(intake, NoVat()), _receive(intake, _order()), "m1")
    assert record.status is OrderStatus.IN_BC
    assert record.totals_agree is False
    assert "VAT: web" in record.problem


def test_giving_up_leaves_a_live_claim_of_another_worker_alone():
    intake, *_ = memory_intake()
    sync = memory_sync(intake)
    message = _receive(intake, _order())
    sync.orders.create(
        OrderRecord(
            key=message.order_key, claim_owner="busy", claim_expires_at=intake.clock.now() + sync.policy.claim_lease
        )
    )
    give_up(sync, message)
    found = sync.orders.get(message.order_key)
    assert found is not None
    assert found[0].claim_owner == "busy"
    assert found[0].status is OrderStatus.RECEIVED
    assert _event_status(intake, message) is EventStatus.FAILED


@pytest.mark.parametrize("record_exists", [False, True], ids=["new order: create", "known order: replace"])
def test_losing_the_claim_race_looks_again_shortly(record_exists: bool):
    class Racing(MemoryOrders):
        """Another worker writes the record between this worker's read and its claim."""

        def create(self, record):
            if record.claim_owner == "m1":
                raise ConcurrencyConflict("someone else created it first")
            return super().create(record)

        def replace(self, record, etag):
            if record.claim_owner == "m1":
                raise ConcurrencyConflict("someone else wrote first")
            return super().replace(record, etag)

    intake, *_ = memory_intake()
    sync = replace(memory_sync(intake), orders=Racing())
    message = _receive(intake, _order())
    if record_exists:
        sync.orders.create(OrderRecord(key=message.order_key))
    sync_order(sync, message, worker="m1")
    assert _last_delay(intake) == timedelta(seconds=2)
    assert _event_status(intake, message) is EventStatus.RECEIVED


def test_a_web_order_number_too_long_for_bc_is_parked():
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    sync = memory_sync(intake, bc)
    sync = replace(sync, policy=replace(sync.policy, document_prefixes={"woocommerce:shop-a": "X" * 33}))
    record = sync_order(sync, _receive(intake, _order(1001)), "m1")
    assert record.status is OrderStatus.NEEDS_ATTENTION
    assert "longer than the 35 characters" in record.problem
    assert not bc.payloads


def test_an_older_version_arriving_after_a_newer_one_changes_nothing():
    intake, *_ = memory_intake()
    bc = FakeBusinessCentral()
    sync = memory_sync(intake, bc)
    first = _order()
    older = _receive(intake, first)
    later = order_payload(first, modified=first.created + timedelta(minutes=5))
    body, headers = signed_delivery(later, SECRET, topic="order.updated")
    receive_woocommerce(intake, Delivery("shop-a", SECRET, headers, body), 1 << 20)
    newer = _last_message(intake)

    sync_order(sync, newer, worker="m1")
    record = sync_order(sync, older, worker="m2")

    assert record.status is OrderStatus.IN_BC
    assert len(bc.payloads) == 1
    assert not bc.plans
    assert _event_status(intake, older) is EventStatus.IGNORED
