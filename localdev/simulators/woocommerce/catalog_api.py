"""The catalog routes of the REST API (products, their variations, both batch routes) and their /_sim/ controls.

Single-item writes check their body against the v3 schema first (`rest_invalid_param`); batch items are not checked
that way (see batch.py). Answers to writes are rendered in the `edit` context, reads in `view` unless `?context=edit`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from itertools import chain
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from localdev.simulators.woocommerce.batch import BATCH_LIMIT, BatchRoute, BatchRun, batch_items, check_limit
from localdev.simulators.woocommerce.catalog import Catalog, item_id
from localdev.simulators.woocommerce.catalog_faults import FaultPlan, FaultSettings, batch_fault_response
from localdev.simulators.woocommerce.catalog_query import CatalogQuery
from localdev.simulators.woocommerce.catalog_schema import PRODUCT_RULES, VARIATION_RULES
from localdev.simulators.woocommerce.errors import WooError, refused
from localdev.simulators.woocommerce.paging import paging_headers
from localdev.simulators.woocommerce.products import Product
from localdev.simulators.woocommerce.render import Renderer, price_key
from localdev.simulators.woocommerce.stats import Stats
from localdev.simulators.woocommerce.wc_values import to_bool
from localdev.simulators.woocommerce.wp_schema import BOOLEAN, one_of, validate

M = TypeVar("M", bound=BaseModel)
CONTEXT = {"context": one_of("view", "edit")}
FORCE = {"force": BOOLEAN}


class CategoryDescription(BaseModel):
    """`POST /_sim/categories`: a product category to assign by id (the REST categories routes are not simulated)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    slug: str | None = None


