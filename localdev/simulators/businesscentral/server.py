"""BusinessCentralSimulator: the simulator served from a background thread with its own event loop."""

from __future__ import annotations

import secrets
from types import TracebackType

from localdev.simulators.background import BackgroundServer
from localdev.simulators.businesscentral.app import Simulation
from localdev.simulators.businesscentral.config import SimulatorConfig
from localdev.simulators.businesscentral.seed import seed_store
from localdev.simulators.businesscentral.store import Store


class BusinessCentralSimulator:
    """A Business Central API v2.0 look-alike on 127.0.0.1; `client_secret` defaults to a random one."""

    def __init__(
        self,
        port: int = 0,
        *,
        client_id: str = "koppel-demo",
        client_secret: str | None = None,
        latency_ms: int = 0,
        token_lifetime_s: float = 3600,
        page_size: int = 20000,
        max_in_flight: int = 5,
        max_queued: int = 100,
        rate_limit: int = 6000,
        rate_window_s: float = 300,
        seed: bool = True,
        tenant: str = "koppel-demo",
        environment: str = "production",
        catalog_items: int = 0,
        price_lines_modified_at: bool = False,
        notification_delay_s: float = 30.0,
        notification_collection_threshold: int = 1000,
        notification_retry_delay_s: float = 60.0,
    ) -> None:
        self.config = SimulatorConfig(
            client_id=client_id,
            client_secret=client_secret if client_secret is not None else secrets.token_urlsafe(24),
            tenant=tenant,
            environment=environment,
            latency_ms=latency_ms,
            token_lifetime_s=token_lifetime_s,
            page_size=page_size,
            max_in_flight=max_in_flight,
            max_queued=max_queued,
            rate_limit=rate_limit,
            rate_window_s=rate_window_s,
            seed=seed,
            catalog_items=catalog_items,
            price_lines_modified_at=price_lines_modified_at,
            notification_delay_s=notification_delay_s,
            notification_collection_threshold=notification_collection_threshold,
            notification_retry_delay_s=notification_retry_delay_s,
        )
        self.store = Store()
        self.company_id = seed_store(self.store, demo_data=seed, catalog_items=catalog_items)
        self.simulation = Simulation(self.config, self.store)
        self.port = port
        self._server = BackgroundServer("BC", port)

    @property
    def client_id(self) -> str:
        return self.config.client_id

    @property
    def client_secret(self) -> str:
        return self.config.client_secret

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def api_base(self) -> str:
        return f"{self.url}/v2.0/{self.config.tenant}/{self.config.environment}/api/v2.0"

    @property
    def odata_base(self) -> str:
        """Where published OData v4 web services live: `{odata_base}/Company('{name}')/{ServiceName}`."""
        return f"{self.url}/v2.0/{self.config.tenant}/{self.config.environment}/ODataV4"

    @property
    def company_name(self) -> str:
        return self.simulation.published.company_name

    @property
    def token_url(self) -> str:
        return f"{self.url}/{self.config.tenant}/oauth2/v2.0/token"

    def start(self, timeout: float = 10.0) -> BusinessCentralSimulator:
        self._server.start(self.simulation.application, timeout)
        self.port = self._server.port
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.stop(timeout)

    def __enter__(self) -> BusinessCentralSimulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
