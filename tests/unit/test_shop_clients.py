"""The shop clients' answer tables (integrations/shops/*/client.py), against canned answers."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from domain.errors import RetryableError
from integrations.shops.shopify.access import StaticToken
from integrations.shops.shopify.client import GraphQLRefused, ShopifyClient
from integrations.shops.woocommerce.client import WooCommerceClient, WooCommerceRefused

SHOP = "https://shop.example"


def _answers(*responses: httpx.Response) -> tuple[httpx.Client, list[httpx.Request]]:
    """An HTTP client answering each request with the next response, and the requests it was sent."""
    sent: list[httpx.Request] = []
    queue = list(responses)

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return queue.pop(0)

    return httpx.Client(transport=httpx.MockTransport(answer)), sent


def _shopify(http: httpx.Client, sleep: Callable[[float], None]) -> ShopifyClient:
    return ShopifyClient(http, SHOP, "2026-10", StaticToken("shpat_1"), sleep=sleep)


def test_shopify_429_is_waited_out_for_retry_after_at_most_10_seconds_and_sent_again():
    http, sent = _answers(
        httpx.Response(429, headers={"Retry-After": "2.0"}),
        httpx.Response(429, headers={"Retry-After": "60"}),
        httpx.Response(429),
        httpx.Response(200, json={"orders": []}),
    )
    waits: list[float] = []

    answer = _shopify(http, waits.append).get(f"{SHOP}/admin/api/2026-10/orders.json", None, "the order list")

    assert answer.json() == {"orders": []}
    assert waits == [2.0, 10.0, 2.0]
    assert len(sent) == 4
    assert sent[0].headers["X-Shopify-Access-Token"] == "shpat_1"


def test_shopify_429_four_times_stops_with_a_retryable_error_without_waiting_after_the_last():
    http, sent = _answers(*(httpx.Response(429, headers={"Retry-After": "1"}) for _ in range(4)))
    waits: list[float] = []

    with pytest.raises(RetryableError, match="Shopify answered 429 to the order list"):
        _shopify(http, waits.append).get(f"{SHOP}/orders.json", None, "the order list")
    assert (len(sent), waits) == (4, [1.0, 1.0, 1.0])


def _graphql_answer(requested: int, available: int) -> httpx.Response:
    throttle = {"maximumAvailable": 1000.0, "currentlyAvailable": available, "restoreRate": 50.0}
    cost = {"requestedQueryCost": requested, "actualQueryCost": requested, "throttleStatus": throttle}
    return httpx.Response(200, json={"data": {"shop": {}}, "extensions": {"cost": cost}})


def test_shopify_query_waits_until_the_bucket_last_seen_holds_what_it_cost_the_last_time():
    http, sent = _answers(_graphql_answer(610, 300), _graphql_answer(610, 0), _graphql_answer(10, 990))
    waits: list[float] = []
    now = [0.0]
    client = ShopifyClient(http, SHOP, "2026-10", StaticToken("shpat_1"), sleep=waits.append, clock=lambda: now[0])

    client.graphql("query A { shop { id } }", {})
    now[0] = 2.0
    client.graphql("query A { shop { id } }", {})
    client.graphql("query B { shop { name } }", {})

    assert len(sent) == 3
    assert waits == [(610 - (300 + 2.0 * 50)) / 50], "query B's cost is not known yet: it is sent at once"


@pytest.mark.parametrize("status", [401, 403])
def test_shopify_refusing_the_token_is_a_retryable_error_naming_the_credentials(status: int):
    http, _ = _answers(httpx.Response(status))

    with pytest.raises(RetryableError, match=rf"refused the access token \({status}\) to a GraphQL call"):
        _shopify(http, lambda _: None).graphql("query { shop { id } }", {})


def test_shopify_graphql_errors_other_than_throttling_are_a_refusal_and_a_failure_is_retryable():
    refused, _ = _answers(httpx.Response(200, json={"errors": [{"message": "bad", "extensions": {"code": "X"}}]}))
    failing, _ = _answers(httpx.Response(502))
    no_json, _ = _answers(httpx.Response(200, text="<html>"))

    with pytest.raises(GraphQLRefused, match="X: bad"):
        _shopify(refused, lambda _: None).graphql("query { shop { id } }", {})
    with pytest.raises(RetryableError, match="Shopify answered 502 to a GraphQL call"):
        _shopify(failing, lambda _: None).graphql("query { shop { id } }", {})
    with pytest.raises(RetryableError, match="no JSON"):
        _shopify(no_json, lambda _: None).graphql("query { shop { id } }", {})


def test_shopify_denying_access_for_a_missing_scope_is_retryable_and_names_the_scopes():
    denied = {
        "errors": [{"message": "Access denied for fulfillmentCreate field.", "extensions": {"code": "ACCESS_DENIED"}}]
    }
    http, _ = _answers(httpx.Response(200, json=denied))

    with pytest.raises(RetryableError, match="write_merchant_managed_fulfillment_orders"):
        _shopify(http, lambda _: None).graphql("mutation { fulfillmentCreate { fulfillment { id } } }", {})


def test_shopify_failing_a_call_with_http_200_and_internal_server_error_is_retryable():
    failed = {"errors": [{"message": "Internal error.", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}
    http, _ = _answers(httpx.Response(200, json=failed))

    with pytest.raises(RetryableError, match="INTERNAL_SERVER_ERROR: Internal error"):
        _shopify(http, lambda _: None).graphql("mutation { fulfillmentCreate { fulfillment { id } } }", {})


def test_woocommerce_answers_anything_but_json_below_400_with_a_retryable_error_and_never_sends_again():
    failing, sent = _answers(httpx.Response(503, headers={"Retry-After": "30"}))
    no_json, _ = _answers(httpx.Response(200, text="<html>"))
    client = WooCommerceClient(failing, SHOP, "ck_1", "cs_1")

    with pytest.raises(RetryableError, match="WooCommerce answered 503 to the order list"):
        client.get(client.url("orders"), {}, "the order list")
    with pytest.raises(RetryableError, match="WooCommerce answered POST batch with no JSON"):
        WooCommerceClient(no_json, SHOP, "ck_1", "cs_1").post(f"{SHOP}/wp-json/wc/v3/products/batch", {})
    assert len(sent) == 1
    assert str(sent[0].url) == f"{SHOP}/wp-json/wc/v3/orders"


def test_woocommerce_refusing_with_its_error_body_carries_its_words_and_is_still_retryable_to_other_callers():
    refused, _ = _answers(
        httpx.Response(404, json={"code": "woocommerce_rest_order_invalid_id", "message": "Invalid order ID."})
    )
    proxy, _ = _answers(httpx.Response(429, text="<html>Too many</html>"))

    with pytest.raises(WooCommerceRefused) as refusal:
        WooCommerceClient(refused, SHOP, "ck_1", "cs_1").post(f"{SHOP}/wp-json/wc/v3/orders/9/notes", {"note": "x"})
    with pytest.raises(RetryableError, match=r"WooCommerce answered 429 to DELETE 7$"):
        WooCommerceClient(proxy, SHOP, "ck_1", "cs_1").delete(f"{SHOP}/wp-json/x/7")
    assert (refusal.value.status, refusal.value.code) == (404, "woocommerce_rest_order_invalid_id")
    assert (
        str(refusal.value)
        == "WooCommerce answered 404 to POST notes: woocommerce_rest_order_invalid_id: Invalid order ID."
    )
