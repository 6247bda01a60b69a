"""The part of the Admin GraphQL schema the simulator serves, per API version.

Versions differ where clients trip: `@idempotent(key:)` and `changeFromQuantity` exist from 2026-01;
`compareQuantity` and `ignoreCompareQuantity` are gone from 2026-04, when the directive and an explicit
`changeFromQuantity` on every quantity become mandatory. Anything not declared here is refused by validation,
as Shopify refuses fields it does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import (
    FloatValueNode,
    GraphQLError,
    GraphQLScalarType,
    GraphQLSchema,
    IntValueNode,
    StringValueNode,
    ValueNode,
    build_schema,
)

from localdev.simulators.shopify.fulfillment_api import FULFILLMENT_SDL
from localdev.simulators.shopify.nodes import NODE_SDL
from localdev.simulators.shopify.refund_api import REFUND_SDL

PRODUCT_SET_ERROR_CODES = (
    "CANNOT_COMBINE_LINKED_AND_NONLINKED_OPTION_VALUES CAPABILITY_VIOLATION DUPLICATE_LINKED_OPTION "
    "DUPLICATED_METAFIELD_VALUE DUPLICATED_OPTION_NAME DUPLICATED_OPTION_VALUE DUPLICATED_VALUE GENERIC_ERROR "
    "GIFT_CARD_ATTRIBUTE_CANNOT_BE_CHANGED GIFT_CARDS_NOT_ACTIVATED HANDLE_NOT_UNIQUE ID_NOT_ALLOWED INPUT_MISMATCH "
    "INVALID_INPUT INVALID_METAFIELD INVALID_METAFIELD_VALUE_FOR_LINKED_OPTION INVALID_PRODUCT INVALID_VARIANT "
    "INVENTORY_QUANTITIES_LIMIT_EXCEEDED JOB_ERROR LINKED_METAFIELD_DEFINITION_NOT_FOUND "
    "LINKED_OPTIONS_NOT_SUPPORTED_FOR_SHOP METAFIELD_MISMATCH MISSING_FIELD_REQUIRED NOT_FOUND OPTION_DOES_NOT_EXIST "
    "OPTION_VALUE_DOES_NOT_EXIST OPTION_VALUES_MISSING OPTION_VALUES_OVER_LIMIT OPTIONS_OVER_LIMIT "
    "PRODUCT_DOES_NOT_EXIST PRODUCT_OPTIONS_INPUT_MISSING PRODUCT_SUSPENDED PRODUCT_VARIANT_DOES_NOT_EXIST "
    "VARIANTS_INPUT_MISSING VARIANTS_OVER_LIMIT"
)
INVENTORY_SET_ERROR_CODES = (
    "CHANGE_FROM_QUANTITY_STALE COMPARE_QUANTITY_REQUIRED COMPARE_QUANTITY_STALE IDEMPOTENCY_CONCURRENT_REQUEST "
    "IDEMPOTENCY_KEY_PARAMETER_MISMATCH INVALID_INVENTORY_ITEM INVALID_LOCATION INVALID_NAME "
    "INVALID_QUANTITY_NEGATIVE INVALID_QUANTITY_TOO_HIGH INVALID_QUANTITY_TOO_LOW INVALID_REASON "
    "INVALID_REFERENCE_DOCUMENT ITEM_NOT_STOCKED_AT_LOCATION NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR "
    "NON_MUTABLE_INVENTORY_ITEM"
)
PAGE_ARGS = "first: Int, after: String, last: Int, before: String, reverse: Boolean = false"

SDL = f"""
scalar Money
scalar DateTime
__DIRECTIVES__
enum ProductStatus {{ ACTIVE ARCHIVED DRAFT }}
enum ProductVariantInventoryPolicy {{ DENY CONTINUE }}
enum ProductOperationStatus {{ ACTIVE COMPLETE CREATED }}
enum ProductSetUserErrorCode {{ {PRODUCT_SET_ERROR_CODES} }}
enum InventorySetQuantitiesUserErrorCode {{ {INVENTORY_SET_ERROR_CODES} }}

type Query {{
  product(id: ID!): Product
  products({PAGE_ARGS}, query: String): ProductConnection!
  productVariant(id: ID!): ProductVariant
  productVariants({PAGE_ARGS}, query: String): ProductVariantConnection!
  inventoryItem(id: ID!): InventoryItem
  location(id: ID): Location
  locations({PAGE_ARGS}): LocationConnection!
  webhookSubscriptions({PAGE_ARGS}, topics: [WebhookSubscriptionTopic!], query: String): WebhookSubscriptionConnection!
}}

