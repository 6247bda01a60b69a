"""A web order's first way into BC, exactly once: its document number claimed, an order an earlier attempt created
found by that number and adopted (a look-alike never is), else the order created; a lost answer is looked up, never
re-sent. What comes back is the document as BC stored it, read back when the create's answer cannot be all of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.errors import AmbiguousWriteError, BusinessCentralRejected, PermanentError
from domain.models import BcCustomer, BcSalesOrder, Order, ResolvedSku
from domain.orders.claim import claim_document, renew_claim
from domain.orders.customers import resolve_customer
from domain.orders.mapping import business_central
from domain.orders.ports import BusinessCentral
from domain.orders.rules.create_answer import incomplete_answer
from domain.orders.rules.totals import totals_differences
from domain.orders.worker import Held, OrderSync


@dataclass(frozen=True)
class Imported:
    """The BC document, with what was looked up on the way (nothing when an earlier attempt created it)."""

    document: BcSalesOrder
    skus: dict[str, ResolvedSku] = field(default_factory=dict)
    customer: BcCustomer | None = None
    note: str = ""


class UnansweredCreate(Exception):
    """The create was sent, no answer came, and BC does not show the order yet: it may still land."""


class _LookAlike(PermanentError):
    """BC has an order with the web order's document number that is not the web order's."""


def create_order(sync: OrderSync, held: Held, order: Order) -> Imported:
    """Claim the document number, find the order in BC by it, else create it; a lost reply is looked up, not
    re-sent."""
    number = sync.policy.document_number(order)
    claim_document(sync, order.key, number)
    try:
        existing = _adopted(sync, order, number)
        if existing is not None:
            return Imported(
                existing, resolve_skus(sync.bc, order), note="; found in BC (created by an earlier attempt)"
            )
        skus = resolve_skus(sync.bc, order)
        customer = resolve_customer(sync.bc, sync.customers, order, sync.policy.default_customer_number)
        payload = business_central.sales_order(
            order, number, customer, skus, accounts=sync.policy.accounts, local_currency=sync.policy.local_currency
        )
        renew_claim(sync, held)
        try:
            answer = sync.bc.create_sales_order(payload)
        except AmbiguousWriteError:
            created = _existing_document(sync, order, number)
            if created is None:
                raise UnansweredCreate from None
            return Imported(created, skus, customer)
        return _as_stored(sync, answer, len(payload["salesOrderLines"]), skus, customer)
    except BusinessCentralRejected as error:
        raise PermanentError(f"BC refused: {error.message or error.code}") from None


def _as_stored(
    sync: OrderSync, answer: BcSalesOrder, lines_sent: int, skus: dict[str, ResolvedSku], customer: BcCustomer
) -> Imported:
    """The created document as BC stored it: its answer, or, when the answer cannot be the whole document (lines
    missing, totals that do not fit them), the order read back once."""
    incomplete = incomplete_answer(answer, lines_sent)
    if not incomplete:
        return Imported(answer, skus, customer)
    stored = sync.bc.sales_order(answer.id)
    return Imported(stored or answer, skus, customer, f"; read back ({incomplete})")


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


def resolve_skus(bc: BusinessCentral, order: Order) -> dict[str, ResolvedSku]:
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
