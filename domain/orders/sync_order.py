"""The order worker's use case: one accepted order event -> exactly one BC salesOrder.

Exactly once rests on four things: an ETag-conditional claim on the order record (renewed right before the
create), a claim on the BC document number in storage (so two web orders that map to one externalDocumentNumber
never both create: BC accepts duplicates), a look-up by externalDocumentNumber before every create, and never sending
a second create while an unanswered one may still land in BC (the claim is kept until its lease runs out; other
copies wait meanwhile). What is fingerprinted and controlled is the document as BC stored it, read back when the
create's answer cannot be all of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta

from domain.catalog.prices import CustomerPricing
from domain.errors import (
    AmbiguousWriteError,
    BusinessCentralRejected,
    ConcurrencyConflict,
    PermanentError,
    RetryableError,
)
from domain.intake.channels import read_order
from domain.intake.ingest_webhook import Intake, accept
from domain.models import BcCustomer, BcSalesOrder, Order, OrderStatus, ResolvedSku, WebOrderKey
from domain.orders.customers import resolve_customer
from domain.orders.mapping import business_central
from domain.orders.mapping.business_central import ChargeAccounts
from domain.orders.rules.controls import ControlPolicy, release_blockers, run_controls
from domain.orders.rules.create_answer import incomplete_answer
from domain.orders.rules.document_changes import change_plan
from domain.orders.rules.totals import totals_differences
from domain.payments.accounts import PaymentAccount
from domain.payments.matching import Settlement, settlement
from domain.payments.payment import Money
from domain.payments.shop_payment import provider_payment
from domain.payments.shop_payments import record_shop_payment, track_unpaid
from domain.ports import (
    AttentionList,
    BusinessCentral,
    Clock,
    CustomerBindings,
    EventLog,
    OrderQueue,
    OrderStore,
    PaymentStore,
    PriceLists,
    UnpaidOrders,
)
from domain.records import AttentionItem, EventStatus, OrderMessage, OrderRecord

DEFAULT_IMPORT_STATUSES = {
    "woocommerce": frozenset({"processing", "on-hold", "completed"}),
    # partially_refunded: paid, and part paid back; what is left (the current quantities) is what ships
    "shopify": frozenset({"pending", "authorized", "partially_paid", "paid", "partially_refunded"}),
    "portal": frozenset({"placed"}),
}


@dataclass(frozen=True)
class ImportPolicy:
    """Settings that shape how web orders become BC sales orders."""

    accounts: ChargeAccounts
    local_currency: str = "EUR"
    default_customer_number: str | None = None
    import_statuses: Mapping[str, frozenset[str]] = field(default_factory=lambda: dict(DEFAULT_IMPORT_STATUSES))
    document_prefixes: Mapping[str, str] = field(default_factory=dict)
    claim_lease: timedelta = timedelta(minutes=10)
    recheck_after: timedelta = timedelta(seconds=5)
    controls: ControlPolicy = field(default_factory=ControlPolicy)
    payment_accounts: Mapping[str, tuple[PaymentAccount, ...]] = field(default_factory=dict)
    """By `source:shop`: the payment provider accounts Koppel reads that pay that shop's orders."""

    def imports(self, order: Order) -> bool:
        return order.status in self.import_statuses.get(order.key.source, frozenset())

    def document_number(self, order: Order) -> str:
        """externalDocumentNumber: the shop's prefix (when several shops share a company) + web order number."""
        number = self.document_prefixes.get(f"{order.key.source}:{order.key.shop}", "") + order.number
        if len(number) > business_central.MAX_EXTERNAL_DOCUMENT_NUMBER:
            raise PermanentError(
                f"Web order number '{number}' is longer than the {business_central.MAX_EXTERNAL_DOCUMENT_NUMBER} "
                "characters BC keeps in externalDocumentNumber"
            )
        return business_central.external_document_number(number)


@dataclass(frozen=True)
class OrderSync:
    events: EventLog
    orders: OrderStore
    attention: AttentionList
    queue: OrderQueue
    bc: BusinessCentral
    customers: CustomerBindings
    clock: Clock
    policy: ImportPolicy
    prices: PriceLists | None = None
    """None when BC's price lists are not published as web services: prices are checked against the item cards."""
    payments: PaymentStore | None = None
    """The payments Koppel matched to orders; None where no payment provider is configured."""
    unpaid: UnpaidOrders | None = None
    """Unpaid orders, where payments that name no order look; None where no payment provider is configured."""
    payment_intake: Intake | None = None
    """Queues a provider payment the shop names to the payment worker, which reads it at the provider."""