type Mutation {{
  productSet(input: ProductSetInput!, synchronous: Boolean = true, identifier: ProductSetIdentifiers): ProductSetPayload
  inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload
}}

input ProductSetIdentifiers {{ id: ID, handle: String }}
input ProductSetInput {{
  id: ID, title: String, handle: String, descriptionHtml: String, vendor: String, productType: String,
  tags: [String!], status: ProductStatus, productOptions: [OptionSetInput!], variants: [ProductVariantSetInput!],
  metafields: [MetafieldInput!]
}}
input OptionSetInput {{ name: String, values: [OptionValueSetInput!] }}
input OptionValueSetInput {{ name: String }}
input ProductVariantSetInput {{
  id: ID, optionValues: [VariantOptionValueInput!]!, sku: String, price: Money, compareAtPrice: Money,
  inventoryPolicy: ProductVariantInventoryPolicy, inventoryItem: InventoryItemInput, metafields: [MetafieldInput!]
}}
input VariantOptionValueInput {{ optionName: String, name: String }}
input InventoryItemInput {{ sku: String, tracked: Boolean }}
input MetafieldInput {{ namespace: String, key: String, type: String, value: String }}
input InventorySetQuantitiesInput {{
  name: String!, reason: String!, referenceDocumentUri: String, quantities: [InventoryQuantityInput!]!
  __IGNORE_COMPARE__
}}
input InventoryQuantityInput {{
  inventoryItemId: ID!, locationId: ID!, quantity: Int!
  __QUANTITY_COMPARE__
}}

type PageInfo {{ hasNextPage: Boolean!, hasPreviousPage: Boolean!, startCursor: String, endCursor: String }}
type ProductConnection {{ nodes: [Product!]!, edges: [ProductEdge!]!, pageInfo: PageInfo! }}
type ProductEdge {{ cursor: String!, node: Product! }}
type ProductVariantConnection {{ nodes: [ProductVariant!]!, edges: [ProductVariantEdge!]!, pageInfo: PageInfo! }}
type ProductVariantEdge {{ cursor: String!, node: ProductVariant! }}
type LocationConnection {{ nodes: [Location!]!, edges: [LocationEdge!]!, pageInfo: PageInfo! }}
type LocationEdge {{ cursor: String!, node: Location! }}
enum WebhookSubscriptionTopic {{
  APP_UNINSTALLED ORDERS_CANCELLED ORDERS_CREATE ORDERS_DELETE ORDERS_FULFILLED ORDERS_PAID ORDERS_UPDATED
  PRODUCTS_CREATE PRODUCTS_DELETE PRODUCTS_UPDATE REFUNDS_CREATE
}}
type WebhookSubscription {{ id: ID!, legacyResourceId: String!, topic: WebhookSubscriptionTopic!, uri: String! }}
type WebhookSubscriptionConnection {{
  nodes: [WebhookSubscription!]!, edges: [WebhookSubscriptionEdge!]!, pageInfo: PageInfo!
}}
type WebhookSubscriptionEdge {{ cursor: String!, node: WebhookSubscription! }}
type MetafieldConnection {{ nodes: [Metafield!]!, edges: [MetafieldEdge!]!, pageInfo: PageInfo! }}
type MetafieldEdge {{ cursor: String!, node: Metafield! }}
type InventoryLevelConnection {{ nodes: [InventoryLevel!]!, edges: [InventoryLevelEdge!]!, pageInfo: PageInfo! }}
type InventoryLevelEdge {{ cursor: String!, node: InventoryLevel! }}

