"""Telemetry: the `koppel.*` dimensions on log records, the once-per-process set-up, and real triggers run against
the BC, WooCommerce and Mollie simulators with the OpenTelemetry SDK exporting in memory: spans for every call, and
no secret, key or e-mail address in any exported span or log record."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import azure.functions as func
import httpx
import pytest
from azure.core.settings import settings as azure_core
from azure.core.tracing.ext.opentelemetry_span import OpenTelemetrySpan
from azure.functions.timer import TimerRequest
from opentelemetry import trace
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.logging.handler import LoggingHandler
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import ProxyTracerProvider
from pydantic import SecretStr

from domain.models import StreamKey
from integrations.per_shop_settings import PER_SHOP_SETTINGS
from integrations.settings import Settings, settings
from integrations.storage.account import ORDERS_QUEUE, PAYMENTS_QUEUE, StorageAccount
from integrations.telemetry import setup
from integrations.telemetry.dimensions import BC_DOCUMENT, PAYMENT, RUN, WEB_ORDER, about, note
from integrations.telemetry.spans import KoppelSpanProcessor, scrubbed
from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.mollie import MollieSimulator
from localdev.simulators.woocommerce import WooCommerceSimulator
from tests.functions.conftest import SECRET, trigger, use_settings
from tests.integration.simulated_bc import bc_client
from tests.support.woocommerce import ShopCustomer, ShopLine, ShopOrder, order_payload, signed_delivery

E_MAIL = re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
CONNECTION = "InstrumentationKey=00000000-0000-0000-0000-000000000000"
log = logging.getLogger("tests.telemetry")


def test_log_records_inside_about_carry_its_dimensions_and_no_others(caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.INFO, logger=log.name):
        log.info("before")
        with about(web_order=StreamKey(source="woocommerce", scope="shop-1", subject="1234"), run="booking"):
            with about(payment="mollie/main/tr_abc"):
                log.info("inside both")
            note(bc_document="SO-1001")
            log.info("the document known")
        log.info("after")
    before, inside, known, after = caplog.records

    assert (getattr(inside, WEB_ORDER), getattr(inside, PAYMENT), getattr(inside, RUN)) == (
        "woocommerce/shop-1/1234",
        "mollie/main/tr_abc",
        "booking",
    )
    assert getattr(known, BC_DOCUMENT) == "SO-1001"
    assert not hasattr(known, PAYMENT), "an inner block's dimensions end with it"
    assert not any(hasattr(record, name) for record in (before, after) for name in (WEB_ORDER, RUN, BC_DOCUMENT))


def test_a_url_keeps_neither_query_user_info_nor_e_mail_address():
    url = "https://koppel:pw@bc.example/api/customers('a.b@example.nl')?$filter=email eq 'anna@example.nl'#top"

    assert scrubbed(url) == "https://bc.example/api/customers('(e-mail)')"
    assert scrubbed("payer anna%40example.nl paid") == "payer (e-mail) paid"
    assert scrubbed("woocommerce/shop-1/1234") == "woocommerce/shop-1/1234"


class _NotInstrumented:
    is_instrumented_by_opentelemetry = False

    def instrument(self) -> None:
        """httpx stays as it is in the set-up tests."""


@pytest.fixture
def azure_monitor_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """A fresh process as far as the set-up knows, with Azure Monitor's configuration recorded, not run."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(setup, "_configured", None)
    monkeypatch.setattr(setup, "configure_azure_monitor", lambda **options: calls.append(options))
    monkeypatch.setattr(setup, "HTTPXClientInstrumentor", _NotInstrumented)
    monkeypatch.setattr(trace, "get_tracer_provider", ProxyTracerProvider)
    monkeypatch.delenv("KOPPEL_TELEMETRY_EXPORT", raising=False)
    return calls


def test_without_a_connection_string_nothing_is_configured(azure_monitor_calls, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(setup.CONNECTION_STRING, raising=False)

    assert setup.configure_telemetry() == ""
    assert azure_monitor_calls == []


def test_azure_monitor_is_configured_once_however_many_threads_ask(azure_monitor_calls, monkeypatch):
    monkeypatch.setenv(setup.CONNECTION_STRING, CONNECTION)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: setup.configure_telemetry(), range(16)))

    assert answers == ["azure-monitor"] * 16
    assert len(azure_monitor_calls) == 1
    assert azure_monitor_calls[0]["connection_string"] == CONNECTION
    assert [type(p) for p in azure_monitor_calls[0]["span_processors"]] == [KoppelSpanProcessor]


