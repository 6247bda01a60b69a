"""Koppel's Shopify access against the simulator's client credentials grant, whose tokens expire (item 14).

Vendor shape: an app made in the Dev Dashboard (the only kind since 2026-01-01) gets its Admin API token from
`POST https://{shop}.myshopify.com/admin/oauth/access_token` (`grant_type=client_credentials`, `client_id`,
`client_secret`) answered `{"access_token", "scope", "expires_in"}`, valid 24 hours
(shopify.dev/docs/apps/build/authentication-authorization/access-tokens/client-credentials-grant; Shopify staff at
community.shopify.dev/t/29472); an expired token is answered 401. Before this, Koppel took only a static token: one
fetched this way stopped both order recovery and the catalog with "Shopify answered 401" a day later.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from domain.errors import RetryableError
from integrations.settings import SHOPIFY_DEFAULT_VERSION
from integrations.shops.shopify.access import access_token, granted_token
from integrations.shops.shopify.catalog import ShopifyCatalog
from integrations.shops.shopify.client import ShopifyClient
from integrations.shops.shopify.orders import ShopifyOrderFeed
from localdev.simulators.shopify import ShopifySimulator
from tests.support.clocks import MonotonicClock
from tests.support.woocommerce import ShopCustomer, ShopLine

DAY = 86400.0
LINE = (ShopLine("KOF-1001", "Koffie", 1, Decimal(10)),)


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture
def clock() -> MonotonicClock:
    return MonotonicClock()


@pytest.fixture
def shop(clock: MonotonicClock) -> Iterator[ShopifySimulator]:
    """A shop whose app was made in the Dev Dashboard: no static token, only the grant."""
    with ShopifySimulator(access_token="", clock=clock) as simulator:
        yield simulator


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


def _orders(feed: ShopifyOrderFeed) -> list[bytes]:
    return list(feed.modified_since(datetime.now(UTC) - timedelta(hours=1)))


def test_recovery_and_the_catalog_keep_working_after_the_token_expires(
    shop: ShopifySimulator, http: httpx.Client, clock: MonotonicClock
):
    """Koppel's own clock does not know the token expired: Shopify's 401 makes it ask for a new one, once."""
    shop.place_order(LINE, ShopCustomer("A", "B", "a@example.nl"))
    token = access_token(http, shop.url, "", shop.client_id, shop.client_secret)
    admin = ShopifyClient(http, shop.url, SHOPIFY_DEFAULT_VERSION, token)
    feed, catalog = ShopifyOrderFeed(admin), ShopifyCatalog(admin)

    assert len(_orders(feed)) == 1
    clock.now += DAY
    assert len(_orders(feed)) == 1
    assert catalog.push([]) == []
    assert catalog._location().startswith("gid://shopify/Location/")
    assert shop.tokens.granted == 2


def test_the_token_is_renewed_shortly_before_it_expires_without_waiting_for_a_401(
    shop: ShopifySimulator, http: httpx.Client, clock: MonotonicClock
):
    token = granted_token(http, shop.url, shop.client_id, shop.client_secret, clock=clock)
    feed = ShopifyOrderFeed(ShopifyClient(http, shop.url, SHOPIFY_DEFAULT_VERSION, token))

    _orders(feed)
    clock.now += DAY - 600
    _orders(feed)
    assert shop.tokens.granted == 1
    clock.now += 400
    _orders(feed)
    assert shop.tokens.granted == 2


def test_a_version_shopify_no_longer_supports_is_logged_as_a_warning(
    http: httpx.Client, caplog: pytest.LogCaptureFixture
):
    """Shopify serves a call to an unsupported version with the oldest supported one and names the version used in
    `X-Shopify-API-Version` (shopify.dev/tutorials/update-your-app-to-a-new-api-version, "Log for API response
    headers")."""
    with ShopifySimulator(access_token="shpat_1", oldest_supported_version="2026-04") as shop:
        outdated = ShopifyOrderFeed(
            ShopifyClient(http, shop.url, "2026-01", access_token(http, shop.url, "shpat_1", "", ""))
        )
        current = ShopifyOrderFeed(
            ShopifyClient(http, shop.url, "2026-04", access_token(http, shop.url, "shpat_1", "", ""))
        )

        _orders(current)
        assert not [r for r in caplog.records if r.levelname == "WARNING"]
        _orders(outdated)
        _orders(outdated)

    [warning] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "API version 2026-04, not the 2026-01 asked for" in warning
    assert "KOPPEL_SHOPIFY_API_VERSION" in warning


def test_wrong_client_credentials_stop_the_call_with_the_reason(shop: ShopifySimulator, http: httpx.Client):
    token = access_token(http, shop.url, "", shop.client_id, "not-the-secret")
    feed = ShopifyOrderFeed(ShopifyClient(http, shop.url, SHOPIFY_DEFAULT_VERSION, token))

    with pytest.raises(RetryableError, match=r"refused the app's client credentials \(400: invalid_client"):
        _orders(feed)


def test_a_static_token_is_still_taken_and_a_refused_one_stops_the_call(clock: MonotonicClock, http: httpx.Client):
    """A custom app made in the admin before 2026 keeps its token; when Shopify refuses it there is nothing to renew."""
    with ShopifySimulator(access_token="shpat_legacy", clock=clock) as legacy:
        working = ShopifyOrderFeed(
            ShopifyClient(
                http, legacy.url, SHOPIFY_DEFAULT_VERSION, access_token(http, legacy.url, "shpat_legacy", "", "")
            )
        )
        refused = ShopifyOrderFeed(
            ShopifyClient(
                http, legacy.url, SHOPIFY_DEFAULT_VERSION, access_token(http, legacy.url, "shpat_old", "", "")
            )
        )
        clock.now += 30 * DAY
        assert _orders(working) == []
        with pytest.raises(RetryableError, match=r"refused the access token \(401\) to the order list"):
            _orders(refused)
        assert legacy.tokens.granted == 0
