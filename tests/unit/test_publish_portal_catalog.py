"""The portal catalog run with in-memory ports: delta writes, batches, removals, refusals, resuming, summaries."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from decimal import Decimal

from domain.catalog.availability import DisplayMode, ItemKey, ItemSubstitution, StockFacts, StockPolicy
from domain.catalog.listing import CatalogItem
from domain.catalog.prices import PriceListLine
from domain.errors import RetryableError
from domain.portal.catalog import PortalCustomer, PortalItem
from domain.portal.publish_catalog import PortalCatalogRun, publish_portal_catalog
from domain.records import SyncRun
from tests.fakes import MemorySyncRuns, TickingClock
from tests.unit.price_lines import price_line

RUN = "portal-catalog"


class Catalog:
    """BC's items; `fail_after` items read, BC stops answering."""

    def __init__(self, count: int) -> None:
        self.catalog = [
            CatalogItem(number=f"ART-{n:05d}", name=f"Artikel {n}", unit_price=Decimal(10 + n), vat_percent=Decimal(0))
            for n in range(count)
        ]
        self.lines: dict[str, list[PriceListLine]] = {}
        self.on_hand: dict[ItemKey, StockFacts] = {}
        self.fail_after: int | None = None

    def items(self, since: datetime | None = None, numbers: Collection[str] = ()) -> Iterator[CatalogItem]:
        """Every item: the portal run reads all of them each time."""
        assert (since, numbers) == (None, ())
        for index, item in enumerate(self.catalog):
            if index == self.fail_after:
                raise RetryableError("BC did not accept GET after 4 attempts")
            yield item

    def price_lines(self) -> dict[str, list[PriceListLine]]:
        return self.lines

    def stock(self) -> dict[ItemKey, StockFacts]:
        return self.on_hand


class Terms:
    def __init__(self) -> None:
        self.known = [PortalCustomer(number="C10000"), PortalCustomer(number="C10300", customer_price_group="HORECA")]
        self.entries: dict[str, list[ItemSubstitution]] = {}

    def customers(self) -> list[PortalCustomer]:
        return self.known

    def substitutions(self) -> dict[str, list[ItemSubstitution]]:
        return self.entries


class Store:
    """The portal's tables; an item with more than `most_lines` price lines does not fit."""

    limit = 100

    def __init__(self) -> None:
        self.stored_items: dict[str, PortalItem] = {}
        self.stored_customers: dict[str, PortalCustomer] = {}
        self.item_calls: list[list[str]] = []
        self.customer_calls: list[list[str]] = []
        self.most_lines = 1000

    def item_fingerprints(self) -> dict[str, str]:
        return {number: item.fingerprint() for number, item in self.stored_items.items()}

    def store_items(self, items: Sequence[PortalItem]) -> dict[str, str]:
        self.item_calls.append([item.number for item in items])
        refused = {item.number: "too many price lines" for item in items if len(item.price_lines) > self.most_lines}
        self.stored_items.update({item.number: item for item in items if item.number not in refused})
        self.remove_items(list(refused))
        return refused

    def remove_items(self, numbers: Sequence[str]) -> None:
        for number in numbers:
            self.stored_items.pop(number, None)

    def customer_fingerprints(self) -> dict[str, str]:
        return {number: customer.fingerprint() for number, customer in self.stored_customers.items()}

    def store_customers(self, customers: Sequence[PortalCustomer]) -> None:
        self.customer_calls.append([customer.number for customer in customers])
        self.stored_customers.update({customer.number: customer for customer in customers})

    def remove_customers(self, numbers: Sequence[str]) -> None:
        for number in numbers:
            self.stored_customers.pop(number, None)


def _run(catalog: Catalog, store: Store, terms: Terms | None = None, runs: MemorySyncRuns | None = None) -> SyncRun:
    return publish_portal_catalog(
        PortalCatalogRun(
            name=RUN,
            catalog=catalog,
            terms=terms or Terms(),
            store=store,
            runs=runs or MemorySyncRuns(),
            clock=TickingClock(),
            stock=StockPolicy(display=DisplayMode.QUANTITY_WITH_DATE),
        )
    )


