"""The refunds' wiring: the run that pays back BC's credit memos at the providers, on the shops whose refunds come
from BC, and tells those shops."""

from __future__ import annotations

from domain.refunds.held_payments import Providers
from domain.refunds.ports import ShopRefunds
from domain.refunds.refunding import CreditMemoRefunding
from functions.wiring import log
from functions.wiring.adapters import Adapters
from integrations.businesscentral.credit_memos import BusinessCentralCreditMemos
from integrations.businesscentral.posted_credit_memos import BusinessCentralPostedCreditMemos
from integrations.settings import Settings
from integrations.shops.shopify.refunds import ShopifyRefunds
from integrations.shops.woocommerce.refunds import WooCommerceRefunds


def credit_memo_refunding(adapters: Adapters) -> CreditMemoRefunding:
    """The run; with refund origins that do not read, or without Koppel's BC page of posted credit memos and refund
    lines (KOPPEL_BC_REFUND_API), no shop's refunds come from BC (said once): Koppel then moves no money."""
    config = adapters.config
    shops: dict[tuple[str, str], ShopRefunds] = {
        ("woocommerce", shop): WooCommerceRefunds(client) for shop, client in adapters.woocommerce_clients.items()
    }
    shops |= {("shopify", shop): ShopifyRefunds(client) for shop, client in adapters.shopify_clients.items()}
    return CreditMemoRefunding(
        credit_memos=BusinessCentralCreditMemos(adapters.bc),
        posted=BusinessCentralPostedCreditMemos(adapters.bc, config.bc_refund_url or ""),
        orders=adapters.orders,
        payments=adapters.payments,
        providers=Providers(config.payment_accounts(), adapters.payment_readers, adapters.payment_refunds),
        shops=shops,
        refunds=adapters.refunds,
        state=adapters.sync_state,
        runs=adapters.sync_runs,
        clock=adapters.clock,
        from_bc=_refunds_from_bc(config),
        local_currency=config.local_currency,
    )


def _refunds_from_bc(config: Settings) -> frozenset[tuple[str, str]]:
    """The shops whose refunds come from BC; none (said once) when their origins do not read or Koppel's refund API
    (its page of posted credit memos, its refund lines) is not set."""
    try:
        from_bc = config.refunds_from_bc()
    except ValueError as error:
        log.error("no credit memo is refunded by Koppel: %s", error)
        return frozenset()
    if from_bc and config.bc_refund_url is None:
        log.error("no credit memo is refunded by Koppel: a shop's refund origin is bc, KOPPEL_BC_REFUND_API is not set")
        return frozenset()
    return from_bc
