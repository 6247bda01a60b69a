"""SendcloudSimulator: Sendcloud's parcels and their webhooks on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Sequence

from localdev.simulators.provider import ProviderSimulator
from localdev.simulators.sendcloud.app import SendcloudAccount
from localdev.simulators.sendcloud.webhooks import RETRY_DELAYS_S, Dispatcher, SendcloudDelivery, WebhookTarget


class SendcloudSimulator(ProviderSimulator[SendcloudDelivery]):
    """Webhooks go to `webhook_url`, signed with `secret`, when both are given (or set through
    `POST /_sim/webhook`). `time_scale` compresses the retry schedule (10 attempts over about 7 hours at 1.0);
    `timestamp_ms` sends the webhook's timestamps in milliseconds (else seconds): Sendcloud's unit is not documented.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        webhook_url: str | None = None,
        secret: str | None = None,
        time_scale: float = 1.0,
        delivery_timeout_s: float = 10.0,
        retry_delays_s: Sequence[float] = RETRY_DELAYS_S,
        timestamp_ms: bool = True,
    ) -> None:
        target = WebhookTarget(webhook_url, secret) if webhook_url and secret else None
        self.dispatcher = Dispatcher(time_scale, delivery_timeout_s, retry_delays_s, target)
        self.account = SendcloudAccount(self.dispatcher, timestamp_ms)
        super().__init__("sendcloud", port, self.account.application, self.dispatcher)
