"""An item whose VAT BC does not give is left out of the shop and portal catalogs and named, never priced at 0 %.

The VAT % comes from the item's VAT Prod. Posting Group (published page 31) and the VAT posting setup (page 472);
API v2.0 items have only `taxGroupCode`, the US sales tax group, blank in a Dutch company (microsoft/BCApps
src/Apps/W1/APIV2/app/src/pages/APIV2Items.Page.al), so an item without a group or setup has no known VAT.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain.catalog.listing import CatalogItem
from domain.catalog.sync_catalog import sync_catalog
from tests.unit.test_publish_portal_catalog import Catalog, Store
from tests.unit.test_publish_portal_catalog import _run as portal_run
from tests.unit.test_sync_catalog import Channel, Source, _sync

PROBLEM = "ART-00001: not published, VAT unknown (no VAT Prod. Posting Group or no VAT posting setup)"


def test_the_shop_run_leaves_out_an_item_of_unknown_vat_and_names_it():
    source = Source(3)
    source.catalog[1] = source.catalog[1].model_copy(update={"vat_percent": None})

    run = sync_catalog(_sync(source, channel := Channel()))

    assert [sku for call in channel.calls for sku, _ in call] == ["ART-00000", "ART-00002"]
    assert run.problems == (PROBLEM,)
    assert (run.read, run.pushed) == (3, 2)


def test_the_portal_run_leaves_out_an_item_of_unknown_vat_and_removes_it_if_stored():
    catalog, store = Catalog(3), Store()
    portal_run(catalog, store)
    catalog.catalog[1] = catalog.catalog[1].model_copy(update={"vat_percent": None})

    run = portal_run(catalog, store)

    assert sorted(store.stored_items) == ["ART-00000", "ART-00002"]
    assert run.problems == (PROBLEM,)


def test_a_known_rate_of_zero_is_priced():
    source = Source(1)
    source.catalog[0] = source.catalog[0].model_copy(update={"vat_percent": Decimal(0)})

    run = sync_catalog(_sync(source, Channel()))

    assert (run.pushed, run.problems) == (1, ())


def test_an_item_must_say_its_vat_and_is_never_taken_for_zero_percent():
    with pytest.raises(ValidationError, match="vat_percent"):
        CatalogItem(number="KOF-1001", name="Koffiebonen", unit_price=Decimal("10.00"))  # type: ignore[call-arg]
