"""MollieSimulator: Mollie's payments API v2 and its webhook calls on 127.0.0.1."""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from types import TracebackType

from localdev.simulators.background import BackgroundServer
from localdev.simulators.mollie.app import MollieAccount
from localdev.simulators.mollie.webhooks import RETRY_DELAYS_S, Dispatcher, EventTarget, MollieDelivery

_CALL_TIMEOUT_S = 10.0


class MollieSimulator:
    """The API key defaults to a random `test_...` one; read it back from `api_key`.

    `time_scale` compresses the webhook retry schedule (10 attempts over about 26 hours at 1.0). Next-gen events
    are sent only when both `event_webhook_url` and `signing_secret` are given (or set through
    `POST /_sim/event-webhook`). `seed` makes the ids repeat from run to run.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        api_key: str | None = None,
        time_scale: float = 1.0,
        delivery_timeout_s: float = 15.0,
        retry_delays_s: Sequence[float] = RETRY_DELAYS_S,
        event_webhook_url: str | None = None,
        signing_secret: str | None = None,
        seed: int = 0,
    ) -> None:
        self.api_key = api_key or f"test_{secrets.token_hex(15)}"
        self.signing_secret = signing_secret
        events = EventTarget(event_webhook_url, signing_secret) if event_webhook_url and signing_secret else None
        dispatcher = Dispatcher(time_scale, delivery_timeout_s, retry_delays_s, events)
        self.account = MollieAccount(self.api_key, seed, dispatcher)
        self._server = BackgroundServer("mollie", port)

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def api_base(self) -> str:
        """The base URL a Mollie client is given instead of `https://api.mollie.com/v2`."""
        return f"{self.url}/v2"

    @property
    def deliveries(self) -> list[MollieDelivery]:
        return list(self.account.dispatcher.deliveries)

    def start(self, timeout: float = 10.0) -> MollieSimulator:
        self._server.start(self.account.application, timeout)
        self.account.base_url = self.url
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.stop(timeout)

    def wait_for_deliveries(self, timeout: float = 10.0) -> None:
        """Return once no webhook call is pending or being retried; TimeoutError if that takes too long."""
        deadline = time.monotonic() + timeout
        while not self._server.call(self.account.idle(), _CALL_TIMEOUT_S):
            if time.monotonic() > deadline:
                raise TimeoutError(f"webhook deliveries still pending after {timeout} s")
            time.sleep(0.02)

    def __enter__(self) -> MollieSimulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