@dataclass
class _Held:
    """The order record this worker holds, with the ETag of its last write."""

    record: OrderRecord
    etag: str = ""
    """Empty while the record is not stored yet."""


CLAIM_RACE_DELAY = timedelta(seconds=2)
RELEASED = "released"
"""OrderRecord.release once BC released the order."""
CANCELLED_STATUSES = frozenset({"cancelled", "refunded", "failed", "trash"})
"""Web statuses (across the channels) that mean the order will not be delivered."""
NEEDS_A_PERSON = frozenset({OrderStatus.NEEDS_ATTENTION, OrderStatus.FAILED})


@dataclass(frozen=True)
class _Imported:
    """The BC document, with what was looked up on the way (nothing when an earlier attempt created it)."""

    document: BcSalesOrder
    skus: dict[str, ResolvedSku] = field(default_factory=dict)
    customer: BcCustomer | None = None
    note: str = ""


@dataclass(frozen=True)
class _Cancelled:
    """The web order was cancelled and its BC order is gone: deleted by Koppel now, or before (BC deletes a sales
    order once it is fully invoiced; or an earlier attempt of Koppel's deleted it)."""

    deleted_now: bool


class _UnansweredCreate(Exception):
    """The create was sent, no answer came, and BC does not show the order yet: it may still land."""


class _LookAlike(PermanentError):
    """BC has an order with the web order's document number that is not the web order's."""


def sync_order(sync: OrderSync, message: OrderMessage, worker: str) -> OrderRecord:
    """Import one web order version. Permanent problems park the order; retryable ones raise.

    `worker` names this delivery of the queue message (its id), so the host's retry of it may take back its claim.
    """
    held = _load(sync, message)
    order = _read(sync, held, message)
    if order is None:
        return held.record
    if not message.recheck:
        _note_payment_state(sync, held.record, order)
    if _claimed_by_other(sync, held.record, worker):
        return _defer(sync, held, message, "another worker is importing this order")
    skip_reason = "" if message.recheck and held.record.bc is not None else _skip_reason(sync, held.record, order)
    if skip_reason:
        _note_skipped(sync, held, order, message, skip_reason)
        return held.record
    try:
        _claim(sync, held, order, message, worker)
    except ConcurrencyConflict:
        return _defer(sync, held, message, "the order record changed while claiming it", CLAIM_RACE_DELAY)
    return _import_claimed(sync, held, order, message)


def _note_payment_state(sync: OrderSync, record: OrderRecord, order: Order) -> None:
    """What this version of the order says of its payment (a payment the shop took, or still unpaid); a version
    older than the one recorded says nothing new."""
    if sync.payments is None or (record.web_modified_at is not None and order.modified_at < record.web_modified_at):
        return
    accounts = sync.policy.payment_accounts.get(f"{order.key.source}:{order.key.shop}", ())
    providers = {account.provider for account in accounts}
    record_shop_payment(sync.payments, order, providers, sync.policy.controls.on_account_methods, sync.clock.now())
    if sync.unpaid is not None:
        track_unpaid(sync.unpaid, sync.payments, order, providers)
    named = provider_payment(order, accounts)
    if named is not None and sync.payment_intake is not None:
        account, payment_id = named
        key = WebOrderKey(source=account.provider, shop=account.account, order_id=payment_id)
        accept(sync.payment_intake, key, "payment.named_by_shop", f"named-by:{order.key}", b"")


def _import_claimed(sync: OrderSync, held: _Held, order: Order, message: OrderMessage) -> OrderRecord:
    """With the claim held: put the order in BC and record the outcome on the order and its event."""
    try:
        imported = _bring_in_line(sync, held, order) if held.record.bc is not None else _import(sync, held, order)
    except PermanentError as error:
        _save(sync, held, status=OrderStatus.NEEDS_ATTENTION, problem=error.reason, claim_owner="")
        sync.events.mark(order.key, message.event_id, EventStatus.PARKED, error.reason)
        return held.record
    except _UnansweredCreate:
        _save(sync, held, problem="BC did not answer the create; waiting to see whether it landed")
        return _defer(sync, held, message, "BC did not answer the create; checking again")
    except Exception as error:
        _release_after_failure(sync, held, str(error) or type(error).__name__)
        raise
    if isinstance(imported, _Cancelled):
        return _record_cancelled(sync, held, order, message, imported)
    document = imported.document
    pricing = _customer_pricing(sync, document, imported.skus)
    controls = run_controls(
        order,
        document,
        imported.skus,
        imported.customer,
        sync.policy.controls,
        pricing=pricing,
        settlement=_settlement(sync, order),
    )
    blockers = release_blockers(controls)
    _save(
        sync,
        held,
        status=OrderStatus.IN_BC,
        bc=document,
        bc_fingerprint=document.fingerprint(),
        bc_version=order.modified_at,
        bc_customer_number=document.customer_number,
        totals_agree=next(result.passed for result in controls if result.control == "totals"),
        controls=controls,
        release=_release(sync, document, blockers),
        problem="; ".join(f"{r.control}: {r.detail}" for r in controls if not r.passed),
        last_error="",
        claim_owner="",
    )
    sync.events.mark(order.key, message.event_id, EventStatus.PROCESSED, f"in BC as {document.number}{imported.note}")
    return held.record


