"""Koppel's metrics as the real components record them (Azurite, the BC simulator in process), read from an SDK
MeterProvider of the test's own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from domain.errors import ConcurrencyConflict
from domain.intake.ingest_webhook import Accepted, Delivery, Intake, receive_woocommerce
from domain.models import OrderStatus, WebOrderKey
from domain.orders.import_policy import ImportPolicy
from domain.orders.mapping.business_central import ChargeAccounts
from domain.orders.sync_order import sync_order
from domain.orders.worker import OrderSync
from domain.payments.booking import Booking, BookingState
from domain.payments.payment import Money, Payment, PaymentStatus
from domain.payments.record import MatchStatus, PaymentRecord
from domain.records import AttentionItem, OrderRecord, StreamMessage, SyncRun
from function_app import app
from functions.wiring.adapters import SystemClock
from integrations.businesscentral.api import BusinessCentralApi
from integrations.storage.account import StorageAccount
from integrations.storage.attention_list import TableAttentionList
from integrations.storage.customer_bindings import TableCustomerBindings
from integrations.storage.event_log import TableEventLog
from integrations.storage.gauges import KOPPEL_QUEUES, StorageGauges
from integrations.storage.order_store import TableOrderStore
from integrations.storage.payment_store import TablePaymentStore
from integrations.storage.sync_runs import TableSyncRuns
from integrations.telemetry import metrics
from localdev.azurite import Azurite
from localdev.bc_probe import BcProbe
from localdev.simulators.businesscentral import BusinessCentralSimulator
from tests.fakes import CONTROLS, MemoryQueue
from tests.integration.simulated_bc import bc_client
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery

SECRET = "metrics-secret"


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """These tests run no local stack (the folder's own `no_faults` would start one)."""


@pytest.fixture
def recorded() -> Iterator[InMemoryMetricReader]:
    """What Koppel records while the test runs, and only that."""
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    with metrics.recording_into(provider):
        yield reader
    provider.shutdown()


@pytest.fixture(scope="module")
def bc() -> Iterator[BusinessCentralSimulator]:
    with BusinessCentralSimulator(client_id="metrics-test") as simulator:
        yield simulator


def points(reader: InMemoryMetricReader) -> dict[tuple[str, frozenset[tuple[str, Any]]], float]:
    """Every data point collected now, by instrument name and attributes."""
    data = reader.get_metrics_data()
    if data is None:
        return {}
    return {
        (metric.name, frozenset((point.attributes or {}).items())): point.value  # type: ignore[union-attr]
        for resource in data.resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
        for point in metric.data.data_points
    }


class AnotherWriterFirst:
    """The order store, where someone else writes the record just before the worker first writes it in BC, so that
    write is refused on its ETag (as when the booking run files an invoice at that moment)."""

    def __init__(self, store: TableOrderStore, other: TableOrderStore) -> None:
        self._store, self._other, self.raced = store, other, False

    def replace(self, record: OrderRecord, etag: str) -> str:
        if record.status is OrderStatus.IN_BC and not self.raced:
            self.raced = True
            found = self._other.get(record.key)
            assert found is not None
            self._other.replace(found[0].noted("someone else's change", datetime.now(UTC)), found[1])
        return self._store.replace(record, etag)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


@dataclass
class Worker:
    sync: OrderSync
    intake: Intake
    shop: str


@pytest.fixture
def worker(azurite: Azurite, bc: BusinessCentralSimulator) -> Worker:
    account = StorageAccount(azurite.connection_string)
    clock, queue = SystemClock(), MemoryQueue()
    intake = Intake(events=TableEventLog(account), queue=queue, clock=clock)
    orders = AnotherWriterFirst(TableOrderStore(account), TableOrderStore(StorageAccount(azurite.connection_string)))
    sync = OrderSync(
        events=intake.events,
        orders=orders,
        attention=TableAttentionList(account),
        queue=queue,
        bc=BusinessCentralApi(bc_client(bc)),
        customers=TableCustomerBindings(account),
        clock=clock,
        policy=ImportPolicy(
            accounts=ChargeAccounts(shipping="8090", fee="8091"), local_currency="EUR", controls=CONTROLS
        ),
    )
    return Worker(sync, intake, f"m-{uuid.uuid4().hex[:8]}")


def received(worker: Worker, bc: BusinessCentralSimulator) -> StreamMessage:
    """A new order for a BC item at its price, taken in from the shop."""
    [item] = BcProbe(bc, bc.client_id, bc.client_secret).all("items", **{"$filter": "blocked eq false", "$top": "1"})
    line = ShopLine(item["number"], item["displayName"], 1, Decimal(str(item["unitPrice"])))
    order = ShopOrder(1001, ShopCustomer("Sam", "Jansen", f"sam.{worker.shop}@example.nl"), (line,))
    body, headers = signed_delivery(order_payload(order), SECRET)
    assert isinstance(
        receive_woocommerce(worker.intake, Delivery(worker.shop, SECRET, headers, body), 1 << 20), Accepted
    )
    message: StreamMessage = worker.intake.queue.messages[-1]  # type: ignore[attr-defined]
    return message


def test_an_order_synced_counts_received_and_in_bc_once_though_its_save_was_refused_on_its_etag(
    recorded: InMemoryMetricReader, worker: Worker, bc: BusinessCentralSimulator
) -> None:
    """The queue's retry writes it in BC; a recheck (a payment came in) takes it up again and ends in BC again."""
    message = received(worker, bc)

    with pytest.raises(ConcurrencyConflict):
        sync_order(worker.sync, message, worker="delivery-1")
    assert sync_order(worker.sync, message, worker="delivery-1").status is OrderStatus.IN_BC
    assert (
        sync_order(worker.sync, message.model_copy(update={"recheck": True}), "delivery-2").status is OrderStatus.IN_BC
    )

    seen = points(recorded)
    woocommerce = ("koppel.source", "woocommerce")
    assert seen[("koppel.orders", frozenset({("koppel.outcome", "received"), woocommerce}))] == 1
    assert seen[("koppel.orders", frozenset({("koppel.outcome", "in_bc"), woocommerce}))] == 1
    assert worker.sync.orders.raced  # type: ignore[attr-defined]


def test_a_state_is_counted_once_when_the_version_written_on_was_written_by_another_process(
    recorded: InMemoryMetricReader, azurite: Azurite
) -> None:
    """A store that did not read or write the version it writes on looks its state up first."""
    first, second = (TableOrderStore(StorageAccount(azurite.connection_string)) for _ in range(2))
    record = OrderRecord(key=WebOrderKey(source="shopify", shop=f"m-{uuid.uuid4().hex[:8]}", order_id="7"))
    etag = first.create(record)
    parked = record.parked("price differs", datetime.now(UTC))

    etag = second.replace(parked, etag)
    first.replace(parked.noted("still parked", datetime.now(UTC)), etag)

    seen = points(recorded)
    assert seen[("koppel.orders", frozenset({("koppel.outcome", "parked"), ("koppel.source", "shopify")}))] == 1


def test_a_payment_counts_matched_and_booked_once_however_often_it_is_written(
    recorded: InMemoryMetricReader, azurite: Azurite
) -> None:
    payments = TablePaymentStore(StorageAccount(azurite.connection_string))
    now = datetime.now(UTC)
    payment = Payment(
        provider="mollie",
        account=f"m{uuid.uuid4().hex[:8]}",
        payment_id="tr_1",
        status=PaymentStatus.PAID,
        amount=Money(amount=Decimal("30.00"), currency="EUR"),
        created_at=now,
    )
    waiting = PaymentRecord(payment=payment, status=MatchStatus.WAITING_FOR_ORDER, first_seen_at=now, updated_at=now)
    etag = payments.write(waiting, None)
    matched = waiting.model_copy(update={"status": MatchStatus.MATCHED})
    etag = payments.write(matched, etag)
    etag = payments.write(matched.noting("read again"), etag)
    booking = Booking(
        state=BookingState.IN_JOURNAL,
        invoice_id="i1",
        invoice_number="S-INV1",
        external_document_number="TR_1",
        amount=Decimal("30.00"),
        journal_line_id="l1",
        at=now,
    )
    etag = payments.write(matched.staged(booking), etag)
    payments.write(matched.staged(booking).posted("l1", now), etag)

    seen = points(recorded)
    assert seen[("koppel.payments", frozenset({("koppel.outcome", "matched"), ("koppel.provider", "mollie")}))] == 1
    assert seen[("koppel.payments", frozenset({("koppel.outcome", "booked"), ("koppel.provider", "mollie")}))] == 1
    assert ("koppel.payments", frozenset({("koppel.outcome", "parked"), ("koppel.provider", "mollie")})) not in seen


def test_a_bc_429_counts_as_throttled_and_each_answer_as_a_request(
    recorded: InMemoryMetricReader, bc: BusinessCentralSimulator
) -> None:
    httpx.post(
        f"{bc.url}/_sim/faults", json={"next": [{"fault": "429", "count": 2, "retry_after": 0, "method": "GET"}]}
    ).raise_for_status()

    bc_client(bc).get("items", {"$top": "1"})

    seen = points(recorded)
    assert seen[("koppel.bc.throttled", frozenset())] == 2
    assert (
        seen[("koppel.bc.requests", frozenset({("http.response.status_code", 429), ("http.request.method", "GET")}))]
        == 2
    )
    assert (
        seen[("koppel.bc.requests", frozenset({("http.response.status_code", 200), ("http.request.method", "GET")}))]
        == 1
    )


def test_a_finished_run_counts_by_its_outcome(recorded: InMemoryMetricReader, azurite: Azurite) -> None:
    runs = TableSyncRuns(StorageAccount(azurite.connection_string))
    now = datetime.now(UTC)
    name = f"bc-subscriptions-{uuid.uuid4().hex[:8]}"
    summary = SyncRun(
        name=name, started_at=now, finished_at=now, read=1, changed=0, pushed=0, failed=1, completed=False
    )

    runs.record(summary)
    runs.record(summary.model_copy(update={"started_at": now + timedelta(seconds=1), "completed": True}))

    seen = points(recorded)
    assert seen[("koppel.runs", frozenset({("koppel.run", name), ("koppel.outcome", "failed")}))] == 1
    assert seen[("koppel.runs", frozenset({("koppel.run", name), ("koppel.outcome", "completed")}))] == 1


class Later:
    """The clock 20 minutes ahead."""

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(minutes=20)


def test_the_sampler_reports_each_queues_length_and_oldest_age_and_the_attention_size(
    recorded: InMemoryMetricReader, azurite: Azurite
) -> None:
    account = StorageAccount(azurite.connection_string)
    work = f"m{uuid.uuid4().hex[:8]}"
    poison = f"{work}-poison"
    account.queue(poison).send_message("given up")
    account.queue(poison).send_message("given up too")
    attention = TableAttentionList(account)
    key = WebOrderKey(source="woocommerce", shop=f"m-{uuid.uuid4().hex[:8]}", order_id="1")
    attention.flag(
        AttentionItem(key=key, status=OrderStatus.FAILED, problem="BC down", web_number="1", since=datetime.now(UTC))
    )

    StorageGauges(account, attention, Later(), queues=(work, poison)).sample()

    seen = points(recorded)
    assert seen[("koppel.queue.length", frozenset({("koppel.queue", poison)}))] == 2
    assert seen[("koppel.queue.oldest_age", frozenset({("koppel.queue", poison)}))] > 19 * 60
    assert seen[("koppel.queue.length", frozenset({("koppel.queue", work)}))] == 0
    assert seen[("koppel.queue.oldest_age", frozenset({("koppel.queue", work)}))] == 0
    assert seen[("koppel.attention.size", frozenset())] == len(attention.all()) >= 1
    assert not any(name.startswith("koppel.queue") for name, _ in points(recorded)), "each sample is reported once"
    attention.clear(key)


def test_the_sampler_watches_every_queue_a_function_listens_on() -> None:
    app.functions_bindings = None  # indexed afresh, as localdev/host/metadata.py does
    triggers = [function.get_trigger() for function in app.get_functions()]
    listened = {
        str(getattr(trigger, "queue_name", "")) for trigger in triggers if trigger and trigger.type == "queueTrigger"
    }

    assert "orders-poison" in listened
    assert set(KOPPEL_QUEUES) == listened
