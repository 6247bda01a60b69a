"""Calculated query cost, after Shopify's documented rules.

Requested cost, before running: scalars and enums 0, an object 1 plus its selections, a connection 2 plus
`first` (or `last`) times the cost of one node, a mutation field 10 (`productSet` adds 0.2 per variant and 0.4
per variant metafield, its dynamic complexity). Actual cost, after running, counts the nodes that came back
instead of `first`, and nothing for null objects; the difference is refunded to the bucket.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.values import get_argument_values

MUTATION_COST = 10
PER_VARIANT = 0.2
PER_VARIANT_METAFIELD = 0.4


class CostCalculator:
    """Costs of one validated operation; `variables` are the coerced variable values."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def requested(self, operation: OperationDefinitionNode) -> int:
        root = self._root(operation)
        if operation.operation == OperationType.MUTATION:
            return math.ceil(
                sum(self._mutation(node, field) for node, field in self._fields(operation.selection_set, root))
            )
        return math.ceil(self._selection(operation.selection_set, root))

    def actual(self, operation: OperationDefinitionNode, data: Mapping[str, Any] | None) -> int:
        if operation.operation == OperationType.MUTATION or data is None:
            return self.requested(operation) if data is not None else 0
        return math.ceil(self._actual_selection(operation.selection_set, self._root(operation), data))

    def _root(self, operation: OperationDefinitionNode) -> GraphQLObjectType:
        root = self.schema.get_root_type(operation.operation)
        assert root is not None, "validated against the schema"
        return root

    def _fields(
        self, selections: SelectionSetNode | None, parent: GraphQLNamedType
    ) -> Iterator[tuple[FieldNode, GraphQLField]]:
        """The fields selected on `parent`, fragments expanded; `__typename` and other meta fields cost nothing."""
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                field = getattr(parent, "fields", {}).get(selection.name.value)
                if field is not None:
                    yield selection, field
            elif isinstance(selection, InlineFragmentNode):
                yield from self._fields(selection.selection_set, parent)
            elif isinstance(selection, FragmentSpreadNode):
                yield from self._fields(self.fragments[selection.name.value].selection_set, parent)

    def _mutation(self, node: FieldNode, field: GraphQLField) -> float:
        if node.name.value != "productSet":
            return MUTATION_COST
        variants = get_argument_values(field, node, self.variables)["input"].get("variants") or []
        metafields = sum(len(variant.get("metafields") or []) for variant in variants)
        return MUTATION_COST + PER_VARIANT * len(variants) + PER_VARIANT_METAFIELD * metafields

    def _selection(self, selections: SelectionSetNode | None, parent: GraphQLNamedType) -> float:
        return sum(self._field(node, field) for node, field in self._fields(selections, parent))

    def _field(self, node: FieldNode, field: GraphQLField) -> float:
        kind = get_named_type(field.type)
        if is_leaf_type(kind):
            return 0
        if _is_connection(kind):
            arguments = get_argument_values(field, node, self.variables)
            size = arguments.get("first") or arguments.get("last") or 0
            return 2 + size * self._node_cost(node, kind)
        return 1 + self._selection(node.selection_set, kind)

    def _node_cost(self, node: FieldNode, connection: GraphQLNamedType) -> float:
        """One node's cost: the dearer of what `nodes` and `edges { node }` select."""
        costs = [0.0]
        for child, field in self._fields(node.selection_set, connection):
            if child.name.value == "nodes":
                costs.append(1 + self._selection(child.selection_set, get_named_type(field.type)))
            elif child.name.value == "edges":
                edge = get_named_type(field.type)
                for grandchild, node_field in self._fields(child.selection_set, edge):
                    if grandchild.name.value == "node":
                        costs.append(1 + self._selection(grandchild.selection_set, get_named_type(node_field.type)))
        return max(costs)

    def _actual_selection(
        self, selections: SelectionSetNode | None, parent: GraphQLNamedType, data: Mapping[str, Any]
    ) -> float:
        total = 0.0
        for node, field in self._fields(selections, parent):
            key = node.alias.value if node.alias else node.name.value
            total += self._actual_field(node, field, data.get(key))
        return total

    def _actual_field(self, node: FieldNode, field: GraphQLField, value: Any) -> float:
        kind = get_named_type(field.type)
        if value is None or is_leaf_type(kind):
            return 0
        if _is_connection(kind):
            return 2 + sum(1 + self._actual_node(node, kind, item) for item in _returned_nodes(node, value))
        items = value if isinstance(value, list) else [value]
        return 1 + max((self._actual_selection(node.selection_set, kind, item) for item in items), default=0)

    def _actual_node(self, node: FieldNode, connection: GraphQLNamedType, item: Mapping[str, Any]) -> float:
        """What one returned node costs, judged by the selection under `nodes` (or `edges { node }`)."""
        node_type = get_named_type(getattr(connection, "fields", {})["nodes"].type)
        for child, _field in self._fields(node.selection_set, connection):
            if child.name.value == "nodes":
                return self._actual_selection(child.selection_set, node_type, item)
            for grandchild in child.selection_set.selections if child.selection_set else ():
                if isinstance(grandchild, FieldNode) and grandchild.name.value == "node":
                    return self._actual_selection(grandchild.selection_set, node_type, item)
        return 0


def _is_connection(kind: GraphQLNamedType) -> bool:
    return kind.name.endswith("Connection")


def _returned_nodes(node: FieldNode, value: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The nodes a connection answered, from `nodes` or `edges` (under their aliases)."""
    for child in node.selection_set.selections if node.selection_set else ():
        if not isinstance(child, FieldNode):
            continue
        key = child.alias.value if child.alias else child.name.value
        if child.name.value == "nodes":
            return list(value.get(key) or [])
        if child.name.value == "edges":
            return [edge.get("node") or {} for edge in value.get(key) or []]
    return []
