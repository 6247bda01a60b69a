"""StripeSimulator: Stripe's payment intents, refunds and events, with signed webhook deliveries, on 127.0.0.1."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence

from localdev.simulators.provider import ProviderSimulator
from localdev.simulators.stripe.app import StripeAccount
from localdev.simulators.stripe.webhooks import RETRY_DELAYS_S, Dispatcher, Endpoint, StripeDelivery


class StripeSimulator(ProviderSimulator[StripeDelivery]):
    """The secret key defaults to a random `sk_test_...` one; read it back from `api_key`.

    With `webhook_url` there is one endpoint from the start, signed with `webhook_secret` (a `whsec_...` secret,
    random when not given; read it back from `webhook_secret`). More endpoints come from `add_endpoint` or
    `POST /_sim/endpoints`. `time_scale` compresses the retry schedule (about three days at 1.0); `clock` gives
    `created` and the signatures' `t=`. `seed` makes the ids repeat from run to run. A Stripe client is given `url`
    instead of `https://api.stripe.com`.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        api_key: str | None = None,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        api_version: str = "2024-06-20",
        time_scale: float = 1.0,
        delivery_timeout_s: float = 30.0,
        retry_delays_s: Sequence[float] = RETRY_DELAYS_S,
        clock: Callable[[], float] = time.time,
        seed: int = 0,
    ) -> None:
        self.api_key = api_key or f"sk_test_{secrets.token_hex(12)}"
        dispatcher = Dispatcher(time_scale, delivery_timeout_s, retry_delays_s, clock)
        self.account = StripeAccount(self.api_key, api_version, seed, dispatcher, clock)
        self.webhook_secret: str | None = None
        if webhook_url is not None:
            self.webhook_secret = self.add_endpoint(webhook_url, webhook_secret).secret
        super().__init__("stripe", port, self.account.application, dispatcher)

    def add_endpoint(self, url: str, secret: str | None = None) -> Endpoint:
        """Before `start` only; once running, use `POST /_sim/endpoints`."""
        return self.account.add_endpoint(url, secret)