def _settlement(sync: OrderSync, order: Order) -> Settlement | None:
    """What the order's matched payments bring in; None without payments or without a web total."""
    if sync.payments is None or order.total is None:
        return None
    payments = [record.payment for record in sync.payments.for_order(order.key)]
    if not payments:
        return None
    return settlement(Money(amount=order.total, currency=order.currency.upper()), payments)


def _customer_pricing(sync: OrderSync, document: BcSalesOrder, skus: dict[str, ResolvedSku]) -> CustomerPricing | None:
    if sync.prices is None:
        return None
    items = sorted({sku.item_number for sku in skus.values()})
    return sync.prices.customer_pricing(document.billed_customer_number, items)


def _record_cancelled(
    sync: OrderSync, held: _Held, order: Order, message: OrderMessage, cancelled: _Cancelled
) -> OrderRecord:
    """The BC order is gone with the web order. When Koppel deleted it and nothing was invoiced, the hold on its
    document number goes too; otherwise (BC removed it, fully invoiced) the order keeps the number and its document,
    so its invoices and credit memos are still filed on it. The number is given up after the save: a record saved
    without its BC order would file the number again; should the release fail, the retry, finding no BC order on the
    record, gives it up (`_give_up_claim`)."""
    document = held.record.bc
    assert document is not None
    gives_up = cancelled.deleted_now and not held.record.invoices
    _save(
        sync,
        held,
        status=OrderStatus.CANCELLED,
        bc=None if gives_up else document,
        bc_version=order.modified_at,
        release="",
        problem="",
        claim_owner="",
    )
    if gives_up:
        sync.orders.release_document(document.external_document_number, order.key)
    gone = "deleted" if cancelled.deleted_now else "was gone already (BC deletes an order once it is fully invoiced)"
    sync.events.mark(
        order.key, message.event_id, EventStatus.PROCESSED, f"cancelled in the shop: BC order {document.number} {gone}"
    )
    return held.record


def _bring_in_line(sync: OrderSync, held: _Held, order: Order) -> _Imported | _Cancelled:
    """A newer version of an order already in BC: change the unshipped, unreleased document line by line, delete
    it when the web order was cancelled, and leave anything shipped or released to a person."""
    assert held.record.bc is not None
    number = held.record.bc.number
    try:
        document = sync.bc.sales_order(held.record.bc.id)
        if document is None:
            if order.status in CANCELLED_STATUSES:
                return _Cancelled(deleted_now=False)
            raise PermanentError(f"BC order {number} no longer exists, but the shop changed the order since")
        if held.record.bc_fingerprint and document.fingerprint() != held.record.bc_fingerprint:
            raise PermanentError(f"{number} was changed in BC since Koppel wrote it: the shop's change is not applied")
        if order.status in CANCELLED_STATUSES:
            _may_change(document, "Cancelled in the shop")
            sync.bc.delete_sales_order(document)
            return _Cancelled(deleted_now=True)
        skus = _resolve_skus(sync.bc, order)
        customer = resolve_customer(sync.bc, sync.customers, order, sync.policy.default_customer_number)
        desired = business_central.sales_order(
            order,
            document.external_document_number,
            customer,
            skus,
            accounts=sync.policy.accounts,
            local_currency=sync.policy.local_currency,
        )
        plan = change_plan(document, desired)
        if plan.empty:
            return _Imported(document, skus, customer, "; nothing to change in BC")
        _may_change(document, f"Changed in the shop ({plan.describe()})")
        _save(sync, held, claim_expires_at=sync.clock.now() + sync.policy.claim_lease)
        return _Imported(sync.bc.apply_changes(document, plan), skus, customer, f"; brought in line: {plan.describe()}")
    except BusinessCentralRejected as error:
        raise PermanentError(f"BC refused the change to {number}: {error.message or error.code}") from None


