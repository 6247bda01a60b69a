"""One Shopify shop, one client-credentials token per process: the catalog sync and the order feed share it.

Shopify's client credentials grant (shopify.dev/docs/apps/build/authentication-authorization/access-tokens/
client-credentials-grant) answers a token valid 24 hours; two caches for one shop would ask for two."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from functions.container import container
from integrations.shops.shopify.catalog import ShopifyCatalog
from integrations.shops.shopify.orders import ShopifyOrderFeed
from localdev.simulators.shopify import ShopifySimulator


@pytest.fixture
def shop() -> Iterator[ShopifySimulator]:
    with ShopifySimulator(access_token="") as simulator:
        yield simulator


def test_the_catalog_and_the_order_feed_of_a_shop_share_one_token(
    app_settings: str, monkeypatch: pytest.MonkeyPatch, shop: ShopifySimulator
):
    name = app_settings.upper().replace("-", "_")
    monkeypatch.setenv("KOPPEL_BC_COMPANY_NAME", "CRONUS")
    monkeypatch.setenv("KOPPEL_BC_PRICE_LIST_SERVICE", "KoppelPriceListLines")
    monkeypatch.setenv("KOPPEL_SHOPIFY_SHOPS", app_settings)
    for kind, value in (
        ("SECRET", shop.client_secret),
        ("URL", shop.url),
        ("CLIENT_ID", shop.client_id),
        ("CLIENT_SECRET", shop.client_secret),
    ):
        monkeypatch.setenv(f"KOPPEL_SHOPIFY_{kind}_{name}", value)
    built = container()
    feed = built.order_feeds[("shopify", app_settings)]
    catalog = built.catalog_syncs[f"catalog-shopify-{app_settings}"].channel
    assert isinstance(feed, ShopifyOrderFeed)
    assert isinstance(catalog, ShopifyCatalog)

    assert list(feed.modified_since(datetime.now(UTC) - timedelta(hours=1))) == []
    assert catalog._location().startswith("gid://shopify/Location/")
    assert shop.tokens.granted == 1
