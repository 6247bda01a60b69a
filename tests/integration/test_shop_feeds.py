"""The shops' order feeds used by recovery, against the shop simulators: every order changed since, exactly once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx

from integrations.shops.shopify.access import StaticToken
from integrations.shops.shopify.client import ShopifyClient
from integrations.shops.shopify.orders import ShopifyOrderFeed
from integrations.shops.woocommerce.client import WooCommerceClient
from integrations.shops.woocommerce.orders import PAGE_SIZE, WooCommerceOrderFeed
from localdev.simulators.shopify import ShopifySimulator
from localdev.simulators.woocommerce import WooCommerceSimulator
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder

LINE = (ShopLine("KOF-1001", "Koffie", 1, Decimal(10)),)


def test_the_woocommerce_feed_reads_more_than_a_page_once_each():
    start = datetime.now(UTC) - timedelta(minutes=1)
    with WooCommerceSimulator() as woo:
        for order_id in range(1, PAGE_SIZE + 31):
            woo.place_order(
                ShopOrder(order_id, ShopCustomer("A", "B", "a@example.nl"), LINE, created=datetime.now(UTC))
            )
        feed = WooCommerceOrderFeed(WooCommerceClient(httpx.Client(), woo.url, woo.consumer_key, woo.consumer_secret))
        ids = [json.loads(body)["id"] for body in feed.modified_since(start)]
    assert sorted(ids) == list(range(1, PAGE_SIZE + 31))


def test_the_shopify_feed_follows_the_link_header():
    start = datetime.now(UTC) - timedelta(minutes=1)
    with ShopifySimulator() as shopify:
        placed = [shopify.place_order(LINE, ShopCustomer("A", "B", f"a{n}@example.nl")) for n in range(5)]
        http = httpx.Client()
        feed = ShopifyOrderFeed(
            ShopifyClient(http, shopify.url, shopify.api_version, StaticToken(shopify.access_token))
        )
        feed_page = feed.modified_since(start)
        ids = [json.loads(body)["id"] for body in feed_page]
    assert sorted(ids) == sorted(order["id"] for order in placed)
