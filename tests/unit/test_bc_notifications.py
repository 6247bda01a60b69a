"""BC's notifications with in-memory ports: taken in only with Koppel's clientState, logged without it and queued
once; the worker files the invoices created, updated and collection entries name and passes by the rest."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import SecretStr

from domain.errors import Rejection, RequestRejected
from domain.invoices.bc_notifications import NotificationWork, receive_notifications, work_notifications
from domain.invoices.invoice import BcInvoice
from domain.invoices.subscriptions import entity_set
from domain.invoices.track_invoices import InvoiceTracking
from domain.models import WebOrderKey
from domain.records import EventStatus
from tests.fakes import (
    FixedClock,
    MemoryInvoices,
    MemoryOrders,
    MemorySyncState,
    memory_intake,
    order_in_bc,
    posted_invoice,
)

COMPANY = "5f0d6c1e-0000-4000-8000-00000000c0a1"
CLIENT_STATE = SecretStr("client-state-456")
LIMIT = 64 * 1024
ORDER = WebOrderKey(source="woocommerce", shop="shop-a", order_id="1001")
INVOICE_URL = f"api/v2.0/companies({COMPANY})/salesInvoices(0c1d2e3f-0000-4000-8000-000000000001)"


def entry(
    resource: str = INVOICE_URL, change: str = "created", client_state: str = "client-state-456"
) -> dict[str, Any]:
    return {
        "subscriptionId": "9f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e",
        "clientState": client_state,
        "expirationDateTime": "2026-12-02T12:00:00Z",
        "resource": resource,
        "changeType": change,
        "lastModifiedDateTime": "2026-11-29T11:59:30Z",
    }


def body(*entries: dict[str, Any]) -> bytes:
    return json.dumps({"value": list(entries)}).encode()


class World:
    def __init__(self, shown: dict[str, list[BcInvoice]] | None = None) -> None:
        self.intake, self.events, self.queue = memory_intake()
        self.invoices = MemoryInvoices(shown=shown)
        orders = MemoryOrders()
        order_in_bc(orders, ORDER, "WEB1001")
        self.orders = orders
        tracking = InvoiceTracking(invoices=self.invoices, orders=orders, state=MemorySyncState(), clock=FixedClock())
        self.work = NotificationWork(events=self.events, tracking=tracking, company_id=COMPANY)

    def receive(self, raw: bytes) -> str:
        accepted = receive_notifications(self.intake, raw, CLIENT_STATE, LIMIT)
        return accepted.event_id

    def filed(self) -> list[str]:
        assert self.invoices.asked == self.invoices.ids_read == [], "a notification reads only what it names"
        found = self.orders.get(ORDER)
        assert found is not None
        return [each.number for each in found[0].invoices]


def test_a_notification_is_logged_under_its_day_without_the_client_state_and_queued_once():
    world = World()
    raw = body(entry())

    first = receive_notifications(world.intake, raw, CLIENT_STATE, LIMIT)
    again = receive_notifications(world.intake, raw, CLIENT_STATE, LIMIT)

    assert str(first.stream) == "businesscentral:notifications:2026-11-29"
    assert (first.duplicate, again.duplicate, again.event_id) == (False, True, first.event_id)
    stored = world.events.body(first.stream, first.event_id)
    assert stored is not None
    assert b"client-state-456" not in stored
    assert json.loads(stored)["value"][0]["resource"] == INVOICE_URL
    assert [message.event_id for message in world.queue.messages] == [first.event_id, first.event_id]


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"not json", Rejection.MALFORMED),
        (b'{"value": []}', Rejection.MALFORMED),
        (body({**entry(), "changeType": "renamed"}), Rejection.MALFORMED),
        (body(entry(client_state="guessed")), Rejection.UNAUTHENTICATED),
        (body(entry(), entry(client_state="")), Rejection.UNAUTHENTICATED),
        (b" " * (LIMIT + 1), Rejection.TOO_LARGE),
    ],
)
def test_a_body_that_is_not_koppel_s_notification_is_refused_and_nothing_is_stored(raw: bytes, kind: Rejection):
    world = World()

    with pytest.raises(RequestRejected) as refused:
        world.receive(raw)

    assert refused.value.kind is kind
    assert "client-state-456" not in refused.value.message
    assert (world.events.rows, world.queue.messages) == ({}, [])


def test_without_a_configured_client_state_no_notification_is_taken_in():
    world = World()

    with pytest.raises(RequestRejected) as refused:
        receive_notifications(world.intake, body(entry(client_state="")), SecretStr(""), LIMIT)

    assert refused.value.kind is Rejection.UNKNOWN_SOURCE


def test_the_worker_files_the_invoices_created_updated_and_collection_entries_name():
    collection = (
        f"/api/v2.0/companies({COMPANY})/salesInvoices?$filter=lastModifiedDateTime%20gt%202026-11-29T11:00:00Z"
    )
    updated = f"api/v2.0/companies({COMPANY})/salesInvoices(0c1d2e3f-0000-4000-8000-000000000002)"
    world = World(
        {
            INVOICE_URL: [posted_invoice("S-INV1")],
            updated: [posted_invoice("S-INV2")],
            collection: [posted_invoice("S-INV3")],
        }
    )
    event_id = world.receive(body(entry(), entry(updated, "updated"), entry(collection, "collection")))

    worked = work_notifications(world.work, world.queue.messages[0])

    assert worked is not None
    assert (worked.read, worked.filed, worked.passed) == (3, 3, 0)
    assert world.filed() == ["S-INV1", "S-INV2", "S-INV3"]
    event = world.events.get(world.queue.messages[0].stream, event_id)
    assert event is not None
    assert event.status is EventStatus.PROCESSED


def test_deleted_records_other_entity_sets_and_other_companies_resources_are_passed_by_unread():
    other_company = INVOICE_URL.replace(COMPANY, "11111111-2222-4333-8444-555555555555")
    world = World()
    world.receive(
        body(
            entry(change="deleted"),
            entry(f"api/v2.0/companies({COMPANY})/customers(0c1d2e3f-0000-4000-8000-000000000003)"),
            entry(other_company),
            entry(f"https://elsewhere.example.com/{INVOICE_URL}"),
        )
    )

    worked = work_notifications(world.work, world.queue.messages[0])

    assert worked is not None
    assert (worked.read, worked.passed) == (0, 4)
    assert world.invoices.resources_read == []


def test_a_resource_bc_refuses_to_show_parks_the_event_with_bc_s_reason_and_the_others_are_filed():
    bad = f"api/v2.0/companies({COMPANY})/salesInvoices?$filter=nonsense"
    world = World({INVOICE_URL: [posted_invoice("S-INV1")]})
    world.invoices.refused.add(bad)
    event_id = world.receive(body(entry(), entry(bad, "collection")))
    message = world.queue.messages[0]

    work_notifications(world.work, message)

    event = world.events.get(message.stream, event_id)
    assert event is not None
    assert event.status is EventStatus.PARKED
    assert "the filter is not valid" in event.note
    assert world.filed() == ["S-INV1"]


def test_the_worker_reads_the_body_back_from_the_log_when_it_did_not_ride_along():
    world = World({INVOICE_URL: [posted_invoice("S-INV1")]})
    world.receive(body(entry()))
    message = world.queue.messages[0].model_copy(update={"body": None})

    work_notifications(world.work, message)

    assert world.filed() == ["S-INV1"]


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (INVOICE_URL, "salesInvoices"),
        (f"/api/v2.0/companies({COMPANY.upper()})/salesCreditMemos", "salesCreditMemos"),
        (f"api/v2.0/companies({COMPANY})/salesInvoices?$filter=x%20gt%201", "salesInvoices"),
        (f"https://evil.example.com/api/v2.0/companies({COMPANY})/salesInvoices", None),
        (f"api/v2.0/companies({COMPANY})/salesInvoices(1)/salesInvoiceLines", None),
    ],
)
def test_only_relative_resources_of_the_company_name_an_entity_set(resource: str, expected: str | None):
    assert entity_set(resource, COMPANY) == expected
