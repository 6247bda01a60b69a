"""BC's catalog (the BC simulator, read by BusinessCentralCatalog) pushed to the Shopify simulator's Admin GraphQL
API by ShopifyCatalog, through the catalog run with in-memory storage; no local host, no Azurite."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
import pytest

from domain.catalog.availability import (
    Availability,
    ChannelStock,
    DisplayMode,
    ItemKey,
    StockFacts,
    StockPolicy,
    StockStatus,
    availability,
)
from domain.catalog.listing import (
    Listing,
    ListingChange,
    ListingPolicy,
    ListingStatus,
    VariantListing,
    listing,
)
from domain.catalog.sync_catalog import CatalogSync, sync_catalog
from domain.errors import RetryableError
from domain.records import SyncRun
from integrations.businesscentral.catalog import BusinessCentralCatalog
from integrations.businesscentral.client import BusinessCentralClient
from integrations.businesscentral.stock import BusinessCentralStock
from integrations.businesscentral.throttle import RequestThrottle
from integrations.businesscentral.token import ClientCredentialsToken
from integrations.businesscentral.vat import BusinessCentralVat
from integrations.settings import BC_DEFAULT_SCOPE, SHOPIFY_DEFAULT_VERSION
from integrations.shops.shopify.access import StaticToken
from integrations.shops.shopify.catalog import ShopifyCatalog
from integrations.shops.shopify.client import ShopifyClient
from localdev.bc_probe import BcProbe
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.published import (
    ITEM_LOCATION_STOCK,
    ITEM_UNITS,
    ITEMS,
    PRICE_LIST_LINES,
    VAT_SETUP,
)
from localdev.simulators.shopify import ShopifySimulator
from tests.fakes import MemoryPushedListings, MemorySyncRuns, MemorySyncState
from tests.support.clocks import MonotonicClock

TOKEN = "shpat_koppel_catalog"
POLICY = ListingPolicy(stock=StockPolicy(display=DisplayMode.EXACT_QUANTITY), prices_include_vat=True)
CENT = Decimal("0.01")


@pytest.fixture(autouse=True)
def no_faults() -> None:
    """Replaces the package's fixture of that name: this module needs no local stack."""


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@pytest.fixture(scope="module")
def bc() -> Iterator[BusinessCentralSimulator]:
    with BusinessCentralSimulator(client_id="shopify-catalog-test") as simulator:
        yield simulator


@pytest.fixture(scope="module")
def source(bc: BusinessCentralSimulator) -> Iterator[BusinessCentralCatalog]:
    with httpx.Client(timeout=30) as http:
        token = ClientCredentialsToken(http, bc.token_url, bc.client_id, bc.client_secret, BC_DEFAULT_SCOPE)
        client = BusinessCentralClient(
            http, f"{bc.api_base}/companies({bc.company_id})", token, RequestThrottle(5, 1000), max_attempts=6
        )
        company = f"{bc.odata_base}/Company('{bc.company_name}')"
        stock = BusinessCentralStock(client, f"{company}/{ITEM_LOCATION_STOCK}", f"{company}/{ITEM_UNITS}")
        vat = BusinessCentralVat(client, f"{company}/{ITEMS}", f"{company}/{VAT_SETUP}", "BINNENLAND")
        yield BusinessCentralCatalog(client, f"{company}/{PRICE_LIST_LINES}", stock, vat)


@pytest.fixture(scope="module")
def shop() -> Iterator[ShopifySimulator]:
    with ShopifySimulator(access_token=TOKEN) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


def _client(
    http: httpx.Client, shop_url: str, token: str = TOKEN, sleep: Callable[[float], None] = time.sleep
) -> ShopifyClient:
    """The shop's Admin API at Koppel's default version, with a custom app's static token."""
    return ShopifyClient(http, shop_url, SHOPIFY_DEFAULT_VERSION, StaticToken(token), sleep=sleep)


def _sync(
    source: BusinessCentralCatalog, channel: ShopifyCatalog, pushed: MemoryPushedListings, state: MemorySyncState
) -> CatalogSync:
    return CatalogSync(
        name="catalog-shopify-test",
        source=source,
        channel=channel,
        pushed=pushed,
        runs=MemorySyncRuns(),
        clock=Clock(),
        policy=POLICY,
        state=state,
    )


class Run:
    """One shop's catalog runs, remembering what was pushed between them."""

    def __init__(self, source: BusinessCentralCatalog, channel: ShopifyCatalog) -> None:
        self.source = source
        self.channel = channel
        self.pushed = MemoryPushedListings()
        self.state = MemorySyncState()

    def __call__(self) -> SyncRun:
        return sync_catalog(_sync(self.source, self.channel, self.pushed, self.state))


