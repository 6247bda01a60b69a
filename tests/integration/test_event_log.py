"""The event log on Azurite: the raw body rides in the row when small and goes to blob storage when large."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from domain.models import PaymentKey, WebOrderKey
from domain.records import EventStatus, WebhookEvent
from integrations.storage.account import RAW_BODIES_CONTAINER, StorageAccount
from integrations.storage.event_log import INLINE_BODY_LIMIT, TableEventLog
from localdev.azurite import Azurite


def _event(order_id: str) -> WebhookEvent:
    key = WebOrderKey(source="woocommerce", shop="shop-a", order_id=order_id)
    return WebhookEvent(
        stream=key.stream,
        event_id=f"evt-{order_id}",
        topic="order.created",
        dedup_key=order_id,
        blob_name=f"woocommerce/shop-a/{order_id}/evt-{order_id}.json",
        received_at=datetime(2026, 11, 29, 12, 0, tzinfo=UTC),
    )


def _blob_names(account: StorageAccount) -> set[str]:
    return {blob.name for blob in account.container(RAW_BODIES_CONTAINER).list_blobs()}


@pytest.mark.parametrize(
    ("size", "in_blob"), [(2_000, False), (INLINE_BODY_LIMIT, False), (INLINE_BODY_LIMIT + 1, True)]
)
def test_the_raw_body_comes_back_byte_for_byte(azurite: Azurite, size: int, in_blob: bool) -> None:
    account = StorageAccount(azurite.connection_string)
    log = TableEventLog(account)
    event = _event(uuid.uuid4().hex)
    body = (b'{"note": "caf\xc3\xa9 \x00\xff"}' * size)[:size]

    assert log.add(event, body)

    assert log.body(event.stream, event.event_id) == body
    assert (event.blob_name in _blob_names(account)) is in_blob
    assert log.for_stream(event.stream) == [event]


def test_a_second_copy_is_refused_and_leaves_the_first_body(azurite: Azurite) -> None:
    log = TableEventLog(StorageAccount(azurite.connection_string))
    event = _event(uuid.uuid4().hex)
    assert log.add(event, b"first")
    log.mark(event.stream, event.event_id, EventStatus.PROCESSED, "in BC")

    assert not log.add(event, b"second")

    assert log.body(event.stream, event.event_id) == b"first"
    stored = log.get(event.stream, event.event_id)
    assert stored is not None
    assert stored.status is EventStatus.PROCESSED


def test_an_unknown_event_has_no_body(azurite: Azurite) -> None:
    log = TableEventLog(StorageAccount(azurite.connection_string))
    event = _event(uuid.uuid4().hex)
    assert log.body(event.stream, event.event_id) is None
    assert log.get(event.stream, event.event_id) is None


def test_the_events_a_person_must_see_are_listed_per_source_until_they_move_on(azurite: Azurite) -> None:
    """Listed from an index partition of their own (no scan over every event a provider ever sent); an event
    replayed since is no longer listed."""
    log = TableEventLog(StorageAccount(azurite.connection_string))
    source = f"psp-{uuid.uuid4().hex[:8]}"

    def event(payment_id: str, status: EventStatus, source: str = source) -> WebhookEvent:
        key = PaymentKey(provider=source, account="main", payment_id=payment_id)
        return WebhookEvent(
            stream=key.stream,
            event_id=f"evt-{payment_id}",
            topic="payment.paid",
            dedup_key=payment_id,
            blob_name=f"{source}/main/{payment_id}/evt-{payment_id}.json",
            received_at=datetime(2026, 12, 7, 5, 0, tzinfo=UTC),
            status=status,
        )

    kept, failing, fine = (
        event("pl_1", EventStatus.PARKED),
        event("tr_2", EventStatus.RECEIVED),
        event("tr_3", EventStatus.RECEIVED),
    )
    elsewhere = event("tr_4", EventStatus.PARKED, source=f"other-{uuid.uuid4().hex[:8]}")
    for each in (kept, failing, fine, elsewhere):
        assert log.add(each, b"{}")
    log.mark(failing.stream, failing.event_id, EventStatus.FAILED, "unreadable at the provider")
    log.mark(fine.stream, fine.event_id, EventStatus.PROCESSED)

    assert {e.event_id for e in log.needing_a_person([source])} == {"evt-pl_1", "evt-tr_2"}

    log.mark(failing.stream, failing.event_id, EventStatus.PROCESSED, "replayed")

    assert [e.event_id for e in log.needing_a_person([source])] == ["evt-pl_1"]
