"""OpenTelemetry for the worker process, set up once (function_app.py calls `configure_telemetry` at import).

In Azure the Functions Python worker configures Azure Monitor itself before it imports the app
(`PYTHON_APPLICATIONINSIGHTS_ENABLE_TELEMETRY=true`, with `"telemetryMode": "OpenTelemetry"` in host.json): it then
tells the host it exports its own logs, so the host stops forwarding them and nothing arrives twice. Koppel adopts
that tracer provider and adds its span processor. Without it (an older worker, the setting left out) Koppel calls
`configure_azure_monitor` itself when APPLICATIONINSIGHTS_CONNECTION_STRING is set. The distro instruments httpx (BC,
the shops, Mollie, Stripe) and the Azure SDK; for local export alone Koppel instruments httpx.

Locally KOPPEL_TELEMETRY_EXPORT sends the spans to the console or to OTEL_EXPORTER_OTLP_ENDPOINT."""

from __future__ import annotations

import logging
import os
import threading
from typing import Literal

from azure.monitor.opentelemetry import configure_azure_monitor
from opentelemetry import trace
from opentelemetry._logs import get_logger_provider, set_logger_provider
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.logging.handler import LoggingHandler
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor

from integrations.telemetry.dimensions import install_on_log_records
from integrations.telemetry.settings import Export, TelemetrySettings
from integrations.telemetry.spans import KoppelSpanProcessor

CONNECTION_STRING = "APPLICATIONINSIGHTS_CONNECTION_STRING"
Configured = Literal["", "adopted", "azure-monitor", "local"]

log = logging.getLogger(__name__)
_lock = threading.Lock()
_configured: Configured | None = None


def configure_telemetry() -> Configured:
    """Once per process, whoever calls: what telemetry this process exports to. `""`: none (no connection string,
    no local export; log records still carry their dimensions); `adopted`: the worker's Azure Monitor set-up;
    `azure-monitor`: Koppel's own; `local`: the console or OTLP alone."""
    global _configured  # noqa: PLW0603 - one set-up per process
    with _lock:
        if _configured is None:
            _configured = _configure(os.environ.get(CONNECTION_STRING, ""), TelemetrySettings().telemetry_export)
        return _configured


def _configure(connection_string: str, export: Export) -> Configured:
    install_on_log_records()
    if not connection_string and not export:
        return ""
    provider = trace.get_tracer_provider()
    configured: Configured
    if isinstance(provider, TracerProvider):
        provider.add_span_processor(KoppelSpanProcessor())
        configured = "adopted"
    elif connection_string:
        configure_azure_monitor(connection_string=connection_string, span_processors=[KoppelSpanProcessor()])
        configured = "azure-monitor"
    else:
        provider = TracerProvider()
        provider.add_span_processor(KoppelSpanProcessor())
        trace.set_tracer_provider(provider)
        configured = "local"
    if export:
        _export_locally(export)
    if not HTTPXClientInstrumentor().is_instrumented_by_opentelemetry:  # the distro instruments httpx itself
        HTTPXClientInstrumentor().instrument()
    if configured == "azure-monitor":
        log.warning(
            "telemetry: the worker did not set up Azure Monitor (PYTHON_APPLICATIONINSIGHTS_ENABLE_TELEMETRY)"
            "; if the host forwards this worker's logs too, each arrives twice"
        )
    log.info("telemetry: %s%s", configured, f", spans to {export}" if export else "")
    return configured


def _export_locally(export: Export) -> None:
    """Spans to the console, or spans and log records to the OTLP endpoint, besides anything else configured."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        return
    if export == "console":
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
        return
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    logs = get_logger_provider()
    if not isinstance(logs, LoggerProvider):
        logs = LoggerProvider()
        set_logger_provider(logs)
        logging.getLogger().addHandler(LoggingHandler(logger_provider=logs))
    logs.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter()))