def _stats(shop: ShopifySimulator, http: httpx.Client) -> dict[str, Any]:
    stats: dict[str, Any] = http.get(f"{shop.url}/_sim/graphql/stats").json()
    return stats


def _by_sku(shop: ShopifySimulator, http: httpx.Client) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Each variant the shop has by its SKU, with its product (as `GET /_sim/products` stores them)."""
    products = http.get(f"{shop.url}/_sim/products").json()["products"]
    return {variant["sku"]: (product, variant) for product in products for variant in product["variants"]}


def _product_of(listed: dict[str, tuple[dict[str, Any], dict[str, Any]]], number: str) -> dict[str, Any]:
    """The product listing an item: the one with its SKU, or with the SKU of one of its variants."""
    return next(product for sku, (product, _) in listed.items() if sku == number or sku.startswith(f"{number}-"))


def _available(variant: dict[str, Any]) -> int:
    [level] = variant["inventoryItem"]["levels"].values()
    return int(level["available"])


def _listings(source: BusinessCentralCatalog) -> dict[str, Listing]:
    """What the run lists for each BC item today, as sync_catalog makes it."""
    lines, stock, today = source.price_lines(), source.stock(), datetime.now(UTC).date()

    def available(key: ItemKey) -> Availability:
        return availability(stock.get(key, StockFacts(item=key)), POLICY.stock, today)

    return {item.number: listing(item, lines.get(item.number, ()), available, POLICY, today) for item in source.items()}


@pytest.fixture(scope="module")
def run(source: BusinessCentralCatalog, shop: ShopifySimulator, http: httpx.Client) -> Run:
    return Run(source, ShopifyCatalog(_client(http, shop.url)))


@pytest.fixture(scope="module")
def first_run(run: Run) -> SyncRun:
    return run()


def test_the_first_run_lists_every_bc_item(
    bc: BusinessCentralSimulator, shop: ShopifySimulator, http: httpx.Client, first_run: SyncRun
):
    items = BcProbe(bc, bc.client_id, bc.client_secret).all("items")

    assert (first_run.read, first_run.pushed, first_run.failed, first_run.completed) == (
        len(items),
        len(items),
        0,
        True,
    ), first_run.problems
    products = http.get(f"{shop.url}/_sim/products").json()["products"]
    assert len(products) == len(items)
    listed = _by_sku(shop, http)
    blocked = [item["number"] for item in items if item["blocked"]]
    assert blocked
    assert all(_product_of(listed, number)["status"] == "DRAFT" for number in blocked)
    assert _stats(shop, http)["calls"]["productSet"] == len(items)


def test_an_item_with_variants_has_one_variant_per_bc_variant_priced_including_vat(
    bc: BusinessCentralSimulator, shop: ShopifySimulator, http: httpx.Client, first_run: SyncRun
):
    """TEX-1001 (21% VAT) has sizes S-XL; the all-customers list prices XL 2.00 above the others."""
    probe = BcProbe(bc, bc.client_id, bc.client_secret)
    [shirt] = probe.all("items", **{"$filter": "number eq 'TEX-1001'"})
    codes = [variant["code"] for variant in probe.all("itemVariants", **{"$filter": "itemNumber eq 'TEX-1001'"})]
    listed = _by_sku(shop, http)

    product, medium = listed["TEX-1001-M"]
    assert [variant["sku"] for variant in product["variants"]] == [f"TEX-1001-{code}" for code in codes]
    assert product["options"][0]["name"] == "Variant"
    price = Decimal(str(shirt["unitPrice"]))
    assert Decimal(medium["price"]) == (price * Decimal("1.21")).quantize(CENT, ROUND_HALF_UP)
    assert Decimal(listed["TEX-1001-XL"][1]["price"]) == ((price + 2) * Decimal("1.21")).quantize(CENT, ROUND_HALF_UP)


def test_inventory_levels_are_the_listed_quantities(
    source: BusinessCentralCatalog, shop: ShopifySimulator, http: httpx.Client, first_run: SyncRun
):
    listed = _by_sku(shop, http)
    expected = {
        offer.sku: int(offer.stock.quantity or 0)
        for found in _listings(source).values()
        for offer in (found.variants or (found,))
    }

    assert {sku: _available(variant) for sku, (_, variant) in listed.items()} == expected
    assert all(variant["inventoryItem"]["tracked"] for _, variant in listed.values())
    assert any(quantity > 0 for quantity in expected.values())


def test_an_unchanged_catalog_makes_no_call_and_stock_for_one_variant_one_product_set_and_one_quantities_call(
    bc: BusinessCentralSimulator, shop: ShopifySimulator, http: httpx.Client, run: Run, first_run: SyncRun
):
    before = _stats(shop, http)["requests"]
    quiet = run()
    assert (quiet.changed, quiet.completed, _stats(shop, http)["requests"]) == (0, True, before)

    level = _available(_by_sku(shop, http)["TEX-1001-L"][1])
    http.post(f"{shop.url}/_sim/graphql/stats/reset")
    stock = {"location": "HOOFD", "quantity": 7, "variant": "L"}
    http.post(f"{bc.url}/_sim/items/TEX-1001/stock", json=stock).raise_for_status()
    changed = run()

    assert (changed.changed, changed.pushed, changed.failed) == (1, 1, 0), changed.problems
    assert _stats(shop, http)["calls"] == {"productSet": 1, "inventorySetQuantities": 1}
    assert _available(_by_sku(shop, http)["TEX-1001-L"][1]) == level + 7


def test_a_small_cost_bucket_makes_the_adapter_wait_and_the_run_complete(
    source: BusinessCentralCatalog, http: httpx.Client
):
    clock = MonotonicClock()
    with ShopifySimulator(
        access_token=TOKEN, graphql_bucket_size=40.0, graphql_restore_rate=10.0, clock=clock
    ) as small:
        client = ShopifyClient(
            http, small.url, SHOPIFY_DEFAULT_VERSION, StaticToken(TOKEN), sleep=clock.sleep, clock=clock
        )
        throttled = Run(source, ShopifyCatalog(client))()
        stats = _stats(small, http)
        stored = len(small.catalog_products())

    assert (throttled.completed, throttled.failed) == (True, 0), throttled.problems
    assert stored == throttled.read
    assert clock.waits
    assert all(wait > 0 for wait in clock.waits)
    refused, made = sum(stats["throttled"].values()), sum(stats["calls"].values())
    assert refused * 20 < made, "it waits for the bucket its last calls showed instead of being refused"


def test_a_wrong_token_stops_the_run_with_a_clear_problem(source: BusinessCentralCatalog, http: httpx.Client):
    with ShopifySimulator(access_token=TOKEN) as other:
        refused = Run(source, ShopifyCatalog(_client(http, other.url, "shpat_wrong")))()

    assert refused.completed is False
    assert refused.problems[0].startswith("stopped early: Shopify refused the access token (401)")


@pytest.fixture
def fresh() -> Iterator[ShopifySimulator]:
    with ShopifySimulator(access_token=TOKEN) as simulator:
        yield simulator


def _shirt(quantities: Sequence[int], product_id: str = "", number: str = "TEX-9") -> ListingChange:
    variants = tuple(
        VariantListing(
            sku=f"{number}-{n}",
            option=f"Maat {n}",
            regular_price=Decimal("10.00"),
            stock=ChannelStock(status=StockStatus.IN_STOCK, quantity=Decimal(quantity)),
        )
        for n, quantity in enumerate(quantities)
    )
    found = Listing(
        sku=number,
        name="Shirt",
        status=ListingStatus.PUBLISHED,
        regular_price=Decimal("10.00"),
        stock=ChannelStock(status=StockStatus.IN_STOCK, quantity=Decimal(0)),
        variants=variants,
    )
    ids = {number: product_id} if product_id else {}
    return ListingChange(listing=found, product_changed=True, changed_variants=variants, channel_ids=ids)


def test_a_product_shopify_refuses_refuses_all_its_skus_and_the_others_go_on(
    fresh: ShopifySimulator, http: httpx.Client
):
    channel = ShopifyCatalog(_client(http, fresh.url))

    outcomes = channel.push([_shirt([1], product_id="gid://shopify/Product/1"), _shirt([2], number="TEX-8")])

    assert [(o.sku, o.error.split(":")[0]) for o in outcomes] == [
        ("TEX-9", "NOT_FOUND"),
        ("TEX-9-0", "NOT_FOUND"),
        ("TEX-8", ""),
        ("TEX-8-0", ""),
    ]
    assert outcomes[3].channel_id.startswith("gid://shopify/ProductVariant/")
    assert list(_by_sku(fresh, http)) == ["TEX-8-0"]
    assert _available(_by_sku(fresh, http)["TEX-8-0"][1]) == 2


def test_a_refused_quantity_refuses_its_sku_and_the_rest_of_its_call(fresh: ShopifySimulator, http: httpx.Client):
    channel = ShopifyCatalog(_client(http, fresh.url))

    outcomes = {o.sku: o for o in channel.push([_shirt([3, 2_000_000_000])])}

    assert outcomes["TEX-9"].error == ""
    assert outcomes["TEX-9-1"].error.startswith("INVALID_QUANTITY_TOO_HIGH")
    assert outcomes["TEX-9-0"].error.startswith("not set, the call was refused: INVALID_QUANTITY_TOO_HIGH")
    assert _available(_by_sku(fresh, http)["TEX-9-0"][1]) == 0


def test_a_failing_shop_stops_the_push_and_endless_throttling_gives_up(fresh: ShopifySimulator, http: httpx.Client):
    waits: list[float] = []
    channel = ShopifyCatalog(_client(http, fresh.url, sleep=waits.append))

    http.post(f"{fresh.url}/_sim/graphql/faults", json={"fail_next": 1, "fail_status": 503})
    with pytest.raises(RetryableError, match="Shopify answered 503"):
        channel.push([_shirt([1])])
    http.post(f"{fresh.url}/_sim/graphql/faults", json={"throttle_next": 10})
    with pytest.raises(RetryableError, match="throttled the call 10 times"):
        channel.push([_shirt([1])])

    assert len(waits) == 10
    assert min(waits) >= 1.0
    assert channel.push([_shirt([1])])[0].channel_id.startswith("gid://shopify/Product/")


def _default_only(variant: dict[str, Any]) -> bool:
    """The variant is the one "Default Title" variant of an item without variants, and its stock is tracked."""
    return bool(variant["title"] == "Default Title" and variant["inventoryItem"]["tracked"])


def _ids(shop: ShopifySimulator, http: httpx.Client) -> dict[str, tuple[str, str]]:
    """Each SKU's variant id and inventory item id in the shop."""
    return {sku: (variant["id"], variant["inventoryItem"]["id"]) for sku, (_, variant) in _by_sku(shop, http).items()}


