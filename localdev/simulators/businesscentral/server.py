"""BusinessCentralSimulator: the simulator served from a background thread with its own event loop."""

from __future__ import annotations

import asyncio
import secrets
import threading
from types import TracebackType

from aiohttp import web

from localdev.simulators.businesscentral.app import Simulation
from localdev.simulators.businesscentral.config import SimulatorConfig
from localdev.simulators.businesscentral.seed import seed_store
from localdev.simulators.businesscentral.store import Store

HOST = "127.0.0.1"


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
        )
        self.store = Store()
        self.company_id = seed_store(self.store, demo_data=seed)
        self.simulation = Simulation(self.config, self.store)
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    @property
    def client_id(self) -> str:
        return self.config.client_id

    @property
    def client_secret(self) -> str:
        return self.config.client_secret

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.url}/v2.0/{self.config.tenant}/{self.config.environment}/api/v2.0"

    @property
    def token_url(self) -> str:
        return f"{self.url}/{self.config.tenant}/oauth2/v2.0/token"

    def start(self, timeout: float = 10.0) -> BusinessCentralSimulator:
        if self._thread is not None:
            raise RuntimeError("the simulator is already running")
        started = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._open())
            except BaseException as exc:
                failure.append(exc)
                started.set()
                loop.close()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._close())
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=serve, name=f"bc-simulator-{self.port}", daemon=True)
        self._thread.start()
        if not started.wait(timeout):
            raise RuntimeError("the BC simulator did not start in time")
        if failure:
            self._thread.join()
            self._thread = None
            raise RuntimeError(f"the BC simulator could not start on {HOST}:{self.port}") from failure[0]
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        self._thread = None
        self._loop = None

    async def _open(self) -> None:
        runner = web.AppRunner(self.simulation.application(), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, HOST, self.port, reuse_address=True)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def _close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def __enter__(self) -> BusinessCentralSimulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
