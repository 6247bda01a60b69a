"""Koppel's shipment adapters against the shop simulators' drawn faults, without the rest of the stack: a 429 or 503
from the rates is a RetryableError (tried again later, never a refusal), the Shopify client waits out 429 by its
`Retry-After`, and a notice told again until it goes through, in a seeded mixed run of 429 / 503 / lost answers,
leaves one fulfillment, or one tracking, note and e-mail."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest

from domain.errors import RetryableError
from domain.models import WebOrderKey
from domain.shipments.models import Shipment, ShippedLine
from domain.shipments.ports import ShipmentNotice
from domain.shipments.recorded import ShipmentChange
from integrations.settings import SHOPIFY_DEFAULT_VERSION
from integrations.shops.shopify.access import StaticToken
from integrations.shops.shopify.client import ShopifyClient
from integrations.shops.shopify.fulfillments import ShopifyFulfillments, carrier_names
from integrations.shops.woocommerce.client import WooCommerceClient
from integrations.shops.woocommerce.shipments import WooCommerceShipments, WooShipmentSettings
from localdev.simulators.shopify import ShopifySimulator
from localdev.simulators.woocommerce import WooCommerceSimulator
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder

TOKEN = "shpat_koppel_rates"
CUSTOMER = ShopCustomer("Anna", "de Vries", "anna@example.nl", postcode="3511 AA")
MIXED = {"rate_429": 0.1, "rate_503": 0.05, "rate_lost_answer": 0.02, "retry_after": 0}
TRACKINGS = "/wp-json/wc-shipment-tracking/v3/orders/1001/shipment-trackings"
MAX_TELLS = 50


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


@pytest.fixture
def shopify() -> Iterator[ShopifySimulator]:
    with ShopifySimulator(access_token=TOKEN, graphql_restore_rate=1_000_000) as simulator:
        yield simulator


@pytest.fixture
def woo() -> Iterator[WooCommerceSimulator]:
    with WooCommerceSimulator() as running:
        running.place_order(ShopOrder(1001, CUSTOMER, (ShopLine("MUG-01", "Mok", 2, Decimal("12.50")),)))
        running.install_shipment_tracking()
        yield running


def _shipment(tracking: str = "3SRATE01") -> Shipment:
    return Shipment(
        number="S-SHP1001",
        order_number="S-ORD1001",
        external_document_number="1001",
        posting_date=date(2026, 12, 7),
        lines=(ShippedLine(sequence=10000, item_number="MUG-01", description="Mok", quantity=Decimal(2)),),
        shipping_agent="POSTNL",
        tracking_number=tracking,
        tracking_url=f"https://jouw.postnl.nl/track-and-trace/{tracking}",
        changed_at=datetime(2026, 12, 7, 10, tzinfo=UTC),
    )


def _notice(source: str, order_id: str, whole: bool = True) -> ShipmentNotice:
    return ShipmentNotice(
        key=WebOrderKey(source=source, shop="shop-a", order_id=order_id),
        shipment=_shipment(),
        version=1,
        changes=frozenset({ShipmentChange.POSTED}),
        order_fully_shipped=whole,
    )


def _fulfillments(shop: ShopifySimulator, waits: list[float]) -> ShopifyFulfillments:
    client = ShopifyClient(
        httpx.Client(timeout=30), shop.url, SHOPIFY_DEFAULT_VERSION, StaticToken(TOKEN), sleep=waits.append
    )
    return ShopifyFulfillments(client, carrier_names("POSTNL=PostNL"))


def _woo_shipments(woo: WooCommerceSimulator) -> WooCommerceShipments:
    client = WooCommerceClient(httpx.Client(timeout=10), woo.url, woo.consumer_key, woo.consumer_secret)
    return WooCommerceShipments(client, WooShipmentSettings(shipment_tracking=True, providers={"POSTNL": "PostNL"}))


def _control(url: str, method: str, path: str, body: object = None) -> httpx.Response:
    return httpx.request(method, f"{url}/_sim/{path}", json=body, timeout=10)


def _told_until_through(tell: Callable[[], str]) -> tuple[str, int]:
    """What the notice came to once it went through, and how many tellings failed before."""
    for failed in range(MAX_TELLS):
        try:
            return tell(), failed
        except RetryableError:
            continue
    raise AssertionError(f"the notice did not go through in {MAX_TELLS} tellings")


@pytest.mark.parametrize("rate", ["rate_429", "rate_503"])
def test_a_shopify_429_or_503_from_the_rates_is_retryable_and_fulfils_nothing(shopify, rate):
    order = shopify.place_order((ShopLine("MUG-01", "Mok", 2, Decimal("12.50")),), CUSTOMER)
    waits: list[float] = []
    _control(shopify.url, "POST", "graphql/faults", {rate: 1.0})

    with pytest.raises(RetryableError, match=rate.removeprefix("rate_")):
        _fulfillments(shopify, waits).tell(_notice("shopify", str(order["id"])))

    _control(shopify.url, "DELETE", "graphql/faults")
    assert _control(shopify.url, "GET", f"orders/{order['id']}/fulfillments").json()["fulfillments"] == []
    assert waits == ([1.0] * 3 if rate == "rate_429" else []), "no wait after the last send"


@pytest.mark.parametrize("rate", ["rate_429", "rate_503"])
def test_a_woocommerce_429_or_503_from_the_rates_is_retryable_and_changes_nothing(woo, rate):
    _control(woo.url, "POST", "faults/fulfilment", {"rates": {rate: 1.0}})

    with pytest.raises(RetryableError, match=rate.removeprefix("rate_")):
        _woo_shipments(woo).tell(_notice("woocommerce", "1001"))

    _control(woo.url, "DELETE", "faults/fulfilment")
    assert woo.emails == []


def test_a_shopify_notice_told_again_through_a_seeded_mixed_run_makes_one_fulfillment(shopify):
    order = shopify.place_order((ShopLine("MUG-01", "Mok", 2, Decimal("12.50")),), CUSTOMER)
    _control(shopify.url, "POST", "graphql/faults", {**MIXED, "rate_429": 0.3, "rate_lost_answer": 0.2, "seed": 3})
    adapter = _fulfillments(shopify, [])

    words, failed = _told_until_through(lambda: adapter.tell(_notice("shopify", str(order["id"]))))

    _control(shopify.url, "DELETE", "graphql/faults")
    faults = _control(shopify.url, "GET", "graphql/stats").json()["faults"]
    state = _control(shopify.url, "GET", f"orders/{order['id']}/fulfillments").json()
    assert words == ""
    assert failed > 0
    assert faults["lost_answer"] > 0
    assert [entry["trackingInfo"][0]["number"] for entry in state["fulfillments"]] == ["3SRATE01"]


def test_a_woocommerce_notice_told_again_through_a_seeded_mixed_run_adds_each_thing_once(woo):
    rates = {**MIXED, "rate_503": 0.2, "rate_lost_answer": 0.2, "seed": 3}
    _control(woo.url, "POST", "faults/fulfilment", {"rates": rates})
    adapter = _woo_shipments(woo)

    words, failed = _told_until_through(lambda: adapter.tell(_notice("woocommerce", "1001", whole=False)))

    drawn = _control(woo.url, "GET", "faults/fulfilment").json()["drawn"]
    _control(woo.url, "DELETE", "faults/fulfilment")
    with httpx.Client(base_url=woo.url, auth=(woo.consumer_key, woo.consumer_secret), timeout=10) as site:
        trackings = site.get(TRACKINGS).json()
    assert words == ""
    assert failed > 0
    assert drawn["lost_answer"] > 0
    assert [entry["tracking_number"] for entry in trackings] == ["3SRATE01"]
    assert [email.kind for email in woo.emails] == ["customer_note"]