def test_an_item_pushed_again_keeps_its_variants_and_inventory_items(
    bc: BusinessCentralSimulator, shop: ShopifySimulator, http: httpx.Client, run: Run, first_run: SyncRun
):
    """productSet creates a variant sent without its id and deletes the one it replaces, with its inventory item
    (Shopify's ProductVariantSetInput.id: "Specifies the product variant to update or create a new variant if
    absent"; productSet deletes list entries not included). Koppel sends every variant's id, the one "Default Title"
    variant of an item without variants too, so the shop keeps its variants, their stock history and its orders'
    links to them. Runs last in this module: it edits BC items."""
    simple, (_, variant) = next((sku, found) for sku, found in _by_sku(shop, http).items() if _default_only(found[1]))
    level, before = _available(variant), _ids(shop, http)
    for number in (simple, "TEX-1001"):
        http.patch(f"{bc.url}/_sim/items/{number}", json={"displayName": f"{number} nieuw"}).raise_for_status()
    http.post(f"{bc.url}/_sim/items/{simple}/stock", json={"location": "HOOFD", "quantity": 3}).raise_for_status()
    again = run()
    product, variant = _by_sku(shop, http)[simple]

    assert (again.changed, again.failed) == (2, 0), again.problems
    assert _ids(shop, http) == before
    assert (product["title"], _available(variant)) == (f"{simple} nieuw", level + 3)