def _counts(run: SyncRun) -> tuple[int, int, int, int, bool]:
    return run.read, run.changed, run.pushed, run.failed, run.completed


def test_the_first_run_stores_every_customer_and_item_in_batches_and_records_a_summary():
    catalog, store, runs = Catalog(250), Store(), MemorySyncRuns()
    catalog.lines["ART-00001"] = [price_line(1, "Customer", "C10300", price="9.00", asset_number="ART-00001")]

    run = _run(catalog, store, runs=runs)

    assert _counts(run) == (252, 252, 252, 0, True)
    assert [len(call) for call in store.item_calls] == [100, 100, 50]
    assert store.customer_calls == [["C10000", "C10300"]]
    assert store.stored_items["ART-00001"].price_lines[0].unit_price == Decimal("9.00")
    assert runs.latest(RUN, 1) == [run]


def test_an_unchanged_catalog_writes_nothing_and_one_change_writes_only_that_item():
    catalog, store = Catalog(250), Store()
    _run(catalog, store)
    store.item_calls.clear()

    quiet = _run(catalog, store)
    catalog.lines["ART-00007"] = [price_line(1, "All Customers", price="8.50", asset_number="ART-00007")]
    changed = _run(catalog, store)

    assert _counts(quiet) == (252, 0, 0, 0, True)
    assert _counts(changed) == (252, 1, 1, 0, True)
    assert store.item_calls == [["ART-00007"]]


def test_stock_and_substitutions_are_part_of_what_changes_an_item():
    catalog, store, terms = Catalog(3), Store(), Terms()
    _run(catalog, store, terms)
    store.item_calls.clear()
    key = ItemKey(item_number="ART-00001")
    catalog.on_hand[key] = StockFacts(item=key, on_hand={"HOOFD": Decimal(4)})
    terms.entries["ART-00002"] = [ItemSubstitution(item=ItemKey(item_number="ART-00002"), substitute=key)]

    _run(catalog, store, terms)

    assert store.item_calls == [["ART-00001", "ART-00002"]]
    assert store.stored_items["ART-00001"].availability().available_now == 4
    assert store.stored_items["ART-00002"].substitutions[0].substitute == key


def test_a_changed_customer_is_stored_again_and_one_bc_no_longer_has_is_removed():
    catalog, store, terms = Catalog(2), Store(), Terms()
    _run(catalog, store, terms)
    terms.known = [PortalCustomer(number="C10000", customer_price_group="RETAIL")]
    catalog.catalog.pop()

    run = _run(catalog, store, terms)

    assert _counts(run) == (2, 3, 3, 0, True)
    assert store.stored_customers == {"C10000": PortalCustomer(number="C10000", customer_price_group="RETAIL")}
    assert list(store.stored_items) == ["ART-00000"]


def test_an_item_that_does_not_fit_is_counted_failed_and_noted_and_the_rest_is_stored():
    catalog, store = Catalog(3), Store()
    store.most_lines = 1
    catalog.lines["ART-00002"] = [
        price_line(n, "Customer", f"C{n:05d}", price="9.00", asset_number="ART-00002") for n in range(1, 3)
    ]

    run = _run(catalog, store)

    assert _counts(run) == (5, 5, 4, 1, True)
    assert run.problems == ("ART-00002: too many price lines",)
    assert sorted(store.stored_items) == ["ART-00000", "ART-00001"]


def test_bc_down_mid_run_records_it_incomplete_and_the_next_run_stores_only_the_rest():
    """BC stops answering after 150 of 250 items: the first batch of 100 is in, nothing is removed; the next run
    stores the other 150."""
    catalog, store = Catalog(250), Store()
    catalog.fail_after = 150

    stopped = _run(catalog, store)
    catalog.fail_after = None
    resumed = _run(catalog, store)

    assert _counts(stopped) == (152, 152, 102, 0, False)
    assert stopped.problems == ("stopped early: BC did not accept GET after 4 attempts",)
    assert len(store.stored_items) == 250
    assert _counts(resumed) == (252, 150, 150, 0, True)
