"""Sale dates and the REST key as WooCommerce takes them (issue 10, item 18), against the WooCommerce simulator.

WooCommerce's products controller (woocommerce/woocommerce plugins/woocommerce/includes/rest-api/Controllers/
Version2/class-wc-rest-products-v2-controller.php, prepare_object_for_database) sets a sale date only when
`isset($request['date_on_sale_to'])`, so `null` leaves the date as it was and "" clears it; WC_Data::set_date_prop
reads a date without an offset in the site's time zone, so a bare date is 00:00 there (only the shop's own product
form, class-wc-meta-box-product-data.php, makes the end 23:59:59). The REST key may come as `consumer_key` /
`consumer_secret` query parameters over HTTPS (https://woocommerce.github.io/woocommerce-rest-api-docs/
#authentication-over-https), for sites whose proxy strips the Authorization header.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.catalog.availability import ChannelStock, StockStatus
from domain.catalog.listing import Listing, ListingChange, ListingStatus
from domain.errors import RetryableError
from integrations.shops.woocommerce.catalog import WooCommerceCatalog
from integrations.shops.woocommerce.client import WooCommerceClient
from integrations.shops.woocommerce.orders import WooCommerceOrderFeed
from localdev.simulators.woocommerce import WooCommerceSimulator

SITE_OFFSET = timedelta(hours=1)


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture
def woo() -> Iterator[WooCommerceSimulator]:
    with WooCommerceSimulator(site_offset_hours=1) as running:
        yield running


def _site_today() -> datetime:
    return datetime.now(UTC) + SITE_OFFSET


def _on_sale_until(last_day: datetime | None) -> ListingChange:
    sale = last_day is not None
    listing = Listing(
        sku="KOF-1",
        name="Koffie",
        status=ListingStatus.PUBLISHED,
        regular_price=Decimal("10.00"),
        sale_price=Decimal("8.00") if sale else None,
        sale_from=(last_day - timedelta(days=3)).date() if last_day else None,
        sale_to=last_day.date() if last_day else None,
        stock=ChannelStock(status=StockStatus.IN_STOCK, quantity=Decimal(3)),
    )
    return ListingChange(listing=listing, product_changed=True, channel_ids={})


def _product(woo: WooCommerceSimulator, sku: str) -> dict[str, Any]:
    with httpx.Client(base_url=woo.api_base, auth=(woo.consumer_key, woo.consumer_secret), timeout=30) as api:
        [found] = api.get("/products", params={"sku": sku}).json()
    return dict(found)


def test_a_sale_that_ends_today_lasts_all_of_today_in_the_shops_time_zone(woo: WooCommerceSimulator):
    catalog = WooCommerceCatalog(
        WooCommerceClient(httpx.Client(timeout=30), woo.url, woo.consumer_key, woo.consumer_secret)
    )
    today = _site_today()

    [outcome] = catalog.push([_on_sale_until(today)])

    found = _product(woo, "KOF-1")
    assert outcome.error == ""
    assert found["date_on_sale_to"] == f"{today.date().isoformat()}T23:59:59"
    assert found["on_sale"] is True


def test_a_sale_bc_no_longer_has_clears_its_dates_in_the_shop(woo: WooCommerceSimulator):
    catalog = WooCommerceCatalog(
        WooCommerceClient(httpx.Client(timeout=30), woo.url, woo.consumer_key, woo.consumer_secret)
    )
    [made] = catalog.push([_on_sale_until(_site_today() + timedelta(days=5))])
    ended = _on_sale_until(None)

    catalog.push([ended.model_copy(update={"channel_ids": {"KOF-1": made.channel_id}})])

    found = _product(woo, "KOF-1")
    assert (found["sale_price"], found["date_on_sale_from"], found["date_on_sale_to"]) == ("", None, None)


@pytest.fixture
def behind_a_proxy() -> Iterator[WooCommerceSimulator]:
    with WooCommerceSimulator(authorization_stripped=True) as running:
        yield running


def test_the_key_in_the_query_string_reaches_a_site_whose_proxy_strips_basic_auth(
    behind_a_proxy: WooCommerceSimulator,
):
    woo = behind_a_proxy
    key = (woo.consumer_key, woo.consumer_secret)
    basic = WooCommerceCatalog(WooCommerceClient(httpx.Client(timeout=30), woo.url, *key))
    in_query = WooCommerceCatalog(WooCommerceClient(httpx.Client(timeout=30), woo.url, *key, key_in_query=True))
    feed = WooCommerceOrderFeed(WooCommerceClient(httpx.Client(timeout=30), woo.url, *key, key_in_query=True))

    with pytest.raises(RetryableError, match="401"):
        basic.push([_on_sale_until(None)])
    [outcome] = in_query.push([_on_sale_until(None)])

    assert outcome.error == ""
    assert list(feed.modified_since(datetime.now(UTC) - timedelta(days=1))) == []