def test_the_workers_azure_monitor_is_adopted_not_configured_again(azure_monitor_calls, monkeypatch):
    monkeypatch.setenv(setup.CONNECTION_STRING, CONNECTION)
    workers = TracerProvider()
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: workers)

    assert setup.configure_telemetry() == "adopted"
    assert azure_monitor_calls == []
    processors = workers._active_span_processor._span_processors
    assert [type(p) for p in processors] == [KoppelSpanProcessor]


@pytest.fixture(scope="module")
def bc() -> Iterator[BusinessCentralSimulator]:
    with BusinessCentralSimulator(client_id="telemetry-test") as simulator:
        yield simulator


@pytest.fixture(scope="module")
def mollie() -> Iterator[MollieSimulator]:
    with MollieSimulator() as simulator:
        yield simulator


@pytest.fixture(scope="module")
def woo() -> Iterator[WooCommerceSimulator]:
    with WooCommerceSimulator() as simulator:
        yield simulator


@pytest.fixture
def connected(app_settings: str, bc, mollie, woo, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test's shop reading BC, its WooCommerce REST API (key in the query string) and a Mollie account."""
    shop = app_settings.upper().replace("-", "_")
    values = {
        "KOPPEL_BC_TENANT_ID": bc.config.tenant,
        "KOPPEL_BC_COMPANY_ID": bc.company_id,
        "KOPPEL_BC_CLIENT_ID": bc.client_id,
        "KOPPEL_BC_CLIENT_SECRET": bc.client_secret,
        "KOPPEL_BC_API_URL": bc.url,
        "KOPPEL_BC_TOKEN_URL": bc.token_url,
        f"KOPPEL_WOOCOMMERCE_URL_{shop}": woo.url,
        f"KOPPEL_WOOCOMMERCE_KEY_{shop}": woo.consumer_key,
        f"KOPPEL_WOOCOMMERCE_API_SECRET_{shop}": woo.consumer_secret,
        f"KOPPEL_WOOCOMMERCE_KEY_IN_QUERY_{shop}": "true",
        "KOPPEL_MOLLIE_ACCOUNTS": "main",
        "KOPPEL_MOLLIE_SHOP_MAIN": f"woocommerce:{app_settings}",
        "KOPPEL_MOLLIE_API_KEY_MAIN": mollie.api_key,
        "KOPPEL_MOLLIE_API_URL": mollie.url,
    }
    use_settings(monkeypatch, values)
    return app_settings


@pytest.fixture
def exported(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[InMemorySpanExporter, InMemoryLogRecordExporter]]:
    """The SDK set up as the Functions worker sets up Azure Monitor (its exporters first), then Koppel's set-up;
    what would be exported is kept in memory."""
    spans, logs = InMemorySpanExporter(), InMemoryLogRecordExporter()
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    provider.add_span_processor(SimpleSpanProcessor(spans))
    log_provider = LoggerProvider()
    log_provider.add_log_record_processor(SimpleLogRecordProcessor(logs))
    handler = LoggingHandler(logger_provider=log_provider)
    root = logging.getLogger()
    monkeypatch.setattr(root, "level", logging.INFO)
    root.addHandler(handler)
    RequestsInstrumentor().instrument()  # as the distro does: azure-core's storage calls go through requests
    azure_core.tracing_implementation = OpenTelemetrySpan
    monkeypatch.setattr(setup, "_configured", None)
    monkeypatch.setenv(setup.CONNECTION_STRING, CONNECTION)
    assert setup.configure_telemetry() == "adopted"
    yield spans, logs
    azure_core.tracing_implementation = None
    root.removeHandler(handler)
    RequestsInstrumentor().uninstrument()
    HTTPXClientInstrumentor().uninstrument()
    spans.shutdown()


def test_a_run_of_real_triggers_exports_spans_without_secrets_or_e_mail_addresses(connected, bc, mollie, woo, exported):
    spans, logs = exported
    order = ShopOrder(7001, ShopCustomer("Anna", "de Vries", "anna.devries@example.nl"), (_bc_item_line(bc),))

    trigger("order_worker")(_accepted(connected, order))
    trigger("payment_worker")(_mollie_payment(mollie))
    trigger("recover_orders")(TimerRequest(past_due=False))

    finished = spans.get_finished_spans()
    hosts = {_host(span) for span in finished}
    assert {httpx.URL(sim.url).host for sim in (bc, mollie, woo)} <= hosts, "a span for each BC, shop, provider call"
    web_order = f"woocommerce/{connected}/7001"
    assert any((span.attributes or {}).get(WEB_ORDER) == web_order for span in finished), "BC's calls name the order"
    exported_logs = logs.get_finished_logs()
    about_order = [dict(entry.log_record.attributes or {}) for entry in exported_logs]
    assert any(found.get(WEB_ORDER) == web_order and found.get(BC_DOCUMENT) for found in about_order)
    assert any(found.get(PAYMENT, "").startswith("mollie/main/tr_") for found in about_order)
    assert any(found.get(RUN) == "order-recovery" for found in about_order)
    texts = [_span_text(span) for span in finished] + [_log_text(entry) for entry in exported_logs]
    secrets = _configured_secrets()
    assert [name for name, value in secrets.items() if any(value in text for text in texts)] == []
    assert [match for text in texts for match in E_MAIL.findall(text)] == []


def _bc_item_line(bc: BusinessCentralSimulator) -> ShopLine:
    item = next(item for item in bc_client(bc).get_all("items", {"$top": "20"}) if not item["blocked"])
    return ShopLine(item["number"], item["displayName"], 1, Decimal(str(item["unitPrice"])))


def _accepted(shop: str, order: ShopOrder) -> func.QueueMessage:
    body, headers = signed_delivery(order_payload(order), SECRET)
    request = func.HttpRequest("POST", "http://localhost/", headers=headers, route_params={"shop": shop}, body=body)
    return _taken_off(ORDERS_QUEUE, json.loads(trigger("woocommerce_webhook")(request).get_body())["eventId"])


def _mollie_payment(mollie: MollieSimulator) -> func.QueueMessage:
    created = httpx.post(
        f"{mollie.api_base}/payments",
        json={"amount": {"currency": "EUR", "value": "5.00"}, "description": "Order 7001", "redirectUrl": mollie.url},
        headers={"Authorization": f"Bearer {mollie.api_key}"},
    ).json()
    request = func.HttpRequest(
        "POST",
        "http://localhost/",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        route_params={"account": "main"},
        body=f"id={created['id']}".encode(),
    )
    return _taken_off(PAYMENTS_QUEUE, json.loads(trigger("mollie_webhook")(request).get_body())["eventId"])


def _taken_off(queue_name: str, event_id: str) -> func.QueueMessage:
    """The message the webhook queued, taken off its queue as the host would."""
    queue = StorageAccount(settings().storage_connection.get_secret_value()).queue(queue_name)
    for message in queue.receive_messages(max_messages=32):
        text = base64.b64decode(message.content)
        if event_id.encode() in text:
            queue.delete_message(message)
            return func.QueueMessage(id=message.id, body=text, pop_receipt=message.pop_receipt)
    raise AssertionError(f"{event_id} was not queued on {queue_name}")


def _configured_secrets() -> dict[str, str]:
    """Every configured secret (as the settings model marks them) and REST key, by setting name."""
    secret = {str(field.validation_alias) for field in Settings.model_fields.values() if field.annotation is SecretStr}
    prefixes = tuple(
        f"KOPPEL_{source.upper()}_{kind}_"
        for kind, setting in PER_SHOP_SETTINGS.items()
        if setting.secret or kind.endswith("KEY")
        for source in setting.sources
    )
    return {
        name: value
        for name, value in os.environ.items()
        if (name in secret or name.startswith(prefixes)) and len(value) > 5
    }


def _host(span: ReadableSpan) -> str:
    url = (span.attributes or {}).get("url.full") or (span.attributes or {}).get("http.url") or ""
    return httpx.URL(str(url)).host if url else ""


def _span_text(span: ReadableSpan) -> str:
    events = [(event.name, dict(event.attributes or {})) for event in span.events]
    return json.dumps([span.name, dict(span.attributes or {}), events], default=str)


def _log_text(entry: Any) -> str:
    record = entry.log_record
    return json.dumps([str(record.body), dict(record.attributes or {})], default=str)
