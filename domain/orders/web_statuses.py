"""What each channel's web order statuses mean to Koppel: which are imported into BC (unless the settings say
otherwise) and which mean the order is cancelled. One table, read by the order worker and by the payments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.models import Order
from domain.orders.mapping import portal, shopify, woocommerce


@dataclass(frozen=True)
class WebStatuses:
    imported: tuple[str, ...]
    """Imported into BC by default; `KOPPEL_<CHANNEL>_IMPORT_STATUSES` may name others (not for the portal)."""
    cancelled: frozenset[str]
    """The order will be neither delivered nor paid: its BC order is deleted (unless shipped or released), its
    document number freed, and it is no longer an unpaid order a payment may be matched to."""


WEB_STATUSES: Mapping[str, WebStatuses] = {
    woocommerce.SOURCE: WebStatuses(
        imported=("processing", "on-hold", "completed"),
        cancelled=frozenset({"cancelled", "refunded", "failed", "trash"}),
    ),
    shopify.SOURCE: WebStatuses(
        # partially_refunded: paid, and part paid back; what is left (the current quantities) is what ships
        imported=("pending", "authorized", "partially_paid", "paid", "partially_refunded"),
        # the financial status, or "cancelled" once cancelled_at is set (mapping/shopify.py)
        cancelled=frozenset({"cancelled", "refunded", "voided"}),
    ),
    portal.SOURCE: WebStatuses(imported=("placed",), cancelled=frozenset({"cancelled"})),
}


def cancelled(order: Order) -> bool:
    """The web order was cancelled in its channel (an unknown channel's orders never are)."""
    statuses = WEB_STATUSES.get(order.key.source)
    return statuses is not None and order.status in statuses.cancelled
