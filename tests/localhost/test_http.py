"""HTTP triggers: routing, methods, request and response mapping, errors, function keys, status."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from localdev.host import LocalHost
from tests.localhost import http_app


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with LocalHost(http_app.app, {"version": "2.0"}, port=0) as host, httpx.Client(base_url=host.url) as http:
        yield http


def test_status_reports_running(client: httpx.Client) -> None:
    response = client.get("/admin/host/status")
    assert response.status_code == 200
    assert response.json() == {"state": "Running"}


@pytest.mark.parametrize(
    ("path", "matched", "route_params"),
    [
        ("/api/orders/42", "int", {"id": "42"}),
        ("/api/orders/abc", "alpha", {"name": "abc"}),
        ("/api/orders/export", "literal", None),
        ("/API/Orders/7/", "int", {"id": "7"}),
    ],
)
def test_route_params_and_constraints(client: httpx.Client, path: str, matched: str, route_params) -> None:
    body = client.get(path).json()
    assert body["matched"] == matched
    assert body.get("route_params") == route_params


def test_constraint_mismatch_is_404(client: httpx.Client) -> None:
    assert client.get("/api/orders/a1").status_code == 404


def test_optional_route_param(client: httpx.Client) -> None:
    assert client.get("/api/products").json() == {"route_params": {}}
    assert client.get("/api/products/shoes").json() == {"route_params": {"category": "shoes"}}


def test_unknown_route_is_404(client: httpx.Client) -> None:
    response = client.get("/api/nothing/here")
    assert response.status_code == 404
    assert "error" in response.json()
    assert client.get("/orders/42").status_code == 404


def test_method_mismatch_is_405(client: httpx.Client) -> None:
    assert client.delete("/api/orders/42").status_code == 405
    assert client.get("/api/webhooks/woocommerce/shop-a").status_code == 405


def test_raw_body_headers_query_and_response_mapping(client: httpx.Client) -> None:
    body = b'{"id": 1,  "name": "caf\xc3\xa9"}\r\n\x00\xff'
    response = client.put(
        "/api/webhooks/woocommerce/shop-a",
        params={"topic": "order.created"},
        headers={"X-Signature": "sig==", "Content-Type": "application/json"},
        content=body,
    )
    assert response.status_code == 201
    assert response.content == body
    assert response.headers["x-method"] == "PUT"
    assert response.headers["x-signature"] == "sig=="
    assert response.headers["x-query"] == "order.created"
    assert response.headers["x-route"] == "woocommerce/shop-a"
    assert response.headers["x-url"].endswith("/api/webhooks/woocommerce/shop-a?topic=order.created")
    assert response.headers["content-type"] == "application/octet-stream"


def test_text_response_has_mimetype_and_charset(client: httpx.Client) -> None:
    response = client.get("/api/text")
    assert response.status_code == 202
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "héllo"


def test_exception_is_500_with_json_and_logged_traceback(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = client.get("/api/boom")
    assert response.status_code == 500
    assert response.json() == {"error": "Exception while executing function: Functions.boom"}
    failures = [record for record in caplog.records if "Failed" in record.getMessage()]
    assert failures
    assert failures[0].exc_info is not None
    assert "kaboom in sample function" in str(failures[0].exc_info[1])


def test_function_key_enforced_when_set(client: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.get("/api/secret").status_code == 200
    monkeypatch.setenv("KOPPEL_LOCAL_FUNCTION_KEY", "local-key")
    assert client.get("/api/secret").status_code == 401
    assert client.get("/api/secret", headers={"x-functions-key": "wrong"}).status_code == 401
    assert client.get("/api/secret", headers={"x-functions-key": "local-key"}).status_code == 200
    assert client.get("/api/secret", params={"code": "local-key"}).status_code == 200
    assert client.get("/api/orders/42").status_code == 200


def test_empty_route_prefix() -> None:
    config = {"extensions": {"http": {"routePrefix": ""}}}
    with LocalHost(http_app.app, config, port=0) as host:
        response = httpx.get(f"{host.url}/orders/5")
    assert response.json()["matched"] == "int"


def test_function_disabled_by_app_setting_is_not_served(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AzureWebJobs.order_by_id.Disabled", "true")
    with LocalHost(http_app.app, {"version": "2.0"}, port=0) as host, httpx.Client(base_url=host.url) as http:
        assert host.disabled == ["order_by_id"]
        assert http.get("/api/orders/42").status_code == 404
        assert http.get("/api/orders/export").json() == {"matched": "literal"}
