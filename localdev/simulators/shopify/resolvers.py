"""Resolvers: the root queries and mutations, and the fields that take arguments or look things up.

Every other field is read by `resolve_field`: a mapping by key, an object by the snake_case attribute of the
field's name (`descriptionHtml` -> `description_html`); a callable found there is called with the arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema
from graphql.execution.values import get_directive_values

from localdev.simulators.shopify.catalog import (
    Catalog,
    InventoryItem,
    InventoryLevel,
    Metafield,
    Product,
    ProductOption,
    Variant,
)
from localdev.simulators.shopify.connections import connection
from localdev.simulators.shopify.fulfillment_api import FULFILLMENT_FIELDS, FULFILLMENT_ROOTS
from localdev.simulators.shopify.fulfillments import FulfillmentDesk
from localdev.simulators.shopify.gql_errors import UserError, check_input_sizes, field_error
from localdev.simulators.shopify.idempotency import IdempotencyStore, KeyMismatch
from localdev.simulators.shopify.inventory import AdjustmentGroup, set_quantities
from localdev.simulators.shopify.nodes import node_type, nodes
from localdev.simulators.shopify.product_set import DEFAULT_OPTION, product_set
from localdev.simulators.shopify.refund_api import REFUND_FIELDS, REFUND_ROOTS, refund_payload
from localdev.simulators.shopify.refunds import RefundDesk
from localdev.simulators.shopify.schema import ApiEra, schema_for
from localdev.simulators.shopify.search import SearchQuery
from localdev.simulators.shopify.subscriptions import WebhookSubscriptions, webhook_subscriptions

IDEMPOTENCY_REQUIRED = "The @idempotent directive is required for this mutation but was not provided."
QUANTITY_NAMES = ("available", "on_hand", "committed", "damaged", "incoming", "quality_control", "reserved")
PRODUCT_SET_UNCAPPED = frozenset({"input.variants", "input.productOptions.values"})
Resolver = Callable[..., Any]


@dataclass(frozen=True)
class Context:
    """What every resolver of one request can reach (`info.context`)."""

    catalog: Catalog
    era: ApiEra
    idempotency: IdempotencyStore
    webhooks: WebhookSubscriptions
    fulfillments: FulfillmentDesk
    refunds: RefundDesk


def resolve_field(source: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
    if isinstance(source, Mapping):
        value = source.get(info.field_name)
    else:
        value = getattr(source, re.sub(r"(?<!^)(?=[A-Z])", "_", info.field_name).lower(), None)
    return value(info, **arguments) if callable(value) else value


def _catalog(info: GraphQLResolveInfo) -> Catalog:
    context: Context = info.context
    return context.catalog


def _product(info: GraphQLResolveInfo, **arguments: Any) -> Product | None:
    return _catalog(info).products.get(arguments["id"])


def _products(info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    search = SearchQuery.parse(arguments.get("query"))
    return connection(info, _catalog(info).sorted_products(search.accepts_product), _id, arguments)


def _variant(info: GraphQLResolveInfo, **arguments: Any) -> Variant | None:
    return _catalog(info).variant(arguments["id"])


def _variants(info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    search = SearchQuery.parse(arguments.get("query"))
    return connection(info, _catalog(info).sorted_variants(search.accepts_variant), _id, arguments)


def _inventory_item(info: GraphQLResolveInfo, **arguments: Any) -> InventoryItem | None:
    return _catalog(info).inventory_items.get(arguments["id"])


def _location(info: GraphQLResolveInfo, **arguments: Any) -> Any:
    """Without an id: the shop's primary (first) location."""
    catalog = _catalog(info)
    if arguments.get("id") is None:
        return catalog.sorted_locations()[0]
    return catalog.locations.get(arguments["id"])


