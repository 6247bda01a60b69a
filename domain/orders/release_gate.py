"""Whether an order in BC may be released: its controls, run on the document as BC stored it (prices as the
customer's pricing gives them, the money its matched payments bring in), and the release when every one passed."""

from __future__ import annotations

from domain.catalog.prices import CustomerPricing
from domain.errors import BusinessCentralRejected
from domain.models import BcSalesOrder, Order, ResolvedSku
from domain.orders.create_order import Imported
from domain.orders.rules.controls import ControlResult, release_blockers, run_controls
from domain.orders.worker import OrderSync
from domain.payments.matching import Settlement, settlement

RELEASED = "released"
"""OrderRecord.release once BC released the order."""


def controls(sync: OrderSync, order: Order, imported: Imported) -> list[ControlResult]:
    return run_controls(
        order,
        imported.document,
        imported.skus,
        imported.customer,
        sync.policy.controls,
        pricing=_customer_pricing(sync, imported.document, imported.skus),
        settlement=_settlement(sync, order),
    )


def release(sync: OrderSync, document: BcSalesOrder, results: list[ControlResult]) -> str:
    """Released when every control passed and a release endpoint exists; otherwise why it waits."""
    blockers = release_blockers(results)
    if blockers:
        return f"held by {', '.join(blockers)}: a person decides in BC"
    try:
        released = sync.bc.release_sales_order(document.id)
    except BusinessCentralRejected as error:
        return f"ready, but BC refused the release: {error.message or error.code}"
    return RELEASED if released else "ready: release it in BC (no release endpoint is configured)"


def _settlement(sync: OrderSync, order: Order) -> Settlement | None:
    """What the order's matched payments bring in; None without payments or without a web total."""
    if sync.payments is None or order.total is None:
        return None
    payments = [record.payment for record in sync.payments.for_order(order.key)]
    if not payments:
        return None
    return settlement(order.total, order.currency, payments)


def _customer_pricing(sync: OrderSync, document: BcSalesOrder, skus: dict[str, ResolvedSku]) -> CustomerPricing | None:
    if sync.prices is None:
        return None
    items = sorted({sku.item_number for sku in skus.values()})
    return sync.prices.customer_pricing(document.billed_customer_number, items)
