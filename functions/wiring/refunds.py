"""The refunds' wiring: the run that pays back BC's credit memos at the providers, on the shops whose refunds come
from BC, and tells those shops; on the shops whose refunds start in the shop, where the order worker notes their
refunds and the run that credits them in BC; the portal's return requests and the run that makes them BC return
orders."""

from __future__ import annotations

from domain.refunds.credit_shop_refunds import ShopRefundCrediting
from domain.refunds.held_payments import Providers
from domain.refunds.portal_returns import PortalReturns
from domain.refunds.ports import ShopRefunds
from domain.refunds.refund_before_invoice import OrderChanges
from domain.refunds.refunding import CreditMemoRefunding
from domain.refunds.shop_origin_ports import ShopRefundDetails
from domain.refunds.shop_refund_notes import RefundNotes
from functions.wiring import log
from functions.wiring.adapters import Adapters
from integrations.businesscentral.api import BusinessCentralApi
from integrations.businesscentral.credit_memo_drafts import BusinessCentralCreditMemoDrafts
from integrations.businesscentral.credit_memos import BusinessCentralCreditMemos
from integrations.businesscentral.posted_credit_memos import BusinessCentralPostedCreditMemos
from integrations.businesscentral.return_orders import BusinessCentralReturnOrders
from integrations.businesscentral.vat import BusinessCentralVat
from integrations.settings import Settings
from integrations.shops.shopify.refund_details import ShopifyRefundDetails
from integrations.shops.shopify.refunds import ShopifyRefunds
from integrations.shops.woocommerce.refund_details import WooCommerceRefundDetails
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


def shop_refund_notes(adapters: Adapters) -> RefundNotes:
    """Where the order worker notes the refunds of the shops whose refunds Koppel credits in BC (perhaps none), and
    reads, on every shop, the units refunds took off BC's orders: those stay off whatever is credited now."""
    channels = frozenset(_credited_shops(adapters))
    return RefundNotes(credits=adapters.shop_refund_credits, channels=channels)


def shop_refund_crediting(adapters: Adapters) -> ShopRefundCrediting:
    """The run `shop-refunds`: the refunds noted on the shops whose refunds start in the shop, credited in BC (units
    refunded before BC shipped them taken off its order, through the order worker's queue)."""
    config = adapters.config
    _, posted = _credit_memo_modes(config)
    return ShopRefundCrediting(
        credits=adapters.shop_refund_credits,
        orders=adapters.orders,
        shops=_credited_shops(adapters),
        bc=BusinessCentralCreditMemoDrafts(adapters.bc, _vat_setup(config, adapters)),
        skus=BusinessCentralApi(adapters.bc),
        accounts=config.charge_accounts(),
        runs=adapters.sync_runs,
        clock=adapters.clock,
        local_currency=config.local_currency,
        posts=posted,
        unshipped=OrderChanges(sales_orders=BusinessCentralApi(adapters.bc), queue=adapters.order_queue),
    )


def _vat_setup(config: Settings, adapters: Adapters) -> BusinessCentralVat | None:
    """The published VAT Posting Setup (KOPPEL_BC_VAT_SETUP_SERVICE) of Koppel's VAT business group, which tells the
    VAT group of units a customer keeps; None when the page is not published (such units then go to a person)."""
    setup_url = config.bc_web_service_url(config.bc_vat_setup_service)
    if setup_url is None:
        return None
    items_url = config.bc_web_service_url(config.bc_item_list_service) or ""
    return BusinessCentralVat(adapters.bc, items_url, setup_url, config.bc_vat_business_group)


def portal_returns(adapters: Adapters) -> PortalReturns:
    """The portal's return requests; made into BC return orders through Koppel's page (KOPPEL_BC_RETURNS_API),
    else by a person."""
    url = adapters.config.bc_returns_url
    return PortalReturns(
        requests=adapters.return_requests,
        orders=adapters.orders,
        clock=adapters.clock,
        runs=adapters.sync_runs,
        bc=BusinessCentralReturnOrders(adapters.bc, url) if url else None,
    )


def _credited_shops(adapters: Adapters) -> dict[tuple[str, str], ShopRefundDetails]:
    """Per shop whose refunds Koppel credits in BC, where they are read itemised: WooCommerce shops with REST
    credentials, Shopify shops."""
    credited, _ = _credit_memo_modes(adapters.config)
    readers: dict[tuple[str, str], ShopRefundDetails] = {
        ("woocommerce", shop): WooCommerceRefundDetails(client) for shop, client in adapters.woocommerce_clients.items()
    }
    readers |= {("shopify", shop): ShopifyRefundDetails(client) for shop, client in adapters.shopify_clients.items()}
    return {where: reader for where, reader in readers.items() if where in credited}


def _credit_memo_modes(config: Settings) -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]]]:
    """The shops whose refunds Koppel credits, and those whose credit memos it posts; none (said once) when the
    settings do not read."""
    try:
        return config.shop_refund_credit_memos()
    except ValueError as error:
        log.error("no shop refund is credited in BC by Koppel: %s", error)
        return frozenset(), frozenset()
