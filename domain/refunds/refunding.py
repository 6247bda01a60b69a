"""What the run `credit-memo-refunds` works with: BC's credit memos, Koppel's stores, the providers and the shops."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from domain.invoices.ports import CreditMemos
from domain.payments.ports import PaymentStore
from domain.ports import Clock, OrderStore, SyncRuns, SyncState
from domain.refunds.held_payments import Providers
from domain.refunds.ports import PostedCreditMemos, RefundStore, ShopRefunds

RUN_NAME = "credit-memo-refunds"


@dataclass(frozen=True)
class CreditMemoRefunding:
    credit_memos: CreditMemos
    posted: PostedCreditMemos
    """Whether a credit memo API v2.0 lists as Open is posted (a released draft is Open too)."""
    orders: OrderStore
    payments: PaymentStore
    providers: Providers
    shops: Mapping[tuple[str, str], ShopRefunds]
    """Per (source, shop): where the shop is told; a shop not here is not told."""
    refunds: RefundStore
    state: SyncState
    runs: SyncRuns
    clock: Clock
    from_bc: frozenset[tuple[str, str]]
    """The (source, shop) channels whose refunds come from BC."""
    local_currency: str
    first_lookback: timedelta = timedelta(days=7)
    name: str = RUN_NAME
