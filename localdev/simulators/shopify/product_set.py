"""`productSet`: create or update one product from a full description, with Shopify's list semantics.

Scalar fields that are not given stay as they are. `productOptions` and `variants` come together (one without the
other is refused); variants not in the list are deleted with their inventory items. A variant is the existing one
only when its `id` is given ("Specifies the product variant to update or create a new variant if absent"): one sent
without it is a new variant with a new inventory item, even with the option values of an old one, which is deleted
unless listed by its id. `metafields`, when given, replace the product's (or variant's) metafields. Validation is
all or nothing: any user error leaves the catalog untouched. SKUs need not be unique, in Shopify as here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from localdev.simulators.shopify.catalog import (
    Catalog,
    InventoryItem,
    OptionValue,
    Product,
    ProductOption,
    Variant,
    now_stamp,
)
from localdev.simulators.shopify.gql_errors import UserError
from localdev.simulators.shopify.metafields import metafield_errors, set_metafields

MAX_OPTIONS = 3
MAX_VARIANTS = 2048
DEFAULT_OPTION = ("Title", "Default Title")
DEFAULT_OPTIONS = [(DEFAULT_OPTION[0], [DEFAULT_OPTION[1]])]
SCALARS = {
    "title": "title",
    "descriptionHtml": "description_html",
    "vendor": "vendor",
    "productType": "product_type",
    "status": "status",
    "tags": "tags",
}
CENT = Decimal("0.01")

Input = Mapping[str, Any]
Options = list[tuple[str, list[str]]]


@dataclass(frozen=True)
class ProductSetOutcome:
    product: Product | None
    errors: list[UserError]


@dataclass(frozen=True)
class _Target:
    """The product to update (None: create one), and the handle an identifier asks for."""

    product: Product | None
    handle: str | None = None


def product_set(catalog: Catalog, product_input: Input, identifier: Input | None) -> ProductSetOutcome:
    target, errors = _target(catalog, product_input, identifier)
    if not errors:
        errors = list(_input_errors(catalog, product_input, target))
    if errors:
        return ProductSetOutcome(None, errors)
    return ProductSetOutcome(_save(catalog, product_input, target), [])


def _target(catalog: Catalog, product_input: Input, identifier: Input | None) -> tuple[_Target, list[UserError]]:
    """Which product the call is about: `identifier` (id or handle, an unknown handle creates) or `input.id`."""
    if identifier is not None and product_input.get("id") is not None:
        message = "The id field is not allowed if identifier is provided."
        return _Target(None), [UserError(("input", "id"), message, "ID_NOT_ALLOWED")]
    if identifier is not None and identifier.get("id") is not None:
        product = catalog.products.get(identifier["id"])
        missing = UserError(("identifier", "id"), "Resource matching the identifier was not found.", "NOT_FOUND")
        return _Target(product), [] if product else [missing]
    if identifier is not None and identifier.get("handle") is not None:
        return _by_handle(catalog, product_input, identifier["handle"])
    if product_input.get("id") is None:
        return _Target(None), []
    product = catalog.products.get(product_input["id"])
    missing = UserError(("input", "id"), "Product does not exist", "PRODUCT_DOES_NOT_EXIST")
    return _Target(product), [] if product else [missing]


def _by_handle(catalog: Catalog, product_input: Input, handle: str) -> tuple[_Target, list[UserError]]:
    if product_input.get("handle") not in (None, handle):
        message = "The identifier value does not match the value of the corresponding field in the input."
        return _Target(None), [UserError(("input", "handle"), message, "INPUT_MISMATCH")]
    return _Target(catalog.product_by_handle(handle), handle), []


def _input_errors(catalog: Catalog, product_input: Input, target: _Target) -> Iterator[UserError]:
    product = target.product
    if ("title" in product_input or product is None) and not (product_input.get("title") or "").strip():
        yield UserError(("input", "title"), "Title can't be blank", "INVALID_PRODUCT")
    handle = product_input.get("handle")
    if handle and any(p.handle == handle and p is not product for p in catalog.products.values()):
        yield UserError(("input", "handle"), "Handle already in use. Please provide a new handle.", "HANDLE_NOT_UNIQUE")
    yield from _options_and_variants_errors(product_input, product)
    existing = product.metafields if product else []
    yield from metafield_errors(product_input.get("metafields") or [], existing, ("input", "metafields"))


def _options_and_variants_errors(product_input: Input, product: Product | None) -> Iterator[UserError]:
    has_options, has_variants = "productOptions" in product_input, "variants" in product_input
    if has_variants and not has_options:
        message = "Must specify product options when updating variants."
        yield UserError(("input", "productOptions"), message, "PRODUCT_OPTIONS_INPUT_MISSING")
    elif has_options and not has_variants:
        yield UserError(("input", "variants"), "Must specify variants when updating options.", "VARIANTS_INPUT_MISSING")
    elif has_options:
        option_errors = list(_option_errors(product_input["productOptions"] or []))
        yield from option_errors
        if not option_errors:
            options = _options(product_input["productOptions"] or [])
            yield from _variant_errors(product_input["variants"] or [], options, product)


def _option_errors(options: list[Input]) -> Iterator[UserError]:
    if len(options) > MAX_OPTIONS:
        yield UserError(("input", "productOptions"), "Options over limit", "OPTIONS_OVER_LIMIT")
        return
    seen: set[str] = set()
    for index, option in enumerate(options):
        where = ("input", "productOptions", str(index))
        name = (option.get("name") or "").strip()
        if not name:
            yield UserError((*where, "name"), "Option name can't be blank", "INVALID_INPUT")
        elif name.casefold() in seen:
            yield UserError((*where, "name"), "Duplicated option name.", "DUPLICATED_OPTION_NAME")
        seen.add(name.casefold())
        yield from _option_value_errors([v.get("name") or "" for v in option.get("values") or []], where)


def _option_value_errors(values: list[str], where: tuple[str, ...]) -> Iterator[UserError]:
    if not values:
        message = "Each option must have at least one option value specified."
        yield UserError((*where, "values"), message, "OPTION_VALUES_MISSING")
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value.casefold() in seen:
            yield UserError((*where, "values", str(index)), "Duplicated option value.", "DUPLICATED_OPTION_VALUE")
        seen.add(value.casefold())


def _options(options: list[Input]) -> Options:
    """The options by name and values; no options at all means Shopify's `Title: Default Title`."""
    named = [(option["name"].strip(), [v["name"] for v in option.get("values") or []]) for option in options]
    return named or DEFAULT_OPTIONS