def _coffee(channel_id: str = "", quantity: int = 5) -> ListingChange:
    found = Listing(
        sku="KOF-9",
        name="Koffie",
        status=ListingStatus.PUBLISHED,
        regular_price=Decimal("9.95"),
        stock=ChannelStock(status=StockStatus.IN_STOCK, quantity=Decimal(quantity)),
    )
    return ListingChange(listing=found, product_changed=True, channel_ids={"KOF-9": channel_id} if channel_id else {})


def test_an_item_without_variants_keeps_its_variant_also_when_only_its_product_id_was_kept(
    fresh: ShopifySimulator, http: httpx.Client
):
    """Rows written before Koppel kept the "Default Title" variant's id hold the product's alone: the variant's id
    is asked once, not made anew (productSet would delete the old one with its inventory item)."""
    channel = ShopifyCatalog(_client(http, fresh.url))
    [made] = channel.push([_coffee()])
    product_id, variant_id = made.channel_id.split(" ")
    item = _ids(fresh, http)["KOF-9"][1]

    [updated] = channel.push([_coffee(made.channel_id, quantity=6)])
    [upgraded] = channel.push([_coffee(product_id, quantity=7)])

    assert (product_id.split("/")[-2], variant_id.split("/")[-2]) == ("Product", "ProductVariant")
    assert updated.channel_id == upgraded.channel_id == made.channel_id
    assert _ids(fresh, http)["KOF-9"] == (variant_id, item)
    assert _available(_by_sku(fresh, http)["KOF-9"][1]) == 7
    assert _stats(fresh, http)["calls"] == {"productSet": 3, "inventorySetQuantities": 3, "locations": 1, "product": 1}
