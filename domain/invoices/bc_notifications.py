"""BC's webhook notifications: taken in (checked, stored, queued) and then worked off.

Intake checks the body's shape and that every entry carries Koppel's clientState, then logs the body under the day
it came (`businesscentral:notifications:<date>`) and queues it; BC posts the same batch again when it retries, so
the body's hash is the delivery id. The worker reads what each entry names from BC and files posted sales invoices
and credit memos on their web orders; deleted records and entity sets Koppel does not handle are passed by.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr, ValidationError

from domain.errors import BusinessCentralRejected, Rejection, RequestRejected
from domain.intake.ingest_webhook import Accepted, Intake, accept, admitted
from domain.invoices.subscriptions import ChangeType, NotificationBatch, entity_set
from domain.invoices.track_invoices import InvoiceTracking, link_credit_memos, link_invoices
from domain.models import StreamKey
from domain.ports import EventLog
from domain.records import EventStatus, StreamMessage

SOURCE = "businesscentral"
SHOP = "notifications"
TOPIC = "businesscentral.notification"
READ_CHANGES = frozenset({ChangeType.CREATED, ChangeType.UPDATED, ChangeType.COLLECTION})


def receive_notifications(intake: Intake, body: bytes, client_state: SecretStr, max_body_bytes: int) -> Accepted:
    """Check a notification POST in the order of cheapest refusal first; store and enqueue it once (the stored
    body leaves out clientState: it is Koppel's secret and has been checked)."""
    unknown = "Koppel takes no BC notifications: no client state is set"
    secret = admitted(client_state.get_secret_value() or None, unknown, body, max_body_bytes)
    try:
        batch = NotificationBatch.model_validate_json(body)
    except ValidationError as error:
        raise RequestRejected(Rejection.MALFORMED, f"not a BC notification: {_problems(error)}") from None
    expected = secret.encode()
    if not all(hmac.compare_digest(entry.client_state.get_secret_value().encode(), expected) for entry in batch.value):
        raise RequestRejected(Rejection.UNAUTHENTICATED, "the clientState does not match Koppel's subscription")
    stream = StreamKey(source=SOURCE, scope=SHOP, subject=intake.clock.now().date().isoformat())
    return accept(intake, stream, TOPIC, hashlib.sha256(body).hexdigest(), _without_client_state(body))


@dataclass(frozen=True)
class NotificationWork:
    events: EventLog
    tracking: InvoiceTracking
    company_id: str
    """Only resources of this company's API are read."""


@dataclass(frozen=True)
class Worked:
    read: int
    """Resources read from BC."""
    filed: int
    """Invoices and credit memos filed on web orders."""
    passed: int
    """Entries passed by: deleted records, entity sets Koppel does not handle, resources of elsewhere."""


def work_notifications(work: NotificationWork, message: StreamMessage) -> Worked | None:
    """File the invoices a logged notification names; None when its event is gone. BC refusing to show a resource
    parks the event with BC's reason; BC being unavailable raises RetryableError (the queue retries)."""
    stream, event_id = message.stream, message.event_id
    body = message.body.encode() if message.body is not None else work.events.body(stream, event_id)
    if body is None:
        return None
    batch = NotificationBatch.model_validate_json(body)
    resources: dict[str, Handler] = {}
    passed = 0
    for entry in batch.value:
        handler = HANDLERS.get(entity_set(entry.resource, work.company_id) or "")
        if entry.change_type not in READ_CHANGES or handler is None:
            passed += 1
            continue
        resources[entry.resource] = handler
    filed, refused = 0, []
    for resource, handler in resources.items():
        try:
            filed += handler(work, resource)
        except BusinessCentralRejected as rejected:
            refused.append(f"{resource}: {rejected}")
    worked = Worked(read=len(resources), filed=filed, passed=passed)
    note = (
        f"resources read from BC: {worked.read}; invoices filed on web orders: {worked.filed}; "
        f"passed by: {worked.passed}"
    )
    if refused:
        work.events.mark(stream, event_id, EventStatus.PARKED, f"{note}; BC refused: {'; '.join(refused)}")
    else:
        work.events.mark(stream, event_id, EventStatus.PROCESSED, note)
    return worked


def _file_invoices(work: NotificationWork, resource: str) -> int:
    return link_invoices(work.tracking, work.tracking.invoices.at(resource))


def _file_credit_memos(work: NotificationWork, resource: str) -> int:
    memos = work.tracking.credit_memos
    return link_credit_memos(work.tracking, memos.at(resource)) if memos is not None else 0


Handler = Callable[[NotificationWork, str], int]
HANDLERS: dict[str, Handler] = {"salesInvoices": _file_invoices, "salesCreditMemos": _file_credit_memos}
"""What the worker does with a resource, by entity set; a subscription to a set not here is logged and passed by."""


def _without_client_state(body: bytes) -> bytes:
    batch: dict[str, Any] = json.loads(body)
    batch["value"] = [{k: v for k, v in entry.items() if k != "clientState"} for entry in batch["value"]]
    return json.dumps(batch, separators=(",", ":")).encode()


def _problems(error: ValidationError) -> str:
    """Where the body is wrong, without echoing what it holds (it may carry a secret)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'body'}: {problem['msg']}" for problem in error.errors()
    )
