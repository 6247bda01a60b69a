"""The catalog run with in-memory ports: delta pushes, batch limits, per-item refusals, resuming, summaries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.catalog.availability import DisplayMode, ItemKey, StockFacts, StockPolicy
from domain.catalog.listing import CatalogItem, CatalogVariant, ListingChange, ListingPolicy, PushedListing, PushOutcome
from domain.catalog.prices import PriceListLine
from domain.errors import RetryableError
from domain.records import SyncRun
from domain.services.sync_catalog import CatalogSync, sync_catalog


class Clock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self.moment += timedelta(milliseconds=10)
        return self.moment


class Source:
    def __init__(self, count: int) -> None:
        self.catalog = [
            CatalogItem(number=f"ART-{n:05d}", name=f"Artikel {n}", unit_price=Decimal(10 + n)) for n in range(count)
        ]
        self.on_hand: dict[ItemKey, StockFacts] = {}

    def items(self) -> list[CatalogItem]:
        return self.catalog

    def price_lines(self) -> dict[str, list[PriceListLine]]:
        return {}

    def stock(self) -> dict[ItemKey, StockFacts]:
        return self.on_hand


class Channel:
    limit = 100

    def __init__(self, refuse: frozenset[str] = frozenset(), fail_on_call: int | None = None) -> None:
        self.calls: list[list[tuple[str, str]]] = []
        """Per push, the SKUs sent (products, then each one's changed variants) with the channel ids given."""
        self._refuse = refuse
        self._fail_on_call = fail_on_call

    def push(self, changes: Sequence[ListingChange]) -> list[PushOutcome]:
        if len(self.calls) + 1 == self._fail_on_call:
            self._fail_on_call = None
            raise RetryableError("the shop answered 503")
        sent = [
            (sku, found.channel_id(sku))
            for found in changes
            for sku in ([found.listing.sku] if found.product_changed else [])
            + [variant.sku for variant in found.changed_variants]
        ]
        self.calls.append(sent)
        return [
            PushOutcome(sku=sku, error="Invalid or duplicated SKU.")
            if sku in self._refuse
            else PushOutcome(sku=sku, channel_id=channel_id or f"woo-{sku}")
            for sku, channel_id in sent
        ]


class Pushed:
    def __init__(self) -> None:
        self.rows: dict[str, PushedListing] = {}

    def all(self) -> dict[str, PushedListing]:
        return dict(self.rows)

    def remember(self, pushed: Sequence[PushedListing]) -> None:
        self.rows.update({row.sku: row for row in pushed})


class Runs:
    def __init__(self) -> None:
        self.recorded: list[SyncRun] = []

    def record(self, run: SyncRun) -> None:
        self.recorded.append(run)

    def latest(self, name: str, count: int) -> list[SyncRun]:
        return [run for run in reversed(self.recorded) if run.name == name][:count]


POLICY = ListingPolicy(stock=StockPolicy(display=DisplayMode.EXACT_QUANTITY))


def _sync(source: Source, channel: Channel, pushed: Pushed | None = None) -> CatalogSync:
    return CatalogSync(
        name="catalog-woocommerce-shop-a",
        source=source,
        channel=channel,
        pushed=pushed or Pushed(),
        runs=Runs(),
        clock=Clock(),
        policy=POLICY,
    )


def test_the_first_run_pushes_everything_in_as_few_calls_as_the_limit_allows():
    """250 items, 100 per call: 3 calls, each new product created (no channel id yet)."""
    sync = _sync(Source(250), channel := Channel())

    run = sync_catalog(sync)

    assert [len(call) for call in channel.calls] == [100, 100, 50]
    assert all(channel_id == "" for call in channel.calls for _, channel_id in call)
    assert channel.calls[0][0] == ("ART-00000", "")
    assert (run.read, run.changed, run.pushed, run.failed, run.completed) == (250, 250, 250, 0, True)
    assert sync.runs.latest("catalog-woocommerce-shop-a", 1) == [run]


def test_an_unchanged_catalog_costs_no_call_and_one_change_one_call_with_the_channel_id():
    source, pushed = Source(250), Pushed()
    sync_catalog(_sync(source, Channel(), pushed))
    source.catalog[7] = source.catalog[7].model_copy(update={"unit_price": Decimal("99.00")})
    source.on_hand[ItemKey(item_number="ART-00042")] = StockFacts(
        item=ItemKey(item_number="ART-00042"), on_hand={"HOOFD": Decimal(3)}
    )

    quiet = Channel()
    run = sync_catalog(_sync(source, quiet, pushed))

    assert quiet.calls == [[("ART-00007", "woo-ART-00007"), ("ART-00042", "woo-ART-00042")]]
    assert (run.read, run.changed, run.pushed) == (250, 2, 2)
    again = Channel()
    assert sync_catalog(_sync(source, again, pushed)).changed == 0
    assert again.calls == []


def test_a_refused_item_is_counted_noted_and_tried_again_next_run():
    source, pushed = Source(5), Pushed()
    run = sync_catalog(_sync(source, Channel(refuse=frozenset({"ART-00003"})), pushed))

    assert (run.pushed, run.failed) == (4, 1)
    assert run.problems == ("ART-00003: Invalid or duplicated SKU.",)
    retry = Channel()
    assert sync_catalog(_sync(source, retry, pushed)).pushed == 1
    assert [sku for call in retry.calls for sku, _ in call] == ["ART-00003"]


def test_a_run_stopped_by_the_channel_resumes_where_it_stopped():
    """The second call fails: 100 of 250 are in; the next run pushes only the other 150."""
    source, pushed = Source(250), Pushed()
    stopped = sync_catalog(_sync(source, Channel(fail_on_call=2), pushed))

    assert (stopped.completed, stopped.pushed) == (False, 100)
    assert stopped.problems == ("stopped early: the shop answered 503",)
    resumed = Channel()
    run = sync_catalog(_sync(source, resumed, pushed))
    assert (run.changed, run.pushed, run.completed) == (150, 150, True)
    assert [len(call) for call in resumed.calls] == [100, 50]


def test_a_refused_variant_fails_its_item_and_alone_is_sent_again_with_the_ids_the_channel_gave():
    """MOK-2001 with variants ROOD and BLAUW; the shop refuses BLAUW once: the product and ROOD are remembered,
    the item counts as failed; the next run sends only BLAUW, to the product the shop made."""
    source, pushed = Source(1), Pushed()
    source.catalog = [
        CatalogItem(
            number="MOK-2001",
            name="Koffiemok",
            unit_price=Decimal(8),
            variants=(CatalogVariant(code="ROOD"), CatalogVariant(code="BLAUW")),
        )
    ]
    first = Channel(refuse=frozenset({"MOK-2001-BLAUW"}))
    run = sync_catalog(_sync(source, first, pushed))

    assert first.calls == [[("MOK-2001", ""), ("MOK-2001-ROOD", ""), ("MOK-2001-BLAUW", "")]]
    assert (run.changed, run.pushed, run.failed) == (1, 0, 1)
    assert run.problems == ("MOK-2001-BLAUW: Invalid or duplicated SKU.",)
    retry = Channel()
    assert sync_catalog(_sync(source, retry, pushed)).pushed == 1
    assert retry.calls == [[("MOK-2001-BLAUW", "")]]
    assert pushed.rows["MOK-2001-ROOD"].channel_id == "woo-MOK-2001-ROOD"
