"""The catalogs' wiring: a catalog run per shop whose catalog Koppel writes, and the portal's catalog run and price
answers; each reads BC's catalog through the one adapter (functions/wiring/adapters.py)."""

from __future__ import annotations

from domain.catalog.ports import ChannelCatalog
from domain.catalog.sync_catalog import CatalogSync
from domain.portal.publish_catalog import PortalCatalogRun
from domain.portal.quote_prices import PortalPrices
from functions.wiring import log
from functions.wiring.adapters import Adapters
from integrations.businesscentral.customer_terms import BusinessCentralPortalSource
from integrations.shops.shopify.catalog import ShopifyCatalog
from integrations.shops.woocommerce.catalog import WooCommerceCatalog
from integrations.storage.portal_catalog import TablePortalCatalog
from integrations.storage.pushed_listings import TablePushedListings

PORTAL_CATALOG_RUN = "portal-catalog"


def catalog_syncs(adapters: Adapters) -> dict[str, CatalogSync]:
    """A run per WooCommerce shop with REST credentials and per Shopify shop with Admin API access, when BC's
    catalog pages are published; by run name."""
    source = adapters.bc_catalog
    if source is None:
        return {}
    config = adapters.config
    syncs: dict[str, CatalogSync] = {}
    for (kind, shop), channel in _channels(adapters).items():
        try:
            policy = config.listing_policy(kind, shop)
        except ValueError as error:
            log.error("catalog of %s shop %s not run: its catalog settings are invalid: %s", kind, shop, error)
            continue
        name = f"catalog-{kind}-{shop}"
        syncs[name] = CatalogSync(
            name=name,
            source=source,
            channel=channel,
            pushed=TablePushedListings(adapters.account, f"{kind}:{shop}"),
            runs=adapters.sync_runs,
            clock=adapters.company_clock,
            policy=policy,
            state=adapters.sync_state,
        )
    return syncs


def _channels(adapters: Adapters) -> dict[tuple[str, str], ChannelCatalog]:
    channels: dict[tuple[str, str], ChannelCatalog] = {
        ("woocommerce", shop): WooCommerceCatalog(client) for shop, client in adapters.woocommerce_clients.items()
    }
    channels |= {("shopify", shop): ShopifyCatalog(client) for shop, client in adapters.shopify_clients.items()}
    return channels


def portal(adapters: Adapters) -> tuple[PortalCatalogRun | None, PortalPrices | None]:
    """The portal's catalog run and price answers, when BC's price list, stock, customer and substitution pages
    are published and the portal's settings are valid."""
    config = adapters.config
    catalog = adapters.bc_catalog
    customers = config.bc_web_service_url(config.bc_customer_service)
    substitutions = config.bc_web_service_url(config.bc_substitution_service)
    if catalog is None or customers is None or substitutions is None:
        return None, None
    try:
        policy = config.portal_policy()
    except ValueError as error:
        log.error("portal catalog not kept: its settings are invalid: %s", error)
        return None, None
    store = TablePortalCatalog(adapters.account)
    run = PortalCatalogRun(
        name=PORTAL_CATALOG_RUN,
        catalog=catalog,
        terms=BusinessCentralPortalSource(adapters.bc, customers, substitutions),
        store=store,
        runs=adapters.sync_runs,
        clock=adapters.company_clock,
        stock=policy.stock,
    )
    return run, PortalPrices(catalog=store, policy=policy, clock=adapters.company_clock)
