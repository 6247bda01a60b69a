"""Calculated query cost, after Shopify's documented rules.

Requested cost, before running: scalars and enums 0, an object 1 plus its selections, an interface the dearest of
the selections its types may take, a connection 2 plus `first` (or `last`) times the cost of one node, a mutation
field 10 (`productSet` adds 0.2 per variant and 0.4 per variant metafield, its dynamic complexity). A plain list
sized by an argument (`nodes(ids:)`, `Order.fulfillments(first:)`) costs that many objects: how Shopify prices such
a list is unconfirmed, the simulator takes the dearer reading. Actual cost, after running, counts the nodes and
list entries that came back instead, and nothing for null objects; the difference is refunded to the bucket.
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
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
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
                yield from self._fields(selection.selection_set, self._condition(selection, parent))
            elif isinstance(selection, FragmentSpreadNode):
                yield from self._fields(self.fragments[selection.name.value].selection_set, parent)

    def _mutation(self, node: FieldNode, field: GraphQLField) -> float:
        if node.name.value != "productSet":
            return MUTATION_COST
        variants = get_argument_values(field, node, self.variables)["input"].get("variants") or []
        metafields = sum(len(variant.get("metafields") or []) for variant in variants)
        return MUTATION_COST + PER_VARIANT * len(variants) + PER_VARIANT_METAFIELD * metafields

    def _condition(self, fragment: InlineFragmentNode, parent: GraphQLNamedType) -> GraphQLNamedType:
        """The type an inline fragment selects on: its type condition, else the parent's."""
        if fragment.type_condition is None:
            return parent
        named = self.schema.get_type(fragment.type_condition.name.value)
        return named if named is not None else parent

    def _selection(self, selections: SelectionSetNode | None, parent: GraphQLNamedType) -> float:
        """The selections' cost; on an interface, what all its types share plus the dearest type's fragments."""
        if not is_abstract_type(parent) or selections is None:
            return sum(self._field(node, field) for node, field in self._fields(selections, parent))
        shared: list[Any] = []
        per_type: dict[str, float] = {}
        for selection in selections.selections:
            if isinstance(selection, InlineFragmentNode) and selection.type_condition is not None:
                kind = self._condition(selection, parent)
                per_type[kind.name] = per_type.get(kind.name, 0) + self._selection(selection.selection_set, kind)
            else:
                shared.append(selection)
        common = sum(
            self._field(node, field) for node, field in self._fields(SelectionSetNode(selections=shared), parent)
        )
        return common + max(per_type.values(), default=0)

    def _field(self, node: FieldNode, field: GraphQLField) -> float:
        kind = get_named_type(field.type)
        if is_leaf_type(kind):
            return 0
        if _is_connection(kind):
            arguments = get_argument_values(field, node, self.variables)
            size = arguments.get("first") or arguments.get("last") or 0
            return 2 + size * self._node_cost(node, kind)
        sized = self._list_size(node, field)
        if sized is not None:
            return sized * (1 + self._selection(node.selection_set, kind))
        return 1 + self._selection(node.selection_set, kind)

    def _list_size(self, node: FieldNode, field: GraphQLField) -> int | None:
        """How many entries a plain list of objects asks for (`ids` given, or `first`); None when unsized."""
        if not _is_list(field.type):
            return None
        arguments = get_argument_values(field, node, self.variables)
        if arguments.get("ids") is not None:
            return len(arguments["ids"])
        first = arguments.get("first")
        return first if isinstance(first, int) else None

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
        if self._list_size(node, field) is not None:
            entries = [item for item in value if item is not None]
            return sum(1 + self._actual_selection(node.selection_set, kind, item) for item in entries)
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


def _is_list(output: GraphQLOutputType) -> bool:
    inner = output.of_type if isinstance(output, GraphQLNonNull) else output
    return isinstance(inner, GraphQLList)


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