def _may_change(document: BcSalesOrder, what: str) -> None:
    """Shipped or released documents are a person's to change: Koppel only says what the shop did."""
    if document.shipping_started:
        raise PermanentError(f"{what} after shipping started on {document.number}: not applied, handle it by hand")
    if document.released:
        raise PermanentError(f"{what}, but {document.number} is released in BC: reopen it there, then replay")


def _release(sync: OrderSync, document: BcSalesOrder, blockers: list[str]) -> str:
    """Released when every control passed and a release endpoint exists; otherwise why it waits."""
    if blockers:
        return f"held by {', '.join(blockers)}: a person decides in BC"
    try:
        released = sync.bc.release_sales_order(document.id)
    except BusinessCentralRejected as error:
        return f"ready, but BC refused the release: {error.message or error.code}"
    return RELEASED if released else "ready: release it in BC (no release endpoint is configured)"


def give_up(sync: OrderSync, message: OrderMessage) -> None:
    """The host moved the message to the poison queue: mark the order failed so a person sees it."""
    held = _load(sync, message)
    record = held.record
    reason = f"Gave up after {record.attempts} attempts; last error: {record.last_error or 'unknown'}"
    if _claim_is_live(sync, record):
        sync.events.mark(message.order_key, message.event_id, EventStatus.FAILED, f"{reason} (another worker goes on)")
        return
    if record.status is not OrderStatus.IN_BC:
        _save(sync, held, status=OrderStatus.FAILED, problem=reason, claim_owner="")
    sync.events.mark(message.order_key, message.event_id, EventStatus.FAILED, reason)


def _load(sync: OrderSync, message: OrderMessage) -> _Held:
    """The order's record, or a new one that its first save creates."""
    found = sync.orders.get(message.order_key)
    if found is not None:
        return _Held(*found)
    return _Held(OrderRecord(key=message.order_key, latest_event_id=message.event_id, updated_at=sync.clock.now()))


def _read(sync: OrderSync, held: _Held, message: OrderMessage) -> Order | None:
    try:
        if message.body is not None:
            body: bytes | None = message.body.encode("utf-8")
        else:
            body = sync.events.body(message.order_key, message.event_id)
        if body is None:
            raise PermanentError(f"the delivery {message.event_id} this message points to is not stored")
        return read_order(message.order_key, body)
    except PermanentError as error:
        if held.record.bc is None:
            _save(sync, held, status=OrderStatus.NEEDS_ATTENTION, problem=error.reason)
        sync.events.mark(message.order_key, message.event_id, EventStatus.PARKED, error.reason)
        return None


def _claim_is_live(sync: OrderSync, record: OrderRecord) -> bool:
    expires = record.claim_expires_at
    return bool(record.claim_owner) and expires is not None and expires > sync.clock.now()


def _claimed_by_other(sync: OrderSync, record: OrderRecord, worker: str) -> bool:
    return record.claim_owner != worker and _claim_is_live(sync, record)


def _defer(
    sync: OrderSync, held: _Held, message: OrderMessage, why: str, delay: timedelta | None = None
) -> OrderRecord:
    """Look again later without using up the message's attempts: a copy becomes visible after a delay
    (by default when the current claim runs out, but at least every `recheck_after`)."""
    if delay is None:
        expires = held.record.claim_expires_at
        remaining = expires - sync.clock.now() if expires else sync.policy.recheck_after
        delay = max(timedelta(seconds=1), min(remaining, sync.policy.recheck_after))
    sync.queue.send(message, delay)
    sync.events.mark(message.order_key, message.event_id, EventStatus.RECEIVED, f"waiting: {why}")
    return held.record


def _skip_reason(sync: OrderSync, record: OrderRecord, order: Order) -> str:
    if record.bc is not None:
        if record.bc_version is not None and order.modified_at <= record.bc_version:
            return f"already in BC as {record.bc.number} at this version or a later one"
        return ""
    if record.web_modified_at and order.modified_at < record.web_modified_at:
        return "an older version than the one already received"
    if not sync.policy.imports(order):
        waiting_for = ", ".join(sorted(sync.policy.import_statuses.get(order.key.source, ())))
        return f"web status '{order.status}' is not imported (waiting for: {waiting_for})"
    if _nothing_to_sell(order):
        return "nothing to sell: no product line and no fee (BC would get a document of shipping alone, or none)"
    return ""