class CatalogApi:
    def __init__(
        self,
        catalog: Catalog,
        has_credentials: Callable[[web.Request], bool],
        stats: Stats,
        faults: FaultPlan,
        batch_limit: int = BATCH_LIMIT,
    ) -> None:
        self.catalog = catalog
        self.has_credentials = has_credentials
        self.stats = stats
        self.faults = faults
        self.batch_limit = batch_limit

    def routes(self, app: web.Application, rest_base: str) -> None:
        products = f"{rest_base}/products"
        product = products + r"/{product_id:\d+}"
        variations = f"{product}/variations"
        variation = variations + r"/{variation_id:\d+}"
        editable = ("POST", "PUT", "PATCH")
        table: list[tuple[str, tuple[str, ...], Callable[[web.Request], Any]]] = [
            (products, ("GET",), self.list_products),
            (products, ("POST",), self.create_product),
            (f"{products}/batch", editable, self.batch_products),
            (product, ("GET",), self.get_product),
            (product, editable, self.update_product),
            (product, ("DELETE",), self.delete_product),
            (variations, ("GET",), self.list_variations),
            (variations, ("POST",), self.create_variation),
            (f"{variations}/batch", editable, self.batch_variations),
            (variation, ("GET",), self.get_variation),
            (variation, editable, self.update_variation),
            (variation, ("DELETE",), self.delete_variation),
        ]
        for path, methods, handler in table:
            for method in methods:
                app.router.add_route(method, path, handler)
        app.router.add_get("/_sim/faults", self.get_faults)
        app.router.add_post("/_sim/faults", self.set_faults)
        app.router.add_delete("/_sim/faults", self.clear_faults)
        app.router.add_get("/_sim/categories", self.get_categories)
        app.router.add_post("/_sim/categories", self.add_category)

    # Products.

    async def list_products(self, request: web.Request) -> web.Response:
        self._allow(request, "view")
        query = CatalogQuery.parse(request.query, self.catalog.site_offset)
        renderer = self._renderer(request)
        page = query.select(self._product_candidates(query), lambda item: price_key(item, renderer))
        headers = paging_headers(request.url, query.page, page.total, page.total_pages)
        return _json([renderer.product(item, query.edit) for item in page.items], headers=headers)

    async def get_product(self, request: web.Request) -> web.Response:
        self._allow(request, "read")
        validate(request.query, CONTEXT)
        item = self.catalog.product(_path_id(request, "product_id"))
        return _json(self._renderer(request).product(item, request.query.get("context") == "edit"))

    async def create_product(self, request: web.Request) -> web.Response:
        self._allow(request, "create")
        fields = await _body(request)
        validate(fields, PRODUCT_RULES)
        item = self.catalog.create_product(fields)
        location = f"{request.url.origin()}{request.path}/{item.id}"
        return _json(self._renderer(request).product(item, edit=True), status=201, headers={"Location": location})

    async def update_product(self, request: web.Request) -> web.Response:
        self._allow(request, "edit")
        fields = await _body(request)
        validate(fields, PRODUCT_RULES)
        item = self.catalog.update_product(_path_id(request, "product_id"), fields)
        return _json(self._renderer(request).product(item, edit=True))

    async def delete_product(self, request: web.Request) -> web.Response:
        self._allow(request, "delete")
        validate(request.query, FORCE)
        renderer = self._renderer(request)
        force = to_bool(request.query.get("force", "false"))
        body = self.catalog.delete_product(
            _path_id(request, "product_id"), force, lambda item: renderer.product(item, edit=True)
        )
        return _json(body)

    async def batch_products(self, request: web.Request) -> web.StreamResponse:
        renderer = self._renderer(request)

        def sku_of(target: int) -> str:
            found = self.catalog.item(target)
            return found.sku if found is not None else ""

        route = BatchRoute(
            resource="products",
            post_type="product",
            create=lambda fields: renderer.product(self.catalog.create_product(fields), edit=True),
            update=lambda fields: renderer.product(
                self.catalog.update_product(item_id(fields.get("id")), fields), edit=True
            ),
            delete=lambda target: self.catalog.delete_product(target, True, lambda item: renderer.product(item, True)),
            sku_of=sku_of,
        )
        return await self._batch(request, route)

    # Variations.

    async def list_variations(self, request: web.Request) -> web.Response:
        self._allow(request, "view")
        query = CatalogQuery.parse(request.query, self.catalog.site_offset, variations=True)
        renderer = self._renderer(request)
        parent = self.catalog.products.get(_path_id(request, "product_id"))
        children = [self.catalog.variations[child] for child in parent.children] if parent is not None else []
        page = query.select(children, lambda item: price_key(item, renderer))
        headers = paging_headers(request.url, query.page, page.total, page.total_pages)
        return _json([renderer.variation(item) for item in page.items], headers=headers)

    async def get_variation(self, request: web.Request) -> web.Response:
        self._allow(request, "read")
        validate(request.query, CONTEXT)
        item = self.catalog.variation(_path_id(request, "variation_id"))
        return _json(self._renderer(request).variation(item))

    async def create_variation(self, request: web.Request) -> web.Response:
        self._allow(request, "create")
        fields = await _body(request)
        validate(fields, VARIATION_RULES)
        item = self.catalog.create_variation(_path_id(request, "product_id"), fields)
        location = f"{request.url.origin()}{request.path}/{item.id}"
        return _json(self._renderer(request).variation(item), status=201, headers={"Location": location})

    async def update_variation(self, request: web.Request) -> web.Response:
        self._allow(request, "edit")
        parent_id, variation_id = _path_id(request, "product_id"), _path_id(request, "variation_id")
        stored = self.catalog.variations.get(variation_id)
        if stored is not None and stored.parent_id != parent_id:
            raise WooError(403, "woocommerce_rest_cannot_edit", "Parent product does not match current variation.")
        fields = await _body(request)
        validate(fields, VARIATION_RULES)
        item = self.catalog.update_variation(parent_id, variation_id, fields)
        return _json(self._renderer(request).variation(item))

    async def delete_variation(self, request: web.Request) -> web.Response:
        self._allow(request, "delete")
        validate(request.query, FORCE)
        renderer = self._renderer(request)
        body = self.catalog.delete_variation(
            _path_id(request, "product_id"),
            _path_id(request, "variation_id"),
            to_bool(request.query.get("force", "false")),
            renderer.variation,
        )
        return _json(body)

    async def batch_variations(self, request: web.Request) -> web.StreamResponse:
        renderer = self._renderer(request)
        parent_id = _path_id(request, "product_id")

        def sku_of(target: int) -> str:
            found = self.catalog.variations.get(target)
            return found.sku if found is not None else ""

        route = BatchRoute(
            resource="variations",
            post_type="product_variation",
            create=lambda fields: renderer.variation(self.catalog.create_variation(parent_id, fields)),
            update=lambda fields: renderer.variation(
                self.catalog.update_variation(parent_id, item_id(fields.get("id")), fields)
            ),
            delete=lambda target: self.catalog.delete_variation(parent_id, target, True, renderer.variation),
            sku_of=sku_of,
        )
        return await self._batch(request, route)

    # Controls.

    async def get_faults(self, _request: web.Request) -> web.Response:
        return _json(self.faults.describe())

    async def set_faults(self, request: web.Request) -> web.Response:
        self.faults.configure(await _control(request, FaultSettings))
        return _json(self.faults.describe())

    async def clear_faults(self, _request: web.Request) -> web.Response:
        self.faults.clear()
        return _json(self.faults.describe())

    async def get_categories(self, _request: web.Request) -> web.Response:
        return _json([asdict(term) for term in self.catalog.categories.values()])

    async def add_category(self, request: web.Request) -> web.Response:
        description = await _control(request, CategoryDescription)
        term = self.catalog.add_category(description.name, description.slug)
        return _json(asdict(term), status=201)

    # Shared.

    async def _batch(self, request: web.Request, route: BatchRoute) -> web.StreamResponse:
        self._allow(request, "batch")
        fault = self.faults.next_batch()
        if fault is not None and not fault.after_commit:
            self.stats.faults[str(fault.status)] += 1
            return batch_fault_response(fault)
        items = batch_items(await _body(request))
        check_limit(items, self.batch_limit)
        self.stats.batch_calls[route.resource] += 1
        answer = BatchRun(route, self.faults, self.stats).run(items)
        if fault is not None:
            self.stats.faults[str(fault.status)] += 1
            return batch_fault_response(fault)
        return _json(answer)

    def _allow(self, request: web.Request, action: str) -> None:
        if not self.has_credentials(request):
            raise refused(action)

    def _renderer(self, request: web.Request) -> Renderer:
        return Renderer(self.catalog, str(request.url.origin()), self.catalog.clock())

    def _product_candidates(self, query: CatalogQuery) -> Iterable[Product]:
        """With `sku`, products and variations: straight from the SKU index unless the trash is asked for."""
        if not query.skus:
            return self.catalog.products.values()
        if query.reads_trash:
            return chain(self.catalog.products.values(), self.catalog.variations.values())
        found = (self.catalog.by_sku(sku) for sku in query.skus)
        return list({item.id: item for item in found if item is not None}.values())


def _json(body: object, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, body=json.dumps(body).encode(), headers=headers, content_type="application/json")


def _path_id(request: web.Request, name: str) -> int:
    return int(request.match_info[name])


async def _body(request: web.Request) -> dict[str, Any]:
    """The JSON body's parameters; WordPress's own error for one it cannot decode."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        extra = {"json_error_code": 4, "json_error_message": "Syntax error"}
        raise WooError(400, "rest_invalid_json", "Invalid JSON body passed.", extra=extra) from exc
    return body if isinstance(body, dict) else {}


async def _control(request: web.Request, model: type[M]) -> M:
    try:
        return model.model_validate_json(await request.read())
    except ValidationError as error:
        message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise WooError(400, "rest_invalid_param", message) from error
