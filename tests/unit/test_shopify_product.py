"""A listing as the ProductSetInput Koppel sends Shopify: the whole product, only the fields BC owns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.catalog.availability import ChannelStock, StockStatus
from domain.catalog.listing import ListedField, Listing, ListingStatus, VariantListing
from integrations.shops.shopify.catalog import ItemIds, product_input, tracked_quantity

IN_STOCK = ChannelStock(status=StockStatus.IN_STOCK, quantity=Decimal(12))
SIMPLE = Listing(
    sku="KOF-1001",
    name="Koffiebonen",
    status=ListingStatus.PUBLISHED,
    regular_price=Decimal("10.90"),
    stock=IN_STOCK,
)
SHIRT = Listing(
    sku="TEX-1001",
    name="T-shirt",
    status=ListingStatus.DRAFT,
    regular_price=Decimal("24.15"),
    stock=ChannelStock(status=StockStatus.OUT_OF_STOCK, quantity=Decimal(0)),
    variants=(
        VariantListing(sku="TEX-1001-S", option="Small", regular_price=Decimal("24.15"), stock=IN_STOCK),
        VariantListing(
            sku="TEX-1001-XL",
            option="Extra large",
            regular_price=Decimal("26.57"),
            stock=ChannelStock(
                status=StockStatus.ON_BACKORDER,
                quantity=Decimal(0),
                expected_on=date(2026, 12, 10),
                expected_quantity=Decimal(5),
            ),
        ),
    ),
)


def test_an_item_without_variants_is_one_default_variant_with_its_sku_and_every_owned_field():
    assert product_input(SIMPLE, {}) == {
        "title": "Koffiebonen",
        "status": "ACTIVE",
        "productOptions": [{"name": "Title", "values": [{"name": "Default Title"}]}],
        "variants": [
            {
                "optionValues": [{"optionName": "Title", "name": "Default Title"}],
                "sku": "KOF-1001",
                "price": "10.90",
                "compareAtPrice": None,
                "inventoryItem": {"tracked": True, "sku": "KOF-1001"},
                "inventoryPolicy": "DENY",
            }
        ],
    }


def test_an_item_without_variants_sends_its_one_variants_id_kept_with_the_products():
    """Without its id Shopify makes the variant anew and deletes the old one with its inventory item
    (ProductVariantSetInput.id: "Specifies the product variant to update or create a new variant if absent")."""
    kept = str(ItemIds("gid://shopify/Product/1", "gid://shopify/ProductVariant/2"))

    [variant] = product_input(SIMPLE, {"KOF-1001": kept})["variants"]

    assert kept == "gid://shopify/Product/1 gid://shopify/ProductVariant/2"
    assert variant["id"] == "gid://shopify/ProductVariant/2"
    assert ItemIds.parse(kept) == ItemIds("gid://shopify/Product/1", "gid://shopify/ProductVariant/2")
    assert ItemIds.parse("gid://shopify/Product/1") == ItemIds("gid://shopify/Product/1")
    assert str(ItemIds("gid://shopify/Product/1")) == "gid://shopify/Product/1"
    assert "id" not in product_input(SIMPLE, {"KOF-1001": "gid://shopify/Product/1"})["variants"][0]


def test_an_item_with_variants_lists_all_of_them_under_one_option_with_their_ids_when_known():
    ids = {"TEX-1001": "gid://shopify/Product/1", "TEX-1001-XL": "gid://shopify/ProductVariant/7"}

    assert product_input(SHIRT, ids) == {
        "title": "T-shirt",
        "status": "DRAFT",
        "productOptions": [{"name": "Variant", "values": [{"name": "Small"}, {"name": "Extra large"}]}],
        "variants": [
            {
                "optionValues": [{"optionName": "Variant", "name": "Small"}],
                "sku": "TEX-1001-S",
                "price": "24.15",
                "compareAtPrice": None,
                "inventoryItem": {"tracked": True, "sku": "TEX-1001-S"},
                "inventoryPolicy": "DENY",
            },
            {
                "id": "gid://shopify/ProductVariant/7",
                "optionValues": [{"optionName": "Variant", "name": "Extra large"}],
                "sku": "TEX-1001-XL",
                "price": "26.57",
                "compareAtPrice": None,
                "inventoryItem": {"tracked": True, "sku": "TEX-1001-XL"},
                "inventoryPolicy": "CONTINUE",
            },
        ],
    }


def test_a_sale_is_the_price_with_the_regular_price_to_compare_at():
    on_sale = SIMPLE.model_copy(update={"sale_price": Decimal("8.18"), "sale_from": date(2026, 11, 22)})

    [variant] = product_input(on_sale, {})["variants"]

    assert (variant["price"], variant["compareAtPrice"]) == ("8.18", "10.90")


def test_hidden_stock_is_not_tracked():
    hidden = SIMPLE.model_copy(update={"stock": ChannelStock(status=StockStatus.IN_STOCK, shown=False)})

    [variant] = product_input(hidden, {})["variants"]

    assert (variant["inventoryItem"], variant["inventoryPolicy"]) == ({"tracked": False, "sku": "KOF-1001"}, "DENY")


def test_only_the_owned_fields_are_sent_and_a_known_product_keeps_its_title():
    prices_only = SHIRT.model_copy(update={"owned": frozenset({ListedField.PRICES})})
    prices_only = prices_only.model_copy(
        update={"variants": tuple(v.model_copy(update={"owned": prices_only.owned}) for v in SHIRT.variants)}
    )

    assert product_input(prices_only, {"TEX-1001": "gid://shopify/Product/1"}) == {
        "productOptions": [{"name": "Variant", "values": [{"name": "Small"}, {"name": "Extra large"}]}],
        "variants": [
            {
                "optionValues": [{"optionName": "Variant", "name": "Small"}],
                "sku": "TEX-1001-S",
                "price": "24.15",
                "compareAtPrice": None,
            },
            {
                "optionValues": [{"optionName": "Variant", "name": "Extra large"}],
                "sku": "TEX-1001-XL",
                "price": "26.57",
                "compareAtPrice": None,
            },
        ],
    }


def test_a_new_product_gets_its_title_even_when_the_shop_owns_it():
    stock_only = SIMPLE.model_copy(update={"owned": frozenset({ListedField.STOCK, ListedField.STATUS})})

    assert product_input(stock_only, {}) == {
        "title": "Koffiebonen",
        "status": "ACTIVE",
        "productOptions": [{"name": "Title", "values": [{"name": "Default Title"}]}],
        "variants": [
            {
                "optionValues": [{"optionName": "Title", "name": "Default Title"}],
                "sku": "KOF-1001",
                "inventoryItem": {"tracked": True, "sku": "KOF-1001"},
                "inventoryPolicy": "DENY",
            }
        ],
    }
    assert "title" not in product_input(stock_only, {"KOF-1001": "gid://shopify/Product/1"})


def test_a_channel_showing_only_in_or_out_of_stock_tracks_an_out_of_stock_variant_at_zero():
    assert tracked_quantity(ChannelStock(status=StockStatus.OUT_OF_STOCK)) == 0
    assert tracked_quantity(ChannelStock(status=StockStatus.IN_STOCK)) is None
    assert tracked_quantity(ChannelStock(status=StockStatus.IN_STOCK, quantity=Decimal(4))) == 4
    assert tracked_quantity(ChannelStock(status=StockStatus.IN_STOCK, shown=False)) is None


def test_the_category_is_the_product_type_only_when_bc_owns_it():
    owning = SIMPLE.model_copy(update={"category": "Koffie", "owned": SIMPLE.owned | {ListedField.CATEGORY}})

    assert product_input(owning, {})["productType"] == "Koffie"
    assert "productType" not in product_input(SIMPLE.model_copy(update={"category": "Koffie"}), {})
