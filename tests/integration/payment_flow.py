"""A paid web order on the local stack, as the payment tests and the refund tests need it: placed in the
WooCommerce shop, paid through Mollie as the shop's plugin would, matched, and booked once BC invoices it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.payments.record import MatchStatus, PaymentRecord
from integrations.storage.account import StorageAccount
from integrations.storage.payment_store import TablePaymentStore
from localdev.mollie_payments import pay_with_mollie
from localdev.stack import PAYMENT_ACCOUNT, LocalStack
from tests.integration.support import a_catalog_order, deliver_order, dossier, settled_dossier, wait_for
from tests.payment_support import stored_payment


def recorded_payment(stack: LocalStack, provider: str, payment_id: str, status: MatchStatus) -> PaymentRecord:
    """The payment's record once it has `status`."""
    store = TablePaymentStore(StorageAccount(stack.azurite.connection_string))

    def recorded() -> PaymentRecord | None:
        found = stored_payment(store, provider, PAYMENT_ACCOUNT, payment_id)
        return found if found is not None and found.status is status else None

    return wait_for(recorded)


def placed_order_total(stack: LocalStack, order_id: int) -> Decimal:
    """A catalog order placed in the WooCommerce shop and settled in BC: its total."""
    deliver_order(stack, a_catalog_order(stack, order_id))
    return Decimal(str(settled_dossier(stack, order_id)["web_order"]["total"]))


def booked_dossier(stack: LocalStack, order_id: int) -> dict[str, Any]:
    """The dossier once BC's invoice is filed on the order and every payment on it is booked."""

    def booked() -> dict[str, Any] | None:
        body: dict[str, Any] = dossier(stack, order_id).json()
        bookings = [payment["booking"] for payment in body["payments"]]
        done = body["invoices"] and bookings and all(b and b["state"] == "booked" for b in bookings)
        return body if done else None

    return wait_for(booked, timeout=60)


def paid_invoiced_and_booked(stack: LocalStack) -> tuple[int, str, dict[str, Any]]:
    """An order placed in the shop, paid through Mollie, shipped and invoiced in BC, the payment booked: its id,
    the Mollie payment and BC's invoice as the dossier shows it."""
    assert stack.woocommerce is not None
    placed = stack.woocommerce.place_order(a_catalog_order(stack))
    order_id = int(placed["id"])
    total = Decimal(str(settled_dossier(stack, order_id)["web_order"]["total"]))
    payment_id = pay_with_mollie(stack, order_id, total)
    recorded_payment(stack, "mollie", payment_id, MatchStatus.MATCHED)
    stack.bc_probe().ship_and_invoice(settled_dossier(stack, order_id)["bc_document"]["id"])
    [invoice] = booked_dossier(stack, order_id)["invoices"]
    return order_id, payment_id, invoice