def _nothing_to_sell(order: Order) -> bool:
    """No product line and no fee charged: a "simple payment" of 0.00, or an order emptied in the shop."""
    return not order.lines and not any(charge.kind == "fee" for charge in order.charges)


def _note_skipped(sync: OrderSync, held: _Held, order: Order, message: OrderMessage, reason: str) -> None:
    if held.record.bc is not None and held.record.latest_event_id == message.event_id:
        _settle_copy(sync, held.record.bc.number, message)
        return
    _give_up_claim(sync, held.record, order)
    importable = sync.policy.imports(order) and not _nothing_to_sell(order)
    if held.record.bc is None and held.record.status is not OrderStatus.CANCELLED and not importable:
        _save(sync, held, status=OrderStatus.NOT_IMPORTED, problem="", **_web_summary(order, message))
    sync.events.mark(order.key, message.event_id, EventStatus.IGNORED, reason)


def _give_up_claim(sync: OrderSync, record: OrderRecord, order: Order) -> None:
    """A web order cancelled without a BC order frees the document number it may hold: claimed before a create that
    was parked, or kept by an attempt that gave its BC order up but failed to release the number. An older version
    than the one recorded says nothing."""
    if record.bc is not None or order.status not in CANCELLED_STATUSES:
        return
    if record.web_modified_at is not None and order.modified_at < record.web_modified_at:
        return
    try:
        number = sync.policy.document_number(order)
    except PermanentError:
        return  # too long for BC: it was never claimed
    sync.orders.release_document(number, order.key)


def _settle_copy(sync: OrderSync, number: str, message: OrderMessage) -> None:
    """A copy of the delivery that is in BC already. A copy deferred while another worker imported it may have
    marked the event "waiting" after the import marked it processed: put that right, leave any other note."""
    event = sync.events.get(message.order_key, message.event_id)
    if event is not None and event.status is EventStatus.RECEIVED:
        sync.events.mark(message.order_key, message.event_id, EventStatus.PROCESSED, f"in BC as {number}")


def _claim(sync: OrderSync, held: _Held, order: Order, message: OrderMessage, worker: str) -> None:
    """Take the record with an ETag-conditional write, so two copies of one order never both create."""
    _save(
        sync,
        held,
        status=OrderStatus.IMPORTING,
        claim_owner=worker,
        claim_expires_at=sync.clock.now() + sync.policy.claim_lease,
        attempts=held.record.attempts + 1,
        **_web_summary(order, message),
    )


def _import(sync: OrderSync, held: _Held, order: Order) -> _Imported:
    """Claim the document number, find the order in BC by it, else create it; a lost reply is looked up, not
    re-sent."""
    number = sync.policy.document_number(order)
    _claim_document(sync, order.key, number)
    try:
        existing = _adopted(sync, order, number)
        if existing is not None:
            return _Imported(
                existing, _resolve_skus(sync.bc, order), note="; found in BC (created by an earlier attempt)"
            )
        skus = _resolve_skus(sync.bc, order)
        customer = resolve_customer(sync.bc, sync.customers, order, sync.policy.default_customer_number)
        payload = business_central.sales_order(
            order, number, customer, skus, accounts=sync.policy.accounts, local_currency=sync.policy.local_currency
        )
        _save(sync, held, claim_expires_at=sync.clock.now() + sync.policy.claim_lease)
        try:
            answer = sync.bc.create_sales_order(payload)
        except AmbiguousWriteError:
            created = _existing_document(sync, order, number)
            if created is None:
                raise _UnansweredCreate from None
            return _Imported(created, skus, customer)
        return _as_stored(sync, answer, len(payload["salesOrderLines"]), skus, customer)
    except BusinessCentralRejected as error:
        raise PermanentError(f"BC refused: {error.message or error.code}") from None


def _claim_document(sync: OrderSync, key: WebOrderKey, number: str) -> None:
    """Hold the BC document number before anything is created: BC itself accepts a second order with it."""
    holder = sync.orders.claim_document(number, key)
    if holder != key:
        raise PermanentError(
            f"BC document number {number} is held by web order {holder}: two web orders map to one "
            "externalDocumentNumber; give each shop its own document prefix (KOPPEL_<CHANNEL>_PREFIX_<SHOP>), then "
            "replay"
        )


