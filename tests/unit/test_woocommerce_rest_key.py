"""The WooCommerce REST key sent in the query string (https://woocommerce.github.io/woocommerce-rest-api-docs/
#authentication-over-https) is masked in httpx's request log, and the log line is still written: httpx logs
`'HTTP Request: %s %s "%s %d %s"'` (httpx/_client.py), whose `%d` needs the status code as a number."""

import logging

import httpx
import pytest

from integrations.shops.woocommerce.client import rest_auth


def test_the_request_log_line_is_written_with_the_secret_masked(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger="httpx")
    client = httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(200, json=[])))

    client.get("https://shop.example/wp-json/wc/v3/orders", auth=rest_auth("ck_1", "cs_SECRET", key_in_query=True))

    [line] = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert line.startswith("HTTP Request: GET https://shop.example/wp-json/wc/v3/orders?")
    assert "consumer_secret=***" in line
    assert "cs_SECRET" not in line
    assert line.endswith('"HTTP/1.1 200 OK"')
