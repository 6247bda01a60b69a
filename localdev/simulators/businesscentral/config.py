"""The simulator's settings, fixed when it starts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SimulatorConfig:
    client_id: str
    client_secret: str
    tenant: str = "koppel-demo"
    environment: str = "production"
    latency_ms: int = 0
    token_lifetime_s: float = 3600
    page_size: int = 20000
    max_in_flight: int = 5
    max_queued: int = 100
    rate_limit: int = 6000
    rate_window_s: float = 300
    seed: bool = True
    catalog_items: int = 0
    """Generated items added to the demo data, for benchmarks."""
    price_lines_modified_at: bool = False
    """Serve SystemModifiedAt on KoppelPriceListLines, as a page extension would (page 7005 does not show it)."""
    notification_delay_s: float = 30.0
    """Webhook notifications wait this long after the first change (BC online: 30 s)."""
    notification_collection_threshold: int = 1000
    notification_retry_delay_s: float = 60.0
