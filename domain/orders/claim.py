"""The claims that keep an order's import to one at a time and one BC order per document number: a worker claims the
order record with an ETag-conditional write (leased, renewed right before each write to BC), and claims the BC
document number in storage before a create (BC itself accepts a second order with it)."""

from __future__ import annotations

from domain.errors import PermanentError
from domain.models import Order, WebOrderKey
from domain.orders.import_policy import older_than_recorded
from domain.orders.web_statuses import cancelled
from domain.orders.worker import Held, OrderSync, save
from domain.records import OrderRecord, StreamMessage


def claim(sync: OrderSync, held: Held, order: Order, message: StreamMessage, worker: str) -> None:
    """Take the record with an ETag-conditional write, so two copies of one order never both create."""
    now = sync.clock.now()
    until = now + sync.policy.claim_lease
    save(sync, held, held.record.claimed(order, message.event_id, owner=worker, until=until, at=now))


def renew_claim(sync: OrderSync, held: Held) -> None:
    """Keep the claim a full lease from now, right before a write to BC."""
    now = sync.clock.now()
    save(sync, held, held.record.claim_renewed(now + sync.policy.claim_lease, now))


def claim_is_live(sync: OrderSync, record: OrderRecord) -> bool:
    expires = record.claim_expires_at
    return bool(record.claim_owner) and expires is not None and expires > sync.clock.now()


def claimed_by_other(sync: OrderSync, record: OrderRecord, worker: str) -> bool:
    return record.claim_owner != worker and claim_is_live(sync, record)


def claim_document(sync: OrderSync, key: WebOrderKey, number: str) -> None:
    """Hold the BC document number before anything is created: BC itself accepts a second order with it."""
    holder = sync.orders.claim_document(number, key)
    if holder != key:
        raise PermanentError(
            f"BC document number {number} is held by web order {holder}: two web orders map to one "
            "externalDocumentNumber; give each shop its own document prefix (KOPPEL_<CHANNEL>_PREFIX_<SHOP>), then "
            "replay"
        )


def give_up_document(sync: OrderSync, record: OrderRecord, order: Order) -> None:
    """A web order cancelled without a BC order frees the document number it may hold: claimed before a create that
    was parked, or kept by an attempt that gave its BC order up but failed to release the number. An older version
    than the one recorded says nothing."""
    if record.bc is not None or not cancelled(order) or older_than_recorded(record, order):
        return
    try:
        number = sync.policy.document_number(order)
    except PermanentError:
        return  # too long for BC: it was never claimed
    sync.orders.release_document(number, order.key)
