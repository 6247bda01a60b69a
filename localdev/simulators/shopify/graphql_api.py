"""`POST /admin/api/{version}/graphql.json`: parse, validate, price, throttle, run; plus its /_sim/ controls.

Every GraphQL answer is HTTP 200 and carries `extensions.cost`, a throttled one included (`errors[0].extensions.
code` THROTTLED, `actualQueryCost` null). A body without a query is a 400, as in Shopify; injected faults answer
with a gateway's HTML page, or 429 with `Retry-After` as Shopify's request limit (graphql_controls.py).
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    execute_sync,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values
from pydantic import ValidationError

from localdev.simulators.shopify.catalog import Catalog, gid
from localdev.simulators.shopify.cost import CostCalculator
from localdev.simulators.shopify.cost_bucket import CostBucket
from localdev.simulators.shopify.fulfillment_controls import FulfillmentControls
from localdev.simulators.shopify.fulfillments import FulfillmentDesk
from localdev.simulators.shopify.graphql_controls import GraphQLFaults, GraphQLStats
from localdev.simulators.shopify.idempotency import IdempotencyStore
from localdev.simulators.shopify.refund_api import RefundControls
from localdev.simulators.shopify.refunds import RefundDesk
from localdev.simulators.shopify.resolvers import ROOTS, Context, executable_schema, resolve_field
from localdev.simulators.shopify.schema import ApiEra
from localdev.simulators.shopify.subscriptions import WebhookSubscriptions

logger = logging.getLogger(__name__)
MAX_QUERY_COST = 1000
API_VERSION = web.RequestKey("api_version", str)
"""The API version a call is served with (set by the shop's admin gate): the one asked for, or the oldest supported."""
RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits"
INTERNAL_ERROR = "Internal error. Looks like something went wrong on our end."
GATEWAY_PAGE = "<html><head><title>{status}</title></head><body><h1>{status} Gateway Error</h1></body></html>"
REQUEST_LIMIT = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
"""The `errors` of Shopify's 429 as public clients record it (REST); a GraphQL call's 429 body: unconfirmed."""


@dataclass(frozen=True)
class GraphQLCall:
    """The request body: `{"query", "variables", "operationName"}` (or a bare `application/graphql` query)."""

    query: str
    variables: dict[str, Any]
    operation_name: str | None


@dataclass(frozen=True)
class Prepared:
    """A call that parsed, validated and has its variables coerced."""

    document: DocumentNode
    operation: OperationDefinitionNode
    costs: CostCalculator

    @property
    def root_fields(self) -> list[str]:
        return [s.name.value for s in self.operation.selection_set.selections if isinstance(s, FieldNode)]


class GraphQLEndpoint:
    def __init__(self, catalog: Catalog, bucket: CostBucket, clock: Callable[[], float]) -> None:
        self.catalog = catalog
        self.bucket = bucket
        self.idempotency = IdempotencyStore(clock)
        self.faults = GraphQLFaults()
        self.fault_draws = random.Random(0)
        """Draws the rate faults; `seed` in the faults control re-seeds it."""
        self.stats = GraphQLStats()
        self.webhooks = WebhookSubscriptions()
        self.fulfillments = FulfillmentDesk(catalog.sorted_locations)
        self.refunds = RefundDesk(lambda: self.fulfillments.orders)

    def add_routes(self, router: web.UrlDispatcher, admin_prefix: str) -> None:
        router.add_post(f"{admin_prefix}/graphql.json", self.handle)
        router.add_get("/_sim/products", self.get_products)
        router.add_get(r"/_sim/products/{number:\d+}", self.get_product)
        router.add_get("/_sim/graphql/faults", self.get_faults)
        router.add_post("/_sim/graphql/faults", self.set_faults)
        router.add_delete("/_sim/graphql/faults", self.clear_faults)
        router.add_get("/_sim/graphql/stats", self.get_stats)
        router.add_post("/_sim/graphql/stats/reset", self.reset_stats)
        FulfillmentControls(self.fulfillments, self.catalog).add_routes(router)
        RefundControls(self.refunds, lambda: self.fulfillments.orders).add_routes(router)

    async def handle(self, request: web.Request) -> web.Response:
        self.stats.requests += 1
        drawn = self.faults.draw(self.fault_draws)
        if drawn == "429":
            return self._request_limited()
        if drawn == "503":
            return self._gateway_page(503, "503")
        call = await _graphql_call(request)
        if call is None:
            answer = _json({"errors": {"query": "Required parameter missing or invalid"}}, 400)
        else:
            answer = self._answer(call, ApiEra.of(request.get(API_VERSION) or request.match_info["version"]))
        return self._gateway_page(504, "lost_answer") if drawn == "lost_answer" else answer

    def _answer(self, call: GraphQLCall, era: ApiEra) -> web.Response:
        schema = executable_schema(era)
        prepared = _prepare(schema, call)
        if isinstance(prepared, list):
            return self._graphql({"errors": prepared}, 0, 0)
        requested = prepared.costs.requested(prepared.operation)
        if requested > MAX_QUERY_COST:
            return self._too_costly(requested)
        if self.faults.take_throttle() or not self.bucket.take(requested):
            return self._throttled(prepared, requested)
        failing = self.faults.take_failure()
        lost = self.faults.take_lost_answer(prepared.root_fields)
        if failing and not self.faults.fail_after_commit:
            return self._fault()
        body, actual = self._run(schema, call, prepared, era)
        self.bucket.refund(requested - actual)
        self.stats.requested_cost += requested
        self.stats.actual_cost += actual
        return self._fault() if failing or lost else self._graphql(body, requested, actual)

    def _run(
        self, schema: GraphQLSchema, call: GraphQLCall, prepared: Prepared, era: ApiEra
    ) -> tuple[dict[str, Any], int]:
        context = Context(self.catalog, era, self.idempotency, self.webhooks, self.fulfillments, self.refunds)
        result = execute_sync(
            schema,
            prepared.document,
            root_value=ROOTS,
            context_value=context,
            variable_values=call.variables,
            operation_name=call.operation_name,
            field_resolver=resolve_field,
        )
        self.stats.calls.update(prepared.root_fields)
        return _result_body(result), prepared.costs.actual(prepared.operation, result.data)

    def _graphql(self, body: dict[str, Any], requested: int, actual: int | None) -> web.Response:
        return _json({**body, "extensions": {"cost": self._cost(requested, actual)}})

    def _cost(self, requested: int, actual: int | None) -> dict[str, Any]:
        status = self.bucket.throttle_status()
        return {"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": status}

    def _throttled(self, prepared: Prepared, requested: int) -> web.Response:
        self.stats.throttled.update(prepared.root_fields)
        error = {"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": RATE_LIMITS_DOC}}
        return self._graphql({"errors": [error]}, requested, None)

    def _too_costly(self, requested: int) -> web.Response:
        message = (
            f"Query cost is {requested}, which exceeds the single query max cost limit ({MAX_QUERY_COST}).\n\n"
            f"See {RATE_LIMITS_DOC} for more information on how the cost of a query is calculated."
        )
        extensions = {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": MAX_QUERY_COST}
        return self._graphql({"errors": [{"message": message, "extensions": extensions}]}, requested, None)

    def _fault(self) -> web.Response:
        return self._gateway_page(self.faults.fail_status, str(self.faults.fail_status))

    def _gateway_page(self, status: int, kind: str) -> web.Response:
        self.stats.faults[kind] += 1
        return web.Response(status=status, text=GATEWAY_PAGE.format(status=status), content_type="text/html")

    def _request_limited(self) -> web.Response:
        """Shopify's 429: nothing was done; wait `Retry-After` seconds."""
        self.stats.faults["429"] += 1
        headers = {"Retry-After": f"{self.faults.retry_after:.1f}"}
        body = json.dumps({"errors": REQUEST_LIMIT}).encode()
        return web.Response(status=429, body=body, content_type="application/json", headers=headers)

    async def get_products(self, _request: web.Request) -> web.Response:
        return _json({"products": [p.to_json() for p in self.catalog.sorted_products(lambda _p: True)]})

    async def get_product(self, request: web.Request) -> web.Response:
        product = self.catalog.products.get(gid("Product", int(request.match_info["number"])))
        if product is None:
            return _json({"errors": "Not Found"}, 404)
        return _json(product.to_json())

    async def get_faults(self, _request: web.Request) -> web.Response:
        return _json(self.faults.model_dump())

    async def set_faults(self, request: web.Request) -> web.Response:
        try:
            update = GraphQLFaults.model_validate_json(await request.read())
            merged = self.faults.merged(update)
        except ValidationError as error:
            return _json({"errors": {"body": [e["msg"] for e in error.errors()]}}, 400)
        self.faults = merged
        if update.seed is not None:
            self.fault_draws.seed(update.seed)
        return _json(self.faults.model_dump())

    async def clear_faults(self, _request: web.Request) -> web.Response:
        self.faults = GraphQLFaults()
        return _json(self.faults.model_dump())

    async def get_stats(self, _request: web.Request) -> web.Response:
        return _json({**self.stats.to_json(), "throttleStatus": self.bucket.throttle_status()})

    async def reset_stats(self, _request: web.Request) -> web.Response:
        self.stats.reset()
        return _json(self.stats.to_json())


async def _graphql_call(request: web.Request) -> GraphQLCall | None:
    """The call in the body, or None when there is no usable query."""
    text = await request.text()
    if request.content_type == "application/graphql":
        return GraphQLCall(text, {}, None) if text.strip() else None
    try:
        body = json.loads(text)
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("query"), str) or not body["query"].strip():
        return None
    variables = body.get("variables") or {}
    operation_name = body.get("operationName")
    if not isinstance(variables, dict) or not isinstance(operation_name, str | None):
        return None
    return GraphQLCall(body["query"], variables, operation_name)


