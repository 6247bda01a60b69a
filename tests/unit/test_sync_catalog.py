"""The catalog run with in-memory ports: delta pushes, batch limits, per-item refusals, resuming, summaries."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.catalog.availability import DisplayMode, ItemKey, StockFacts, StockPolicy
from domain.catalog.listing import CatalogItem, CatalogVariant, ListingChange, ListingPolicy, PushOutcome
from domain.catalog.prices import PriceListLine
from domain.catalog.sync_catalog import CatalogSync, sync_catalog
from domain.errors import RetryableError
from tests.fakes import MemoryPushedListings, MemorySyncRuns, MemorySyncState, TickingClock


class Source:
    """Items with the time BC stamped each (all at the start, unless edited); counts the items read."""

    def __init__(self, count: int) -> None:
        self.catalog = [
            CatalogItem(number=f"ART-{n:05d}", name=f"Artikel {n}", unit_price=Decimal(10 + n), vat_percent=Decimal(0))
            for n in range(count)
        ]
        self.stamped = dict.fromkeys((item.number for item in self.catalog), datetime(2026, 11, 29, 5, 0, tzinfo=UTC))
        self.on_hand: dict[ItemKey, StockFacts] = {}
        self.reads: list[list[str]] = []

    def edit(self, index: int, at: datetime, **changes: object) -> None:
        self.catalog[index] = self.catalog[index].model_copy(update=changes)
        self.stamped[self.catalog[index].number] = at

    def items(self, since: datetime | None = None, numbers: Collection[str] = ()) -> list[CatalogItem]:
        read = [
            item
            for item in self.catalog
            if since is None or self.stamped[item.number] > since or item.number in numbers
        ]
        self.reads.append([item.number for item in read])
        return read

    def price_lines(self) -> dict[str, list[PriceListLine]]:
        return {}

    def stock(self) -> dict[ItemKey, StockFacts]:
        return self.on_hand


class Channel:
    limit = 100

    def __init__(
        self,
        refuse: frozenset[str] = frozenset(),
        fail_on_call: int | None = None,
        held_by: dict[str, str] | None = None,
    ) -> None:
        self.calls: list[list[tuple[str, str]]] = []
        """Per push, the SKUs sent (products, then each one's changed variants) with the channel ids given."""
        self._refuse = refuse
        self._fail_on_call = fail_on_call
        self._held_by = held_by or {}
        """SKUs another product of the shop already has, by that product's id: refused, naming it."""

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
            PushOutcome(sku=sku, error="Invalid or duplicated SKU.", channel_id=self._held_by.get(sku, ""))
            if sku in self._refuse or (sku in self._held_by and not channel_id)
            else PushOutcome(sku=sku, channel_id=channel_id or f"woo-{sku}")
            for sku, channel_id in sent
        ]


POLICY = ListingPolicy(stock=StockPolicy(display=DisplayMode.EXACT_QUANTITY), prices_include_vat=True)


