"""MollieSimulator: Mollie's payments API v2 and its webhook calls on 127.0.0.1."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from typing import Self

from localdev.simulators.mollie.app import MollieAccount
from localdev.simulators.mollie.webhooks import RETRY_DELAYS_S, Dispatcher, EventTarget, MollieDelivery
from localdev.simulators.provider import ProviderSimulator


class MollieSimulator(ProviderSimulator[MollieDelivery]):
    """The API key defaults to a random `test_...` one; read it back from `api_key`.

    `time_scale` compresses the webhook retry schedule (10 attempts over about 26 hours at 1.0). Next-gen events
    are sent only when both `event_webhook_url` and `signing_secret` are given (or set through
    `POST /_sim/event-webhook`). `seed` makes the ids repeat from run to run; `clock` gives the times (`createdAt`,
    the idempotency and duplicate-refund windows).
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
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api_key = api_key or f"test_{secrets.token_hex(15)}"
        self.signing_secret = signing_secret
        events = EventTarget(event_webhook_url, signing_secret) if event_webhook_url and signing_secret else None
        dispatcher = Dispatcher(time_scale, delivery_timeout_s, retry_delays_s, events)
        self.account = MollieAccount(self.api_key, seed, dispatcher, clock)
        super().__init__("mollie", port, self.account.application, dispatcher)

    @property
    def api_base(self) -> str:
        """The base URL a Mollie client is given instead of `https://api.mollie.com/v2`."""
        return f"{self.url}/v2"

    def start(self, timeout: float = 10.0) -> Self:
        super().start(timeout)
        self.account.base_url = self.url
        return self
