"""Route templates: parameters, optional and default values, catch-all, constraints, precedence."""

from __future__ import annotations

import pytest

from localdev.host.routes import RouteError, compile_route


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("api/webhooks/woocommerce/{shop}", "api/webhooks/woocommerce/shop-a", {"shop": "shop-a"}),
        ("api/webhooks/woocommerce/{shop}", "api/webhooks/woocommerce", None),
        ("api/products/{category?}", "api/products", {}),
        ("api/products/{category=all}", "api/products", {"category": "all"}),
        ("api/products/{category=all}", "api/products/shoes", {"category": "shoes"}),
        ("api/files/{*path}", "api/files/a/b/c.txt", {"path": "a/b/c.txt"}),
        ("api/files/{name}.{ext}", "api/files/report.2024.pdf", {"name": "report.2024", "ext": "pdf"}),
        ("api/orders/{id:int}", "api/orders/-12", {"id": "-12"}),
        ("api/orders/{id:int}", "api/orders/99999999999", None),
        ("api/orders/{id:long}", "api/orders/99999999999", {"id": "99999999999"}),
        ("api/flags/{on:bool}", "api/flags/True", {"on": "True"}),
        (
            "api/ids/{id:guid}",
            "api/ids/0f8fad5b-d9cb-469f-a165-70867728950e",
            {"id": "0f8fad5b-d9cb-469f-a165-70867728950e"},
        ),
        ("api/ids/{id:guid}", "api/ids/not-a-guid", None),
        ("api/codes/{code:alpha:length(2)}", "api/codes/NL", {"code": "NL"}),
        ("api/codes/{code:alpha:length(2)}", "api/codes/NLD", None),
        ("api/pages/{page:range(1,10)}", "api/pages/10", {"page": "10"}),
        ("api/pages/{page:range(1,10)}", "api/pages/11", None),
        ("api/names/{name:minlength(3)}", "api/names/ab", None),
        ("api/days/{day:datetime}", "api/days/2024-02-29", {"day": "2024-02-29"}),
        ("api/days/{day:datetime}", "api/days/2024-02-30", None),
        ("api/search/{term}", "api/search/caf%C3%A9%20noir", {"term": "café noir"}),
        ("", "", {}),
    ],
)
def test_match(template: str, path: str, expected: dict[str, str] | None) -> None:
    assert compile_route(template).match(path) == expected


def test_literal_segments_take_precedence_over_parameters() -> None:
    templates = ["api/orders/{*rest}", "api/orders/{id}", "api/orders/{id:int}", "api/orders/export"]
    ranked = sorted((compile_route(template) for template in templates), key=lambda route: route.precedence)
    assert [route.template for route in ranked] == [
        "api/orders/export",
        "api/orders/{id:int}",
        "api/orders/{id}",
        "api/orders/{*rest}",
    ]


@pytest.mark.parametrize(
    "template", ["api/{id:nosuch}", "api/{a?}/b", "api/{x}/{x}", "api/file.{ext?}", "api/{bad name}"]
)
def test_invalid_templates_are_rejected(template: str) -> None:
    with pytest.raises(RouteError):
        compile_route(template)
