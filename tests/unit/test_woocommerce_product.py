"""A listing as the WooCommerce product fields Koppel sends: only what BC owns, in WooCommerce's terms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.catalog.availability import ChannelStock, StockStatus
from domain.catalog.listing import ListedField, Listing, ListingStatus, VariantListing
from integrations.shops.woocommerce.catalog import product, variation

LISTED = Listing(
    sku="KOF-1001",
    name="Koffiebonen",
    status=ListingStatus.PUBLISHED,
    regular_price=Decimal("10.90"),
    sale_price=Decimal("8.18"),
    sale_from=date(2026, 11, 22),
    sale_to=date(2026, 12, 20),
    stock=ChannelStock(status=StockStatus.IN_STOCK, quantity=Decimal(12)),
)


def test_a_create_names_the_sku_and_every_owned_field():
    assert product(LISTED, create=True) == {
        "sku": "KOF-1001",
        "type": "simple",
        "name": "Koffiebonen",
        "status": "publish",
        "regular_price": "10.90",
        "sale_price": "8.18",
        "date_on_sale_from": "2026-11-22T00:00:00",
        "date_on_sale_to": "2026-12-20T23:59:59",
        "manage_stock": True,
        "stock_quantity": 12,
        "backorders": "no",
        "meta_data": [{"key": "koppel_expected_on", "value": ""}, {"key": "koppel_expected_quantity", "value": ""}],
    }


def test_an_update_sends_only_what_bc_owns_so_the_shops_enrichment_survives():
    prices_only = LISTED.model_copy(update={"owned": frozenset({ListedField.PRICES})})
    assert set(product(prices_only)) == {"type", "regular_price", "sale_price", "date_on_sale_from", "date_on_sale_to"}


def test_no_sale_clears_the_sale_price_and_a_blocked_item_is_a_draft():
    plain = LISTED.model_copy(
        update={"sale_price": None, "sale_from": None, "sale_to": None, "status": ListingStatus.DRAFT}
    )
    body = product(plain)
    assert (body["sale_price"], body["date_on_sale_from"], body["status"]) == ("", "", "draft")


def test_stock_without_a_quantity_sets_only_the_status_and_a_backorder_carries_its_date():
    status_only = LISTED.model_copy(update={"stock": ChannelStock(status=StockStatus.OUT_OF_STOCK)})
    backorder = LISTED.model_copy(
        update={
            "stock": ChannelStock(
                status=StockStatus.ON_BACKORDER,
                quantity=Decimal(0),
                expected_on=date(2026, 12, 10),
                expected_quantity=Decimal(40),
            )
        }
    )
    assert {k: v for k, v in product(status_only).items() if "stock" in k} == {
        "manage_stock": False,
        "stock_status": "outofstock",
    }
    body = product(backorder)
    assert (body["stock_quantity"], body["backorders"]) == (0, "notify")
    assert body["meta_data"] == [
        {"key": "koppel_expected_on", "value": "2026-12-10"},
        {"key": "koppel_expected_quantity", "value": "40"},
    ]


def test_an_item_with_variants_is_a_variable_product_with_one_attribute_and_no_prices_or_stock_of_its_own():
    red = VariantListing(
        sku="MOK-2001-ROOD",
        option="Rood",
        regular_price=Decimal("9.68"),
        stock=ChannelStock(status=StockStatus.OUT_OF_STOCK, quantity=Decimal(0)),
    )
    mug = LISTED.model_copy(update={"sku": "MOK-2001", "name": "Koffiemok", "variants": (red,)})

    assert product(mug) == {
        "name": "Koffiemok",
        "status": "publish",
        "type": "variable",
        "manage_stock": False,
        "attributes": [{"name": "Variant", "visible": True, "variation": True, "options": ["Rood"]}],
    }
    assert variation(red, create=True) == {
        "sku": "MOK-2001-ROOD",
        "attributes": [{"name": "Variant", "option": "Rood"}],
        "regular_price": "9.68",
        "sale_price": "",
        "date_on_sale_from": "",
        "date_on_sale_to": "",
        "manage_stock": True,
        "stock_quantity": 0,
        "backorders": "no",
        "meta_data": [{"key": "koppel_expected_on", "value": ""}, {"key": "koppel_expected_quantity", "value": ""}],
    }
    assert set(variation(red.model_copy(update={"owned": frozenset({ListedField.NAME})}))) == {"attributes"}


def test_the_category_is_sent_by_the_shops_id_only_when_bc_owns_it():
    owning = LISTED.model_copy(update={"category": "Koffie", "owned": frozenset({ListedField.CATEGORY})})

    assert product(owning, categories={"Koffie": 31}) == {"categories": [{"id": 31}], "type": "simple"}
    assert "categories" not in product(LISTED.model_copy(update={"category": "Koffie"}), categories={"Koffie": 31})