def _as_stored(
    sync: OrderSync, answer: BcSalesOrder, lines_sent: int, skus: dict[str, ResolvedSku], customer: BcCustomer
) -> _Imported:
    """The created document as BC stored it: its answer, or, when the answer cannot be the whole document (lines
    missing, totals that do not fit them), the order read back once."""
    incomplete = incomplete_answer(answer, lines_sent)
    if not incomplete:
        return _Imported(answer, skus, customer)
    stored = sync.bc.sales_order(answer.id)
    return _Imported(stored or answer, skus, customer, f"; read back ({incomplete})")


def _adopted(sync: OrderSync, order: Order, number: str) -> BcSalesOrder | None:
    """The BC order an earlier attempt created, if any. A look-alike (a BC order keyed by hand or made for another
    shop) parks the web order, which gives the number up, or that order's invoices would be filed on it."""
    try:
        return _existing_document(sync, order, number)
    except _LookAlike:
        sync.orders.release_document(number, order.key)
        raise


def _existing_document(sync: OrderSync, order: Order, number: str) -> BcSalesOrder | None:
    """The BC order for this web order, if there is one; a look-alike that is not it parks the order."""
    found = sync.bc.find_sales_orders(number)
    if len(found) > 1:
        numbers = ", ".join(document.number for document in found)
        raise PermanentError(f"BC has several sales orders with externalDocumentNumber {number} ({numbers})")
    if not found:
        return None
    named_customer = order.customer.bc_customer_number
    if named_customer and found[0].customer_number != named_customer.upper():
        raise _LookAlike(
            f"BC already has sales order {found[0].number} with externalDocumentNumber {number} for customer "
            f"{found[0].customer_number}, not {named_customer}: give this channel a document prefix, then replay"
        )
    differences = totals_differences(order, found[0], sync.policy.controls.totals_tolerance)
    if differences:
        raise _LookAlike(
            f"BC already has sales order {found[0].number} with externalDocumentNumber {number}, but its amounts "
            f"are not the web order's ({'; '.join(differences)}): if it belongs to another shop or was keyed by "
            "hand, give this shop a document prefix; if it is this order, correct it; then replay"
        )
    return found[0]


def _resolve_skus(bc: BusinessCentral, order: Order) -> dict[str, ResolvedSku]:
    skus = bc.resolve_skus(sorted({line.sku for line in order.lines if line.sku}))
    for position, line in enumerate(order.lines, start=1):
        if not line.sku:
            product = f", {order.key.source} product {line.shop_product_id}" if line.shop_product_id else ""
            raise PermanentError(
                f"Line {position} ('{line.description}'{product}) has no SKU in the shop: its product was deleted "
                "or has no SKU. Restore the product or give it its SKU and save the order in the shop again, "
                "or enter the order in BC by hand"
            )
        found = skus.get(line.sku)
        if found is None:
            raise PermanentError(
                f"Unknown SKU '{line.sku}' on line {position} ('{line.description}'): "
                "no BC item or item variant has this number"
            )
        if found.blocked:
            raise PermanentError(f"Item {found.item_number} (SKU '{line.sku}', line {position}) is blocked in BC")
    return skus


def _web_summary(order: Order, message: OrderMessage) -> dict[str, object]:
    return {
        "web_number": order.number,
        "web_status": order.status,
        "web_modified_at": order.modified_at,
        "web_total": order.total,
        "web_currency": order.currency,
        "line_count": len(order.lines),
        "latest_event_id": message.event_id,
    }


def _release_after_failure(sync: OrderSync, held: _Held, error: str) -> None:
    """Keep the last error for the poison handler; let a duplicate message take over."""
    with suppress(RetryableError, ConcurrencyConflict):
        _save(sync, held, problem=f"Retrying after: {error}", last_error=error, claim_owner="")


def _save(sync: OrderSync, held: _Held, **changes: object) -> None:
    """Write the record if nobody changed it since this worker read it, or create it if it was not stored yet
    (ConcurrencyConflict otherwise), and keep the attention list in step when the order enters or leaves it."""
    before = held.record
    record = before.model_copy(update={**changes, "updated_at": sync.clock.now()})
    held.etag = sync.orders.replace(record, held.etag) if held.etag else sync.orders.create(record)
    held.record = record
    if record.status in NEEDS_A_PERSON and (before.status, before.problem) != (record.status, record.problem):
        sync.attention.flag(
            AttentionItem(
                key=record.key,
                status=record.status,
                problem=record.problem,
                web_number=record.web_number,
                since=sync.clock.now(),
            )
        )
    elif before.status in NEEDS_A_PERSON and record.status not in NEEDS_A_PERSON:
        sync.attention.clear(record.key)