def _prepare(schema: GraphQLSchema, call: GraphQLCall) -> Prepared | list[dict[str, Any]]:
    """The call ready to run, or the errors that stop it (syntax, validation, operation, variables)."""
    try:
        document = parse(call.query)
    except GraphQLError as error:
        return [dict(error.formatted)]
    errors = validate(schema, document)
    if errors:
        return [dict(error.formatted) for error in errors]
    operation = get_operation_ast(document, call.operation_name)
    if operation is None:
        named = f"Unknown operation named '{call.operation_name}'."
        return [{"message": named if call.operation_name else "An operation name is required."}]
    variables = get_variable_values(schema, operation.variable_definitions or (), call.variables)
    if isinstance(variables, list):
        return [{**error.formatted, "extensions": {"code": "INVALID_VARIABLE"}} for error in variables]
    return Prepared(document, operation, CostCalculator(schema, document, variables))


def _result_body(result: ExecutionResult) -> dict[str, Any]:
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [_error_json(error) for error in result.errors]
    return body


def _error_json(error: GraphQLError) -> dict[str, Any]:
    """A resolver's GraphQLError as it is; a bug as Shopify's internal error (and in the log)."""
    if error.original_error is None or isinstance(error.original_error, GraphQLError):
        return dict(error.formatted)
    logger.error("Shopify GraphQL resolver failed", exc_info=error.original_error)
    return {**error.formatted, "message": INTERNAL_ERROR, "extensions": {"code": "INTERNAL_SERVER_ERROR"}}


def _json(body: object, status: int = 200) -> web.Response:
    return web.Response(status=status, body=json.dumps(body).encode(), content_type="application/json")
