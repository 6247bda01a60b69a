"""A newer version of a web order already in BC: its BC order brought in line line by line, or deleted when the web
order was cancelled; a document shipped, released or edited in BC since Koppel wrote it is left to a person."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import BusinessCentralRejected, PermanentError
from domain.models import BcSalesOrder, Order
from domain.orders.claim import renew_claim
from domain.orders.create_order import Imported, resolve_skus
from domain.orders.customers import resolve_customer
from domain.orders.mapping import business_central
from domain.orders.rules.document_changes import change_plan
from domain.orders.web_statuses import cancelled
from domain.orders.worker import Held, OrderSync
from domain.refunds.taken_off_web_order import less_units_taken_off


class NoInvoiceFiledYet(PermanentError):
    """The BC order is gone, the web order not cancelled, and no invoice of it is filed yet: BC may have invoiced it
    moments ago (the invoice poll or BC's notification files it soon); else a person looks."""


class InvoicedInFull(Exception):
    """The BC order is gone because BC invoiced it in full: a later version of the web order (a refund, a status the
    shop set) changes nothing in BC; refunds are credited on their own (domain/refunds/)."""


@dataclass(frozen=True)
class Cancelled:
    """The web order was cancelled and its BC order is gone: deleted by Koppel now, or before (BC deletes a sales
    order once it is fully invoiced; or an earlier attempt of Koppel's deleted it)."""

    deleted_now: bool


def bring_in_line(sync: OrderSync, held: Held, order: Order) -> Imported | Cancelled:
    """Change the unshipped, unreleased document line by line, delete it when the web order was cancelled, and
    leave anything shipped or released to a person."""
    assert held.record.bc is not None
    number = held.record.bc.number
    try:
        document = sync.bc.sales_order(held.record.bc.id)
        if document is None:
            if cancelled(order):
                return Cancelled(deleted_now=False)
            if any(invoice.posted for invoice in held.record.invoices):
                raise InvoicedInFull(f"BC order {number} is invoiced in full: the shop's change is not applied")
            raise NoInvoiceFiledYet(f"BC order {number} no longer exists, but the shop changed the order since")
        if held.record.bc_fingerprint and document.fingerprint() != held.record.bc_fingerprint:
            raise PermanentError(f"{number} was changed in BC since Koppel wrote it: the shop's change is not applied")
        if cancelled(order):
            _may_change(document, "Cancelled in the shop")
            sync.bc.delete_sales_order(document)
            return Cancelled(deleted_now=True)
        return _changed(sync, held, order, document)
    except BusinessCentralRejected as error:
        raise PermanentError(f"BC refused the change to {number}: {error.message or error.code}") from None


def with_units_taken_off(sync: OrderSync, order: Order) -> Order:
    """The web order less the units its refunds took off BC's order before BC invoiced them
    (domain/refunds/taken_off_web_order.py): what BC's order is brought in line with and controlled against."""
    return order if sync.refund_notes is None else less_units_taken_off(order, sync.refund_notes.credits)


def _changed(sync: OrderSync, held: Held, order: Order, document: BcSalesOrder) -> Imported:
    """The document with the web order's changes applied (nothing to change: as it is)."""
    skus = resolve_skus(sync.bc, order)
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
        return Imported(document, skus, customer, "; nothing to change in BC")
    _may_change(document, f"Changed in the shop ({plan.describe()})")
    renew_claim(sync, held)
    return Imported(sync.bc.apply_changes(document, plan), skus, customer, f"; brought in line: {plan.describe()}")


def _may_change(document: BcSalesOrder, what: str) -> None:
    """Shipped or released documents are a person's to change: Koppel only says what the shop did."""
    if document.shipping_started:
        raise PermanentError(f"{what} after shipping started on {document.number}: not applied, handle it by hand")
    if document.released:
        raise PermanentError(f"{what}, but {document.number} is released in BC: reopen it there, then replay")
