"""Product categories over REST, as WC_REST_Product_Categories_Controller serves them (flat: no parents, images or
descriptions): `GET /products/categories`, `POST /products/categories`, `POST /products/categories/batch` (create
only). A name already used answers WordPress's `term_exists` with the existing term's id."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from localdev.simulators.woocommerce.catalog import Catalog
from localdev.simulators.woocommerce.errors import WooError, invalid_param, refused
from localdev.simulators.woocommerce.paging import paging_headers
from localdev.simulators.woocommerce.products import Term

PER_PAGE_MAX = 100
BATCH_LIMIT = 100


class CategoriesApi:
    def __init__(self, catalog: Catalog, has_credentials: Callable[[web.Request], bool]) -> None:
        self.catalog = catalog
        self.has_credentials = has_credentials

    def routes(self, app: web.Application, rest_base: str) -> None:
        categories = f"{rest_base}/products/categories"
        app.router.add_get(categories, self.list_categories)
        app.router.add_post(categories, self.create_category)
        app.router.add_post(f"{categories}/batch", self.batch_categories)

    async def list_categories(self, request: web.Request) -> web.Response:
        self._allow(request, "view")
        per_page = _bounded(request.query.get("per_page", "10"), "per_page", 1, PER_PAGE_MAX)
        page = _bounded(request.query.get("page", "1"), "page", 1, 10**6)
        search = request.query.get("search", "").lower()
        terms = sorted(
            (term for term in self.catalog.categories.values() if search in term.name.lower()),
            key=lambda term: term.name.lower(),
        )
        shown = terms[(page - 1) * per_page : page * per_page]
        total_pages = max(1, -(-len(terms) // per_page))
        headers = paging_headers(request.url, page, len(terms), total_pages)
        return _json([_render(term) for term in shown], headers=headers)

    async def create_category(self, request: web.Request) -> web.Response:
        self._allow(request, "create")
        return _json(_render(self._create(await _body(request))), status=201)

    async def batch_categories(self, request: web.Request) -> web.Response:
        self._allow(request, "batch")
        creates = (await _body(request)).get("create") or []
        if not isinstance(creates, list) or len(creates) > BATCH_LIMIT:
            message = f"Unable to accept more than {BATCH_LIMIT} items for this request."
            raise WooError(413, "woocommerce_rest_request_entity_too_large", message)
        return _json({"create": [self._batch_item(fields) for fields in creates]})

    def _batch_item(self, fields: Any) -> dict[str, Any]:
        try:
            return _render(self._create(fields if isinstance(fields, dict) else {}))
        except WooError as error:
            return {"id": 0, "error": error.body()}

    def _create(self, fields: dict[str, Any]) -> Term:
        name = str(fields.get("name") or "").strip()
        if not name:
            raise WooError(400, "rest_missing_callback_param", "Missing parameter(s): name", extra={"params": ["name"]})
        taken = next((term for term in self.catalog.categories.values() if term.name.lower() == name.lower()), None)
        if taken is not None:
            message = "A term with the name provided already exists with this parent."
            raise WooError(400, "term_exists", message, extra={"resource_id": taken.id})
        return self.catalog.add_category(name, fields.get("slug") or None)

    def _allow(self, request: web.Request, action: str) -> None:
        if not self.has_credentials(request):
            raise refused(action)


def _render(term: Term) -> dict[str, Any]:
    return {
        "id": term.id,
        "name": term.name,
        "slug": term.slug,
        "parent": 0,
        "description": "",
        "display": "default",
        "image": None,
        "menu_order": 0,
    }


def _bounded(text: str, name: str, low: int, high: int) -> int:
    if not text.isdigit() or not low <= int(text) <= high:
        raise invalid_param(name, f"{name} must be between {low} (inclusive) and {high} (inclusive)")
    return int(text)


def _json(body: object, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, body=json.dumps(body).encode(), headers=headers, content_type="application/json")


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"{}")
    except ValueError as error:
        raise WooError(400, "rest_invalid_json", "Invalid JSON body passed.") from error
    return body if isinstance(body, dict) else {}