def _sync(
    source: Source,
    channel: Channel,
    pushed: MemoryPushedListings | None = None,
    state: MemorySyncState | None = None,
    clock: TickingClock | None = None,
) -> CatalogSync:
    return CatalogSync(
        name="catalog-woocommerce-shop-a",
        source=source,
        channel=channel,
        pushed=pushed or MemoryPushedListings(),
        runs=MemorySyncRuns(),
        clock=clock or TickingClock(),
        policy=POLICY,
        state=state or MemorySyncState(),
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
    source, pushed = Source(250), MemoryPushedListings()
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
    source, pushed = Source(5), MemoryPushedListings()
    run = sync_catalog(_sync(source, Channel(refuse=frozenset({"ART-00003"})), pushed))

    assert (run.pushed, run.failed) == (4, 1)
    assert run.problems == ("ART-00003: Invalid or duplicated SKU.",)
    retry = Channel()
    assert sync_catalog(_sync(source, retry, pushed)).pushed == 1
    assert [sku for call in retry.calls for sku, _ in call] == ["ART-00003"]


def test_a_run_stopped_by_the_channel_resumes_where_it_stopped():
    """The second call fails: 100 of 250 are in; the next run pushes only the other 150."""
    source, pushed = Source(250), MemoryPushedListings()
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
    source, pushed = Source(1), MemoryPushedListings()
    source.catalog = [
        CatalogItem(
            number="MOK-2001",
            name="Koffiemok",
            unit_price=Decimal(8),
            vat_percent=Decimal(0),
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


def test_after_a_completed_run_only_items_bc_stamped_later_or_whose_prices_or_stock_moved_are_read():
    """Run 1 reads all 250; then BC stamps ART-00007 (new price) and stock moves for ART-00042 (no stamp): run 2,
    the same day, reads those two only and pushes both; run 3 reads nothing."""
    source, pushed, state, clock = Source(250), MemoryPushedListings(), MemorySyncState(), TickingClock()
    first = sync_catalog(_sync(source, Channel(), pushed, state, clock))
    source.edit(7, clock.moment + timedelta(minutes=1), unit_price=Decimal("99.00"))
    source.on_hand[ItemKey(item_number="ART-00042")] = StockFacts(
        item=ItemKey(item_number="ART-00042"), on_hand={"HOOFD": Decimal(3)}
    )
    clock.moment += timedelta(minutes=15)

    second = sync_catalog(_sync(source, channel := Channel(), pushed, state, clock))
    third = sync_catalog(_sync(source, Channel(), pushed, state, clock))

    assert (first.full, first.read, second.full, second.read, third.read) == (True, 250, False, 2, 0)
    assert source.reads[1] == ["ART-00007", "ART-00042"]
    assert channel.calls == [[("ART-00007", "woo-ART-00007"), ("ART-00042", "woo-ART-00042")]]


def test_the_first_run_of_a_day_reads_everything_again():
    """Campaigns start and price lines end by date, without any stamp in BC."""
    source, pushed, state, clock = Source(30), MemoryPushedListings(), MemorySyncState(), TickingClock()
    sync_catalog(_sync(source, Channel(), pushed, state, clock))
    clock.moment += timedelta(days=1)

    run = sync_catalog(_sync(source, Channel(), pushed, state, clock))

    assert (run.full, run.read, run.changed) == (True, 30, 0)


def test_an_item_the_channel_refused_is_read_again_by_the_next_delta_run():
    source, pushed, state, clock = Source(5), MemoryPushedListings(), MemorySyncState(), TickingClock()
    sync_catalog(_sync(source, Channel(refuse=frozenset({"ART-00003"})), pushed, state, clock))

    retry = sync_catalog(_sync(source, Channel(), pushed, state, clock))

    assert (retry.full, retry.read, retry.pushed) == (False, 1, 1)
    assert sync_catalog(_sync(source, Channel(), pushed, state, clock)).read == 0


def test_moved_inputs_that_leave_the_listing_as_it_is_are_remembered_without_a_call():
    """A new stock row of 0 for ART-00001 in another location: its inputs moved, its listing did not."""
    source, pushed, state, clock = Source(3), MemoryPushedListings(), MemorySyncState(), TickingClock()
    sync_catalog(_sync(source, Channel(), pushed, state, clock))
    source.on_hand[ItemKey(item_number="ART-00001")] = StockFacts(
        item=ItemKey(item_number="ART-00001"), on_hand={"WINKEL": Decimal(0)}
    )

    quiet = Channel()
    run = sync_catalog(_sync(source, quiet, pushed, state, clock))

    assert (run.read, run.changed, quiet.calls) == (1, 0, [])
    assert sync_catalog(_sync(source, Channel(), pushed, state, clock)).read == 0


def test_a_run_that_stopped_early_keeps_the_old_watermark():
    source, pushed, state, clock = Source(250), MemoryPushedListings(), MemorySyncState(), TickingClock()
    sync_catalog(_sync(source, Channel(), pushed, state, clock))
    for index in range(50, 200):
        source.edit(index, clock.moment + timedelta(minutes=1), name=f"Nieuw {index}")

    stopped = sync_catalog(_sync(source, Channel(fail_on_call=2), pushed, state, clock))
    resumed = sync_catalog(_sync(source, Channel(), pushed, state, clock))

    assert (stopped.completed, stopped.pushed, stopped.full) == (False, 100, False)
    assert (resumed.full, resumed.read, resumed.changed, resumed.pushed) == (False, 150, 50, 50)


def test_a_change_bc_stamped_shortly_before_the_last_run_started_is_still_read():
    """BC stamps a change when it is made; committed later, the last run may not have seen it."""
    source, pushed, state, clock = Source(10), MemoryPushedListings(), MemorySyncState(), TickingClock()
    sync_catalog(_sync(source, Channel(), pushed, state, clock))
    source.edit(3, clock.moment - timedelta(minutes=2), name="Laat opgeslagen")
    clock.moment += timedelta(minutes=15)

    run = sync_catalog(_sync(source, Channel(), pushed, state, clock))

    assert (run.full, run.read, run.changed) == (False, 1, 1)


def test_new_channel_settings_make_the_next_run_read_everything():
    source, pushed, state, clock = Source(10), MemoryPushedListings(), MemorySyncState(), TickingClock()
    sync_catalog(_sync(source, Channel(), pushed, state, clock))
    sync = _sync(source, Channel(), pushed, state, clock)

    in_or_out = StockPolicy(display=DisplayMode.IN_STOCK_OR_NOT)

    run = sync_catalog(replace(sync, policy=POLICY.model_copy(update={"stock": in_or_out})))

    assert (run.full, run.read, run.changed) == (True, 10, 10)


def test_the_same_settings_in_another_process_are_no_settings_change():
    """Python randomises string hashing per process, and with it the order in which a set is written out: the
    settings' fingerprint the watermark keeps must not follow it, or the first run of every new process (each
    Functions host start) reads the whole catalog again."""
    watermarks = {
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            [sys.executable, "-c", f"from {__name__} import watermark_kept; print(watermark_kept())"],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(1, 9)
    }

    assert len(watermarks) == 1


def watermark_kept() -> str | None:
    """The watermark a first run keeps, for a channel whose settings hold sets (campaigns, owned fields)."""
    state = MemorySyncState()
    sync = replace(_sync(Source(1), Channel(), state=state), policy=POLICY.model_copy(update={"campaigns": CAMPAIGNS}))
    sync_catalog(sync)
    return state.get(sync.name, "watermark")


CAMPAIGNS = frozenset({"ACTIE-WINTER", "ACTIE-ZOMER", "OPRUIMING", "NIEUW"})


def test_a_sku_the_shop_holds_elsewhere_is_refused_once_then_updated_where_the_shop_said():
    """The shop refuses to create ART-00001 and names product 77 as having that SKU: the next run updates 77."""
    source, pushed, state, clock = Source(3), MemoryPushedListings(), MemorySyncState(), TickingClock()
    first = sync_catalog(_sync(source, Channel(held_by={"ART-00001": "77"}), pushed, state, clock))

    retry = Channel(held_by={"ART-00001": "77"})
    second = sync_catalog(_sync(source, retry, pushed, state, clock))

    assert (first.pushed, first.failed) == (2, 1)
    assert retry.calls == [[("ART-00001", "77")]]
    assert (second.read, second.pushed, pushed.rows["ART-00001"].channel_id) == (1, 1, "77")