def _locations(info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    return connection(info, _catalog(info).sorted_locations(), _id, arguments)


def _product_set(info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    """Always synchronous: `synchronous: false` is answered the same way, without a ProductSetOperation."""
    check_input_sizes(info, arguments, PRODUCT_SET_UNCAPPED)
    outcome = product_set(_catalog(info), arguments["input"], arguments.get("identifier"))
    return {"product": outcome.product, "productSetOperation": None, "userErrors": _errors(outcome.errors)}


def _inventory_set_quantities(info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    context: Context = info.context
    key = _idempotency_key(info, context.era)
    check_input_sizes(info, arguments, frozenset())
    quantities = arguments["input"]["quantities"]
    if context.era.change_from_required and any("changeFromQuantity" not in q for q in quantities):
        message = "InventoryQuantityInput must include the following argument: changeFromQuantity."
        raise field_error(info, message, "INVALID_FIELD_ARGUMENTS")
    return _once(
        info,
        key,
        arguments,
        lambda: _set_quantities_payload(context.catalog, arguments),
        lambda errors: {"inventoryAdjustmentGroup": None, "userErrors": errors},
    )


def _refund_create(info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    """`refundCreate`: idempotent with a key (optional from 2026-01, required from 2026-04)."""
    context: Context = info.context
    key = _idempotency_key(info, context.era)
    check_input_sizes(info, arguments, frozenset())

    def create() -> dict[str, Any]:
        outcome = context.refunds.create(arguments["input"])
        return refund_payload(outcome.refund, _errors(outcome.errors), info)

    return _once(info, key, arguments, create, lambda errors: refund_payload(None, errors, info))


def _once(
    info: GraphQLResolveInfo,
    key: str | None,
    arguments: Mapping[str, Any],
    run: Callable[[], dict[str, Any]],
    refused: Callable[[list[dict[str, Any]]], dict[str, Any]],
) -> dict[str, Any]:
    """`run`'s payload, or, for a key used before, the payload answered then; `refused` builds the payload of a key
    used with other arguments. Without a key `run` runs every time."""
    if key is None:
        return run()
    context: Context = info.context
    try:
        remembered = context.idempotency.recall(info.field_name, key, arguments)
    except KeyMismatch as mismatch:
        return refused(_errors([UserError(None, str(mismatch), "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")]))
    if remembered is not None:
        return remembered
    payload = run()
    context.idempotency.remember(info.field_name, key, arguments, payload)
    return payload


def _set_quantities_payload(catalog: Catalog, arguments: Mapping[str, Any]) -> dict[str, Any]:
    outcome = set_quantities(catalog, arguments["input"])
    return {"inventoryAdjustmentGroup": outcome.group, "userErrors": _errors(outcome.errors)}


def _idempotency_key(info: GraphQLResolveInfo, era: ApiEra) -> str | None:
    """The `@idempotent(key:)` on this field; required from 2026-04 and never blank."""
    directive = info.schema.get_directive("idempotent")
    values = get_directive_values(directive, info.field_nodes[0], info.variable_values) if directive else None
    if values is None:
        if era.idempotency_required:
            raise field_error(info, IDEMPOTENCY_REQUIRED, "BAD_REQUEST")
        return None
    key: str = values["key"]
    if not key.strip():
        raise field_error(info, "The idempotency key can't be blank.", "BAD_REQUEST")
    return key


def _errors(errors: list[UserError]) -> list[dict[str, Any]]:
    return [error.to_json() for error in errors]


def _id(node: Any) -> str:
    node_id: str = node.id
    return node_id


def _product_variants(product: Product, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    return connection(info, product.variants, _id, arguments)


def _total_inventory(product: Product, _info: GraphQLResolveInfo) -> int:
    return sum(variant.inventory_quantity for variant in product.variants)


def _has_only_default_variant(product: Product, _info: GraphQLResolveInfo) -> bool:
    return [v.options for v in product.variants] == [(DEFAULT_OPTION,)]


def _variants_count(product: Product, _info: GraphQLResolveInfo) -> dict[str, int]:
    return {"count": len(product.variants)}


def _metafield(owner: Product | Variant, _info: GraphQLResolveInfo, **arguments: Any) -> Metafield | None:
    namespace, key = arguments.get("namespace"), arguments["key"]
    return next((m for m in owner.metafields if m.key == key and namespace in (None, m.namespace)), None)


def _metafields(owner: Product | Variant, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    namespace = arguments.get("namespace")
    chosen = [m for m in owner.metafields if namespace in (None, m.namespace)]
    return connection(info, chosen, _id, arguments)


def _option_values(option: ProductOption, _info: GraphQLResolveInfo) -> list[str]:
    return option.value_names()


def _variant_product(variant: Variant, info: GraphQLResolveInfo) -> Product:
    return _catalog(info).products[variant.product_id]


def _item_variant(item: InventoryItem, info: GraphQLResolveInfo) -> Variant:
    return next(v for v in _catalog(info).variants() if v.inventory_item is item)


def _inventory_level(item: InventoryItem, info: GraphQLResolveInfo, **arguments: Any) -> InventoryLevel | None:
    location = _catalog(info).locations.get(arguments["locationId"])
    return InventoryLevel(item, location) if location and location.id in item.levels else None


def _inventory_levels(item: InventoryItem, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    catalog = _catalog(info)
    levels = [InventoryLevel(item, loc) for loc in catalog.sorted_locations() if loc.id in item.levels]
    return connection(info, levels, _id, arguments)


def _quantities(level: InventoryLevel, _info: GraphQLResolveInfo, **arguments: Any) -> list[dict[str, Any]]:
    """`available` and `on_hand` are the stock; the other states hold nothing here."""
    stocked = ("available", "on_hand")
    names = [name for name in arguments["names"] if name in QUANTITY_NAMES]
    return [{"name": name, "quantity": level.available if name in stocked else 0} for name in names]


def _changes(group: AdjustmentGroup, _info: GraphQLResolveInfo, **arguments: Any) -> list[Any]:
    names = arguments.get("quantityNames")
    return [change for change in group.changes if names is None or change.name in names]


ROOTS: dict[str, Resolver] = {
    "product": _product,
    "products": _products,
    "productVariant": _variant,
    "productVariants": _variants,
    "inventoryItem": _inventory_item,
    "location": _location,
    "locations": _locations,
    "productSet": _product_set,
    "inventorySetQuantities": _inventory_set_quantities,
    "refundCreate": _refund_create,
    "webhookSubscriptions": webhook_subscriptions,
    "nodes": nodes,
    **FULFILLMENT_ROOTS,
    **REFUND_ROOTS,
}
FIELDS: dict[tuple[str, str], Resolver] = {
    ("Product", "variants"): _product_variants,
    ("Product", "totalInventory"): _total_inventory,
    ("Product", "hasOnlyDefaultVariant"): _has_only_default_variant,
    ("Product", "variantsCount"): _variants_count,
    ("Product", "metafield"): _metafield,
    ("Product", "metafields"): _metafields,
    ("ProductOption", "values"): _option_values,
    ("ProductOption", "optionValues"): lambda option, _info: option.values,
    ("ProductVariant", "product"): _variant_product,
    ("ProductVariant", "metafield"): _metafield,
    ("ProductVariant", "metafields"): _metafields,
    ("InventoryItem", "variant"): _item_variant,
    ("InventoryItem", "inventoryLevel"): _inventory_level,
    ("InventoryItem", "inventoryLevels"): _inventory_levels,
    ("InventoryLevel", "quantities"): _quantities,
    ("InventoryAdjustmentGroup", "changes"): _changes,
    **FULFILLMENT_FIELDS,
    **REFUND_FIELDS,
}


@cache
def executable_schema(era: ApiEra) -> GraphQLSchema:
    """The era's schema with the field resolvers above installed."""
    schema = schema_for(era)
    for (type_name, field_name), resolver in FIELDS.items():
        object_type = schema.type_map[type_name]
        assert isinstance(object_type, GraphQLObjectType)
        object_type.fields[field_name].resolve = resolver
    node = schema.type_map["Node"]
    assert isinstance(node, GraphQLInterfaceType)
    node.resolve_type = node_type
    return schema