def _variant_errors(variants: list[Input], options: Options, product: Product | None) -> Iterator[UserError]:
    if len(variants) > MAX_VARIANTS:
        message = "Number of product variants exceeds shop limit."
        yield UserError(("input", "variants"), message, "VARIANTS_OVER_LIMIT")
        return
    own_ids = {v.id for v in product.variants} if product else set()
    seen: set[tuple[str, ...]] = set()
    for index, variant in enumerate(variants):
        where = ("input", "variants", str(index))
        combination, errors = _combination(variant, options, where)
        yield from errors
        if combination is not None and combination in seen:
            title = " / ".join(combination)
            message = f"The variant '{title}' already exists. Please change at least one option value."
            yield UserError(where, message, "INVALID_VARIANT")
        if combination is not None:
            seen.add(combination)
        yield from _variant_field_errors(variant, own_ids, product, where)


def _combination(
    variant: Input, options: Options, where: tuple[str, ...]
) -> tuple[tuple[str, ...] | None, list[UserError]]:
    """The variant's value for each option, in option order; None with the errors when that is not clear."""
    chosen: dict[str, str] = {}
    errors = []
    names = {name.casefold(): (name, values) for name, values in options}
    for index, option_value in enumerate(variant.get("optionValues") or []):
        at = (*where, "optionValues", str(index))
        option = names.get((option_value.get("optionName") or "").casefold())
        value = option_value.get("name") or ""
        if option is None:
            errors.append(UserError((*at, "optionName"), "Option does not exist", "OPTION_DOES_NOT_EXIST"))
        elif value.casefold() not in (v.casefold() for v in option[1]):
            errors.append(UserError((*at, "name"), "Option value does not exist", "OPTION_VALUE_DOES_NOT_EXIST"))
        elif option[0] in chosen:
            errors.append(UserError(at, "Only one value can be given for each option.", "INVALID_VARIANT"))
        else:
            chosen[option[0]] = next(v for v in option[1] if v.casefold() == value.casefold())
    if not errors and not chosen and options == DEFAULT_OPTIONS:
        chosen[DEFAULT_OPTION[0]] = DEFAULT_OPTION[1]
    if not errors and len(chosen) < len(options):
        message = "The variant needs a value for every product option."
        errors.append(UserError((*where, "optionValues"), message, "INVALID_VARIANT"))
    return (None if errors else tuple(chosen[name] for name, _values in options)), errors


def _variant_field_errors(
    variant: Input, own_ids: set[str], product: Product | None, where: tuple[str, ...]
) -> Iterator[UserError]:
    variant_id = variant.get("id")
    if variant_id is not None and variant_id not in own_ids:
        message = "Product variant does not exist"
        yield UserError((*where, "id"), message, "PRODUCT_VARIANT_DOES_NOT_EXIST")
    for name in ("price", "compareAtPrice"):
        if variant.get(name) is not None and variant[name] < 0:
            yield UserError((*where, name), "Price must be greater than or equal to 0.", "INVALID_VARIANT")
    existing = next((v.metafields for v in product.variants if v.id == variant_id), []) if product else []
    yield from metafield_errors(variant.get("metafields") or [], existing, (*where, "metafields"))


