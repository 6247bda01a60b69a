"""Which web orders become BC sales orders, under which document number, and the settings that shape the import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from domain.errors import PermanentError
from domain.models import Order
from domain.orders.mapping import business_central
from domain.orders.mapping.business_central import ChargeAccounts
from domain.orders.rules.controls import ControlPolicy
from domain.orders.web_statuses import WEB_STATUSES
from domain.payments.accounts import PaymentAccount
from domain.records import OrderRecord


@dataclass(frozen=True)
class ImportPolicy:
    """Settings that shape how web orders become BC sales orders."""

    accounts: ChargeAccounts
    local_currency: str
    controls: ControlPolicy
    default_customer_number: str | None = None
    import_statuses: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """By channel: the web statuses imported where the settings name them; other channels import their default
    ones (web_statuses.py)."""
    document_prefixes: Mapping[str, str] = field(default_factory=dict)
    claim_lease: timedelta = timedelta(minutes=10)
    recheck_after: timedelta = timedelta(seconds=5)
    payment_accounts: Mapping[str, tuple[PaymentAccount, ...]] = field(default_factory=dict)
    """By `source:shop`: the payment provider accounts Koppel reads that pay that shop's orders."""

    def imported_statuses(self, source: str) -> frozenset[str]:
        if source in self.import_statuses:
            return self.import_statuses[source]
        statuses = WEB_STATUSES.get(source)
        return frozenset(statuses.imported) if statuses else frozenset()

    def imports(self, order: Order) -> bool:
        return order.status in self.imported_statuses(order.key.source)

    def document_number(self, order: Order) -> str:
        """externalDocumentNumber: the shop's prefix (when several shops share a company) + web order number."""
        number = self.document_prefixes.get(f"{order.key.source}:{order.key.shop}", "") + order.number
        if len(number) > business_central.MAX_EXTERNAL_DOCUMENT_NUMBER:
            raise PermanentError(
                f"Web order number '{number}' is longer than the {business_central.MAX_EXTERNAL_DOCUMENT_NUMBER} "
                "characters BC keeps in externalDocumentNumber"
            )
        return business_central.external_document_number(number)

    def importable(self, order: Order) -> bool:
        """Its status is imported and it has something to sell."""
        return self.imports(order) and not nothing_to_sell(order)


def skip_reason(policy: ImportPolicy, record: OrderRecord, order: Order) -> str:
    """Why this version of the web order is not for BC now ("" when it is)."""
    if record.bc is not None:
        if record.bc_version is not None and order.modified_at <= record.bc_version:
            return f"already in BC as {record.bc.number} at this version or a later one"
        return ""
    if older_than_recorded(record, order):
        return "an older version than the one already received"
    if not policy.imports(order):
        waiting_for = ", ".join(sorted(policy.imported_statuses(order.key.source)))
        return f"web status '{order.status}' is not imported (waiting for: {waiting_for})"
    if nothing_to_sell(order):
        return "nothing to sell: no product line and no fee (BC would get a document of shipping alone, or none)"
    return ""


def older_than_recorded(record: OrderRecord, order: Order) -> bool:
    """A version older than the one the record has: it says nothing new."""
    return record.web_modified_at is not None and order.modified_at < record.web_modified_at


def nothing_to_sell(order: Order) -> bool:
    """No product line and no fee charged: a "simple payment" of 0.00, or an order emptied in the shop."""
    return not order.lines and not any(charge.kind == "fee" for charge in order.charges)
