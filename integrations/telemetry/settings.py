"""The telemetry setting Koppel reads; Settings includes it, so docs/settings.md lists it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from integrations.app_settings import AppSettings

Export = Literal["", "console", "otlp"]


class TelemetrySettings(AppSettings):
    """Read by integrations/telemetry/setup.py before anything else (it needs none of Koppel's other settings)."""

    model_config = SettingsConfigDict(populate_by_name=True, extra="ignore", use_attribute_docstrings=True)

    telemetry_export: Export = Field("", validation_alias="KOPPEL_TELEMETRY_EXPORT")
    """For a developer (`make up`): `console` prints every span in the host's output, `otlp` sends spans and logs
    to OTEL_EXPORTER_OTLP_ENDPOINT (e.g. `http://localhost:4318`, a local Jaeger or Aspire dashboard); blank: neither.
    Leave it blank in Azure, where APPLICATIONINSIGHTS_CONNECTION_STRING sends everything to Application Insights."""