def _save(catalog: Catalog, product_input: Input, target: _Target) -> Product:
    """Apply a valid input; creates the product when there is none."""
    stamp = now_stamp()
    product = target.product or _new_product(catalog, product_input, target.handle, stamp)
    for key, attribute in SCALARS.items():
        if product_input.get(key) is not None:
            setattr(product, attribute, product_input[key])
    if product_input.get("handle"):
        product.handle = product_input["handle"]
    if "productOptions" in product_input:
        options = _options(product_input["productOptions"] or [])
        product.options = _set_options(catalog, product.options, options)
        _set_variants(catalog, product, product_input["variants"] or [], options, stamp)
    elif not product.variants:
        _set_default_variant(catalog, product, stamp)
    if product_input.get("metafields") is not None:
        product.metafields = set_metafields(catalog.ids, product.metafields, product_input["metafields"])
    product.updated_at = stamp
    return product


def _new_product(catalog: Catalog, product_input: Input, handle: str | None, stamp: str) -> Product:
    product_id = catalog.ids.next("Product")
    title = product_input["title"]
    product = Product(product_id, title, handle or catalog.unique_handle(title, None), "ACTIVE")
    product.created_at = product.updated_at = stamp
    catalog.products[product_id] = product
    return product


def _set_default_variant(catalog: Catalog, product: Product, stamp: str) -> None:
    """A product created without options gets Shopify's single `Title: Default Title` variant."""
    product.options = _set_options(catalog, [], DEFAULT_OPTIONS)
    _set_variants(catalog, product, [{"optionValues": []}], DEFAULT_OPTIONS, stamp)


def _set_options(catalog: Catalog, existing: list[ProductOption], options: Options) -> list[ProductOption]:
    """New option list; options and values keep their ids when their names match."""
    previous = {option.name.casefold(): option for option in existing}
    result = []
    for position, (name, values) in enumerate(options, start=1):
        old = previous.get(name.casefold())
        option_id = old.id if old else catalog.ids.next("ProductOption")
        old_values = {v.name.casefold(): v.id for v in old.values} if old else {}
        option_values = [
            OptionValue(old_values.get(v.casefold()) or catalog.ids.next("ProductOptionValue"), v) for v in values
        ]
        result.append(ProductOption(option_id, name, position, option_values))
    return result


def _set_variants(catalog: Catalog, product: Product, variants: Sequence[Input], options: Options, stamp: str) -> None:
    by_id = {v.id: v for v in product.variants}
    kept: list[Variant] = []
    kept_ids: set[str] = set()
    for position, variant_input in enumerate(variants, start=1):
        combination, _errors = _combination(variant_input, options, ())
        assert combination is not None, "validated before saving"
        variant = by_id.get(variant_input.get("id") or "")
        if variant is None or variant.id in kept_ids:
            variant = _new_variant(catalog, product, stamp)
        variant.options = tuple(zip((name for name, _values in options), combination, strict=True))
        variant.position = position
        _apply_variant(catalog, variant, variant_input, stamp)
        kept.append(variant)
        kept_ids.add(variant.id)
    for removed in (v for v in product.variants if v.id not in kept_ids):
        catalog.drop_inventory_item(removed.inventory_item)
    product.variants = kept


def _new_variant(catalog: Catalog, product: Product, stamp: str) -> Variant:
    item = catalog.new_inventory_item(None, tracked=False)
    variant_id = catalog.ids.next("ProductVariant")
    return Variant(variant_id, product.id, (), Decimal("0.00"), None, "DENY", 0, item, [], stamp, stamp)


def _apply_variant(catalog: Catalog, variant: Variant, variant_input: Input, stamp: str) -> None:
    if variant_input.get("price") is not None:
        variant.price = _money(variant_input["price"])
    if "compareAtPrice" in variant_input:
        price = variant_input["compareAtPrice"]
        variant.compare_at_price = None if price is None else _money(price)
    if variant_input.get("inventoryPolicy") is not None:
        variant.inventory_policy = variant_input["inventoryPolicy"]
    _apply_inventory_item(variant.inventory_item, variant_input)
    if variant_input.get("metafields") is not None:
        variant.metafields = set_metafields(catalog.ids, variant.metafields, variant_input["metafields"])
    variant.updated_at = stamp


def _apply_inventory_item(item: InventoryItem, variant_input: Input) -> None:
    """The SKU comes from `inventoryItem.sku`, else from the variant's own (older) `sku` field."""
    item_input = variant_input.get("inventoryItem") or {}
    if "sku" in item_input:
        item.sku = item_input["sku"]
    elif "sku" in variant_input:
        item.sku = variant_input["sku"]
    if item_input.get("tracked") is not None:
        item.tracked = item_input["tracked"]


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