type Product implements Node {{
  id: ID!, title: String!, handle: String!, status: ProductStatus!, descriptionHtml: String!, vendor: String!,
  productType: String!, tags: [String!]!, createdAt: DateTime!, updatedAt: DateTime!, totalInventory: Int!,
  hasOnlyDefaultVariant: Boolean!, options: [ProductOption!]!, variantsCount: Count,
  variants({PAGE_ARGS}): ProductVariantConnection!,
  metafield(namespace: String, key: String!): Metafield
  metafields({PAGE_ARGS}, namespace: String): MetafieldConnection!
}}
type Count {{ count: Int! }}
type ProductOption {{
  id: ID!, name: String!, position: Int!, values: [String!]!, optionValues: [ProductOptionValue!]!
}}
type ProductOptionValue {{ id: ID!, name: String! }}
type ProductVariant implements Node {{
  id: ID!, title: String!, sku: String, price: Money!, compareAtPrice: Money,
  inventoryPolicy: ProductVariantInventoryPolicy!, position: Int!, inventoryQuantity: Int,
  selectedOptions: [SelectedOption!]!, inventoryItem: InventoryItem!, product: Product!,
  createdAt: DateTime!, updatedAt: DateTime!,
  metafield(namespace: String, key: String!): Metafield
  metafields({PAGE_ARGS}, namespace: String): MetafieldConnection!
}}
type SelectedOption {{ name: String!, value: String! }}
type InventoryItem {{
  id: ID!, sku: String, tracked: Boolean!, variant: ProductVariant!,
  inventoryLevel(locationId: ID!): InventoryLevel
  inventoryLevels({PAGE_ARGS}): InventoryLevelConnection!
}}
type InventoryLevel {{
  id: ID!, location: Location!, item: InventoryItem!, quantities(names: [String!]!): [InventoryQuantity!]!
}}
type InventoryQuantity {{ name: String!, quantity: Int! }}
type Location {{ id: ID!, name: String!, isActive: Boolean! }}
type Metafield {{ id: ID!, namespace: String!, key: String!, type: String!, value: String! }}

type ProductSetPayload {{
  product: Product, productSetOperation: ProductSetOperation, userErrors: [ProductSetUserError!]!
}}
type ProductSetOperation {{
  id: ID!, status: ProductOperationStatus!, product: Product, userErrors: [ProductSetUserError!]!
}}
type ProductSetUserError {{ field: [String!], message: String!, code: ProductSetUserErrorCode }}
type InventorySetQuantitiesPayload {{
  inventoryAdjustmentGroup: InventoryAdjustmentGroup, userErrors: [InventorySetQuantitiesUserError!]!
}}
type InventoryAdjustmentGroup {{
  id: ID!, createdAt: DateTime!, reason: String!, referenceDocumentUri: String,
  changes(quantityNames: [String!]): [InventoryChange!]!
}}
type InventoryChange {{ name: String!, delta: Int!, quantityAfterChange: Int, item: InventoryItem, location: Location }}
type InventorySetQuantitiesUserError {{ field: [String!], message: String!, code: InventorySetQuantitiesUserErrorCode }}
"""


@dataclass(frozen=True)
class ApiEra:
    """What differs between the API versions this schema covers."""

    since_2026_01: bool
    since_2026_04: bool

    @classmethod
    def of(cls, version: str) -> ApiEra:
        """`version` as in the URL, `YYYY-MM`; such strings order like the versions."""
        return cls(version >= "2026-01", version >= "2026-04")

    @property
    def idempotency_required(self) -> bool:
        return self.since_2026_04

    @property
    def change_from_required(self) -> bool:
        return self.since_2026_04


def schema_for(era: ApiEra) -> GraphQLSchema:
    directives = "directive @idempotent(key: String!) on FIELD" if era.since_2026_01 else ""
    ignore_compare = "" if era.since_2026_04 else "ignoreCompareQuantity: Boolean = false"
    compare = [] if era.since_2026_04 else ["compareQuantity: Int"]
    change_from = ["changeFromQuantity: Int"] if era.since_2026_01 else []
    sdl = (
        (
            SDL.replace("__DIRECTIVES__", directives)
            .replace("__IGNORE_COMPARE__", ignore_compare)
            .replace("__QUANTITY_COMPARE__", ", ".join(compare + change_from))
        )
        + FULFILLMENT_SDL
        + NODE_SDL
        + REFUND_SDL
    )
    schema = build_schema(sdl)
    _install_scalars(schema)
    return schema


def _install_scalars(schema: GraphQLSchema) -> None:
    money = schema.type_map["Money"]
    assert isinstance(money, GraphQLScalarType)
    money.serialize = _serialize_money  # type: ignore[method-assign]
    money.parse_value = _parse_money  # type: ignore[method-assign]
    money.parse_literal = _parse_money_literal  # type: ignore[method-assign,assignment]


def _serialize_money(value: Any) -> str:
    return str(value)


def _parse_money(value: Any) -> Decimal:
    """Money arrives as a decimal string or a number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise GraphQLError(f"Money cannot represent value: {value!r}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise GraphQLError(f"Money cannot represent value: {value!r}") from error
    if not amount.is_finite():
        raise GraphQLError(f"Money cannot represent value: {value!r}")
    return amount


def _parse_money_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> Decimal:
    if isinstance(node, StringValueNode | IntValueNode | FloatValueNode):
        return _parse_money(node.value)
    raise GraphQLError("Money cannot represent a non-numeric literal.", node)
