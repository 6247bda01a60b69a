"""What filing invoices needs of BC: its posted invoices and credit memos, and webhook subscriptions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from domain.invoices.credit_memo import BcCreditMemo
from domain.invoices.invoice import BcInvoice
from domain.invoices.subscriptions import BcSubscription


class Invoices(Protocol):
    """BC's sales invoices: posted ones, and the unposted (Draft, In Review) ones salesInvoices lists too."""

    def changed_since(self, since: datetime | None) -> Iterable[BcInvoice]:
        """Every invoice BC stamped after `since` (all of them when None), oldest change first."""
        ...

    def at(self, resource: str) -> list[BcInvoice]:
        """The invoices a webhook notification names: one invoice's URL or a collection URL with a filter; [] when
        the invoice is gone."""
        ...

    def get(self, invoice_id: str) -> BcInvoice | None:
        """The invoice as BC has it now (one GET); None when it is gone."""
        ...


class CreditMemos(Protocol):
    """BC's posted sales credit memos."""

    def changed_since(self, since: datetime | None) -> Iterable[BcCreditMemo]:
        """Every credit memo BC stamped after `since` (all of them when None), oldest change first."""
        ...

    def at(self, resource: str) -> list[BcCreditMemo]:
        """The credit memos a webhook notification names; [] when the credit memo is gone."""
        ...


class Subscriptions(Protocol):
    """BC's webhook subscriptions (`api/v2.0/subscriptions`, not under a company)."""

    def all(self) -> list[BcSubscription]: ...

    def get(self, subscription_id: str) -> BcSubscription | None:
        """The subscription as BC has it now; None when BC no longer has it."""
        ...

    def create(self, resource: str, notification_url: str, client_state: str) -> BcSubscription:
        """Subscribe; BC first calls `notification_url` with a validationToken (BusinessCentralRejected when that
        handshake fails)."""
        ...

    def renew(self, subscription: BcSubscription, notification_url: str, client_state: str) -> BcSubscription:
        """Three more days from now (If-Match), at this URL and client state; BC repeats the handshake."""
        ...
